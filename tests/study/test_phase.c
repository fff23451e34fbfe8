/* The phase sweep (src/study/phase.c, MATH.md section 4 Exp. 4) on the toy
 * data (N = 400): mu_min(0) equals alpha for every a (the Hessian at
 * lambda = 0 is alpha on E = {v1 dw1 + v2 dw2 = 0}, MATH.md section 1);
 * a = 0 does not soften (w2 does not enter f: lambda_1'(0) = 0); with
 * alpha = 0 every start is degenerate and reported as such, per item, with
 * the sweep completing. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "losslab/losslab.h"
#include "losslab/sweep.h"

static ll_data toy400(void)
{
    ll_data D = {0};
    ll_gen_opts g = ll_gen_toy_opts_default();
    g.n = 400;
    assert_int_equal(ll_data_generate_toy(&D, &g, NULL), LL_OK);
    return D;
}

static void run_phase(const ll_data *D, ll_phase_opts *o, ll_sweep_result *r)
{
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_phase_result_init(r, o, &eb), LL_OK);
    ll_status st = ll_phase_run(D, o, r, &eb);
    if (st != LL_OK)
        fail_msg("status %d: %s", st, eb.msg);
    assert_int_equal(r->n_done, o->n_a);
}

static void mu_min0_should_be_alpha_for_every_a(void **st)
{
    (void)st;
    const double a[] = {0, 0.5, 1};
    ll_data D = toy400();
    ll_phase_opts o = ll_phase_opts_default();
    ll_sweep_result r;
    o.a = a, o.n_a = 3;
    o.trace.cont.compute_coefs = 0;
    run_phase(&D, &o, &r);
    for (size_t i = 0; i < 3; i++) {
        const ll_sweep_item *it = &r.items[i];
        /* eigenvalue of a 2 x 2 matrix with O(1) entries: rounding ~1e-16 */
        assert_true(fabs(it->mu_min0 - 1e-3) < 1e-12);
        assert_false(it->degenerate_start);
        assert_true(it->status > 0);
        assert_true(it->width == 2 && it->v[0] == 1.0 && it->v[1] == a[i]);
    }
    /* a = 0: the only direction in E is w2, which f does not see. */
    assert_true(fabs(r.items[0].lambda1_prime0) < 1e-14);
    assert_int_equal(r.items[0].n_events, 0);
    /* a = 1 softens fastest of the three (the symmetric toy). */
    assert_true(r.items[2].lambda1_prime0 < r.items[1].lambda1_prime0);
    assert_true(r.items[1].lambda1_prime0 < 0);
    ll_sweep_result_free(&r);
    ll_data_free(&D);
}

static void alpha_zero_should_report_degenerate_starts_per_item(void **st)
{
    (void)st;
    const double a[] = {0.5, 1};
    ll_data D = toy400();
    ll_phase_opts o = ll_phase_opts_default();
    ll_sweep_result r;
    o.a = a, o.n_a = 2;
    o.trace.model.alpha = 0;
    run_phase(&D, &o, &r);
    for (size_t i = 0; i < 2; i++) {
        const ll_sweep_item *it = &r.items[i];
        assert_true(it->done && it->degenerate_start);
        assert_int_equal(it->status, LL_ERR_SINGULAR);
        assert_true(fabs(it->mu_min0) < 1e-12);
        assert_non_null(strstr(it->reason, "degenerate start"));
        assert_int_equal(it->n_events, 0);
    }
    ll_sweep_result_free(&r);
    ll_data_free(&D);
}

static void phase_check_should_reject_bad_lists(void **st)
{
    (void)st;
    ll_phase_opts o = ll_phase_opts_default();
    ll_errbuf eb = {{0}};
    double bad[] = {0.1, NAN};
    o.a = bad, o.n_a = 2;
    assert_int_equal(ll_phase_check(&o, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "value 2"));
    o.n_a = 0;
    assert_int_equal(ll_phase_check(&o, &eb), LL_ERR_ARG);
    /* the documented defaults */
    o = ll_phase_opts_default();
    assert_int_equal(o.n_a, 7);
    assert_true(o.trace.model.alpha == 1e-3 && o.trace.model.width == 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mu_min0_should_be_alpha_for_every_a),
        cmocka_unit_test(alpha_zero_should_report_degenerate_starts_per_item),
        cmocka_unit_test(phase_check_should_reject_bad_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
