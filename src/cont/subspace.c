/* Restriction of an ll_problem to the affine subspace x = x0 + S z, S with
 * orthonormal columns (declared in problem.h). Every operation is the chain
 * rule through the linear map z -> x0 + S z:
 *     F_z = S^T F,  H_z = S^T H S,  (F_z)_p = S^T F_p,  (H_z)_p = S^T H_p S,
 *     D^3L_z[a, b, .] = S^T D^3L[S a, S b, .],  D^4L_z[a^4] = D^4L[(S a)^4],
 *     D^3L_z[u, ., .] = S^T D^3L[S u, ., .] S.
 * Used for fixed-point subspaces of symmetric problems (MATH.md section 4,
 * Exp. 1: the diagonal w1 = w2 of the symmetric toy, seed 000 Prop. 7.2).
 * All derivatives stay exact: nothing here differentiates numerically. */
#include "losslab/problem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"

struct ll_subspace {
    const ll_problem *parent; /* borrowed */
    size_t n, k;
    double *x0;   /* n */
    double *S;    /* n x k, column-major */
    double *x;    /* n scratch: the lifted point */
    double *a, *b;/* n scratch: lifted directions */
    double *F;    /* n scratch */
    double *H;    /* n x n scratch */
    double *HS;   /* n x k scratch */
};

/* Largest |(S^T S - I)_ij|. */
static double orth_error(const double *S, size_t n, size_t k)
{
    double e = 0.0;
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j <= i; j++) {
            double d = ll_dot(n, S + i * n, S + j * n) - (i == j ? 1.0 : 0.0);
            e = fmax(e, fabs(d));
        }
    return e;
}

static ll_status subspace_check(const ll_problem *parent, const double *S,
                                size_t k, ll_errbuf *eb)
{
    if (!parent || !S)
        return ll_err(eb, LL_ERR_ARG, "subspace: NULL parent problem or basis");
    if (k < 1 || k > parent->n)
        return ll_err(eb, LL_ERR_ARG,
                      "subspace: dimension k = %zu must be in [1, n = %zu]", k,
                      parent->n);
    for (size_t i = 0; i < parent->n * k; i++)
        if (!isfinite(S[i]))
            return ll_err(eb, LL_ERR_ARG,
                          "subspace: basis entry S[%zu, %zu] is not finite",
                          i % parent->n, i / parent->n);
    double e = orth_error(S, parent->n, k);
    if (!(e <= 1e-10))
        return ll_err(eb, LL_ERR_ARG,
                      "subspace: basis columns are not orthonormal "
                      "(max |S^T S - I| = %.3g > 1e-10)", e);
    return LL_OK;
}

ll_status ll_subspace_create(ll_subspace **out, const ll_problem *parent,
                             const double *x0, const double *S, size_t k,
                             ll_errbuf *eb)
{
    if (!out)
        return ll_err(eb, LL_ERR_ARG, "subspace: NULL output handle");
    *out = NULL;
    ll_status st = subspace_check(parent, S, k, eb);
    if (st != LL_OK)
        return st;
    size_t n = parent->n;
    ll_subspace *sp = calloc(1, sizeof *sp);
    if (!sp)
        return ll_err(eb, LL_ERR_NOMEM, "subspace: out of memory");
    sp->parent = parent;
    sp->n = n;
    sp->k = k;
    sp->x0 = calloc(n, sizeof(double));
    sp->S = malloc(n * k * sizeof(double));
    sp->x = malloc(n * sizeof(double));
    sp->a = malloc(n * sizeof(double));
    sp->b = malloc(n * sizeof(double));
    sp->F = malloc(n * sizeof(double));
    sp->H = malloc(n * n * sizeof(double));
    sp->HS = malloc(n * k * sizeof(double));
    if (!sp->x0 || !sp->S || !sp->x || !sp->a || !sp->b || !sp->F || !sp->H ||
        !sp->HS) {
        ll_subspace_destroy(sp);
        return ll_err(eb, LL_ERR_NOMEM, "subspace: out of memory (n = %zu)", n);
    }
    if (x0)
        memcpy(sp->x0, x0, n * sizeof(double));
    memcpy(sp->S, S, n * k * sizeof(double));
    *out = sp;
    return LL_OK;
}

void ll_subspace_destroy(ll_subspace *sp)
{
    if (!sp)
        return;
    free(sp->x0);
    free(sp->S);
    free(sp->x);
    free(sp->a);
    free(sp->b);
    free(sp->F);
    free(sp->H);
    free(sp->HS);
    free(sp);
}

void ll_subspace_lift(const ll_subspace *sp, const double *z, double *x)
{
    memcpy(x, sp->x0, sp->n * sizeof(double));
    ll_gemv(0, sp->n, sp->k, 1.0, sp->S, sp->n, z, 1.0, x);
}

void ll_subspace_project(const ll_subspace *sp, const double *x, double *z)
{
    for (size_t j = 0; j < sp->k; j++) {
        const double *s = sp->S + j * sp->n;
        double acc = 0.0;
        for (size_t i = 0; i < sp->n; i++)
            acc += s[i] * (x[i] - sp->x0[i]);
        z[j] = acc;
    }
}

/* Direction in z-space -> direction in x-space (no x0). */
static void lift_dir(const ll_subspace *sp, const double *u, double *out)
{
    ll_gemv(0, sp->n, sp->k, 1.0, sp->S, sp->n, u, 0.0, out);
}

/* out (k x k) = S^T M S for the n x n matrix M. */
static void project_matrix(ll_subspace *sp, const double *M, double *out)
{
    size_t n = sp->n, k = sp->k;
    ll_gemm(0, 0, n, k, n, 1.0, M, n, sp->S, n, 0.0, sp->HS, n);
    ll_gemm(1, 0, k, k, n, 1.0, sp->S, n, sp->HS, n, 0.0, out, k);
    for (size_t i = 0; i < k; i++) /* exact symmetry despite rounding */
        for (size_t j = 0; j < i; j++) {
            double s = 0.5 * (out[i + j * k] + out[j + i * k]);
            out[i + j * k] = out[j + i * k] = s;
        }
}

static ll_status sp_loss(void *ctx, const double *z, double p, double *L)
{
    ll_subspace *sp = ctx;
    ll_subspace_lift(sp, z, sp->x);
    return sp->parent->loss(sp->parent->ctx, sp->x, p, L);
}

/* Vector ops: out = S^T (parent op at the lifted point). */
static ll_status sp_grad(void *ctx, const double *z, double p, double *F)
{
    ll_subspace *sp = ctx;
    ll_subspace_lift(sp, z, sp->x);
    ll_status st = sp->parent->grad(sp->parent->ctx, sp->x, p, sp->F);
    if (st == LL_OK)
        ll_gemv(1, sp->n, sp->k, 1.0, sp->S, sp->n, sp->F, 0.0, F);
    return st;
}

static ll_status sp_grad_p(void *ctx, const double *z, double p, double *Fp)
{
    ll_subspace *sp = ctx;
    ll_subspace_lift(sp, z, sp->x);
    ll_status st = sp->parent->grad_p(sp->parent->ctx, sp->x, p, sp->F);
    if (st == LL_OK)
        ll_gemv(1, sp->n, sp->k, 1.0, sp->S, sp->n, sp->F, 0.0, Fp);
    return st;
}

static ll_status sp_hess(void *ctx, const double *z, double p, double *H)
{
    ll_subspace *sp = ctx;
    ll_subspace_lift(sp, z, sp->x);
    ll_status st = sp->parent->hess(sp->parent->ctx, sp->x, p, sp->H);
    if (st == LL_OK)
        project_matrix(sp, sp->H, H);
    return st;
}

static ll_status sp_hess_p(void *ctx, const double *z, double p, double *Hp)
{
    ll_subspace *sp = ctx;
    ll_subspace_lift(sp, z, sp->x);
    ll_status st = sp->parent->hess_p(sp->parent->ctx, sp->x, p, sp->H);
    if (st == LL_OK)
        project_matrix(sp, sp->H, Hp);
    return st;
}

static ll_status sp_d3(void *ctx, const double *z, double p, const double *a,
                       const double *b, double *out)
{
    ll_subspace *sp = ctx;
    ll_subspace_lift(sp, z, sp->x);
    lift_dir(sp, a, sp->a);
    lift_dir(sp, b, sp->b);
    ll_status st = sp->parent->d3(sp->parent->ctx, sp->x, p, sp->a, sp->b,
                                  sp->F);
    if (st == LL_OK)
        ll_gemv(1, sp->n, sp->k, 1.0, sp->S, sp->n, sp->F, 0.0, out);
    return st;
}

static ll_status sp_d4(void *ctx, const double *z, double p, const double *a,
                       double *out)
{
    ll_subspace *sp = ctx;
    ll_subspace_lift(sp, z, sp->x);
    lift_dir(sp, a, sp->a);
    return sp->parent->d4(sp->parent->ctx, sp->x, p, sp->a, out);
}

/* Without the parent's hess_dir: column j of S^T D^3L[S u, ., .] S is
 * S^T D^3L[S u, S e_j, .], one d3 call each (k of them). */
static ll_status hess_dir_by_d3(ll_subspace *sp, double p, double *out)
{
    size_t n = sp->n, k = sp->k;
    for (size_t j = 0; j < k; j++) {
        ll_status st = sp->parent->d3(sp->parent->ctx, sp->x, p, sp->a,
                                      sp->S + j * n, sp->F);
        if (st != LL_OK)
            return st;
        ll_gemv(1, n, k, 1.0, sp->S, n, sp->F, 0.0, out + j * k);
    }
    for (size_t i = 0; i < k; i++)
        for (size_t j = 0; j < i; j++) {
            double s = 0.5 * (out[i + j * k] + out[j + i * k]);
            out[i + j * k] = out[j + i * k] = s;
        }
    return LL_OK;
}

static ll_status sp_hess_dir(void *ctx, const double *z, double p,
                             const double *u, double *out)
{
    ll_subspace *sp = ctx;
    ll_subspace_lift(sp, z, sp->x);
    lift_dir(sp, u, sp->a);
    if (!sp->parent->hess_dir)
        return hess_dir_by_d3(sp, p, out);
    ll_status st = sp->parent->hess_dir(sp->parent->ctx, sp->x, p, sp->a,
                                        sp->H);
    if (st == LL_OK)
        project_matrix(sp, sp->H, out);
    return st;
}

void ll_subspace_problem(ll_subspace *sp, ll_problem *pb)
{
    memset(pb, 0, sizeof *pb);
    pb->n = sp->k;
    pb->ctx = sp;
    pb->loss = sp_loss;
    pb->grad = sp_grad;
    pb->hess = sp_hess;
    pb->grad_p = sp_grad_p;
    pb->hess_p = sp_hess_p;
    pb->d3 = sp_d3;
    pb->d4 = sp_d4;
    pb->hess_dir = sp_hess_dir;
    /* no large-problem ops: restricted problems are small and dense */
    pb->hvp = NULL, pb->hess_p_vec = NULL, pb->hess_struct = NULL;
    pb->struct_nb = pb->struct_bs = pb->struct_k = 0;
}
