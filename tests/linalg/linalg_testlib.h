/* Small helpers shared by the linalg tests (header-only, static). */
#ifndef LL_LINALG_TESTLIB_H
#define LL_LINALG_TESTLIB_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "testutil.h"
#include "losslab/linalg.h"

/* Random orthogonal Q (n x n, column-major) by modified Gram-Schmidt on a
 * random matrix, done twice for orthogonality to ~eps. */
static inline void tl_orthogonal(uint64_t *seed, size_t n, double *Q)
{
    ll_test_fill(seed, n * n, Q, 1.0);
    for (int pass = 0; pass < 2; pass++)
        for (size_t j = 0; j < n; j++) {
            for (size_t k = 0; k < j; k++) {
                double d = 0;
                for (size_t i = 0; i < n; i++)
                    d += Q[i + k * n] * Q[i + j * n];
                for (size_t i = 0; i < n; i++)
                    Q[i + j * n] -= d * Q[i + k * n];
            }
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += Q[i + j * n] * Q[i + j * n];
            for (size_t i = 0; i < n; i++)
                Q[i + j * n] /= sqrt(s);
        }
}

/* A = Q diag(lam) Q^T, symmetrised exactly. */
static inline void tl_spectral(size_t n, const double *Q, const double *lam,
                               double *A)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j <= i; j++) {
            double s = 0;
            for (size_t k = 0; k < n; k++)
                s += Q[i + k * n] * lam[k] * Q[j + k * n];
            A[i + j * n] = A[j + i * n] = s;
        }
}

/* A dense symmetric n x n matrix as a product y = A x for the Krylov
 * tests (ll_symop_fn), counting its applications. */
typedef struct dense_op {
    size_t n;
    const double *A;
    size_t calls;
} dense_op;

static inline ll_status dense_apply(void *u, const double *x, double *y)
{
    dense_op *op = u;
    op->calls++;
    ll_gemv(0, op->n, op->n, 1.0, op->A, op->n, x, 0.0, y);
    return LL_OK;
}

#endif
