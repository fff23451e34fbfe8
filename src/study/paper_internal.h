/* Internal helpers of the `paper` comparison table (paper_compare.c,
 * paper_rows_*.c). Not installed. */
#ifndef LL_STUDY_PAPER_INTERNAL_H
#define LL_STUDY_PAPER_INTERNAL_H

#include "losslab/paper.h"

/* The paper's grid steps (appendix B: "1/200-1/400"). */
#define LL_PAPER_GRID_COARSE (1.0 / 200.0)
#define LL_PAPER_GRID_FINE (1.0 / 400.0)

/* Append a row (losslab value NaN, text "not computed"). */
ll_paper_row *ll_paper_row_add(ll_paper_result *r, const char *key,
                               const char *quantity, const char *exp,
                               const char *figure, double paper,
                               const char *paper_text, const char *cause);
/* printf into losslab_text / append to note. */
void ll_paper_row_text(ll_paper_row *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void ll_paper_row_note(ll_paper_row *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* rel_diff and verdict from paper, paper_text and losslab. */
void ll_paper_row_verdict(ll_paper_row *w);

/* mu_e at parameter p on the branch before arclength s_end (linear
 * interpolation), NaN if the branch does not reach p there. */
double ll_paper_branch_mu_at(const ll_branch *b, double s_end, double p,
                             int e);
/* |p| distance of the event from the last branch point before it. */
double ll_paper_last_point_gap(const ll_branch *b, const ll_event *ev);
/* First event of the m = 10 trace, or NULL. */
const ll_event *ll_paper_first_event(const ll_paper_result *r);

/* Rows by experiment (paper_rows_m10.c, paper_rows_sweeps.c). */
void ll_paper_rows_exp2(const ll_paper_opts *o, ll_paper_result *r);
void ll_paper_rows_exp3(const ll_paper_opts *o, ll_paper_result *r);
void ll_paper_rows_exp6(const ll_paper_opts *o, ll_paper_result *r);
void ll_paper_rows_exp5(const ll_paper_opts *o, ll_paper_result *r);
void ll_paper_rows_exp1(const ll_paper_opts *o, ll_paper_result *r);
void ll_paper_rows_exp4(const ll_paper_opts *o, ll_paper_result *r);

#endif
