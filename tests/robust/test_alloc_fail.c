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
 * Mechanism: the link options of cmake/alloc_fail.cmake (-Wl,--wrap=malloc,
 * ...) send every allocation of this program and of the ll_* static
 * libraries to the __wrap_* functions below; cJSON (a shared library) is
 * given them through cJSON_InitHooks. Without those link options the
 * __real_* symbols (weak) are NULL and the test skips itself. */
#include "testutil.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/losslab.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define LL_HAVE_VALGRIND_H 1
#endif
#endif

void *__real_malloc(size_t n) __attribute__((weak));
void *__real_calloc(size_t n, size_t s) __attribute__((weak));
void *__real_realloc(void *p, size_t n) __attribute__((weak));
void __real_free(void *p) __attribute__((weak));
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t s);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);

static int armed;          /* count (and maybe fail) allocations */
static long fail_at;       /* the allocation to fail (1-based), 0: none */
static long n_allocs;      /* allocations seen while armed */
static long live;          /* blocks allocated - freed while armed */

static int should_fail(void)
{
    return armed && ++n_allocs == fail_at;
}

void *__wrap_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    void *p = __real_malloc(n);
    live += armed && p;
    return p;
}

void *__wrap_calloc(size_t n, size_t s)
{
    if (should_fail())
        return NULL;
    void *p = __real_calloc(n, s);
    live += armed && p;
    return p;
}

void *__wrap_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL; /* p stays valid, as for a real failure */
    void *q = __real_realloc(p, n);
    live += armed && !p && q;
    return q;
}

void __wrap_free(void *p)
{
    live -= armed && p;
    __real_free(p);
}

static void *hook_malloc(size_t n) { return __wrap_malloc(n); }
static void hook_free(void *p) { __wrap_free(p); }

typedef struct fixture {
    char dir[512], csv[600], json[600];
} fixture;

/* Files with ".tmp-" in their name left in dir. */
static int temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

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

static void arm(long k)
{
    armed = 1, fail_at = k, n_allocs = 0, live = 0;
}

/* After a run with allocation k failing (k = 0: none): no leak, a message
 * with every negative status, no temporary file. */
static void disarm_and_check(const fixture *f, long k, ll_status st,
                             const ll_errbuf *eb)
{
    armed = 0;
    if (st < 0 && !eb->msg[0])
        fail_msg("k = %ld: status %s without a message", k, ll_status_name(st));
    if (live != 0)
        fail_msg("k = %ld: %ld block(s) leaked (status %s: %s)", k, live,
                 ll_status_name(st), eb->msg);
    if (temp_files(f->dir))
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
    arm(k);
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
    arm(k);
    ll_status st = ll_io_trace_json(rep, &text, &eb);
    if (st == LL_OK)
        st = ll_io_write_trace_json(f->json, rep, &eb);
    free(text);
    disarm_and_check(f, k, st, &eb);
    return st < 0;
}

/* Valgrind runs this program ~50 times slower: there every 25th
 * allocation is failed (still ~200 sites of every kind, spread over the
 * run), natively every one; LL_ALLOC_FAIL_STRIDE overrides both. */
static long stride(void)
{
    const char *s = getenv("LL_ALLOC_FAIL_STRIDE");
    long v = s ? atol(s) : 1;
#ifdef LL_HAVE_VALGRIND_H
    if (!s && RUNNING_ON_VALGRIND)
        v = 25;
#endif
    return v >= 1 ? v : 1;
}

static void every_allocation_failure_should_be_reported_without_leaks(void **s)
{
    (void)s;
    if (!__real_malloc)
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
    cJSON_Hooks hooks = {hook_malloc, hook_free};
    cJSON_InitHooks(&hooks);
    long step = stride(), n_trace, n_json;
    assert_false(run_trace(&f, 0)); /* the reference run */
    n_trace = n_allocs;
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
    n_json = n_allocs;
    for (long k = 1; k <= n_json; k += step)
        if (!run_json(&f, &rep, k))
            fail_msg("json: allocation %ld of %ld failed and nothing "
                     "reported it", k, n_json);
    ll_trace_result_free(&r);
    ll_data_free(&D);
    cJSON_InitHooks(NULL);
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
