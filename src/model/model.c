/* The two-layer model handle: options, validation, parameter layout and the
 * ll_problem ops table (MATH.md section 1; seed 000 section 7).
 * Layout: theta = [W row by row (j*d + i) | b (m) | v (m)], b and v optional.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model_impl.h"

ll_model_opts ll_model_opts_default(void)
{
    ll_model_opts o = {10, NULL, 4e-3, NULL, 0, 0};
    o.act = ll_act_find("tanh");
    return o;
}

static ll_status check_data(const ll_data *D, ll_errbuf *eb)
{
    if (!D)
        return ll_err(eb, LL_ERR_ARG, "model: data is NULL");
    if (D->n == 0 || D->d == 0 || !D->X || !D->y)
        return ll_err(eb, LL_ERR_DATA,
                      "model: data is empty (N = %zu samples, d = %zu inputs)",
                      D->n, D->d);
    for (size_t k = 0; k < D->n * D->d; k++)
        if (!isfinite(D->X[k]))
            return ll_err(eb, LL_ERR_DATA,
                          "model: data X[sample %zu, input %zu] is not finite",
                          k % D->n, k / D->n);
    for (size_t n = 0; n < D->n; n++)
        if (!isfinite(D->y[n]))
            return ll_err(eb, LL_ERR_DATA,
                          "model: data y[%zu] is not finite", n);
    return LL_OK;
}

static ll_status check_opts(const ll_model_opts *o, ll_errbuf *eb)
{
    if (!o)
        return ll_err(eb, LL_ERR_ARG, "model: options are NULL");
    if (o->width < 1)
        return ll_err(eb, LL_ERR_ARG, "model: width must be >= 1");
    if (!o->act || !o->act->eval)
        return ll_err(eb, LL_ERR_ARG, "model: act must be an activation "
                                      "(ll_act_find), got NULL");
    if (!isfinite(o->alpha) || o->alpha < 0)
        return ll_err(eb, LL_ERR_ARG,
                      "model: alpha must be finite and >= 0 (got %g)",
                      o->alpha);
    for (size_t j = 0; o->v && j < o->width; j++)
        if (!isfinite(o->v[j]))
            return ll_err(eb, LL_ERR_ARG, "model: v[%zu] is not finite", j);
    return LL_OK;
}

/* bytes as "23.5 GiB" */
static void human_bytes(double b, char *buf, size_t n)
{
    static const char *unit[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB",
                                 "EiB"};
    int u = 0;
    while (b >= 1024.0 && u < 6)
        b /= 1024.0, u++;
    snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", b, unit[u]);
}

/* The model itself needs its data (N d + N + m doubles) plus, for the
 * structured Hessian (U, P x N) and the dense Hessian's Jacobian, one N x P
 * array; per-call scratch of the matrix-free ops is O(N m), smaller. That
 * must fit in half the physical memory. Whether a dense P x P Hessian fits
 * is decided by the continuation (its Hessian path), not here. The message
 * names the width and the largest width that would fit,
 * P = m * (d + bias + train_v). */
static ll_status check_size(const ll_model *M, ll_errbuf *eb)
{
    size_t P = M->P, per = M->P / M->m, N = M->n;
    if (M->m > SIZE_MAX / (M->d + 2) / N / sizeof(double))
        return ll_err(eb, LL_ERR_NOMEM, "model: width %zu with d = %zu "
                      "inputs and N = %zu samples is too large to address "
                      "an N x P array", M->m, M->d, N);
    long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);
    double phys = pages > 0 && psz > 0 ? (double)pages * (double)psz : 0.0;
    double data = (double)N * (double)(M->d + 1) + (double)M->m;
    double need = (data + (double)N * (double)P) * sizeof(double);
    if (phys > 0 && need > 0.5 * phys) {
        char hn[32], hp[32];
        human_bytes(need, hn, sizeof hn);
        human_bytes(phys, hp, sizeof hp);
        double pmax = (0.5 * phys / sizeof(double) - data) / (double)N;
        return ll_err(eb, LL_ERR_NOMEM,
                      "model: width %zu gives P = %zu parameters; the model's "
                      "data and one N x P Jacobian-sized array (N = %zu "
                      "samples) need %s (%.0f bytes), more than half of this "
                      "machine's %s of physical memory; the largest width "
                      "that fits is %.0f", M->m, P, N, hn, need, hp,
                      pmax > 0 ? floor(pmax / (double)per) : 0.0);
    }
    return LL_OK;
}

static void layout(ll_model *M)
{
    M->off_b = M->m * M->d;
    M->off_v = M->off_b + (M->bias ? M->m : 0);
    M->P = M->off_v + (M->train_v ? M->m : 0);
}

ll_status ll_model_create(ll_model **out, const ll_data *D,
                          const ll_model_opts *o, ll_errbuf *eb)
{
    if (!out)
        return ll_err(eb, LL_ERR_ARG, "model: out is NULL");
    *out = NULL;
    ll_status st = check_data(D, eb);
    if (st == LL_OK)
        st = check_opts(o, eb);
    if (st != LL_OK)
        return st;
    ll_model tmp = {.n = D->n, .d = D->d, .m = o->width, .act = o->act,
                    .alpha = o->alpha, .train_v = o->train_v != 0,
                    .bias = o->bias != 0};
    layout(&tmp);
    if ((st = check_size(&tmp, eb)) != LL_OK)
        return st;
    ll_model *M = malloc(sizeof *M);
    double *buf = malloc((D->n * D->d + D->n + o->width) * sizeof *buf);
    if (!M || !buf) {
        free(M), free(buf);
        return ll_err(eb, LL_ERR_NOMEM, "model: out of memory");
    }
    *M = tmp;
    M->X = buf, M->y = buf + D->n * D->d, M->v0 = M->y + D->n;
    memcpy(M->X, D->X, D->n * D->d * sizeof *buf);
    memcpy(M->y, D->y, D->n * sizeof *buf);
    double step = M->m == 1 ? 0.0 : 1.0 / (double)(M->m - 1);
    for (size_t j = 0; j < M->m; j++) /* default v = linspace(0.5, 1.5, m) */
        M->v0[j] = o->v ? o->v[j] : 0.5 + (double)j * step;
    *out = M;
    return LL_OK;
}

void ll_model_destroy(ll_model *M)
{
    if (!M)
        return;
    free(M->X); /* X, y and v0 share one allocation */
    free(M);
}

size_t ll_model_nparams(const ll_model *M) { return M->P; }
size_t ll_model_width(const ll_model *M) { return M->m; }
size_t ll_model_dim(const ll_model *M) { return M->d; }
const double *ll_model_v(const ll_model *M) { return M->v0; }

long ll_model_idx_w(const ll_model *M, size_t j, size_t i)
{
    return j < M->m && i < M->d ? (long)(j * M->d + i) : -1;
}

long ll_model_idx_b(const ll_model *M, size_t j)
{
    return M->bias && j < M->m ? (long)(M->off_b + j) : -1;
}

long ll_model_idx_v(const ll_model *M, size_t j)
{
    return M->train_v && j < M->m ? (long)(M->off_v + j) : -1;
}

/* ---- ll_problem adapter: p is lambda ---- */

static ll_status pb_loss(void *c, const double *x, double p, double *L)
{
    return ll_model_loss(c, x, p, L);
}
static ll_status pb_grad(void *c, const double *x, double p, double *F)
{
    return ll_model_grad(c, x, p, F);
}
static ll_status pb_hess(void *c, const double *x, double p, double *H)
{
    return ll_model_hess(c, x, p, H);
}
static ll_status pb_grad_p(void *c, const double *x, double p, double *Fp)
{
    return ll_model_grad_lambda(c, x, p, Fp);
}
static ll_status pb_hess_p(void *c, const double *x, double p, double *Hp)
{
    return ll_model_hess_lambda(c, x, p, Hp);
}
static ll_status pb_d3(void *c, const double *x, double p, const double *a,
                       const double *b, double *out)
{
    return ll_model_d3(c, x, p, a, b, out);
}
static ll_status pb_d4(void *c, const double *x, double p, const double *a,
                       double *out)
{
    return ll_model_dir(c, x, p, a, 4, out);
}

static ll_status pb_hess_dir(void *c, const double *x, double p,
                             const double *u, double *out)
{
    return ll_model_hess_dir(c, x, p, u, out);
}

static ll_status pb_hvp(void *c, const double *x, double p, const double *u,
                        double *Hu)
{
    return ll_model_hvp(c, x, p, u, Hu);
}

static ll_status pb_hess_p_vec(void *c, const double *x, double p,
                               const double *u, double *out)
{
    return ll_model_hess_lambda_vec(c, x, p, u, out);
}

static ll_status pb_hlin_create(void *c, void **lin)
{
    return ll_model_hlin_create(c, (ll_model_hlin **)lin);
}

static ll_status pb_hlin_set(void *c, void *lin, const double *x, double p)
{
    return ll_model_hlin_set(c, lin, x, p);
}

static ll_status pb_hlin_apply(void *c, void *lin, const double *u,
                               double *Hu)
{
    return ll_model_hlin_apply(c, lin, u, Hu);
}

static void pb_hlin_destroy(void *c, void *lin)
{
    (void)c;
    ll_model_hlin_destroy(lin);
}

static ll_status pb_hess_struct(void *c, const double *x, double p, double *B,
                                double *U, double *G)
{
    return ll_model_hess_struct(c, x, p, B, U, G);
}

void ll_model_problem(ll_model *M, ll_problem *pb)
{
    int st = !M->train_v && !M->bias; /* the structure of model_struct.c */
    pb->n = M->P;
    pb->ctx = M;
    pb->loss = pb_loss, pb->grad = pb_grad, pb->hess = pb_hess;
    pb->grad_p = pb_grad_p, pb->hess_p = pb_hess_p;
    pb->d3 = pb_d3, pb->d4 = pb_d4;
    pb->hess_dir = pb_hess_dir;
    pb->hvp = pb_hvp, pb->hess_p_vec = pb_hess_p_vec;
    pb->hlin_create = pb_hlin_create, pb->hlin_set = pb_hlin_set;
    pb->hlin_apply = pb_hlin_apply, pb->hlin_destroy = pb_hlin_destroy;
    pb->hess_struct = st ? pb_hess_struct : NULL;
    pb->struct_nb = st ? M->m : 0;
    pb->struct_bs = st ? M->d : 0;
    pb->struct_k = st ? M->n : 0;
}
