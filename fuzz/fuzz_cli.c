/* libFuzzer target: the CLI option parser, cli_parse and cli_join_argv
 * (cli/args.c).
 *
 * The input is an argument list: arguments separated by NUL bytes (as in
 * /proc/PID/cmdline), at most FUZZ_MAX_ARGS of them, parsed after
 * "losslab trace". The option table below mirrors the kinds and ranges of
 * `losslab trace` (cli/cmd_trace.c keeps its own table static, so it cannot
 * be linked here): one option of every kind, closed, open and unbounded
 * ranges. Oracles: the parser returns CLI_EXIT_OK or CLI_EXIT_USAGE; on OK
 * every value it stored is in its option's range (finite for doubles), and
 * cli_join_argv returns a string no longer than its documented bound.
 * Usage messages go to stderr: run with -close_fd_mask=2 (scripts/fuzz.sh
 * does), which keeps sanitizer reports. Seeds: fuzz/corpus/cli.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

#define FUZZ_MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct fuzz_args {
    const char *data, *v;
    int target_col, eigs, flag;
    size_t width, samples;
    uint64_t seed;
    double alpha, lambda_max, ds;
} fuzz_args;

#define FA(f) offsetof(fuzz_args, f)
static const cli_option table[] = {
    {"--data", "FILE", CLI_STR, FA(data), 0, 0, 0, NULL, "file"},
    {"--v", "SPEC", CLI_STR, FA(v), 0, 0, 0, NULL, "spec"},
    {"--target-col", "K", CLI_INT, FA(target_col), -1, 1e6, 0, NULL, "col"},
    {"--eigs", "K", CLI_INT, FA(eigs), 1, 64, 0, NULL, "eigs"},
    {"--quiet", NULL, CLI_FLAG, FA(flag), 0, 0, 0, NULL, "flag"},
    {"--width", "M", CLI_SIZE, FA(width), 1, HUGE_VAL, 0, NULL, "width"},
    {"--samples", "N", CLI_SIZE, FA(samples), 1, 1e9, 0, NULL, "samples"},
    {"--seed", "S", CLI_U64, FA(seed), 0, HUGE_VAL, 0, NULL, "seed"},
    {"--alpha", "A", CLI_DOUBLE, FA(alpha), 0, HUGE_VAL, 0, NULL, "alpha"},
    {"--lambda-max", "L", CLI_DOUBLE, FA(lambda_max), 0, 100, 1, NULL, "lm"},
    {"--ds", "H", CLI_DOUBLE, FA(ds), 0, 1, 1, NULL, "ds"},
    {NULL, NULL, CLI_FLAG, 0, 0, 0, 0, NULL, NULL}};

static fuzz_args defaults(void)
{
    fuzz_args a;
    memset(&a, 0, sizeof a);
    a.target_col = -1, a.eigs = 6, a.width = 10, a.samples = 500;
    a.lambda_max = 1, a.ds = 0.01;
    return a;
}

static int in_range(double x, double lo, double hi, int lo_open)
{
    return isfinite(x) && x <= hi && (lo_open ? x > lo : x >= lo);
}

/* Parsed values must lie in their ranges (defaults already do). */
static void check_values(const fuzz_args *a)
{
    if (a->target_col < -1 || a->target_col > 1000000 || a->eigs < 1 ||
        a->eigs > 64 || a->width < 1 || a->samples < 1 ||
        a->samples > 1000000000 || (a->flag != 0 && a->flag != 1))
        __builtin_trap();
    if (!in_range(a->alpha, 0, HUGE_VAL, 0) ||
        !in_range(a->lambda_max, 0, 100, 1) || !in_range(a->ds, 0, 1, 1))
        __builtin_trap();
}

/* Split at NULs into argv[2..]; the strings are copies in `buf`. */
static int split_args(const uint8_t *data, size_t size, char *buf,
                      char **argv)
{
    int argc = 0;
    argv[argc++] = "losslab";
    argv[argc++] = "trace";
    memcpy(buf, data, size);
    buf[size] = '\0';
    for (size_t i = 0; i <= size && argc < FUZZ_MAX_ARGS;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
        if (i > size)
            break;
    }
    argv[argc] = NULL;
    return argc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), *argv[FUZZ_MAX_ARGS + 1];
    if (!buf)
        return 0;
    int argc = split_args(data, size, buf, argv), help = 0;
    fuzz_args a = defaults();
    int rc = cli_parse("trace", argc, argv, 2, table, &a, &help);
    if (rc != CLI_EXIT_OK && rc != CLI_EXIT_USAGE)
        __builtin_trap();
    if (rc == CLI_EXIT_OK)
        check_values(&a);
    char *joined = cli_join_argv(argc, argv);
    size_t bound = 1;
    for (int i = 0; i < argc; i++)
        bound += 4 * strlen(argv[i]) + 3;
    if (!joined || strlen(joined) >= bound)
        __builtin_trap();
    free(joined);
    free(buf);
    return 0;
}
