/* Test helper (header-only): the constructed objective of the coefficient
 * tests, whose Lyapunov-Schmidt coefficients are known in closed form
 * (MATH.md section 3). Shared by tests/bif and tests/pipeline. In its own
 * coordinates y (n = 5), rotated by the fixed orthogonal R of toy.h,
 * mu = p - p*:
 *   l = k3 y0^3/3 + k4 y0^4/4 - m2 mu y0^2/2 + f0 mu y0
 *       + y1^2/2 - f1 mu y1 + c y0^2 y1 + sum_{i>=2} lam_i y_i^2/2.
 * At y = 0, p = p*: H = diag(0, 1, lam), phi = +-R e0, F_p = (f0, -f1, 0..),
 * H_p = diag(-m2, 0, ..), B = D^3L[e0, e0, .] = (2 k3, 2c, 0..), D^4 = 6 k4.
 * Hence (with s = +-1 the sign of phi = s R e0):
 *   g_p = s f0,  g_aa = 2 k3 s,  psi = R (0, f1, 0..),
 *   g_ap = -m2 + 2 c f1,  g_aaa = 6 k4 - 12 c^2 (slaved: B_R = 2c e1).
 */
#ifndef LL_TEST_BIF_POLY_TOY_H
#define LL_TEST_BIF_POLY_TOY_H

#include <math.h>
#include <string.h>

#include "toy.h"

#define POLY_N 5

typedef struct poly {
    double k3, k4, m2, f0, f1, c, pstar, lam[POLY_N];
} poly;

static inline double poly_loss(const toy *t, const double *y, double p)
{
    const poly *q = t->par;
    double mu = p - q->pstar, y0 = y[0], L;
    L = q->k3 * y0 * y0 * y0 / 3 + q->k4 * y0 * y0 * y0 * y0 / 4 -
        q->m2 * mu * y0 * y0 / 2 + q->f0 * mu * y0 + y[1] * y[1] / 2 -
        q->f1 * mu * y[1] + q->c * y0 * y0 * y[1];
    for (size_t i = 2; i < POLY_N; i++)
        L += q->lam[i] * y[i] * y[i] / 2;
    return L;
}

static inline void poly_grad(const toy *t, const double *y, double p,
                             double *g)
{
    const poly *q = t->par;
    double mu = p - q->pstar, y0 = y[0];
    g[0] = q->k3 * y0 * y0 + q->k4 * y0 * y0 * y0 - q->m2 * mu * y0 + q->f0 * mu +
           2 * q->c * y0 * y[1];
    g[1] = y[1] - q->f1 * mu + q->c * y0 * y0;
    for (size_t i = 2; i < POLY_N; i++)
        g[i] = q->lam[i] * y[i];
}

static inline void poly_hess(const toy *t, const double *y, double p,
                             double *H)
{
    const poly *q = t->par;
    double mu = p - q->pstar, y0 = y[0];
    memset(H, 0, POLY_N * POLY_N * sizeof *H);
    H[0] = 2 * q->k3 * y0 + 3 * q->k4 * y0 * y0 - q->m2 * mu + 2 * q->c * y[1];
    H[1] = H[POLY_N] = 2 * q->c * y0;
    H[1 + POLY_N] = 1.0;
    for (size_t i = 2; i < POLY_N; i++)
        H[i + i * POLY_N] = q->lam[i];
}

static inline void poly_grad_p(const toy *t, const double *y, double p,
                               double *g)
{
    const poly *q = t->par;
    memset(g, 0, POLY_N * sizeof *g);
    g[0] = -q->m2 * y[0] + q->f0;
    g[1] = -q->f1;
}

static inline void poly_hess_p(const toy *t, const double *y, double p,
                               double *H)
{
    const poly *q = t->par;
    memset(H, 0, POLY_N * POLY_N * sizeof *H);
    H[0] = -q->m2;
}

/* Nonzero third derivatives: d000 = 2 k3 + 6 k4 y0, d001 (all orders) = 2c. */
static inline void poly_d3(const toy *t, const double *y, double p,
                           const double *a, const double *b, double *out)
{
    const poly *q = t->par;
    double d000 = 2 * q->k3 + 6 * q->k4 * y[0], d001 = 2 * q->c;
    memset(out, 0, POLY_N * sizeof *out);
    out[0] = d000 * a[0] * b[0] + d001 * (a[0] * b[1] + a[1] * b[0]);
    out[1] = d001 * a[0] * b[0];
}

static inline double poly_d4(const toy *t, const double *y, double p,
                             const double *a)
{
    const poly *q = t->par;
    return 6 * q->k4 * a[0] * a[0] * a[0] * a[0];
}

static inline toy poly_toy(const poly *q)
{
    toy t = {.n = POLY_N, .par = q, .loss = poly_loss, .grad = poly_grad,
             .hess = poly_hess, .grad_p = poly_grad_p, .hess_p = poly_hess_p,
             .d3 = poly_d3, .d4 = poly_d4};
    toy_rotation(&t, 0x5eedb1full);
    return t;
}

static inline poly poly_base(void)
{
    poly q = {0};
    q.lam[2] = 2.0, q.lam[3] = 3.5, q.lam[4] = 5.0;
    return q;
}

#endif
