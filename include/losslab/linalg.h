/* losslab: the dense linear algebra the library uses (thin, checked wrappers
 * over BLAS/LAPACK; src/linalg is the only code that calls them).
 *
 * All matrices are column-major with leading dimension equal to the row count
 * unless a `ld` argument says otherwise. LAPACK's `info` is mapped to
 * ll_status: LL_ERR_SINGULAR for an exactly singular factor, LL_ERR_NOCONV for
 * an eigensolver that did not converge, LL_ERR_LAPACK for anything else.
 */
#ifndef LOSSLAB_LINALG_H
#define LOSSLAB_LINALG_H

#include <stddef.h>

#include "losslab/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* C = alpha op(A) op(B) + beta C, op = transpose when trans_* is nonzero.
 * op(A) is m x k, op(B) is k x n, C is m x n. */
void ll_gemm(int trans_a, int trans_b, size_t m, size_t n, size_t k,
             double alpha, const double *A, size_t lda, const double *B,
             size_t ldb, double beta, double *C, size_t ldc);

/* C = alpha A^T A + beta C for A (k x n): C is n x n, both triangles set. */
void ll_syrk_t(size_t n, size_t k, double alpha, const double *A, size_t lda,
               double beta, double *C, size_t ldc);

/* C = alpha (A^T B + B^T A) + beta C, A and B k x n, both triangles set. */
void ll_syr2k_t(size_t n, size_t k, double alpha, const double *A,
                const double *B, size_t ld, double beta, double *C, size_t ldc);

/* y = alpha A x + beta y, A m x n (trans: A^T x). */
void ll_gemv(int trans, size_t m, size_t n, double alpha, const double *A,
             size_t lda, const double *x, double beta, double *y);

/* Number of threads BLAS/LAPACK may use (OpenBLAS), process-wide. */
void ll_linalg_set_threads(int n);

double ll_dot(size_t n, const double *x, const double *y);
double ll_nrm2(size_t n, const double *x);

/* Symmetric eigenvalues: w[0..k-1] = the k smallest eigenvalues of the n x n
 * symmetric A (ascending), and if V != NULL their orthonormal eigenvectors in
 * V (n x k). A is not modified (a copy is made internally). */
ll_status ll_sym_eig_smallest(size_t n, const double *A, size_t k, double *w,
                              double *V);

/* All eigenvalues (ascending) and, if V != NULL, eigenvectors. */
ll_status ll_sym_eig_all(size_t n, const double *A, double *w, double *V);

/* Inertia of the symmetric A from a Bunch-Kaufman LDL^T factorisation
 * (dsytrf): the number of negative, zero and positive eigenvalues. A "zero"
 * is a 1x1 pivot or 2x2 block eigenvalue of exactly 0. A is not modified. */
ll_status ll_sym_inertia(size_t n, const double *A, int *neg, int *zero,
                         int *pos);

/* Solve A X = B for general square A (n x n) and nrhs right-hand sides,
 * overwriting B with X; A is not modified. LL_ERR_SINGULAR if A is singular.
 * If rcond != NULL, the reciprocal 1-norm condition estimate is stored. */
ll_status ll_solve(size_t n, const double *A, size_t nrhs, double *B,
                   double *rcond);

/* Same for symmetric A (LDL^T, dsysv). */
ll_status ll_sym_solve(size_t n, const double *A, size_t nrhs, double *B);


/* ---- Factor once, use many times (src/linalg/perf.c) ---------------------
 * A Bunch-Kaufman LDL^T factorisation of a symmetric n x n matrix with its
 * workspace, allocated once (create) and refilled per matrix (factor, which
 * copies A). After a factor: the inertia, and solves with A (LL_ERR_SINGULAR
 * if D has an exactly zero pivot; the inertia is still available). When the
 * previous matrix was positive definite a Cholesky factorisation is tried
 * first (faster; its success proves the inertia (0, 0, n)). */
typedef struct ll_ldlt ll_ldlt;
ll_status ll_ldlt_create(ll_ldlt **out, size_t n);
void ll_ldlt_destroy(ll_ldlt *f); /* NULL-safe */
size_t ll_ldlt_size(const ll_ldlt *f);
ll_status ll_ldlt_factor(ll_ldlt *f, const double *A);
ll_status ll_ldlt_inertia(const ll_ldlt *f, int *neg, int *zero, int *pos);
/* B (n x nrhs, leading dimension ldb) is overwritten by A^{-1} B. */
ll_status ll_ldlt_solve(const ll_ldlt *f, size_t nrhs, double *B, size_t ldb);

/* An estimate of ||A^{-1}||_1 (a lower bound, usually within a factor of 3:
 * Hager/Higham, LAPACK's dlacn2) for an n x n operator known only through
 * apply(user, trans, x): x <- A^{-1} x (trans = 0) or A^{-T} x (trans = 1).
 * work: 2n doubles, iwork: n ints. */
typedef ll_status (*ll_linop_fn)(void *user, int trans, double *x);
ll_status ll_inv_norm1_est(size_t n, ll_linop_fn apply, void *user,
                           double *work, int *iwork, double *est);

/* The k smallest eigenvalues (ascending) of the symmetric A, no vectors;
 * the fastest dense method for the size (two-stage reduction when large). */
ll_status ll_sym_eigvals_smallest(size_t n, const double *A, size_t k,
                                  double *w);

#ifdef __cplusplus
}
#endif
#endif
