/* `losslab paper`: every experiment of seed 000 appendix B (MATH.md
 * section 4) in one run, on built-in data: the toy (Exp 1), trace and
 * coefficients of the m = 10 model (Exp 2-3, 6; the trace is the one the
 * coefficients come from), the phase diagram (Exp 4), the width sweep
 * (Exp 5); then the checks that explain the differences from the paper:
 *   - eq. (22) of the paper at every width (ll_model_softening_closed_form,
 *     labelled there: a Gauss-Newton term that vanishes on E, MATH.md
 *     section 1) and its K/m fit, beside the fit of the correct rate;
 *   - K from the closed-form rate lambda_1'(0) on other draws of the same
 *     data distribution (the paper's draw is not published): the
 *     closed-form rate is exact for the default model and needs no
 *     continuation, so a draw costs one small eigenproblem per width.
 * Finally ll_paper_compare (paper_compare.c) fills the table. */
#include "losslab/paper.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "losslab/model.h"
#include "study/exp_internal.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

const char *ll_paper_stage_str(ll_paper_stage s)
{
    static const char *names[] = {"toy", "coeffs", "phase", "widths",
                                  "formulas"};
    return (unsigned)s < LL_PAPER_NSTAGES ? names[s] : "?";
}

ll_paper_opts ll_paper_opts_default(void)
{
    ll_paper_opts o;
    memset(&o, 0, sizeof o);
    o.data = ll_data_source_default();
    o.toy_data = ll_data_source_default();
    o.toy_data.gen = ll_gen_toy_opts_default();
    o.toy = ll_toy_opts_default();
    o.coeffs = ll_coeffs_opts_default();
    o.phase = ll_phase_opts_default();
    o.widths = ll_widths_opts_default();
    /* As `losslab widths`: events located, no coefficients per width. */
    o.widths.trace.cont.compute_coefs = 0;
    o.seed_draws = 8;
    o.hooks = ll_sweep_hooks_default();
    return o;
}

void ll_paper_result_free(ll_paper_result *r)
{
    if (!r)
        return;
    ll_data_free(&r->data);
    ll_data_free(&r->toy_data);
    ll_toy_result_free(&r->toy);
    ll_coeffs_result_free(&r->coeffs);
    ll_sweep_result_free(&r->phase);
    ll_sweep_result_free(&r->widths);
    free(r->eq22);
    free(r->rate_cf);
    free(r->draw_seed);
    free(r->draw_K);
    memset(r, 0, sizeof *r);
}

/* lambda_1'(0) (closed form) and the paper's eq. (22) value at width m. */
static ll_status closed_form_at(const ll_data *D, const ll_widths_opts *w,
                                size_t m, double *rate, double *eq22,
                                ll_errbuf *eb)
{
    ll_model_opts mo = w->trace.model;
    ll_model *M = NULL;
    size_t nd = (m > 1 ? m - 1 : 1) * D->d;
    double *v = malloc(m * sizeof *v), *speeds = malloc(nd * sizeof *speeds);
    ll_status st = v && speeds ? LL_OK
                               : ll_err(eb, LL_ERR_NOMEM, "paper: out of memory");
    *rate = *eq22 = NAN;
    if (st == LL_OK)
        st = ll_v_spec_values(w->v_spec, m, v, eb);
    mo.width = m, mo.v = v;
    if (st == LL_OK)
        st = ll_model_create(&M, D, &mo, eb);
    if (st == LL_OK && m > 1)
        st = ll_model_softening_closed_form(M, speeds, eq22, eb);
    if (st == LL_OK && m > 1)
        *rate = speeds[0];
    ll_model_destroy(M);
    free(v);
    free(speeds);
    return st;
}

/* Slope of log|y| against log m over the finite nonzero y (NaN if fewer
 * than two): the power p of |y| ~ m^p. */
static double loglog_slope(size_t n, const double *m, const double *y)
{
    double lx[64], ly[64], slope, icpt;
    size_t k = 0;
    for (size_t i = 0; i < n && k < 64; i++)
        if (isfinite(y[i]) && y[i] != 0 && m[i] > 0) {
            lx[k] = log(m[i]);
            ly[k++] = log(fabs(y[i]));
        }
    if (k < 2)
        return NAN;
    ll_study_linfit(k, lx, ly, &slope, &icpt);
    return slope;
}

/* Eq. (22) and the closed-form rate at every width, and the fit of eq. (22). */
static ll_status formulas_widths(const ll_paper_opts *o, ll_paper_result *r,
                                 ll_errbuf *eb)
{
    const ll_widths_opts *w = &o->widths;
    double *m = malloc(w->n_widths * sizeof *m);
    r->n_widths = w->n_widths;
    r->eq22 = malloc(w->n_widths * sizeof *r->eq22);
    r->rate_cf = malloc(w->n_widths * sizeof *r->rate_cf);
    if (!m || !r->eq22 || !r->rate_cf) {
        free(m);
        return ll_err(eb, LL_ERR_NOMEM, "paper: out of memory");
    }
    for (size_t i = 0; i < w->n_widths; i++) {
        ll_errbuf e2 = {{0}};
        m[i] = (double)w->widths[i];
        /* A failure at one width leaves NaN there; the fit skips it. */
        (void)closed_form_at(&r->data, w, w->widths[i], &r->rate_cf[i],
                             &r->eq22[i], &e2);
    }
    ll_errbuf e3 = {{0}};
    ll_fit_inverse_width(w->n_widths, m, r->eq22, w->trace.model.alpha,
                         &r->fit_eq22, &e3);
    r->eq22_power = loglog_slope(w->n_widths, m, r->eq22);
    free(m);
    return LL_OK;
}

/* K on one other draw of the generator (seed). NaN if a step fails. */
static double draw_K(const ll_paper_opts *o, uint64_t seed, double *rate,
                     double *m)
{
    ll_data D = {0};
    ll_errbuf eb = {{0}};
    ll_gen_opts g = o->data.gen;
    ll_inv_fit fit;
    const ll_widths_opts *w = &o->widths;
    g.seed = seed;
    if (ll_data_generate(&D, &g, &eb) != LL_OK)
        return NAN;
    for (size_t i = 0; i < w->n_widths; i++) {
        double e22;
        m[i] = (double)w->widths[i];
        (void)closed_form_at(&D, w, w->widths[i], &rate[i], &e22, &eb);
    }
    ll_data_free(&D);
    ll_fit_inverse_width(w->n_widths, m, rate, w->trace.model.alpha, &fit,
                         &eb);
    return fit.status == LL_OK ? fit.K : NAN;
}

static void draws_stats(ll_paper_result *r)
{
    double s = 0, s2 = 0;
    size_t n = 0;
    r->draw_K_min = HUGE_VAL, r->draw_K_max = -HUGE_VAL;
    for (size_t k = 0; k < r->n_draws; k++)
        if (isfinite(r->draw_K[k])) {
            s += r->draw_K[k], n++;
            r->draw_K_min = fmin(r->draw_K_min, r->draw_K[k]);
            r->draw_K_max = fmax(r->draw_K_max, r->draw_K[k]);
        }
    r->draw_K_mean = n ? s / (double)n : NAN;
    for (size_t k = 0; k < r->n_draws; k++)
        if (isfinite(r->draw_K[k]))
            s2 += (r->draw_K[k] - r->draw_K_mean) *
                  (r->draw_K[k] - r->draw_K_mean);
    r->draw_K_sd = n > 1 ? sqrt(s2 / (double)(n - 1)) : NAN;
    if (!n)
        r->draw_K_min = r->draw_K_max = NAN;
}

/* Other draws: only when the data come from the generator and the model is
 * the default one (the closed form exists). */
static ll_status formulas_draws(const ll_paper_opts *o, ll_paper_result *r,
                                ll_errbuf *eb)
{
    const ll_model_opts *mo = &o->widths.trace.model;
    size_t n = o->data.x_path || mo->train_v || mo->bias ? 0 : o->seed_draws;
    size_t nw = o->widths.n_widths;
    r->n_draws = n;
    r->draw_K_mean = r->draw_K_sd = r->draw_K_min = r->draw_K_max = NAN;
    if (!n)
        return LL_OK;
    double *rate = malloc(nw * sizeof *rate), *m = malloc(nw * sizeof *m);
    r->draw_seed = malloc(n * sizeof *r->draw_seed);
    r->draw_K = malloc(n * sizeof *r->draw_K);
    if (!rate || !m || !r->draw_seed || !r->draw_K) {
        free(rate), free(m);
        r->n_draws = 0;
        return ll_err(eb, LL_ERR_NOMEM, "paper: out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        r->draw_seed[k] = o->data.gen.seed + 1 + k;
        r->draw_K[k] = draw_K(o, r->draw_seed[k], rate, m);
        if (o->hooks.cancel && *o->hooks.cancel) {
            r->n_draws = k + 1;
            break;
        }
    }
    free(rate), free(m);
    draws_stats(r);
    return LL_OK;
}

static void stage_note(const ll_paper_opts *o, ll_paper_stage s, int done)
{
    if (o->on_stage)
        o->on_stage(o->stage_user, s, done);
}

static int cancelled(const ll_paper_opts *o)
{
    return o->hooks.cancel && *o->hooks.cancel;
}

static ll_status run_stage(const ll_paper_opts *o, ll_paper_result *r,
                           ll_paper_stage s, ll_errbuf *eb)
{
    ll_phase_opts ph = o->phase;
    ll_widths_opts wo = o->widths;
    ll_status st;
    ph.hooks = wo.hooks = o->hooks;
    switch (s) {
    case LL_PAPER_TOY:
        return ll_toy_run(&r->toy_data, &o->toy, &r->toy, eb);
    case LL_PAPER_COEFFS:
        return ll_coeffs_run(&r->data, &o->coeffs, &r->coeffs, eb);
    case LL_PAPER_PHASE:
        if ((st = ll_phase_result_init(&r->phase, &ph, eb)) != LL_OK)
            return st;
        return ll_phase_run(&r->toy_data, &ph, &r->phase, eb);
    case LL_PAPER_WIDTHS:
        if ((st = ll_widths_result_init(&r->widths, &wo, eb)) != LL_OK)
            return st;
        return ll_widths_run(&r->data, &wo, &r->widths, eb);
    case LL_PAPER_FORMULAS:
        if ((st = formulas_widths(o, r, eb)) != LL_OK)
            return st;
        return formulas_draws(o, r, eb);
    default:
        return ll_err(eb, LL_ERR_ARG, "paper: unknown stage %d", (int)s);
    }
}

/* Stage status: a stopped continuation (LL_STOP_*) or an item failure is a
 * result, not an error; only negative statuses from setup stop the run. */
static ll_status paper_stages(const ll_paper_opts *o, ll_paper_result *r,
                              ll_errbuf *eb)
{
    for (int s = 0; s < LL_PAPER_NSTAGES; s++) {
        if (cancelled(o))
            return LL_STOP_CANCEL;
        double t0 = now_s();
        stage_note(o, (ll_paper_stage)s, 0);
        ll_status st = run_stage(o, r, (ll_paper_stage)s, eb);
        r->stage_time[s] = now_s() - t0;
        stage_note(o, (ll_paper_stage)s, 1);
        if (st == LL_STOP_CANCEL || cancelled(o))
            return LL_STOP_CANCEL;
        /* toy / coeffs record their own failure and the report shows it. */
        if (st < 0 && s != LL_PAPER_TOY && s != LL_PAPER_COEFFS)
            return st;
    }
    return LL_OK;
}

ll_status ll_paper_run(const ll_paper_opts *o, ll_paper_result *res,
                       ll_errbuf *eb)
{
    double t0 = now_s();
    memset(res, 0, sizeof *res);
    if (!o)
        return ll_err(eb, LL_ERR_ARG, "paper: no options");
    ll_status st = ll_study_data_load(&o->data, &res->data, eb);
    if (st == LL_OK)
        st = ll_toy_data_load(&o->toy_data, &res->toy_data, eb);
    if (st == LL_OK)
        st = paper_stages(o, res, eb);
    if (st == LL_OK)
        ll_paper_compare(o, res);
    res->status = st;
    snprintf(res->reason, sizeof res->reason, "%s",
             st == LL_OK ? "every experiment ran"
             : st == LL_STOP_CANCEL ? "cancelled" : eb->msg);
    res->time_total = now_s() - t0;
    return st;
}
