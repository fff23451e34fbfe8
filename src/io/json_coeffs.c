/* The coeffs JSON (`losslab coeffs`, MATH.md section 3 and section 4
 * Exp. 6): configuration, the event, every coefficient exact / finite
 * differences / paper formula side by side, the line restriction with its
 * fit and c2 against mu. Keys are listed in the README section. */
#include "losslab/experiments.h"

#include <stdlib.h>

#include "io/json_exp.h"

static cJSON *cf_config(const ll_coeffs_report *rep)
{
    const ll_coeffs_opts *o = rep->opts;
    const ll_trace_result *t = &rep->res->trace;
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "data", ll_jx_data_source(rep->data));
    ll_jx_add_model(c, &o->trace.model, t->dim, t->samples, t->width,
                    t->nparams, t->v);
    ll_jx_add_num(c, "lambda_max", o->trace.cont.p_max);
    cJSON_AddItemToObject(c, "continuation", ll_jx_cont_opts(&o->trace.cont));
    cJSON *fd = cJSON_AddObjectToObject(c, "fd");
    ll_jx_add_num(fd, "h_p", o->h_p);
    ll_jx_add_num(fd, "h_3", o->h_3);
    ll_jx_add_num(fd, "h_4", o->h_4);
    cJSON_AddStringToObject(fd, "scheme", "central differences with one "
                            "Richardson step (4 D(h/2) - D(h)) / 3");
    ll_jx_add_num(c, "line_amax", o->line_amax);
    cJSON_AddNumberToObject(c, "line_points", (double)o->line_points);
    ll_jx_add_num(c, "mu_step", o->mu_step);
    cJSON_AddNumberToObject(c, "mu_points", (double)o->mu_points);
    ll_jx_add_seed(c, rep->data);
    ll_jx_provenance(c, rep->command_line);
    return c;
}

static cJSON *cf_event(const ll_coeffs_result *r)
{
    const ll_event *e = &r->event;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", ll_event_type_str(e->type));
    ll_jx_add_num(o, "lambda", e->p);
    ll_jx_add_num(o, "s", e->s);
    cJSON_AddNumberToObject(o, "index_before", e->index_before);
    cJSON_AddNumberToObject(o, "index_after", e->index_after);
    ll_jx_add_num(o, "mu1", e->mu1);
    ll_jx_add_num(o, "mu2", e->mu2);
    ll_jx_add_num(o, "kernel_ratio", e->kernel_ratio);
    ll_jx_add_num(o, "tp", e->tp);
    ll_jx_add_num(o, "loss", e->loss);
    ll_jx_add_num(o, "grad_norm", e->grad_norm);
    cJSON_AddItemToObject(o, "coefficients", ll_jx_coef(&r->coef));
    return o;
}

static cJSON *cf_rows(const ll_coeffs_result *r)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; i < LL_COEFFS_ROWS; i++) {
        const ll_coeff_row *w = &r->rows[i];
        cJSON *o = cJSON_CreateObject();
        ll_jx_add_str(o, "name", w->name);
        ll_jx_add_num(o, "exact", w->exact);
        ll_jx_add_num(o, "fd", w->fd);
        ll_jx_add_num(o, "fd_rel_err", w->fd_rel_err);
        ll_jx_add_num(o, "fd_step", w->fd_step);
        ll_jx_add_num(o, "paper", w->paper);
        ll_jx_add_str(o, "paper_formula", w->paper_formula);
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

static cJSON *cf_line(const ll_coeffs_result *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "a", ll_jx_nums(r->line_a, r->line_len));
    cJSON_AddItemToObject(o, "phi", ll_jx_nums(r->line_phi, r->line_len));
    cJSON *f = cJSON_AddObjectToObject(o, "fit");
    ll_jx_add_num(f, "c2", r->c2);
    ll_jx_add_num(f, "c3", r->c3);
    ll_jx_add_num(f, "c4", r->c4);
    ll_jx_add_num(f, "resid", r->line_resid);
    cJSON *t = cJSON_AddObjectToObject(o, "taylor");
    ll_jx_add_num(t, "c2", r->c2_taylor);
    ll_jx_add_num(t, "c3", r->c3_taylor);
    ll_jx_add_num(t, "c4", r->c4_taylor);
    return o;
}

static cJSON *cf_mu(const ll_coeffs_result *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "mu", ll_jx_nums(r->mu, r->n_mu));
    cJSON_AddItemToObject(o, "c2_fit", ll_jx_nums(r->c2_mu, r->n_mu));
    cJSON_AddItemToObject(o, "c2_exact", ll_jx_nums(r->c2_exact_mu, r->n_mu));
    ll_jx_add_num(o, "slope", r->slope);
    ll_jx_add_num(o, "intercept", r->intercept);
    ll_jx_add_num(o, "slope_exact", r->slope_exact);
    ll_jx_add_num(o, "slope_predicted", r->slope_predicted);
    cJSON_AddStringToObject(o, "note", r->event.type == LL_EVENT_FOLD
        ? "fold: only the arm before the event; c2 ~ sqrt(|mu|) there, no "
          "linear prediction"
        : "predicted slope g_ap/2 (d/dmu phi^T H phi = g_ap + c g_aa on the "
          "branch)");
    return o;
}

ll_status ll_io_coeffs_json(const ll_coeffs_report *rep, char **out,
                            ll_errbuf *eb)
{
    *out = NULL;
    if (!rep || !rep->opts || !rep->res)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete coeffs report");
    const ll_coeffs_result *r = rep->res;
    unsigned long mark = ll_jx_mark();
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "config", cf_config(rep));
    cJSON_AddStringToObject(root, "status", ll_status_name(r->status));
    cJSON_AddStringToObject(root, "reason", r->reason);
    cJSON_AddBoolToObject(root, "have_event", r->have_event);
    if (!r->have_event)
        return ll_jx_finish(root, mark, out, eb);
    cJSON_AddItemToObject(root, "event", cf_event(r));
    cJSON_AddItemToObject(root, "coefficients", cf_rows(r));
    ll_jx_add_num(root, "g_ap_unslaved", r->g_ap_unslaved);
    cJSON_AddItemToObject(root, "line", cf_line(r));
    cJSON_AddItemToObject(root, "c2_vs_mu", cf_mu(r));
    return ll_jx_finish(root, mark, out, eb);
}

ll_status ll_io_write_coeffs_json(const char *path,
                                  const ll_coeffs_report *rep, ll_errbuf *eb)
{
    char *s;
    ll_status st = ll_io_coeffs_json(rep, &s, eb);
    return st == LL_OK ? ll_jx_write(path, s, eb) : st;
}
