/* Moore-Spence refinement of folds (src/cont/fold.c) on the fold problem of
 * toy.h, f = u^3/3 + (p - 1) u with curved passive coordinates (n = 4),
 * whose fold is known in closed form: z0 = 0, p* = 1, x* = toy_point(0, 1),
 * kernel toy_kernel(0). The toy has no hess_dir of its own; the tests give
 * it one assembled column by column from the exact d3 callback,
 * D^3L[u, ., .] e_j = D^3L[u, e_j, .] (exact, so still no differences). */
#include "testutil.h"

#include <math.h>
#include <stdint.h>

#include "cont/cont_internal.h"
#include "losslab/cont.h"
#include "losslab/linalg.h"
#include "toy.h"

static ll_status toy_hess_dir(void *ctx, const double *x, double p,
                              const double *u, double *out)
{
    toy *t = ctx;
    double e[TOY_NMAX] = {0};
    for (size_t j = 0; j < t->n; j++) {
        e[j] = 1.0;
        ll_status st = toy_d3(ctx, x, p, u, e, out + j * t->n);
        e[j] = 0.0;
        if (st != LL_OK)
            return st;
    }
    return LL_OK;
}

static ll_status failing_hess_dir(void *ctx, const double *x, double p,
                                  const double *u, double *out)
{
    return LL_ERR_DATA;
}

static ll_problem fold_problem(toy *t)
{
    toy_init(t, 4, 1);
    t->k3 = 1.0, t->k10 = -1.0, t->k1p = 1.0;
    ll_problem pb = toy_problem(t);
    pb.hess_dir = toy_hess_dir;
    return pb;
}

/* The residual norms ||G_k|| of Newton from a point 1e-2 off the fold. With
 * the Jacobian's inverse and the second derivatives of G both O(1)-O(10)
 * here, ||G_{k+1}|| <= C ||G_k||^2 with C ~ 10; we allow C = 100 while
 * ||G_k|| is above the rounding floor 1e-13, as in test_run.c. */
static void refine_should_converge_quadratically_to_the_closed_form_fold(
    void **s)
{
    (void)s;
    toy t;
    ll_problem pb = fold_problem(&t);
    ll_cont_opts o = ll_cont_opts_default();
    o.newton_maxit = 6;
    ll_cont_ws ws;
    assert_int_equal(ll_cont_ws_init(&ws, &pb, &o, NULL), LL_OK);
    ws.gscale = 1.0, ws.ftol = 0.0; /* never "converged": run all its */
    double X[TOY_NMAX + 1], phi[TOY_NMAX], xs[TOY_NMAX], ks[TOY_NMAX];
    double z0 = 0.0, noise[2 * TOY_NMAX];
    uint64_t seed = 3;
    toy_point(&t, &z0, 1.0, xs);
    toy_kernel(&t, 0.0, ks);
    ll_test_fill(&seed, 2 * t.n, noise, 1e-2);
    for (size_t i = 0; i < t.n; i++)
        X[i] = xs[i] + noise[i], phi[i] = ks[i] + noise[t.n + i];
    X[t.n] = 1.02;
    ll_cont_fold_info info;
    assert_int_equal(ll_cont_fold_refine(&ws, X, phi, &info), LL_ERR_NOCONV);
    assert_true(isnan(info.dp));
    assert_true(X[t.n] == 1.02); /* failure leaves the start alone */
    const double *r = info.res;
    assert_true(r[0] > 1e-3);
    int checked = 0;
    for (int k = 0; k < 6; k++)
        if (r[k] > 1e-13) {
            assert_true(r[k + 1] <= 100.0 * r[k] * r[k] + 1e-15);
            checked++;
        }
    assert_true(checked >= 3);
    assert_true(r[6] < 1e-14);
    /* With the real tolerance, from 1e-6 off (a start 1e-2 off moves more
     * than a refinement may, LL_CONT_FOLD_MAXMOVE): converged, and at the
     * closed-form fold. */
    ws.ftol = o.newton_tol;
    assert_int_equal(ll_cont_fold_refine(&ws, X, phi, &info), LL_ERR_NOCONV);
    for (size_t i = 0; i < t.n; i++)
        X[i] = xs[i] + 1e-4 * noise[i], phi[i] = ks[i] + 1e-4 * noise[t.n + i];
    X[t.n] = 1.0 + 1e-6;
    assert_int_equal(ll_cont_fold_refine(&ws, X, phi, &info), LL_OK);
    assert_true(fabs(X[t.n] - 1.0) <= 1e-12);
    for (size_t i = 0; i < t.n; i++)
        assert_true(fabs(X[i] - xs[i]) <= 1e-12);
    assert_true(fabs(fabs(ll_dot(t.n, phi, ks)) - 1.0) <= 1e-12);
    assert_true(info.fnorm <= 1e-12 && info.hphi_norm <= 1e-12);
    ll_cont_ws_free(&ws);
}

/* Run through the fold from z0 = sqrt(0.5), p = 0.5 (as test_events.c). */
static void run_fold(ll_problem *pb, toy *t, ll_cont_result *res)
{
    double x0[TOY_NMAX], z0 = sqrt(0.5);
    toy_point(t, &z0, 0.5, x0);
    ll_cont_opts o = ll_cont_opts_default();
    o.p_min = 0.0, o.p_max = 2.0, o.compute_coefs = 0;
    assert_int_equal(ll_cont_run(pb, x0, 0.5, &o, res, NULL), LL_STOP_PARAM);
    assert_int_equal(res->n_events, 1);
    assert_int_equal(res->events[0].type, LL_EVENT_FOLD);
    assert_int_equal(res->events[0].status, LL_OK);
}

/* The located fold is refined: p* and x* to 1e-12 of the closed form
 * (Newton from within ~1e-10 lands at rounding), refine_dp reports the
 * move, at most the bracketing tolerance plus rounding. */
static void located_fold_should_be_refined_to_the_closed_form(void **s)
{
    (void)s;
    toy t;
    ll_problem pb = fold_problem(&t);
    ll_cont_result res;
    run_fold(&pb, &t, &res);
    const ll_event *ev = &res.events[0];
    double xs[TOY_NMAX], ks[TOY_NMAX], z0 = 0.0;
    toy_point(&t, &z0, 1.0, xs);
    toy_kernel(&t, 0.0, ks);
    assert_true(fabs(ev->p - 1.0) <= 1e-12);
    for (size_t i = 0; i < t.n; i++)
        assert_true(fabs(ev->x[i] - xs[i]) <= 1e-12);
    assert_true(fabs(ll_dot(t.n, ev->phi, ks)) >= 1.0 - 1e-12);
    assert_true(isfinite(ev->refine_dp) && ev->refine_dp <= 1e-9);
    assert_string_equal(ev->reason, "");
    assert_true(fabs(ev->mu1) <= 1e-12);
    ll_cont_result_free(&res);
}

/* A failing refinement keeps the bracketed fold (the same as without
 * hess_dir, bitwise) and says why, without failing the event. */
static void failed_refinement_should_keep_the_bracketed_fold(void **s)
{
    (void)s;
    toy t;
    ll_problem pb = fold_problem(&t);
    ll_cont_result r0, r1;
    pb.hess_dir = NULL;
    run_fold(&pb, &t, &r0);
    pb.hess_dir = failing_hess_dir;
    run_fold(&pb, &t, &r1);
    assert_true(isnan(r0.events[0].refine_dp));
    assert_true(isnan(r1.events[0].refine_dp));
    assert_true(r0.events[0].p == r1.events[0].p);
    assert_memory_equal(r0.events[0].x, r1.events[0].x, t.n * sizeof(double));
    assert_string_equal(r0.events[0].reason, "");
    assert_non_null(strstr(r1.events[0].reason, "bracketed fold kept"));
    assert_true(fabs(r1.events[0].p - 1.0) <= 1e-10);
    ll_cont_result_free(&r0);
    ll_cont_result_free(&r1);
}

/* A nearly symmetric fold: f = u^3/3 + eps (p - 1) u, so the branch
 * p = 1 - u^2 / eps turns round within ~eps (curvature 2 / eps) and
 * g_p = eps |phi_0|. Closed form: p* = 1. A gradient residual r moves a
 * fold by phi^T r / g_p, so the located p* may miss 1 by up to
 * grad_norm / |g_p| (the trace JSON's lambda_resid_bound), and no more:
 * checked here, with the location itself at the turning point (tp and mu1
 * at rounding level), for eps = 1e-4, 1e-5 and 1e-6. Next to the nose the
 * points with ||F|| <= ftol fill a tube ~ftol / eps wide: until the step
 * corrector always took one update (newton.c, step_converged) the run
 * drifted across it and stopped at the nose for eps = 1e-5 with a step
 * underflow ("corrector moved too far from the predictor"). At eps = 1e-7
 * it still does (Newton stalls at ||F|| ~ 5e-10 on the way in; README,
 * known limitations). */
static void fold_with_eps(double eps)
{
    toy t;
    double z0 = sqrt(0.5 * eps), x0[TOY_NMAX], p0 = 0.5;
    toy_init(&t, 4, 1);
    t.k3 = 1.0, t.k10 = -eps, t.k1p = eps;
    toy_point(&t, &z0, p0, x0);
    ll_problem pb = toy_problem(&t);
    ll_cont_opts o = ll_cont_opts_default();
    o.p_min = 0.0, o.p_max = 2.0;
    ll_cont_result res;
    ll_errbuf eb = {{0}};
    ll_status st = ll_cont_run(&pb, x0, p0, &o, &res, &eb);
    if (st != LL_STOP_PARAM)
        fail_msg("eps %g: %s", eps, eb.msg);
    assert_int_equal(res.n_events, 1);
    const ll_event *e = &res.events[0];
    assert_true(e->located && e->type == LL_EVENT_FOLD);
    double bound = e->grad_norm / fabs(e->coef.g_p);
    if (!(fabs(e->p - 1.0) <= bound))
        fail_msg("eps %g: fold at %.15g, |p - 1| %.3g > grad / |g_p| = %.3g",
                 eps, e->p, fabs(e->p - 1.0), bound);
    assert_true(bound < 1e-5); /* the bound itself is small */
    assert_true(fabs(e->tp) < 1e-6 && fabs(e->mu1) < 1e-10);
    ll_cont_result_free(&res);
}

static void a_nearly_symmetric_fold_should_be_located_within_its_residual_bound(
    void **s)
{
    (void)s;
    fold_with_eps(1e-4);
    fold_with_eps(1e-5);
    fold_with_eps(1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            a_nearly_symmetric_fold_should_be_located_within_its_residual_bound),
        cmocka_unit_test(
            refine_should_converge_quadratically_to_the_closed_form_fold),
        cmocka_unit_test(located_fold_should_be_refined_to_the_closed_form),
        cmocka_unit_test(failed_refinement_should_keep_the_bracketed_fold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
