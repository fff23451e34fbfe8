/* Options, event names and the result arrays of a continuation run
 * (cont.h). The branch arrays grow geometrically (doubling), so a run of
 * N points costs O(log N) reallocations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cont/cont_internal.h"

ll_cont_opts ll_cont_opts_default(void)
{
    ll_cont_opts o;
    memset(&o, 0, sizeof o);
    o.p_min = 0.0, o.p_max = 1.0;
    o.ds0 = 0.02, o.ds_min = 1e-9, o.ds_max = 0.1;
    o.max_steps = 10000, o.max_length = 100.0;
    o.newton_tol = 1e-12, o.newton_maxit = 10;
    o.max_angle = 0.15;
    o.n_eigs = 6;
    o.locate_tol = 1e-10;
    o.locate_events = 1, o.compute_coefs = 1, o.store_points = 0;
    o.bif = ll_bif_opts_default();
    o.progress = NULL, o.user = NULL;
    o.start_tangent = NULL, o.direction = 1;
    o.ds_event = 1e-3;
    o.kernel_ratio_ds = 5e-3;
    return o;
}

const char *ll_event_type_str(ll_event_type t)
{
    switch (t) {
    case LL_EVENT_FOLD:
        return "fold";
    case LL_EVENT_BRANCH_POINT:
        return "branch_point";
    case LL_EVENT_MULTIPLE_BP:
        return "multiple_branch_point";
    }
    return "unknown";
}

static void branch_free(ll_branch *b)
{
    free(b->p), free(b->s), free(b->tp), free(b->mu), free(b->index);
    free(b->loss), free(b->grad_norm), free(b->x);
}

void ll_cont_result_free(ll_cont_result *r)
{
    if (!r)
        return;
    branch_free(&r->branch);
    for (size_t i = 0; i < r->n_events; i++)
        free(r->events[i].x), free(r->events[i].phi);
    free(r->events);
    memset(r, 0, sizeof *r);
}

#define GROW(ptr, count)                                                     \
    do {                                                                     \
        void *q_ = realloc((ptr), (count) * sizeof *(ptr));                  \
        if (!q_)                                                             \
            return LL_ERR_NOMEM;                                             \
        (ptr) = q_;                                                          \
    } while (0)

static ll_status branch_reserve(ll_branch *b, size_t cap, int store_x)
{
    size_t ne = b->n_eigs > 0 ? (size_t)b->n_eigs : 1;
    GROW(b->p, cap);
    GROW(b->s, cap);
    GROW(b->tp, cap);
    GROW(b->mu, cap * ne);
    GROW(b->index, cap);
    GROW(b->loss, cap);
    GROW(b->grad_norm, cap);
    if (store_x)
        GROW(b->x, cap * b->n);
    b->cap = cap;
    return LL_OK;
}

ll_status ll_cont_branch_push(ll_branch *b, const ll_cont_point *pt,
                              int store_x)
{
    if (b->len == b->cap) {
        ll_status st = branch_reserve(b, b->cap ? 2 * b->cap : 64, store_x);
        if (st != LL_OK)
            return st;
    }
    size_t k = b->len, n = b->n, ne = (size_t)b->n_eigs;
    b->p[k] = pt->X[n];
    b->s[k] = pt->s;
    b->tp[k] = pt->t[n];
    memcpy(b->mu + k * ne, pt->mu, ne * sizeof *b->mu);
    b->index[k] = pt->index;
    b->loss[k] = pt->loss;
    b->grad_norm[k] = pt->gnorm;
    if (store_x)
        memcpy(b->x + k * n, pt->X, n * sizeof *b->x);
    b->len++;
    return LL_OK;
}

/* A zeroed event with x and phi allocated (n each) and NaN numbers, or NULL
 * when out of memory. */
ll_event *ll_cont_event_push(ll_cont_result *res, size_t n)
{
    ll_event *ev = realloc(res->events, (res->n_events + 1) * sizeof *ev);
    if (!ev)
        return NULL;
    res->events = ev;
    ev = &res->events[res->n_events];
    memset(ev, 0, sizeof *ev);
    ev->x = calloc(n, sizeof *ev->x);
    ev->phi = calloc(n, sizeof *ev->phi);
    if (!ev->x || !ev->phi) {
        free(ev->x), free(ev->phi);
        return NULL;
    }
    ev->p = ev->s = ev->mu1 = ev->mu2 = ev->kernel_ratio = NAN;
    ev->dmu1_ds = ev->dmu1_dp = ev->tp = ev->loss = ev->grad_norm = NAN;
    ev->locate_dp = ev->refine_dp = NAN;
    ev->coef.g_p = ev->coef.g_aa = ev->coef.g_ap = NAN;
    ev->coef.g_aaa = ev->coef.g_aaa_bare = ev->coef.ratio_aa_aaa = NAN;
    ev->coef.branch_slope = ev->coef.branch_quad = NAN;
    res->n_events++;
    return ev;
}
