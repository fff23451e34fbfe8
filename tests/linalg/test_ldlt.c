/* The factor-once kernels (src/linalg/perf.c): ll_ldlt (Cholesky or
 * Bunch-Kaufman LDL^T, reused for inertia and solves), the eigenvalues-only
 * path and the ||A^{-1}||_1 estimator. Matrices Q diag(lam) Q^T with a
 * known spectrum bounded away from 0, so that inertia and conditioning are
 * known exactly. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "linalg_testlib.h"
#include "losslab/linalg.h"

/* A = Q diag(lam) Q^T with lam_i = sign_i (1 + i/n): cond(A) <= 2. */
static void make_sym(uint64_t *seed, size_t n, int neg, double *Q, double *lam,
                     double *A)
{
    tl_orthogonal(seed, n, Q);
    for (size_t i = 0; i < n; i++)
        lam[i] = (i < (size_t)neg ? -1.0 : 1.0) * (1.0 + (double)i / (double)n);
    tl_spectral(n, Q, lam, A);
}

/* ||A x - b||_inf / (||A||_max n ||x||_inf): rounding level is ~n eps. */
static double backward_error(size_t n, const double *A, const double *x,
                             const double *b)
{
    double r = 0.0, xn = 0.0, an = 0.0;
    for (size_t i = 0; i < n; i++) {
        double s = -b[i];
        for (size_t j = 0; j < n; j++) {
            s += A[i + j * n] * x[j];
            an = fmax(an, fabs(A[i + j * n]));
        }
        r = fmax(r, fabs(s));
        xn = fmax(xn, fabs(x[i]));
    }
    return r / (an * (double)n * xn);
}

/* Alternating definite and indefinite matrices exercise both factor kinds
 * (Cholesky is tried only after a definite one) on one handle. */
static void ldlt_should_give_the_inertia_and_solve_definite_and_indefinite(
    void **st)
{
    (void)st;
    size_t n = 40;
    uint64_t seed = 7;
    double *Q = malloc(n * n * sizeof *Q), *A = malloc(n * n * sizeof *A);
    double lam[40], b[40], x[40];
    ll_ldlt *f = NULL;
    assert_int_equal(ll_ldlt_create(&f, n), LL_OK);
    const int negs[5] = {0, 3, 0, 0, 17};
    for (int k = 0; k < 5; k++) {
        make_sym(&seed, n, negs[k], Q, lam, A);
        assert_int_equal(ll_ldlt_factor(f, A), LL_OK);
        int cn = -1, cz = -1, cp = -1;
        assert_int_equal(ll_ldlt_inertia(f, &cn, &cz, &cp), LL_OK);
        assert_int_equal(cn, negs[k]);
        assert_int_equal(cz, 0);
        assert_int_equal(cp, (int)n - negs[k]);
        ll_test_fill(&seed, n, b, 1.0);
        memcpy(x, b, sizeof x);
        assert_int_equal(ll_ldlt_solve(f, 1, x, n), LL_OK);
        /* a backward-stable solve: ~ eps, allow 100x */
        assert_true(backward_error(n, A, x, b) < 100 * 2.2e-16);
    }
    ll_ldlt_destroy(f);
    free(Q), free(A);
}

static void ldlt_should_report_an_exactly_singular_matrix(void **st)
{
    (void)st;
    double A[9] = {1, 2, 0, 2, 4, 0, 0, 0, 0}, b[3] = {1, 1, 1};
    ll_ldlt *f = NULL;
    assert_int_equal(ll_ldlt_create(&f, 3), LL_OK);
    assert_int_equal(ll_ldlt_factor(f, A), LL_OK);
    int cn, cz, cp;
    assert_int_equal(ll_ldlt_inertia(f, &cn, &cz, &cp), LL_OK);
    assert_int_equal(cz, 2); /* eigenvalues 5, 0, 0 */
    assert_int_equal(cp, 1);
    assert_int_equal(ll_ldlt_solve(f, 1, b, 3), LL_ERR_SINGULAR);
    ll_ldlt_destroy(f);
}

/* n above the two-stage threshold (1000): same eigenvalues as all of
 * them by dsyevr, to ~eps ||A|| (both backward stable, ||A|| <= 2). */
static void eigvals_smallest_should_match_the_full_spectrum(void **st)
{
    (void)st;
    const size_t ns[2] = {30, 1001};
    for (int c = 0; c < 2; c++) {
        size_t n = ns[c];
        uint64_t seed = 11;
        double *A = malloc(n * n * sizeof *A), *wall = malloc(n * sizeof *A);
        double w[6];
        /* random symmetric, entries O(1/sqrt(n)): spectrum in ~[-2, 2] */
        for (size_t j = 0; j < n; j++)
            for (size_t i = 0; i <= j; i++)
                A[i + j * n] = A[j + i * n] =
                    (ll_test_rand(&seed) - 0.5) / sqrt((double)n);
        assert_int_equal(ll_sym_eig_all(n, A, wall, NULL), LL_OK);
        assert_int_equal(ll_sym_eigvals_smallest(n, A, 6, w), LL_OK);
        for (int k = 0; k < 6; k++)
            assert_true(fabs(w[k] - wall[k]) < 1e-12);
        free(A), free(wall);
    }
}

typedef struct inv_op {
    size_t n;
    const double *Ainv; /* the exact inverse, applied directly */
    double *tmp;
} inv_op;

static ll_status apply_inv(void *u, int trans, double *x)
{
    inv_op *o = u;
    ll_gemv(trans, o->n, o->n, 1.0, o->Ainv, o->n, x, 0.0, o->tmp);
    memcpy(x, o->tmp, o->n * sizeof *x);
    return LL_OK;
}

/* Hager's estimate is a lower bound of ||A^{-1}||_1 and in practice within
 * a factor of 3 (Higham, ACM TOMS 14 (1988) 381); allow 10. A is
 * nonsymmetric so that both kases (A^{-1}, A^{-T}) matter. */
static void inverse_norm_estimate_should_bracket_the_exact_norm(void **st)
{
    (void)st;
    size_t n = 25;
    uint64_t seed = 5;
    double Ai[625], tmp[25], work[50], exact = 0.0, est = 0.0;
    int iwork[25];
    ll_test_fill(&seed, n * n, Ai, 1.0);
    for (size_t j = 0; j < n; j++) {
        double s = 0.0;
        for (size_t i = 0; i < n; i++)
            s += fabs(Ai[i + j * n]);
        exact = fmax(exact, s);
    }
    inv_op o = {n, Ai, tmp};
    assert_int_equal(ll_inv_norm1_est(n, apply_inv, &o, work, iwork, &est),
                     LL_OK);
    assert_true(est <= exact * (1.0 + 1e-12));
    assert_true(est >= exact / 10.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            ldlt_should_give_the_inertia_and_solve_definite_and_indefinite),
        cmocka_unit_test(ldlt_should_report_an_exactly_singular_matrix),
        cmocka_unit_test(eigvals_smallest_should_match_the_full_spectrum),
        cmocka_unit_test(inverse_norm_estimate_should_bracket_the_exact_norm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
