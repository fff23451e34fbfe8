/* Regression: on the built-in data at m = 8 the branch of minima passes an
 * avoided crossing of eigenvalue zero near lambda = 0.682 (mu1 dips to
 * 1.8e-5 and recovers, the tangent turns to t_p = 0.17). With 0.1-long
 * steps the corrector used to converge onto a neighbouring saddle branch
 * and report two "branch points". The default run must stay on the branch:
 * no event, index 0 throughout, and the same end point at lambda = 1 as a
 * run with steps ten times shorter. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "losslab/losslab.h"

static void run(double ds_max, ll_trace_result *r, ll_data *D)
{
    ll_errbuf eb = {{0}};
    ll_trace_opts o = ll_trace_opts_default();
    o.model.width = 8;
    o.cont.ds_max = ds_max;
    o.cont.ds0 = fmin(o.cont.ds0, ds_max);
    o.cont.store_points = 1;
    assert_int_equal(ll_trace_run(D, &o, r, &eb), LL_STOP_PARAM);
}

static void m8_branch_should_not_jump_at_the_avoided_crossing(void **state)
{
    (void)state;
    ll_errbuf eb = {{0}};
    ll_data D;
    ll_gen_opts g = ll_gen_opts_default();
    assert_int_equal(ll_data_generate(&D, &g, &eb), LL_OK);
    ll_trace_result coarse, fine;
    run(0.1, &coarse, &D);
    run(0.01, &fine, &D);
    assert_int_equal(coarse.cont.n_events, 0);
    for (size_t k = 0; k < coarse.cont.branch.len; k++)
        assert_int_equal(coarse.cont.branch.index[k], 0);
    /* Both end exactly at lambda = 1 on a Newton-converged point; on the
     * same branch they are the same point up to the Newton tolerance
     * (||grad|| ~ 1e-12, smallest eigenvalue ~ 3e-4: |dx| <~ 1e-8). */
    const ll_branch *a = &coarse.cont.branch, *b = &fine.cont.branch;
    size_t n = a->n;
    assert_true(a->p[a->len - 1] == 1.0 && b->p[b->len - 1] == 1.0);
    double d = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = a->x[(a->len - 1) * n + i] - b->x[(b->len - 1) * n + i];
        d += e * e;
    }
    assert_true(sqrt(d) < 1e-8);
    ll_trace_result_free(&coarse);
    ll_trace_result_free(&fine);
    ll_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(m8_branch_should_not_jump_at_the_avoided_crossing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
