/* Constructed one-parameter objectives with closed-form critical branches,
 * for the continuation tests. Exact derivatives, written out by hand.
 *
 * In coordinates z (x = Q z, Q a fixed Householder reflection, so the kernel
 * at an event is not a coordinate axis):
 *   L(z, p) = sum_{j < m} f(z_j, p) + sum_{i >= m} c_i r_i^2 / 2,
 *   f(u, p) = k4 u^4/4 + k3 u^3/3 + (k20 + k2p p) u^2/2 + (k10 + k1p p) u,
 *   r_i     = z_i - a_i z_0 - q_i z_0^2 - b_i p - e_i p^2  (couples to z_0;
 *             e_i curves the branches, so Newton has work to do).
 * F = 0 iff r_i = 0 and f'(z_j) = 0, so the branches are those of f with
 * z_i = a_i z_0 + q_i z_0^2 + b_i p + e_i p^2. Along them the Schur complement of the
 * passive block in H is diag(f''), so the Morse index is the number of
 * f''(z_j) < 0, and at f''(z_0) = 0 the kernel is (1, g_i) with
 * g_i = a_i + 2 q_i z_0 (0 in the other active coordinate). */
#ifndef LL_TEST_TOY_H
#define LL_TEST_TOY_H

#include <math.h>
#include <string.h>

#include "losslab/problem.h"

#define TOY_NMAX 8

typedef struct toy {
    size_t n;
    int m; /* active coordinates (1 or 2), the same f but for k20 */
    double k4, k3, k20, k2p, k10, k1p;
    double dk20; /* added to k20 in active coordinate 1 */
    double c[TOY_NMAX], a[TOY_NMAX], q[TOY_NMAX], b[TOY_NMAX], e[TOY_NMAX];
    double v[TOY_NMAX]; /* Householder vector, unit */
    double z[TOY_NMAX], za[TOY_NMAX], zb[TOY_NMAX], o[TOY_NMAX];
    double Hz[TOY_NMAX * TOY_NMAX];
} toy;

/* y = Q x with Q = I - 2 v v^T (symmetric, orthogonal: Q^{-1} = Q). */
static inline void toy_rot(const toy *t, const double *x, double *y)
{
    double d = 0.0;
    for (size_t i = 0; i < t->n; i++)
        d += t->v[i] * x[i];
    for (size_t i = 0; i < t->n; i++)
        y[i] = x[i] - 2.0 * d * t->v[i];
}

/* M = Q M Q in place (n x n). */
static inline void toy_rot_mat(const toy *t, double *M)
{
    size_t n = t->n;
    double col[TOY_NMAX];
    for (size_t j = 0; j < n; j++) {
        toy_rot(t, M + j * n, col);
        memcpy(M + j * n, col, n * sizeof *col);
    }
    for (size_t i = 0; i < n; i++) { /* rows: M^T is symmetric-rotated */
        double row[TOY_NMAX], out[TOY_NMAX];
        for (size_t j = 0; j < n; j++)
            row[j] = M[i + j * n];
        toy_rot(t, row, out);
        for (size_t j = 0; j < n; j++)
            M[i + j * n] = out[j];
    }
}

static inline double toy_k2(const toy *t, int j, double p)
{
    return t->k20 + (j == 1 ? t->dk20 : 0.0) + t->k2p * p;
}
static inline double toy_f1(const toy *t, int j, double u, double p)
{
    return t->k4 * u * u * u + t->k3 * u * u + toy_k2(t, j, p) * u +
           t->k10 + t->k1p * p;
}
static inline double toy_f2(const toy *t, int j, double u, double p)
{
    return 3 * t->k4 * u * u + 2 * t->k3 * u + toy_k2(t, j, p);
}
static inline double toy_f3(const toy *t, double u) { return 6 * t->k4 * u + 2 * t->k3; }
static inline double toy_r(const toy *t, const double *z, double p, size_t i)
{
    return z[i] - t->a[i] * z[0] - t->q[i] * z[0] * z[0] - t->b[i] * p -
           t->e[i] * p * p;
}
/* -dr_i/dp */
static inline double toy_rp(const toy *t, double p, size_t i)
{
    return t->b[i] + 2 * t->e[i] * p;
}
static inline double toy_g(const toy *t, const double *z, size_t i)
{
    return t->a[i] + 2 * t->q[i] * z[0];
}

static inline ll_status toy_loss(void *ctx, const double *x, double p, double *L)
{
    toy *t = ctx;
    toy_rot(t, x, t->z);
    double s = 0.0, *z = t->z;
    for (int j = 0; j < t->m; j++) {
        double u = z[j];
        s += t->k4 * pow(u, 4) / 4 + t->k3 * pow(u, 3) / 3 +
             toy_k2(t, j, p) * u * u / 2 + (t->k10 + t->k1p * p) * u;
    }
    for (size_t i = (size_t)t->m; i < t->n; i++) {
        double r = toy_r(t, z, p, i);
        s += t->c[i] * r * r / 2;
    }
    *L = s;
    return LL_OK;
}

static inline ll_status toy_grad(void *ctx, const double *x, double p, double *F)
{
    toy *t = ctx;
    toy_rot(t, x, t->z);
    double *z = t->z, *G = t->o;
    for (size_t i = 0; i < t->n; i++)
        G[i] = i < (size_t)t->m ? toy_f1(t, (int)i, z[i], p) : 0.0;
    for (size_t i = (size_t)t->m; i < t->n; i++) {
        double cr = t->c[i] * toy_r(t, z, p, i);
        G[i] += cr;
        G[0] -= cr * toy_g(t, z, i);
    }
    toy_rot(t, G, F);
    return LL_OK;
}

static inline ll_status toy_hess(void *ctx, const double *x, double p, double *H)
{
    toy *t = ctx;
    size_t n = t->n;
    toy_rot(t, x, t->z);
    double *z = t->z;
    memset(H, 0, n * n * sizeof *H);
    for (int j = 0; j < t->m; j++)
        H[j + j * n] = toy_f2(t, j, z[j], p);
    for (size_t i = (size_t)t->m; i < n; i++) {
        double c = t->c[i], g = toy_g(t, z, i), r = toy_r(t, z, p, i);
        H[i + i * n] += c;
        H[i] -= c * g, H[i * n] -= c * g;
        H[0] += c * g * g - 2 * c * t->q[i] * r;
    }
    toy_rot_mat(t, H);
    return LL_OK;
}

static inline ll_status toy_grad_p(void *ctx, const double *x, double p, double *Fp)
{
    toy *t = ctx;
    toy_rot(t, x, t->z);
    double *z = t->z, *G = t->o;
    for (size_t i = 0; i < t->n; i++)
        G[i] = i < (size_t)t->m ? t->k2p * z[i] + t->k1p : 0.0;
    for (size_t i = (size_t)t->m; i < t->n; i++) {
        G[i] -= t->c[i] * toy_rp(t, p, i);
        G[0] += t->c[i] * toy_rp(t, p, i) * toy_g(t, z, i);
    }
    toy_rot(t, G, Fp);
    return LL_OK;
}

static inline ll_status toy_hess_p(void *ctx, const double *x, double p, double *Hp)
{
    toy *t = ctx;
    size_t n = t->n;
    memset(Hp, 0, n * n * sizeof *Hp);
    for (int j = 0; j < t->m; j++)
        Hp[j + j * n] = t->k2p;
    for (size_t i = (size_t)t->m; i < n; i++)
        Hp[0] += 2 * t->c[i] * t->q[i] * toy_rp(t, p, i);
    toy_rot_mat(t, Hp);
    return LL_OK;
}

/* D^3 of c r^2/2 with r quadratic: c [D2r(a,b) Dr(.) + D2r(a,.) Dr(b) +
 * D2r(b,.) Dr(a)], D2r(u,w) = -2 q u_0 w_0, Dr(w) = w_i - g w_0. */
static inline ll_status toy_d3(void *ctx, const double *x, double p, const double *a,
                        const double *b, double *out)
{
    toy *t = ctx;
    toy_rot(t, x, t->z);
    toy_rot(t, a, t->za);
    toy_rot(t, b, t->zb);
    double *z = t->z, *A = t->za, *B = t->zb, *O = t->o;
    for (size_t i = 0; i < t->n; i++)
        O[i] = i < (size_t)t->m ? toy_f3(t, z[i]) * A[i] * B[i] : 0.0;
    for (size_t i = (size_t)t->m; i < t->n; i++) {
        double c = t->c[i], q = t->q[i], g = toy_g(t, z, i);
        double dra = A[i] - g * A[0], drb = B[i] - g * B[0];
        double d2ab = -2 * q * A[0] * B[0];
        O[i] += c * d2ab;
        O[0] += c * (-g * d2ab - 2 * q * A[0] * drb - 2 * q * B[0] * dra);
    }
    toy_rot(t, O, out);
    return LL_OK;
}

static inline ll_status toy_d4(void *ctx, const double *x, double p, const double *a,
                        double *out)
{
    toy *t = ctx;
    toy_rot(t, a, t->za);
    double s = 0.0, *A = t->za;
    for (int j = 0; j < t->m; j++)
        s += 6 * t->k4 * pow(A[j], 4);
    for (size_t i = (size_t)t->m; i < t->n; i++)
        s += 12 * t->c[i] * t->q[i] * t->q[i] * pow(A[0], 4);
    *out = s;
    return LL_OK;
}

/* A problem of size n with m active coordinates; passive coefficients fixed
 * and O(1), all c_i > 0. f's coefficients are set by the caller. */
static inline void toy_init(toy *t, size_t n, int m)
{
    memset(t, 0, sizeof *t);
    t->n = n, t->m = m;
    double vn = 0.0;
    for (size_t i = 0; i < n; i++) {
        t->v[i] = 1.0 + 0.37 * (double)i - 0.05 * (double)(i * i);
        vn += t->v[i] * t->v[i];
        t->c[i] = 1.0 + 0.5 * (double)i;
        t->a[i] = 0.3 - 0.1 * (double)i;
        t->q[i] = 0.2 + 0.05 * (double)i;
        t->b[i] = 0.5 - 0.2 * (double)i;
        t->e[i] = 0.3 + 0.1 * (double)i;
    }
    for (size_t i = 0; i < n; i++)
        t->v[i] /= sqrt(vn);
}

static inline ll_problem toy_problem(toy *t)
{
    ll_problem pb = {t->n,       t,          toy_loss, toy_grad, toy_hess,
                     toy_grad_p, toy_hess_p, toy_d3,   toy_d4,
                     NULL /* hess_dir */,
                     NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL,
                     NULL /* dense only */};
    return pb;
}

/* x on the branch with active coordinates zact (z_j, j < m) at p. */
static inline void toy_point(toy *t, const double *zact, double p, double *x)
{
    double z[TOY_NMAX] = {0};
    for (int j = 0; j < t->m; j++)
        z[j] = zact[j];
    for (size_t i = (size_t)t->m; i < t->n; i++)
        z[i] = t->a[i] * z[0] + t->q[i] * z[0] * z[0] + t->b[i] * p +
               t->e[i] * p * p;
    toy_rot(t, z, x);
}

/* The unit kernel direction at z_0 (other active coordinates 0), in x. */
static inline void toy_kernel(toy *t, double z0, double *phi)
{
    double z[TOY_NMAX] = {0}, nz = 1.0;
    z[0] = 1.0;
    for (size_t i = (size_t)t->m; i < t->n; i++) {
        z[i] = t->a[i] + 2 * t->q[i] * z0;
        nz += z[i] * z[i];
    }
    for (size_t i = 0; i < t->n; i++)
        z[i] /= sqrt(nz);
    toy_rot(t, z, phi);
}

#endif
