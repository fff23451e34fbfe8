/* `losslab paper` run as a program ($LOSSLAB_BIN) on a reduced problem
 * (widths 3,5,10, N = 200, toy N = 400, two a values, two other data
 * draws: about a second), once for the whole file:
 *   - every result file and figure exists; every PNG has the PNG signature
 *     and an IHDR chunk of length 13 with a nonzero size; every SVG starts
 *     with <?xml or <svg and its tags balance (a small scanner below);
 *   - report.md and report.html reference every figure, the HTML embeds
 *     each as a base64 PNG, loads nothing from outside, and its tags
 *     balance too (void elements allowed);
 *   - report.json holds the table, and its losslab values are the ones in
 *     the experiments' own JSON files (computed, not written in the text);
 *   - optional: report.html loads in headless Chromium (skipped with a
 *     message when /usr/bin/chromium or $LOSSLAB_CHROMIUM is absent). */
#include "testutil.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAPER_ARGS "--widths 3,5,10 --samples 200 --toy-samples 400 " \
                   "--a-values 0.5,1 --seed-draws 2 --jobs 2 --quiet"

static char g_dir[1024];
static char out[1 << 16];

static const char *figures[] = {
    "toy/toy_eigenvalues", "toy/toy_lines", "toy/toy_contours",
    "trace/eigenvalues",   "coeffs/coeffs_line", "coeffs/coeffs_c2_mu",
    "phase/phase",         "widths/widths"};
#define N_FIG (sizeof figures / sizeof figures[0])

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
    s[n] = '\0';
    fclose(fp);
    if (len)
        *len = (size_t)n;
    return s;
}

static int setup(void **state)
{
    (void)state;
    const char *bin = getenv("LOSSLAB_BIN");
    char cmd[4096];
    if (!bin)
        return -1;
    snprintf(g_dir, sizeof g_dir, "%s/paper", ll_test_tmpdir());
    snprintf(cmd, sizeof cmd, "'%s' paper --out '%s' %s", bin, g_dir,
             PAPER_ARGS);
    int rc = ll_test_run(cmd, out, sizeof out);
    if (rc != 0)
        fprintf(stderr, "losslab paper exited %d:\n%s\n", rc, out);
    return rc == 0 ? 0 : -1;
}

static void paper_should_write_every_result_file_and_figure(void **state)
{
    static const char *files[] = {
        "report.md", "report.html", "report.json", "toy/toy.json",
        "trace/trace.json", "trace/branch.csv", "coeffs/coeffs.json",
        "phase/phase.json", "widths/widths.json"};
    char path[2048];
    struct stat st;
    (void)state;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", g_dir, files[i]);
        if (stat(path, &st) != 0 || st.st_size == 0)
            fail_msg("missing or empty: %s", path);
    }
    for (size_t i = 0; i < N_FIG; i++)
        for (int e = 0; e < 2; e++) {
            snprintf(path, sizeof path, "%s/%s.%s", g_dir, figures[i],
                     e ? "svg" : "png");
            if (stat(path, &st) != 0 || st.st_size == 0)
                fail_msg("missing or empty figure: %s", path);
        }
}

static unsigned be32(const unsigned char *p)
{
    return (unsigned)p[0] << 24 | (unsigned)p[1] << 16 | (unsigned)p[2] << 8 |
           p[3];
}

static void every_png_should_have_the_signature_and_an_ihdr_chunk(void **st)
{
    static const unsigned char magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n',
                                           0x1a, '\n'};
    char name[256];
    (void)st;
    for (size_t i = 0; i < N_FIG; i++) {
        size_t n;
        snprintf(name, sizeof name, "%s.png", figures[i]);
        unsigned char *p = (unsigned char *)slurp(g_dir, name, &n);
        assert_true(n > 33);
        if (memcmp(p, magic, 8) != 0)
            fail_msg("%s: not a PNG signature", name);
        /* First chunk: length 13, type IHDR, width and height > 0. */
        assert_int_equal(be32(p + 8), 13);
        assert_memory_equal(p + 12, "IHDR", 4);
        assert_true(be32(p + 16) > 0 && be32(p + 20) > 0);
        free(p);
    }
}

/* Tag balance: every <name ...> is closed by </name> in order, except
 * self-closing tags, void elements (HTML) and <?...?>, <!--...-->,
 * <!DOCTYPE ...>, <![CDATA[...]]>. Returns the number of elements seen, or
 * -1 (with a message) when the nesting is broken. */
static int tag_balance(const char *s, int html, char *why, size_t wn)
{
    static const char *voids[] = {"meta", "img", "br", "hr", "link", "input"};
    char stack[256][32];
    int depth = 0, count = 0;
    for (const char *p = strchr(s, '<'); p; p = strchr(p + 1, '<')) {
        if (!strncmp(p, "<?", 2) || !strncmp(p, "<!--", 4) ||
            !strncmp(p, "<![CDATA[", 9) || !strncmp(p, "<!", 2)) {
            const char *end = !strncmp(p, "<!--", 4) ? strstr(p, "-->")
                              : !strncmp(p, "<![CDATA[", 9) ? strstr(p, "]]>")
                                                            : strchr(p, '>');
            if (!end)
                return snprintf(why, wn, "unterminated <! or <?"), -1;
            p = end;
            continue;
        }
        const char *gt = strchr(p, '>');
        if (!gt)
            return snprintf(why, wn, "unterminated tag"), -1;
        int closing = p[1] == '/';
        const char *n0 = p + 1 + closing;
        size_t nl = strcspn(n0, " \t\r\n/>");
        char name[32];
        if (nl == 0 || nl >= sizeof name)
            return snprintf(why, wn, "bad tag name at %.20s", p), -1;
        memcpy(name, n0, nl);
        name[nl] = '\0';
        int self = gt[-1] == '/';
        for (size_t v = 0; html && v < sizeof voids / sizeof voids[0]; v++)
            self |= !strcmp(name, voids[v]);
        if (closing) {
            if (depth == 0 || strcmp(stack[depth - 1], name) != 0)
                return snprintf(why, wn, "</%s> does not close <%s>", name,
                                depth ? stack[depth - 1] : "(none)"), -1;
            depth--;
        } else if (!self) {
            if (depth == 256)
                return snprintf(why, wn, "nesting too deep"), -1;
            strcpy(stack[depth++], name);
        }
        count += !closing;
        p = gt;
    }
    if (depth)
        return snprintf(why, wn, "<%s> never closed", stack[depth - 1]), -1;
    return count;
}

static void every_svg_should_be_well_formed(void **state)
{
    char name[256], why[256];
    (void)state;
    for (size_t i = 0; i < N_FIG; i++) {
        snprintf(name, sizeof name, "%s.svg", figures[i]);
        char *s = slurp(g_dir, name, NULL);
        if (strncmp(s, "<?xml", 5) != 0 && strncmp(s, "<svg", 4) != 0)
            fail_msg("%s does not start with <?xml or <svg", name);
        if (!strstr(s, "<svg"))
            fail_msg("%s has no <svg> element", name);
        if (tag_balance(s, 0, why, sizeof why) < 1)
            fail_msg("%s: %s", name, why);
        free(s);
    }
}

static size_t count(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

static void reports_should_reference_every_figure(void **state)
{
    char md_ref[256], why[256];
    (void)state;
    char *md = slurp(g_dir, "report.md", NULL);
    char *html = slurp(g_dir, "report.html", NULL);
    for (size_t i = 0; i < N_FIG; i++) {
        snprintf(md_ref, sizeof md_ref, "](%s.png)", figures[i]);
        if (!strstr(md, md_ref))
            fail_msg("report.md does not show %s.png", figures[i]);
        snprintf(md_ref, sizeof md_ref, "%s.svg", figures[i]);
        if (!strstr(md, md_ref) || !strstr(html, md_ref))
            fail_msg("a report does not link %s", md_ref);
    }
    /* One embedded PNG per figure, nothing loaded from elsewhere. */
    assert_int_equal(count(html, "src=\"data:image/png;base64,iVBORw0KGgo"),
                     N_FIG);
    assert_int_equal(count(html, "src=\""), N_FIG);
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "<link"));
    assert_null(strstr(html, "url("));
    if (tag_balance(html, 1, why, sizeof why) < 1)
        fail_msg("report.html: %s", why);
    free(md);
    free(html);
}

static cJSON *load_json(const char *name)
{
    char *s = slurp(g_dir, name, NULL);
    cJSON *j = cJSON_Parse(s);
    free(s);
    if (!j)
        fail_msg("%s is not valid JSON", name);
    return j;
}

static const cJSON *row(const cJSON *rep, const char *key)
{
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItem(rep, "rows"))
        if (!strcmp(cJSON_GetObjectItem(r, "key")->valuestring, key))
            return r;
    fail_msg("report.json has no row '%s'", key);
    return NULL;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItem(o, key);
    if (!cJSON_IsNumber(v))
        fail_msg("'%s' is not a number", key);
    return v->valuedouble;
}

static void report_json_values_should_come_from_the_experiment_files(void **s)
{
    (void)s;
    cJSON *rep = load_json("report.json"), *tr = load_json("trace/trace.json");
    cJSON *wi = load_json("widths/widths.json");
    cJSON *cf = load_json("coeffs/coeffs.json");
    const cJSON *cfg = cJSON_GetObjectItem(rep, "config");
    assert_true(cJSON_IsString(cJSON_GetObjectItem(cfg, "version")));
    assert_true(cJSON_IsString(cJSON_GetObjectItem(cfg, "git_revision")));
    /* Exact equality: both files print the same double in its shortest
     * exact form. */
    const cJSON *ev0 = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "events"), 0);
    assert_non_null(ev0);
    assert_true(num(row(rep, "lambda_star"), "losslab") == num(ev0, "lambda"));
    assert_true(num(row(rep, "lambda_star"), "paper") == 0.721);
    assert_true(num(row(rep, "kernel_ratio"), "losslab") ==
                num(ev0, "kernel_ratio"));
    const cJSON *fit = cJSON_GetObjectItem(wi, "fit");
    assert_true(num(row(rep, "K"), "losslab") == num(fit, "K"));
    assert_true(num(row(rep, "slope"), "losslab") == num(fit, "slope"));
    const cJSON *co = cJSON_GetObjectItem(cJSON_GetObjectItem(cf, "event"),
                                          "coefficients");
    assert_true(num(row(rep, "ratio_aa_aaa"), "losslab") ==
                num(co, "ratio_aa_aaa"));
    /* The verdict follows the printed-digits rule. */
    const cJSON *ls = row(rep, "lambda_star");
    int agrees = fabs(num(ls, "losslab") - 0.721) <= 5e-4;
    assert_int_equal(agrees, !strcmp(cJSON_GetObjectItem(ls, "verdict")
                                         ->valuestring, "agrees"));
    assert_true(strlen(cJSON_GetObjectItem(ls, "note")->valuestring) > 40);
    cJSON_Delete(rep), cJSON_Delete(tr), cJSON_Delete(wi), cJSON_Delete(cf);
}

static void report_html_should_load_in_headless_chromium(void **state)
{
    (void)state;
    const char *chrome = getenv("LOSSLAB_CHROMIUM");
    if (!chrome)
        chrome = "/usr/bin/chromium";
    if (access(chrome, X_OK) != 0) {
        print_message("skipped: no Chromium at %s (set LOSSLAB_CHROMIUM)\n",
                      chrome);
        skip();
    }
    char cmd[4096];
    const char *prof = ll_test_tmpdir();
    snprintf(cmd, sizeof cmd, "timeout 60 '%s' --headless --no-sandbox "
             "--disable-gpu --disable-background-networking "
             "--disable-component-update --disable-sync --no-first-run "
             "--user-data-dir='%s' --dump-dom 'file://%s/report.html' "
             "2>/dev/null", chrome, prof, g_dir);
    static char dom[1 << 22];
    int rc = ll_test_run(cmd, dom, sizeof dom);
    if (rc != 0)
        fail_msg("chromium exited %d", rc);
    /* The DOM it built: the whole page, every figure. */
    assert_non_null(strstr(dom, "</html>"));
    assert_non_null(strstr(dom, "Exp 6"));
    assert_int_equal(count(dom, "<img"), N_FIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paper_should_write_every_result_file_and_figure),
        cmocka_unit_test(every_png_should_have_the_signature_and_an_ihdr_chunk),
        cmocka_unit_test(every_svg_should_be_well_formed),
        cmocka_unit_test(reports_should_reference_every_figure),
        cmocka_unit_test(report_json_values_should_come_from_the_experiment_files),
        cmocka_unit_test(report_html_should_load_in_headless_chromium),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
