/* The width-scaling fit of MATH.md section 1 (seed 000, Prop. 7.9):
 *     lambda_1'(0) = K/m + K2/m^2 + O(m^-3),
 * by ordinary least squares over the widths, design matrix A = [1/m, 1/m^2].
 * Solved by a thin QR of A with modified Gram-Schmidt (two columns): the
 * normal equations would square cond(A), which grows like max(m)/min(m).
 * Then the critical width m* = |K|/alpha, where the predicted
 * lambda* = alpha/|lambda_1'(0)| ~ alpha m/|K| reaches 1, and the slope
 * alpha/|K| of lambda* against m. */
#include "losslab/sweep.h"

#include <math.h>
#include <stdlib.h>

static void fit_nan(ll_inv_fit *f)
{
    f->K = f->K2 = f->rms = f->m_star = f->slope = NAN;
}

/* QR of the two columns c1 = 1/m, c2 = 1/m^2 (over used pairs) and the
 * solution of R [K; K2] = Q^T y. Returns 0 if the columns are dependent. */
static int fit_solve(size_t n, const double *m, const double *y,
                     const unsigned char *use, double *K, double *K2)
{
    double n1 = 0, r12 = 0, n2 = 0, q1y = 0, q2y = 0;
    for (size_t i = 0; i < n; i++)
        if (use[i])
            n1 += 1.0 / (m[i] * m[i]);
    n1 = sqrt(n1);                       /* r11 = ||c1|| */
    for (size_t i = 0; i < n; i++)
        if (use[i])
            r12 += (1.0 / m[i] / n1) * (1.0 / (m[i] * m[i]));
    for (size_t i = 0; i < n; i++) {
        if (!use[i])
            continue;
        double q1 = 1.0 / m[i] / n1, c2 = 1.0 / (m[i] * m[i]) - r12 * q1;
        n2 += c2 * c2;
        q1y += q1 * y[i];
    }
    n2 = sqrt(n2);                       /* r22 */
    if (!(n2 > 1e-13 * n1 * n1) )
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (!use[i])
            continue;
        double q1 = 1.0 / m[i] / n1;
        q2y += (1.0 / (m[i] * m[i]) - r12 * q1) / n2 * y[i];
    }
    *K2 = q2y / n2;
    *K = (q1y - r12 * *K2) / n1;
    return 1;
}

ll_status ll_fit_inverse_width(size_t n, const double *m, const double *y,
                               double alpha, ll_inv_fit *out, ll_errbuf *eb)
{
    if (!out)
        return ll_err(eb, LL_ERR_ARG, "fit: NULL output");
    fit_nan(out);
    out->n_used = 0;
    out->status = LL_ERR_ARG;
    unsigned char *use = malloc(n ? n : 1);
    if (!use)
        return out->status = ll_err(eb, LL_ERR_NOMEM, "fit: out of memory");
    size_t distinct = 0;
    for (size_t i = 0; i < n; i++) {
        use[i] = m && y && m[i] > 0 && isfinite(m[i]) && isfinite(y[i]);
        out->n_used += use[i];
        int seen = 0;
        for (size_t j = 0; use[i] && j < i; j++)
            seen |= use[j] && m[j] == m[i];
        distinct += use[i] && !seen;
    }
    if (distinct < 2 || !fit_solve(n, m, y, use, &out->K, &out->K2)) {
        free(use);
        fit_nan(out);
        return ll_err(eb, LL_ERR_ARG, "fit: need finite lambda_1'(0) at two "
                      "or more distinct widths (have %zu)", distinct);
    }
    double ss = 0;
    for (size_t i = 0; i < n; i++) {
        double r = use[i] ? y[i] - out->K / m[i] - out->K2 / (m[i] * m[i]) : 0;
        ss += r * r;
    }
    free(use);
    out->rms = sqrt(ss / (double)out->n_used);
    if (alpha > 0 && isfinite(out->K) && out->K != 0) {
        out->m_star = fabs(out->K) / alpha;
        out->slope = alpha / fabs(out->K);
    }
    out->status = LL_OK;
    return LL_OK;
}
