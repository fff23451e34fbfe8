/* `losslab gen`: write the built-in data set of MATH.md section 4 to a CSV
 * or .npy file (for benchmarks and for comparing with other tools). */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "losslab/losslab.h"

typedef struct gen_args {
    const char *out;
    size_t dim, samples;
    uint64_t seed;
    double noise;
    int quiet;
} gen_args;

#define GA(f) offsetof(gen_args, f)
static const cli_option gen_options[] = {
    {"--out", "FILE", CLI_STR, GA(out), 0, 0, 0, "required",
     "output file, .csv (header x1..xd,y) or .npy (N x (d+1), y last)"},
    {"--dim", "D", CLI_SIZE, GA(dim), 1, HUGE_VAL, 0, NULL, "input dimension d"},
    {"--samples", "N", CLI_SIZE, GA(samples), 1, HUGE_VAL, 0, NULL,
     "number of samples"},
    {"--seed", "S", CLI_U64, GA(seed), 0, HUGE_VAL, 0, NULL,
     "random seed (GSL mt19937)"},
    {"--noise", "E", CLI_DOUBLE, GA(noise), 0, HUGE_VAL, 0, NULL,
     "standard deviation of the target noise"},
    {"--quiet", NULL, CLI_FLAG, GA(quiet), 0, 0, 0, NULL,
     "print nothing on success"},
    {NULL, NULL, CLI_FLAG, 0, 0, 0, 0, NULL, NULL}};

static gen_args gen_args_default(void)
{
    ll_gen_opts g = ll_gen_opts_default();
    gen_args a;
    memset(&a, 0, sizeof a);
    a.dim = g.d;
    a.samples = g.n;
    a.seed = g.seed;
    a.noise = g.noise;
    return a;
}

static void gen_help(void)
{
    gen_args d = gen_args_default();
    printf("Usage: losslab gen --out FILE [options]\n\n"
           "Write the built-in data set (MATH.md section 4): x ~ N(0, I_d),\n"
           "y = x.wl + 0.4 tanh(1.5 x.wnl) + noise * eps, the same data "
           "`losslab trace`\nuses without --data.\n\nOptions:\n");
    cli_print_options(gen_options, &d);
    printf("  %-20s %s\n\nExamples:\n"
           "  losslab gen --out data.csv\n"
           "  losslab gen --out data.npy --samples 2000 --seed 3\n",
           "--help", "print this help");
}

int cli_cmd_gen(int argc, char **argv)
{
    gen_args a = gen_args_default();
    ll_errbuf eb = {{0}};
    ll_data D = {0};
    int help, rc = cli_parse("gen", argc, argv, 2, gen_options, &a, &help);
    if (rc != CLI_EXIT_OK)
        return rc;
    if (help) {
        gen_help();
        return CLI_EXIT_OK;
    }
    if (!a.out)
        return cli_usage_error("gen", "--out FILE is required");
    ll_gen_opts g = {a.samples, a.dim, a.seed, a.noise};
    if (ll_data_generate(&D, &g, &eb) != LL_OK)
        return cli_fail("gen", eb.msg);
    rc = ll_io_write_data(a.out, &D, &eb) == LL_OK ? CLI_EXIT_OK
                                                   : cli_fail("gen", eb.msg);
    if (rc == CLI_EXIT_OK && !a.quiet)
        printf("wrote %s: %zu samples, %zu inputs + target\n", a.out, D.n, D.d);
    ll_data_free(&D);
    return rc;
}
