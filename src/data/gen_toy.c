/* The toy data set of MATH.md section 4, Exp. 1 (symmetric toy) and Exp. 4
 * (phase diagram v = (1, a)); the seed paper's appendix B:
 *     x_n ~ N(0, 1),  y_n = tanh(1.5 x_n) + noise eps_n,  eps_n ~ N(0, 1),
 * N = 2000 and noise = 0.02 by default.
 *
 * Random stream (documented in data.h so that results are reproducible):
 * GSL's mt19937 seeded once with `seed` (gsl_rng_set, as in gen.c: only the
 * low 32 bits count and seed 0 means GSL's default 4357), then for each
 * sample n = 0..N-1 the input x_n, then the noise draw eps_n, each by
 * gsl_ran_gaussian(r, 1.0).
 */
#include "data/data_internal.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

ll_gen_opts ll_gen_toy_opts_default(void)
{
    ll_gen_opts o = {2000, 1, 0, 0.02};
    return o;
}

static ll_status toy_check(const ll_gen_opts *o, ll_errbuf *eb)
{
    if (o->n == 0)
        return ll_err(eb, LL_ERR_ARG, "data: toy generator: samples n must "
                      "be >= 1");
    if (o->d != 1)
        return ll_err(eb, LL_ERR_ARG, "data: toy generator: dimension must "
                      "be 1 (got %zu)", o->d);
    if (!isfinite(o->noise) || o->noise < 0)
        return ll_err(eb, LL_ERR_ARG, "data: toy generator: noise must be "
                      "finite and >= 0 (got %g)", o->noise);
    return LL_OK;
}

ll_status ll_data_generate_toy(ll_data *D, const ll_gen_opts *o, ll_errbuf *eb)
{
    if (!D || !o)
        return ll_err(eb, LL_ERR_ARG, "data: toy generator: NULL argument");
    memset(D, 0, sizeof *D);
    ll_status s = toy_check(o, eb);
    if (s != LL_OK)
        return s;
    s = ll_data_alloc(D, o->n, 1, eb);
    if (s != LL_OK)
        return s;
    /* State allocated by hand, not gsl_rng_alloc (whose failure path calls
     * GSL's aborting error handler): see gen.c. */
    void *state = malloc(gsl_rng_mt19937->size);
    if (!state) {
        ll_data_free(D);
        return ll_err(eb, LL_ERR_NOMEM, "data: toy generator: out of memory");
    }
    gsl_rng r = {gsl_rng_mt19937, state};
    gsl_rng_set(&r, (unsigned long)o->seed);
    for (size_t n = 0; n < o->n; n++) {
        double x = gsl_ran_gaussian(&r, 1.0);
        D->X[n] = x;
        D->y[n] = tanh(1.5 * x) + o->noise * gsl_ran_gaussian(&r, 1.0);
    }
    free(state);
    return LL_OK;
}
