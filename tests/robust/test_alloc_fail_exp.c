/* The experiments beyond `trace` survive an allocation failure at every
 * allocation site (issue 6 item 6), as test_alloc_fail.c checks for trace:
 *   - toy:     generate the toy data, ll_toy_run (symmetric branch, one
 *              symmetry-breaking pitchfork, 2 line restrictions, 2 contours);
 *   - coeffs:  generate the toy data, ll_coeffs_run (trace to its
 *              pitchfork, exact / FD / paper coefficients, line, c2
 *              against mu on both sides);
 *   - widths:  a 2-item sweep (m = 2, 3; lambda <= 0.3), each finished
 *              item written to items/ from on_done as the CLI does;
 *   - diagram: the toy's pitchfork, both born branches switched;
 * each run and then its JSON (built, written atomically; for widths a
 * resume from the item files, then the combined file) with the k-th
 * allocation failing, k = 1, 2, ..., as two phases so that the JSON's many
 * small allocations do not each repeat the run. Each run with a failure
 * must
 *   - report it: a negative status with a message, or LL_ERR_NOMEM recorded
 *     in the result where the study degrades on purpose (an event, a line
 *     restriction, a contour, a switched branch, a sweep item); or absorb
 *     it: a result identical to the reference run's (timings aside), e.g.
 *     a failure in a computation whose value the study does not keep;
 *   - leak nothing: blocks allocated minus freed is zero afterwards;
 *   - leave no temporary file, and no output file where the write failed;
 *   - when the JSON phase succeeds, have written exactly the reference
 *     bytes (a key lost to a failed allocation would differ).
 * Sizes are small (N = 40, short ranges, coarse grids) to keep the whole
 * program to a few seconds natively; under valgrind every 25th allocation
 * is failed (alloc_inject.h). */
#include "testutil.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc_inject.h"
#include "losslab/diagram_study.h"
#include "losslab/experiments.h"
#include "losslab/losslab.h"
#include "losslab/sweep_io.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* What a phase says about its run besides the status. */
typedef struct phase_out {
    int degraded;  /* the result records LL_ERR_NOMEM somewhere */
    char *print;   /* run phases: the result as JSON, timings zeroed (made
                      while paused, see fingerprint()); NULL otherwise */
} phase_out;

/* One phase of a case, run with allocation k failing: frees everything it
 * made (unless the case keeps it), returns its status (message in eb). */
typedef ll_status (*phase_fn)(void *ctx, ll_errbuf *eb, phase_out *out);

typedef struct phase {
    const char *name;
    phase_fn fn;
    void *ctx;
    char dir[600];        /* checked for temporary files (and dir/items) */
    char file[700];       /* "": no output file; else must not exist after a
                             failure, must equal ref after a success */
    char *ref;            /* the reference run's file (k = 0) */
    char *ref_print;      /* the reference run's result (k = 0) */
    long n_problems, n_absorbed;
} phase;

/* The result's JSON (from a report-to-JSON function), built without
 * counting its allocations. */
static char *fingerprint(ll_status (*to_json)(const void *, char **,
                                              ll_errbuf *),
                         const void *rep)
{
    char *s = NULL;
    ll_ai_pause();
    if (to_json(rep, &s, NULL) != LL_OK)
        s = NULL;
    ll_ai_resume();
    return s;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = s ? fread(s, 1, (size_t)n, fp) : 0;
    fclose(fp);
    if (s)
        s[got] = '\0';
    return s;
}

/* A problem of a run: counted; the first few of a phase are printed (all
 * of them would hide the pattern). */
static void problem(phase *ph, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void problem(phase *ph, const char *fmt, ...)
{
    va_list ap;
    if (ph->n_problems++ >= 8)
        return;
    va_start(ap, fmt);
    fprintf(stderr, "    %s: ", ph->name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The output file after a run with allocation k failing: none after a
 * failure, the reference bytes after a success. */
static void check_file(phase *ph, long k, ll_status st, const char *msg)
{
    char *got = slurp(ph->file);
    if (k == 0) {
        ph->ref = got;
        return;
    }
    if (st < 0 && got)
        problem(ph, "k = %ld: %s written although the run failed (%s)", k,
                ph->file, msg);
    else if (st >= 0 && (!got || strcmp(got, ph->ref) != 0))
        problem(ph, "k = %ld: success, but %s differs from the reference "
                "run's", k, ph->file);
    free(got);
}

/* A run that neither failed nor recorded LL_ERR_NOMEM: it must have
 * absorbed the failure (the same result as the reference run). */
static void check_silent(phase *ph, long k, long n, const phase_out *o)
{
    if (o->print && ph->ref_print && strcmp(o->print, ph->ref_print) == 0)
        ph->n_absorbed++;
    else
        problem(ph, "allocation %ld of %ld failed, nothing reported it and "
                "the result differs from the reference run's", k, n);
}

/* Run a phase with allocation k failing (0: none) and check it. */
static void run_phase(phase *ph, long k)
{
    ll_errbuf eb = {{0}};
    phase_out o = {0, NULL};
    char items[700];
    if (ph->file[0])
        unlink(ph->file);
    ll_ai_arm(k);
    ll_status st = ph->fn(ph->ctx, &eb, &o);
    long n = ll_ai_disarm();
    if (k == 0 && (st < 0 || o.degraded))
        fail_msg("%s: the reference run failed (%s, degraded %d): %s",
                 ph->name, ll_status_name(st), o.degraded, eb.msg);
    if (k == 0)
        ph->ref_print = o.print, o.print = NULL;
    else if (st >= 0 && !o.degraded)
        check_silent(ph, k, n, &o);
    if (st < 0 && !eb.msg[0])
        problem(ph, "k = %ld: status %s without a message", k,
                ll_status_name(st));
    if (ai_live != 0)
        problem(ph, "k = %ld of %ld: %ld block(s) leaked (status %s: %s)", k,
                n, ai_live, ll_status_name(st), eb.msg);
    snprintf(items, sizeof items, "%s/items", ph->dir);
    if (ll_ai_temp_files(ph->dir) || ll_ai_temp_files(items))
        problem(ph, "k = %ld: a temporary file was left in %s", k, ph->dir);
    if (ph->file[0])
        check_file(ph, k, st, eb.msg);
    free(o.print);
}

/* Every stride-th allocation of the phase, k = 1 .. (allocations of the
 * reference run). Returns the number of runs with a problem. */
static long fail_every_allocation(phase *ph, long stride)
{
    double t0 = now_s();
    run_phase(ph, 0);
    long n = ai_n_allocs, injected = 0;
    for (long k = 1; k <= n; k += stride, injected++)
        run_phase(ph, k);
    free(ph->ref);
    free(ph->ref_print);
    ph->ref = ph->ref_print = NULL;
    printf("    %-12s %5ld allocations, %5ld failures injected (%.1f s): "
           "%ld absorbed (same result), %ld problem(s)\n", ph->name, n,
           injected, now_s() - t0, ph->n_absorbed, ph->n_problems);
    assert_true(n > 50); /* the phase really allocates */
    return ph->n_problems;
}

/* Both phases of a case; between them the run phase runs once more (not
 * armed) with *keep set, keeping its result for the JSON phase. */
static void check_case(phase *run, phase *json, int *keep, long stride)
{
    ll_errbuf eb = {{0}};
    phase_out o = {0, NULL};
    long bad = fail_every_allocation(run, stride);
    *keep = 1;
    assert_true(run->fn(run->ctx, &eb, &o) >= 0);
    free(o.print);
    bad += fail_every_allocation(json, stride);
    if (bad)
        fail_msg("%ld run(s) with a problem (the first of each phase are "
                 "listed above)", bad);
}

static void phase_init(phase *ph, const char *name, phase_fn fn, void *ctx,
                       const char *dir, const char *file)
{
    memset(ph, 0, sizeof *ph);
    ph->name = name, ph->fn = fn, ph->ctx = ctx;
    snprintf(ph->dir, sizeof ph->dir, "%s", dir);
    if (file)
        snprintf(ph->file, sizeof ph->file, "%s/%s", dir, file);
}

static int is_nomem(ll_status s) { return s == LL_ERR_NOMEM; }

/* ---- toy ---------------------------------------------------------------- */

typedef struct toy_ctx {
    ll_data_source src;
    ll_toy_opts o;
    ll_toy_result res;    /* kept for the JSON phase */
    int keep;             /* run phase: keep the result in res */
    char path[700];
} toy_ctx;

static int toy_degraded(const ll_toy_result *r)
{
    int d = is_nomem(r->status);
    for (size_t i = 0; i < r->n_events; i++)
        d |= is_nomem(r->events[i].status);
    for (size_t i = 0; i < r->n_line; i++)
        d |= is_nomem(r->lines[i].status);
    for (size_t i = 0; i < r->n_contour; i++)
        d |= is_nomem(r->contours[i].status);
    return d;
}

static ll_status toy_to_json(const void *rep, char **s, ll_errbuf *eb)
{
    return ll_io_toy_json(rep, s, eb);
}

static ll_status toy_run(void *ctx, ll_errbuf *eb, phase_out *out)
{
    toy_ctx *c = ctx;
    ll_data D = {0};
    ll_toy_result r;
    ll_status st = ll_toy_data_load(&c->src, &D, eb);
    if (st == LL_OK) {
        st = ll_toy_run(&D, &c->o, &r, eb);
        out->degraded = toy_degraded(&r);
        r.time_total = 0.0;
        ll_toy_report rep = {&c->o, &c->src, NULL, &r};
        if (st >= 0 && !out->degraded)
            out->print = fingerprint(toy_to_json, &rep);
        if (c->keep)
            c->res = r;
        else
            ll_toy_result_free(&r);
    }
    ll_data_free(&D);
    return st;
}

static ll_status toy_json(void *ctx, ll_errbuf *eb, phase_out *out)
{
    toy_ctx *c = ctx;
    ll_toy_report rep = {&c->o, &c->src, "losslab toy", &c->res};
    char *text = NULL;
    (void)out;
    ll_status st = ll_io_toy_json(&rep, &text, eb);
    free(text);
    return st == LL_OK ? ll_io_write_toy_json(c->path, &rep, eb) : st;
}

static void toy_and_its_json_should_survive_every_allocation_failure(void **s)
{
    (void)s;
    if (!ll_ai_linked())
        skip(); /* not linked with cmake/alloc_fail.cmake */
    const char *dir = ll_test_tmpdir();
    toy_ctx c;
    memset(&c, 0, sizeof c);
    c.src = ll_data_source_default();
    c.src.gen = ll_gen_toy_opts_default();
    c.src.gen.n = 40;
    c.o = ll_toy_opts_default();
    c.o.alpha = 0.004; /* one symmetry-breaking pitchfork on [0, 1] */
    c.o.n_line = 2, c.o.n_contour = 2;
    c.o.line_points = 9, c.o.grid = 5;
    snprintf(c.path, sizeof c.path, "%s/toy.json", dir);
    ll_ai_hooks_install(1);
    phase run, json;
    phase_init(&run, "toy run", toy_run, &c, dir, NULL);
    phase_init(&json, "toy JSON", toy_json, &c, dir, "toy.json");
    check_case(&run, &json, &c.keep, ll_ai_stride(25));
    assert_int_equal(c.res.n_events, 1); /* the run covered an event */
    ll_toy_result_free(&c.res);
    ll_ai_hooks_install(0);
}

/* ---- coeffs ------------------------------------------------------------- */

typedef struct coeffs_ctx {
    ll_data_source src;
    ll_coeffs_opts o;
    ll_coeffs_result res;
    int keep;
    char path[700];
} coeffs_ctx;

static int trace_degraded(const ll_trace_result *r)
{
    int d = is_nomem(r->status) || is_nomem(r->soft_status) ||
            is_nomem(r->closed_form_status);
    for (size_t i = 0; i < r->cont.n_events; i++)
        d |= is_nomem(r->cont.events[i].status);
    return d;
}

static ll_status coeffs_to_json(const void *rep, char **s, ll_errbuf *eb)
{
    return ll_io_coeffs_json(rep, s, eb);
}

static ll_status coeffs_run(void *ctx, ll_errbuf *eb, phase_out *out)
{
    coeffs_ctx *c = ctx;
    ll_data D = {0};
    ll_coeffs_result r;
    ll_status st = ll_data_generate_toy(&D, &c->src.gen, eb);
    if (st == LL_OK) {
        st = ll_coeffs_run(&D, &c->o, &r, eb);
        out->degraded = is_nomem(r.status) || trace_degraded(&r.trace);
        r.trace.time_setup = r.trace.time_softening = 0.0;
        r.trace.time_cont = r.trace.time_total = 0.0;
        ll_coeffs_report rep = {&c->o, &c->src, NULL, &r};
        if (st >= 0 && !out->degraded)
            out->print = fingerprint(coeffs_to_json, &rep);
        if (c->keep)
            c->res = r;
        else
            ll_coeffs_result_free(&r);
    }
    ll_data_free(&D);
    return st;
}

static ll_status coeffs_json(void *ctx, ll_errbuf *eb, phase_out *out)
{
    coeffs_ctx *c = ctx;
    ll_coeffs_report rep = {&c->o, &c->src, "losslab coeffs", &c->res};
    char *text = NULL;
    (void)out;
    ll_status st = ll_io_coeffs_json(&rep, &text, eb);
    free(text);
    return st == LL_OK ? ll_io_write_coeffs_json(c->path, &rep, eb) : st;
}

static void coeffs_and_its_json_should_survive_every_allocation_failure(
    void **s)
{
    (void)s;
    if (!ll_ai_linked())
        skip();
    const char *dir = ll_test_tmpdir();
    coeffs_ctx c;
    memset(&c, 0, sizeof c);
    static const double v[2] = {1.0, 1.0};
    c.src = ll_data_source_default();
    c.src.gen = ll_gen_toy_opts_default();
    c.src.gen.n = 40;
    c.o = ll_coeffs_opts_default();
    /* The toy's pitchfork at lambda = 0.0374: a short trace (test_alloc_fail
     * covers a long one), and the branch-point path of coeffs (slope
     * predicted, both sides of mu). */
    c.o.trace.model.width = 2, c.o.trace.model.v = v;
    c.o.trace.cont.bif.z2_declared = 1;
    c.o.trace.cont.p_max = 0.1;
    c.o.trace.cont.n_eigs = 2;
    c.o.line_points = 9, c.o.mu_points = 2;
    snprintf(c.path, sizeof c.path, "%s/coeffs.json", dir);
    ll_ai_hooks_install(1);
    phase run, json;
    phase_init(&run, "coeffs run", coeffs_run, &c, dir, NULL);
    phase_init(&json, "coeffs JSON", coeffs_json, &c, dir, "coeffs.json");
    check_case(&run, &json, &c.keep, ll_ai_stride(25));
    assert_true(c.res.have_event); /* the run covered the coefficients */
    ll_coeffs_result_free(&c.res);
    ll_ai_hooks_install(0);
}

/* ---- widths sweep ------------------------------------------------------- */

typedef struct widths_ctx {
    ll_data_source src;
    ll_widths_opts o;
    ll_data D;
    ll_sweep_result res;
    ll_sweep_report rep;
    int keep;
    char dir[600], path[700];
    ll_errbuf item_eb;
} widths_ctx;

/* As the CLI: each finished item is written at once; a failed write stops
 * the sweep. */
static int widths_on_done(void *user, size_t idx, const ll_sweep_item *it)
{
    widths_ctx *c = user;
    (void)it;
    return ll_io_sweep_item_write(c->dir, &c->rep, idx, &c->item_eb) != LL_OK;
}

static int widths_degraded(const ll_sweep_result *r)
{
    int d = r->n_done < r->n || /* a stop must come with a status < 0 */
            is_nomem(r->fit.status);
    for (size_t i = 0; i < r->n; i++) {
        const ll_sweep_item *it = &r->items[i];
        d |= it->done && is_nomem(it->status);
        for (size_t e = 0; it->done && e < it->n_events; e++)
            d |= is_nomem(it->events[e].status);
    }
    return d;
}

static ll_status widths_to_json(const void *rep, char **s, ll_errbuf *eb)
{
    return ll_io_sweep_json(rep, s, eb);
}

static ll_status widths_run(void *ctx, ll_errbuf *eb, phase_out *out)
{
    widths_ctx *c = ctx;
    ll_data D = {0};
    ll_sweep_result r = {0};
    ll_status st = ll_study_data_load(&c->src, &D, eb);
    if (st == LL_OK)
        st = ll_widths_result_init(&r, &c->o, eb);
    if (st == LL_OK) {
        c->rep.D = &D, c->rep.res = &r;
        st = ll_widths_run(&D, &c->o, &r, eb);
        out->degraded = widths_degraded(&r);
        r.time = 0.0;
        for (size_t i = 0; i < r.n; i++)
            r.items[i].time = 0.0;
        if (st >= 0 && !out->degraded)
            out->print = fingerprint(widths_to_json, &c->rep);
    }
    if (c->keep) {
        c->res = r, c->D = D;
        c->rep.D = &c->D, c->rep.res = &c->res;
        return st;
    }
    ll_sweep_result_free(&r);
    ll_data_free(&D);
    return st;
}

/* A resume of every item from items/, then the combined file (last, so
 * that a failure leaves no combined file). */
static ll_status widths_json(void *ctx, ll_errbuf *eb, phase_out *out)
{
    widths_ctx *c = ctx;
    ll_sweep_result r = {0};
    size_t loaded = 0;
    (void)out;
    ll_status st = ll_widths_result_init(&r, &c->o, eb);
    if (st == LL_OK)
        st = ll_io_sweep_resume(c->dir, &c->rep, &r, &loaded, eb);
    ll_sweep_result_free(&r);
    if (st == LL_OK && loaded != c->res.n)
        fail_msg("widths: resumed %zu of %zu items without an error", loaded,
                 c->res.n);
    return st == LL_OK ? ll_io_write_sweep_json(c->path, &c->rep, eb) : st;
}

static void widths_sweep_and_its_json_should_survive_every_allocation_failure(
    void **s)
{
    (void)s;
    if (!ll_ai_linked())
        skip();
    static const size_t widths[] = {2, 3};
    widths_ctx c;
    memset(&c, 0, sizeof c);
    snprintf(c.dir, sizeof c.dir, "%s", ll_test_tmpdir());
    snprintf(c.path, sizeof c.path, "%s/widths.json", c.dir);
    c.src = ll_data_source_default();
    c.src.gen.d = 2, c.src.gen.n = 40;
    c.o = ll_widths_opts_default();
    c.o.widths = widths, c.o.n_widths = 2;
    c.o.trace.cont.p_max = 0.3; /* short: the sweep's own code is the aim */
    c.o.trace.cont.n_eigs = 2;
    c.o.hooks.jobs = 1; /* the calling thread: counts are deterministic */
    c.o.hooks.on_done = widths_on_done, c.o.hooks.user = &c;
    c.rep.kind = LL_SWEEP_WIDTHS, c.rep.trace = &c.o.trace;
    c.rep.data = &c.src, c.rep.command_line = "losslab widths", c.rep.jobs = 1;
    ll_ai_hooks_install(1);
    phase run, json;
    phase_init(&run, "widths run", widths_run, &c, c.dir, NULL);
    phase_init(&json, "widths JSON", widths_json, &c, c.dir, "widths.json");
    check_case(&run, &json, &c.keep, ll_ai_stride(25));
    ll_sweep_result_free(&c.res);
    ll_data_free(&c.D);
    ll_ai_hooks_install(0);
}

/* ---- diagram ------------------------------------------------------------ */

typedef struct diagram_ctx {
    ll_data_source src;
    ll_diagram_study_opts o;
    double v[2];
    ll_diagram_study_result res;
    int keep;
    char path[700];
} diagram_ctx;

static int diagram_degraded(const ll_diagram_study_result *r)
{
    const ll_diagram_result *R = &r->diagram;
    int d = is_nomem(r->status) || is_nomem(R->status);
    for (size_t b = 0; b < R->n_branches; b++)
        d |= is_nomem(R->branches[b].cont.status);
    for (size_t e = 0; e < R->n_events; e++)
        d |= is_nomem(R->events[e].status) ||
             is_nomem(ll_diagram_event_at(R, e)->status);
    return d;
}

static ll_status diagram_to_json(const void *rep, char **s, ll_errbuf *eb)
{
    return ll_io_diagram_json(rep, s, eb);
}

static ll_status diagram_run(void *ctx, ll_errbuf *eb, phase_out *out)
{
    diagram_ctx *c = ctx;
    ll_data D = {0};
    ll_diagram_study_result r;
    memset(&r, 0, sizeof r);
    ll_status st = ll_data_generate_toy(&D, &c->src.gen, eb);
    if (st == LL_OK) {
        st = ll_diagram_study_run(&D, &c->o, &r, eb);
        out->degraded = diagram_degraded(&r);
        r.time_total = 0.0;
        ll_diagram_report rep = {&c->o, &c->src, NULL,
                                 LL_DIAGRAM_Y_AMPLITUDE, 1, &r};
        if (st >= 0 && !out->degraded)
            out->print = fingerprint(diagram_to_json, &rep);
        if (c->keep)
            c->res = r;
        else
            ll_diagram_study_result_free(&r);
    }
    ll_data_free(&D);
    return st;
}

static ll_status diagram_json(void *ctx, ll_errbuf *eb, phase_out *out)
{
    diagram_ctx *c = ctx;
    ll_diagram_report rep = {&c->o, &c->src, "losslab diagram",
                             LL_DIAGRAM_Y_AMPLITUDE, 1, &c->res};
    char *text = NULL;
    (void)out;
    ll_status st = ll_io_diagram_json(&rep, &text, eb);
    free(text);
    return st == LL_OK ? ll_io_write_diagram_json(c->path, &rep, eb) : st;
}

static void diagram_and_its_json_should_survive_every_allocation_failure(
    void **s)
{
    (void)s;
    if (!ll_ai_linked())
        skip();
    const char *dir = ll_test_tmpdir();
    diagram_ctx c;
    memset(&c, 0, sizeof c);
    c.src = ll_data_source_default();
    c.src.gen = ll_gen_toy_opts_default();
    c.src.gen.n = 40;
    c.v[0] = c.v[1] = 1.0;
    c.o = ll_diagram_study_opts_default();
    c.o.model.width = 2, c.o.model.v = c.v, c.o.model.alpha = 0.004;
    c.o.diagram.cont.bif.z2_declared = 1; /* a pitchfork at 0.0374 */
    c.o.diagram.cont.p_max = 0.1;
    snprintf(c.path, sizeof c.path, "%s/diagram.json", dir);
    ll_ai_hooks_install(1);
    phase run, json;
    phase_init(&run, "diagram run", diagram_run, &c, dir, NULL);
    phase_init(&json, "diagram JSON", diagram_json, &c, dir, "diagram.json");
    check_case(&run, &json, &c.keep, ll_ai_stride(25));
    assert_int_equal(c.res.diagram.n_branches, 3); /* both switched */
    ll_diagram_study_result_free(&c.res);
    ll_ai_hooks_install(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(toy_and_its_json_should_survive_every_allocation_failure),
        cmocka_unit_test(coeffs_and_its_json_should_survive_every_allocation_failure),
        cmocka_unit_test(widths_sweep_and_its_json_should_survive_every_allocation_failure),
        cmocka_unit_test(diagram_and_its_json_should_survive_every_allocation_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
