/* The table of `losslab paper`: each value seed 000 prints (appendix B,
 * Remarks 7.10 and 7.16) beside losslab's value taken from the results of
 * ll_paper_run, a verdict, and a note that says where and why they differ.
 * The paper's values are the constants below (as printed); every losslab
 * number and every choice of wording (fold or branch point, one fold or an
 * S-shaped pair, which widths cross) comes from the results.
 *
 * Verdict: "agrees" when losslab's value rounds to the paper's printed
 * digits (|difference| <= half a unit of the last printed decimal),
 * "close" within 10 %, "differs" otherwise.
 *
 * The causes the notes name (MATH.md sections 1-4):
 *   event type  the paper's warm-started L-BFGS-B on a 1/200-1/400 grid sees
 *               one crossing and calls it a pitchfork; exact continuation
 *               finds what is there (folds, S-shaped branches);
 *   tolerance   the paper's eigenvalues are forward-difference Hessians at
 *               loosely converged minimiser iterates on a grid;
 *   formula     the paper's K is fitted to its eq. (22), which is not the
 *               softening rate (the correct rate is the restricted
 *               eigenvalue of degenerate perturbation theory);
 *   slaved term the paper's g_aaa = D^4L[phi^4] drops -3 B^T H_R^+ B;
 *   data draw   the paper's sample of the distribution is not published. */
#include "losslab/paper.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/paper_internal.h"

const char *ll_paper_verdict_str(ll_paper_verdict v)
{
    static const char *s[] = {"n/a", "agrees", "close", "differs"};
    return (unsigned)v <= LL_PAPER_DIFFERS ? s[v] : "?";
}

ll_paper_row *ll_paper_row_add(ll_paper_result *r, const char *key,
                             const char *quantity, const char *exp,
                             const char *figure, double paper,
                             const char *paper_text, const char *cause)
{
    static ll_paper_row scratch; /* absorbs rows beyond the table's size */
    ll_paper_row *w = r->n_rows < LL_PAPER_MAX_ROWS ? &r->rows[r->n_rows++]
                                                    : &scratch;
    memset(w, 0, sizeof *w);
    w->key = key, w->quantity = quantity, w->experiment = exp;
    w->figure = figure, w->paper = paper, w->paper_text = paper_text;
    w->cause = cause;
    w->losslab = w->rel_diff = NAN;
    snprintf(w->losslab_text, sizeof w->losslab_text, "not computed");
    return w;
}

void ll_paper_row_text(ll_paper_row *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->losslab_text, sizeof w->losslab_text, fmt, ap);
    va_end(ap);
}

void ll_paper_row_note(ll_paper_row *w, const char *fmt, ...)
{
    size_t used = strlen(w->note);
    va_list ap;
    if (used + 1 >= sizeof w->note)
        return;
    va_start(ap, fmt);
    vsnprintf(w->note + used, sizeof w->note - used, fmt, ap);
    va_end(ap);
}

/* Half a unit of the last decimal the paper prints ("0.0045" -> 5e-5). */
static double printed_half_unit(const char *t)
{
    const char *dot = strchr(t, '.');
    int dec = 0;
    if (dot)
        for (const char *c = dot + 1; *c >= '0' && *c <= '9'; c++)
            dec++;
    return 0.5 * pow(10.0, -dec);
}

void ll_paper_row_verdict(ll_paper_row *w)
{
    if (!isfinite(w->losslab) || !isfinite(w->paper)) {
        w->verdict = LL_PAPER_NA;
        return;
    }
    double d = fabs(w->losslab - w->paper);
    w->rel_diff = w->paper != 0 ? d / fabs(w->paper) : NAN;
    w->verdict = d <= printed_half_unit(w->paper_text) ? LL_PAPER_AGREES
                 : w->rel_diff <= 0.1                  ? LL_PAPER_CLOSE
                                                       : LL_PAPER_DIFFERS;
}

/* mu_e on the arm of the branch before arclength s_end at parameter p
 * (linear interpolation between the bracketing points); NaN if none. */
double ll_paper_branch_mu_at(const ll_branch *b, double s_end, double p, int e)
{
    double val = NAN;
    for (size_t k = 0; k + 1 < b->len && b->s[k + 1] <= s_end; k++) {
        double p0 = b->p[k], p1 = b->p[k + 1];
        if ((p - p0) * (p - p1) <= 0 && p0 != p1) {
            double t = (p - p0) / (p1 - p0);
            val = (1 - t) * b->mu[k * b->n_eigs + e] +
                  t * b->mu[(k + 1) * b->n_eigs + e];
        }
    }
    return val;
}

/* Lambda distance from the last regular branch point before the event. */
double ll_paper_last_point_gap(const ll_branch *b, const ll_event *ev)
{
    double gap = NAN;
    for (size_t k = 0; k < b->len && b->s[k] < ev->s; k++)
        gap = fabs(ev->p - b->p[k]);
    return gap;
}

const ll_event *ll_paper_first_event(const ll_paper_result *r)
{
    const ll_trace_result *t = &r->coeffs.trace;
    return t->cont.n_events ? &t->cont.events[0] : NULL;
}

void ll_paper_compare(const ll_paper_opts *o, ll_paper_result *res)
{
    res->n_rows = 0;
    ll_paper_rows_exp1(o, res);
    ll_paper_rows_exp2(o, res);
    ll_paper_rows_exp3(o, res);
    ll_paper_rows_exp4(o, res);
    ll_paper_rows_exp5(o, res);
    ll_paper_rows_exp6(o, res);
}
