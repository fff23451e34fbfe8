/* The large-problem pieces of the model (model_struct.c, model_soft_large.c)
 * against the dense ones they replace, on small problems:
 * - blockdiag(B) + U U^T equals the dense Hessian, and G = U^T U;
 * - H_l u (ll_model_hess_lambda_vec) equals the dense H_l times u, and the
 *   lambda-difference of H u;
 * - the problem table carries hvp / hess_p_vec / hess_struct exactly when
 *   expected;
 * - ll_model_softening_smallest equals the leading closed-form speeds;
 * - widths whose dense Hessian would not fit are no longer refused.
 * Tolerances are justified where they are used. */
#include <stdio.h>

#include "model_fixture.h"

/* Max |a_k - b_k| / max_k s_k: the error in units of a rounding scale. */
static double scaled_err(size_t n, const double *a, const double *b,
                         const double *s)
{
    double e = fx_maxdiff(n, a, b), sc = fx_maxabs(n, s);
    return e / (sc > 0 ? sc : 1.0);
}

/* |A| |u| (the scale of the rounding in A u). */
static void abs_matvec(size_t P, const double *A, const double *u, double *o)
{
    for (size_t i = 0; i < P; i++) {
        o[i] = 0.0;
        for (size_t k = 0; k < P; k++)
            o[i] += fabs(A[i + k * P]) * fabs(u[k]);
    }
}

/* B + U U^T with B block diagonal (m blocks of d x d), P = m d, U P x N. */
static void assemble(size_t m, size_t d, size_t N, const double *B,
                     const double *U, double *H)
{
    size_t P = m * d;
    ll_gemm(0, 1, P, P, N, 1.0, U, P, U, P, 0.0, H, P);
    for (size_t j = 0; j < m; j++)
        for (size_t k = 0; k < d; k++)
            for (size_t i = 0; i < d; i++)
                H[j * d + i + (j * d + k) * P] += B[j * d * d + i + k * d];
}

/* The error of G against U^T U summed here from U (into R, N x N), in
 * units of max|R|. */
static double gram_err(size_t P, size_t N, const double *U, const double *G,
                       double *R)
{
    for (size_t c = 0; c < N; c++)
        for (size_t r = 0; r < N; r++) {
            double g = 0.0;
            for (size_t i = 0; i < P; i++)
                g += U[i + r * P] * U[i + c * P];
            R[r + c * N] = g;
        }
    return scaled_err(N * N, G, R, R);
}

/* B + U U^T against the dense Hessian: both sides sum O(N) products of
 * O(1) terms in different orders (N = 40): they differ by ~ N eps max|H|
 * <= 4.4e-15 max|H| in the worst case, so 1e-13 relative leaves a factor
 * 20 and still catches any wrong term (those are O(1) relative). The scale
 * includes the Gauss-Newton part, which is positive and dominates max|H|.
 * G ((C^T C) o (X X^T)) against U^T U summed from U: both are sums of
 * m d = 12 products of the same factors, grouped differently, so they
 * differ by ~12 eps max|G| at most; 1e-13 relative to max|G| leaves a
 * factor 35 and catches any wrong scaling or index (O(1) relative). */
static void struct_should_reproduce_the_dense_hessian(void **st)
{
    (void)st;
    static const char *acts[] = {"tanh", "gelu", "sin", "softplus"};
    static const double lams[] = {0.0, 0.37, 1.0};
    ll_data D;
    fx_data(&D, FX_CFG_NS, FX_CFG_DIM, 11);
    size_t m = FX_CFG_WIDTH, d = FX_CFG_DIM, N = FX_CFG_NS, P = m * d;
    double th[FX_CFG_WIDTH * FX_CFG_DIM], B[FX_CFG_WIDTH * 9];
    double *U = malloc(P * N * sizeof *U), *H = malloc(2 * P * P * sizeof *H);
    double *G = malloc(2 * N * N * sizeof *G);
    assert_non_null(U);
    assert_non_null(H);
    assert_non_null(G);
    for (size_t a = 0; a < 4; a++) {
        ll_model *M = fx_model(&D, m, ll_act_find(acts[a]), 0.05, 0, 0);
        uint64_t s = 100 + a;
        ll_test_fill(&s, P, th, 0.6);
        for (size_t li = 0; li < 3; li++) {
            char label[64];
            snprintf(label, sizeof label, "%s lambda=%g", acts[a], lams[li]);
            assert_int_equal(ll_model_hess(M, th, lams[li], H), LL_OK);
            assert_int_equal(ll_model_hess_struct(M, th, lams[li], B, U, G),
                             LL_OK);
            assemble(m, d, N, B, U, H + P * P);
            fx_expect_close("B + U U^T vs dense H", label,
                            scaled_err(P * P, H, H + P * P, H), 1e-13);
            fx_expect_close("G vs U^T U", label,
                            gram_err(P, N, U, G, G + N * N), 1e-13);
        }
        ll_model_destroy(M);
    }
    free(U), free(H), free(G);
    fx_data_free(&D);
}

static void struct_should_refuse_trained_v_and_biases(void **st)
{
    (void)st;
    ll_data D;
    fx_data(&D, 20, 2, 3);
    double th[3 * 2 + 6] = {0}, B[3 * 9], U[12 * 20];
    for (int opt = 1; opt < 4; opt++) {
        ll_model *M = fx_model(&D, 3, ll_act_find("tanh"), 0.01, opt & 1,
                               opt >> 1);
        assert_int_equal(ll_model_hess_struct(M, th, 0.5, B, U, NULL),
                         LL_ERR_ARG);
        ll_model_destroy(M);
    }
    fx_data_free(&D);
}

/* H_l u against the dense H_l times u. Both are sums of O(N P) products;
 * rounding is ~ N P eps in units of |H_l| |u| (~1e-12 worst case here,
 * ~sqrt of that typically): 1e-13 of that scale, checked against the
 * measured ~1e-16. */
static void check_lambda_vec_dense(const ll_model *M, const double *th,
                                   double lam, const char *label)
{
    size_t P = ll_model_nparams(M);
    double u[FX_CFG_PMAX], o[FX_CFG_PMAX], r[FX_CFG_PMAX], sc[FX_CFG_PMAX];
    double Hl[FX_CFG_PMAX * FX_CFG_PMAX];
    fx_unit_dir(P, 77 + P, u);
    assert_int_equal(ll_model_hess_lambda(M, th, lam, Hl), LL_OK);
    assert_int_equal(ll_model_hess_lambda_vec(M, th, lam, u, o), LL_OK);
    ll_gemv(0, P, P, 1.0, Hl, P, u, 0.0, r);
    abs_matvec(P, Hl, u, sc);
    fx_expect_close("H_l u vs dense H_l u", label, scaled_err(P, o, r, sc),
                    1e-13);
}

static void hess_lambda_vec_should_equal_dense_hess_lambda_times_u(void **st)
{
    (void)st;
    fx_for_each_config(check_lambda_vec_dense, 5, 900);
}

/* At fixed theta, h(z, lambda) = (1 - lambda) z + lambda sigma(z) is affine in
 * lambda, so J, r and D^2 f are affine and H(lambda) u is a quadratic
 * polynomial in lambda. Hence the central difference (Hu(l+h) - Hu(l-h))/2h
 * is exact up to rounding (~ eps ||H u|| / h: 1e-15 / 0.05 = 2e-14 relative;
 * tolerance 1e-11), whereas the forward difference has the exact error
 * (h/2) H_ll u: it halves exactly when h halves (ratio 2 to ~1e-6 for
 * these h, checked when the error is well above rounding). Both together
 * check H_l u against an independent oracle (ll_model_hvp). */
static void check_lambda_vec_fd(const ll_model *M, const double *th,
                                double lam, const char *label)
{
    size_t P = ll_model_nparams(M);
    double u[FX_CFG_PMAX], o[FX_CFG_PMAX], hp[FX_CFG_PMAX], hm[FX_CFG_PMAX];
    double h0[FX_CFG_PMAX], fd[FX_CFG_PMAX], ef[2];
    fx_unit_dir(P, 31 + P, u);
    assert_int_equal(ll_model_hess_lambda_vec(M, th, lam, u, o), LL_OK);
    assert_int_equal(ll_model_hvp(M, th, lam, u, h0), LL_OK);
    double scale = fx_maxabs(P, h0) + fx_maxabs(P, o);
    for (int t = 0; t < 2; t++) {
        double h = t ? 0.05 : 0.1;
        assert_int_equal(ll_model_hvp(M, th, lam + h, u, hp), LL_OK);
        assert_int_equal(ll_model_hvp(M, th, lam - h, u, hm), LL_OK);
        for (size_t k = 0; k < P; k++)
            fd[k] = (hp[k] - hm[k]) / (2 * h);
        fx_expect_close("H_l u vs central FD of H u", label,
                        fx_maxdiff(P, fd, o) / scale, 1e-11);
        for (size_t k = 0; k < P; k++)
            fd[k] = (hp[k] - h0[k]) / h;
        ef[t] = fx_maxdiff(P, fd, o);
    }
    if (ef[0] > 1e-9 * scale && fabs(ef[0] / ef[1] - 2.0) > 1e-3)
        fail_msg("%s: forward-difference error ratio %.6f, expected 2", label,
                 ef[0] / ef[1]);
}

static void hess_lambda_vec_should_match_lambda_differences_of_hvp(void **st)
{
    (void)st;
    fx_for_each_config(check_lambda_vec_fd, 6, 1900);
}

static void problem_should_carry_the_large_ops_when_expected(void **st)
{
    (void)st;
    ll_data D;
    fx_data(&D, 20, 2, 3);
    for (int opt = 0; opt < 4; opt++) {
        ll_model *M = fx_model(&D, 3, ll_act_find("tanh"), 0.01, opt & 1,
                               opt >> 1);
        ll_problem pb;
        memset(&pb, 0xff, sizeof pb); /* every field must be written */
        ll_model_problem(M, &pb);
        assert_non_null(pb.hvp);
        assert_non_null(pb.hess_p_vec);
        if (opt == 0) {
            assert_non_null(pb.hess_struct);
            assert_int_equal(pb.struct_nb, 3);
            assert_int_equal(pb.struct_bs, 2);
            assert_int_equal(pb.struct_k, 20);
        } else {
            assert_null(pb.hess_struct);
            assert_int_equal(pb.struct_nb + pb.struct_bs + pb.struct_k, 0);
        }
        ll_model_destroy(M);
    }
    fx_data_free(&D);
}

/* The leading speeds from bisection on the KKT inertia against the dense
 * eigenvalues of the explicit restricted matrix. Both use the same A_j; the
 * dense route adds ~ q eps ||R|| (q = (m-1)d <= 145: ~2e-14 relative to the
 * largest speed) and the bisection 2 eps relative: 1e-12 of the largest
 * speed leaves a wide margin and still catches a wrong count (an error of
 * one eigenvalue gap). */
static void check_smallest(size_t N, size_t d, size_t m, const char *act,
                           uint64_t seed)
{
    ll_data D;
    fx_data(&D, N, d, seed);
    ll_model *M = fx_model(&D, m, ll_act_find(act), 4e-3, 0, 0);
    size_t q = (m - 1) * d;
    double *all = malloc(2 * q * sizeof *all), *sm = all + q, noise, e22;
    ll_errbuf eb = {{0}};
    assert_non_null(all);
    assert_int_equal(ll_model_softening_closed_form(M, all, &e22, &eb), LL_OK);
    if (ll_model_softening_smallest(M, q, sm, &noise, &eb) != LL_OK)
        fail_msg("smallest: %s", eb.msg);
    char label[64];
    snprintf(label, sizeof label, "%s N=%zu d=%zu m=%zu", act, N, d, m);
    fx_expect_close("smallest vs closed form", label,
                    fx_maxdiff(q, all, sm) / fx_maxabs(q, all), 1e-12);
    assert_true(noise > 0 && noise < 1e-10 * fx_maxabs(q, all) * (double)N);
    free(all);
    ll_model_destroy(M);
    fx_data_free(&D);
}

static void softening_smallest_should_equal_the_closed_form(void **st)
{
    (void)st;
    check_smallest(100, 5, 3, "tanh", 1);
    check_smallest(100, 5, 10, "tanh", 2);
    check_smallest(150, 5, 30, "gelu", 3);
    check_smallest(80, 1, 7, "tanh", 4);
    check_smallest(80, 1, 2, "sin", 5);
}

/* m = 2000, d = 5 (a restricted matrix of 9995^2 would be 800 MB): the ten
 * smallest are ascending, finite, and asking for five gives the same five
 * (the bisection brackets of different k must agree on the counts). */
static void softening_smallest_should_be_consistent_at_large_width(void **st)
{
    (void)st;
    ll_data D;
    fx_data(&D, 200, 5, 9);
    ll_model *M = fx_model(&D, 2000, ll_act_find("tanh"), 4e-3, 0, 0);
    double s10[10], s5[5], noise;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_model_softening_smallest(M, 10, s10, &noise, &eb),
                     LL_OK);
    assert_int_equal(ll_model_softening_smallest(M, 5, s5, NULL, &eb), LL_OK);
    for (int i = 0; i < 10; i++) {
        assert_true(isfinite(s10[i]));
        if (i)
            assert_true(s10[i] >= s10[i - 1]);
    }
    fx_expect_close("k = 5 vs k = 10", "m=2000", fx_maxdiff(5, s5, s10),
                    4 * noise);
    assert_int_equal(ll_model_softening_smallest(M, 0, s5, NULL, &eb),
                     LL_ERR_ARG);
    ll_model_destroy(M);
    fx_data_free(&D);
}

/* The softening directions (ll_model_softening_vectors) are what
 * first-order degenerate perturbation theory says at lambda = 0: at the
 * linear start theta0, every dW in E is an eigenvector of H(theta0, 0)
 * with eigenvalue alpha, and dW with speed s satisfies P_E (H_l dW - s dW)
 * = 0 (H_l = dH/dlambda, P_E x = x_j - v_j (sum_i v_i x_i) / |v|^2, the
 * projector onto E = {sum_j v_j dW_j = 0}); distinct speeds give
 * orthonormal directions. Checked through the problem's hvp and
 * hess_p_vec, which do not share code with the softening. Tolerance:
 * the products sum N terms and the speeds and y carry the bisection's 2 eps
 * and an eigenvector of a d x d S(mu) near its zero eigenvalue, accurate to
 * ~eps ||S|| / gap(S). Measured: 1e-13 (relative to alpha) and 2e-15
 * (relative to max |H_l dW|); 1e-10 leaves room for other data and still
 * catches a wrong parameter order or a wrong speed (O(1) relative: a
 * transposed Q_j gives 279). */
static void softening_vectors_should_be_first_order_eigenvectors(void **st)
{
    (void)st;
    ll_data D;
    fx_data(&D, 120, 4, 21);
    size_t m = 12, d = 4, P = m * d, k = 6;
    double alpha = 4e-3;
    ll_model *M = fx_model(&D, m, ll_act_find("tanh"), alpha, 0, 0);
    ll_errbuf eb = {{0}};
    double sp[6], sp2[6], noise, *V = malloc(P * k * sizeof *V);
    double *th = malloc(4 * P * sizeof *th), *y = th + P, *z = y + P;
    double *proj = z + P;
    assert_true(V && th);
    if (ll_model_softening_vectors(M, k, sp, &noise, V, &eb) != LL_OK)
        fail_msg("%s", eb.msg);
    assert_int_equal(ll_model_softening_smallest(M, k, sp2, NULL, &eb), LL_OK);
    fx_expect_close("speeds with and without vectors", "m=12",
                    fx_maxdiff(k, sp, sp2), 0.0);
    assert_int_equal(ll_model_linear_start(M, th, &eb), LL_OK);
    ll_problem pb;
    ll_model_problem(M, &pb);
    const double *v = ll_model_v(M);
    double vv = 0.0;
    for (size_t j = 0; j < m; j++)
        vv += v[j] * v[j];
    for (size_t t = 0; t < k; t++) {
        const double *w = V + t * P;
        assert_int_equal(pb.hvp(pb.ctx, th, 0.0, w, y), LL_OK);
        double e = 0.0;
        for (size_t i = 0; i < P; i++)
            e = fmax(e, fabs(y[i] - alpha * w[i]));
        fx_expect_close("H0 dW = alpha dW", "speed", e / alpha, 1e-10);
        assert_int_equal(pb.hess_p_vec(pb.ctx, th, 0.0, w, z), LL_OK);
        double scale = fx_maxabs(P, z);
        for (size_t i = 0; i < P; i++)
            z[i] -= sp[t] * w[i];
        for (size_t a = 0; a < d; a++) { /* P_E z */
            double c = 0.0;
            for (size_t j = 0; j < m; j++)
                c += v[j] * z[j * d + a];
            for (size_t j = 0; j < m; j++)
                proj[j * d + a] = z[j * d + a] - v[j] * c / vv;
        }
        fx_expect_close("P_E (H_l dW - s dW)", "speed",
                        fx_maxabs(P, proj) / scale, 1e-10);
        for (size_t u = 0; u <= t; u++) {
            double g = ll_dot(P, w, V + u * P) - (u == t ? 1.0 : 0.0);
            fx_expect_close("V^T V = I", "pair", fabs(g), 1e-10);
        }
    }
    free(V);
    free(th);
    ll_model_destroy(M);
    fx_data_free(&D);
}

/* P = 600,000 at N = 40: a dense Hessian would need 2.9 TB (refused before),
 * the model needs 40 x 600,000 doubles = 192 MB at most: accepted now (and
 * nothing of that size is allocated at creation). A width whose N x P array
 * cannot exist is still refused, with the message naming it. */
static void only_sizes_the_model_cannot_hold_should_be_refused(void **st)
{
    (void)st;
    ll_data D;
    fx_data(&D, 40, 3, 3);
    ll_model *M = fx_model(&D, 200000, ll_act_find("tanh"), 0.01, 0, 0);
    assert_int_equal(ll_model_nparams(M), 600000);
    ll_model_destroy(M);
    ll_model_opts o = ll_model_opts_default();
    o.width = (size_t)1 << 40;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_model_create(&M, &D, &o, &eb), LL_ERR_NOMEM);
    assert_null(M);
    if (!strstr(eb.msg, "N x P"))
        fail_msg("message: %s", eb.msg);
    fx_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(struct_should_reproduce_the_dense_hessian),
        cmocka_unit_test(struct_should_refuse_trained_v_and_biases),
        cmocka_unit_test(hess_lambda_vec_should_equal_dense_hess_lambda_times_u),
        cmocka_unit_test(hess_lambda_vec_should_match_lambda_differences_of_hvp),
        cmocka_unit_test(problem_should_carry_the_large_ops_when_expected),
        cmocka_unit_test(softening_smallest_should_equal_the_closed_form),
        cmocka_unit_test(softening_smallest_should_be_consistent_at_large_width),
        cmocka_unit_test(softening_vectors_should_be_first_order_eigenvectors),
        cmocka_unit_test(only_sizes_the_model_cannot_hold_should_be_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
