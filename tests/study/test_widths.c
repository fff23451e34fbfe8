/* The width sweep (src/study/widths.c, sweep.c) on a small generated
 * problem (d = 5, N = 200, widths 3, 5, 8): every item equals the trace
 * study run on its own (same numbers bit for bit: the sweep only schedules
 * it), results do not depend on the number of threads, items already done
 * are skipped, and max_items / the cancel flag stop the sweep with the
 * finished items kept. */
#include "testutil.h"

#include <math.h>
#include <signal.h>
#include <string.h>

#include "losslab/losslab.h"
#include "losslab/sweep.h"

static const size_t W3[] = {3, 5, 8};

static ll_data data200(void)
{
    ll_data D = {0};
    ll_gen_opts g = ll_gen_opts_default();
    g.n = 200;
    assert_int_equal(ll_data_generate(&D, &g, NULL), LL_OK);
    return D;
}

static ll_widths_opts opts3(int jobs)
{
    ll_widths_opts o = ll_widths_opts_default();
    o.widths = W3, o.n_widths = 3;
    o.trace.cont.compute_coefs = 0;
    o.hooks.jobs = jobs;
    return o;
}

static void run3(const ll_data *D, const ll_widths_opts *o, ll_sweep_result *r,
                 ll_status want)
{
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_widths_result_init(r, o, &eb), LL_OK);
    ll_status st = ll_widths_run(D, o, r, &eb);
    if (st != want)
        fail_msg("status %d: %s", st, eb.msg);
}

static void item_should_equal_the_trace_study_of_its_width(void **st)
{
    (void)st;
    ll_data D = data200();
    ll_widths_opts o = opts3(2);
    ll_sweep_result r;
    run3(&D, &o, &r, LL_OK);
    assert_int_equal(r.n_done, 3);
    for (size_t i = 0; i < 3; i++) {
        double v[8];
        ll_trace_opts t = o.trace;
        ll_trace_result tr;
        ll_v_spec_values(NULL, W3[i], v, NULL);
        t.model.width = W3[i], t.model.v = v;
        ll_trace_run(&D, &t, &tr, NULL);
        const ll_sweep_item *it = &r.items[i];
        assert_true(it->done && it->width == W3[i]);
        assert_true(it->lambda1_prime0 == tr.lambda1_prime0);
        assert_true(it->lambda_star_predicted == tr.lambda_star_predicted);
        assert_int_equal(it->n_events, tr.cont.n_events);
        assert_int_equal(it->len, tr.cont.branch.len);
        for (size_t e = 0; e < it->n_events; e++)
            assert_true(it->events[e].lambda == tr.cont.events[e].p);
        /* mu_min(0) = alpha at the start (MATH.md section 1). */
        assert_true(fabs(it->mu_min0 - o.trace.model.alpha) < 1e-12);
        ll_trace_result_free(&tr);
    }
    assert_int_equal(r.fit.status, LL_OK);
    ll_sweep_result_free(&r);
    ll_data_free(&D);
}

static void results_should_not_depend_on_the_number_of_threads(void **st)
{
    (void)st;
    ll_data D = data200();
    ll_sweep_result a, b;
    ll_widths_opts o1 = opts3(1), o3 = opts3(3);
    run3(&D, &o1, &a, LL_OK);
    run3(&D, &o3, &b, LL_OK);
    for (size_t i = 0; i < 3; i++) {
        const ll_sweep_item *x = &a.items[i], *y = &b.items[i];
        assert_true(x->lambda1_prime0 == y->lambda1_prime0);
        assert_int_equal(x->n_events, y->n_events);
        assert_int_equal(x->len, y->len);
        assert_memory_equal(x->mu1, y->mu1, x->len * sizeof(double));
        for (size_t e = 0; e < x->n_events; e++)
            assert_true(x->events[e].lambda == y->events[e].lambda &&
                        x->events[e].kernel_ratio == y->events[e].kernel_ratio);
    }
    assert_true(a.fit.K == b.fit.K && a.fit.K2 == b.fit.K2);
    ll_sweep_result_free(&a), ll_sweep_result_free(&b);
    ll_data_free(&D);
}

typedef struct count_ctx {
    int done[3];
} count_ctx;

static int count_done(void *user, size_t idx, const ll_sweep_item *it)
{
    count_ctx *c = user;
    assert_true(it->done);
    c->done[idx]++;
    return 0;
}

static void max_items_should_stop_and_a_rerun_should_finish_the_rest(void **st)
{
    (void)st;
    ll_data D = data200();
    ll_widths_opts o = opts3(1);
    ll_sweep_result r;
    count_ctx c = {{0}};
    o.hooks.max_items = 1, o.hooks.on_done = count_done, o.hooks.user = &c;
    run3(&D, &o, &r, LL_STOP_CANCEL);
    assert_int_equal(r.n_done, 1);
    assert_true(r.cancelled);
    /* Largest width first: the one done is m = 8. */
    assert_true(r.items[2].done && !r.items[0].done && !r.items[1].done);
    o.hooks.max_items = 0;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_widths_run(&D, &o, &r, &eb), LL_OK);
    assert_int_equal(r.n_done, 3);
    assert_int_equal(r.n_run, 2);
    /* on_done ran exactly once per item over the two calls. */
    assert_true(c.done[0] == 1 && c.done[1] == 1 && c.done[2] == 1);
    ll_sweep_result_free(&r);
    ll_data_free(&D);
}

static void cancel_flag_should_stop_before_any_item(void **st)
{
    (void)st;
    static volatile sig_atomic_t stop = 1;
    ll_data D = data200();
    ll_widths_opts o = opts3(2);
    ll_sweep_result r;
    o.hooks.cancel = &stop;
    run3(&D, &o, &r, LL_STOP_CANCEL);
    assert_int_equal(r.n_done, 0);
    ll_sweep_result_free(&r);
    ll_data_free(&D);
}

static void bad_options_should_be_named(void **st)
{
    (void)st;
    ll_widths_opts o = ll_widths_opts_default();
    ll_errbuf eb = {{0}};
    size_t w[] = {3, 0};
    o.widths = w, o.n_widths = 2;
    assert_int_equal(ll_widths_check(&o, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "width 2"));
    size_t w2[] = {3, 4};
    o.widths = w2, o.v_spec = "1,2,3";
    assert_int_equal(ll_widths_check(&o, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "width is 4"));
    o.n_widths = 0;
    assert_int_equal(ll_widths_check(&o, &eb), LL_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(item_should_equal_the_trace_study_of_its_width),
        cmocka_unit_test(results_should_not_depend_on_the_number_of_threads),
        cmocka_unit_test(max_items_should_stop_and_a_rerun_should_finish_the_rest),
        cmocka_unit_test(cancel_flag_should_stop_before_any_item),
        cmocka_unit_test(bad_options_should_be_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
