/* Location of an event on the branch (MATH.md section 2).
 *
 * Test function: the crossing eigenvalue mu = mu_k of H (k-th smallest,
 * k = min(index before, index after)). The branch between the accepted
 * points A and B is parametrised by the arc coordinate along A's tangent,
 *     X(sigma):  F(X) = 0,  t_a^T (X - X_a) = sigma,
 * each point by the Newton corrector. mu(sigma) changes sign on
 * [0, sigma_b]; safeguarded Newton on it, with Illinois (modified regula
 * falsi) steps whenever Newton would leave the bracket. The derivative is
 * exact (Hellmann-Feynman for a simple eigenvalue with unit eigenvector phi):
 *     dX/dsigma from [[H, F_p], [t_a^T]] dX = e_{n+1},
 *     dmu/dsigma = D^3L[phi, phi, dX_x] + dX_p phi^T H_p phi.
 * Stop when both |dp| and |dsigma| between successive iterates are below
 * locate_tol: at a fold p is quadratic in sigma, so |dp| alone is small
 * long before x* is accurate. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"

#define LL_CONT_LOCATE_MAXIT 60

typedef struct arc_val {
    double sigma, p, mu, mu2, dmu; /* dmu = dmu/dsigma, NaN if unknown */
} arc_val;

/* Scratch of one location (allocated per event, not per iteration). */
typedef struct loc_buf {
    double *Xc, *dXc, *Xg, *dXg, *phi, *d3;
} loc_buf;

/* The branch point at arc coordinate sigma: X (guess in, solution out), its
 * derivative dX = dX/dsigma, and the crossing eigenvalue with its slope. */
static ll_status arc_point(ll_cont_ws *ws, const ll_cont_point *A, int k,
                           double sigma, double *X, double *dX, loc_buf *b,
                           arc_val *v)
{
    size_t n = ws->n;
    int its = 0;
    ll_status st = ll_cont_correct(ws, X, A->t, A->X, sigma, &its);
    if (st == LL_OK)
        st = ll_cont_eval_HFp(ws, X);
    if (st == LL_OK)
        st = ll_cont_crossing_eig(ws, k, &v->mu, &v->mu2, b->phi);
    if (st != LL_OK)
        return st;
    v->sigma = sigma, v->p = X[n], v->dmu = NAN;
    memset(dX, 0, ws->m * sizeof *dX);
    dX[n] = 1.0;
    if (ll_cont_bordered_solve(ws, A->t, dX) != LL_OK) {
        memset(dX, 0, ws->m * sizeof *dX); /* singular: no derivative */
        return LL_OK;
    }
    return ll_cont_dmu_along(ws, X, b->phi, dX, b->d3, &v->dmu);
}

static ll_status loc_buf_alloc(ll_cont_ws *ws, loc_buf *b, double **block)
{
    size_t m = ws->m, n = ws->n;
    *block = malloc((4 * m + 2 * n) * sizeof **block);
    if (!*block)
        return ll_err(ws->eb, LL_ERR_NOMEM, "cont: out of memory in location");
    b->Xc = *block, b->dXc = b->Xc + m, b->Xg = b->dXc + m;
    b->dXg = b->Xg + m, b->phi = b->dXg + m, b->d3 = b->phi + n;
    return LL_OK;
}

/* Next arc coordinate: Newton from the current iterate if it stays inside
 * the bracket (a, b), else Illinois regula falsi, else bisection. */
static double next_sigma(const arc_val *cur, int have, double a, double fa,
                         double b, double fb)
{
    if (have && isfinite(cur->dmu) && cur->dmu != 0.0) {
        double s = cur->sigma - cur->mu / cur->dmu;
        if (s > a && s < b)
            return s;
    }
    double s = b - fb * (b - a) / (fb - fa);
    return (s > a && s < b) ? s : 0.5 * (a + b);
}

/* Initial guess of X at sigma: a first-order step from the current iterate,
 * or the chord between A and B. */
static void guess(const ll_cont_ws *ws, const ll_cont_point *A,
                  const ll_cont_point *B, double sb, const arc_val *cur,
                  int have, const loc_buf *b, double s)
{
    for (size_t i = 0; i < ws->m; i++)
        b->Xg[i] = have ? b->Xc[i] + (s - cur->sigma) * b->dXc[i]
                        : A->X[i] + (s / sb) * (B->X[i] - A->X[i]);
}

/* Iterate on [0, sigma_b] with mu(0) = fa, mu(sigma_b) = fb of opposite
 * signs; leaves the final point in b->Xc. */
static ll_status iterate(ll_cont_ws *ws, const ll_cont_point *A,
                         const ll_cont_point *B, int k, double sb, double fa,
                         double fb, loc_buf *b, ll_event *ev)
{
    double a = 0.0, bb = sb, tol = ws->o->locate_tol;
    arc_val cur = {0}, e;
    int have = 0, side = 0;
    for (int it = 0; it < LL_CONT_LOCATE_MAXIT; it++) {
        double s = next_sigma(&cur, have, a, fa, bb, fb);
        guess(ws, A, B, sb, &cur, have, b, s);
        ll_status st = arc_point(ws, A, k, s, b->Xg, b->dXg, b, &e);
        if (st != LL_OK)
            return st;
        double dp = have ? fabs(e.p - cur.p) : INFINITY;
        double dsig = have ? fabs(e.sigma - cur.sigma) : INFINITY;
        memcpy(b->Xc, b->Xg, ws->m * sizeof *b->Xc);
        memcpy(b->dXc, b->dXg, ws->m * sizeof *b->dXc);
        cur = e, have = 1;
        if (getenv("LL_DBG")) fprintf(stderr, "it %d s %.15e p %.6e mu %.6e dmu %.3e a %.3e b %.3e\n", it, s, e.p, e.mu, e.dmu, a, bb);
        ev->locate_dp = dp;
        if (e.mu == 0.0 || (dp <= tol && dsig <= tol))
            return LL_OK;
        if ((e.mu > 0.0) == (fb > 0.0)) { /* Illinois: halve the stale end */
            bb = s, fb = e.mu;
            if (side == 1)
                fa *= 0.5;
            side = 1;
        } else {
            a = s, fa = e.mu;
            if (side == -1)
                fb *= 0.5;
            side = -1;
        }
    }
    return ll_err(ws->eb, LL_ERR_LOCATE, "cont: event location did not "
                  "converge in %d iterations (|dp| = %.3g)",
                  LL_CONT_LOCATE_MAXIT, ev->locate_dp);
}

ll_status ll_cont_locate(ll_cont_ws *ws, const ll_cont_point *A,
                         const ll_cont_point *B, int k, ll_event *ev)
{
    double *block = NULL, sb = 0.0;
    loc_buf b = {0};
    ll_status st = loc_buf_alloc(ws, &b, &block);
    if (st != LL_OK)
        return st;
    for (size_t i = 0; i < ws->m; i++)
        sb += A->t[i] * (B->X[i] - A->X[i]);
    arc_val va, vb;
    memcpy(b.Xc, A->X, ws->m * sizeof *b.Xc);
    memcpy(b.Xg, B->X, ws->m * sizeof *b.Xg);
    st = arc_point(ws, A, k, 0.0, b.Xc, b.dXc, &b, &va);
    if (st == LL_OK)
        st = arc_point(ws, A, k, sb, b.Xg, b.dXg, &b, &vb);
    if (st == LL_OK) {
        ev->kernel_ratio = fabs(va.mu / va.mu2);
        if ((va.mu > 0.0) == (vb.mu > 0.0) && va.mu != 0.0 && vb.mu != 0.0)
            st = ll_err(ws->eb, LL_ERR_LOCATE, "cont: mu_%d keeps its sign "
                        "between p = %.12g and %.12g", k, va.p, vb.p);
    }
    if (st == LL_OK)
        st = iterate(ws, A, B, k, sb, va.mu, vb.mu, &b, ev);
    double dp = ev->locate_dp, kr = ev->kernel_ratio;
    ll_errbuf failed = {{0}};
    if (st != LL_OK && ws->eb)
        failed = *ws->eb;
    /* On failure describe the event at the best iterate (or at B). */
    ll_status fst = ll_cont_event_fill(ws, A, st == LL_OK || st == LL_ERR_LOCATE
                                                  ? b.Xc : B->X, k, ev,
                                       st == LL_OK);
    ev->locate_dp = dp, ev->kernel_ratio = kr;
    ev->located = st == LL_OK;
    free(block);
    if (st != LL_OK) {
        ev->status = st;
        snprintf(ev->reason, sizeof ev->reason, "%.127s", failed.msg);
        return st == LL_ERR_NOMEM ? st : LL_OK;
    }
    if (fst != LL_OK && ev->status == LL_OK) { /* located, not described */
        ev->status = fst;
        snprintf(ev->reason, sizeof ev->reason, "%.127s",
                 ws->eb && ws->eb->msg[0] ? ws->eb->msg : ll_status_str(fst));
    }
    return fst == LL_ERR_NOMEM ? fst : LL_OK;
}
