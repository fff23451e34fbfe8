/* `losslab phase`: the symmetry-breaking phase diagram of MATH.md section 4
 * Exp. 4 (toy model d = 1, m = 2, v = (1, a) over a grid of a), through the
 * phase sweep (src/study/phase.c); results written by src/io. No numerics
 * here. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "losslab/losslab.h"
#include "losslab/sweep.h"
#include "losslab/sweep_io.h"
#include "sweep_cli.h"

typedef struct phase_args {
    const char *data, *target, *out, *json, *act, *a_values;
    int target_col, eigs, quiet, resume, jobs, z2;
    size_t samples, max_steps, max_items;
    uint64_t seed;
    double noise, alpha, lambda_max, ds, degenerate_tol;
} phase_args;

#define PA(f) offsetof(phase_args, f)
#define INF HUGE_VAL
static const cli_option phase_options[] = {
    {"--a-values", "LIST", CLI_STR, PA(a_values), 0, 0, 0, NULL,
     "comma-separated values of a in v = (1, a)"},
    {"--data", "FILE", CLI_STR, PA(data), 0, 0, 0, "the toy generator",
     "inputs and target: CSV (optional header) or .npy float64"},
    {"--target", "FILE", CLI_STR, PA(target), 0, 0, 0, "none",
     "targets as a 1-D .npy (then --data holds only the inputs)"},
    {"--target-col", "K", CLI_INT, PA(target_col), -1, 1e6, 0, "last",
     "0-based column of the target in --data (-1: the last)"},
    {"--samples", "N", CLI_SIZE, PA(samples), 1, INF, 0, NULL,
     "toy generator: number of samples"},
    {"--seed", "S", CLI_U64, PA(seed), 0, INF, 0, NULL,
     "toy generator: random seed (GSL mt19937)"},
    {"--noise", "E", CLI_DOUBLE, PA(noise), 0, INF, 0, NULL,
     "toy generator: standard deviation of the target noise"},
    {"--alpha", "A", CLI_DOUBLE, PA(alpha), 0, INF, 0, NULL,
     "Tikhonov weight on W (0: every start is degenerate, see the README)"},
    {"--act", "NAME", CLI_STR, PA(act), 0, 0, 0, NULL,
     "activation sigma (as in trace)"},
    {"--lambda-max", "L", CLI_DOUBLE, PA(lambda_max), 0, 100, 1, NULL,
     "follow each branch on [0, L]"},
    {"--ds", "H", CLI_DOUBLE, PA(ds), 0, 1, 1, NULL, "initial arclength step"},
    {"--max-steps", "K", CLI_SIZE, PA(max_steps), 1, INF, 0, NULL,
     "continuation step budget per a"},
    {"--eigs", "K", CLI_INT, PA(eigs), 1, 2, 0, NULL,
     "smallest Hessian eigenvalues tracked per point (P = 2)"},
    {"--degenerate-tol", "T", CLI_DOUBLE, PA(degenerate_tol), 0, INF, 0, NULL,
     "a start with mu_min(0) <= T is reported as degenerate, not traced"},
    {"--z2", NULL, CLI_FLAG, PA(z2), 0, 0, 0, NULL,
     "declare a Z2 symmetry (g_aa = 0)"},
    {"--jobs", "N", CLI_INT, PA(jobs), 1, 1024, 0, "online CPUs",
     "values of a run in parallel on N threads"},
    {"--out", "DIR", CLI_STR, PA(out), 0, 0, 0, "none",
     "write items/, phase.json, phase.png/.svg into DIR"},
    {"--json", "FILE", CLI_STR, PA(json), 0, 0, 0, "none",
     "write the combined JSON to FILE (atomically)"},
    {"--resume", NULL, CLI_FLAG, PA(resume), 0, 0, 0, NULL,
     "skip the values already finished in --out DIR (same config)"},
    {"--max-items", "K", CLI_SIZE, PA(max_items), 1, INF, 0, "all",
     "stop after K new values (a partial run, resumable)"},
    {"--quiet", NULL, CLI_FLAG, PA(quiet), 0, 0, 0, NULL,
     "no progress lines and no summary"},
    {NULL, NULL, CLI_FLAG, 0, 0, 0, 0, NULL, NULL}};

static phase_args phase_args_default(void)
{
    phase_args a;
    ll_phase_opts o = ll_phase_opts_default();
    ll_gen_opts g = ll_gen_toy_opts_default();
    memset(&a, 0, sizeof a);
    a.a_values = "0,0.1,0.3,0.5,0.7,0.9,1";
    a.target_col = -1;
    a.samples = g.n, a.seed = g.seed, a.noise = g.noise;
    a.alpha = o.trace.model.alpha;
    a.act = o.trace.model.act ? o.trace.model.act->name : "tanh";
    a.lambda_max = o.trace.cont.p_max;
    a.ds = o.trace.cont.ds0;
    a.max_steps = o.trace.cont.max_steps;
    a.eigs = 2;
    a.degenerate_tol = o.degenerate_tol;
    return a;
}

static void phase_help(void)
{
    phase_args d = phase_args_default();
    printf("Usage: losslab phase [options]\n\n"
           "The symmetry-breaking phase diagram (MATH.md section 4, Exp. 4): "
           "the toy model\nd = 1, m = 2, v = (1, a) on the data of Exp. 1 "
           "(x ~ N(0,1), y = tanh(1.5x) + 0.02 eps),\nfor each a: the "
           "smallest Hessian eigenvalue at lambda = 0, lambda_1'(0), the\n"
           "prediction alpha/|lambda_1'(0)| and the first event on "
           "[0, lambda_max].\nalpha defaults to 1e-3, not the paper's 0: with "
           "alpha = 0 the minimiser at\nlambda = 0 has a kernel for every a "
           "and such items are reported as degenerate.\n\nOptions:\n");
    cli_print_options(phase_options, &d);
    printf("  %-20s %s\n\nExamples:\n"
           "  losslab phase --out phase/\n"
           "  losslab phase --a-values 0,0.25,0.5,0.75,1 --alpha 4e-3\n"
           "\nExit status: 0 all values done, 1 a value or a file failed, 2 "
           "bad usage,\n130 interrupted (finished values stay in DIR/items).\n",
           "--help", "print this help");
}

static int phase_validate(const phase_args *a, int argc, char **argv)
{
    static const char *gen_only[] = {"--samples", "--seed", "--noise"};
    int rc = cli_sweep_check_data("phase", "toy generator", a->data != NULL,
                                  a->target != NULL, gen_only, 3, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (!ll_act_find(a->act))
        return cli_usage_error("phase", "--act: unknown activation '%s' (see "
                               "'losslab trace --help')", a->act);
    if (a->resume && !a->out)
        return cli_usage_error("phase", "--resume needs --out DIR (where the "
                               "finished values are)");
    return CLI_EXIT_OK;
}

static void build_opts(const phase_args *a, const double *av, size_t n,
                       ll_phase_opts *o)
{
    *o = ll_phase_opts_default();
    o->a = av, o->n_a = n;
    o->degenerate_tol = a->degenerate_tol;
    cli_sweep_trace_opts(&o->trace, a->alpha, a->act, a->lambda_max, a->ds,
                         a->max_steps, a->eigs, a->z2);
}

static ll_status run_phase(const void *opts, const ll_data *D,
                           ll_sweep_hooks *h, ll_sweep_result *res,
                           ll_errbuf *eb)
{
    ll_phase_opts o = *(const ll_phase_opts *)opts;
    o.hooks = *h;
    return ll_phase_run(D, &o, res, eb);
}

static void phase_summary(const cli_sweep *s)
{
    const ll_sweep_result *r = s->rep.res;
    const ll_trace_opts *t = s->rep.trace;
    printf("phase: v = (1, a), m = 2, N = %zu, d = %zu, act %s, alpha = %g, "
           "lambda in [0, %g]\n", s->rep.D->n, s->rep.D->d, t->model.act->name,
           t->model.alpha, t->cont.p_max);
    printf("%8s %12s %14s %11s  %-22s %10s %7s\n", "a", "mu_min(0)",
           "lambda1'(0)", "predicted", "first event", "lambda*", "index");
    for (size_t i = 0; i < r->n; i++) {
        const ll_sweep_item *it = &r->items[i];
        printf("%8g %12.6g %14.6g %11.6g  ", it->param, it->mu_min0,
               it->lambda1_prime0, it->lambda_star_predicted);
        if (it->degenerate_start)
            printf("degenerate start: kernel at lambda = 0, not traced\n");
        else if (it->status < 0)
            printf("failed: %s\n", ll_status_str(it->status));
        else if (!it->n_events)
            printf("%-22s %10s %7s\n", "none", "-", "-");
        else
            printf("%-22s %10.6f %3d->%-3d\n",
                   ll_event_type_str(it->events[0].type), it->events[0].lambda,
                   it->events[0].index_before, it->events[0].index_after);
    }
    if (s->out)
        printf("results: %s/phase.json, %s/phase.png, %s/phase.svg\n", s->out,
               s->out, s->out);
    if (s->json)
        printf("json: %s\n", s->json);
}

static ll_status phase_load(const phase_args *a, ll_data_source *src,
                            ll_data *D, ll_errbuf *eb)
{
    *src = ll_data_source_default();
    src->x_path = a->data, src->y_path = a->target;
    src->target_col = a->target_col;
    src->gen = ll_gen_toy_opts_default();
    src->gen.n = a->samples, src->gen.seed = a->seed, src->gen.noise = a->noise;
    if (a->data)
        return ll_study_data_load(src, D, eb);
    return ll_data_generate_toy(D, &src->gen, eb);
}

static int phase_main(const phase_args *a, const double *av, size_t n,
                      char *cmdline)
{
    ll_errbuf eb = {{0}};
    ll_phase_opts o;
    ll_data_source src;
    ll_data D = {0};
    ll_sweep_result res;
    build_opts(a, av, n, &o);
    if (ll_phase_result_init(&res, &o, &eb) != LL_OK)
        return cli_usage_error("phase", "%s", eb.msg);
    int rc = CLI_EXIT_OK;
    if (a->out && ll_io_mkdir_p(a->out, &eb) != LL_OK)
        rc = cli_fail("phase", eb.msg);
    else if (a->json && ll_io_check_writable(a->json, &eb) != LL_OK)
        rc = cli_fail("phase", eb.msg);
    else if (phase_load(a, &src, &D, &eb) != LL_OK)
        rc = cli_fail("phase", eb.msg);
    if (rc == CLI_EXIT_OK) {
        cli_sweep s;
        memset(&s, 0, sizeof s);
        s.cmd = "phase", s.out = a->out, s.json = a->json;
        s.resume = a->resume, s.quiet = a->quiet;
        s.jobs = a->jobs > 0 ? a->jobs : cli_online_cpus();
        s.max_items = a->max_items;
        s.rep.kind = LL_SWEEP_PHASE, s.rep.trace = &o.trace, s.rep.data = &src;
        s.rep.D = &D, s.rep.degenerate_tol = o.degenerate_tol;
        s.rep.command_line = cmdline, s.rep.jobs = s.jobs;
        s.run = run_phase, s.opts = &o, s.summary = phase_summary;
        rc = cli_sweep_run(&s, &res);
    }
    ll_sweep_result_free(&res);
    ll_data_free(&D);
    return rc;
}

int cli_cmd_phase(int argc, char **argv)
{
    phase_args a = phase_args_default();
    int help, rc = cli_parse("phase", argc, argv, 2, phase_options, &a, &help);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (help) {
        phase_help();
        return CLI_EXIT_OK;
    }
    if ((rc = phase_validate(&a, argc, argv)) != CLI_EXIT_OK)
        return rc;
    double *av;
    size_t n;
    if ((rc = cli_parse_double_list("phase", "--a-values", a.a_values, &av,
                                    &n)) != CLI_EXIT_OK)
        return rc;
    char *cmdline = cli_join_argv(argc, argv);
    rc = phase_main(&a, av, n, cmdline);
    free(cmdline);
    free(av);
    return rc;
}
