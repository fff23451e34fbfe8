/* The Gaussian activations: erf, erf(sqrt(pi)/2 z), GELU = z Phi(z).
 *
 * Hermite forms (exact):
 *   erf^(k)(z) = 2/sqrt(pi) (-1)^(k-1) H_{k-1}(z) exp(-z^2),   k >= 1,
 *     physicists' H_0 = 1, H_1 = 2z, H_{k+1} = 2z H_k - 2k H_{k-1};
 *   phi^(k)(z) = (-1)^k He_k(z) phi(z), phi = exp(-z^2/2)/sqrt(2 pi),
 *     probabilists' He_0 = 1, He_1 = z, He_{k+1} = z He_k - k He_{k-1};
 *   GELU^(k) = z Phi^(k) + k Phi^(k-1) (Leibniz), Phi^(k) = phi^(k-1).
 * For large |z| the Gaussian factor underflows to 0 while the polynomial
 * stays finite (|z| ~ 1e3 gives H_5 ~ 1e16), so the products are 0, not NaN.
 * Phi(z) = erfc(-z/sqrt 2)/2 keeps relative accuracy in the left tail.
 */
#include <math.h>

#include "act_impl.h"

#define SQRT_PI 1.77245385090551602729
#define SQRT_2PI 2.50662827463100050242

static void erf_eval(double z, int kmax, double *d)
{
    double g = 2.0 / SQRT_PI * exp(-z * z);
    double hm = 0.0, h = 1.0; /* H_{k-2}, H_{k-1} */
    d[0] = erf(z);
    for (int k = 1; k <= kmax; k++) {
        d[k] = ((k - 1) % 2 ? -1.0 : 1.0) * h * g;
        double hn = 2.0 * z * h - 2.0 * (k - 1) * hm;
        hm = h, h = hn;
    }
}

/* sigma(z) = erf(c z), c = sqrt(pi)/2 so sigma'(0) = 1:
 * sigma^(k)(z) = c^k erf^(k)(c z). */
static void erf_scaled_eval(double z, int kmax, double *d)
{
    const double c = SQRT_PI / 2.0;
    erf_eval(c * z, kmax, d);
    double ck = 1.0;
    for (int k = 1; k <= kmax; k++) {
        ck *= c;
        d[k] *= ck;
    }
}

static void gelu_eval(double z, int kmax, double *d)
{
    /* P[k] = Phi^(k)(z), k = 0..kmax */
    double P[LL_ACT_KMAX + 1];
    double phi = exp(-0.5 * z * z) / SQRT_2PI;
    double hm = 0.0, h = 1.0; /* He_{k-1}, He_k */
    P[0] = 0.5 * erfc(-z / sqrt(2.0));
    for (int k = 0; k + 1 <= kmax; k++) {
        P[k + 1] = (k % 2 ? -1.0 : 1.0) * h * phi;
        double hn = z * h - k * hm;
        hm = h, h = hn;
    }
    d[0] = z * P[0];
    for (int k = 1; k <= kmax; k++)
        d[k] = z * P[k] + k * P[k - 1];
}

const ll_act ll_act_erf = {"erf", "error function erf(z)", erf_eval};
const ll_act ll_act_erf_scaled = {
    "erf_scaled", "erf(sqrt(pi)/2 z), slope 1 at 0", erf_scaled_eval};
const ll_act ll_act_gelu = {"gelu", "GELU z*Phi(z), Phi the normal cdf",
                            gelu_eval};
