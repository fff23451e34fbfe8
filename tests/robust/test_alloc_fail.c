/* The library survives an allocation failure at every allocation site of a
 * representative run (issue 6 item 6): read a CSV file, trace a small
 * problem with two folds (events located, Lyapunov-Schmidt coefficients,
 * fold refinement, softening with its closed form), build the JSON and write
 * it atomically, then free everything. The run is repeated with the k-th
 * allocation failing, k = 1, 2, ..., until a run makes fewer than k
 * allocations; in two phases (read + trace, then JSON + write) so that the
 * JSON's many small allocations do not each repeat the trace. Each failing
 * run must
 *   - report it: a negative status with a message from the call that failed,
 *     or LL_ERR_NOMEM recorded in the result where the library degrades on
 *     purpose (softening, closed form, an event);
 *   - leak nothing: allocations minus frees is zero after the frees;
 *   - leave no temporary file next to the JSON;
 *   - not crash (the run itself, and under ASan/valgrind no invalid access).
 *
 * Mechanism (alloc_inject.h, shared with test_alloc_fail_exp.c): the link
 * options of cmake/alloc_fail.cmake (-Wl,--wrap=malloc, ...) send every
 * allocation of this program and of the ll_* static libraries to the
 * injector's __wrap_* functions; cJSON (a shared library) is given them
 * through cJSON_InitHooks. Without those link options the __real_* symbols
 * (weak) are NULL and the test skips itself. */
#include "testutil.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/losslab.h"

#include "alloc_inject.h"

typedef struct fixture {
    char dir[512], csv[600], json[600];
} fixture;

static int any_event_nomem(const ll_trace_result *r)
{
    for (size_t i = 0; i < r->cont.n_events; i++)
        if (r->cont.events[i].status == LL_ERR_NOMEM)
            return 1;
    return 0;
}

static ll_trace_opts run_opts(void)
{
    ll_trace_opts o = ll_trace_opts_default();
    o.model.width = 3;
    o.cont.p_max = 0.7; /* past both folds (0.6375, 0.6390), few points */
    o.cont.n_eigs = 2;  /* a shorter JSON: fewer, equally typical, sites */
    return o;
}

/* After a run with allocation k failing (k = 0: none): no leak, a message
 * with every negative status, no temporary file. */
static void disarm_and_check(const fixture *f, long k, ll_status st,
                             const ll_errbuf *eb)
{
    ll_ai_disarm();
    if (st < 0 && !eb->msg[0])
        fail_msg("k = %ld: status %s without a message", k, ll_status_name(st));
    if (ai_live != 0)
        fail_msg("k = %ld: %ld block(s) leaked (status %s: %s)", k, ai_live,
                 ll_status_name(st), eb->msg);
    if (ll_ai_temp_files(f->dir))
        fail_msg("k = %ld: a temporary file was left in %s", k, f->dir);
}

/* Phase 1: read the CSV (with the data checks) and trace, allocation k
 * failing. Returns whether a failure was reported. */
static int run_trace(const fixture *f, long k)
{
    ll_errbuf eb = {{0}};
    ll_data D = {0};
    ll_trace_result r;
    ll_trace_opts o = run_opts();
    ll_data_source src = ll_data_source_default();
    int degraded = 0;
    src.x_path = f->csv;
    ll_ai_arm(k);
    ll_status st = ll_study_data_load(&src, &D, &eb);
    if (st == LL_OK) {
        ll_status s = ll_trace_run(&D, &o, &r, &eb);
        st = s < 0 ? s : LL_OK;
        degraded = r.soft_status == LL_ERR_NOMEM ||
                   r.closed_form_status == LL_ERR_NOMEM || any_event_nomem(&r);
        if (k == 0 && (r.cont.n_events != 2 || degraded))
            fail_msg("the reference run should locate two folds");
        ll_trace_result_free(&r);
        ll_data_free(&D);
    }
    disarm_and_check(f, k, st, &eb);
    return st < 0 || degraded;
}

/* Phase 2: the JSON of a finished trace, built and written atomically,
 * allocation k failing. */
static int run_json(const fixture *f, const ll_trace_report *rep, long k)
{
    ll_errbuf eb = {{0}};
    char *text = NULL;
    ll_ai_arm(k);
    ll_status st = ll_io_trace_json(rep, &text, &eb);
    if (st == LL_OK)
        st = ll_io_write_trace_json(f->json, rep, &eb);
    free(text);
    disarm_and_check(f, k, st, &eb);
    return st < 0;
}

static void every_allocation_failure_should_be_reported_without_leaks(void **s)
{
    (void)s;
    if (!ll_ai_linked())
        skip(); /* not linked with cmake/alloc_fail.cmake */
    fixture f;
    ll_data D;
    ll_errbuf eb = {{0}};
    ll_gen_opts g = ll_gen_opts_default(); /* m = 3, d = 2, N = 40: folds */
    g.d = 2, g.n = 40;
    snprintf(f.dir, sizeof f.dir, "%s", ll_test_tmpdir());
    snprintf(f.csv, sizeof f.csv, "%s/d.csv", f.dir);
    snprintf(f.json, sizeof f.json, "%s/t.json", f.dir);
    assert_int_equal(ll_data_generate(&D, &g, &eb), LL_OK);
    assert_int_equal(ll_io_write_data(f.csv, &D, &eb), LL_OK);
    ll_ai_hooks_install(1);
    long step = ll_ai_stride(25), n_trace, n_json;
    assert_false(run_trace(&f, 0)); /* the reference run */
    n_trace = ai_n_allocs;
    for (long k = 1; k <= n_trace; k += step)
        if (!run_trace(&f, k))
            fail_msg("trace: allocation %ld of %ld failed and nothing "
                     "reported it", k, n_trace);
    ll_trace_opts o = run_opts();
    ll_trace_result r;
    ll_data_source src = ll_data_source_default();
    src.x_path = f.csv;
    assert_true(ll_trace_run(&D, &o, &r, &eb) > 0);
    ll_trace_report rep = {&o, &src, "losslab trace", &r};
    assert_false(run_json(&f, &rep, 0));
    n_json = ai_n_allocs;
    for (long k = 1; k <= n_json; k += step)
        if (!run_json(&f, &rep, k))
            fail_msg("json: allocation %ld of %ld failed and nothing "
                     "reported it", k, n_json);
    ll_trace_result_free(&r);
    ll_data_free(&D);
    ll_ai_hooks_install(0);
    printf("    %ld + %ld allocations (trace + JSON), every %ld-th failed: "
           "each reported, no leak\n", n_trace, n_json, step);
    assert_true(n_trace > 50 && n_json > 50); /* the run really allocates */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_allocation_failure_should_be_reported_without_leaks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
