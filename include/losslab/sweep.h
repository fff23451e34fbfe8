/* losslab: sweeps, the trace study repeated over a list of problems
 * (MATH.md section 1 "Width scaling" and section 4, Exp. 4 and Exp. 5).
 *
 *   widths  one data set, the trace study at each width m of a list; per
 *           width lambda_1'(0), the prediction lambda* = alpha/|lambda_1'(0)|
 *           and the first event; then the least-squares fit
 *               lambda_1'(0) = K/m + K2/m^2                 (paper Prop. 7.9)
 *           with the critical width m* = |K|/alpha (the prediction
 *           lambda* ~ alpha m/|K| reaches 1 there) and the slope alpha/|K|.
 *   phase   the toy family of Exp. 4: d = 1, m = 2, v = (1, a) over a grid
 *           of a; per a the smallest Hessian eigenvalue at lambda = 0 and the
 *           first event.
 *
 * Items (one width, one a) are independent and run in parallel on worker
 * threads (ll_sweep_hooks.jobs). Each item builds its own model and
 * workspaces, so the result of an item does not depend on the number of
 * threads or on the order they run in, provided BLAS is single-threaded
 * (the CLI sets one BLAS thread).
 *
 * Resumable sweeps: the caller may mark items as already done (filled from
 * a previous run's files) before ll_*_run; those are skipped. After each
 * item finishes, hooks.on_done is called (serialised: never concurrently)
 * so the caller can write it to disk at once. A sweep stops early, leaving
 * finished items finished, when *hooks.cancel becomes nonzero (e.g. from a
 * SIGINT handler) or after hooks.max_items new items; running items are
 * cancelled through the continuation's progress callback and are NOT
 * marked done.
 *
 * Ownership: results own what they point to (free with
 * ll_sweep_result_free); options, lists and data are borrowed for the call.
 * The library does not print.
 */
#ifndef LOSSLAB_SWEEP_H
#define LOSSLAB_SWEEP_H

#include <signal.h>
#include <stddef.h>

#include "losslab/cont.h"
#include "losslab/data.h"
#include "losslab/status.h"
#include "losslab/study.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Output weights per width ------------------------------------------
 * spec: "linspace:A:B" (A + (B-A) j/(m-1), A when m = 1), "ones", or a comma
 * list of numbers (valid only for m equal to its length). NULL means
 * "linspace:0.5:1.5". Fills v[0..m-1]; LL_ERR_ARG naming the problem. */
ll_status ll_v_spec_values(const char *spec, size_t m, double *v,
                           ll_errbuf *eb);

/* ---- The fit lambda_1'(0) = K/m + K2/m^2 --------------------------------
 * Ordinary least squares over the n pairs (m_i, y_i) with finite y_i and
 * m_i > 0, design columns 1/m and 1/m^2, solved by a QR factorisation
 * (modified Gram-Schmidt on the two columns; the normal equations would
 * square the condition number, which is large when all m are big). */
typedef struct ll_inv_fit {
    size_t n_used;   /* pairs used */
    double K, K2;    /* coefficients (NaN if n_used < 2 or degenerate) */
    double rms;      /* root mean square residual */
    double m_star;   /* |K| / alpha (NaN if alpha <= 0 or K not finite) */
    double slope;    /* alpha / |K| */
    ll_status status;/* LL_OK, or LL_ERR_ARG (< 2 distinct widths) */
} ll_inv_fit;

/* Fit; alpha only enters m_star and slope. Always fills *out. */
ll_status ll_fit_inverse_width(size_t n, const double *m, const double *y,
                               double alpha, ll_inv_fit *out, ll_errbuf *eb);

/* ---- One finished item ------------------------------------------------- */
typedef struct ll_sweep_event {
    ll_event_type type;
    double lambda;        /* located lambda* */
    int index_before, index_after;
    double mu2;           /* nearest other eigenvalue at lambda* */
    double kernel_ratio;  /* |mu1/mu2| before it (ll_cont_opts.kernel_ratio_ds) */
    double dmu1_dlambda;  /* NaN at a fold */
    ll_status status;     /* location status of the event */
} ll_sweep_event;

typedef struct ll_sweep_item {
    double param;         /* the swept value: m (widths) or a (phase) */
    int done;             /* 1: the fields below hold a finished result */
    size_t width, dim, samples;
    double *v;            /* width output weights used, owned */
    ll_status status;     /* the trace's status (LL_STOP_PARAM, ...), or an
                             error; LL_ERR_SINGULAR for a degenerate start */
    char reason[LL_ERRBUF_SIZE];
    int degenerate_start; /* mu_min(0) <= degenerate_tol: the start at
                             lambda = 0 is not isolated; no continuation */
    double mu_min0;       /* smallest Hessian eigenvalue at lambda = 0 */
    double lambda1_prime0, lambda_star_predicted;
    size_t n_events;
    ll_sweep_event *events; /* all events in arclength order, owned */
    /* The branch, reduced to what the figures need (owned). */
    size_t len;
    double *lambda, *mu1; /* lambda and the smallest eigenvalue per point */
    size_t steps, newton_iters;
    double time;          /* wall seconds of this item */
} ll_sweep_item;

/* Free what the item owns and zero it (param is kept). NULL-safe. */
void ll_sweep_item_clear(ll_sweep_item *it);

/* Fill `it` (done = 1) from a trace result (deep copies). */
ll_status ll_sweep_item_from_trace(ll_sweep_item *it,
                                   const ll_trace_result *r, ll_errbuf *eb);

typedef struct ll_sweep_result {
    size_t n;
    ll_sweep_item *items;   /* n, in the order of the parameter list */
    size_t n_run;           /* items run by this call */
    size_t n_done;          /* items done (run now or before) */
    int cancelled;          /* stopped by *cancel or max_items */
    ll_inv_fit fit;         /* widths only (status LL_ERR_ARG otherwise) */
    double time;            /* wall seconds of this call */
} ll_sweep_result;

/* Allocate n items with the given parameter values, none done. */
ll_status ll_sweep_result_init(ll_sweep_result *r, size_t n,
                               const double *params, ll_errbuf *eb);
void ll_sweep_result_free(ll_sweep_result *r); /* NULL-safe, zeroes r */

/* ---- Parallel execution -------------------------------------------------*/
typedef struct ll_sweep_hooks {
    int jobs;             /* worker threads; <= 0: online CPUs (default 0) */
    size_t max_items;     /* run at most this many new items (0: all) */
    /* Nonzero requests a stop (may be set from a signal handler). */
    const volatile sig_atomic_t *cancel;
    /* Called, serialised, when an item starts / finishes (status and
     * results in the item). on_done returning nonzero stops the sweep
     * (e.g. its file could not be written). May be NULL. */
    void (*on_start)(void *user, size_t idx, const ll_sweep_item *it);
    int (*on_done)(void *user, size_t idx, const ll_sweep_item *it);
    void *user;
} ll_sweep_hooks;

ll_sweep_hooks ll_sweep_hooks_default(void); /* all zero */

/* ---- losslab widths ---------------------------------------------------- */
typedef struct ll_widths_opts {
    /* Template for every width: model.width and model.v are set per width
     * (v from v_spec); everything else (act, alpha, continuation, ...) as
     * given. */
    ll_trace_opts trace;
    const size_t *widths; /* n_widths values >= 1, borrowed */
    size_t n_widths;
    const char *v_spec;   /* see ll_v_spec_values; NULL: linspace:0.5:1.5 */
    ll_sweep_hooks hooks;
} ll_widths_opts;

/* ll_trace_opts_default(), widths 3,5,8,10,15,20,30,50,75,100 (static
 * storage), v_spec NULL, default hooks. */
ll_widths_opts ll_widths_opts_default(void);

/* Check the options (every width >= 1, v_spec valid for every width) and
 * name the first problem. */
ll_status ll_widths_check(const ll_widths_opts *o, ll_errbuf *eb);

/* Run every width not yet done in res (initialise res with
 * ll_widths_result_init, then optionally mark items done), then fit over
 * the done items. Returns LL_OK when every item is done, LL_STOP_CANCEL when
 * stopped early, or an error (bad options, out of memory, on_done failed).
 * Per-item failures are recorded in the items and do not stop the sweep. */
ll_status ll_widths_result_init(ll_sweep_result *res, const ll_widths_opts *o,
                                ll_errbuf *eb);
ll_status ll_widths_run(const ll_data *D, const ll_widths_opts *o,
                        ll_sweep_result *res, ll_errbuf *eb);

/* The fit over the done items of res with a finite lambda_1'(0). */
void ll_widths_fit(ll_sweep_result *res, double alpha);

/* ---- losslab phase ----------------------------------------------------- */
typedef struct ll_phase_opts {
    /* Template: model.width is forced to 2 and model.v to (1, a). Default
     * alpha 1e-3 (see ll_phase_opts_default). */
    ll_trace_opts trace;
    const double *a;      /* n_a finite values, borrowed */
    size_t n_a;
    /* The start at lambda = 0 counts as degenerate when the smallest Hessian
     * eigenvalue there is <= degenerate_tol (default 1e-9; the Hessian of
     * the toy problem has entries O(1), its eigenvalue at lambda = 0 is
     * alpha exactly, so this flags alpha below ~1e-9, i.e. alpha = 0). */
    double degenerate_tol;
    ll_sweep_hooks hooks;
} ll_phase_opts;

/* ll_trace_opts_default() with alpha = 1e-3, a = 0,.1,.3,.5,.7,.9,1 (static
 * storage), degenerate_tol = 1e-9, default hooks.
 * Why alpha = 1e-3 and not the paper's 0: at lambda = 0 the Hessian is
 * alpha on the (m-1)d = 1 dimensional space E = {v1 dw1 + v2 dw2 = 0} for
 * EVERY a (E is never empty), so with alpha = 0 each start has a kernel and
 * the branch from it is not unique; a small alpha makes the start an
 * isolated minimum with mu_min(0) = alpha and gives a finite prediction
 * alpha/|lambda_1'(0)|, while staying small against the O(1) curvature of
 * the other directions. */
ll_phase_opts ll_phase_opts_default(void);

ll_status ll_phase_check(const ll_phase_opts *o, ll_errbuf *eb);
ll_status ll_phase_result_init(ll_sweep_result *res, const ll_phase_opts *o,
                               ll_errbuf *eb);
/* As ll_widths_run. An item whose start is degenerate is done with
 * degenerate_start = 1, status LL_ERR_SINGULAR and a reason, not an error
 * of the sweep. */
ll_status ll_phase_run(const ll_data *D, const ll_phase_opts *o,
                       ll_sweep_result *res, ll_errbuf *eb);

#ifdef __cplusplus
}
#endif
#endif
