/* Test helper (header-only, static): a constructed objective l(y, p) written
 * in its own coordinates y with exact derivatives, presented to the library
 * in rotated coordinates x = R y (R a fixed orthogonal matrix, a product of
 * three Householder reflectors), so that no answer sits on a coordinate axis:
 *   L(x) = l(R^T x),  F = R grad l,  H = R (hess l) R^T,
 *   D^3L[a, b, .] = R D^3l[R^T a, R^T b, .],  D^4L[a^4] = D^4l[(R^T a)^4].
 * Also a central-difference check of every callback (the oracle's oracle). */
#ifndef LL_TEST_BIF_TOY_H
#define LL_TEST_BIF_TOY_H

#include <math.h>
#include <string.h>

#include "losslab/problem.h"
#include "testutil.h"

#define TOY_NMAX 8

typedef struct toy toy;
struct toy {
    size_t n;
    double R[TOY_NMAX * TOY_NMAX];
    const void *par; /* the objective's parameters, borrowed */
    double (*loss)(const toy *t, const double *y, double p);
    void (*grad)(const toy *t, const double *y, double p, double *g);
    void (*hess)(const toy *t, const double *y, double p, double *H);
    void (*grad_p)(const toy *t, const double *y, double p, double *g);
    void (*hess_p)(const toy *t, const double *y, double p, double *H);
    void (*d3)(const toy *t, const double *y, double p, const double *a,
               const double *b, double *out);
    double (*d4)(const toy *t, const double *y, double p, const double *a);
};

/* R = (I - 2 u u^T)(I - 2 v v^T)(I - 2 w w^T), unit u, v, w from a seed. */
static inline void toy_rotation(toy *t, uint64_t seed)
{
    size_t n = t->n;
    memset(t->R, 0, sizeof t->R);
    for (size_t i = 0; i < n; i++)
        t->R[i + i * n] = 1.0;
    for (int r = 0; r < 3; r++) {
        double u[TOY_NMAX], nu = 0.0, Ru[TOY_NMAX];
        ll_test_fill(&seed, n, u, 1.0);
        for (size_t i = 0; i < n; i++)
            nu += u[i] * u[i];
        for (size_t i = 0; i < n; i++)
            u[i] /= sqrt(nu);
        for (size_t i = 0; i < n; i++) { /* R <- R (I - 2 u u^T) */
            Ru[i] = 0.0;
            for (size_t k = 0; k < n; k++)
                Ru[i] += t->R[i + k * n] * u[k];
        }
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i < n; i++)
                t->R[i + j * n] -= 2.0 * Ru[i] * u[j];
    }
}

static inline void toy_to_y(const toy *t, const double *x, double *y)
{
    for (size_t i = 0; i < t->n; i++) {
        y[i] = 0.0;
        for (size_t k = 0; k < t->n; k++)
            y[i] += t->R[k + i * t->n] * x[k];
    }
}

static inline void toy_to_x(const toy *t, const double *y, double *x)
{
    for (size_t i = 0; i < t->n; i++) {
        x[i] = 0.0;
        for (size_t k = 0; k < t->n; k++)
            x[i] += t->R[i + k * t->n] * y[k];
    }
}

/* M <- R M R^T in place. */
static inline void toy_mat_to_x(const toy *t, double *M)
{
    size_t n = t->n;
    double T[TOY_NMAX * TOY_NMAX];
    for (size_t j = 0; j < n; j++) /* T = R M */
        for (size_t i = 0; i < n; i++) {
            T[i + j * n] = 0.0;
            for (size_t k = 0; k < n; k++)
                T[i + j * n] += t->R[i + k * n] * M[k + j * n];
        }
    for (size_t j = 0; j < n; j++) /* M = T R^T */
        for (size_t i = 0; i < n; i++) {
            M[i + j * n] = 0.0;
            for (size_t k = 0; k < n; k++)
                M[i + j * n] += T[i + k * n] * t->R[j + k * n];
        }
}

static inline ll_status toy_op_loss(void *c, const double *x, double p, double *L)
{
    const toy *t = c;
    double y[TOY_NMAX];
    toy_to_y(t, x, y);
    *L = t->loss(t, y, p);
    return LL_OK;
}

static inline ll_status toy_op_vec(const toy *t, const double *x, double p,
                            void (*f)(const toy *, const double *, double,
                                      double *),
                            double *out)
{
    double y[TOY_NMAX], gy[TOY_NMAX];
    toy_to_y(t, x, y);
    f(t, y, p, gy);
    toy_to_x(t, gy, out);
    return LL_OK;
}

static inline ll_status toy_op_grad(void *c, const double *x, double p, double *F)
{
    const toy *t = c;
    return toy_op_vec(t, x, p, t->grad, F);
}

static inline ll_status toy_op_grad_p(void *c, const double *x, double p, double *F)
{
    const toy *t = c;
    return toy_op_vec(t, x, p, t->grad_p, F);
}

static inline ll_status toy_op_hess(void *c, const double *x, double p, double *H)
{
    const toy *t = c;
    double y[TOY_NMAX];
    toy_to_y(t, x, y);
    t->hess(t, y, p, H);
    toy_mat_to_x(t, H);
    return LL_OK;
}

static inline ll_status toy_op_hess_p(void *c, const double *x, double p, double *H)
{
    const toy *t = c;
    double y[TOY_NMAX];
    toy_to_y(t, x, y);
    t->hess_p(t, y, p, H);
    toy_mat_to_x(t, H);
    return LL_OK;
}

static inline ll_status toy_op_d3(void *c, const double *x, double p, const double *a,
                           const double *b, double *out)
{
    const toy *t = c;
    double y[TOY_NMAX], ay[TOY_NMAX], by[TOY_NMAX], oy[TOY_NMAX];
    toy_to_y(t, x, y);
    toy_to_y(t, a, ay);
    toy_to_y(t, b, by);
    t->d3(t, y, p, ay, by, oy);
    toy_to_x(t, oy, out);
    return LL_OK;
}

static inline ll_status toy_op_d4(void *c, const double *x, double p, const double *a,
                           double *out)
{
    const toy *t = c;
    double y[TOY_NMAX], ay[TOY_NMAX];
    toy_to_y(t, x, y);
    toy_to_y(t, a, ay);
    *out = t->d4(t, y, p, ay);
    return LL_OK;
}

static inline ll_problem toy_problem(toy *t)
{
    ll_problem pb = {t->n,         t,           toy_op_loss,
                     toy_op_grad,  toy_op_hess, toy_op_grad_p,
                     toy_op_hess_p, toy_op_d3,  toy_op_d4,
                     NULL /* hess_dir: tests opt in */,
                     NULL, NULL, NULL, 0, 0, 0, NULL, NULL, NULL,
                     NULL /* dense only */};
    return pb;
}

/* Largest relative error of the callbacks against central differences at a
 * random (x, p), step h: every toy is a polynomial of degree <= 4 in x and
 * <= 1 in p, so the truncation error is h^2 |D^{k+3}L| / 6 <~ 1e-8 for
 * h = 1e-4 and the rounding error is eps |L| / h <~ 1e-11: tolerance 1e-6. */
static inline double toy_fd_error(const ll_problem *pb, uint64_t seed)
{
    size_t n = pb->n;
    double x[TOY_NMAX], a[TOY_NMAX], b[TOY_NMAX];
    double xp[TOY_NMAX] = {0}, xm[TOY_NMAX] = {0};
    double v[TOY_NMAX * TOY_NMAX], vp[TOY_NMAX * TOY_NMAX];
    double vm[TOY_NMAX * TOY_NMAX], Lp, Lm, d4, e = 0.0, h = 1e-4;
    double p = 0.3 * ll_test_rand(&seed);
    ll_test_fill(&seed, n, x, 0.5);
    ll_test_fill(&seed, n, a, 1.0);
    ll_test_fill(&seed, n, b, 1.0);
#define TOY_ERR(exact, fd) \
    e = fmax(e, fabs((exact) - (fd)) / fmax(1.0, fabs(exact)))
    pb->grad(pb->ctx, x, p, v);
    for (size_t i = 0; i < n; i++) { /* F vs L */
        memcpy(xp, x, n * sizeof *x), memcpy(xm, x, n * sizeof *x);
        xp[i] += h, xm[i] -= h;
        pb->loss(pb->ctx, xp, p, &Lp), pb->loss(pb->ctx, xm, p, &Lm);
        TOY_ERR(v[i], (Lp - Lm) / (2 * h));
    }
    pb->hess(pb->ctx, x, p, v);
    for (size_t j = 0; j < n; j++) { /* H vs F */
        memcpy(xp, x, n * sizeof *x), memcpy(xm, x, n * sizeof *x);
        xp[j] += h, xm[j] -= h;
        pb->grad(pb->ctx, xp, p, vp), pb->grad(pb->ctx, xm, p, vm);
        for (size_t i = 0; i < n; i++)
            TOY_ERR(v[i + j * n], (vp[i] - vm[i]) / (2 * h));
    }
    pb->grad_p(pb->ctx, x, p, v); /* F_p vs F */
    pb->grad(pb->ctx, x, p + h, vp), pb->grad(pb->ctx, x, p - h, vm);
    for (size_t i = 0; i < n; i++)
        TOY_ERR(v[i], (vp[i] - vm[i]) / (2 * h));
    pb->hess_p(pb->ctx, x, p, v); /* H_p vs H */
    pb->hess(pb->ctx, x, p + h, vp), pb->hess(pb->ctx, x, p - h, vm);
    for (size_t i = 0; i < n * n; i++)
        TOY_ERR(v[i], (vp[i] - vm[i]) / (2 * h));
    for (size_t i = 0; i < n; i++)
        xp[i] = x[i] + h * a[i], xm[i] = x[i] - h * a[i];
    pb->d3(pb->ctx, x, p, a, b, v); /* D^3L[a, b, .] vs (d/dt H(x + t a)) b */
    pb->hess(pb->ctx, xp, p, vp), pb->hess(pb->ctx, xm, p, vm);
    for (size_t i = 0; i < n; i++) {
        double fd = 0.0;
        for (size_t k = 0; k < n; k++)
            fd += (vp[i + k * n] - vm[i + k * n]) * b[k] / (2 * h);
        TOY_ERR(v[i], fd);
    }
    pb->d4(pb->ctx, x, p, a, &d4); /* D^4L[a^4] vs d/dt D^3L[a, a, a] */
    pb->d3(pb->ctx, xp, p, a, a, vp), pb->d3(pb->ctx, xm, p, a, a, vm);
    double fd4 = 0.0;
    for (size_t i = 0; i < n; i++)
        fd4 += (vp[i] - vm[i]) * a[i] / (2 * h);
    TOY_ERR(d4, fd4);
#undef TOY_ERR
    return e;
}

#endif
