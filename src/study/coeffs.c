/* The coefficient study (MATH.md section 3 and section 4 Exp. 6; seed 000
 * Thm 7.14): at the first event of a trace, every Lyapunov-Schmidt
 * coefficient (a) exactly (ll_bif_coefficients), (b) by Richardson-
 * extrapolated central differences of the problem's exact lower-order ops
 * (a verification reported to the user; formulas in experiments.h), and
 * (c) the paper's formulas (D^3L, D^4L as E[...] sums over the data from the
 * model's activations; g_aaa without the slaved term). Then the line
 * restriction phi_red(a) with its monomial fit and c2 against
 * mu = lambda - lambda* near the event. */
#include "losslab/experiments.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "losslab/model.h"
#include "study/exp_internal.h"

ll_coeffs_opts ll_coeffs_opts_default(void)
{
    ll_coeffs_opts o;
    o.trace = ll_trace_opts_default();
    o.h_p = 1e-3;
    o.h_3 = 1e-3;
    o.h_4 = 1e-2;
    o.line_amax = 0.1;
    o.line_points = 41;
    o.mu_step = 1e-3;
    o.mu_points = 3;
    return o;
}

void ll_coeffs_result_free(ll_coeffs_result *r)
{
    if (!r)
        return;
    ll_trace_result_free(&r->trace);
    free(r->event.x);
    free(r->event.phi);
    free(r->line_a);
    free(r->line_phi);
    free(r->mu);
    free(r->c2_mu);
    free(r->c2_exact_mu);
    memset(r, 0, sizeof *r);
}

/* Scratch for the finite differences (n = P). */
typedef struct cf_ws {
    const ll_problem *pb;
    size_t n;
    double *xt, *F, *H, *Hb, *B; /* n, n, n x n, (n+1)^2, n + 1 */
} cf_ws;

static void cf_ws_free(cf_ws *w)
{
    free(w->xt);
    free(w->F);
    free(w->H);
    free(w->Hb);
    free(w->B);
}

static ll_status cf_ws_init(cf_ws *w, const ll_problem *pb)
{
    size_t n = pb->n;
    memset(w, 0, sizeof *w);
    w->pb = pb;
    w->n = n;
    w->xt = malloc(n * sizeof(double));
    w->F = malloc(n * sizeof(double));
    w->H = malloc(n * n * sizeof(double));
    w->Hb = malloc((n + 1) * (n + 1) * sizeof(double));
    w->B = malloc((n + 1) * sizeof(double));
    return w->xt && w->F && w->H && w->Hb && w->B ? LL_OK : LL_ERR_NOMEM;
}

/* phi^T H(x + t u, p) phi (u may be NULL: t ignored). */
static ll_status cf_q(cf_ws *w, const double *x, const double *u, double t,
                      double p, const double *phi, double *q)
{
    for (size_t i = 0; i < w->n; i++)
        w->xt[i] = x[i] + (u ? t * u[i] : 0.0);
    ll_status st = w->pb->hess(w->pb->ctx, w->xt, p, w->H);
    if (st != LL_OK)
        return st;
    ll_gemv(0, w->n, w->n, 1.0, w->H, w->n, phi, 0.0, w->F);
    *q = ll_dot(w->n, phi, w->F);
    return LL_OK;
}

/* Solve [[H, phi], [phi^T, 0]] [y; c] = [rhs; 0] at (x, p); y into rhs. */
static ll_status cf_bordered(cf_ws *w, const double *x, double p,
                             const double *phi, double *rhs)
{
    size_t n = w->n, m = n + 1;
    ll_status st = w->pb->hess(w->pb->ctx, x, p, w->H);
    if (st != LL_OK)
        return st;
    for (size_t j = 0; j < n; j++) {
        memcpy(w->Hb + j * m, w->H + j * n, n * sizeof(double));
        w->Hb[j * m + n] = phi[j];
        w->Hb[n * m + j] = phi[j];
    }
    w->Hb[n * m + n] = 0.0;
    memcpy(w->B, rhs, n * sizeof(double));
    w->B[n] = 0.0;
    st = ll_solve(m, w->Hb, 1, w->B, NULL);
    if (st == LL_OK)
        memcpy(rhs, w->B, n * sizeof(double));
    return st;
}

/* Richardson on a central difference: (4 D(h/2) - D(h)) / 3. */
static double richardson(double dh, double dh2)
{
    return (4.0 * dh2 - dh) / 3.0;
}

/* g_aa = D^3L[phi^3] and D^4L[phi^4] from q(t) = phi^T H(x + t phi) phi. */
static ll_status cf_fd_d3_d4(cf_ws *w, const double *x, double p,
                             const double *phi, double h3, double h4,
                             double *d3, double *d4)
{
    double q0, qp, qm, D[2], E[2];
    ll_status st = cf_q(w, x, NULL, 0, p, phi, &q0);
    for (int k = 0; st == LL_OK && k < 2; k++) {
        double h = h3 / (1 << k);
        st = cf_q(w, x, phi, h, p, phi, &qp);
        if (st == LL_OK)
            st = cf_q(w, x, phi, -h, p, phi, &qm);
        D[k] = (qp - qm) / (2 * h);
        h = h4 / (1 << k);
        if (st == LL_OK)
            st = cf_q(w, x, phi, h, p, phi, &qp);
        if (st == LL_OK)
            st = cf_q(w, x, phi, -h, p, phi, &qm);
        E[k] = (qp - 2 * q0 + qm) / (h * h);
    }
    *d3 = richardson(D[0], D[1]);
    *d4 = richardson(E[0], E[1]);
    return st;
}

/* out (n) = F_p by Richardson central differences in p. */
static ll_status cf_fd_Fp(cf_ws *w, const double *x, double p, double h,
                          double *out)
{
    size_t n = w->n;
    double *tmp = malloc(2 * n * sizeof *tmp);
    ll_status st = tmp ? LL_OK : LL_ERR_NOMEM;
    for (int k = 0; st == LL_OK && k < 2; k++) {
        double hk = h / (1 << k);
        st = w->pb->grad(w->pb->ctx, x, p + hk, tmp);
        if (st == LL_OK)
            st = w->pb->grad(w->pb->ctx, x, p - hk, tmp + n);
        for (size_t i = 0; st == LL_OK && i < n; i++) {
            double d = (tmp[i] - tmp[n + i]) / (2 * hk);
            out[i] = k == 0 ? d : richardson(out[i], d);
        }
    }
    free(tmp);
    return st;
}

/* B (n) = D^3L[phi, phi, .] by Richardson central differences of H phi. */
static ll_status cf_fd_B(cf_ws *w, const double *x, double p,
                         const double *phi, double h, double *B)
{
    size_t n = w->n;
    double *tmp = malloc(n * sizeof *tmp);
    ll_status st = tmp ? LL_OK : LL_ERR_NOMEM;
    for (int k = 0; st == LL_OK && k < 2; k++) {
        double hk = h / (1 << k), sgn[2] = {1.0, -1.0};
        for (int sidx = 0; st == LL_OK && sidx < 2; sidx++) {
            for (size_t i = 0; i < n; i++)
                w->xt[i] = x[i] + sgn[sidx] * hk * phi[i];
            st = w->pb->hess(w->pb->ctx, w->xt, p, w->H);
            if (st == LL_OK)
                ll_gemv(0, n, n, 1.0, w->H, n, phi, 0.0, sidx ? w->F : tmp);
        }
        for (size_t i = 0; st == LL_OK && i < n; i++) {
            double d = (tmp[i] - w->F[i]) / (2 * hk);
            B[i] = k == 0 ? d : richardson(B[i], d);
        }
    }
    free(tmp);
    return st;
}

/* g_ap by differences: psi from the bordered system with the FD F_p, then
 * r(t) = phi^T H(x + t psi, p + t) phi, g_ap = r'(0) (central + Richardson);
 * also g_aaa = D^4L_fd - 3 B_fd^T H_R^+ B_fd. */
static ll_status cf_fd_gap_gaaa(cf_ws *w, const double *x, double p,
                                const double *phi, const ll_coeffs_opts *o,
                                double d4, double *gap, double *gaaa)
{
    size_t n = w->n;
    double *psi = malloc(n * sizeof *psi), *B = malloc(n * sizeof *B), D[2];
    ll_status st = psi && B ? LL_OK : LL_ERR_NOMEM;
    if (st == LL_OK)
        st = cf_fd_Fp(w, x, p, o->h_p, psi);
    for (size_t i = 0; st == LL_OK && i < n; i++)
        psi[i] = -psi[i];
    if (st == LL_OK)
        st = cf_bordered(w, x, p, phi, psi); /* H psi = -P_R F_p */
    for (int k = 0; st == LL_OK && k < 2; k++) {
        double h = o->h_p / (1 << k), qp, qm;
        st = cf_q(w, x, psi, h, p + h, phi, &qp);
        if (st == LL_OK)
            st = cf_q(w, x, psi, -h, p - h, phi, &qm);
        D[k] = (qp - qm) / (2 * h);
    }
    *gap = richardson(D[0], D[1]);
    if (st == LL_OK)
        st = cf_fd_B(w, x, p, phi, o->h_3, B);
    if (st == LL_OK) {
        memcpy(psi, B, n * sizeof *B);
        st = cf_bordered(w, x, p, phi, psi); /* psi <- H_R^+ P_R B */
    }
    *gaaa = st == LL_OK ? d4 - 3.0 * ll_dot(n, B, psi) : NAN;
    free(psi);
    free(B);
    return st;
}

/* The paper's sums (MATH.md section 3), default model only (parameters =
 * W): D^kf_n = sum_j v_j h^(k)(w_j . x_n) (phi_j . x_n)^k, r = f - y,
 *     D^3L[phi^3] = E[3 Df D^2f + r D^3f],
 *     D^4L[phi^4] = E[3 (D^2f)^2 + 4 Df D^3f + r D^4f]
 * (the regulariser is quadratic: no third or fourth derivative). */
static ll_status cf_paper(const ll_model *M, const ll_data *D, const ll_act *act,
                          const double *x, double p, const double *phi,
                          double *d3, double *d4)
{
    size_t N = D->n, d = D->d, m = ll_model_width(M);
    const double *v = ll_model_v(M);
    double *f = malloc(N * sizeof *f), h[5], s3 = 0, s4 = 0;
    if (!f)
        return LL_ERR_NOMEM;
    ll_status st = ll_model_predict(M, x, p, f);
    for (size_t n = 0; st == LL_OK && n < N; n++) {
        double Df[5] = {0};
        for (size_t j = 0; j < m; j++) {
            double z = 0, u = 0;
            for (size_t i = 0; i < d; i++) {
                z += x[j * d + i] * D->X[i * N + n];
                u += phi[j * d + i] * D->X[i * N + n];
            }
            ll_homotopy_eval(act, z, p, 4, h, NULL);
            for (int k = 1; k <= 4; k++)
                Df[k] += v[j] * h[k] * pow(u, k);
        }
        double r = f[n] - D->y[n];
        s3 += 3 * Df[1] * Df[2] + r * Df[3];
        s4 += 3 * Df[2] * Df[2] + 4 * Df[1] * Df[3] + r * Df[4];
    }
    *d3 = s3 / (double)N;
    *d4 = s4 / (double)N;
    free(f);
    return st;
}

static void cf_row(ll_coeff_row *r, const char *name, double exact, double fd,
                   double step, double paper, const char *formula)
{
    r->name = name;
    r->exact = exact;
    r->fd = fd;
    r->fd_step = step;
    r->fd_rel_err = fabs(fd - exact) / (exact != 0 ? fabs(exact) : 1.0);
    r->paper = paper;
    r->paper_formula = formula;
}

static ll_status cf_rows(cf_ws *w, const ll_model *M, const ll_data *D,
                         const ll_coeffs_opts *o, ll_coeffs_result *res)
{
    const double *x = res->event.x, *phi = res->event.phi;
    double p = res->event.p, fd_gp = NAN, d3, d4, gap, gaaa, q;
    double pd3 = NAN, pd4 = NAN;
    ll_status st = cf_fd_Fp(w, x, p, o->h_p, w->B);
    if (st == LL_OK)
        fd_gp = ll_dot(w->n, phi, w->B);
    if (st == LL_OK)
        st = cf_fd_d3_d4(w, x, p, phi, o->h_3, o->h_4, &d3, &d4);
    if (st == LL_OK)
        st = cf_fd_gap_gaaa(w, x, p, phi, o, d4, &gap, &gaaa);
    if (st != LL_OK)
        return st;
    if (!o->trace.model.train_v && !o->trace.model.bias) {
        st = cf_paper(M, D, o->trace.model.act, x, p, phi, &pd3, &pd4);
        if (st == LL_ERR_NOMEM) /* not a NaN of the formula: an error */
            return st;
        if (st != LL_OK)
            pd3 = pd4 = NAN;
    }
    const ll_lscoef *c = &res->coef;
    cf_row(&res->rows[0], "g_p", c->g_p, fd_gp, o->h_p, NAN, NULL);
    cf_row(&res->rows[1], "g_aa", c->g_aa, d3, o->h_3, pd3,
           "E[3 Df D2f + r D3f] (MATH.md sec. 3)");
    cf_row(&res->rows[2], "g_ap", c->g_ap, gap, o->h_p, NAN, NULL);
    cf_row(&res->rows[3], "g_aaa", c->g_aaa, gaaa, o->h_4, pd4,
           "paper Thm 7.14: D4L[phi^4] without the slaved term, by "
           "E[3 (D2f)^2 + 4 Df D3f + r D4f]");
    cf_row(&res->rows[4], "g_aaa_bare", c->g_aaa_bare, d4, o->h_4, pd4,
           "E[3 (D2f)^2 + 4 Df D3f + r D4f] (MATH.md sec. 3)");
    st = w->pb->hess_p(w->pb->ctx, x, p, w->H);
    if (st == LL_OK) {
        ll_gemv(0, w->n, w->n, 1.0, w->H, w->n, phi, 0.0, w->F);
        res->g_ap_unslaved = ll_dot(w->n, phi, w->F);
    }
    ll_status sq = st == LL_OK ? cf_q(w, x, NULL, 0, p, phi, &q) : st;
    if (sq == LL_OK) {
        res->c2_taylor = 0.5 * q;
        res->c3_taylor = c->g_aa / 6.0;
        res->c4_taylor = c->g_aaa_bare / 24.0;
    }
    return sq == LL_ERR_NOMEM ? sq : st;
}

/* phi_red(a) = L(x + a phi) - L(x) on the symmetric grid, fit c2..c4. */
static ll_status cf_line_fit(const ll_problem *pb, const double *x, double p,
                             const double *phi, double amax, size_t n,
                             double *a, double *y, double *xt, double *c,
                             double *resid)
{
    double L0, La;
    ll_status st = pb->loss(pb->ctx, x, p, &L0);
    for (size_t k = 0; st == LL_OK && k < n; k++) {
        a[k] = amax * ((double)(2 * (long)k) - (double)(n - 1)) / (double)(n - 1);
        for (size_t i = 0; i < pb->n; i++)
            xt[i] = x[i] + a[k] * phi[i];
        st = pb->loss(pb->ctx, xt, p, &La);
        y[k] = La - L0;
    }
    if (st == LL_OK)
        st = ll_study_polyfit(n, a, y, 2, 4, c, resid);
    return st;
}

static ll_status cf_line(cf_ws *w, const ll_coeffs_opts *o,
                         ll_coeffs_result *res)
{
    size_t n = o->line_points;
    double c[3];
    res->line_a = malloc(n * sizeof(double));
    res->line_phi = malloc(n * sizeof(double));
    if (!res->line_a || !res->line_phi)
        return LL_ERR_NOMEM;
    res->line_len = n;
    ll_status st = cf_line_fit(w->pb, res->event.x, res->event.p,
                               res->event.phi, o->line_amax, n, res->line_a,
                               res->line_phi, w->xt, c, &res->line_resid);
    res->c2 = c[0];
    res->c3 = c[1];
    res->c4 = c[2];
    return st;
}

/* The arclength window searched for the points at lambda* + mu:
 * |s - s*| <= 2 mu_max / max(|t_p|, 0.05) (the branch moves |t_p| in lambda
 * per unit arclength), widened to the neighbouring accepted points. At a
 * fold only the arm before the event (s <= s*): the branch is not a graph
 * over lambda there, and the other arm is another critical point. */
static void cf_window(const ll_coeffs_opts *o, const ll_coeffs_result *res,
                      double *lo, double *hi)
{
    const ll_branch *b = &res->trace.cont.branch;
    double s_ev = res->event.s, tp = fabs(res->event.tp);
    double W = 2.0 * (double)o->mu_points * o->mu_step / fmax(tp, 0.05);
    size_t k = 0;
    while (k + 1 < b->len && b->s[k + 1] < s_ev)
        k++;
    *lo = fmin(s_ev - W, b->s[k]);
    *hi = fmax(s_ev + W, b->s[k + 1 < b->len ? k + 1 : k]);
    if (res->event.type == LL_EVENT_FOLD)
        *hi = s_ev;
}

static ll_status cf_mu(cf_ws *w, const ll_coeffs_opts *o,
                       ll_coeffs_result *res)
{
    size_t K = 2 * o->mu_points, n = w->n, cnt = 0, L = o->line_points;
    double lo, hi, c[3], resid, q;
    double *x = malloc(n * sizeof *x), *a = malloc(2 * L * sizeof *a);
    res->mu = malloc(K * sizeof(double));
    res->c2_mu = malloc(K * sizeof(double));
    res->c2_exact_mu = malloc(K * sizeof(double));
    ll_status st = x && a && res->mu && res->c2_mu && res->c2_exact_mu
                       ? LL_OK : LL_ERR_NOMEM;
    double *xt = malloc(n * sizeof *xt);
    if (!xt)
        st = LL_ERR_NOMEM;
    cf_window(o, res, &lo, &hi);
    for (size_t k = 0; st == LL_OK && k < K; k++) {
        long j = (long)(k % o->mu_points) + 1;
        double mu = (k < o->mu_points ? -1.0 : 1.0) * (double)j * o->mu_step;
        ll_errbuf eb2 = {{0}};
        st = ll_study_point_at(w->pb, &res->trace.cont.branch,
                               res->event.p + mu, lo, hi, 1e-13, x, &eb2);
        if (st == LL_ERR_NOMEM)
            break;
        if (st != LL_OK) {
            st = LL_OK;
            continue; /* that lambda is not on this part of the branch */
        }
        st = cf_line_fit(w->pb, x, res->event.p + mu, res->event.phi,
                         o->line_amax, L, a, a + L, xt, c, &resid);
        if (st == LL_OK)
            st = cf_q(w, x, NULL, 0, res->event.p + mu, res->event.phi, &q);
        res->mu[cnt] = mu;
        res->c2_mu[cnt] = c[0];
        res->c2_exact_mu[cnt++] = 0.5 * q;
    }
    res->n_mu = cnt;
    res->slope = res->intercept = res->slope_exact = NAN;
    if (cnt >= 2) {
        double b0;
        ll_study_linfit(cnt, res->mu, res->c2_mu, &res->slope, &res->intercept);
        ll_study_linfit(cnt, res->mu, res->c2_exact_mu, &res->slope_exact, &b0);
    }
    res->slope_predicted = res->event.type == LL_EVENT_FOLD
                               ? NAN : 0.5 * res->coef.g_ap;
    free(x);
    free(a);
    free(xt);
    return st;
}

static ll_status cf_copy_event(ll_coeffs_result *res, size_t n)
{
    const ll_event *e = &res->trace.cont.events[0];
    res->event = *e;
    res->event.x = malloc(n * sizeof(double));
    res->event.phi = malloc(n * sizeof(double));
    if (!res->event.x || !res->event.phi)
        return LL_ERR_NOMEM;
    memcpy(res->event.x, e->x, n * sizeof(double));
    memcpy(res->event.phi, e->phi, n * sizeof(double));
    res->have_event = 1;
    return LL_OK;
}

static ll_status cf_check(const ll_coeffs_opts *o, ll_errbuf *eb)
{
    if (!(o->h_p > 0) || !(o->h_3 > 0) || !(o->h_4 > 0) || o->h_p > 0.1 ||
        o->h_3 > 0.1 || o->h_4 > 0.5)
        return ll_err(eb, LL_ERR_ARG, "coeffs: finite-difference steps must "
                      "be in (0, 0.1] (h_4 in (0, 0.5])");
    if (!(o->line_amax > 0) || o->line_points < 5 || o->line_points % 2 == 0)
        return ll_err(eb, LL_ERR_ARG, "coeffs: line_amax must be > 0 and "
                      "line_points odd and >= 5");
    if (!(o->mu_step > 0) || o->mu_points < 1 || o->mu_points > 50)
        return ll_err(eb, LL_ERR_ARG, "coeffs: mu_step must be > 0 and "
                      "mu_points in [1, 50]");
    return LL_OK;
}

static ll_status cf_body(const ll_data *D, const ll_coeffs_opts *o,
                         ll_coeffs_result *res, ll_errbuf *eb)
{
    ll_trace_opts to = o->trace;
    ll_model *M = NULL;
    ll_problem pb;
    cf_ws w;
    memset(&w, 0, sizeof w);
    to.cont.store_points = 1;
    to.cont.locate_events = 1;
    to.cont.compute_coefs = 1;
    ll_status stop = ll_trace_run(D, &to, &res->trace, eb);
    if (stop < 0 || res->trace.cont.n_events == 0)
        return stop;
    ll_status st = ll_model_create(&M, D, &to.model, eb);
    if (st != LL_OK)
        return st;
    ll_model_problem(M, &pb);
    st = cf_ws_init(&w, &pb);
    if (st == LL_OK)
        st = cf_copy_event(res, pb.n);
    if (st == LL_OK)
        st = ll_bif_coefficients(&pb, res->event.x, res->event.p,
                                 res->event.phi, &to.cont.bif, &res->coef, eb);
    if (st == LL_OK)
        st = cf_rows(&w, M, D, o, res);
    if (st == LL_OK)
        st = cf_line(&w, o, res);
    if (st == LL_OK)
        st = cf_mu(&w, o, res);
    if (st != LL_OK && !eb->msg[0])
        ll_err(eb, st, "coeffs: %s at the event", ll_status_str(st));
    cf_ws_free(&w);
    ll_model_destroy(M);
    return st == LL_OK ? stop : st;
}

ll_status ll_coeffs_run(const ll_data *D, const ll_coeffs_opts *o,
                        ll_coeffs_result *res, ll_errbuf *eb)
{
    ll_errbuf local = {{0}};
    if (!res)
        return ll_err(eb, LL_ERR_ARG, "coeffs: NULL result");
    memset(res, 0, sizeof *res);
    if (!eb)
        eb = &local;
    eb->msg[0] = '\0';
    ll_status st = !D || !o ? ll_err(eb, LL_ERR_ARG, "coeffs: NULL argument")
                            : cf_check(o, eb);
    if (st == LL_OK)
        st = cf_body(D, o, res, eb);
    res->status = st;
    snprintf(res->reason, sizeof res->reason, "%s",
             st < 0 ? eb->msg
                    : res->have_event ? res->trace.reason
                                      : "no event on [0, lambda_max]");
    return st;
}
