/* Small numerical helpers of the experiment studies (toy, coeffs; MATH.md
 * section 4): monomial least squares for the line restriction phi_red(a)
 * (seed 000 Exp. 2-3: a diagnostic polynomial fit, not the reduced
 * equation), a straight-line fit, and the critical point at a given
 * parameter on a stored branch (interpolation + Newton, study/polish.c). */
#include "study/exp_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "study/polish.h"

#define FIT_MAX 6

ll_status ll_study_polyfit(size_t n, const double *a, const double *y,
                           int kmin, int kmax, double *c, double *resid)
{
    int q = kmax - kmin + 1;
    double G[FIT_MAX * FIT_MAX] = {0}, r[FIT_MAX] = {0}, sc = 0.0;
    if (q < 1 || q > FIT_MAX || kmin < 0 || n < (size_t)q)
        return LL_ERR_ARG;
    for (size_t i = 0; i < n; i++)
        sc = fmax(sc, fabs(a[i]));
    if (!(sc > 0))
        return LL_ERR_ARG;
    for (size_t i = 0; i < n; i++) {
        double t = a[i] / sc, b[FIT_MAX];
        for (int k = 0; k < q; k++)
            b[k] = pow(t, kmin + k);
        for (int k = 0; k < q; k++) {
            r[k] += b[k] * y[i];
            for (int l = 0; l < q; l++)
                G[k + q * l] += b[k] * b[l];
        }
    }
    ll_status st = ll_sym_solve((size_t)q, G, 1, r);
    if (st != LL_OK)
        return st;
    double ss = 0.0;
    for (int k = 0; k < q; k++)
        c[k] = r[k] / pow(sc, kmin + k);
    for (size_t i = 0; i < n; i++) {
        double f = 0.0;
        for (int k = 0; k < q; k++)
            f += c[k] * pow(a[i], kmin + k);
        ss += (y[i] - f) * (y[i] - f);
    }
    *resid = sqrt(ss / (double)n);
    return LL_OK;
}

void ll_study_linfit(size_t n, const double *x, const double *y,
                     double *slope, double *intercept)
{
    double mx = 0, my = 0, sxx = 0, sxy = 0;
    for (size_t i = 0; i < n; i++) {
        mx += x[i] / (double)n;
        my += y[i] / (double)n;
    }
    for (size_t i = 0; i < n; i++) {
        sxx += (x[i] - mx) * (x[i] - mx);
        sxy += (x[i] - mx) * (y[i] - my);
    }
    *slope = sxx > 0 ? sxy / sxx : NAN;
    *intercept = my - *slope * mx;
}

/* Start guess: interpolate inside the first bracketing pair, else nearest. */
static int point_guess(const ll_branch *b, double p, double s_lo,
                       double s_hi, double *x)
{
    size_t n = b->n, best = b->len;
    for (size_t k = 0; k + 1 < b->len; k++) {
        double p0 = b->p[k], p1 = b->p[k + 1];
        if (b->s[k] < s_lo || b->s[k + 1] > s_hi)
            continue;
        if ((p - p0) * (p - p1) <= 0 && p0 != p1) {
            double t = (p - p0) / (p1 - p0);
            for (size_t i = 0; i < n; i++)
                x[i] = (1 - t) * b->x[k * n + i] + t * b->x[(k + 1) * n + i];
            return 1;
        }
    }
    for (size_t k = 0; k < b->len; k++)
        if (b->s[k] >= s_lo && b->s[k] <= s_hi &&
            (best == b->len || fabs(b->p[k] - p) < fabs(b->p[best] - p)))
            best = k;
    if (best == b->len)
        return 0;
    memcpy(x, b->x + best * n, n * sizeof *x);
    return fabs(b->p[best] - p) <= 1e-12;
}

ll_status ll_study_point_at(const ll_problem *pb, const ll_branch *b, double p,
                            double s_lo, double s_hi, double tol, double *x,
                            ll_errbuf *eb)
{
    if (!b->x || b->len == 0)
        return ll_err(eb, LL_ERR_ARG, "study: the branch has no stored points");
    if (!point_guess(b, p, s_lo, s_hi, x))
        return ll_err(eb, LL_ERR_ARG,
                      "study: lambda = %g is not on the branch (or its "
                      "part searched)", p);
    return ll_study_polish(pb, x, p, tol, 50, NULL, NULL, eb);
}
