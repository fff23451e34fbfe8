/* Small random problems for the model tests (header-only helpers). The data
 * struct is filled directly (not through the data module's readers). */
#ifndef LL_MODEL_FIXTURE_H
#define LL_MODEL_FIXTURE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

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

#endif
