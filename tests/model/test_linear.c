/* The linear end lambda = 0 (MATH.md section 1): the closed-form minimiser,
 * the spectrum of H0 = (v v^T) kron Sigma + alpha I with its degenerate
 * eigenvalue alpha of multiplicity (m-1)d, the kernel when alpha = 0, and the
 * softening rates by degenerate perturbation theory. N = 40, d = 3, m = 4. */
#include "model_fixture.h"
#include "losslab/linalg.h"

#define NS 40
#define DIM 3
#define WIDTH 4
#define P0 (WIDTH * DIM)
#define NE ((WIDTH - 1) * DIM)

static void sigma_eigs(const ll_data *D, double *w)
{
    double S[DIM * DIM];
    ll_gemm(1, 0, DIM, DIM, NS, 1.0 / NS, D->X, NS, D->X, NS, 0.0, S, DIM);
    assert_int_equal(ll_sym_eig_all(DIM, S, w, NULL), LL_OK);
}

/* The gradient at W0 is v_j ((alpha + ||v||^2 Sigma) u - gamma): rounding
 * only, ~ eps cond ||gamma||; compared with the gradient at theta = 0,
 * -v_j gamma, it must be below 1e-12. */
static void linear_start_should_zero_the_gradient(void **s)
{
    (void)s;
    ll_data D;
    fx_data(&D, NS, DIM, 3);
    ll_model *M = fx_model(&D, WIDTH, ll_act_find("tanh"), 0.05, 0, 0);
    double th[P0], g[P0], zero[P0] = {0}, g0[P0];
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_model_linear_start(M, th, &eb), LL_OK);
    assert_int_equal(ll_model_grad(M, th, 0.0, g), LL_OK);
    assert_int_equal(ll_model_grad(M, zero, 0.0, g0), LL_OK);
    assert_true(ll_nrm2(P0, g) <= 1e-12 * ll_nrm2(P0, g0));
    /* W0 = v u^T: rows proportional to v */
    const double *v = ll_model_v(M);
    for (size_t j = 1; j < WIDTH; j++)
        for (size_t i = 0; i < DIM; i++)
            assert_true(fabs(th[j * DIM + i] * v[0] - th[i] * v[j]) < 1e-15);
    ll_model_destroy(M);
    fx_data_free(&D);
}

static void linear_start_should_set_zero_biases_and_the_given_v(void **s)
{
    (void)s;
    ll_data D;
    fx_data(&D, NS, DIM, 3);
    ll_model *M = fx_model(&D, WIDTH, ll_act_find("tanh"), 0.05, 1, 1);
    double th[P0 + 2 * WIDTH];
    assert_int_equal(ll_model_linear_start(M, th, NULL), LL_OK);
    for (size_t j = 0; j < WIDTH; j++) {
        assert_true(th[ll_model_idx_b(M, j)] == 0.0);
        assert_true(th[ll_model_idx_v(M, j)] == ll_model_v(M)[j]);
    }
    ll_model_destroy(M);
    fx_data_free(&D);
}

/* Eigenvalues of symmetric 12 x 12 matrices of norm ~ 1 by dsyevr: accurate
 * to ~ 1e-15 ||H||; tolerance 1e-12. */
static void h0_should_have_eigenvalue_alpha_with_multiplicity_m_minus_1_d(
    void **s)
{
    (void)s;
    ll_data D;
    fx_data(&D, NS, DIM, 4);
    const double alpha = 0.05;
    ll_model *M = fx_model(&D, WIDTH, ll_act_find("gelu"), alpha, 0, 0);
    double th[P0], H[P0 * P0], w[P0], ws[DIM], want[P0];
    uint64_t st = 8;
    ll_test_fill(&st, P0, th, 0.5); /* H0 does not depend on theta */
    assert_int_equal(ll_model_hess(M, th, 0.0, H), LL_OK);
    assert_int_equal(ll_sym_eig_all(P0, H, w, NULL), LL_OK);
    sigma_eigs(&D, ws);
    const double *v = ll_model_v(M);
    double vv = ll_dot(WIDTH, v, v);
    for (int k = 0; k < NE; k++)
        want[k] = alpha;
    for (int k = 0; k < DIM; k++)
        want[NE + k] = alpha + vv * ws[k];
    int mult = 0;
    for (int k = 0; k < P0; k++) {
        assert_true(fabs(w[k] - want[k]) < 1e-12 * w[P0 - 1]);
        mult += fabs(w[k] - alpha) < 1e-10;
    }
    assert_int_equal(mult, NE);
    assert_true(w[NE] - alpha > 1e-2); /* the rest are well separated */
    ll_model_destroy(M);
    fx_data_free(&D);
}

static void h0_kernel_should_have_dimension_m_minus_1_d_when_alpha_is_zero(
    void **s)
{
    (void)s;
    ll_data D;
    fx_data(&D, NS, DIM, 5);
    ll_model *M = fx_model(&D, WIDTH, ll_act_find("tanh"), 0.0, 0, 0);
    double th[P0] = {0}, H[P0 * P0], w[P0];
    assert_int_equal(ll_model_hess(M, th, 0.0, H), LL_OK);
    assert_int_equal(ll_sym_eig_all(P0, H, w, NULL), LL_OK);
    int ker = 0;
    for (int k = 0; k < P0; k++)
        ker += fabs(w[k]) <= 1e-12 * w[P0 - 1];
    assert_int_equal(ker, NE);
    assert_true(w[NE] > 1e-3 * w[P0 - 1]);
    ll_model_destroy(M);
    fx_data_free(&D);
}

/* Brute force: Q = eigenvectors of H0 at alpha (an orthonormal basis of E),
 * eig(Q^T H_lambda Q) with H_lambda from hess_lambda at (W0, 0). That the
 * two agree is the claim that the Gauss-Newton part vanishes on E (the
 * closed form drops it). Both are O(1e-16 ||H_l||) accurate: tol 1e-12. */
static void check_softening_brute_force(const char *act)
{
    ll_data D;
    fx_data(&D, NS, DIM, 6);
    ll_model *M = fx_model(&D, WIDTH, ll_act_find(act), 0.05, 0, 0);
    double th[P0], H[P0 * P0], Hl[P0 * P0], w[P0], V[P0 * P0];
    double T[P0 * NE], R[NE * NE], want[NE], speeds[NE], e22;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_model_linear_start(M, th, &eb), LL_OK);
    assert_int_equal(ll_model_hess(M, th, 0.0, H), LL_OK);
    assert_int_equal(ll_sym_eig_all(P0, H, w, V), LL_OK);
    assert_int_equal(ll_model_hess_lambda(M, th, 0.0, Hl), LL_OK);
    ll_gemm(0, 0, P0, NE, P0, 1.0, Hl, P0, V, P0, 0.0, T, P0);
    ll_gemm(1, 0, NE, NE, P0, 1.0, V, P0, T, P0, 0.0, R, NE);
    for (int i = 0; i < NE; i++) /* symmetrise the rounding */
        for (int k = 0; k < i; k++)
            R[i + k * NE] = R[k + i * NE] = 0.5 * (R[i + k * NE] + R[k + i * NE]);
    assert_int_equal(ll_sym_eig_all(NE, R, want, NULL), LL_OK);
    assert_int_equal(ll_model_softening_closed_form(M, speeds, &e22, &eb), LL_OK);
    double sc = fx_maxabs(P0 * P0, Hl);
    for (int k = 0; k < NE; k++)
        if (fabs(speeds[k] - want[k]) > 1e-12 * sc)
            fail_msg("%s: speed %d: closed form %.15g, brute force %.15g", act,
                     k, speeds[k], want[k]);
    ll_model_destroy(M);
    fx_data_free(&D);
}

static void softening_should_match_the_restricted_hess_lambda(void **s)
{
    (void)s;
    for (int ai = 0; ll_act_at(ai); ai++)
        check_softening_brute_force(ll_act_at(ai)->name);
}

/* Along the exact branch theta(lambda) (Newton from W0, to ||g|| ~ 1e-15),
 * the (m-1)d smallest eigenvalues are alpha + lambda s_k + O(lambda^2):
 * their central difference at lambda = +-1e-4 has truncation O(1e-8)
 * (third-order term) and rounding eps ||H|| / 1e-4 ~ 1e-11; tolerance 1e-6.
 * This checks the whole chain, including that D^3L[theta'(0), ., .] = 0. */
static void branch_at(const ll_model *M, double lam, double *th, double *w)
{
    double H[P0 * P0], g[P0];
    assert_int_equal(ll_model_linear_start(M, th, NULL), LL_OK);
    for (int it = 0; it < 8; it++) {
        assert_int_equal(ll_model_grad(M, th, lam, g), LL_OK);
        assert_int_equal(ll_model_hess(M, th, lam, H), LL_OK);
        assert_int_equal(ll_sym_solve(P0, H, 1, g), LL_OK);
        for (int k = 0; k < P0; k++)
            th[k] -= g[k];
    }
    assert_int_equal(ll_model_grad(M, th, lam, g), LL_OK);
    assert_true(ll_nrm2(P0, g) < 1e-13);
    assert_int_equal(ll_model_hess(M, th, lam, H), LL_OK);
    assert_int_equal(ll_sym_eig_all(P0, H, w, NULL), LL_OK);
}

static void softening_should_match_eigenvalue_slopes_along_the_branch(void **s)
{
    (void)s;
    const char *acts[] = {"tanh", "gelu", "softplus"};
    for (int a = 0; a < 3; a++) {
        ll_data D;
        fx_data(&D, NS, DIM, 7);
        ll_model *M = fx_model(&D, WIDTH, ll_act_find(acts[a]), 0.05, 0, 0);
        double th[P0], wp[P0], wm[P0], speeds[NE], h = 1e-4;
        branch_at(M, h, th, wp);
        branch_at(M, -h, th, wm);
        assert_int_equal(ll_model_softening_closed_form(M, speeds, NULL, NULL),
                         LL_OK);
        /* ascending order at -h is the reverse speed order: alpha - h s_k */
        for (int k = 0; k < NE; k++) {
            double fd = (wp[k] - wm[NE - 1 - k]) / (2 * h);
            if (fabs(fd - speeds[k]) > 1e-6)
                fail_msg("%s: slope %d: branch %.10g, closed form %.10g",
                         acts[a], k, fd, speeds[k]);
        }
        ll_model_destroy(M);
        fx_data_free(&D);
    }
}

/* The paper's eq. (22) number, recomputed here from its definition
 * -sum_j v_j^2 mean((sigma'(v_j u.x) - 1) (u.x)^2) with u = W0 row / v_j. */
static void paper_eq22_should_follow_its_definition(void **s)
{
    (void)s;
    ll_data D;
    fx_data(&D, NS, DIM, 6);
    const ll_act *act = ll_act_find("tanh");
    ll_model *M = fx_model(&D, WIDTH, act, 0.05, 0, 0);
    double th[P0], speeds[NE], e22, want = 0.0, sd[3];
    assert_int_equal(ll_model_linear_start(M, th, NULL), LL_OK);
    assert_int_equal(ll_model_softening_closed_form(M, speeds, &e22, NULL), LL_OK);
    const double *v = ll_model_v(M);
    for (size_t j = 0; j < WIDTH; j++)
        for (size_t n = 0; n < NS; n++) {
            double ux = 0.0;
            for (size_t i = 0; i < DIM; i++)
                ux += th[i] / v[0] * D.X[n + i * NS];
            act->eval(v[j] * ux, 1, sd);
            want -= v[j] * v[j] * (sd[1] - 1.0) * ux * ux / NS;
        }
    assert_true(ll_test_reldiff(e22, want, 1e-300) < 1e-12);
    assert_true(fabs(e22 - speeds[0]) > 1e-6); /* a different number */
    ll_model_destroy(M);
    fx_data_free(&D);
}

static void softening_should_refuse_trained_v_biases_and_width_one(void **s)
{
    (void)s;
    ll_data D;
    fx_data(&D, NS, DIM, 6);
    double sp[NE];
    ll_errbuf eb = {{0}};
    ll_model *M = fx_model(&D, WIDTH, ll_act_find("tanh"), 0.05, 1, 0);
    assert_int_equal(ll_model_softening_closed_form(M, sp, NULL, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "fixed v, no biases"));
    ll_model_destroy(M);
    M = fx_model(&D, 1, ll_act_find("tanh"), 0.05, 0, 0);
    assert_int_equal(ll_model_softening_closed_form(M, sp, NULL, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "width >= 2"));
    ll_model_destroy(M);
    fx_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(linear_start_should_zero_the_gradient),
        cmocka_unit_test(linear_start_should_set_zero_biases_and_the_given_v),
        cmocka_unit_test(h0_should_have_eigenvalue_alpha_with_multiplicity_m_minus_1_d),
        cmocka_unit_test(h0_kernel_should_have_dimension_m_minus_1_d_when_alpha_is_zero),
        cmocka_unit_test(softening_should_match_the_restricted_hess_lambda),
        cmocka_unit_test(softening_should_match_eigenvalue_slopes_along_the_branch),
        cmocka_unit_test(paper_eq22_should_follow_its_definition),
        cmocka_unit_test(softening_should_refuse_trained_v_biases_and_width_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
