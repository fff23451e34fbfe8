/* The matrix-free Hessian path of the continuation (cont.h,
 * LL_HESSIAN_MATFREE; issue 5 item 3): bordered solves with
 * J = [[H, u], [w^T, d]] from products H x only.
 *
 * Products. The problem's prepared Hessian (problem.h hlin_*: the forward
 * pass done once per point into a handle owned here) when it has one, else
 * its hvp.
 *
 * Deflation. Near a fold or branch point H has an eigenvalue theta_1 -> 0:
 * MINRES on H then needs ever more steps and block elimination with H^{-1}
 * loses ~ cond(H) of the solve's accuracy (at a located event cond(H) ~
 * 1e12). The computed smallest eigenpairs (theta_i, v_i) of the latest
 * eigensolve (at this point or the last one: any vectors will do) whose
 * |theta_i| < LL_HOP_DEFL_REL |theta_top| (theta_top the largest computed
 * |theta|) form D, and
 *     H~ = H + D G D^T,   G = diag(g - theta_i),  g = |theta_top|,
 * moves them to about g: H~ has the conditioning of the rest of the
 * spectrum. With z = G D^T y_x (so H y_x = H~ y_x - D z), J y = r reads
 *     H~ y_x + u y_p - D z = r_x,  w^T y_x + d y_p = r_p,  D^T y_x - G^{-1} z = 0,
 * and block elimination with H~ (Govaerts, SIAM J. Matrix Anal. Appl. 12
 * (1991) 541, with k + 1 borders) gives, from a = H~^{-1} r_x,
 * hu = H~^{-1} u and C = H~^{-1} D (the last two cached per point),
 *     y_x = a - hu y_p + C z,
 *     [ d - w^T hu    w^T C             ] [y_p]   [r_p - w^T a]
 *     [ -D^T hu       D^T C - G^{-1}    ] [ z ] = [ -D^T a    ],
 * a (1 + kd) x (1 + kd) system. This is exact for ANY D and G > 0 (D need
 * not be accurate eigenvectors, nor at this point): only the conditioning
 * of H~ depends on them. Each H~^{-1} is MINRES to LL_HOP_MINRES_RTOL;
 * iterative refinement on J itself (residual by one product) then brings
 * the normwise backward error to 8 sqrt(m) eps as in ws.c: each step
 * multiplies the residual by about the MINRES tolerance. H^{-1} alone is
 * the same without the border row and column. The condition estimate
 * (Hager/Higham on J^{-1}, J^{-T}) uses the unrefined eliminations.
 *
 * The range solves of the Lyapunov-Schmidt coefficients are the bordered
 * system with u = w = phi, d = 0. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cont/hop_impl.h"
#include "losslab/krylov.h"
#include "losslab/linalg.h"

/* Eigenvalues below this fraction of the largest computed |theta| are
 * deflated: they are what makes H ill-conditioned relative to the rest of
 * its low spectrum (a cluster of equal small eigenvalues is not: MINRES
 * resolves it in one step). */
#define LL_HOP_DEFL_REL 0.25
/* Refinement steps of a bordered solve before giving up. */
#define LL_HOP_REFINE_MAX 6
/* A MINRES solve that missed its tolerance is still used (as a step of a
 * refinement) up to this relative residual. */
#define LL_HOP_MINRES_USABLE 1e-5

ll_status ll_hop_mf_create(ll_cont_ws *ws, ll_cont_hop *h)
{
    const ll_problem *pb = ws->pb;
    ll_hop_mf *f = &h->mf;
    size_t n = h->n, m = n + 1;
    f->kd_max = n < LL_HOP_DEFL_MAX ? n : LL_HOP_DEFL_MAX;
    size_t ks = f->kd_max + 1;
    f->D = malloc(n * f->kd_max * sizeof *f->D);
    f->C = malloc(n * f->kd_max * sizeof *f->C);
    f->G = malloc(ks * sizeof *f->G);
    f->hu = malloc(n * sizeof *f->hu);
    f->ucopy = malloc(n * sizeof *f->ucopy);
    f->a = malloc(n * sizeof *f->a);
    f->y = malloc(m * sizeof *f->y);
    f->res = malloc(m * sizeof *f->res);
    f->hy = malloc(n * sizeof *f->hy);
    f->hw = malloc(n * sizeof *f->hw);
    f->S = malloc(ks * ks * sizeof *f->S);
    f->Sw = malloc(ks * ks * sizeof *f->Sw);
    f->q = malloc(2 * ks * sizeof *f->q);
    f->est_work = malloc(2 * m * sizeof *f->est_work);
    f->est_iwork = malloc(m * sizeof *f->est_iwork);
    f->mr_work = malloc(8 * n * sizeof *f->mr_work);
    if (!f->D || !f->C || !f->G || !f->hu || !f->ucopy || !f->a || !f->y ||
        !f->res || !f->hy || !f->hw || !f->S || !f->Sw || !f->q ||
        !f->est_work || !f->est_iwork || !f->mr_work)
        return LL_ERR_NOMEM;
    int has_lin = pb->hlin_create && pb->hlin_set && pb->hlin_apply &&
                  pb->hlin_destroy && h->path == LL_HESSIAN_MATFREE;
    if (has_lin)
        return pb->hlin_create(pb->ctx, &f->lin);
    return LL_OK;
}

void ll_hop_mf_free(ll_cont_hop *h, const ll_problem *pb)
{
    ll_hop_mf *f = &h->mf;
    if (f->lin && pb->hlin_destroy)
        pb->hlin_destroy(pb->ctx, f->lin);
    free(f->D), free(f->C), free(f->G), free(f->hu), free(f->ucopy);
    free(f->a), free(f->y), free(f->res), free(f->hy), free(f->hw);
    free(f->S), free(f->Sw), free(f->q), free(f->est_work), free(f->est_iwork);
    free(f->mr_work);
    memset(f, 0, sizeof *f);
}

ll_status ll_hop_mf_at(ll_cont_ws *ws)
{
    ll_cont_hop *h = ws->hop;
    const ll_problem *pb = ws->pb;
    h->mf.C_ok = h->mf.hu_ok = 0;
    if (!h->mf.lin)
        return LL_OK;
    ll_status st = pb->hlin_set(pb->ctx, h->mf.lin, h->X, h->X[h->n]);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: hlin_set callback failed at p = %g",
                      h->X[h->n]);
    return LL_OK;
}

ll_status ll_hop_mf_apply(ll_cont_ws *ws, const double *x, double *y)
{
    ll_cont_hop *h = ws->hop;
    const ll_problem *pb = ws->pb;
    ll_status st = h->mf.lin
                       ? pb->hlin_apply(pb->ctx, h->mf.lin, x, y)
                       : pb->hvp(pb->ctx, h->X, h->X[h->n], x, y);
    h->mf.applies++;
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: Hessian-vector product failed at "
                      "p = %g", h->X[h->n]);
    return LL_OK;
}

void ll_hop_mf_deflate(ll_cont_hop *h)
{
    ll_hop_mf *f = &h->mf;
    double top = 0.0;
    for (size_t i = 0; i < h->kv; i++)
        top = fmax(top, fabs(h->w[i]));
    f->kd = 0;
    f->dver++;
    for (size_t i = 0; i < h->kv && f->kd < f->kd_max; i++) {
        if (!(fabs(h->w[i]) < LL_HOP_DEFL_REL * top))
            continue;
        memcpy(f->D + f->kd * h->n, h->V + i * h->n, h->n * sizeof *f->D);
        f->G[f->kd++] = top - h->w[i]; /* > 0: |w_i| < top */
    }
}

/* y = H~ x = H x + D G D^T x. */
static ll_status op_tilde(void *user, const double *x, double *y)
{
    ll_cont_ws *ws = user;
    ll_hop_mf *f = &ws->hop->mf;
    size_t n = ws->n;
    ll_status st = ll_cont_hop_apply(ws, x, y);
    if (st != LL_OK || f->kd == 0)
        return st;
    double *q = f->q + f->kd_max + 1;
    ll_gemv(1, n, f->kd, 1.0, f->D, n, x, 0.0, q);
    for (size_t i = 0; i < f->kd; i++)
        q[i] *= f->G[i];
    ll_gemv(0, n, f->kd, 1.0, f->D, n, q, 1.0, y);
    return LL_OK;
}

/* x = H~^{-1} b by MINRES (x and b may alias: the iterate lives in h->z;
 * the scratch is the handle's, no allocation per solve). */
static ll_status tilde_solve(ll_cont_ws *ws, const double *b, double *x)
{
    ll_cont_hop *h = ws->hop;
    size_t n = h->n;
    if (h->path == LL_HESSIAN_STRUCTURED)
        return ll_hop_struct_tilde_solve(ws, b, x);
    ll_minres_opts mo = ll_minres_opts_default();
    ll_minres_info info;
    mo.rtol = LL_HOP_MINRES_RTOL;
    memset(h->z, 0, n * sizeof *h->z);
    ll_status st = ll_minres_work(n, op_tilde, ws, 0.0, NULL, NULL, b, h->z,
                                  &mo, &info, h->mf.mr_work);
    if (st == LL_ERR_NOCONV && info.relres <= LL_HOP_MINRES_USABLE)
        st = LL_OK; /* a refinement step still gains from it */
    if (st == LL_OK)
        memcpy(x, h->z, n * sizeof *x);
    return st;
}

/* C = H~^{-1} D at the operator's point (cached). */
static ll_status ensure_C(ll_cont_ws *ws)
{
    ll_hop_mf *f = &ws->hop->mf;
    size_t n = ws->n;
    if (f->C_ok && f->C_ver == f->dver)
        return LL_OK;
    for (size_t i = 0; i < f->kd; i++) {
        ll_status st = tilde_solve(ws, f->D + i * n, f->C + i * n);
        if (st != LL_OK)
            return st;
    }
    f->C_ok = 1, f->C_ver = f->dver;
    return LL_OK;
}

/* f->hu = H~^{-1} u at the operator's point (cached by u's values). */
static ll_status ensure_hu(ll_cont_ws *ws, const double *u)
{
    ll_hop_mf *f = &ws->hop->mf;
    size_t n = ws->n;
    if (f->hu_ok && f->hu_ver == f->dver &&
        memcmp(f->ucopy, u, n * sizeof *u) == 0)
        return LL_OK;
    f->hu_ok = 0;
    ll_status st = tilde_solve(ws, u, f->hu);
    if (st != LL_OK)
        return st;
    memcpy(f->ucopy, u, n * sizeof *u);
    f->hu_ok = 1, f->hu_ver = f->dver;
    return LL_OK;
}

/* One bordered system (border = 0: H alone). */
typedef struct mf_sys {
    ll_cont_ws *ws;
    const double *u, *w, *hu, *hw; /* hw: only for transposed solves */
    double d;
    int border;
    size_t ns; /* border + kd */
} mf_sys;

/* The small matrix of the elimination (file comment) for J (trans = 0) or
 * J^T (u and w swap), into S (ns x ns). */
static void small_matrix(const mf_sys *b, int trans, double *S)
{
    const ll_hop_mf *f = &b->ws->hop->mf;
    size_t n = b->ws->n, ns = b->ns, o = (size_t)b->border;
    const double *w = trans ? b->u : b->w, *hv = trans ? b->hw : b->hu;
    if (b->border) {
        S[0] = b->d - ll_dot(n, w, hv);
        for (size_t i = 0; i < f->kd; i++) {
            S[(1 + i) * ns] = ll_dot(n, w, f->C + i * n);
            S[1 + i] = -ll_dot(n, f->D + i * n, hv);
        }
    }
    for (size_t j = 0; j < f->kd; j++)
        for (size_t i = 0; i < f->kd; i++)
            S[(o + i) + (o + j) * ns] =
                ll_dot(n, f->D + i * n, f->C + j * n) -
                (i == j ? 1.0 / f->G[i] : 0.0);
}

/* r (n + border) <- K r, K the unrefined elimination of J^{-1} (trans 0)
 * or J^{-T} (trans 1). */
static ll_status elim(const mf_sys *b, int trans, double *r)
{
    ll_hop_mf *f = &b->ws->hop->mf;
    size_t n = b->ws->n, ns = b->ns, o = (size_t)b->border;
    const double *w = trans ? b->u : b->w, *hv = trans ? b->hw : b->hu;
    ll_status st = tilde_solve(b->ws, r, f->a);
    if (st != LL_OK)
        return st;
    double *q = f->q;
    if (b->border)
        q[0] = r[n] - ll_dot(n, w, f->a);
    for (size_t i = 0; i < f->kd; i++)
        q[o + i] = -ll_dot(n, f->D + i * n, f->a);
    if (ns > 0) {
        small_matrix(b, trans, f->Sw);
        if ((st = ll_solve(ns, f->Sw, 1, q, NULL)) != LL_OK)
            return st;
    }
    memcpy(r, f->a, n * sizeof *r);
    if (b->border) {
        for (size_t i = 0; i < n; i++)
            r[i] -= q[0] * hv[i];
        r[n] = q[0];
    }
    if (f->kd > 0)
        ll_gemv(0, n, f->kd, 1.0, f->C, n, q + o, 1.0, r);
    return LL_OK;
}

static ll_status elim_apply(void *user, int trans, double *x)
{
    return elim(user, trans, x);
}

/* res = r0 - J y; returns ||res||_inf in *e (an ll_cont_resid_fn on the
 * mf_sys sys). */
static ll_status residual(const void *sys, const double *r0, const double *y,
                          double *res, double *e)
{
    const mf_sys *b = sys;
    ll_hop_mf *f = &b->ws->hop->mf;
    size_t n = b->ws->n, len = n + (size_t)b->border;
    ll_status st = ll_cont_hop_apply(b->ws, y, f->hy);
    if (st != LL_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        res[i] = r0[i] - f->hy[i] - (b->border ? b->u[i] * y[n] : 0.0);
    if (b->border)
        res[n] = r0[n] - ll_dot(n, b->w, y) - b->d * y[n];
    *e = ll_cont_inf_norm(len, res);
    return LL_OK;
}

/* ||J||_1 and ||J||_inf bounds from ||H||_1 (= ||H||_inf). */
static ll_status sys_norms(const mf_sys *b, double *n1, double *ninf)
{
    if (b->border)
        return ll_cont_hop_border_norms(b->ws, b->u, b->w, b->d, n1, ninf);
    double h1 = 0.0;
    ll_status st = ll_cont_hop_norm1(b->ws, &h1);
    *n1 = *ninf = h1;
    return st;
}

static ll_status elim_fn(const void *sys, double *r)
{
    return elim(sys, 0, r);
}

/* rhs (n + border) <- J^{-1} rhs: elimination + refinement to a backward
 * error of 8 sqrt(len) eps (ll_cont_refine). */
static ll_status refined(const mf_sys *b, double *rhs, double jinf)
{
    ll_hop_mf *f = &b->ws->hop->mf;
    size_t len = b->ws->n + (size_t)b->border;
    memcpy(f->y, rhs, len * sizeof *f->y);
    ll_status st = elim(b, 0, f->y);
    if (st == LL_OK)
        st = ll_cont_refine(b, residual, elim_fn, len, rhs, f->y, f->res,
                            jinf, LL_HOP_REFINE_MAX);
    if (st == LL_OK)
        memcpy(rhs, f->y, len * sizeof *rhs);
    return st;
}

/* The set-up shared by every solve with one system: the caches at this
 * point, and H~^{-1} w when transposed solves follow. */
static ll_status sys_init(mf_sys *b, ll_cont_ws *ws, const double *u,
                          const double *w, double d, int want_t)
{
    ll_hop_mf *f = &ws->hop->mf;
    memset(b, 0, sizeof *b);
    b->ws = ws, b->u = u, b->w = w, b->d = d, b->border = u != NULL;
    b->ns = (size_t)b->border + f->kd;
    ll_status st = ensure_C(ws);
    if (st == LL_OK && u)
        st = ensure_hu(ws, u);
    b->hu = f->hu;
    if (st == LL_OK && u && want_t) {
        st = tilde_solve(ws, w, f->hw);
        b->hw = f->hw;
    }
    return st;
}

ll_status ll_cont_hop_bordered(ll_cont_ws *ws, const double *u,
                               const double *w, double d, double *rhs,
                               int want_rcond)
{
    ll_hop_mf *f = &ws->hop->mf;
    mf_sys b;
    double j1, jinf, est = 0.0;
    ws->last_rcond = NAN;
    ll_status st = sys_init(&b, ws, u, w, d, want_rcond);
    if (st == LL_OK)
        st = sys_norms(&b, &j1, &jinf);
    if (st == LL_OK)
        st = refined(&b, rhs, jinf);
    if (st == LL_OK && want_rcond) {
        st = ll_inv_norm1_est(ws->m, elim_apply, &b, f->est_work,
                              f->est_iwork, &est);
        ws->last_rcond = est > 0.0 ? 1.0 / (j1 * est) : 0.0;
    }
    return st;
}

ll_status ll_hop_mf_solve(ll_cont_ws *ws, size_t nrhs, double *R)
{
    mf_sys b;
    double j1, jinf;
    ll_status st = sys_init(&b, ws, NULL, NULL, 0.0, 0);
    if (st == LL_OK)
        st = sys_norms(&b, &j1, &jinf);
    for (size_t c = 0; st == LL_OK && c < nrhs; c++)
        st = refined(&b, R + c * ws->n, jinf);
    return st;
}

ll_status ll_hop_mf_range_solve(ll_cont_ws *ws, const double *phi,
                                size_t nrhs, double *R)
{
    size_t n = ws->n;
    mf_sys b;
    double j1, jinf, *r = malloc(ws->m * sizeof *r);
    if (!r)
        return LL_ERR_NOMEM;
    ll_status st = sys_init(&b, ws, phi, phi, 0.0, 0);
    if (st == LL_OK)
        st = sys_norms(&b, &j1, &jinf);
    for (size_t c = 0; st == LL_OK && c < nrhs; c++) {
        memcpy(r, R + c * n, n * sizeof *r);
        r[n] = 0.0;
        if ((st = refined(&b, r, jinf)) == LL_OK)
            memcpy(R + c * n, r, n * sizeof *r);
    }
    free(r);
    return st;
}
