/* Newton polish of a critical point at fixed parameter p:
 *     x <- x - H(x, p)^{-1} F(x, p)
 * until ||F|| <= tol * max(1, ||F(x_start)||) (the scaled tolerance of
 * MATH.md section 2). Used for the linear start theta0 at lambda = 0, which is
 * exact for the default model and only a guess with trained v or biases. */
#include "study/polish.h"

#include <math.h>
#include <stdlib.h>

#include "losslab/linalg.h"

static ll_status polish_step(const ll_problem *pb, double *x, double p,
                             double *F, double *H)
{
    size_t n = pb->n;
    ll_status st = pb->hess(pb->ctx, x, p, H);
    if (st != LL_OK)
        return st;
    st = ll_sym_solve(n, H, 1, F); /* F <- H^{-1} F */
    if (st != LL_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        x[i] -= F[i];
    return LL_OK;
}

ll_status ll_study_polish(const ll_problem *pb, double *x, double p,
                          double tol, int maxit, int *iters, double *gnorm,
                          ll_errbuf *eb)
{
    size_t n = pb->n;
    double *F = malloc(n * sizeof *F);
    double *H = NULL; /* only when a Newton step is needed: an exact start
                         (the closed-form minimiser) never forms it, so
                         large models (n^2 beyond memory) start too */
    ll_status st = LL_OK;
    int it = 0;
    double g = NAN, scale = 1.0;
    if (!F) {
        st = ll_err(eb, LL_ERR_NOMEM, "study: out of memory polishing the start");
        goto done;
    }
    for (;; it++) {
        st = pb->grad(pb->ctx, x, p, F);
        if (st != LL_OK) {
            st = ll_err(eb, st, "study: gradient failed at the start");
            goto done;
        }
        g = ll_nrm2(n, F);
        if (it == 0 && g > 1.0)
            scale = g;
        if (!isfinite(g)) {
            st = ll_err(eb, LL_ERR_NOCONV, "study: non-finite gradient at the start");
            goto done;
        }
        if (g <= tol * scale)
            break;
        if (it >= maxit) {
            st = ll_err(eb, LL_ERR_NOCONV,
                        "study: Newton polish of the start did not converge "
                        "in %d iterations (||grad|| = %.3g)", maxit, g);
            goto done;
        }
        if (!H && !(H = malloc(n * n * sizeof *H))) {
            st = ll_err(eb, LL_ERR_NOMEM, "study: out of memory for the "
                        "dense Hessian (n = %zu) polishing the start "
                        "(||grad|| = %.3g)", n, g);
            goto done;
        }
        st = polish_step(pb, x, p, F, H);
        if (st != LL_OK) {
            st = ll_err(eb, st, "study: Newton step at the start failed: %s",
                        ll_status_str(st));
            goto done;
        }
    }
done:
    if (iters)
        *iters = it;
    if (gnorm)
        *gnorm = g;
    free(F);
    free(H);
    return st;
}
