/* Test helper: an S_3-symmetric objective with a double eigenvalue
 * crossing, exact derivatives written out. u in R^3,
 *   L = sum_j (-p u_j^2/2 + g u_j^3/3 + k u_j^4/4) + gam/2 (sum_j u_j)^2.
 * On the trivial branch u = 0: H = -p I + gam 1 1^T, eigenvalue -p twice
 * (on {sum u = 0}, the standard representation of S_3) and -p + 3 gam: at
 * p = 0 two eigenvalues cross together (index 0 -> 2 for gam > 0). */
#ifndef LL_TEST_SYM_TOY_H
#define LL_TEST_SYM_TOY_H

#include <string.h>

#include "losslab/problem.h"

typedef struct sym_toy {
    double g, k, gam;
} sym_toy;

static inline double sym_sum(const double *u) { return u[0] + u[1] + u[2]; }

static inline ll_status sym_loss(void *c, const double *u, double p, double *L)
{
    const sym_toy *T = c;
    double s = 0.0, S = sym_sum(u);
    for (int j = 0; j < 3; j++)
        s += -p * u[j] * u[j] / 2 + T->g * u[j] * u[j] * u[j] / 3 +
             T->k * u[j] * u[j] * u[j] * u[j] / 4;
    *L = s + T->gam * S * S / 2;
    return LL_OK;
}

static inline ll_status sym_grad(void *c, const double *u, double p, double *F)
{
    const sym_toy *T = c;
    double S = sym_sum(u);
    for (int j = 0; j < 3; j++)
        F[j] = -p * u[j] + T->g * u[j] * u[j] + T->k * u[j] * u[j] * u[j] +
               T->gam * S;
    return LL_OK;
}

static inline ll_status sym_hess(void *c, const double *u, double p, double *H)
{
    const sym_toy *T = c;
    for (int j = 0; j < 3; j++)
        for (int i = 0; i < 3; i++)
            H[i + 3 * j] = T->gam + (i == j ? -p + 2 * T->g * u[j] +
                                                  3 * T->k * u[j] * u[j]
                                            : 0.0);
    return LL_OK;
}

static inline ll_status sym_grad_p(void *c, const double *u, double p,
                                   double *F)
{
    (void)c, (void)p;
    for (int j = 0; j < 3; j++)
        F[j] = -u[j];
    return LL_OK;
}

static inline ll_status sym_hess_p(void *c, const double *u, double p,
                                   double *H)
{
    (void)c, (void)u, (void)p;
    memset(H, 0, 9 * sizeof *H);
    H[0] = H[4] = H[8] = -1.0;
    return LL_OK;
}

static inline ll_status sym_d3(void *c, const double *u, double p,
                               const double *a, const double *b, double *o)
{
    const sym_toy *T = c;
    (void)p;
    for (int j = 0; j < 3; j++)
        o[j] = (2 * T->g + 6 * T->k * u[j]) * a[j] * b[j];
    return LL_OK;
}

static inline ll_status sym_d4(void *c, const double *u, double p,
                               const double *a, double *o)
{
    const sym_toy *T = c;
    (void)u, (void)p;
    *o = 0.0;
    for (int j = 0; j < 3; j++)
        *o += 6 * T->k * a[j] * a[j] * a[j] * a[j];
    return LL_OK;
}

static inline ll_problem sym_problem(sym_toy *T)
{
    ll_problem pb = {3, T, sym_loss, sym_grad, sym_hess, sym_grad_p,
                     sym_hess_p, sym_d3, sym_d4, NULL,
                     NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, NULL};
    return pb;
}

#endif
