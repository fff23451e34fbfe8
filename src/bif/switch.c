/* Branch switching at a simple branch point (MATH.md section 3; Keller,
 * "Numerical solution of bifurcation and nonlinear eigenvalue problems",
 * 1977; Allgower & Georg, "Introduction to Numerical Continuation Methods",
 * ch. 8). The method is stated at ll_bif_switch in bif.h; the reasoning:
 *
 * Near (x*, p*) write x = x* + a phi + w (w in range(H)), mu = p - p*. Every
 * branch through the point has tangent (r phi + psi, 1) or (phi, 0), with
 * H psi = -P_R F_p, and r a root of the algebraic bifurcation equation
 *     g_aa r^2 + 2 g_ap r + g_pp = 0.
 * g_pp is not available (no F_pp in the ops table), but the known branch
 * gives one root r1 = phi^T dx/dp, so the other is r2 = -2 g_ap/g_aa - r1.
 * At a pitchfork (g_aa = 0) the new branch is vertical, tangent (phi, 0), and
 * its offset from the known branch satisfies delta^2 = -6 g_ap mu / g_aaa
 * (the known branch only shifts a by r1 mu, which the offset subtracts).
 * K = dx/dp of the known branch = r1 phi + psi, so the prediction
 * X_pred = (x* + mu K + delta phi, p* + mu) lies on the tangent line
 * (transcritical) or the parabola (pitchfork) of the new branch. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bif/switch_internal.h"
#include "losslab/linalg.h"

/* The p-part of a known tangent below this is taken as vertical: K and r1
 * then come from psi (see the header). */
#define LL_SWITCH_TP_MIN 1e-8

ll_switch_opts ll_switch_opts_default(void)
{
    ll_switch_opts o = {.offset = 1e-2, .newton_tol = 1e-12,
                        .newton_maxit = 30, .fallback_ratio = 0.3,
                        .use_hyperplane = 1, .use_deflation = 1};
    return o;
}

const char *ll_switch_method_str(ll_switch_method m)
{
    switch (m) {
    case LL_SWITCH_NONE:
        return "none";
    case LL_SWITCH_PREDICTOR:
        return "predictor";
    case LL_SWITCH_HYPERPLANE:
        return "hyperplane";
    case LL_SWITCH_DEFLATION:
        return "deflation";
    }
    return "unknown";
}

/* Everything one switch needs besides the Newton workspace. */
typedef struct sw_state {
    const double *xs, *phi;
    double ps, r1, delta, mu;
    double *K;     /* n: dx/dp of the known branch */
    double *Xp;    /* m: the prediction */
    double *nv;    /* m: predicted unit tangent of the new branch, outward */
    double *cpl;   /* m: the hyperplane (phi, -r1) of stage 2 */
    double *defl;  /* 2 m: known-branch points the stages fell onto */
    size_t n_defl;
} sw_state;

/* K = psi from [[H, phi], [phi^T, 0]] [psi; s] = [-P_R F_p; 0] at (x*, p*). */
static ll_status known_from_psi(ll_switch_ws *w, sw_state *S)
{
    size_t n = w->n, m = w->m;
    const ll_problem *pb = w->pb;
    ll_status st = pb->hess(pb->ctx, S->xs, S->ps, w->H);
    if (st == LL_OK)
        st = pb->grad_p(pb->ctx, S->xs, S->ps, w->Fp);
    if (st != LL_OK)
        return ll_err(w->eb, st, "bif: hess/grad_p callback failed at p* = %g",
                      S->ps);
    double gp = ll_dot(n, S->phi, w->Fp);
    for (size_t j = 0; j < n; j++) {
        memcpy(w->J + j * m, w->H + j * n, n * sizeof *w->J);
        w->J[n + j * m] = S->phi[j];
        w->J[j + n * m] = S->phi[j];
        w->r[j] = -(w->Fp[j] - gp * S->phi[j]);
    }
    w->J[n + n * m] = 0.0;
    w->r[n] = 0.0;
    if ((st = ll_solve(m, w->J, 1, w->r, NULL)) != LL_OK)
        return ll_err(w->eb, st, "bif: [[H, phi], [phi^T, 0]] is singular at "
                      "p* = %g: the kernel is not simple", S->ps);
    memcpy(S->K, w->r, n * sizeof *S->K);
    return LL_OK;
}

/* The prediction X_pred and the outward predicted tangent nv. */
static void predict(size_t n, const ll_lscoef *c, double offset, int side,
                    sw_state *S, ll_switch_info *info)
{
    size_t m = n + 1;
    double sgn = side < 0 ? -1.0 : 1.0, dmu = 0.0, kk = ll_dot(n, S->K, S->K);
    info->r_new = NAN;
    S->delta = sgn * offset, S->mu = 0.0;
    if (c->normal_form == LL_NF_TRANSCRITICAL) {
        double rel = -2.0 * c->g_ap / c->g_aa - 2.0 * S->r1; /* r2 - r1 */
        info->r_new = S->r1 + rel;
        if (isfinite(rel) && rel != 0.0) {
            /* arclength ~ offset along T = (phi + K/rel, 1/rel) */
            double tn = sqrt(1.0 + (kk + 1.0 + 2.0 * S->r1) / (rel * rel));
            S->delta = sgn * offset / tn;
            S->mu = S->delta / rel;
            dmu = 1.0 / rel;
        }
    } else if (c->normal_form == LL_NF_PITCHFORK ||
               c->normal_form == LL_NF_NEAR_PITCHFORK) {
        if (isfinite(c->branch_quad) && c->branch_quad != 0.0) {
            S->mu = S->delta * S->delta / c->branch_quad;
            dmu = 2.0 * S->delta / c->branch_quad;
        }
    }
    for (size_t i = 0; i < n; i++) {
        S->Xp[i] = S->xs[i] + S->mu * S->K[i] + S->delta * S->phi[i];
        S->nv[i] = sgn * (S->phi[i] + dmu * S->K[i]);
    }
    S->Xp[n] = S->ps + S->mu;
    S->nv[n] = sgn * dmu;
    double nn = ll_nrm2(m, S->nv);
    for (size_t i = 0; i < m; i++)
        S->nv[i] /= nn;
    info->delta_pred = S->delta, info->mu_pred = S->mu;
}

/* Offset of X from the known branch: phi^T (x - x*) - r1 (p - p*). */
static double offset_of(size_t n, const sw_state *S, const double *X)
{
    double a = 0.0;
    for (size_t i = 0; i < n; i++)
        a += S->phi[i] * (X[i] - S->xs[i]);
    return a - S->r1 * (X[n] - S->ps);
}

/* Is the converged X on the new branch: off the known one, and no farther
 * from the prediction than the prediction is from the branch point? */
static int on_new_branch(size_t n, const sw_state *S, const double *X,
                         double ratio)
{
    double dist = 0.0, off = 0.0;
    for (size_t i = 0; i <= n; i++) {
        double xs = i < n ? S->xs[i] : S->ps;
        dist += (X[i] - S->Xp[i]) * (X[i] - S->Xp[i]);
        off += (S->Xp[i] - xs) * (S->Xp[i] - xs);
    }
    return fabs(offset_of(n, S, X)) >= ratio * fabs(S->delta) &&
           dist <= off;
}

/* One stage from the prediction; *found = 1 if it gave a new-branch point
 * (in X). A converged point on the known branch is kept for deflation. */
static ll_status stage(ll_switch_ws *w, sw_state *S, ll_switch_method meth,
                       double ratio, double *X, int *found,
                       ll_switch_info *info)
{
    size_t n = w->n, m = w->m;
    const double *c = S->nv;
    double rhs = ll_dot(m, S->nv, S->Xp);
    int its = 0;
    *found = 0;
    if (meth == LL_SWITCH_HYPERPLANE) {
        memcpy(S->cpl, S->phi, n * sizeof *S->cpl);
        S->cpl[n] = -S->r1;
        c = S->cpl;
        rhs = ll_dot(n, S->phi, S->xs) - S->r1 * S->ps + S->delta;
    }
    memcpy(X, S->Xp, m * sizeof *X);
    size_t nd = meth == LL_SWITCH_DEFLATION ? S->n_defl : 0;
    ll_status st = ll_switch_newton(w, X, c, rhs, S->defl, nd, &its);
    info->stages_tried++;
    if (st == LL_ERR_NOCONV || st == LL_ERR_SINGULAR)
        return LL_OK;
    if (st != LL_OK)
        return st;
    if (on_new_branch(n, S, X, ratio)) {
        *found = 1;
        info->method = meth, info->newton_its = its;
        return LL_OK;
    }
    if (S->n_defl < 2 && fabs(offset_of(n, S, X)) < ratio * fabs(S->delta))
        memcpy(S->defl + (S->n_defl++) * m, X, m * sizeof *X);
    return LL_OK;
}

static ll_status check_args(const ll_problem *pb, const double *xs, double ps,
                            const double *phi, const ll_lscoef *c,
                            const ll_switch_opts *o, const double *X,
                            const double *t, const ll_switch_info *info,
                            ll_errbuf *eb)
{
    if (!pb || !xs || !phi || !c || !X || !t || !info || pb->n == 0)
        return ll_err(eb, LL_ERR_ARG, "bif: switch needs a problem, x*, phi, "
                      "the coefficients and X, t, info outputs");
    if (!pb->grad || !pb->hess || !pb->grad_p)
        return ll_err(eb, LL_ERR_ARG, "bif: switch needs the grad, hess and "
                      "grad_p callbacks");
    if (!isfinite(ps))
        return ll_err(eb, LL_ERR_ARG, "bif: switch: p* is not finite");
    if (c->normal_form == LL_NF_FOLD)
        return ll_err(eb, LL_ERR_ARG, "bif: switch at a fold: no new branch "
                      "is born there (g_p != 0)");
    if (!(o->offset > 0.0) || !(o->newton_tol > 0.0) || o->newton_maxit < 1 ||
        !(o->fallback_ratio > 0.0 && o->fallback_ratio < 1.0))
        return ll_err(eb, LL_ERR_ARG, "bif: switch options: need offset > 0, "
                      "newton_tol > 0, newton_maxit >= 1, 0 < fallback_ratio "
                      "< 1");
    return LL_OK;
}

/* K and r1 from the known tangent, or from psi. */
static ll_status known_branch(ll_switch_ws *w, sw_state *S, const double *kt)
{
    size_t n = w->n;
    if (kt && fabs(kt[n]) >= LL_SWITCH_TP_MIN) {
        for (size_t i = 0; i < n; i++)
            S->K[i] = kt[i] / kt[n];
    } else {
        ll_status st = known_from_psi(w, S);
        if (st != LL_OK)
            return st;
    }
    S->r1 = ll_dot(n, S->phi, S->K);
    return LL_OK;
}

/* Stages in order until one finds the new branch. */
static ll_status run_stages(ll_switch_ws *w, sw_state *S,
                            const ll_lscoef *c, const ll_switch_opts *o,
                            double *X, int *found, ll_switch_info *info)
{
    int usable = c->normal_form == LL_NF_TRANSCRITICAL ||
                 c->normal_form == LL_NF_PITCHFORK ||
                 c->normal_form == LL_NF_NEAR_PITCHFORK;
    ll_status st = LL_OK;
    *found = 0;
    if (usable)
        st = stage(w, S, LL_SWITCH_PREDICTOR, o->fallback_ratio, X, found,
                   info);
    if (st == LL_OK && !*found && (o->use_hyperplane || !usable))
        st = stage(w, S, LL_SWITCH_HYPERPLANE, o->fallback_ratio, X, found,
                   info);
    if (st == LL_OK && !*found && o->use_deflation && S->n_defl > 0)
        st = stage(w, S, LL_SWITCH_DEFLATION, o->fallback_ratio, X, found,
                   info);
    return st;
}

static ll_status switch_with(ll_switch_ws *w, sw_state *S, const ll_lscoef *c,
                             const double *kt, int side,
                             const ll_switch_opts *o, double *X, double *t,
                             ll_switch_info *info)
{
    size_t n = w->n;
    double f0 = 0.0;
    memset(X, 0, w->m * sizeof *X);
    ll_status st = w->pb->grad(w->pb->ctx, X, S->ps, w->F);
    if (st != LL_OK)
        return ll_err(w->eb, st, "bif: grad callback failed");
    f0 = ll_nrm2(n, w->F);
    w->ftol = o->newton_tol * (f0 > 1.0 ? f0 : 1.0);
    w->maxit = o->newton_maxit;
    if ((st = known_branch(w, S, kt)) != LL_OK)
        return st;
    info->r_known = S->r1;
    predict(n, c, o->offset, side, S, info);
    int found = 0;
    if ((st = run_stages(w, S, c, o, X, &found, info)) != LL_OK)
        return st;
    if (!found)
        return ll_err(w->eb, LL_ERR_NOCONV, "bif: no point of the new branch "
                      "found near p* = %.12g (%d stage(s) tried, %zu fell "
                      "back onto the known branch)", S->ps,
                      info->stages_tried, S->n_defl);
    info->delta = offset_of(n, S, X);
    info->mu = X[n] - S->ps;
    return ll_switch_tangent(w, X, S->nv, t);
}

ll_status ll_bif_switch(const ll_problem *pb, const double *xs, double ps,
                        const double *phi, const ll_lscoef *c,
                        const double *known_tangent, int side,
                        const ll_switch_opts *o, double *X, double *t,
                        ll_switch_info *info, ll_errbuf *eb)
{
    ll_switch_opts def = ll_switch_opts_default();
    o = o ? o : &def;
    ll_status st = check_args(pb, xs, ps, phi, c, o, X, t, info, eb);
    if (st != LL_OK)
        return st;
    memset(info, 0, sizeof *info);
    info->delta = info->mu = info->r_new = NAN;
    ll_switch_ws w;
    if ((st = ll_switch_ws_init(&w, pb, eb)) != LL_OK)
        return st;
    size_t n = pb->n, m = n + 1;
    double *buf = malloc((n + 5 * m) * sizeof *buf);
    if (!buf) {
        ll_switch_ws_free(&w);
        return ll_err(eb, LL_ERR_NOMEM, "bif: out of memory (n = %zu)", n);
    }
    sw_state S = {.xs = xs, .phi = phi, .ps = ps, .K = buf, .Xp = buf + n,
                  .nv = buf + n + m, .cpl = buf + n + 2 * m,
                  .defl = buf + n + 3 * m, .n_defl = 0};
    st = switch_with(&w, &S, c, known_tangent, side, o, X, t, info);
    free(buf);
    ll_switch_ws_free(&w);
    return st;
}
