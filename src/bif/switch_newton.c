/* The corrector of branch switching (MATH.md section 2): Newton on the
 * extended system G(X) = [F(x, p); c^T X - rhs] with the bordered Jacobian
 * [[H, F_p], [c^T]], optionally deflated (Farrell, Birkisson & Funke, "Deflation
 * techniques for finding distinct solutions of nonlinear PDEs", SISC 2015):
 * Newton on M(X) G(X) with M = prod_k (1/|X - X_k|^2 + 1). Its Jacobian is
 * M J + G grad(M)^T, and by Sherman-Morrison its step is the undeflated
 * step d = -J^{-1} G divided by 1 - grad(M)^T d / M, with
 *     grad(M)/M = sum_k -2 (X - X_k) / (|X - X_k|^4 (1/|X - X_k|^2 + 1)).
 * The roots of M G are those of G except the X_k, so Newton is pushed off
 * the known solutions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bif/switch_internal.h"
#include "losslab/linalg.h"

/* Last correction counted as small (as in the continuation corrector). */
#define LL_SWITCH_STEP_SMALL 1e-6

ll_status ll_switch_ws_init(ll_switch_ws *w, const ll_problem *pb,
                            ll_errbuf *eb)
{
    memset(w, 0, sizeof *w);
    w->pb = pb, w->eb = eb, w->n = pb->n, w->m = pb->n + 1;
    size_t n = w->n, m = w->m;
    double *b = malloc((2 * n + n * n + m * m + m) * sizeof *b);
    if (!b)
        return ll_err(eb, LL_ERR_NOMEM, "bif: out of memory (n = %zu)", n);
    w->F = b, w->Fp = b + n, w->H = w->Fp + n, w->J = w->H + n * n;
    w->r = w->J + m * m;
    return LL_OK;
}

void ll_switch_ws_free(ll_switch_ws *w)
{
    free(w->F);
    w->F = w->Fp = w->H = w->J = w->r = NULL;
}

/* J = [[H, F_p], [c^T]] at X (evaluates H and F_p). */
static ll_status jacobian(ll_switch_ws *w, const double *X, const double *c)
{
    size_t n = w->n, m = w->m;
    double p = X[n];
    ll_status st = w->pb->hess(w->pb->ctx, X, p, w->H);
    if (st == LL_OK)
        st = w->pb->grad_p(w->pb->ctx, X, p, w->Fp);
    if (st != LL_OK)
        return ll_err(w->eb, st, "bif: hess/grad_p callback failed at p = %g",
                      p);
    for (size_t j = 0; j < n; j++) {
        memcpy(w->J + j * m, w->H + j * n, n * sizeof *w->J);
        w->J[n + j * m] = c[j];
    }
    memcpy(w->J + n * m, w->Fp, n * sizeof *w->J);
    w->J[n + n * m] = c[n];
    return LL_OK;
}

/* 1 - grad(M)^T d / M for the deflated step (1 without deflation). */
static double deflation_factor(size_t m, const double *X, const double *d,
                               const double *defl, size_t n_defl)
{
    double s = 0.0;
    for (size_t k = 0; k < n_defl; k++) {
        const double *Xk = defl + k * m;
        double r2 = 0.0, gd = 0.0;
        for (size_t i = 0; i < m; i++) {
            r2 += (X[i] - Xk[i]) * (X[i] - Xk[i]);
            gd += (X[i] - Xk[i]) * d[i];
        }
        if (r2 > 0.0)
            s += -2.0 * gd / (r2 * r2 * (1.0 / r2 + 1.0));
    }
    return 1.0 - s;
}

ll_status ll_switch_newton(ll_switch_ws *w, double *X, const double *c,
                           double rhs, const double *defl, size_t n_defl,
                           int *its)
{
    size_t n = w->n, m = w->m;
    double dnorm = 0.0;
    for (int it = 0; it <= w->maxit; it++) {
        ll_status st = w->pb->grad(w->pb->ctx, X, X[n], w->F);
        if (st != LL_OK)
            return ll_err(w->eb, st, "bif: grad callback failed");
        double fn = ll_nrm2(n, w->F), g = ll_dot(m, c, X) - rhs;
        double xn = ll_nrm2(m, X);
        *its = it;
        if (!isfinite(fn) || !isfinite(g) || !isfinite(xn))
            break;
        if (fn <= w->ftol && fabs(g) <= 1e-12 * (1.0 + xn) &&
            (it == 0 || dnorm <= LL_SWITCH_STEP_SMALL * (1.0 + xn)))
            return LL_OK;
        if (it == w->maxit)
            break;
        /* Out of memory is an error, not a stage that did not converge. */
        if ((st = jacobian(w, X, c)) != LL_OK)
            return st == LL_ERR_NOMEM ? st : LL_ERR_NOCONV;
        for (size_t i = 0; i < n; i++)
            w->r[i] = -w->F[i];
        w->r[n] = -g;
        if ((st = ll_solve(m, w->J, 1, w->r, NULL)) == LL_ERR_NOMEM)
            return ll_err(w->eb, st, "bif: out of memory in the switching "
                          "Newton iteration");
        if (st != LL_OK)
            return LL_ERR_SINGULAR;
        double fac = deflation_factor(m, X, w->r, defl, n_defl);
        if (!(fabs(fac) > 1e-300))
            return LL_ERR_SINGULAR;
        for (size_t i = 0; i < m; i++)
            X[i] += w->r[i] / fac;
        dnorm = ll_nrm2(m, w->r) / fabs(fac);
    }
    return LL_ERR_NOCONV;
}

ll_status ll_switch_tangent(ll_switch_ws *w, const double *X, const double *c,
                            double *t)
{
    size_t m = w->m;
    ll_status st = jacobian(w, X, c);
    if (st != LL_OK)
        return st;
    memset(t, 0, m * sizeof *t);
    t[w->n] = 1.0;
    if ((st = ll_solve(m, w->J, 1, t, NULL)) != LL_OK)
        return ll_err(w->eb, st, "bif: singular system for the tangent of the "
                      "new branch at p = %g", X[w->n]);
    double nt = ll_nrm2(m, t);
    if (!(nt > 0.0) || !isfinite(nt))
        return ll_err(w->eb, LL_ERR_SINGULAR, "bif: degenerate tangent of the "
                      "new branch at p = %g", X[w->n]);
    for (size_t i = 0; i < m; i++)
        t[i] /= nt;
    return LL_OK;
}
