/* The other writers: branch.csv (header and exact %.17g rows), the figure
 * (PNG and SVG magic, refusal of other extensions), the --out directory with
 * its four files, and data files read back by the data module. */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

#include "fake.h"

/* Fontconfig (through cairo's text) keeps a few hundred bytes of caches that
 * it frees only in FcFini; tell LeakSanitizer (ASan builds) that this is not
 * ours. A weak hook the sanitizer runtime looks up; unused otherwise. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig\n"; }

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    char *s = fake_calloc((size_t)n + 1, 1);
    assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    if (len)
        *len = (size_t)n;
    return s;
}

static void branch_csv_should_have_header_and_exact_rows(void **state)
{
    (void)state;
    ll_cont_result r;
    char path[300];
    memset(&r, 0, sizeof r);
    fake_branch(&r.branch);
    snprintf(path, sizeof path, "%s/branch.csv", ll_test_tmpdir());
    assert_int_equal(ll_io_write_branch_csv(path, &r, NULL), LL_OK);
    char *text = slurp(path, NULL), *line = text, *next;
    next = strchr(line, '\n');
    *next = '\0';
    assert_string_equal(line, "lambda,s,tp,index,loss,grad_norm,mu1,mu2,mu3");
    for (size_t i = 0; i < FAKE_LEN; i++) {
        line = next + 1;
        next = strchr(line, '\n');
        assert_non_null(next);
        *next = '\0';
        char *end;
        double v[9];
        for (int c = 0; c < 9; c++, line = end + 1)
            v[c] = strtod(line, &end);
        assert_true(v[0] == r.branch.p[i]);
        assert_true(v[3] == r.branch.index[i]);
        assert_true(v[5] == r.branch.grad_norm[i]);
        assert_true(v[8] == r.branch.mu[i * FAKE_EIGS + 2]);
    }
    assert_int_equal(next[1], '\0'); /* nothing after the last row */
    free(text);
    ll_cont_result_free(&r);
}

static void figure_should_be_png_or_svg_by_extension(void **state)
{
    (void)state;
    ll_cont_result r;
    char dir[256], path[300];
    ll_errbuf eb = {{0}};
    size_t n;
    memset(&r, 0, sizeof r);
    fake_branch(&r.branch);
    r.events = fake_calloc(1, sizeof(ll_event));
    r.n_events = 1;
    fake_event(&r.events[0]);
    snprintf(dir, sizeof dir, "%s", ll_test_tmpdir());
    snprintf(path, sizeof path, "%s/f.png", dir);
    assert_int_equal(ll_io_plot_eigenvalues(path, &r, NULL, &eb), LL_OK);
    char *png = slurp(path, &n);
    assert_true(n > 1000);
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    free(png);
    snprintf(path, sizeof path, "%s/f.svg", dir);
    assert_int_equal(ll_io_plot_eigenvalues(path, &r, NULL, &eb), LL_OK);
    char *svg = slurp(path, &n);
    assert_memory_equal(svg, "<?xml", 5);
    assert_non_null(strstr(svg, "<svg"));
    free(svg);
    snprintf(path, sizeof path, "%s/f.gif", dir);
    assert_int_equal(ll_io_plot_eigenvalues(path, &r, NULL, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, ".png or .svg"));
    ll_cont_result_free(&r);
}

static void figure_should_survive_an_empty_branch(void **state)
{
    (void)state;
    ll_cont_result r;
    char path[300];
    memset(&r, 0, sizeof r);
    snprintf(path, sizeof path, "%s/empty.png", ll_test_tmpdir());
    assert_int_equal(ll_io_plot_eigenvalues(path, &r, NULL, NULL), LL_OK);
}

static void trace_dir_should_create_dir_and_write_four_files(void **state)
{
    (void)state;
    ll_trace_opts o = ll_trace_opts_default();
    ll_data_source src = ll_data_source_default();
    ll_trace_result res;
    char dir[300], path[400];
    static const char *names[] = {"trace.json", "branch.csv",
                                  "eigenvalues.png", "eigenvalues.svg"};
    fake_trace_result(&res);
    ll_trace_report rep = {&o, &src, NULL, &res};
    snprintf(dir, sizeof dir, "%s/out/nested", ll_test_tmpdir());
    assert_int_equal(ll_io_write_trace_dir(dir, &rep, NULL), LL_OK);
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *fp = fopen(path, "rb");
        if (!fp)
            fail_msg("%s missing", path);
        fclose(fp);
    }
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(n, 4); /* and no temporaries */
    ll_trace_result_free(&res);
}

static void data_files_should_read_back_exactly(void **state)
{
    (void)state;
    static const double X[6] = {1.0, -2.5, 1e-300, 0.1, 3.0, -7.25};
    static const double y[3] = {0.5, 1.0 / 3.0, -1e10};
    ll_data D = {0}, E = {0};
    const char *ext[] = {"csv", "npy"};
    char path[300];
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_data_from_arrays(&D, 3, 2, X, y, &eb), LL_OK);
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/d.%s", ll_test_tmpdir(), ext[k]);
        assert_int_equal(ll_io_write_data(path, &D, &eb), LL_OK);
        if (ll_data_read(&E, path, NULL, -1, &eb) != LL_OK)
            fail_msg("%s: %s", path, eb.msg);
        assert_int_equal(E.n, 3);
        assert_int_equal(E.d, 2);
        for (int i = 0; i < 6; i++)
            assert_true(E.X[i] == X[i]);
        for (int i = 0; i < 3; i++)
            assert_true(E.y[i] == y[i]);
        ll_data_free(&E);
    }
    snprintf(path, sizeof path, "%s/d.txt", ll_test_tmpdir());
    assert_int_equal(ll_io_write_data(path, &D, &eb), LL_ERR_ARG);
    ll_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(branch_csv_should_have_header_and_exact_rows),
        cmocka_unit_test(figure_should_be_png_or_svg_by_extension),
        cmocka_unit_test(figure_should_survive_an_empty_branch),
        cmocka_unit_test(trace_dir_should_create_dir_and_write_four_files),
        cmocka_unit_test(data_files_should_read_back_exactly),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    ll_io_shutdown(); /* the figures' font caches: no leak for valgrind */
    return rc;
}
