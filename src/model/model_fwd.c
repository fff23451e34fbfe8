/* Forward pass, loss, gradient and d/dlambda of the gradient (MATH.md
 * section 1):
 *     z_nj = w_j . x_n + b_j,  f_n = sum_j v_j h(z_nj, lambda),  r = f - y,
 *     grad_{w_j} L = (1/N) sum_n r_n v_j h'(z_nj) x_n + alpha w_j,
 *     grad_{b_j} L = (1/N) sum_n r_n v_j h'(z_nj),
 *     grad_{v_j} L = (1/N) sum_n r_n h(z_nj).
 * Z = X W^T is one dgemm (theta's W block is W^T in column-major, ld d);
 * the pullback X^T A is another.
 */
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "model_impl.h"

ll_status ll_model_fwd_alloc(ll_model_fwd *F, const ll_model *M, int kmax,
                             int with_lambda)
{
    size_t nm = M->n * M->m, blocks = (size_t)kmax + 1;
    size_t total = nm + blocks * nm * (with_lambda ? 2 : 1) + M->n * 2 + M->m;
    memset(F, 0, sizeof *F);
    F->buf = malloc(total * sizeof *F->buf);
    if (!F->buf)
        return LL_ERR_NOMEM;
    F->kmax = kmax;
    F->Z = F->buf;
    F->hd = F->Z + nm;
    double *p = F->hd + blocks * nm;
    if (with_lambda)
        F->hl = p, p += blocks * nm;
    F->r = p, p += M->n;
    if (with_lambda)
        F->rl = p;
    p += M->n;
    F->v = p;
    return LL_OK;
}

void ll_model_fwd_free(ll_model_fwd *F)
{
    free(F->buf);
    F->buf = NULL;
}

void ll_model_dir_preact(const ll_model *M, const double *u, double *Zu)
{
    size_t N = M->n;
    ll_gemm(0, 0, N, M->m, M->d, 1.0, M->X, N, u, M->d, 0.0, Zu, N);
    for (size_t j = 0; M->bias && j < M->m; j++)
        for (size_t n = 0; n < N; n++)
            Zu[n + j * N] += u[M->off_b + j];
}

void ll_model_fwd_run(ll_model_fwd *F, const ll_model *M, const double *theta,
                      double lambda)
{
    size_t N = M->n, m = M->m, nm = N * m;
    int K = F->kmax;
    double h[LL_ACT_KMAX + 1], hl[LL_ACT_KMAX + 1];
    for (size_t j = 0; j < m; j++)
        F->v[j] = ll_model_vj(M, theta, j);
    ll_model_dir_preact(M, theta, F->Z);
    for (size_t n = 0; n < N; n++) {
        F->r[n] = -M->y[n];
        if (F->rl)
            F->rl[n] = 0.0;
    }
    for (size_t j = 0; j < m; j++)
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            ll_homotopy_eval(M->act, F->Z[e], lambda, K, h, F->hl ? hl : NULL);
            for (int c = 0; c <= K; c++)
                F->hd[c * nm + e] = h[c];
            F->r[n] += F->v[j] * h[0];
            if (!F->hl)
                continue;
            for (int c = 0; c <= K; c++)
                F->hl[c * nm + e] = hl[c];
            F->rl[n] += F->v[j] * hl[0];
        }
}

void ll_model_pullback(const ll_model *M, const double *A, const double *Bv,
                       double s, double *out)
{
    size_t N = M->n, m = M->m;
    ll_gemm(1, 0, M->d, m, N, s, M->X, N, A, N, 0.0, out, M->d);
    for (size_t j = 0; (M->bias || M->train_v) && j < m; j++) {
        double sa = 0.0, sb = 0.0;
        for (size_t n = 0; n < N; n++) {
            sa += A[n + j * N];
            if (M->train_v)
                sb += Bv[n + j * N];
        }
        if (M->bias)
            out[M->off_b + j] = s * sa;
        if (M->train_v)
            out[M->off_v + j] = s * sb;
    }
}

ll_status ll_model_predict(const ll_model *M, const double *theta,
                           double lambda, double *f)
{
    ll_model_fwd F;
    if (!M || !theta || !f)
        return LL_ERR_ARG;
    if (ll_model_fwd_alloc(&F, M, 0, 0) != LL_OK)
        return LL_ERR_NOMEM;
    ll_model_fwd_run(&F, M, theta, lambda);
    for (size_t n = 0; n < M->n; n++)
        f[n] = F.r[n] + M->y[n];
    ll_model_fwd_free(&F);
    return LL_OK;
}

ll_status ll_model_loss(const ll_model *M, const double *theta, double lambda,
                        double *L)
{
    ll_model_fwd F;
    if (!M || !theta || !L)
        return LL_ERR_ARG;
    if (ll_model_fwd_alloc(&F, M, 0, 0) != LL_OK)
        return LL_ERR_NOMEM;
    ll_model_fwd_run(&F, M, theta, lambda);
    size_t md = M->m * M->d;
    *L = 0.5 * ll_dot(M->n, F.r, F.r) / (double)M->n +
         0.5 * M->alpha * ll_dot(md, theta, theta);
    ll_model_fwd_free(&F);
    return LL_OK;
}

/* A_nj = r_n v_j h'_nj, Bv_nj = r_n h_nj (into scratch of 2 N m). */
static void grad_weights(const ll_model *M, const ll_model_fwd *F, double *A,
                         double *Bv)
{
    size_t N = M->n, nm = N * M->m;
    for (size_t j = 0; j < M->m; j++)
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            A[e] = F->r[n] * F->v[j] * F->hd[nm + e];
            Bv[e] = F->r[n] * F->hd[e];
        }
}

ll_status ll_model_grad(const ll_model *M, const double *theta, double lambda,
                        double *g)
{
    ll_model_fwd F;
    if (!M || !theta || !g)
        return LL_ERR_ARG;
    size_t nm = M->n * M->m, md = M->m * M->d;
    double *A = malloc(2 * nm * sizeof *A);
    if (!A || ll_model_fwd_alloc(&F, M, 1, 0) != LL_OK) {
        free(A);
        return LL_ERR_NOMEM;
    }
    ll_model_fwd_run(&F, M, theta, lambda);
    grad_weights(M, &F, A, A + nm);
    ll_model_pullback(M, A, A + nm, 1.0 / (double)M->n, g);
    for (size_t k = 0; k < md; k++)
        g[k] += M->alpha * theta[k];
    ll_model_fwd_free(&F);
    free(A);
    return LL_OK;
}

/* d/dlambda of the gradient weights: A_l = r_l v h' + r v h'_l,
 * Bv_l = r_l h + r h_l; the regulariser does not depend on lambda. */
ll_status ll_model_grad_lambda(const ll_model *M, const double *theta,
                               double lambda, double *g_l)
{
    ll_model_fwd F;
    if (!M || !theta || !g_l)
        return LL_ERR_ARG;
    size_t N = M->n, nm = N * M->m;
    double *A = malloc(2 * nm * sizeof *A);
    if (!A || ll_model_fwd_alloc(&F, M, 1, 1) != LL_OK) {
        free(A);
        return LL_ERR_NOMEM;
    }
    ll_model_fwd_run(&F, M, theta, lambda);
    for (size_t j = 0; j < M->m; j++)
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            A[e] = F.v[j] * (F.rl[n] * F.hd[nm + e] + F.r[n] * F.hl[nm + e]);
            A[nm + e] = F.rl[n] * F.hd[e] + F.r[n] * F.hl[e];
        }
    ll_model_pullback(M, A, A + nm, 1.0 / (double)N, g_l);
    ll_model_fwd_free(&F);
    free(A);
    return LL_OK;
}
