/* Internal to src/model: the model struct and the forward pass shared by the
 * loss, gradient, Hessian and Taylor code. */
#ifndef LL_MODEL_IMPL_H
#define LL_MODEL_IMPL_H

#include <stddef.h>

#include "losslab/model.h"

struct ll_model {
    size_t n, d, m, P;
    size_t off_b, off_v; /* start of b and v in theta (valid if present) */
    double *X;           /* N x d column-major (copied) */
    double *y;           /* N */
    double *v0;          /* m: fixed (or initial) output weights */
    const ll_act *act;
    double alpha;
    int train_v, bias;
};

/* Per-call forward state at (theta, lambda). Arrays of N x m are
 * column-major: entry (n, j) at n + j N. */
typedef struct ll_model_fwd {
    int kmax;   /* h^(c) stored for c = 0..kmax */
    double *Z;  /* pre-activations z_nj = w_j . x_n + b_j */
    double *hd; /* block c (offset c N m): h^(c)(z_nj, lambda) */
    double *hl; /* same for d/dlambda h^(c), or NULL */
    double *r;  /* residuals f - y (N) */
    double *rl; /* d r / d lambda (N), or NULL */
    double *v;  /* the m output weights in use (theta's v if trained) */
    double *buf;
} ll_model_fwd;

/* Allocate the state (one malloc). LL_ERR_NOMEM on failure. */
ll_status ll_model_fwd_alloc(ll_model_fwd *F, const ll_model *M, int kmax,
                             int with_lambda);
void ll_model_fwd_free(ll_model_fwd *F);
/* Fill Z, hd (hl), r (rl) and v for (theta, lambda). */
void ll_model_fwd_run(ll_model_fwd *F, const ll_model *M, const double *theta,
                      double lambda);

/* Zu = X U^T + 1 ub^T for a direction u in parameter space (N x m). */
void ll_model_dir_preact(const ll_model *M, const double *u, double *Zu);

/* The transpose of the network's linearisation, summed over samples:
 *     out_W(j,i) = s sum_n A_nj x_ni,  out_b(j) = s sum_n A_nj,
 *     out_v(j)   = s sum_n Bv_nj           (Bv unused if v is fixed).
 * Every gradient-like vector (gradient, H u, F_p, D^3L[u,u,.]) has this
 * form for suitable A, Bv. Overwrites all P entries of out. */
void ll_model_pullback(const ll_model *M, const double *A, const double *Bv,
                       double s, double *out);

/* The output weight of unit j for parameter vector theta. */
static inline double ll_model_vj(const ll_model *M, const double *theta,
                                 size_t j)
{
    return M->train_v ? theta[M->off_v + j] : M->v0[j];
}

/* The prepared Hessian at one point (model_hlin.c; problem.h hlin_*): the
 * forward pass with h, h', h'' kept, so that products H u at that point
 * skip it. Caller-owned; the model is not modified. */
typedef struct ll_model_hlin ll_model_hlin;
ll_status ll_model_hlin_create(const ll_model *M, ll_model_hlin **out);
void ll_model_hlin_destroy(ll_model_hlin *L); /* NULL-safe */
ll_status ll_model_hlin_set(const ll_model *M, ll_model_hlin *L,
                            const double *theta, double lambda);
/* Hu = H u at the point of the last set (LL_ERR_ARG if never set). */
ll_status ll_model_hlin_apply(const ll_model *M, ll_model_hlin *L,
                              const double *u, double *Hu);

/* The linear end (model_linear.c). u solving (alpha I + ||v||^2 Sigma) u =
 * gamma (A: d x d scratch), and the unit forms
 * K_j = (1/N) sum_n r0_n sigma''(v_j u . x_n) x_n x_n^T (K: d x d x m) with
 * the paper's eq. (22) value (scratch: N (d + 1)). */
ll_status ll_model_lin_solve_u(const ll_model *M, double *u, double *A,
                               ll_errbuf *eb);
void ll_model_lin_unit_forms(const ll_model *M, const double *u, double *K,
                             double *eq22, double *scr);

#endif
