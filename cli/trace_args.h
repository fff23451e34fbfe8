/* The options of `losslab trace`: the table, the --v parser and the checks
 * of option combinations, separate from cmd_trace.c so that the option
 * parser can be tested and fuzzed on its own (fuzz/fuzz_cli.c) without the
 * numerical library. Parsing only: no numerics, no files. */
#ifndef LL_CLI_TRACE_ARGS_H
#define LL_CLI_TRACE_ARGS_H

#include <stddef.h>
#include <stdint.h>

#include "args.h"

/* Largest --width accepted by the parser: 2^24. The dense P x P Hessian of
 * a wider network (P >= width) needs more than 2^51 bytes (2 PiB), so no
 * machine can run it; the bound keeps the --v array (width doubles) small
 * and width * sizeof(double) far from overflow. Widths below it that do not
 * fit this machine are refused by ll_model_create with the memory needed. */
#define CLI_TRACE_WIDTH_MAX 16777216.0

typedef struct trace_args {
    const char *data, *target, *out, *json, *act, *v, *hessian;
    int target_col;
    size_t dim, samples, width, max_steps;
    uint64_t seed;
    double noise, alpha, lambda_max, ds;
    int eigs, train_v, bias, quiet, no_coefs, no_locate, z2;
} trace_args;

/* The option table (terminated by name == NULL). */
extern const cli_option cli_trace_options[];

/* Parse argv[2..argc) into *a, which holds the defaults on entry. On
 * CLI_EXIT_OK with *help == 0, *v is a malloc'ed array of a->width output
 * weights (free it); otherwise *v is NULL. Returns CLI_EXIT_OK,
 * CLI_EXIT_USAGE (message printed: unknown option, bad value, bad --v, bad
 * combination, unknown activation) or CLI_EXIT_FAIL (out of memory). */
int cli_trace_parse(int argc, char **argv, trace_args *a, double **v,
                    int *help);

#endif
