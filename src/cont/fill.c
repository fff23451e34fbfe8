/* The description of an event at its located point X* (MATH.md section 2):
 * x*, p*, the kernel vector phi (unit, sign convention of bif.h), the
 * crossing eigenvalue mu1 and the nearest other one mu2 (the gap), the unit
 * tangent and t_p, d mu1/ds along it (exact, Hellmann-Feynman:
 * D^3L[phi, phi, t_x] + t_p phi^T H_p phi), d mu1/dp = (d mu1/ds) / t_p
 * (NaN at a fold, where t_p = 0), loss, ||F||, and the Lyapunov-Schmidt
 * coefficients (bif.h) if asked for. A located fold is first refined on the
 * Moore-Spence system (fold.c) when the problem provides hess_dir and the
 * Hessian path is dense (that system is a dense (2n+1)-square one), and
 * described at the refined point. On the structured and matrix-free paths
 * H_p phi comes from hess_p_vec, the eigenpairs from hop.c and the
 * coefficients from ll_bif_coefficients_ext with hop's range solves.
 *
 * At a simple branch point the bordered Jacobian [[H, F_p], [t^T]] is
 * singular (ker [H F_p] is two-dimensional), so a located branch point has
 * an ill-conditioned tangent system (rounding ~ eps / rcond). When its
 * reciprocal condition is below LL_CONT_RCOND_BP, the tangent and d mu1/ds
 * are the means of their exact values at the branch points sigma* +- h
 * (h = LL_CONT_BP_H), where the system is regular: the mean of a smooth
 * function at +-h is its value + O(h^2), and the rounding there is
 * ~ eps / (h |mu'|), so h ~ eps^(1/3) balances both near 1e-10. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"

/* rounding in the tangent is ~ eps / rcond: 1e-11 keeps it below ~1e-5 */
#define LL_CONT_RCOND_BP 1e-11
#define LL_CONT_BP_H 6e-6

ll_status ll_cont_dmu_along(ll_cont_ws *ws, const double *X, const double *phi,
                            const double *v, double *d3, double *out)
{
    const ll_problem *pb = ws->pb;
    size_t n = ws->n;
    double p = X[n];
    ll_status st = pb->d3(pb->ctx, X, p, phi, phi, d3);
    if (st == LL_OK && ws->hop) {
        st = pb->hess_p_vec(pb->ctx, X, p, phi, ws->tmp2);
    } else if (st == LL_OK) {
        st = pb->hess_p(pb->ctx, X, p, ws->Hp);
        if (st == LL_OK)
            ll_gemv(0, n, n, 1.0, ws->Hp, n, phi, 0.0, ws->tmp2);
    }
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: d3/%s callback failed at p = %g",
                      ws->hop ? "hess_p_vec" : "hess_p", p);
    *out = ll_dot(n, d3, v) + v[n] * ll_dot(n, phi, ws->tmp2);
    return LL_OK;
}

ll_status ll_cont_crossing_eig(ll_cont_ws *ws, int k, double *mu, double *mu2,
                               double *phi)
{
    size_t n = ws->n, kk = (size_t)k + 2 < n ? (size_t)k + 2 : n;
    const double *V = ws->V;
    ll_status st = ws->hop ? ll_cont_hop_eigs(ws, kk, 1, ws->w, &V)
                           : ll_sym_eig_smallest(n, ws->H, kk, ws->w, ws->V);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: eigensolver failed at an event");
    *mu = ws->w[k];
    *mu2 = NAN;
    if (k > 0)
        *mu2 = ws->w[k - 1];
    if ((size_t)k + 1 < kk && !(fabs(ws->w[k + 1] - *mu) >= fabs(*mu2 - *mu)))
        *mu2 = ws->w[k + 1];
    memcpy(phi, V + (size_t)k * n, n * sizeof *phi);
    return LL_OK;
}

/* Unit tangent (into t) and d mu_k/ds at the branch point with arc
 * coordinate sigma from A; Xg (m) is the initial guess, overwritten. */
static ll_status side_point(ll_cont_ws *ws, const ll_cont_point *A, int k,
                            double sigma, double *Xg, double *t, double *phi,
                            double *d3, double *dmu)
{
    int its = 0;
    double mu, mu2;
    ll_status st = ll_cont_correct(ws, Xg, A->t, A->X, sigma, &its);
    if (st == LL_OK)
        st = ll_cont_eval_HFp(ws, Xg);
    if (st == LL_OK)
        st = ll_cont_crossing_eig(ws, k, &mu, &mu2, phi);
    if (st != LL_OK)
        return st;
    memset(t, 0, ws->m * sizeof *t);
    t[ws->n] = 1.0;
    if ((st = ll_cont_bordered_solve(ws, A->t, t)) != LL_OK)
        return st;
    double nt = ll_nrm2(ws->m, t);
    for (size_t i = 0; i < ws->m; i++)
        t[i] /= nt;
    return ll_cont_dmu_along(ws, Xg, phi, t, d3, dmu);
}

/* The tangent and dmu/ds at a (near-)singular bordered system: means over
 * sigma* +- h (see the header comment). buf: 3m + n scratch. */
static ll_status tangent_bp(ll_cont_ws *ws, const ll_cont_point *A,
                            const double *X, int k, double *t, double *d3,
                            double *buf, double *dmu)
{
    size_t m = ws->m;
    double *Xg = buf, *ts = buf + m, *phi = buf + 2 * m, sig = 0.0, dm[2];
    for (size_t i = 0; i < m; i++)
        sig += A->t[i] * (X[i] - A->X[i]);
    memset(t, 0, m * sizeof *t);
    for (int side = 0; side < 2; side++) {
        double h = side ? LL_CONT_BP_H : -LL_CONT_BP_H;
        for (size_t i = 0; i < m; i++)
            Xg[i] = X[i] + h * A->t[i];
        ll_status st = side_point(ws, A, k, sig + h, Xg, ts, phi, d3, &dm[side]);
        if (st != LL_OK)
            return st;
        for (size_t i = 0; i < m; i++)
            t[i] += 0.5 * ts[i];
    }
    double nt = ll_nrm2(m, t);
    for (size_t i = 0; i < m; i++)
        t[i] /= nt;
    *dmu = 0.5 * (dm[0] + dm[1]);
    return LL_OK;
}

/* Unit tangent at X into t and d mu1/ds along it; ws->H, ws->Fp hold H(X),
 * F_p(X), ev->phi the kernel vector. */
static ll_status event_tangent(ll_cont_ws *ws, const ll_cont_point *A,
                               const double *X, int k, ll_event *ev,
                               double *t, double *d3, double *buf)
{
    size_t m = ws->m;
    memset(t, 0, m * sizeof *t);
    t[ws->n] = 1.0;
    ll_status st = ll_cont_bordered_solve(ws, A->t, t);
    if (st == LL_ERR_NOMEM) /* not a singular system: an error */
        return ll_err(ws->eb, st, "cont: out of memory for the tangent at "
                      "p = %g", X[ws->n]);
    if (st != LL_OK || !(ws->last_rcond >= LL_CONT_RCOND_BP))
        return tangent_bp(ws, A, X, k, t, d3, buf, &ev->dmu1_ds);
    double nt = ll_nrm2(m, t);
    for (size_t i = 0; i < m; i++)
        t[i] /= nt;
    return ll_cont_dmu_along(ws, X, ev->phi, t, d3, &ev->dmu1_ds);
}

static ll_status fill_coefs(ll_cont_ws *ws, const double *X, ll_event *ev)
{
    ll_errbuf eb = {{0}};
    ll_status st = LL_OK;
    if (ws->hop) {
        /* the range solves need the operator at X */
        if ((st = ll_cont_eval_H(ws, X)) == LL_OK)
            st = ll_bif_coefficients_ext(ws->pb, X, X[ws->n], ev->phi,
                                         &ws->o->bif, ll_cont_hop_range_solve,
                                         ws, &ev->coef, &eb);
    } else {
        st = ll_bif_coefficients(ws->pb, X, X[ws->n], ev->phi, &ws->o->bif,
                                 &ev->coef, &eb);
    }
    if (st != LL_OK && ev->status == LL_OK) {
        ev->status = st;
        snprintf(ev->reason, sizeof ev->reason, "%.127s", eb.msg);
    }
    return st == LL_ERR_NOMEM ? st : LL_OK;
}

/* Moore-Spence refinement of a fold (fold.c) from Xr (m, overwritten on
 * success), starting from the eigenvector of the crossing eigenvalue; the
 * refined kernel vector goes into phir and *done = 1. A failure keeps Xr and
 * goes into ev->reason; only LL_ERR_NOMEM is returned. */
static ll_status refine_fold(ll_cont_ws *ws, int k, double *Xr, double *phir,
                             ll_event *ev, int *done)
{
    double mu, mu2;
    ll_cont_fold_info info;
    *done = 0;
    ll_status st = ll_cont_eval_HFp(ws, Xr);
    if (st == LL_OK)
        st = ll_cont_crossing_eig(ws, k, &mu, &mu2, phir);
    if (st == LL_OK)
        st = ll_cont_fold_refine(ws, Xr, phir, &info);
    if (st == LL_OK) {
        ev->refine_dp = info.dp;
        *done = 1;
        return LL_OK;
    }
    if (st == LL_ERR_NOMEM)
        return st;
    snprintf(ev->reason, sizeof ev->reason, "bracketed fold kept: %.100s",
             ws->eb ? ws->eb->msg : ll_status_str(st));
    return LL_OK;
}

ll_status ll_cont_event_fill(ll_cont_ws *ws, const ll_cont_point *A,
                             const double *X0, int k, ll_event *ev, int refine)
{
    size_t n = ws->n, m = ws->m;
    double *t = malloc((5 * m + 3 * n) * sizeof *t), chord = 0.0;
    if (!t)
        return ll_err(ws->eb, LL_ERR_NOMEM, "cont: out of memory at an event");
    double *d3 = t + m, *buf = d3 + n, *X = buf + 3 * m + n, *phir = X + m;
    int refined = 0;
    ll_status st = LL_OK;
    memcpy(X, X0, m * sizeof *X);
    /* the Moore-Spence system is dense (2n + 1 unknowns): dense path only */
    if (refine && ev->type == LL_EVENT_FOLD && ws->pb->hess_dir && !ws->hop)
        st = refine_fold(ws, k, X, phir, ev, &refined);
    memcpy(ev->x, X, n * sizeof *ev->x);
    ev->p = X[n];
    for (size_t i = 0; i < m; i++)
        chord += (X[i] - A->X[i]) * (X[i] - A->X[i]);
    ev->s = A->s + sqrt(chord);
    if (st == LL_OK)
        st = ll_cont_eval_HFp(ws, X);
    if (st == LL_OK)
        st = ll_cont_crossing_eig(ws, k, &ev->mu1, &ev->mu2, ev->phi);
    if (st == LL_OK) {
        if (refined) /* the refined kernel, H phi = 0 to the tolerance */
            memcpy(ev->phi, phir, n * sizeof *ev->phi);
        ll_bif_normalise_kernel(n, ev->phi);
        st = event_tangent(ws, A, X, k, ev, t, d3, buf);
        ev->tp = t[n];
    }
    ev->dmu1_dp = ev->type == LL_EVENT_FOLD ? NAN : ev->dmu1_ds / ev->tp;
    if (st == LL_OK)
        st = ll_cont_eval_F(ws, X, &ev->grad_norm);
    if (st == LL_OK && (st = ws->pb->loss(ws->pb->ctx, X, X[n], &ev->loss)))
        st = ll_err(ws->eb, st, "cont: loss callback failed at p = %g", X[n]);
    if (st == LL_OK && ws->o->compute_coefs)
        st = fill_coefs(ws, X, ev);
    free(t);
    return st;
}
