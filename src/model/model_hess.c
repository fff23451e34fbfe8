/* Dense Hessian, its lambda-derivative and the Hessian-vector product
 * (MATH.md section 1). With J the N x P Jacobian of f and r = f - y,
 *     H = (1/N) J^T J + (1/N) sum_n r_n D^2 f_n + alpha I_W.
 * The Gauss-Newton part is one dsyrk. D^2 f_n couples only parameters of the
 * same hidden unit j, so the residual part is block diagonal per unit: with
 * xa = (x, 1) (the 1 only with biases),
 *     (w_j,b_j)x(w_j,b_j):  (1/N) sum_n r_n v_j h''_nj xa xa^T
 *     (w_j,b_j)x v_j:       (1/N) sum_n r_n h'_nj xa,     v_j x v_j: 0.
 * d/dlambda: J_l has h' -> d_lambda h', h -> d_lambda h, and
 *     d(J^T J) = J_l^T J + J^T J_l  (one dsyr2k),
 *     residual weights r h'' -> r_l h'' + r d_lambda h'' (same for h').
 * H u needs no H: H u = (1/N) J^T (J u) + (1/N) sum_n r_n D^2 f_n u +
 * alpha u_W, all through the pullback (O(N P)).
 * D^3L[u, ., .] = d/dt H(theta + t u) at t = 0, the same way as d/dlambda:
 *     (1/N)(J_u^T J + J^T J_u)  +  (1/N) sum_n (s_n D^2 f_n + r_n D^3 f_n[u])
 * with s = J u, J_u = dJ/dt (row n is D^2 f_n u: weights v h' -> uv h' +
 * v h'' Zu, h -> h' Zu) and D^3 f_n[u] = d/dt D^2 f_n (v h'' -> uv h'' +
 * v h''' Zu, h' -> h'' Zu): one dsyr2k plus the per-unit blocks, O(N P^2).
 */
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "model_impl.h"

static size_t da_of(const ll_model *M) { return M->d + (M->bias ? 1 : 0); }

/* Parameter index of input i of unit j in the augmented sense (i == d: the
 * bias). */
static size_t pidx(const ll_model *M, size_t j, size_t i)
{
    return i < M->d ? j * M->d + i : M->off_b + j;
}

/* Xa = [X, 1] (N x da). */
static void fill_xa(const ll_model *M, double *Xa)
{
    memcpy(Xa, M->X, M->n * M->d * sizeof *Xa);
    for (size_t n = 0; M->bias && n < M->n; n++)
        Xa[M->d * M->n + n] = 1.0;
}

/* J[n, (j,i)] = a_nj xa_ni, J[n, v_j] = bv_nj. */
static void build_jac(const ll_model *M, const double *Xa, const double *a,
                      const double *bv, double *J)
{
    size_t N = M->n, da = da_of(M);
    for (size_t j = 0; j < M->m; j++) {
        for (size_t i = 0; i < da; i++) {
            double *col = J + pidx(M, j, i) * N;
            for (size_t n = 0; n < N; n++)
                col[n] = a[n + j * N] * Xa[n + i * N];
        }
        if (M->train_v)
            memcpy(J + (M->off_v + j) * N, bv + j * N, N * sizeof *J);
    }
}

/* H += blockdiag_j [ Xa^T diag(cww_j) Xa , Xa^T cwv_j ; cwv_j^T Xa, 0 ].
 * Scratch: N da + da^2 + da. */
static void add_residual(const ll_model *M, const double *Xa,
                         const double *cww, const double *cwv, double *H,
                         double *scr)
{
    size_t N = M->n, P = M->P, da = da_of(M);
    double *Xc = scr, *C = Xc + N * da, *e = C + da * da;
    for (size_t j = 0; j < M->m; j++) {
        for (size_t i = 0; i < da; i++)
            for (size_t n = 0; n < N; n++)
                Xc[n + i * N] = cww[n + j * N] * Xa[n + i * N];
        ll_gemm(1, 0, da, da, N, 1.0, Xa, N, Xc, N, 0.0, C, da);
        for (size_t k = 0; k < da; k++)
            for (size_t i = 0; i < da; i++)
                H[pidx(M, j, i) + pidx(M, j, k) * P] += C[i + k * da];
        if (!M->train_v)
            continue;
        ll_gemv(1, N, da, 1.0, Xa, N, cwv + j * N, 0.0, e);
        size_t pv = M->off_v + j;
        for (size_t i = 0; i < da; i++) {
            H[pidx(M, j, i) + pv * P] += e[i];
            H[pv + pidx(M, j, i) * P] += e[i];
        }
    }
}

/* Scratch for one Hessian-type call: J (and J_l), cww, cwv, Xa, residual. */
typedef struct hess_ws {
    double *J, *Jl, *cww, *cwv, *Xa, *scr, *buf;
} hess_ws;

static ll_status ws_alloc(hess_ws *w, const ll_model *M, int two)
{
    size_t N = M->n, da = da_of(M), nm = N * M->m, np = N * M->P;
    size_t tot = np * (two ? 2 : 1) + 2 * nm + 2 * N * da + da * da + da;
    w->buf = malloc(tot * sizeof *w->buf);
    if (!w->buf)
        return LL_ERR_NOMEM;
    w->J = w->buf;
    w->Jl = two ? w->J + np : NULL;
    w->cww = w->J + np * (two ? 2 : 1);
    w->cwv = w->cww + nm;
    w->Xa = w->cwv + nm;
    w->scr = w->Xa + N * da;
    fill_xa(M, w->Xa);
    return LL_OK;
}

/* Scratch and forward pass of a Hessian-type call: the workspace (with J_l
 * when two), the forward pass to derivative order `order` (with the lambda
 * derivatives when with_l) run at (theta, lambda). Freed by hess_end. */
static ll_status hess_begin(const ll_model *M, const double *theta,
                            double lambda, int two, int order, int with_l,
                            hess_ws *w, ll_model_fwd *F)
{
    if (ws_alloc(w, M, two) != LL_OK)
        return LL_ERR_NOMEM;
    if (ll_model_fwd_alloc(F, M, order, with_l) != LL_OK) {
        free(w->buf);
        return LL_ERR_NOMEM;
    }
    ll_model_fwd_run(F, M, theta, lambda);
    return LL_OK;
}

static void hess_end(hess_ws *w, ll_model_fwd *F)
{
    ll_model_fwd_free(F);
    free(w->buf);
}

/* The Jacobian's W-weights v_j h'(z_nj) into cww (N x m). */
static void jac_weights(const ll_model *M, const ll_model_fwd *F, double *cww)
{
    size_t N = M->n, nm = N * M->m;
    for (size_t j = 0; j < M->m; j++)
        for (size_t n = 0; n < N; n++)
            cww[n + j * N] = F->v[j] * F->hd[nm + n + j * N];
}

ll_status ll_model_hess(const ll_model *M, const double *theta, double lambda,
                        double *H)
{
    if (!M || !theta || !H)
        return LL_ERR_ARG;
    size_t N = M->n, nm = N * M->m, P = M->P;
    ll_model_fwd F;
    hess_ws w;
    if (hess_begin(M, theta, lambda, 0, 2, 0, &w, &F) != LL_OK)
        return LL_ERR_NOMEM;
    double s = 1.0 / (double)N;
    jac_weights(M, &F, w.cww);
    build_jac(M, w.Xa, w.cww, F.hd, w.J);
    ll_syrk_t(P, N, s, w.J, N, 0.0, H, P);
    for (size_t j = 0; j < M->m; j++)
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            w.cww[e] = s * F.r[n] * F.v[j] * F.hd[2 * nm + e];
            w.cwv[e] = s * F.r[n] * F.hd[nm + e];
        }
    add_residual(M, w.Xa, w.cww, w.cwv, H, w.scr);
    for (size_t k = 0; k < M->m * M->d; k++)
        H[k + k * P] += M->alpha;
    hess_end(&w, &F);
    return LL_OK;
}

ll_status ll_model_hess_lambda(const ll_model *M, const double *theta,
                               double lambda, double *H_l)
{
    if (!M || !theta || !H_l)
        return LL_ERR_ARG;
    size_t N = M->n, nm = N * M->m, P = M->P;
    ll_model_fwd F;
    hess_ws w;
    if (hess_begin(M, theta, lambda, 1, 2, 1, &w, &F) != LL_OK)
        return LL_ERR_NOMEM;
    double s = 1.0 / (double)N;
    jac_weights(M, &F, w.cww);
    for (size_t j = 0; j < M->m; j++)
        for (size_t n = 0; n < N; n++)
            w.cwv[n + j * N] = F.v[j] * F.hl[nm + n + j * N];
    build_jac(M, w.Xa, w.cww, F.hd, w.J);
    build_jac(M, w.Xa, w.cwv, F.hl, w.Jl);
    ll_syr2k_t(P, N, s, w.J, w.Jl, N, 0.0, H_l, P);
    for (size_t j = 0; j < M->m; j++)
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N, e1 = nm + e, e2 = 2 * nm + e;
            w.cww[e] = s * F.v[j] * (F.rl[n] * F.hd[e2] + F.r[n] * F.hl[e2]);
            w.cwv[e] = s * (F.rl[n] * F.hd[e1] + F.r[n] * F.hl[e1]);
        }
    add_residual(M, w.Xa, w.cww, w.cwv, H_l, w.scr);
    hess_end(&w, &F);
    return LL_OK;
}

/* H u: the prepared Hessian of model_hlin.c (one forward pass, one
 * product; the formulas are written out there). */
ll_status ll_model_hvp(const ll_model *M, const double *theta, double lambda,
                       const double *u, double *Hu)
{
    if (!M || !theta || !u || !Hu)
        return LL_ERR_ARG;
    ll_model_hlin *L = NULL;
    ll_status st = ll_model_hlin_create(M, &L);
    if (st == LL_OK)
        st = ll_model_hlin_set(M, L, theta, lambda);
    if (st == LL_OK)
        st = ll_model_hlin_apply(M, L, u, Hu);
    ll_model_hlin_destroy(L);
    return st;
}

/* Weights of J_u (into cww as a, cwv as bv) and s = J u, for hess_dir. */
static void dir_jac_weights(const ll_model *M, const ll_model_fwd *F,
                            const double *u, const double *Zu, double *a,
                            double *bv, double *s)
{
    size_t N = M->n, nm = N * M->m;
    const double *h0 = F->hd, *h1 = F->hd + nm, *h2 = F->hd + 2 * nm;
    memset(s, 0, N * sizeof *s);
    for (size_t j = 0; j < M->m; j++) {
        double uv = M->train_v ? u[M->off_v + j] : 0.0;
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            a[e] = uv * h1[e] + F->v[j] * h2[e] * Zu[e];
            bv[e] = h1[e] * Zu[e];
            s[n] += F->v[j] * h1[e] * Zu[e] + uv * h0[e];
        }
    }
}

ll_status ll_model_hess_dir(const ll_model *M, const double *theta,
                            double lambda, const double *u, double *out)
{
    if (!M || !theta || !u || !out)
        return LL_ERR_ARG;
    size_t N = M->n, nm = N * M->m, P = M->P;
    ll_model_fwd F;
    hess_ws w;
    double *Zu = malloc((nm + N) * sizeof *Zu);
    if (!Zu || hess_begin(M, theta, lambda, 1, 3, 0, &w, &F) != LL_OK) {
        free(Zu);
        return LL_ERR_NOMEM;
    }
    double *s = Zu + nm, c = 1.0 / (double)N;
    ll_model_dir_preact(M, u, Zu);
    dir_jac_weights(M, &F, u, Zu, w.cww, w.cwv, s);
    build_jac(M, w.Xa, w.cww, w.cwv, w.Jl); /* J_u */
    jac_weights(M, &F, w.cww);
    build_jac(M, w.Xa, w.cww, F.hd, w.J);
    ll_syr2k_t(P, N, c, w.J, w.Jl, N, 0.0, out, P);
    const double *h1 = F.hd + nm, *h2 = h1 + nm, *h3 = h2 + nm;
    for (size_t j = 0; j < M->m; j++) {
        double uv = M->train_v ? u[M->off_v + j] : 0.0;
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            w.cww[e] = c * (s[n] * F.v[j] * h2[e] +
                            F.r[n] * (uv * h2[e] + F.v[j] * h3[e] * Zu[e]));
            w.cwv[e] = c * (s[n] * h1[e] + F.r[n] * h2[e] * Zu[e]);
        }
    }
    add_residual(M, w.Xa, w.cww, w.cwv, out, w.scr);
    hess_end(&w, &F);
    free(Zu);
    return LL_OK;
}
