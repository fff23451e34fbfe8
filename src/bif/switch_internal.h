/* Internals of branch switching (switch.c, switch_newton.c); not public. */
#ifndef LL_BIF_SWITCH_INTERNAL_H
#define LL_BIF_SWITCH_INTERNAL_H

#include <stddef.h>

#include "losslab/bif.h"

/* Newton workspace on the extended space X = (x, p) of size m = n + 1. */
typedef struct ll_switch_ws {
    const ll_problem *pb;
    ll_errbuf *eb;
    size_t n, m;
    double ftol;      /* newton_tol * max(1, ||F(0, p*)||) */
    int maxit;
    double *F, *Fp;   /* n */
    double *H;        /* n x n */
    double *J;        /* m x m */
    double *r;        /* m */
} ll_switch_ws;

ll_status ll_switch_ws_init(ll_switch_ws *w, const ll_problem *pb,
                            ll_errbuf *eb);
void ll_switch_ws_free(ll_switch_ws *w);

/* Newton on {F(X) = 0, c^T X = rhs} from X (m, overwritten by the last
 * iterate). defl: n_defl points (m each, consecutive) deflated by
 * M(X) = prod_k (1/|X - X_k|^2 + 1). *its: iterations done. LL_OK when
 * converged (||F|| <= ftol, the constraint to rounding, a small last
 * step), LL_ERR_NOCONV / LL_ERR_SINGULAR otherwise. */
ll_status ll_switch_newton(ll_switch_ws *w, double *X, const double *c,
                           double rhs, const double *defl, size_t n_defl,
                           int *its);

/* Unit t (m) with [[H, F_p], [c^T]] t = e_m at X. */
ll_status ll_switch_tangent(ll_switch_ws *w, const double *X, const double *c,
                            double *t);

#endif
