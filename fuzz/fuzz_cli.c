/* libFuzzer target: the real option parser of `losslab trace`,
 * cli_trace_parse (cli/trace_args.c: its option table, --v, the option
 * combination checks) on top of cli_parse (cli/args.c), and cli_join_argv.
 *
 * The input is an argument list: arguments separated by NUL bytes (as in
 * /proc/PID/cmdline), at most FUZZ_MAX_ARGS of them, parsed after
 * "losslab trace". Oracles: the parser returns CLI_EXIT_OK, CLI_EXIT_USAGE
 * or (out of memory only) CLI_EXIT_FAIL; on OK without --help, every value
 * it stored lies in its option's range (read generically from the real
 * table: integers in [lo, hi], doubles finite and in [lo, hi] or (lo, hi]),
 * the activation exists, --target came with --data, and the output weights
 * are width finite numbers; on anything else no weights are returned; and
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
#include "losslab/act.h"
#include "trace_args.h"

#define FUZZ_MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The defaults of cmd_trace.c's trace_args_default (which needs the whole
 * library); the parser's behaviour does not depend on their values. */
static trace_args defaults(void)
{
    trace_args a;
    memset(&a, 0, sizeof a);
    a.target_col = -1, a.dim = 5, a.samples = 500, a.noise = 0.05;
    a.width = 10, a.alpha = 4e-3, a.act = "tanh", a.v = "linspace:0.5:1.5";
    a.lambda_max = 1, a.ds = 0.02, a.max_steps = 10000, a.eigs = 6;
    return a;
}

static int in_range(double x, const cli_option *o)
{
    return isfinite(x) && x <= o->hi && (o->lo_open ? x > o->lo : x >= o->lo);
}

/* Every stored value inside its option's range (the defaults are). */
static void check_values(const trace_args *a, const double *v)
{
    for (const cli_option *o = cli_trace_options; o->name; o++) {
        const char *f = (const char *)a + o->offset;
        int ok = 1;
        if (o->kind == CLI_FLAG)
            ok = *(const int *)f == 0 || *(const int *)f == 1;
        else if (o->kind == CLI_SIZE)
            ok = in_range((double)*(const size_t *)f, o);
        else if (o->kind == CLI_INT)
            ok = in_range((double)*(const int *)f, o);
        else if (o->kind == CLI_DOUBLE)
            ok = in_range(*(const double *)f, o);
        if (!ok)
            __builtin_trap();
    }
    if (!ll_act_find(a->act) || (a->target && !a->data) || !v)
        __builtin_trap();
    for (size_t j = 0; j < a->width; j++)
        if (!isfinite(v[j]))
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
    trace_args a = defaults();
    double *v = NULL;
    int rc = cli_trace_parse(argc, argv, &a, &v, &help);
    if (rc != CLI_EXIT_OK && rc != CLI_EXIT_USAGE && rc != CLI_EXIT_FAIL)
        __builtin_trap();
    if (rc == CLI_EXIT_OK && !help)
        check_values(&a, v);
    else if (v)
        __builtin_trap();
    free(v);
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
