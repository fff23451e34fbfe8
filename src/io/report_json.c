/* report.json of `losslab paper` (paper_io.h): the comparison table as
 * data, the eq. (22) and data-draw checks, the files of each experiment,
 * timings, and the configuration (data sources, model, lists, version, git
 * revision, command line). Numbers as in every losslab JSON (shortest exact
 * form, non-finite -> null: io/json_exp.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/json_exp.h"
#include "losslab/paper_io.h"

static cJSON *config_json(const ll_paper_report *rep)
{
    const ll_paper_opts *o = rep->opts;
    const ll_model_opts *mo = &o->coeffs.trace.model;
    cJSON *c = cJSON_CreateObject(), *w = cJSON_CreateArray();
    cJSON_AddStringToObject(c, "kind", "paper");
    cJSON_AddItemToObject(c, "data", ll_jx_data_source(&o->data));
    cJSON_AddItemToObject(c, "toy_data", ll_jx_data_source(&o->toy_data));
    ll_jx_add_str(c, "act", mo->act ? mo->act->name : "tanh");
    ll_jx_add_num(c, "alpha", mo->alpha);
    cJSON_AddNumberToObject(c, "width", (double)mo->width);
    ll_jx_add_str(c, "v", o->widths.v_spec ? o->widths.v_spec
                                           : "linspace:0.5:1.5");
    for (size_t i = 0; w && i < o->widths.n_widths; i++)
        cJSON_AddItemToArray(w, cJSON_CreateNumber((double)o->widths.widths[i]));
    cJSON_AddItemToObject(c, "widths", w);
    cJSON_AddItemToObject(c, "a", ll_jx_nums(o->phase.a, o->phase.n_a));
    ll_jx_add_num(c, "toy_alpha", o->toy.alpha);
    ll_jx_add_num(c, "phase_alpha", o->phase.trace.model.alpha);
    cJSON_AddNumberToObject(c, "seed_draws", (double)o->seed_draws);
    cJSON_AddItemToObject(c, "continuation",
                          ll_jx_cont_opts(&o->coeffs.trace.cont));
    cJSON_AddNumberToObject(c, "jobs", rep->jobs);
    ll_jx_provenance(c, rep->command_line);
    return c;
}

static cJSON *row_json(const ll_paper_row *w)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "key", w->key);
    cJSON_AddStringToObject(o, "experiment", w->experiment);
    cJSON_AddStringToObject(o, "quantity", w->quantity);
    cJSON_AddStringToObject(o, "figure", w->figure);
    ll_jx_add_num(o, "paper", w->paper);
    cJSON_AddStringToObject(o, "paper_text", w->paper_text);
    ll_jx_add_num(o, "losslab", w->losslab);
    cJSON_AddStringToObject(o, "losslab_text", w->losslab_text);
    ll_jx_add_num(o, "rel_diff", w->rel_diff);
    cJSON_AddStringToObject(o, "verdict", ll_paper_verdict_str(w->verdict));
    cJSON_AddStringToObject(o, "cause", w->cause);
    cJSON_AddStringToObject(o, "note", w->note);
    return o;
}

static cJSON *fit_json(const ll_inv_fit *f)
{
    cJSON *o = cJSON_CreateObject();
    ll_jx_add_num(o, "K", f->K);
    ll_jx_add_num(o, "K2", f->K2);
    ll_jx_add_num(o, "rms", f->rms);
    ll_jx_add_num(o, "m_star", f->m_star);
    ll_jx_add_num(o, "slope", f->slope);
    cJSON_AddNumberToObject(o, "n_used", (double)f->n_used);
    return o;
}

static cJSON *checks_json(const ll_paper_result *r)
{
    cJSON *c = cJSON_CreateObject(), *e = cJSON_CreateObject();
    cJSON *dr = cJSON_CreateObject(), *s = cJSON_CreateArray();
    cJSON_AddItemToObject(e, "eq22", ll_jx_nums(r->eq22, r->n_widths));
    cJSON_AddItemToObject(e, "rate_closed_form",
                          ll_jx_nums(r->rate_cf, r->n_widths));
    cJSON_AddItemToObject(e, "fit", fit_json(&r->fit_eq22));
    ll_jx_add_num(e, "power", r->eq22_power);
    cJSON_AddItemToObject(e, "fit_rate", fit_json(&r->widths.fit));
    cJSON_AddItemToObject(c, "eq22", e);
    for (size_t k = 0; s && k < r->n_draws; k++)
        cJSON_AddItemToArray(s, cJSON_CreateNumber((double)r->draw_seed[k]));
    cJSON_AddItemToObject(dr, "seeds", s);
    cJSON_AddItemToObject(dr, "K", ll_jx_nums(r->draw_K, r->n_draws));
    ll_jx_add_num(dr, "mean", r->draw_K_mean);
    ll_jx_add_num(dr, "sd", r->draw_K_sd);
    ll_jx_add_num(dr, "min", r->draw_K_min);
    ll_jx_add_num(dr, "max", r->draw_K_max);
    cJSON_AddItemToObject(c, "data_draws", dr);
    return c;
}

static cJSON *files_json(void)
{
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "toy", "toy/toy.json");
    cJSON_AddStringToObject(f, "trace", "trace/trace.json");
    cJSON_AddStringToObject(f, "coeffs", "coeffs/coeffs.json");
    cJSON_AddStringToObject(f, "phase", "phase/phase.json");
    cJSON_AddStringToObject(f, "widths", "widths/widths.json");
    cJSON_AddStringToObject(f, "report_md", "report.md");
    cJSON_AddStringToObject(f, "report_html", "report.html");
    return f;
}

ll_status ll_io_paper_json(const ll_paper_report *rep, char **out,
                           ll_errbuf *eb)
{
    *out = NULL;
    if (!rep || !rep->opts || !rep->res)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete paper report");
    const ll_paper_result *r = rep->res;
    unsigned long mark = ll_jx_mark();
    cJSON *root = cJSON_CreateObject(), *rows = cJSON_CreateArray();
    cJSON *st = cJSON_CreateObject(), *stage = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "config", config_json(rep));
    cJSON_AddStringToObject(root, "status", ll_status_str(r->status));
    cJSON_AddStringToObject(root, "reason", r->reason);
    for (size_t i = 0; rows && i < r->n_rows; i++)
        cJSON_AddItemToArray(rows, row_json(&r->rows[i]));
    cJSON_AddItemToObject(root, "rows", rows);
    cJSON_AddItemToObject(root, "checks", checks_json(r));
    cJSON_AddItemToObject(root, "files", files_json());
    for (int s = 0; stage && s < LL_PAPER_NSTAGES; s++)
        ll_jx_add_num(stage, ll_paper_stage_str((ll_paper_stage)s),
                      r->stage_time[s]);
    cJSON_AddItemToObject(st, "time_stage", stage);
    ll_jx_add_num(st, "time_total", r->time_total);
    cJSON_AddItemToObject(root, "stats", st);
    return ll_jx_finish(root, mark, out, eb);
}
