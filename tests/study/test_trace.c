/* The trace study on a small generated problem (m = 3, d = 5, N = 100):
 * the softening rate from general degenerate perturbation theory
 * (ll_bif_softening) must agree with the independent closed form of
 * MATH.md section 1, the prediction must be alpha/|rate|, the branch must
 * start at the polished linear minimiser and end by leaving [0, lambda_max],
 * and failures must be reported in the result. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "losslab/losslab.h"

static ll_data small_data(void)
{
    ll_data D = {0};
    ll_gen_opts g = ll_gen_opts_default();
    g.n = 100;
    assert_int_equal(ll_data_generate(&D, &g, NULL), LL_OK);
    return D;
}

static void softening_should_match_the_closed_form_and_predict_lambda_star(void **state)
{
    (void)state;
    ll_data D = small_data();
    ll_trace_opts o = ll_trace_opts_default();
    ll_trace_result r;
    ll_errbuf eb = {{0}};
    o.model.width = 3;
    ll_status st = ll_trace_run(&D, &o, &r, &eb);
    if (st < 0)
        fail_msg("%s", eb.msg);
    assert_int_equal(r.soft_status, LL_OK);
    assert_int_equal(r.has_closed_form, 1);
    assert_int_equal(r.closed_form_status, LL_OK);
    /* Multiplicity (m-1)d of the eigenvalue alpha at lambda = 0. */
    assert_int_equal(r.soft.multiplicity, 2 * 5);
    assert_true(fabs(r.soft.mu0 - o.model.alpha) < 1e-12);
    /* Two routes to the same eigenvalues of a 10 x 10 symmetric matrix whose
     * entries are O(1): they differ by rounding, ~1e-15; 1e-9 relative
     * leaves room for the cluster basis being computed differently. */
    assert_true(ll_test_reldiff(r.lambda1_prime0, r.closed_form_rate, 1e-12) < 1e-9);
    if (r.lambda1_prime0 < 0)
        assert_true(ll_test_reldiff(r.lambda_star_predicted,
                                    o.model.alpha / fabs(r.lambda1_prime0),
                                    1e-300) < 1e-9);
    assert_true(r.grad_norm0 < 1e-10);
    assert_true(r.cont.branch.len >= 2);
    assert_true(r.cont.branch.p[0] == 0.0);
    assert_int_equal(st, r.status);
    ll_trace_result_free(&r);
    ll_data_free(&D);
}

static void run_should_end_by_leaving_the_interval(void **state)
{
    (void)state;
    ll_data D = small_data();
    ll_trace_opts o = ll_trace_opts_default();
    ll_trace_result r;
    o.model.width = 3;
    o.cont.p_max = 0.3;
    ll_status st = ll_trace_run(&D, &o, &r, NULL);
    if (st == LL_STOP_PARAM) {
        double last = r.cont.branch.p[r.cont.branch.len - 1];
        assert_true(last >= 0.3 - 1e-12 || last <= 1e-12);
    } else {
        fail_msg("run ended with %s: %s", ll_status_name(st), r.reason);
    }
    assert_true(r.time_total >= r.time_cont);
    ll_trace_result_free(&r);
    ll_data_free(&D);
}

static void bad_options_should_fail_with_a_reason_and_free_cleanly(void **state)
{
    (void)state;
    ll_data D = small_data();
    ll_trace_opts o = ll_trace_opts_default();
    ll_trace_result r;
    ll_errbuf eb = {{0}};
    o.model.width = 0;
    ll_status st = ll_trace_run(&D, &o, &r, &eb);
    assert_true(st < 0);
    assert_int_equal(r.status, st);
    assert_true(strlen(r.reason) > 0);
    assert_string_equal(r.reason, eb.msg);
    ll_trace_result_free(&r);
    ll_trace_result_free(&r); /* zeroed: a second free is harmless */
    ll_trace_result_free(NULL);
    ll_data_free(&D);
}

static void data_source_should_generate_or_refuse_a_lone_target(void **state)
{
    (void)state;
    ll_data_source src = ll_data_source_default();
    ll_data D = {0};
    ll_errbuf eb = {{0}};
    src.gen.n = 7;
    src.gen.d = 2;
    assert_int_equal(ll_study_data_load(&src, &D, &eb), LL_OK);
    assert_int_equal(D.n, 7);
    assert_int_equal(D.d, 2);
    ll_data_free(&D);
    src.y_path = "y.npy";
    assert_int_equal(ll_study_data_load(&src, &D, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "target file needs an input file"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(softening_should_match_the_closed_form_and_predict_lambda_star),
        cmocka_unit_test(run_should_end_by_leaving_the_interval),
        cmocka_unit_test(bad_options_should_fail_with_a_reason_and_free_cleanly),
        cmocka_unit_test(data_source_should_generate_or_refuse_a_lone_target),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
