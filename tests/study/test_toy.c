/* The toy study (experiments.h; MATH.md section 4 Exp. 1, seed 000
 * Prop. 7.2) on the toy generator with N = 300 (the paper's N = 2000 only
 * slows the tests; nothing below depends on N):
 * - alpha = 0: the transverse eigenvalue is 0 at lambda = 0 and the line
 *   restriction along w1 - w2 is even (c3 = 0, phi(a) = phi(-a));
 * - mu_T, mu_L are the full Hessian's eigenvalues on the diagonal;
 * - alpha > 0: the symmetry-breaking event is located where mu_T changes
 *   sign, with d mu_T / d lambda = g_ap and g_aa = 0 (the symmetry);
 * - the separable contour lattice equals ll_model_loss;
 * - bad inputs are refused with a message. */
#include "testutil.h"

#include <math.h>
#include <string.h>

#include "losslab/experiments.h"
#include "losslab/losslab.h"

static ll_data toy_data(size_t n)
{
    ll_data D = {0};
    ll_gen_opts g = ll_gen_toy_opts_default();
    g.n = n;
    assert_int_equal(ll_data_generate_toy(&D, &g, NULL), LL_OK);
    return D;
}

static ll_toy_opts small_opts(double alpha)
{
    ll_toy_opts o = ll_toy_opts_default();
    o.alpha = alpha;
    o.grid = 15;
    o.line_points = 41;
    return o;
}

static void run_ok(const ll_data *D, const ll_toy_opts *o, ll_toy_result *r)
{
    ll_errbuf eb = {{0}};
    ll_status st = ll_toy_run(D, o, r, &eb);
    if (st < 0)
        fail_msg("toy run failed: %s", eb.msg);
    assert_int_equal(st, LL_STOP_PARAM);
}

static void transverse_eigenvalue_should_vanish_at_lambda_zero_without_alpha(void **state)
{
    (void)state;
    ll_data D = toy_data(300);
    ll_toy_opts o = small_opts(0.0);
    ll_toy_result r;
    run_ok(&D, &o, &r);
    assert_true(r.symmetric);
    assert_true(r.len > 2);
    assert_true(r.lambda[0] == 0.0);
    /* H0 = (v v^T) Sigma exactly annihilates e_T = (1,-1)/sqrt2: in floating
     * point only the rounding of the O(1) entries is left, ~1e-16 |H|. */
    assert_true(fabs(r.mu_T[0]) <= 1e-13 * fmax(1.0, fabs(r.mu_L[0])));
    assert_true(r.start_degenerate);
    /* ... while the restricted problem is regular (mu_L > 0). */
    assert_true(r.mu_L[0] > 0.1);
    ll_toy_result_free(&r);
    ll_data_free(&D);
}

static void line_restriction_should_be_even_by_the_swap_symmetry(void **state)
{
    (void)state;
    ll_data D = toy_data(300);
    ll_toy_opts o = small_opts(0.0);
    ll_toy_result r;
    run_ok(&D, &o, &r);
    for (size_t i = 0; i < r.n_line; i++) {
        const ll_toy_line *l = &r.lines[i];
        assert_int_equal(l->status, LL_OK);
        /* theta* + a e_T and theta* - a e_T are swapped images: L equal up
         * to rounding of sums of N O(1) terms, ~1e-16 L ~ 1e-17. */
        for (size_t k = 0; k < l->len; k++) {
            assert_true(l->a[k] == -l->a[l->len - 1 - k]);
            assert_true(fabs(l->phi[k] - l->phi[l->len - 1 - k]) < 1e-14);
        }
        /* c3 collects only the odd part: rounding 1e-16 / amax^3 */
        assert_true(fabs(l->c3) < 1e-12);
    }
    /* lambda > 0 with alpha = 0: mu_T < 0 at once (softening), so c2 < 0 */
    assert_true(r.lines[3].c2 < 0);
    ll_toy_result_free(&r);
    ll_data_free(&D);
}

static void transverse_and_longitudinal_should_be_the_full_eigenvalues(void **state)
{
    (void)state;
    ll_data D = toy_data(300);
    ll_toy_opts o = small_opts(0.05);
    ll_toy_result r;
    run_ok(&D, &o, &r);
    for (size_t k = 0; k < r.len; k++) {
        double lo = fmin(r.mu_T[k], r.mu_L[k]), hi = fmax(r.mu_T[k], r.mu_L[k]);
        double sc = fmax(1.0, fabs(hi));
        /* symmetric 2 x 2 with exactly equal diagonal: off-diagonal in the
         * rotated basis is rounding, eigenvalues agree to ~1e-15 sc */
        assert_true(fabs(r.offdiag[k]) < 1e-13 * sc);
        assert_true(fabs(lo - r.eig[2 * k]) < 1e-12 * sc);
        assert_true(fabs(hi - r.eig[2 * k + 1]) < 1e-12 * sc);
        assert_true(fabs(r.w1[k] - r.w2[k]) < 1e-14 * fmax(1, fabs(r.w1[k])));
        assert_int_equal(r.index[k], (r.eig[2 * k] < 0) + (r.eig[2 * k + 1] < 0));
        assert_true(r.grad_norm[k] < 1e-10);
    }
    ll_toy_result_free(&r);
    ll_data_free(&D);
}

static void symmetry_breaking_event_should_be_located_where_mu_T_changes_sign(void **state)
{
    (void)state;
    ll_data D = toy_data(300);
    ll_toy_opts o = small_opts(0.05);
    ll_toy_result r;
    run_ok(&D, &o, &r);
    assert_int_equal(r.n_events, 1);
    const ll_toy_event *e = &r.events[0];
    assert_string_equal(e->type, "symmetry_breaking");
    assert_int_equal(e->status, LL_OK);
    assert_true(e->locate_dp <= 1e-10);
    assert_int_equal(e->index_before, 0);
    assert_int_equal(e->index_after, 1);
    /* |mu_T| <= |dmu_T/dlambda| * locate_tol + Newton residue */
    assert_true(fabs(e->mu_T) <= fabs(e->dmuT_dlambda) * 1e-10 + 1e-12);
    /* the bracket: accepted points on both sides with opposite signs */
    size_t k = 0;
    while (k + 1 < r.len && r.lambda[k + 1] < e->lambda)
        k++;
    assert_true(r.mu_T[k] > 0 && r.mu_T[k + 1] < 0);
    /* The swap symmetry: g_p = g_aa = 0 to rounding; on the diagonal x' is
     * along e_L, so psi = x' and g_ap = e_T^T H_p e_T + D^3L[e_T,e_T,x'] =
     * d mu_T / d lambda: two routes (bordered solve vs scalar) to 1e-8. */
    assert_true(fabs(e->coef.g_aa) < 1e-12);
    assert_true(fabs(e->coef.g_p) < 1e-12);
    assert_true(ll_test_reldiff(e->coef.g_ap, e->dmuT_dlambda, 1e-300) < 1e-8);
    assert_int_equal(e->coef.normal_form, LL_NF_PITCHFORK);
    ll_toy_result_free(&r);
    ll_data_free(&D);
}

static void contour_lattice_should_equal_the_model_loss(void **state)
{
    (void)state;
    ll_data D = toy_data(300);
    ll_toy_opts o = small_opts(0.05);
    ll_toy_result r;
    ll_model *M = NULL;
    ll_model_opts mo = ll_model_opts_default();
    run_ok(&D, &o, &r);
    mo.width = 2;
    mo.alpha = 0.05;
    mo.v = o.v;
    assert_int_equal(ll_model_create(&M, &D, &mo, NULL), LL_OK);
    for (size_t c = 0; c < r.n_contour; c++) {
        const ll_toy_contour *ct = &r.contours[c];
        size_t G = ct->grid, pts[3][2] = {{0, 0}, {G / 2, 3}, {G - 1, G - 2}};
        assert_int_equal(ct->status, LL_OK);
        for (int q = 0; q < 3; q++) {
            double w[2] = {ct->w1[pts[q][0]], ct->w2[pts[q][1]]}, L;
            ll_model_loss(M, w, ct->lambda, &L);
            /* same sum in another order: ~N eps relative */
            assert_true(ll_test_reldiff(L, ct->L[pts[q][0] + G * pts[q][1]],
                                        1e-300) < 1e-12);
        }
        /* the centre of an odd lattice is the critical point */
        assert_true(fabs(ct->w1[G / 2] - ct->w[0]) < 1e-12);
    }
    ll_model_destroy(M);
    ll_toy_result_free(&r);
    ll_data_free(&D);
}

static void asymmetric_v_should_run_the_full_problem_or_refuse_alpha_zero(void **state)
{
    (void)state;
    ll_data D = toy_data(300);
    ll_toy_opts o = small_opts(0.01);
    ll_toy_result r;
    ll_errbuf eb = {{0}};
    o.v[1] = 0.5;
    run_ok(&D, &o, &r);
    assert_false(r.symmetric);
    assert_true(r.len > 2);
    ll_toy_result_free(&r);
    o.alpha = 0.0;
    assert_int_equal(ll_toy_run(&D, &o, &r, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "singular"));
    ll_toy_result_free(&r);
    ll_data_free(&D);
}

static void bad_inputs_should_be_refused_with_a_message(void **state)
{
    (void)state;
    ll_data D = {0};
    ll_gen_opts g = ll_gen_opts_default();
    ll_toy_opts o = small_opts(0.0);
    ll_toy_result r;
    ll_errbuf eb = {{0}};
    g.n = 50;
    assert_int_equal(ll_data_generate(&D, &g, NULL), LL_OK); /* d = 5 */
    assert_int_equal(ll_toy_run(&D, &o, &r, &eb), LL_ERR_DATA);
    assert_non_null(strstr(eb.msg, "d = 5"));
    ll_toy_result_free(&r);
    ll_data_free(&D);
    D = toy_data(50);
    o.line_points = 40;
    assert_int_equal(ll_toy_run(&D, &o, &r, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "line_points"));
    ll_toy_result_free(&r);
    ll_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(transverse_eigenvalue_should_vanish_at_lambda_zero_without_alpha),
        cmocka_unit_test(line_restriction_should_be_even_by_the_swap_symmetry),
        cmocka_unit_test(transverse_and_longitudinal_should_be_the_full_eigenvalues),
        cmocka_unit_test(symmetry_breaking_event_should_be_located_where_mu_T_changes_sign),
        cmocka_unit_test(contour_lattice_should_equal_the_model_loss),
        cmocka_unit_test(asymmetric_v_should_run_the_full_problem_or_refuse_alpha_zero),
        cmocka_unit_test(bad_inputs_should_be_refused_with_a_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
