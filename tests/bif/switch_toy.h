/* Test helper (header-only): a constructed objective with a simple branch
 * point at p = 0 on a known branch, for the branch-switching tests, in the
 * rotated-coordinates frame of toy.h. In its own coordinates y = (a, b, c),
 * with A = a - kap p (so the known branch is tilted: phi^T dx/dp = kap),
 *   l = -p A^2/2 + g A^3/3 + k A^4/4 + cb/2 r^2 + cc/2 u^2,
 *   r = b - q A^2 - e p,   u = c - s b.
 * Critical points: r = u = 0 and A (-p + g A + k A^2) = 0, so
 *   known branch  A = 0:                     a = kap p, b = e p, c = s e p;
 *   g != 0, k = 0 (transcritical)  A = p/g;
 *   g = 0, k != 0 (pitchfork)      A^2 = p/k.
 * The Hessian's Schur complement on the a-direction is l_aa restricted to
 * r = u = 0: -p + 2 g A + 3 k A^2, so the Morse index is 1 where that is
 * negative, else 0. Coefficients at (0, 0) (phi = e_a up to rotation):
 * g_aa = 2 g, g_ap = -1 - 2 kap g, g_aaa = 6 k (the slaved term cancels the
 * 12 q^2 cb of D^4l). */
#ifndef LL_TEST_SWITCH_TOY_H
#define LL_TEST_SWITCH_TOY_H

#include "toy.h"

typedef struct sw_par {
    double g, k, kap, cb, cc, q, e, s;
} sw_par;

#define SWP(t) ((const sw_par *)(t)->par)
#define SW_A(P, y, p) ((y)[0] - (P)->kap * (p))
#define SW_R(P, y, p, A) ((y)[1] - (P)->q * (A) * (A) - (P)->e * (p))

static inline double sw_loss(const toy *t, const double *y, double p)
{
    const sw_par *P = SWP(t);
    double A = SW_A(P, y, p), r = SW_R(P, y, p, A), u = y[2] - P->s * y[1];
    return -p * A * A / 2 + P->g * A * A * A / 3 + P->k * pow(A, 4) / 4 +
           P->cb * r * r / 2 + P->cc * u * u / 2;
}

static inline void sw_grad(const toy *t, const double *y, double p, double *G)
{
    const sw_par *P = SWP(t);
    double A = SW_A(P, y, p), r = SW_R(P, y, p, A), u = y[2] - P->s * y[1];
    G[0] = -p * A + P->g * A * A + P->k * A * A * A - 2 * P->q * A * P->cb * r;
    G[1] = P->cb * r - P->s * P->cc * u;
    G[2] = P->cc * u;
}

static inline double sw_laa(const sw_par *P, double A, double r, double p)
{
    return -p + 2 * P->g * A + 3 * P->k * A * A - 2 * P->q * P->cb * r +
           4 * P->q * P->q * A * A * P->cb;
}

static inline void sw_hess(const toy *t, const double *y, double p, double *H)
{
    const sw_par *P = SWP(t);
    double A = SW_A(P, y, p), r = SW_R(P, y, p, A);
    memset(H, 0, 9 * sizeof *H);
    H[0] = sw_laa(P, A, r, p);
    H[1] = H[3] = -2 * P->q * A * P->cb;
    H[4] = P->cb + P->s * P->s * P->cc;
    H[5] = H[7] = -P->s * P->cc;
    H[8] = P->cc;
}

static inline void sw_grad_p(const toy *t, const double *y, double p, double *G)
{
    const sw_par *P = SWP(t);
    double A = SW_A(P, y, p), r = SW_R(P, y, p, A);
    double laa = sw_laa(P, A, r, p), drdp = 2 * P->q * P->kap * A - P->e;
    /* l_aa A' + the partial in p at fixed A */
    G[0] = -P->kap * laa - A + 2 * P->q * A * P->cb * P->e;
    G[1] = P->cb * drdp;
    G[2] = 0.0;
}

static inline void sw_hess_p(const toy *t, const double *y, double p, double *H)
{
    const sw_par *P = SWP(t);
    double A = SW_A(P, y, p), drdp = 2 * P->q * P->kap * A - P->e;
    double laaa = 2 * P->g + 6 * P->k * A + 12 * P->q * P->q * P->cb * A;
    memset(H, 0, 9 * sizeof *H);
    /* d/dp of l_aa: -1, A' = -kap in the A-terms, and r' in -2 q cb r */
    H[0] = -1 - P->kap * (laaa - 4 * P->q * P->q * P->cb * A) -
           2 * P->q * P->cb * drdp;
    H[1] = H[3] = 2 * P->q * P->kap * P->cb;
}

static inline void sw_d3(const toy *t, const double *y, double p,
                         const double *a, const double *b, double *out)
{
    const sw_par *P = SWP(t);
    double A = SW_A(P, y, p);
    double laaa = 2 * P->g + 6 * P->k * A + 12 * P->q * P->q * P->cb * A;
    double laab = -2 * P->q * P->cb;
    out[0] = laaa * a[0] * b[0] + laab * (a[0] * b[1] + a[1] * b[0]);
    out[1] = laab * a[0] * b[0];
    out[2] = 0.0;
}

static inline double sw_d4(const toy *t, const double *y, double p,
                           const double *a)
{
    const sw_par *P = SWP(t);
    (void)y, (void)p;
    return (6 * P->k + 12 * P->q * P->q * P->cb) * pow(a[0], 4);
}

static inline void sw_toy_init(toy *t, const sw_par *P, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    t->n = 3;
    t->par = P;
    t->loss = sw_loss, t->grad = sw_grad, t->hess = sw_hess;
    t->grad_p = sw_grad_p, t->hess_p = sw_hess_p;
    t->d3 = sw_d3, t->d4 = sw_d4;
    toy_rotation(t, seed);
}

/* Default coupling: curved slaved coordinates (q, e, s nonzero). */
static inline sw_par sw_par_default(double g, double k, double kap)
{
    sw_par P = {g, k, kap, 2.0, 1.5, 0.7, 0.4, -0.6};
    return P;
}

#endif
