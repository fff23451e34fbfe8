/* Activations: every derivative order against finite differences of the
 * order below, known values at 0, finiteness for |z| up to 1e3, relative
 * accuracy in the tails, and the homotopy formulas of MATH.md section 1. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "losslab/act.h"

#define SQRT_PI 1.77245385090551602729
#define SQRT_2PI 2.50662827463100050242

static double deriv(const ll_act *a, double z, int k)
{
    double d[LL_ACT_KMAX + 1];
    a->eval(z, k, d);
    return d[k];
}

/* sigma^(k+1)(z) from the five-point stencil on sigma^(k):
 *   [f(z-2h) - 8 f(z-h) + 8 f(z+h) - f(z+2h)] / (12 h),
 * truncation error h^4/30 |f^(5)| = h^4/30 |sigma^(k+5)|; with h = 1e-3 and
 * |sigma^(j)| <= j!/(pi/2)^j ~ 1e5 for j <= 11 (tanh, the worst: poles at
 * i pi/2), that is <= 4e-9; rounding ~ 3 eps |sigma^(k)| / (2 h) <= 1e-11.
 * Tolerance 1e-7 (1 + |value|) leaves a wide margin yet catches any wrong
 * coefficient (errors O(1)). */
static void derivatives_should_match_finite_differences_of_the_order_below(
    void **state)
{
    (void)state;
    const double zs[] = {-3.0, -1.2, -0.3, 0.0, 0.4, 1.1, 2.5};
    const double h = 1e-3;
    for (int ai = 0; ll_act_at(ai); ai++) {
        const ll_act *a = ll_act_at(ai);
        for (size_t zi = 0; zi < sizeof zs / sizeof zs[0]; zi++) {
            double z = zs[zi];
            for (int k = 0; k < LL_ACT_KMAX; k++) {
                double fd = (deriv(a, z - 2 * h, k) - 8 * deriv(a, z - h, k) +
                             8 * deriv(a, z + h, k) - deriv(a, z + 2 * h, k)) /
                            (12 * h);
                double ex = deriv(a, z, k + 1);
                if (fabs(fd - ex) > 1e-7 * (1 + fabs(ex)))
                    fail_msg("%s: order %d at z=%g: exact %.15g, FD %.15g",
                             a->name, k + 1, z, ex, fd);
            }
        }
    }
}

static void check0(const char *name, int k, double want)
{
    const ll_act *a = ll_act_find(name);
    assert_non_null(a);
    double got = deriv(a, 0.0, k);
    /* closed forms evaluated in double: a few ulps */
    if (fabs(got - want) > 1e-14 * (1 + fabs(want)))
        fail_msg("%s^(%d)(0) = %.17g, expected %.17g", name, k, got, want);
}

static void values_at_zero_should_match_the_series(void **state)
{
    (void)state;
    /* tanh z = z - z^3/3 + 2 z^5/15 */
    check0("tanh", 0, 0), check0("tanh", 1, 1), check0("tanh", 2, 0);
    check0("tanh", 3, -2), check0("tanh", 5, 16), check0("tanh", 6, 0);
    /* erf z = 2/sqrt(pi) (z - z^3/3 + z^5/10) */
    check0("erf", 1, 2 / SQRT_PI), check0("erf", 3, -4 / SQRT_PI);
    check0("erf", 5, 2 / SQRT_PI * 12);
    check0("erf_scaled", 1, 1.0);
    check0("erf_scaled", 3, -4 / SQRT_PI * pow(SQRT_PI / 2, 3));
    /* s = 1/2 + z/4 - z^3/48 */
    check0("sigmoid", 0, 0.5), check0("sigmoid", 1, 0.25);
    check0("sigmoid", 2, 0), check0("sigmoid", 3, -0.125);
    check0("softplus", 0, log(2.0)), check0("softplus", 1, 0.5);
    check0("softplus", 2, 0.25), check0("softplus", 4, -0.125);
    /* gelu = z/2 + z^2 phi(0) + ...: gelu'' (0) = 2 phi(0) */
    check0("gelu", 0, 0), check0("gelu", 1, 0.5);
    check0("gelu", 2, 2 / SQRT_2PI), check0("gelu", 3, 0);
    /* silu = z s: silu' (0) = 1/2, silu''(0) = 2 s'(0), silu^(4) = 4 s'''(0) */
    check0("silu", 1, 0.5), check0("silu", 2, 0.5), check0("silu", 4, -0.5);
    check0("sin", 0, 0), check0("sin", 1, 1), check0("sin", 3, -1);
    check0("sin", 5, 1), check0("sin", 6, 0);
    check0("identity", 1, 1), check0("identity", 2, 0);
}

static void large_arguments_should_stay_finite(void **state)
{
    (void)state;
    const double zs[] = {-1e3, -700, -50, 50, 700, 1e3};
    for (int ai = 0; ll_act_at(ai); ai++)
        for (size_t zi = 0; zi < sizeof zs / sizeof zs[0]; zi++) {
            double d[LL_ACT_KMAX + 1];
            ll_act_at(ai)->eval(zs[zi], LL_ACT_KMAX, d);
            for (int k = 0; k <= LL_ACT_KMAX; k++)
                if (!isfinite(d[k]))
                    fail_msg("%s^(%d)(%g) = %g", ll_act_at(ai)->name, k,
                             zs[zi], d[k]);
        }
}

static void tails_should_keep_relative_accuracy(void **state)
{
    (void)state;
    /* exact tails: tanh'(z) = 4e/(1+e)^2 with e = exp(-2|z|); s'(z) =
     * e/(1+e)^2, e = exp(-|z|); s''(-z) = s'(z)(1 - 2 s(z)). Relative
     * agreement to 1e-13: only a few roundings separate the two. */
    double z = 20.0, e2 = exp(-40.0), e1 = exp(-20.0);
    const ll_act *t = ll_act_find("tanh"), *s = ll_act_find("sigmoid");
    assert_true(ll_test_reldiff(deriv(t, z, 1), 4 * e2 / ((1 + e2) * (1 + e2)),
                                0) < 1e-13);
    assert_true(ll_test_reldiff(deriv(t, -z, 3), -2 * deriv(t, z, 1) *
                                (1 - 3 * pow(tanh(z), 2)), 0) < 1e-13);
    assert_true(ll_test_reldiff(deriv(s, -z, 1), e1 / ((1 + e1) * (1 + e1)),
                                0) < 1e-13);
    assert_true(ll_test_reldiff(deriv(s, -z, 0), e1 / (1 + e1), 0) < 1e-13);
    const ll_act *sp = ll_act_find("softplus");
    assert_true(ll_test_reldiff(deriv(sp, -40.0, 0), log1p(exp(-40.0)), 0) <
                1e-14);
    assert_true(deriv(sp, 1e3, 0) == 1e3);
    assert_true(deriv(ll_act_find("gelu"), -1e3, 0) == 0.0);
}

static void find_should_return_every_listed_activation_and_null_otherwise(
    void **state)
{
    (void)state;
    const char *want[] = {"tanh", "erf", "erf_scaled", "sigmoid", "softplus",
                          "gelu", "silu", "sin", "identity"};
    int n = 0;
    while (ll_act_at(n))
        n++;
    assert_int_equal(n, 9);
    for (int i = 0; i < n; i++) {
        assert_ptr_equal(ll_act_find(want[i]), ll_act_at(i));
        assert_non_null(ll_act_at(i)->description);
    }
    assert_null(ll_act_find("relu"));
    assert_null(ll_act_find(NULL));
    assert_null(ll_act_at(-1));
}

static void homotopy_should_follow_the_blend_formulas(void **state)
{
    (void)state;
    const double zs[] = {-2.0, 0.0, 0.7};
    for (int ai = 0; ll_act_at(ai); ai++) {
        const ll_act *a = ll_act_at(ai);
        for (int zi = 0; zi < 3; zi++) {
            double z = zs[zi], s[LL_ACT_KMAX + 1];
            double h0[LL_ACT_KMAX + 1], h1[LL_ACT_KMAX + 1];
            double h[LL_ACT_KMAX + 1], hl[LL_ACT_KMAX + 1];
            a->eval(z, LL_ACT_KMAX, s);
            ll_homotopy_eval(a, z, 0.0, LL_ACT_KMAX, h0, NULL);
            ll_homotopy_eval(a, z, 1.0, LL_ACT_KMAX, h1, NULL);
            ll_homotopy_eval(a, z, 0.37, LL_ACT_KMAX, h, hl);
            for (int k = 0; k <= LL_ACT_KMAX; k++) {
                double lin = k == 0 ? z : (k == 1 ? 1.0 : 0.0);
                assert_true(fabs(h0[k] - lin) < 1e-15);   /* h(., 0) = z */
                assert_true(fabs(h1[k] - s[k]) < 1e-15 * (1 + fabs(s[k])));
                /* h is affine in lambda: d_lambda h = h(1) - h(0) exactly
                 * up to rounding, and h(0.37) = 0.63 h(0) + 0.37 h(1). */
                assert_true(fabs(hl[k] - (s[k] - lin)) < 1e-15 * (1 + fabs(s[k])));
                assert_true(fabs(h[k] - (0.63 * lin + 0.37 * s[k])) <
                            1e-14 * (1 + fabs(s[k])));
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(derivatives_should_match_finite_differences_of_the_order_below),
        cmocka_unit_test(values_at_zero_should_match_the_series),
        cmocka_unit_test(large_arguments_should_stay_finite),
        cmocka_unit_test(tails_should_keep_relative_accuracy),
        cmocka_unit_test(find_should_return_every_listed_activation_and_null_otherwise),
        cmocka_unit_test(homotopy_should_follow_the_blend_formulas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
