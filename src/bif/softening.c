/* Softening at a degenerate start: first-order degenerate perturbation
 * theory (MATH.md section 1; Kato, Perturbation Theory for Linear Operators,
 * ch. II.5; paper 000 Thm 7.6(iii)).
 *
 * Along a critical branch x(p) through (x0, p0), H(p) = H(x(p), p) has total
 * derivative dH/dp = H_p + D^3L[x', ., .] with H x' = -F_p. If mu0 is an
 * eigenvalue of H(p0) with eigenspace span(Q), Q^T Q = I, the eigenvalues
 * that leave it are, to first order, mu0 + (p - p0) s_i with s_i the
 * eigenvalues of the k x k matrix M = Q^T (dH/dp) Q. Its entries
 *   M_ij = Q_i^T H_p Q_j + D^3L[x', Q_i, Q_j]
 * need only the k columns D^3L[x', Q_j, .] (one d3 call each, O(N P) for the
 * network, so k ~ (m-1)d calls in all), then one k x k product.
 * When the problem provides hess_dir (the whole matrix D^3L[x', ., .] in one
 * call, O(N P^2) for the network), dH/dp is formed once and M = Q^T (dH/dp) Q
 * is two gemms: at k ~ n this replaces k Taylor passes by about the cost of
 * one Hessian. The d3 loop stays as the fallback for problems without it.
 *
 * Rounding: the computed speeds carry an error of about
 *     noise = n eps ||dH/dp||_F (1 + ||H||_2 / gap)
 * (M is formed by products with inner dimension n, |fl(AB) - AB| <=
 * n eps |A||B| (Higham, Accuracy and Stability, sec. 3.5); the computed Q
 * lies within eps ||H|| / gap of the exact eigenspace (Davis-Kahan sin-theta
 * theorem), gap = w[k] - w[0] the distance to the first eigenvalue outside
 * the cluster). A rate with |rate| <= noise is reported as 0 with no
 * prediction: e.g. identical samples give a rate of -6e-17 that would
 * otherwise "predict" p* = 7e13. Without hess_dir, ||dH/dp||_F is estimated
 * by max(||H_p||_F, ||(dH/dp) Q||_F) (the whole matrix is not formed).
 *
 * x' comes from the full eigen-decomposition H = V diag(w) V^T already at
 * hand: x' = -V diag(1/w) V^T F_p. Numerically zero eigenvalues (|w| <=
 * n eps max|w|) are skipped (pseudo-inverse, the minimum-norm tangent), which
 * is only valid if F_p has no component there: otherwise the start is a fold
 * and x' does not exist (LL_ERR_SINGULAR).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/bif.h"
#include "losslab/linalg.h"

typedef struct soft_ws {
    double *H, *V, *w, *Fp, *c, *xp, *tmp; /* n*n, n*n, then n each */
} soft_ws;

static ll_status ws_alloc(size_t n, soft_ws *s)
{
    double *b = malloc((2 * n * n + 5 * n) * sizeof *b);
    if (!b)
        return LL_ERR_NOMEM;
    s->H = b;
    s->V = s->H + n * n;
    s->w = s->V + n * n;
    s->Fp = s->w + n;
    s->c = s->Fp + n;
    s->xp = s->c + n;
    s->tmp = s->xp + n;
    return LL_OK;
}

/* x' = -H^+ F_p through the eigen-decomposition (see the file comment). */
static ll_status tangent(size_t n, soft_ws *s, ll_errbuf *eb)
{
    double wmax = fmax(fabs(s->w[0]), fabs(s->w[n - 1]));
    double zero = (double)n * DBL_EPSILON * wmax;
    double fpn = ll_nrm2(n, s->Fp);
    ll_gemv(1, n, n, 1.0, s->V, n, s->Fp, 0.0, s->c);
    for (size_t i = 0; i < n; i++) {
        if (fabs(s->w[i]) > zero) {
            s->c[i] = -s->c[i] / s->w[i];
            continue;
        }
        if (fabs(s->c[i]) > sqrt(DBL_EPSILON) * fpn)
            return ll_err(eb, LL_ERR_SINGULAR,
                          "bif: softening: H is singular at p0 and F_p has a "
                          "kernel component (%.3g): x'(p0) does not exist",
                          s->c[i]);
        s->c[i] = 0.0;
    }
    ll_gemv(0, n, n, 1.0, s->V, n, s->c, 0.0, s->xp);
    return LL_OK;
}

/* Hp += D^3L[x', ., .] in one hess_dir call; D is n x n scratch. */
static ll_status add_hess_dir(const ll_problem *pb, const double *x0,
                              double p0, const soft_ws *s, double *Hp,
                              double *D, ll_errbuf *eb)
{
    size_t n = pb->n;
    ll_status st = pb->hess_dir(pb->ctx, x0, p0, s->xp, D);
    if (st != LL_OK)
        return ll_err(eb, st, "bif: softening: hess_dir callback failed: %s",
                      ll_status_str(st));
    for (size_t i = 0; i < n * n; i++)
        Hp[i] += D[i];
    return LL_OK;
}

/* M = Q^T (H_p Q + [D^3L[x', Q_j, .]]_j), symmetrised (k x k); C is an
 * n x k scratch. If total is nonzero Hp already holds dH/dp (hess_dir) and
 * no d3 call is made. */
static ll_status restricted(const ll_problem *pb, const double *x0, double p0,
                            size_t k, const soft_ws *s, const double *Hp,
                            int total, double *C, double *M, ll_errbuf *eb)
{
    size_t n = pb->n;
    const double *Q = s->V; /* the first k eigenvectors */
    ll_gemm(0, 0, n, k, n, 1.0, Hp, n, Q, n, 0.0, C, n);
    /* D^3L[0, ., .] = 0: skip the k calls when x' = 0 */
    if (!total && ll_nrm2(n, s->xp) > 0.0) {
        for (size_t j = 0; j < k; j++) {
            ll_status st = pb->d3(pb->ctx, x0, p0, s->xp, Q + j * n, s->tmp);
            if (st != LL_OK)
                return ll_err(eb, st, "bif: softening: d3 callback failed: %s",
                              ll_status_str(st));
            for (size_t i = 0; i < n; i++)
                C[i + j * n] += s->tmp[i];
        }
    }
    ll_gemm(1, 0, k, k, n, 1.0, Q, n, C, n, 0.0, M, k);
    for (size_t j = 0; j < k; j++)
        for (size_t i = j + 1; i < k; i++)
            M[i + j * k] = M[j + i * k] = 0.5 * (M[i + j * k] + M[j + i * k]);
    return LL_OK;
}

/* Frobenius norm of an n x n matrix, scaled against overflow. */
static double frob(size_t n, const double *a)
{
    double big = 0.0, sum = 0.0;
    for (size_t i = 0; i < n * n; i++)
        big = fmax(big, fabs(a[i]));
    if (!(big > 0.0) || !isfinite(big))
        return big;
    for (size_t i = 0; i < n * n; i++)
        sum += (a[i] / big) * (a[i] / big);
    return big * sqrt(sum);
}

static size_t cluster_size(size_t n, const double *w, double tol)
{
    double width = tol * fmax(1.0, fabs(w[0]));
    size_t k = 1;
    while (k < n && w[k] - w[0] <= width)
        k++;
    return k;
}

/* n eps ||dH/dp||_F (1 + ||H||_2 / gap): see the file comment. */
static double rate_noise(size_t n, size_t k, const double *w, double anorm)
{
    double hnorm = fmax(fabs(w[0]), fabs(w[n - 1]));
    double gap = k < n ? w[k] - w[0] : INFINITY;
    double amp = gap > 0.0 ? 1.0 + hnorm / gap : INFINITY;
    return (double)n * DBL_EPSILON * anorm * amp;
}

static ll_status eval_ops(const ll_problem *pb, const double *x0, double p0,
                          soft_ws *s, ll_errbuf *eb)
{
    ll_status st = pb->hess(pb->ctx, x0, p0, s->H);
    if (st == LL_OK)
        st = pb->grad_p(pb->ctx, x0, p0, s->Fp);
    if (st != LL_OK)
        return ll_err(eb, st, "bif: softening: hess/grad_p callback failed: "
                              "%s", ll_status_str(st));
    st = ll_sym_eig_all(pb->n, s->H, s->w, s->V);
    if (st != LL_OK)
        return ll_err(eb, st, "bif: softening: eigen-decomposition of H "
                              "failed: %s", ll_status_str(st));
    return LL_OK;
}

/* The speeds: eigenvalues of M, with H_p stored over s->H (no longer
 * needed once V and w are known); *anorm: ||dH/dp||_F (or its estimate, see
 * the file comment). */
static ll_status speeds(const ll_problem *pb, const double *x0, double p0,
                        size_t k, soft_ws *s, double *sp, double *anorm,
                        ll_errbuf *eb)
{
    size_t n = pb->n;
    int total = pb->hess_dir != NULL && ll_nrm2(n, s->xp) > 0.0;
    double *C = malloc((n * k + k * k + (total ? n * n : 0)) * sizeof *C);
    if (!C)
        return ll_err(eb, LL_ERR_NOMEM, "bif: softening: out of memory");
    double *M = C + n * k;
    ll_status st = pb->hess_p(pb->ctx, x0, p0, s->H);
    if (st != LL_OK)
        st = ll_err(eb, st, "bif: softening: hess_p callback failed: %s",
                    ll_status_str(st));
    if (st == LL_OK && total)
        st = add_hess_dir(pb, x0, p0, s, s->H, M + k * k, eb);
    *anorm = st == LL_OK ? frob(n, s->H) : NAN;
    if (st == LL_OK)
        st = restricted(pb, x0, p0, k, s, s->H, total, C, M, eb);
    if (st == LL_OK && !total) /* ||C||_F = ||(dH/dp) Q||_F */
        *anorm = fmax(*anorm, ll_nrm2(n * k, C));
    if (st == LL_OK && (st = ll_sym_eig_all(k, M, sp, NULL)) != LL_OK)
        st = ll_err(eb, st, "bif: softening: eigenvalues of Q^T H' Q: %s",
                    ll_status_str(st));
    free(C);
    return st;
}

ll_status ll_bif_softening(const ll_problem *pb, const double *x0, double p0,
                           double cluster_tol, ll_softening *out,
                           ll_errbuf *eb)
{
    if (!pb || !x0 || !out || pb->n == 0 || !pb->hess || !pb->hess_p ||
        !pb->grad_p || (!pb->d3 && !pb->hess_dir))
        return ll_err(eb, LL_ERR_ARG, "bif: softening needs a problem with "
                                      "hess, hess_p, grad_p, d3 or hess_dir, "
                                      "x0 and out");
    if (!(cluster_tol >= 0.0) || !isfinite(cluster_tol) || !isfinite(p0))
        return ll_err(eb, LL_ERR_ARG, "bif: softening: cluster_tol must be "
                                      "finite and >= 0, p0 finite");
    size_t n = pb->n;
    soft_ws s;
    if (ws_alloc(n, &s) != LL_OK)
        return ll_err(eb, LL_ERR_NOMEM, "bif: softening: out of memory");
    ll_status st = eval_ops(pb, x0, p0, &s, eb);
    size_t k = st == LL_OK ? cluster_size(n, s.w, cluster_tol) : 0;
    if (st == LL_OK)
        st = tangent(n, &s, eb);
    double *sp = st == LL_OK ? malloc(k * sizeof *sp) : NULL;
    if (st == LL_OK && !sp)
        st = ll_err(eb, LL_ERR_NOMEM, "bif: softening: out of memory");
    double anorm = NAN;
    if (st == LL_OK)
        st = speeds(pb, x0, p0, k, &s, sp, &anorm, eb);
    if (st == LL_OK) {
        out->mu0 = s.w[0];
        out->multiplicity = k;
        out->n_speeds = k;
        out->speeds = sp;
        out->rate_noise = rate_noise(n, k, s.w, anorm);
        out->rate = fabs(sp[0]) <= out->rate_noise ? 0.0 : sp[0];
        out->p_star_predicted =
            out->rate < 0.0 ? p0 + out->mu0 / fabs(out->rate) : INFINITY;
    } else
        free(sp);
    free(s.H);
    return st;
}

void ll_softening_free(ll_softening *s)
{
    if (!s)
        return;
    free(s->speeds);
    s->speeds = NULL;
}
