/* The symmetry-breaking phase diagram (`losslab phase`, MATH.md section 4
 * Exp. 4; seed 000 appendix B): the toy model d = 1, m = 2 with output
 * weights v = (1, a) over a grid of a, data of Exp. 1. For each a:
 *   - mu_min(0), the smallest Hessian eigenvalue at the exact minimiser at
 *     lambda = 0. By MATH.md section 1 the Hessian there is alpha on
 *     E = {dW : v^T dW = 0}, of dimension (m-1)d = 1 for every a, so
 *     mu_min(0) = alpha (when alpha is below the other eigenvalues);
 *   - if mu_min(0) <= degenerate_tol (alpha = 0) the start has a kernel:
 *     the critical points at lambda = 0 are not isolated and there is no
 *     unique branch to follow. The item is then reported as a degenerate
 *     start (status LL_ERR_SINGULAR, with the reason), not run, and the
 *     sweep goes on;
 *   - otherwise the trace study: lambda_1'(0), the prediction and the first
 *     event. a = 1 is the symmetric toy of Exp. 1, where the transverse
 *     direction w1 - w2 is the one that softens. */
#include "losslab/sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "losslab/model.h"
#include "study/sweep_internal.h"

static const double LL_PHASE_A_DEFAULT[] = {0, .1, .3, .5, .7, .9, 1};

ll_phase_opts ll_phase_opts_default(void)
{
    ll_phase_opts o;
    memset(&o, 0, sizeof o);
    o.trace = ll_trace_opts_default();
    o.trace.model.width = 2;
    o.trace.model.alpha = 1e-3;
    o.a = LL_PHASE_A_DEFAULT;
    o.n_a = sizeof LL_PHASE_A_DEFAULT / sizeof LL_PHASE_A_DEFAULT[0];
    o.degenerate_tol = 1e-9;
    o.hooks = ll_sweep_hooks_default();
    return o;
}

ll_status ll_phase_check(const ll_phase_opts *o, ll_errbuf *eb)
{
    if (!o || !o->a || o->n_a == 0)
        return ll_err(eb, LL_ERR_ARG, "phase: empty list of a values");
    for (size_t i = 0; i < o->n_a; i++)
        if (!isfinite(o->a[i]))
            return ll_err(eb, LL_ERR_ARG, "phase: a value %zu of the list is "
                          "not finite", i + 1);
    if (!isfinite(o->degenerate_tol) || o->degenerate_tol < 0)
        return ll_err(eb, LL_ERR_ARG, "phase: degenerate_tol must be finite "
                      "and >= 0 (got %g)", o->degenerate_tol);
    return LL_OK;
}

ll_status ll_phase_result_init(ll_sweep_result *res, const ll_phase_opts *o,
                               ll_errbuf *eb)
{
    ll_status st = ll_phase_check(o, eb);
    return st != LL_OK ? st : ll_sweep_result_init(res, o->n_a, o->a, eb);
}

/* mu_min(0): the smallest eigenvalue of the Hessian at the closed-form
 * minimiser at lambda = 0 (exact for fixed v without biases). */
static ll_status phase_mu_min0(const ll_data *D, const ll_model_opts *mo,
                               double *mu, ll_errbuf *eb)
{
    ll_model *M = NULL;
    ll_status st = ll_model_create(&M, D, mo, eb);
    if (st != LL_OK)
        return st;
    size_t P = ll_model_nparams(M);
    double *th = malloc(P * sizeof *th), *H = malloc(P * P * sizeof *H);
    if (!th || !H)
        st = ll_err(eb, LL_ERR_NOMEM, "phase: out of memory");
    if (st == LL_OK)
        st = ll_model_linear_start(M, th, eb);
    if (st == LL_OK)
        st = ll_model_hess(M, th, 0.0, H);
    if (st == LL_OK && ll_sym_eig_smallest(P, H, 1, mu, NULL) != LL_OK)
        st = ll_err(eb, LL_ERR_LAPACK, "phase: eigenvalues at lambda = 0 "
                    "did not converge");
    free(th), free(H);
    ll_model_destroy(M);
    return st;
}

/* The item of a degenerate start: no continuation, the reason says why. */
static ll_status phase_degenerate(ll_sweep_item *out, const ll_data *D,
                                  const double *v, double mu, double tol,
                                  ll_errbuf *eb)
{
    out->done = 1;
    out->width = 2, out->dim = D->d, out->samples = D->n;
    out->v = malloc(2 * sizeof *out->v);
    if (!out->v)
        return ll_err(eb, LL_ERR_NOMEM, "phase: out of memory");
    memcpy(out->v, v, 2 * sizeof *v);
    out->degenerate_start = 1;
    out->status = LL_ERR_SINGULAR;
    out->mu_min0 = mu;
    out->lambda1_prime0 = out->lambda_star_predicted = NAN;
    snprintf(out->reason, sizeof out->reason,
             "degenerate start: the smallest Hessian eigenvalue at lambda = 0 "
             "is %.3g <= %.3g, so the minimiser there has a kernel of "
             "dimension (m-1)d = %zu (alpha = 0?) and the branch from it is "
             "not unique; not traced (use alpha > 0)", mu, tol, D->d);
    return LL_OK;
}

typedef struct phase_ctx {
    const ll_data *D;
    const ll_phase_opts *o;
} phase_ctx;

static ll_status phase_item(const void *vctx, ll_sweep_exec *ex, size_t idx,
                            ll_sweep_item *out, ll_errbuf *eb)
{
    const phase_ctx *c = vctx;
    double v[2] = {1.0, c->o->a[idx]}, mu = NAN;
    ll_trace_opts t = c->o->trace;
    ll_errbuf teb = {{0}};
    t.model.width = 2;
    t.model.v = v;
    t.cont.progress = ll_sweep_cont_progress;
    t.cont.user = ex;
    ll_status st = phase_mu_min0(c->D, &t.model, &mu, &teb);
    if (st == LL_OK && !(mu > c->o->degenerate_tol))
        return phase_degenerate(out, c->D, v, mu, c->o->degenerate_tol, eb);
    ll_trace_result r;
    st = ll_trace_run(c->D, &t, &r, &teb);
    if (st == LL_STOP_CANCEL || (st < 0 && ll_sweep_exec_stopping(ex)))
        st = LL_STOP_CANCEL;
    else
        st = ll_sweep_item_from_trace(out, &r, eb);
    if (st == LL_OK && isfinite(mu))
        out->mu_min0 = mu;
    ll_trace_result_free(&r);
    return st;
}

ll_status ll_phase_run(const ll_data *D, const ll_phase_opts *o,
                       ll_sweep_result *res, ll_errbuf *eb)
{
    if (!D || !o || !res)
        return ll_err(eb, LL_ERR_ARG, "phase: NULL argument");
    ll_status st = ll_phase_check(o, eb);
    if (st != LL_OK)
        return st;
    if (res->n != o->n_a || !res->items)
        return ll_err(eb, LL_ERR_ARG, "phase: result not initialised for "
                      "these options (ll_phase_result_init)");
    size_t *ord = malloc(o->n_a * sizeof *ord);
    if (!ord)
        return ll_err(eb, LL_ERR_NOMEM, "phase: out of memory");
    for (size_t i = 0; i < o->n_a; i++)
        ord[i] = i;
    phase_ctx c = {D, o};
    st = ll_sweep_execute(res, ord, phase_item, &c, &o->hooks, eb);
    free(ord);
    return st;
}
