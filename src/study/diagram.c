/* The diagram study (issue 4; MATH.md sections 2-3): the primary branch by
 * pseudo-arclength continuation, then a breadth-first walk over the events
 * of every branch, switching at branch points (diagram_switch.c) up to the
 * depth limit, with events that repeat on another branch recorded as the
 * places where branches meet rather than switched at again, and the Morse
 * bookkeeping of every switched event (diagram_morse.c). A degenerate start
 * takes its first step inside a subspace where H is regular (see
 * diagram.h). */
#include "losslab/diagram.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "study/diagram_internal.h"

/* First step inside start_sub from a degenerate start: up to p0 + this. */
#define LL_DG_START_STEP 1e-3

ll_diagram_opts ll_diagram_opts_default(void)
{
    ll_diagram_opts o;
    memset(&o, 0, sizeof o);
    o.cont = ll_cont_opts_default();
    o.sw = ll_switch_opts_default();
    o.depth = 2;
    o.max_branches = 64;
    o.dedup_tol = 1e-6;
    o.degenerate_tol = 1e-9;
    o.kernel_tol = 1e-6;
    return o;
}

void ll_diagram_result_free(ll_diagram_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n_branches; i++)
        ll_cont_result_free(&r->branches[i].cont);
    free(r->branches);
    free(r->events);
    free(r->start_event.x);
    free(r->start_event.phi);
    memset(r, 0, sizeof *r);
}

const ll_event *ll_diagram_event_at(const ll_diagram_result *r, size_t i)
{
    if (!r || i >= r->n_events)
        return NULL;
    const ll_diagram_event *e = &r->events[i];
    if (e->at_start)
        return &r->start_event;
    return &r->branches[e->branch].cont.events[e->k];
}

int ll_dg_branch_add(dg_ctx *C, const double *x, double p, const double *t,
                     int parent_event, int side, int subspace, int depth,
                     ll_status *st, char *reason, size_t reason_sz)
{
    ll_diagram_result *R = C->res;
    *st = LL_ERR_NOMEM;
    if (R->n_branches >= C->o->max_branches) {
        *st = LL_STOP_BUDGET;
        snprintf(reason, reason_sz, "diagram: branch budget (%zu) spent",
                 C->o->max_branches);
        return -1;
    }
    ll_diagram_branch *nb = realloc(R->branches,
                                    (R->n_branches + 1) * sizeof *nb);
    if (!nb)
        return -1;
    R->branches = nb;
    ll_diagram_branch *B = &nb[R->n_branches];
    memset(B, 0, sizeof *B);
    ll_cont_opts co = C->o->cont;
    co.store_points = 1;
    co.start_tangent = t;
    co.direction = 1;
    ll_errbuf eb = {{0}};
    *st = ll_cont_run(C->pb, x, p, &co, &B->cont, &eb);
    snprintf(reason, reason_sz, "%s", B->cont.reason);
    if (B->cont.branch.len == 0) {
        ll_cont_result_free(&B->cont);
        return -1;
    }
    B->parent_event = parent_event, B->side = side;
    B->subspace = subspace, B->depth = depth;
    B->index0 = B->cont.branch.index[0];
    B->mu0 = NAN;
    return (int)R->n_branches++;
}

void ll_dg_secant_tangent(const dg_ctx *C, const ll_branch *b, double s,
                          double *t)
{
    size_t n = C->n, i = 0;
    while (i + 2 < b->len && b->s[i + 1] < s)
        i++;
    size_t j = i + 1 < b->len ? i + 1 : i;
    for (size_t q = 0; q < n; q++)
        t[q] = b->x[j * n + q] - b->x[i * n + q];
    t[n] = b->p[j] - b->p[i];
    double nt = ll_nrm2(C->m, t);
    for (size_t q = 0; nt > 0 && q < C->m; q++)
        t[q] /= nt;
}

/* The diagram event at the same point as ev, or -1. */
static int find_same(const dg_ctx *C, const ll_event *ev, size_t upto)
{
    const ll_diagram_result *R = C->res;
    double xn = ll_nrm2(C->n, ev->x), tol = C->o->dedup_tol * (1.0 + xn);
    for (size_t i = 0; i < upto; i++) {
        const ll_event *e = ll_diagram_event_at(R, i);
        if (R->events[i].same_as >= 0 || !(fabs(e->p - ev->p) <= tol))
            continue;
        double d = 0.0;
        for (size_t q = 0; q < C->n; q++)
            d += (e->x[q] - ev->x[q]) * (e->x[q] - ev->x[q]);
        if (sqrt(d) <= tol)
            return (int)i;
    }
    return -1;
}

static ll_diagram_event *event_add(dg_ctx *C, int branch, size_t k,
                                   int at_start)
{
    ll_diagram_result *R = C->res;
    ll_diagram_event *ne = realloc(R->events, (R->n_events + 1) * sizeof *ne);
    if (!ne)
        return NULL;
    R->events = ne;
    ll_diagram_event *E = &ne[R->n_events++];
    memset(E, 0, sizeof *E);
    E->branch = branch, E->k = k, E->at_start = at_start, E->same_as = -1;
    E->known_index_minus = E->known_index_plus = -1;
    E->degree_ok = E->normal_form_ok = -1;
    return E;
}

/* Register the events of branch b; switch at the new ones if the depth
 * allows. */
static ll_status walk_branch(dg_ctx *C, size_t b)
{
    ll_diagram_result *R = C->res;
    size_t nev = R->branches[b].cont.n_events;
    int with_start = b == 0 && R->has_start_event;
    for (size_t k = 0; k < nev + (size_t)with_start; k++) {
        int at_start = with_start && k == nev;
        ll_diagram_event *E = event_add(C, (int)b, at_start ? 0 : k, at_start);
        if (!E)
            return LL_ERR_NOMEM;
        size_t e = R->n_events - 1;
        const ll_event *ev = ll_diagram_event_at(R, e);
        int same = find_same(C, ev, e);
        if (same >= 0) {
            E->same_as = same;
            ll_diagram_event *S = &R->events[same];
            if (S->n_meets < LL_DIAGRAM_MAX_BORN)
                S->meets[S->n_meets++] = (int)b;
            continue;
        }
        if (ev->type == LL_EVENT_FOLD || R->branches[b].depth >= C->o->depth)
            continue;
        ll_status st = ll_dg_switch_event(C, e);
        if (st == LL_ERR_NOMEM)
            return st;
        ll_dg_morse(C, e);
    }
    return LL_OK;
}

static ll_status diagram_check(const ll_problem *pb, const double *x0,
                               const ll_diagram_opts *o, ll_errbuf *eb)
{
    if (!pb || !x0 || !o || pb->n == 0)
        return ll_err(eb, LL_ERR_ARG, "diagram: NULL problem, start or "
                      "options");
    if (o->depth < 0 || o->max_branches < 1 || !(o->dedup_tol > 0.0) ||
        !(o->degenerate_tol > 0.0) || !(o->kernel_tol > 0.0))
        return ll_err(eb, LL_ERR_ARG, "diagram: need depth >= 0, "
                      "max_branches >= 1 and positive tolerances");
    if (o->n_subspaces > 0 && !o->subspaces)
        return ll_err(eb, LL_ERR_ARG, "diagram: n_subspaces > 0 but "
                      "subspaces is NULL");
    return LL_OK;
}

ll_status ll_diagram_run(const ll_problem *pb, const double *x0, double p0,
                         const ll_diagram_opts *o, ll_diagram_result *res,
                         ll_errbuf *eb)
{
    if (!res)
        return ll_err(eb, LL_ERR_ARG, "diagram: NULL result");
    memset(res, 0, sizeof *res);
    ll_errbuf local = {{0}};
    ll_status st = diagram_check(pb, x0, o, &local);
    dg_ctx C = {pb, o, res, pb ? pb->n : 0, pb ? pb->n + 1 : 0, NULL};
    res->n = C.n;
    if (st == LL_OK)
        st = ll_dg_primary(&C, x0, p0, &local);
    for (size_t b = 0; st == LL_OK && b < res->n_branches; b++)
        st = walk_branch(&C, b);
    free(C.start_t);
    if (st == LL_ERR_NOMEM && !local.msg[0])
        snprintf(local.msg, sizeof local.msg, "diagram: out of memory");
    res->status = st;
    snprintf(res->reason, sizeof res->reason, "%s", local.msg);
    if (st < 0 && eb)
        *eb = local;
    return st;
}
