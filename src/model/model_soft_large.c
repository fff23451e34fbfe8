/* The smallest softening speeds at lambda = 0 without the (m-1)d x (m-1)d
 * restricted matrix (MATH.md section 1, "The softening rate"; seed 000
 * Thm 7.6(iii)).
 *
 * The speeds are the eigenvalues of the form D = blockdiag_j(v_j A_j),
 * A_j = (1/N) sum_n r0_n sigma''(w0_j . x_n) x_n x_n^T, restricted to
 * E = {dW : C dW = 0}, C = v^T kron I_d (d independent constraints, v != 0).
 * The KKT matrix K(mu) = [[D - mu I, C^T], [C, 0]] has, on one hand,
 * inertia In(D|_E - mu I) + (d, 0, d) (each constraint pairs one positive and
 * one negative direction), and on the other hand, by Haynsworth's formula on
 * its leading block, In(D - mu I) + In(-S(mu)) with
 *     S(mu) = C (D - mu I)^{-1} C^T = sum_j v_j^2 (v_j A_j - mu I)^{-1}.
 * Hence the number of restricted eigenvalues below mu is
 *     count(mu) = neg(D - mu I) + pos(S(mu)) - d.
 * With v_j A_j = Q_j L_j Q_j^T (one d x d eigendecomposition per unit),
 * S(mu) = G^T diag(1 / (l_c - mu)) G, G (m d x d) stacking the rows
 * v_j Q_j[:, k]^T: one gemm per evaluation. Cauchy interlacing for a
 * codimension-d restriction brackets the i-th speed:
 * lambda_i(D) <= mu_i <= lambda_{i+d}(D). Inside it, safeguarded Newton on
 * the eigenvalue of S(mu) that crosses zero at the speed (every eigenvalue
 * of S increases with mu), with bisection on count whenever Newton leaves
 * the bracket or stalls; every count also narrows the brackets of the
 * later speeds (as in LAPACK's dstebz). Each speed to a relative 2 eps
 * (floored at 1e-3 eps ||D||). Cost: O(N m d^2) for the A_j, O(m d^3) for
 * their eigendecompositions and O(m d^3) per evaluation (one
 * d x (m d) by (m d) x d gemm): about 20 evaluations per speed.
 * Accuracy near a pole l_c: the huge term g g^T / (l_c - mu) is computed with
 * relative rounding, which moves the computed zero of S by about eps times
 * the distance to the pole, so no accuracy is lost there. At mu exactly equal
 * to a pole, mu is nudged down by one ulp (count is then the count just
 * below the pole).
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "model_impl.h"

typedef struct soft_ws {
    size_t m, d, md;
    double *wts;  /* md: 1 / (lam - mu) at the last evaluation */
    double *gy;   /* md: G y */
    double *V;    /* d x d: eigenvectors of S */
    double *lam;  /* md: eigenvalues of v_j A_j, unit j at j d */
    double *sorted; /* md: lam ascending */
    double *G;    /* md x d: row j d + k is v_j Q_j[:, k]^T */
    double *T;    /* md x d scratch: diag(1 / (lam - mu)) G */
    double *S;    /* d x d */
    double *ev;   /* d */
    double scale; /* max |lam| = max_j ||v_j A_j||_2 */
} soft_ws;

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Diagonalise every v_j A_j (K: the A_j, d x d x m; Q: d x d scratch). */
static ll_status soft_diag(soft_ws *w, const double *v, double *K, double *Q)
{
    size_t d = w->d, md = w->md;
    w->scale = 0.0;
    for (size_t j = 0; j < w->m; j++) {
        double *Kj = K + j * d * d;
        for (size_t e = 0; e < d * d; e++)
            Kj[e] *= v[j];
        ll_status st = ll_sym_eig_all(d, Kj, w->lam + j * d, Q);
        if (st != LL_OK)
            return st;
        for (size_t k = 0; k < d; k++) {
            w->scale = fmax(w->scale, fabs(w->lam[j * d + k]));
            for (size_t a = 0; a < d; a++)
                w->G[j * d + k + a * md] = v[j] * Q[a + k * d];
        }
    }
    memcpy(w->sorted, w->lam, md * sizeof *w->lam);
    qsort(w->sorted, md, sizeof *w->sorted, cmp_dbl);
    return LL_OK;
}

/* At mu (nudged off the poles): count(mu) = neg(D - mu I) + pos(S(mu)) - d,
 * neg, the weights wts = 1 / (lam - mu), the eigenvalues ev and vectors V
 * of S(mu). */
static ll_status soft_eval(soft_ws *w, double *mu, long *count, long *neg)
{
    size_t d = w->d, md = w->md;
    int again = 1;
    while (again) {
        again = 0;
        for (size_t c = 0; c < md && !again; c++)
            if (w->lam[c] == *mu)
                *mu = nextafter(*mu, -INFINITY), again = 1;
    }
    long ng = 0;
    for (size_t c = 0; c < md; c++) {
        w->wts[c] = 1.0 / (w->lam[c] - *mu);
        ng += w->lam[c] < *mu;
    }
    for (size_t a = 0; a < d; a++) /* column by column: contiguous */
        for (size_t c = 0; c < md; c++)
            w->T[c + a * md] = w->wts[c] * w->G[c + a * md];
    ll_gemm(1, 0, d, d, md, 1.0, w->G, md, w->T, md, 0.0, w->S, d);
    ll_status st = ll_sym_eig_all(d, w->S, w->ev, w->V);
    if (st != LL_OK)
        return st;
    long pos = 0;
    for (size_t a = 0; a < d; a++)
        pos += w->ev[a] > 0.0;
    *neg = ng;
    *count = ng + pos - (long)d;
    return LL_OK;
}

/* Newton step for target t (0-based: the (t+1)-th speed) from mu. Every
 * eigenvalue of S increases with mu (S' = sum g g^T / (l - mu)^2 > 0), and
 * the speed is where one of them crosses zero: from below when
 * count(mu) = t (the largest non-positive one), from above when
 * count(mu) = t + 1 (the smallest positive one). Its derivative is
 * y^T S' y = sum_c ((G y)_c wts_c)^2 for its unit eigenvector y. Returns 0
 * when no such eigenvalue applies (then the caller bisects). */
static int soft_newton(soft_ws *w, double mu, long count, long neg, size_t t,
                       double *x)
{
    long d = (long)w->d, pos = count - neg + d, i;
    if (count == (long)t)
        i = d - pos - 1;
    else if (count == (long)t + 1)
        i = d - pos;
    else
        return 0;
    if (i < 0 || i >= d)
        return 0;
    ll_gemv(0, w->md, w->d, 1.0, w->G, w->md, w->V + i * d, 0.0, w->gy);
    double fp = 0.0;
    for (size_t c = 0; c < w->md; c++) {
        double q = w->gy[c] * w->wts[c];
        fp += q * q;
    }
    if (!(fp > 0.0) || !isfinite(fp))
        return 0;
    *x = mu - w->ev[i] / fp;
    return isfinite(*x);
}

/* Every count narrows every bracket it informs (targets t..k-1). */
static void soft_narrow(double *lo, double *hi, size_t t, size_t k, long c,
                        double mu)
{
    for (size_t u = t; u < k; u++) {
        if (c >= (long)u + 1)
            hi[u] = fmin(hi[u], mu);
        else
            lo[u] = fmax(lo[u], mu);
    }
}

/* One speed: safeguarded Newton inside the bracket [lo[t], hi[t]] from x0
 * (a bisection step whenever the Newton point leaves the bracket, or
 * neither the bracket nor the Newton step halved in two steps: Newton from
 * one side moves only one end of the bracket), until the bracket or the
 * Newton step is below 2 eps relative (floored at 1e-3 eps ||D||). */
static ll_status soft_one(soft_ws *w, size_t t, size_t k, double *lo,
                          double *hi, double x0, double *speed)
{
    double floor_tol = 1e-3 * DBL_EPSILON * w->scale;
    double x = x0 > lo[t] && x0 < hi[t] ? x0 : lo[t] + 0.5 * (hi[t] - lo[t]);
    double wp1 = INFINITY, wp2 = INFINITY, dp1 = INFINITY, dp2 = INFINITY;
    for (int it = 0; it < 400; it++) {
        double mid = lo[t] + 0.5 * (hi[t] - lo[t]);
        double tol = fmax(2.0 * DBL_EPSILON * fabs(mid), floor_tol);
        if (hi[t] - lo[t] <= tol || mid <= lo[t] || mid >= hi[t])
            break;
        long c, neg;
        ll_status st = soft_eval(w, &x, &c, &neg);
        if (st != LL_OK)
            return st;
        soft_narrow(lo, hi, t, k, c, x);
        double xn = x;
        int nt = soft_newton(w, x, c, neg, t, &xn);
        double dx = fabs(xn - x);
        if (nt && dx <= fmax(2.0 * DBL_EPSILON * fabs(x), floor_tol) &&
            xn >= lo[t] && xn <= hi[t]) {
            *speed = xn;
            return LL_OK;
        }
        double width = hi[t] - lo[t];
        if (!nt || xn <= lo[t] || xn >= hi[t] ||
            (width > 0.5 * wp2 && !(dx <= 0.5 * dp2)))
            xn = lo[t] + 0.5 * width, dx = INFINITY;
        wp2 = wp1, wp1 = width, dp2 = dp1, dp1 = dx, x = xn;
    }
    *speed = lo[t] + 0.5 * (hi[t] - lo[t]);
    return LL_OK;
}

/* The k smallest restricted eigenvalues, each inside its interlacing
 * bracket. */
static ll_status soft_bisect(soft_ws *w, size_t k, double *lo, double *hi,
                             double *speeds)
{
    double margin = 4.0 * DBL_EPSILON * w->scale + DBL_MIN;
    for (size_t t = 0; t < k; t++) {
        lo[t] = w->sorted[t] - margin;
        hi[t] = w->sorted[t + w->d] + margin;
    }
    for (size_t t = 0; t < k; t++) {
        if (t > 0)
            lo[t] = fmax(lo[t], speeds[t - 1] - margin);
        /* start just above the last speed, by the last spacing: the
         * speeds come in clusters, and there count(x) = t or t + 1, where
         * Newton applies (the bracket's midpoint can lie ~d eigenvalues
         * of D away) */
        double x0 = NAN;
        if (t >= 2 && speeds[t - 1] > speeds[t - 2])
            x0 = speeds[t - 1] + (speeds[t - 1] - speeds[t - 2]);
        ll_status st = soft_one(w, t, k, lo, hi, x0, speeds + t);
        if (st != LL_OK)
            return st;
    }
    return LL_OK;
}

static ll_status soft_check(const ll_model *M, size_t k, const double *speeds,
                            ll_errbuf *eb)
{
    if (!M || !speeds)
        return ll_err(eb, LL_ERR_ARG, "model: softening needs M and speeds");
    if (M->train_v || M->bias)
        return ll_err(eb, LL_ERR_ARG, "model: the softening closed form "
                      "needs the default model (fixed v, no biases)");
    if (M->m < 2 || ll_nrm2(M->m, M->v0) == 0.0)
        return ll_err(eb, LL_ERR_ARG, "model: the softening closed form needs "
                      "width >= 2 and v != 0 (E = v-perp x R^d is empty)");
    if (k < 1 || k > (M->m - 1) * M->d)
        return ll_err(eb, LL_ERR_ARG, "model: softening: k = %zu speeds "
                      "asked, there are (m-1)d = %zu", k, (M->m - 1) * M->d);
    return LL_OK;
}

/* Index of the r-th (0-based) eigenvalue of S nearest zero (ev: d). */
static size_t nth_nearest_zero(const double *ev, size_t d, size_t r)
{
    size_t best = 0;
    for (size_t a = 0; a < d; a++) { /* rank of a by |ev|, ties by index */
        size_t rank = 0;
        for (size_t b = 0; b < d; b++)
            rank += fabs(ev[b]) < fabs(ev[a]) ||
                    (fabs(ev[b]) == fabs(ev[a]) && b < a);
        if (rank == r)
            best = a;
    }
    return best;
}

/* Column t of V (P x k): the unit direction dW of speed t. For S(mu) y = 0
 * (y: the eigenvector of S(mu) whose eigenvalue is the r-th nearest zero,
 * r = how many earlier speeds equal this one to 1e-12 relative, so that a
 * repeated speed gets independent vectors), dW_j = (v_j A_j - mu I)^{-1}
 * v_j y = Q_j diag(wts) (G y)_j: then sum_j v_j dW_j = S(mu) y = 0 (dW is
 * in E) and (D - mu I) dW = C^T y, the KKT eigen-equation. Q_j = G_j^T /
 * v_j (G's rows are v_j Q_j[:, c]^T); a unit with v_j = 0 has dW_j = 0. */
static ll_status soft_vectors(soft_ws *w, const double *v, size_t k,
                              const double *speeds, double *V)
{
    size_t d = w->d, md = w->md;
    for (size_t t = 0; t < k; t++) {
        double mu = speeds[t], *col = V + t * md;
        size_t r = 0;
        for (size_t s = 0; s < t; s++)
            r += fabs(speeds[s] - speeds[t]) <=
                 1e-12 * fmax(fabs(speeds[t]), w->scale);
        long c, neg;
        ll_status st = soft_eval(w, &mu, &c, &neg);
        if (st != LL_OK)
            return st;
        size_t i = nth_nearest_zero(w->ev, d, r < d ? r : d - 1);
        ll_gemv(0, md, d, 1.0, w->G, md, w->V + i * d, 0.0, w->gy);
        for (size_t q = 0; q < md; q++)
            w->gy[q] *= w->wts[q];
        for (size_t j = 0; j < w->m; j++)
            for (size_t a = 0; a < d; a++) {
                double acc = 0.0;
                for (size_t q = 0; q < d; q++)
                    acc += w->G[j * d + q + a * md] * w->gy[j * d + q];
                /* G's rows of a unit with v_j = 0 are 0: so is dW_j */
                col[j * d + a] = v[j] != 0.0 ? acc / v[j] : 0.0;
            }
        double nrm = ll_nrm2(md, col);
        if (!(nrm > 0.0) || !isfinite(nrm))
            return LL_ERR_SINGULAR;
        for (size_t q = 0; q < md; q++)
            col[q] /= nrm;
    }
    return LL_OK;
}

ll_status ll_model_softening_smallest(const ll_model *M, size_t k,
                                      double *speeds, double *noise,
                                      ll_errbuf *eb)
{
    return ll_model_softening_vectors(M, k, speeds, noise, NULL, eb);
}

ll_status ll_model_softening_vectors(const ll_model *M, size_t k,
                                     double *speeds, double *noise, double *V,
                                     ll_errbuf *eb)
{
    ll_status st = soft_check(M, k, speeds, eb);
    if (st != LL_OK)
        return st;
    size_t m = M->m, d = M->d, N = M->n, md = m * d;
    size_t tot = md * d * 2 + md * 4 + d * d * 3 + d * 2 + N * (d + 1) + 2 * k;
    double *buf = malloc(tot * sizeof *buf), e22;
    if (!buf)
        return ll_err(eb, LL_ERR_NOMEM, "model: softening: out of memory "
                      "(%zu doubles)", tot);
    soft_ws w = {0};
    w.m = m, w.d = d, w.md = md;
    double *K = buf; /* the A_j, then reused as T */
    w.G = K + md * d, w.lam = w.G + md * d, w.sorted = w.lam + md;
    w.S = w.sorted + md;
    double *Q = w.S + d * d, *u = Q + d * d;
    w.ev = u + d;
    double *scr = w.ev + d, *lo = scr + N * (d + 1), *hi = lo + k;
    w.wts = hi + k, w.gy = w.wts + md, w.V = w.gy + md;
    st = ll_model_lin_solve_u(M, u, Q, eb);
    if (st == LL_OK) {
        ll_model_lin_unit_forms(M, u, K, &e22, scr);
        st = soft_diag(&w, M->v0, K, Q);
        w.T = K;
        if (st == LL_OK)
            st = soft_bisect(&w, k, lo, hi, speeds);
        if (st == LL_OK && V)
            st = soft_vectors(&w, M->v0, k, speeds, V);
        if (st != LL_OK)
            ll_err(eb, st, "model: softening: a d x d eigenproblem failed");
    }
    /* Rounding level: each entry of A_j is a sum of N products, so forming
     * it perturbs v_j A_j by up to about N eps ||v_j A_j|| (the worst-case
     * bound for a recursive sum of N terms); by Weyl the restricted
     * eigenvalues move by at most ||dD||_2 = max_j ||d(v_j A_j)||_2. The
     * bisection itself stops far below this (2 eps relative, 1e-3 eps
     * ||D|| absolute) and the eigendecompositions add O(d eps ||D||). */
    if (st == LL_OK && noise)
        *noise = (double)(N + d) * DBL_EPSILON * w.scale;
    free(buf);
    return st;
}
