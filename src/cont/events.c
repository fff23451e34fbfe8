/* Event detection and classification between two accepted points
 * (MATH.md section 2):
 *   fold                  t_p changes sign,
 *   branch point          the Morse index changes by one, t_p keeps its sign,
 *   multiple branch point the index changes by more than one.
 * A jump of the index by more than one may be two simple crossings inside
 * one step; before calling it a multiple branch point the step is bisected
 * (LL_CONT_SEPARATE_TRIES times, in the arc coordinate of the last tangent):
 * an intermediate point whose index lies strictly between the two ends
 * separates the crossings and becomes the accepted point instead. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"

#define LL_CONT_SEPARATE_TRIES 8

/* Arc coordinate of X relative to A along A's tangent. */
static double arc_coord(const ll_cont_ws *ws, const ll_cont_point *A,
                        const double *X)
{
    double s = 0.0;
    for (size_t i = 0; i < ws->m; i++)
        s += A->t[i] * (X[i] - A->X[i]);
    return s;
}

/* Make the intermediate point X the new B. */
static ll_status adopt(ll_cont_ws *ws, const ll_cont_point *A,
                       const double *X, ll_cont_point *B)
{
    memcpy(B->X, X, ws->m * sizeof *X);
    ll_status st = ll_cont_tangent(ws, B->X, A->t, B->t);
    if (st != LL_OK)
        return st;
    double chord = 0.0;
    for (size_t i = 0; i < ws->m; i++)
        chord += (B->X[i] - A->X[i]) * (B->X[i] - A->X[i]);
    B->s = A->s + sqrt(chord);
    return ll_cont_point_spectrum(ws, B);
}

ll_status ll_cont_separate(ll_cont_ws *ws, const ll_cont_point *A,
                           ll_cont_point *B, int *moved)
{
    *moved = 0;
    if (abs(B->index - A->index) <= 1)
        return LL_OK;
    double *X = ws->tmp, sb = arc_coord(ws, A, B->X), lo = 0.0, hi = sb;
    for (int it = 0; it < LL_CONT_SEPARATE_TRIES; it++) {
        double mid = 0.5 * (lo + hi), th = mid / sb;
        for (size_t i = 0; i < ws->m; i++)
            X[i] = A->X[i] + th * (B->X[i] - A->X[i]);
        int its = 0, idx = 0;
        ll_status st = ll_cont_correct(ws, X, A->t, A->X, mid, &its);
        if (st == LL_ERR_NOCONV || st == LL_ERR_SINGULAR)
            return LL_OK; /* cannot look inside: keep the whole step */
        if (st != LL_OK || (st = ll_cont_index(ws, X, &idx)) != LL_OK)
            return st;
        if (idx == A->index)
            lo = mid;
        else if (idx == B->index)
            hi = mid;
        else {
            *moved = 1;
            return adopt(ws, A, X, B);
        }
    }
    return LL_OK;
}

/* An event that is not located: described at B. */
static ll_status describe_at(ll_cont_ws *ws, const ll_cont_point *A,
                             const ll_cont_point *B, int k, ll_event *ev,
                             ll_status why, const char *reason)
{
    ll_status st = ll_cont_event_fill(ws, A, B->X, k, ev, 0);
    ev->locate_dp = fabs(B->X[ws->n] - A->X[ws->n]);
    if (why != LL_OK || ev->status == LL_OK) {
        ev->status = why;
        snprintf(ev->reason, sizeof ev->reason, "%.127s", reason);
    }
    return st;
}

static ll_event_type classify(int d_index, int fold)
{
    if (fold)
        return LL_EVENT_FOLD;
    return abs(d_index) == 1 ? LL_EVENT_BRANCH_POINT : LL_EVENT_MULTIPLE_BP;
}

ll_status ll_cont_events(ll_cont_ws *ws, const ll_cont_point *A,
                         const ll_cont_point *B, ll_cont_result *res)
{
    size_t n = ws->n;
    int d = B->index - A->index;
    int fold = (A->t[n] > 0.0) != (B->t[n] > 0.0);
    if (d == 0 && !fold)
        return LL_OK;
    ll_event *ev = ll_cont_event_push(res, n);
    if (!ev)
        return ll_err(ws->eb, LL_ERR_NOMEM, "cont: out of memory for an event");
    ev->type = classify(d, fold);
    ev->index_before = A->index, ev->index_after = B->index;
    int k = A->index < B->index ? A->index : B->index;
    if (k >= (int)n)
        k = (int)n - 1;
    /* Failures while describing an event stay in the event (own errbuf). */
    ll_errbuf local = {{0}}, *run_eb = ws->eb;
    ws->eb = &local;
    ll_status st;
    if (d == 0)
        st = describe_at(ws, A, B, k, ev, LL_ERR_LOCATE,
                         "t_p changed sign without an index change");
    else if (!ws->o->locate_events)
        st = describe_at(ws, A, B, k, ev, LL_OK,
                         "not located (locate_events = 0)");
    else
        st = ll_cont_locate(ws, A, B, k, ev);
    ws->eb = run_eb;
    if (st == LL_ERR_NOMEM)
        return ll_err(ws->eb, st, "%s", local.msg);
    if (st != LL_OK && ev->status == LL_OK) {
        ev->status = st;
        snprintf(ev->reason, sizeof ev->reason, "%.127s", local.msg);
    }
    return LL_OK;
}
