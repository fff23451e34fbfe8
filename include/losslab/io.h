/* losslab: results on disk. JSON (cJSON), CSV, data files, and the
 * eigenvalue figure (cairo, PNG and SVG from the same drawing code).
 *
 * Every file is written atomically: into a temporary file in the same
 * directory ("<path>.tmp-XXXXXX"), flushed and fsync'ed, then renamed over
 * <path>. On any error the temporary file is removed, <path> is left as it
 * was, and eb says "io: cannot write <path>: <strerror>".
 *
 * Non-finite numbers are written as JSON null and as "nan"/"inf" in CSV.
 * The trace JSON keys are listed at ll_io_trace_json and documented in the
 * README. Nothing here prints; nothing is borrowed beyond the call.
 */
#ifndef LOSSLAB_IO_H
#define LOSSLAB_IO_H

#include <stddef.h>

#include "losslab/cont.h"
#include "losslab/data.h"
#include "losslab/status.h"
#include "losslab/study.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Write len bytes to path atomically (see above). */
ll_status ll_io_write_atomic(const char *path, const void *data, size_t len,
                             ll_errbuf *eb);

/* An atomic file being written through stdio: open creates the temporary
 * file, commit flushes, fsyncs and renames it over the path, abort removes
 * it. Exactly one of commit/abort must follow a successful open; both free
 * the handle. */
typedef struct ll_io_afile ll_io_afile;
ll_status ll_io_afile_open(ll_io_afile **out, const char *path,
                           ll_errbuf *eb);
void *ll_io_afile_stream(ll_io_afile *f); /* the FILE * to write to */
ll_status ll_io_afile_commit(ll_io_afile *f, ll_errbuf *eb);
void ll_io_afile_abort(ll_io_afile *f);

/* mkdir -p: create dir and its missing parents (mode 0777 & ~umask).
 * LL_ERR_IO with "io: cannot create directory <dir>: <strerror>". */
ll_status ll_io_mkdir_p(const char *dir, ll_errbuf *eb);

/* Check, before a long run, that a file could be created at path (its
 * directory exists and is writable; path is not a directory). */
ll_status ll_io_check_writable(const char *path, ll_errbuf *eb);

/* Everything a trace JSON records: the options and the data source as
 * resolved, the command line (may be NULL), the result. All borrowed. */
typedef struct ll_trace_report {
    const ll_trace_opts *opts;
    const ll_data_source *data;
    const char *command_line;
    const ll_trace_result *res;
} ll_trace_report;

/* The trace JSON as a malloc'ed, NUL-terminated string (caller frees).
 * One object with the keys:
 *   config        { data {source "file"|"generator", x_path, y_path,
 *                   target_col | dim, samples, seed, noise}, dim, samples,
 *                   width, alpha, act, v [m], train_v, bias, nparams,
 *                   lambda_max, continuation {...}, cluster_tol, seed,
 *                   version, git_revision, command_line }
 *   status, reason                        how the run ended
 *   lambda1_prime0, lambda_star_predicted
 *   softening     { mu0, multiplicity, speeds (first 10), rate,
 *                   p_star_predicted, status, reason, closed_form {rate,
 *                   speeds (first 10), n_speeds, status},
 *                   paper_eq22 {value, note} }
 *   events        [ { type, lambda, s, index_before, index_after, mu1, mu2,
 *                   kernel_ratio, dmu1_dlambda, dmu1_ds, tp, g_p, g_aa,
 *                   g_ap, g_aaa, g_aaa_bare, ratio_aa_aaa, normal_form,
 *                   criticality, branch_slope, branch_quad, loss,
 *                   grad_norm, locate_dp, refine_dp, status, reason } ]
 *   branch        { lambda [], s [], tp [], mu [[n_eigs] ...], index [],
 *                   loss [], grad_norm [] }
 *   stats         { steps, newton_iters, steps_rejected, gscale,
 *                   time_setup, time_softening, time_cont, time_total }
 * Coefficients are null when the continuation did not compute them. */
ll_status ll_io_trace_json(const ll_trace_report *rep, char **out,
                           ll_errbuf *eb);
ll_status ll_io_write_trace_json(const char *path, const ll_trace_report *rep,
                                 ll_errbuf *eb);

/* branch.csv: a header line "lambda,s,tp,index,loss,grad_norm,mu1,...,muK"
 * (K = n_eigs), then one row per accepted point, numbers as %.17g. */
ll_status ll_io_write_branch_csv(const char *path, const ll_cont_result *r,
                                 ll_errbuf *eb);

/* The figure of the smallest eigenvalues against lambda. */
typedef struct ll_plot_opts {
    const char *title;      /* borrowed; NULL: "Smallest Hessian eigenvalues" */
    double lambda_min, lambda_max; /* x range (widened to the branch) */
    int n_curves;           /* eigenvalues drawn, <= n_eigs; default 6 */
    int width_px, height_px;/* default 960 x 600 */
} ll_plot_opts;

ll_plot_opts ll_plot_opts_default(void);

/* Draw to path, PNG or SVG by its extension (".png", ".svg"). */
ll_status ll_io_plot_eigenvalues(const char *path, const ll_cont_result *r,
                                 const ll_plot_opts *o, ll_errbuf *eb);

/* Write dir/trace.json, dir/branch.csv, dir/eigenvalues.png and
 * dir/eigenvalues.svg (dir is created if missing). */
ll_status ll_io_write_trace_dir(const char *dir, const ll_trace_report *rep,
                                ll_errbuf *eb);

/* A data set as CSV (header x1,...,xd,y; %.17g) or as an .npy N x (d+1)
 * float64 C-order matrix with the target last, by the extension. */
ll_status ll_io_write_data(const char *path, const ll_data *D, ll_errbuf *eb);

/* Free the process-lifetime caches of the figure code's libraries (cairo's
 * static data, fontconfig's configuration and font caches), so that a leak
 * checker sees none. Optional; call it at most once, at the end of the
 * program, after the last figure (and only if nothing else in the process
 * still uses cairo or fontconfig). The CLI calls it before it exits. */
void ll_io_shutdown(void);

#ifdef __cplusplus
}
#endif
#endif
