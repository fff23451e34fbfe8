/* tanh and the logistic sigmoid: exact derivatives as polynomials in the
 * function value.
 *
 * Both satisfy an autonomous ODE t' = g(t) with g quadratic, so every
 * derivative is a polynomial in t. To keep full *relative* accuracy in the
 * tails (where 1 - t^2 would cancel), we factor out the first derivative
 * b = t' (computed directly from exp(-|z|)), which satisfies b' = b p(t):
 *     t^(k) = b Q_k(t),   Q_1 = 1,   Q_{k+1} = p Q_k + g Q_k'.
 * tanh:    t' = 1 - t^2,  b = sech^2 z = 4e/(1+e)^2, e = exp(-2|z|), p = -2t.
 * sigmoid: s' = s(1 - s), b = s c with c = 1 - s = sigmoid(-z), p = 1 - 2s.
 * Q_k(+-1) never vanishes for tanh (Q_{k+1}(1) = -2 Q_k(1)), so the tails
 * are accurate; no exp overflows since only exp(-|z|) is formed.
 */
#include <math.h>
#include <string.h>

#include "act_impl.h"

#define NC (LL_ACT_KMAX + 2) /* polynomial coefficient slots */

static double poly_at(const double *q, int deg, double t)
{
    double s = 0.0;
    for (int i = deg; i >= 0; i--)
        s = s * t + q[i];
    return s;
}

/* d[k] = b Q_k(t) for k = 1..kmax, with p(t) = p0 + p1 t and
 * g(t) = g0 + g1 t + g2 t^2. */
static void factored_derivs(double t, double b, const double p[2],
                            const double g[3], int kmax, double *d)
{
    double q[NC] = {1.0}, nq[NC];
    int deg = 0;
    for (int k = 1; k <= kmax; k++) {
        d[k] = b * poly_at(q, deg, t);
        if (k == kmax)
            break;
        memset(nq, 0, sizeof nq);
        for (int i = 0; i <= deg; i++) { /* p Q */
            nq[i] += p[0] * q[i];
            nq[i + 1] += p[1] * q[i];
        }
        for (int i = 1; i <= deg; i++) { /* g Q', Q' = sum i q_i t^(i-1) */
            double c = i * q[i];
            nq[i - 1] += g[0] * c;
            nq[i] += g[1] * c;
            nq[i + 1] += g[2] * c;
        }
        deg++;
        memcpy(q, nq, sizeof q);
    }
}

static void tanh_eval(double z, int kmax, double *d)
{
    static const double p[2] = {0.0, -2.0}, g[3] = {1.0, 0.0, -1.0};
    double t = tanh(z), e = exp(-2.0 * fabs(z));
    d[0] = t;
    factored_derivs(t, 4.0 * e / ((1.0 + e) * (1.0 + e)), p, g, kmax, d);
}

void ll_act_sigmoid_derivs(double z, int kmax, double *d)
{
    static const double p[2] = {1.0, -2.0}, g[3] = {0.0, 1.0, -1.0};
    double e = exp(-fabs(z));
    double s = z >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    double c = z >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
    d[0] = s;
    factored_derivs(s, s * c, p, g, kmax, d);
}

/* softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^-|z|); its derivatives
 * are the sigmoid's: softplus^(k) = s^(k-1). */
static void softplus_eval(double z, int kmax, double *d)
{
    d[0] = fmax(z, 0.0) + log1p(exp(-fabs(z)));
    if (kmax >= 1)
        ll_act_sigmoid_derivs(z, kmax - 1, d + 1);
}

/* silu(z) = z s(z): by Leibniz, silu^(k) = z s^(k) + k s^(k-1). */
static void silu_eval(double z, int kmax, double *d)
{
    double s[LL_ACT_KMAX + 1];
    ll_act_sigmoid_derivs(z, kmax, s);
    d[0] = z * s[0];
    for (int k = 1; k <= kmax; k++)
        d[k] = z * s[k] + k * s[k - 1];
}

const ll_act ll_act_tanh = {"tanh", "hyperbolic tangent", tanh_eval};
const ll_act ll_act_sigmoid = {"sigmoid", "logistic 1/(1+exp(-z))",
                               ll_act_sigmoid_derivs};
const ll_act ll_act_softplus = {"softplus", "log(1+exp(z)), computed stably",
                                softplus_eval};
const ll_act ll_act_silu = {"silu", "swish/SiLU z*sigmoid(z)", silu_eval};
