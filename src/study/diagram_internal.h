/* Internals of the diagram study (diagram.c, diagram_switch.c,
 * diagram_morse.c); not installed. */
#ifndef LL_STUDY_DIAGRAM_INTERNAL_H
#define LL_STUDY_DIAGRAM_INTERNAL_H

#include "losslab/diagram.h"

typedef struct dg_ctx {
    const ll_problem *pb;
    const ll_diagram_opts *o;
    ll_diagram_result *res;
    size_t n, m;
    double *start_t; /* m: known tangent at a degenerate start, or NULL */
} dg_ctx;

/* The primary branch (branch 0), through a degenerate start if need be
 * (diagram_start.c). */
ll_status ll_dg_primary(dg_ctx *C, const double *x0, double p0,
                        ll_errbuf *eb);

/* Append a branch traced by ll_cont_run from (x, p) along t (m values;
 * NULL: the default start). Returns the new index or -1 (out of memory or
 * the branch budget); *st gets the continuation's status. */
int ll_dg_branch_add(dg_ctx *C, const double *x, double p, const double *t,
                     int parent_event, int side, int subspace, int depth,
                     ll_status *st, char *reason, size_t reason_sz);

/* Branch switching at diagram event e (simple: full space, both sides;
 * multiple: every subspace that contains x*). Children are appended. */
ll_status ll_dg_switch_event(dg_ctx *C, size_t e);

/* Re-locate a simple branch point ev on br whose location failed, at
 * fixed p between the stored points around it (diagram_relocate.c); ev is
 * overwritten on success. */
ll_status ll_dg_relocate(dg_ctx *C, ll_event *ev, const ll_branch *br);

/* Morse bookkeeping of diagram event e from its children. */
void ll_dg_morse(dg_ctx *C, size_t e);

/* Unit tangent (m) of branch b at arclength s from the stored points (the
 * secant of the two stored points around s), oriented along the branch. */
void ll_dg_secant_tangent(const dg_ctx *C, const ll_branch *b, double s,
                          double *t);

#endif
