/* The affine-subspace restriction x = x0 + S z of an ll_problem (problem.h,
 * src/cont/subspace.c) on a constructed quartic with closed-form
 * derivatives in n = 5:
 *     L = 1/2 x^T A x + p g.x + (a.x)^3 / 6 + (1 + p) (b.x)^4 / 24.
 * Every restricted op must equal the projection of the full one, computed
 * here by plain loops (independent of the BLAS path in the library); the
 * restricted gradient must match central differences of the restricted loss
 * (an oracle that does not use S^T at all); hess_dir must agree whether the
 * parent provides it or the restriction falls back to d3; bad bases are
 * refused by name; continuation inside a fixed-point subspace stays in it. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "losslab/cont.h"
#include "losslab/problem.h"

#define N 5
#define K 2

typedef struct quartic {
    double A[N * N], g[N], a[N], b[N];
} quartic;

static double dotn(const double *u, const double *v)
{
    double s = 0;
    for (int i = 0; i < N; i++)
        s += u[i] * v[i];
    return s;
}

static ll_status q_loss(void *c, const double *x, double p, double *L)
{
    quartic *q = c;
    double s = 0, ax = dotn(q->a, x), bx = dotn(q->b, x);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            s += 0.5 * x[i] * q->A[i + N * j] * x[j];
    *L = s + p * dotn(q->g, x) + ax * ax * ax / 6 +
         (1 + p) * bx * bx * bx * bx / 24;
    return LL_OK;
}

static ll_status q_grad(void *c, const double *x, double p, double *F)
{
    quartic *q = c;
    double ax = dotn(q->a, x), bx = dotn(q->b, x);
    for (int i = 0; i < N; i++) {
        F[i] = p * q->g[i] + 0.5 * ax * ax * q->a[i] +
               (1 + p) * bx * bx * bx / 6 * q->b[i];
        for (int j = 0; j < N; j++)
            F[i] += q->A[i + N * j] * x[j];
    }
    return LL_OK;
}

static ll_status q_hess(void *c, const double *x, double p, double *H)
{
    quartic *q = c;
    double ax = dotn(q->a, x), bx = dotn(q->b, x);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            H[i + N * j] = q->A[i + N * j] + ax * q->a[i] * q->a[j] +
                           0.5 * (1 + p) * bx * bx * q->b[i] * q->b[j];
    return LL_OK;
}

static ll_status q_grad_p(void *c, const double *x, double p, double *Fp)
{
    quartic *q = c;
    double bx = dotn(q->b, x);
    (void)p;
    for (int i = 0; i < N; i++)
        Fp[i] = q->g[i] + bx * bx * bx / 6 * q->b[i];
    return LL_OK;
}

static ll_status q_hess_p(void *c, const double *x, double p, double *Hp)
{
    quartic *q = c;
    double bx = dotn(q->b, x);
    (void)p;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            Hp[i + N * j] = 0.5 * bx * bx * q->b[i] * q->b[j];
    return LL_OK;
}

static ll_status q_d3(void *c, const double *x, double p, const double *u,
                      const double *v, double *out)
{
    quartic *q = c;
    double bx = dotn(q->b, x);
    double ca = dotn(q->a, u) * dotn(q->a, v);
    double cb = (1 + p) * bx * dotn(q->b, u) * dotn(q->b, v);
    for (int i = 0; i < N; i++)
        out[i] = ca * q->a[i] + cb * q->b[i];
    return LL_OK;
}

static ll_status q_d4(void *c, const double *x, double p, const double *u,
                      double *out)
{
    quartic *q = c;
    double bu = dotn(q->b, u);
    (void)x;
    *out = (1 + p) * bu * bu * bu * bu;
    return LL_OK;
}

static ll_status q_hess_dir(void *c, const double *x, double p,
                            const double *u, double *out)
{
    quartic *q = c;
    double au = dotn(q->a, u), bub = (1 + p) * dotn(q->b, x) * dotn(q->b, u);
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            out[i + N * j] = au * q->a[i] * q->a[j] + bub * q->b[i] * q->b[j];
    return LL_OK;
}

static void make_quartic(quartic *q, ll_problem *pb, int with_hess_dir)
{
    uint64_t st = 7;
    double R[N * N];
    ll_test_fill(&st, N * N, R, 1.0);
    for (int i = 0; i < N; i++) /* A = R R^T + I: symmetric positive */
        for (int j = 0; j < N; j++) {
            double s = i == j ? 1.0 : 0.0;
            for (int k = 0; k < N; k++)
                s += R[i + N * k] * R[j + N * k];
            q->A[i + N * j] = s;
        }
    ll_test_fill(&st, N, q->g, 1.0);
    ll_test_fill(&st, N, q->a, 1.0);
    ll_test_fill(&st, N, q->b, 1.0);
    memset(pb, 0, sizeof *pb);
    pb->n = N;
    pb->ctx = q;
    pb->loss = q_loss, pb->grad = q_grad, pb->hess = q_hess;
    pb->grad_p = q_grad_p, pb->hess_p = q_hess_p;
    pb->d3 = q_d3, pb->d4 = q_d4;
    pb->hess_dir = with_hess_dir ? q_hess_dir : NULL;
}

/* Two orthonormal columns by Gram-Schmidt of random vectors. */
static void make_basis(double *S)
{
    uint64_t st = 99;
    ll_test_fill(&st, N * K, S, 1.0);
    for (int j = 0; j < K; j++) {
        double *c = S + j * N;
        for (int i = 0; i < j; i++) {
            double d = dotn(c, S + i * N);
            for (int r = 0; r < N; r++)
                c[r] -= d * S[i * N + r];
        }
        double nr = sqrt(dotn(c, c));
        for (int r = 0; r < N; r++)
            c[r] /= nr;
    }
}

static void lift(const double *x0, const double *S, const double *z, double *x)
{
    for (int i = 0; i < N; i++) {
        x[i] = x0[i];
        for (int j = 0; j < K; j++)
            x[i] += S[i + N * j] * z[j];
    }
}

/* (S^T v)_j by loops */
static void proj_vec(const double *S, const double *v, double *out)
{
    for (int j = 0; j < K; j++)
        out[j] = dotn(S + j * N, v);
}

static void proj_mat(const double *S, const double *M, double *out)
{
    for (int a = 0; a < K; a++)
        for (int b = 0; b < K; b++) {
            double s = 0;
            for (int i = 0; i < N; i++)
                for (int j = 0; j < N; j++)
                    s += S[i + N * a] * M[i + N * j] * S[j + N * b];
            out[a + K * b] = s;
        }
}

/* All entries O(1); both sides are a few dozen flops of the same numbers
 * in a different order: 1e-12 absolute is ~1e4 roundings. */
#define PROJ_TOL 1e-12

static void check_all_ops(int with_hess_dir)
{
    quartic q;
    ll_problem full, red;
    ll_subspace *sp = NULL;
    double S[N * K], x0[N], z[K] = {0.3, -0.7}, u[K] = {0.9, 0.4},
                     w[K] = {-0.2, 0.5}, x[N], U[N], W[N];
    double Ff[N], Hf[N * N], Fr[K], Hr[K * K], pf[K], pm[K * K], d4f, d4r;
    uint64_t st = 3;
    double p = 0.37;
    make_quartic(&q, &full, with_hess_dir);
    make_basis(S);
    ll_test_fill(&st, N, x0, 0.5);
    assert_int_equal(ll_subspace_create(&sp, &full, x0, S, K, NULL), LL_OK);
    ll_subspace_problem(sp, &red);
    assert_int_equal(red.n, K);
    lift(x0, S, z, x);
    double zero[N] = {0};
    lift(zero, S, u, U);
    lift(zero, S, w, W);

    double Lf, Lr;
    q_loss(&q, x, p, &Lf);
    assert_int_equal(red.loss(red.ctx, z, p, &Lr), LL_OK);
    assert_true(fabs(Lf - Lr) < PROJ_TOL);

    q_grad(&q, x, p, Ff);
    proj_vec(S, Ff, pf);
    assert_int_equal(red.grad(red.ctx, z, p, Fr), LL_OK);
    for (int j = 0; j < K; j++)
        assert_true(fabs(Fr[j] - pf[j]) < PROJ_TOL);

    q_grad_p(&q, x, p, Ff);
    proj_vec(S, Ff, pf);
    assert_int_equal(red.grad_p(red.ctx, z, p, Fr), LL_OK);
    for (int j = 0; j < K; j++)
        assert_true(fabs(Fr[j] - pf[j]) < PROJ_TOL);

    q_hess(&q, x, p, Hf);
    proj_mat(S, Hf, pm);
    assert_int_equal(red.hess(red.ctx, z, p, Hr), LL_OK);
    for (int j = 0; j < K * K; j++)
        assert_true(fabs(Hr[j] - pm[j]) < PROJ_TOL);

    q_hess_p(&q, x, p, Hf);
    proj_mat(S, Hf, pm);
    assert_int_equal(red.hess_p(red.ctx, z, p, Hr), LL_OK);
    for (int j = 0; j < K * K; j++)
        assert_true(fabs(Hr[j] - pm[j]) < PROJ_TOL);

    q_d3(&q, x, p, U, W, Ff);
    proj_vec(S, Ff, pf);
    assert_int_equal(red.d3(red.ctx, z, p, u, w, Fr), LL_OK);
    for (int j = 0; j < K; j++)
        assert_true(fabs(Fr[j] - pf[j]) < PROJ_TOL);

    q_d4(&q, x, p, U, &d4f);
    assert_int_equal(red.d4(red.ctx, z, p, u, &d4r), LL_OK);
    assert_true(fabs(d4f - d4r) < PROJ_TOL);

    q_hess_dir(&q, x, p, U, Hf);
    proj_mat(S, Hf, pm);
    assert_int_equal(red.hess_dir(red.ctx, z, p, u, Hr), LL_OK);
    for (int j = 0; j < K * K; j++)
        assert_true(fabs(Hr[j] - pm[j]) < PROJ_TOL);
    ll_subspace_destroy(sp);
}

static void restricted_ops_should_equal_the_projected_full_ops(void **state)
{
    (void)state;
    check_all_ops(1);
}

static void hess_dir_should_fall_back_to_d3_when_the_parent_has_none(void **state)
{
    (void)state;
    check_all_ops(0);
}

/* An oracle that never forms S^T: central differences of the restricted
 * loss in z. Error ~ h^2 |L'''| / 6 + eps |L| / h; with h = 1e-5 and O(1)
 * derivatives that is ~1e-10, so 1e-7 is a loose but failing bound. */
static void restricted_gradient_should_match_differences_of_the_restricted_loss(void **state)
{
    (void)state;
    quartic q;
    ll_problem full, red;
    ll_subspace *sp = NULL;
    double S[N * K], z[K] = {0.2, 0.5}, F[K], h = 1e-5;
    make_quartic(&q, &full, 1);
    make_basis(S);
    assert_int_equal(ll_subspace_create(&sp, &full, NULL, S, K, NULL), LL_OK);
    ll_subspace_problem(sp, &red);
    red.grad(red.ctx, z, 0.4, F);
    for (int j = 0; j < K; j++) {
        double zp[K], zm[K], Lp, Lm;
        memcpy(zp, z, sizeof zp);
        memcpy(zm, z, sizeof zm);
        zp[j] += h;
        zm[j] -= h;
        red.loss(red.ctx, zp, 0.4, &Lp);
        red.loss(red.ctx, zm, 0.4, &Lm);
        assert_true(fabs((Lp - Lm) / (2 * h) - F[j]) < 1e-7);
    }
    ll_subspace_destroy(sp);
}

static void lift_then_project_should_return_the_coordinates(void **state)
{
    (void)state;
    quartic q;
    ll_problem full;
    ll_subspace *sp = NULL;
    double S[N * K], x0[N] = {1, 2, 3, 4, 5}, z[K] = {-1.5, 0.25}, x[N], z2[K];
    make_quartic(&q, &full, 1);
    make_basis(S);
    assert_int_equal(ll_subspace_create(&sp, &full, x0, S, K, NULL), LL_OK);
    ll_subspace_lift(sp, z, x);
    ll_subspace_project(sp, x, z2);
    for (int j = 0; j < K; j++)
        assert_true(fabs(z2[j] - z[j]) < 1e-14 * 8);
    ll_subspace_destroy(sp);
}

static void create_should_refuse_bad_bases_by_name(void **state)
{
    (void)state;
    quartic q;
    ll_problem full;
    ll_subspace *sp = NULL;
    ll_errbuf eb = {{0}};
    double S[N * K];
    make_quartic(&q, &full, 1);
    make_basis(S);
    S[0] *= 1.01; /* column 0 no longer unit */
    assert_int_equal(ll_subspace_create(&sp, &full, NULL, S, K, &eb),
                     LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "orthonormal"));
    assert_null(sp);
    make_basis(S);
    assert_int_equal(ll_subspace_create(&sp, &full, NULL, S, N + 1, &eb),
                     LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "dimension"));
    S[3] = NAN;
    assert_int_equal(ll_subspace_create(&sp, &full, NULL, S, K, &eb),
                     LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "not finite"));
    ll_subspace_destroy(NULL);
}

/* A Z2-symmetric problem in n = 2 (x1 <-> x2), s = (x1 + x2)/sqrt2,
 *     L = (x1^2 + x2^2)/2 - p x1 x2 + (x1 - x2)^4/4 + (s - p)^2/2.
 * Its fixed-point line x1 = x2 is invariant; on it H has the transverse
 * eigenvalue 1 + p (direction (1,-1)/sqrt2) and the restricted problem is
 * convex for p < 2. Inside the subspace the continuation sees no event,
 * and every point is a critical point of the full problem. */
static ll_status z_loss(void *c, const double *x, double p, double *L)
{
    (void)c;
    double s = (x[0] + x[1]) / sqrt(2.0), d = x[0] - x[1];
    *L = 0.5 * (x[0] * x[0] + x[1] * x[1]) - p * x[0] * x[1] +
         d * d * d * d / 4 + 0.5 * (s - p) * (s - p);
    return LL_OK;
}

static ll_status z_grad(void *c, const double *x, double p, double *F)
{
    (void)c;
    double r = 1 / sqrt(2.0), s = (x[0] + x[1]) * r, d = x[0] - x[1];
    F[0] = x[0] - p * x[1] + d * d * d + (s - p) * r;
    F[1] = x[1] - p * x[0] - d * d * d + (s - p) * r;
    return LL_OK;
}

static ll_status z_hess(void *c, const double *x, double p, double *H)
{
    (void)c;
    double d = x[0] - x[1], q = 3 * d * d;
    H[0] = 1 + q + 0.5;
    H[3] = 1 + q + 0.5;
    H[1] = H[2] = -p - q + 0.5;
    return LL_OK;
}

static ll_status z_grad_p(void *c, const double *x, double p, double *Fp)
{
    (void)c;
    (void)p;
    double r = 1 / sqrt(2.0);
    Fp[0] = -x[1] - r;
    Fp[1] = -x[0] - r;
    return LL_OK;
}

static ll_status z_hess_p(void *c, const double *x, double p, double *Hp)
{
    (void)c, (void)x, (void)p;
    Hp[0] = Hp[3] = 0;
    Hp[1] = Hp[2] = -1;
    return LL_OK;
}

static ll_status z_d3(void *c, const double *x, double p, const double *a,
                      const double *b, double *out)
{
    (void)c, (void)p;
    double d = x[0] - x[1], t = 6 * d * (a[0] - a[1]) * (b[0] - b[1]);
    out[0] = t;
    out[1] = -t;
    return LL_OK;
}

static ll_status z_d4(void *c, const double *x, double p, const double *a,
                      double *out)
{
    (void)c, (void)x, (void)p;
    double da = a[0] - a[1];
    *out = 6 * da * da * da * da;
    return LL_OK;
}

static void continuation_inside_the_fixed_point_line_should_stay_on_it(void **state)
{
    (void)state;
    ll_problem full = {2, NULL, z_loss, z_grad, z_hess, z_grad_p, z_hess_p,
                       z_d3, z_d4, NULL, NULL, NULL, NULL, 0, 0, 0,
                       NULL, NULL, NULL, NULL};
    ll_problem red;
    ll_subspace *sp = NULL;
    double r = 1 / sqrt(2.0), S[2] = {r, r}, z0 = 0.0;
    ll_cont_opts o = ll_cont_opts_default();
    ll_cont_result res;
    o.p_max = 1.5;
    o.store_points = 1;
    assert_int_equal(ll_subspace_create(&sp, &full, NULL, S, 1, NULL), LL_OK);
    ll_subspace_problem(sp, &red);
    ll_status st = ll_cont_run(&red, &z0, 0.0, &o, &res, NULL);
    assert_int_equal(st, LL_STOP_PARAM);
    /* On the diagonal x1 = x2 = z / sqrt2 the restricted problem is L_z = (1 - p) z^2 / 2 + (z - p)^2 / 2, convex for p < 2,
     * so no event; its minimiser is z = p / (2 - p). Newton converges to
     * 1e-12 scaled, so 1e-10 on z is safe. */
    assert_int_equal(res.n_events, 0);
    for (size_t i = 0; i < res.branch.len; i++) {
        double p = res.branch.p[i], zi = res.branch.x[i];
        assert_true(fabs(zi - p / (2 - p)) < 1e-10);
        double x[2], F[2];
        ll_subspace_lift(sp, &zi, x);
        z_grad(NULL, x, p, F); /* a critical point of the FULL problem */
        assert_true(fabs(F[0]) < 1e-10 && fabs(F[1]) < 1e-10);
    }
    ll_cont_result_free(&res);
    ll_subspace_destroy(sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restricted_ops_should_equal_the_projected_full_ops),
        cmocka_unit_test(hess_dir_should_fall_back_to_d3_when_the_parent_has_none),
        cmocka_unit_test(restricted_gradient_should_match_differences_of_the_restricted_loss),
        cmocka_unit_test(lift_then_project_should_return_the_coordinates),
        cmocka_unit_test(create_should_refuse_bad_bases_by_name),
        cmocka_unit_test(continuation_inside_the_fixed_point_line_should_stay_on_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
