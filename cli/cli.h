/* The losslab subcommands and the printing they share. */
#ifndef LL_CLI_H
#define LL_CLI_H

#include <stdio.h>

#include "losslab/io.h"

/* Each takes the whole argv (argv[1] is the subcommand name) and returns the
 * process exit code (0 ok, 1 failure, 2 usage error). */
int cli_cmd_trace(int argc, char **argv);
int cli_cmd_gen(int argc, char **argv);
int cli_cmd_toy(int argc, char **argv);
int cli_cmd_coeffs(int argc, char **argv);
int cli_cmd_widths(int argc, char **argv);
int cli_cmd_phase(int argc, char **argv);
int cli_cmd_paper(int argc, char **argv);
int cli_cmd_diagram(int argc, char **argv);

/* The human summary of a trace (problem, softening and prediction, first
 * event, how the run ended, where results went). out_dir / json may be
 * NULL. */
void cli_print_trace_summary(FILE *fp, const ll_trace_report *rep,
                             const char *out_dir, const char *json);

#endif
