/* losslab: `losslab paper`, every experiment of the seed paper (seed 000,
 * appendix B; MATH.md section 4) on built-in data, and the comparison of
 * losslab's numbers with the values the paper prints.
 *
 *   Exp 1      the symmetric toy                       ll_toy_run
 *   Exp 2-3, 6 trace + coefficients of the m = 10 model ll_coeffs_run (its
 *                                                      trace is the Exp 2
 *                                                      branch)
 *   Exp 4      the phase diagram v = (1, a)            ll_phase_run
 *   Exp 5      the width sweep and the K/m fit         ll_widths_run
 * and two checks that explain differences from the paper:
 *   - the paper's eq. (22) expression at every width and its K/m fit
 *     (ll_model_softening_closed_form; eq. (22) is not the softening rate,
 *     MATH.md section 1), beside the fit of the correct rate;
 *   - the spread of K over other draws of the same data distribution
 *     (seeds data.gen.seed + 1 .. + seed_draws; closed-form rates only, no
 *     continuation), since the paper's own draw is not published.
 *
 * Then ll_paper_compare fills the table of the report: for each value the
 * paper prints, losslab's value from the results above, the verdict and a
 * note saying where they differ and why (event type, tolerance, formula,
 * slaved term, data draw), worded from the computed values. The paper's
 * printed values are constants here; losslab's are never.
 *
 * Ownership: the result owns everything it points to (free with
 * ll_paper_result_free, also after an error). Options are borrowed for the
 * call. Nothing here prints.
 */
#ifndef LOSSLAB_PAPER_H
#define LOSSLAB_PAPER_H

#include <stddef.h>
#include <stdint.h>

#include "losslab/data.h"
#include "losslab/experiments.h"
#include "losslab/status.h"
#include "losslab/study.h"
#include "losslab/sweep.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Stages, in the order they run. */
typedef enum ll_paper_stage {
    LL_PAPER_TOY = 0,   /* Exp 1 */
    LL_PAPER_COEFFS,    /* Exp 2-3, 6 */
    LL_PAPER_PHASE,     /* Exp 4 */
    LL_PAPER_WIDTHS,    /* Exp 5 */
    LL_PAPER_FORMULAS,  /* eq. (22) per width, other data draws */
    LL_PAPER_NSTAGES
} ll_paper_stage;

const char *ll_paper_stage_str(ll_paper_stage s); /* "toy", "coeffs", ... */

typedef struct ll_paper_opts {
    ll_data_source data;     /* Exp 2-3, 5, 6 (default: the generator) */
    ll_data_source toy_data; /* Exp 1, 4 (default: the toy generator) */
    ll_toy_opts toy;
    ll_coeffs_opts coeffs;   /* the model of Exp 2-3, 6 (width 10) */
    ll_phase_opts phase;
    ll_widths_opts widths;   /* hooks are taken from `hooks` below */
    size_t seed_draws;       /* other data draws for the spread of K; 8 */
    /* jobs, cancel and per-item callbacks, used by both sweeps. */
    ll_sweep_hooks hooks;
    /* Called when a stage starts (done = 0) and ends (done = 1). */
    void (*on_stage)(void *user, ll_paper_stage s, int done);
    void *stage_user;
} ll_paper_opts;

/* The defaults of every command (toy alpha = 0, phase alpha = 1e-3, m = 10
 * with alpha = 4e-3 and v = linspace:0.5:1.5, the paper's widths and a
 * values), toy data from ll_gen_toy_opts_default(); widths without the
 * Lyapunov-Schmidt coefficients (as `losslab widths`). */
ll_paper_opts ll_paper_opts_default(void);

/* The paper's value and losslab's, one row of the report's table. */
typedef enum ll_paper_verdict {
    LL_PAPER_NA = 0,     /* nothing to compare (losslab has no value) */
    LL_PAPER_AGREES,     /* equal to the digits the paper prints */
    LL_PAPER_CLOSE,      /* within 10 % */
    LL_PAPER_DIFFERS
} ll_paper_verdict;

const char *ll_paper_verdict_str(ll_paper_verdict v); /* "agrees", ... */

#define LL_PAPER_MAX_ROWS 16
#define LL_PAPER_NOTE 1024

typedef struct ll_paper_row {
    const char *key;        /* "lambda_star", "kernel_ratio", ... */
    const char *quantity;   /* "lambda* at m = 10" */
    const char *experiment; /* "Exp 2" */
    const char *figure;     /* file stem of the figure that shows it */
    double paper;           /* NaN when the paper's value is not a number */
    const char *paper_text; /* as the paper prints it */
    double losslab;         /* NaN when losslab has no number for it */
    char losslab_text[160];
    double rel_diff;        /* |losslab - paper| / |paper| (NaN if n/a) */
    ll_paper_verdict verdict;
    const char *cause;      /* "event type", "tolerance", "formula",
                               "slaved term", "data draw", ... or "" */
    char note[LL_PAPER_NOTE]; /* why, worded from the computed values */
} ll_paper_row;

typedef struct ll_paper_result {
    ll_data data, toy_data;  /* as loaded (owned; the reports hash them) */
    ll_toy_result toy;
    ll_coeffs_result coeffs;
    ll_sweep_result phase, widths;
    /* Eq. (22) and the closed-form rate at every width of the sweep. */
    size_t n_widths;
    double *eq22, *rate_cf;  /* n_widths each, NaN where not available */
    ll_inv_fit fit_eq22;     /* the K/m fit of the eq. (22) values */
    double eq22_power;       /* p of |eq. (22)| ~ m^p (log-log least squares;
                                a softening rate K/m has p = -1) */
    /* Other data draws: seeds, their K from the closed-form rates. */
    size_t n_draws;
    uint64_t *draw_seed;
    double *draw_K;          /* NaN where a fit failed */
    double draw_K_mean, draw_K_sd, draw_K_min, draw_K_max;
    ll_paper_row rows[LL_PAPER_MAX_ROWS];
    size_t n_rows;
    double stage_time[LL_PAPER_NSTAGES]; /* wall seconds */
    double time_total;
    ll_status status;        /* LL_OK, LL_STOP_CANCEL, or an error */
    char reason[LL_ERRBUF_SIZE];
} ll_paper_result;

void ll_paper_result_free(ll_paper_result *r); /* NULL-safe, zeroes r */

/* Run every stage (in the order of ll_paper_stage), then ll_paper_compare.
 * A stage whose numbers fail (no event, a failed width) does not stop the
 * run: its rows say so. Returns LL_OK, LL_STOP_CANCEL when *hooks.cancel
 * was set (the result holds what finished), or an error (bad options, data,
 * out of memory). */
ll_status ll_paper_run(const ll_paper_opts *o, ll_paper_result *res,
                       ll_errbuf *eb);

/* Fill res->rows from the results (called by ll_paper_run). */
void ll_paper_compare(const ll_paper_opts *o, ll_paper_result *res);

#ifdef __cplusplus
}
#endif
#endif
