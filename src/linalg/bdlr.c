/* Block diagonal plus low rank: A = blockdiag(B) - sigma I + U diag(s) U^T
 * (include/losslab/bdlr.h): factor, inertia, Frobenius norm. Solves and
 * products are in bdlr_solve.c; the notation is in bdlr_internal.h.
 *
 * Method.
 * 1. D = blockdiag(B) - sigma I is diagonalised block by block (dsyevd,
 *    in bdlr_eig.c): D = Q diag(theta0) Q^T. Eigenvalues with |theta0| <
 *    LL_BDLR_CLAMP_REL * scale are moved to theta = +-scale (scale bounds
 *    ||A||_2 from above up to a factor ~ k: max(max |theta0|, max_i |s_i|
 *    ||u_i||^2)); each move is undone by one more column q = Q e_l of U with
 *    weight -tau (tau = theta - theta0), so A itself is unchanged while
 *    cond(D') <= 1 / LL_BDLR_CLAMP_REL. The column lives in Q (only its index
 *    and tau are stored): q has one block's support and q^T D'^{-1} q =
 *    1/theta, so it costs O(bs k), not O(n).
 * 2. With w = |s|^{1/2}, e = sign(s) (s = 0 counts as +, its column has
 *    w = 0), W = U diag(w): A = D' + W diag(e) W^T and the scaled
 *    capacitance C' = diag(e) + W^T D'^{-1} W (congruent to diag(1/s) +
 *    U^T D'^{-1} U, but finite for s -> 0). U^T D'^{-1} U = P^T Theta^{-1} P
 *    with P = Q^T U; with R = |Theta|^{-1/2} P split by the sign of theta,
 *    it is R+^T R+ - R-^T R-: two dsyrk, n k^2 flops in all (half a dgemm
 *    U^T Y, which would cost 2 n k^2).
 * 3. Haynsworth: M = [[D', W], [W^T, -diag(e)]] has the Schur complements
 *    A (of -diag(e)) and -C' (of D'), so In(A) = In(D') + In(-C') -
 *    In(-diag(e)): neg(A) = neg(D') + pos(C') - pos(e), zero(A) = zero(C').
 *    C' is factored by Cholesky when D' > 0 and e = +1 (then C' = I +
 *    W^T D'^{-1} W is SPD: the minimum of the two-layer model), else by
 *    Bunch-Kaufman LDL^T (dsytrf) and Sylvester's law on its pivots.
 * 4. ||A||_F^2 = ||D||_F^2 + 2 sum_i s_i u_i^T D u_i + sum_{i,i'} s_i s_i'
 *    (u_i^T u_i')^2, with u_i^T D u_i = sum_l theta0_l P_li^2 (from step 2
 *    at O(n k)) and G = U^T U by one more dsyrk (n k^2 flops), or from
 *    the caller (ll_bdlr_factor_gram: the model has it in O(N^2 (m + d))).
 * 5. Another shift of the same matrix (ll_bdlr_factor_shift) changes only
 *    theta0 (by the change of shift) and hence the row scaling and sign
 *    permutation of R: P = Q^T U is recovered from the source's R row by
 *    row, so steps 1 and the Gram matrix of 4 are not repeated.
 * References: Woodbury (1950); Haynsworth, Linear Algebra Appl. 1 (1968)
 * 73-81 (inertia additivity of the Schur complement); Golub & Van Loan,
 * Matrix Computations, 4th ed., sections 2.1.4 and 4.4 (LDL^T). */
#include "bdlr_internal.h"

#include <cblas.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* cond(D') <= 1 / LL_BDLR_CLAMP_REL: one Woodbury pass then has a relative
 * error ~ cond(D') eps ~ 2e-10 (for a well conditioned A), which one step of
 * refinement removes; a clamped eigenvalue costs only O(bs k) work and one
 * more row of C', so a generous threshold is cheap. */
#define LL_BDLR_CLAMP_REL 1e-6
/* clamped columns allowed beyond k (see clamp()) */
#define LL_BDLR_CLAMP_MAX 64
/* blocks up to this size: Q^T U by a plain loop, not per-block dgemm */
#define LL_BDLR_SMALL_BS 8
/* spare columns of C' for clamping, allocated at create */
#define LL_BDLR_KMARGIN 16

static void *xalloc(size_t count, size_t size)
{
    return malloc((count ? count : 1) * size);
}

static int realloc_to(void **p, size_t count, size_t size)
{
    void *q = realloc(*p, (count ? count : 1) * size);
    if (!q)
        return 0;
    *p = q;
    return 1;
}

/* Room for kk = k + nc columns in C' and everything sized by it. */
static ll_status grow_c(ll_bdlr *f, size_t kk)
{
    if (kk <= f->kcap)
        return LL_OK;
    size_t cap = kk + kk / 2;
    if (!realloc_to((void **)&f->C, cap * cap, sizeof *f->C) ||
        !realloc_to((void **)&f->ipiv, cap, sizeof *f->ipiv) ||
        !realloc_to((void **)&f->csw, 2 * cap, sizeof *f->csw) ||
        !realloc_to((void **)&f->ciw, cap, sizeof *f->ciw) ||
        !realloc_to((void **)&f->w, cap, sizeof *f->w) ||
        !realloc_to((void **)&f->e, cap, sizeof *f->e) ||
        !realloc_to((void **)&f->ktmp, cap, sizeof *f->ktmp) ||
        (f->rcap && !realloc_to((void **)&f->G, cap * f->rcap, sizeof *f->G)))
        return LL_ERR_NOMEM;
    double q = 0.0;
    lapack_int info = LAPACKE_dsytrf_work(LAPACK_COL_MAJOR, 'L',
                                          (lapack_int)cap, f->C,
                                          (lapack_int)cap, f->ipiv, &q, -1);
    lapack_int lw = info == 0 && q >= (double)cap ? (lapack_int)q
                                                  : (lapack_int)(64 * cap);
    if (!realloc_to((void **)&f->cwork, (size_t)lw, sizeof *f->cwork))
        return LL_ERR_NOMEM;
    f->lcwork = lw, f->kcap = cap;
    return LL_OK;
}

ll_status ll_bdlr_create(ll_bdlr **out, size_t nb, size_t bs, size_t kmax)
{
    *out = NULL;
    if (nb == 0 || bs == 0 || nb > SIZE_MAX / bs / bs)
        return LL_ERR_ARG;
    ll_bdlr *f = calloc(1, sizeof *f);
    if (!f)
        return LL_ERR_NOMEM;
    size_t n = nb * bs;
    f->nb = nb, f->bs = bs, f->n = n, f->kmax = kmax;
    f->fstat = LL_ERR_ARG;
    f->B = xalloc(nb * bs * bs, sizeof *f->B);
    f->Q = xalloc(nb * bs * bs, sizeof *f->Q);
    f->s = xalloc(kmax, sizeof *f->s);
    f->theta0 = xalloc(n, sizeof *f->theta0);
    f->theta = xalloc(n, sizeof *f->theta);
    f->perm = xalloc(n, sizeof *f->perm);
    f->rsc = xalloc(n, sizeof *f->rsc);
    f->rt0 = xalloc(n, sizeof *f->rt0);
    f->R = xalloc(n * kmax, sizeof *f->R);
    ll_status st = LL_ERR_NOMEM;
    if (f->B && f->Q && f->s && f->theta0 && f->theta && f->perm && f->R &&
        f->rsc && f->rt0)
        st = ll_bdlr_eig_workspace(f);
    if (st == LL_OK)
        st = grow_c(f, kmax + LL_BDLR_KMARGIN);
    if (st != LL_OK) {
        ll_bdlr_destroy(f);
        return st;
    }
    *out = f;
    return LL_OK;
}

void ll_bdlr_destroy(ll_bdlr *f)
{
    if (!f)
        return;
    free(f->B), free(f->Q), free(f->s), free(f->theta0), free(f->theta);
    free(f->perm), free(f->rsc), free(f->rt0), free(f->R), free(f->cl);
    free(f->ctau), free(f->C);
    free(f->ipiv), free(f->cwork), free(f->csw), free(f->ciw), free(f->w);
    free(f->e), free(f->ework), free(f->eiwork), free(f->ktmp);
    free(f->Xh), free(f->V), free(f->Rs), free(f->Bs), free(f->G);
    free(f);
}

static int all_finite(size_t m, const double *x)
{
    for (size_t i = 0; i < m; i++)
        if (!isfinite(x[i]))
            return 0;
    return 1;
}

/* Only the lower triangles of the blocks are read, so only they must be
 * finite. U is checked later through diag(U^T U) (gram_terms): ||u_i||^2
 * is finite iff every entry of u_i is (and ||u_i|| does not overflow), which
 * saves a pass over the n k entries (0.07 s at n k = 5e7). */
static int input_finite(const ll_bdlr *f, const double *B, const double *s,
                        size_t k, double sigma)
{
    size_t bs = f->bs;
    if (!isfinite(sigma) || (s && !all_finite(k, s)))
        return 0;
    for (size_t j = 0; j < f->nb; j++)
        for (size_t c = 0; c < bs; c++)
            if (!all_finite(bs - c, B + j * bs * bs + c * bs + c))
                return 0;
    return 1;
}

/* G = U^T U (the caller's G when given, else by dsyrk into C: k x k, ld
 * k, lower): the last Frobenius term sum s_i s_i' G_ii'^2 into *u2, and
 * max_i |s_i| G_ii into *umax; *umax is +inf if some G_ii is not finite
 * (s = 0 must not hide a NaN in U). */
static void gram_terms(ll_bdlr *f, const double *G, double *u2, double *umax)
{
    size_t k = f->k;
    double acc = 0.0, mx = 0.0;
    *u2 = 0.0, *umax = 0.0;
    if (k == 0)
        return;
    if (!G) {
        cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (blasint)k,
                    (blasint)f->n, 1.0, f->U, (blasint)f->n, 0.0, f->C,
                    (blasint)k);
        G = f->C;
    }
    for (size_t c = 0; c < k; c++) {
        double g = G[c + c * k];
        acc += f->s[c] * f->s[c] * g * g;
        mx = fmax(mx, isfinite(g) ? fabs(f->s[c]) * g : INFINITY);
        for (size_t r = c + 1; r < k; r++) {
            g = G[r + c * k];
            acc += 2.0 * f->s[r] * f->s[c] * g * g;
        }
    }
    *u2 = acc, *umax = mx;
}

/* Move |theta0| < LL_BDLR_CLAMP_REL * scale to +-scale; record (l, tau).
 * More than max(k, LL_BDLR_CLAMP_MAX) of them (a shift next to a block
 * eigenvalue of high multiplicity: C would grow towards n x n) is refused
 * with LL_ERR_SINGULAR: the caller should move the shift. */
static ll_status clamp(ll_bdlr *f, double scale)
{
    double thr = LL_BDLR_CLAMP_REL * scale;
    size_t cmax = f->k > LL_BDLR_CLAMP_MAX ? f->k : LL_BDLR_CLAMP_MAX;
    f->nc = 0;
    for (size_t l = 0; l < f->n; l++) {
        double t0 = f->theta0[l];
        f->theta[l] = t0;
        if (fabs(t0) >= thr)
            continue;
        if (f->nc == cmax)
            return LL_ERR_SINGULAR;
        if (f->nc == f->ccap) {
            size_t cap = 2 * f->ccap + 8;
            if (!realloc_to((void **)&f->cl, cap, sizeof *f->cl) ||
                !realloc_to((void **)&f->ctau, cap, sizeof *f->ctau))
                return LL_ERR_NOMEM;
            f->ccap = cap;
        }
        f->theta[l] = t0 >= 0.0 ? scale : -scale;
        f->cl[f->nc] = l, f->ctau[f->nc] = f->theta[l] - t0;
        f->nc++;
    }
    return grow_c(f, f->k + f->nc);
}

/* perm: rows of positive theta first, then the others, each group in
 * order. Clamping keeps signs and dsyevd sorts each block ascending, so a
 * block's negative rows (its first m_j) and its positive rows land in two
 * contiguous runs of R: Q_j^T U_j can be written there by dgemm directly. */
static void sign_perm(ll_bdlr *f)
{
    size_t p = 0, q = 0;
    for (size_t l = 0; l < f->n; l++)
        p += f->theta[l] > 0.0;
    f->npos = p, q = p, p = 0;
    for (size_t l = 0; l < f->n; l++) {
        size_t r = f->theta[l] > 0.0 ? p++ : q++;
        f->perm[l] = r;
        f->rsc[r] = 1.0 / sqrt(fabs(f->theta[l]));
        f->rt0[r] = f->theta0[l];
    }
}

/* build_r for small blocks, one column of U at a time: 2 dgemm calls per
 * block of 5 cost more in call overhead than in flops (n = 50,000, k = 500:
 * 0.20 s with dgemm, this streaming loop ~0.05 s). */
static double build_r_small(ll_bdlr *f)
{
    size_t n = f->n, bs = f->bs, k = f->k;
    double acc = 0.0;
    for (size_t i = 0; i < k; i++) {
        const double *u = f->U + i * n;
        double *col = f->R + i * n, t = 0.0;
        for (size_t j = 0; j < f->nb; j++) {
            const double *Qj = f->Q + j * bs * bs, *uj = u + j * bs;
            for (size_t l = 0; l < bs; l++) {
                double p = 0.0;
                for (size_t r = 0; r < bs; r++)
                    p += Qj[r + l * bs] * uj[r];
                size_t row = f->perm[j * bs + l];
                t += f->rt0[row] * p * p;
                col[row] = p * f->rsc[row];
            }
        }
        acc += f->s[i] * t;
    }
    return acc;
}

/* R = |Theta|^{-1/2} Q^T U (rows permuted); returns sum_i s_i u_i^T D u_i
 * (D unclamped: sum_l theta0_l P_li^2) for the Frobenius norm. */
static double build_r(ll_bdlr *f)
{
    size_t n = f->n, bs = f->bs, k = f->k;
    if (k == 0)
        return 0.0;
    if (bs <= LL_BDLR_SMALL_BS)
        return build_r_small(f);
    for (size_t j = 0; j < f->nb; j++) {
        size_t r0 = j * bs, m = 0;
        while (m < bs && !(f->theta[r0 + m] > 0.0))
            m++;
        const double *Qj = f->Q + j * bs * bs;
        if (m)
            cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (blasint)m,
                        (blasint)k, (blasint)bs, 1.0, Qj, (blasint)bs,
                        f->U + r0, (blasint)n, 0.0, f->R + f->perm[r0],
                        (blasint)n);
        if (m < bs)
            cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans,
                        (blasint)(bs - m), (blasint)k, (blasint)bs, 1.0,
                        Qj + m * bs, (blasint)bs, f->U + r0, (blasint)n, 0.0,
                        f->R + f->perm[r0 + m], (blasint)n);
    }
    double acc = 0.0;
    for (size_t i = 0; i < k; i++) { /* one streaming pass: scale, sum */
        double *col = f->R + i * n, t = 0.0;
        for (size_t r = 0; r < n; r++) {
            double p = col[r];
            t += f->rt0[r] * p * p;
            col[r] = p * f->rsc[r];
        }
        acc += f->s[i] * t;
    }
    return acc;
}

/* C' = diag(e) + W^T D'^{-1} W (lower triangle, ld kk); w, e set. */
static void form_c(ll_bdlr *f)
{
    size_t n = f->n, k = f->k, kk = f->kk, nneg = n - f->npos;
    double *C = f->C;
    for (size_t i = 0; i < k; i++)
        f->w[i] = sqrt(fabs(f->s[i])), f->e[i] = f->s[i] < 0.0 ? -1.0 : 1.0;
    for (size_t c = 0; c < f->nc; c++) /* weight -tau */
        f->w[k + c] = sqrt(fabs(f->ctau[c])),
        f->e[k + c] = f->ctau[c] > 0.0 ? -1.0 : 1.0;
    if (k && f->npos)
        cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (blasint)k,
                    (blasint)f->npos, 1.0, f->R, (blasint)n, 0.0, C,
                    (blasint)kk);
    if (k && nneg)
        cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (blasint)k,
                    (blasint)nneg, -1.0, f->R + f->npos, (blasint)n,
                    f->npos ? 1.0 : 0.0, C, (blasint)kk);
    for (size_t c = 0; c < k; c++)
        for (size_t r = c; r < k; r++)
            C[r + c * kk] *= f->w[r] * f->w[c];
    /* clamp column q = Q e_l: u_i^T D'^{-1} q = P_li / theta_l =
     * sign(theta_l) |theta_l|^{-1/2} R_{perm l, i}; q^T D'^{-1} q' =
     * delta / theta_l (distinct eigenvectors are orthogonal). */
    for (size_t c = 0; c < f->nc; c++) {
        size_t l = f->cl[c], kc = k + c;
        double th = f->theta[l];
        double g = (th > 0.0 ? 1.0 : -1.0) / sqrt(fabs(th)) * f->w[kc];
        for (size_t i = 0; i < k; i++)
            C[kc + i * kk] = f->w[i] * g * f->R[f->perm[l] + i * n];
        for (size_t c2 = c + 1; c2 < f->nc; c2++)
            C[k + c2 + kc * kk] = 0.0;
        C[kc + kc * kk] = f->w[kc] * f->w[kc] / th;
    }
    for (size_t i = 0; i < kk; i++)
        C[i + i * kk] += f->e[i];
}

/* Signs of D's pivots (1x1, or 2x2 blocks [a b; b c]: det < 0 one of each
 * sign, det > 0 both of the sign of a + c). */
static void pivot_signs(const ll_bdlr *f, int *cn, int *cz, int *cp)
{
    size_t kk = f->kk;
    const double *a = f->C;
    *cn = *cz = *cp = 0;
    if (f->chol) {
        *cp = (int)kk;
        return;
    }
    for (size_t i = 0; i < kk; i++) {
        double d = a[i + i * kk];
        if (f->ipiv[i] > 0) {
            *cn += d < 0, *cz += d == 0, *cp += d > 0;
            continue;
        }
        double b = a[(i + 1) + i * kk], c = a[(i + 1) + (i + 1) * kk];
        double det = d * c - b * b;
        if (det < 0)
            (*cn)++, (*cp)++;
        else if (det > 0)
            *(d + c < 0 ? cn : cp) += 2;
        else
            (*cz)++, (d + c < 0 ? (*cn)++ : (*cp)++);
        i++;
    }
}

/* Factor C' and set the inertia of A. Singular to working precision: an
 * exactly zero pivot, or 1 / (max(||C'||_1, 1) ||C'^{-1}||_1) < eps
 * (dsycon's estimate). The floor 1 is the scale of the diag(e) part: from
 * M^{-1} written with either Schur complement, C'^{-1} = diag(e) - diag(e)
 * W^T A^{-1} W diag(e), so ||C'^{-1}|| <= 1 + ||W||^2 ||A^{-1}||, and
 * ||W||^2 ~ ||A|| (clamp weights are ~ scale): a huge ||C'^{-1}|| means a
 * huge cond(A) even when C' is tiny (k = 0 and a clamped exact zero of D:
 * C' = [-theta0 / tau], whose plain condition number is 1). */
static ll_status factor_c(ll_bdlr *f)
{
    size_t kk = f->kk, pe = 0;
    lapack_int lk = (lapack_int)kk, info = 0;
    for (size_t i = 0; i < kk; i++)
        pe += f->e[i] > 0.0;
    int cn = 0, cz = 0, cp = 0;
    f->chol = 0;
    if (kk) {
        double anorm = fmax(1.0, LAPACKE_dlansy_work(LAPACK_COL_MAJOR, '1',
                                                     'L', lk, f->C, lk,
                                                     f->csw));
        if (f->npos == f->n && pe == kk) {
            f->chol = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', lk, f->C,
                                          lk) == 0;
            if (!f->chol) /* not SPD in floating point: LDL^T after all */
                form_c(f);
        }
        if (!f->chol)
            info = LAPACKE_dsytrf_work(LAPACK_COL_MAJOR, 'L', lk, f->C, lk,
                                       f->ipiv, f->cwork, f->lcwork);
        if (info < 0)
            return LL_ERR_LAPACK;
        pivot_signs(f, &cn, &cz, &cp);
        double rc = 0.0;
        if (info == 0)
            info = f->chol ? LAPACKE_dpocon_work(LAPACK_COL_MAJOR, 'L', lk,
                                                 f->C, lk, anorm, &rc, f->csw,
                                                 f->ciw)
                           : LAPACKE_dsycon_work(LAPACK_COL_MAJOR, 'L', lk,
                                                 f->C, lk, f->ipiv, anorm,
                                                 &rc, f->csw, f->ciw);
        if (info == 0 && !(rc >= DBL_EPSILON))
            info = 1;
    }
    f->neg = (int)(f->n - f->npos) + cp - (int)pe;
    f->zero = cz;
    f->pos = (int)f->n - f->neg - f->zero;
    return info ? LL_ERR_SINGULAR : LL_OK;
}

/* After R: the Frobenius norm, C' and its factor, the inertia. */
static ll_status finish(ll_bdlr *f, double d2, double du)
{
    f->fro = sqrt(fmax(0.0, d2 + 2.0 * du + f->u2));
    f->kk = f->k + f->nc;
    form_c(f);
    ll_status st = factor_c(f);
    if (st == LL_OK || st == LL_ERR_SINGULAR) {
        f->fstat = st; /* the inertia is valid in both cases */
        f->inertia_ok = 1;
    }
    return st;
}

ll_status ll_bdlr_factor(ll_bdlr *f, const double *B, const double *U,
                         const double *s, size_t k, double sigma)
{
    return ll_bdlr_factor_gram(f, B, U, s, k, sigma, NULL);
}

ll_status ll_bdlr_factor_gram(ll_bdlr *f, const double *B, const double *U,
                              const double *s, size_t k, double sigma,
                              const double *G)
{
    f->fstat = LL_ERR_ARG;
    f->inertia_ok = 0; /* until factor_c: a refused clamp leaves none */
    if (!B || k > f->kmax || (k && !U) || !input_finite(f, B, s, k, sigma))
        return LL_ERR_ARG;
    f->U = U, f->k = k, f->sigma = sigma;
    for (size_t i = 0; i < k; i++)
        f->s[i] = s ? s[i] : 1.0;
    double d2 = 0.0, u2 = 0.0, umax = 0.0, dmax = 0.0;
    memcpy(f->B, B, f->nb * f->bs * f->bs * sizeof *f->B);
    ll_status st = ll_bdlr_eig_blocks(f, &d2);
    if (st != LL_OK)
        return f->fstat = st;
    gram_terms(f, G, &u2, &umax);
    if (!isfinite(u2) || !isfinite(umax))
        return LL_ERR_ARG; /* U not finite (see input_finite) */
    f->u2 = u2, f->umax = umax;
    for (size_t l = 0; l < f->n; l++)
        dmax = fmax(dmax, fabs(f->theta0[l]));
    double scale = fmax(dmax, umax);
    if ((st = clamp(f, scale > 0.0 ? scale : 1.0)) != LL_OK)
        return f->fstat = st;
    sign_perm(f);
    return finish(f, d2, build_r(f));
}

/* R of f from src's (same U, s, blocks; theta0 already shifted in f):
 * P = Q^T U is src's R row divided by its |theta|^{-1/2}, so only the row
 * scaling and the sign permutation change. Returns sum_i s_i u_i^T D u_i
 * as build_r does. O(n k), no BLAS 3. */
static double shift_r(ll_bdlr *f, const ll_bdlr *src)
{
    size_t n = f->n;
    double acc = 0.0;
    for (size_t i = 0; i < f->k; i++) {
        const double *cs = src->R + i * n;
        double *col = f->R + i * n, t = 0.0;
        for (size_t l = 0; l < n; l++) {
            size_t rs = src->perm[l], r = f->perm[l];
            double p = cs[rs] / src->rsc[rs];
            t += f->rt0[r] * p * p;
            col[r] = p * f->rsc[r];
        }
        acc += f->s[i] * t;
    }
    return acc;
}

ll_status ll_bdlr_factor_shift(ll_bdlr *f, const ll_bdlr *src, double sigma)
{
    if (!f || !src || f == src)
        return LL_ERR_ARG; /* f == src: src's factor stays */
    f->fstat = LL_ERR_ARG;
    f->inertia_ok = 0;
    if (f->nb != src->nb || f->bs != src->bs || f->kmax < src->k ||
        !src->inertia_ok || !isfinite(sigma))
        return LL_ERR_ARG;
    size_t n = f->n, nbb = f->nb * f->bs * f->bs;
    f->U = src->U, f->k = src->k, f->sigma = sigma;
    f->u2 = src->u2, f->umax = src->umax;
    memcpy(f->s, src->s, src->k * sizeof *f->s);
    memcpy(f->B, src->B, nbb * sizeof *f->B);
    memcpy(f->Q, src->Q, nbb * sizeof *f->Q);
    double d2 = 0.0, dmax = 0.0, dsig = sigma - src->sigma;
    for (size_t l = 0; l < n; l++) {
        double t = src->theta0[l] - dsig;
        f->theta0[l] = t;
        d2 += t * t;
        dmax = fmax(dmax, fabs(t));
    }
    double scale = fmax(dmax, f->umax);
    ll_status st = clamp(f, scale > 0.0 ? scale : 1.0);
    if (st != LL_OK)
        return f->fstat = st;
    sign_perm(f);
    return finish(f, d2, shift_r(f, src));
}

ll_status ll_bdlr_inertia(const ll_bdlr *f, int *neg, int *zero, int *pos)
{
    if (!f->inertia_ok) /* no factor, or clamping refused (LL_ERR_SINGULAR) */
        return f->fstat == LL_ERR_SINGULAR ? LL_ERR_SINGULAR : LL_ERR_ARG;
    if (neg)
        *neg = f->neg;
    if (zero)
        *zero = f->zero;
    if (pos)
        *pos = f->pos;
    return LL_OK;
}

double ll_bdlr_frobenius(const ll_bdlr *f) { return f->fro; }

size_t ll_bdlr_clamped(const ll_bdlr *f) { return f->nc; }
