/* losslab: symmetric matrices "block diagonal plus low rank",
 *     A = blockdiag(B_1, ..., B_nb) - sigma I + U diag(s) U^T,
 * every B_j symmetric bs x bs (n = nb * bs), U n x k, s k weights (any
 * sign), factored for exact solves and the exact inertia in
 * O(nb bs^3 + n bs k + n k^2 + k^3) time and O(n k) memory, never forming
 * the n x n matrix. This is the Hessian of the two-layer model (problem.h
 * hess_struct: k = N samples, s = 1) and, with an extra column, the
 * bordered/deflated systems the continuation needs.
 *
 * Method. With D = blockdiag(B) - sigma I nonsingular:
 *   solve (Woodbury):  A^{-1} = D^{-1} - D^{-1} U C^{-1} U^T D^{-1},
 *                      C = diag(s)^{-1} + U^T D^{-1} U   (k x k);
 *   inertia (Haynsworth): the matrix [[D, U], [U^T, -diag(s)^{-1}]] has
 *                      A and -C as Schur complements, so
 *                      In(A) = In(D) + In(-C) - In(-diag(s)^{-1}),
 *                      i.e. neg(A) = neg(D) + pos(C) - pos(s).
 * D's blocks are diagonalised (dsyevd per block, threads across blocks:
 * exact signs for In(D)). A block eigenvalue theta with |theta| below
 * clamp_rel * scale, clamp_rel = 1e-6 and scale = max(max |theta|,
 * max_i |s_i| ||u_i||^2) (D nearly singular, Woodbury unstable, although A
 * may be fine) is moved to theta + tau = +-scale (its own sign) and the
 * change is undone by one more column of U (the eigenvector, stored as its
 * index) with weight -tau: A is unchanged, cond(D') <= 1e6. Solves are
 * followed by iterative refinement against the exact product A x
 * (ll_bdlr_apply), so the backward error is at rounding level whenever
 * cond(A) eps < 1. Cost of a factor: two dsyrk of n x k (C, and U^T U for
 * the exact Frobenius norm, unless the caller gives U^T U:
 * ll_bdlr_factor_gram), n k^2 flops each, plus the block
 * eigendecompositions; see bench/bdlr_rates.c.
 *
 * Ownership: ll_bdlr_factor COPIES B and s and BORROWS U (U may be hundreds
 * of MB; keep it alive and unchanged until the next factor or destroy).
 * A handle is not thread-safe (it owns scratch). Memory: n k (R =
 * |Theta|^{-1/2} Q^T U) + 2 n bs (B, Q) + O(k^2) doubles, no n x n. The
 * factor runs the block eigensolvers on up to 4 threads (as many as
 * OpenBLAS may use) and sets OpenBLAS to one thread meanwhile. */
#ifndef LOSSLAB_BDLR_H
#define LOSSLAB_BDLR_H

#include <stddef.h>

#include "losslab/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ll_bdlr ll_bdlr;

/* Room for nb blocks of size bs and up to kmax columns of U (plus the
 * clamping columns, allocated as needed). *out = NULL and LL_ERR_ARG for
 * nb = 0, bs = 0 or a size overflow; LL_ERR_NOMEM with nothing allocated if
 * it does not fit. Memory as in the file comment, fixed here, except the
 * solve scratch (ll_bdlr_solve) and clamping columns. */
ll_status ll_bdlr_create(ll_bdlr **out, size_t nb, size_t bs, size_t kmax);
void ll_bdlr_destroy(ll_bdlr *f); /* NULL-safe */

/* Factor A = blockdiag(B) - sigma I + U diag(s) U^T (s == NULL: all 1).
 * B: nb blocks, block j column-major at B + j bs bs (only its lower
 * triangle is read). U: n x k column-major with leading dimension n,
 * k <= kmax. LL_ERR_SINGULAR if C is singular to working precision (an
 * exactly zero pivot, or 1 / (max(||C||_1, 1) ||C^{-1}||_1) < eps with C
 * scaled as diag(sign s) + |S|^{1/2} U^T D^{-1} U |S|^{1/2}: then A is
 * singular or nearly so); the inertia is still valid then, solves are
 * refused. LL_ERR_SINGULAR also when more than max(k, 64) block
 * eigenvalues would need clamping (sigma next to a block eigenvalue of high
 * multiplicity: C would grow towards n x n; move sigma): then neither
 * solves nor the inertia are available. LL_ERR_ARG on non-finite input
 * (B's lower triangles, s, sigma, or U, the latter detected as a
 * non-finite ||u_i||^2) or k > kmax; LL_ERR_NOMEM if clamping columns do
 * not fit; LL_ERR_NOCONV / LL_ERR_LAPACK from a block eigensolver. */
ll_status ll_bdlr_factor(ll_bdlr *f, const double *B, const double *U,
                         const double *s, size_t k, double sigma);

/* ll_bdlr_factor with G = U^T U given (k x k, column-major, leading
 * dimension k; only the lower triangle is read; NULL: computed as in
 * ll_bdlr_factor). The factor needs U^T U only for ||A||_F and the clamping
 * scale, and its dsyrk costs n k^2 flops, as much as the capacitance
 * itself; a caller that has it more cheaply from U's structure passes it
 * (the two-layer model: (X X^T) o (C^T C), N^2 (m + d) flops instead of
 * N^2 m d, see ll_model_hess_struct). G must be U^T U of this U up to
 * rounding: a NaN or Inf in U is then detected through G's diagonal.
 * Results as ll_bdlr_factor's up to the rounding of G. */
ll_status ll_bdlr_factor_gram(ll_bdlr *f, const double *B, const double *U,
                              const double *s, size_t k, double sigma,
                              const double *G);

/* Factor into f the matrix src last factored, at another shift: A' =
 * blockdiag(B) - sigma I + U diag(s) U^T with src's B, s and U (U stays
 * borrowed from src's caller). Reuses src's block eigendecompositions,
 * Q^T U and U^T U, so it costs one pass over the n x k data and the dsyrk
 * of C' (about a fifth of ll_bdlr_factor at n = 100,000, bs = 100,
 * k = 500: no block eigensolves, no Q^T U, no Gram matrix). Same results
 * as ll_bdlr_factor(f, B, U, s, k, sigma) up to rounding (the eigenvalues
 * of the shifted blocks are src's minus the change of shift). Needs a src
 * whose factor produced an inertia (LL_OK or LL_ERR_SINGULAR), f created
 * with the same nb, bs and kmax >= src's k, f != src, a finite sigma:
 * else LL_ERR_ARG and f is left without a factor (f == src: src keeps
 * its). Other errors as ll_bdlr_factor's. */
ll_status ll_bdlr_factor_shift(ll_bdlr *f, const ll_bdlr *src, double sigma);

/* X (n x nrhs, leading dimension ldx) <- A^{-1} X, refined (see above).
 * LL_ERR_ARG before a successful factor or if ldx < n, LL_ERR_SINGULAR
 * after a singular one. Scratch for nrhs columns is grown on demand and
 * kept (4 n nrhs doubles). */
ll_status ll_bdlr_solve(ll_bdlr *f, size_t nrhs, double *X, size_t ldx);

/* y = A x (exact product from B, sigma, U, s of the last factor call that
 * got past its argument checks; undefined before one; O(n (bs + k))). x
 * and y: n values each, caller-owned, not aliased. */
void ll_bdlr_apply(const ll_bdlr *f, const double *x, double *y);

/* Inertia of the factored A (counts of negative, zero, positive
 * eigenvalues); any pointer may be NULL. LL_ERR_ARG before a factor that
 * produced one (none yet, bad input), LL_ERR_SINGULAR after a refused
 * clamp (see ll_bdlr_factor). */
ll_status ll_bdlr_inertia(const ll_bdlr *f, int *neg, int *zero, int *pos);

/* ||A||_F, exactly (no n x n matrix: ||A||_F^2 = ||D||_F^2 +
 * 2 sum_i s_i u_i^T D u_i + sum_{i,i'} s_i s_i' (u_i^T u_i')^2, D =
 * blockdiag(B) - sigma I), computed at factor time. */
double ll_bdlr_frobenius(const ll_bdlr *f);

/* Columns added by clamping at the last factor (0 normally). */
size_t ll_bdlr_clamped(const ll_bdlr *f);

/* Diagnostics of the last solve: the number of refinement steps it took
 * (0: the Woodbury pass alone met the stopping test) and, if berr != NULL,
 * the largest normwise backward error ||b - A x||_2 / (||A||_F ||x||_2 +
 * ||b||_2) over its columns, of the returned X. Refinement stops at n eps, after 4 steps, or
 * when a step does not halve the backward error. */
size_t ll_bdlr_refinements(const ll_bdlr *f, double *berr);

#ifdef __cplusplus
}
#endif
#endif
