/* Exact derivatives of the two-layer model against finite differences and
 * Taylor-remainder slopes, for every activation, every option combination
 * {default, train_v, bias, train_v + bias} and lambda in {0, 0.37, 1}, on a
 * small random problem (N = 40, d = 3, m = 4, alpha = 0.05).
 *
 * Scales: inputs are O(1), theta entries O(0.6), so every derivative of L
 * along a unit direction is O(1)-O(10^2); the tolerances below come from the
 * usual error model of each difference formula with that scale. */
#include <stdio.h>

#include "model_fixture.h"
#include "losslab/linalg.h"

#define WIDTH FX_CFG_WIDTH
#define PMAX FX_CFG_PMAX

static double loss_at(const ll_model *M, const double *th, double lam)
{
    double L;
    assert_int_equal(ll_model_loss(M, th, lam, &L), LL_OK);
    return L;
}

/* L along theta + t u. */
static double loss_line(const ll_model *M, const double *th, const double *u,
                        double t, double lam)
{
    double x[PMAX];
    for (size_t k = 0; k < ll_model_nparams(M); k++)
        x[k] = th[k] + t * u[k];
    return loss_at(M, x, lam);
}

/* Central difference with h = 1e-5: truncation h^2/6 |L'''| ~ 2e-10 * 1e2,
 * rounding eps |L| / h ~ 2e-11; tolerance 1e-7 (1 + |g|). */
static void check_grad(const ll_model *M, const double *th, double lam,
                       const char *label)
{
    size_t P = ll_model_nparams(M);
    double g[PMAX], x[PMAX], fd[PMAX], h = 1e-5;
    assert_int_equal(ll_model_grad(M, th, lam, g), LL_OK);
    for (size_t k = 0; k < P; k++) {
        memcpy(x, th, P * sizeof *x);
        x[k] = th[k] + h;
        double Lp = loss_at(M, x, lam);
        x[k] = th[k] - h;
        fd[k] = (Lp - loss_at(M, x, lam)) / (2 * h);
    }
    fx_expect_close("grad vs FD", label, fx_maxdiff(P, g, fd),
                 1e-7 * (1 + fx_maxabs(P, g)));
}

static void grad_should_match_central_differences_of_the_loss(void **s)
{
    (void)s;
    fx_for_each_config(check_grad, 11, 1000);
}

/* Hessian column k vs central difference of the gradient (same error model
 * one order up); symmetric to rounding (both triangles are filled by
 * mirroring, the residual blocks by a gemm: a few ulps). */
static void check_hess(const ll_model *M, const double *th, double lam,
                       const char *label)
{
    size_t P = ll_model_nparams(M);
    double H[PMAX * PMAX], x[PMAX], gp[PMAX], gm[PMAX], h = 1e-5, err = 0;
    assert_int_equal(ll_model_hess(M, th, lam, H), LL_OK);
    double scale = 1 + fx_maxabs(P * P, H);
    for (size_t k = 0; k < P; k++) {
        memcpy(x, th, P * sizeof *x);
        x[k] = th[k] + h;
        assert_int_equal(ll_model_grad(M, x, lam, gp), LL_OK);
        x[k] = th[k] - h;
        assert_int_equal(ll_model_grad(M, x, lam, gm), LL_OK);
        for (size_t i = 0; i < P; i++)
            err = fmax(err, fabs((gp[i] - gm[i]) / (2 * h) - H[i + k * P]));
    }
    fx_expect_close("hess vs FD", label, err, 1e-7 * scale);
    double asym = 0;
    for (size_t k = 0; k < P; k++)
        for (size_t i = 0; i < P; i++)
            asym = fmax(asym, fabs(H[i + k * P] - H[k + i * P]));
    fx_expect_close("hess symmetry", label, asym, 1e-14 * scale);
}

static void hess_should_match_differences_of_grad_and_be_symmetric(void **s)
{
    (void)s;
    fx_for_each_config(check_hess, 11, 1000);
}

/* H u from hvp and from the dense H are the same sums in another order:
 * agreement to 1e-13 relative. */
static void check_hvp(const ll_model *M, const double *th, double lam,
                      const char *label)
{
    size_t P = ll_model_nparams(M);
    double H[PMAX * PMAX], u[PMAX], a[PMAX], b[PMAX];
    fx_unit_dir(P, 77, u);
    assert_int_equal(ll_model_hess(M, th, lam, H), LL_OK);
    assert_int_equal(ll_model_hvp(M, th, lam, u, a), LL_OK);
    ll_gemv(0, P, P, 1.0, H, P, u, 0.0, b);
    fx_expect_close("hvp vs H u", label, fx_maxdiff(P, a, b),
                 1e-13 * (1 + fx_maxabs(P * P, H)));
}

static void hvp_should_equal_the_dense_hessian_times_u(void **s)
{
    (void)s;
    fx_for_each_config(check_hvp, 11, 1000);
}

/* f is affine in lambda, so grad and H (products of two affine factors) are
 * quadratic in lambda: the central difference has NO truncation error, only
 * rounding eps |g| / h with h = 1e-3: tolerance 1e-10 (1 + scale). */
static void check_lambda(const ll_model *M, const double *th, double lam,
                         const char *label)
{
    size_t P = ll_model_nparams(M);
    double gl[PMAX], gp[PMAX], gm[PMAX], h = 1e-3;
    double Hl[PMAX * PMAX], Hp[PMAX * PMAX], Hm[PMAX * PMAX];
    assert_int_equal(ll_model_grad_lambda(M, th, lam, gl), LL_OK);
    assert_int_equal(ll_model_grad(M, th, lam + h, gp), LL_OK);
    assert_int_equal(ll_model_grad(M, th, lam - h, gm), LL_OK);
    double err = 0;
    for (size_t k = 0; k < P; k++)
        err = fmax(err, fabs((gp[k] - gm[k]) / (2 * h) - gl[k]));
    fx_expect_close("grad_lambda vs FD", label, err,
                 1e-10 * (1 + fx_maxabs(P, gp)));
    assert_int_equal(ll_model_hess_lambda(M, th, lam, Hl), LL_OK);
    assert_int_equal(ll_model_hess(M, th, lam + h, Hp), LL_OK);
    assert_int_equal(ll_model_hess(M, th, lam - h, Hm), LL_OK);
    err = 0;
    for (size_t k = 0; k < P * P; k++)
        err = fmax(err, fabs((Hp[k] - Hm[k]) / (2 * h) - Hl[k]));
    fx_expect_close("hess_lambda vs FD", label, err,
                 1e-10 * (1 + fx_maxabs(P * P, Hp)));
}

static void lambda_derivatives_should_match_differences_in_lambda(void **s)
{
    (void)s;
    fx_for_each_config(check_lambda, 11, 1000);
}

/* D^kL[u^k] three ways:
 * (a) k = 1, 2 equal g.u and u^T H u (1e-12 relative);
 * (b) the k-th central difference of L(t) (stencils of width 2h,
 *     truncation ~ h^2 |L^(k+2)|, rounding ~ 2^k eps |L| / h^k): with
 *     h = 1e-2 (k <= 2: 1e-4) the bound is ~ 1e-4 |L^(k+2)| + 4e-7, so the
 *     tolerance is 2e-3 (1 + |D^kL|) -- a loose but independent check;
 * (c) the tight one: a central difference of the exact D^{k-1}L along the
 *     line, h = 1e-5: truncation h^2/6 |D^{k+1}L| ~ 1e-10 * 1e2, rounding
 *     eps |D^{k-1}L| / h ~ 1e-10; tolerance 1e-7 (1 + |D^kL|). */
static double dir_at(const ll_model *M, const double *th, const double *u,
                     double t, double lam, int k)
{
    double x[PMAX], out;
    for (size_t i = 0; i < ll_model_nparams(M); i++)
        x[i] = th[i] + t * u[i];
    assert_int_equal(ll_model_dir(M, x, lam, u, k, &out), LL_OK);
    return out;
}

static double kth_central(const ll_model *M, const double *th,
                          const double *u, double lam, int k, double h)
{
    double L[5];
    for (int i = -2; i <= 2; i++)
        L[i + 2] = loss_line(M, th, u, i * h, lam);
    switch (k) {
    case 1: return (L[3] - L[1]) / (2 * h);
    case 2: return (L[3] - 2 * L[2] + L[1]) / (h * h);
    case 3: return (L[4] - 2 * L[3] + 2 * L[1] - L[0]) / (2 * h * h * h);
    default: return (L[4] - 4 * L[3] + 6 * L[2] - 4 * L[1] + L[0]) / pow(h, 4);
    }
}

static void check_dir(const ll_model *M, const double *th, double lam,
                      const char *label)
{
    size_t P = ll_model_nparams(M);
    double u[PMAX], g[PMAX], Hu[PMAX], d[5];
    fx_unit_dir(P, 5, u);
    for (int k = 1; k <= 4; k++)
        d[k] = dir_at(M, th, u, 0.0, lam, k);
    assert_int_equal(ll_model_grad(M, th, lam, g), LL_OK);
    assert_int_equal(ll_model_hvp(M, th, lam, u, Hu), LL_OK);
    fx_expect_close("dir 1 vs g.u", label, fabs(d[1] - ll_dot(P, g, u)),
                 1e-12 * (1 + fabs(d[1])));
    fx_expect_close("dir 2 vs uHu", label, fabs(d[2] - ll_dot(P, u, Hu)),
                 1e-12 * (1 + fabs(d[2])));
    for (int k = 1; k <= 4; k++) {
        double fd = kth_central(M, th, u, lam, k, k <= 2 ? 1e-4 : 1e-2);
        fx_expect_close("dir vs k-th central difference", label,
                     fabs(fd - d[k]), 2e-3 * (1 + fabs(d[k])));
        if (k == 1)
            continue;
        double h = 1e-5;
        double fd1 = (dir_at(M, th, u, h, lam, k - 1) -
                      dir_at(M, th, u, -h, lam, k - 1)) / (2 * h);
        fx_expect_close("dir vs difference of dir k-1", label, fabs(fd1 - d[k]),
                     1e-7 * (1 + fabs(d[k])));
    }
}

static void dir_should_match_differences_along_the_line(void **s)
{
    (void)s;
    fx_for_each_config(check_dir, 11, 1000);
}

/* R_K(t) = L(theta + t u) - sum_{k<=K} t^k/k! D^kL falls like t^(K+1).
 * We sample t = 10^(-1 - i/5), i = 0..10 (1e-1 .. 1e-3), drop the points
 * where |R_K| is under the rounding floor 100 eps (1 + |L|) (there R_K is
 * pure rounding: L(t) and the sum each carry a few eps |L|), and fit the
 * least-squares slope of log|R_K| on log t over the 4 SMALLEST remaining t
 * (closest to the asymptotic regime). It must be >= K + 0.5: a wrong D^K
 * leaves a t^K term (slope K). One-sided, on the small-t end and with 0.5
 * rather than 0.3 because on a fixed direction D^{K+1}L[u^{K+1}] can be
 * accidentally small against D^{K+2}L (sin, lambda = 0.37: R_4 ~ a t^5 +
 * b t^6 with a b < 0, local slope 4.1 at t = 0.1, 4.6 over the fitted
 * points, 4.9 at t = 0.01), which is no error. The tight check of every
 * D^kL is the difference test of dir above. Fewer than 3
 * points above the floor (L polynomial of degree <= K along the line:
 * identity activation, lambda = 0) means |R_K(0.1)| <= floor, which itself
 * bounds any error e in D^K by K! floor / 0.1^K. */
static int fit_slope(int n, const double *t, const double *R, double floor,
                     double *slope)
{
    double lt[4], lr[4], mt = 0, mr = 0, sxy = 0, sxx = 0;
    int c = 0;
    for (int i = n - 1; i >= 0 && c < 4; i--) /* smallest t first */
        if (fabs(R[i]) > floor)
            lt[c] = log(t[i]), lr[c] = log(fabs(R[i])), c++;
    for (int i = 0; i < c; i++)
        mt += lt[i] / c, mr += lr[i] / c;
    for (int i = 0; i < c; i++)
        sxy += (lt[i] - mt) * (lr[i] - mr), sxx += (lt[i] - mt) * (lt[i] - mt);
    *slope = c >= 2 ? sxy / sxx : 0.0;
    return c;
}

static void check_taylor(const ll_model *M, const double *th, double lam,
                         const char *label)
{
    size_t P = ll_model_nparams(M);
    double u[PMAX], d[5], L0 = loss_at(M, th, lam);
    double floor = 100 * 2.2e-16 * (1 + fabs(L0)), slope;
    fx_unit_dir(P, 9, u);
    for (int k = 1; k <= 4; k++)
        d[k] = dir_at(M, th, u, 0.0, lam, k);
    for (int K = 1; K <= 4; K++) {
        double t[11], R[11];
        for (int i = 0; i < 11; i++) {
            t[i] = pow(10.0, -1.0 - i / 5.0);
            R[i] = loss_line(M, th, u, t[i], lam) - L0;
            double tk = 1.0, fact = 1.0;
            for (int k = 1; k <= K; k++) {
                tk *= t[i], fact *= k;
                R[i] -= tk / fact * d[k];
            }
        }
        if (fit_slope(11, t, R, floor, &slope) >= 3 && slope < K + 0.5)
            fail_msg("Taylor remainder K=%d (%s): slope %.3f, want >= %d - 0.5",
                     K, label, slope, K + 1);
    }
}

static void taylor_remainders_should_fall_with_the_right_order(void **s)
{
    (void)s;
    fx_for_each_config(check_taylor, 11, 1000);
}

/* D^3L[a, b, .] vs the central difference of H(theta + t b) a in t
 * (h = 1e-5: truncation h^2/6 |D^5L| ~ 1e-8, rounding eps |Ha| / h ~ 1e-10;
 * tolerance 1e-7 (1 + |out|)); symmetric in a, b (polarisation: 1e-12);
 * D^3L[a, a, .] . a = D^3L[a^3] from dir (1e-12). */
static void check_d3(const ll_model *M, const double *th, double lam,
                     const char *label)
{
    size_t P = ll_model_nparams(M);
    double a[PMAX], b[PMAX], x[PMAX], hp[PMAX], hm[PMAX], o[PMAX], o2[PMAX];
    double h = 1e-5, err = 0, d3;
    fx_unit_dir(P, 21, a);
    fx_unit_dir(P, 22, b);
    assert_int_equal(ll_model_d3(M, th, lam, a, b, o), LL_OK);
    for (int sgn = -1; sgn <= 1; sgn += 2) {
        for (size_t k = 0; k < P; k++)
            x[k] = th[k] + sgn * h * b[k];
        assert_int_equal(ll_model_hvp(M, x, lam, a, sgn > 0 ? hp : hm), LL_OK);
    }
    for (size_t k = 0; k < P; k++)
        err = fmax(err, fabs((hp[k] - hm[k]) / (2 * h) - o[k]));
    double sc = 1 + fx_maxabs(P, o);
    fx_expect_close("d3 vs FD of hvp", label, err, 1e-7 * sc);
    assert_int_equal(ll_model_d3(M, th, lam, b, a, o2), LL_OK);
    fx_expect_close("d3 symmetry", label, fx_maxdiff(P, o, o2), 1e-12 * sc);
    assert_int_equal(ll_model_d3(M, th, lam, a, a, o2), LL_OK);
    assert_int_equal(ll_model_dir(M, th, lam, a, 3, &d3), LL_OK);
    fx_expect_close("d3(a,a).a vs dir 3", label, fabs(ll_dot(P, o2, a) - d3),
                 1e-12 * (1 + fabs(d3)));
}

static void d3_should_match_differences_of_hvp(void **s)
{
    (void)s;
    fx_for_each_config(check_d3, 11, 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grad_should_match_central_differences_of_the_loss),
        cmocka_unit_test(hess_should_match_differences_of_grad_and_be_symmetric),
        cmocka_unit_test(hvp_should_equal_the_dense_hessian_times_u),
        cmocka_unit_test(lambda_derivatives_should_match_differences_in_lambda),
        cmocka_unit_test(dir_should_match_differences_along_the_line),
        cmocka_unit_test(taylor_remainders_should_fall_with_the_right_order),
        cmocka_unit_test(d3_should_match_differences_of_hvp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
