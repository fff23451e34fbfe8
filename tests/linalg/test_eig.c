/* Symmetric eigensolvers (ll_sym_eig_all / ll_sym_eig_smallest) against
 * matrices with a known spectrum, A = Q diag(lam) Q^T. dsyevr is backward
 * stable: eigenvalue errors are O(n eps ||A||) ~ 1e-14 here; we allow
 * 1e-12 ||A||. Eigenvectors are checked by their residual ||A v - w v|| and
 * orthonormality (1e-12), not entrywise (signs and clustered vectors are
 * not unique). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "linalg_testlib.h"
#include "losslab/linalg.h"

#define N 8
static const double LAM[N] = {-3.0, -1.0, 0.0, 0.5, 0.5, 2.0, 4.0, 7.5};
static const double ANORM = 7.5;

static void make_a(double *A, uint64_t seed)
{
    double Q[N * N];
    tl_orthogonal(&seed, N, Q);
    /* LAM shuffled into Q's columns so the input is not pre-sorted */
    double lam[N] = {LAM[4], LAM[7], LAM[0], LAM[2], LAM[6], LAM[1], LAM[5], LAM[3]};
    tl_spectral(N, Q, lam, A);
}

static void check_pairs(const double *A, size_t k, const double *w,
                        const double *V)
{
    for (size_t j = 0; j < k; j++) {
        assert_true(fabs(w[j] - LAM[j]) < 1e-12 * ANORM);
        for (size_t i = 0; i < N; i++) {
            double r = -w[j] * V[i + j * N];
            for (size_t l = 0; l < N; l++)
                r += A[i + l * N] * V[l + j * N];
            assert_true(fabs(r) < 1e-12 * ANORM);
        }
        for (size_t l = 0; l <= j; l++) {
            double g = 0;
            for (size_t i = 0; i < N; i++)
                g += V[i + j * N] * V[i + l * N];
            assert_true(fabs(g - (l == j)) < 1e-12);
        }
    }
}

static void eig_all_should_recover_a_known_spectrum(void **st)
{
    (void)st;
    double A[N * N], A0[N * N], w[N], V[N * N];
    make_a(A, 1);
    memcpy(A0, A, sizeof A);
    assert_int_equal(ll_sym_eig_all(N, A, w, V), LL_OK);
    assert_memory_equal(A, A0, sizeof A); /* A is not modified */
    check_pairs(A, N, w, V);
    double w2[N];
    assert_int_equal(ll_sym_eig_all(N, A, w2, NULL), LL_OK);
    for (size_t j = 0; j < N; j++)
        assert_true(fabs(w2[j] - LAM[j]) < 1e-12 * ANORM);
}

static void eig_smallest_should_return_the_k_smallest_pairs(void **st)
{
    (void)st;
    double A[N * N], w[N];
    make_a(A, 2);
    for (size_t k = 1; k <= 3; k++) {
        /* V sized exactly n x k: a write past it would be caught by ASan,
         * and the guard value after w must stay. */
        double *Vk = malloc(N * k * sizeof *Vk);
        assert_non_null(Vk);
        w[k] = 12345.0;
        assert_int_equal(ll_sym_eig_smallest(N, A, k, w, Vk), LL_OK);
        check_pairs(A, k, w, Vk);
        assert_true(w[k] == 12345.0);
        free(Vk);
    }
    assert_int_equal(ll_sym_eig_smallest(N, A, 3, w, NULL), LL_OK);
    assert_true(fabs(w[2] - LAM[2]) < 1e-12 * ANORM);
    /* k = n is the whole spectrum */
    double Vn[N * N];
    assert_int_equal(ll_sym_eig_smallest(N, A, N, w, Vn), LL_OK);
    check_pairs(A, N, w, Vn);
}

static void eig_smallest_should_reject_bad_k(void **st)
{
    (void)st;
    double A[N * N], w[N];
    make_a(A, 3);
    assert_int_equal(ll_sym_eig_smallest(N, A, 0, w, NULL), LL_ERR_ARG);
    assert_int_equal(ll_sym_eig_smallest(N, A, N + 1, w, NULL), LL_ERR_ARG);
    assert_int_equal(ll_sym_eig_all(0, A, w, NULL), LL_ERR_ARG);
}

static void eig_should_handle_one_by_one_and_diagonal(void **st)
{
    (void)st;
    double a = -2.5, w, v;
    assert_int_equal(ll_sym_eig_all(1, &a, &w, &v), LL_OK);
    assert_true(w == -2.5 && fabs(v) == 1.0);
    double D[9] = {3, 0, 0, 0, -1, 0, 0, 0, 2}, wd[3];
    assert_int_equal(ll_sym_eig_all(3, D, wd, NULL), LL_OK);
    assert_true(fabs(wd[0] + 1) < 1e-15 && fabs(wd[1] - 2) < 1e-15 &&
                fabs(wd[2] - 3) < 1e-15);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eig_all_should_recover_a_known_spectrum),
        cmocka_unit_test(eig_smallest_should_return_the_k_smallest_pairs),
        cmocka_unit_test(eig_smallest_should_reject_bad_k),
        cmocka_unit_test(eig_should_handle_one_by_one_and_diagonal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
