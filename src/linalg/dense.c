/* Dense BLAS/LAPACK wrappers (OpenBLAS + LAPACKE). The only file family that
 * calls BLAS/LAPACK directly; LAPACK's `info` is mapped to ll_status here.
 * Eigenvalues: MRRR (dsyevr); inertia: Bunch-Kaufman LDL^T (dsytrf) and
 * Sylvester's law of inertia on the block-diagonal D. */
#include "losslab/linalg.h"

#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static ll_status map_info(lapack_int info, ll_status positive)
{
    if (info == 0)
        return LL_OK;
    if (info == LAPACK_WORK_MEMORY_ERROR || info == LAPACK_TRANSPOSE_MEMORY_ERROR)
        return LL_ERR_NOMEM;
    return info > 0 ? positive : LL_ERR_LAPACK;
}

/* BLAS requires every leading dimension >= max(1, rows); a caller that
 * passes ld = rows = 0 for an empty operand (k = 0, say) would make
 * OpenBLAS report an illegal parameter and abort the process. When the
 * operand is empty its ld is never used, so 1 is always a valid stand-in. */
static blasint ld1(size_t ld) { return ld ? (blasint)ld : 1; }

void ll_gemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
             double alpha, const double *A, size_t lda, const double *B,
             size_t ldb, double beta, double *C, size_t ldc)
{
    cblas_dgemm(CblasColMajor, trans_a ? CblasTrans : CblasNoTrans,
                trans_b ? CblasTrans : CblasNoTrans, (blasint)m, (blasint)n,
                (blasint)k, alpha, A, ld1(lda), B, ld1(ldb), beta, C, ld1(ldc));
}

/* Upper triangle from the lower one, in 64 x 64 tiles: a plain row-by-row
 * copy walks the upper triangle with stride ldc and misses the cache on
 * every element once ldc * 64 * 8 bytes exceed it (n = 5000: 0.2 s, as
 * long as the dsyrk itself; tiled: ~0.03 s). */
#define LL_MIRROR_TILE 64
static void mirror_lower(size_t n, double *C, size_t ldc)
{
    for (size_t jb = 0; jb < n; jb += LL_MIRROR_TILE) {
        size_t je = jb + LL_MIRROR_TILE < n ? jb + LL_MIRROR_TILE : n;
        for (size_t ib = jb; ib < n; ib += LL_MIRROR_TILE) {
            size_t ie = ib + LL_MIRROR_TILE < n ? ib + LL_MIRROR_TILE : n;
            for (size_t i = ib; i < ie; i++)
                for (size_t j = jb; j < je && j < i; j++)
                    C[j + i * ldc] = C[i + j * ldc];
        }
    }
}

void ll_syrk_t(size_t n, size_t k, double alpha, const double *A, size_t lda,
               double beta, double *C, size_t ldc)
{
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (blasint)n, (blasint)k,
                alpha, A, ld1(lda), beta, C, ld1(ldc));
    mirror_lower(n, C, ldc);
}

void ll_syr2k_t(size_t n, size_t k, double alpha, const double *A,
                const double *B, size_t ld, double beta, double *C, size_t ldc)
{
    cblas_dsyr2k(CblasColMajor, CblasLower, CblasTrans, (blasint)n, (blasint)k,
                 alpha, A, ld1(ld), B, ld1(ld), beta, C, ld1(ldc));
    mirror_lower(n, C, ldc);
}

void ll_gemv(int trans, size_t m, size_t n, double alpha, const double *A,
             size_t lda, const double *x, double beta, double *y)
{
    cblas_dgemv(CblasColMajor, trans ? CblasTrans : CblasNoTrans, (blasint)m,
                (blasint)n, alpha, A, ld1(lda), x, 1, beta, y, 1);
}

void ll_linalg_set_threads(int n) { openblas_set_num_threads(n > 0 ? n : 1); }

double ll_dot(size_t n, const double *x, const double *y)
{
    return cblas_ddot((blasint)n, x, 1, y, 1);
}

double ll_nrm2(size_t n, const double *x) { return cblas_dnrm2((blasint)n, x, 1); }

static ll_status sym_eig_range(size_t n, const double *A, size_t k, double *w,
                               double *V)
{
    if (n == 0 || k == 0 || k > n)
        return LL_ERR_ARG;
    double *a = malloc(n * n * sizeof *a);
    double *wall = malloc(n * sizeof *wall);
    lapack_int *isuppz = malloc(2 * n * sizeof *isuppz);
    if (!a || !wall || !isuppz) {
        free(a), free(wall), free(isuppz);
        return LL_ERR_NOMEM;
    }
    memcpy(a, A, n * n * sizeof *a);
    lapack_int found = 0;
    lapack_int info = LAPACKE_dsyevr(
        LAPACK_COL_MAJOR, V ? 'V' : 'N', k == n ? 'A' : 'I', 'L', (lapack_int)n,
        a, (lapack_int)n, 0.0, 0.0, 1, (lapack_int)k, 0.0, &found, wall, V,
        (lapack_int)n, isuppz);
    if (info == 0 && (size_t)found == k)
        memcpy(w, wall, k * sizeof *w);
    free(a), free(wall), free(isuppz);
    if (info == 0 && (size_t)found != k)
        return LL_ERR_NOCONV;
    return map_info(info, LL_ERR_NOCONV);
}

ll_status ll_sym_eig_smallest(size_t n, const double *A, size_t k, double *w,
                              double *V)
{
    return sym_eig_range(n, A, k, w, V);
}

ll_status ll_sym_eig_all(size_t n, const double *A, double *w, double *V)
{
    return sym_eig_range(n, A, n, w, V);
}

/* Count the signs of the eigenvalues of the block-diagonal D of an LDL^T
 * factor: a 1x1 pivot is its own eigenvalue, a 2x2 block [a b; b c] has
 * det = ac - b^2 < 0 (one of each sign) or > 0 (both of the sign of a). */
ll_status ll_sym_inertia(size_t n, const double *A, int *neg, int *zero,
                         int *pos)
{
    if (n == 0) { /* empty matrix; LAPACK would reject lda = 0 */
        if (neg)
            *neg = 0;
        if (zero)
            *zero = 0;
        if (pos)
            *pos = 0;
        return LL_OK;
    }
    double *a = malloc(n * n * sizeof *a);
    lapack_int *ipiv = malloc(n * sizeof *ipiv);
    if (!a || !ipiv) {
        free(a), free(ipiv);
        return LL_ERR_NOMEM;
    }
    memcpy(a, A, n * n * sizeof *a);
    lapack_int info = LAPACKE_dsytrf(LAPACK_COL_MAJOR, 'L', (lapack_int)n, a,
                                     (lapack_int)n, ipiv);
    int cn = 0, cz = 0, cp = 0;
    if (info >= 0) {
        for (size_t i = 0; i < n; i++) {
            double d = a[i + i * n];
            if (ipiv[i] > 0) {
                cn += d < 0, cz += d == 0, cp += d > 0;
                continue;
            }
            /* 2x2 block occupying rows i, i+1 */
            double b = a[(i + 1) + i * n], c = a[(i + 1) + (i + 1) * n];
            double det = d * c - b * b;
            if (det < 0)
                cn++, cp++;
            else if (det > 0) {
                if (d + c < 0)
                    cn += 2;
                else
                    cp += 2;
            } else
                cz++, (d + c < 0 ? cn++ : cp++);
            i++;
        }
    }
    free(a), free(ipiv);
    if (info < 0)
        return LL_ERR_LAPACK;
    if (neg)
        *neg = cn;
    if (zero)
        *zero = cz;
    if (pos)
        *pos = cp;
    return LL_OK;
}

ll_status ll_solve(size_t n, const double *A, size_t nrhs, double *B,
                   double *rcond)
{
    if (n == 0) { /* empty system: nothing to solve (dgecon's convention) */
        if (rcond)
            *rcond = 1.0;
        return LL_OK;
    }
    double *a = malloc(n * n * sizeof *a);
    lapack_int *ipiv = malloc(n * sizeof *ipiv);
    if (!a || !ipiv) {
        free(a), free(ipiv);
        return LL_ERR_NOMEM;
    }
    memcpy(a, A, n * n * sizeof *a);
    double anorm = LAPACKE_dlange(LAPACK_COL_MAJOR, '1', (lapack_int)n,
                                  (lapack_int)n, a, (lapack_int)n);
    lapack_int info = LAPACKE_dgetrf(LAPACK_COL_MAJOR, (lapack_int)n,
                                     (lapack_int)n, a, (lapack_int)n, ipiv);
    if (info == 0)
        info = LAPACKE_dgetrs(LAPACK_COL_MAJOR, 'N', (lapack_int)n,
                              (lapack_int)nrhs, a, (lapack_int)n, ipiv, B,
                              (lapack_int)n);
    if (info == 0 && rcond)
        LAPACKE_dgecon(LAPACK_COL_MAJOR, '1', (lapack_int)n, a, (lapack_int)n,
                       anorm, rcond);
    if (info > 0 && rcond)
        *rcond = 0.0;
    free(a), free(ipiv);
    return map_info(info, LL_ERR_SINGULAR);
}

ll_status ll_sym_solve(size_t n, const double *A, size_t nrhs, double *B)
{
    if (n == 0) /* empty system; LAPACK would reject lda = 0 */
        return LL_OK;
    double *a = malloc(n * n * sizeof *a);
    lapack_int *ipiv = malloc(n * sizeof *ipiv);
    if (!a || !ipiv) {
        free(a), free(ipiv);
        return LL_ERR_NOMEM;
    }
    memcpy(a, A, n * n * sizeof *a);
    lapack_int info = LAPACKE_dsysv(LAPACK_COL_MAJOR, 'L', (lapack_int)n,
                                    (lapack_int)nrhs, a, (lapack_int)n, ipiv, B,
                                    (lapack_int)n);
    free(a), free(ipiv);
    return map_info(info, LL_ERR_SINGULAR);
}
