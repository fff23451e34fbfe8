/* Refinement of a located fold on the Moore-Spence extended system
 * (MATH.md section 2; Moore & Spence, SIAM J. Numer. Anal. 17 (1980) 567;
 * Govaerts, Numerical Methods for Bifurcations of Dynamical Equilibria,
 * SIAM 2000, sec. 3.3).
 *
 * Unknowns Y = (x, phi, p) in R^(2n+1), equations
 *     G(Y) = [ F(x, p) ; H(x, p) phi ; phi^T phi - 1 ] = 0,
 * with the Jacobian
 *     [ H               0       F_p      ]
 *     [ D^3L[phi,.,.]   H       H_p phi  ]
 *     [ 0               2 phi^T 0        ]
 * (d/dx of H phi along v is D^3L[v, phi, .] = D^3L[phi, ., .] v, by
 * symmetry; D^3L[phi, ., .] is the problem's hess_dir). At a simple fold,
 * H phi = 0 with a one-dimensional kernel, g_p = phi^T F_p != 0 and
 * g_aa = D^3L[phi^3] != 0, this Jacobian is regular, so Newton converges
 * quadratically from the bracketed point; it is solved dense (ll_solve).
 *
 * Converged when ||F|| <= newton_tol * gscale (the corrector's tolerance),
 * ||H phi|| <= newton_tol * max(1, ||H||_F) (rounding of H phi is
 * ~ eps ||H|| sqrt(n)), |phi^T phi - 1| <= 1e-13 and the last step was small
 * (as in the corrector), after at least one step. The refined point must stay close to the bracketed
 * one (LL_CONT_FOLD_MAXMOVE): a Newton run that wanders off to another
 * solution is a failure, not a refinement. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"

/* The bracketed point is within ~1e-8 of the fold in x (|dsigma| <= 1e-10
 * with p quadratic in sigma) and ~1e-10 in p: a refined point further than
 * this (relative to 1 + |Y|) is another solution. */
#define LL_CONT_FOLD_MAXMOVE 1e-4
/* Small last step, relative to 1 + ||Y|| (see newton.c). */
#define LL_CONT_FOLD_STEP_SMALL 1e-6

/* Scratch of one refinement: J (q x q), G, d, Y, Y0 (q), Mdir, Hp (n x n),
 * with q = 2n + 1. One allocation per fold. */
typedef struct fold_buf {
    size_t n, q;
    double *J, *G, *d, *Y, *Y0, *Mdir, *Hp;
} fold_buf;

static ll_status fold_buf_alloc(ll_cont_ws *ws, fold_buf *b)
{
    size_t n = ws->n, q = 2 * n + 1;
    b->n = n, b->q = q;
    b->J = malloc((q * q + 4 * q + 2 * n * n) * sizeof *b->J);
    if (!b->J)
        return ll_err(ws->eb, LL_ERR_NOMEM, "cont: out of memory for the fold "
                      "refinement (n = %zu)", n);
    b->G = b->J + q * q, b->d = b->G + q, b->Y = b->d + q, b->Y0 = b->Y + q;
    b->Mdir = b->Y0 + q, b->Hp = b->Mdir + n * n;
    return LL_OK;
}

/* G(Y) into b->G (ws->H = H(x, p) on return); norms of its three parts. */
static ll_status fold_residual(ll_cont_ws *ws, const double *Y, fold_buf *b,
                               double *fn, double *hn, double *cn)
{
    const ll_problem *pb = ws->pb;
    size_t n = ws->n;
    const double *phi = Y + n;
    double p = Y[2 * n];
    ll_status st = pb->grad(pb->ctx, Y, p, b->G);
    if (st == LL_OK)
        st = pb->hess(pb->ctx, Y, p, ws->H);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: grad/hess callback failed in the "
                      "fold refinement at p = %g", p);
    ll_gemv(0, n, n, 1.0, ws->H, n, phi, 0.0, b->G + n);
    b->G[2 * n] = ll_dot(n, phi, phi) - 1.0;
    *fn = ll_nrm2(n, b->G), *hn = ll_nrm2(n, b->G + n);
    *cn = fabs(b->G[2 * n]);
    return LL_OK;
}

/* The Jacobian of G at Y into b->J (ws->H already holds H(x, p)). */
static ll_status fold_jacobian(ll_cont_ws *ws, const double *Y, fold_buf *b)
{
    const ll_problem *pb = ws->pb;
    size_t n = ws->n, q = b->q;
    const double *phi = Y + n;
    double p = Y[2 * n], *J = b->J;
    ws->jac_known = 0; /* ws->Fp is overwritten here */
    ll_status st = pb->grad_p(pb->ctx, Y, p, ws->Fp);
    if (st == LL_OK)
        st = pb->hess_p(pb->ctx, Y, p, b->Hp);
    if (st == LL_OK)
        st = pb->hess_dir(pb->ctx, Y, p, phi, b->Mdir);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: grad_p/hess_p/hess_dir callback "
                      "failed in the fold refinement at p = %g", p);
    memset(J, 0, q * q * sizeof *J);
    for (size_t j = 0; j < n; j++) {
        memcpy(J + j * q, ws->H + j * n, n * sizeof *J);          /* H  */
        memcpy(J + j * q + n, b->Mdir + j * n, n * sizeof *J);    /* D3 */
        memcpy(J + (n + j) * q + n, ws->H + j * n, n * sizeof *J); /* H */
        J[2 * n + (n + j) * q] = 2.0 * phi[j];
    }
    memcpy(J + 2 * n * q, ws->Fp, n * sizeof *J);
    ll_gemv(0, n, n, 1.0, b->Hp, n, phi, 0.0, J + 2 * n * q + n);
    return LL_OK;
}

static double frob(size_t n, const double *H)
{
    return ll_nrm2(n * n, H);
}

/* Newton on G(Y) = 0 from Y (overwritten by the iterates). */
static ll_status fold_newton(ll_cont_ws *ws, double *Y, fold_buf *b,
                             ll_cont_fold_info *info)
{
    size_t q = b->q, n = ws->n;
    int maxit = ws->o->newton_maxit;
    double fn = 0.0, hn = 0.0, cn = 0.0, dnorm = 0.0;
    for (int it = 0; it <= maxit; it++) {
        ll_status st = fold_residual(ws, Y, b, &fn, &hn, &cn);
        if (st != LL_OK)
            return st;
        double ynorm = ll_nrm2(q, Y), htol = ws->o->newton_tol *
                                              fmax(1.0, frob(n, ws->H));
        if (it < LL_CONT_FOLD_HIST)
            info->res[it] = ll_nrm2(q, b->G);
        info->its = it, info->fnorm = fn, info->hphi_norm = hn;
        if (!isfinite(fn) || !isfinite(hn) || !isfinite(cn))
            break;
        /* at least one step: the bracketed point usually meets the
         * tolerances already, and one Newton step from it squares its error
         * (and measures it: info->dp) */
        if (it >= 1 && fn <= ws->ftol && hn <= htol && cn <= 1e-13 &&
            dnorm <= LL_CONT_FOLD_STEP_SMALL * (1.0 + ynorm))
            return LL_OK;
        if (it == maxit)
            break;
        if ((st = fold_jacobian(ws, Y, b)) != LL_OK)
            return st;
        for (size_t i = 0; i < q; i++)
            b->d[i] = -b->G[i];
        if ((st = ll_solve(q, b->J, 1, b->d, NULL)) != LL_OK)
            return ll_err(ws->eb, st, "cont: singular Moore-Spence Jacobian "
                          "at p = %.12g (not a simple fold?)", Y[2 * n]);
        for (size_t i = 0; i < q; i++)
            Y[i] += b->d[i];
        dnorm = ll_nrm2(q, b->d);
        ws->newton_iters++;
    }
    return ll_err(ws->eb, LL_ERR_NOCONV, "cont: fold refinement did not "
                  "converge (||F|| = %.3g, ||H phi|| = %.3g)", fn, hn);
}

ll_status ll_cont_fold_refine(ll_cont_ws *ws, double *X, double *phi,
                              ll_cont_fold_info *info)
{
    size_t n = ws->n;
    ll_cont_fold_info local;
    info = info ? info : &local;
    memset(info, 0, sizeof *info);
    info->dp = NAN;
    if (!ws->pb->hess_dir)
        return ll_err(ws->eb, LL_ERR_ARG, "cont: fold refinement needs the "
                      "problem's hess_dir");
    fold_buf b = {0};
    ll_status st = fold_buf_alloc(ws, &b);
    if (st != LL_OK)
        return st;
    double *Y = b.Y, move = 0.0, pn = ll_nrm2(n, phi);
    memcpy(Y, X, n * sizeof *Y);
    for (size_t i = 0; i < n; i++)
        Y[n + i] = phi[i] / pn;
    Y[2 * n] = X[n];
    memcpy(b.Y0, Y, b.q * sizeof *Y);
    st = fold_newton(ws, Y, &b, info);
    for (size_t i = 0; i < b.q; i++)
        move = fmax(move, fabs(Y[i] - b.Y0[i]));
    if (st == LL_OK && !(move <= LL_CONT_FOLD_MAXMOVE *
                                     (1.0 + ll_nrm2(b.q, b.Y0))))
        st = ll_err(ws->eb, LL_ERR_NOCONV, "cont: fold refinement moved "
                    "%.3g away from the bracketed point: rejected", move);
    if (st == LL_OK) {
        info->dp = fabs(Y[2 * n] - X[n]);
        memcpy(X, Y, n * sizeof *X);
        X[n] = Y[2 * n];
        memcpy(phi, Y + n, n * sizeof *phi);
    }
    free(b.J);
    return st;
}
