/* Shared by `losslab widths` and `losslab phase` (cmd_widths.c,
 * cmd_phase.c): list parsing, the SIGINT flag, progress lines, the item
 * files written as items finish, resume, and the end of a sweep (final
 * files, interruption message, exit code). Parsing and printing only. */
#ifndef LL_CLI_SWEEP_CLI_H
#define LL_CLI_SWEEP_CLI_H

#include <stddef.h>

#include "losslab/sweep.h"
#include "losslab/sweep_io.h"

/* Exit code of an interrupted sweep (128 + SIGINT, the shell convention). */
#define CLI_EXIT_INTERRUPTED 130

/* Comma lists: every entry checked (integer >= 1 / finite number), at most
 * 10000 entries, no duplicates. Usage error (exit 2) naming the entry. */
int cli_parse_size_list(const char *cmd, const char *opt, const char *s,
                        size_t **out, size_t *n);
int cli_parse_double_list(const char *cmd, const char *opt, const char *s,
                          double **out, size_t *n);

/* Usage error (exit 2) when --target comes without --data, or when one of
 * the generator-only options gen_only[0..n-1] is given together with --data
 * (`what` names the generator in the message); CLI_EXIT_OK otherwise. */
int cli_sweep_check_data(const char *cmd, const char *what, int has_data,
                         int has_target, const char *const *gen_only,
                         size_t n, int argc, char **argv);

/* The trace options every sweep item shares: lambda in [0, lambda_max],
 * initial step ds (ds_max raised to it if needed), step budget, recorded
 * eigenvalues, the declared Z2 symmetry; no Lyapunov-Schmidt coefficients
 * (a sweep records event locations; `trace` / `coeffs` give the
 * coefficients). */
void cli_sweep_trace_opts(ll_trace_opts *t, double alpha, const char *act,
                          double lambda_max, double ds, size_t max_steps,
                          int eigs, int z2);

/* Everything a sweep command hands to cli_sweep_run. */
typedef struct cli_sweep {
    const char *cmd;          /* "widths" / "phase" */
    const char *out, *json;   /* --out DIR, --json FILE (may be NULL) */
    int resume, quiet, jobs;
    size_t max_items;
    ll_sweep_report rep;      /* rep.res is set by cli_sweep_run */
    /* The library run (ll_widths_run / ll_phase_run) with hooks. */
    ll_status (*run)(const void *opts, const ll_data *D, ll_sweep_hooks *h,
                     ll_sweep_result *res, ll_errbuf *eb);
    const void *opts;
    /* Print the table of results on stdout. */
    void (*summary)(const struct cli_sweep *s);
} cli_sweep;

/* Resume (if asked), run with SIGINT handling and progress, write the
 * results, print the summary. res is initialised by the caller. Returns the
 * exit code: 0 all items finished, 1 an item or a file failed, 2 a resume
 * refused, 130 interrupted. */
int cli_sweep_run(cli_sweep *s, ll_sweep_result *res);

/* Number of online CPUs (the --jobs default). */
int cli_online_cpus(void);

#endif
