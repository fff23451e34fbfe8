/* Shared command-line parsing for the losslab subcommands: a table of
 * options (name, value kind, allowed range, default text, help line) parsed
 * strictly into a caller struct by offset. Parsing and printing only. */
#ifndef LL_CLI_ARGS_H
#define LL_CLI_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* Exit codes of every subcommand. */
enum { CLI_EXIT_OK = 0, CLI_EXIT_FAIL = 1, CLI_EXIT_USAGE = 2 };

typedef enum cli_kind {
    CLI_FLAG,   /* int set to 1, no value */
    CLI_SIZE,   /* size_t, integer in [lo, hi] */
    CLI_INT,    /* int, integer in [lo, hi] */
    CLI_U64,    /* uint64_t, any non-negative integer */
    CLI_DOUBLE, /* double, finite, in [lo, hi] ((lo, hi] if lo_open) */
    CLI_STR     /* const char *, pointing into argv */
} cli_kind;

typedef struct cli_option {
    const char *name;    /* "--width" */
    const char *metavar; /* "M" (NULL for flags) */
    cli_kind kind;
    size_t offset;       /* offsetof(struct, field) */
    double lo, hi;
    int lo_open;
    const char *def;     /* default text for --help; NULL: the value */
    const char *help;    /* one line */
} cli_option;

/* Parse argv[first..argc) against the table (terminated by name == NULL)
 * into dst. "--name value" and "--name=value" are accepted; "-h"/"--help"
 * set *help. Returns CLI_EXIT_OK or CLI_EXIT_USAGE after printing
 * "losslab <cmd>: <problem>" and a hint to stderr. */
int cli_parse(const char *cmd, int argc, char **argv, int first,
              const cli_option *table, void *dst, int *help);

/* Print the option table, one line each: "  --name VALUE  help (default)",
 * the default being t->def if set, else the field's value in defs. */
void cli_print_options(const cli_option *table, const void *defs);

/* Print "losslab <cmd>: <message>" and the --help hint to stderr; returns
 * CLI_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Print "losslab <cmd>: <message>" to stderr; returns CLI_EXIT_FAIL. */
int cli_fail(const char *cmd, const char *msg);

/* The command line, shell-quoted where needed, as one malloc'ed string. */
char *cli_join_argv(int argc, char **argv);

#endif
