/* `losslab diagram` run as a program ($LOSSLAB_BIN): usage errors (exit 2
 * naming the option), the paper's symmetric toy (d = 1, m = 2, v = (1, 1)):
 * with alpha = 0 the event at the linear end is reported as such, with
 * alpha > 0 a pitchfork with two minima and the Morse statement; a small
 * m = 3 model with equal v: the S_3 double crossing switched inside the
 * fixed-point subspace; --param alpha. JSON parsed with cJSON and checked
 * key by key; figure files exist. Problems are tiny (N <= 400, P <= 6). */
#include "testjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char out[1 << 16];

/* Run "$LOSSLAB_BIN <args>"; exit code, output into `out`. */
#define run(...) ll_test_run_bin(out, sizeof out, NULL, __VA_ARGS__)

/* A member the JSON must have (the test fails if it is missing). */
#define get ll_test_json_get

static void expect_keys(const cJSON *o, const char *const *keys)
{
    for (size_t i = 0; keys[i]; i++)
        (void)get(o, keys[i]);
}

static const char *const top_keys[] = {"config", "status", "reason", "start",
    "reference_event", "symmetry", "branches", "events", "checks", NULL};
static const char *const config_keys[] = {"data", "toy_data", "dim",
    "samples", "width", "nparams", "alpha", "act", "v", "train_v", "bias",
    "param", "lambda_fixed", "p_min", "p_max", "depth", "max_branches", "y",
    "continuation", "seed", "version", "git_revision", "command_line", NULL};
static const char *const branch_keys[] = {"id", "parent_event", "side",
    "subspace", "depth", "status", "reason", "switch_method", "p", "index",
    "loss", "amplitude", "norm", "mu1", "events", NULL};
static const char *const event_keys[] = {"id", "branch", "type", "p",
    "at_start", "located", "index_before", "index_after", "mu1", "mu2",
    "coefficients", "same_as", "switched", "born", "meets", "morse", "status",
    "reason", NULL};
static const char *const morse_keys[] = {"known_index_minus",
    "known_index_plus", "degree_minus", "degree_plus", "degree_ok",
    "normal_form_ok", "statement", NULL};

static void check_structure(const cJSON *root)
{
    expect_keys(root, top_keys);
    expect_keys(get(root, "config"), config_keys);
    const cJSON *b, *e;
    cJSON_ArrayForEach(b, get(root, "branches"))
    {
        expect_keys(b, branch_keys);
        int n = cJSON_GetArraySize(get(b, "p"));
        assert_true(n >= 1);
        assert_int_equal(cJSON_GetArraySize(get(b, "index")), n);
        assert_int_equal(cJSON_GetArraySize(get(b, "amplitude")), n);
    }
    cJSON_ArrayForEach(e, get(root, "events"))
    {
        expect_keys(e, event_keys);
        expect_keys(get(e, "morse"), morse_keys);
    }
}

static const cJSON *event0(const cJSON *root)
{
    const cJSON *e = cJSON_GetArrayItem(get(root, "events"), 0);
    if (!e)
        fail_msg("no event in the diagram");
    return e;
}

static void bad_usage_should_exit_2_and_name_the_option(void **state)
{
    (void)state;
    assert_int_equal(run("diagram --param beta"), 2);
    assert_non_null(strstr(out, "--param"));
    assert_int_equal(run("diagram --y energy"), 2);
    assert_non_null(strstr(out, "--y"));
    assert_int_equal(run("diagram --width 3 --v 1,2"), 2);
    assert_non_null(strstr(out, "--v"));
    assert_int_equal(run("diagram --param alpha --alpha 2 --alpha-max 1"), 2);
    assert_non_null(strstr(out, "--alpha"));
    assert_int_equal(run("diagram --data x.csv --toy"), 2);
    assert_int_equal(run("diagram --help"), 0);
    assert_non_null(strstr(out, "--depth"));
}

static void toy_at_alpha_zero_should_report_the_degenerate_linear_end(
    void **state)
{
    (void)state;
    const char *dir = ll_test_tmpdir();
    assert_int_equal(run("diagram --toy --width 2 --v ones --alpha 0 "
                         "--samples 300 --quiet --json %s/d.json", dir), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/d.json", dir);
    cJSON *root = ll_test_parse_json_file(path);
    check_structure(root);
    assert_true(cJSON_IsTrue(get(get(root, "start"), "degenerate")));
    const cJSON *e = event0(root);
    assert_true(cJSON_IsTrue(get(e, "at_start")));
    assert_true(get(e, "p")->valuedouble == 0.0);
    assert_int_equal(get(e, "index_before")->valueint, -1);
    cJSON_Delete(root);
}

static void toy_with_alpha_should_find_two_minima_at_a_pitchfork(void **state)
{
    (void)state;
    const char *dir = ll_test_tmpdir();
    assert_int_equal(run("diagram --toy --width 2 --v ones --alpha 0.004 "
                         "--samples 300 --z2 --out %s", dir), 0);
    assert_non_null(strstr(out, "two minima born"));
    char path[512];
    for (int f = 0; f < 3; f++) {
        static const char *names[] = {"diagram.json", "diagram.png",
                                      "diagram.svg"};
        snprintf(path, sizeof path, "%s/%s", dir, names[f]);
        FILE *fp = fopen(path, "rb");
        assert_non_null(fp);
        fclose(fp);
    }
    snprintf(path, sizeof path, "%s/diagram.json", dir);
    cJSON *root = ll_test_parse_json_file(path);
    check_structure(root);
    const cJSON *e = event0(root);
    assert_string_equal(get(e, "type")->valuestring, "branch_point");
    assert_int_equal(cJSON_GetArraySize(get(e, "born")), 2);
    const cJSON *m = get(e, "morse");
    assert_int_equal(get(m, "degree_ok")->valueint, 1);
    assert_int_equal(get(m, "normal_form_ok")->valueint, 1);
    /* every born branch starts as a minimum (index 0) */
    const cJSON *bid;
    cJSON_ArrayForEach(bid, get(e, "born"))
    {
        const cJSON *b = cJSON_GetArrayItem(get(root, "branches"),
                                            bid->valueint);
        assert_int_equal(cJSON_GetArrayItem(get(b, "index"), 0)->valueint, 0);
    }
    cJSON_Delete(root);
}

static void equal_v_model_should_resolve_the_double_crossing_by_symmetry(
    void **state)
{
    (void)state;
    const char *dir = ll_test_tmpdir();
    assert_int_equal(run("diagram --width 3 --v ones --dim 2 --samples 100 "
                         "--quiet --json %s/d.json", dir), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/d.json", dir);
    cJSON *root = ll_test_parse_json_file(path);
    check_structure(root);
    const cJSON *sub = cJSON_GetArrayItem(get(get(root, "symmetry"),
                                              "subspaces"), 0);
    assert_non_null(sub);
    assert_int_equal(get(sub, "copies")->valueint, 3);
    const cJSON *e = event0(root);
    assert_string_equal(get(e, "type")->valuestring, "multiple_branch_point");
    assert_int_equal(get(e, "index_after")->valueint -
                     get(e, "index_before")->valueint, 2);
    assert_int_equal(cJSON_GetArraySize(get(e, "born")), 2);
    assert_int_equal(get(get(e, "morse"), "degree_ok")->valueint, 1);
    cJSON_Delete(root);
}

static void alpha_parameter_should_be_recorded_and_traced(void **state)
{
    (void)state;
    const char *dir = ll_test_tmpdir();
    assert_int_equal(run("diagram --width 3 --v ones --dim 2 --samples 100 "
                         "--param alpha --lambda 1 --alpha 0.004 "
                         "--alpha-max 0.05 --y loss --quiet --json %s/d.json",
                         dir), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/d.json", dir);
    cJSON *root = ll_test_parse_json_file(path);
    check_structure(root);
    const cJSON *c = get(root, "config");
    assert_string_equal(get(c, "param")->valuestring, "alpha");
    assert_true(get(c, "lambda_fixed")->valuedouble == 1.0);
    assert_string_equal(get(c, "y")->valuestring, "loss");
    const cJSON *b0 = cJSON_GetArrayItem(get(root, "branches"), 0);
    assert_true(cJSON_GetArrayItem(get(b0, "p"), 0)->valuedouble == 0.004);
    cJSON_Delete(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_usage_should_exit_2_and_name_the_option),
        cmocka_unit_test(
            toy_at_alpha_zero_should_report_the_degenerate_linear_end),
        cmocka_unit_test(toy_with_alpha_should_find_two_minima_at_a_pitchfork),
        cmocka_unit_test(
            equal_v_model_should_resolve_the_double_crossing_by_symmetry),
        cmocka_unit_test(alpha_parameter_should_be_recorded_and_traced),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
