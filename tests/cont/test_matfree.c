/* The matrix-free bordered solves of src/cont/hop_matfree.c (cont.h,
 * LL_HESSIAN_MATFREE): block elimination on the deflated H~ = H + D G D^T
 * with MINRES and refinement. Checked against the dense LU of the assembled
 * (n+1) x (n+1) matrix on H = Q diag(lam) Q^T with a chosen spectrum, known
 * to the solver only through products (the problem's hvp), with F_p and c
 * having components along q_0, the eigenvector of the smallest |lam| (J
 * stays regular when H is singular, as at a fold).
 *
 * Tolerances: both solutions are backward stable to ~1e-14 (dense LU:
 * ~n eps; matrix-free: refined to 8 sqrt(m) eps, hop_matfree.c), so they
 * differ by at most ~cond(J) * 1e-14 relative; the bound used is
 * 1e-13 / rcond_dense (rcond_dense <= 1 / cond_1(J), one decade of
 * margin for the norm and estimator factors). */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cont/hop_impl.h"
#include "losslab/linalg.h"

#define N 40

typedef struct sys {
    double H[N * N], Q[N * N], Fp[N];
    ll_problem pb;
    ll_cont_opts o;
    ll_cont_ws ws;
    double X[N + 1], c[N + 1], r[N + 1], y[N + 1], yd[N + 1];
    double J[(N + 1) * (N + 1)];
    double rc_dense;
    size_t hvps;
} sys;

static ll_status s_hvp(void *ctx, const double *x, double p, const double *u,
                       double *Hu)
{
    sys *s = ctx;
    (void)x, (void)p;
    s->hvps++;
    ll_gemv(0, N, N, 1.0, s->H, N, u, 0.0, Hu);
    return LL_OK;
}

static ll_status s_grad_p(void *ctx, const double *x, double p, double *Fp)
{
    sys *s = ctx;
    (void)x, (void)p;
    memcpy(Fp, s->Fp, sizeof s->Fp);
    return LL_OK;
}

/* Never called by these tests (the path only checks that it exists). */
static ll_status s_hess_p_vec(void *ctx, const double *x, double p,
                              const double *u, double *out)
{
    (void)ctx, (void)x, (void)p, (void)u, (void)out;
    return LL_ERR_INTERNAL;
}

static void orthogonal(uint64_t *seed, double *Q)
{
    ll_test_fill(seed, N * N, Q, 1.0);
    for (int pass = 0; pass < 2; pass++)
        for (size_t j = 0; j < N; j++) {
            for (size_t k = 0; k < j; k++) {
                double d = ll_dot(N, Q + k * N, Q + j * N);
                for (size_t i = 0; i < N; i++)
                    Q[i + j * N] -= d * Q[i + k * N];
            }
            double nr = ll_nrm2(N, Q + j * N);
            for (size_t i = 0; i < N; i++)
                Q[i + j * N] /= nr;
        }
}

/* lam_0 = smallest, `neg` eigenvalues in [-2, -1), the rest spread over
 * [1e-3, 10] (a spread low spectrum, as along the network's branch). */
static void spectrum(double *lam, double smallest, int neg)
{
    lam[0] = smallest;
    for (int k = 1; k < N; k++)
        lam[k] = k <= neg ? -1.0 - (double)k / N
                          : 1e-3 * pow(1e4, (double)(k - neg - 1) / (N - 1));
}

static void assemble(sys *s, const double *lam)
{
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j <= i; j++) {
            double h = 0.0;
            for (size_t k = 0; k < N; k++)
                h += s->Q[i + k * N] * lam[k] * s->Q[j + k * N];
            s->H[i + j * N] = s->H[j + i * N] = h;
        }
}

/* The dense reference of [[H, u], [w^T, d]] y = r into yd. */
static void dense_ref(sys *s, const double *u, const double *w, double d)
{
    for (size_t j = 0; j < N; j++) {
        memcpy(s->J + j * (N + 1), s->H + j * N, N * sizeof *s->J);
        s->J[N + j * (N + 1)] = w[j];
    }
    memcpy(s->J + N * (N + 1), u, N * sizeof *s->J);
    s->J[N + N * (N + 1)] = d;
    memcpy(s->yd, s->r, sizeof s->yd);
    assert_int_equal(ll_solve(N + 1, s->J, 1, s->yd, &s->rc_dense), LL_OK);
}

static void setup(sys *s, const double *lam, uint64_t seed)
{
    memset(s, 0, sizeof *s);
    orthogonal(&seed, s->Q);
    assemble(s, lam);
    ll_test_fill(&seed, N + 1, s->c, 0.3);
    ll_test_fill(&seed, N, s->Fp, 0.3);
    ll_test_fill(&seed, N + 1, s->r, 1.0);
    for (size_t i = 0; i < N; i++)
        s->Fp[i] += s->Q[i], s->c[i] += s->Q[i];
    s->pb.n = N, s->pb.ctx = s;
    s->pb.hvp = s_hvp, s->pb.grad_p = s_grad_p;
    s->pb.hess_p_vec = s_hess_p_vec;
    s->o = ll_cont_opts_default();
    s->o.hessian = LL_HESSIAN_MATFREE;
    assert_int_equal(ll_cont_ws_init(&s->ws, &s->pb, &s->o, NULL), LL_OK);
    assert_int_equal(ll_cont_eval_HFp(&s->ws, s->X), LL_OK);
    dense_ref(s, s->Fp, s->c, s->c[N]);
    memcpy(s->y, s->r, sizeof s->y);
}

static double max_reldiff(const double *a, const double *b, size_t n)
{
    double e = 0.0, m = 0.0;
    for (size_t i = 0; i < n; i++)
        e = fmax(e, fabs(a[i] - b[i])), m = fmax(m, fabs(b[i]));
    return e / m;
}

static void expect_dense(const sys *s, size_t n, const char *what)
{
    double e = max_reldiff(s->y, s->yd, n), tol = 1e-13 / s->rc_dense;
    if (!(e <= tol))
        fail_msg("%s: reldiff %.3g > %.3g (dense rcond %.3g)", what, e, tol,
                 s->rc_dense);
}

/* The eigenpairs the continuation computes at every point (and with them
 * the deflation basis). */
static void eigs_at_point(sys *s)
{
    double w[8];
    assert_int_equal(ll_cont_hop_eigs(&s->ws, 6, 0, w, NULL), LL_OK);
}

static void matfree_bordered_solve_should_match_the_dense_lu(void **st)
{
    (void)st;
    sys *s = malloc(sizeof *s);
    double lam[N];
    assert_non_null(s);
    spectrum(lam, 0.5, 3);
    setup(s, lam, 3);
    assert_int_equal(ll_cont_bordered_solve(&s->ws, s->c, s->y), LL_OK);
    expect_dense(s, N + 1, "regular H, no eigenpairs yet");
    /* Hager's estimate is a lower bound of ||J^{-1}||_1 within ~3 (and of
     * the same matrix here): the two rcond agree within 10 */
    double q = s->ws.last_rcond / s->rc_dense;
    if (!(q > 0.1 && q < 10.0))
        fail_msg("rcond %.3g, dense %.3g", s->ws.last_rcond, s->rc_dense);
    ll_cont_ws_free(&s->ws);
    free(s);
}

/* At a fold H has an eigenvalue ~0 while J is regular: with the smallest
 * eigenpairs known (the deflation), the solve must keep the dense LU's
 * accuracy, for a singular-looking H of either sign of lam_0. */
static void matfree_bordered_solve_should_stay_accurate_near_a_fold(void **st)
{
    (void)st;
    const double tiny[3] = {1e-13, -1e-11, 1e-9};
    for (int c = 0; c < 3; c++) {
        sys *s = malloc(sizeof *s);
        double lam[N];
        assert_non_null(s);
        spectrum(lam, tiny[c], 2);
        setup(s, lam, 17 + (uint64_t)c);
        eigs_at_point(s);
        assert_true(s->ws.hop->mf.kd >= 1); /* lam_0 is deflated */
        assert_int_equal(ll_cont_bordered_solve_nocond(&s->ws, s->c, s->y),
                         LL_OK);
        char what[64];
        snprintf(what, sizeof what, "lam_0 = %g", tiny[c]);
        expect_dense(s, N + 1, what);
        ll_cont_ws_free(&s->ws);
        free(s);
    }
}

/* The elimination is exact for ANY deflation basis D (only the
 * conditioning of H~ depends on it): eigenvectors of another matrix (a
 * neighbouring point of the branch, here rotated by ~1e-2) still give the
 * dense answer to the same tolerance. */
static void matfree_solve_should_be_exact_for_an_inexact_deflation(void **st)
{
    (void)st;
    sys *s = malloc(sizeof *s);
    double lam[N];
    assert_non_null(s);
    spectrum(lam, 1e-12, 1);
    setup(s, lam, 29);
    eigs_at_point(s);
    ll_cont_hop *h = s->ws.hop;
    uint64_t seed = 5;
    for (size_t i = 0; i < h->kv * N; i++)
        h->V[i] += 1e-2 * ll_test_rand(&seed);
    ll_hop_mf_deflate(h);
    assert_true(h->mf.kd >= 1);
    assert_int_equal(ll_cont_bordered_solve_nocond(&s->ws, s->c, s->y),
                     LL_OK);
    expect_dense(s, N + 1, "perturbed deflation basis");
    ll_cont_ws_free(&s->ws);
    free(s);
}

/* The range solve of the coefficients: [[H, phi], [phi^T, 0]] [y; c] =
 * [r; 0] with phi the (computed) kernel vector at a fold, y = R's columns. */
static void matfree_range_solve_should_match_the_dense_lu(void **st)
{
    (void)st;
    sys *s = malloc(sizeof *s);
    double lam[N], w[8], R[2 * N];
    const double *V = NULL;
    assert_non_null(s);
    spectrum(lam, -1e-12, 0);
    setup(s, lam, 41);
    assert_int_equal(ll_cont_hop_eigs(&s->ws, 3, 1, w, &V), LL_OK);
    double phi[N];
    memcpy(phi, V, sizeof phi);
    for (int k = 0; k < 2; k++) {
        uint64_t seed = 100 + (uint64_t)k;
        ll_test_fill(&seed, N, R + k * N, 1.0);
    }
    double r0[2 * N];
    memcpy(r0, R, sizeof r0);
    assert_int_equal(ll_cont_hop_range_solve(&s->ws, phi, 2, R), LL_OK);
    for (int k = 0; k < 2; k++) {
        memcpy(s->r, r0 + k * N, N * sizeof *s->r);
        s->r[N] = 0.0;
        dense_ref(s, phi, phi, 0.0);
        memcpy(s->y, R + k * N, N * sizeof *s->y);
        expect_dense(s, N, "range solve");
    }
    ll_cont_ws_free(&s->ws);
    free(s);
}

/* H^{-1} alone (Newton at fixed p, the first tangent) on an indefinite,
 * moderately ill-conditioned H (cond 1e7): refined to the dense accuracy. */
static void matfree_hsolve_should_match_the_dense_solve(void **st)
{
    (void)st;
    sys *s = malloc(sizeof *s);
    double lam[N], Hc[N * N], b[N];
    assert_non_null(s);
    spectrum(lam, 1e-6, 2);
    setup(s, lam, 53);
    eigs_at_point(s);
    memcpy(b, s->r, sizeof b);
    memcpy(s->yd, s->r, N * sizeof *s->yd);
    memcpy(Hc, s->H, sizeof Hc);
    assert_int_equal(ll_solve(N, Hc, 1, s->yd, &s->rc_dense), LL_OK);
    assert_int_equal(ll_cont_hsolve(&s->ws, b), LL_OK);
    memcpy(s->y, b, sizeof b);
    expect_dense(s, N, "H^{-1}");
    ll_cont_ws_free(&s->ws);
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(matfree_bordered_solve_should_match_the_dense_lu),
        cmocka_unit_test(
            matfree_bordered_solve_should_stay_accurate_near_a_fold),
        cmocka_unit_test(
            matfree_solve_should_be_exact_for_an_inexact_deflation),
        cmocka_unit_test(matfree_range_solve_should_match_the_dense_lu),
        cmocka_unit_test(matfree_hsolve_should_match_the_dense_solve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
