/* Hessian pieces for problems too large for a dense Hessian (MATH.md
 * section 1): the lambda-derivative of the Hessian applied to a vector, and
 * the exact block-diagonal + low-rank structure of H.
 *
 * With J the N x P Jacobian of f, r = f - y,
 *     H = (1/N) J^T J + (1/N) sum_n r_n D^2 f_n + alpha I_W.
 * d/dlambda at fixed theta (dh/dl = sigma - z, dh'/dl = sigma' - 1,
 * dh''/dl = sigma'', dr/dl = sum_j v_j (sigma(z) - z)):
 *     H_l u = (1/N) (J_l^T (J u) + J^T (J_l u))
 *           + (1/N) sum_n (r_l,n D^2 f_n + r_n D^2 f_{l,n}) u,
 * all through the pullback (O(N P) time, O(N m) memory): with Zu = X U^T
 * + ub, s = J u, sl = J_l u,
 *     s_n  = sum_j v_j h'_nj Zu_nj + uv_j h_nj,
 *     sl_n = sum_j v_j hl'_nj Zu_nj + uv_j hl_nj,
 *     A_nj  = s_n v_j hl'_nj + sl_n v_j h'_nj
 *           + v_j (rl_n h''_nj + r_n hl''_nj) Zu_nj + (rl_n h'_nj + r_n hl'_nj) uv_j,
 *     Bv_nj = s_n hl_nj + sl_n h_nj + (rl_n h'_nj + r_n hl'_nj) Zu_nj,
 *     H_l u = pullback(A, Bv) / N          (the regulariser has no lambda).
 * This is ll_model_hvp with every factor differentiated in lambda once
 * (product rule), so it holds for every option (trained v, biases).
 *
 * Structure (default model: fixed v, no biases): D^2 f_n couples only the
 * weights of one unit, so
 *     H = blockdiag_j(B_j) + U U^T,
 *     B_j = alpha I + (1/N) sum_n r_n v_j h''_nj x_n x_n^T     (d x d),
 *     U[:, n] = J[n, :]^T / sqrt(N), rows j d .. j d + d - 1 = v_j h'_nj x_n / sqrt(N),
 *     U^T U = (C^T C) o (X X^T),  C[j, n] = v_j h'_nj / sqrt(N)  (the NTK Gram).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "model_impl.h"

/* s = J u and sl = J_l u (N each). */
static void lambda_vec_proj(const ll_model *M, const ll_model_fwd *F,
                            const double *u, const double *Zu, double *s,
                            double *sl)
{
    size_t N = M->n, nm = N * M->m;
    const double *h0 = F->hd, *h1 = F->hd + nm, *l0 = F->hl, *l1 = F->hl + nm;
    memset(s, 0, N * sizeof *s);
    memset(sl, 0, N * sizeof *sl);
    for (size_t j = 0; j < M->m; j++) {
        double uv = M->train_v ? u[M->off_v + j] : 0.0, vj = F->v[j];
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            s[n] += vj * h1[e] * Zu[e] + uv * h0[e];
            sl[n] += vj * l1[e] * Zu[e] + uv * l0[e];
        }
    }
}

ll_status ll_model_hess_lambda_vec(const ll_model *M, const double *theta,
                                   double lambda, const double *u,
                                   double *out)
{
    if (!M || !theta || !u || !out)
        return LL_ERR_ARG;
    size_t N = M->n, m = M->m, nm = N * m;
    ll_model_fwd F;
    double *buf = malloc((3 * nm + 2 * N) * sizeof *buf);
    if (!buf || ll_model_fwd_alloc(&F, M, 2, 1) != LL_OK) {
        free(buf);
        return LL_ERR_NOMEM;
    }
    double *Zu = buf, *A = Zu + nm, *Bv = A + nm, *s = Bv + nm, *sl = s + N;
    ll_model_fwd_run(&F, M, theta, lambda);
    ll_model_dir_preact(M, u, Zu);
    lambda_vec_proj(M, &F, u, Zu, s, sl);
    const double *h0 = F.hd, *h1 = h0 + nm, *h2 = h1 + nm;
    const double *l0 = F.hl, *l1 = l0 + nm, *l2 = l1 + nm;
    for (size_t j = 0; j < m; j++) {
        double uv = M->train_v ? u[M->off_v + j] : 0.0, vj = F.v[j];
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            double c1 = F.rl[n] * h1[e] + F.r[n] * l1[e]; /* d(r h')/dl */
            double c2 = F.rl[n] * h2[e] + F.r[n] * l2[e]; /* d(r h'')/dl */
            A[e] = vj * (s[n] * l1[e] + sl[n] * h1[e] + c2 * Zu[e]) + c1 * uv;
            Bv[e] = s[n] * l0[e] + sl[n] * h0[e] + c1 * Zu[e];
        }
    }
    ll_model_pullback(M, A, Bv, 1.0 / (double)N, out);
    ll_model_fwd_free(&F);
    free(buf);
    return LL_OK;
}

/* One pass over the N x m pre-activations: residual r (N), the residual
 * block weights into H2 (overwriting Z: H2_nj = r_n v_j h''_nj / N) and the
 * transposed Jacobian weights Ct (m x N: Ct_jn = v_j h'_nj / sqrt(N)). */
static void struct_weights(const ll_model *M, const double *theta,
                           double lambda, double *Z, double *Ct, double *r)
{
    size_t N = M->n, m = M->m;
    double h[LL_ACT_KMAX + 1], sn = 1.0 / sqrt((double)N);
    ll_gemm(0, 0, N, m, M->d, 1.0, M->X, N, theta, M->d, 0.0, Z, N);
    for (size_t n = 0; n < N; n++)
        r[n] = -M->y[n];
    for (size_t j = 0; j < m; j++) {
        double vj = M->v0[j];
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            ll_homotopy_eval(M->act, Z[e], lambda, 2, h, NULL);
            r[n] += vj * h[0];
            Z[e] = vj * h[2];
            Ct[j + n * m] = vj * h[1] * sn;
        }
    }
    for (size_t j = 0; j < m; j++)
        for (size_t n = 0; n < N; n++)
            Z[n + j * N] *= r[n] / (double)N;
}

/* B_j = X^T diag(H2_j) X + alpha I, one small gemm per unit (Xc: N x d). */
static void struct_blocks(const ll_model *M, const double *H2, double *Xc,
                          double *B)
{
    size_t N = M->n, d = M->d;
    for (size_t j = 0; j < M->m; j++) {
        double *Bj = B + j * d * d;
        for (size_t i = 0; i < d; i++)
            for (size_t n = 0; n < N; n++)
                Xc[n + i * N] = H2[n + j * N] * M->X[n + i * N];
        ll_gemm(1, 0, d, d, N, 1.0, M->X, N, Xc, N, 0.0, Bj, d);
        for (size_t i = 0; i < d; i++)
            Bj[i + i * d] += M->alpha;
    }
}

/* U[:, n] = kron(Ct[:, n], x_n): column n of U, viewed as d x m, is the
 * outer product x_n Ct[:, n]^T; written contiguously, one column at a
 * time (Xt = X^T, d x N, so x_n is contiguous too). */
static void struct_lowrank(const ll_model *M, const double *Ct,
                           const double *Xt, double *U)
{
    size_t N = M->n, d = M->d, m = M->m, P = M->P;
    for (size_t n = 0; n < N; n++) {
        double *col = U + n * P;
        const double *c = Ct + n * m, *x = Xt + n * d;
        for (size_t j = 0; j < m; j++) {
            double cj = c[j];
            for (size_t i = 0; i < d; i++)
                col[j * d + i] = cj * x[i];
        }
    }
}

/* G = U^T U = (C^T C) o (X X^T): column n of U is kron(C[:, n], x_n), so
 * u_n . u_n' = (C[:, n] . C[:, n']) (x_n . x_n'). N^2 (m + d) flops
 * instead of the N^2 m d of forming it from U; T: N x N scratch. */
static void struct_gram(const ll_model *M, const double *Ct, const double *Xt,
                        double *T, double *G)
{
    size_t N = M->n;
    ll_syrk_t(N, M->m, 1.0, Ct, M->m, 0.0, G, N);
    ll_syrk_t(N, M->d, 1.0, Xt, M->d, 0.0, T, N);
    for (size_t e = 0; e < N * N; e++)
        G[e] *= T[e];
}

ll_status ll_model_hess_struct(const ll_model *M, const double *theta,
                               double lambda, double *B, double *U,
                               double *G)
{
    if (!M || !theta || !B || !U || M->train_v || M->bias)
        return LL_ERR_ARG;
    size_t N = M->n, d = M->d, nm = N * M->m, nt = G ? N * N : 0;
    double *buf = malloc((2 * nm + N + 2 * N * d + nt) * sizeof *buf);
    if (!buf)
        return LL_ERR_NOMEM;
    double *Z = buf, *Ct = Z + nm, *r = Ct + nm, *Xc = r + N, *Xt = Xc + N * d;
    struct_weights(M, theta, lambda, Z, Ct, r);
    struct_blocks(M, Z, Xc, B);
    for (size_t n = 0; n < N; n++)
        for (size_t i = 0; i < d; i++)
            Xt[i + n * d] = M->X[n + i * N];
    struct_lowrank(M, Ct, Xt, U);
    if (G)
        struct_gram(M, Ct, Xt, Xt + N * d, G);
    free(buf);
    return LL_OK;
}
