/* The symmetric toy (MATH.md section 4, Exp. 1; seed 000 Prop. 7.2):
 * d = 1, m = 2, v = (1, 1), alpha = 0 by default. With v1 = v2 the swap
 * w1 <-> w2 is a symmetry; its fixed-point line W = z e_L is invariant, and
 * the branch is continued inside it (ll_subspace, the 1-D restricted
 * problem is regular at lambda = 0 although the full Hessian has the kernel
 * e_T there). By the symmetry, e_T and e_L are eigenvectors of the full
 * Hessian on the line, so mu_T = e_T^T H e_T is the transverse eigenvalue;
 * its sign changes are the full problem's symmetry-breaking events, located
 * by the Illinois secant method in lambda. With v1 != v2 the full branch is
 * continued instead (see experiments.h). */
#include "losslab/experiments.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "losslab/linalg.h"
#include "losslab/model.h"
#include "study/exp_internal.h"
#include "study/polish.h"

/* Newton tolerance (scaled) for points at a given lambda. */
#define TOY_NEWTON_TOL 1e-13

ll_toy_opts ll_toy_opts_default(void)
{
    static const double lam[4] = {0.0, 0.3, 0.7, 1.0};
    ll_toy_opts o;
    memset(&o, 0, sizeof o);
    o.act = ll_act_find("tanh");
    o.alpha = 0.0;
    o.v[0] = o.v[1] = 1.0;
    o.cont = ll_cont_opts_default();
    o.cont.p_min = 0.0;
    o.cont.p_max = 1.0;
    o.locate_tol = 1e-10;
    o.n_line = o.n_contour = 4;
    memcpy(o.line_lambda, lam, sizeof lam);
    memcpy(o.contour_lambda, lam, sizeof lam);
    o.line_amax = 1.0;
    o.line_points = 81;
    o.grid = 61;
    o.window = 1.5;
    return o;
}

ll_status ll_toy_data_load(const ll_data_source *src, ll_data *D,
                           ll_errbuf *eb)
{
    if (!src || !D)
        return ll_err(eb, LL_ERR_ARG, "toy: NULL data source or data set");
    if (src->x_path)
        return ll_data_read(D, src->x_path, src->y_path, src->target_col, eb);
    if (src->y_path)
        return ll_err(eb, LL_ERR_ARG, "toy: a target file needs an input file");
    return ll_data_generate_toy(D, &src->gen, eb);
}

void ll_toy_result_free(ll_toy_result *r)
{
    if (!r)
        return;
    double **arr[] = {&r->lambda, &r->s, &r->w1, &r->w2, &r->loss,
                      &r->grad_norm, &r->mu_T, &r->mu_L, &r->offdiag, &r->eig};
    for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++)
        free(*arr[i]);
    free(r->index);
    free(r->events);
    for (size_t i = 0; i < LL_TOY_MAX_PANELS; i++) {
        free(r->lines[i].a);
        free(r->lines[i].phi);
        free(r->contours[i].w1);
        free(r->contours[i].w2);
        free(r->contours[i].L);
    }
    ll_cont_result_free(&r->cont);
    memset(r, 0, sizeof *r);
}

static ll_status toy_check_panels(const ll_toy_opts *o, ll_errbuf *eb)
{
    if (o->n_line > LL_TOY_MAX_PANELS || o->n_contour > LL_TOY_MAX_PANELS)
        return ll_err(eb, LL_ERR_ARG, "toy: at most %d line/contour lambdas",
                      LL_TOY_MAX_PANELS);
    if (!(o->line_amax > 0) || !isfinite(o->line_amax))
        return ll_err(eb, LL_ERR_ARG, "toy: line_amax must be > 0");
    if (o->line_points < 5 || o->line_points % 2 == 0)
        return ll_err(eb, LL_ERR_ARG,
                      "toy: line_points must be odd and >= 5 (got %zu)",
                      o->line_points);
    if (o->grid < 5 || o->grid > 2001)
        return ll_err(eb, LL_ERR_ARG, "toy: grid must be in [5, 2001] (got %zu)",
                      o->grid);
    if (!(o->window > 0) || !isfinite(o->window))
        return ll_err(eb, LL_ERR_ARG, "toy: window must be > 0");
    if (!(o->locate_tol > 0))
        return ll_err(eb, LL_ERR_ARG, "toy: locate_tol must be > 0");
    return LL_OK;
}

static ll_status toy_check(const ll_data *D, const ll_toy_opts *o,
                           ll_errbuf *eb)
{
    if (!D || !o)
        return ll_err(eb, LL_ERR_ARG, "toy: NULL data or options");
    if (D->d != 1)
        return ll_err(eb, LL_ERR_DATA,
                      "toy: the toy model needs 1-D inputs, the data have "
                      "d = %zu", D->d);
    if (!o->act)
        return ll_err(eb, LL_ERR_ARG, "toy: act is NULL");
    if (!isfinite(o->v[0]) || !isfinite(o->v[1]) ||
        (o->v[0] == 0 && o->v[1] == 0))
        return ll_err(eb, LL_ERR_ARG, "toy: v must be finite and not (0, 0)");
    if (!isfinite(o->alpha) || o->alpha < 0)
        return ll_err(eb, LL_ERR_ARG, "toy: alpha must be >= 0");
    if (o->v[0] != o->v[1] && !(o->alpha > 0))
        return ll_err(eb, LL_ERR_ARG,
                      "toy: with v1 != v2 there is no symmetric subspace and "
                      "with alpha = 0 the start at lambda = 0 is singular "
                      "(a line of minimisers); give alpha > 0 or v1 = v2");
    return toy_check_panels(o, eb);
}

/* The problems of one run: the full model and, when symmetric, its
 * restriction to the diagonal. */
typedef struct toy_ctx {
    ll_model *M;
    ll_problem full;
    ll_subspace *sp;
    ll_problem red;
    const ll_problem *cpb; /* the continued problem: &red or &full */
    const double *eT, *eL;
} toy_ctx;

static void toy_ctx_free(toy_ctx *c)
{
    ll_subspace_destroy(c->sp);
    ll_model_destroy(c->M);
}

static ll_status toy_ctx_init(toy_ctx *c, const ll_data *D,
                              const ll_toy_opts *o, ll_toy_result *res,
                              ll_errbuf *eb)
{
    ll_model_opts mo = ll_model_opts_default();
    double nv = hypot(o->v[0], o->v[1]);
    memset(c, 0, sizeof *c);
    mo.width = 2;
    mo.act = o->act;
    mo.alpha = o->alpha;
    mo.v = o->v;
    res->e_L[0] = o->v[0] / nv;
    res->e_L[1] = o->v[1] / nv;
    res->e_T[0] = o->v[1] / nv;
    res->e_T[1] = -o->v[0] / nv;
    c->eT = res->e_T;
    c->eL = res->e_L;
    ll_status st = ll_model_create(&c->M, D, &mo, eb);
    if (st != LL_OK)
        return st;
    ll_model_problem(c->M, &c->full);
    c->cpb = &c->full;
    if (!res->symmetric)
        return LL_OK;
    st = ll_subspace_create(&c->sp, &c->full, NULL, res->e_L, 1, eb);
    if (st == LL_OK) {
        ll_subspace_problem(c->sp, &c->red);
        c->cpb = &c->red;
    }
    return st;
}

/* Full point x (2) from a point of the continued problem. */
static void toy_lift(const toy_ctx *c, const double *z, double *x)
{
    if (c->sp)
        ll_subspace_lift(c->sp, z, x);
    else
        memcpy(x, z, 2 * sizeof *x);
}

static double quad(const double *H, const double *a, const double *b)
{
    return a[0] * (H[0] * b[0] + H[2] * b[1]) + a[1] * (H[1] * b[0] + H[3] * b[1]);
}

/* The start: the closed-form minimiser at lambda = 0, in the coordinates of
 * the continued problem. */
static ll_status toy_start(const toy_ctx *c, double *z0, ll_errbuf *eb)
{
    double W0[2];
    ll_status st = ll_model_linear_start(c->M, W0, eb);
    if (st != LL_OK)
        return st;
    if (c->sp)
        ll_subspace_project(c->sp, W0, z0);
    else
        memcpy(z0, W0, sizeof W0);
    return LL_OK;
}

static ll_status toy_alloc_branch(ll_toy_result *r, size_t len)
{
    double **arr[] = {&r->lambda, &r->s, &r->w1, &r->w2, &r->loss,
                      &r->grad_norm, &r->mu_T, &r->mu_L, &r->offdiag};
    for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++)
        if (!(*arr[i] = malloc((len ? len : 1) * sizeof(double))))
            return LL_ERR_NOMEM;
    r->eig = malloc(2 * (len ? len : 1) * sizeof(double));
    r->index = malloc((len ? len : 1) * sizeof(int));
    r->len = len;
    return r->eig && r->index ? LL_OK : LL_ERR_NOMEM;
}

/* The full problem's spectrum at every point of the continued branch. */
static ll_status toy_fill_branch(toy_ctx *c, ll_toy_result *r, ll_errbuf *eb)
{
    const ll_branch *b = &r->cont.branch;
    double x[2], F[2], H[4];
    int neg, zero, pos;
    if (toy_alloc_branch(r, b->len) != LL_OK)
        return ll_err(eb, LL_ERR_NOMEM, "toy: out of memory");
    for (size_t k = 0; k < b->len; k++) {
        toy_lift(c, b->x + k * b->n, x);
        double p = b->p[k];
        ll_status st = c->full.grad(c->full.ctx, x, p, F);
        if (st == LL_OK)
            st = c->full.hess(c->full.ctx, x, p, H);
        if (st == LL_OK)
            st = ll_sym_eig_all(2, H, r->eig + 2 * k, NULL);
        if (st == LL_OK)
            st = ll_sym_inertia(2, H, &neg, &zero, &pos);
        if (st != LL_OK)
            return ll_err(eb, st, "toy: full Hessian at lambda = %g: %s", p,
                          ll_status_str(st));
        r->lambda[k] = p;
        r->s[k] = b->s[k];
        r->w1[k] = x[0];
        r->w2[k] = x[1];
        r->loss[k] = b->loss[k];
        r->grad_norm[k] = hypot(F[0], F[1]);
        r->mu_T[k] = quad(H, c->eT, c->eT);
        r->mu_L[k] = quad(H, c->eL, c->eL);
        r->offdiag[k] = quad(H, c->eT, c->eL);
        r->index[k] = neg;
    }
    return LL_OK;
}

/* mu_T at the critical point of the diagonal at lambda p; z is the start
 * guess (restricted coordinates) and is overwritten by the point. */
static ll_status toy_muT_at(toy_ctx *c, double p, double *z, double *muT,
                            ll_errbuf *eb)
{
    double x[2], H[4];
    ll_status st = ll_study_polish(c->cpb, z, p, TOY_NEWTON_TOL, 50, NULL,
                                   NULL, eb);
    if (st != LL_OK)
        return st;
    toy_lift(c, z, x);
    st = c->full.hess(c->full.ctx, x, p, H);
    *muT = quad(H, c->eT, c->eT);
    return st;
}

/* d mu_T / d lambda along the diagonal branch (exact):
 *     e_T^T H_p e_T + D^3L[e_T, e_T, x'],  x' = S z',  H_z z' = -F_{z,p}. */
static ll_status toy_dmuT(toy_ctx *c, const double *x, const double *z,
                          double p, double *out)
{
    double Hz, Fzp, Hp[4], B[2], xp[2], zp;
    ll_status st = c->red.hess(c->red.ctx, z, p, &Hz);
    if (st == LL_OK)
        st = c->red.grad_p(c->red.ctx, z, p, &Fzp);
    if (st == LL_OK)
        st = c->full.hess_p(c->full.ctx, x, p, Hp);
    if (st == LL_OK)
        st = c->full.d3(c->full.ctx, x, p, c->eT, c->eT, B);
    if (st != LL_OK)
        return st;
    if (Hz == 0)
        return LL_ERR_SINGULAR;
    zp = -Fzp / Hz;
    xp[0] = c->eL[0] * zp;
    xp[1] = c->eL[1] * zp;
    *out = quad(Hp, c->eT, c->eT) + B[0] * xp[0] + B[1] * xp[1];
    return LL_OK;
}

/* Sign of mu_T with a rounding band: |mu_T| <= 1e-12 max(1, |mu_L|) is 0
 * (at lambda = 0 with alpha = 0 mu_T is 0 in exact arithmetic). */
static int toy_sign(double muT, double muL)
{
    double band = 1e-12 * fmax(1.0, fabs(muL));
    return muT > band ? 1 : muT < -band ? -1 : 0;
}

static ll_status toy_add_event(ll_toy_result *r, const ll_toy_event *ev)
{
    ll_toy_event *e = realloc(r->events, (r->n_events + 1) * sizeof *e);
    if (!e)
        return LL_ERR_NOMEM;
    r->events = e;
    r->events[r->n_events++] = *ev;
    return LL_OK;
}

/* Everything at an event point x (full) / z (continued coordinates) with
 * kernel direction phi of the full problem. */
static void toy_event_finish(toy_ctx *c, const double *z, const double *phi0,
                             ll_toy_event *ev)
{
    double x[2], H[4], phi[2] = {phi0[0], phi0[1]};
    ll_errbuf eb = {{0}};
    ll_bif_opts bo = ll_bif_opts_default();
    toy_lift(c, z, x);
    ev->w[0] = x[0];
    ev->w[1] = x[1];
    ev->dmuT_dlambda = NAN;
    ll_status st = c->full.hess(c->full.ctx, x, ev->lambda, H), sd;
    ev->mu_T = st == LL_OK ? quad(H, c->eT, c->eT) : NAN;
    ev->mu_L = st == LL_OK ? quad(H, c->eL, c->eL) : NAN;
    sd = c->sp ? toy_dmuT(c, x, z, ev->lambda, &ev->dmuT_dlambda) : LL_OK;
    if (sd != LL_OK)
        ev->dmuT_dlambda = NAN; /* NaN: not computed (singular H_z) */
    /* A NaN that is not the maths' (out of memory) is said in the status. */
    if (sd == LL_ERR_NOMEM && st == LL_OK)
        st = sd;
    if (st != LL_OK && ev->status == LL_OK) {
        ev->status = st;
        snprintf(ev->reason, sizeof ev->reason, "toy: %s at the event",
                 ll_status_str(st));
    }
    /* The swap symmetry makes g_aa vanish along e_T: declare it. */
    bo.z2_declared = c->sp && ev->from_transverse;
    st = ll_bif_coefficients(&c->full, x, ev->lambda, phi, &bo, &ev->coef,
                             &eb);
    if (st != LL_OK && ev->status == LL_OK) {
        ev->status = st;
        snprintf(ev->reason, sizeof ev->reason, "%.120s", eb.msg);
    }
}

/* Illinois (modified regula falsi) on g(lambda) = mu_T at the diagonal
 * critical point, between accepted points ka and kb of opposite sign. */
static void toy_locate(toy_ctx *c, ll_toy_result *r, const ll_toy_opts *o,
                       size_t ka, size_t kb, ll_toy_event *ev)
{
    const ll_branch *b = &r->cont.branch;
    double a = r->lambda[ka], fa = r->mu_T[ka], bb = r->lambda[kb],
           fb = r->mu_T[kb], z[2], za[2], zb[2];
    ll_errbuf eb = {{0}};
    memcpy(za, b->x + ka * b->n, b->n * sizeof *za);
    memcpy(zb, b->x + kb * b->n, b->n * sizeof *zb);
    memcpy(z, zb, b->n * sizeof *z);
    ev->status = LL_OK;
    if (b->tp[ka] * b->tp[kb] < 0)
        snprintf(ev->reason, sizeof ev->reason,
                 "the diagonal branch folds inside the bracket");
    for (int it = 0; it < 200 && fabs(bb - a) > o->locate_tol; it++) {
        double cpt = (a * fb - bb * fa) / (fb - fa), fc;
        double t = (cpt - r->lambda[ka]) / (r->lambda[kb] - r->lambda[ka]);
        for (size_t i = 0; i < b->n; i++) /* guess: interpolate the ends */
            z[i] = (1 - t) * za[i] + t * zb[i];
        ll_status st = toy_muT_at(c, cpt, z, &fc, &eb);
        if (st != LL_OK) { /* out of memory is not a location failure */
            ev->status = st == LL_ERR_NOMEM ? st : LL_ERR_LOCATE;
            snprintf(ev->reason, sizeof ev->reason, "%.120s", eb.msg);
            break;
        }
        if (fc * fb < 0) {
            a = bb;
            fa = fb;
        } else {
            fa *= 0.5;
        }
        bb = cpt;
        fb = fc;
        if (fc == 0)
            break;
    }
    ev->lambda = bb;
    ev->locate_dp = fabs(bb - a);
    if (ev->status == LL_OK && ev->locate_dp > o->locate_tol && fb != 0)
        ev->status = LL_ERR_LOCATE;
    toy_event_finish(c, z, c->eT, ev);
}

static ll_status toy_transverse_events(toy_ctx *c, ll_toy_result *r,
                                       const ll_toy_opts *o)
{
    long last = -1;
    int last_sign = 0;
    for (size_t k = 0; k < r->len; k++) {
        int sg = toy_sign(r->mu_T[k], r->mu_L[k]);
        if (sg == 0)
            continue;
        if (last >= 0 && sg != last_sign) {
            ll_toy_event ev;
            memset(&ev, 0, sizeof ev);
            ev.type = "symmetry_breaking";
            ev.from_transverse = 1;
            ev.index_before = r->index[last];
            ev.index_after = r->index[k];
            toy_locate(c, r, o, (size_t)last, k, &ev);
            if (toy_add_event(r, &ev) != LL_OK)
                return LL_ERR_NOMEM;
        }
        last = (long)k;
        last_sign = sg;
    }
    return LL_OK;
}

/* Events of the continued problem (symmetric: folds of the diagonal branch,
 * kernel e_L; asymmetric: every event of the full problem). */
static ll_status toy_cont_events(toy_ctx *c, ll_toy_result *r)
{
    for (size_t i = 0; i < r->cont.n_events; i++) {
        const ll_event *e = &r->cont.events[i];
        ll_toy_event ev;
        memset(&ev, 0, sizeof ev);
        ev.type = ll_event_type_str(e->type);
        ev.lambda = e->p;
        ev.index_before = e->index_before;
        ev.index_after = e->index_after;
        ev.locate_dp = e->locate_dp;
        ev.status = e->status;
        snprintf(ev.reason, sizeof ev.reason, "%.120s", e->reason);
        size_t k = 0; /* full index from the accepted points around s */
        while (k + 1 < r->len && r->s[k + 1] < e->s)
            k++;
        if (c->sp && k + 1 < r->len) {
            ev.index_before = r->index[k];
            ev.index_after = r->index[k + 1];
        }
        double phi[2];
        if (c->sp) {
            phi[0] = c->eL[0];
            phi[1] = c->eL[1];
        } else {
            phi[0] = e->phi[0];
            phi[1] = e->phi[1];
        }
        toy_event_finish(c, e->x, phi, &ev);
        if (toy_add_event(r, &ev) != LL_OK)
            return LL_ERR_NOMEM;
    }
    return LL_OK;
}

static int cmp_toy_event(const void *a, const void *b)
{
    double x = ((const ll_toy_event *)a)->lambda,
           y = ((const ll_toy_event *)b)->lambda;
    return (x > y) - (x < y);
}

static ll_status toy_events(toy_ctx *c, ll_toy_result *r,
                            const ll_toy_opts *o, ll_errbuf *eb)
{
    ll_status st = LL_OK;
    if (r->len > 0)
        r->start_degenerate = toy_sign(r->mu_T[0], r->mu_L[0]) == 0;
    if (c->sp)
        st = toy_transverse_events(c, r, o);
    if (st == LL_OK)
        st = toy_cont_events(c, r);
    if (st != LL_OK)
        return ll_err(eb, st, "toy: out of memory recording events");
    if (r->n_events > 1)
        qsort(r->events, r->n_events, sizeof *r->events, cmp_toy_event);
    return LL_OK;
}

static ll_status toy_line(toy_ctx *c, ll_toy_result *r, const ll_toy_opts *o,
                          size_t i, ll_errbuf *eb)
{
    ll_toy_line *ln = &r->lines[i];
    double z[2], x[2], xa[2], L0, La;
    size_t n = o->line_points;
    ln->lambda = o->line_lambda[i];
    ln->c2 = ln->c3 = ln->c4 = ln->resid = NAN;
    ln->w[0] = ln->w[1] = NAN;
    ln->status = ll_study_point_at(c->cpb, &r->cont.branch, ln->lambda,
                                   -INFINITY, INFINITY, TOY_NEWTON_TOL, z,
                                   eb);
    if (ln->status != LL_OK)
        return LL_OK; /* recorded: that lambda is not on the branch */
    toy_lift(c, z, x);
    ln->w[0] = x[0];
    ln->w[1] = x[1];
    ln->a = malloc(n * sizeof(double));
    ln->phi = malloc(n * sizeof(double));
    if (!ln->a || !ln->phi)
        return ll_err(eb, LL_ERR_NOMEM, "toy: out of memory");
    ln->len = n;
    ll_status st = c->full.loss(c->full.ctx, x, ln->lambda, &L0);
    for (size_t k = 0; st == LL_OK && k < n; k++) {
        /* a symmetric grid: a_k = -a_{n-1-k} exactly */
        double a = o->line_amax * ((double)(2 * (long)k) - (double)(n - 1)) /
                   (double)(n - 1);
        xa[0] = x[0] + a * c->eT[0];
        xa[1] = x[1] + a * c->eT[1];
        st = c->full.loss(c->full.ctx, xa, ln->lambda, &La);
        ln->a[k] = a;
        ln->phi[k] = La - L0;
    }
    double cf[3];
    ll_status sf = st == LL_OK ? ll_study_polyfit(n, ln->a, ln->phi, 2, 4, cf,
                                                  &ln->resid)
                               : st;
    if (sf == LL_OK) {
        ln->c2 = cf[0];
        ln->c3 = cf[1];
        ln->c4 = cf[2];
    } else if (sf == LL_ERR_NOMEM) { /* not a NaN of the fit: an error */
        st = sf;
    }
    ln->status = st;
    if (st != LL_OK)
        return ll_err(eb, st, "toy: line restriction at lambda = %g: %s",
                      ln->lambda, ll_status_str(st));
    return LL_OK;
}

/* The loss on the lattice, tabulated separably: with d = 1 and m = 2,
 *     L(w1, w2) = 1/(2N) sum_n (v1 h(w1 x_n) + v2 h(w2 x_n) - y_n)^2
 *                 + alpha/2 (w1^2 + w2^2),
 * so h is evaluated once per (grid line, sample): 2 G N activations instead
 * of 2 G^2 N through ll_model_loss (the same formula, checked against it in
 * the tests). */
static ll_status toy_lattice(const ll_data *D, const ll_toy_opts *o,
                             ll_toy_contour *ct)
{
    size_t G = ct->grid, N = D->n;
    double *h1 = malloc(G * N * sizeof *h1), *h2 = malloc(G * N * sizeof *h2);
    double h[1];
    if (!h1 || !h2) {
        free(h1);
        free(h2);
        return LL_ERR_NOMEM;
    }
    for (size_t k = 0; k < G; k++)
        for (size_t n = 0; n < N; n++) {
            ll_homotopy_eval(o->act, ct->w1[k] * D->X[n], ct->lambda, 0, h, NULL);
            h1[k * N + n] = o->v[0] * h[0] - D->y[n];
            ll_homotopy_eval(o->act, ct->w2[k] * D->X[n], ct->lambda, 0, h, NULL);
            h2[k * N + n] = o->v[1] * h[0];
        }
    for (size_t j = 0; j < G; j++)
        for (size_t k = 0; k < G; k++) {
            double s = 0.0;
            const double *a = h1 + k * N, *b = h2 + j * N;
            for (size_t n = 0; n < N; n++)
                s += (a[n] + b[n]) * (a[n] + b[n]);
            ct->L[k + G * j] = 0.5 * s / (double)N +
                0.5 * o->alpha * (ct->w1[k] * ct->w1[k] + ct->w2[j] * ct->w2[j]);
        }
    free(h1);
    free(h2);
    return LL_OK;
}

static ll_status toy_contour(toy_ctx *c, ll_toy_result *r, const ll_data *D,
                             const ll_toy_opts *o, size_t i, ll_errbuf *eb)
{
    ll_toy_contour *ct = &r->contours[i];
    double z[2], x[2];
    size_t G = o->grid;
    ct->lambda = o->contour_lambda[i];
    ct->w[0] = ct->w[1] = ct->loss_star = NAN;
    ct->status = ll_study_point_at(c->cpb, &r->cont.branch, ct->lambda,
                                   -INFINITY, INFINITY, TOY_NEWTON_TOL, z,
                                   eb);
    if (ct->status != LL_OK)
        return LL_OK;
    toy_lift(c, z, x);
    ct->w[0] = x[0];
    ct->w[1] = x[1];
    ct->w1 = malloc(G * sizeof(double));
    ct->w2 = malloc(G * sizeof(double));
    ct->L = malloc(G * G * sizeof(double));
    if (!ct->w1 || !ct->w2 || !ct->L)
        return ll_err(eb, LL_ERR_NOMEM, "toy: out of memory");
    ct->grid = G;
    for (size_t k = 0; k < G; k++) {
        double t = -1.0 + 2.0 * (double)k / (double)(G - 1);
        ct->w1[k] = x[0] + o->window * t;
        ct->w2[k] = x[1] + o->window * t;
    }
    ll_status st = c->full.loss(c->full.ctx, x, ct->lambda, &ct->loss_star);
    if (st == LL_OK)
        st = toy_lattice(D, o, ct);
    if (st != LL_OK)
        return ll_err(eb, st, "toy: loss lattice at lambda = %g failed",
                      ct->lambda);
    ct->status = st;
    return st;
}

static double toy_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static ll_status toy_body(const ll_data *D, const ll_toy_opts *o,
                          ll_toy_result *res, toy_ctx *c, ll_errbuf *eb)
{
    double z0[2];
    ll_cont_opts co = o->cont;
    ll_status st = toy_ctx_init(c, D, o, res, eb);
    if (st == LL_OK)
        st = toy_start(c, z0, eb);
    if (st != LL_OK)
        return st;
    co.store_points = 1;
    if (res->symmetric)
        co.n_eigs = 1;
    st = ll_cont_run(c->cpb, z0, 0.0, &co, &res->cont, eb);
    if (st < 0)
        return st;
    ll_status stop = st;
    st = toy_fill_branch(c, res, eb);
    if (st == LL_OK)
        st = toy_events(c, res, o, eb);
    res->n_line = o->n_line;
    res->n_contour = o->n_contour;
    for (size_t i = 0; st == LL_OK && i < o->n_line; i++)
        st = toy_line(c, res, o, i, eb);
    for (size_t i = 0; st == LL_OK && i < o->n_contour; i++)
        st = toy_contour(c, res, D, o, i, eb);
    return st == LL_OK ? stop : st;
}

ll_status ll_toy_run(const ll_data *D, const ll_toy_opts *o,
                     ll_toy_result *res, ll_errbuf *eb)
{
    ll_errbuf local = {{0}};
    toy_ctx c;
    if (!res)
        return ll_err(eb, LL_ERR_ARG, "toy: NULL result");
    memset(res, 0, sizeof *res);
    memset(&c, 0, sizeof c);
    if (!eb)
        eb = &local;
    eb->msg[0] = '\0';
    double t0 = toy_now();
    ll_status st = toy_check(D, o, eb);
    if (st == LL_OK) {
        res->samples = D->n;
        res->symmetric = o->v[0] == o->v[1];
        st = toy_body(D, o, res, &c, eb);
    }
    toy_ctx_free(&c);
    res->time_total = toy_now() - t0;
    res->status = st;
    snprintf(res->reason, sizeof res->reason, "%s",
             st < 0 ? eb->msg : res->cont.reason);
    return st;
}
