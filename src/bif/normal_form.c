/* Normal-form verdict and branch predictions from the Lyapunov-Schmidt
 * coefficients (MATH.md section 3). The reduced equation near (x*, p*) is
 *     g(a, mu) = g_p mu + g_aa a^2/2 + g_ap a mu + g_aaa a^3/6 + ...,
 * a = phi^T (x - x*), mu = p - p*. Verdict, in this order:
 *   fold            |g_p| > gp_zero_rel * |F_p|: a = +-sqrt(-2 g_p mu / g_aa);
 *   degenerate      g_aa and g_aaa both zero to rounding (LL_BIF_ROUND_REL;
 *                   with a declared Z2, g_aaa alone);
 *   pitchfork       declared Z2 symmetry (g_aa = 0 exactly);
 *   near-pitchfork  |g_aa / g_aaa| < near_pitchfork_ratio;
 *   transcritical   otherwise.
 * Degenerate is tested before the ratio because 0/0 from rounding says
 * nothing. With g_p = 0 and a trivial branch a = 0 (see the caveat below):
 *   transcritical   a = -2 g_ap mu / g_aa (the second root of g/a = 0);
 *   pitchfork       a^2 = -6 g_ap mu / g_aaa, real for
 *                   sign(mu) = -sign(g_ap g_aaa): criticality +1 when that
 *                   side is mu > 0 (g_ap g_aaa < 0), -1 when it is mu < 0.
 * Caveat: g also has a g_pp mu^2/2 term; the predictions hold when the
 * continued branch has a = o(mu) in these coordinates (g(0, mu) = 0, as on a
 * symmetry-preserved branch). If the continued branch has slope s1, the other
 * one has slope -2 g_ap / g_aa - 2 s1 relative to it. F_pp is not in the ops
 * table, so g_pp is not computed.
 */
#include <math.h>

#include "bif_internal.h"

ll_bif_opts ll_bif_opts_default(void)
{
    ll_bif_opts o = {.gp_zero_rel = 1e-6,
                     .near_pitchfork_ratio = 1e-2,
                     .z2_declared = 0};
    return o;
}

static const char *const nf_names[] = {
    [LL_NF_UNKNOWN] = "unknown",
    [LL_NF_FOLD] = "fold",
    [LL_NF_TRANSCRITICAL] = "transcritical",
    [LL_NF_PITCHFORK] = "pitchfork",
    [LL_NF_NEAR_PITCHFORK] = "near-pitchfork",
    [LL_NF_DEGENERATE] = "degenerate",
};

const char *ll_normal_form_str(ll_normal_form nf)
{
    if ((int)nf < 0 || (size_t)nf >= sizeof nf_names / sizeof nf_names[0])
        return "unknown";
    return nf_names[nf];
}

static ll_normal_form verdict(const ll_bif_opts *o, const ll_bif_scales *s,
                              const ll_lscoef *c)
{
    if (fabs(c->g_p) > o->gp_zero_rel * fmax(s->fp_norm, 1e-300))
        return LL_NF_FOLD;
    double scale = fmax(s->b_norm, fmax(fabs(c->g_aaa_bare), s->slaved_abs));
    double tol = LL_BIF_ROUND_REL * scale;
    int aaa_zero = fabs(c->g_aaa) <= tol;
    if (aaa_zero && (o->z2_declared || fabs(c->g_aa) <= tol))
        return LL_NF_DEGENERATE;
    if (o->z2_declared)
        return LL_NF_PITCHFORK;
    if (c->ratio_aa_aaa < o->near_pitchfork_ratio)
        return LL_NF_NEAR_PITCHFORK;
    return LL_NF_TRANSCRITICAL;
}

void ll_bif_nf_classify(const ll_bif_opts *o, const ll_bif_scales *s,
                        ll_lscoef *c)
{
    c->ratio_aa_aaa =
        c->g_aaa != 0.0 ? fabs(c->g_aa / c->g_aaa) : INFINITY;
    c->normal_form = verdict(o, s, c);
    c->criticality = 0;
    c->branch_slope = NAN;
    c->branch_quad = NAN;
    switch (c->normal_form) {
    case LL_NF_TRANSCRITICAL:
        c->branch_slope = -2.0 * c->g_ap / c->g_aa;
        break;
    case LL_NF_PITCHFORK:
    case LL_NF_NEAR_PITCHFORK: {
        double prod = c->g_ap * c->g_aaa;
        c->criticality = prod < 0 ? 1 : (prod > 0 ? -1 : 0);
        c->branch_quad = -6.0 * c->g_ap / c->g_aaa;
        break;
    }
    default:
        break;
    }
}
