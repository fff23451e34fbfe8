/* Internal to src/act: the activation tables and shared derivative kernels. */
#ifndef LL_ACT_IMPL_H
#define LL_ACT_IMPL_H

#include "losslab/act.h"

extern const ll_act ll_act_tanh, ll_act_erf, ll_act_erf_scaled,
    ll_act_sigmoid, ll_act_softplus, ll_act_gelu, ll_act_silu, ll_act_sin,
    ll_act_identity;

/* d[k] = s^(k)(z), k = 0..kmax, s the logistic sigmoid (act_poly.c). */
void ll_act_sigmoid_derivs(double z, int kmax, double *d);

#endif
