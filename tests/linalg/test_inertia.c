/* Inertia from Bunch-Kaufman LDL^T (ll_sym_inertia). Matrices chosen to
 * force 2x2 pivots (zero diagonals, [[0,1],[1,0]] blocks, saddle-point
 * (KKT) forms), random indefinite matrices with a known spectrum bounded
 * away from 0 (so the inertia is exact by Sylvester's law despite rounding),
 * and singular matrices whose elimination is exact in floating point. */
#include "testutil.h"

#include <string.h>

#include "linalg_testlib.h"
#include "losslab/linalg.h"

static void expect_inertia(size_t n, const double *A, int neg, int zero, int pos)
{
    int cn = -1, cz = -1, cp = -1;
    assert_int_equal(ll_sym_inertia(n, A, &cn, &cz, &cp), LL_OK);
    if (cn != neg || cz != zero || cp != pos)
        fail_msg("inertia (%d, %d, %d), expected (%d, %d, %d)", cn, cz, cp, neg,
                 zero, pos);
}

static void inertia_should_count_a_swap_block_as_one_of_each(void **st)
{
    (void)st;
    const double S[4] = {0, 1, 1, 0};
    expect_inertia(2, S, 1, 0, 1);
    const double S2[4] = {1e-3, -2, -2, -1e-3};
    expect_inertia(2, S2, 1, 0, 1);
    /* two swap blocks and diagonal entries: diag(2, [0 3; 3 0], -1, [0 1; 1 0]) */
    double B[36] = {0};
    B[0] = 2;
    B[1 + 2 * 6] = B[2 + 1 * 6] = 3;
    B[3 + 3 * 6] = -1;
    B[4 + 5 * 6] = B[5 + 4 * 6] = 1;
    expect_inertia(6, B, 3, 0, 3);
}

/* [[0, M], [M^T, 0]] with M (k x k) nonsingular has k positive and k
 * negative eigenvalues (+-singular values of M); its zero diagonal makes
 * every Bunch-Kaufman pivot 2x2. */
static void inertia_should_handle_saddle_point_matrices(void **st)
{
    (void)st;
    enum { K = 5, N2 = 2 * K };
    uint64_t seed = 17;
    double Q[K * K], A[N2 * N2] = {0};
    tl_orthogonal(&seed, K, Q); /* orthogonal M: singular values all 1 */
    for (size_t i = 0; i < K; i++)
        for (size_t j = 0; j < K; j++)
            A[i + (K + j) * N2] = A[(K + j) + i * N2] = Q[i + j * K];
    expect_inertia(N2, A, K, 0, K);
    /* with a negative definite (1,1) block -I: K negative, K positive */
    for (size_t i = 0; i < K; i++)
        A[i + i * N2] = -1;
    expect_inertia(N2, A, K, 0, K);
}

static void inertia_should_match_random_known_spectra(void **st)
{
    (void)st;
    enum { N = 9 };
    uint64_t seed = 5;
    double Q[N * N], A[N * N], A0[N * N], lam[N];
    for (int trial = 0; trial < 20; trial++) {
        int neg = trial % (N + 1);
        for (int i = 0; i < N; i++) {
            double mag = 0.5 + 2.0 * (ll_test_rand(&seed) + 1);
            lam[i] = i < neg ? -mag : mag;
        }
        tl_orthogonal(&seed, N, Q);
        tl_spectral(N, Q, lam, A);
        memcpy(A0, A, sizeof A);
        expect_inertia(N, A, neg, 0, N - neg);
        assert_memory_equal(A, A0, sizeof A);
    }
}

static void inertia_should_count_exact_zero_pivots(void **st)
{
    (void)st;
    const double R[4] = {1, 1, 1, 1};
    expect_inertia(2, R, 0, 1, 1);
    const double Z[4] = {0};
    expect_inertia(2, Z, 0, 2, 0);
    const double O[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    expect_inertia(3, O, 0, 2, 1);
    /* diag([0 1; 1 0], 0): a singular matrix with a 2x2 block */
    const double S[9] = {0, 1, 0, 1, 0, 0, 0, 0, 0};
    expect_inertia(3, S, 1, 1, 1);
    /* -[[2, 1], [1, 0.5]]: pivot -2, Schur complement -0.5 + 0.5 = 0 */
    const double T[4] = {-2, -1, -1, -0.5};
    expect_inertia(2, T, 1, 1, 0);
    int n = 9;
    assert_int_equal(ll_sym_inertia(2, T, NULL, NULL, NULL), LL_OK);
    assert_int_equal(ll_sym_inertia(2, T, &n, NULL, NULL), LL_OK);
    assert_int_equal(n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(inertia_should_count_a_swap_block_as_one_of_each),
        cmocka_unit_test(inertia_should_handle_saddle_point_matrices),
        cmocka_unit_test(inertia_should_match_random_known_spectra),
        cmocka_unit_test(inertia_should_count_exact_zero_pivots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
