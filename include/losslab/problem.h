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
