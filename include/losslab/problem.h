/* losslab: a smooth one-parameter family of objectives L(x; p), as an ops
 * table.
 *
 * Continuation (cont.h) and the Lyapunov-Schmidt coefficients (bif.h) work on
 * any ll_problem: the two-layer network (model.h) fills one in with
 * ll_model_problem(), tests fill in constructed objectives whose answers are
 * known in closed form. All derivatives must be exact.
 *
 * Notation (MATH.md): F = grad_x L, H = Hessian of L in x, F_p = dF/dp,
 * H_p = dH/dp (partial, x fixed), D^kL the k-th derivative tensor in x.
 * Every callback returns LL_OK or an error status; arrays are caller-owned
 * and are overwritten. Matrices are n x n, column-major, both triangles set.
 */
#ifndef LOSSLAB_PROBLEM_H
#define LOSSLAB_PROBLEM_H

#include <stddef.h>

#include "losslab/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ll_problem {
    size_t n;  /* number of unknowns */
    void *ctx; /* borrowed: passed back to every callback */

    ll_status (*loss)(void *ctx, const double *x, double p, double *L);
    ll_status (*grad)(void *ctx, const double *x, double p, double *F);
    ll_status (*hess)(void *ctx, const double *x, double p, double *H);
    ll_status (*grad_p)(void *ctx, const double *x, double p, double *Fp);
    ll_status (*hess_p)(void *ctx, const double *x, double p, double *Hp);
    /* out = D^3L[a, b, .] in R^n (symmetric in a, b). */
    ll_status (*d3)(void *ctx, const double *x, double p, const double *a,
                    const double *b, double *out);
    /* *out = D^4L[a, a, a, a]. */
    ll_status (*d4)(void *ctx, const double *x, double p, const double *a,
                    double *out);
    /* out = D^3L[u, ., .], the n x n derivative of H along u (column-major,
     * both triangles). OPTIONAL: may be NULL, users then fall back to d3
     * (one call per column they need). Kept last, so that initialisers
     * written before it existed leave it NULL. */
    ll_status (*hess_dir)(void *ctx, const double *x, double p,
                          const double *u, double *out);

    /* ---- For problems too large for a dense H (all OPTIONAL, NULL/0 when
     * absent; continuation then needs the dense path, cont.h). Like every
     * callback: caller-owned arrays, outputs overwritten, inputs and
     * outputs must not alias; a status other than LL_OK makes the caller
     * (continuation, bif.h) fail at that point with the op named. ---- */
    /* Hu = H u (n values) without forming H: needed by the matrix-free
     * path (one call per Krylov step unless hlin_* below is given). For
     * the two-layer model O(N P) time, O(N m) scratch per call. */
    ll_status (*hvp)(void *ctx, const double *x, double p, const double *u,
                     double *Hu);
    /* out = H_p u (d/dp of H, x fixed, applied to u; n values) without
     * forming H_p: needed by both non-dense paths (event slopes, the
     * coefficients' g_ap), a few calls per event. Model: O(N P). */
    ll_status (*hess_p_vec)(void *ctx, const double *x, double p,
                            const double *u, double *out);
    /* The structure H = blockdiag(B_1, ..., B_nb) + U U^T, every block
     * bs x bs (nb * bs = n), U n x k. Fills B (nb * bs * bs values, block j
     * column-major at B + j * bs * bs) and U (n x k, column-major). The
     * sizes are the fields below (all 0 when the problem has no such
     * structure). For the two-layer model (default options: fixed v, no
     * biases): nb = m, bs = d, k = N, B_j the residual + regularisation
     * block of unit j and U = J^T / sqrt(N) (MATH.md section 1). When G
     * is not NULL it also fills G = U^T U (k x k, column-major, at least
     * the lower triangle), which the structured path's factor needs and
     * would otherwise form from U at n k^2 flops (ll_bdlr_factor_gram).
     * Needed by the structured path: one call per continuation point,
     * O(n k) memory in U (held by the caller), model cost O(N P + m N d^2
     * + N^2 m). */
    ll_status (*hess_struct)(void *ctx, const double *x, double p, double *B,
                             double *U, double *G);
    size_t struct_nb, struct_bs, struct_k;
    /* A prepared Hessian, for many products H u at one point (Krylov
     * solvers and eigensolvers do tens to hundreds per point): hlin_set
     * computes into the CALLER-OWNED object lin everything that depends
     * on (x, p) only (for the two-layer model: the forward pass with
     * h, h', h''), and hlin_apply then costs only the linear algebra of
     * one product (for the model ~10x cheaper than hvp at d = 5: no
     * activation evaluations). lin is the caller's state, not ctx's: ctx
     * stays read-only, and each user (thread) holds its own lin.
     * hlin_apply before any hlin_set is LL_ERR_ARG. OPTIONAL: all four or
     * none (NULL); users then call hvp. */
    ll_status (*hlin_create)(void *ctx, void **lin);
    ll_status (*hlin_set)(void *ctx, void *lin, const double *x, double p);
    ll_status (*hlin_apply)(void *ctx, void *lin, const double *u,
                            double *Hu);
    void (*hlin_destroy)(void *ctx, void *lin); /* NULL-safe in lin */
} ll_problem;

/* ---- Restriction to an affine subspace ------------------------------------
 *
 * The objective on x = x0 + S z, S an n x k matrix with orthonormal columns
 * (S^T S = I_k), z in R^k:
 *     L_z(z; p) = L(x0 + S z; p),   F_z = S^T F,   H_z = S^T H S,
 *     (F_z)_p = S^T F_p,   (H_z)_p = S^T H_p S,
 *     D^3L_z[a, b, .] = S^T D^3L[S a, S b, .],   D^4L_z[a^4] = D^4L[(S a)^4],
 *     D^3L_z[u, ., .] = S^T D^3L[S u, ., .] S.
 * Its use: a fixed-point subspace of a symmetry (e.g. w1 = w2 in the toy of
 * MATH.md section 4, Exp. 1) is invariant under the gradient flow, so
 * critical points of L_z are critical points of L; continuation inside it
 * avoids the singularity of H in the directions the symmetry moves.
 *
 * The handle copies x0 and S and owns scratch (one full point, F, H); the
 * parent problem is borrowed and must outlive it. Not thread-safe: the
 * ll_problem it fills in shares the handle's scratch. hess_dir is provided
 * through the parent's hess_dir, or through k calls of its d3 when the
 * parent has none. */
typedef struct ll_subspace ll_subspace;

/* Check S^T S = I_k to 1e-10 (max entry error) and every entry finite;
 * 1 <= k <= n. x0 may be NULL (the origin). */
ll_status ll_subspace_create(ll_subspace **out, const ll_problem *parent,
                             const double *x0, const double *S, size_t k,
                             ll_errbuf *eb);
void ll_subspace_destroy(ll_subspace *sp); /* NULL-safe */

/* Fill pb with the restricted problem (pb->n = k, pb->ctx = sp). */
void ll_subspace_problem(ll_subspace *sp, ll_problem *pb);

/* x = x0 + S z (n values). */
void ll_subspace_lift(const ll_subspace *sp, const double *z, double *x);
/* z = S^T (x - x0) (k values): the coordinates of x's projection. */
void ll_subspace_project(const ll_subspace *sp, const double *x, double *z);

#ifdef __cplusplus
}
#endif
#endif
