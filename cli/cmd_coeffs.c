/* `losslab coeffs`: parse the options, hand them to the coefficient study
 * (src/study/coeffs.c, MATH.md section 3, seed 000 Exp. 6), write the
 * results (src/io) and print the table of coefficients. No numerics here. */
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
#include "losslab/sweep.h"

typedef struct coeffs_args {
    const char *data, *target, *out, *json, *act, *v;
    int target_col, quiet, z2;
    size_t dim, samples, width, line_points, mu_points, max_steps;
    uint64_t seed;
    double noise, alpha, lambda_max, h_p, h_3, h_4, line_amax, mu_step;
} coeffs_args;

#define CA(f) offsetof(coeffs_args, f)
#define INF HUGE_VAL
static const cli_option coeffs_options[] = {
    {"--data", "FILE", CLI_STR, CA(data), 0, 0, 0, "the built-in generator",
     "inputs and target: CSV (optional header) or .npy float64"},
    {"--target", "FILE", CLI_STR, CA(target), 0, 0, 0, "none",
     "targets as a 1-D .npy (then --data holds only the inputs)"},
    {"--target-col", "K", CLI_INT, CA(target_col), -1, 1e6, 0, "last",
     "0-based column of the target in --data (-1: the last)"},
    {"--dim", "D", CLI_SIZE, CA(dim), 1, INF, 0, NULL,
     "generator: input dimension d"},
    {"--samples", "N", CLI_SIZE, CA(samples), 1, INF, 0, NULL,
     "generator: number of samples"},
    {"--seed", "S", CLI_U64, CA(seed), 0, INF, 0, NULL,
     "generator: random seed (GSL mt19937)"},
    {"--noise", "E", CLI_DOUBLE, CA(noise), 0, INF, 0, NULL,
     "generator: standard deviation of the target noise"},
    {"--width", "M", CLI_SIZE, CA(width), 1, INF, 0, NULL, "hidden units m"},
    {"--alpha", "A", CLI_DOUBLE, CA(alpha), 0, INF, 0, NULL,
     "Tikhonov weight on W"},
    {"--act", "NAME", CLI_STR, CA(act), 0, 0, 0, NULL,
     "activation sigma (see 'losslab trace --help')"},
    {"--v", "SPEC", CLI_STR, CA(v), 0, 0, 0, NULL,
     "output weights: linspace:A:B, ones, or m comma-separated numbers"},
    {"--lambda-max", "L", CLI_DOUBLE, CA(lambda_max), 0, 100, 1, NULL,
     "look for the first event on [0, L]"},
    {"--max-steps", "K", CLI_SIZE, CA(max_steps), 1, INF, 0, NULL,
     "continuation step budget"},
    {"--z2", NULL, CLI_FLAG, CA(z2), 0, 0, 0, NULL,
     "declare a Z2 symmetry (g_aa = 0): branch points are pitchforks"},
    {"--h-p", "H", CLI_DOUBLE, CA(h_p), 0, 0.1, 1, NULL,
     "finite-difference step in lambda (g_p, g_ap)"},
    {"--h-3", "H", CLI_DOUBLE, CA(h_3), 0, 0.1, 1, NULL,
     "finite-difference step along x for third derivatives"},
    {"--h-4", "H", CLI_DOUBLE, CA(h_4), 0, 0.5, 1, NULL,
     "finite-difference step along x for D^4L"},
    {"--line-amax", "A", CLI_DOUBLE, CA(line_amax), 0, 100, 1, NULL,
     "line restriction grid: a in [-A, A]"},
    {"--line-points", "K", CLI_SIZE, CA(line_points), 5, 100001, 0, NULL,
     "line restriction grid points (odd)"},
    {"--mu-step", "H", CLI_DOUBLE, CA(mu_step), 0, 1, 1, NULL,
     "c2 vs mu: mu = +-k H"},
    {"--mu-points", "K", CLI_SIZE, CA(mu_points), 1, 50, 0, NULL,
     "c2 vs mu: k = 1..K on each side"},
    {"--out", "DIR", CLI_STR, CA(out), 0, 0, 0, "none",
     "write coeffs.json and the figures (PNG, SVG) into DIR"},
    {"--json", "FILE", CLI_STR, CA(json), 0, 0, 0, "none",
     "write the results as JSON to FILE (atomically)"},
    {"--quiet", NULL, CLI_FLAG, CA(quiet), 0, 0, 0, NULL, "no summary"},
    {NULL, NULL, CLI_FLAG, 0, 0, 0, 0, NULL, NULL}};

static coeffs_args coeffs_args_default(void)
{
    coeffs_args a;
    ll_coeffs_opts o = ll_coeffs_opts_default();
    ll_gen_opts g = ll_gen_opts_default();
    memset(&a, 0, sizeof a);
    a.target_col = -1;
    a.dim = g.d;
    a.samples = g.n;
    a.seed = g.seed;
    a.noise = g.noise;
    a.width = o.trace.model.width;
    a.alpha = o.trace.model.alpha;
    a.act = "tanh";
    a.v = "linspace:0.5:1.5";
    a.lambda_max = o.trace.cont.p_max;
    a.max_steps = o.trace.cont.max_steps;
    a.h_p = o.h_p;
    a.h_3 = o.h_3;
    a.h_4 = o.h_4;
    a.line_amax = o.line_amax;
    a.line_points = o.line_points;
    a.mu_step = o.mu_step;
    a.mu_points = o.mu_points;
    return a;
}

static void coeffs_help(void)
{
    coeffs_args d = coeffs_args_default();
    printf("Usage: losslab coeffs [options]\n\n"
           "At the first event of the critical branch (as 'losslab trace' "
           "finds it): every\nLyapunov-Schmidt coefficient g_p, g_aa, g_ap, "
           "g_aaa (and the bare D^4L[phi^4])\n(a) exact, (b) by finite "
           "differences with the relative error, (c) the seed\npaper's "
           "formulas; the line restriction phi_red(a) with its fit "
           "c2, c3, c4;\nand c2 against mu = lambda - lambda* "
           "(transversality).\n\nOptions:\n");
    cli_print_options(coeffs_options, &d);
    printf("  %-20s %s\n\nExamples:\n  losslab coeffs\n"
           "  losslab coeffs --width 5 --out coeffs/\n"
           "\nExit status: 0 success (also when there is no event), 1 the "
           "run or a file\nfailed, 2 bad usage.\n", "--help",
           "print this help");
}

static int coeffs_build(const coeffs_args *a, int argc, char **argv,
                        double *v, ll_coeffs_opts *o, ll_data_source *src)
{
    static const char *gen_only[] = {"--dim", "--samples", "--seed", "--noise"};
    ll_errbuf eb = {{0}};
    *o = ll_coeffs_opts_default();
    *src = ll_data_source_default();
    if (a->target && !a->data)
        return cli_usage_error("coeffs", "--target needs --data (the inputs)");
    for (int i = 2; a->data && i < argc; i++)
        for (size_t g = 0; g < 4; g++) {
            size_t l = strlen(gen_only[g]);
            if (strncmp(argv[i], gen_only[g], l) == 0 &&
                (argv[i][l] == '\0' || argv[i][l] == '='))
                return cli_usage_error("coeffs", "%s sets up the generator "
                                       "and cannot be combined with --data",
                                       gen_only[g]);
        }
    if (!(o->trace.model.act = ll_act_find(a->act)))
        return cli_usage_error("coeffs", "--act: unknown activation '%s' (see "
                               "'losslab trace --help')", a->act);
    if (ll_v_spec_values(a->v, a->width, v, &eb) != LL_OK)
        return cli_usage_error("coeffs", "--v: %s", eb.msg);
    if (a->line_points % 2 == 0)
        return cli_usage_error("coeffs", "--line-points must be odd (got %zu)",
                               a->line_points);
    o->trace.model.width = a->width;
    o->trace.model.alpha = a->alpha;
    o->trace.model.v = v;
    o->trace.cont.p_max = a->lambda_max;
    o->trace.cont.max_steps = a->max_steps;
    o->trace.cont.bif.z2_declared = a->z2;
    o->h_p = a->h_p, o->h_3 = a->h_3, o->h_4 = a->h_4;
    o->line_amax = a->line_amax;
    o->line_points = a->line_points;
    o->mu_step = a->mu_step;
    o->mu_points = a->mu_points;
    src->x_path = a->data;
    src->y_path = a->target;
    src->target_col = a->target_col;
    src->gen.d = a->dim;
    src->gen.n = a->samples;
    src->gen.seed = a->seed;
    src->gen.noise = a->noise;
    return CLI_EXIT_OK;
}

static void coeffs_summary(const ll_coeffs_result *r)
{
    const ll_trace_result *t = &r->trace;
    printf("problem: m = %zu, d = %zu, N = %zu, P = %zu\n", t->width, t->dim,
           t->samples, t->nparams);
    if (!r->have_event) {
        printf("no event on the branch: nothing to compute (%s)\n", r->reason);
        return;
    }
    printf("first event: %s at lambda = %.10f, index %d -> %d\n",
           ll_event_type_str(r->event.type), r->event.p,
           r->event.index_before, r->event.index_after);
    printf("  %-11s %16s %16s %9s %16s\n", "coefficient", "exact",
           "finite diff.", "rel.err", "paper formula");
    for (int i = 0; i < LL_COEFFS_ROWS; i++) {
        const ll_coeff_row *w = &r->rows[i];
        printf("  %-11s %16.9e %16.9e %9.1e ", w->name, w->exact, w->fd,
               w->fd_rel_err);
        if (isfinite(w->paper))
            printf("%16.9e\n", w->paper);
        else
            printf("%16s\n", "-");
    }
    printf("  normal form: %s, |g_aa/g_aaa| = %.3g\n",
           ll_normal_form_str(r->coef.normal_form), r->coef.ratio_aa_aaa);
    printf("line restriction fit: c2 = %.4g, c3 = %.4g, c4 = %.4g (rms %.1e); "
           "Taylor %.4g, %.4g, %.4g\n", r->c2, r->c3, r->c4, r->line_resid,
           r->c2_taylor, r->c3_taylor, r->c4_taylor);
    printf("c2 vs mu: slope %.4g (exact phi^T H phi/2: %.4g), predicted %.4g\n",
           r->slope, r->slope_exact, r->slope_predicted);
}

static int coeffs_execute(const coeffs_args *a, const ll_coeffs_opts *o,
                          const ll_data_source *src, char *cmdline)
{
    ll_errbuf eb = {{0}};
    ll_data D = {0};
    ll_coeffs_result res;
    if (a->out && ll_io_mkdir_p(a->out, &eb) != LL_OK)
        return cli_fail("coeffs", eb.msg);
    if (a->json && ll_io_check_writable(a->json, &eb) != LL_OK)
        return cli_fail("coeffs", eb.msg);
    if (ll_study_data_load(src, &D, &eb) != LL_OK)
        return cli_fail("coeffs", eb.msg);
    ll_status st = ll_coeffs_run(&D, o, &res, &eb);
    ll_data_free(&D);
    int rc = CLI_EXIT_OK;
    ll_coeffs_report rep = {o, src, cmdline, &res};
    if (st >= 0) {
        if (a->out && ll_io_write_coeffs_dir(a->out, &rep, &eb) != LL_OK)
            rc = cli_fail("coeffs", eb.msg);
        if (rc == CLI_EXIT_OK && a->json &&
            ll_io_write_coeffs_json(a->json, &rep, &eb) != LL_OK)
            rc = cli_fail("coeffs", eb.msg);
        if (!a->quiet)
            coeffs_summary(&res);
    } else {
        rc = cli_fail("coeffs", res.reason[0] ? res.reason : eb.msg);
    }
    ll_coeffs_result_free(&res);
    return rc;
}

int cli_cmd_coeffs(int argc, char **argv)
{
    coeffs_args a = coeffs_args_default();
    ll_coeffs_opts o;
    ll_data_source src;
    int help, rc = cli_parse("coeffs", argc, argv, 2, coeffs_options, &a,
                             &help);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (help) {
        coeffs_help();
        return CLI_EXIT_OK;
    }
    double *v = malloc(a.width * sizeof *v);
    if (!v)
        return cli_fail("coeffs", "out of memory");
    rc = coeffs_build(&a, argc, argv, v, &o, &src);
    if (rc == CLI_EXIT_OK) {
        char *cmdline = cli_join_argv(argc, argv);
        rc = coeffs_execute(&a, &o, &src, cmdline);
        free(cmdline);
    }
    free(v);
    return rc;
}
