/* losslab: the command-line front end. Dispatches to the subcommands
 * (cmd_*.c); every number is computed by the library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "cli.h"
#include "losslab/losslab.h"

typedef struct cli_command {
    const char *name;
    const char *summary;
    int (*run)(int argc, char **argv);
} cli_command;

static const cli_command commands[] = {
    {"trace", "follow the critical branch from lambda = 0 and locate its "
              "events", cli_cmd_trace},
    {"gen", "write the built-in generated data set to CSV or .npy",
     cli_cmd_gen},
    {"widths", "the width sweep: lambda_1'(0), first events and the K/m fit",
     cli_cmd_widths},
    {"phase", "the phase diagram of the toy model v = (1, a)", cli_cmd_phase},
    {"paper", "every experiment of the seed paper and the report folder",
     cli_cmd_paper},
    {"diagram", "bifurcation diagram: branch switching, symmetry, Morse "
                "bookkeeping", cli_cmd_diagram},
    {"toy", "the symmetric toy: transverse eigenvalue, line restrictions, "
            "contours", cli_cmd_toy},
    {"coeffs", "every coefficient at the first event: exact, finite "
               "differences, paper", cli_cmd_coeffs},
    {NULL, NULL, NULL}};

static void main_help(FILE *fp)
{
    fprintf(fp, "Usage: losslab <command> [options]\n\n"
                "A numerical laboratory for the loss landscapes of small "
                "neural networks.\n\nCommands:\n");
    for (const cli_command *c = commands; c->name; c++)
        fprintf(fp, "  %-8s %s\n", c->name, c->summary);
    fprintf(fp, "  %-8s %s\n\nOptions:\n  --version  print the version and "
                "git revision\n  --help     print this help\n\n"
                "'losslab <command> --help' describes a command.\n",
            "help", "this help, or 'help <command>'");
}

static const cli_command *find_command(const char *name)
{
    for (const cli_command *c = commands; c->name; c++)
        if (strcmp(c->name, name) == 0)
            return c;
    return NULL;
}

static int help_command(int argc, char **argv)
{
    if (argc < 3) {
        main_help(stdout);
        return CLI_EXIT_OK;
    }
    const cli_command *c = find_command(argv[2]);
    if (!c) {
        fprintf(stderr, "losslab: unknown command '%s'\n", argv[2]);
        return CLI_EXIT_USAGE;
    }
    char *sub[] = {argv[0], argv[2], "--help", NULL};
    return c->run(3, sub);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        main_help(stderr);
        return CLI_EXIT_USAGE;
    }
    /* One BLAS thread unless the user says otherwise: losslab's matrices are
     * small (P <= a few thousand), where OpenBLAS threads cost more than they
     * give (m = 100 trace: 2.9 s with 2 threads, 2.3 s with 1), and sweeps
     * parallelise over their items instead. */
    if (!getenv("OPENBLAS_NUM_THREADS"))
        ll_linalg_set_threads(1);
    const char *cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("losslab %s (git %s)\n", ll_version(), ll_git_revision());
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "-h") == 0)
        return help_command(argc, argv);
    const cli_command *c = find_command(cmd);
    if (!c) {
        fprintf(stderr, "losslab: unknown command '%s'\nTry 'losslab help'.\n",
                cmd);
        return CLI_EXIT_USAGE;
    }
    int rc = c->run(argc, argv);
    ll_io_shutdown(); /* cairo's and fontconfig's caches: nothing left */
    return rc;
}
