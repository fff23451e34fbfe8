/* losslab: studies, the experiments that tie data, model, softening and
 * continuation together. The first one is `trace` (MATH.md sections 1-3):
 *
 *   1. the closed-form minimiser theta0 at lambda = 0 (ll_model_linear_start),
 *      polished by Newton at lambda = 0 (a no-op for the default model, where
 *      the closed form is exact);
 *   2. the softening at lambda = 0: the degenerate eigenvalue cluster of the
 *      Hessian and the speeds at which it leaves (ll_bif_softening, first-
 *      order degenerate perturbation theory); for the default model (fixed v,
 *      no biases) also the closed form ll_model_softening_closed_form and the
 *      paper's eq. (22) expression, reported beside it and labelled (eq. 22 is
 *      not the softening rate, MATH.md section 1);
 *      lambda1_prime0 = speeds[0] and the prediction
 *          lambda*_predicted = alpha / |lambda_1'(0)|   (if lambda_1'(0) < 0)
 *      (= ll_softening.p_star_predicted, mu0 = alpha at lambda = 0);
 *   3. the critical branch from (theta0, 0) to lambda_max by ll_cont_run,
 *      with the Morse index, the smallest eigenvalues and the located events.
 *
 * Ownership: a result owns everything it points to; free it with
 * ll_trace_result_free (also after an error). Options and data are borrowed
 * for the duration of the call only.
 */
#ifndef LOSSLAB_STUDY_H
#define LOSSLAB_STUDY_H

#include <stddef.h>

#include "losslab/bif.h"
#include "losslab/cont.h"
#include "losslab/data.h"
#include "losslab/model.h"
#include "losslab/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Where the data of a study come from: files (x_path != NULL) or the
 * built-in generator of MATH.md section 4 (x_path == NULL, gen used). */
typedef struct ll_data_source {
    const char *x_path; /* CSV or .npy; NULL: generate. Borrowed. */
    const char *y_path; /* targets .npy (only with an .npy x_path), or NULL */
    int target_col;     /* 0-based target column, -1: the last one */
    ll_gen_opts gen;    /* generator options (used when x_path == NULL) */
} ll_data_source;

/* No files, target_col = -1, ll_gen_opts_default(). */
ll_data_source ll_data_source_default(void);

/* Read the files or run the generator into D (free with ll_data_free),
 * then refuse data that cannot determine a fit (ll_data_check: N <= d,
 * constant input columns); on failure D is left empty. */
ll_status ll_study_data_load(const ll_data_source *src, ll_data *D,
                             ll_errbuf *eb);

typedef struct ll_trace_opts {
    ll_model_opts model; /* width, act, alpha, v, train_v, bias */
    /* Continuation options; cont.p_min = 0 and cont.p_max = lambda_max.
     * cont.progress / cont.user are passed through (for a progress line). */
    ll_cont_opts cont;
    /* Relative width of the degenerate eigenvalue cluster at lambda = 0
     * (ll_bif_softening): eigenvalues within cluster_tol * max(1, |mu0|) of
     * the smallest belong to it. Default 1e-8: the cluster is exact in
     * exact arithmetic, rounding spreads it by ~1e-15 ||H||. */
    double cluster_tol;
    /* Newton polish of the linear start at lambda = 0: stop when
     * ||grad|| <= polish_tol * max(1, ||grad(0; 0)||), at most polish_maxit
     * iterations. Defaults 1e-12, 30. */
    double polish_tol;
    int polish_maxit;
} ll_trace_opts;

/* ll_model_opts_default(), ll_cont_opts_default() with p_min = 0,
 * p_max = 1, cluster_tol = 1e-8. */
ll_trace_opts ll_trace_opts_default(void);

typedef struct ll_trace_result {
    /* The problem as resolved. */
    size_t width, dim, samples, nparams;
    double *v;           /* width output weights actually used, owned */
    double *theta0;      /* nparams: the polished start at lambda = 0, owned */
    double grad_norm0;   /* ||grad|| at theta0, lambda = 0 */
    int polish_iters;    /* Newton iterations spent polishing theta0 */

    /* Softening at lambda = 0 (NaN where not computed). */
    ll_softening soft;          /* from ll_bif_softening; owned */
    ll_status soft_status;      /* LL_OK, or why it failed */
    char soft_reason[LL_ERRBUF_SIZE];
    int has_closed_form;        /* 1: the default model, closed form below */
    size_t closed_form_len;     /* (m-1) d */
    double *closed_form_speeds; /* ascending, owned; NULL if none */
    double closed_form_rate;    /* closed_form_speeds[0] or NaN */
    double paper_eq22;          /* the paper's eq. (22) value or NaN */
    ll_status closed_form_status;
    double lambda1_prime0;        /* soft.rate (or the closed form if the
                                     general one failed), NaN if neither */
    double lambda_star_predicted; /* alpha/|lambda1_prime0|, +inf if >= 0 */

    /* The continuation. */
    ll_cont_result cont;

    /* How the whole run ended: cont.status (LL_STOP_PARAM, LL_STOP_BUDGET,
     * LL_STOP_CANCEL) or an error status from any stage. */
    ll_status status;
    char reason[LL_ERRBUF_SIZE];

    /* Wall-clock seconds: setup (model + start), softening, continuation. */
    double time_setup, time_softening, time_cont, time_total;
} ll_trace_result;

void ll_trace_result_free(ll_trace_result *r); /* NULL-safe, zeroes r */

/* Run the trace study on data D with options o. res is zeroed first. Returns
 * res->status: a positive stop reason when the branch was followed to its
 * end (LL_STOP_PARAM: lambda left [0, lambda_max]; LL_STOP_BUDGET), a
 * negative status (with the message in eb and res->reason) on failure. A
 * failed softening does not stop the run: it is recorded in
 * res->soft_status / soft_reason. */
ll_status ll_trace_run(const ll_data *D, const ll_trace_opts *o,
                       ll_trace_result *res, ll_errbuf *eb);

#ifdef __cplusplus
}
#endif
#endif
