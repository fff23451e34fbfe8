/* `losslab trace`: parse the options, hand them to the trace study
 * (src/study, MATH.md sections 1-3), write the results (src/io) and print a
 * short summary. No numerics here. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "losslab/losslab.h"

typedef struct trace_args {
    const char *data, *target, *out, *json, *act, *v;
    int target_col;
    size_t dim, samples, width, max_steps;
    uint64_t seed;
    double noise, alpha, lambda_max, ds;
    int eigs, train_v, bias, quiet, no_coefs, no_locate, z2;
} trace_args;

#define TA(f) offsetof(trace_args, f)
#define INF HUGE_VAL
static const cli_option trace_options[] = {
    {"--data", "FILE", CLI_STR, TA(data), 0, 0, 0, "the built-in generator",
     "inputs and target: CSV (optional header) or .npy float64"},
    {"--target", "FILE", CLI_STR, TA(target), 0, 0, 0, "none",
     "targets as a 1-D .npy (then --data holds only the inputs)"},
    {"--target-col", "K", CLI_INT, TA(target_col), -1, 1e6, 0, "last",
     "0-based column of the target in --data (-1: the last)"},
    {"--dim", "D", CLI_SIZE, TA(dim), 1, INF, 0, NULL,
     "generator: input dimension d"},
    {"--samples", "N", CLI_SIZE, TA(samples), 1, INF, 0, NULL,
     "generator: number of samples"},
    {"--seed", "S", CLI_U64, TA(seed), 0, INF, 0, NULL,
     "generator: random seed (GSL mt19937)"},
    {"--noise", "E", CLI_DOUBLE, TA(noise), 0, INF, 0, NULL,
     "generator: standard deviation of the target noise"},
    {"--width", "M", CLI_SIZE, TA(width), 1, INF, 0, NULL,
     "hidden units m"},
    {"--alpha", "A", CLI_DOUBLE, TA(alpha), 0, INF, 0, NULL,
     "Tikhonov weight on W: L = MSE/2 + alpha/2 ||W||^2"},
    {"--act", "NAME", CLI_STR, TA(act), 0, 0, 0, NULL,
     "activation sigma (see the list below)"},
    {"--v", "SPEC", CLI_STR, TA(v), 0, 0, 0, NULL,
     "output weights: linspace:A:B, ones, or m comma-separated numbers"},
    {"--train-v", NULL, CLI_FLAG, TA(train_v), 0, 0, 0, "fixed v",
     "train the output weights v too"},
    {"--bias", NULL, CLI_FLAG, TA(bias), 0, 0, 0, "none",
     "hidden biases b_j (trained, unregularised)"},
    {"--lambda-max", "L", CLI_DOUBLE, TA(lambda_max), 0, 100, 1, NULL,
     "stop when lambda leaves [0, L]"},
    {"--ds", "H", CLI_DOUBLE, TA(ds), 0, 1, 1, NULL,
     "initial arclength step"},
    {"--max-steps", "K", CLI_SIZE, TA(max_steps), 1, INF, 0, NULL,
     "continuation step budget"},
    {"--eigs", "K", CLI_INT, TA(eigs), 1, 64, 0, NULL,
     "smallest Hessian eigenvalues recorded per point"},
    {"--no-coefs", NULL, CLI_FLAG, TA(no_coefs), 0, 0, 0, NULL,
     "skip the Lyapunov-Schmidt coefficients at events"},
    {"--no-locate", NULL, CLI_FLAG, TA(no_locate), 0, 0, 0, NULL,
     "detect events but do not locate them (implies --no-coefs)"},
    {"--z2", NULL, CLI_FLAG, TA(z2), 0, 0, 0, NULL,
     "declare a Z2 symmetry (g_aa = 0): branch points are pitchforks"},
    {"--out", "DIR", CLI_STR, TA(out), 0, 0, 0, "none",
     "write trace.json, branch.csv, eigenvalues.png/.svg into DIR"},
    {"--json", "FILE", CLI_STR, TA(json), 0, 0, 0, "none",
     "write the results as JSON to FILE (atomically)"},
    {"--quiet", NULL, CLI_FLAG, TA(quiet), 0, 0, 0, NULL,
     "no progress line and no summary"},
    {NULL, NULL, CLI_FLAG, 0, 0, 0, 0, NULL, NULL}};

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
    cli_print_options(trace_options, &d);
    printf("  %-20s %s\n\nActivations:\n", "--help", "print this help");
    for (int i = 0; ll_act_at(i); i++)
        printf("  %-12s %s\n", ll_act_at(i)->name, ll_act_at(i)->description);
    printf("\nExamples:\n"
           "  losslab trace\n"
           "  losslab trace --width 20 --act erf --out results/\n"
           "  losslab trace --data train.csv --target-col 0 --json t.json\n"
           "  losslab trace --data X.npy --target y.npy --v ones --alpha 1e-3\n"
           "\nExit status: 0 success, 1 the run or a file failed, 2 bad "
           "usage.\n");
}

/* linspace:A:B (numpy's: A for m = 1), ones, or a list of exactly m. */
static int parse_v(const char *spec, size_t m, double *v)
{
    char *end;
    if (strcmp(spec, "ones") == 0) {
        for (size_t j = 0; j < m; j++)
            v[j] = 1.0;
        return CLI_EXIT_OK;
    }
    if (strncmp(spec, "linspace:", 9) == 0) {
        double a = strtod(spec + 9, &end), b;
        if (end == spec + 9 || *end != ':' || !isfinite(a))
            return cli_usage_error("trace", "--v: expected linspace:A:B, got '%s'", spec);
        const char *bs = end + 1;
        b = strtod(bs, &end);
        if (end == bs || *end || !isfinite(b))
            return cli_usage_error("trace", "--v: expected linspace:A:B, got '%s'", spec);
        for (size_t j = 0; j < m; j++)
            v[j] = m == 1 ? a : a + (b - a) * (double)j / (double)(m - 1);
        return CLI_EXIT_OK;
    }
    size_t k = 0;
    for (const char *p = spec;; k++) {
        double x = strtod(p, &end);
        if (end == p || !isfinite(x) || (*end && *end != ','))
            return cli_usage_error("trace", "--v: expected linspace:A:B, ones "
                                   "or a comma list of numbers, got '%s'", spec);
        if (k < m)
            v[k] = x;
        if (!*end)
            break;
        p = end + 1;
    }
    if (k + 1 != m)
        return cli_usage_error("trace", "--v: %zu values given, --width is %zu",
                               k + 1, m);
    return CLI_EXIT_OK;
}

static int check_combinations(const trace_args *a, int argc, char **argv)
{
    static const char *gen_only[] = {"--dim", "--samples", "--seed", "--noise"};
    if (a->target && !a->data)
        return cli_usage_error("trace", "--target needs --data (the inputs)");
    for (int i = 2; a->data && i < argc; i++)
        for (size_t g = 0; g < 4; g++)
            if (strncmp(argv[i], gen_only[g], strlen(gen_only[g])) == 0 &&
                (argv[i][strlen(gen_only[g])] == '\0' ||
                 argv[i][strlen(gen_only[g])] == '='))
                return cli_usage_error("trace", "%s sets up the generator and "
                                       "cannot be combined with --data",
                                       gen_only[g]);
    if (!ll_act_find(a->act)) {
        char list[256] = "";
        for (int i = 0; ll_act_at(i); i++) {
            strncat(list, i ? ", " : "", sizeof list - strlen(list) - 1);
            strncat(list, ll_act_at(i)->name, sizeof list - strlen(list) - 1);
        }
        return cli_usage_error("trace", "--act: unknown activation '%s' "
                               "(valid: %s)", a->act, list);
    }
    return CLI_EXIT_OK;
}

static int progress_line(void *user, const ll_cont_progress *pr)
{
    (void)user;
    fprintf(stderr, "\r  step %6zu  lambda %.6f  index %3d  events %zu   ",
            pr->step, pr->p, pr->index, pr->n_events);
    fflush(stderr);
    return 0;
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
    o->cont.compute_coefs = !a->no_coefs && !a->no_locate;
    o->cont.locate_events = !a->no_locate;
    o->cont.bif.z2_declared = a->z2;
    if (!a->quiet && isatty(STDERR_FILENO))
        o->cont.progress = progress_line;
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

static int write_results(const trace_args *a, const ll_trace_report *rep)
{
    ll_errbuf eb = {{0}};
    if (a->out && ll_io_write_trace_dir(a->out, rep, &eb) != LL_OK)
        return cli_fail("trace", eb.msg);
    if (a->json && ll_io_write_trace_json(a->json, rep, &eb) != LL_OK)
        return cli_fail("trace", eb.msg);
    return CLI_EXIT_OK;
}

/* Load, run, write, summarise; the options are valid here. */
static int trace_execute(const trace_args *a, const double *v, char *cmdline)
{
    ll_errbuf eb = {{0}};
    ll_data D = {0};
    ll_trace_opts o;
    ll_data_source src;
    ll_trace_result res;
    build_opts(a, v, &o);
    build_source(a, &src);
    if (ll_study_data_load(&src, &D, &eb) != LL_OK)
        return cli_fail("trace", eb.msg);
    ll_status st = ll_trace_run(&D, &o, &res, &eb);
    if (o.cont.progress)
        fputc('\n', stderr);
    ll_data_free(&D);
    ll_trace_report rep = {&o, &src, cmdline, &res};
    int rc = res.nparams > 0 ? write_results(a, &rep) : CLI_EXIT_OK;
    if (!a->quiet && res.nparams > 0)
        cli_print_trace_summary(stdout, &rep, a->out, a->json);
    if (st < 0)
        rc = cli_fail("trace", res.reason[0] ? res.reason : eb.msg);
    ll_trace_result_free(&res);
    return rc;
}

int cli_cmd_trace(int argc, char **argv)
{
    trace_args a = trace_args_default();
    int help, rc = cli_parse("trace", argc, argv, 2, trace_options, &a, &help);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (help) {
        trace_help();
        return CLI_EXIT_OK;
    }
    if ((rc = check_combinations(&a, argc, argv)) != CLI_EXIT_OK)
        return rc;
    double *v = malloc(a.width * sizeof *v);
    if (!v)
        return cli_fail("trace", "out of memory");
    rc = parse_v(a.v, a.width, v);
    if (rc == CLI_EXIT_OK)
        rc = check_outputs(&a);
    if (rc == CLI_EXIT_OK) {
        char *cmdline = cli_join_argv(argc, argv);
        rc = trace_execute(&a, v, cmdline);
        free(cmdline);
    }
    free(v);
    return rc;
}
