/* The prepared Hessian of the network at one point (problem.h, hlin_*):
 * H u for many u at the same (theta, lambda) without re-running the
 * forward pass (MATH.md section 1). Everything that depends on the point
 * only, i.e. the activation derivatives h, h', h'' at z_nj, the residuals r
 * and the output weights v, is computed once by ll_model_hlin_set into the
 * caller-owned object; a product then costs two N x m x d gemms (the
 * directional pre-activations Zu = X U^T and the pullback) and O(N m)
 * arithmetic, with no activation evaluations (which dominate the forward
 * pass: ~80% of a stand-alone hvp at d = 5).
 *
 * H u with Zu = X U^T + ub, s = J u (s_n = sum_j v_j h' Zu + uv_j h):
 *   A_nj  = s_n v_j h'_nj + r_n (v_j h''_nj Zu_nj + h'_nj uv_j),
 *   Bv_nj = s_n h_nj + r_n h'_nj Zu_nj   (trained v only),
 *   H u   = pullback(A, Bv) / N + alpha u_W.
 * The point's factors are stored multiplied out, in place of the forward
 * pass's blocks: P1 = v_j h' (over h'), P2 = r_n v_j h'' (over h''),
 * Q1 = r_n h' (over Z, trained v only), so that a product is
 *   s_n = sum_j P1 Zu + uv_j h,  A = s_n P1 + P2 Zu + uv_j Q1,
 *   Bv = s_n h + Q1 Zu.
 * The object holds no pointer into the model: the model stays read-only
 * and several objects (threads) may use one model at once. */
#include <stdlib.h>
#include <string.h>

#include "model_impl.h"

struct ll_model_hlin {
    ll_model_fwd F;
    double *Zu, *A, *Bv, *s; /* product scratch: 3 N m + N */
    int set;                 /* F holds a point */
};

ll_status ll_model_hlin_create(const ll_model *M, ll_model_hlin **out)
{
    size_t nm = M->n * M->m;
    ll_model_hlin *L = calloc(1, sizeof *L);
    if (!L)
        return LL_ERR_NOMEM;
    L->Zu = malloc((3 * nm + M->n) * sizeof *L->Zu);
    if (!L->Zu || ll_model_fwd_alloc(&L->F, M, 2, 0) != LL_OK) {
        free(L->Zu), free(L);
        return LL_ERR_NOMEM;
    }
    L->A = L->Zu + nm, L->Bv = L->A + nm, L->s = L->Bv + nm;
    *out = L;
    return LL_OK;
}

void ll_model_hlin_destroy(ll_model_hlin *L)
{
    if (!L)
        return;
    ll_model_fwd_free(&L->F);
    free(L->Zu), free(L);
}

ll_status ll_model_hlin_set(const ll_model *M, ll_model_hlin *L,
                            const double *theta, double lambda)
{
    if (!M || !L || !theta)
        return LL_ERR_ARG;
    ll_model_fwd *F = &L->F;
    size_t N = M->n, m = M->m, nm = N * m;
    ll_model_fwd_run(F, M, theta, lambda);
    double *P1 = F->hd + nm, *P2 = F->hd + 2 * nm, *Q1 = F->Z;
    for (size_t j = 0; j < m; j++)
        for (size_t n = 0; n < N; n++) {
            size_t e = n + j * N;
            if (M->train_v)
                Q1[e] = F->r[n] * P1[e];
            P2[e] *= F->r[n] * F->v[j];
            P1[e] *= F->v[j];
        }
    L->set = 1;
    return LL_OK;
}

/* s_n = sum_j P1 Zu (+ uv_j h): the network's directional derivative. */
static void hlin_ju(const ll_model *M, const ll_model_hlin *L, const double *u,
                    double *restrict s)
{
    size_t N = M->n, nm = N * M->m;
    const double *restrict P1 = L->F.hd + nm, *restrict h0 = L->F.hd;
    const double *restrict Zu = L->Zu;
    memset(s, 0, N * sizeof *s);
    for (size_t j = 0; j < M->m; j++) {
        const double *p = P1 + j * N, *z = Zu + j * N;
        for (size_t n = 0; n < N; n++)
            s[n] += p[n] * z[n];
        if (!M->train_v)
            continue;
        double uv = u[M->off_v + j];
        for (size_t n = 0; n < N; n++)
            s[n] += uv * h0[n + j * N];
    }
}

ll_status ll_model_hlin_apply(const ll_model *M, ll_model_hlin *L,
                              const double *u, double *Hu)
{
    if (!M || !L || !u || !Hu || !L->set)
        return LL_ERR_ARG;
    size_t N = M->n, m = M->m, nm = N * m;
    const double *restrict P1 = L->F.hd + nm, *restrict P2 = L->F.hd + 2 * nm;
    const double *restrict h0 = L->F.hd, *restrict Q1 = L->F.Z;
    double *restrict Zu = L->Zu, *restrict A = L->A, *restrict Bv = L->Bv;
    const double *restrict s = L->s;
    ll_model_dir_preact(M, u, Zu);
    hlin_ju(M, L, u, L->s);
    for (size_t j = 0; j < m; j++) {
        size_t o = j * N;
        for (size_t n = 0; n < N; n++)
            A[o + n] = s[n] * P1[o + n] + P2[o + n] * Zu[o + n];
        if (!M->train_v)
            continue;
        double uv = u[M->off_v + j];
        for (size_t n = 0; n < N; n++) {
            A[o + n] += uv * Q1[o + n];
            Bv[o + n] = s[n] * h0[o + n] + Q1[o + n] * Zu[o + n];
        }
    }
    ll_model_pullback(M, A, Bv, 1.0 / (double)N, Hu);
    for (size_t k = 0; k < m * M->d; k++)
        Hu[k] += M->alpha * u[k];
    return LL_OK;
}
