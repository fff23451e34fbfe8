/* Linear solves (ll_solve: LU, ll_sym_solve: LDL^T). LU with partial
 * pivoting and Bunch-Kaufman are backward stable, so the residual
 * ||A X - B|| is O(n eps ||A|| ||X||); we allow 1e-12 ||A|| ||X|| (max
 * norms), ~1e3 above n eps for n <= 10. Singular systems are built so that
 * elimination hits an exact zero pivot. */
#include "testutil.h"

#include <string.h>

#include "linalg_testlib.h"
#include "losslab/linalg.h"

enum { N = 7, R = 3 };

static double max_abs(size_t n, const double *x)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(x[i]));
    return m;
}

/* max |A X - B| / (max|A| max|X|), by naive loops */
static double rel_residual(size_t n, size_t r, const double *A, const double *X,
                           const double *B)
{
    double m = 0;
    for (size_t c = 0; c < r; c++)
        for (size_t i = 0; i < n; i++) {
            double s = -B[i + c * n];
            for (size_t k = 0; k < n; k++)
                s += A[i + k * n] * X[k + c * n];
            m = fmax(m, fabs(s));
        }
    return m / (max_abs(n * n, A) * max_abs(n * r, X));
}

/* 1-norm (max column sum) */
static double norm1(size_t n, const double *A)
{
    double m = 0;
    for (size_t j = 0; j < n; j++) {
        double s = 0;
        for (size_t i = 0; i < n; i++)
            s += fabs(A[i + j * n]);
        m = fmax(m, s);
    }
    return m;
}

static void solve_should_have_a_small_residual_and_rcond_estimate(void **st)
{
    (void)st;
    uint64_t seed = 3;
    double A[N * N], A0[N * N], B[N * R], X[N * R], rc = -1;
    ll_test_fill(&seed, N * N, A, 1.0);
    ll_test_fill(&seed, N * R, B, 1.0);
    memcpy(A0, A, sizeof A);
    memcpy(X, B, sizeof B);
    assert_int_equal(ll_solve(N, A, R, X, &rc), LL_OK);
    assert_memory_equal(A, A0, sizeof A);
    assert_true(rel_residual(N, R, A, X, B) < 1e-12);
    /* true rcond = 1 / (|A|_1 |A^-1|_1), A^-1 from a solve with B = I.
     * dgecon under-estimates |A^-1|_1, so its rcond is >= the true one and
     * (Higham, Accuracy and Stability, ch. 15) rarely more than ~3x off. */
    double Ainv[N * N] = {0};
    for (size_t i = 0; i < N; i++)
        Ainv[i + i * N] = 1;
    assert_int_equal(ll_solve(N, A, N, Ainv, NULL), LL_OK);
    double rtrue = 1 / (norm1(N, A) * norm1(N, Ainv));
    assert_true(rc >= rtrue * (1 - 1e-10) && rc <= 10 * rtrue);
}

static void solve_should_detect_an_exactly_singular_matrix(void **st)
{
    (void)st;
    /* [[1, 2], [2, 4]]: after pivoting, u22 = 2 - 0.5 * 4 = 0 exactly */
    const double S[4] = {1, 2, 2, 4};
    double b[2] = {1, 1}, rc = -1;
    assert_int_equal(ll_solve(2, S, 1, b, &rc), LL_ERR_SINGULAR);
    assert_true(rc == 0.0);
    const double Z[9] = {0};
    double b3[3] = {1, 2, 3};
    assert_int_equal(ll_solve(3, Z, 1, b3, NULL), LL_ERR_SINGULAR);
}

static void sym_solve_should_solve_indefinite_systems(void **st)
{
    (void)st;
    uint64_t seed = 8;
    double Q[N * N], A[N * N], A0[N * N], B[N * R], X[N * R];
    const double lam[N] = {-2, 1.5, -0.7, 3, 0.9, -1.1, 2.2};
    tl_orthogonal(&seed, N, Q);
    tl_spectral(N, Q, lam, A);
    ll_test_fill(&seed, N * R, B, 1.0);
    memcpy(A0, A, sizeof A);
    memcpy(X, B, sizeof B);
    assert_int_equal(ll_sym_solve(N, A, R, X), LL_OK);
    assert_memory_equal(A, A0, sizeof A);
    assert_true(rel_residual(N, R, A, X, B) < 1e-12);
    /* a 2x2 pivot: [[0, 1], [1, 0]] x = b gives x = (b2, b1) */
    const double S[4] = {0, 1, 1, 0};
    double b[2] = {3, -4};
    assert_int_equal(ll_sym_solve(2, S, 1, b), LL_OK);
    assert_true(fabs(b[0] + 4) < 1e-15 && fabs(b[1] - 3) < 1e-15);
}

static void sym_solve_should_detect_an_exactly_singular_matrix(void **st)
{
    (void)st;
    const double S[4] = {1, 1, 1, 1};
    double b[2] = {1, 2};
    assert_int_equal(ll_sym_solve(2, S, 1, b), LL_ERR_SINGULAR);
    const double Z[9] = {0, 1, 0, 1, 0, 0, 0, 0, 0};
    double b3[3] = {1, 2, 3};
    assert_int_equal(ll_sym_solve(3, Z, 1, b3), LL_ERR_SINGULAR);
}

/* n = 0 is a valid, empty system (a model with no trained parameters in
 * some block, say): nothing to solve, and no LAPACK parameter error. */
static void solve_should_accept_an_empty_system(void **st)
{
    (void)st;
    double a[1] = {0}, b[1] = {42}, rc = -1;
    assert_int_equal(ll_solve(0, a, 1, b, &rc), LL_OK);
    assert_int_equal(ll_sym_solve(0, a, 1, b), LL_OK);
    assert_true(b[0] == 42);
    int neg = -1, zero = -1, pos = -1;
    assert_int_equal(ll_sym_inertia(0, a, &neg, &zero, &pos), LL_OK);
    assert_true(neg == 0 && zero == 0 && pos == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(solve_should_have_a_small_residual_and_rcond_estimate),
        cmocka_unit_test(solve_should_detect_an_exactly_singular_matrix),
        cmocka_unit_test(sym_solve_should_solve_indefinite_systems),
        cmocka_unit_test(sym_solve_should_detect_an_exactly_singular_matrix),
        cmocka_unit_test(solve_should_accept_an_empty_system),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
