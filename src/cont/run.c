/* The continuation driver (MATH.md section 2): polish the start point at
 * fixed p0, take the initial tangent towards increasing p, then repeat
 * { adaptive predictor-corrector step; land on p_min / p_max if the step
 * left the interval; spectrum; separate multiple index jumps; classify and
 * locate events; record the point; report progress } until the parameter
 * leaves its interval, a budget is spent, the caller cancels, or the step
 * size underflows. The branch computed so far is kept in every case. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"

static ll_status check_opts(const ll_problem *pb, const double *x0, double p0,
                            const ll_cont_opts *o, ll_errbuf *eb)
{
    if (!pb || !x0 || !o || pb->n == 0)
        return ll_err(eb, LL_ERR_ARG, "cont: NULL problem/start/options or "
                      "n = 0");
    if (!pb->loss || !pb->grad || !pb->grad_p || !pb->d3)
        return ll_err(eb, LL_ERR_ARG, "cont: the problem lacks a callback "
                      "(loss, grad, grad_p and d3 are needed, and hess and "
                      "hess_p or the ops of the chosen Hessian path)");
    if ((unsigned)o->hessian > LL_HESSIAN_MATFREE)
        return ll_err(eb, LL_ERR_ARG, "cont: unknown Hessian path %d",
                      (int)o->hessian);
    if (ll_hessian_path_resolve(o->hessian, pb) == LL_HESSIAN_DENSE &&
        (!pb->hess || !pb->hess_p))
        return ll_err(eb, LL_ERR_ARG, "cont: the dense Hessian path needs "
                      "the problem's hess and hess_p");
    int chosen = o->start_tangent != NULL || o->direction < 0;
    if (!(o->p_min < o->p_max) || !(p0 >= o->p_min && p0 <= o->p_max) ||
        (p0 == o->p_max && !chosen))
        return ll_err(eb, LL_ERR_ARG, "cont: need p_min <= p0 < p_max, got "
                      "%g, %g, %g", o->p_min, p0, o->p_max);
    if (!(o->ds_min > 0.0 && o->ds_min <= o->ds0 && o->ds0 <= o->ds_max))
        return ll_err(eb, LL_ERR_ARG, "cont: need 0 < ds_min <= ds0 <= ds_max, "
                      "got %g, %g, %g", o->ds_min, o->ds0, o->ds_max);
    if (!(o->newton_tol > 0.0) || o->newton_maxit < 1)
        return ll_err(eb, LL_ERR_ARG, "cont: newton_tol must be > 0 and "
                      "newton_maxit >= 1");
    if (!(o->max_angle > 0.0) || o->n_eigs < 0 || !(o->locate_tol > 0.0) ||
        !(o->max_length > 0.0))
        return ll_err(eb, LL_ERR_ARG, "cont: max_angle, locate_tol and "
                      "max_length must be > 0, n_eigs >= 0");
    return LL_OK;
}

/* Polished start point, initial tangent (towards increasing p, or along
 * opts.start_tangent; reversed by opts.direction < 0) and spectrum into A. */
static ll_status start(ll_cont_ws *ws, const double *x0, double p0,
                       ll_cont_point *A)
{
    size_t n = ws->n;
    double g0 = 0.0;
    memset(A->X, 0, ws->m * sizeof *A->X);
    A->X[n] = p0;
    ll_status st = ll_cont_eval_F(ws, A->X, &g0);
    if (st != LL_OK)
        return st;
    ws->gscale = g0 > 1.0 ? g0 : 1.0;
    ws->ftol = ws->o->newton_tol * ws->gscale;
    memcpy(A->X, x0, n * sizeof *A->X);
    int its = 0;
    if ((st = ll_cont_newton_fixed_p(ws, A->X, p0, &its)) != LL_OK)
        return st;
    A->X[n] = p0, A->s = 0.0;
    if ((st = ll_cont_tangent(ws, A->X, ws->o->start_tangent, A->t)) != LL_OK)
        return st;
    if (ws->o->direction < 0)
        for (size_t i = 0; i < ws->m; i++)
            A->t[i] = -A->t[i];
    return ll_cont_point_spectrum(ws, A);
}

static int report(ll_cont_ws *ws, const ll_cont_point *A, size_t step,
                  double ds, const ll_cont_result *res)
{
    if (!ws->o->progress)
        return 0;
    ll_cont_progress pr = {step, A->X[ws->n], A->s, ds, A->index,
                           res->n_events};
    return ws->o->progress(ws->o->user, &pr);
}

/* The spectral step control of ll_cont_opts.ds_event. Over A -> B the
 * recorded eigenvalues may change by at most their own size; *ratio is the
 * smallest min(|mu(A)|, |mu(B)|) / |mu(B) - mu(A)| (> 1 means the step was
 * fine). The step was too coarse when ratio < 1 and it was longer than
 * ds_event. */
static int too_coarse(const ll_cont_ws *ws, const ll_cont_point *A,
                      const ll_cont_point *B, double *ratio)
{
    /* Eigenvalues that stay below 1e-12 of the recorded scale on both sides
     * are zero modes at rounding level (an exact symmetry): their relative
     * changes are noise and must not pin the step to ds_event. */
    double scale = 1.0, r = INFINITY;
    for (int k = 0; k < ws->n_eigs; k++)
        scale = fmax(scale, fmax(fabs(A->mu[k]), fabs(B->mu[k])));
    for (int k = 0; k < ws->n_eigs; k++) {
        double a = A->mu[k], b = B->mu[k];
        if (b != a && fmax(fabs(a), fabs(b)) > 1e-12 * scale)
            r = fmin(r, fmin(fabs(a), fabs(b)) / fabs(b - a));
    }
    *ratio = r;
    return ws->o->ds_event > 0.0 && r < 1.0 && B->s - A->s > ws->o->ds_event;
}

/* The next step after A -> B (of length h): at most what too_coarse will
 * accept on linearly extrapolated eigenvalues, with a margin, but not below
 * ds_event; a coarse step is redone at that length too. An eigenvalue b
 * changing by |b - a| over h changes by L |b - a| / h over the next step
 * L, and too_coarse accepts a change up to the smaller end value, so up to
 * |b| / 2: L <= 0.5 ratio h (0.45 with the margin). (0.9 ratio h, as
 * before, let the eigenvalue fall to a tenth of itself: a step certain to
 * be refused, at every step towards a zero crossing.) */
static double spectral_ds(const ll_cont_ws *ws, double ds, double h,
                          double ratio)
{
    if (!(ws->o->ds_event > 0.0) || !isfinite(ratio))
        return ds;
    double lim = fmax(0.45 * ratio * h, 0.99 * ws->o->ds_event);
    return fmin(ds, lim);
}

/* After the step A -> B: bounds, spectrum, events; *final when B is on a
 * bound of p; *coarse (and nothing recorded) when the step must be redone
 * shorter. */
static ll_status accept(ll_cont_ws *ws, const ll_cont_point *A,
                        ll_cont_point *B, ll_cont_result *res, int *final,
                        int *coarse, double *ratio)
{
    const ll_cont_opts *o = ws->o;
    double p = B->X[ws->n];
    ll_status st;
    *final = 0;
    *coarse = 0;
    if (p > o->p_max || p < o->p_min) {
        st = ll_cont_land(ws, A, p > o->p_max ? o->p_max : o->p_min, B);
        if (st != LL_OK)
            return st;
        *final = 1;
    }
    int moved = 0;
    if ((st = ll_cont_point_spectrum(ws, B)) != LL_OK)
        return st;
    if (too_coarse(ws, A, B, ratio)) {
        *coarse = 1;
        return LL_OK;
    }
    if ((st = ll_cont_separate(ws, A, B, &moved)) != LL_OK)
        return st;
    if (moved)
        *final = 0;
    if ((st = ll_cont_events(ws, A, B, res)) != LL_OK)
        return st;
    return ll_cont_branch_push(&res->branch, B, o->store_points);
}

static ll_status trace(ll_cont_ws *ws, ll_cont_point *A, ll_cont_point *B,
                       ll_cont_result *res)
{
    const ll_cont_opts *o = ws->o;
    double ds = o->ds0;
    for (size_t step = 1;; step++) {
        if (step > o->max_steps || A->s >= o->max_length)
            return ll_err(ws->eb, LL_STOP_BUDGET, "cont: budget spent after "
                          "%zu steps, arclength %.6g (p = %.12g)", step - 1,
                          A->s, A->X[ws->n]);
        int final = 0, coarse = 0;
        double ratio = INFINITY;
        ll_status st = ll_cont_step(ws, A, &ds, B);
        if (st == LL_OK)
            st = accept(ws, A, B, res, &final, &coarse, &ratio);
        if (st != LL_OK)
            return st;
        double h = B->s - A->s;
        if (coarse) { /* redo from A, shorter */
            ds = spectral_ds(ws, fmin(ds, 0.5 * h), h, ratio);
            ws->steps_rejected++;
            step--;
            continue;
        }
        ds = spectral_ds(ws, ds, h, ratio);
        ll_cont_point tmp = *A;
        *A = *B, *B = tmp;
        if (report(ws, A, step, ds, res))
            return ll_err(ws->eb, LL_STOP_CANCEL, "cont: cancelled by the "
                          "progress callback at p = %.12g", A->X[ws->n]);
        if (final)
            return ll_err(ws->eb, LL_STOP_PARAM, "cont: p reached %.12g, the "
                          "end of [%g, %g]", A->X[ws->n], o->p_min, o->p_max);
    }
}

static ll_status run(ll_cont_ws *ws, const double *x0, double p0,
                     ll_cont_result *res)
{
    ll_cont_point A, B;
    ll_status st = ll_cont_point_alloc(ws, &A);
    if (st != LL_OK)
        return st;
    if ((st = ll_cont_point_alloc(ws, &B)) != LL_OK) {
        ll_cont_point_free(&A);
        return st;
    }
    st = start(ws, x0, p0, &A);
    res->gscale = ws->gscale;
    res->hessian = ws->path;
    if (st == LL_OK)
        st = ll_cont_branch_push(&res->branch, &A, ws->o->store_points);
    if (st == LL_OK && report(ws, &A, 0, ws->o->ds0, res))
        st = ll_err(ws->eb, LL_STOP_CANCEL, "cont: cancelled at the start");
    if (st == LL_OK)
        st = trace(ws, &A, &B, res);
    ll_cont_point_free(&A);
    ll_cont_point_free(&B);
    return st;
}

ll_status ll_cont_run(const ll_problem *pb, const double *x0, double p0,
                      const ll_cont_opts *o, ll_cont_result *res,
                      ll_errbuf *eb)
{
    if (!res)
        return ll_err(eb, LL_ERR_ARG, "cont: NULL result");
    memset(res, 0, sizeof *res);
    ll_errbuf local = {{0}};
    ll_status st = check_opts(pb, x0, p0, o, &local);
    ll_cont_ws ws;
    if (st == LL_OK && (st = ll_cont_ws_init(&ws, pb, o, &local)) == LL_OK) {
        res->branch.n = pb->n;
        res->branch.n_eigs = ws.n_eigs;
        st = run(&ws, x0, p0, res);
        res->newton_iters = ws.newton_iters;
        res->steps_rejected = ws.steps_rejected;
        ll_cont_ws_free(&ws);
    }
    if (st == LL_ERR_NOMEM && !local.msg[0])
        snprintf(local.msg, sizeof local.msg, "cont: out of memory");
    res->status = st;
    snprintf(res->reason, sizeof res->reason, "%.255s", local.msg);
    if (st < 0 && eb)
        *eb = local;
    return st;
}
