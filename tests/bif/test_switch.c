/* Branch switching (ll_bif_switch) on the constructed objectives of
 * switch_toy.h, whose branches are known in closed form: a pitchfork
 * (A^2 = p/k) and a transcritical (A = p/g), both with a tilted known branch
 * (a = kap p) and curved slaved coordinates, seen through a rotation. */
#include "testutil.h"

#include <math.h>

#include "bif/switch_internal.h"
#include "losslab/bif.h"
#include "switch_toy.h"

/* Newton converges to ||F|| <= 1e-12; the closed-form relations of the
 * branch (A^2 - p/k, A - p/g, r, u) are smooth in x with O(1) derivatives,
 * so they hold to ~1e-12 too; 1e-9 leaves margin for the rotation. */
#define TOL 1e-9

typedef struct setup {
    toy t;
    sw_par P;
    ll_problem pb;
    double phi[3], kt[4], xs[3];
    ll_lscoef c;
    double s; /* phi = s R e0 */
} setup;

/* Coefficients at the branch point (x*, p*) = (0, 0) and the exact tangent
 * of the known branch, (R (kap, e, s e), 1). */
static void setup_init(setup *S, sw_par P, int z2)
{
    S->P = P;
    sw_toy_init(&S->t, &S->P, 7);
    S->pb = toy_problem(&S->t);
    double e0[3] = {1, 0, 0}, ky[3] = {P.kap, P.e, P.s * P.e};
    memset(S->xs, 0, sizeof S->xs);
    toy_to_x(&S->t, e0, S->phi);
    toy_to_x(&S->t, ky, S->kt);
    S->kt[3] = 1.0;
    ll_bif_opts bo = ll_bif_opts_default();
    bo.z2_declared = z2;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_bif_coefficients(&S->pb, S->xs, 0.0, S->phi, &bo,
                                         &S->c, &eb), LL_OK);
    double y[3];
    toy_to_y(&S->t, S->phi, y);
    S->s = y[0] > 0 ? 1.0 : -1.0;
}

/* y-coordinates of X and the residuals of the slaved relations. */
static void check_slaved(const setup *S, const double *X, double *A)
{
    double y[3];
    toy_to_y(&S->t, X, y);
    double p = X[3];
    *A = y[0] - S->P.kap * p;
    double r = y[1] - S->P.q * *A * *A - S->P.e * p, u = y[2] - S->P.s * y[1];
    assert_true(fabs(r) < TOL && fabs(u) < TOL);
}

static void switch_toy_should_match_central_differences(void **state)
{
    (void)state;
    setup S;
    setup_init(&S, sw_par_default(0.8, 1.5, 0.3), 0);
    assert_true(toy_fd_error(&S.pb, 3) < 1e-6);
}

static void pitchfork_switch_should_land_on_both_halves(void **state)
{
    (void)state;
    setup S;
    setup_init(&S, sw_par_default(0.0, 1.5, 0.3), 1);
    assert_int_equal(S.c.normal_form, LL_NF_PITCHFORK);
    for (int side = -1; side <= 1; side += 2) {
        double X[4], t[4], A;
        ll_switch_info info;
        ll_errbuf eb = {{0}};
        assert_int_equal(ll_bif_switch(&S.pb, S.xs, 0.0, S.phi, &S.c, S.kt,
                                       side, NULL, X, t, &info, &eb), LL_OK);
        check_slaved(&S, X, &A);
        assert_true(fabs(A * A - X[3] / S.P.k) < TOL);
        assert_true(X[3] > 0.0);                  /* supercritical, k > 0 */
        assert_true(A * S.s * side > 0.0);        /* on the asked side */
        assert_int_equal(info.method, LL_SWITCH_PREDICTOR);
        assert_true(fabs(info.r_known - S.P.kap) < 1e-12);
        double tphi = 0.0;
        for (int i = 0; i < 3; i++)
            tphi += t[i] * S.phi[i];
        assert_true(tphi * side > 0.5); /* outward, nearly along phi */
    }
}

static void pitchfork_switch_should_work_without_the_known_tangent(
    void **state)
{
    (void)state;
    setup S;
    setup_init(&S, sw_par_default(0.0, -2.0, 0.3), 1);
    double X[4], t[4], A;
    ll_switch_info info;
    ll_errbuf eb = {{0}};
    /* r1 is then taken from psi (0), the known branch's true slope is 0.3:
     * the prediction is off by O(kap mu), which Newton absorbs. */
    assert_int_equal(ll_bif_switch(&S.pb, S.xs, 0.0, S.phi, &S.c, NULL, 1,
                                   NULL, X, t, &info, &eb), LL_OK);
    check_slaved(&S, X, &A);
    assert_true(fabs(A * A - X[3] / S.P.k) < TOL);
    assert_true(X[3] < 0.0); /* subcritical for k < 0 */
}

static void transcritical_switch_should_find_the_other_branch_on_both_sides(
    void **state)
{
    (void)state;
    setup S;
    setup_init(&S, sw_par_default(0.8, 0.0, 0.3), 0);
    assert_int_equal(S.c.normal_form, LL_NF_TRANSCRITICAL);
    double ps[2];
    for (int side = -1; side <= 1; side += 2) {
        double X[4], t[4], A;
        ll_switch_info info;
        ll_errbuf eb = {{0}};
        assert_int_equal(ll_bif_switch(&S.pb, S.xs, 0.0, S.phi, &S.c, S.kt,
                                       side, NULL, X, t, &info, &eb), LL_OK);
        check_slaved(&S, X, &A);
        assert_true(fabs(A - X[3] / S.P.g) < TOL);
        assert_true(fabs(A) > 1e-3); /* not the known branch A = 0 */
        /* r2 - r1 = 1/g exactly; the coefficients are exact to rounding */
        assert_true(fabs(info.r_new - info.r_known - 1.0 / S.P.g) < 1e-10);
        ps[side > 0] = X[3];
    }
    assert_true(ps[0] * ps[1] < 0.0); /* the two halves: mu < 0 and mu > 0 */
}

static void degenerate_verdict_should_use_the_hyperplane(void **state)
{
    (void)state;
    setup S;
    setup_init(&S, sw_par_default(0.0, 1.5, 0.3), 1);
    ll_lscoef c = S.c;
    c.normal_form = LL_NF_DEGENERATE; /* no usable prediction */
    double X[4], t[4], A;
    ll_switch_info info;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_bif_switch(&S.pb, S.xs, 0.0, S.phi, &c, S.kt, 1,
                                   NULL, X, t, &info, &eb), LL_OK);
    assert_int_equal(info.method, LL_SWITCH_HYPERPLANE);
    check_slaved(&S, X, &A);
    assert_true(fabs(A * A - X[3] / S.P.k) < TOL && fabs(A) > 1e-3);
}

/* The deflated corrector on the pitchfork toy with the constraint p = 0.06:
 * from A = 0.02 plain Newton falls onto the known branch A = 0 (the
 * iteration A -> A - (k A^3 - p A)/(3 k A^2 - p) contracts to 0 for
 * A^2 < p/(3k)... here 0.0004 < 0.0133); deflating that point sends it to
 * A = +-sqrt(p/k). */
static void deflation_should_push_newton_off_the_known_solution(void **state)
{
    (void)state;
    setup S;
    setup_init(&S, sw_par_default(0.0, 1.5, 0.0), 1);
    ll_switch_ws w;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_switch_ws_init(&w, &S.pb, &eb), LL_OK);
    w.ftol = 1e-12, w.maxit = 40;
    double c[4] = {0, 0, 0, 1}, p = 0.06, y0[3], X[4], Xk[4], its_A;
    int its = 0;
    double y[3] = {0.02, S.P.q * 0.0004 + S.P.e * p, 0};
    y[2] = S.P.s * y[1];
    toy_to_x(&S.t, y, y0);
    memcpy(X, y0, sizeof y0), X[3] = p;
    assert_int_equal(ll_switch_newton(&w, X, c, p, NULL, 0, &its), LL_OK);
    check_slaved(&S, X, &its_A);
    assert_true(fabs(its_A) < TOL);
    memcpy(Xk, X, sizeof Xk);
    memcpy(X, y0, sizeof y0), X[3] = p;
    assert_int_equal(ll_switch_newton(&w, X, c, p, Xk, 1, &its), LL_OK);
    check_slaved(&S, X, &its_A);
    assert_true(fabs(its_A * its_A - p / S.P.k) < TOL);
    ll_switch_ws_free(&w);
}

static void switch_should_refuse_a_fold(void **state)
{
    (void)state;
    setup S;
    setup_init(&S, sw_par_default(0.0, 1.5, 0.3), 1);
    ll_lscoef c = S.c;
    c.normal_form = LL_NF_FOLD;
    double X[4], t[4];
    ll_switch_info info;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_bif_switch(&S.pb, S.xs, 0.0, S.phi, &c, S.kt, 1,
                                   NULL, X, t, &info, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "fold"));
    assert_string_equal(ll_switch_method_str(LL_SWITCH_DEFLATION),
                        "deflation");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(switch_toy_should_match_central_differences),
        cmocka_unit_test(pitchfork_switch_should_land_on_both_halves),
        cmocka_unit_test(pitchfork_switch_should_work_without_the_known_tangent),
        cmocka_unit_test(
            transcritical_switch_should_find_the_other_branch_on_both_sides),
        cmocka_unit_test(degenerate_verdict_should_use_the_hyperplane),
        cmocka_unit_test(deflation_should_push_newton_off_the_known_solution),
        cmocka_unit_test(switch_should_refuse_a_fold),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
