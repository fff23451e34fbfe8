/* BLAS wrappers (gemm, syrk_t, syr2k_t, gemv, dot, nrm2) against naive
 * loops, with leading dimensions larger than the row count (sub-matrices)
 * and every transpose combination. Each entry is a sum of k products of
 * numbers <= 1 in magnitude, so the rounding difference between any two
 * summation orders is <= k eps (~1e-15 for k <= 7); we allow 1e-13. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "losslab/linalg.h"

/* valgrind's client request (a no-op natively), if its header is installed:
 * scripts/valgrind.sh installs valgrind, header included, before building. */
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define LL_HAVE_VALGRIND_H 1
#endif
#endif

#define TOL 1e-13

/* element (i, j) of op(A) for A stored with leading dimension ld */
static double op(const double *A, size_t ld, int t, size_t i, size_t j)
{
    return t ? A[j + i * ld] : A[i + j * ld];
}

static void gemm_should_match_naive_loops_for_every_transpose(void **st)
{
    (void)st;
    enum { M = 4, NN = 3, K = 5, LD = 9 };
    uint64_t seed = 1;
    double A[LD * 9], B[LD * 9], C[LD * NN], C0[LD * NN];
    ll_test_fill(&seed, LD * 9, A, 1.0);
    ll_test_fill(&seed, LD * 9, B, 1.0);
    ll_test_fill(&seed, LD * NN, C0, 1.0);
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++) {
            memcpy(C, C0, sizeof C);
            ll_gemm(ta, tb, M, NN, K, 0.7, A, LD, B, LD, -1.3, C, LD);
            for (size_t j = 0; j < NN; j++)
                for (size_t i = 0; i < LD; i++) {
                    double want = C0[i + j * LD];
                    if (i < M) {
                        double s = 0;
                        for (size_t l = 0; l < K; l++)
                            s += op(A, LD, ta, i, l) * op(B, LD, tb, l, j);
                        want = 0.7 * s - 1.3 * want;
                    }
                    /* rows >= M of the LD-tall C are untouched */
                    assert_true(fabs(C[i + j * LD] - want) < TOL);
                }
        }
}

static void gemm_with_empty_inner_dimension_should_scale_c(void **st)
{
    (void)st;
    double C[4] = {1, 2, 3, 4}, A[1] = {0}, B[1] = {0};
    /* k = 0: op(A) is 2 x 0, op(B) 0 x 2; callers pass ld = rows = 0 */
    ll_gemm(0, 0, 2, 2, 0, 1.0, A, 2, B, 0, 0.5, C, 2);
    assert_true(C[0] == 0.5 && C[3] == 2.0);
    /* syrk with k = 0: C = beta C */
    double S[4] = {2, 1, 1, 2};
    ll_syrk_t(2, 0, 1.0, A, 0, 3.0, S, 2);
    assert_true(S[0] == 6 && S[1] == 3 && S[2] == 3 && S[3] == 6);
    ll_syr2k_t(2, 0, 1.0, A, B, 0, 0.5, S, 2);
    assert_true(S[0] == 3 && S[2] == 1.5);
}

static void syrk_and_syr2k_should_match_naive_loops_in_both_triangles(void **st)
{
    (void)st;
    enum { NN = 5, K = 7, LD = 8 };
    uint64_t seed = 2;
    double A[LD * NN], B[LD * NN], C[NN * NN], C0[NN * NN];
    ll_test_fill(&seed, LD * NN, A, 1.0);
    ll_test_fill(&seed, LD * NN, B, 1.0);
    for (size_t i = 0; i < NN; i++) /* symmetric input C */
        for (size_t j = 0; j <= i; j++)
            C0[i + j * NN] = C0[j + i * NN] = ll_test_rand(&seed);
    memcpy(C, C0, sizeof C);
    ll_syrk_t(NN, K, 0.9, A, LD, 0.25, C, NN);
    for (size_t i = 0; i < NN; i++)
        for (size_t j = 0; j < NN; j++) {
            double s = 0;
            for (size_t l = 0; l < K; l++)
                s += A[l + i * LD] * A[l + j * LD];
            assert_true(fabs(C[i + j * NN] - (0.9 * s + 0.25 * C0[i + j * NN])) < TOL);
            assert_true(C[i + j * NN] == C[j + i * NN]);
        }
    memcpy(C, C0, sizeof C);
    ll_syr2k_t(NN, K, -0.6, A, B, LD, 2.0, C, NN);
    for (size_t i = 0; i < NN; i++)
        for (size_t j = 0; j < NN; j++) {
            double s = 0;
            for (size_t l = 0; l < K; l++)
                s += A[l + i * LD] * B[l + j * LD] + B[l + i * LD] * A[l + j * LD];
            assert_true(fabs(C[i + j * NN] - (-0.6 * s + 2.0 * C0[i + j * NN])) < TOL);
            assert_true(C[i + j * NN] == C[j + i * NN]);
        }
}

static void gemv_dot_nrm2_should_match_naive_loops(void **st)
{
    (void)st;
    enum { M = 6, NN = 4, LD = 7 };
    uint64_t seed = 4;
    double A[LD * NN], x[M], y[M], y0[M];
    ll_test_fill(&seed, LD * NN, A, 1.0);
    ll_test_fill(&seed, M, x, 1.0);
    ll_test_fill(&seed, M, y0, 1.0);
    for (int t = 0; t < 2; t++) {
        size_t rows = t ? NN : M, cols = t ? M : NN;
        memcpy(y, y0, sizeof y);
        ll_gemv(t, M, NN, 1.5, A, LD, x, -0.5, y);
        for (size_t i = 0; i < rows; i++) {
            double s = 0;
            for (size_t j = 0; j < cols; j++)
                s += op(A, LD, t, i, j) * x[j];
            assert_true(fabs(y[i] - (1.5 * s - 0.5 * y0[i])) < TOL);
        }
    }
    double d = 0, q = 0;
    for (size_t i = 0; i < M; i++)
        d += x[i] * y0[i], q += x[i] * x[i];
    assert_true(fabs(ll_dot(M, x, y0) - d) < TOL);
    assert_true(fabs(ll_nrm2(M, x) - sqrt(q)) < TOL);
    /* nrm2 scales: no overflow for entries near DBL_MAX. OpenBLAS's x86-64
     * dnrm2 kernel sums x_i^2 in x87 80-bit registers without rescaling,
     * which valgrind emulates in 64 bits (1e600 -> inf): skip this one check
     * there (only there; natively it must hold). */
    double big[2] = {1e300, 1e300};
#ifdef LL_HAVE_VALGRIND_H
    if (!RUNNING_ON_VALGRIND)
#endif
        assert_true(fabs(ll_nrm2(2, big) / 1e300 - sqrt(2.0)) < 1e-14);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gemm_should_match_naive_loops_for_every_transpose),
        cmocka_unit_test(gemm_with_empty_inner_dimension_should_scale_c),
        cmocka_unit_test(syrk_and_syr2k_should_match_naive_loops_in_both_triangles),
        cmocka_unit_test(gemv_dot_nrm2_should_match_naive_loops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
