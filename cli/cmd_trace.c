/* `losslab trace`: parse the options, hand them to the trace study
 * (src/study, MATH.md sections 1-3), write the results (src/io) and print a
 * short summary. No numerics here. */
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "trace_args.h"
#include "losslab/losslab.h"

static trace_args trace_args_default(void)
{
    trace_args a;
    ll_trace_opts o = ll_trace_opts_default();
    ll_gen_opts g = ll_gen_opts_default();
    memset(&a, 0, sizeof a);
    a.target_col = -1;
    a.dim = g.d;
    a.samples = g.n;
    a.seed = g.seed;
    a.noise = g.noise;
    a.width = o.model.width;
    a.alpha = o.model.alpha;
    a.act = o.model.act ? o.model.act->name : "tanh";
    a.v = "linspace:0.5:1.5";
    a.lambda_max = o.cont.p_max;
    a.ds = o.cont.ds0;
    a.max_steps = o.cont.max_steps;
    a.eigs = o.cont.n_eigs;
    a.hessian = ll_hessian_path_str(o.cont.hessian);
    return a;
}

static void trace_help(void)
{
    trace_args d = trace_args_default();
    printf("Usage: losslab trace [options]\n\n"
           "Follow the critical branch of a two-layer network\n"
           "  f(x) = sum_j v_j h(w_j . x, lambda),  h = (1 - lambda) z + "
           "lambda sigma(z)\n"
           "from the exact minimiser at lambda = 0 to lambda_max, with the "
           "Morse index,\nthe smallest Hessian eigenvalues, the softening "
           "rate lambda_1'(0) and every\nfold or branch point located, with "
           "its Lyapunov-Schmidt coefficients.\n\nOptions:\n");
    cli_print_options(cli_trace_options, &d);
    printf("  %-20s %s\n\nActivations:\n", "--help", "print this help");
    for (int i = 0; ll_act_at(i); i++)
        printf("  %-12s %s\n", ll_act_at(i)->name, ll_act_at(i)->description);
    printf("\nExamples:\n"
           "  losslab trace\n"
           "  losslab trace --width 20 --act erf --out results/\n"
           "  losslab trace --data train.csv --target-col 0 --json t.json\n"
           "  losslab trace --data X.npy --target y.npy --v ones --alpha 1e-3\n"
           "\nExit status: 0 success; 1 a bad data file, a run that cannot "
           "be done\n(memory), a numerical failure (the JSON still records "
           "status and reason,\nwith null where nothing was computed) or an "
           "event that could not be\nlocated; 2 bad usage; 130 interrupted "
           "(Ctrl-C: the branch so far is\nwritten, status LL_STOP_CANCEL)."
           "\n");
}

/* Ctrl-C (SIGINT) sets this; the progress callback then cancels the run at
 * its next accepted point (LL_STOP_CANCEL), and what was computed is
 * written as usual, with that status; exit 130. */
static volatile sig_atomic_t g_trace_stop;

static void on_sigint(int sig)
{
    (void)sig;
    g_trace_stop = 1;
}

/* user != NULL: print the progress line (stderr is a terminal). */
static int progress_line(void *user, const ll_cont_progress *pr)
{
    if (user) {
        fprintf(stderr, "\r  step %6zu  lambda %.6f  index %3d  events %zu   ",
                pr->step, pr->p, pr->index, pr->n_events);
        fflush(stderr);
    }
    return g_trace_stop != 0;
}

static void build_opts(const trace_args *a, const double *v, ll_trace_opts *o)
{
    *o = ll_trace_opts_default();
    o->model.width = a->width;
    o->model.alpha = a->alpha;
    o->model.act = ll_act_find(a->act);
    o->model.v = v;
    o->model.train_v = a->train_v;
    o->model.bias = a->bias;
    o->cont.p_min = 0.0;
    o->cont.p_max = a->lambda_max;
    o->cont.ds0 = a->ds;
    if (o->cont.ds_max < a->ds)
        o->cont.ds_max = a->ds;
    o->cont.max_steps = a->max_steps;
    o->cont.n_eigs = a->eigs;
    (void)ll_hessian_path_parse(a->hessian, &o->cont.hessian); /* checked */
    o->cont.compute_coefs = !a->no_coefs && !a->no_locate;
    o->cont.locate_events = !a->no_locate;
    o->cont.bif.z2_declared = a->z2;
    o->cont.progress = progress_line;
    o->cont.user = !a->quiet && isatty(STDERR_FILENO) ? (void *)o : NULL;
}

static void build_source(const trace_args *a, ll_data_source *src)
{
    *src = ll_data_source_default();
    src->x_path = a->data;
    src->y_path = a->target;
    src->target_col = a->target_col;
    src->gen.d = a->dim;
    src->gen.n = a->samples;
    src->gen.seed = a->seed;
    src->gen.noise = a->noise;
}

/* Fail early, before a long run, if the results could not be written. */
static int check_outputs(const trace_args *a)
{
    ll_errbuf eb = {{0}};
    if (a->out && ll_io_mkdir_p(a->out, &eb) != LL_OK)
        return cli_fail("trace", eb.msg);
    if (a->json && ll_io_check_writable(a->json, &eb) != LL_OK)
        return cli_fail("trace", eb.msg);
    return CLI_EXIT_OK;
}

/* A failed run (ok == 0) writes only the JSON (DIR/trace.json and/or
 * --json), whose status and reason say how it failed and whose numbers not
 * computed are null: branch.csv and the figure carry no status and would
 * look like a result. */
static int write_results(const trace_args *a, const ll_trace_report *rep,
                         int ok)
{
    ll_errbuf eb = {{0}};
    if (a->out && ok && ll_io_write_trace_dir(a->out, rep, &eb) != LL_OK)
        return cli_fail("trace", eb.msg);
    if (a->out && !ok) {
        size_t n = strlen(a->out) + sizeof "/trace.json";
        char *path = malloc(n);
        if (!path)
            return cli_fail("trace", "out of memory");
        snprintf(path, n, "%s/trace.json", a->out);
        ll_status st = ll_io_write_trace_json(path, rep, &eb);
        free(path);
        if (st != LL_OK)
            return cli_fail("trace", eb.msg);
    }
    if (a->json && ll_io_write_trace_json(a->json, rep, &eb) != LL_OK)
        return cli_fail("trace", eb.msg);
    return CLI_EXIT_OK;
}

/* Events whose location or description failed: each named on stderr;
 * returns how many. Their numbers are null in the JSON. */
static size_t report_failed_events(const ll_trace_result *res)
{
    size_t bad = 0;
    for (size_t i = 0; i < res->cont.n_events; i++) {
        const ll_event *e = &res->cont.events[i];
        if (e->status >= 0)
            continue;
        bad++;
        fprintf(stderr, "losslab trace: event %zu (%s near lambda = %.6g) "
                "%s: %s\n", i + 1, ll_event_type_str(e->type), e->p,
                e->located ? "was located but not described"
                           : "could not be located",
                e->reason[0] ? e->reason : ll_status_str(e->status));
    }
    return bad;
}

/* Load, run, write, summarise; the options are valid here. Exit 1 if the
 * run failed (the JSON records status and reason) or an event failed. */
static int trace_execute(const trace_args *a, const double *v, char *cmdline)
{
    ll_errbuf eb = {{0}};
    ll_data D = {0};
    ll_trace_opts o;
    ll_data_source src;
    ll_trace_result res;
    build_opts(a, v, &o);
    /* main.c keeps one BLAS thread for the small dense problems; a single
     * large trace (structured/matrix-free: dsyrk of n k^2 flops per point)
     * gains from every core (m = 1000: 1.3 -> 0.8 s per step on 2 cores) */
    if (!getenv("OPENBLAS_NUM_THREADS") &&
        a->width * (a->dim + (size_t)a->bias + (size_t)a->train_v) >
            LL_CONT_DENSE_MAX)
        ll_linalg_set_threads((int)sysconf(_SC_NPROCESSORS_ONLN));
    build_source(a, &src);
    if (ll_study_data_load(&src, &D, &eb) != LL_OK)
        return cli_fail("trace", eb.msg);
    ll_status st = ll_trace_run(&D, &o, &res, &eb);
    if (o.cont.user)
        fputc('\n', stderr);
    ll_data_free(&D);
    ll_trace_report rep = {&o, &src, cmdline, &res};
    int ok = st >= 0, rc = CLI_EXIT_OK;
    if (res.nparams > 0) /* else nothing was set up: nothing to record */
        rc = write_results(a, &rep, ok);
    if (!a->quiet && res.nparams > 0)
        cli_print_trace_summary(stdout, &rep, ok ? a->out : NULL,
                                rc == CLI_EXIT_OK ? a->json : NULL);
    if (!a->quiet && !ok && a->out && rc == CLI_EXIT_OK && res.nparams > 0)
        printf("wrote %s/trace.json only (the run failed)\n", a->out);
    if (report_failed_events(&res) > 0 && ok)
        rc = cli_fail("trace", "some events could not be located or "
                      "described (see above); their numbers are null in the "
                      "JSON");
    if (!ok)
        rc = cli_fail("trace", res.reason[0] ? res.reason : eb.msg);
    if (st == LL_STOP_CANCEL && rc == CLI_EXIT_OK) {
        fprintf(stderr, "losslab trace: interrupted; the branch so far is "
                "written\n");
        rc = 130;
    }
    ll_trace_result_free(&res);
    return rc;
}

int cli_cmd_trace(int argc, char **argv)
{
    trace_args a = trace_args_default();
    double *v = NULL;
    int help, rc = cli_trace_parse(argc, argv, &a, &v, &help);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (help) {
        trace_help();
        return CLI_EXIT_OK;
    }
    rc = check_outputs(&a);
    if (rc == CLI_EXIT_OK) {
        /* from here on Ctrl-C cancels the run (see g_trace_stop) */
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_sigint;
        sigemptyset(&sa.sa_mask);
        g_trace_stop = 0;
        sigaction(SIGINT, &sa, &old);
        char *cmdline = cli_join_argv(argc, argv);
        rc = trace_execute(&a, v, cmdline);
        free(cmdline);
        sigaction(SIGINT, &old, NULL);
    }
    free(v);
    return rc;
}
