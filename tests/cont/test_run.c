/* The continuation driver's contract: Newton tolerance and quadratic
 * convergence of the corrector, budgets, cancellation, argument checks,
 * result ownership. Problems from toy.h (closed-form branches). */
#include "testutil.h"

#include <math.h>
#include <stdint.h>

#include "cont/cont_internal.h"
#include "losslab/cont.h"
#include "losslab/linalg.h"
#include "toy.h"

/* The fold problem f = u^3/3 + (p - 1) u, n = 4, started on z0 = sqrt(0.5). */
static ll_problem fold_problem(toy *t, double *x0, double *p0)
{
    toy_init(t, 4, 1);
    t->k3 = 1.0, t->k10 = -1.0, t->k1p = 1.0;
    double z0 = sqrt(0.5);
    *p0 = 0.5;
    toy_point(t, &z0, *p0, x0);
    return toy_problem(t);
}

static ll_cont_opts opts(void)
{
    ll_cont_opts o = ll_cont_opts_default();
    o.p_min = 0.0, o.p_max = 2.0, o.compute_coefs = 0;
    return o;
}

/* ||F|| after k corrector iterations from the same predictor, k = 0..5:
 * for Newton, r_{k+1} <= C r_k^2 with C ~ ||J^{-1}|| ||D^2 F|| / 2 = O(1)
 * here (|J^{-1}| <= ~10 away from the fold, third derivatives <= ~5); we
 * allow C = 100 while r_k is above the rounding floor 1e-13. */
static void corrector_should_converge_quadratically(void **s)
{
    (void)s;
    toy t;
    double x0[TOY_NMAX + 1], p0;
    ll_problem pb = fold_problem(&t, x0, &p0);
    ll_cont_opts o = opts();
    ll_cont_ws ws;
    assert_int_equal(ll_cont_ws_init(&ws, &pb, &o, NULL), LL_OK);
    ws.gscale = 1.0, ws.ftol = 0.0; /* never "converged": run all its */
    double Xa[TOY_NMAX + 1], ta[TOY_NMAX + 1], X[TOY_NMAX + 1], r[6];
    memcpy(Xa, x0, sizeof x0);
    Xa[t.n] = p0;
    assert_int_equal(ll_cont_tangent(&ws, Xa, NULL, ta), LL_OK);
    double ds = 0.2;
    for (int k = 0; k < 6; k++) {
        o.newton_maxit = k;
        for (size_t i = 0; i <= t.n; i++)
            X[i] = Xa[i] + ds * ta[i];
        int its = 0;
        ll_status st = ll_cont_correct(&ws, X, ta, Xa, ds, &its);
        assert_int_equal(st, LL_ERR_NOCONV);
        assert_int_equal(ll_cont_eval_F(&ws, X, &r[k]), LL_OK);
    }
    assert_true(r[0] > 1e-3); /* the predictor is off the branch */
    int checked = 0;
    for (int k = 0; k < 5; k++)
        if (r[k] > 1e-13) {
            assert_true(r[k + 1] <= 100.0 * r[k] * r[k] + 1e-15);
            checked++;
        }
    assert_true(checked >= 3);
    assert_true(r[5] < 1e-14);
    ll_cont_ws_free(&ws);
}

static void every_accepted_point_should_meet_the_newton_tolerance(void **s)
{
    (void)s;
    toy t;
    double x0[TOY_NMAX], p0;
    ll_problem pb = fold_problem(&t, x0, &p0);
    x0[1] += 0.01; /* off the branch: the start must be polished */
    ll_cont_opts o = opts();
    ll_cont_result res;
    assert_int_equal(ll_cont_run(&pb, x0, p0, &o, &res, NULL), LL_STOP_PARAM);
    assert_true(res.gscale >= 1.0);
    assert_true(res.newton_iters > 0);
    assert_null(res.branch.x); /* store_points = 0 */
    for (size_t k = 0; k < res.branch.len; k++)
        assert_true(res.branch.grad_norm[k] <= 1e-12 * res.gscale);
    assert_true(res.branch.p[0] == p0);
    assert_true(res.branch.s[0] == 0.0);
    for (size_t k = 1; k < res.branch.len; k++)
        assert_true(res.branch.s[k] > res.branch.s[k - 1]);
    ll_cont_result_free(&res);
}

static void max_steps_should_stop_with_budget_and_keep_the_branch(void **s)
{
    (void)s;
    toy t;
    double x0[TOY_NMAX], p0;
    ll_problem pb = fold_problem(&t, x0, &p0);
    ll_cont_opts o = opts();
    o.max_steps = 3;
    ll_cont_result res;
    assert_int_equal(ll_cont_run(&pb, x0, p0, &o, &res, NULL), LL_STOP_BUDGET);
    assert_int_equal(res.status, LL_STOP_BUDGET);
    assert_int_equal(res.branch.len, 4); /* start + 3 steps */
    assert_true(strlen(res.reason) > 0);
    ll_cont_result_free(&res);
}

static void max_length_should_stop_with_budget(void **s)
{
    (void)s;
    toy t;
    double x0[TOY_NMAX], p0;
    ll_problem pb = fold_problem(&t, x0, &p0);
    ll_cont_opts o = opts();
    o.max_length = 0.1;
    ll_cont_result res;
    assert_int_equal(ll_cont_run(&pb, x0, p0, &o, &res, NULL), LL_STOP_BUDGET);
    size_t L = res.branch.len;
    assert_true(res.branch.s[L - 1] >= 0.1);
    assert_true(res.branch.s[L - 2] < 0.1);
    ll_cont_result_free(&res);
}

static int cancel_third(void *user, const ll_cont_progress *pr)
{
    int *calls = user;
    assert_int_equal(pr->step, (size_t)*calls);
    return ++*calls == 3;
}

static void progress_returning_nonzero_should_cancel(void **s)
{
    (void)s;
    toy t;
    double x0[TOY_NMAX], p0;
    ll_problem pb = fold_problem(&t, x0, &p0);
    ll_cont_opts o = opts();
    int calls = 0;
    o.progress = cancel_third, o.user = &calls;
    ll_cont_result res;
    assert_int_equal(ll_cont_run(&pb, x0, p0, &o, &res, NULL), LL_STOP_CANCEL);
    assert_int_equal(calls, 3);
    assert_int_equal(res.branch.len, 3); /* start + the 2 steps reported */
    ll_cont_result_free(&res);
}

static void bad_options_should_be_rejected_with_a_named_reason(void **s)
{
    (void)s;
    toy t;
    double x0[TOY_NMAX], p0;
    ll_problem pb = fold_problem(&t, x0, &p0);
    ll_cont_opts o = opts();
    o.p_max = -1.0;
    ll_cont_result res;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_cont_run(&pb, x0, p0, &o, &res, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "p_max"));
    assert_non_null(strstr(res.reason, "p_max"));
    ll_cont_result_free(&res);
    o = opts();
    o.ds_min = 1.0;
    assert_int_equal(ll_cont_run(&pb, x0, p0, &o, &res, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "ds_min"));
    ll_cont_result_free(&res);
    o = opts();
    pb.d3 = NULL;
    assert_int_equal(ll_cont_run(&pb, x0, p0, &o, &res, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "callback"));
    ll_cont_result_free(&res);
}

/* The spectral step control (ds_event) and the turn limit on the way into
 * the fold at p = 1 (mu -> 0 linearly in s, the branch turning ever
 * faster): the step after an accepted one is sized so that the next check
 * passes (src/cont/run.c spectral_ds, src/cont/step.c turn_limit), so
 * refusals stay rare: 0 refused of 57 accepted here. Before spectral_ds
 * matched its check, steps towards the crossing were computed twice (9
 * refused of 59). The budget, a tenth of the accepted steps, leaves room
 * for an occasional Newton or angle refusal. */
static void steps_towards_a_fold_should_rarely_be_refused(void **s)
{
    (void)s;
    toy t;
    double x0[TOY_NMAX], p0;
    ll_problem pb = fold_problem(&t, x0, &p0);
    ll_cont_opts o = opts();
    ll_cont_result res;
    assert_int_equal(ll_cont_run(&pb, x0, p0, &o, &res, NULL), LL_STOP_PARAM);
    assert_int_equal(res.n_events, 1);
    assert_true(10 * res.steps_rejected <= res.branch.len);
    ll_cont_result_free(&res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(corrector_should_converge_quadratically),
        cmocka_unit_test(every_accepted_point_should_meet_the_newton_tolerance),
        cmocka_unit_test(max_steps_should_stop_with_budget_and_keep_the_branch),
        cmocka_unit_test(max_length_should_stop_with_budget),
        cmocka_unit_test(progress_returning_nonzero_should_cancel),
        cmocka_unit_test(bad_options_should_be_rejected_with_a_named_reason),
        cmocka_unit_test(steps_towards_a_fold_should_rarely_be_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
