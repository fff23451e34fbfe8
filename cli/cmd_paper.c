/* `losslab paper`: parse the options, run every experiment of the seed
 * paper (src/study/paper.c: toy, trace + coefficients, phase, widths, and
 * the eq. (22) / data-draw checks), write the report folder (src/io:
 * paper_dir.c, report_*.c) and print the comparison table. Progress on a
 * terminal; Ctrl-C stops at the next continuation step (exit 130). No
 * numerics here. */
#include <math.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "losslab/losslab.h"
#include "losslab/paper.h"
#include "losslab/paper_io.h"
#include "sweep_cli.h"

typedef struct paper_args {
    const char *data, *target, *out, *act, *v, *widths, *a_values;
    int target_col, quiet, jobs;
    size_t dim, samples, width, toy_samples, seed_draws;
    uint64_t seed;
    double noise, alpha, toy_alpha, phase_alpha, lambda_max;
} paper_args;

#define PA(f) offsetof(paper_args, f)
#define INF HUGE_VAL
static const cli_option paper_options[] = {
    {"--data", "FILE", CLI_STR, PA(data), 0, 0, 0, "the built-in generator",
     "data of Exp 2, 3, 5, 6: CSV (optional header) or .npy float64"},
    {"--target", "FILE", CLI_STR, PA(target), 0, 0, 0, "none",
     "targets as a 1-D .npy (then --data holds only the inputs)"},
    {"--target-col", "K", CLI_INT, PA(target_col), -1, 1e6, 0, "last",
     "0-based column of the target in --data (-1: the last)"},
    {"--dim", "D", CLI_SIZE, PA(dim), 1, INF, 0, NULL,
     "generator: input dimension d"},
    {"--samples", "N", CLI_SIZE, PA(samples), 1, INF, 0, NULL,
     "generator: number of samples (Exp 2, 3, 5, 6)"},
    {"--seed", "S", CLI_U64, PA(seed), 0, INF, 0, NULL,
     "generator: random seed (GSL mt19937; toy data too)"},
    {"--noise", "E", CLI_DOUBLE, PA(noise), 0, INF, 0, NULL,
     "generator: standard deviation of the target noise"},
    {"--toy-samples", "N", CLI_SIZE, PA(toy_samples), 2, INF, 0, NULL,
     "samples of the toy data (Exp 1, 4)"},
    {"--width", "M", CLI_SIZE, PA(width), 2, INF, 0, NULL,
     "hidden units of the Exp 2, 3, 6 model"},
    {"--alpha", "A", CLI_DOUBLE, PA(alpha), 0, INF, 1, NULL,
     "Tikhonov weight of Exp 2, 3, 5, 6"},
    {"--toy-alpha", "A", CLI_DOUBLE, PA(toy_alpha), 0, INF, 0, NULL,
     "Tikhonov weight of the toy (Exp 1)"},
    {"--phase-alpha", "A", CLI_DOUBLE, PA(phase_alpha), 0, INF, 0, NULL,
     "Tikhonov weight of the phase diagram (Exp 4)"},
    {"--act", "NAME", CLI_STR, PA(act), 0, 0, 0, NULL,
     "activation sigma, every experiment (see 'losslab trace --help')"},
    {"--v", "SPEC", CLI_STR, PA(v), 0, 0, 0, NULL,
     "output weights per width: linspace:A:B or ones"},
    {"--widths", "LIST", CLI_STR, PA(widths), 0, 0, 0, NULL,
     "widths of Exp 5 (comma list)"},
    {"--a-values", "LIST", CLI_STR, PA(a_values), 0, 0, 0, NULL,
     "values of a of Exp 4 (comma list)"},
    {"--lambda-max", "L", CLI_DOUBLE, PA(lambda_max), 0, 100, 1, NULL,
     "follow every branch on [0, L]"},
    {"--seed-draws", "K", CLI_SIZE, PA(seed_draws), 0, 1000, 0, NULL,
     "other data draws for the spread of K (0: none)"},
    {"--jobs", "N", CLI_INT, PA(jobs), 1, 1024, 0, "online CPUs",
     "sweep items run in parallel on N threads"},
    {"--out", "DIR", CLI_STR, PA(out), 0, 0, 0, NULL,
     "the report folder"},
    {"--quiet", NULL, CLI_FLAG, PA(quiet), 0, 0, 0, NULL,
     "no progress lines and no summary"},
    {NULL, NULL, CLI_FLAG, 0, 0, 0, 0, NULL, NULL}};

static paper_args paper_args_default(void)
{
    paper_args a;
    ll_paper_opts o = ll_paper_opts_default();
    memset(&a, 0, sizeof a);
    a.target_col = -1;
    a.dim = o.data.gen.d, a.samples = o.data.gen.n, a.seed = o.data.gen.seed;
    a.noise = o.data.gen.noise;
    a.toy_samples = o.toy_data.gen.n;
    a.width = o.coeffs.trace.model.width;
    a.alpha = o.coeffs.trace.model.alpha;
    a.toy_alpha = o.toy.alpha;
    a.phase_alpha = o.phase.trace.model.alpha;
    a.act = "tanh";
    a.v = "linspace:0.5:1.5";
    a.widths = "3,5,8,10,15,20,30,50,75,100";
    a.a_values = "0,0.1,0.3,0.5,0.7,0.9,1";
    a.lambda_max = o.coeffs.trace.cont.p_max;
    a.seed_draws = o.seed_draws;
    a.out = "results/paper";
    return a;
}

static void paper_help(void)
{
    paper_args d = paper_args_default();
    printf("Usage: losslab paper [options]\n\n"
           "Every experiment of the seed paper (seed 000, appendix B) on "
           "built-in data,\nand a report folder: each command's JSON and "
           "figures, report.md, report.html\n(self-contained) and "
           "report.json, with losslab's values beside the paper's\nand why "
           "they differ.\n  Exp 1 toy; Exp 2-3, 6 trace and coeffs at m = "
           "--width; Exp 4 phase;\n  Exp 5 widths.\n\nOptions:\n");
    cli_print_options(paper_options, &d);
    printf("  %-20s %s\n\nExamples:\n  losslab paper\n"
           "  losslab paper --out report/ --act erf\n"
           "  losslab paper --widths 5,10,20 --samples 200 --seed-draws 0\n"
           "\nExit status: 0 the report was written, 1 a run or a file "
           "failed, 2 bad\nusage, 130 interrupted.\n", "--help",
           "print this help");
}

static volatile sig_atomic_t g_paper_stop = 0;

static void on_sigint(int sig)
{
    (void)sig;
    g_paper_stop = 1;
}

/* Progress on a terminal: one line per stage and per sweep item. */
typedef struct progress {
    int on;
    ll_paper_stage stage; /* the running stage */
} progress;

static void on_stage(void *user, ll_paper_stage s, int done)
{
    progress *p = user;
    p->stage = s;
    if (!p->on)
        return;
    if (!done)
        fprintf(stderr, "[%d/%d] %s ...\n", (int)s + 1, (int)LL_PAPER_NSTAGES,
                ll_paper_stage_str(s));
}

static int on_item_done(void *user, size_t idx, const ll_sweep_item *it)
{
    progress *p = user;
    (void)idx;
    if (!p->on)
        return 0;
    fprintf(stderr, "      %s = %g done in %.2f s", p->stage == LL_PAPER_WIDTHS
            ? "m" : "a", it->param, it->time);
    if (it->n_events)
        fprintf(stderr, ": %s at lambda = %.6f",
                ll_event_type_str(it->events[0].type), it->events[0].lambda);
    fputc('\n', stderr);
    return 0;
}

static int check_generator_only(const paper_args *a, int argc, char **argv)
{
    static const char *gen_only[] = {"--dim", "--samples", "--noise"};
    for (int i = 2; a->data && i < argc; i++)
        for (size_t g = 0; g < 3; g++) {
            size_t l = strlen(gen_only[g]);
            if (strncmp(argv[i], gen_only[g], l) == 0 &&
                (argv[i][l] == '\0' || argv[i][l] == '='))
                return cli_usage_error("paper", "%s sets up the generator "
                                       "and cannot be combined with --data",
                                       gen_only[g]);
        }
    if (a->target && !a->data)
        return cli_usage_error("paper", "--target needs --data (the inputs)");
    return CLI_EXIT_OK;
}

/* Lists and v for the m = --width model; owned by the caller (freed by
 * paper_lists_free). */
typedef struct paper_lists {
    size_t *widths, n_widths;
    double *a;
    size_t n_a;
    double *v;
} paper_lists;

static void paper_lists_free(paper_lists *l)
{
    free(l->widths);
    free(l->a);
    free(l->v);
}

static int paper_build(const paper_args *a, paper_lists *l, ll_paper_opts *o)
{
    ll_errbuf eb = {{0}};
    const ll_act *act = ll_act_find(a->act);
    int rc;
    if (!act)
        return cli_usage_error("paper", "--act: unknown activation '%s' (see "
                               "'losslab trace --help')", a->act);
    if ((rc = cli_parse_size_list("paper", "--widths", a->widths, &l->widths,
                                  &l->n_widths)) != CLI_EXIT_OK ||
        (rc = cli_parse_double_list("paper", "--a-values", a->a_values, &l->a,
                                    &l->n_a)) != CLI_EXIT_OK)
        return rc;
    if (!(l->v = malloc(a->width * sizeof *l->v)))
        return cli_fail("paper", "out of memory");
    if (ll_v_spec_values(a->v, a->width, l->v, &eb) != LL_OK)
        return cli_usage_error("paper", "--v: %s", eb.msg);
    *o = ll_paper_opts_default();
    o->data.x_path = a->data, o->data.y_path = a->target;
    o->data.target_col = a->target_col;
    o->data.gen.d = a->dim, o->data.gen.n = a->samples;
    o->data.gen.seed = a->seed, o->data.gen.noise = a->noise;
    o->toy_data.gen.n = a->toy_samples, o->toy_data.gen.seed = a->seed;
    o->toy.act = act, o->toy.alpha = a->toy_alpha;
    o->toy.cont.p_max = a->lambda_max;
    o->coeffs.trace.model.act = act, o->coeffs.trace.model.alpha = a->alpha;
    o->coeffs.trace.model.width = a->width, o->coeffs.trace.model.v = l->v;
    o->coeffs.trace.cont.p_max = a->lambda_max;
    o->phase.trace.model.act = act;
    o->phase.trace.model.alpha = a->phase_alpha;
    o->phase.trace.cont.p_max = a->lambda_max;
    o->phase.a = l->a, o->phase.n_a = l->n_a;
    o->widths.trace.model.act = act, o->widths.trace.model.alpha = a->alpha;
    o->widths.trace.cont.p_max = a->lambda_max;
    o->widths.widths = l->widths, o->widths.n_widths = l->n_widths;
    o->widths.v_spec = a->v;
    o->seed_draws = a->seed_draws;
    if (ll_widths_check(&o->widths, &eb) != LL_OK ||
        ll_phase_check(&o->phase, &eb) != LL_OK)
        return cli_usage_error("paper", "%s", eb.msg);
    return CLI_EXIT_OK;
}

static void paper_summary(const ll_paper_result *r, const char *out)
{
    printf("%-6s %-42s %-12s %-34s %s\n", "exp.", "quantity", "paper",
           "losslab", "verdict");
    for (size_t i = 0; i < r->n_rows; i++) {
        const ll_paper_row *w = &r->rows[i];
        printf("%-6s %-42.42s %-12.12s %-34.34s %s\n", w->experiment,
               w->quantity, w->paper_text, w->losslab_text,
               ll_paper_verdict_str(w->verdict));
    }
    printf("time: %.2f s\nreport: %s/report.html (also report.md, "
           "report.json)\n", r->time_total, out);
}

static int paper_execute(const paper_args *a, ll_paper_opts *o, char *cmdline)
{
    ll_errbuf eb = {{0}};
    ll_paper_result res;
    progress pr = {!a->quiet && isatty(STDERR_FILENO), LL_PAPER_TOY};
    if (ll_io_mkdir_p(a->out, &eb) != LL_OK)
        return cli_fail("paper", eb.msg);
    o->hooks.jobs = a->jobs > 0 ? a->jobs : cli_online_cpus();
    o->hooks.cancel = &g_paper_stop;
    o->hooks.on_done = on_item_done, o->hooks.user = &pr;
    o->on_stage = on_stage, o->stage_user = &pr;
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);
    ll_status st = ll_paper_run(o, &res, &eb);
    sigaction(SIGINT, &old, NULL);
    int rc = CLI_EXIT_OK;
    if (st == LL_STOP_CANCEL) {
        fprintf(stderr, "losslab paper: interrupted; no report written\n");
        rc = CLI_EXIT_INTERRUPTED;
    } else if (st != LL_OK) {
        rc = cli_fail("paper", eb.msg);
    } else {
        ll_paper_report rep = {o, cmdline, o->hooks.jobs, &res};
        if (pr.on)
            fprintf(stderr, "writing the report into %s ...\n", a->out);
        if (ll_io_write_paper_dir(a->out, &rep, &eb) != LL_OK)
            rc = cli_fail("paper", eb.msg);
        else if (!a->quiet)
            paper_summary(&res, a->out);
    }
    ll_paper_result_free(&res);
    return rc;
}

int cli_cmd_paper(int argc, char **argv)
{
    paper_args a = paper_args_default();
    paper_lists l;
    ll_paper_opts o;
    int help, rc = cli_parse("paper", argc, argv, 2, paper_options, &a, &help);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (help) {
        paper_help();
        return CLI_EXIT_OK;
    }
    if ((rc = check_generator_only(&a, argc, argv)) != CLI_EXIT_OK)
        return rc;
    memset(&l, 0, sizeof l);
    rc = paper_build(&a, &l, &o);
    if (rc == CLI_EXIT_OK) {
        char *cmdline = cli_join_argv(argc, argv);
        rc = paper_execute(&a, &o, cmdline);
        free(cmdline);
    }
    paper_lists_free(&l);
    return rc;
}
