/* The losslab command line, run as a program ($LOSSLAB_BIN): help and
 * version, every class of bad usage (exit 2 and a message naming the
 * problem), bad input files (exit 1 and a message naming the file), and small
 * real traces whose JSON is parsed with cJSON and checked key by key. The
 * problems are tiny (m = 3, N = 100) so the whole program runs in about a
 * second. */
#include "testjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/losslab.h"

static char out[1 << 16];
static const char *SMALL = "--width 3 --samples 100";

/* Run "$LOSSLAB_BIN <args>"; exit code, output into `out`. */
#define run(...) ll_test_run_bin(out, sizeof out, NULL, __VA_ARGS__)

/* A member the JSON must have (the test fails if it is missing). */
#define get ll_test_json_get

static void help_and_version_should_exit_0(void **state)
{
    (void)state;
    static const char *opts[] = {
        "--data", "--target", "--target-col", "--dim", "--samples", "--seed",
        "--noise", "--width", "--alpha", "--act", "--v", "--train-v",
        "--bias", "--lambda-max", "--ds", "--max-steps", "--out", "--json",
        "--quiet", "tanh", "gelu", "Examples", "default: 10"};
    assert_int_equal(run("trace --help"), 0);
    for (size_t i = 0; i < sizeof opts / sizeof *opts; i++)
        ll_test_expect_in(out, opts[i]);
    assert_int_equal(run("help trace"), 0);
    ll_test_expect_in(out, "--lambda-max");
    assert_int_equal(run("gen --help"), 0);
    ll_test_expect_in(out, "--out FILE");
    assert_int_equal(run("help"), 0);
    ll_test_expect_in(out, "trace");
    assert_int_equal(run("--version"), 0);
    ll_test_expect_in(out, ll_version());
    ll_test_expect_in(out, ll_git_revision());
}

static void bad_usage_should_exit_2_and_name_the_problem(void **state)
{
    (void)state;
    static const char *cases[][2] = {
        {"trace --bogus", "unknown option '--bogus'"},
        {"trace --width", "--width: missing value"},
        {"trace --width abc", "--width: expected an integer in [1, 16777216], got 'abc'"},
        {"trace --width 0", "--width: expected an integer in [1, 16777216], got '0'"},
        {"trace --width 3x", "got '3x'"},
        {"trace --alpha -1", "--alpha: expected a number >= 0, got '-1'"},
        {"trace --alpha nan", "--alpha: expected a number >= 0, got 'nan'"},
        {"trace --lambda-max 0", "--lambda-max: expected a number in (0, 100]"},
        {"trace --seed -3", "--seed: expected a non-negative integer"},
        {"trace --width 3 --v 1,2", "--v: 2 values given, --width is 3"},
        {"trace --v linspace:1", "--v: expected linspace:A:B"},
        {"trace --v 1,x,3 --width 3", "--v: expected linspace:A:B, ones or"},
        {"trace --act relu6", "unknown activation 'relu6' (valid: tanh"},
        {"trace --target y.npy", "--target needs --data"},
        {"trace --data x.csv --seed 3", "--seed sets up the generator"},
        {"trace --quiet=1", "--quiet takes no value"},
        {"trace extra", "unexpected argument 'extra'"},
        {"frobnicate", "unknown command 'frobnicate'"},
        {"gen", "--out FILE is required"},
        {"gen --out x.csv --samples 0", "--samples: expected an integer >= 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int rc = run("%s", cases[i][0]);
        if (rc != 2)
            fail_msg("'%s' exited %d, expected 2:\n%s", cases[i][0], rc, out);
        ll_test_expect_in(out, cases[i][1]);
    }
    assert_int_equal(run(""), 2); /* no command at all */
}

static void bad_input_files_should_fail_and_name_the_file(void **state)
{
    (void)state;
    const char *dir = ll_test_tmpdir();
    assert_int_equal(run("trace --data %s/missing.csv %s", dir, "--width 3"), 1);
    ll_test_expect_in(out, "missing.csv");
    const char *bad = ll_test_write(dir, "bad.csv", "1,2,3\n4,oops,6\n", -1);
    assert_int_equal(run("trace --data %s --width 3", bad), 1);
    ll_test_expect_in(out, "bad.csv");
    const char *ragged = ll_test_write(dir, "ragged.csv", "1,2,3\n4,5\n", -1);
    assert_int_equal(run("trace --data %s --width 3", ragged), 1);
    ll_test_expect_in(out, "ragged.csv");
}

static void unwritable_outputs_should_fail_before_the_run(void **state)
{
    (void)state;
    const char *dir = ll_test_tmpdir();
    assert_int_equal(run("trace %s --json %s/no/such/t.json", SMALL, dir), 1);
    ll_test_expect_in(out, "io: cannot write");
    ll_test_expect_in(out, "no/such/t.json");
    const char *file = ll_test_write(dir, "afile", "x", 1);
    assert_int_equal(run("trace %s --out %s/sub", SMALL, file), 1);
    ll_test_expect_in(out, "cannot create directory");
    assert_int_equal(run("trace %s --json %s", SMALL, dir), 1);
    ll_test_expect_in(out, "Is a directory");
    /* Nothing was computed: no summary line was printed. */
    assert_null(strstr(out, "lambda1'(0)"));
}

static void check_event(const cJSON *e)
{
    static const char *num_keys[] = {"lambda", "index_before", "index_after",
                                     "mu2", "kernel_ratio", "loss",
                                     "grad_norm"};
    static const char *keys[] = {"dmu1_dlambda", "g_p", "g_aa", "g_ap",
                                 "g_aaa", "g_aaa_bare", "normal_form"};
    const char *type = get(e, "type")->valuestring;
    assert_non_null(type);
    assert_true(strcmp(type, "fold") == 0 || strcmp(type, "branch_point") == 0 ||
                strcmp(type, "multiple_branch_point") == 0);
    for (size_t k = 0; k < sizeof num_keys / sizeof *num_keys; k++)
        if (!cJSON_IsNumber(get(e, num_keys[k])))
            fail_msg("event '%s' is not a number", num_keys[k]);
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        get(e, keys[k]); /* number, or null (dmu1_dlambda at a fold) */
}

static void check_branch(const cJSON *b)
{
    static const char *arrays[] = {"lambda", "mu", "index", "loss",
                                   "grad_norm"};
    int len = cJSON_GetArraySize(get(b, "lambda"));
    assert_true(len >= 2);
    for (size_t k = 0; k < 5; k++) {
        assert_true(cJSON_IsArray(get(b, arrays[k])));
        assert_int_equal(cJSON_GetArraySize(get(b, arrays[k])), len);
    }
    const cJSON *mu0 = cJSON_GetArrayItem(get(b, "mu"), 0);
    assert_true(cJSON_IsArray(mu0));
    assert_int_equal(cJSON_GetArraySize(mu0), 6);
    assert_true(cJSON_GetArrayItem(get(b, "lambda"), 0)->valuedouble == 0.0);
}

static void small_trace_should_write_json_with_every_required_key(void **state)
{
    (void)state;
    char dir[256], json[300];
    snprintf(dir, sizeof dir, "%s", ll_test_tmpdir());
    snprintf(json, sizeof json, "%s/t.json", dir);
    /* Only stderr is captured: --quiet must leave it empty. */
    int rc = run("trace %s --quiet --json %s --out %s/out 2>&1 >/dev/null",
                 SMALL, json, dir);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "");
    cJSON *root = ll_test_parse_json_file(json);
    const cJSON *cfg = get(root, "config");
    assert_true(cJSON_IsObject(cfg));
    assert_int_equal(get(cfg, "width")->valueint, 3);
    assert_int_equal(get(cfg, "samples")->valueint, 100);
    assert_true(cJSON_IsNumber(get(cfg, "seed")));
    assert_string_equal(get(cfg, "version")->valuestring, ll_version());
    assert_true(cJSON_IsString(get(cfg, "git_revision")));
    assert_non_null(strstr(get(cfg, "command_line")->valuestring, "--width 3"));
    assert_true(cJSON_IsNumber(get(root, "lambda1_prime0")));
    get(root, "lambda_star_predicted"); /* number, or null if no softening */
    const cJSON *ev = get(root, "events");
    assert_true(cJSON_IsArray(ev));
    for (int i = 0; i < cJSON_GetArraySize(ev); i++)
        check_event(cJSON_GetArrayItem(ev, i));
    check_branch(get(root, "branch"));
    cJSON *root2 = ll_test_parse_json_file(strcat(dir, "/out/trace.json"));
    /* Same run, same numbers; only the timings may differ. */
    assert_true(cJSON_Compare(get(root, "branch"), get(root2, "branch"), 1));
    cJSON_Delete(root2);
    cJSON_Delete(root);
}

static void summary_should_report_prediction_first_event_and_end(void **state)
{
    (void)state;
    assert_int_equal(run("trace %s 2>/dev/null", SMALL), 0);
    ll_test_expect_in(out, "problem: m = 3, d = 5, N = 100");
    ll_test_expect_in(out, "lambda1'(0) = ");
    ll_test_expect_in(out, "predicted lambda*");
    if (!strstr(out, "first event: ") && !strstr(out, "no event on [0, 1]"))
        fail_msg("no event line in:\n%s", out);
    ll_test_expect_in(out, "run: ");
}

/* The generated data written to a file and read back must give the very same
 * trace: CSV and .npy both carry every bit (%.17g, raw float64). */
static void gen_file_should_reproduce_the_generator_run(void **state)
{
    (void)state;
    static const char *ext[] = {"csv", "npy"};
    char dir[256], path[300], j0[300], j1[300];
    snprintf(dir, sizeof dir, "%s", ll_test_tmpdir());
    snprintf(j0, sizeof j0, "%s/gen.json", dir);
    assert_int_equal(run("trace %s --quiet --json %s", SMALL, j0), 0);
    cJSON *a = ll_test_parse_json_file(j0);
    for (int k = 0; k < 2; k++) {
        snprintf(path, sizeof path, "%s/d.%s", dir, ext[k]);
        snprintf(j1, sizeof j1, "%s/file_%s.json", dir, ext[k]);
        assert_int_equal(run("gen --samples 100 --out %s", path), 0);
        ll_test_expect_in(out, "wrote");
        assert_int_equal(run("trace --data %s --width 3 --quiet --json %s",
                             path, j1), 0);
        cJSON *b = ll_test_parse_json_file(j1);
        assert_string_equal(get(get(get(b, "config"), "data"), "source")->valuestring,
                            "file");
        assert_true(get(a, "lambda1_prime0")->valuedouble ==
                    get(b, "lambda1_prime0")->valuedouble);
        assert_true(cJSON_Compare(get(a, "branch"), get(b, "branch"), 1));
        cJSON_Delete(b);
    }
    cJSON_Delete(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help_and_version_should_exit_0),
        cmocka_unit_test(bad_usage_should_exit_2_and_name_the_problem),
        cmocka_unit_test(bad_input_files_should_fail_and_name_the_file),
        cmocka_unit_test(unwritable_outputs_should_fail_before_the_run),
        cmocka_unit_test(small_trace_should_write_json_with_every_required_key),
        cmocka_unit_test(summary_should_report_prediction_first_event_and_end),
        cmocka_unit_test(gen_file_should_reproduce_the_generator_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
