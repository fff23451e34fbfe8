/* Lyapunov-Schmidt coefficients and normal-form verdicts on constructed
 * problems whose coefficients and bifurcating branches are known in closed
 * form (MATH.md section 3). The objective, in its own coordinates y
 * (n = 5), then rotated by a fixed orthogonal R (toy.h), mu = p - p*:
 *   l = k3 y0^3/3 + k4 y0^4/4 - m2 mu y0^2/2 + f0 mu y0
 *       + y1^2/2 - f1 mu y1 + c y0^2 y1 + sum_{i>=2} lam_i y_i^2/2.
 * At y = 0, p = p*: H = diag(0, 1, lam), phi = +-R e0, F_p = (f0, -f1, 0..),
 * H_p = diag(-m2, 0, ..), B = D^3L[e0, e0, .] = (2 k3, 2c, 0..), D^4 = 6 k4.
 * Hence (with s = +-1 the sign of phi = s R e0):
 *   g_p = s f0,  g_aa = 2 k3 s,  psi = R (0, f1, 0..),
 *   g_ap = -m2 + 2 c f1,  g_aaa = 6 k4 - 12 c^2 (slaved: B_R = 2c e1).
 */
#include "testutil.h"

#include <float.h>
#include <math.h>

#include "losslab/bif.h"
#include "poly_toy.h"

#define N POLY_N

/* The critical point x* = 0 and phi = -2 R e0 (the wrong sign and length on
 * purpose: the library normalises). Returns s with phi_out = s R e0. */
static double run(toy *t, double p, const ll_bif_opts *o, ll_lscoef *c)
{
    ll_problem pb = toy_problem(t);
    double x[N] = {0}, e0[N] = {1, 0, 0, 0, 0}, phi[N], r0[N];
    toy_to_x(t, e0, r0);
    for (size_t i = 0; i < N; i++)
        phi[i] = -2.0 * r0[i];
    ll_errbuf eb = {{0}};
    ll_status st = ll_bif_coefficients(&pb, x, p, phi, o, c, &eb);
    assert_int_equal(st, LL_OK);
    double s = 0.0;
    for (size_t i = 0; i < N; i++)
        s += phi[i] * r0[i];
    assert_true(fabs(fabs(s) - 1.0) < 1e-14);
    return s;
}

/* Rounding only (R orthogonal to ~1e-16, a 6 x 6 bordered solve with
 * condition ~ 5): 1e-10 relative leaves four orders of margin, and is well
 * inside the 1e-6. */
#define REL 1e-10

static void toy_derivatives_should_match_central_differences(void **state)
{
    (void)state;
    poly q = poly_base();
    q.k3 = 0.7, q.k4 = 1.3, q.m2 = 0.9, q.f0 = 0.4, q.f1 = -0.6, q.c = 0.8;
    q.pstar = 0.2;
    toy t = poly_toy(&q);
    ll_problem pb = toy_problem(&t);
    assert_true(toy_fd_error(&pb, 42) < 1e-6);
}

static void coefficients_should_find_fold_with_exact_g_p_and_g_aa(void **state)
{
    (void)state;
    poly q = poly_base(); /* l = y0^3/3 + (p - 1) y0 + ... */
    q.k3 = 1.0, q.f0 = 1.0, q.pstar = 1.0, q.c = 0.3;
    toy t = poly_toy(&q);
    ll_lscoef c;
    ll_bif_opts o = ll_bif_opts_default();
    double s = run(&t, 1.0, &o, &c);
    assert_int_equal(c.normal_form, LL_NF_FOLD);
    assert_true(ll_test_reldiff(c.g_p, s, 0) < REL);
    assert_true(ll_test_reldiff(c.g_aa, 2.0 * s, 0) < REL);
    assert_int_equal(c.criticality, 0);
    assert_true(isnan(c.branch_slope) && isnan(c.branch_quad));
}

static poly pitchfork(double cc)
{
    poly q = poly_base(); /* y0^4/4 - (p - 1/2) y0^2/2 + y1^2/2 + c y0^2 y1 */
    q.k4 = 1.0, q.m2 = 1.0, q.c = cc, q.pstar = 0.5;
    return q;
}

static void coefficients_should_include_slaved_term_at_pitchfork(void **state)
{
    (void)state;
    double cc = 0.3;
    poly q = pitchfork(cc);
    toy t = poly_toy(&q);
    ll_lscoef c;
    run(&t, 0.5, NULL, &c);
    assert_true(fabs(c.g_p) < 1e-15 && fabs(c.g_aa) < 1e-14);
    assert_true(ll_test_reldiff(c.g_ap, -1.0, 0) < REL);
    assert_true(ll_test_reldiff(c.g_aaa, 6.0 - 12.0 * cc * cc, 0) < REL);
    assert_true(ll_test_reldiff(c.g_aaa_bare, 6.0, 0) < REL);
    assert_int_equal(c.normal_form, LL_NF_NEAR_PITCHFORK);
    /* g_ap g_aaa < 0: branches for mu > 0 */
    assert_int_equal(c.criticality, 1);
    assert_true(c.ratio_aa_aaa < 1e-14);
}

static void pitchfork_should_be_subcritical_when_slaving_flips_g_aaa(
    void **state)
{
    (void)state;
    double cc = 0.9; /* g_aaa = 6 - 12 * 0.81 < 0 although D^4L > 0 */
    poly q = pitchfork(cc);
    toy t = poly_toy(&q);
    ll_lscoef c;
    ll_bif_opts o = ll_bif_opts_default();
    o.z2_declared = 1;
    run(&t, 0.5, &o, &c);
    assert_int_equal(c.normal_form, LL_NF_PITCHFORK);
    assert_true(ll_test_reldiff(c.g_aaa, 6.0 - 12.0 * cc * cc, 0) < REL);
    assert_int_equal(c.criticality, -1);
}

/* The bifurcating branch solves F = 0 exactly: y1 = -c y0^2 and
 * y0^2 = mu / (1 - 2 c^2); a = phi . x = +-y0, so a^2 / mu is exactly the
 * closed form. The point is checked through the ops' own gradient. */
static void branch_quad_should_match_closed_form_branch(void **state)
{
    (void)state;
    const double cs[2] = {0.3, 0.9};
    for (int k = 0; k < 2; k++) {
        poly q = pitchfork(cs[k]);
        toy t = poly_toy(&q);
        ll_problem pb = toy_problem(&t);
        double denom = 1.0 - 2.0 * cs[k] * cs[k];
        double mu = denom > 0 ? 1e-3 : -1e-3;
        double y[N] = {0}, x[N], F[N], phi[N], e0[N] = {1, 0, 0, 0, 0};
        y[0] = sqrt(mu / denom), y[1] = -cs[k] * y[0] * y[0];
        toy_to_x(&t, y, x);
        pb.grad(pb.ctx, x, 0.5 + mu, F);
        for (size_t i = 0; i < N; i++)
            assert_true(fabs(F[i]) < 1e-15);
        ll_lscoef c;
        run(&t, 0.5, NULL, &c);
        toy_to_x(&t, e0, phi);
        ll_bif_normalise_kernel(N, phi);
        double a = 0.0;
        for (size_t i = 0; i < N; i++)
            a += phi[i] * x[i];
        assert_true(ll_test_reldiff(c.branch_quad, a * a / mu, 0) < 1e-9);
        assert_true(mu * c.criticality > 0);
    }
}

/* Transcritical with a psi term: l = y0^3/3 - mu y0^2/2 + y1^2/2 - mu y1
 * + b y0^2 y1. Trivial branch y = (0, mu): a = 0, so the prediction applies.
 * By hand: psi = R e1, g_ap = -1 + 2b (the 2b is D^3L[phi, phi, psi]),
 * g_aa = 2s, slope a/mu = s (1 - 2b). Second branch (y0 != 0):
 * y1 = mu - b y0^2, 2 b^2 y0^2 - y0 + (1 - 2b) mu = 0. */
static double trans_y0(double b, double mu)
{
    double disc = 1.0 - 8.0 * b * b * (1.0 - 2.0 * b) * mu;
    return 2.0 * (1.0 - 2.0 * b) * mu / (1.0 + sqrt(disc)); /* stable root */
}

static void transcritical_g_ap_should_include_psi_term(void **state)
{
    (void)state;
    double b = 0.3;
    poly q = poly_base();
    q.k3 = 1.0, q.m2 = 1.0, q.f1 = 1.0, q.c = b, q.pstar = 0.0;
    toy t = poly_toy(&q);
    ll_problem pb = toy_problem(&t);
    ll_lscoef c;
    double s = run(&t, 0.0, NULL, &c);
    assert_int_equal(c.normal_form, LL_NF_TRANSCRITICAL);
    assert_true(fabs(c.g_p) < 1e-15);
    assert_true(ll_test_reldiff(c.g_ap, -1.0 + 2.0 * b, 0) < REL);
    assert_true(ll_test_reldiff(c.g_aa, 2.0 * s, 0) < REL);
    assert_true(ll_test_reldiff(c.g_aaa, -12.0 * b * b, 0) < REL);
    /* Slope of the true branch, a = s y0: central difference, error
     * O(h^2 |a'''|) ~ 1e-8 for h = 1e-4; the closed-form root is accurate
     * to eps |y0|, so rounding is eps / h ~ 1e-12. Tolerance 1e-6. */
    double h = 1e-4, y[N] = {0}, x[N], F[N];
    y[0] = trans_y0(b, h), y[1] = h - b * y[0] * y[0];
    toy_to_x(&t, y, x);
    pb.grad(pb.ctx, x, h, F);
    for (size_t i = 0; i < N; i++)
        assert_true(fabs(F[i]) < 1e-15); /* it is a branch point */
    double slope = s * (trans_y0(b, h) - trans_y0(b, -h)) / (2 * h);
    assert_true(ll_test_reldiff(c.branch_slope, slope, 0) < 1e-6);
}

static void flipping_phi_should_give_identical_output(void **state)
{
    (void)state;
    poly q = poly_base();
    q.k3 = 0.7, q.k4 = 1.3, q.m2 = 0.9, q.f1 = -0.6, q.c = 0.8;
    toy t = poly_toy(&q);
    ll_problem pb = toy_problem(&t);
    double x[N] = {0}, e0[N] = {1, 0, 0, 0, 0}, p1[N], p2[N];
    toy_to_x(&t, e0, p1);
    for (size_t i = 0; i < N; i++)
        p2[i] = -p1[i];
    ll_lscoef c1, c2;
    assert_int_equal(ll_bif_coefficients(&pb, x, 0.0, p1, NULL, &c1, NULL),
                     LL_OK);
    assert_int_equal(ll_bif_coefficients(&pb, x, 0.0, p2, NULL, &c2, NULL),
                     LL_OK);
    /* negation is exact, so the normalised phi and everything after it is
     * bitwise identical */
    assert_memory_equal(p1, p2, sizeof p1);
    assert_memory_equal(&c1, &c2, sizeof c1);
    assert_true(fabs(c1.g_aa) > 0.1); /* g_aa is odd in phi: not trivial */
}

static void normalise_kernel_should_make_first_largest_entry_positive(
    void **state)
{
    (void)state;
    double a[3] = {-3.0, 3.0, 1.0}, b[3] = {3.0, -3.0, -1.0};
    ll_bif_normalise_kernel(3, a);
    ll_bif_normalise_kernel(3, b);
    double nrm = sqrt(19.0);
    assert_true(fabs(a[0] - 3.0 / nrm) < 1e-15 && fabs(a[1] + 3.0 / nrm) < 1e-15);
    assert_memory_equal(a, b, sizeof a);
    double z[2] = {0.0, 0.0};
    ll_bif_normalise_kernel(2, z); /* left alone, no NaN */
    assert_true(z[0] == 0.0 && z[1] == 0.0);
}

/* At a located point H phi = mu1 phi with |mu1| ~ 1e-12, and phi carries
 * ~1e-12 noise: the bordered system stays regular (condition ~ 5), so the
 * coefficients move by O(1e-12) only. */
static void coefficients_should_be_stable_at_an_approximate_kernel(
    void **state)
{
    (void)state;
    double cc = 0.3;
    poly q = pitchfork(cc);
    toy t = poly_toy(&q);
    ll_problem pb = toy_problem(&t);
    double x[N] = {0}, e0[N] = {1, 0, 0, 0, 0}, phi[N], noise[N];
    uint64_t seed = 7;
    toy_to_x(&t, e0, phi);
    ll_test_fill(&seed, N, noise, 1e-12);
    for (size_t i = 0; i < N; i++)
        phi[i] += noise[i];
    ll_lscoef c;
    assert_int_equal(
        ll_bif_coefficients(&pb, x, 0.5 + 1e-12, phi, NULL, &c, NULL), LL_OK);
    assert_true(ll_test_reldiff(c.g_ap, -1.0, 0) < 1e-10);
    assert_true(ll_test_reldiff(c.g_aaa, 6.0 - 12.0 * cc * cc, 0) < 1e-10);
    assert_int_equal(c.normal_form, LL_NF_NEAR_PITCHFORK);
}

static void coefficients_should_say_degenerate_when_all_vanish(void **state)
{
    (void)state;
    poly q = poly_base(); /* quadratic: B = 0, D^4L = 0 */
    q.m2 = 1.0;
    toy t = poly_toy(&q);
    ll_lscoef c;
    run(&t, 0.0, NULL, &c);
    assert_int_equal(c.normal_form, LL_NF_DEGENERATE);
    assert_true(isinf(c.ratio_aa_aaa));
    assert_true(isnan(c.branch_quad) && isnan(c.branch_slope));
}

static void coefficients_should_refuse_a_double_kernel(void **state)
{
    (void)state;
    poly q = poly_base();
    q.k3 = 1.0, q.lam[2] = 0.0; /* kernel span(R e0, R e2) */
    toy t = poly_toy(&q);
    ll_problem pb = toy_problem(&t);
    double x[N] = {0}, e0[N] = {1, 0, 0, 0, 0}, phi[N];
    toy_to_x(&t, e0, phi);
    ll_lscoef c;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_bif_coefficients(&pb, x, 0.0, phi, NULL, &c, &eb),
                     LL_ERR_SINGULAR);
    assert_non_null(strstr(eb.msg, "not simple"));
    double zero[N] = {0};
    assert_int_equal(ll_bif_coefficients(&pb, x, 0.0, zero, NULL, &c, &eb),
                     LL_ERR_ARG);
}

static void opts_and_names_should_have_documented_values(void **state)
{
    (void)state;
    ll_bif_opts o = ll_bif_opts_default();
    assert_true(o.gp_zero_rel == 1e-6 && o.near_pitchfork_ratio == 1e-2);
    assert_int_equal(o.z2_declared, 0);
    assert_string_equal(ll_normal_form_str(LL_NF_FOLD), "fold");
    assert_string_equal(ll_normal_form_str(LL_NF_NEAR_PITCHFORK),
                        "near-pitchfork");
    assert_string_equal(ll_normal_form_str(LL_NF_DEGENERATE), "degenerate");
    assert_string_equal(ll_normal_form_str((ll_normal_form)99), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(toy_derivatives_should_match_central_differences),
        cmocka_unit_test(coefficients_should_find_fold_with_exact_g_p_and_g_aa),
        cmocka_unit_test(coefficients_should_include_slaved_term_at_pitchfork),
        cmocka_unit_test(pitchfork_should_be_subcritical_when_slaving_flips_g_aaa),
        cmocka_unit_test(branch_quad_should_match_closed_form_branch),
        cmocka_unit_test(transcritical_g_ap_should_include_psi_term),
        cmocka_unit_test(flipping_phi_should_give_identical_output),
        cmocka_unit_test(normalise_kernel_should_make_first_largest_entry_positive),
        cmocka_unit_test(coefficients_should_be_stable_at_an_approximate_kernel),
        cmocka_unit_test(coefficients_should_say_degenerate_when_all_vanish),
        cmocka_unit_test(coefficients_should_refuse_a_double_kernel),
        cmocka_unit_test(opts_and_names_should_have_documented_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
