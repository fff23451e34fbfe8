/* Exact directional derivatives by forward-mode Taylor propagation along the
 * line theta + t u (MATH.md section 3, last paragraphs).
 *
 * z_nj(t) = Z_nj + t Zu_nj is exactly linear, so the Taylor coefficients of
 * h(z(t)) are h_c = h^(c)(Z) Zu^c / c!; v_j(t) = v_j + t uv_j; hence
 *     f_c = sum_j (v_j h_c + uv_j h_{c-1}),   r_c = f_c - [c = 0] y,
 *     [t^k] L(t) = 1/(2N) sum_n sum_{a+b=k} r_a r_b  + alpha terms,
 *     D^kL[u^k] = k! [t^k] L(t).
 * For the third derivative we use D^{k+1}L[u^k, .] = k! [t^k] grad L(theta +
 * t u): grad L = pullback(A, Bv)/N + alpha W with A = r v h'(z), Bv = r h(z),
 * so B(u) := D^3L[u, u, .] = 2/N pullback([t^2] A, [t^2] Bv) (the alpha W
 * term is linear in t), and D^3L[a, b, .] = (B(a + b) - B(a - b)) / 4 by
 * polarisation. Cost O(N P) per direction, no tensors formed.
 */
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "model_impl.h"

/* Taylor coefficient c of h(z_nj(t)) (d = 0) or h'(z_nj(t)) (d = 1). */
static double hjet(const ll_model_fwd *F, size_t nm, size_t e, double zu,
                   int c, int d)
{
    if (c < 0)
        return 0.0;
    double p = F->hd[(size_t)(c + d) * nm + e];
    for (int i = 1; i <= c; i++)
        p *= zu / i;
    return p;
}

/* r jets: rj[c N + n] = [t^c] r_n(theta + t u), c = 0..K (K <= F->kmax). */
static void r_jets(const ll_model *M, const ll_model_fwd *F, const double *u,
                   const double *Zu, int K, double *rj)
{
    size_t N = M->n, nm = N * M->m;
    memset(rj, 0, (size_t)(K + 1) * N * sizeof *rj);
    for (size_t j = 0; j < M->m; j++) {
        double uv = M->train_v ? u[M->off_v + j] : 0.0;
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            for (int c = 0; c <= K; c++)
                rj[(size_t)c * N + n] += F->v[j] * hjet(F, nm, e, Zu[e], c, 0) +
                                         uv * hjet(F, nm, e, Zu[e], c - 1, 0);
        }
    }
    for (size_t n = 0; n < N; n++)
        rj[n] -= M->y[n];
}

ll_status ll_model_dir(const ll_model *M, const double *theta, double lambda,
                       const double *u, int k, double *out)
{
    if (!M || !theta || !u || !out || k < 1 || k > 4)
        return LL_ERR_ARG;
    size_t N = M->n, nm = N * M->m, md = M->m * M->d;
    ll_model_fwd F;
    double *buf = malloc((nm + (size_t)(k + 1) * N) * sizeof *buf);
    if (!buf || ll_model_fwd_alloc(&F, M, k, 0) != LL_OK) {
        free(buf);
        return LL_ERR_NOMEM;
    }
    double *Zu = buf, *rj = buf + nm;
    ll_model_fwd_run(&F, M, theta, lambda);
    ll_model_dir_preact(M, u, Zu);
    r_jets(M, &F, u, Zu, k, rj);
    double s = 0.0;
    for (int a = 0; a <= k; a++)
        s += ll_dot(N, rj + (size_t)a * N, rj + (size_t)(k - a) * N);
    s *= 0.5 / (double)N;
    if (k == 1)
        s += M->alpha * ll_dot(md, theta, u);
    else if (k == 2)
        s += 0.5 * M->alpha * ll_dot(md, u, u);
    static const double fact[5] = {1, 1, 2, 6, 24};
    *out = fact[k] * s;
    ll_model_fwd_free(&F);
    free(buf);
    return LL_OK;
}

/* out = B(u) = D^3L[u, u, .]; ws holds 3 N m + 3 N doubles. */
static void bsq(const ll_model *M, const ll_model_fwd *F, const double *u,
                double *ws, double *out)
{
    size_t N = M->n, nm = N * M->m;
    double *Zu = ws, *A2 = Zu + nm, *B2 = A2 + nm, *rj = B2 + nm;
    ll_model_dir_preact(M, u, Zu);
    r_jets(M, F, u, Zu, 2, rj);
    for (size_t j = 0; j < M->m; j++) {
        double vt[2] = {F->v[j], M->train_v ? u[M->off_v + j] : 0.0};
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            double a2 = 0.0, b2 = 0.0;
            for (int a = 0; a <= 2; a++) {      /* r_a */
                double ra = rj[(size_t)a * N + n];
                b2 += ra * hjet(F, nm, e, Zu[e], 2 - a, 0);
                for (int b = 0; b <= 1 && a + b <= 2; b++) /* v_b h'_c */
                    a2 += ra * vt[b] * hjet(F, nm, e, Zu[e], 2 - a - b, 1);
            }
            A2[e] = a2, B2[e] = b2;
        }
    }
    ll_model_pullback(M, A2, B2, 2.0 / (double)N, out);
}

ll_status ll_model_d3(const ll_model *M, const double *theta, double lambda,
                      const double *a, const double *b, double *out)
{
    if (!M || !theta || !a || !b || !out)
        return LL_ERR_ARG;
    size_t N = M->n, nm = N * M->m, P = M->P;
    ll_model_fwd F;
    double *buf = malloc((3 * nm + 3 * N + 3 * P) * sizeof *buf);
    if (!buf || ll_model_fwd_alloc(&F, M, 3, 0) != LL_OK) {
        free(buf);
        return LL_ERR_NOMEM;
    }
    double *ws = buf, *u = ws + 3 * nm + 3 * N, *tmp = u + P;
    ll_model_fwd_run(&F, M, theta, lambda);
    if (a == b) {
        bsq(M, &F, a, ws, out);
    } else {
        for (size_t k = 0; k < P; k++)
            u[k] = a[k] + b[k];
        bsq(M, &F, u, ws, out);
        for (size_t k = 0; k < P; k++)
            u[k] = a[k] - b[k];
        bsq(M, &F, u, ws, tmp);
        for (size_t k = 0; k < P; k++)
            out[k] = 0.25 * (out[k] - tmp[k]);
    }
    ll_model_fwd_free(&F);
    free(buf);
    return LL_OK;
}
