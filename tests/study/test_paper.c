/* The `paper` study (src/study/paper*.c): the verdict rule (equal to the
 * paper's printed digits / within 10 % / differs), the interpolation of the
 * branch before an event, the table's values taken from the results
 * (ll_paper_run on a reduced problem: N = 200, widths 3, 5, 10, toy
 * N = 400, two a values, one other draw; about a second), and
 * cancellation. */
#include "testutil.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "losslab/paper.h"
#include "study/paper_internal.h"

static const size_t WIDTHS[] = {3, 5, 10};
static const double AVALS[] = {0.5, 1.0};

static ll_paper_opts small_opts(void)
{
    ll_paper_opts o = ll_paper_opts_default();
    o.data.gen.n = 200;
    o.toy_data.gen.n = 400;
    o.widths.widths = WIDTHS, o.widths.n_widths = 3;
    o.phase.a = AVALS, o.phase.n_a = 2;
    o.toy.grid = 21;
    o.seed_draws = 1;
    o.hooks.jobs = 2;
    return o;
}

static void verdict_should_agree_only_to_the_printed_digits(void **state)
{
    static ll_paper_result r;
    (void)state;
    /* "0.721" prints 3 decimals: agreement means |diff| <= 5e-4. */
    ll_paper_row *w = ll_paper_row_add(&r, "k", "q", "Exp 2", "f", 0.721,
                                       "0.721", "");
    w->losslab = 0.7214;
    ll_paper_row_verdict(w);
    assert_int_equal(w->verdict, LL_PAPER_AGREES);
    w->losslab = 0.7216;
    ll_paper_row_verdict(w);
    assert_int_equal(w->verdict, LL_PAPER_CLOSE);
    w->losslab = 0.8053;
    ll_paper_row_verdict(w);
    assert_int_equal(w->verdict, LL_PAPER_DIFFERS);
    assert_true(fabs(w->rel_diff - (0.8053 - 0.721) / 0.721) < 1e-15);
    /* "-0.0705": half a unit of the 4th decimal. */
    w = ll_paper_row_add(&r, "K", "q", "Exp 5", "f", -0.0705, "-0.0705", "");
    w->losslab = -0.07054;
    ll_paper_row_verdict(w);
    assert_int_equal(w->verdict, LL_PAPER_AGREES);
    w->losslab = NAN;
    ll_paper_row_verdict(w);
    assert_int_equal(w->verdict, LL_PAPER_NA);
}

static void branch_mu_should_interpolate_on_the_arm_before_the_event(void **s)
{
    /* A branch that reaches p = 1 at s = 1 and turns back (a fold). */
    double p[] = {0, 0.5, 1, 0.9}, sv[] = {0, 0.5, 1, 1.1};
    double mu[] = {1, 0.5, 0, -0.1};
    ll_branch b;
    (void)s;
    memset(&b, 0, sizeof b);
    b.len = 4, b.n_eigs = 1, b.p = p, b.s = sv, b.mu = mu;
    assert_true(fabs(ll_paper_branch_mu_at(&b, 1.0, 0.25, 0) - 0.75) < 1e-15);
    /* p = 0.95 lies on both arms; only the one before s = 1 counts. */
    assert_true(fabs(ll_paper_branch_mu_at(&b, 1.0, 0.95, 0) - 0.05) < 1e-15);
    assert_true(isnan(ll_paper_branch_mu_at(&b, 1.0, 1.5, 0)));
}

static const ll_paper_row *find(const ll_paper_result *r, const char *key)
{
    for (size_t i = 0; i < r->n_rows; i++)
        if (!strcmp(r->rows[i].key, key))
            return &r->rows[i];
    fail_msg("no row %s", key);
    return NULL;
}

static void rows_should_carry_the_values_of_the_results(void **state)
{
    ll_paper_opts o = small_opts();
    ll_paper_result r;
    ll_errbuf eb = {{0}};
    (void)state;
    ll_status st = ll_paper_run(&o, &r, &eb);
    if (st != LL_OK)
        fail_msg("ll_paper_run: %s", eb.msg);
    assert_true(r.widths.fit.status == LL_OK);
    assert_true(find(&r, "K")->losslab == r.widths.fit.K);
    assert_true(find(&r, "slope")->losslab == r.widths.fit.slope);
    assert_true(r.coeffs.have_event);
    assert_true(find(&r, "lambda_star")->losslab ==
                r.coeffs.trace.cont.events[0].p);
    assert_true(find(&r, "ratio_aa_aaa")->losslab == r.coeffs.coef.ratio_aa_aaa);
    /* Every width with an event is named in the crossings row. */
    const ll_paper_row *c = find(&r, "crossings");
    for (size_t i = 0; i < r.widths.n; i++)
        if (r.widths.items[i].n_events) {
            char m[16];
            snprintf(m, sizeof m, "%g", r.widths.items[i].param);
            assert_non_null(strstr(c->losslab_text, m));
        }
    /* A difference is always explained. */
    for (size_t i = 0; i < r.n_rows; i++)
        if (r.rows[i].verdict == LL_PAPER_DIFFERS && !r.rows[i].note[0])
            fail_msg("row %s differs without a note", r.rows[i].key);
    assert_int_equal(r.n_draws, 1);
    assert_true(isfinite(r.draw_K[0]));
    ll_paper_result_free(&r);
}

static void paper_should_stop_when_cancelled(void **state)
{
    static volatile sig_atomic_t stop = 1;
    ll_paper_opts o = small_opts();
    ll_paper_result r;
    ll_errbuf eb = {{0}};
    (void)state;
    o.hooks.cancel = &stop;
    assert_int_equal(ll_paper_run(&o, &r, &eb), LL_STOP_CANCEL);
    assert_int_equal(r.n_rows, 0);
    ll_paper_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(verdict_should_agree_only_to_the_printed_digits),
        cmocka_unit_test(branch_mu_should_interpolate_on_the_arm_before_the_event),
        cmocka_unit_test(rows_should_carry_the_values_of_the_results),
        cmocka_unit_test(paper_should_stop_when_cancelled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
