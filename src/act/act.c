/* Activation registry, sin and identity, and the homotopy
 *     h(z, lambda) = (1 - lambda) z + lambda sigma(z)
 * with its z- and lambda-derivatives (MATH.md section 1):
 *     h' = 1 - lambda + lambda sigma',  h^(k) = lambda sigma^(k) (k >= 2),
 *     d_lambda h = sigma - z,  d_lambda h' = sigma' - 1,
 *     d_lambda h^(k) = sigma^(k) (k >= 2).
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "act_impl.h"

/* sin^(k)(z) = sin(z + k pi/2): the cycle sin, cos, -sin, -cos. */
static void sin_eval(double z, int kmax, double *d)
{
    double s = sin(z), c = cos(z);
    const double cyc[4] = {s, c, -s, -c};
    for (int k = 0; k <= kmax; k++)
        d[k] = cyc[k % 4];
}

static void identity_eval(double z, int kmax, double *d)
{
    d[0] = z;
    for (int k = 1; k <= kmax; k++)
        d[k] = k == 1 ? 1.0 : 0.0;
}

const ll_act ll_act_sin = {"sin", "sine", sin_eval};
const ll_act ll_act_identity = {"identity", "sigma(z) = z (h is linear)",
                                identity_eval};

static const ll_act *const table[] = {
    &ll_act_tanh,  &ll_act_erf,  &ll_act_erf_scaled, &ll_act_sigmoid,
    &ll_act_softplus, &ll_act_gelu, &ll_act_silu, &ll_act_sin,
    &ll_act_identity,
};
#define NACT ((int)(sizeof table / sizeof table[0]))

const ll_act *ll_act_at(int i)
{
    return i >= 0 && i < NACT ? table[i] : NULL;
}

const ll_act *ll_act_find(const char *name)
{
    if (!name)
        return NULL;
    for (int i = 0; i < NACT; i++)
        if (strcmp(table[i]->name, name) == 0)
            return table[i];
    return NULL;
}

void ll_homotopy_eval(const ll_act *a, double z, double lambda, int kmax,
                      double *h, double *h_lambda)
{
    double s[LL_ACT_KMAX + 1];
    if (kmax > LL_ACT_KMAX)
        kmax = LL_ACT_KMAX; /* documented bound; never write past s[] */
    if (kmax < 0)
        return;
    a->eval(z, kmax, s);
    h[0] = (1.0 - lambda) * z + lambda * s[0];
    if (h_lambda)
        h_lambda[0] = s[0] - z;
    for (int k = 1; k <= kmax; k++) {
        h[k] = lambda * s[k] + (k == 1 ? 1.0 - lambda : 0.0);
        if (h_lambda)
            h_lambda[k] = s[k] - (k == 1 ? 1.0 : 0.0);
    }
}
