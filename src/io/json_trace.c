/* The trace JSON (issue 2 item 9): one object built with cJSON, keys as
 * documented at ll_io_trace_json in io.h and in the README. Non-finite numbers
 * (NaN, +-inf) are written as null, which is what JSON has for them. */
#include "losslab/io.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/losslab.h"

/* Leading entries of the softening speeds kept in the JSON. */
#define LL_JSON_SPEEDS 10

/* Out of memory while building: every cJSON constructor returns NULL (and
 * cJSON_AddItemTo* returns false without taking the item), which would
 * silently drop keys and print an incomplete object. So every constructor
 * result below goes through json_note(), which records the failure for
 * ll_io_trace_json to report as LL_ERR_NOMEM, and items are attached with
 * json_put / json_push, which free an item that could not be attached. The
 * macros route the cJSON calls of this file through json_note (a macro's
 * own name is not expanded again inside it, so they call the real ones). */
static _Thread_local int json_oom;

static cJSON *json_note(cJSON *item)
{
    json_oom |= item == NULL;
    return item;
}

static void json_put(cJSON *o, const char *key, cJSON *item)
{
    if (!item || !o || !cJSON_AddItemToObject(o, key, item)) {
        cJSON_Delete(item);
        json_oom = 1;
    }
}

static void json_push(cJSON *a, cJSON *item)
{
    if (!item || !a || !cJSON_AddItemToArray(a, item)) {
        cJSON_Delete(item);
        json_oom = 1;
    }
}

#define cJSON_CreateObject() json_note(cJSON_CreateObject())
#define cJSON_CreateArray() json_note(cJSON_CreateArray())
#define cJSON_CreateNull() json_note(cJSON_CreateNull())
#define cJSON_CreateRaw(s) json_note(cJSON_CreateRaw(s))
#define cJSON_CreateNumber(x) json_note(cJSON_CreateNumber(x))
#define cJSON_AddNumberToObject(o, k, x) json_note(cJSON_AddNumberToObject(o, k, x))
#define cJSON_AddStringToObject(o, k, x) json_note(cJSON_AddStringToObject(o, k, x))
#define cJSON_AddBoolToObject(o, k, x) json_note(cJSON_AddBoolToObject(o, k, x))
#define cJSON_AddNullToObject(o, k) json_note(cJSON_AddNullToObject(o, k))
#define cJSON_AddObjectToObject(o, k) json_note(cJSON_AddObjectToObject(o, k))
#define cJSON_AddArrayToObject(o, k) json_note(cJSON_AddArrayToObject(o, k))
#define cJSON_AddItemToObject(o, k, it) json_put(o, k, it)
#define cJSON_AddItemToArray(a, it) json_push(a, it)

/* A number as raw JSON text in the shortest of %.15g, %.16g, %.17g that
 * reads back exactly: cJSON's own printer accepts a 15-digit form within
 * DBL_EPSILON relative, which loses the last bits (0.30000000000000004 would
 * come back as 0.3). Non-finite -> null. */
static cJSON *num_item(double x)
{
    char buf[40];
    if (!isfinite(x))
        return cJSON_CreateNull();
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    return cJSON_CreateRaw(buf);
}

static void add_num(cJSON *o, const char *key, double x)
{
    cJSON_AddItemToObject(o, key, num_item(x));
}

static void add_str(cJSON *o, const char *key, const char *s)
{
    if (s)
        cJSON_AddStringToObject(o, key, s);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *num_array(const double *x, size_t n, size_t stride)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && x && i < n; i++)
        cJSON_AddItemToArray(a, num_item(x[i * stride]));
    return a;
}

static cJSON *int_array(const int *x, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && x && i < n; i++)
        cJSON_AddItemToArray(a, cJSON_CreateNumber(x[i]));
    return a;
}

static cJSON *json_data_source(const ll_data_source *src)
{
    cJSON *d = cJSON_CreateObject();
    if (!src) {
        cJSON_AddStringToObject(d, "source", "unknown");
        return d;
    }
    if (src->x_path) {
        cJSON_AddStringToObject(d, "source", "file");
        add_str(d, "x_path", src->x_path);
        add_str(d, "y_path", src->y_path);
        cJSON_AddNumberToObject(d, "target_col", src->target_col);
    } else {
        cJSON_AddStringToObject(d, "source", "generator");
        cJSON_AddNumberToObject(d, "dim", (double)src->gen.d);
        cJSON_AddNumberToObject(d, "samples", (double)src->gen.n);
        cJSON_AddNumberToObject(d, "seed", (double)src->gen.seed);
        add_num(d, "noise", src->gen.noise);
    }
    return d;
}

static cJSON *json_cont_opts(const ll_cont_opts *c)
{
    cJSON *o = cJSON_CreateObject();
    add_num(o, "lambda_min", c->p_min);
    add_num(o, "lambda_max", c->p_max);
    add_num(o, "ds0", c->ds0);
    add_num(o, "ds_min", c->ds_min);
    add_num(o, "ds_max", c->ds_max);
    cJSON_AddNumberToObject(o, "max_steps", (double)c->max_steps);
    add_num(o, "max_length", c->max_length);
    add_num(o, "newton_tol", c->newton_tol);
    cJSON_AddNumberToObject(o, "newton_maxit", c->newton_maxit);
    add_num(o, "max_angle", c->max_angle);
    cJSON_AddNumberToObject(o, "n_eigs", c->n_eigs);
    add_num(o, "locate_tol", c->locate_tol);
    cJSON_AddBoolToObject(o, "locate_events", c->locate_events);
    cJSON_AddBoolToObject(o, "compute_coefs", c->compute_coefs);
    add_num(o, "gp_zero_rel", c->bif.gp_zero_rel);
    add_num(o, "near_pitchfork_ratio", c->bif.near_pitchfork_ratio);
    cJSON_AddBoolToObject(o, "z2_declared", c->bif.z2_declared);
    return o;
}

static cJSON *json_config(const ll_trace_report *rep)
{
    const ll_trace_opts *o = rep->opts;
    const ll_trace_result *r = rep->res;
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "data", json_data_source(rep->data));
    cJSON_AddNumberToObject(c, "dim", (double)r->dim);
    cJSON_AddNumberToObject(c, "samples", (double)r->samples);
    cJSON_AddNumberToObject(c, "width", (double)r->width);
    cJSON_AddNumberToObject(c, "nparams", (double)r->nparams);
    add_num(c, "alpha", o->model.alpha);
    add_str(c, "act", o->model.act ? o->model.act->name : NULL);
    cJSON_AddItemToObject(c, "v", num_array(r->v, r->v ? r->width : 0, 1));
    cJSON_AddBoolToObject(c, "train_v", o->model.train_v);
    cJSON_AddBoolToObject(c, "bias", o->model.bias);
    add_num(c, "lambda_max", o->cont.p_max);
    cJSON_AddItemToObject(c, "continuation", json_cont_opts(&o->cont));
    add_num(c, "cluster_tol", o->cluster_tol);
    if (rep->data && !rep->data->x_path)
        cJSON_AddNumberToObject(c, "seed", (double)rep->data->gen.seed);
    else
        cJSON_AddNullToObject(c, "seed");
    cJSON_AddStringToObject(c, "version", ll_version());
    cJSON_AddStringToObject(c, "git_revision", ll_git_revision());
    add_str(c, "command_line", rep->command_line);
    return c;
}

static cJSON *json_softening(const ll_trace_result *r)
{
    cJSON *s = cJSON_CreateObject();
    int ok = r->soft_status == LL_OK;
    size_t k = ok ? r->soft.multiplicity : 0;
    add_num(s, "mu0", ok ? r->soft.mu0 : NAN);
    cJSON_AddNumberToObject(s, "multiplicity", (double)k);
    cJSON_AddItemToObject(s, "speeds", num_array(r->soft.speeds,
                          k < LL_JSON_SPEEDS ? k : LL_JSON_SPEEDS, 1));
    add_num(s, "rate", ok ? r->soft.rate : NAN);
    add_num(s, "rate_noise", ok ? r->soft.rate_noise : NAN);
    add_num(s, "p_star_predicted", ok ? r->soft.p_star_predicted : NAN);
    cJSON_AddStringToObject(s, "status", ll_status_name(r->soft_status));
    cJSON_AddStringToObject(s, "reason", r->soft_reason);
    if (!r->has_closed_form) {
        cJSON_AddNullToObject(s, "closed_form");
        cJSON_AddNullToObject(s, "paper_eq22");
        return s;
    }
    cJSON *cf = cJSON_AddObjectToObject(s, "closed_form");
    size_t n = r->closed_form_status == LL_OK ? r->closed_form_len : 0;
    add_num(cf, "rate", r->closed_form_rate);
    cJSON_AddNumberToObject(cf, "n_speeds", (double)n);
    cJSON_AddItemToObject(cf, "speeds", num_array(r->closed_form_speeds,
                          n < LL_JSON_SPEEDS ? n : LL_JSON_SPEEDS, 1));
    cJSON_AddStringToObject(cf, "status", ll_status_name(r->closed_form_status));
    cJSON *eq = cJSON_AddObjectToObject(s, "paper_eq22");
    add_num(eq, "value", r->paper_eq22);
    cJSON_AddStringToObject(eq, "note",
        "seed paper eq. (22), -sum_j v_j^2 u0^T E[(sigma'-1) x x^T] u0: a "
        "Gauss-Newton term that vanishes on E; NOT the softening rate "
        "(MATH.md section 1)");
    return s;
}

static void json_event_coefs(cJSON *e, const ll_lscoef *c, int have)
{
    double nan = NAN;
    add_num(e, "g_p", have ? c->g_p : nan);
    add_num(e, "g_aa", have ? c->g_aa : nan);
    add_num(e, "g_ap", have ? c->g_ap : nan);
    add_num(e, "g_aaa", have ? c->g_aaa : nan);
    add_num(e, "g_aaa_bare", have ? c->g_aaa_bare : nan);
    add_num(e, "ratio_aa_aaa", have ? c->ratio_aa_aaa : nan);
    if (have)
        cJSON_AddStringToObject(e, "normal_form",
                                ll_normal_form_str(c->normal_form));
    else
        cJSON_AddNullToObject(e, "normal_form");
    if (have)
        cJSON_AddNumberToObject(e, "criticality", c->criticality);
    else
        cJSON_AddNullToObject(e, "criticality");
    add_num(e, "branch_slope", have ? c->branch_slope : nan);
    add_num(e, "branch_quad", have ? c->branch_quad : nan);
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
    add_num(e, "lambda", ev->located ? ev->p : nan);
    add_num(e, "lambda_approx", ev->p);
    add_num(e, "s", ev->located ? ev->s : nan);
    have_coefs = have_coefs && ev->located && ev->status == LL_OK;
    cJSON_AddNumberToObject(e, "index_before", ev->index_before);
    cJSON_AddNumberToObject(e, "index_after", ev->index_after);
    add_num(e, "mu1", ev->mu1);
    add_num(e, "mu2", ev->mu2);
    add_num(e, "kernel_ratio", ev->kernel_ratio);
    add_num(e, "dmu1_dlambda", ev->dmu1_dp);
    add_num(e, "dmu1_ds", ev->dmu1_ds);
    add_num(e, "tp", ev->tp);
    json_event_coefs(e, &ev->coef, have_coefs);
    add_num(e, "loss", ev->loss);
    add_num(e, "grad_norm", ev->grad_norm);
    add_num(e, "locate_dp", ev->locate_dp);
    add_num(e, "refine_dp", ev->refine_dp);
    cJSON_AddStringToObject(e, "status", ll_status_name(ev->status));
    cJSON_AddStringToObject(e, "reason", ev->reason);
    return e;
}

static cJSON *json_branch(const ll_branch *b)
{
    cJSON *o = cJSON_CreateObject();
    size_t k = b->n_eigs > 0 ? (size_t)b->n_eigs : 0;
    cJSON_AddItemToObject(o, "lambda", num_array(b->p, b->len, 1));
    cJSON_AddItemToObject(o, "s", num_array(b->s, b->len, 1));
    cJSON_AddItemToObject(o, "tp", num_array(b->tp, b->len, 1));
    cJSON *mu = cJSON_AddArrayToObject(o, "mu");
    for (size_t i = 0; b->mu && i < b->len; i++)
        cJSON_AddItemToArray(mu, num_array(b->mu + i * k, k, 1));
    cJSON_AddItemToObject(o, "index", int_array(b->index, b->len));
    cJSON_AddItemToObject(o, "loss", num_array(b->loss, b->len, 1));
    cJSON_AddItemToObject(o, "grad_norm", num_array(b->grad_norm, b->len, 1));
    return o;
}

static cJSON *json_stats(const ll_trace_result *r)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddNumberToObject(s, "steps", (double)r->cont.branch.len);
    cJSON_AddNumberToObject(s, "newton_iters", (double)r->cont.newton_iters);
    cJSON_AddNumberToObject(s, "steps_rejected",
                            (double)r->cont.steps_rejected);
    add_num(s, "gscale", r->cont.gscale);
    cJSON_AddNumberToObject(s, "polish_iters", r->polish_iters);
    add_num(s, "grad_norm0", r->grad_norm0);
    add_num(s, "time_setup", r->time_setup);
    add_num(s, "time_softening", r->time_softening);
    add_num(s, "time_cont", r->time_cont);
    add_num(s, "time_total", r->time_total);
    return s;
}

static cJSON *json_trace(const ll_trace_report *rep)
{
    const ll_trace_result *r = rep->res;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "config", json_config(rep));
    cJSON_AddStringToObject(root, "status", ll_status_name(r->status));
    cJSON_AddStringToObject(root, "reason", r->reason);
    add_num(root, "lambda1_prime0", r->lambda1_prime0);
    add_num(root, "lambda_star_predicted", r->lambda_star_predicted);
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
    json_oom = 0;
    cJSON *root = json_trace(rep);
    char *s = root && !json_oom ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!s)
        return ll_err(eb, LL_ERR_NOMEM, "io: out of memory building JSON");
    *out = s;
    return LL_OK;
}

ll_status ll_io_write_trace_json(const char *path, const ll_trace_report *rep,
                                 ll_errbuf *eb)
{
    char *s;
    ll_io_afile *f;
    ll_status st = ll_io_trace_json(rep, &s, eb);
    if (st != LL_OK)
        return st;
    st = ll_io_afile_open(&f, path, eb);
    if (st == LL_OK) {
        FILE *fp = ll_io_afile_stream(f);
        fputs(s, fp);
        fputc('\n', fp);
        st = ll_io_afile_commit(f, eb);
    }
    free(s);
    return st;
}
