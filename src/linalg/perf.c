/* Factor-once dense kernels for the continuation (MATH.md section 2):
 *
 * - ll_ldlt: a reusable Bunch-Kaufman LDL^T factorisation (dsytrf, lower)
 *   with its workspace allocated once (Cholesky when the matrix turns out
 *   positive definite, see ll_ldlt_factor). One factorisation of H per point
 *   serves the Morse index (Sylvester's law of inertia on the 1x1 / 2x2
 *   blocks of D) and every solve with H (dsytrs), e.g. the bordered solves
 *   by block elimination in src/cont/ws.c.
 * - ll_sym_eigvals_smallest: the k smallest eigenvalues only. Above
 *   LL_EIG_2STAGE_MIN the two-stage tridiagonal reduction (dsyevr_2stage:
 *   dense -> band by BLAS-3, band -> tridiagonal by bulge chasing) replaces
 *   the one-stage dsytrd, half of whose flops are BLAS-2 (measured on the
 *   2-core Xeon: n = 2000, 0.52 s -> 0.33 s; n = 5000, 10.0 s -> 8.5 s; at
 *   n = 500 the one-stage is faster, 7 ms vs 12 ms).
 *
 * Reference: Anderson et al., LAPACK Users' Guide, 3rd ed. (dsytrf, dsytrs,
 * dsyevr); Haidar, Ltaief, Dongarra, SC'11 (two-stage reduction). */
#include "losslab/linalg.h"

#include <lapacke.h>
#include <stdlib.h>
#include <string.h>

#define LL_EIG_2STAGE_MIN 1000

struct ll_ldlt {
    size_t n;
    double *a;        /* n x n: L and D as dsytrf leaves them */
    lapack_int *ipiv; /* n */
    double *work;     /* lwork, from dsytrf's workspace query */
    lapack_int lwork;
    lapack_int info;  /* of the last dsytrf: 0, > 0 D singular, < 0 none */
    int chol;         /* the factor is a Cholesky factor (A was SPD) */
    int try_chol;     /* the last matrix had no negative or zero pivot */
};

ll_status ll_ldlt_create(ll_ldlt **out, size_t n)
{
    *out = NULL;
    if (n == 0)
        return LL_ERR_ARG;
    ll_ldlt *f = calloc(1, sizeof *f);
    if (!f)
        return LL_ERR_NOMEM;
    f->n = n, f->info = -1, f->try_chol = 1;
    f->a = malloc(n * n * sizeof *f->a);
    f->ipiv = malloc(n * sizeof *f->ipiv);
    double q = 0.0;
    lapack_int info = LAPACKE_dsytrf_work(LAPACK_COL_MAJOR, 'L', (lapack_int)n,
                                          f->a, (lapack_int)n, f->ipiv, &q, -1);
    f->lwork = info == 0 && q >= 1.0 ? (lapack_int)q : (lapack_int)n;
    f->work = malloc((size_t)f->lwork * sizeof *f->work);
    if (!f->a || !f->ipiv || !f->work) {
        ll_ldlt_destroy(f);
        return LL_ERR_NOMEM;
    }
    *out = f;
    return LL_OK;
}

void ll_ldlt_destroy(ll_ldlt *f)
{
    if (!f)
        return;
    free(f->a), free(f->ipiv), free(f->work), free(f);
}

size_t ll_ldlt_size(const ll_ldlt *f) { return f->n; }

/* Cholesky first when the previous matrix was positive definite (a
 * minimum branch, the common case): dpotrf runs at ~1.4x the rate of
 * dsytrf here (n = 5000: 0.61 s vs 0.86 s), its success proves the inertia
 * (0, 0, n) (it is the exact factor of A + E, ||E|| <= c n eps ||A||, the
 * same backward error as LDL^T), and a failure costs at most one dpotrf
 * before the LDL^T. After an indefinite matrix, LDL^T directly. */
ll_status ll_ldlt_factor(ll_ldlt *f, const double *A)
{
    size_t n = f->n;
    lapack_int ln = (lapack_int)n;
    memcpy(f->a, A, n * n * sizeof *f->a);
    if (f->try_chol) {
        f->info = LAPACKE_dpotrf_work(LAPACK_COL_MAJOR, 'L', ln, f->a, ln);
        if (f->info == 0) {
            f->chol = 1;
            return LL_OK;
        }
        memcpy(f->a, A, n * n * sizeof *f->a);
    }
    f->chol = 0;
    f->info = LAPACKE_dsytrf_work(LAPACK_COL_MAJOR, 'L', ln, f->a, ln, f->ipiv,
                                  f->work, f->lwork);
    int neg = 1, zero = 1;
    if (f->info >= 0)
        ll_ldlt_inertia(f, &neg, &zero, NULL);
    f->try_chol = neg == 0 && zero == 0;
    return f->info < 0 ? LL_ERR_LAPACK : LL_OK;
}

/* Signs of the eigenvalues of D: a 1x1 pivot is its own eigenvalue; a 2x2
 * block [a b; b c] has det = ac - b^2 < 0 (one of each sign) or > 0 (both of
 * the sign of a + c). */
ll_status ll_ldlt_inertia(const ll_ldlt *f, int *neg, int *zero, int *pos)
{
    if (f->info < 0)
        return LL_ERR_ARG;
    size_t n = f->n;
    const double *a = f->a;
    int cn = 0, cz = 0, cp = 0;
    if (f->chol)
        cp = (int)n, n = 0;
    for (size_t i = 0; i < n; i++) {
        double d = a[i + i * n];
        if (f->ipiv[i] > 0) {
            cn += d < 0, cz += d == 0, cp += d > 0;
            continue;
        }
        double b = a[(i + 1) + i * n], c = a[(i + 1) + (i + 1) * n];
        double det = d * c - b * b;
        if (det < 0)
            cn++, cp++;
        else if (det > 0)
            *(d + c < 0 ? &cn : &cp) += 2;
        else
            cz++, (d + c < 0 ? cn++ : cp++);
        i++;
    }
    if (neg)
        *neg = cn;
    if (zero)
        *zero = cz;
    if (pos)
        *pos = cp;
    return LL_OK;
}

ll_status ll_ldlt_solve(const ll_ldlt *f, size_t nrhs, double *B, size_t ldb)
{
    if (f->info < 0)
        return LL_ERR_ARG;
    if (f->info > 0)
        return LL_ERR_SINGULAR;
    if (f->chol)
        return LAPACKE_dpotrs_work(LAPACK_COL_MAJOR, 'L', (lapack_int)f->n,
                                   (lapack_int)nrhs, f->a, (lapack_int)f->n, B,
                                   (lapack_int)ldb) == 0 ? LL_OK
                                                         : LL_ERR_LAPACK;
    lapack_int info = LAPACKE_dsytrs_work(LAPACK_COL_MAJOR, 'L',
                                          (lapack_int)f->n, (lapack_int)nrhs,
                                          f->a, (lapack_int)f->n, f->ipiv, B,
                                          (lapack_int)ldb);
    return info == 0 ? LL_OK : LL_ERR_LAPACK;
}

ll_status ll_sym_eigvals_smallest(size_t n, const double *A, size_t k,
                                  double *w)
{
    if (n < LL_EIG_2STAGE_MIN)
        return ll_sym_eig_smallest(n, A, k, w, NULL);
    if (k == 0 || k > n)
        return LL_ERR_ARG;
    double *a = malloc(n * n * sizeof *a), *wall = malloc(n * sizeof *wall);
    lapack_int *isuppz = malloc(2 * n * sizeof *isuppz), found = 0;
    if (!a || !wall || !isuppz) {
        free(a), free(wall), free(isuppz);
        return LL_ERR_NOMEM;
    }
    memcpy(a, A, n * n * sizeof *a);
    lapack_int info = LAPACKE_dsyevr_2stage(
        LAPACK_COL_MAJOR, 'N', k == n ? 'A' : 'I', 'L', (lapack_int)n, a,
        (lapack_int)n, 0.0, 0.0, 1, (lapack_int)k, 0.0, &found, wall, NULL,
        (lapack_int)n, isuppz);
    if (info == 0 && (size_t)found == k)
        memcpy(w, wall, k * sizeof *w);
    free(a), free(wall), free(isuppz);
    if (info == 0)
        return (size_t)found == k ? LL_OK : LL_ERR_NOCONV;
    return info > 0 ? LL_ERR_NOCONV : LL_ERR_LAPACK;
}

ll_status ll_inv_norm1_est(size_t n, ll_linop_fn apply, void *user,
                           double *work, int *iwork, double *est)
{
    /* Hager's method with Higham's refinements (dlacn2, the estimator
     * behind dgecon): reverse communication, kase 1 asks for A^{-1} x,
     * kase 2 for A^{-T} x, at most ~5 of each. */
    _Static_assert(sizeof(lapack_int) == sizeof(int), "iwork is int");
    lapack_int kase = 0, isave[3] = {0, 0, 0}, *isgn = (lapack_int *)iwork;
    double *v = work, *x = work + n;
    *est = 0.0;
    if (n == 0)
        return LL_OK;
    for (int guard = 0; guard < 16; guard++) {
        LAPACKE_dlacn2_work((lapack_int)n, v, x, isgn, est, &kase, isave);
        if (kase == 0)
            return LL_OK;
        ll_status st = apply(user, kase == 2, x);
        if (st != LL_OK)
            return st;
    }
    return LL_ERR_NOCONV;
}
