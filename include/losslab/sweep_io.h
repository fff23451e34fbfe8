/* losslab: files of the sweeps (`losslab widths`, `losslab phase`).
 *
 * A sweep writes into its output directory DIR:
 *   DIR/items/<name>.json   one file per finished item, written atomically
 *                           as soon as the item finishes (name: width-<m>
 *                           or a-<a>, a in its shortest exact decimal form):
 *                           { kind, param, config, result }
 *   DIR/<kind>.json         the combined result, written at the end:
 *                           { config, status, complete, items [ result ...
 *                           ], fit (widths), stats }
 *   DIR/<kind>.png, .svg    the figure (sweep_plot.c)
 *
 * `config` records everything that determines the numbers: the data source
 * and a hash of the data values, the model and continuation options, the
 * v rule, version and git revision (for an item file, without the list of
 * parameters, the command line and the job count, which do not change an
 * item's numbers). Resuming loads every item file of the current parameter
 * list whose config equals the current one and refuses, naming the first
 * differing key, when one does not match. Non-finite numbers are null.
 * Numbers are written in the shortest form that reads back exactly, so a
 * resumed sweep reproduces the uninterrupted JSON bit for bit (except
 * timings and the command line). Nothing here prints.
 */
#ifndef LOSSLAB_SWEEP_IO_H
#define LOSSLAB_SWEEP_IO_H

#include <stddef.h>

#include "losslab/status.h"
#include "losslab/study.h"
#include "losslab/sweep.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ll_sweep_kind { LL_SWEEP_WIDTHS = 0, LL_SWEEP_PHASE } ll_sweep_kind;

/* Everything a sweep's files record. All borrowed. */
typedef struct ll_sweep_report {
    ll_sweep_kind kind;
    const ll_trace_opts *trace;  /* the template options */
    const ll_data_source *data;  /* where the data came from */
    const ll_data *D;            /* the data (for the hash, N, d) */
    const char *v_spec;          /* widths: the v rule (NULL: default) */
    double degenerate_tol;       /* phase */
    const char *command_line;    /* may be NULL */
    int jobs;                    /* threads used (recorded, not matched) */
    const ll_sweep_result *res;
} ll_sweep_report;

/* "widths" / "phase" */
const char *ll_sweep_kind_str(ll_sweep_kind k);

/* Write DIR/items/<name>.json for item idx of rep->res (creates
 * DIR/items). */
ll_status ll_io_sweep_item_write(const char *dir, const ll_sweep_report *rep,
                                 size_t idx, ll_errbuf *eb);

/* Fill every not-done item of rep's result (cast away: res must be the
 * caller's writable result) whose file exists in DIR/items with a matching
 * config. *loaded gets the number loaded. LL_ERR_ARG with "resume: ..."
 * when a file's config differs (naming the key), LL_ERR_PARSE when a file
 * is malformed. */
ll_status ll_io_sweep_resume(const char *dir, const ll_sweep_report *rep,
                             ll_sweep_result *res, size_t *loaded,
                             ll_errbuf *eb);

/* The combined JSON as a malloc'ed string (caller frees) / to a file. */
ll_status ll_io_sweep_json(const ll_sweep_report *rep, char **out,
                           ll_errbuf *eb);
ll_status ll_io_write_sweep_json(const char *path, const ll_sweep_report *rep,
                                 ll_errbuf *eb);

/* The figure, PNG or SVG by the extension.
 * widths: four panels: (a) the smallest Hessian eigenvalue against lambda
 * for every width, first events marked; (b) lambda* of the first event and
 * the prediction alpha/|lambda_1'(0)| against m; (c) |lambda_1'(0)| against
 * m on log-log axes with the fit |K/m + K2/m^2|; (d) |mu1/mu2| at the first
 * event against m.
 * phase: three panels against a: mu_min(0); lambda_1'(0); lambda* of the
 * first event and the prediction (degenerate starts marked). */
ll_status ll_io_plot_sweep(const char *path, const ll_sweep_report *rep,
                           ll_errbuf *eb);

/* Write DIR/<kind>.json, DIR/<kind>.png and DIR/<kind>.svg. */
ll_status ll_io_write_sweep_dir(const char *dir, const ll_sweep_report *rep,
                                ll_errbuf *eb);

#ifdef __cplusplus
}
#endif
#endif
