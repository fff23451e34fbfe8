/* The width sweep (`losslab widths`, MATH.md section 1 "Width scaling" and
 * section 4 Exp. 5; seed 000 Prop. 7.9): the trace study at every width of a
 * list on one data set, in parallel (sweep.c), then the least-squares fit
 * lambda_1'(0) = K/m + K2/m^2 (fit.c). Widths are scheduled largest first:
 * the cost grows like m^2..m^3, so starting the big ones early keeps the
 * threads busy to the end. */
#include "losslab/sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "study/sweep_internal.h"

static const size_t LL_WIDTHS_DEFAULT[] = {3, 5, 8, 10, 15, 20, 30, 50, 75, 100};

ll_widths_opts ll_widths_opts_default(void)
{
    ll_widths_opts o;
    memset(&o, 0, sizeof o);
    o.trace = ll_trace_opts_default();
    o.widths = LL_WIDTHS_DEFAULT;
    o.n_widths = sizeof LL_WIDTHS_DEFAULT / sizeof LL_WIDTHS_DEFAULT[0];
    o.v_spec = NULL;
    o.hooks = ll_sweep_hooks_default();
    return o;
}

ll_status ll_widths_check(const ll_widths_opts *o, ll_errbuf *eb)
{
    if (!o || !o->widths || o->n_widths == 0)
        return ll_err(eb, LL_ERR_ARG, "widths: empty list of widths");
    size_t mmax = 0;
    for (size_t i = 0; i < o->n_widths; i++) {
        if (o->widths[i] == 0)
            return ll_err(eb, LL_ERR_ARG, "widths: width %zu of the list is "
                          "0; widths must be >= 1", i + 1);
        mmax = o->widths[i] > mmax ? o->widths[i] : mmax;
    }
    double *v = malloc(mmax * sizeof *v);
    if (!v)
        return ll_err(eb, LL_ERR_NOMEM, "widths: out of memory (width %zu)",
                      mmax);
    ll_status st = LL_OK;
    for (size_t i = 0; st == LL_OK && i < o->n_widths; i++)
        st = ll_v_spec_values(o->v_spec, o->widths[i], v, eb);
    free(v);
    return st;
}

ll_status ll_widths_result_init(ll_sweep_result *res, const ll_widths_opts *o,
                                ll_errbuf *eb)
{
    ll_status st = ll_widths_check(o, eb);
    if (st != LL_OK)
        return st;
    double *p = malloc(o->n_widths * sizeof *p);
    if (!p)
        return ll_err(eb, LL_ERR_NOMEM, "widths: out of memory");
    for (size_t i = 0; i < o->n_widths; i++)
        p[i] = (double)o->widths[i];
    st = ll_sweep_result_init(res, o->n_widths, p, eb);
    free(p);
    return st;
}

typedef struct widths_ctx {
    const ll_data *D;
    const ll_widths_opts *o;
} widths_ctx;

/* One width: the trace study with v from the spec. */
static ll_status widths_item(const void *vctx, ll_sweep_exec *ex, size_t idx,
                             ll_sweep_item *out, ll_errbuf *eb)
{
    const widths_ctx *c = vctx;
    size_t m = c->o->widths[idx];
    double *v = malloc(m * sizeof *v);
    if (!v)
        return ll_err(eb, LL_ERR_NOMEM, "widths: out of memory (m = %zu)", m);
    ll_status st = ll_v_spec_values(c->o->v_spec, m, v, eb);
    if (st != LL_OK) {
        free(v);
        return st;
    }
    ll_trace_opts t = c->o->trace;
    ll_trace_result r;
    ll_errbuf teb = {{0}};
    t.model.width = m;
    t.model.v = v;
    t.cont.progress = ll_sweep_cont_progress;
    t.cont.user = ex;
    st = ll_trace_run(c->D, &t, &r, &teb);
    if (st == LL_STOP_CANCEL || (st < 0 && ll_sweep_exec_stopping(ex)))
        st = LL_STOP_CANCEL;
    else
        st = ll_sweep_item_from_trace(out, &r, eb);
    ll_trace_result_free(&r);
    free(v);
    return st;
}

/* Indices by decreasing width (ties by index: a fixed order). */
static size_t *widths_order(const ll_widths_opts *o)
{
    size_t n = o->n_widths, *ord = malloc(n * sizeof *ord);
    for (size_t i = 0; ord && i < n; i++) {
        size_t k = i;
        while (k > 0 && o->widths[ord[k - 1]] < o->widths[i]) {
            ord[k] = ord[k - 1];
            k--;
        }
        ord[k] = i;
    }
    return ord;
}

void ll_widths_fit(ll_sweep_result *res, double alpha)
{
    double *m = malloc((res->n ? res->n : 1) * sizeof *m);
    double *y = malloc((res->n ? res->n : 1) * sizeof *y);
    if (m && y) {
        for (size_t i = 0; i < res->n; i++) {
            m[i] = res->items[i].param;
            y[i] = res->items[i].done ? res->items[i].lambda1_prime0 : NAN;
        }
        ll_fit_inverse_width(res->n, m, y, alpha, &res->fit, NULL);
    } else { /* recorded, not left looking like "too few widths" */
        res->fit.K = res->fit.K2 = res->fit.rms = NAN;
        res->fit.m_star = res->fit.slope = NAN;
        res->fit.n_used = 0;
        res->fit.status = LL_ERR_NOMEM;
    }
    free(m);
    free(y);
}

ll_status ll_widths_run(const ll_data *D, const ll_widths_opts *o,
                        ll_sweep_result *res, ll_errbuf *eb)
{
    if (!D || !o || !res)
        return ll_err(eb, LL_ERR_ARG, "widths: NULL argument");
    ll_status st = ll_widths_check(o, eb);
    if (st != LL_OK)
        return st;
    if (res->n != o->n_widths || !res->items)
        return ll_err(eb, LL_ERR_ARG, "widths: result not initialised for "
                      "these options (ll_widths_result_init)");
    size_t *ord = widths_order(o);
    if (!ord)
        return ll_err(eb, LL_ERR_NOMEM, "widths: out of memory");
    widths_ctx c = {D, o};
    st = ll_sweep_execute(res, ord, widths_item, &c, &o->hooks, eb);
    free(ord);
    ll_widths_fit(res, o->trace.model.alpha);
    return st;
}
