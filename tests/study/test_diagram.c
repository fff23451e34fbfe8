/* The diagram study on problems whose branches are known in closed form:
 * the pitchfork and transcritical objectives of tests/bif/switch_toy.h, an
 * S_3-symmetric objective with a double crossing (sym_toy.h), and the
 * symmetric toy network of the paper (d = 1, m = 2, v = (1, 1), alpha = 0),
 * whose start at lambda = 0 is itself degenerate. */
#include "testutil.h"

#include <math.h>

#include "../bif/switch_toy.h"
#include "losslab/diagram.h"
#include "losslab/model.h"
#include "sym_toy.h"

/* Start on the known branch of switch_toy at p0: x = R (kap, e, s e) p0. */
static void known_point(const toy *t, const sw_par *P, double p0, double *x)
{
    double y[3] = {P->kap * p0, P->e * p0, P->s * P->e * p0};
    toy_to_x(t, y, x);
}

static ll_diagram_opts toy_opts(void)
{
    ll_diagram_opts o = ll_diagram_opts_default();
    o.cont.p_min = -0.5, o.cont.p_max = 0.5;
    o.cont.ds0 = 0.01, o.cont.ds_max = 0.05;
    o.depth = 1;
    return o;
}

static void pitchfork_diagram_should_find_two_minima_with_sqrt_amplitude(
    void **state)
{
    (void)state;
    /* kap = 0.3: the known branch is tilted towards phi (phi^T dx/dp
     * != 0), so the new branches cross the location's arc hyperplanes
     * close to the branch point; the location must stay on the known
     * branch (tests/cont/test_locate_bp.c) */
    sw_par P = sw_par_default(0.0, 1.5, 0.3);
    toy t;
    sw_toy_init(&t, &P, 11);
    ll_problem pb = toy_problem(&t);
    double x0[3];
    known_point(&t, &P, -0.5, x0);
    ll_diagram_opts o = toy_opts();
    o.cont.bif.z2_declared = 1;
    ll_diagram_result r;
    ll_errbuf eb = {{0}};
    assert_true(ll_diagram_run(&pb, x0, -0.5, &o, &r, &eb) >= 0);
    assert_int_equal(r.n_branches, 3);
    assert_true(r.n_events >= 1);
    const ll_diagram_event *E = &r.events[0];
    const ll_event *ev = ll_diagram_event_at(&r, 0);
    assert_int_equal(ev->type, LL_EVENT_BRANCH_POINT);
    assert_true(fabs(ev->p) < 1e-9);
    assert_int_equal(E->n_born, 2);
    assert_int_equal(E->known_index_minus, 0);
    assert_int_equal(E->known_index_plus, 1);
    assert_int_equal(E->degree_ok, 1);
    assert_int_equal(E->normal_form_ok, 1);
    assert_non_null(strstr(E->statement, "two minima born"));
    assert_non_null(strstr(E->statement, "becomes index 1"));
    for (size_t c = 0; c < 2; c++) {
        const ll_diagram_branch *B = &r.branches[E->born[c]];
        const ll_branch *b = &B->cont.branch;
        assert_true(B->mu0 > 0.0); /* supercritical side */
        size_t checked = 0;
        for (size_t i = 0; i < b->len; i++) {
            assert_int_equal(b->index[i], 0); /* index 0 all along */
            double y[3], mu = b->p[i] - ev->p;
            toy_to_y(&t, b->x + i * 3, y);
            double A = y[0] - P.kap * b->p[i];
            if (mu > 0.0 && mu < 0.05) {
                /* amplitude^2 against -6 g_ap mu / g_aaa to first order:
                 * the relative error is O(mu), here 2 mu is generous */
                double rel = A * A / (ev->coef.branch_quad * mu) - 1.0;
                assert_true(fabs(rel) < 2.0 * mu + 1e-8);
                checked++;
            }
        }
        assert_true(checked >= 2);
    }
    ll_diagram_result_free(&r);
}

static void transcritical_diagram_should_exchange_stability(void **state)
{
    (void)state;
    sw_par P = sw_par_default(0.8, 0.0, 0.3);
    toy t;
    sw_toy_init(&t, &P, 5);
    ll_problem pb = toy_problem(&t);
    double x0[3];
    known_point(&t, &P, -0.5, x0);
    ll_diagram_opts o = toy_opts();
    ll_diagram_result r;
    ll_errbuf eb = {{0}};
    assert_true(ll_diagram_run(&pb, x0, -0.5, &o, &r, &eb) >= 0);
    const ll_diagram_event *E = &r.events[0];
    assert_int_equal(ll_diagram_event_at(&r, 0)->coef.normal_form,
                     LL_NF_TRANSCRITICAL);
    assert_int_equal(E->n_born, 2);
    assert_int_equal(E->known_index_minus, 0);
    assert_int_equal(E->known_index_plus, 1);
    assert_int_equal(E->normal_form_ok, 1);
    assert_int_equal(E->degree_ok, 1);
    for (size_t c = 0; c < 2; c++) {
        const ll_diagram_branch *B = &r.branches[E->born[c]];
        /* the new branch A = p/g: index 1 for p < 0, 0 for p > 0 */
        assert_int_equal(B->index0, B->mu0 < 0 ? 1 : 0);
        const ll_branch *b = &B->cont.branch;
        double y[3];
        toy_to_y(&t, b->x + (b->len - 1) * 3, y);
        double p = b->p[b->len - 1];
        assert_true(fabs(y[0] - P.kap * p - p / P.g) < 1e-9);
    }
    ll_diagram_result_free(&r);
}

static void double_crossing_should_be_resolved_in_the_fixed_point_subspace(
    void **state)
{
    (void)state;
    sym_toy T = {0.5, 1.0, 1.0};
    ll_problem pb = sym_problem(&T);
    double x0[3] = {0, 0, 0}, h = 1.0 / sqrt(2.0);
    double S2[6] = {h, h, 0, 0, 0, 1}; /* u1 = u2 */
    ll_diagram_subspace sub = {S2, 2, "S2 x S1: u1 = u2", 3};
    ll_diagram_opts o = toy_opts();
    o.subspaces = &sub, o.n_subspaces = 1;
    ll_diagram_result r;
    ll_errbuf eb = {{0}};
    assert_true(ll_diagram_run(&pb, x0, -0.5, &o, &r, &eb) >= 0);
    const ll_diagram_event *E = &r.events[0];
    const ll_event *ev = ll_diagram_event_at(&r, 0);
    assert_int_equal(ev->type, LL_EVENT_MULTIPLE_BP);
    assert_int_equal(ev->index_before, 0);
    assert_int_equal(ev->index_after, 2);
    assert_int_equal(E->n_born, 2);
    for (size_t c = 0; c < 2; c++) {
        const ll_diagram_branch *B = &r.branches[E->born[c]];
        assert_int_equal(B->subspace, 0);
        const ll_branch *b = &B->cont.branch;
        const double *u = b->x + (b->len - 1) * 3;
        /* in Fix(S2) (u1 = u2; continuation in the full space keeps it to
         * rounding, the Jacobian being equivariant) and off the trivial
         * branch */
        assert_true(fabs(u[0] - u[1]) < 1e-8);
        assert_true(fabs(u[0] - u[2]) > 1e-3);
    }
    /* the degree over the 3 conjugate copies is conserved */
    assert_int_equal(E->degree_ok, 1);
    ll_diagram_result_free(&r);
}

/* N quantiles of N(0, 1) by the inverse of a logistic approximation is
 * enough: any symmetric sample works. y = tanh(1.5 x). */
static void symmetric_toy_should_report_the_event_at_the_linear_end(
    void **state)
{
    (void)state;
    enum { N = 200 };
    double X[N], y[N], v[2] = {1, 1};
    for (int i = 0; i < N; i++) {
        double q = (i + 0.5) / N;
        X[i] = 0.6 * log(q / (1 - q));
        y[i] = tanh(1.5 * X[i]);
    }
    ll_data D = {0};
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_data_from_arrays(&D, N, 1, X, y, &eb), LL_OK);
    ll_model_opts mo = ll_model_opts_default();
    mo.width = 2, mo.alpha = 0.0, mo.v = v;
    ll_model *M = NULL;
    assert_int_equal(ll_model_create(&M, &D, &mo, &eb), LL_OK);
    ll_problem pb;
    ll_model_problem(M, &pb);
    double th0[2], h = 1.0 / sqrt(2.0), S[2] = {h, h};
    assert_int_equal(ll_model_linear_start(M, th0, &eb), LL_OK);
    ll_diagram_subspace diag = {S, 1, "S2: w1 = w2", 1};
    ll_diagram_opts o = ll_diagram_opts_default();
    o.cont.p_min = 0.0, o.cont.p_max = 1.0;
    o.start_sub = &diag;
    o.depth = 1;
    ll_diagram_result r;
    assert_true(ll_diagram_run(&pb, th0, 0.0, &o, &r, &eb) >= 0);
    assert_int_equal(r.has_start_event, 1);
    size_t i = 0;
    while (i < r.n_events && !r.events[i].at_start)
        i++;
    assert_true(i < r.n_events);
    const ll_event *ev = ll_diagram_event_at(&r, i);
    assert_int_equal(ev->type, LL_EVENT_BRANCH_POINT);
    assert_true(ev->p == 0.0);
    assert_int_equal(ev->index_before, -1);
    assert_true(fabs(ev->mu1) < 1e-9);
    /* the transverse direction w1 - w2 is the kernel */
    assert_true(fabs(fabs(ev->phi[0]) - h) < 1e-9);
    assert_true(fabs(ev->phi[0] + ev->phi[1]) < 1e-9);
    ll_diagram_result_free(&r);
    ll_model_destroy(M);
    ll_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            pitchfork_diagram_should_find_two_minima_with_sqrt_amplitude),
        cmocka_unit_test(transcritical_diagram_should_exchange_stability),
        cmocka_unit_test(
            double_crossing_should_be_resolved_in_the_fixed_point_subspace),
        cmocka_unit_test(
            symmetric_toy_should_report_the_event_at_the_linear_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
