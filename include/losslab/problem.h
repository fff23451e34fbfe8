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

#ifdef __cplusplus
}
#endif
#endif
