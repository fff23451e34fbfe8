/* ll_minres on dense symmetric matrices with known spectra, A = Q diag(lam)
 * Q^T (n = 200), against LAPACK's dense solve.
 *
 * Tolerances: the attainable relative residual of any backward stable
 * solver is ~ eps ||A|| ||x|| / ||b|| <= eps cond(A) ~ 2e-15 for cond 10,
 * so rtol = 1e-14 is reachable and checked as asked (the residual is
 * recomputed here with a dense product, whose own rounding is ~ sqrt(n) eps
 * ||A|| ||x|| ~ 3e-15 ||b||: hence the 2 rtol in the recheck). The forward
 * error is bounded by cond(A) * relres + the dense solve's own error
 * cond(A) eps: 10 * 2e-14 + 2e-15 < 1e-12. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg_testlib.h"
#include "losslab/krylov.h"
#include "losslab/linalg.h"

#define N 200

/* y = x / |diag A| (Jacobi; SPD whatever the signs of A's diagonal). */
static ll_status jacobi_apply(void *u, const double *x, double *y)
{
    const dense_op *op = u;
    for (size_t i = 0; i < op->n; i++)
        y[i] = x[i] / fabs(op->A[i + i * op->n]);
    return LL_OK;
}

/* ||b - (A - s I) x|| / ||b|| by a dense product. */
static double relres(const double *A, double s, const double *b,
                     const double *x)
{
    double r[N];
    memcpy(r, b, sizeof r);
    ll_gemv(0, N, N, -1.0, A, N, x, 1.0, r);
    for (size_t i = 0; i < N; i++)
        r[i] += s * x[i];
    return ll_nrm2(N, r) / ll_nrm2(N, b);
}

/* Eigenvalues +-[1, 10], alternating signs: indefinite, cond 10. */
static double *make_indefinite(uint64_t seed)
{
    double *Q = malloc(N * N * sizeof *Q), *A = malloc(N * N * sizeof *A);
    double lam[N];
    assert_non_null(Q), assert_non_null(A);
    for (size_t i = 0; i < N; i++)
        lam[i] = (i % 2 ? -1.0 : 1.0) * (1.0 + 9.0 * (double)i / (N - 1));
    tl_orthogonal(&seed, N, Q);
    tl_spectral(N, Q, lam, A);
    free(Q);
    return A;
}

/* Dense reference x = (A - s I)^{-1} b. */
static void dense_solution(const double *A, double s, const double *b,
                           double *x)
{
    double *As = malloc(N * N * sizeof *As);
    assert_non_null(As);
    memcpy(As, A, N * N * sizeof *As);
    for (size_t i = 0; i < N; i++)
        As[i + i * N] -= s;
    memcpy(x, b, N * sizeof *x);
    assert_int_equal(ll_sym_solve(N, As, 1, x), LL_OK);
    free(As);
}

static double rel_err(const double *x, const double *xs)
{
    double d = 0, s = 0;
    for (size_t i = 0; i < N; i++)
        d += (x[i] - xs[i]) * (x[i] - xs[i]), s += xs[i] * xs[i];
    return sqrt(d / s);
}

static void minres_should_solve_an_indefinite_system_to_1e_14(void **st)
{
    (void)st;
    uint64_t seed = 11;
    double *A = make_indefinite(3);
    double b[N], x[N] = {0}, xs[N];
    ll_test_fill(&seed, N, b, 1.0);
    dense_op op = {N, A, 0};
    ll_minres_opts o = ll_minres_opts_default();
    ll_minres_info info;
    assert_int_equal(ll_minres(N, dense_apply, &op, 0.0, NULL, NULL, b, x, &o,
                               &info),
                     LL_OK);
    assert_true(info.relres <= 1e-14);
    assert_true(relres(A, 0.0, b, x) <= 2e-14);
    dense_solution(A, 0.0, b, xs);
    assert_true(rel_err(x, xs) <= 1e-12);
    /* every product is a Lanczos step or one residual per cycle */
    assert_true(op.calls <= info.its + 7);
    free(A);
}

/* Spectrum of A in [1, 10] \ (5, 6), shift 5.5: A - shift I indefinite
 * with |eigenvalues| >= 0.5, cond <= 9. */
static void minres_should_solve_a_shifted_system(void **st)
{
    (void)st;
    uint64_t seed = 5, qs = 7;
    double *Q = malloc(N * N * sizeof *Q), *A = malloc(N * N * sizeof *A);
    double lam[N], b[N], x[N] = {0}, xs[N];
    for (size_t i = 0; i < N; i++)
        lam[i] = i % 2 ? 1.0 + 4.0 * ll_test_rand(&seed) * ll_test_rand(&seed)
                       : 6.0 + 4.0 * fabs(ll_test_rand(&seed));
    for (size_t i = 0; i < N; i++)
        lam[i] = lam[i] < 1.0 ? 2.0 - lam[i] : lam[i]; /* keep >= 1 */
    tl_orthogonal(&qs, N, Q);
    tl_spectral(N, Q, lam, A);
    ll_test_fill(&seed, N, b, 1.0);
    dense_op op = {N, A, 0};
    ll_minres_info info;
    assert_int_equal(
        ll_minres(N, dense_apply, &op, 5.5, NULL, NULL, b, x, NULL, &info),
        LL_OK);
    assert_true(relres(A, 5.5, b, x) <= 2e-14);
    dense_solution(A, 5.5, b, xs);
    assert_true(rel_err(x, xs) <= 1e-12); /* cond <= 9: as in the header */
    free(Q), free(A);
}

/* A = D B D, B indefinite with cond 10, D = diag(10^[0, 2]): cond(A) up to
 * 1e5, Jacobi undoes most of D. The attainable relres is then ~ eps
 * cond ~ 1e-11, so rtol = 1e-10. Jacobi must take fewer steps than none. */
static void minres_should_converge_faster_with_a_jacobi_preconditioner(void **st)
{
    (void)st;
    uint64_t seed = 21;
    double *A = make_indefinite(4);
    double dg[N], b[N], x[N] = {0}, x2[N] = {0}, xs[N];
    for (size_t i = 0; i < N; i++)
        dg[i] = pow(10.0, 2.0 * (double)i / (N - 1));
    for (size_t j = 0; j < N; j++)
        for (size_t i = 0; i < N; i++)
            A[i + j * N] *= dg[i] * dg[j];
    ll_test_fill(&seed, N, b, 1.0);
    dense_op op = {N, A, 0};
    ll_minres_opts o = ll_minres_opts_default();
    o.rtol = 1e-10;
    ll_minres_info ip, in;
    assert_int_equal(ll_minres(N, dense_apply, &op, 0.0, jacobi_apply, &op, b,
                               x, &o, &ip),
                     LL_OK);
    assert_true(relres(A, 0.0, b, x) <= 1e-10);
    dense_solution(A, 0.0, b, xs);
    /* forward error <= cond(A) relres: 1e5 * 1e-10 */
    assert_true(rel_err(x, xs) <= 1e-5);
    ll_minres(N, dense_apply, &op, 0.0, NULL, NULL, b, x2, &o, &in);
    assert_true(ip.its < in.its);
    free(A);
}

/* A start near the solution needs fewer steps than a zero start, and the
 * exact solution (to rounding) needs at most a handful. */
static void minres_should_use_the_initial_guess(void **st)
{
    (void)st;
    uint64_t seed = 31;
    double *A = make_indefinite(5);
    double b[N], x0[N] = {0}, x[N], xs[N], e[N];
    ll_test_fill(&seed, N, b, 1.0);
    dense_solution(A, 0.0, b, xs);
    dense_op op = {N, A, 0};
    ll_minres_info i0, i1, i2;
    assert_int_equal(
        ll_minres(N, dense_apply, &op, 0.0, NULL, NULL, b, x0, NULL, &i0),
        LL_OK);
    ll_test_fill(&seed, N, e, 1e-6);
    for (size_t i = 0; i < N; i++)
        x[i] = xs[i] + e[i];
    assert_int_equal(
        ll_minres(N, dense_apply, &op, 0.0, NULL, NULL, b, x, NULL, &i1),
        LL_OK);
    assert_true(relres(A, 0.0, b, x) <= 2e-14);
    assert_true(i1.its < i0.its);
    memcpy(x, xs, sizeof x);
    assert_int_equal(
        ll_minres(N, dense_apply, &op, 0.0, NULL, NULL, b, x, NULL, &i2),
        LL_OK);
    assert_true(i2.its < i1.its);
    free(A);
}

/* 5 steps cannot solve a 200-dimensional indefinite system to 1e-14: the
 * result must say so, with the true residual of the returned x. */
static void minres_should_report_noconv_honestly(void **st)
{
    (void)st;
    uint64_t seed = 41;
    double *A = make_indefinite(6);
    double b[N], x[N] = {0};
    ll_test_fill(&seed, N, b, 1.0);
    dense_op op = {N, A, 0};
    ll_minres_opts o = ll_minres_opts_default();
    o.maxit = 5;
    ll_minres_info info;
    assert_int_equal(
        ll_minres(N, dense_apply, &op, 0.0, NULL, NULL, b, x, &o, &info),
        LL_ERR_NOCONV);
    assert_true(info.its <= 5);
    double r = relres(A, 0.0, b, x);
    assert_true(r > 1e-3 && r < 1.0); /* some progress, far from rtol */
    assert_true(fabs(info.relres - r) <= 1e-12);
    free(A);
}

static ll_status negate_apply(void *u, const double *x, double *y)
{
    (void)u;
    for (size_t i = 0; i < N; i++)
        y[i] = -x[i];
    return LL_OK;
}

static void minres_should_handle_zero_rhs_and_reject_an_indefinite_prec(
    void **st)
{
    (void)st;
    uint64_t seed = 51;
    double *A = make_indefinite(7);
    double b[N] = {0}, x[N];
    ll_test_fill(&seed, N, x, 1.0);
    dense_op op = {N, A, 0};
    assert_int_equal(
        ll_minres(N, dense_apply, &op, 0.0, NULL, NULL, b, x, NULL, NULL),
        LL_OK);
    for (size_t i = 0; i < N; i++)
        assert_true(x[i] == 0.0);
    ll_test_fill(&seed, N, b, 1.0);
    assert_int_equal(ll_minres(N, dense_apply, &op, 0.0, negate_apply, NULL, b,
                               x, NULL, NULL),
                     LL_ERR_ARG);
    free(A);
}

/* The workspace variant runs the same arithmetic on caller scratch: the
 * same iterate bit for bit (scratch filled with garbage first, as a reused
 * workspace would be), and no scratch at all is an argument error. */
static void minres_work_should_match_minres_exactly(void **st)
{
    (void)st;
    uint64_t seed = 61;
    double *A = make_indefinite(8);
    double b[N], x[N] = {0}, xw[N] = {0}, *work = malloc(8 * N * sizeof *work);
    assert_non_null(work);
    ll_test_fill(&seed, N, b, 1.0);
    ll_test_fill(&seed, 8 * N, work, 1e3);
    dense_op op = {N, A, 0};
    ll_minres_info i0, i1;
    assert_int_equal(
        ll_minres(N, dense_apply, &op, 0.0, NULL, NULL, b, x, NULL, &i0),
        LL_OK);
    assert_int_equal(ll_minres_work(N, dense_apply, &op, 0.0, NULL, NULL, b,
                                    xw, NULL, &i1, work),
                     LL_OK);
    assert_int_equal(i0.its, i1.its);
    assert_memory_equal(x, xw, sizeof x);
    assert_int_equal(ll_minres_work(N, dense_apply, &op, 0.0, NULL, NULL, b,
                                    xw, NULL, NULL, NULL),
                     LL_ERR_ARG);
    free(work);
    free(A);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(minres_should_solve_an_indefinite_system_to_1e_14),
        cmocka_unit_test(minres_should_solve_a_shifted_system),
        cmocka_unit_test(
            minres_should_converge_faster_with_a_jacobi_preconditioner),
        cmocka_unit_test(minres_should_use_the_initial_guess),
        cmocka_unit_test(minres_should_report_noconv_honestly),
        cmocka_unit_test(
            minres_should_handle_zero_rhs_and_reject_an_indefinite_prec),
        cmocka_unit_test(minres_work_should_match_minres_exactly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
