/* Internal to src/study: the parallel executor shared by the sweeps
 * (widths.c, phase.c). See sweep.c. */
#ifndef LL_STUDY_SWEEP_INTERNAL_H
#define LL_STUDY_SWEEP_INTERNAL_H

#include "losslab/sweep.h"

typedef struct ll_sweep_exec ll_sweep_exec;

/* Run item idx into `out` (a zeroed item with param set). Return LL_OK
 * when the item finished (successfully or with a failure recorded in out),
 * LL_STOP_CANCEL when it was cancelled (out is discarded), or a negative
 * status for a failure of the whole sweep. */
typedef ll_status (*ll_sweep_item_fn)(const void *ctx, ll_sweep_exec *ex,
                                      size_t idx, ll_sweep_item *out,
                                      ll_errbuf *eb);

/* Nonzero when the sweep is being stopped: for continuation progress
 * callbacks (ll_sweep_cont_progress has the ll_cont_opts signature, user =
 * the executor). */
int ll_sweep_exec_stopping(ll_sweep_exec *ex);
int ll_sweep_cont_progress(void *user, const ll_cont_progress *pr);

/* Run every item of res that is not done, in the order `order` (a
 * permutation of 0..n-1), on h->jobs threads. */
ll_status ll_sweep_execute(ll_sweep_result *res, const size_t *order,
                           ll_sweep_item_fn fn, const void *ctx,
                           const ll_sweep_hooks *h, ll_errbuf *eb);

/* Seconds on the monotonic clock. */
double ll_sweep_now(void);

#endif
