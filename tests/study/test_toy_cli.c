/* `losslab toy` and `losslab coeffs` as programs ($LOSSLAB_BIN): bad usage
 * exits 2 with a message naming the problem, a missing data file exits 1
 * naming the file, and small real runs write their JSON and figures. */
#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char out[16384];

/* Run "$LOSSLAB_BIN <args>"; exit code, output into `out`. */
#define run(...) ll_test_run_bin(out, sizeof out, NULL, __VA_ARGS__)

static void expect_usage(const char *args, const char *needle)
{
    int rc = run("%s", args);
    if (rc != 2 || !strstr(out, needle))
        fail_msg("'%s': exit %d, output: %s (expected exit 2 and '%s')", args,
                 rc, out, needle);
}

static void bad_usage_should_exit_2_with_a_message(void **state)
{
    (void)state;
    expect_usage("toy --bogus", "unknown option");
    expect_usage("toy --v 1", "--v");
    expect_usage("toy --v 1,2", "not symmetric");
    expect_usage("toy --act nope", "unknown activation");
    expect_usage("toy --line-points 10", "odd");
    expect_usage("toy --line-lambdas 0,x", "--line-lambdas");
    expect_usage("toy --line-lambdas 0,.1,.2,.3,.4,.5,.6,.7,.8", "at most");
    expect_usage("toy --data x.csv --samples 5", "--samples");
    expect_usage("toy --grid 2", "--grid");
    expect_usage("coeffs --h-4 0", "--h-4");
    expect_usage("coeffs --v 1,2 --width 3", "--v");
    expect_usage("coeffs --line-points 8", "odd");
    expect_usage("coeffs --target y.npy", "--target needs --data");
}

static void missing_data_should_exit_1_naming_the_file(void **state)
{
    (void)state;
    int rc = run("toy --data /nonexistent/toy.csv");
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "/nonexistent/toy.csv"));
    rc = run("coeffs --data /nonexistent/c.csv");
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "/nonexistent/c.csv"));
}

static int exists(const char *dir, const char *name)
{
    char p[2100];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &st) == 0 && st.st_size > 0;
}

static void small_runs_should_write_json_and_figures(void **state)
{
    (void)state;
    const char *dir = ll_test_tmpdir();
    static const char *toy_files[] = {"toy.json", "toy_eigenvalues.png",
        "toy_eigenvalues.svg", "toy_lines.png", "toy_lines.svg",
        "toy_contours.png", "toy_contours.svg"};
    static const char *cf_files[] = {"coeffs.json", "coeffs_line.png",
        "coeffs_line.svg", "coeffs_c2_mu.png", "coeffs_c2_mu.svg"};
    int rc = run("toy --samples 200 --alpha 0.05 --grid 11 --out %s/t", dir);
    if (rc != 0)
        fail_msg("toy: exit %d: %s", rc, out);
    assert_non_null(strstr(out, "symmetry_breaking"));
    char d[1024];
    snprintf(d, sizeof d, "%s/t", dir);
    for (size_t i = 0; i < 7; i++)
        if (!exists(d, toy_files[i]))
            fail_msg("missing %s/%s", d, toy_files[i]);
    rc = run("coeffs --samples 200 --out %s/c --quiet", dir);
    if (rc != 0)
        fail_msg("coeffs: exit %d: %s", rc, out);
    snprintf(d, sizeof d, "%s/c", dir);
    for (size_t i = 0; i < 5; i++)
        if (!exists(d, cf_files[i]))
            fail_msg("missing %s/%s", d, cf_files[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_usage_should_exit_2_with_a_message),
        cmocka_unit_test(missing_data_should_exit_1_naming_the_file),
        cmocka_unit_test(small_runs_should_write_json_and_figures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
