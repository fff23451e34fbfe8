/* Continuation workspace and the evaluations every stage shares: F, H, F_p
 * at a point X = (x, p), the bordered solve with [[H, F_p], [c^T]]
 * (MATH.md section 2), and the spectrum at an accepted point: the Morse index
 * from the inertia of a Bunch-Kaufman LDL^T factorisation (Sylvester's law
 * of inertia) and the smallest eigenvalues.
 *
 * Factor once per point. H is factored (LDL^T, dsytrf: n^3/3 flops) once
 * after each evaluation, and that factor gives the inertia AND every solve:
 * the bordered system [[H, u], [w^T, d]] y = r is solved by block
 * elimination (Keller 1977; Govaerts, SIAM J. Matrix Anal. Appl. 12 (1991)
 * 541):
 *     H a = r_x,  H b = u,  y_p = (r_p - w^T a) / (d - w^T b),
 *     y_x = a - y_p b,
 * followed by iterative refinement on the full bordered matrix (residual
 * r - J y by one gemv) until the normwise backward error is at rounding
 * level: near a fold H is nearly singular while J is not, and plain block
 * elimination loses accuracy ~ eps cond(H); each refinement step gains
 * ~ -log10(eps cond(H)) digits (Govaerts and Pryce, IMA J. Numer. Anal. 10
 * (1990) 93: one step makes it backward stable). The dense LU of the
 * (n+1) x (n+1) bordered matrix (2n^3/3 flops + a copy) is kept as the
 * fallback: exact zero pivots, refinement that does not converge, and a
 * bordered matrix whose estimated reciprocal condition is below
 * LL_CONT_RCOND_DENSE (near branch points, where callers decide by the
 * condition number; there the dense LU and dgecon decide as before).
 *
 * H is not re-evaluated at the point it was last evaluated at (the tangent
 * and the spectrum of an accepted point share one evaluation and one
 * factor). Code outside this file may write ws->H (fold.c does): a hash of
 * all of ws->H (O(n^2) integer operations, ~1% of the factorisation at
 * n = 5000) taken at each evaluation / factorisation detects that, and the
 * Hessian is then evaluated / factored again.
 *
 * Non-dense paths (ws->hop, hop.c; cont.h ll_hessian_path): H, Hp, J and
 * V are not allocated. The structured path runs the same block elimination
 * and refinement with hop's Woodbury solves and products H y (no LU
 * fallback: there is no matrix to factor); the matrix-free bordered solve
 * is the deflated elimination of hop_matfree.c. The dense path is refused
 * up front when its ~5 (n+1)^2 doubles exceed half the physical memory.
 *
 * All buffers are allocated once per run here; the inner loops only reuse
 * them. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"

/* Below this estimated reciprocal condition of the bordered matrix the
 * dense LU (with dgecon) is used instead: fill.c switches methods at
 * 1e-11, and the estimate of the block path is good to a factor ~3. */
#define LL_CONT_RCOND_DENSE 1e-8
/* Refinement steps of the block elimination before giving up. */
#define LL_CONT_REFINE_MAX 4

struct ll_cont_fac {
    ll_ldlt *f;
    double *X;      /* m: the point of ws->H (valid when h_known) */
    uint64_t hH;    /* hash of ws->H at that evaluation */
    uint64_t hF;    /* hash of the matrix that f factors */
    double *colsum; /* n: column 1-norms of the factored H */
    int h_known, factored;
    double *B;      /* 3n: block solves [a | H^{-1} u | H^{-1} w] */
    double *y, *res;/* m each: solution and residual of the refinement */
    double *hy;     /* n: H y (non-dense paths) */
    double *work;   /* 2m: condition estimate */
    int *iwork;     /* m */
};

static void fac_free(struct ll_cont_fac *f)
{
    if (!f)
        return;
    ll_ldlt_destroy(f->f);
    free(f->X), free(f->colsum), free(f->B), free(f->hy);
    free(f->y), free(f->res), free(f->work), free(f->iwork), free(f);
}

/* dense = 0: the buffers of the bordered solves only (no LDL^T). */
static struct ll_cont_fac *fac_alloc(size_t n, int dense)
{
    size_t m = n + 1;
    struct ll_cont_fac *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    ll_status st = dense ? ll_ldlt_create(&f->f, n) : LL_OK;
    f->X = malloc(m * sizeof *f->X);
    f->colsum = malloc(n * sizeof *f->colsum);
    f->B = malloc(3 * n * sizeof *f->B);
    f->y = malloc(m * sizeof *f->y);
    f->res = malloc(m * sizeof *f->res);
    f->hy = malloc(n * sizeof *f->hy);
    f->work = malloc(2 * m * sizeof *f->work);
    f->iwork = malloc(m * sizeof *f->iwork);
    if (st != LL_OK || !f->X || !f->colsum || !f->B ||
        !f->y || !f->res || !f->hy || !f->work || !f->iwork) {
        fac_free(f);
        return NULL;
    }
    return f;
}

/* The dense path needs about five n x n matrices (H, H_p, the bordered
 * matrix, eigenvectors, the factor): refuse it when they would take more
 * than half the machine's memory, before malloc's overcommit lets the
 * kernel kill the process later. */
ll_status ll_cont_dense_fits(size_t n, ll_errbuf *eb)
{
    double m = (double)n + 1.0, need = 5.0 * m * m * sizeof(double);
    long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGE_SIZE);
    double have = pages > 0 && psize > 0 ? (double)pages * (double)psize : 0;
    if (have > 0.0 && need > 0.5 * have)
        return ll_err(eb, LL_ERR_NOMEM, "cont: the dense Hessian path "
                      "needs %.1f GB for n = %zu (machine: %.1f GB); use the "
                      "structured or matrix-free path (--hessian)",
                      need / 1e9, n, have / 1e9);
    return LL_OK;
}

static ll_status dense_fits(const ll_cont_ws *ws)
{
    return ll_cont_dense_fits(ws->n, ws->eb);
}

static ll_status ws_init_dense(ll_cont_ws *ws)
{
    size_t n = ws->n, m = ws->m;
    ll_status st = dense_fits(ws);
    if (st != LL_OK)
        return st;
    if (!ws->pb->hess)
        return ll_err(ws->eb, LL_ERR_ARG, "cont: the dense path needs the "
                      "problem's hess");
    ws->H = malloc(n * n * sizeof *ws->H);
    ws->Hp = malloc(n * n * sizeof *ws->Hp);
    ws->J = malloc(m * m * sizeof *ws->J);
    ws->V = malloc(n * n * sizeof *ws->V);
    ws->fac = fac_alloc(n, 1);
    if (!ws->H || !ws->Hp || !ws->J || !ws->V || !ws->fac)
        return ll_err(ws->eb, LL_ERR_NOMEM, "cont: out of memory for n = %zu",
                      n);
    return LL_OK;
}

static ll_status ws_init_other(ll_cont_ws *ws)
{
    const ll_problem *pb = ws->pb;
    int ok = pb->hess_p_vec != NULL &&
             (ws->path == LL_HESSIAN_STRUCTURED ? pb->hess_struct != NULL
                                                : pb->hvp != NULL);
    if (!ok)
        return ll_err(ws->eb, LL_ERR_ARG, "cont: the %s Hessian path needs "
                      "the problem's hess_p_vec and %s",
                      ll_hessian_path_str(ws->path),
                      ws->path == LL_HESSIAN_STRUCTURED ? "hess_struct"
                                                        : "hvp");
    ws->fac = fac_alloc(ws->n, 0);
    if (!ws->fac)
        return ll_err(ws->eb, LL_ERR_NOMEM, "cont: out of memory for n = %zu",
                      ws->n);
    return ll_cont_hop_create(ws, ws->path);
}

ll_status ll_cont_ws_init(ll_cont_ws *ws, const ll_problem *pb,
                          const ll_cont_opts *o, ll_errbuf *eb)
{
    memset(ws, 0, sizeof *ws);
    ws->pb = pb, ws->o = o, ws->eb = eb;
    ws->n = pb->n, ws->m = pb->n + 1;
    ws->n_eigs = o->n_eigs < (int)pb->n ? o->n_eigs : (int)pb->n;
    ws->path = ll_hessian_path_resolve(o->hessian, pb);
    size_t n = ws->n, m = ws->m;
    ws->F = malloc(n * sizeof *ws->F);
    ws->Fp = malloc(n * sizeof *ws->Fp);
    ws->r = malloc(m * sizeof *ws->r);
    ws->w = malloc(n * sizeof *ws->w);
    ws->tmp = malloc(m * sizeof *ws->tmp);
    ws->tmp2 = malloc(m * sizeof *ws->tmp2);
    ws->jac_X = malloc(m * sizeof *ws->jac_X);
    ll_status st = LL_OK;
    if (!ws->F || !ws->Fp || !ws->r || !ws->w || !ws->tmp || !ws->tmp2 ||
        !ws->jac_X)
        st = ll_err(eb, LL_ERR_NOMEM, "cont: out of memory for n = %zu", n);
    else if (ws->path == LL_HESSIAN_DENSE)
        st = ws_init_dense(ws);
    else
        st = ws_init_other(ws);
    if (st != LL_OK)
        ll_cont_ws_free(ws);
    return st;
}

void ll_cont_ws_free(ll_cont_ws *ws)
{
    free(ws->F), free(ws->Fp), free(ws->H), free(ws->Hp), free(ws->J);
    free(ws->r), free(ws->w), free(ws->V), free(ws->tmp), free(ws->tmp2);
    free(ws->jac_X);
    fac_free(ws->fac);
    ll_cont_hop_destroy(ws->hop);
    ws->F = ws->Fp = ws->H = ws->Hp = ws->J = NULL;
    ws->r = ws->w = ws->V = ws->tmp = ws->tmp2 = ws->jac_X = NULL;
    ws->fac = NULL;
    ws->hop = NULL;
}

ll_status ll_cont_point_alloc(const ll_cont_ws *ws, ll_cont_point *pt)
{
    memset(pt, 0, sizeof *pt);
    pt->X = calloc(ws->m, sizeof *pt->X);
    pt->t = calloc(ws->m, sizeof *pt->t);
    pt->mu = calloc((size_t)ws->n_eigs + 1, sizeof *pt->mu);
    if (!pt->X || !pt->t || !pt->mu) {
        ll_cont_point_free(pt);
        return ll_err(ws->eb, LL_ERR_NOMEM, "cont: out of memory for a point");
    }
    return LL_OK;
}

void ll_cont_point_free(ll_cont_point *pt)
{
    free(pt->X), free(pt->t), free(pt->mu);
    memset(pt, 0, sizeof *pt);
}

void ll_cont_point_copy(const ll_cont_ws *ws, ll_cont_point *dst,
                        const ll_cont_point *src)
{
    memcpy(dst->X, src->X, ws->m * sizeof *dst->X);
    memcpy(dst->t, src->t, ws->m * sizeof *dst->t);
    memcpy(dst->mu, src->mu, (size_t)ws->n_eigs * sizeof *dst->mu);
    dst->s = src->s, dst->loss = src->loss, dst->gnorm = src->gnorm;
    dst->index = src->index;
}

ll_status ll_cont_eval_F(ll_cont_ws *ws, const double *X, double *fnorm)
{
    ll_status st = ws->pb->grad(ws->pb->ctx, X, X[ws->n], ws->F);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: gradient callback failed at p = %g",
                      X[ws->n]);
    *fnorm = ll_nrm2(ws->n, ws->F);
    return LL_OK;
}

/* FNV-1a-style hash of the bits of H (n x n), in four independent lanes
 * so that the multiply latency does not serialise it. Any change of an
 * entry changes it except with probability ~2^-64. */
static uint64_t hash_h(size_t n, const double *H)
{
    const uint64_t prime = 0x100000001b3ULL;
    uint64_t h[4] = {0xcbf29ce484222325ULL, 1, 2, 3};
    size_t nn = n * n, k = 0;
    for (; k + 4 <= nn; k += 4)
        for (int l = 0; l < 4; l++) {
            uint64_t b;
            memcpy(&b, &H[k + (size_t)l], sizeof b);
            h[l] = (h[l] ^ b) * prime;
        }
    for (; k < nn; k++) {
        uint64_t b;
        memcpy(&b, &H[k], sizeof b);
        h[0] = (h[0] ^ b) * prime;
    }
    return ((h[0] * prime ^ h[1]) * prime ^ h[2]) * prime ^ h[3];
}

/* ws->H is H(X) (as evaluated here and not overwritten since). */
static int h_is_at(const ll_cont_ws *ws, const double *X)
{
    const struct ll_cont_fac *f = ws->fac;
    return f->h_known && memcmp(f->X, X, ws->m * sizeof *X) == 0 &&
           hash_h(ws->n, ws->H) == f->hH;
}

ll_status ll_cont_eval_H(ll_cont_ws *ws, const double *X)
{
    if (ws->hop)
        return ll_cont_hop_at(ws, X);
    struct ll_cont_fac *f = ws->fac;
    if (h_is_at(ws, X))
        return LL_OK;
    f->h_known = 0, f->factored = 0;
    ll_status st = ws->pb->hess(ws->pb->ctx, X, X[ws->n], ws->H);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: Hessian callback failed at p = %g",
                      X[ws->n]);
    memcpy(f->X, X, ws->m * sizeof *X);
    f->hH = hash_h(ws->n, ws->H);
    f->h_known = 1;
    return LL_OK;
}

ll_status ll_cont_eval_HFp(ll_cont_ws *ws, const double *X)
{
    double p = X[ws->n];
    ws->jac_known = 0;
    ll_status st = ll_cont_eval_H(ws, X);
    if (st != LL_OK)
        return st;
    st = ws->pb->grad_p(ws->pb->ctx, X, p, ws->Fp);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: grad_p callback failed at p = %g", p);
    memcpy(ws->jac_X, X, ws->m * sizeof *X);
    ws->jac_known = 1;
    return LL_OK;
}

int ll_cont_jac_is_at(const ll_cont_ws *ws, const double *X)
{
    if (!ws->jac_known || memcmp(ws->jac_X, X, ws->m * sizeof *X) != 0)
        return 0;
    return ws->hop ? ll_cont_hop_is_at(ws, X) : h_is_at(ws, X);
}

/* The LDL^T factor of the current ws->H (factored now unless it already
 * is), with the column 1-norms of H for the backward-error test. */
static ll_status fac_ensure(ll_cont_ws *ws)
{
    struct ll_cont_fac *f = ws->fac;
    size_t n = ws->n;
    uint64_t h = hash_h(n, ws->H);
    if (f->factored && h == f->hF)
        return LL_OK;
    f->factored = 0;
    if (ll_ldlt_factor(f->f, ws->H) != LL_OK)
        return ll_err(ws->eb, LL_ERR_LAPACK, "cont: LDL^T factorisation "
                      "failed (n = %zu)", n);
    f->hF = h;
    for (size_t j = 0; j < n; j++) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += fabs(ws->H[i + j * n]);
        f->colsum[j] = s;
    }
    f->factored = 1;
    return LL_OK;
}

/* R (n x nrhs) <- H^{-1} R on either path. */
static ll_status hsolve_n(ll_cont_ws *ws, size_t nrhs, double *R)
{
    if (ws->hop)
        return ll_cont_hop_solve(ws, nrhs, R);
    ll_status st = fac_ensure(ws);
    if (st == LL_OK)
        st = ll_ldlt_solve(ws->fac->f, nrhs, R, ws->n);
    return st;
}

ll_status ll_cont_hsolve(ll_cont_ws *ws, double *rhs)
{
    return hsolve_n(ws, 1, rhs);
}

ll_status ll_cont_hscale(ll_cont_ws *ws, double *s)
{
    if (ws->hop)
        return ll_cont_hop_hscale(ws, s);
    double q = 0.0;
    for (size_t i = 0; i < ws->n * ws->n; i++)
        q += ws->H[i] * ws->H[i];
    *s = sqrt(q);
    return LL_OK;
}

/* The bordered matrix J = [[H, u], [w^T, d]] of one solve, with
 * hu = H^{-1} u and hw = H^{-1} w (hw only for solves with J^T). */
typedef struct bsys {
    ll_cont_ws *ws;
    const double *u, *w, *hu, *hw;
    double d;
} bsys;

/* r = (H^{-1} r_x, r_p) -> J^{-1} r (or J^{-T} r, where u and w swap). */
static ll_status be_finish(const bsys *b, int trans, double *r)
{
    size_t n = b->ws->n;
    const double *w = trans ? b->u : b->w, *hu = trans ? b->hw : b->hu;
    double s = b->d - ll_dot(n, w, hu);
    if (!(s != 0.0) || !isfinite(s))
        return LL_ERR_SINGULAR;
    double yp = (r[n] - ll_dot(n, w, r)) / s;
    for (size_t i = 0; i < n; i++)
        r[i] -= yp * hu[i];
    r[n] = yp;
    return LL_OK;
}

static ll_status be_apply(void *user, int trans, double *r)
{
    const bsys *b = user;
    ll_status st = hsolve_n(b->ws, 1, r);
    return st == LL_OK ? be_finish(b, trans, r) : st;
}

double ll_cont_inf_norm(size_t n, const double *x)
{
    double s = 0.0;
    for (size_t i = 0; i < n; i++)
        s = fmax(s, fabs(x[i]));
    return s;
}

/* res = r0 - J y; *e = ||res||_inf (an ll_cont_resid_fn on the bsys sys). */
static ll_status be_residual(const void *sys, const double *r0,
                             const double *y, double *res, double *e)
{
    const bsys *b = sys;
    size_t n = b->ws->n;
    memcpy(res, r0, (n + 1) * sizeof *res);
    if (b->ws->hop) {
        double *hy = b->ws->fac->hy;
        ll_status st = ll_cont_hop_apply(b->ws, y, hy);
        if (st != LL_OK)
            return st;
        for (size_t i = 0; i < n; i++)
            res[i] -= hy[i];
    } else {
        ll_gemv(0, n, n, -1.0, b->ws->H, n, y, 1.0, res);
    }
    for (size_t i = 0; i < n; i++)
        res[i] -= b->u[i] * y[n];
    res[n] -= ll_dot(n, b->w, y) + b->d * y[n];
    *e = ll_cont_inf_norm(n + 1, res);
    return LL_OK;
}

/* Upper bounds of ||J||_1 and ||J||_inf, J = [[H, u], [w^T, d]], from
 * the estimate of ||H||_1 (= ||H||_inf) on the non-dense paths. */
ll_status ll_cont_hop_border_norms(ll_cont_ws *ws, const double *u,
                                   const double *w, double d, double *n1,
                                   double *ninf)
{
    size_t n = ws->n;
    double h1, umax = 0.0, wmax = 0.0, usum = fabs(d), wsum = fabs(d);
    ll_status st = ll_cont_hop_norm1(ws, &h1);
    if (st != LL_OK)
        return st;
    for (size_t j = 0; j < n; j++) {
        umax = fmax(umax, fabs(u[j])), usum += fabs(u[j]);
        wmax = fmax(wmax, fabs(w[j])), wsum += fabs(w[j]);
    }
    *n1 = fmax(h1 + wmax, usum), *ninf = fmax(h1 + umax, wsum);
    return LL_OK;
}

/* ||J||_1 (max column sum) and ||J||_inf (max row sum; H is symmetric). */
static ll_status be_norms(const bsys *b, double *n1, double *ninf)
{
    size_t n = b->ws->n;
    if (b->ws->hop)
        return ll_cont_hop_border_norms(b->ws, b->u, b->w, b->d, n1, ninf);
    const double *cs = b->ws->fac->colsum;
    double a1 = fabs(b->d), ai = fabs(b->d), uinf = 0.0;
    for (size_t j = 0; j < n; j++) {
        double wj = fabs(b->w[j]), uj = fabs(b->u[j]);
        a1 = fmax(a1, cs[j] + wj);
        ai += wj;
        uinf = fmax(uinf, cs[j] + uj);
    }
    double u1 = fabs(b->d);
    for (size_t j = 0; j < n; j++)
        u1 += fabs(b->u[j]);
    *n1 = fmax(a1, u1), *ninf = fmax(ai, uinf);
    return LL_OK;
}

ll_status ll_cont_refine(const void *sys, ll_cont_resid_fn resid,
                         ll_cont_elim_fn elim, size_t len, const double *r0,
                         double *y, double *res, double jinf, int maxit)
{
    double tol = 8.0 * DBL_EPSILON * sqrt((double)len);
    double rn = ll_cont_inf_norm(len, r0);
    ll_status st = LL_OK;
    for (int it = 0; st == LL_OK; it++) {
        double e = 0.0;
        if ((st = resid(sys, r0, y, res, &e)) != LL_OK)
            return st;
        if (e <= tol * (jinf * ll_cont_inf_norm(len, y) + rn))
            return LL_OK;
        if (it == maxit || !isfinite(e))
            return LL_ERR_NOCONV;
        if ((st = elim(sys, res)) == LL_OK)
            for (size_t i = 0; i < len; i++)
                y[i] += res[i];
    }
    return st;
}

static ll_status be_elim_fn(const void *sys, double *r)
{
    return be_apply((void *)sys, 0, r);
}

/* y = J^{-1} r0 by block elimination and refinement to a backward error of
 * 8 sqrt(m) eps (rounding level of the residual itself); LL_ERR_NOCONV
 * when that is not reached, LL_ERR_SINGULAR on a zero pivot. */
static ll_status be_refined(const bsys *b, const double *r0, double *y,
                            double jinf)
{
    ll_status st = be_finish(b, 0, y);
    if (st == LL_OK)
        st = ll_cont_refine(b, be_residual, be_elim_fn, b->ws->m, r0, y,
                            b->ws->fac->res, jinf, LL_CONT_REFINE_MAX);
    return st;
}

/* The fast path: one factor of H, block elimination, refinement and (if
 * asked) the condition estimate. rhs is overwritten only on LL_OK. */
static ll_status block_solve(ll_cont_ws *ws, const double *c, double *rhs,
                             int want_rcond)
{
    struct ll_cont_fac *f = ws->fac;
    size_t n = ws->n, m = ws->m;
    ll_status st = ws->hop ? LL_OK : fac_ensure(ws);
    if (st != LL_OK)
        return st;
    bsys b = {ws, ws->Fp, c, f->B + n, f->B + 2 * n, c[n]};
    memcpy(f->B, rhs, n * sizeof *f->B);
    memcpy(f->B + n, ws->Fp, n * sizeof *f->B);
    memcpy(f->B + 2 * n, c, n * sizeof *f->B);
    if ((st = hsolve_n(ws, want_rcond ? 3 : 2, f->B)) != LL_OK)
        return st;
    memcpy(f->y, f->B, n * sizeof *f->y);
    f->y[n] = rhs[n];
    double j1, jinf, est = 0.0;
    if ((st = be_norms(&b, &j1, &jinf)) != LL_OK)
        return st;
    if ((st = be_refined(&b, rhs, f->y, jinf)) != LL_OK)
        return st;
    ws->last_rcond = NAN;
    if (want_rcond) {
        st = ll_inv_norm1_est(m, be_apply, &b, f->work, f->iwork, &est);
        if (st != LL_OK)
            return st;
        ws->last_rcond = est > 0.0 ? 1.0 / (j1 * est) : 0.0;
        /* the dense path falls back to LU + dgecon below this; the others
         * keep the refined solution and let callers read last_rcond */
        if (!(ws->last_rcond >= LL_CONT_RCOND_DENSE) && !ws->hop)
            return LL_ERR_SINGULAR;
    }
    memcpy(rhs, f->y, m * sizeof *rhs);
    return LL_OK;
}

/* The fallback: dense LU of the (n+1) x (n+1) bordered matrix. */
static ll_status dense_solve(ll_cont_ws *ws, const double *c, double *rhs,
                             int want_rcond)
{
    size_t n = ws->n, m = ws->m;
    for (size_t j = 0; j < n; j++) {
        memcpy(ws->J + j * m, ws->H + j * n, n * sizeof *ws->J);
        ws->J[n + j * m] = c[j];
    }
    memcpy(ws->J + n * m, ws->Fp, n * sizeof *ws->J);
    ws->J[n + n * m] = c[n];
    ws->last_rcond = want_rcond ? 0.0 : NAN;
    return ll_solve(m, ws->J, 1, rhs, want_rcond ? &ws->last_rcond : NULL);
}

static ll_status bordered(ll_cont_ws *ws, const double *c, double *rhs,
                          int want_rcond)
{
    if (ws->path == LL_HESSIAN_MATFREE) /* deflated elimination, hop_matfree.c */
        return ll_cont_hop_bordered(ws, ws->Fp, c, c[ws->n], rhs, want_rcond);
    ll_status st = block_solve(ws, c, rhs, want_rcond);
    int again = st == LL_ERR_SINGULAR || st == LL_ERR_NOCONV;
    if (again && !ws->hop)
        st = dense_solve(ws, c, rhs, want_rcond);
    else if (again) /* structured near a fold: the deflated elimination */
        st = ll_cont_hop_bordered(ws, ws->Fp, c, c[ws->n], rhs, want_rcond);
    return st;
}

ll_status ll_cont_bordered_solve(ll_cont_ws *ws, const double *c, double *rhs)
{
    return bordered(ws, c, rhs, 1);
}

ll_status ll_cont_bordered_solve_nocond(ll_cont_ws *ws, const double *c,
                                        double *rhs)
{
    return bordered(ws, c, rhs, 0);
}

ll_status ll_cont_index(ll_cont_ws *ws, const double *X, int *index)
{
    ll_status st = ll_cont_eval_H(ws, X);
    if (ws->hop)
        return st == LL_OK ? ll_cont_hop_index(ws, index) : st;
    if (st == LL_OK && (st = fac_ensure(ws)) == LL_OK &&
        (st = ll_ldlt_inertia(ws->fac->f, index, NULL, NULL)) != LL_OK)
        return ll_err(ws->eb, st, "cont: LDL^T inertia failed at p = %g",
                      X[ws->n]);
    return st;
}

ll_status ll_cont_point_spectrum(ll_cont_ws *ws, ll_cont_point *pt)
{
    const double *X = pt->X;
    ll_status st = ll_cont_index(ws, X, &pt->index);
    if (st == LL_OK && ws->n_eigs > 0 && ws->hop) {
        ll_cont_hop_arc(ws, pt->s);
        st = ll_cont_hop_eigs(ws, (size_t)ws->n_eigs, 0, pt->mu, NULL);
    } else if (st == LL_OK && ws->n_eigs > 0) {
        st = ll_sym_eigvals_smallest(ws->n, ws->H, (size_t)ws->n_eigs, pt->mu);
        if (st != LL_OK)
            return ll_err(ws->eb, st, "cont: eigenvalues failed at p = %g",
                          X[ws->n]);
    }
    if (st == LL_OK)
        st = ll_cont_eval_F(ws, X, &pt->gnorm);
    if (st == LL_OK) {
        st = ws->pb->loss(ws->pb->ctx, X, X[ws->n], &pt->loss);
        if (st != LL_OK)
            return ll_err(ws->eb, st, "cont: loss callback failed at p = %g",
                          X[ws->n]);
    }
    return st;
}
