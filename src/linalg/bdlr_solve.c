/* Solves and products with A = blockdiag(B) - sigma I + U diag(s) U^T
 * (include/losslab/bdlr.h; notation in bdlr_internal.h, factor in bdlr.c).
 *
 * Woodbury in D's eigenbasis, for nrhs columns M at once (BLAS 3):
 *   Xh = Theta^{-1} Q^T M                        (= Q^T D'^{-1} M)
 *   g  = W^T D'^{-1} M = diag(w) R^T (|Theta|^{1/2} Xh)   (rows permuted),
 *        clamp rows w_c Xh_l
 *   z  = diag(w) C'^{-1} g                       (dsytrs / dpotrs)
 *   Xh -= Theta^{-1} Q^T U z = sign(Theta) |Theta|^{-1/2} (R z),
 *        clamp rows Xh_l -= z_c / theta_l
 *   M  = Q Xh                                    (= A^{-1} M)
 * 2 n bs + 4 n k flops per column. Then iterative refinement in working
 * precision (Higham, Accuracy and Stability of Numerical Algorithms, 2nd
 * ed., ch. 12): r = b - A x with the exact A (not the clamped D'), x += A^{-1}
 * r, until the normwise backward error ||r||_2 / (||A||_F ||x||_2 +
 * ||b||_2) is below n eps. n eps is the rounding floor of the computed
 * residual itself: each entry of A x contains the n-term inner products
 * U^T x, whose rounding error is bounded by ~ n eps |U|^T |x|. One step
 * suffices when cond(D') eps and the Woodbury error are small (clamping
 * keeps cond(D') <= 1e6); the loop stops after LL_BDLR_REFINE_MAX steps
 * or when a step does not halve the backward error (stagnation: A is too
 * ill-conditioned for refinement to help). */
#include "bdlr_internal.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LL_BDLR_REFINE_MAX 4

void ll_bdlr_apply_many(const ll_bdlr *f, size_t nrhs, const double *X,
                        size_t ldx, double *Y, double *T)
{
    size_t n = f->n, bs = f->bs, k = f->k;
    for (size_t j = 0; j < f->nb; j++)
        cblas_dsymm(CblasColMajor, CblasLeft, CblasLower, (blasint)bs,
                    (blasint)nrhs, 1.0, f->B + j * bs * bs, (blasint)bs,
                    X + j * bs, (blasint)ldx, 0.0, Y + j * bs, (blasint)n);
    for (size_t c = 0; c < nrhs; c++)
        cblas_daxpy((blasint)n, -f->sigma, X + c * ldx, 1, Y + c * n, 1);
    if (k == 0)
        return;
    cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (blasint)k,
                (blasint)nrhs, (blasint)n, 1.0, f->U, (blasint)n, X,
                (blasint)ldx, 0.0, T, (blasint)k);
    for (size_t c = 0; c < nrhs; c++)
        for (size_t i = 0; i < k; i++)
            T[i + c * k] *= f->s[i];
    cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (blasint)n,
                (blasint)nrhs, (blasint)k, 1.0, f->U, (blasint)n, T,
                (blasint)k, 1.0, Y, (blasint)n);
}

void ll_bdlr_apply(const ll_bdlr *f, const double *x, double *y)
{
    ll_bdlr_apply_many(f, 1, x, f->n, y, f->ktmp);
}

/* Scratch for nrhs columns (grown, never shrunk). */
static ll_status ensure_rhs(ll_bdlr *f, size_t nrhs)
{
    if (nrhs <= f->rcap)
        return LL_OK;
    size_t n = f->n;
    double **p[5] = {&f->Xh, &f->V, &f->Rs, &f->Bs, &f->G};
    size_t rows[5] = {n, n, n, n, f->kcap};
    for (int i = 0; i < 5; i++) { /* on failure every block stays owned */
        double *q = realloc(*p[i], (rows[i] ? rows[i] : 1) * nrhs * sizeof *q);
        if (!q)
            return LL_ERR_NOMEM;
        *p[i] = q;
    }
    f->rcap = nrhs;
    return LL_OK;
}

/* Xh = Q^T M block by block (dir 0), or M = Q Xh (dir 1). */
static void eig_basis(const ll_bdlr *f, int dir, size_t nrhs, double *M,
                      size_t ldm)
{
    size_t n = f->n, bs = f->bs, bb = bs * bs;
    if (bs == 1) { /* Q = 1 */
        for (size_t c = 0; c < nrhs; c++)
            if (dir == 0)
                memcpy(f->Xh + c * n, M + c * ldm, n * sizeof *M);
            else
                memcpy(M + c * ldm, f->Xh + c * n, n * sizeof *M);
        return;
    }
    for (size_t j = 0; j < f->nb; j++) {
        const double *Qj = f->Q + j * bb;
        if (dir == 0)
            cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (blasint)bs,
                        (blasint)nrhs, (blasint)bs, 1.0, Qj, (blasint)bs,
                        M + j * bs, (blasint)ldm, 0.0, f->Xh + j * bs,
                        (blasint)n);
        else
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans,
                        (blasint)bs, (blasint)nrhs, (blasint)bs, 1.0, Qj,
                        (blasint)bs, f->Xh + j * bs, (blasint)n, 0.0,
                        M + j * bs, (blasint)ldm);
    }
}

/* The low-rank correction of Xh = Theta^{-1} Q^T M (see the top). */
static ll_status correct(ll_bdlr *f, size_t nrhs)
{
    size_t n = f->n, k = f->k, kk = f->kk;
    double *Xh = f->Xh, *V = f->V, *G = f->G;
    for (size_t c = 0; c < nrhs; c++)
        for (size_t l = 0; l < n; l++)
            V[f->perm[l] + c * n] = sqrt(fabs(f->theta[l])) * Xh[l + c * n];
    if (k)
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (blasint)k,
                    (blasint)nrhs, (blasint)n, 1.0, f->R, (blasint)n, V,
                    (blasint)n, 0.0, G, (blasint)kk);
    for (size_t c = 0; c < nrhs; c++) {
        for (size_t i = 0; i < k; i++)
            G[i + c * kk] *= f->w[i];
        for (size_t q = 0; q < f->nc; q++)
            G[k + q + c * kk] = f->w[k + q] * Xh[f->cl[q] + c * n];
    }
    lapack_int info =
        f->chol ? LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'L', (lapack_int)kk,
                                      (lapack_int)nrhs, f->C, (lapack_int)kk,
                                      G, (lapack_int)kk)
                : LAPACKE_dsytrs_work(LAPACK_COL_MAJOR, 'L', (lapack_int)kk,
                                      (lapack_int)nrhs, f->C, (lapack_int)kk,
                                      f->ipiv, G, (lapack_int)kk);
    if (info != 0)
        return LL_ERR_LAPACK;
    for (size_t c = 0; c < nrhs; c++)
        for (size_t i = 0; i < kk; i++)
            G[i + c * kk] *= f->w[i];
    if (k)
        cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, (blasint)n,
                    (blasint)nrhs, (blasint)k, 1.0, f->R, (blasint)n, G,
                    (blasint)kk, 0.0, V, (blasint)n);
    for (size_t c = 0; c < nrhs; c++) {
        for (size_t l = 0; l < n && k; l++) {
            double th = f->theta[l];
            Xh[l + c * n] -= V[f->perm[l] + c * n] / (th > 0.0 ? 1.0 : -1.0) /
                             sqrt(fabs(th));
        }
        for (size_t q = 0; q < f->nc; q++)
            Xh[f->cl[q] + c * n] -= G[k + q + c * kk] / f->theta[f->cl[q]];
    }
    return LL_OK;
}

/* M <- A^{-1} M (one Woodbury pass, no refinement). */
static ll_status woodbury(ll_bdlr *f, size_t nrhs, double *M, size_t ldm)
{
    size_t n = f->n;
    eig_basis(f, 0, nrhs, M, ldm);
    for (size_t c = 0; c < nrhs; c++)
        for (size_t l = 0; l < n; l++)
            f->Xh[l + c * n] /= f->theta[l];
    ll_status st = f->kk ? correct(f, nrhs) : LL_OK;
    if (st == LL_OK)
        eig_basis(f, 1, nrhs, M, ldm);
    return st;
}

/* Rs = Bs - A X; returns the largest normwise backward error of a column. */
static double residual(ll_bdlr *f, size_t nrhs, const double *X, size_t ldx)
{
    size_t n = f->n;
    ll_bdlr_apply_many(f, nrhs, X, ldx, f->Rs, f->G);
    double worst = 0.0;
    for (size_t c = 0; c < nrhs; c++) {
        double *r = f->Rs + c * n;
        const double *b = f->Bs + c * n;
        for (size_t i = 0; i < n; i++)
            r[i] = b[i] - r[i];
        double den = f->fro * cblas_dnrm2((blasint)n, X + c * ldx, 1) +
                     cblas_dnrm2((blasint)n, b, 1);
        double rn = cblas_dnrm2((blasint)n, r, 1);
        worst = fmax(worst, den > 0.0 ? rn / den : (rn > 0.0 ? INFINITY : 0));
    }
    return worst;
}

size_t ll_bdlr_refinements(const ll_bdlr *f, double *berr)
{
    if (berr)
        *berr = f->berr;
    return f->nref;
}

ll_status ll_bdlr_solve(ll_bdlr *f, size_t nrhs, double *X, size_t ldx)
{
    if (f->fstat != LL_OK)
        return f->fstat == LL_ERR_SINGULAR ? LL_ERR_SINGULAR : LL_ERR_ARG;
    size_t n = f->n;
    if (nrhs == 0)
        return LL_OK;
    if (ldx < n || !X)
        return LL_ERR_ARG;
    ll_status st = ensure_rhs(f, nrhs);
    for (size_t c = 0; c < nrhs && st == LL_OK; c++)
        memcpy(f->Bs + c * n, X + c * ldx, n * sizeof *X);
    if (st == LL_OK)
        st = woodbury(f, nrhs, X, ldx);
    double tol = (double)n * DBL_EPSILON, prev = INFINITY;
    f->nref = 0;
    for (int it = 0; st == LL_OK; it++) {
        double om = residual(f, nrhs, X, ldx);
        f->berr = om;
        if (om <= tol || om > 0.5 * prev || it == LL_BDLR_REFINE_MAX)
            break;
        prev = om;
        f->nref++;
        if ((st = woodbury(f, nrhs, f->Rs, n)) != LL_OK)
            break;
        for (size_t c = 0; c < nrhs; c++)
            cblas_daxpy((blasint)n, 1.0, f->Rs + c * n, 1, X + c * ldx, 1);
    }
    return st;
}
