/* The width-scaling fit lambda_1'(0) = K/m + K2/m^2 (MATH.md section 1,
 * seed 000 Prop. 7.9; src/study/fit.c) and the per-width v rule.
 * Synthetic data generated from known K, K2 must be recovered to rounding:
 * the QR solve is backward stable, so the error is ~cond(A) eps with
 * cond(A) <= ~1e3 for widths 3..100, i.e. << 1e-10 relative. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "losslab/sweep.h"

static const double M10[] = {3, 5, 8, 10, 15, 20, 30, 50, 75, 100};

static void fit_should_recover_K_and_K2_from_exact_data(void **st)
{
    (void)st;
    const double Ks[] = {-0.0705, -0.06117, 1.5}, K2s[] = {0.3, -0.117, 0.0};
    for (int c = 0; c < 3; c++) {
        double y[10];
        for (int i = 0; i < 10; i++)
            y[i] = Ks[c] / M10[i] + K2s[c] / (M10[i] * M10[i]);
        ll_inv_fit f;
        assert_int_equal(ll_fit_inverse_width(10, M10, y, 4e-3, &f, NULL), LL_OK);
        assert_int_equal(f.n_used, 10);
        assert_true(ll_test_reldiff(f.K, Ks[c], 1e-300) < 1e-10);
        assert_true(fabs(f.K2 - K2s[c]) < 1e-10 * (fabs(K2s[c]) + fabs(Ks[c])));
        assert_true(f.rms < 1e-15);
        /* m* = |K|/alpha and slope = alpha/|K| by definition. */
        assert_true(ll_test_reldiff(f.m_star, fabs(Ks[c]) / 4e-3, 1e-300) < 1e-10);
        assert_true(ll_test_reldiff(f.slope, 4e-3 / fabs(Ks[c]), 1e-300) < 1e-10);
    }
}

/* With residuals orthogonal to both columns the least-squares solution is
 * still the generating (K, K2): build such a residual by projecting a
 * vector out of span{1/m, 1/m^2} (Gram-Schmidt in the test, independently of
 * the library's QR), then add it. */
static void fit_should_be_least_squares_when_data_have_noise(void **st)
{
    (void)st;
    double a[10], b[10], r[10], y[10];
    uint64_t seed = 42;
    for (int i = 0; i < 10; i++)
        a[i] = 1 / M10[i], b[i] = 1 / (M10[i] * M10[i]),
        r[i] = 1e-4 * ll_test_rand(&seed);
    for (int pass = 0; pass < 2; pass++) { /* twice: re-orthogonalise */
        double aa = 0, ar = 0, bb, br, ab = 0;
        for (int i = 0; i < 10; i++)
            aa += a[i] * a[i], ar += a[i] * r[i], ab += a[i] * b[i];
        double bo[10];
        bb = br = 0;
        for (int i = 0; i < 10; i++)
            bo[i] = b[i] - ab / aa * a[i];
        for (int i = 0; i < 10; i++)
            bb += bo[i] * bo[i], br += bo[i] * r[i];
        for (int i = 0; i < 10; i++)
            r[i] -= ar / aa * a[i] + br / bb * bo[i];
    }
    for (int i = 0; i < 10; i++)
        y[i] = -0.07 * a[i] + 0.2 * b[i] + r[i];
    ll_inv_fit f;
    assert_int_equal(ll_fit_inverse_width(10, M10, y, 1e-3, &f, NULL), LL_OK);
    /* residual 1e-4 against coefficients 0.07: cond(A) * eps * |r|/|y|
     * bounds the error far below 1e-9. */
    assert_true(fabs(f.K + 0.07) < 1e-9);
    assert_true(fabs(f.K2 - 0.2) < 1e-8);
    double rms = 0;
    for (int i = 0; i < 10; i++)
        rms += r[i] * r[i];
    assert_true(ll_test_reldiff(f.rms, sqrt(rms / 10), 1e-300) < 1e-6);
}

static void fit_should_skip_non_finite_values_and_need_two_widths(void **st)
{
    (void)st;
    double m[] = {5, 10, 20}, y[] = {NAN, -0.1 / 10, -0.1 / 20};
    ll_inv_fit f;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_fit_inverse_width(3, m, y, 0.0, &f, &eb), LL_OK);
    assert_int_equal(f.n_used, 2);
    assert_true(fabs(f.K + 0.1) < 1e-12);
    assert_true(isnan(f.m_star)); /* alpha = 0: no critical width */
    double m2[] = {5, 5}, y2[] = {-0.02, -0.02};
    assert_int_equal(ll_fit_inverse_width(2, m2, y2, 1e-3, &f, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "two"));
    assert_true(isnan(f.K));
}

static void v_spec_should_give_linspace_ones_and_lists(void **st)
{
    (void)st;
    double v[5];
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_v_spec_values(NULL, 5, v, &eb), LL_OK);
    assert_true(v[0] == 0.5 && v[2] == 1.0 && v[4] == 1.5);
    assert_int_equal(ll_v_spec_values("linspace:1:2", 1, v, &eb), LL_OK);
    assert_true(v[0] == 1.0);
    assert_int_equal(ll_v_spec_values("ones", 3, v, &eb), LL_OK);
    assert_true(v[0] == 1 && v[2] == 1);
    assert_int_equal(ll_v_spec_values("1,2,3", 3, v, &eb), LL_OK);
    assert_true(v[2] == 3);
    assert_int_equal(ll_v_spec_values("1,2,3", 4, v, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "width is 4"));
    assert_int_equal(ll_v_spec_values("linspace:1", 3, v, &eb), LL_ERR_ARG);
    assert_int_equal(ll_v_spec_values("1,x", 2, v, &eb), LL_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fit_should_recover_K_and_K2_from_exact_data),
        cmocka_unit_test(fit_should_be_least_squares_when_data_have_noise),
        cmocka_unit_test(fit_should_skip_non_finite_values_and_need_two_widths),
        cmocka_unit_test(v_spec_should_give_linspace_ones_and_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
