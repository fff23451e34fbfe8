/* report.md / report.html of `losslab paper` (paper_io.h): per experiment
 * of seed 000 appendix B what the paper claims (its words, paraphrased),
 * losslab's figures, losslab's values beside the paper's (the rows of
 * ll_paper_compare) and why they differ. Every number is read from the
 * results; the sentences only choose words from them. Built with the dual
 * writer of report_doc.c so that both files carry the same content. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/report_doc.h"
#include "io/report_paper_internal.h"
#include "losslab/losslab.h"
#include "losslab/paper_io.h"

/* The rows of one experiment ("Exp 2"), then their notes. */
void ll_rp_rows(ll_doc *d, const ll_paper_result *r, const char *exp)
{
    static const char *head[] = {"quantity", "paper", "losslab", "verdict"};
    int any = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        const ll_paper_row *w = &r->rows[i];
        if (strcmp(w->experiment, exp) != 0)
            continue;
        if (!any++)
            ll_doc_table_begin(d, 4, head);
        const char *c[] = {w->quantity, w->paper_text, w->losslab_text,
                           ll_paper_verdict_str(w->verdict)};
        ll_doc_table_row(d, 4, c);
    }
    if (any)
        ll_doc_table_end(d);
    for (size_t i = 0; i < r->n_rows; i++) {
        const ll_paper_row *w = &r->rows[i];
        if (strcmp(w->experiment, exp) == 0 && w->note[0])
            ll_doc_lead(d, w->quantity, "%s%s%s%s", w->note,
                        w->cause[0] ? " [" : "", w->cause,
                        w->cause[0] ? "]" : "");
    }
}

static void summary(ll_doc *d, const ll_paper_result *r)
{
    static const char *head[] = {"exp.", "quantity", "paper", "losslab",
                                 "verdict", "why they differ"};
    int n[4] = {0};
    ll_doc_heading(d, 2, "The paper's values beside losslab's");
    ll_doc_table_begin(d, 6, head);
    for (size_t i = 0; i < r->n_rows; i++) {
        const ll_paper_row *w = &r->rows[i];
        const char *c[] = {w->experiment, w->quantity, w->paper_text,
                           w->losslab_text, ll_paper_verdict_str(w->verdict),
                           w->verdict == LL_PAPER_AGREES ? "" : w->cause};
        ll_doc_table_row(d, 6, c);
        n[w->verdict]++;
    }
    ll_doc_table_end(d);
    ll_doc_para(d, "%d agree to the digits the paper prints, %d are within "
                "10 %%, %d differ, %d have nothing to compare. The sections "
                "below show each figure, what the paper claimed and what "
                "losslab finds, and why.", n[LL_PAPER_AGREES],
                n[LL_PAPER_CLOSE], n[LL_PAPER_DIFFERS], n[LL_PAPER_NA]);
}

static void intro(ll_doc *d, const ll_paper_report *rep)
{
    const ll_paper_opts *o = rep->opts;
    const ll_paper_result *r = rep->res;
    const ll_model_opts *mo = &o->coeffs.trace.model;
    ll_doc_heading(d, 1, "losslab: the seed paper's experiments, rerun");
    ll_doc_para(d, "losslab %s (git %s) reran the six experiments of the "
                "seed paper (seed 000, appendix B) in %.2f s. For each: what "
                "the paper claims, losslab's figures, losslab's values "
                "beside the values the paper prints, and where and why they "
                "differ. Every number here is read from the JSON files "
                "beside this report (report.json holds the table as data).",
                ll_version(), ll_git_revision(), r->time_total);
    if (o->data.x_path)
        ll_doc_lead(d, "Data (Exp 2, 3, 5, 6):", "%s: N = %zu, d = %zu.",
                    o->data.x_path, r->data.n, r->data.d);
    else
        ll_doc_lead(d, "Data (Exp 2, 3, 5, 6):", "the built-in generator "
                    "(MATH.md section 4), d = %zu, N = %zu, seed %llu, noise "
                    "%g; activation %s, alpha = %g, model width m = %zu.",
                    r->data.d, r->data.n,
                    (unsigned long long)o->data.gen.seed, o->data.gen.noise,
                    mo->act ? mo->act->name : "tanh", mo->alpha, mo->width);
    ll_doc_lead(d, "Data (Exp 1, 4):", "%s, N = %zu; toy alpha = %g, phase "
                "alpha = %g.", o->toy_data.x_path ? o->toy_data.x_path
                : "the toy generator, x ~ N(0,1), y = tanh(1.5 x) + noise",
                r->toy_data.n, o->toy.alpha, o->phase.trace.model.alpha);
}

ll_status ll_io_paper_report(const char *dir, const ll_paper_report *rep,
                             char **md, char **html, ll_errbuf *eb)
{
    ll_doc d;
    *md = *html = NULL;
    if (!rep || !rep->opts || !rep->res)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete paper report");
    ll_doc_init(&d, dir, "losslab: the seed paper's experiments, rerun");
    intro(&d, rep);
    summary(&d, rep->res);
    ll_rp_exp1(&d, rep);
    ll_rp_exp2(&d, rep);
    ll_rp_exp3(&d, rep);
    ll_rp_exp4(&d, rep);
    ll_rp_exp5(&d, rep);
    ll_rp_exp6(&d, rep);
    ll_rp_causes(&d, rep);
    ll_rp_files(&d, rep);
    /* A figure its run could not make (a failed stage) is named as missing
     * in the report itself, not an error of the report. */
    if (ll_doc_finish(&d, md, html) != 0)
        return ll_err(eb, LL_ERR_NOMEM, "io: out of memory building the "
                      "report");
    return LL_OK;
}
