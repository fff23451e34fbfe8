/* The Hessian's directional derivative D^3L[u, ., .] = d/dt H(theta + t u)
 * (ll_model_hess_dir, MATH.md section 3) for every activation, every option
 * combination {default, train_v, bias, train_v + bias} and lambda in
 * {0, 0.37, 1}, on a small random problem (N = 40, d = 3, m = 4,
 * alpha = 0.05): against a central difference of the dense Hessian, for
 * symmetry, against the Taylor-mode D^3L[u, v, .] and through the
 * ll_problem table.
 *
 * Scales: inputs O(1), theta entries O(0.6), unit directions, so entries of
 * H and D^3L[u, ., .] are O(1)-O(10) and D^5L along unit directions is at
 * most O(10^2) (the same scales as test_derivs.c). */
#include <stdio.h>

#include "model_fixture.h"
#include "losslab/linalg.h"

#define WIDTH FX_CFG_WIDTH
#define PMAX FX_CFG_PMAX

/* Central difference of H along u with h = 1e-5: truncation
 * h^2/6 |D^5L[u, u, u, ., .]| ~ 1.7e-11 * 1e2, rounding eps |H| / h ~
 * 2e-11 * 10; tolerance 1e-7 (1 + max|D^3L[u]|) leaves a wide margin and
 * still catches any missing term (each is O(0.1)-O(1)). Symmetry: the
 * Gauss-Newton part is mirrored by dsyr2k, the residual blocks come from a
 * gemm Xa^T diag(c) Xa whose two triangles are the same sums in another
 * order: a few ulps, tolerance 1e-14 (1 + max|.|). */
static void check_fd_and_symmetry(const ll_model *M, const double *th,
                                  double lam, const char *label)
{
    size_t P = ll_model_nparams(M);
    double D[PMAX * PMAX], Hp[PMAX * PMAX], Hm[PMAX * PMAX];
    double u[PMAX], x[PMAX], h = 1e-5, err = 0, asym = 0;
    fx_unit_dir(P, 31, u);
    assert_int_equal(ll_model_hess_dir(M, th, lam, u, D), LL_OK);
    for (size_t k = 0; k < P; k++)
        x[k] = th[k] + h * u[k];
    assert_int_equal(ll_model_hess(M, x, lam, Hp), LL_OK);
    for (size_t k = 0; k < P; k++)
        x[k] = th[k] - h * u[k];
    assert_int_equal(ll_model_hess(M, x, lam, Hm), LL_OK);
    double sc = 1 + fx_maxabs(P * P, D);
    for (size_t k = 0; k < P * P; k++)
        err = fmax(err, fabs((Hp[k] - Hm[k]) / (2 * h) - D[k]));
    fx_expect_close("hess_dir vs FD of hess", label, err, 1e-7 * sc);
    for (size_t k = 0; k < P; k++)
        for (size_t i = 0; i < P; i++)
            asym = fmax(asym, fabs(D[i + k * P] - D[k + i * P]));
    fx_expect_close("hess_dir symmetry", label, asym, 1e-14 * sc);
}

static void hess_dir_should_match_differences_of_hess_and_be_symmetric(void **s)
{
    (void)s;
    fx_for_each_config(check_fd_and_symmetry, 13, 2000);
}

/* D^3L[u, ., .] v and D^3L[u, v, .] (Taylor mode, polarised) are the same
 * exact quantity computed two independent ways. Rounding: the matrix-vector
 * product sums P terms of size <= max|D|, polarisation subtracts two
 * D^3L[w, w, .] of size ~ |out| (eps relative each): a few hundred ulps of
 * 1 + max|D|, tolerance 1e-12 (1 + max|D|). Also u^T D^3L[u, ., .] u equals
 * D^3L[u^3] from ll_model_dir (same tolerance). */
static void check_vs_d3(const ll_model *M, const double *th, double lam,
                        const char *label)
{
    size_t P = ll_model_nparams(M);
    double D[PMAX * PMAX], u[PMAX], v[PMAX], a[PMAX], b[PMAX], d3;
    fx_unit_dir(P, 41, u);
    fx_unit_dir(P, 42, v);
    assert_int_equal(ll_model_hess_dir(M, th, lam, u, D), LL_OK);
    ll_gemv(0, P, P, 1.0, D, P, v, 0.0, a);
    assert_int_equal(ll_model_d3(M, th, lam, u, v, b), LL_OK);
    double sc = 1 + fx_maxabs(P * P, D);
    fx_expect_close("hess_dir(u) v vs d3(u, v)", label, fx_maxdiff(P, a, b),
                 1e-12 * sc);
    ll_gemv(0, P, P, 1.0, D, P, u, 0.0, a);
    assert_int_equal(ll_model_dir(M, th, lam, u, 3, &d3), LL_OK);
    fx_expect_close("u^T hess_dir(u) u vs dir 3", label,
                 fabs(ll_dot(P, a, u) - d3), 1e-12 * (sc + fabs(d3)));
}

static void hess_dir_times_v_should_equal_d3_to_rounding(void **s)
{
    (void)s;
    fx_for_each_config(check_vs_d3, 13, 2000);
}

/* The ops table exposes hess_dir, and it is the model's function (bitwise:
 * same code, same inputs). */
static void model_problem_should_provide_hess_dir(void **s)
{
    (void)s;
    ll_data D;
    fx_data(&D, FX_CFG_NS, FX_CFG_DIM, 17);
    ll_model *M = fx_model(&D, WIDTH, ll_act_find("tanh"), 0.05, 1, 1);
    size_t P = ll_model_nparams(M);
    double th[PMAX], u[PMAX], A[PMAX * PMAX], B[PMAX * PMAX];
    uint64_t st = 9;
    ll_test_fill(&st, P, th, 0.6);
    fx_unit_dir(P, 51, u);
    ll_problem pb;
    ll_model_problem(M, &pb);
    assert_non_null(pb.hess_dir);
    assert_int_equal(pb.hess_dir(pb.ctx, th, 0.4, u, A), LL_OK);
    assert_int_equal(ll_model_hess_dir(M, th, 0.4, u, B), LL_OK);
    assert_memory_equal(A, B, P * P * sizeof *A);
    assert_int_equal(ll_model_hess_dir(M, th, 0.4, NULL, B), LL_ERR_ARG);
    ll_model_destroy(M);
    fx_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            hess_dir_should_match_differences_of_hess_and_be_symmetric),
        cmocka_unit_test(hess_dir_times_v_should_equal_d3_to_rounding),
        cmocka_unit_test(model_problem_should_provide_hess_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
