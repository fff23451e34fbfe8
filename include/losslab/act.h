/* losslab: activation functions and the activation homotopy.
 *
 *     h(z, lambda) = (1 - lambda) z + lambda sigma(z)
 *
 * Each activation is an ops table (ll_act) that evaluates sigma and its
 * derivatives sigma^(k)(z), k = 0..LL_ACT_KMAX, exactly (closed forms, no
 * finite differences). The homotopy's derivatives follow (MATH.md section 1):
 *     h'      = 1 - lambda + lambda sigma'(z)
 *     h^(k)   = lambda sigma^(k)(z)               k >= 2
 *     dh/dlambda      = sigma(z) - z
 *     dh'/dlambda     = sigma'(z) - 1
 *     dh^(k)/dlambda  = sigma^(k)(z)               k >= 2
 */
#ifndef LOSSLAB_ACT_H
#define LOSSLAB_ACT_H

#ifdef __cplusplus
extern "C" {
#endif

/* Highest derivative order every activation provides. */
#define LL_ACT_KMAX 6

typedef struct ll_act {
    const char *name;        /* "tanh", "erf", ... as accepted by ll_act_find */
    const char *description; /* one line for --help */
    /* d[k] = sigma^(k)(z) for k = 0..kmax (kmax <= LL_ACT_KMAX). */
    void (*eval)(double z, int kmax, double *d);
} ll_act;

/* The activation called `name` ("tanh", "erf", "erf_scaled", "sigmoid",
 * "softplus", "gelu", "silu", "sin", "identity"), or NULL if unknown.
 * The returned table is static; never free it. */
const ll_act *ll_act_find(const char *name);

/* The i-th built-in activation (i = 0, 1, ...), NULL past the end: for
 * listing them in --help and for tests that loop over all of them. */
const ll_act *ll_act_at(int i);

/* h^(k)(z, lambda) for k = 0..kmax into h[], and, if h_lambda is not NULL,
 * d/dlambda h^(k)(z, lambda) into h_lambda[]. kmax <= LL_ACT_KMAX. */
void ll_homotopy_eval(const ll_act *a, double z, double lambda, int kmax,
                      double *h, double *h_lambda);

#ifdef __cplusplus
}
#endif
#endif
