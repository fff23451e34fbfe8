/* The trace JSON: every key of issue 2 item 9 present with the right type,
 * numbers read back bit-exactly (cJSON prints 17 significant digits when 15
 * do not round-trip), non-finite numbers as null, and the file written by
 * ll_io_write_trace_json parses to the same object. */
#include "testutil.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#include "fake.h"

typedef struct json_fixture {
    ll_trace_opts opts;
    ll_data_source src;
    ll_trace_result res;
    ll_trace_report rep;
    cJSON *root;
} json_fixture;

static int setup(void **state)
{
    json_fixture *f = fake_calloc(1, sizeof *f);
    f->opts = ll_trace_opts_default();
    f->opts.model.width = 3;
    f->src = ll_data_source_default();
    f->src.gen.d = 2;
    f->src.gen.n = 100;
    f->src.gen.seed = 42;
    fake_trace_result(&f->res);
    f->rep.opts = &f->opts;
    f->rep.data = &f->src;
    f->rep.command_line = "losslab trace --width 3";
    f->rep.res = &f->res;
    char *s = NULL;
    if (ll_io_trace_json(&f->rep, &s, NULL) != LL_OK)
        return -1;
    f->root = cJSON_Parse(s);
    free(s);
    *state = f;
    return f->root ? 0 : -1;
}

static int teardown(void **state)
{
    json_fixture *f = *state;
    cJSON_Delete(f->root);
    ll_trace_result_free(&f->res);
    free(f);
    return 0;
}

static const cJSON *get(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!it)
        fail_msg("missing key '%s'", key);
    return it;
}

static void json_should_have_every_required_top_level_key(void **state)
{
    json_fixture *f = *state;
    assert_true(cJSON_IsObject(get(f->root, "config")));
    assert_true(cJSON_IsNumber(get(f->root, "lambda1_prime0")));
    assert_true(cJSON_IsNumber(get(f->root, "lambda_star_predicted")));
    assert_true(cJSON_IsArray(get(f->root, "events")));
    assert_true(cJSON_IsObject(get(f->root, "branch")));
    assert_string_equal(get(f->root, "status")->valuestring, "LL_STOP_PARAM");
    assert_true(get(f->root, "lambda1_prime0")->valuedouble == -0.02);
}

static void config_should_record_source_version_and_command_line(void **state)
{
    json_fixture *f = *state;
    const cJSON *c = get(f->root, "config");
    const cJSON *d = get(c, "data");
    assert_string_equal(get(d, "source")->valuestring, "generator");
    assert_int_equal(get(d, "seed")->valuedouble, 42);
    assert_int_equal(get(c, "seed")->valuedouble, 42);
    assert_int_equal(get(c, "width")->valuedouble, 3);
    assert_string_equal(get(c, "act")->valuestring, "tanh");
    assert_string_equal(get(c, "version")->valuestring, ll_version());
    assert_string_equal(get(c, "git_revision")->valuestring, ll_git_revision());
    assert_string_equal(get(c, "command_line")->valuestring,
                        "losslab trace --width 3");
    assert_int_equal(cJSON_GetArraySize(get(c, "v")), 3);
    assert_true(cJSON_GetArrayItem(get(c, "v"), 2)->valuedouble == 1.5);
    assert_true(cJSON_IsBool(get(c, "train_v")));
    assert_true(cJSON_IsNumber(get(c, "alpha")));
    assert_true(cJSON_IsNumber(get(c, "lambda_max")));
    assert_true(cJSON_IsObject(get(c, "continuation")));
}

static void event_should_carry_every_required_field_and_nan_as_null(void **state)
{
    json_fixture *f = *state;
    static const char *num_keys[] = {
        "lambda", "index_before", "index_after", "mu2", "kernel_ratio",
        "g_p", "g_aa", "g_ap", "g_aaa", "g_aaa_bare", "loss", "grad_norm"};
    const cJSON *e = cJSON_GetArrayItem(get(f->root, "events"), 0);
    assert_non_null(e);
    assert_string_equal(get(e, "type")->valuestring, "fold");
    assert_string_equal(get(e, "normal_form")->valuestring,
                        ll_normal_form_str(LL_NF_FOLD));
    for (size_t i = 0; i < sizeof num_keys / sizeof *num_keys; i++)
        if (!cJSON_IsNumber(get(e, num_keys[i])))
            fail_msg("event key '%s' is not a number", num_keys[i]);
    assert_true(cJSON_IsNull(get(e, "dmu1_dlambda")));  /* NaN */
    assert_true(cJSON_IsNull(get(e, "branch_quad")));   /* +inf */
    /* 0.30000000000000004 needs 17 digits: exact round trip. */
    assert_true(get(e, "lambda")->valuedouble == 0.30000000000000004);
    assert_true(get(e, "g_aaa_bare")->valuedouble == 3.5);
    /* grad_norm / |g_p| = 3e-15 / 0.75, one rounding */
    assert_true(ll_test_reldiff(get(e, "lambda_resid_bound")->valuedouble,
                                4e-15, 0.0) < 4 * 2.3e-16);
}

static void branch_arrays_should_round_trip_exactly(void **state)
{
    json_fixture *f = *state;
    const cJSON *b = get(f->root, "branch");
    const ll_branch *fb = &f->res.cont.branch;
    const cJSON *lam = get(b, "lambda"), *mu = get(b, "mu");
    assert_int_equal(cJSON_GetArraySize(lam), FAKE_LEN);
    assert_int_equal(cJSON_GetArraySize(mu), FAKE_LEN);
    assert_int_equal(cJSON_GetArraySize(get(b, "index")), FAKE_LEN);
    assert_int_equal(cJSON_GetArraySize(get(b, "loss")), FAKE_LEN);
    assert_int_equal(cJSON_GetArraySize(get(b, "grad_norm")), FAKE_LEN);
    for (int i = 0; i < FAKE_LEN; i++) {
        const cJSON *row = cJSON_GetArrayItem(mu, i);
        assert_int_equal(cJSON_GetArraySize(row), FAKE_EIGS);
        assert_true(cJSON_GetArrayItem(lam, i)->valuedouble == fb->p[i]);
        for (int e = 0; e < FAKE_EIGS; e++)
            assert_true(cJSON_GetArrayItem(row, e)->valuedouble ==
                        fb->mu[i * FAKE_EIGS + e]);
        assert_int_equal(cJSON_GetArrayItem(get(b, "index"), i)->valueint,
                         fb->index[i]);
    }
}

static void softening_should_label_the_paper_eq22_value(void **state)
{
    json_fixture *f = *state;
    const cJSON *s = get(f->root, "softening");
    assert_int_equal(get(s, "multiplicity")->valueint, 4);
    assert_int_equal(cJSON_GetArraySize(get(s, "speeds")), 4);
    const cJSON *eq = get(s, "paper_eq22");
    assert_true(cJSON_IsNumber(get(eq, "value")));
    assert_non_null(strstr(get(eq, "note")->valuestring, "NOT the softening"));
    assert_true(get(get(s, "closed_form"), "rate")->valuedouble == -0.02);
}

static void coefficients_should_be_null_when_not_computed(void **state)
{
    json_fixture *f = *state;
    char *s = NULL;
    f->opts.cont.compute_coefs = 0;
    assert_int_equal(ll_io_trace_json(&f->rep, &s, NULL), LL_OK);
    f->opts.cont.compute_coefs = 1;
    cJSON *root = cJSON_Parse(s);
    free(s);
    assert_non_null(root);
    const cJSON *e = cJSON_GetArrayItem(get(root, "events"), 0);
    assert_true(cJSON_IsNull(get(e, "g_p")));
    assert_true(cJSON_IsNull(get(e, "normal_form")));
    assert_true(cJSON_IsNumber(get(e, "lambda")));
    cJSON_Delete(root);
}

static void written_file_should_parse_to_the_same_object(void **state)
{
    json_fixture *f = *state;
    char path[512], *text;
    snprintf(path, sizeof path, "%s/t.json", ll_test_tmpdir());
    assert_int_equal(ll_io_write_trace_json(path, &f->rep, NULL), LL_OK);
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    rewind(fp);
    text = fake_calloc((size_t)n + 1, 1);
    assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    assert_true(cJSON_Compare(root, f->root, 1));
    cJSON_Delete(root);
}

static void file_source_should_record_the_paths(void **state)
{
    json_fixture *f = *state;
    ll_data_source src = ll_data_source_default();
    src.x_path = "X.npy";
    src.y_path = "y.npy";
    ll_trace_report rep = f->rep;
    rep.data = &src;
    char *s = NULL;
    assert_int_equal(ll_io_trace_json(&rep, &s, NULL), LL_OK);
    cJSON *root = cJSON_Parse(s);
    free(s);
    const cJSON *d = get(get(root, "config"), "data");
    assert_string_equal(get(d, "source")->valuestring, "file");
    assert_string_equal(get(d, "x_path")->valuestring, "X.npy");
    assert_string_equal(get(d, "y_path")->valuestring, "y.npy");
    assert_true(cJSON_IsNull(get(get(root, "config"), "seed")));
    cJSON_Delete(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(json_should_have_every_required_top_level_key, setup, teardown),
        cmocka_unit_test_setup_teardown(config_should_record_source_version_and_command_line, setup, teardown),
        cmocka_unit_test_setup_teardown(event_should_carry_every_required_field_and_nan_as_null, setup, teardown),
        cmocka_unit_test_setup_teardown(branch_arrays_should_round_trip_exactly, setup, teardown),
        cmocka_unit_test_setup_teardown(softening_should_label_the_paper_eq22_value, setup, teardown),
        cmocka_unit_test_setup_teardown(coefficients_should_be_null_when_not_computed, setup, teardown),
        cmocka_unit_test_setup_teardown(written_file_should_parse_to_the_same_object, setup, teardown),
        cmocka_unit_test_setup_teardown(file_source_should_record_the_paths, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
