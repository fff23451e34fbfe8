/* Rows of the `paper` table from the sweeps and the toy (seed 000 Exp 1, 4,
 * 5; Remark 7.10; MATH.md sections 1 and 4): K, the slope alpha/|K|, which
 * widths cross, mu_min(0) = alpha, the toy's transverse eigenvalue and the
 * evenness of its line restriction, the phase diagram. Paper values as
 * printed; every losslab number and every list comes from the results. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "study/paper_internal.h"

#define ROW ll_paper_row_add
#define TEXT ll_paper_row_text
#define NOTE ll_paper_row_note

/* Append "x" or ", x" to buf. */
static void list_add(char *buf, size_t n, double x)
{
    size_t u = strlen(buf);
    if (u + 1 < n)
        snprintf(buf + u, n - u, "%s%g", u ? ", " : "", x);
}

static void note_draws(ll_paper_row *w, const ll_paper_result *r)
{
    if (!r->n_draws) {
        NOTE(w, " (No other draws: data from a file or a model without the "
             "closed form.)");
        return;
    }
    NOTE(w, " The paper's draw of the data is not published; on %zu other "
         "draws of the same distribution (seeds %llu-%llu) K from the "
         "closed-form rate ranges from %.4f to %.4f (mean %.4f, sd %.4f), "
         "so the paper's -0.0705 is %s that range.", r->n_draws,
         (unsigned long long)r->draw_seed[0],
         (unsigned long long)r->draw_seed[r->n_draws - 1], r->draw_K_min,
         r->draw_K_max, r->draw_K_mean, r->draw_K_sd,
         -0.0705 >= r->draw_K_min && -0.0705 <= r->draw_K_max ? "inside"
                                                              : "outside");
}

static size_t width_index(const ll_paper_result *r, double m)
{
    for (size_t i = 0; i < r->widths.n; i++)
        if (r->widths.items[i].param == m)
            return i;
    return (size_t)-1;
}

static void row_K(ll_paper_result *r)
{
    const ll_inv_fit *f = &r->widths.fit;
    ll_paper_row *w = ROW(r, "K", "K in lambda_1'(0) = K/m + K2/m^2", "Exp 5",
                          "widths/widths", -0.0705, "-0.0705",
                          "formula, data draw");
    if (f->status != LL_OK)
        return;
    w->losslab = f->K;
    TEXT(w, "%.4f (K2 = %.3f)", f->K, f->K2);
    ll_paper_row_verdict(w);
    size_t i10 = width_index(r, 10);
    NOTE(w, "losslab fits the softening rate, the smallest eigenvalue of "
         "degenerate perturbation theory restricted to E (MATH.md section "
         "1), at %zu widths (rms %.1e). The paper says it fits its eq. "
         "(22), a Gauss-Newton term that vanishes on E; evaluated at the "
         "same widths eq. (22) is %s", f->n_used, f->rms,
         r->eq22 && r->eq22[0] > 0 ? "positive" : "of either sign");
    if (i10 < r->n_widths && r->eq22)
        NOTE(w, " (%.4g at m = 10, where the rate is %.4g)", r->eq22[i10],
             r->rate_cf[i10]);
    NOTE(w, " and falls like m^%.1f, %s, so the paper's K cannot come from "
         "eq. (22) as written (its K/m fit: K = %.4f, rms %.1e).",
         r->eq22_power, fabs(r->eq22_power + 1) < 0.25 ? "like 1/m"
                                                      : "not like 1/m",
         r->fit_eq22.K, r->fit_eq22.rms);
    note_draws(w, r);
}

static void row_slope(ll_paper_result *r, const ll_paper_opts *o)
{
    const ll_inv_fit *f = &r->widths.fit;
    double alpha = o->widths.trace.model.alpha;
    ll_paper_row *w = ROW(r, "slope", "slope alpha/|K| of lambda* against m",
                          "Exp 5", "widths/widths", 0.057, "0.057",
                          "formula, data draw");
    if (f->status != LL_OK)
        return;
    w->losslab = f->slope;
    TEXT(w, "%.4f (m* = |K|/alpha = %.1f)", f->slope, f->m_star);
    ll_paper_row_verdict(w);
    NOTE(w, "The slope is alpha/|K| with alpha = %g, so it follows K",
         alpha);
    if (r->n_draws)
        NOTE(w, "; over the other draws it ranges from %.4f to %.4f",
             alpha / fabs(r->draw_K_min), alpha / fabs(r->draw_K_max));
    NOTE(w, ".");
}

/* Widths with a first event, and those predicted below lambda_max without
 * one, with the lowest mu_1 on their branch. */
static void row_crossings(ll_paper_result *r, const ll_paper_opts *o)
{
    char yes[256] = "", no[256] = "", paper[256] = "";
    double lmax = o->widths.trace.cont.p_max, need = HUGE_VAL;
    int same = 1;
    ll_paper_row *w = ROW(r, "crossings", "widths with a crossing on [0, 1]",
                          "Exp 5", "widths/widths", NAN, "m <= 15 only",
                          "event type, tolerance");
    for (size_t i = 0; i < r->widths.n; i++) {
        const ll_sweep_item *it = &r->widths.items[i];
        int ev = it->done && it->n_events > 0;
        if (ev)
            list_add(yes, sizeof yes, it->param);
        if (it->param <= 15)
            list_add(paper, sizeof paper, it->param);
        same &= ev == (it->param <= 15);
    }
    TEXT(w, "m in {%s}", yes[0] ? yes : "none");
    w->verdict = same ? LL_PAPER_AGREES : LL_PAPER_DIFFERS;
    NOTE(w, "Of the widths run, the paper's statement means {%s}. The fit's "
         "critical width is m* = |K|/alpha = %.1f. ", paper,
         r->widths.fit.m_star);
    for (size_t i = 0; i < r->widths.n; i++) {
        const ll_sweep_item *it = &r->widths.items[i];
        if (!it->done || it->n_events || !(it->lambda_star_predicted < lmax))
            continue;
        size_t k = 0;
        for (size_t j = 1; j < it->len; j++)
            k = it->mu1[j] < it->mu1[k] ? j : k;
        if (!it->len)
            continue;
        NOTE(w, "m = %g: predicted %.3f, but mu_1 only falls to %.3g (at "
             "lambda = %.3f) and turns back up. ", it->param,
             it->lambda_star_predicted, it->mu1[k], it->lambda[k]);
        list_add(no, sizeof no, it->param);
        need = fmin(need, it->mu1[k]);
    }
    if (no[0])
        NOTE(w, "At m in {%s} the first-order prediction alpha/|lambda_1'(0)| "
             "is below %g but the branch touches down without crossing: a "
             "crossing reported there needs an error of only %.1e in the "
             "smallest eigenvalue", no, lmax, need);
    const ll_event *ev = ll_paper_first_event(r);
    if (no[0] && ev)
        NOTE(w, " (the error that would move lambda* at m = %zu from "
             "losslab's %.4f to the paper's 0.721 is %.1e)",
             r->coeffs.trace.width, ev->p,
             fabs(r->coeffs.trace.soft.mu0 / ev->p) * fabs(ev->p - 0.721));
    if (no[0])
        NOTE(w, ".");
}

static void row_mu0(ll_paper_result *r, const ll_paper_opts *o)
{
    double alpha = o->widths.trace.model.alpha, dev = 0;
    size_t n = 0;
    ll_paper_row *w = ROW(r, "mu_min0", "mu_min(0) = alpha for every m",
                          "Exp 5", "widths/widths", NAN, "= alpha exactly",
                          "");
    for (size_t i = 0; i < r->widths.n; i++)
        if (r->widths.items[i].done && isfinite(r->widths.items[i].mu_min0)) {
            dev = fmax(dev, fabs(r->widths.items[i].mu_min0 - alpha) / alpha);
            n++;
        }
    if (!n)
        return;
    w->losslab = dev;
    TEXT(w, "max |mu_min(0) - alpha|/alpha = %.1e over %zu widths", dev, n);
    w->verdict = dev <= 1e-8 ? LL_PAPER_AGREES : LL_PAPER_DIFFERS;
    NOTE(w, "Rounding of the eigensolver: ~1e-16 ||H|| / alpha.");
}

void ll_paper_rows_exp5(const ll_paper_opts *o, ll_paper_result *r)
{
    row_K(r);
    row_slope(r, o);
    row_crossings(r, o);
    row_mu0(r, o);
}

void ll_paper_rows_exp1(const ll_paper_opts *o, ll_paper_result *r)
{
    const ll_toy_result *t = &r->toy;
    ll_paper_row *w = ROW(r, "toy_muT0", "toy: transverse eigenvalue at "
                          "lambda = 0", "Exp 1", "toy/toy_eigenvalues", NAN,
                          "0 exactly", "");
    if (t->len > 0) {
        double scale = fmax(1.0, fabs(t->mu_L[0]));
        w->losslab = t->mu_T[0];
        TEXT(w, "%.1e (mu_L = %.3g)", t->mu_T[0], t->mu_L[0]);
        w->verdict = fabs(t->mu_T[0]) <= 1e-10 * scale ? LL_PAPER_AGREES
                                                       : LL_PAPER_DIFFERS;
        NOTE(w, "alpha = %g. At lambda = %.3g: mu_T = %.4g, mu_L = %.4g, "
             "Morse index %d.", o->toy.alpha, t->lambda[t->len - 1],
             t->mu_T[t->len - 1], t->mu_L[t->len - 1], t->index[t->len - 1]);
    }
    double c3 = 0, c4 = 0;
    size_t n = 0;
    for (size_t i = 0; i < t->n_line; i++)
        if (t->lines[i].status == LL_OK) {
            c3 = fmax(c3, fabs(t->lines[i].c3));
            c4 = fmax(c4, fabs(t->lines[i].c4));
            n++;
        }
    w = ROW(r, "toy_c3", "toy: odd part of the line restriction", "Exp 1",
            "toy/toy_lines", NAN, "c3 = 0 to machine precision", "");
    if (!n)
        return;
    w->losslab = c3;
    TEXT(w, "max |c3| = %.1e over %zu lambdas (max |c4| = %.3g)", c3, n, c4);
    w->verdict = c3 <= 1e-8 * fmax(c4, 1e-300) ? LL_PAPER_AGREES
                                               : LL_PAPER_DIFFERS;
}

void ll_paper_rows_exp4(const ll_paper_opts *o, ll_paper_result *r)
{
    char yes[256] = "";
    int interior = 0;
    ll_paper_row *w = ROW(r, "phase", "phase diagram: crossings for v = (1, a)",
                          "Exp 4", "phase/phase", NAN,
                          "crossing moves into the interior as a < 1",
                          "alpha, event type");
    for (size_t i = 0; i < r->phase.n; i++) {
        const ll_sweep_item *it = &r->phase.items[i];
        if (!it->done || !it->n_events)
            continue;
        list_add(yes, sizeof yes, it->param);
        interior |= it->param != 1.0;
    }
    TEXT(w, "events at a in {%s}", yes[0] ? yes : "none");
    w->verdict = interior ? LL_PAPER_AGREES : LL_PAPER_DIFFERS;
    NOTE(w, "losslab uses alpha = %g here: with the paper's alpha = 0 the "
         "Hessian at lambda = 0 is singular for every a, so no branch is "
         "unique. ", o->phase.trace.model.alpha);
    for (size_t i = 0; i < r->phase.n; i++) {
        const ll_sweep_item *it = &r->phase.items[i];
        if (!it->done)
            continue;
        if (it->n_events)
            NOTE(w, "a = %g: %s at %.4g (predicted %.4g). ", it->param,
                 ll_event_type_str(it->events[0].type), it->events[0].lambda,
                 it->lambda_star_predicted);
    }
    if (!interior)
        NOTE(w, "For a < 1 mu_1 dips without crossing zero on [0, %g].",
             o->phase.trace.cont.p_max);
}
