/* `losslab widths`: parse the options, hand them to the width sweep
 * (src/study/widths.c, MATH.md section 1 "Width scaling", section 4 Exp. 5),
 * write the results (src/io) and print the table and the fit. No numerics
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

typedef struct widths_args {
    const char *data, *target, *out, *json, *act, *v, *widths, *hessian;
    int target_col, eigs, quiet, resume, jobs, z2;
    size_t dim, samples, max_steps, max_items;
    uint64_t seed;
    double noise, alpha, lambda_max, ds;
} widths_args;

#define WA(f) offsetof(widths_args, f)
#define INF HUGE_VAL
static const cli_option widths_options[] = {
    {"--widths", "LIST", CLI_STR, WA(widths), 0, 0, 0, NULL,
     "comma-separated widths m (integers >= 1)"},
    {"--data", "FILE", CLI_STR, WA(data), 0, 0, 0, "the built-in generator",
     "inputs and target: CSV (optional header) or .npy float64"},
    {"--target", "FILE", CLI_STR, WA(target), 0, 0, 0, "none",
     "targets as a 1-D .npy (then --data holds only the inputs)"},
    {"--target-col", "K", CLI_INT, WA(target_col), -1, 1e6, 0, "last",
     "0-based column of the target in --data (-1: the last)"},
    {"--dim", "D", CLI_SIZE, WA(dim), 1, INF, 0, NULL,
     "generator: input dimension d"},
    {"--samples", "N", CLI_SIZE, WA(samples), 1, INF, 0, NULL,
     "generator: number of samples"},
    {"--seed", "S", CLI_U64, WA(seed), 0, INF, 0, NULL,
     "generator: random seed (GSL mt19937)"},
    {"--noise", "E", CLI_DOUBLE, WA(noise), 0, INF, 0, NULL,
     "generator: standard deviation of the target noise"},
    {"--alpha", "A", CLI_DOUBLE, WA(alpha), 0, INF, 0, NULL,
     "Tikhonov weight on W: L = MSE/2 + alpha/2 ||W||^2"},
    {"--act", "NAME", CLI_STR, WA(act), 0, 0, 0, NULL,
     "activation sigma (as in trace)"},
    {"--v", "SPEC", CLI_STR, WA(v), 0, 0, 0, NULL,
     "output weights per width: linspace:A:B, ones, or a list (one width)"},
    {"--lambda-max", "L", CLI_DOUBLE, WA(lambda_max), 0, 100, 1, NULL,
     "follow each branch on [0, L]"},
    {"--ds", "H", CLI_DOUBLE, WA(ds), 0, 1, 1, NULL, "initial arclength step"},
    {"--max-steps", "K", CLI_SIZE, WA(max_steps), 1, INF, 0, NULL,
     "continuation step budget per width"},
    {"--hessian", "PATH", CLI_STR, WA(hessian), 0, 0, 0, NULL,
     "Hessian path per width: auto, dense, structured or matfree"},
    {"--eigs", "K", CLI_INT, WA(eigs), 1, 64, 0, NULL,
     "smallest Hessian eigenvalues tracked per point"},
    {"--z2", NULL, CLI_FLAG, WA(z2), 0, 0, 0, NULL,
     "declare a Z2 symmetry (g_aa = 0)"},
    {"--jobs", "N", CLI_INT, WA(jobs), 1, 1024, 0, "online CPUs",
     "widths run in parallel on N threads"},
    {"--out", "DIR", CLI_STR, WA(out), 0, 0, 0, "none",
     "write items/, widths.json, widths.png/.svg into DIR"},
    {"--json", "FILE", CLI_STR, WA(json), 0, 0, 0, "none",
     "write the combined JSON to FILE (atomically)"},
    {"--resume", NULL, CLI_FLAG, WA(resume), 0, 0, 0, NULL,
     "skip the widths already finished in --out DIR (same config)"},
    {"--max-items", "K", CLI_SIZE, WA(max_items), 1, INF, 0, "all",
     "stop after K new widths (a partial run, resumable)"},
    {"--quiet", NULL, CLI_FLAG, WA(quiet), 0, 0, 0, NULL,
     "no progress lines and no summary"},
    {NULL, NULL, CLI_FLAG, 0, 0, 0, 0, NULL, NULL}};

static widths_args widths_args_default(void)
{
    widths_args a;
    ll_widths_opts o = ll_widths_opts_default();
    ll_gen_opts g = ll_gen_opts_default();
    memset(&a, 0, sizeof a);
    a.widths = "3,5,8,10,15,20,30,50,75,100";
    a.target_col = -1;
    a.dim = g.d, a.samples = g.n, a.seed = g.seed, a.noise = g.noise;
    a.alpha = o.trace.model.alpha;
    a.act = o.trace.model.act ? o.trace.model.act->name : "tanh";
    a.v = "linspace:0.5:1.5";
    a.lambda_max = o.trace.cont.p_max;
    a.ds = o.trace.cont.ds0;
    a.max_steps = o.trace.cont.max_steps;
    a.eigs = o.trace.cont.n_eigs;
    a.hessian = ll_hessian_path_str(o.trace.cont.hessian);
    a.jobs = 0;
    return a;
}

static void widths_help(void)
{
    widths_args d = widths_args_default();
    printf("Usage: losslab widths [options]\n\n"
           "The width-scaling study (MATH.md section 1, Exp. 5): the trace "
           "study at every\nwidth m on one data set, in parallel; per width "
           "lambda_1'(0), the prediction\nalpha/|lambda_1'(0)| and the first "
           "event on [0, lambda_max]; then the fit\n  lambda_1'(0) = K/m + "
           "K2/m^2,  m* = |K|/alpha,  slope alpha/|K|.\n\nOptions:\n");
    cli_print_options(widths_options, &d);
    printf("  %-20s %s\n\nExamples:\n"
           "  losslab widths --out widths/\n"
           "  losslab widths --widths 5,10,20 --act erf --jobs 2 --json w.json\n"
           "  losslab widths --out widths/ --resume     (after a Ctrl-C)\n"
           "\nExit status: 0 all widths done, 1 a width or a file failed, 2 "
           "bad usage,\n130 interrupted (finished widths stay in DIR/items).\n",
           "--help", "print this help");
}

static int widths_validate(const widths_args *a, int argc, char **argv)
{
    static const char *gen_only[] = {"--dim", "--samples", "--seed", "--noise"};
    int rc = cli_sweep_check_data("widths", "generator", a->data != NULL,
                                  a->target != NULL, gen_only, 4, argc, argv);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (!ll_act_find(a->act))
        return cli_usage_error("widths", "--act: unknown activation '%s' (see "
                               "'losslab trace --help')", a->act);
    ll_hessian_path hp;
    if (ll_hessian_path_parse(a->hessian, &hp) != LL_OK)
        return cli_usage_error("widths", "--hessian: unknown path '%s' (valid: "
                               "auto, dense, structured, matfree)", a->hessian);
    if (a->resume && !a->out)
        return cli_usage_error("widths", "--resume needs --out DIR (where the "
                               "finished widths are)");
    return CLI_EXIT_OK;
}

static void build_opts(const widths_args *a, const size_t *w, size_t n,
                       ll_widths_opts *o)
{
    *o = ll_widths_opts_default();
    o->widths = w, o->n_widths = n;
    o->v_spec = a->v;
    cli_sweep_trace_opts(&o->trace, a->alpha, a->act, a->lambda_max, a->ds,
                         a->max_steps, a->eigs, a->z2);
    (void)ll_hessian_path_parse(a->hessian, &o->trace.cont.hessian);
}

static ll_status run_widths(const void *opts, const ll_data *D,
                            ll_sweep_hooks *h, ll_sweep_result *res,
                            ll_errbuf *eb)
{
    ll_widths_opts o = *(const ll_widths_opts *)opts;
    o.hooks = *h;
    return ll_widths_run(D, &o, res, eb);
}

static void widths_summary(const cli_sweep *s)
{
    const ll_sweep_result *r = s->rep.res;
    const ll_trace_opts *t = s->rep.trace;
    printf("widths: %zu on N = %zu, d = %zu, act %s, alpha = %g, v %s, "
           "lambda in [0, %g]\n", r->n, s->rep.D->n, s->rep.D->d,
           t->model.act->name, t->model.alpha,
           s->rep.v_spec ? s->rep.v_spec : "linspace:0.5:1.5", t->cont.p_max);
    printf("%6s %14s %11s  %-22s %10s %7s %10s\n", "m", "lambda1'(0)",
           "predicted", "first event", "lambda*", "index", "|mu1/mu2|");
    for (size_t i = 0; i < r->n; i++) {
        const ll_sweep_item *it = &r->items[i];
        printf("%6.0f %14.6g %11.6g  ", it->param, it->lambda1_prime0,
               it->lambda_star_predicted);
        if (it->status < 0)
            printf("failed: %s\n", ll_status_str(it->status));
        else if (!it->n_events)
            printf("%-22s %10s %7s %10s\n", "none", "-", "-", "-");
        else
            printf("%-22s %10.6f %3d->%-3d %10.4g\n",
                   ll_event_type_str(it->events[0].type), it->events[0].lambda,
                   it->events[0].index_before, it->events[0].index_after,
                   it->events[0].kernel_ratio);
    }
    if (r->fit.status == LL_OK)
        printf("fit lambda1'(0) = K/m + K2/m^2 (%zu widths): K = %.6g, K2 = "
               "%.6g, rms %.3g\n  critical width m* = |K|/alpha = %.4g, slope "
               "alpha/|K| = %.4g\n", r->fit.n_used, r->fit.K, r->fit.K2,
               r->fit.rms, r->fit.m_star, r->fit.slope);
    else
        printf("fit: not possible (needs lambda1'(0) at two or more widths)\n");
    if (s->out)
        printf("results: %s/widths.json, %s/widths.png, %s/widths.svg\n",
               s->out, s->out, s->out);
    if (s->json)
        printf("json: %s\n", s->json);
}

static int widths_execute(const widths_args *a, const ll_widths_opts *o,
                          const ll_data_source *src, const ll_data *D,
                          char *cmdline)
{
    ll_errbuf eb = {{0}};
    ll_sweep_result res;
    if (ll_widths_result_init(&res, o, &eb) != LL_OK)
        return cli_usage_error("widths", "%s", eb.msg);
    cli_sweep s;
    memset(&s, 0, sizeof s);
    s.cmd = "widths", s.out = a->out, s.json = a->json;
    s.resume = a->resume, s.quiet = a->quiet;
    s.jobs = a->jobs > 0 ? a->jobs : cli_online_cpus();
    s.max_items = a->max_items;
    s.rep.kind = LL_SWEEP_WIDTHS, s.rep.trace = &o->trace, s.rep.data = src;
    s.rep.D = D, s.rep.v_spec = a->v, s.rep.command_line = cmdline;
    s.rep.jobs = s.jobs;
    s.run = run_widths, s.opts = o, s.summary = widths_summary;
    int rc = cli_sweep_run(&s, &res);
    ll_sweep_result_free(&res);
    return rc;
}

static int widths_main(const widths_args *a, const size_t *w, size_t n,
                       char *cmdline)
{
    ll_errbuf eb = {{0}};
    ll_widths_opts o;
    ll_data_source src = ll_data_source_default();
    ll_data D = {0};
    build_opts(a, w, n, &o);
    if (ll_widths_check(&o, &eb) != LL_OK)
        return cli_usage_error("widths", "%s", eb.msg);
    if (a->out && ll_io_mkdir_p(a->out, &eb) != LL_OK)
        return cli_fail("widths", eb.msg);
    if (a->json && ll_io_check_writable(a->json, &eb) != LL_OK)
        return cli_fail("widths", eb.msg);
    src.x_path = a->data, src.y_path = a->target, src.target_col = a->target_col;
    src.gen.d = a->dim, src.gen.n = a->samples, src.gen.seed = a->seed;
    src.gen.noise = a->noise;
    if (ll_study_data_load(&src, &D, &eb) != LL_OK)
        return cli_fail("widths", eb.msg);
    int rc = widths_execute(a, &o, &src, &D, cmdline);
    ll_data_free(&D);
    return rc;
}

int cli_cmd_widths(int argc, char **argv)
{
    widths_args a = widths_args_default();
    int help, rc = cli_parse("widths", argc, argv, 2, widths_options, &a, &help);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (help) {
        widths_help();
        return CLI_EXIT_OK;
    }
    if ((rc = widths_validate(&a, argc, argv)) != CLI_EXIT_OK)
        return rc;
    size_t *w, n;
    if ((rc = cli_parse_size_list("widths", "--widths", a.widths, &w, &n)) !=
        CLI_EXIT_OK)
        return rc;
    char *cmdline = cli_join_argv(argc, argv);
    rc = widths_main(&a, w, n, cmdline);
    free(cmdline);
    free(w);
    return rc;
}
