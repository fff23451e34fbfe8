/* Internal helpers shared by the toy and coeffs studies (not installed). */
#ifndef LL_STUDY_EXP_INTERNAL_H
#define LL_STUDY_EXP_INTERNAL_H

#include <stddef.h>

#include "losslab/cont.h"
#include "losslab/problem.h"
#include "losslab/status.h"

/* Least-squares fit y ~ sum_{k=kmin..kmax} c[k-kmin] a^k over n points
 * (kmax - kmin + 1 <= 6 unknowns). Solved through the normal equations in
 * the scaled variable t = a / max|a| (Gram matrix of monomials on [-1, 1],
 * well conditioned for these few terms), then unscaled. *resid = RMS of
 * the residuals. */
ll_status ll_study_polyfit(size_t n, const double *a, const double *y,
                           int kmin, int kmax, double *c, double *resid);

/* The straight-line fit y ~ slope x + intercept. */
void ll_study_linfit(size_t n, const double *x, const double *y,
                     double *slope, double *intercept);

/* The critical point of pb at parameter p on a stored branch (b->x not
 * NULL), looking only at the accepted points with s in [s_lo, s_hi] (pass
 * -inf/+inf for all): start from the linear interpolation between the
 * first pair of consecutive points (in arclength order) whose p bracket the
 * target, or the nearest point in p, then Newton at fixed p (scaled
 * tolerance tol).
 * x gets pb->n values. LL_ERR_ARG if p is outside the branch's range by
 * more than 1e-12. */
ll_status ll_study_point_at(const ll_problem *pb, const ll_branch *b, double p,
                            double s_lo, double s_hi, double tol, double *x,
                            ll_errbuf *eb);

#endif
