/* losslab: Lyapunov-Schmidt coefficients and normal forms at a degenerate
 * critical point, and the softening rate at a degenerate start
 * (MATH.md sections 1 and 3).
 *
 * At (x*, p*) with H phi = 0, |phi| = 1, P_R the projection onto range(H):
 *     g_p     = phi^T F_p
 *     g_aa    = D^3L[phi, phi, phi]
 *     g_ap    = phi^T H_p phi + D^3L[phi, phi, psi],  H psi = -P_R F_p, psi in range
 *     g_aaa   = D^4L[phi^4] - 3 B^T H_R^+ B,   B = D^3L[phi, phi, .]
 * H restricted to the range is inverted through the bordered system
 * [[H, phi], [phi^T, 0]], regular at a simple degeneracy. phi is normalised
 * so that its largest-magnitude entry is positive. The seed paper (Thm 7.14)
 * drops the slaved term; that bare D^4L[phi^4] is reported beside g_aaa.
 */
#ifndef LOSSLAB_BIF_H
#define LOSSLAB_BIF_H

#include <stddef.h>

#include "losslab/problem.h"
#include "losslab/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ll_normal_form {
    LL_NF_UNKNOWN = 0,
    LL_NF_FOLD,           /* g_p != 0: saddle-node */
    LL_NF_TRANSCRITICAL,  /* g_p = 0, g_aa != 0 */
    LL_NF_PITCHFORK,      /* g_p = 0, g_aa = 0 by a declared symmetry */
    LL_NF_NEAR_PITCHFORK, /* g_p = 0, |g_aa / g_aaa| below the threshold */
    LL_NF_DEGENERATE      /* g_aa and g_aaa both vanish to rounding */
} ll_normal_form;

/* "fold", "transcritical", "pitchfork", "near-pitchfork", ... */
const char *ll_normal_form_str(ll_normal_form nf);

typedef struct ll_bif_opts {
    /* |g_p| / (|F_p| + tiny) below this counts as g_p = 0 (a branch point
     * rather than a fold). Default 1e-6. */
    double gp_zero_rel;
    /* |g_aa / g_aaa| below this is "near-pitchfork". Default 1e-2 (see the
     * README for why). */
    double near_pitchfork_ratio;
    /* Nonzero: the problem has a declared Z2 symmetry that makes g_aa = 0,
     * so a branch point is a pitchfork. Default 0. */
    int z2_declared;
} ll_bif_opts;

ll_bif_opts ll_bif_opts_default(void);

typedef struct ll_lscoef {
    double g_p, g_aa, g_ap, g_aaa, g_aaa_bare;
    double ratio_aa_aaa;     /* |g_aa / g_aaa| (inf if g_aaa = 0) */
    ll_normal_form normal_form;
    /* +1 supercritical, -1 subcritical, 0 not applicable (fold or
     * transcritical): for a pitchfork, new branches exist for mu with
     * sign(mu) = -sign(g_ap g_aaa); "supercritical" when that side is
     * mu > 0 (p increasing). */
    int criticality;
    /* Branch predictions (mu = p - p*): transcritical a ~ branch_slope mu
     * with branch_slope = -2 g_ap / g_aa; pitchfork a^2 ~ branch_quad mu with
     * branch_quad = -6 g_ap / g_aaa. NaN where not applicable. */
    double branch_slope, branch_quad;
} ll_lscoef;

/* Normalise phi in place (unit length, largest-magnitude entry positive). */
void ll_bif_normalise_kernel(size_t n, double *phi);

/* Coefficients at (x, p) with kernel vector phi (normalised in place by the
 * sign convention). */
ll_status ll_bif_coefficients(const ll_problem *pb, const double *x, double p,
                              double *phi, const ll_bif_opts *o,
                              ll_lscoef *c, ll_errbuf *eb);

/* Softening at a start point x0 (a critical point at p0) whose smallest
 * Hessian eigenvalue mu0 may be degenerate (MATH.md section 1): the speeds
 * at which the cluster of eigenvalues within cluster_tol * max(1, |mu0|) of
 * mu0 leave it, as eigenvalues of Q^T (dH/dp) Q, Q an orthonormal basis of
 * the cluster's eigenspace and dH/dp = H_p + D^3L[x'(p0), ., .] the total
 * derivative along the branch, x' = -H^{-1} F_p. */
typedef struct ll_softening {
    double mu0;          /* the smallest eigenvalue at p0 */
    size_t multiplicity; /* size of the cluster */
    double *speeds;      /* multiplicity values, ascending; owned */
    double rate;         /* speeds[0]: lambda_1'(0) */
    /* Predicted event parameter p0 + mu0 / |rate| if rate < 0, else +inf. */
    double p_star_predicted;
} ll_softening;

ll_status ll_bif_softening(const ll_problem *pb, const double *x0, double p0,
                           double cluster_tol, ll_softening *out,
                           ll_errbuf *eb);
void ll_softening_free(ll_softening *s); /* frees speeds; NULL-safe */

#ifdef __cplusplus
}
#endif
#endif
