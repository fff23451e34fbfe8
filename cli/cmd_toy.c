/* `losslab toy`: parse the options, hand them to the toy study
 * (src/study/toy.c, MATH.md section 4 Exp. 1), write the results (src/io)
 * and print a short summary. No numerics here. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "args.h"
#include "cli.h"
#include "losslab/experiments.h"
#include "losslab/losslab.h"
#include "sweep_cli.h"

typedef struct toy_args {
    const char *data, *target, *out, *json, *act, *v, *line_l, *contour_l;
    int target_col, quiet;
    size_t samples, line_points, grid, max_steps;
    uint64_t seed;
    double noise, alpha, lambda_max, line_amax, window;
} toy_args;

#define TA(f) offsetof(toy_args, f)
#define INF HUGE_VAL
static const cli_option toy_options[] = {
    {"--data", "FILE", CLI_STR, TA(data), 0, 0, 0, "the toy generator",
     "inputs (one column) and target: CSV or .npy float64"},
    {"--target", "FILE", CLI_STR, TA(target), 0, 0, 0, "none",
     "targets as a 1-D .npy (then --data holds only the inputs)"},
    {"--target-col", "K", CLI_INT, TA(target_col), -1, 1e6, 0, "last",
     "0-based column of the target in --data (-1: the last)"},
    {"--samples", "N", CLI_SIZE, TA(samples), 1, INF, 0, NULL,
     "generator: number of samples"},
    {"--seed", "S", CLI_U64, TA(seed), 0, INF, 0, NULL,
     "generator: random seed (GSL mt19937)"},
    {"--noise", "E", CLI_DOUBLE, TA(noise), 0, INF, 0, NULL,
     "generator: standard deviation of the target noise"},
    {"--alpha", "A", CLI_DOUBLE, TA(alpha), 0, INF, 0, NULL,
     "Tikhonov weight on W"},
    {"--act", "NAME", CLI_STR, TA(act), 0, 0, 0, NULL,
     "activation sigma (see 'losslab trace --help')"},
    {"--v", "A,B", CLI_STR, TA(v), 0, 0, 0, NULL,
     "the two output weights, or 'ones' (v1 = v2: symmetric)"},
    {"--lambda-max", "L", CLI_DOUBLE, TA(lambda_max), 0, 100, 1, NULL,
     "stop when lambda leaves [0, L]"},
    {"--max-steps", "K", CLI_SIZE, TA(max_steps), 1, INF, 0, NULL,
     "continuation step budget"},
    {"--line-lambdas", "LIST", CLI_STR, TA(line_l), 0, 0, 0, NULL,
     "lambdas of the line restrictions (comma list, at most 8)"},
    {"--line-amax", "A", CLI_DOUBLE, TA(line_amax), 0, 100, 1, NULL,
     "line restriction grid: a in [-A, A]"},
    {"--line-points", "K", CLI_SIZE, TA(line_points), 5, 100001, 0, NULL,
     "line restriction grid points (odd)"},
    {"--contour-lambdas", "LIST", CLI_STR, TA(contour_l), 0, 0, 0, NULL,
     "lambdas of the contour panels (comma list, at most 8)"},
    {"--grid", "G", CLI_SIZE, TA(grid), 5, 2001, 0, NULL,
     "contour lattice: G x G points"},
    {"--window", "R", CLI_DOUBLE, TA(window), 0, 100, 1, NULL,
     "contour lattice: critical point +- R in w1 and w2"},
    {"--out", "DIR", CLI_STR, TA(out), 0, 0, 0, "none",
     "write toy.json and the figures (PNG, SVG) into DIR"},
    {"--json", "FILE", CLI_STR, TA(json), 0, 0, 0, "none",
     "write the results as JSON to FILE (atomically)"},
    {"--quiet", NULL, CLI_FLAG, TA(quiet), 0, 0, 0, NULL,
     "no progress line and no summary"},
    {NULL, NULL, CLI_FLAG, 0, 0, 0, 0, NULL, NULL}};

static toy_args toy_args_default(void)
{
    toy_args a;
    ll_toy_opts o = ll_toy_opts_default();
    ll_gen_opts g = ll_gen_toy_opts_default();
    memset(&a, 0, sizeof a);
    a.target_col = -1;
    a.samples = g.n;
    a.seed = g.seed;
    a.noise = g.noise;
    a.alpha = o.alpha;
    a.act = "tanh";
    a.v = "1,1";
    a.lambda_max = o.cont.p_max;
    a.max_steps = o.cont.max_steps;
    a.line_l = "0,0.3,0.7,1";
    a.contour_l = "0,0.3,0.7,1";
    a.line_amax = o.line_amax;
    a.line_points = o.line_points;
    a.grid = o.grid;
    a.window = o.window;
    return a;
}

static void toy_help(void)
{
    toy_args d = toy_args_default();
    printf("Usage: losslab toy [options]\n\n"
           "The symmetric toy of the seed paper (Exp. 1): d = 1, m = 2,\n"
           "f(x) = v1 h(w1 x) + v2 h(w2 x), default v = (1, 1), alpha = 0, "
           "N = 2000,\ny = tanh(1.5 x) + 0.02 eps. The branch is continued "
           "inside the symmetric\nsubspace w1 = w2; along it the transverse "
           "(w1 - w2) and longitudinal\n(w1 + w2) Hessian eigenvalues, the "
           "full Morse index and the symmetry-\nbreaking events; line "
           "restrictions along w1 - w2 and loss contours.\n\nOptions:\n");
    cli_print_options(toy_options, &d);
    printf("  %-20s %s\n\nExamples:\n  losslab toy --out toy/\n"
           "  losslab toy --alpha 0.05 --json toy.json\n"
           "  losslab toy --v 1,0.5 --alpha 0.01 --out toy-asym/\n"
           "\nExit status: 0 success, 1 the run or a file failed, 2 bad "
           "usage.\n", "--help", "print this help");
}

static int parse_pair(const char *s, double *v)
{
    char *end;
    if (strcmp(s, "ones") == 0) {
        v[0] = v[1] = 1.0;
        return CLI_EXIT_OK;
    }
    v[0] = strtod(s, &end);
    if (end == s || *end != ',' || !isfinite(v[0]))
        return cli_usage_error("toy", "--v: expected two numbers A,B or "
                               "'ones', got '%s'", s);
    const char *b = end + 1;
    v[1] = strtod(b, &end);
    if (end == b || *end || !isfinite(v[1]))
        return cli_usage_error("toy", "--v: expected two numbers A,B or "
                               "'ones', got '%s'", s);
    return CLI_EXIT_OK;
}

static int parse_lambdas(const char *opt, const char *s, double *dst,
                         size_t *n)
{
    double *v;
    size_t k;
    int rc = cli_parse_double_list("toy", opt, s, &v, &k);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (k > LL_TOY_MAX_PANELS) {
        free(v);
        return cli_usage_error("toy", "%s: at most %d values", opt,
                               LL_TOY_MAX_PANELS);
    }
    memcpy(dst, v, k * sizeof *v);
    *n = k;
    free(v);
    return CLI_EXIT_OK;
}

static int toy_build(const toy_args *a, int argc, char **argv, ll_toy_opts *o,
                     ll_data_source *src)
{
    static const char *gen_only[] = {"--samples", "--seed", "--noise"};
    *o = ll_toy_opts_default();
    *src = ll_data_source_default();
    if (a->target && !a->data)
        return cli_usage_error("toy", "--target needs --data (the inputs)");
    for (int i = 2; a->data && i < argc; i++)
        for (size_t g = 0; g < 3; g++) {
            size_t l = strlen(gen_only[g]);
            if (strncmp(argv[i], gen_only[g], l) == 0 &&
                (argv[i][l] == '\0' || argv[i][l] == '='))
                return cli_usage_error("toy", "%s sets up the generator and "
                                       "cannot be combined with --data",
                                       gen_only[g]);
        }
    if (!(o->act = ll_act_find(a->act)))
        return cli_usage_error("toy", "--act: unknown activation '%s' (see "
                               "'losslab trace --help')", a->act);
    if (a->line_points % 2 == 0)
        return cli_usage_error("toy", "--line-points must be odd (got %zu)",
                               a->line_points);
    int rc = parse_pair(a->v, o->v);
    if (rc == CLI_EXIT_OK)
        rc = parse_lambdas("--line-lambdas", a->line_l, o->line_lambda,
                           &o->n_line);
    if (rc == CLI_EXIT_OK)
        rc = parse_lambdas("--contour-lambdas", a->contour_l,
                           o->contour_lambda, &o->n_contour);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (o->v[0] != o->v[1] && !(a->alpha > 0))
        return cli_usage_error("toy", "--v %s is not symmetric: give --alpha "
                               "> 0 (with alpha = 0 the start is singular)",
                               a->v);
    o->alpha = a->alpha;
    o->cont.p_max = a->lambda_max;
    o->cont.max_steps = a->max_steps;
    o->line_amax = a->line_amax;
    o->line_points = a->line_points;
    o->grid = a->grid;
    o->window = a->window;
    src->x_path = a->data;
    src->y_path = a->target;
    src->target_col = a->target_col;
    src->gen = ll_gen_toy_opts_default();
    src->gen.n = a->samples;
    src->gen.seed = a->seed;
    src->gen.noise = a->noise;
    return CLI_EXIT_OK;
}

static void toy_summary(const ll_toy_result *r, const ll_toy_opts *o)
{
    printf("toy: N = %zu, v = (%g, %g), %s, alpha = %g (%s)\n", r->samples,
           o->v[0], o->v[1], o->act->name, o->alpha,
           r->symmetric ? "branch inside w1 = w2" : "full branch, v1 != v2");
    if (r->len > 0)
        printf("lambda = 0: mu_T = %.3g, mu_L = %.4g%s\n", r->mu_T[0],
               r->mu_L[0], r->start_degenerate
                               ? " (transverse direction degenerate: Prop. 7.2)"
                               : "");
    if (r->len > 1)
        printf("lambda = %.4g: mu_T = %.4g, mu_L = %.4g, index %d\n",
               r->lambda[r->len - 1], r->mu_T[r->len - 1],
               r->mu_L[r->len - 1], r->index[r->len - 1]);
    printf("events: %zu\n", r->n_events);
    for (size_t i = 0; i < r->n_events; i++) {
        const ll_toy_event *e = &r->events[i];
        printf("  %s at lambda = %.10f, index %d -> %d, g_ap = %.4g, "
               "g_aaa = %.4g (%s)\n", e->type, e->lambda, e->index_before,
               e->index_after, e->coef.g_ap, e->coef.g_aaa,
               ll_normal_form_str(e->coef.normal_form));
    }
    for (size_t i = 0; i < r->n_line; i++)
        if (r->lines[i].status == LL_OK)
            printf("  line at lambda = %.3g: c2 = %.4g, c3 = %.2g, c4 = %.4g\n",
                   r->lines[i].lambda, r->lines[i].c2, r->lines[i].c3,
                   r->lines[i].c4);
    printf("run: %s (%.3f s)\n", r->reason, r->time_total);
}

static int toy_write(const toy_args *a, const ll_toy_report *rep)
{
    ll_errbuf eb = {{0}};
    if (a->out && ll_io_write_toy_dir(a->out, rep, &eb) != LL_OK)
        return cli_fail("toy", eb.msg);
    if (a->json && ll_io_write_toy_json(a->json, rep, &eb) != LL_OK)
        return cli_fail("toy", eb.msg);
    return CLI_EXIT_OK;
}

static int toy_execute(const toy_args *a, const ll_toy_opts *o,
                       const ll_data_source *src, char *cmdline)
{
    ll_errbuf eb = {{0}};
    ll_data D = {0};
    ll_toy_result res;
    if (a->out && ll_io_mkdir_p(a->out, &eb) != LL_OK)
        return cli_fail("toy", eb.msg);
    if (a->json && ll_io_check_writable(a->json, &eb) != LL_OK)
        return cli_fail("toy", eb.msg);
    if (ll_toy_data_load(src, &D, &eb) != LL_OK)
        return cli_fail("toy", eb.msg);
    if (!a->quiet && isatty(STDERR_FILENO))
        fprintf(stderr, "  toy: continuing the branch ...\r");
    ll_status st = ll_toy_run(&D, o, &res, &eb);
    ll_data_free(&D);
    int rc = CLI_EXIT_OK;
    ll_toy_report rep = {o, src, cmdline, &res};
    if (st >= 0) {
        rc = toy_write(a, &rep);
        if (!a->quiet)
            toy_summary(&res, o);
    } else {
        rc = cli_fail("toy", res.reason[0] ? res.reason : eb.msg);
    }
    ll_toy_result_free(&res);
    return rc;
}

int cli_cmd_toy(int argc, char **argv)
{
    toy_args a = toy_args_default();
    ll_toy_opts o;
    ll_data_source src;
    int help, rc = cli_parse("toy", argc, argv, 2, toy_options, &a, &help);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (help) {
        toy_help();
        return CLI_EXIT_OK;
    }
    if ((rc = toy_build(&a, argc, argv, &o, &src)) != CLI_EXIT_OK)
        return rc;
    char *cmdline = cli_join_argv(argc, argv);
    rc = toy_execute(&a, &o, &src, cmdline);
    free(cmdline);
    return rc;
}
