/* losslab: Krylov methods on symmetric operators given only as products:
 * MINRES for A x = b (A symmetric, possibly indefinite; restarted from the
 * true residual, src/linalg/minres.c) and the few smallest eigenpairs by
 * block subspace expansion with Rayleigh-Ritz, thick restart and warm
 * starts (a block Davidson / GD+k scheme: block Krylov on A itself, or
 * expansion by a shift-invert operator; src/linalg/eigs.c).
 *
 * References: Paige & Saunders, SIAM J. Numer. Anal. 12 (1975) 617
 * (MINRES); Saad, "Numerical Methods for Large Eigenvalue Problems", 2nd
 * ed., sec. 4.3, 6.2, 8.3 (Rayleigh-Ritz, block Krylov, restarted
 * Davidson, shift-invert); Stathopoulos & Saad, SIAM J. Sci. Comput. 29
 * (2007) 2162 (GD+k: the previous Ritz vectors kept across a restart, the
 * LOBPCG-like direction of Knyazev, SIAM J. Sci. Comput. 23 (2001) 517).
 *
 * Both report an operator's error status unchanged (the solve stops). */
#ifndef LOSSLAB_KRYLOV_H
#define LOSSLAB_KRYLOV_H

#include <stddef.h>

#include "losslab/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* y = Op x for vectors of length n (x and y do not alias). */
typedef ll_status (*ll_symop_fn)(void *user, const double *x, double *y);

typedef struct ll_minres_opts {
    double rtol;  /* stop when ||b - A x|| <= rtol ||b||; 1e-14 */
    size_t maxit; /* iteration cap; 0: 10 n (or 20000, the smaller) */
} ll_minres_opts;

typedef struct ll_minres_info {
    size_t its;
    double relres; /* ||b - A x|| / ||b||, recomputed at the end */
} ll_minres_info;

ll_minres_opts ll_minres_opts_default(void);

/* MINRES on (A - shift I) x = b. x: initial guess in (not NULL: give zeros
 * for none), solution out; b is read throughout, so x and b must not alias.
 * prec: NULL, or an SPD preconditioner M^{-1} as a
 * product (LL_ERR_ARG if it shows an M^{-1}-norm^2 < 0). The recurrence's
 * residual estimate stops each cycle; the true residual is then recomputed
 * and, if it misses rtol (rounding, or the M^{-1}-norm vs 2-norm gap when
 * preconditioned), MINRES restarts from the current x (at most 6 cycles; a
 * cycle that does not halve the true residual ends the solve: the
 * attainable accuracy ~ eps ||A|| ||x|| is reached). info->its counts
 * Lanczos steps (one product each) over all cycles; each cycle also costs
 * one product for its true residual. LL_ERR_NOCONV if rtol is not reached
 * (x is then the last iterate, info->relres the true relative residual).
 * b = 0 gives x = 0. LL_ERR_ARG if A, b or x is NULL or rtol < 0 (or
 * NaN); LL_ERR_NOMEM. Cost per Lanczos step: one product, one
 * preconditioner application and ~10 n flops. Allocates 8 n doubles per
 * call: callers solving many systems of one size use ll_minres_work. */
ll_status ll_minres(size_t n, ll_symop_fn A, void *Auser, double shift,
                    ll_symop_fn prec, void *Puser, const double *b,
                    double *x, const ll_minres_opts *o, ll_minres_info *info);
/* The same with caller-owned scratch work (8 n doubles, overwritten; not
 * NULL when n > 0, else LL_ERR_ARG): no allocation, identical results. */
ll_status ll_minres_work(size_t n, ll_symop_fn A, void *Auser, double shift,
                         ll_symop_fn prec, void *Puser, const double *b,
                         double *x, const ll_minres_opts *o,
                         ll_minres_info *info, double *work);

typedef struct ll_eigs_opts {
    /* converged when ||A v - theta v|| <= tol * anorm for every wanted pair
     * (anorm: the caller's scale of A, e.g. ||A||_F; 0: estimated from the
     * Ritz values); tol 1e-10 */
    double tol, anorm;
    size_t block;    /* block size (clamped to n); 0: k + 2; keep it >= the
                        multiplicity of the wanted eigenvalues */
    size_t maxdim;   /* largest subspace before a restart; 0: max(8 block,
                        60); clamped to n; else >= k + block + 1 (LL_ERR_ARG) */
    size_t maxiter;  /* total operator applications cap; 0: 200 * block */
    unsigned long seed; /* for the random part of the start block */
    /* OPTIONAL: the expansion of nb vectors at once (X, Y: n x nb,
     * column-major; user = the Euser of the call), used instead of expand
     * when set: one multi-right-hand-side solve (BLAS 3) instead of nb
     * single ones. NULL by default. */
    ll_status (*expand_block)(void *user, size_t nb, const double *X,
                              double *Y);
    /* OPTIONAL: Y = A X for nb vectors at once (user = the Auser of the
     * call), used instead of A's single products when set (an operator
     * whose data is large, e.g. an n x k factor, streams it once per block
     * instead of once per vector). NULL by default. */
    ll_status (*apply_block)(void *user, size_t nb, const double *X,
                             double *Y);
} ll_eigs_opts;

typedef struct ll_eigs_info {
    size_t applies;   /* applications of A (what maxiter caps) */
    size_t expands;   /* applications of expand (0 when it is NULL) */
    size_t restarts;
    double max_resid; /* max ||A v - theta v|| over the wanted pairs */
} ll_eigs_info;

ll_eigs_opts ll_eigs_opts_default(void);

/* The k smallest eigenvalues w (ascending) of the symmetric A (n x n, as a
 * product), and unit eigenvectors V (n x k, column-major; may be NULL).
 * Subspace expansion by `expand`: NULL uses A itself (block Krylov on A:
 * fine for well separated low eigenvalues; hopeless when the relative gap
 * (lam_{block+1} - lam_k) / (lam_max - lam_k) is ~ 1e-5 or less);
 * otherwise expand is a
 * shift-invert (A - sigma I)^{-1} (exact or approximate: only the
 * subspace it generates matters, Ritz values and residuals always use A),
 * which converges fast to the eigenvalues nearest sigma from above when
 * sigma lies below the smallest one. V0 (n x k0, any k0, may be NULL):
 * warm start (e.g. the eigenvectors at the previous point of a branch),
 * completed with random vectors. Rayleigh-Ritz on the orthonormalised
 * subspace with full reorthogonalisation, thick restart keeping the best
 * k + block Ritz vectors and the previous iteration's (GD+k). Errors:
 * LL_ERR_ARG (n = 0, k = 0 or k > n, A or w NULL, tol or anorm < 0, maxdim
 * too small); LL_ERR_NOMEM; LL_ERR_INTERNAL if no k independent start
 * vectors could be made; LL_ERR_NOCONV if tol is not met in maxiter
 * applications (w, V are then the best approximations; info says how
 * far); LL_ERR_NOCONV / LL_ERR_LAPACK from the projected dsyev. Memory:
 * n (2 maxdim + 2 (k + block + max(k, block)) + block + 1) doubles (at
 * most), allocated per call (once per eigenproblem, not per product).
 * expand gets unit vectors. An estimated
 * anorm (max |theta| seen) under-estimates ||A|| when the subspace misses
 * the top of the spectrum (always, with shift-invert): the test is then
 * stricter than tol * ||A||; pass anorm when it is known. */
ll_status ll_eigs_smallest(size_t n, size_t k, ll_symop_fn A, void *Auser,
                           ll_symop_fn expand, void *Euser, const double *V0,
                           size_t k0, const ll_eigs_opts *o, double *w,
                           double *V, ll_eigs_info *info);

#ifdef __cplusplus
}
#endif
#endif
