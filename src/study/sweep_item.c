/* Sweep items and results (sweep.h): the part of a trace result that a
 * sweep keeps per item (the scalar outputs of MATH.md section 1, every
 * event's type / location / index change / gap, and the smallest eigenvalue
 * along the branch for the figures), as deep copies. */
#include "study/sweep_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ll_sweep_item_clear(ll_sweep_item *it)
{
    if (!it)
        return;
    double param = it->param;
    free(it->v);
    free(it->events);
    free(it->lambda);
    free(it->mu1);
    memset(it, 0, sizeof *it);
    it->param = param;
}

static void item_events(ll_sweep_item *it, const ll_cont_result *c)
{
    for (size_t i = 0; i < c->n_events; i++) {
        const ll_event *e = &c->events[i];
        ll_sweep_event *s = &it->events[i];
        s->type = e->type;
        s->lambda = e->p;
        s->index_before = e->index_before;
        s->index_after = e->index_after;
        s->mu2 = e->mu2;
        s->kernel_ratio = e->kernel_ratio;
        s->dmu1_dlambda = e->dmu1_dp;
        s->status = e->status;
    }
    it->n_events = c->n_events;
}

static ll_status item_alloc(ll_sweep_item *it, const ll_trace_result *r,
                            ll_errbuf *eb)
{
    size_t len = r->cont.branch.len, ne = r->cont.n_events;
    /* no v when the trace failed before it had one: the JSON then says so
     * (an empty list), never m unwritten numbers */
    it->v = r->v ? malloc((r->width ? r->width : 1) * sizeof *it->v) : NULL;
    it->events = malloc((ne ? ne : 1) * sizeof *it->events);
    it->lambda = malloc((len ? len : 1) * sizeof *it->lambda);
    it->mu1 = malloc((len ? len : 1) * sizeof *it->mu1);
    if ((r->v && !it->v) || !it->events || !it->lambda || !it->mu1) {
        ll_sweep_item_clear(it);
        return ll_err(eb, LL_ERR_NOMEM, "sweep: out of memory");
    }
    return LL_OK;
}

ll_status ll_sweep_item_from_trace(ll_sweep_item *it, const ll_trace_result *r,
                                   ll_errbuf *eb)
{
    if (!it || !r)
        return ll_err(eb, LL_ERR_ARG, "sweep: NULL item or trace result");
    ll_sweep_item_clear(it);
    ll_status st = item_alloc(it, r, eb);
    if (st != LL_OK)
        return st;
    const ll_branch *b = &r->cont.branch;
    it->done = 1;
    it->width = r->width, it->dim = r->dim, it->samples = r->samples;
    if (r->v)
        memcpy(it->v, r->v, r->width * sizeof *it->v);
    it->status = r->status;
    snprintf(it->reason, sizeof it->reason, "%s", r->reason);
    /* lambda1_prime0 is the softening's: the trace records the softening
     * running out of memory in soft_status and carries on (with the closed
     * form's rate, equal only to rounding, or NaN), but an item has one
     * status, and that must not pass for the item's usual result. */
    if (r->soft_status == LL_ERR_NOMEM && it->status >= 0) {
        it->status = LL_ERR_NOMEM;
        snprintf(it->reason, sizeof it->reason, "softening: %.200s",
                 r->soft_reason);
    }
    it->lambda1_prime0 = r->lambda1_prime0;
    it->lambda_star_predicted = r->lambda_star_predicted;
    it->mu_min0 = r->soft_status == LL_OK ? r->soft.mu0 : NAN;
    item_events(it, &r->cont);
    it->len = b->len;
    for (size_t i = 0; i < b->len; i++) {
        it->lambda[i] = b->p[i];
        it->mu1[i] = b->mu && b->n_eigs > 0 ? b->mu[i * (size_t)b->n_eigs]
                                            : NAN;
    }
    /* The first accepted point is the start at lambda = 0. */
    if (b->len > 0 && b->p[0] == 0.0 && isfinite(it->mu1[0]))
        it->mu_min0 = it->mu1[0];
    it->steps = b->len;
    it->newton_iters = r->cont.newton_iters;
    return LL_OK;
}

ll_status ll_sweep_result_init(ll_sweep_result *r, size_t n,
                               const double *params, ll_errbuf *eb)
{
    if (!r)
        return ll_err(eb, LL_ERR_ARG, "sweep: NULL result");
    memset(r, 0, sizeof *r);
    r->fit.status = LL_ERR_ARG;
    r->fit.K = r->fit.K2 = r->fit.rms = NAN;
    r->fit.m_star = r->fit.slope = NAN;
    if (n == 0)
        return ll_err(eb, LL_ERR_ARG, "sweep: empty parameter list");
    r->items = calloc(n, sizeof *r->items);
    if (!r->items)
        return ll_err(eb, LL_ERR_NOMEM, "sweep: out of memory");
    r->n = n;
    for (size_t i = 0; i < n; i++)
        r->items[i].param = params[i];
    return LL_OK;
}

void ll_sweep_result_free(ll_sweep_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->items && i < r->n; i++)
        ll_sweep_item_clear(&r->items[i]);
    free(r->items);
    memset(r, 0, sizeof *r);
}
