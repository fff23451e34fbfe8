/* losslab: the two-layer network under the activation homotopy
 * (MATH.md section 1, seed 000).
 *
 *     f(x) = sum_j v_j h(w_j . x + b_j, lambda)        j = 1..m
 *     L    = 1/(2N) sum_n (f(x_n) - y_n)^2 + alpha/2 ||W||_F^2
 *
 * Parameters theta in R^P, laid out as
 *     [ W row by row (index j*d + i) | b (m, if biases) | v (m, if trained) ]
 * so P = m d (+ m) (+ m). By default only W is trained, v is fixed and there
 * are no biases. Only W is regularised.
 *
 * Every derivative is exact: the gradient and Hessian in closed form (the
 * Gauss-Newton part J^T J / N as one dsyrk), directional derivatives by
 * forward-mode Taylor propagation of truncated polynomials in t along
 * theta + t u. The continuation parameter p is lambda.
 *
 * A model borrows nothing: it copies the data and v at creation.
 * Functions taking `const ll_model *` are safe to call from several threads
 * on the same model only if they do not share scratch (they allocate their
 * own); the model has no hidden mutable state.
 */
#ifndef LOSSLAB_MODEL_H
#define LOSSLAB_MODEL_H

#include <stddef.h>

#include "losslab/act.h"
#include "losslab/data.h"
#include "losslab/problem.h"
#include "losslab/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ll_model ll_model;

typedef struct ll_model_opts {
    size_t width;      /* m, default 10 */
    const ll_act *act; /* default tanh */
    double alpha;      /* Tikhonov weight on W, default 4e-3 */
    const double *v;   /* m output weights (copied); NULL: linspace(0.5,1.5,m) */
    int train_v;       /* nonzero: v is a parameter. Default 0 */
    int bias;          /* nonzero: hidden biases b_j. Default 0 */
} ll_model_opts;

ll_model_opts ll_model_opts_default(void);

/* Create a model on data D (copied). Checks every option and names the bad
 * one in eb. Refuses, with a clear message (LL_ERR_NOMEM), only sizes the
 * model itself cannot hold: its data plus one N x P Jacobian-sized array
 * (what ll_model_hess_struct's U and the dense Hessian's Jacobian need) must
 * fit in half the physical memory. Whether a dense P x P Hessian fits is the
 * continuation's concern (cont.h, ll_hessian_path). */
ll_status ll_model_create(ll_model **out, const ll_data *D,
                          const ll_model_opts *o, ll_errbuf *eb);
void ll_model_destroy(ll_model *M); /* NULL-safe */

size_t ll_model_nparams(const ll_model *M);
size_t ll_model_width(const ll_model *M);
size_t ll_model_dim(const ll_model *M);
const double *ll_model_v(const ll_model *M); /* the m fixed/initial v */

/* Parameter index helpers for the layout above (-1 if absent). */
long ll_model_idx_w(const ll_model *M, size_t j, size_t i);
long ll_model_idx_b(const ll_model *M, size_t j);
long ll_model_idx_v(const ll_model *M, size_t j);

/* Network outputs f(x_n) for every sample (N values). */
ll_status ll_model_predict(const ll_model *M, const double *theta,
                           double lambda, double *f);

ll_status ll_model_loss(const ll_model *M, const double *theta, double lambda,
                        double *L);
ll_status ll_model_grad(const ll_model *M, const double *theta, double lambda,
                        double *g);
/* Dense Hessian, P x P column-major, both triangles. */
ll_status ll_model_hess(const ll_model *M, const double *theta, double lambda,
                        double *H);
/* Hessian-vector product H u without forming H (every option). One
 * forward pass and one product: O(N P) time; allocates O(N m) scratch per
 * call (for many products at one point, ll_model_problem's hlin_* ops
 * reuse the forward pass). LL_ERR_ARG on NULL, LL_ERR_NOMEM. */
ll_status ll_model_hvp(const ll_model *M, const double *theta, double lambda,
                       const double *u, double *Hu);
/* d/dlambda of the gradient and of the Hessian at fixed theta. */
ll_status ll_model_grad_lambda(const ll_model *M, const double *theta,
                               double lambda, double *g_l);
ll_status ll_model_hess_lambda(const ll_model *M, const double *theta,
                               double lambda, double *H_l);

/* out = H_l u = (d/dlambda H at fixed theta) u, exact, without forming H_l:
 * O(N P) time, O(N m + P) memory allocated per call. Every option (trained
 * v, biases). u and out (P values each, caller-owned) must not alias.
 * LL_ERR_ARG on NULL, LL_ERR_NOMEM. */
ll_status ll_model_hess_lambda_vec(const ll_model *M, const double *theta,
                                   double lambda, const double *u,
                                   double *out);
/* The exact structure H = blockdiag(B_1..B_m) + U U^T of the default model
 * (fixed v, no biases; LL_ERR_ARG otherwise):
 *     B_j = alpha I + (1/N) sum_n r_n v_j h''(z_nj) x_n x_n^T   (d x d,
 *           column-major at B + j d d; m d^2 values),
 *     U   (P x N, column-major): column n = (1/sqrt(N)) df(x_n)/dtheta, i.e.
 *           rows j d .. j d + d - 1 are v_j h'(z_nj) x_n / sqrt(N).
 *     G   (N x N, column-major, both triangles; only when G != NULL):
 *           U^T U = (C^T C) o (X X^T), C[j, n] = v_j h'(z_nj) / sqrt(N)
 *           (the empirical NTK Gram matrix), in O(N^2 (m + d)) instead of
 *           the O(N^2 P) of forming it from U (ll_bdlr_factor_gram).
 * B, U and G are caller-owned and overwritten. O(N P + m N d^2) time, O(N m
 * + N^2) scratch allocated per call. LL_ERR_ARG on NULL (B, U, theta) or a
 * non-default model, LL_ERR_NOMEM. */
ll_status ll_model_hess_struct(const ll_model *M, const double *theta,
                               double lambda, double *B, double *U,
                               double *G);

/* D^kL[u, ..., u] for k = 1..4 (k = 1: g.u, k = 2: u^T H u). */
ll_status ll_model_dir(const ll_model *M, const double *theta, double lambda,
                       const double *u, int k, double *out);
/* out = D^3L[a, b, .] in R^P. */
ll_status ll_model_d3(const ll_model *M, const double *theta, double lambda,
                      const double *a, const double *b, double *out);
/* out = D^3L[u, ., .] = d/dt H(theta + t u) at t = 0, P x P column-major,
 * both triangles; exact, O(N P^2) like the Hessian. */
ll_status ll_model_hess_dir(const ll_model *M, const double *theta,
                            double lambda, const double *u, double *out);

/* The closed-form minimiser at lambda = 0 (MATH.md section 1): W0 = v u^T,
 * (alpha I + ||v||^2 Sigma) u = gamma; b and trained v take their fixed/
 * initial values (b = 0). Exact for the default model; with biases or
 * trained v it is the starting guess that Newton then polishes. */
ll_status ll_model_linear_start(const ll_model *M, double *theta0,
                                ll_errbuf *eb);

/* The softening rate by the closed form of MATH.md section 1 (default model
 * only: fixed v, no biases): the eigenvalues (ascending, (m-1)d of them) of
 *     sum_j v_j dw_j^T ((1/N) sum_n r0_n sigma''(w0_j . x_n) x_n x_n^T) dw_j
 * restricted to E = {dW : v^T dW = 0}; speeds[0] is lambda_1'(0). Also the
 * paper's eq. (22) expression -sum_j v_j^2 u0^T E[(sigma'-1) x x^T] u0, for
 * reporting beside it, labelled (it is not the softening rate). */
ll_status ll_model_softening_closed_form(const ll_model *M, double *speeds,
                                         double *paper_eq22, ll_errbuf *eb);

/* The k smallest of the speeds of ll_model_softening_closed_form (same
 * numbers, ascending, 1 <= k <= (m-1) d), default model only, without forming
 * the (m-1)d x (m-1)d restricted matrix: the form D = blockdiag(v_j A_j),
 * A_j = (1/N) sum_n r0_n sigma''(w0_j . x_n) x_n x_n^T, restricted to
 * E = {dW : sum_j v_j dw_j = 0}. Its eigenvalues below mu are counted by the
 * inertia of the KKT matrix [[D - mu I, C^T], [C, 0]], C = v^T kron I_d
 * (Haynsworth): count(mu) = neg(D - mu I) + pos(S(mu)) - d,
 * S(mu) = sum_j v_j^2 (v_j A_j - mu I)^{-1}; each speed is found inside
 * its interlacing bracket lambda_i(D) <= speed_i <= lambda_{i+d}(D) by
 * safeguarded Newton on the eigenvalue of S(mu) crossing zero, bisection on
 * count as the fallback. Cost O(N m d^2) to form the A_j, O(m d^3) to
 * diagonalise them and O(m d^3) per evaluation (one d x (m d) by
 * (m d) x d gemm), ~20 evaluations per speed: ~0.4 s at m = 10,000, d = 5,
 * but ~12 s at m = 1000, d = 100 (2e9 flops per evaluation).
 * *noise (may be NULL): the rounding level of the speeds, about
 * N eps max_j ||v_j A_j||_2 (see model_soft_large.c). speeds: k values,
 * caller-owned. Memory O(m d^2 + N d + k), allocated per call. Errors
 * (named in eb): LL_ERR_ARG for a non-default model, m < 2, v = 0 or k out
 * of range; LL_ERR_NOMEM; a failed d x d eigenproblem or linear solve. */
ll_status ll_model_softening_smallest(const ll_model *M, size_t k,
                                      double *speeds, double *noise,
                                      ll_errbuf *eb);

/* The same, and V (P x k, column-major, caller-owned; NULL: not computed):
 * column t is the unit direction dW of speed t, the eigenvector of the
 * restricted form (dW in E, (D - speed I) dW in the range of C^T): the
 * direction in which the degenerate eigenvalue alpha at lambda = 0 moves at
 * that speed, to first order. An eigenvalue solver that starts from these
 * at the first steps finds the split cluster at once (without them the
 * m = 1000, d = 100 branch's first step took ~570 shift-invert
 * expansions). Cost: one more evaluation of S per speed and O(m d^2). */
ll_status ll_model_softening_vectors(const ll_model *M, size_t k,
                                     double *speeds, double *noise, double *V,
                                     ll_errbuf *eb);

/* Fill an ll_problem whose ctx is M (borrowed; M must outlive it). Also the
 * large-problem ops: hvp and hess_p_vec always; hess_struct (struct_nb = m,
 * struct_bs = d, struct_k = N) only for the default model (fixed v, no
 * biases), NULL with zero sizes otherwise. */
void ll_model_problem(ll_model *M, ll_problem *pb);

#ifdef __cplusplus
}
#endif
#endif
