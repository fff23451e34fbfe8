/* The trace JSON (issue 2 item 9): one object built with cJSON, keys as
 * documented at ll_io_trace_json in io.h and in the README. Non-finite numbers
 * (NaN, +-inf) are written as null, which is what JSON has for them. */
#include "losslab/io.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/json_exp.h"
#include "losslab/losslab.h"

/* Leading entries of the softening speeds kept in the JSON. */
#define LL_JSON_SPEEDS 10

/* Every cJSON call below is checked (the macros of io/json_exp.h): a
 * construction that fails out of memory makes ll_io_trace_json return
 * LL_ERR_NOMEM instead of printing an object with keys missing. */

static cJSON *json_config(const ll_trace_report *rep)
{
    const ll_trace_opts *o = rep->opts;
    const ll_trace_result *r = rep->res;
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "data", ll_jx_data_source(rep->data));
    ll_jx_add_model(c, &o->model, r->dim, r->samples, r->width, r->nparams,
                    r->v);
    ll_jx_add_num(c, "lambda_max", o->cont.p_max);
    cJSON_AddItemToObject(c, "continuation",
                          ll_jx_cont_opts_keys(&o->cont, LL_JX_CONT_RUN |
                                                         LL_JX_CONT_BIF));
    ll_jx_add_num(c, "cluster_tol", o->cluster_tol);
    ll_jx_add_seed(c, rep->data);
    ll_jx_provenance(c, rep->command_line);
    return c;
}

static cJSON *json_softening(const ll_trace_result *r)
{
    cJSON *s = cJSON_CreateObject();
    int ok = r->soft_status == LL_OK;
    size_t k = ok ? r->soft.n_speeds : 0;
    ll_jx_add_num(s, "mu0", ok ? r->soft.mu0 : NAN);
    cJSON_AddNumberToObject(s, "multiplicity",
                            ok ? (double)r->soft.multiplicity : 0.0);
    cJSON_AddItemToObject(s, "speeds", ll_jx_nums(r->soft.speeds,
                          k < LL_JSON_SPEEDS ? k : LL_JSON_SPEEDS));
    ll_jx_add_num(s, "rate", ok ? r->soft.rate : NAN);
    ll_jx_add_num(s, "rate_noise", ok ? r->soft.rate_noise : NAN);
    ll_jx_add_num(s, "p_star_predicted", ok ? r->soft.p_star_predicted : NAN);
    cJSON_AddStringToObject(s, "status", ll_status_name(r->soft_status));
    cJSON_AddStringToObject(s, "reason", r->soft_reason);
    if (!r->has_closed_form) {
        cJSON_AddNullToObject(s, "closed_form");
        cJSON_AddNullToObject(s, "paper_eq22");
        return s;
    }
    cJSON *cf = cJSON_AddObjectToObject(s, "closed_form");
    size_t n = r->closed_form_status == LL_OK ? r->closed_form_len : 0;
    ll_jx_add_num(cf, "rate", r->closed_form_rate);
    cJSON_AddNumberToObject(cf, "n_speeds", (double)n);
    cJSON_AddItemToObject(cf, "speeds", ll_jx_nums(r->closed_form_speeds,
                          n < LL_JSON_SPEEDS ? n : LL_JSON_SPEEDS));
    cJSON_AddStringToObject(cf, "status",
                            ll_status_name(r->closed_form_status));
    cJSON *eq = cJSON_AddObjectToObject(s, "paper_eq22");
    ll_jx_add_num(eq, "value", r->paper_eq22);
    cJSON_AddStringToObject(eq, "note",
        "seed paper eq. (22), -sum_j v_j^2 u0^T E[(sigma'-1) x x^T] u0: a "
        "Gauss-Newton term that vanishes on E; NOT the softening rate "
        "(MATH.md section 1)");
    return s;
}

static void json_event_coefs(cJSON *e, const ll_lscoef *c, int have)
{
    double nan = NAN;
    ll_jx_add_num(e, "g_p", have ? c->g_p : nan);
    ll_jx_add_num(e, "g_aa", have ? c->g_aa : nan);
    ll_jx_add_num(e, "g_ap", have ? c->g_ap : nan);
    ll_jx_add_num(e, "g_aaa", have ? c->g_aaa : nan);
    ll_jx_add_num(e, "g_aaa_bare", have ? c->g_aaa_bare : nan);
    ll_jx_add_num(e, "ratio_aa_aaa", have ? c->ratio_aa_aaa : nan);
    if (have)
        cJSON_AddStringToObject(e, "normal_form",
                                ll_normal_form_str(c->normal_form));
    else
        cJSON_AddNullToObject(e, "normal_form");
    if (have)
        cJSON_AddNumberToObject(e, "criticality", c->criticality);
    else
        cJSON_AddNullToObject(e, "criticality");
    ll_jx_add_num(e, "branch_slope", have ? c->branch_slope : nan);
    ll_jx_add_num(e, "branch_quad", have ? c->branch_quad : nan);
}

/* An event that was not located (location failed, or --no-locate) has
 * lambda, s and the coefficients null: they would describe a point near the
 * event, not the event. Its approximate parameter is lambda_approx, and
 * status / reason say why. */
static cJSON *json_event(const ll_event *ev, int have_coefs)
{
    cJSON *e = cJSON_CreateObject();
    double nan = NAN;
    cJSON_AddStringToObject(e, "type", ll_event_type_str(ev->type));
    cJSON_AddBoolToObject(e, "located", ev->located);
    ll_jx_add_num(e, "lambda", ev->located ? ev->p : nan);
    ll_jx_add_num(e, "lambda_approx", ev->p);
    ll_jx_add_num(e, "s", ev->located ? ev->s : nan);
    have_coefs = have_coefs && ev->located && ev->status == LL_OK;
    cJSON_AddNumberToObject(e, "index_before", ev->index_before);
    cJSON_AddNumberToObject(e, "index_after", ev->index_after);
    ll_jx_add_num(e, "mu1", ev->mu1);
    ll_jx_add_num(e, "mu2", ev->mu2);
    ll_jx_add_num(e, "kernel_ratio", ev->kernel_ratio);
    ll_jx_add_num(e, "dmu1_dlambda", ev->dmu1_dp);
    ll_jx_add_num(e, "dmu1_ds", ev->dmu1_ds);
    ll_jx_add_num(e, "tp", ev->tp);
    json_event_coefs(e, &ev->coef, have_coefs);
    ll_jx_add_num(e, "loss", ev->loss);
    ll_jx_add_num(e, "grad_norm", ev->grad_norm);
    ll_jx_add_num(e, "locate_dp", ev->locate_dp);
    ll_jx_add_num(e, "refine_dp", ev->refine_dp);
    /* How far the gradient left at the fold can move it: F = r shifts a
     * fold's p by phi^T r / g_p (g_p = phi^T F_p, |phi| = 1). At a nearly
     * symmetric fold (g_p ~ 1e-6) this, not locate_tol, is the precision
     * of lambda. Folds with coefficients only. */
    double rb = ev->type == LL_EVENT_FOLD && have_coefs &&
                        fabs(ev->coef.g_p) > 0.0
                    ? ev->grad_norm / fabs(ev->coef.g_p)
                    : nan;
    ll_jx_add_num(e, "lambda_resid_bound", rb);
    cJSON_AddStringToObject(e, "status", ll_status_name(ev->status));
    cJSON_AddStringToObject(e, "reason", ev->reason);
    return e;
}

static cJSON *json_branch(const ll_branch *b)
{
    cJSON *o = cJSON_CreateObject();
    size_t k = b->n_eigs > 0 ? (size_t)b->n_eigs : 0;
    cJSON_AddItemToObject(o, "lambda", ll_jx_nums(b->p, b->len));
    cJSON_AddItemToObject(o, "s", ll_jx_nums(b->s, b->len));
    cJSON_AddItemToObject(o, "tp", ll_jx_nums(b->tp, b->len));
    cJSON *mu = cJSON_AddArrayToObject(o, "mu");
    for (size_t i = 0; b->mu && i < b->len; i++)
        cJSON_AddItemToArray(mu, ll_jx_nums(b->mu + i * k, k));
    cJSON_AddItemToObject(o, "index", ll_jx_ints(b->index, b->len));
    cJSON_AddItemToObject(o, "loss", ll_jx_nums(b->loss, b->len));
    cJSON_AddItemToObject(o, "grad_norm", ll_jx_nums(b->grad_norm, b->len));
    return o;
}

static cJSON *json_stats(const ll_trace_result *r)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddNumberToObject(s, "steps", (double)r->cont.branch.len);
    cJSON_AddNumberToObject(s, "newton_iters", (double)r->cont.newton_iters);
    cJSON_AddNumberToObject(s, "steps_rejected",
                            (double)r->cont.steps_rejected);
    ll_jx_add_num(s, "gscale", r->cont.gscale);
    cJSON_AddStringToObject(s, "hessian_path",
                            ll_hessian_path_str(r->cont.hessian));
    cJSON_AddNumberToObject(s, "polish_iters", r->polish_iters);
    ll_jx_add_num(s, "grad_norm0", r->grad_norm0);
    ll_jx_add_num(s, "time_setup", r->time_setup);
    ll_jx_add_num(s, "time_softening", r->time_softening);
    ll_jx_add_num(s, "time_cont", r->time_cont);
    ll_jx_add_num(s, "time_total", r->time_total);
    return s;
}

static cJSON *json_trace(const ll_trace_report *rep)
{
    const ll_trace_result *r = rep->res;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "config", json_config(rep));
    cJSON_AddStringToObject(root, "status", ll_status_name(r->status));
    cJSON_AddStringToObject(root, "reason", r->reason);
    ll_jx_add_num(root, "lambda1_prime0", r->lambda1_prime0);
    ll_jx_add_num(root, "lambda_star_predicted", r->lambda_star_predicted);
    cJSON_AddItemToObject(root, "softening", json_softening(r));
    cJSON *ev = cJSON_AddArrayToObject(root, "events");
    for (size_t i = 0; i < r->cont.n_events; i++)
        cJSON_AddItemToArray(ev, json_event(&r->cont.events[i],
                                            rep->opts->cont.compute_coefs));
    cJSON_AddItemToObject(root, "branch", json_branch(&r->cont.branch));
    cJSON_AddItemToObject(root, "stats", json_stats(r));
    return root;
}

ll_status ll_io_trace_json(const ll_trace_report *rep, char **out,
                           ll_errbuf *eb)
{
    *out = NULL;
    if (!rep || !rep->opts || !rep->res)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete trace report");
    unsigned long mark = ll_jx_mark();
    cJSON *root = json_trace(rep);
    return ll_jx_finish(root, mark, out, eb);
}

ll_status ll_io_write_trace_json(const char *path, const ll_trace_report *rep,
                                 ll_errbuf *eb)
{
    char *s;
    ll_status st = ll_io_trace_json(rep, &s, eb);
    return st == LL_OK ? ll_jx_write(path, s, eb) : st;
}
