/* The options of `losslab trace` (see trace_args.h): the table, --v and
 * the combination checks. Parsing only; every value is checked in full by
 * cli_parse (args.c), and every problem is named with the option. */
#include "trace_args.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "losslab/act.h"
#include "losslab/cont.h"

#define TA(f) offsetof(trace_args, f)
#define INF HUGE_VAL
const cli_option cli_trace_options[] = {
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
    {"--width", "M", CLI_SIZE, TA(width), 1, CLI_TRACE_WIDTH_MAX, 0, NULL,
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
    {"--hessian", "PATH", CLI_STR, TA(hessian), 0, 0, 0, NULL,
     "Hessian path: auto, dense, structured or matfree (README: which runs "
     "when)"},
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
    ll_hessian_path hp;
    if (ll_hessian_path_parse(a->hessian, &hp) != LL_OK)
        return cli_usage_error("trace", "--hessian: unknown path '%s' (valid: "
                               "auto, dense, structured, matfree)", a->hessian);
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


int cli_trace_parse(int argc, char **argv, trace_args *a, double **v,
                    int *help)
{
    *v = NULL;
    int rc = cli_parse("trace", argc, argv, 2, cli_trace_options, a, help);
    if (rc != CLI_EXIT_OK || *help)
        return rc;
    if ((rc = check_combinations(a, argc, argv)) != CLI_EXIT_OK)
        return rc;
    double *w = malloc(a->width * sizeof *w); /* width <= 2^24: no overflow */
    if (!w)
        return cli_fail("trace", "out of memory for --v");
    rc = parse_v(a->v, a->width, w);
    if (rc != CLI_EXIT_OK) {
        free(w);
        return rc;
    }
    *v = w;
    return CLI_EXIT_OK;
}
