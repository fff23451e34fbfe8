/* Softening at a degenerate start by degenerate perturbation theory
 * (MATH.md section 1) on constructed problems. In coordinates y (n = 5),
 * rotated by a fixed orthogonal R (toy.h):
 *   l(y, p) = y^T (A + p S) y / 2 - p g^T y + sum_i kap_i y_i^3 / 6,
 * A = diag(a, a, a, 3, 5): at p0 = 0, y = 0 is critical, mu0 = a with a
 * 3-dimensional eigenspace span(R e0, R e1, R e2). F_p = -g, so x' = A^{-1} g
 * and dH/dp = S + diag(kap o x'). With the cluster block of S diagonal,
 * diag(sig), the speeds are sort(sig_i + kap_i g_i / a), i < 3, whatever S
 * couples outside the cluster.
 */
#include "testutil.h"

#include <math.h>

#include "losslab/bif.h"
#include "losslab/linalg.h"
#include "toy.h"

#define N 5

typedef struct quad {
    double A[N], S[N * N], g[N], kap[N];
} quad;

static double quad_loss(const toy *t, const double *y, double p)
{
    const quad *q = t->par;
    double L = 0.0;
    for (size_t i = 0; i < N; i++) {
        L += 0.5 * q->A[i] * y[i] * y[i] - p * q->g[i] * y[i] +
             q->kap[i] * y[i] * y[i] * y[i] / 6;
        for (size_t j = 0; j < N; j++)
            L += 0.5 * p * y[i] * q->S[i + j * N] * y[j];
    }
    return L;
}

static void quad_grad(const toy *t, const double *y, double p, double *g)
{
    const quad *q = t->par;
    for (size_t i = 0; i < N; i++) {
        g[i] = q->A[i] * y[i] - p * q->g[i] + 0.5 * q->kap[i] * y[i] * y[i];
        for (size_t j = 0; j < N; j++)
            g[i] += p * q->S[i + j * N] * y[j];
    }
}

static void quad_hess(const toy *t, const double *y, double p, double *H)
{
    const quad *q = t->par;
    for (size_t i = 0; i < N * N; i++)
        H[i] = p * q->S[i];
    for (size_t i = 0; i < N; i++)
        H[i + i * N] += q->A[i] + q->kap[i] * y[i];
}

static void quad_grad_p(const toy *t, const double *y, double p, double *g)
{
    const quad *q = t->par;
    for (size_t i = 0; i < N; i++) {
        g[i] = -q->g[i];
        for (size_t j = 0; j < N; j++)
            g[i] += q->S[i + j * N] * y[j];
    }
}

static void quad_hess_p(const toy *t, const double *y, double p, double *H)
{
    const quad *q = t->par;
    memcpy(H, q->S, N * N * sizeof *H);
}

static void quad_d3(const toy *t, const double *y, double p, const double *a,
                    const double *b, double *out)
{
    const quad *q = t->par;
    for (size_t i = 0; i < N; i++)
        out[i] = q->kap[i] * a[i] * b[i];
}

static double quad_d4(const toy *t, const double *y, double p, const double *a)
{
    return 0.0;
}

/* sig on the cluster block, a fixed symmetric coupling elsewhere. */
static quad quad_make(double a, const double sig[3], int cubic)
{
    quad q = {{a, a, a, 3.0, 5.0}, {0}, {0}, {0}};
    uint64_t seed = 99;
    for (size_t j = 0; j < N; j++)
        for (size_t i = j; i < N; i++) {
            double v = i < 3 && j < 3 ? (i == j ? sig[i] : 0.0)
                                      : ll_test_rand(&seed);
            q.S[i + j * N] = q.S[j + i * N] = v;
        }
    if (cubic) {
        const double g[N] = {0.4, 0.3, -0.2, 0.5, 0.1};
        const double k[N] = {1.5, -2.0, 0.5, 1.0, -1.0};
        memcpy(q.g, g, sizeof g), memcpy(q.kap, k, sizeof k);
    }
    return q;
}

static toy quad_toy(const quad *q)
{
    toy t = {.n = N, .par = q, .loss = quad_loss, .grad = quad_grad,
             .hess = quad_hess, .grad_p = quad_grad_p, .hess_p = quad_hess_p,
             .d3 = quad_d3, .d4 = quad_d4};
    toy_rotation(&t, 0xc0ffeeull);
    return t;
}

static void toy_derivatives_should_match_central_differences(void **state)
{
    (void)state;
    const double sig[3] = {-0.7, 0.2, 0.9};
    quad q = quad_make(0.5, sig, 1);
    toy t = quad_toy(&q);
    ll_problem pb = toy_problem(&t);
    assert_true(toy_fd_error(&pb, 5) < 1e-6);
}

/* Rounding only: eigenvalues of 5 x 5 matrices of norm ~5, 1e-12. */
static void speeds_should_be_eigenvalues_of_restricted_dH(void **state)
{
    (void)state;
    const double sig[3] = {0.2, -0.7, 0.9}, a = 0.5;
    quad q = quad_make(a, sig, 0);
    toy t = quad_toy(&q);
    ll_problem pb = toy_problem(&t);
    double x0[N] = {0};
    ll_softening s;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_bif_softening(&pb, x0, 0.0, 1e-8, &s, &eb), LL_OK);
    assert_int_equal(s.multiplicity, 3);
    assert_true(fabs(s.mu0 - a) < 1e-14);
    assert_true(fabs(s.speeds[0] + 0.7) < 1e-12);
    assert_true(fabs(s.speeds[1] - 0.2) < 1e-12);
    assert_true(fabs(s.speeds[2] - 0.9) < 1e-12);
    assert_true(s.rate == s.speeds[0]);
    assert_true(ll_test_reldiff(s.p_star_predicted, a / 0.7, 0) < 1e-12);
    ll_softening_free(&s);
    ll_softening_free(&s); /* idempotent */
    ll_softening_free(NULL);
}

/* Newton on F(x, p) = 0 from x = 0 (A > 0, p small: contraction). */
static void branch_point(const ll_problem *pb, double p, double *x)
{
    double F[N], H[N * N];
    memset(x, 0, N * sizeof *x);
    for (int it = 0; it < 30; it++) {
        pb->grad(pb->ctx, x, p, F);
        pb->hess(pb->ctx, x, p, H);
        assert_int_equal(ll_solve(N, H, 1, F, NULL), LL_OK);
        for (size_t i = 0; i < N; i++)
            x[i] -= F[i];
    }
    pb->grad(pb->ctx, x, p, F);
    assert_true(ll_nrm2(N, F) < 1e-15);
}

static double lambda1(const ll_problem *pb, double p)
{
    double x[N], H[N * N], w;
    branch_point(pb, p, x);
    pb->hess(pb->ctx, x, p, H);
    assert_int_equal(ll_sym_eig_smallest(N, H, 1, &w, NULL), LL_OK);
    return w;
}

/* With F_p != 0 and a cubic term the D^3L[x', ., .] part changes the answer
 * (speeds without it: -0.7, 0.2, 0.9; with it: -1.0, 0.5, 0.7). */
static void rate_should_match_derivative_of_smallest_eigenvalue_on_branch(
    void **state)
{
    (void)state;
    const double sig[3] = {-0.7, 0.2, 0.9}, a = 0.5;
    quad q = quad_make(a, sig, 1);
    toy t = quad_toy(&q);
    ll_problem pb = toy_problem(&t);
    double x0[N] = {0};
    ll_softening s;
    assert_int_equal(ll_bif_softening(&pb, x0, 0.0, 1e-8, &s, NULL), LL_OK);
    assert_int_equal(s.multiplicity, 3);
    double want[3];
    for (int i = 0; i < 3; i++)
        want[i] = sig[i] + q.kap[i] * q.g[i] / a;
    assert_true(fabs(s.speeds[0] - want[1]) < 1e-12); /* -1.0 */
    assert_true(fabs(s.speeds[1] - want[0]) < 1e-12); /*  0.5 */
    assert_true(fabs(s.speeds[2] - want[2]) < 1e-12); /*  0.7 */
    /* The smallest eigenvalue is only one-sidedly differentiable at a
     * degenerate point (p < 0 follows the largest speed), so: one-sided
     * differences D(h) = (lambda1(h) - lambda1(0)) / h = rate + c2 h + ...,
     * Richardson 2 D(h/2) - D(h) = rate + O(h^2). With h = 1e-3 and
     * second/third-order coefficients O(1) (couplings ~1 over gaps >= 1.5),
     * the error is ~1e-6; eigenvalue rounding ~eps * 5 / h ~ 1e-12. */
    double h = 1e-3, l0 = lambda1(&pb, 0.0);
    double d1 = (lambda1(&pb, h) - l0) / h;
    double d2 = (lambda1(&pb, h / 2) - l0) / (h / 2);
    assert_true(fabs(2 * d2 - d1 - s.rate) < 1e-5);
    assert_true(fabs(d1 - s.rate) > 1e-5); /* the extrapolation mattered */
    ll_softening_free(&s);
}

static void prediction_should_be_infinite_when_nothing_softens(void **state)
{
    (void)state;
    const double sig[3] = {0.3, 0.2, 0.9};
    quad q = quad_make(0.5, sig, 0);
    toy t = quad_toy(&q);
    ll_problem pb = toy_problem(&t);
    double x0[N] = {0};
    ll_softening s;
    assert_int_equal(ll_bif_softening(&pb, x0, 0.0, 1e-8, &s, NULL), LL_OK);
    assert_true(fabs(s.rate - 0.2) < 1e-12);
    assert_true(isinf(s.p_star_predicted) && s.p_star_predicted > 0);
    ll_softening_free(&s);
}

static void cluster_should_follow_cluster_tol(void **state)
{
    (void)state;
    const double sig[3] = {0.2, -0.7, 0.9};
    quad q = quad_make(0.5, sig, 0);
    q.A[1] = 0.5 + 1e-9;
    toy t = quad_toy(&q);
    ll_problem pb = toy_problem(&t);
    double x0[N] = {0};
    ll_softening s;
    assert_int_equal(ll_bif_softening(&pb, x0, 0.0, 1e-6, &s, NULL), LL_OK);
    assert_int_equal(s.multiplicity, 3);
    ll_softening_free(&s);
    assert_int_equal(ll_bif_softening(&pb, x0, 0.0, 1e-12, &s, NULL), LL_OK);
    assert_int_equal(s.multiplicity, 2);
    ll_softening_free(&s);
}

static void softening_should_refuse_forcing_along_a_kernel(void **state)
{
    (void)state;
    const double sig[3] = {0.2, -0.7, 0.9};
    quad q = quad_make(0.0, sig, 1); /* H singular, g has kernel parts */
    toy t = quad_toy(&q);
    ll_problem pb = toy_problem(&t);
    double x0[N] = {0};
    ll_softening s = {0};
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_bif_softening(&pb, x0, 0.0, 1e-8, &s, &eb),
                     LL_ERR_SINGULAR);
    assert_non_null(strstr(eb.msg, "does not exist"));
    assert_null(s.speeds);
    assert_int_equal(ll_bif_softening(&pb, x0, 0.0, -1.0, &s, &eb),
                     LL_ERR_ARG);
}

/* D^3L[u, ., .] for the quad toy: R diag(kap o (R^T u)) R^T. Counted, as
 * is d3, to see which path ll_bif_softening takes. */
static int n_hess_dir_calls, n_d3_calls;

static ll_status quad_op_hess_dir(void *c, const double *x, double p,
                                  const double *u, double *out)
{
    const toy *t = c;
    const quad *q = t->par;
    double uy[N];
    (void)x, (void)p;
    n_hess_dir_calls++;
    toy_to_y(t, u, uy);
    memset(out, 0, N * N * sizeof *out);
    for (size_t i = 0; i < N; i++)
        out[i + i * N] = q->kap[i] * uy[i];
    toy_mat_to_x(t, out);
    return LL_OK;
}

static ll_status counted_d3(void *c, const double *x, double p,
                            const double *a, const double *b, double *out)
{
    n_d3_calls++;
    return toy_op_d3(c, x, p, a, b, out);
}

/* The one-call path (hess_dir, two gemms) and the per-column d3 fallback
 * compute the same 3 x 3 matrix Q^T (dH/dp) Q by sums in a different order:
 * they agree to rounding of O(1) entries (1e-13), and both match the closed
 * form sig_i + kap_i g_i / a (1e-12, as above). */
static void hess_dir_path_should_give_the_fallback_speeds(void **state)
{
    (void)state;
    const double sig[3] = {-0.7, 0.2, 0.9}, a = 0.5;
    quad q = quad_make(a, sig, 1);
    toy t = quad_toy(&q);
    ll_problem pb = toy_problem(&t);
    assert_null(pb.hess_dir); /* the toy's default: the fallback */
    pb.d3 = counted_d3;
    double x0[N] = {0};
    ll_softening s_fb, s_hd;
    n_d3_calls = n_hess_dir_calls = 0;
    assert_int_equal(ll_bif_softening(&pb, x0, 0.0, 1e-8, &s_fb, NULL), LL_OK);
    assert_int_equal(n_d3_calls, 3); /* one per cluster vector */
    pb.hess_dir = quad_op_hess_dir;
    n_d3_calls = n_hess_dir_calls = 0;
    assert_int_equal(ll_bif_softening(&pb, x0, 0.0, 1e-8, &s_hd, NULL), LL_OK);
    assert_int_equal(n_hess_dir_calls, 1);
    assert_int_equal(n_d3_calls, 0);
    assert_int_equal(s_hd.multiplicity, s_fb.multiplicity);
    const double want[3] = {sig[1] + q.kap[1] * q.g[1] / a,
                            sig[0] + q.kap[0] * q.g[0] / a,
                            sig[2] + q.kap[2] * q.g[2] / a};
    for (size_t i = 0; i < 3; i++) {
        assert_true(fabs(s_hd.speeds[i] - s_fb.speeds[i]) < 1e-13);
        assert_true(fabs(s_hd.speeds[i] - want[i]) < 1e-12);
    }
    assert_true(s_hd.rate == s_hd.speeds[0]);
    ll_softening_free(&s_fb);
    ll_softening_free(&s_hd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(toy_derivatives_should_match_central_differences),
        cmocka_unit_test(speeds_should_be_eigenvalues_of_restricted_dH),
        cmocka_unit_test(
            rate_should_match_derivative_of_smallest_eigenvalue_on_branch),
        cmocka_unit_test(prediction_should_be_infinite_when_nothing_softens),
        cmocka_unit_test(cluster_should_follow_cluster_tol),
        cmocka_unit_test(softening_should_refuse_forcing_along_a_kernel),
        cmocka_unit_test(hess_dir_path_should_give_the_fallback_speeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
