/* `losslab diagram`: parse the options, hand them to the diagram study
 * (src/study/diagram_study.c; issue 4, MATH.md sections 2-3), write the
 * JSON and the figure (src/io) and print a summary of branches, events and
 * the Morse bookkeeping. No numerics here. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "losslab/diagram_study.h"
#include "losslab/losslab.h"
#include "losslab/sweep.h"

typedef struct diagram_args {
    const char *data, *target, *out, *json, *act, *v, *y, *param;
    int target_col, quiet, z2, train_v, bias, toy, eigs, depth, no_symmetry;
    size_t dim, samples, width, max_steps, max_branches;
    uint64_t seed;
    double noise, alpha, lambda_max, lambda, alpha_min, alpha_max, ds;
} diagram_args;

#define DA(f) offsetof(diagram_args, f)
#define INF HUGE_VAL
static const cli_option diagram_options[] = {
    {"--data", "FILE", CLI_STR, DA(data), 0, 0, 0, "the built-in generator",
     "inputs and target: CSV (optional header) or .npy float64"},
    {"--target", "FILE", CLI_STR, DA(target), 0, 0, 0, "none",
     "targets as a 1-D .npy (then --data holds only the inputs)"},
    {"--target-col", "K", CLI_INT, DA(target_col), -1, 1e6, 0, "last",
     "0-based column of the target in --data (-1: the last)"},
    {"--toy", NULL, CLI_FLAG, DA(toy), 0, 0, 0, NULL,
     "generator: the paper's toy data (d = 1, y = tanh(1.5 x) + noise)"},
    {"--dim", "D", CLI_SIZE, DA(dim), 1, INF, 0, NULL,
     "generator: input dimension d"},
    {"--samples", "N", CLI_SIZE, DA(samples), 1, INF, 0, NULL,
     "generator: number of samples"},
    {"--seed", "S", CLI_U64, DA(seed), 0, INF, 0, NULL,
     "generator: random seed (GSL mt19937)"},
    {"--noise", "E", CLI_DOUBLE, DA(noise), 0, INF, 0, NULL,
     "generator: standard deviation of the target noise"},
    {"--width", "M", CLI_SIZE, DA(width), 1, 16777216.0, 0, NULL,
     "hidden units m"},
    {"--alpha", "A", CLI_DOUBLE, DA(alpha), 0, INF, 0, NULL,
     "Tikhonov weight on W (with --param alpha: the start)"},
    {"--act", "NAME", CLI_STR, DA(act), 0, 0, 0, NULL,
     "activation sigma (see 'losslab trace --help')"},
    {"--v", "SPEC", CLI_STR, DA(v), 0, 0, 0, NULL,
     "output weights: linspace:A:B, ones, or m comma-separated numbers"},
    {"--train-v", NULL, CLI_FLAG, DA(train_v), 0, 0, 0, "fixed v",
     "train the output weights v too"},
    {"--bias", NULL, CLI_FLAG, DA(bias), 0, 0, 0, "none",
     "hidden biases b_j (trained, unregularised)"},
    {"--param", "P", CLI_STR, DA(param), 0, 0, 0, NULL,
     "continuation parameter: lambda, or alpha (at --lambda)"},
    {"--lambda-max", "L", CLI_DOUBLE, DA(lambda_max), 0, 100, 1, NULL,
     "--param lambda: branches on [0, L]"},
    {"--lambda", "L", CLI_DOUBLE, DA(lambda), 0, 100, 0, NULL,
     "--param alpha: the fixed lambda"},
    {"--alpha-min", "A", CLI_DOUBLE, DA(alpha_min), 0, INF, 0, NULL,
     "--param alpha: branches on [A, --alpha-max]"},
    {"--alpha-max", "A", CLI_DOUBLE, DA(alpha_max), 0, INF, 1, NULL,
     "--param alpha: upper end of the alpha range"},
    {"--depth", "K", CLI_INT, DA(depth), 0, 10, 0, NULL,
     "switching generations after the primary branch"},
    {"--max-branches", "K", CLI_SIZE, DA(max_branches), 1, 10000, 0, NULL,
     "branch budget of the whole diagram"},
    {"--y", "WHAT", CLI_STR, DA(y), 0, 0, 0, NULL,
     "figure's scalar: amplitude (along the first kernel), loss, norm"},
    {"--no-symmetry", NULL, CLI_FLAG, DA(no_symmetry), 0, 0, 0, NULL,
     "do not build fixed-point subspaces from equal output weights"},
    {"--z2", NULL, CLI_FLAG, DA(z2), 0, 0, 0, NULL,
     "declare a Z2 symmetry (g_aa = 0): branch points are pitchforks"},
    {"--ds", "H", CLI_DOUBLE, DA(ds), 0, 1, 1, NULL, "initial arclength step"},
    {"--max-steps", "K", CLI_SIZE, DA(max_steps), 1, INF, 0, NULL,
     "continuation step budget per branch"},
    {"--eigs", "K", CLI_INT, DA(eigs), 1, 64, 0, NULL,
     "smallest Hessian eigenvalues recorded per point"},
    {"--out", "DIR", CLI_STR, DA(out), 0, 0, 0, "none",
     "write diagram.json, diagram.png and diagram.svg into DIR"},
    {"--json", "FILE", CLI_STR, DA(json), 0, 0, 0, "none",
     "write the results as JSON to FILE (atomically)"},
    {"--quiet", NULL, CLI_FLAG, DA(quiet), 0, 0, 0, NULL,
     "no progress line and no summary"},
    {NULL, NULL, CLI_FLAG, 0, 0, 0, 0, NULL, NULL}};

static diagram_args diagram_args_default(void)
{
    diagram_args a;
    ll_diagram_study_opts o = ll_diagram_study_opts_default();
    ll_gen_opts g = ll_gen_opts_default();
    memset(&a, 0, sizeof a);
    a.target_col = -1;
    a.dim = g.d, a.samples = g.n, a.seed = g.seed, a.noise = g.noise;
    a.width = o.model.width, a.alpha = o.model.alpha;
    a.act = "tanh", a.v = "linspace:0.5:1.5";
    a.param = "lambda", a.y = "amplitude";
    a.lambda_max = o.diagram.cont.p_max, a.lambda = o.lambda_fixed;
    a.alpha_min = 0.0, a.alpha_max = 1.0;
    a.depth = o.diagram.depth, a.max_branches = o.diagram.max_branches;
    a.ds = o.diagram.cont.ds0, a.max_steps = o.diagram.cont.max_steps;
    a.eigs = o.diagram.cont.n_eigs;
    return a;
}

static void diagram_help(void)
{
    diagram_args d = diagram_args_default();
    printf("Usage: losslab diagram [options]\n\n"
           "The bifurcation diagram of a two-layer network: the critical "
           "branch from the\nexact minimiser at lambda = 0 and, at every "
           "branch point on it, the branches\nborn there (normal-form "
           "predictor, corrected; multiple branch points inside\nthe "
           "fixed-point subspaces of equal output weights), recursively up "
           "to --depth,\nwith the Morse index of every point (Hessian "
           "inertia) and the Morse\nbookkeeping of every event (indices on "
           "both sides, degree check, the\nsublevel-set statement).\n\n"
           "Options:\n");
    cli_print_options(diagram_options, &d);
    printf("  %-20s %s\n\nExamples:\n"
           "  losslab diagram --width 3 --v ones --dim 2 --out dg/\n"
           "  losslab diagram --toy --width 2 --v ones --alpha 0 --samples 400\n"
           "  losslab diagram --width 3 --v ones --param alpha --lambda 1 "
           "--alpha 0.004 --alpha-max 0.1\n"
           "\nExit status: 0 success (failed switches are reported, not "
           "fatal), 1 the run\nor a file failed, 2 bad usage.\n", "--help",
           "print this help");
}

static int check_usage(const diagram_args *a, int argc, char **argv)
{
    static const char *gen_only[] = {"--dim", "--samples", "--seed", "--noise",
                                     "--toy"};
    if (a->target && !a->data)
        return cli_usage_error("diagram", "--target needs --data (the inputs)");
    for (int i = 2; a->data && i < argc; i++)
        for (size_t g = 0; g < 5; g++) {
            size_t l = strlen(gen_only[g]);
            if (strncmp(argv[i], gen_only[g], l) == 0 &&
                (argv[i][l] == '\0' || argv[i][l] == '='))
                return cli_usage_error("diagram", "%s sets up the generator "
                                       "and cannot be combined with --data",
                                       gen_only[g]);
        }
    if (strcmp(a->param, "lambda") != 0 && strcmp(a->param, "alpha") != 0)
        return cli_usage_error("diagram", "--param: expected lambda or alpha, "
                               "got '%s'", a->param);
    if (strcmp(a->y, "amplitude") != 0 && strcmp(a->y, "loss") != 0 &&
        strcmp(a->y, "norm") != 0)
        return cli_usage_error("diagram", "--y: expected amplitude, loss or "
                               "norm, got '%s'", a->y);
    if (strcmp(a->param, "alpha") == 0 &&
        !(a->alpha >= a->alpha_min && a->alpha < a->alpha_max))
        return cli_usage_error("diagram", "--param alpha starts at --alpha = "
                               "%g, which must lie in [--alpha-min, "
                               "--alpha-max) = [%g, %g)", a->alpha,
                               a->alpha_min, a->alpha_max);
    if (!ll_act_find(a->act))
        return cli_usage_error("diagram", "--act: unknown activation '%s' "
                               "(see 'losslab trace --help')", a->act);
    return CLI_EXIT_OK;
}

static int progress_line(void *user, const ll_cont_progress *pr)
{
    (void)user;
    fprintf(stderr, "\r  step %6zu  p %.6f  index %3d  events %zu   ",
            pr->step, pr->p, pr->index, pr->n_events);
    fflush(stderr);
    return 0;
}

static void build(const diagram_args *a, const double *v,
                  ll_diagram_study_opts *o, ll_data_source *src)
{
    *o = ll_diagram_study_opts_default();
    o->model.width = a->width, o->model.alpha = a->alpha;
    o->model.act = ll_act_find(a->act), o->model.v = v;
    o->model.train_v = a->train_v, o->model.bias = a->bias;
    int alpha = strcmp(a->param, "alpha") == 0;
    o->param = alpha ? LL_DIAGRAM_PARAM_ALPHA : LL_DIAGRAM_PARAM_LAMBDA;
    o->lambda_fixed = a->lambda;
    ll_cont_opts *c = &o->diagram.cont;
    c->p_min = alpha ? a->alpha_min : 0.0;
    c->p_max = alpha ? a->alpha_max : a->lambda_max;
    c->ds0 = a->ds, c->ds_max = fmax(c->ds_max, a->ds);
    c->max_steps = a->max_steps, c->n_eigs = a->eigs;
    c->bif.z2_declared = a->z2;
    if (!a->quiet && isatty(STDERR_FILENO))
        c->progress = progress_line;
    o->diagram.depth = a->depth, o->diagram.max_branches = a->max_branches;
    o->auto_symmetry = !a->no_symmetry;
    *src = ll_data_source_default();
    src->x_path = a->data, src->y_path = a->target;
    src->target_col = a->target_col;
    src->gen.d = a->toy ? 1 : a->dim, src->gen.n = a->samples;
    src->gen.seed = a->seed, src->gen.noise = a->noise;
}

static void summary(const ll_diagram_study_result *r, const ll_diagram_study_opts *o)
{
    const ll_diagram_result *R = &r->diagram;
    const char *par = ll_diagram_param_str(o->param);
    printf("problem: m = %zu, d = %zu, N = %zu, P = %zu; parameter %s from "
           "%g; %zu symmetry subspace(s)\n", r->width, r->dim, r->samples,
           r->nparams, par, r->p0, r->sym.n);
    printf("%zu branch(es), %zu event(s)\n", R->n_branches, R->n_events);
    for (size_t e = 0; e < R->n_events; e++) {
        const ll_diagram_event *E = &R->events[e];
        const ll_event *ev = ll_diagram_event_at(R, e);
        printf("  event %zu on branch %d: %s at %s = %.10g, index %d -> %d",
               e, E->branch, ll_event_type_str(ev->type), par, ev->p,
               ev->index_before, ev->index_after);
        if (E->same_as >= 0)
            printf(" (same point as event %d)\n", E->same_as);
        else
            printf(", %s, %zu branch(es) born\n",
                   ll_normal_form_str(ev->coef.normal_form), E->n_born);
        if (E->statement[0])
            printf("    %s [degree %s, normal form %s]\n", E->statement,
                   E->degree_ok == 1 ? "ok" : E->degree_ok == 0 ? "FAILED"
                                                                 : "n/a",
                   E->normal_form_ok == 1   ? "ok"
                   : E->normal_form_ok == 0 ? "FAILED" : "n/a");
        if (E->reason[0])
            printf("    note: %s\n", E->reason);
    }
}

static ll_status load(const diagram_args *a, const ll_data_source *src,
                      ll_data *D, ll_errbuf *eb)
{
    if (!a->toy)
        return ll_study_data_load(src, D, eb);
    return ll_data_generate_toy(D, &src->gen, eb);
}

static int write_results(const diagram_args *a, const ll_diagram_report *rep)
{
    ll_errbuf eb = {{0}};
    static const char *files[] = {"diagram.json", "diagram.png", "diagram.svg"};
    for (int f = 0; a->out && f < 3; f++) {
        size_t n = strlen(a->out) + 16;
        char *path = malloc(n);
        if (!path)
            return cli_fail("diagram", "out of memory");
        snprintf(path, n, "%s/%s", a->out, files[f]);
        ll_status st = f == 0 ? ll_io_write_diagram_json(path, rep, &eb)
                              : ll_io_plot_diagram(path, rep, &eb);
        free(path);
        if (st != LL_OK)
            return cli_fail("diagram", eb.msg);
    }
    if (a->json && ll_io_write_diagram_json(a->json, rep, &eb) != LL_OK)
        return cli_fail("diagram", eb.msg);
    return CLI_EXIT_OK;
}

static int execute(const diagram_args *a, const ll_diagram_study_opts *o,
                   const ll_data_source *src, char *cmdline)
{
    ll_errbuf eb = {{0}};
    ll_data D = {0};
    ll_diagram_study_result res;
    if (a->out && ll_io_mkdir_p(a->out, &eb) != LL_OK)
        return cli_fail("diagram", eb.msg);
    if (a->json && ll_io_check_writable(a->json, &eb) != LL_OK)
        return cli_fail("diagram", eb.msg);
    if (load(a, src, &D, &eb) != LL_OK)
        return cli_fail("diagram", eb.msg);
    ll_status st = ll_diagram_study_run(&D, o, &res, &eb);
    if (o->diagram.cont.progress)
        fputc('\n', stderr);
    ll_data_free(&D);
    ll_diagram_y y = strcmp(a->y, "loss") == 0   ? LL_DIAGRAM_Y_LOSS
                     : strcmp(a->y, "norm") == 0 ? LL_DIAGRAM_Y_NORM
                                                 : LL_DIAGRAM_Y_AMPLITUDE;
    ll_diagram_report rep = {o, src, cmdline, y, a->toy, &res};
    int rc = CLI_EXIT_OK;
    if (st >= 0) {
        rc = write_results(a, &rep);
        if (!a->quiet)
            summary(&res, o);
    } else {
        rc = cli_fail("diagram", res.reason[0] ? res.reason : eb.msg);
    }
    ll_diagram_study_result_free(&res);
    return rc;
}

int cli_cmd_diagram(int argc, char **argv)
{
    diagram_args a = diagram_args_default();
    ll_diagram_study_opts o;
    ll_data_source src;
    ll_errbuf eb = {{0}};
    int help, rc = cli_parse("diagram", argc, argv, 2, diagram_options, &a,
                             &help);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (help) {
        diagram_help();
        return CLI_EXIT_OK;
    }
    if ((rc = check_usage(&a, argc, argv)) != CLI_EXIT_OK)
        return rc;
    double *v = malloc(a.width * sizeof *v);
    if (!v)
        return cli_fail("diagram", "out of memory");
    if (ll_v_spec_values(a.v, a.width, v, &eb) != LL_OK)
        rc = cli_usage_error("diagram", "--v: %s", eb.msg);
    if (rc == CLI_EXIT_OK) {
        build(&a, v, &o, &src);
        char *cmdline = cli_join_argv(argc, argv);
        rc = execute(&a, &o, &src, cmdline);
        free(cmdline);
    }
    free(v);
    return rc;
}
