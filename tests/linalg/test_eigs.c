/* ll_eigs_smallest on dense symmetric matrices with known spectra,
 * A = Q diag(lam) Q^T (n = 200-300), against the known eigenvalues and
 * LAPACK's dense ones.
 *
 * Tolerances. Convergence is declared on true residuals r_j = ||A v_j -
 * w_j v_j|| <= tol anorm. Rayleigh-Ritz then bounds the eigenvalue errors
 * by 0 <= w_j - lam_j <= sum_i r_i^2 / delta (delta: gap between the Ritz
 * values kept and the rest of the spectrum; Saad, "Numerical Methods for
 * Large Eigenvalue Problems", th. 4.6 and its block form), to which the
 * rounding of the products adds ~ sqrt(n) eps ||A||. Residuals recomputed
 * here with a dense product carry the same rounding, ~ sqrt(n) eps ||A||
 * (4e-13 for ||A|| = 100, 4e-9 for 1e6). Ritz vectors are products of two
 * orthonormal matrices (basis by Gram-Schmidt twice, dsyev's vectors), so
 * V^T V = I to ~ sqrt(m) eps: checked to 1e-12. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg_testlib.h"
#include "losslab/krylov.h"
#include "losslab/linalg.h"

/* Inexact shift-invert: y ~ (A - sigma I)^{-1} x by MINRES to rtol. */
typedef struct minres_si {
    dense_op *op;
    double sigma, rtol;
    size_t its;
} minres_si;

static ll_status minres_si_apply(void *u, const double *x, double *y)
{
    minres_si *s = u;
    memset(y, 0, s->op->n * sizeof *y);
    ll_minres_opts o = ll_minres_opts_default();
    o.rtol = s->rtol;
    ll_minres_info info;
    ll_status st = ll_minres(s->op->n, dense_apply, s->op, s->sigma, NULL,
                             NULL, x, y, &o, &info);
    s->its += info.its;
    return st == LL_ERR_NOCONV ? LL_OK : st; /* approximate is fine here */
}

/* A = Q diag(lam) Q^T for a random orthogonal Q (lam in any order). */
static double *make_a(size_t n, const double *lam, uint64_t seed)
{
    double *Q = malloc(n * n * sizeof *Q), *A = malloc(n * n * sizeof *A);
    assert_non_null(Q), assert_non_null(A);
    tl_orthogonal(&seed, n, Q);
    tl_spectral(n, Q, lam, A);
    free(Q);
    return A;
}

/* The exact shift-invert as a dense matrix T = (A - sigma I)^{-1}. */
static double *make_inverse(size_t n, const double *A, double sigma)
{
    double *As = malloc(n * n * sizeof *As), *T = calloc(n * n, sizeof *T);
    assert_non_null(As), assert_non_null(T);
    memcpy(As, A, n * n * sizeof *As);
    for (size_t i = 0; i < n; i++)
        As[i + i * n] -= sigma, T[i + i * n] = 1.0;
    assert_int_equal(ll_sym_solve(n, As, n, T), LL_OK);
    free(As);
    return T;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Residuals <= rmax (recomputed), V^T V = I to 1e-12, w ascending and
 * within werr of the sorted exact spectrum lam. */
static void check_pairs(size_t n, size_t k, const double *A, const double *w,
                        const double *V, const double *lam, double werr,
                        double rmax)
{
    double *r = malloc(n * sizeof *r);
    assert_non_null(r);
    for (size_t j = 0; j < k; j++) {
        assert_true(fabs(w[j] - lam[j]) <= werr);
        if (j > 0)
            assert_true(w[j] >= w[j - 1]);
        ll_gemv(0, n, n, 1.0, A, n, V + j * n, 0.0, r);
        for (size_t i = 0; i < n; i++)
            r[i] -= w[j] * V[i + j * n];
        assert_true(ll_nrm2(n, r) <= rmax);
        for (size_t l = 0; l <= j; l++) {
            double g = ll_dot(n, V + j * n, V + l * n);
            assert_true(fabs(g - (l == j)) <= 1e-12);
        }
    }
    free(r);
}

/* n = 300: six low eigenvalues {-5, -3, -2.5, -1, 0.5, 1} (gaps >= 0.5),
 * the rest uniform in [2, 100]: ||A|| = 100. */
#define N1 300
static void spectrum1(double *lam, uint64_t seed)
{
    static const double low[6] = {-5.0, -3.0, -2.5, -1.0, 0.5, 1.0};
    for (size_t i = 0; i < N1; i++)
        lam[i] = i < 6 ? low[i] : 2.0 + 98.0 * fabs(ll_test_rand(&seed));
    lam[N1 - 1] = 100.0;
}

static void eigs_should_match_lapack_by_block_krylov_on_a(void **st)
{
    (void)st;
    double lam[N1], w[6], wl[6], *V = malloc(N1 * 6 * sizeof *V);
    spectrum1(lam, 3);
    double *A = make_a(N1, lam, 4);
    qsort(lam, N1, sizeof *lam, cmp_double);
    dense_op op = {N1, A, 0};
    ll_eigs_opts o = ll_eigs_opts_default();
    o.anorm = 100.0;
    ll_eigs_info info;
    assert_int_equal(ll_eigs_smallest(N1, 6, dense_apply, &op, NULL, NULL,
                                      NULL, 0, &o, w, V, &info),
                     LL_OK);
    assert_true(info.max_resid <= 1e-10 * 100.0);
    assert_true(info.applies == op.calls && info.expands == 0);
    /* 8 pairs r <= 1e-8, delta >= 1: Ritz error <= 1e-15; rounding
     * ~ 4e-13 (see top): 1e-12 */
    check_pairs(N1, 6, A, w, V, lam, 1e-12, 1e-8 + 1e-12);
    assert_int_equal(ll_sym_eig_smallest(N1, A, 6, wl, NULL), LL_OK);
    for (size_t j = 0; j < 6; j++)
        assert_true(fabs(w[j] - wl[j]) <= 1e-12);
    free(A), free(V);
}

/* Six low eigenvalues {1, 1.5, 2, 3, 4, 5}, the rest log-spaced in
 * [10, 1e6] (condition 1e6): block Krylov on A would need thousands of
 * products (the gaps are 1e-6 of the spread), shift-invert with sigma =
 * 0.9 shrinks the unwanted part by (lam_j - sigma)/(lam_9 - sigma) <= 0.45
 * per expansion at worst and ~0.01 for lam_1. */
#define N2 300
static void spectrum2(size_t n, double *lam, double top)
{
    static const double low[6] = {1.0, 1.5, 2.0, 3.0, 4.0, 5.0};
    for (size_t i = 0; i < n; i++)
        lam[i] = i < 6 ? low[i]
                       : 10.0 * pow(top / 10.0, (double)(i - 6) / (n - 7));
}

static void eigs_should_converge_in_few_exact_shift_invert_expansions(void **st)
{
    (void)st;
    double lam[N2], w[6], *V = malloc(N2 * 6 * sizeof *V);
    spectrum2(N2, lam, 1e6);
    double *A = make_a(N2, lam, 5), *T = make_inverse(N2, A, 0.9);
    dense_op op = {N2, A, 0}, top = {N2, T, 0};
    ll_eigs_opts o = ll_eigs_opts_default();
    o.anorm = 1e6;
    ll_eigs_info info;
    assert_int_equal(ll_eigs_smallest(N2, 6, dense_apply, &op, dense_apply,
                                      &top, NULL, 0, &o, w, V, &info),
                     LL_OK);
    /* at the worst rate 0.45, 1e-10 takes 29 expansions per pair; the
     * subspace keeps them all (no restart), so far fewer are needed */
    assert_true(info.expands <= 15 * 8);
    assert_true(info.expands == top.calls);
    /* r <= 1e-4 absolute, delta >= 5 (lam_9 = 10.5 vs theta_8 ~ 10):
     * Ritz error <= 8e-8 / 5 ~ 2e-9; dense recheck rounding 4e-9 */
    check_pairs(N2, 6, A, w, V, lam, 1e-8, 1e-4 + 1e-8);
    free(A), free(T), free(V);
}

/* The same with an inexact shift-invert: MINRES to 1e-6 on (A - 0.9 I),
 * spread 1e2 to keep MINRES short (n = 200). */
#define N3 200
static void eigs_should_converge_with_an_inexact_minres_shift_invert(void **st)
{
    (void)st;
    double lam[N3], w[6], *V = malloc(N3 * 6 * sizeof *V);
    spectrum2(N3, lam, 1e2);
    double *A = make_a(N3, lam, 6);
    dense_op op = {N3, A, 0}, inner = {N3, A, 0};
    minres_si si = {&inner, 0.9, 1e-6, 0};
    ll_eigs_opts o = ll_eigs_opts_default();
    o.anorm = 100.0;
    ll_eigs_info info;
    assert_int_equal(ll_eigs_smallest(N3, 6, dense_apply, &op, minres_si_apply,
                                      &si, NULL, 0, &o, w, V, &info),
                     LL_OK);
    assert_true(info.expands <= 15 * 8); /* as the exact one */
    /* r <= 1e-8, delta >= 5: Ritz error ~ 1e-16 + rounding 1e-13 */
    check_pairs(N3, 6, A, w, V, lam, 1e-12, 1e-8 + 1e-12);
    free(A), free(V);
}

/* 20 copies of 1, a cluster 1 + {1,2,3,4} 1e-6, the rest log-spaced in
 * [2, 1e6]. k = 24 with the default block 26 >= 20. tol = 1e-13 with
 * anorm = 1e6: r <= 1e-7 (above the product rounding 4e-9). The block
 * bound with delta ~ 0.1 (the guard Ritz values vs the rest): w_j - lam_j
 * <= 26 (1e-7)^2 / 0.1 ~ 3e-12. 1e-8 resolves the 1e-6 gaps, so the copy
 * count of 1 is exact. */
#define N4 300
static void eigs_should_return_a_degenerate_eigenvalue_with_multiplicity(
    void **st)
{
    (void)st;
    double lam[N4], w[24], *V = malloc(N4 * 24 * sizeof *V);
    for (size_t i = 0; i < N4; i++)
        lam[i] = i < 20   ? 1.0
                 : i < 24 ? 1.0 + 1e-6 * (double)(i - 19)
                          : 2.0 * pow(5e5, (double)(i - 24) / (N4 - 25));
    double *A = make_a(N4, lam, 7), *T = make_inverse(N4, A, 0.95);
    dense_op op = {N4, A, 0}, top = {N4, T, 0};
    ll_eigs_opts o = ll_eigs_opts_default();
    o.anorm = 1e6, o.tol = 1e-13;
    ll_eigs_info info;
    assert_int_equal(ll_eigs_smallest(N4, 24, dense_apply, &op, dense_apply,
                                      &top, NULL, 0, &o, w, V, &info),
                     LL_OK);
    check_pairs(N4, 24, A, w, V, lam, 1e-8, 1e-7 + 1e-8);
    size_t ones = 0;
    for (size_t j = 0; j < 24; j++)
        ones += fabs(w[j] - 1.0) <= 1e-8;
    assert_int_equal(ones, 20);
    /* k = 6 < multiplicity 20, default block 8 (as for the two-layer model
     * at lambda = 0): six orthonormal copies of 1, same tolerances */
    assert_int_equal(ll_eigs_smallest(N4, 6, dense_apply, &op, dense_apply,
                                      &top, NULL, 0, &o, w, V, &info),
                     LL_OK);
    check_pairs(N4, 6, A, w, V, lam, 1e-8, 1e-7 + 1e-8);
    free(A), free(T), free(V);
}

/* Eigenvectors of A1 start the solve on A2 = A1 + 1e-3 E (||1e-3 E|| ~
 * 0.02 against gaps >= 0.5): the warm start needs fewer products. */
static void eigs_should_need_fewer_products_from_a_warm_start(void **st)
{
    (void)st;
    uint64_t seed = 8;
    double lam[N1], w1[6], w2[6], w3[6];
    double *V1 = malloc(N1 * 6 * sizeof *V1), *V2 = malloc(N1 * 6 * sizeof *V2);
    spectrum1(lam, 9);
    double *A = make_a(N1, lam, 10);
    dense_op op = {N1, A, 0};
    ll_eigs_opts o = ll_eigs_opts_default();
    o.anorm = 100.0;
    ll_eigs_info ic, iw;
    assert_int_equal(ll_eigs_smallest(N1, 6, dense_apply, &op, NULL, NULL,
                                      NULL, 0, &o, w1, V1, NULL),
                     LL_OK);
    for (size_t j = 0; j < N1; j++)
        for (size_t i = 0; i <= j; i++)
            A[i + j * N1] = A[j + i * N1] += 1e-3 * ll_test_rand(&seed);
    assert_int_equal(ll_eigs_smallest(N1, 6, dense_apply, &op, NULL, NULL,
                                      NULL, 0, &o, w2, NULL, &ic),
                     LL_OK);
    assert_int_equal(ll_eigs_smallest(N1, 6, dense_apply, &op, NULL, NULL, V1,
                                      6, &o, w3, V2, &iw),
                     LL_OK);
    assert_true(iw.applies < ic.applies);
    for (size_t j = 0; j < 6; j++)
        assert_true(fabs(w2[j] - w3[j]) <= 1e-12); /* as in the first test */
    free(A), free(V1), free(V2);
}

/* k = 1, and k = n = 30 (the whole spectrum: block and maxdim are clamped
 * to n and Rayleigh-Ritz on the whole space is exact). */
static void eigs_should_handle_k_1_and_k_n(void **st)
{
    (void)st;
    double lam[N1], w[30], wl[30], V[30 * 30];
    spectrum1(lam, 11);
    double *A = make_a(N1, lam, 12);
    dense_op op = {N1, A, 0};
    ll_eigs_opts o = ll_eigs_opts_default();
    o.anorm = 100.0;
    assert_int_equal(ll_eigs_smallest(N1, 1, dense_apply, &op, NULL, NULL,
                                      NULL, 0, &o, w, NULL, NULL),
                     LL_OK);
    assert_true(fabs(w[0] + 5.0) <= 1e-12);
    free(A);
    for (size_t i = 0; i < 30; i++)
        lam[i] = -3.0 + 0.25 * (double)i;
    A = make_a(30, lam, 13);
    dense_op op30 = {30, A, 0};
    o.anorm = 4.25;
    assert_int_equal(ll_eigs_smallest(30, 30, dense_apply, &op30, NULL, NULL,
                                      NULL, 0, &o, w, V, NULL),
                     LL_OK);
    assert_int_equal(ll_sym_eig_all(30, A, wl, NULL), LL_OK);
    for (size_t j = 0; j < 30; j++)
        assert_true(fabs(w[j] - wl[j]) <= 1e-13); /* eps ||A|| sqrt(n) */
    check_pairs(30, 30, A, w, V, lam, 1e-13, 1e-13);
    free(A);
}

/* 20 products cannot converge six pairs: NOCONV, and max_resid is the
 * true largest residual of what is returned. */
static void eigs_should_report_noconv_with_true_residuals(void **st)
{
    (void)st;
    double lam[N1], w[6], *V = malloc(N1 * 6 * sizeof *V), r[N1];
    spectrum1(lam, 14);
    double *A = make_a(N1, lam, 15);
    dense_op op = {N1, A, 0};
    ll_eigs_opts o = ll_eigs_opts_default();
    o.anorm = 100.0, o.maxiter = 20;
    ll_eigs_info info;
    assert_int_equal(ll_eigs_smallest(N1, 6, dense_apply, &op, NULL, NULL,
                                      NULL, 0, &o, w, V, &info),
                     LL_ERR_NOCONV);
    assert_true(info.applies <= 20);
    double rmax = 0.0;
    for (size_t j = 0; j < 6; j++) {
        ll_gemv(0, N1, N1, 1.0, A, N1, V + j * N1, 0.0, r);
        for (size_t i = 0; i < N1; i++)
            r[i] -= w[j] * V[i + j * N1];
        rmax = fmax(rmax, ll_nrm2(N1, r));
    }
    assert_true(rmax > 1e-8);
    assert_true(fabs(info.max_resid - rmax) <= 1e-10 * rmax);
    o.maxdim = 10; /* < k + block + 1 = 15 */
    assert_int_equal(ll_eigs_smallest(N1, 6, dense_apply, &op, NULL, NULL,
                                      NULL, 0, &o, w, V, &info),
                     LL_ERR_ARG);
    free(A), free(V);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eigs_should_match_lapack_by_block_krylov_on_a),
        cmocka_unit_test(
            eigs_should_converge_in_few_exact_shift_invert_expansions),
        cmocka_unit_test(
            eigs_should_converge_with_an_inexact_minres_shift_invert),
        cmocka_unit_test(
            eigs_should_return_a_degenerate_eigenvalue_with_multiplicity),
        cmocka_unit_test(eigs_should_need_fewer_products_from_a_warm_start),
        cmocka_unit_test(eigs_should_handle_k_1_and_k_n),
        cmocka_unit_test(eigs_should_report_noconv_with_true_residuals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
