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

/* The same for callers that do not hold H as a dense matrix (the
 * structured and matrix-free continuation paths, cont.h): range_solve must
 * solve the bordered system [[H, phi], [phi^T, 0]] [y; c] = [r; 0] for the
 * nrhs right-hand sides r in R (n x nrhs, column-major), overwriting R with
 * the y parts; phi^T H_p phi comes from the problem's hess_p_vec (needed,
 * with grad_p, d3, d4; hess and hess_p are not used).
 * Ownership: phi is normalised in place as above; user is borrowed and only
 * passed to range_solve, which gets the normalised phi and a library-owned
 * R (valid during the call). Errors: LL_ERR_ARG (NULL arguments, a missing
 * callback or range_solve, non-finite p, bad options, phi zero or not
 * finite), LL_ERR_NOMEM, a callback's or range_solve's status passed on
 * with the failing step named in eb, LL_ERR_DATA if a coefficient is not
 * finite. Cost: one call each of grad_p, d3, d4 and hess_p_vec, one
 * range_solve with nrhs = 2, O(n) arithmetic and 5 n doubles of scratch
 * (no n x n array). */
typedef ll_status (*ll_bif_range_solve_fn)(void *user, const double *phi,
                                           size_t nrhs, double *R);
ll_status ll_bif_coefficients_ext(const ll_problem *pb, const double *x,
                                  double p, double *phi, const ll_bif_opts *o,
                                  ll_bif_range_solve_fn range_solve,
                                  void *user, ll_lscoef *c, ll_errbuf *eb);

/* Softening at a start point x0 (a critical point at p0) whose smallest
 * Hessian eigenvalue mu0 may be degenerate (MATH.md section 1): the speeds
 * at which the cluster of eigenvalues within cluster_tol * max(1, |mu0|) of
 * mu0 leave it, as eigenvalues of Q^T (dH/dp) Q, Q an orthonormal basis of
 * the cluster's eigenspace and dH/dp = H_p + D^3L[x'(p0), ., .] the total
 * derivative along the branch, x' = -H^{-1} F_p. */
typedef struct ll_softening {
    double mu0;          /* the smallest eigenvalue at p0 */
    size_t multiplicity; /* size of the cluster */
    double *speeds;      /* n_speeds values, ascending; owned */
    /* Values in speeds: = multiplicity from ll_bif_softening; fewer (the
     * smallest) when a caller computed only those (the trace study on the
     * structured and matrix-free paths keeps the 10 smallest). */
    size_t n_speeds;
    double rate;         /* speeds[0]: lambda_1'(0); 0 if |speeds[0]| <=
                            rate_noise (see below) */
    /* Rounding level of the speeds: rate_noise = n eps ||dH/dp||_F
     * (1 + ||H||_2 / gap), gap = the distance from mu0 to the first
     * eigenvalue outside the cluster. The speeds are eigenvalues of
     * M = Q^T (dH/dp) Q; forming M in floating point perturbs it by about
     * n eps ||dH/dp|| (inner products of length n), and the computed Q is
     * off its exact invariant subspace by about eps ||H|| / gap (Davis-Kahan),
     * which perturbs M by ||dH/dp|| times that. A speed below this level is
     * indistinguishable from zero: the rate is reported as 0 and there is no
     * prediction (p_star_predicted = +inf). */
    double rate_noise;
    /* Predicted event parameter p0 + mu0 / |rate| if rate < 0, else +inf. */
    double p_star_predicted;
} ll_softening;

ll_status ll_bif_softening(const ll_problem *pb, const double *x0, double p0,
                           double cluster_tol, ll_softening *out,
                           ll_errbuf *eb);
void ll_softening_free(ll_softening *s); /* frees speeds; NULL-safe */

/* Branch switching at a simple branch point (MATH.md section 3; Keller
 * 1977, Allgower & Georg ch. 8). At (x*, p*) with H phi = 0, g_p = 0 and the
 * coefficients c, a point on the NEW branch is predicted from the normal
 * form, in the offset delta = phi^T (x - x*) - r1 (p - p*) from the known
 * branch (r1 = phi^T dx/dp along it) and mu = p - p*:
 *     transcritical  delta = (r2 - r1) mu,  r2 - r1 = -2 g_ap / g_aa - 2 r1
 *                    (the roots of the algebraic bifurcation equation sum
 *                    to -2 g_ap / g_aa);
 *     pitchfork      delta^2 = -6 g_ap mu / g_aaa   (c->branch_quad mu);
 *     X_pred = (x* + mu K + delta phi, p* + mu), K = dx/dp of the known
 *     branch (from known_tangent, or psi with H psi = -P_R F_p, r1 = 0).
 * delta = side * opts.offset. The prediction is corrected, in this order,
 * until a point is found that is NOT on the known branch (|delta| of the
 * corrected point >= fallback_ratio * offset, and within the offset of
 * the prediction):
 *   1. predictor: Newton on {F = 0, n^T (X - X_pred) = 0}, n the predicted
 *      unit tangent of the new branch (the continuation corrector);
 *   2. hyperplane: Newton on {F = 0, phi^T (x - x*) - r1 (p - p*) = delta}
 *      (the kernel-direction offset);
 *   3. deflation: stage 1 again with every known-branch point the earlier
 *      stages fell onto deflated, G -> G (1/|X - X_k|^2 + 1) (Farrell,
 *      Birkisson & Funke 2015): the deflated Newton step is the plain one
 *      divided by 1 - grad(M)^T dX / M.
 * Degenerate or unclassified points (no usable normal form) go straight to
 * stage 2 with mu = 0. A fold has no new branch: LL_ERR_ARG. */
typedef enum ll_switch_method {
    LL_SWITCH_NONE = 0,
    LL_SWITCH_PREDICTOR,
    LL_SWITCH_HYPERPLANE,
    LL_SWITCH_DEFLATION
} ll_switch_method;

/* "none", "predictor", "hyperplane", "deflation" */
const char *ll_switch_method_str(ll_switch_method m);

typedef struct ll_switch_opts {
    /* |delta| of the predicted point, in units of the unit kernel vector;
     * default 1e-2 (predictor error O(offset^2) for a transcritical,
     * O(offset^2) in x for a pitchfork; Newton's basin shrinks like the
     * offset, since the extended Jacobian is singular at the branch point). */
    double offset;
    /* Newton: ||F|| <= newton_tol * max(1, ||F(0, p*)||); 1e-12, 30. */
    double newton_tol;
    int newton_maxit;
    /* The corrected point is back on the known branch when its |delta| is
     * below fallback_ratio * offset; default 0.3. */
    double fallback_ratio;
    int use_hyperplane, use_deflation; /* fallback stages; 1, 1 */
} ll_switch_opts;

ll_switch_opts ll_switch_opts_default(void);

typedef struct ll_switch_info {
    ll_switch_method method; /* the stage that gave the point */
    int stages_tried;        /* 1..3 */
    double delta_pred, mu_pred; /* the prediction */
    double delta, mu;        /* at the corrected point */
    double r_known;          /* phi^T dx/dp of the known branch */
    double r_new;            /* transcritical: of the new branch; else NaN */
    int newton_its;          /* of the successful stage */
} ll_switch_info;

/* A point X (n+1: x, p) on the new branch born at (xs, ps) on the side
 * sign(side) of the known branch, and the unit tangent t (n+1) there,
 * oriented away from the branch point. phi: the unit kernel vector the
 * coefficients c were computed with. known_tangent: NULL or n+1 numbers,
 * the tangent of the known branch at the branch point (gives r1 and K;
 * ignored if its p-part is below 1e-8). X, t, info: caller-owned outputs.
 * Returns LL_OK, LL_ERR_NOCONV when every stage failed or fell back (the
 * message says how), LL_ERR_ARG, or a callback's error. */
ll_status ll_bif_switch(const ll_problem *pb, const double *xs, double ps,
                        const double *phi, const ll_lscoef *c,
                        const double *known_tangent, int side,
                        const ll_switch_opts *o, double *X, double *t,
                        ll_switch_info *info, ll_errbuf *eb);

#ifdef __cplusplus
}
#endif
#endif
