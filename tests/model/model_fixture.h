/* Small random problems for the model tests (header-only helpers). The data
 * struct is filled directly (not through the data module's readers). */
#ifndef LL_MODEL_FIXTURE_H
#define LL_MODEL_FIXTURE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "losslab/linalg.h"
#include "losslab/model.h"
#include "testutil.h"

/* N x d inputs uniform in [-1.5, 1.5), targets a smooth function + noise. */
static inline void fx_data(ll_data *D, size_t n, size_t d, uint64_t seed)
{
    uint64_t st = seed;
    D->n = n, D->d = d;
    D->X = malloc(n * d * sizeof *D->X);
    D->y = malloc(n * sizeof *D->y);
    assert_non_null(D->X);
    assert_non_null(D->y);
    ll_test_fill(&st, n * d, D->X, 1.5);
    for (size_t k = 0; k < n; k++) {
        double s = 0.0;
        for (size_t i = 0; i < d; i++)
            s += D->X[k + i * n] * (0.7 - 0.3 * (double)i);
        D->y[k] = s + 0.4 * tanh(1.5 * s) + 0.1 * ll_test_rand(&st);
    }
}

static inline void fx_data_free(ll_data *D)
{
    free(D->X), free(D->y);
    D->X = D->y = NULL;
}

static inline ll_model *fx_model(const ll_data *D, size_t m, const ll_act *a,
                                 double alpha, int train_v, int bias)
{
    ll_model_opts o = ll_model_opts_default();
    o.width = m, o.act = a, o.alpha = alpha, o.train_v = train_v;
    o.bias = bias;
    ll_model *M = NULL;
    ll_errbuf eb = {{0}};
    ll_status st = ll_model_create(&M, D, &o, &eb);
    if (st != LL_OK)
        fail_msg("create: %s", eb.msg);
    return M;
}

static inline double fx_maxabs(size_t n, const double *x)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++)
        s = fmax(s, fabs(x[k]));
    return s;
}

static inline double fx_maxdiff(size_t n, const double *x, const double *y)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++)
        s = fmax(s, fabs(x[k] - y[k]));
    return s;
}

/* Unit direction from a seed (deterministic). */
static inline void fx_unit_dir(size_t P, uint64_t seed, double *u)
{
    uint64_t st = seed;
    ll_test_fill(&st, P, u, 1.0);
    double nu = ll_nrm2(P, u);
    for (size_t k = 0; k < P; k++)
        u[k] /= nu;
}

static inline void fx_expect_close(const char *what, const char *label,
                                   double err, double tol)
{
    if (!(err <= tol))
        fail_msg("%s (%s): error %.3g > tolerance %.3g", what, label, err, tol);
}

/* The derivative-test matrix: N = 40 samples, d = 3, m = 4, every
 * activation x {default, train_v, bias, train_v + bias} x lambda in
 * {0, 0.37, 1}; theta entries O(0.6) (v shifted by 1 when trained). */
#define FX_CFG_NS 40
#define FX_CFG_DIM 3
#define FX_CFG_WIDTH 4
#define FX_CFG_PMAX (FX_CFG_WIDTH * FX_CFG_DIM + 2 * FX_CFG_WIDTH)

typedef void (*fx_check_fn)(const ll_model *M, const double *th, double lam,
                            const char *label);

static inline void fx_for_each_config(fx_check_fn fn, uint64_t data_seed,
                                      uint64_t theta_seed)
{
    static const double lams[] = {0.0, 0.37, 1.0};
    ll_data D;
    fx_data(&D, FX_CFG_NS, FX_CFG_DIM, data_seed);
    for (int ai = 0; ll_act_at(ai); ai++)
        for (int opt = 0; opt < 4; opt++) {
            int tv = opt & 1, bias = (opt >> 1) & 1;
            ll_model *M = fx_model(&D, FX_CFG_WIDTH, ll_act_at(ai), 0.05, tv,
                                   bias);
            size_t P = ll_model_nparams(M);
            double th[FX_CFG_PMAX];
            uint64_t st = theta_seed + (uint64_t)(ai * 4 + opt);
            ll_test_fill(&st, P, th, 0.6);
            for (size_t j = 0; tv && j < FX_CFG_WIDTH; j++)
                th[ll_model_idx_v(M, j)] += 1.0;
            for (int li = 0; li < 3; li++) {
                char label[128];
                snprintf(label, sizeof label, "%s train_v=%d bias=%d lambda=%g",
                         ll_act_at(ai)->name, tv, bias, lams[li]);
                fn(M, th, lams[li], label);
            }
            ll_model_destroy(M);
        }
    fx_data_free(&D);
}

#endif
