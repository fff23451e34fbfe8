/* ll_bdlr (block diagonal plus low rank, src/linalg/bdlr*.c) against dense
 * LAPACK on the same matrix A = blockdiag(B) - sigma I + U diag(s) U^T,
 * formed explicitly (n <= 300): solves (backward and forward error), the
 * inertia for shifts sigma placed between eigenvalues (exact counts), the
 * Frobenius norm, the product, exactly and nearly singular blocks (the
 * clamping path), k = 0 and k > n / bs, bad input, and the refactor at
 * another shift (ll_bdlr_factor_shift) against all of these. */
#include "testutil.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "linalg_testlib.h"
#include "losslab/bdlr.h"
#include "losslab/linalg.h"

#define EPS DBL_EPSILON

typedef struct prob {
    size_t nb, bs, n, k;
    double *B, *U, *s, *A0; /* A0: the dense A at sigma = 0 */
    double *lam;            /* eigenvalues of A0, ascending */
} prob;

/* Random symmetric blocks (upper triangles NaN: only the lower ones may be
 * read), U with entries in [-0.5, 0.5], weights |s| in [0.2, 1] of mixed
 * signs (neg_every-th negative; 0: all positive). */
static void prob_make(prob *p, uint64_t *seed, size_t nb, size_t bs, size_t k,
                      int neg_every)
{
    size_t n = nb * bs;
    p->nb = nb, p->bs = bs, p->n = n, p->k = k;
    p->B = malloc(nb * bs * bs * sizeof *p->B);
    p->U = malloc((n * k + 1) * sizeof *p->U);
    p->s = malloc((k + 1) * sizeof *p->s);
    p->A0 = calloc(n * n, sizeof *p->A0);
    p->lam = malloc(n * sizeof *p->lam);
    for (size_t j = 0; j < nb; j++)
        for (size_t c = 0; c < bs; c++)
            for (size_t r = 0; r < bs; r++)
                p->B[j * bs * bs + r + c * bs] =
                    r >= c ? ll_test_rand(seed) : NAN;
    ll_test_fill(seed, n * k, p->U, 0.5);
    for (size_t i = 0; i < k; i++) {
        double m = 0.6 + 0.4 * ll_test_rand(seed);
        p->s[i] = neg_every && i % (size_t)neg_every == 0 ? -m : m;
    }
}

/* A0 and its spectrum, after the caller has edited B, U or s. */
static void prob_dense(prob *p)
{
    size_t n = p->n, bs = p->bs, k = p->k;
    memset(p->A0, 0, n * n * sizeof *p->A0);
    for (size_t j = 0; j < p->nb; j++)
        for (size_t c = 0; c < bs; c++)
            for (size_t r = c; r < bs; r++) {
                double v = p->B[j * bs * bs + r + c * bs];
                size_t gr = j * bs + r, gc = j * bs + c;
                p->A0[gr + gc * n] = p->A0[gc + gr * n] = v;
            }
    for (size_t i = 0; i < k; i++)
        for (size_t c = 0; c < n; c++)
            for (size_t r = 0; r < n; r++)
                p->A0[r + c * n] += p->s[i] * p->U[r + i * n] * p->U[c + i * n];
    assert_int_equal(ll_sym_eig_all(n, p->A0, p->lam, NULL), LL_OK);
}

static void prob_free(prob *p)
{
    free(p->B), free(p->U), free(p->s), free(p->A0), free(p->lam);
}

/* A sigma halfway between eigenvalues i and i+1 of A0 (i = -1: below all),
 * so that exactly i + 1 eigenvalues of A = A0 - sigma I are negative and
 * cond(A) is known. */
static double shift_at(const prob *p, long i)
{
    if (i < 0)
        return p->lam[0] - 1.0;
    return 0.5 * (p->lam[i] + p->lam[i + 1]);
}

/* cond_2(A0 - sigma I) from the spectrum. */
static double cond_at(const prob *p, double sigma)
{
    double lo = INFINITY, hi = 0.0;
    for (size_t i = 0; i < p->n; i++) {
        double a = fabs(p->lam[i] - sigma);
        lo = fmin(lo, a), hi = fmax(hi, a);
    }
    return hi / lo;
}

static double fro_at(const prob *p, double sigma)
{
    double acc = 0.0;
    for (size_t i = 0; i < p->n; i++)
        acc += (p->lam[i] - sigma) * (p->lam[i] - sigma);
    return sqrt(acc);
}

/* Solve with nrhs = 2 (ldx = n + 3) and compare with the dense solve of
 * A0 - sigma I. Backward error ||b - A x||_2 / (||A||_F ||x||_2 + ||b||_2)
 * <= n eps: the refinement's stopping test (its rounding floor, see
 * bdlr_solve.c), recomputed here densely. Forward error against LAPACK:
 * both are backward stable to ~n eps, so each is within ~cond(A) n eps of
 * the exact solution; allow 2 of them and a factor 5 for norm equivalence. */
static void check_solve(ll_bdlr *f, const prob *p, double sigma, uint64_t *seed)
{
    size_t n = p->n, ld = n + 3, nr = 2;
    double *A = malloc(n * n * sizeof *A), *X = malloc(ld * nr * sizeof *X);
    double *Bd = malloc(n * nr * sizeof *Bd);
    memcpy(A, p->A0, n * n * sizeof *A);
    for (size_t i = 0; i < n; i++)
        A[i + i * n] -= sigma;
    ll_test_fill(seed, n * nr, Bd, 1.0);
    for (size_t c = 0; c < nr; c++)
        memcpy(X + c * ld, Bd + c * n, n * sizeof *X);
    assert_int_equal(ll_bdlr_solve(f, nr, X, ld), LL_OK);
    /* one Woodbury pass is accurate to ~cond(D') eps (cond(D') <= 1e6 by
     * clamping), so at most one refinement step is needed */
    assert_true(ll_bdlr_refinements(f, NULL) <= 1);
    double anf = fro_at(p, sigma), cond = cond_at(p, sigma);
    for (size_t c = 0; c < nr; c++) {
        const double *x = X + c * ld, *b = Bd + c * n;
        double r2 = 0.0, x2 = 0.0, b2 = 0.0;
        for (size_t i = 0; i < n; i++) {
            double ri = b[i];
            for (size_t j = 0; j < n; j++)
                ri -= A[i + j * n] * x[j];
            r2 += ri * ri, x2 += x[i] * x[i], b2 += b[i] * b[i];
        }
        double om = sqrt(r2) / (anf * sqrt(x2) + sqrt(b2));
        if (!(om <= (double)n * EPS))
            fail_msg("backward error %.3g > n eps (n %zu, bs %zu, k %zu)", om,
                     n, p->bs, p->k);
    }
    assert_int_equal(ll_sym_solve(n, A, nr, Bd), LL_OK);
    for (size_t c = 0; c < nr; c++) {
        double d2 = 0.0, x2 = 0.0;
        for (size_t i = 0; i < n; i++) {
            double d = X[i + c * ld] - Bd[i + c * n];
            d2 += d * d, x2 += Bd[i + c * n] * Bd[i + c * n];
        }
        double fe = sqrt(d2 / x2), tol = 10.0 * (double)n * cond * EPS;
        if (!(fe <= tol))
            fail_msg("forward error %.3g > %.3g (cond %.3g)", fe, tol, cond);
    }
    free(A), free(X), free(Bd);
}

/* ||A||_F from the factor against the dense spectrum at sigma (1e-11
 * relative: see frobenius_should_match_the_dense_matrix). */
static void check_frobenius(const ll_bdlr *f, const prob *p, double sigma)
{
    double ref = fro_at(p, sigma);
    if (ll_test_reldiff(ll_bdlr_frobenius(f), ref, 0.0) > 1e-11)
        fail_msg("frobenius %.17g vs dense %.17g", ll_bdlr_frobenius(f), ref);
}

static void check_inertia(const ll_bdlr *f, long below)
{
    int cn = -1, cz = -1, cp = -1;
    assert_int_equal(ll_bdlr_inertia(f, &cn, &cz, &cp), LL_OK);
    int n = cn + cz + cp;
    if (cn != (int)(below + 1) || cz != 0)
        fail_msg("inertia (%d, %d, %d), expected (%ld, 0, %ld)", cn, cz, cp,
                 below + 1, (long)n - below - 1);
}

/* bs, nb, k: bs 1 and 7, k from 1 to beyond n / bs and beyond n; bs 12
 * and 20 take the per-block dgemm path of bdlr.c (bs > 8), the others its
 * small-block loop. */
static const size_t cases[][3] = {
    {1, 40, 3},   {7, 30, 5}, {7, 20, 25}, {5, 60, 1},  {1, 50, 80},
    {3, 100, 12}, {7, 12, 100}, {2, 25, 0}, {12, 10, 7}, {20, 8, 30}};

static void factor_should_give_the_exact_inertia_and_solve_like_lapack(
    void **st)
{
    (void)st;
    uint64_t seed = 11;
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        prob p;
        prob_make(&p, &seed, cases[t][1], cases[t][0], cases[t][2], 3);
        prob_dense(&p);
        ll_bdlr *f = NULL;
        assert_int_equal(ll_bdlr_create(&f, p.nb, p.bs, p.k + 2), LL_OK);
        /* shifts below everything, at random interior gaps, above all */
        long at[5] = {-1, (long)p.n / 7, (long)p.n / 2,
                      (long)(p.n - 1) - (long)p.n / 5, (long)p.n - 1};
        for (int q = 0; q < 5; q++) {
            double sigma = at[q] == (long)p.n - 1 ? p.lam[p.n - 1] + 1.0
                                                  : shift_at(&p, at[q]);
            assert_int_equal(ll_bdlr_factor(f, p.B, p.U, p.s, p.k, sigma),
                             LL_OK);
            check_inertia(f, at[q]);
            check_solve(f, &p, sigma, &seed);
        }
        ll_bdlr_destroy(f);
        prob_free(&p);
    }
}

/* Block 0 exactly singular (eigenvalues 0, 1, 2, ... from an orthogonal
 * Q, so D's computed eigenvalue is O(eps), not 0), block 1 nearly (1e-10),
 * sigma = 0: both are clamped (< 1e-6 scale, scale ~ 10 here); A itself is
 * nonsingular through U. Block 2 has the eigenvalue 2e-5, just above the
 * clamping threshold: its Woodbury pass alone has a backward error ~1e-14
 * > n eps, so the refinement step is exercised (and must suffice).
 * Inertia and solve as above. */
static void clamping_should_keep_solves_accurate_and_the_inertia_exact(
    void **st)
{
    (void)st;
    uint64_t seed = 5;
    size_t bs = 7, nb = 20, k = 9;
    prob p;
    prob_make(&p, &seed, nb, bs, k, 2);
    double Q[49], lam[7], Bj[49];
    for (int j = 0; j < 3; j++) {
        tl_orthogonal(&seed, bs, Q);
        for (size_t i = 0; i < bs; i++)
            lam[i] = (i % 2 ? -1.0 : 1.0) * (double)i;
        lam[0] = j == 0 ? 0.0 : j == 1 ? 1e-10 : 2e-5;
        tl_spectral(bs, Q, lam, Bj);
        memcpy(p.B + (size_t)j * bs * bs, Bj, sizeof Bj);
    }
    prob_dense(&p);
    ll_bdlr *f = NULL;
    assert_int_equal(ll_bdlr_create(&f, nb, bs, k), LL_OK);
    assert_int_equal(ll_bdlr_factor(f, p.B, p.U, p.s, k, 0.0), LL_OK);
    assert_true(ll_bdlr_clamped(f) >= 2);
    long below = -1;
    while (below + 1 < (long)p.n && p.lam[below + 1] < 0.0)
        below++;
    /* the exact count needs no eigenvalue of A near 0 */
    assert_true(fmin(fabs(p.lam[below + 1]), below >= 0 ? fabs(p.lam[below])
                                                        : INFINITY) > 1e-6);
    check_inertia(f, below);
    check_solve(f, &p, 0.0, &seed);
    ll_bdlr_destroy(f);
    prob_free(&p);
}

/* k = 0, D = diag(-1, 0, 1) exactly: A is singular, the clamped column gives
 * C' = [0] exactly, so the factor says so and the inertia is (1, 1, 1). */
static void factor_should_report_a_singular_matrix_with_its_inertia(void **st)
{
    (void)st;
    double B[3] = {-1.0, 0.0, 1.0};
    ll_bdlr *f = NULL;
    assert_int_equal(ll_bdlr_create(&f, 3, 1, 0), LL_OK);
    assert_int_equal(ll_bdlr_factor(f, B, NULL, NULL, 0, 0.0),
                     LL_ERR_SINGULAR);
    int cn, cz, cp;
    assert_int_equal(ll_bdlr_inertia(f, &cn, &cz, &cp), LL_OK);
    assert_int_equal(cn, 1);
    assert_int_equal(cz, 1);
    assert_int_equal(cp, 1);
    double x[3] = {1, 1, 1};
    assert_int_equal(ll_bdlr_solve(f, 1, x, 3), LL_ERR_SINGULAR);
    ll_bdlr_destroy(f);
}

/* 70 exactly zero 1 x 1 blocks and k = 0: all would need clamping, more
 * than the 64 allowed, so the factor is refused, and the inertia of the
 * previous (successful) factor must not be reported for it. */
static void refused_clamp_should_leave_no_inertia(void **st)
{
    (void)st;
    double B[70];
    ll_bdlr *f = NULL;
    assert_int_equal(ll_bdlr_create(&f, 70, 1, 0), LL_OK);
    for (size_t i = 0; i < 70; i++)
        B[i] = 1.0;
    assert_int_equal(ll_bdlr_factor(f, B, NULL, NULL, 0, 0.0), LL_OK);
    int neg = -1;
    assert_int_equal(ll_bdlr_inertia(f, &neg, NULL, NULL), LL_OK);
    assert_int_equal(neg, 0);
    memset(B, 0, sizeof B);
    assert_int_equal(ll_bdlr_factor(f, B, NULL, NULL, 0, 0.0),
                     LL_ERR_SINGULAR);
    assert_int_equal(ll_bdlr_inertia(f, &neg, NULL, NULL), LL_ERR_SINGULAR);
    double x[70] = {0};
    assert_int_equal(ll_bdlr_solve(f, 1, x, 70), LL_ERR_SINGULAR);
    ll_bdlr_destroy(f);
}

/* ||A||_F from the formula against the dense matrix (sum of squared
 * eigenvalues is the dense reference; its own error is ~n eps relative).
 * The formula adds three O(||A||_F^2) terms of mixed sign, each with
 * rounding ~(n + k) eps; 1e-11 leaves room for a cancellation factor of
 * ~100 at n + k <= 400. Weights include 0 (that column must not count). */
static void frobenius_should_match_the_dense_matrix(void **st)
{
    (void)st;
    uint64_t seed = 3;
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        prob p;
        prob_make(&p, &seed, cases[t][1], cases[t][0], cases[t][2], 2);
        if (p.k > 1)
            p.s[1] = 0.0;
        prob_dense(&p);
        ll_bdlr *f = NULL;
        assert_int_equal(ll_bdlr_create(&f, p.nb, p.bs, p.k), LL_OK);
        double sigma = 0.3;
        ll_status s = ll_bdlr_factor(f, p.B, p.U, p.s, p.k, sigma);
        assert_true(s == LL_OK || s == LL_ERR_SINGULAR);
        check_frobenius(f, &p, sigma);
        ll_bdlr_destroy(f);
        prob_free(&p);
    }
}

/* y = A x against the dense product, entry by entry: both are sums of at
 * most n + bs + 2 products, so each differs from the exact value by at most
 * (n + bs + 2) eps times the same sum in absolute values, bnd_i =
 * (|B||x|)_i + |sigma x_i| + (|U| |s| |U|^T |x|)_i. */
static void apply_should_match_the_dense_product(void **st)
{
    (void)st;
    uint64_t seed = 9;
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        prob p;
        prob_make(&p, &seed, cases[t][1], cases[t][0], cases[t][2], 2);
        prob_dense(&p);
        size_t n = p.n, k = p.k, bs = p.bs;
        double sigma = -0.7;
        ll_bdlr *f = NULL;
        assert_int_equal(ll_bdlr_create(&f, p.nb, bs, k), LL_OK);
        ll_status s = ll_bdlr_factor(f, p.B, p.U, p.s, k, sigma);
        assert_true(s == LL_OK || s == LL_ERR_SINGULAR);
        double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
        double *ux = calloc(k + 1, sizeof *ux);
        ll_test_fill(&seed, n, x, 1.0);
        ll_bdlr_apply(f, x, y);
        for (size_t i = 0; i < k; i++)
            for (size_t r = 0; r < n; r++)
                ux[i] += fabs(p.U[r + i * n] * x[r]);
        for (size_t r = 0; r < n; r++) {
            double ref = -sigma * x[r], bnd = fabs(sigma * x[r]);
            for (size_t c = 0; c < n; c++)
                ref += p.A0[r + c * n] * x[c];
            size_t j = r / bs, lr = r % bs;
            for (size_t lc = 0; lc < bs; lc++) /* |B_j| |x_j|, lower part */
                bnd += fabs(p.B[j * bs * bs + (lr > lc ? lr + lc * bs
                                                       : lc + lr * bs)] *
                            x[j * bs + lc]);
            for (size_t i = 0; i < k; i++)
                bnd += fabs(p.U[r + i * n] * p.s[i]) * ux[i];
            double tol = 2.0 * (double)(n + bs + 2) * EPS * bnd;
            if (!(fabs(y[r] - ref) <= tol))
                fail_msg("row %zu: %.17g vs %.17g", r, y[r], ref);
        }
        free(x), free(y), free(ux);
        ll_bdlr_destroy(f);
        prob_free(&p);
    }
}

static void factor_should_reject_nan_and_bad_sizes(void **st)
{
    (void)st;
    uint64_t seed = 1;
    prob p;
    prob_make(&p, &seed, 6, 3, 4, 0);
    ll_bdlr *f = NULL;
    assert_int_equal(ll_bdlr_create(&f, p.nb, p.bs, p.k), LL_OK);
    double x[18] = {0};
    assert_int_equal(ll_bdlr_solve(f, 1, x, 18), LL_ERR_ARG); /* no factor */
    p.U[7] = NAN;
    assert_int_equal(ll_bdlr_factor(f, p.B, p.U, p.s, 4, 0.0), LL_ERR_ARG);
    double s0 = p.s[0]; /* a zero weight must not hide U's NaN */
    p.s[0] = 0.0;
    assert_int_equal(ll_bdlr_factor(f, p.B, p.U, p.s, 4, 0.0), LL_ERR_ARG);
    p.s[0] = s0, p.U[7] = -INFINITY;
    assert_int_equal(ll_bdlr_factor(f, p.B, p.U, p.s, 4, 0.0), LL_ERR_ARG);
    p.U[7] = 0.1, p.s[2] = INFINITY;
    assert_int_equal(ll_bdlr_factor(f, p.B, p.U, p.s, 4, 0.0), LL_ERR_ARG);
    p.s[2] = 1.0, p.B[9 + 1] = NAN; /* block 1, lower triangle (1, 0) */
    assert_int_equal(ll_bdlr_factor(f, p.B, p.U, p.s, 4, 0.0), LL_ERR_ARG);
    p.B[9 + 1] = 0.5;
    assert_int_equal(ll_bdlr_factor(f, p.B, p.U, p.s, 4, NAN), LL_ERR_ARG);
    assert_int_equal(ll_bdlr_factor(f, p.B, p.U, p.s, 5, 0.0), LL_ERR_ARG);
    assert_int_equal(ll_bdlr_inertia(f, NULL, NULL, NULL), LL_ERR_ARG);
    assert_int_equal(ll_bdlr_factor(f, p.B, p.U, p.s, 4, 10.0), LL_OK);
    assert_int_equal(ll_bdlr_solve(f, 1, x, 17), LL_ERR_ARG); /* ldx < n */
    ll_bdlr_destroy(f);
    assert_int_equal(ll_bdlr_create(&f, 0, 3, 1), LL_ERR_ARG);
    assert_null(f);
    prob_free(&p);
}

/* ll_bdlr_factor_shift from a factor at one shift to the five shifts of the
 * first test: inertia exact, solves as check_solve, the Frobenius norm as
 * the dense one (1e-11, as frobenius_should_match_the_dense_matrix), and
 * the product of the shifted matrix (a solve's residual uses it, so
 * check_solve covers it). The source is factored in the middle of the
 * spectrum (negative and positive theta, so the sign permutation of R
 * changes with the shift) and, for the clamping case, at sigma = 0 next to
 * the exactly singular block 0 (src clamped, the shifted ones not). */
static void factor_shift_should_equal_a_fresh_factor_at_that_shift(void **st)
{
    (void)st;
    uint64_t seed = 21;
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        prob p;
        prob_make(&p, &seed, cases[t][1], cases[t][0], cases[t][2], 3);
        double Q[49], lam[7], Bj[49];
        int clamp = p.bs == 7; /* block 0 exactly singular at sigma = 0 */
        if (clamp) {
            tl_orthogonal(&seed, p.bs, Q);
            for (size_t i = 0; i < p.bs; i++)
                lam[i] = (i % 2 ? -1.0 : 1.0) * (double)i;
            tl_spectral(p.bs, Q, lam, Bj);
            memcpy(p.B, Bj, sizeof Bj);
        }
        prob_dense(&p);
        ll_bdlr *src = NULL, *f = NULL;
        assert_int_equal(ll_bdlr_create(&src, p.nb, p.bs, p.k), LL_OK);
        assert_int_equal(ll_bdlr_create(&f, p.nb, p.bs, p.k + 1), LL_OK);
        double s0 = clamp ? 0.0 : shift_at(&p, (long)p.n / 2);
        ll_status s = ll_bdlr_factor(src, p.B, p.U, p.s, p.k, s0);
        assert_true(s == LL_OK || s == LL_ERR_SINGULAR);
        if (clamp)
            assert_true(ll_bdlr_clamped(src) >= 1);
        long at[5] = {-1, (long)p.n / 7, (long)p.n / 2,
                      (long)(p.n - 1) - (long)p.n / 5, (long)p.n - 1};
        for (int q = 0; q < 5; q++) {
            double sigma = at[q] == (long)p.n - 1 ? p.lam[p.n - 1] + 1.0
                                                  : shift_at(&p, at[q]);
            assert_int_equal(ll_bdlr_factor_shift(f, src, sigma), LL_OK);
            check_inertia(f, at[q]);
            check_solve(f, &p, sigma, &seed);
            check_frobenius(f, &p, sigma);
        }
        /* bad use: itself, a source without a factor, other blocks */
        assert_int_equal(ll_bdlr_factor_shift(src, src, 0.0), LL_ERR_ARG);
        assert_int_equal(ll_bdlr_factor_shift(f, src, NAN), LL_ERR_ARG);
        ll_bdlr *other = NULL, *none = NULL;
        assert_int_equal(ll_bdlr_create(&other, p.nb + 1, p.bs, p.k), LL_OK);
        assert_int_equal(ll_bdlr_create(&none, p.nb, p.bs, p.k), LL_OK);
        assert_int_equal(ll_bdlr_factor_shift(other, src, 0.0), LL_ERR_ARG);
        assert_int_equal(ll_bdlr_factor_shift(f, none, 0.0), LL_ERR_ARG);
        assert_int_equal(ll_bdlr_inertia(f, NULL, NULL, NULL), LL_ERR_ARG);
        ll_bdlr_destroy(other), ll_bdlr_destroy(none);
        ll_bdlr_destroy(src), ll_bdlr_destroy(f);
        prob_free(&p);
    }
}

/* ll_bdlr_factor_gram with G = U^T U formed here (plain sums, upper
 * triangle NaN: only the lower one may be read) against ll_bdlr_factor on
 * the same matrix at a shift inside the spectrum: the same inertia, solves
 * as check_solve, the Frobenius norm as the dense one (1e-11, as
 * frobenius_should_match_the_dense_matrix). G enters only ||A||_F and the
 * clamping scale, so a wrong G would show in the norm (its last term is
 * sum s_i s_i' G_ii'^2). A NaN on G's diagonal is refused as a NaN in U
 * would be. */
static void factor_gram_should_equal_the_factor_it_replaces(void **st)
{
    (void)st;
    uint64_t seed = 33;
    for (size_t t = 0; t < sizeof cases / sizeof cases[0]; t++) {
        prob p;
        prob_make(&p, &seed, cases[t][1], cases[t][0], cases[t][2], 3);
        prob_dense(&p);
        size_t n = p.n, k = p.k;
        double *G = malloc((k * k + 1) * sizeof *G);
        for (size_t c = 0; c < k; c++)
            for (size_t r = 0; r < k; r++) {
                double g = 0.0;
                for (size_t i = 0; i < n; i++)
                    g += p.U[i + r * n] * p.U[i + c * n];
                G[r + c * k] = r >= c ? g : NAN;
            }
        ll_bdlr *f = NULL, *ref = NULL;
        assert_int_equal(ll_bdlr_create(&f, p.nb, p.bs, k), LL_OK);
        assert_int_equal(ll_bdlr_create(&ref, p.nb, p.bs, k), LL_OK);
        long at = (long)n / 3;
        double sigma = shift_at(&p, at);
        assert_int_equal(ll_bdlr_factor(ref, p.B, p.U, p.s, k, sigma), LL_OK);
        assert_int_equal(ll_bdlr_factor_gram(f, p.B, p.U, p.s, k, sigma, G),
                         LL_OK);
        check_inertia(ref, at);
        check_inertia(f, at);
        check_solve(f, &p, sigma, &seed);
        check_frobenius(f, &p, sigma);
        if (k > 0) {
            G[(k - 1) * (k + 1)] = NAN;
            assert_int_equal(
                ll_bdlr_factor_gram(f, p.B, p.U, p.s, k, sigma, G),
                LL_ERR_ARG);
        }
        ll_bdlr_destroy(f), ll_bdlr_destroy(ref);
        free(G);
        prob_free(&p);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            factor_should_give_the_exact_inertia_and_solve_like_lapack),
        cmocka_unit_test(
            clamping_should_keep_solves_accurate_and_the_inertia_exact),
        cmocka_unit_test(
            factor_should_report_a_singular_matrix_with_its_inertia),
        cmocka_unit_test(refused_clamp_should_leave_no_inertia),
        cmocka_unit_test(frobenius_should_match_the_dense_matrix),
        cmocka_unit_test(apply_should_match_the_dense_product),
        cmocka_unit_test(factor_should_reject_nan_and_bad_sizes),
        cmocka_unit_test(
            factor_shift_should_equal_a_fresh_factor_at_that_shift),
        cmocka_unit_test(factor_gram_should_equal_the_factor_it_replaces),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
