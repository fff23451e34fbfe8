/* Lyapunov-Schmidt coefficients at a simple degenerate critical point
 * (MATH.md section 3; Golubitsky & Schaeffer, Singularities and Groups in
 * Bifurcation Theory I, ch. I.3).
 *
 * Derivation (checked for this code). F = grad L, H phi = 0, |phi| = 1, P_R
 * the projection onto range(H) = phi-perp. Write x = x* + a phi + w, w in the
 * range, mu = p - p*, and expand
 *   F(x* + v, p* + mu) = H v + mu F_p + D^3L[v, v, .]/2 + mu H_p v
 *                        + D^4L[v, v, v, .]/6 + O(mu^2, |v|^4, mu |v|^2).
 * The range equation P_R F = 0 slaves w = mu psi + a^2 w2 / 2 + ... with
 *   H psi = -P_R F_p,   H w2 = -P_R B,   B = D^3L[phi, phi, .].
 * The reduced equation g = phi^T F (phi^T H v = 0 since H is symmetric):
 *   g = mu g_p + (1/2) D^3L[v, v, phi] + mu phi^T H_p v + D^4L[v^3, phi]/6
 * with v = a phi + mu psi + a^2 w2/2 gives, collecting a^2, a mu, a^3:
 *   g_aa  = D^3L[phi^3]
 *   g_ap  = phi^T H_p phi + D^3L[phi, phi, psi]
 *   g_aaa = D^4L[phi^4] + 3 B^T w2 = D^4L[phi^4] - 3 B_R^T H_R^+ B_R
 * (the 3 is 6 x (1/2) x 2 x (1/2): the a^3 part of D^3L[v, v, phi]/2 is the
 * cross term a * (a^2/2) D^3L[phi, w2, phi]). This agrees with MATH.md.
 *
 * H_R^+ is applied through the bordered system
 *   [[H, phi], [phi^T, 0]] [y; s] = [r; 0],   r in phi-perp,
 * regular when the kernel is simple. At a located point phi is only an
 * approximate kernel vector (H phi = mu1 phi with |mu1| ~ 1e-12, or a small
 * residual from an extended-system Newton): the bordered matrix stays regular
 * (its conditioning is set by the *other* eigenvalues), the constraint keeps
 * y in phi-perp, and s = -phi^T H y absorbs the residual, so y differs from
 * the exact restricted inverse by O(|H phi| cond(H_R)) only.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bif_internal.h"
#include "losslab/linalg.h"

void ll_bif_normalise_kernel(size_t n, double *phi)
{
    if (n == 0 || !phi)
        return;
    double nrm = ll_nrm2(n, phi);
    if (!(nrm > 0.0) || !isfinite(nrm))
        return;
    size_t imax = 0; /* strict >: ties go to the first such entry */
    for (size_t i = 1; i < n; i++)
        if (fabs(phi[i]) > fabs(phi[imax]))
            imax = i;
    double s = (phi[imax] < 0.0 ? -1.0 : 1.0) / nrm;
    for (size_t i = 0; i < n; i++)
        phi[i] *= s;
}

/* One allocation: H, Hp (n x n), K ((n+1)^2), Fp, B, Hphi (n), rhs 2(n+1). */
typedef struct coef_ws {
    double *H, *Hp, *K, *Fp, *B, *Hphi, *rhs;
    double d4;
} coef_ws;

static ll_status ws_alloc(size_t n, coef_ws *w)
{
    size_t m = n + 1;
    double *b = malloc((2 * n * n + m * m + 3 * n + 2 * m) * sizeof *b);
    if (!b)
        return LL_ERR_NOMEM;
    w->H = b;
    w->Hp = w->H + n * n;
    w->K = w->Hp + n * n;
    w->Fp = w->K + m * m;
    w->B = w->Fp + n;
    w->Hphi = w->B + n;
    w->rhs = w->Hphi + n;
    return LL_OK;
}

/* The ingredients both routes need: Fp = grad_p, B = D^3L[phi, phi, .],
 * *d4 = D^4L[phi^4]; *what names the callback that failed. */
static ll_status eval_common(const ll_problem *pb, const double *x, double p,
                             const double *phi, double *Fp, double *B,
                             double *d4, const char **what)
{
    ll_status st;
    *what = "grad_p";
    if ((st = pb->grad_p(pb->ctx, x, p, Fp)) != LL_OK)
        return st;
    *what = "d3";
    if ((st = pb->d3(pb->ctx, x, p, phi, phi, B)) != LL_OK)
        return st;
    *what = "d4";
    return pb->d4(pb->ctx, x, p, phi, d4);
}

static ll_status callback_failed(ll_status st, const char *what,
                                 ll_errbuf *eb)
{
    return ll_err(eb, st, "bif: the problem's %s callback failed: %s", what,
                  ll_status_str(st));
}

static ll_status eval_ops(const ll_problem *pb, const double *x, double p,
                          const double *phi, coef_ws *w, ll_errbuf *eb)
{
    ll_status st;
    const char *what = "hess";
    if ((st = pb->hess(pb->ctx, x, p, w->H)) == LL_OK) {
        what = "hess_p";
        st = pb->hess_p(pb->ctx, x, p, w->Hp);
    }
    if (st == LL_OK)
        st = eval_common(pb, x, p, phi, w->Fp, w->B, &w->d4, &what);
    return st == LL_OK ? LL_OK : callback_failed(st, what, eb);
}

/* g_p = phi^T F_p, g_aa = D^3L[phi^3] and the right-hand sides of the two
 * range solves: r0 = -P_R F_p, r1 = P_R B (n each). */
static void range_rhs(size_t n, const double *phi, const double *Fp,
                      const double *B, double *g_p, double *g_aa, double *r0,
                      double *r1)
{
    *g_p = ll_dot(n, phi, Fp);
    *g_aa = ll_dot(n, B, phi);
    for (size_t i = 0; i < n; i++) {
        r0[i] = -(Fp[i] - *g_p * phi[i]);
        r1[i] = B[i] - *g_aa * phi[i];
    }
}

/* K = [[H, phi], [phi^T, 0]], column-major (n+1) x (n+1). */
static void bordered_build(size_t n, const double *H, const double *phi,
                           double *K)
{
    size_t m = n + 1;
    for (size_t j = 0; j < n; j++) {
        memcpy(K + j * m, H + j * n, n * sizeof *K);
        K[n + j * m] = phi[j];
        K[j + n * m] = phi[j];
    }
    K[n + n * m] = 0.0;
}

/* rhs columns: [-P_R F_p; 0] and [P_R B; 0] (range_rhs fills the first n
 * entries of each); solved in place to [psi; s0] and [H_R^+ B_R; s1]. */
static ll_status slaved_solve(size_t n, const double *phi, coef_ws *w,
                              ll_errbuf *eb)
{
    size_t m = n + 1;
    w->rhs[n] = w->rhs[m + n] = 0.0;
    bordered_build(n, w->H, phi, w->K);
    double rcond = 0.0;
    ll_status st = ll_solve(m, w->K, 2, w->rhs, &rcond);
    if (st == LL_OK && !(rcond > DBL_EPSILON))
        st = LL_ERR_SINGULAR;
    if (st != LL_OK)
        return ll_err(eb, st,
                      "bif: bordered system [[H, phi], [phi^T, 0]] is singular"
                      " (rcond %.3g): the kernel is not simple",
                      rcond);
    return LL_OK;
}

/* dense: ll_bif_coefficients (needs hess, hess_p); else the _ext route
 * (needs hess_p_vec and the caller's range solver, have_solver). */
static ll_status check_args(const ll_problem *pb, const double *x, double p,
                            const double *phi, const ll_bif_opts *o,
                            const ll_lscoef *c, int dense, int have_solver,
                            ll_errbuf *eb)
{
    if (!pb || !x || !phi || !c || pb->n == 0)
        return ll_err(eb, LL_ERR_ARG, "bif: coefficients need a problem, x, "
                                      "phi and an output struct");
    if (!pb->grad_p || !pb->d3 || !pb->d4)
        return ll_err(eb, LL_ERR_ARG, "bif: coefficients need the grad_p, "
                                      "d3 and d4 callbacks");
    if (!isfinite(p))
        return ll_err(eb, LL_ERR_ARG, "bif: parameter p is not finite");
    if (!(o->gp_zero_rel >= 0.0) || !isfinite(o->gp_zero_rel))
        return ll_err(eb, LL_ERR_ARG, "bif: opts.gp_zero_rel must be >= 0");
    if (!(o->near_pitchfork_ratio >= 0.0))
        return ll_err(eb, LL_ERR_ARG,
                      "bif: opts.near_pitchfork_ratio must be >= 0");
    double nrm = ll_nrm2(pb->n, phi);
    if (!(nrm > 0.0) || !isfinite(nrm))
        return ll_err(eb, LL_ERR_ARG,
                      "bif: kernel vector phi is zero or not finite");
    if (dense && (!pb->hess || !pb->hess_p))
        return ll_err(eb, LL_ERR_ARG, "bif: coefficients need the hess and "
                                      "hess_p callbacks");
    if (!dense && (!pb->hess_p_vec || !have_solver))
        return ll_err(eb, LL_ERR_ARG, "bif: coefficients without a dense "
                                      "Hessian need hess_p_vec and a solver");
    return LL_OK;
}

/* The coefficients from the ingredients (MATH.md section 3): psi and y
 * the range solutions for -P_R F_p and P_R B, hp = phi^T H_p phi. */
static ll_status assemble(size_t n, const double *phi, const double *Fp,
                          const double *B, double d4, double hp,
                          const double *psi, const double *y, double g_p,
                          double g_aa, const ll_bif_opts *o, ll_lscoef *r,
                          ll_errbuf *eb)
{
    r->g_p = g_p, r->g_aa = g_aa;
    r->g_ap = hp + ll_dot(n, B, psi);
    /* B_R^T y with B_R = B - g_aa phi (y is phi-perp up to rounding) */
    double slaved = ll_dot(n, B, y) - g_aa * ll_dot(n, phi, y);
    r->g_aaa_bare = d4;
    r->g_aaa = d4 - 3.0 * slaved;
    ll_bif_scales sc = {ll_nrm2(n, Fp), ll_nrm2(n, B), 3.0 * fabs(slaved)};
    ll_bif_nf_classify(o, &sc, r);
    if (!isfinite(r->g_p) || !isfinite(r->g_aa) || !isfinite(r->g_ap) ||
        !isfinite(r->g_aaa))
        return ll_err(eb, LL_ERR_DATA, "bif: a coefficient is not finite");
    return LL_OK;
}

ll_status ll_bif_coefficients(const ll_problem *pb, const double *x, double p,
                              double *phi, const ll_bif_opts *o,
                              ll_lscoef *c, ll_errbuf *eb)
{
    ll_bif_opts def = ll_bif_opts_default();
    o = o ? o : &def;
    ll_status st = check_args(pb, x, p, phi, o, c, 1, 0, eb);
    if (st != LL_OK)
        return st;
    size_t n = pb->n;
    ll_bif_normalise_kernel(n, phi);
    coef_ws w;
    if (ws_alloc(n, &w) != LL_OK)
        return ll_err(eb, LL_ERR_NOMEM, "bif: out of memory (n = %zu)", n);
    st = eval_ops(pb, x, p, phi, &w, eb);
    ll_lscoef r = {0};
    double g_p = 0.0, g_aa = 0.0;
    if (st == LL_OK) {
        range_rhs(n, phi, w.Fp, w.B, &g_p, &g_aa, w.rhs, w.rhs + n + 1);
        st = slaved_solve(n, phi, &w, eb);
    }
    if (st == LL_OK) {
        ll_gemv(0, n, n, 1.0, w.Hp, n, phi, 0.0, w.Hphi);
        st = assemble(n, phi, w.Fp, w.B, w.d4, ll_dot(n, phi, w.Hphi), w.rhs,
                      w.rhs + n + 1, g_p, g_aa, o, &r, eb);
    }
    free(w.H);
    if (st == LL_OK)
        *c = r;
    return st;
}

/* grad_p, d3, d4 and hess_p_vec at (x, p) into Fp, B, *d4, Hpphi. */
static ll_status eval_ops_ext(const ll_problem *pb, const double *x, double p,
                              const double *phi, double *Fp, double *B,
                              double *d4, double *Hpphi, ll_errbuf *eb)
{
    const char *what;
    ll_status st = eval_common(pb, x, p, phi, Fp, B, d4, &what);
    if (st == LL_OK) {
        what = "hess_p_vec";
        st = pb->hess_p_vec(pb->ctx, x, p, phi, Hpphi);
    }
    return st == LL_OK ? LL_OK : callback_failed(st, what, eb);
}

ll_status ll_bif_coefficients_ext(const ll_problem *pb, const double *x,
                                  double p, double *phi, const ll_bif_opts *o,
                                  ll_bif_range_solve_fn range_solve,
                                  void *user, ll_lscoef *c, ll_errbuf *eb)
{
    ll_bif_opts def = ll_bif_opts_default();
    o = o ? o : &def;
    ll_status st = check_args(pb, x, p, phi, o, c, 0, range_solve != NULL,
                              eb);
    if (st != LL_OK)
        return st;
    size_t n = pb->n;
    ll_bif_normalise_kernel(n, phi);
    double *buf = malloc(5 * n * sizeof *buf), d4 = 0.0;
    if (!buf)
        return ll_err(eb, LL_ERR_NOMEM, "bif: out of memory (n = %zu)", n);
    double *Fp = buf, *B = buf + n, *Hpphi = buf + 2 * n, *R = buf + 3 * n;
    ll_lscoef r = {0};
    st = eval_ops_ext(pb, x, p, phi, Fp, B, &d4, Hpphi, eb);
    double g_p = 0.0, g_aa = 0.0;
    if (st == LL_OK) {
        range_rhs(n, phi, Fp, B, &g_p, &g_aa, R, R + n);
        if ((st = range_solve(user, phi, 2, R)) != LL_OK)
            st = ll_err(eb, st, "bif: bordered system [[H, phi], [phi^T, 0]]"
                        " failed (%s): the kernel is not simple?",
                        ll_status_str(st));
    }
    if (st == LL_OK)
        st = assemble(n, phi, Fp, B, d4, ll_dot(n, phi, Hpphi), R, R + n, g_p,
                      g_aa, o, &r, eb);
    free(buf);
    if (st == LL_OK)
        *c = r;
    return st;
}
