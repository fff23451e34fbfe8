/* The built-in data generator of MATH.md section 4, Exp. 2-3 (the paper's
 * appendix B, symmetry-broken setup):
 *     x_n ~ N(0, I_d),  y_n = x_n . wl + 0.4 tanh(1.5 x_n . wnl) + noise eps_n,
 *     eps_n ~ N(0, 1),
 * with wl = (1, .5, -.3, .2, -.1), wnl = (.3, -.7, .5, -.2, .4) for d = 5.
 *
 * Random stream (the exact draw order, so that results are reproducible):
 * GSL's mt19937 seeded once with `seed` (gsl_rng_set; note that GSL's
 * mt19937 keeps only the low 32 bits of the seed and maps seed 0 to its
 * default 4357, so seeds 0 and 4357 give the same stream), all draws by
 * gsl_ran_gaussian:
 *   1. only if d > 5: wl[5..d-1], then wnl[5..d-1], each N(0, 0.25)
 *      (standard deviation 0.5);
 *   2. for each sample n = 0..N-1: x_n[0..d-1] (standard normal), then the
 *      noise draw eps_n (standard normal, scaled by `noise`).
 * For d < 5 the first d entries of wl and wnl are used and nothing extra is
 * drawn, so the d = 5 stream is exactly "d inputs, one noise" per sample.
 */
#include "data/data_internal.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double LL_GEN_WL[5] = {1.0, 0.5, -0.3, 0.2, -0.1};
static const double LL_GEN_WNL[5] = {0.3, -0.7, 0.5, -0.2, 0.4};

ll_gen_opts ll_gen_opts_default(void)
{
    ll_gen_opts o = {500, 5, 0, 0.05};
    return o;
}

static ll_status gen_check(const ll_gen_opts *o, ll_errbuf *eb)
{
    if (o->n == 0)
        return ll_err(eb, LL_ERR_ARG, "data: generator: samples n must be >= 1");
    if (o->d == 0)
        return ll_err(eb, LL_ERR_ARG, "data: generator: dimension d must be "
                      ">= 1");
    if (!isfinite(o->noise) || o->noise < 0)
        return ll_err(eb, LL_ERR_ARG, "data: generator: noise must be finite "
                      "and >= 0 (got %g)", o->noise);
    return LL_OK;
}

/* Teacher weights: the MATH.md entries, then N(0, 0.25) draws (step 1). */
static void gen_teacher(gsl_rng *r, size_t d, double *wl, double *wnl)
{
    for (size_t i = 0; i < d && i < 5; i++)
        wl[i] = LL_GEN_WL[i], wnl[i] = LL_GEN_WNL[i];
    for (size_t i = 5; i < d; i++)
        wl[i] = gsl_ran_gaussian(r, 0.5);
    for (size_t i = 5; i < d; i++)
        wnl[i] = gsl_ran_gaussian(r, 0.5);
}

/* Samples in row order (step 2); X is column-major N x d. */
static void gen_samples(gsl_rng *r, const ll_gen_opts *o, const double *wl,
                        const double *wnl, ll_data *D)
{
    size_t N = o->n, d = o->d;
    for (size_t n = 0; n < N; n++) {
        double zl = 0, znl = 0;
        for (size_t i = 0; i < d; i++) {
            double x = gsl_ran_gaussian(r, 1.0);
            D->X[i * N + n] = x;
            zl += x * wl[i], znl += x * wnl[i];
        }
        D->y[n] = zl + 0.4 * tanh(1.5 * znl) + o->noise * gsl_ran_gaussian(r, 1.0);
    }
}

ll_status ll_data_generate(ll_data *D, const ll_gen_opts *o, ll_errbuf *eb)
{
    if (!D || !o)
        return ll_err(eb, LL_ERR_ARG, "data: generator: NULL argument");
    memset(D, 0, sizeof *D);
    ll_status s = gen_check(o, eb);
    if (s != LL_OK)
        return s;
    s = ll_data_alloc(D, o->n, o->d, eb);
    if (s != LL_OK)
        return s;
    /* The generator state is allocated here rather than by gsl_rng_alloc,
     * whose failure path calls GSL's error handler (abort by default): the
     * library must never abort. gsl_rng is a public {type, state} pair. */
    double *w = malloc(2 * o->d * sizeof *w);
    void *state = malloc(gsl_rng_mt19937->size);
    if (!w || !state) {
        free(w), free(state), ll_data_free(D);
        return ll_err(eb, LL_ERR_NOMEM, "data: generator: out of memory");
    }
    gsl_rng r = {gsl_rng_mt19937, state};
    gsl_rng_set(&r, (unsigned long)o->seed);
    gen_teacher(&r, o->d, w, w + o->d);
    gen_samples(&r, o, w, w + o->d, D);
    free(w), free(state);
    return LL_OK;
}
