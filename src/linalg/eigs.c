/* The k smallest eigenpairs of a symmetric operator by block subspace
 * expansion with Rayleigh-Ritz and thick restart (a block Davidson /
 * Krylov-Schur-like scheme: Saad, "Numerical Methods for Large Eigenvalue
 * Problems", 2nd ed., sec. 4.3 (Rayleigh-Ritz), 6.2 and 8.3 (block
 * Krylov, restarted Davidson); Stathopoulos & Saad's thick restart).
 *
 * The basis Q (n x m) is orthonormal, kept with AQ = A Q, so the projected
 * matrix H = Q^T A Q needs only the new columns' products. Each iteration:
 *   1. H = S diag(theta) S^T (LAPACK dsyev), Ritz vectors X = Q S and
 *      A X = (A Q) S for the first max(k, block) pairs (ascending theta);
 *   2. true residuals r_j = A x_j - theta_j x_j (A x_j is a combination of
 *      computed products, not a recurrence); pair j converged when
 *      ||r_j|| <= tol * anorm; stop when the k wanted pairs are;
 *   3. for up to `block` unconverged pairs among the first max(k, block),
 *      add expand(r_j / ||r_j||) (r_j itself when expand is NULL: then
 *      span(Q) grows like the block Krylov space of A, as r_j lies in
 *      span(x_j, A x_j)), orthogonalised against Q by block classical
 *      Gram-Schmidt twice (vector by vector, with a third pass, when the
 *      second still removed more than 30%: Kahan/Parlett's "twice is
 *      enough"), dropped when less than 1e-10 of
 *      it survives (numerically dependent: the survivor would be mostly
 *      rounding noise);
 *   4. if the basis would exceed maxdim: keep the first k + block Ritz
 *      vectors and the previous iteration's first max(k, block) Ritz
 *      vectors (orthogonalised against them): the "+k" of Stathopoulos &
 *      Saad's GD+k (SIAM J. Sci. Comput. 29 (2007) 2162), which keeps the
 *      three-term (LOBPCG-like, Knyazev 2001) search direction across the
 *      restart (without it, block Krylov on A needed 20-25% more products
 *      in the tests). All of it is done on
 *      coefficients in the small space: Q <- Q C, AQ <- AQ C, H <- C^T H C.
 * With expand = (A - sigma I)^{-1}, T r_j = T(A - theta_j) x_j = x_j -
 * (theta_j - sigma) T x_j: the subspace gets the inverse-iteration
 * direction T x_j, and an inexact T (an iterative solve) errs relative to
 * the small ||r_j||, as in inexact shift-invert / Jacobi-Davidson. Ritz
 * values and residuals use A only, so expand's accuracy never limits the
 * final accuracy, only the speed. A block of at least the multiplicity of
 * an eigenvalue finds all its copies: the start block has components in
 * every eigenvector, and the block keeps one expansion per Ritz vector. */
#include "losslab/krylov.h"

#include <lapacke.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"

/* A Gram-Schmidt survivor below this fraction of the original vector is
 * dropped (its direction would carry > 1e-6 relative rounding noise). */
#define LL_EIGS_DROP 1e-10

typedef struct eg_ws {
    size_t n, k, block, maxdim, p, nr, nx; /* p = max(k, block), nr = k +
                                              block, nx = nr + p */
    double *Q, *AQ, *X, *AX, *r;       /* n x maxdim, .., n x nx, .., n */
    double *H, *S, *theta, *coef, *res, *work; /* maxdim^2, .., maxdim, .. */
    double *Sprev, *C, *HC; /* maxdim x p, maxdim x nx, maxdim x nx */
    double *nrm;            /* 3 block: column norms in eg_orth_block */
    double *R;              /* n x block: residuals for a block expansion */
    size_t mprev, pprev;    /* Sprev: the previous Ritz vectors' coordinates */
    size_t *sel;                               /* block */
    lapack_int lwork;
    uint64_t rng;
} eg_ws;

ll_eigs_opts ll_eigs_opts_default(void)
{
    ll_eigs_opts o = {.tol = 1e-10, .anorm = 0.0, .block = 0, .maxdim = 0,
                      .maxiter = 0, .seed = 1, .expand_block = NULL,
                      .apply_block = NULL};
    return o;
}

/* xorshift64*, uniform in [-1, 1). */
static double eg_rand(uint64_t *s)
{
    *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
    uint64_t z = *s * 2685821657736338717ULL;
    return (double)(z >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

static void eg_free(eg_ws *w)
{
    free(w->Q), free(w->AQ), free(w->X), free(w->AX), free(w->r);
    free(w->H), free(w->S), free(w->theta), free(w->coef), free(w->res);
    free(w->work), free(w->sel), free(w->Sprev), free(w->C), free(w->HC);
    free(w->nrm), free(w->R);
}

static ll_status eg_alloc(eg_ws *w)
{
    size_t n = w->n, md = w->maxdim;
    w->Q = malloc(n * md * sizeof(double));
    w->AQ = malloc(n * md * sizeof(double));
    w->X = malloc(n * w->nx * sizeof(double));
    w->AX = malloc(n * w->nx * sizeof(double));
    w->r = malloc(n * sizeof(double));
    w->H = calloc(md * md, sizeof(double));
    w->S = malloc(md * md * sizeof(double));
    w->theta = malloc(md * sizeof(double));
    w->coef = malloc(md * sizeof(double));
    w->res = malloc(w->p * sizeof(double));
    w->sel = malloc(w->block * sizeof(size_t));
    w->Sprev = malloc(md * w->p * sizeof(double));
    w->C = malloc(md * w->nx * sizeof(double));
    w->HC = malloc(md * w->nx * sizeof(double));
    w->nrm = malloc(3 * w->block * sizeof(double));
    w->R = malloc(n * w->block * sizeof(double));
    double q = 0.0; /* workspace query for the largest projected matrix */
    lapack_int info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'U',
                                         (lapack_int)md, w->S, (lapack_int)md,
                                         w->theta, &q, -1);
    w->lwork = info == 0 ? (lapack_int)q : 3 * (lapack_int)md;
    if (w->lwork < 3 * (lapack_int)md)
        w->lwork = 3 * (lapack_int)md;
    w->work = malloc((size_t)w->lwork * sizeof(double));
    if (!w->Q || !w->AQ || !w->X || !w->AX || !w->r || !w->H || !w->S ||
        !w->theta || !w->coef || !w->res || !w->sel || !w->work ||
        !w->Sprev || !w->C || !w->HC || !w->nrm || !w->R)
        return LL_ERR_NOMEM;
    return LL_OK;
}

/* Orthogonalise v (length n) against B[:, 0:m] (leading dimension ld,
 * orthonormal columns) by classical Gram-Schmidt, twice, and a third time
 * if the second pass still removed more than 30%; returns the norm left,
 * 0 when even the third pass lost that much (v lies numerically in
 * span(B)). coef: m doubles. v is not normalised (orth_accept does it). */
static double orth_vec(size_t n, const double *B, size_t ld, size_t m,
                       double *v, double *coef)
{
    double prev = ll_nrm2(n, v), nrm = prev;
    if (!(prev > 0.0) || !isfinite(prev))
        return 0.0;
    if (m == 0)
        return prev;
    for (int pass = 0; pass < 3; pass++) {
        ll_gemv(1, n, m, 1.0, B, ld, v, 0.0, coef);
        ll_gemv(0, n, m, -1.0, B, ld, coef, 1.0, v);
        nrm = ll_nrm2(n, v);
        if (pass >= 1 && nrm > 0.7 * prev)
            return nrm;
        if (!(nrm > 0.0))
            return 0.0;
        prev = nrm;
    }
    return 0.0;
}

/* Keep v (norm nrm after orthogonalisation, ref before) if more than
 * LL_EIGS_DROP of it survived: normalise and return 1; else 0. */
static int orth_accept(size_t n, double *v, double nrm, double ref)
{
    if (!(nrm > LL_EIGS_DROP * ref))
        return 0;
    for (size_t i = 0; i < n; i++)
        v[i] /= nrm;
    return 1;
}

static int eg_orth(eg_ws *w, size_t m, double *v)
{
    double ref = ll_nrm2(w->n, v);
    return orth_accept(w->n, v, orth_vec(w->n, w->Q, w->n, m, v, w->coef), ref);
}

/* Orthonormalise the c raw columns W = Q[:, m:m+c] against Q[:, 0:m] and
 * each other, packing the accepted ones at Q[:, m:]; returns their count.
 * The bulk is two block Gram-Schmidt passes (BLAS3: Q is read four times
 * per block, not four times per vector, which dominated the cost at large
 * n); a column whose second pass or in-block projection removed more than
 * 30% is redone against everything, one vector at a time. */
static size_t eg_orth_block(eg_ws *w, size_t m, size_t c)
{
    size_t n = w->n, ld = w->maxdim, acc = 0;
    double *W = w->Q + m * n;
    double *n0 = w->nrm, *n1 = n0 + w->block, *n2 = n1 + w->block;
    for (size_t j = 0; j < c; j++)
        n0[j] = n1[j] = n2[j] = ll_nrm2(n, W + j * n);
    for (int pass = 0; pass < 2 && m > 0; pass++) {
        ll_gemm(1, 0, m, c, n, 1.0, w->Q, n, W, n, 0.0, w->HC, ld);
        ll_gemm(0, 0, n, c, m, -1.0, w->Q, n, w->HC, ld, 1.0, W, n);
        for (size_t j = 0; j < c; j++)
            (pass ? n2 : n1)[j] = ll_nrm2(n, W + j * n);
    }
    for (size_t j = 0; j < c; j++) {
        double *v = W + j * n, nrm = n2[j];
        int clean = isfinite(n0[j]) && n2[j] > 0.7 * n1[j];
        if (clean && acc > 0) {
            nrm = orth_vec(n, W, n, acc, v, w->coef);
            clean = nrm > 0.7 * n2[j];
        }
        if (!clean)
            nrm = orth_vec(n, w->Q, n, m + acc, v, w->coef);
        if (orth_accept(n, v, nrm, n0[j])) {
            if (v != W + acc * n)
                memcpy(W + acc * n, v, n * sizeof *v);
            acc++;
        }
    }
    return acc;
}

/* Start basis: the columns of V0, then random vectors, c0 in all. */
static size_t eg_start(eg_ws *w, const double *V0, size_t k0, size_t c0)
{
    size_t n = w->n, m = 0, src = 0;
    for (size_t tries = 0; m < c0 && tries < c0 + 20; tries++) {
        double *v = w->Q + m * n;
        if (V0 && src < k0)
            memcpy(v, V0 + src++ * n, n * sizeof *v);
        else
            for (size_t i = 0; i < n; i++)
                v[i] = eg_rand(&w->rng);
        m += (size_t)eg_orth(w, m, v);
    }
    return m;
}

/* AQ[:, m0:m0+c] = A Q[:, m0:m0+c] and the new rows/columns of H. */
static ll_status eg_apply_new(eg_ws *w, ll_symop_fn A, void *Au, size_t m0,
                              size_t c, const ll_eigs_opts *o)
{
    size_t n = w->n, ld = w->maxdim, m1 = m0 + c;
    if (o->apply_block && c > 0) { /* one call: A streams its data once */
        ll_status st = o->apply_block(Au, c, w->Q + m0 * n, w->AQ + m0 * n);
        if (st != LL_OK)
            return st;
    }
    for (size_t j = m0; !o->apply_block && j < m1; j++) {
        ll_status st = A(Au, w->Q + j * n, w->AQ + j * n);
        if (st != LL_OK)
            return st;
    }
    ll_gemm(1, 0, m1, c, n, 1.0, w->Q, n, w->AQ + m0 * n, n, 0.0,
            w->H + m0 * ld, ld);
    for (size_t j = m0; j < m1; j++) {
        for (size_t i = 0; i < m0; i++)
            w->H[j + i * ld] = w->H[i + j * ld];
        for (size_t i = m0; i < j; i++) /* symmetrise the new diagonal block */
            w->H[i + j * ld] = w->H[j + i * ld] =
                0.5 * (w->H[i + j * ld] + w->H[j + i * ld]);
    }
    return LL_OK;
}

/* Rayleigh-Ritz on Q[:, 0:m]: theta, S, and for the first p' = min(m, p)
 * pairs X, AX and the residual norms res. */
static ll_status eg_ritz(eg_ws *w, size_t m)
{
    size_t n = w->n, ld = w->maxdim;
    for (size_t j = 0; j < m; j++)
        memcpy(w->S + j * ld, w->H + j * ld, m * sizeof(double));
    lapack_int info = LAPACKE_dsyev_work(LAPACK_COL_MAJOR, 'V', 'U',
                                         (lapack_int)m, w->S, (lapack_int)ld,
                                         w->theta, w->work, w->lwork);
    if (info != 0)
        return info > 0 ? LL_ERR_NOCONV : LL_ERR_LAPACK;
    /* only the p' pairs whose residuals are used: a restart forms the
     * kept Ritz vectors itself (eg_restart) */
    size_t p = m < w->p ? m : w->p;
    ll_gemm(0, 0, n, p, m, 1.0, w->Q, n, w->S, ld, 0.0, w->X, n);
    ll_gemm(0, 0, n, p, m, 1.0, w->AQ, n, w->S, ld, 0.0, w->AX, n);
    for (size_t j = 0; j < p; j++) {
        const double *x = w->X + j * n, *ax = w->AX + j * n;
        double s = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = ax[i] - w->theta[j] * x[i];
            s += d * d;
        }
        w->res[j] = sqrt(s);
    }
    return LL_OK;
}

/* Remember the first p' Ritz vectors' coordinates (in Q[:, 0:m]) for a
 * restart at the next iteration (Q only grows until then). */
static void eg_save_prev(eg_ws *w, size_t m)
{
    size_t ld = w->maxdim, p = m < w->p ? m : w->p;
    for (size_t j = 0; j < p; j++)
        memcpy(w->Sprev + j * ld, w->S + j * ld, m * sizeof(double));
    w->mprev = m, w->pprev = p;
}

/* Coefficients C (m x kt, orthonormal) of the restarted basis: the first
 * keep Ritz vectors, then the previous ones orthogonalised against them. */
static size_t eg_restart_coef(eg_ws *w, size_t m, size_t keep)
{
    size_t ld = w->maxdim, kt = keep;
    for (size_t j = 0; j < keep; j++)
        memcpy(w->C + j * ld, w->S + j * ld, m * sizeof(double));
    for (size_t j = 0; j < w->pprev && kt < w->nx && kt < w->maxdim - 1; j++) {
        double *c = w->C + kt * ld;
        memcpy(c, w->Sprev + j * ld, w->mprev * sizeof(double));
        memset(c + w->mprev, 0, (m - w->mprev) * sizeof(double));
        double ref = ll_nrm2(m, c);
        kt += (size_t)orth_accept(m, c, orth_vec(m, w->C, ld, kt, c, w->coef),
                                  ref);
    }
    return kt;
}

/* Thick restart on the coefficients C (see the file comment, step 4);
 * returns the new basis size. X[:, 0:keep] stay the current Ritz vectors. */
static size_t eg_restart(eg_ws *w, size_t m)
{
    size_t n = w->n, ld = w->maxdim;
    size_t keep = m < w->nr ? m : w->nr;
    keep = keep < w->maxdim - 1 ? keep : w->maxdim - 1;
    size_t kt = eg_restart_coef(w, m, keep);
    ll_gemm(0, 0, n, kt, m, 1.0, w->Q, n, w->C, ld, 0.0, w->X, n);
    memcpy(w->Q, w->X, n * kt * sizeof(double));
    ll_gemm(0, 0, n, kt, m, 1.0, w->AQ, n, w->C, ld, 0.0, w->AX, n);
    memcpy(w->AQ, w->AX, n * kt * sizeof(double));
    /* H <- C^T H C, symmetrised */
    ll_gemm(0, 0, m, kt, m, 1.0, w->H, ld, w->C, ld, 0.0, w->HC, ld);
    ll_gemm(1, 0, kt, kt, m, 1.0, w->C, ld, w->HC, ld, 0.0, w->S, ld);
    for (size_t j = 0; j < m; j++)
        memset(w->H + j * ld, 0, m * sizeof(double));
    for (size_t j = 0; j < kt; j++)
        for (size_t i = 0; i <= j; i++)
            w->H[i + j * ld] = w->H[j + i * ld] =
                0.5 * (w->S[i + j * ld] + w->S[j + i * ld]);
    /* the current Ritz vectors are now the first columns of the basis */
    w->pprev = w->p < keep ? w->p : keep;
    for (size_t j = 0; j < w->pprev; j++) {
        memset(w->Sprev + j * ld, 0, kt * sizeof(double));
        w->Sprev[j + j * ld] = 1.0;
    }
    w->mprev = kt;
    return kt;
}

/* Add the expansions of the nsel selected residuals at Q[:, m:]; returns
 * the number accepted in *c (a random vector if none survives). */
static ll_status eg_expand(eg_ws *w, size_t m, size_t nsel, ll_symop_fn E,
                           void *Eu, const ll_eigs_opts *o, size_t *c,
                           size_t *expands)
{
    size_t n = w->n;
    int blk = o->expand_block != NULL;
    for (size_t s = 0; s < nsel; s++) {
        size_t j = w->sel[s];
        const double *x = w->X + j * n, *ax = w->AX + j * n;
        double *v = w->Q + (m + s) * n;
        double *r = blk ? w->R + s * n : E ? w->r : v;
        for (size_t i = 0; i < n; i++)
            r[i] = (ax[i] - w->theta[j] * x[i]) / w->res[j];
        if (E && !blk) {
            ll_status st = E(Eu, r, v);
            (*expands)++;
            if (st != LL_OK)
                return st;
        }
    }
    if (blk && nsel > 0) { /* one call for the whole block (BLAS 3) */
        ll_status st = o->expand_block(Eu, nsel, w->R, w->Q + m * n);
        *expands += nsel;
        if (st != LL_OK)
            return st;
    }
    *c = eg_orth_block(w, m, nsel);
    if (*c == 0 && m < w->n) { /* stagnation: a fresh random direction */
        double *v = w->Q + m * n;
        for (size_t i = 0; i < n; i++)
            v[i] = eg_rand(&w->rng);
        *c = (size_t)eg_orth(w, m, v);
    }
    return LL_OK;
}

/* Unconverged pairs to expand, in order, at most block; *conv: whether
 * all k wanted pairs are converged. */
static size_t eg_select(eg_ws *w, size_t m, double thr, int *conv)
{
    size_t p = m < w->p ? m : w->p, nsel = 0;
    *conv = 1;
    for (size_t j = 0; j < p; j++) {
        int ok = w->res[j] <= thr;
        if (j < w->k && !ok)
            *conv = 0;
        if (!ok && nsel < w->block)
            w->sel[nsel++] = j;
    }
    return nsel;
}

/* Resolve the option defaults and check them. */
static ll_status eg_setup(eg_ws *w, size_t n, size_t k, const ll_eigs_opts *o)
{
    memset(w, 0, sizeof *w);
    if (n == 0 || k == 0 || k > n || !(o->tol >= 0.0) || !(o->anorm >= 0.0))
        return LL_ERR_ARG;
    w->n = n, w->k = k;
    w->block = o->block ? o->block : k + 2;
    if (w->block > n)
        w->block = n;
    size_t md = o->maxdim ? o->maxdim : (8 * w->block > 60 ? 8 * w->block : 60);
    w->maxdim = md < n ? md : n;
    if (w->maxdim < n && w->maxdim < k + w->block + 1)
        return LL_ERR_ARG; /* no room for the kept vectors plus one more */
    w->p = k > w->block ? k : w->block;
    w->nr = k + w->block < w->maxdim ? k + w->block : w->maxdim;
    w->nx = w->nr + w->p < w->maxdim ? w->nr + w->p : w->maxdim;
    w->rng = 0x9E3779B97F4A7C15ULL ^ (uint64_t)o->seed;
    if (w->rng == 0)
        w->rng = 1;
    return LL_OK;
}

/* The iteration (see the file comment); *m: current basis size. */
static ll_status eg_iterate(eg_ws *w, ll_symop_fn A, void *Au, ll_symop_fn E,
                            void *Eu, const ll_eigs_opts *o, size_t maxiter,
                            size_t c, ll_eigs_info *info)
{
    size_t m = 0;
    double an = o->anorm;
    for (;;) {
        ll_status st = eg_apply_new(w, A, Au, m, c, o);
        info->applies += c, m += c;
        if (st != LL_OK || (st = eg_ritz(w, m)) != LL_OK)
            return st;
        if (o->anorm == 0.0)
            an = fmax(an, fmax(fabs(w->theta[0]), fabs(w->theta[m - 1])));
        int conv;
        size_t nsel = eg_select(w, m, o->tol * an, &conv);
        if (conv)
            return LL_OK;
        if (info->applies >= maxiter || nsel == 0)
            return LL_ERR_NOCONV;
        if (nsel > maxiter - info->applies)
            nsel = maxiter - info->applies;
        if (m + nsel > w->maxdim) {
            if (m == w->n)
                return LL_ERR_NOCONV; /* the whole space: nothing to add */
            m = eg_restart(w, m), info->restarts++;
            if (nsel > w->maxdim - m)
                nsel = w->maxdim - m;
        } else
            eg_save_prev(w, m);
        if ((st = eg_expand(w, m, nsel, E, Eu, o, &c, &info->expands)) !=
            LL_OK)
            return st;
        if (c == 0)
            return LL_ERR_NOCONV;
    }
}

ll_status ll_eigs_smallest(size_t n, size_t k, ll_symop_fn A, void *Auser,
                           ll_symop_fn expand, void *Euser, const double *V0,
                           size_t k0, const ll_eigs_opts *o, double *w,
                           double *V, ll_eigs_info *info)
{
    ll_eigs_opts d = ll_eigs_opts_default();
    ll_eigs_info inf;
    memset(&inf, 0, sizeof inf);
    if (!info)
        info = &inf;
    *info = inf;
    if (!o)
        o = &d;
    eg_ws ws;
    ll_status st = eg_setup(&ws, n, k, o);
    if (st != LL_OK || !A || !w)
        return LL_ERR_ARG;
    if ((st = eg_alloc(&ws)) != LL_OK) {
        eg_free(&ws);
        return st;
    }
    size_t maxiter = o->maxiter ? o->maxiter : 200 * ws.block;
    size_t c0 = k0 < ws.maxdim ? k0 : ws.maxdim;
    c0 = c0 > ws.p ? c0 : ws.p;
    c0 = eg_start(&ws, V0, k0, c0 < ws.maxdim ? c0 : ws.maxdim);
    if (c0 < k)
        st = LL_ERR_INTERNAL; /* random vectors kept being dependent */
    else
        st = eg_iterate(&ws, A, Auser, expand, Euser, o, maxiter, c0, info);
    if (st == LL_OK || st == LL_ERR_NOCONV) {
        memcpy(w, ws.theta, k * sizeof *w);
        if (V)
            memcpy(V, ws.X, n * k * sizeof *V);
        info->max_resid = 0.0;
        for (size_t j = 0; j < k; j++)
            info->max_resid = fmax(info->max_resid, ws.res[j]);
    }
    eg_free(&ws);
    return st;
}
