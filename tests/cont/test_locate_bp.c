/* Event location at a branch point whose known branch is tilted towards
 * the kernel (phi^T dx/dp = kap != 0), on the constructed objectives of
 * tests/bif/switch_toy.h: the known branch is a = kap p, b = e p, c = s e p
 * (in rotated coordinates), the branch point is at (x, p) = (0, 0), and
 * another branch (A^2 = p/k, or A = p/g) crosses the arc hyperplanes of the
 * location close to it. The location must stay on the known branch: before
 * the fix it slipped onto the new branch for some steps and starts (e.g.
 * pitchfork, kap = 0.3, seed 6, p0 = -0.5, ds0 = 0.1: "located" at
 * p = 6.8e-6, |x*| = 2e-3, with a fold verdict), and in 18 of the
 * 1536 cases of the sweep below it reported x* off by up to 2e-6.
 *
 * Tolerances: |p*| <= 1e-10 is the location tolerance (locate_tol). x* is
 * then within ~|p*| |dx/dp| plus the corrector's residual over the smallest
 * singular value of the bordered system (the point is re-corrected to
 * 1e-14 gscale): 1e-8 is a generous bound that a point of the other branch
 * (at distance ~ sqrt(|p|/k) or |p|/g from the known one, i.e. >= 1e-5 for
 * any |p| >= 1e-10) cannot meet while |p*| <= 1e-10 holds. */
#include "testutil.h"

#include <math.h>
#include <stdint.h>

#include "../bif/switch_toy.h"
#include "losslab/cont.h"
#include "losslab/linalg.h"

typedef struct loc_case {
    double g, k, kap, ds0, p0;
    uint64_t seed;
} loc_case;

/* Trace the known branch from p0 through p = 0 and return its one event
 * (copied out; the result is freed). */
static void trace_case(const loc_case *c, ll_cont_result *r)
{
    sw_par P = sw_par_default(c->g, c->k, c->kap);
    toy t;
    sw_toy_init(&t, &P, c->seed);
    ll_problem pb = toy_problem(&t);
    double y[3] = {c->kap * c->p0, P.e * c->p0, P.s * P.e * c->p0}, x0[3];
    toy_to_x(&t, y, x0);
    ll_cont_opts o = ll_cont_opts_default();
    o.p_min = -0.5, o.p_max = 0.5, o.ds0 = c->ds0;
    o.ds_max = c->ds0 > 0.05 ? c->ds0 : 0.05;
    o.store_points = 1;
    o.bif.z2_declared = c->g == 0.0;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_cont_run(&pb, x0, c->p0, &o, r, &eb), LL_STOP_PARAM);
}

static void assert_located_on_known_branch(const loc_case *c)
{
    ll_cont_result r;
    trace_case(c, &r);
    assert_int_equal(r.n_events, 1);
    const ll_event *e = &r.events[0];
    if (!e->located || fabs(e->p) > 1e-10 || ll_nrm2(3, e->x) > 1e-8)
        fail_msg("g %g k %g kap %g ds0 %g p0 %g seed %d: located %d at "
                 "p = %.3g, |x| = %.3g (%s)", c->g, c->k, c->kap, c->ds0,
                 c->p0, (int)c->seed, e->located, e->p, ll_nrm2(3, e->x),
                 e->reason);
    assert_int_equal(e->type, LL_EVENT_BRANCH_POINT);
    assert_int_equal(e->index_before, 0);
    assert_int_equal(e->index_after, 1);
    assert_int_equal(e->status, LL_OK);
    ll_cont_result_free(&r);
}

static void tilted_pitchfork_case_that_slipped_should_be_located_on_the_known_branch(
    void **state)
{
    (void)state;
    loc_case c = {0.0, 1.5, 0.3, 0.1, -0.5, 6};
    assert_located_on_known_branch(&c);
    ll_cont_result r;
    trace_case(&c, &r);
    /* the Z2 symmetry is declared: the verdict is a pitchfork */
    assert_int_equal(r.events[0].coef.normal_form, LL_NF_PITCHFORK);
    ll_cont_result_free(&r);
}

/* Every combination of tilt, first step, start and rotation: the location
 * lands at the branch point or nowhere; here it must land. */
static void branch_points_should_be_located_on_the_known_branch_for_any_tilt(
    void **state)
{
    (void)state;
    const double kaps[] = {0.0, 0.3, 1.0, 3.0};
    const double ds[] = {0.01, 0.02, 0.05, 0.1};
    const double p0s[] = {-0.5, -0.3, -0.123, -0.0371};
    const double gk[3][2] = {{0.0, 1.5}, {0.8, 0.0}, {0.8, 1.5}};
    for (int f = 0; f < 3; f++)
        for (uint64_t seed = 1; seed <= 8; seed++)
            for (int q = 0; q < 4; q++)
                for (int i = 0; i < 4; i++)
                    for (int j = 0; j < 4; j++) {
                        loc_case c = {gk[f][0], gk[f][1], kaps[i], ds[j],
                                      p0s[q], seed};
                        assert_located_on_known_branch(&c);
                    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            tilted_pitchfork_case_that_slipped_should_be_located_on_the_known_branch),
        cmocka_unit_test(
            branch_points_should_be_located_on_the_known_branch_for_any_tilt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
