/* The sweep JSON (sweep_io.h): per-item files and the combined result of
 * `losslab widths` / `losslab phase` (MATH.md section 1 width scaling,
 * section 4 Exp. 4-5). Keys follow the trace JSON (json_trace.c) where they
 * mean the same thing. Numbers are printed in the shortest form that reads
 * back exactly, which is what makes a resumed sweep reproduce an
 * uninterrupted one bit for bit. */
#include "io/sweep_json_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/io.h"
#include "losslab/losslab.h"

cJSON *ll_sj_num(double x)
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

static void add_num(cJSON *o, const char *k, double x)
{
    cJSON_AddItemToObject(o, k, ll_sj_num(x));
}

static cJSON *num_array(const double *x, size_t n)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && x && i < n; i++)
        cJSON_AddItemToArray(a, ll_sj_num(x[i]));
    return a;
}

const char *ll_sweep_kind_str(ll_sweep_kind k)
{
    return k == LL_SWEEP_PHASE ? "phase" : "widths";
}

/* FNV-1a (64 bit) of N, d and the bytes of X and y: detects a data file
 * that changed between a run and its resume. */
static void data_hash(const ll_data *D, char *buf, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    size_t hdr[2] = {D ? D->n : 0, D ? D->d : 0};
    const unsigned char *parts[3] = {(const unsigned char *)hdr,
                                     D ? (const unsigned char *)D->X : NULL,
                                     D ? (const unsigned char *)D->y : NULL};
    size_t lens[3] = {sizeof hdr, D ? D->n * D->d * sizeof(double) : 0,
                      D ? D->n * sizeof(double) : 0};
    for (int p = 0; p < 3; p++)
        for (size_t i = 0; parts[p] && i < lens[p]; i++)
            h = (h ^ parts[p][i]) * 1099511628211ULL;
    snprintf(buf, n, "%016llx", (unsigned long long)h);
}

static cJSON *sj_data(const ll_sweep_report *rep)
{
    const ll_data_source *src = rep->data;
    cJSON *d = cJSON_CreateObject();
    char hash[24];
    if (src && src->x_path) {
        cJSON_AddStringToObject(d, "source", "file");
        cJSON_AddStringToObject(d, "x_path", src->x_path);
        if (src->y_path)
            cJSON_AddStringToObject(d, "y_path", src->y_path);
        else
            cJSON_AddNullToObject(d, "y_path");
        cJSON_AddNumberToObject(d, "target_col", src->target_col);
    } else if (src) {
        cJSON_AddStringToObject(d, "source", rep->kind == LL_SWEEP_PHASE
                                ? "generator_toy" : "generator");
        cJSON_AddNumberToObject(d, "dim", (double)src->gen.d);
        cJSON_AddNumberToObject(d, "samples", (double)src->gen.n);
        cJSON_AddNumberToObject(d, "seed", (double)src->gen.seed);
        add_num(d, "noise", src->gen.noise);
    }
    data_hash(rep->D, hash, sizeof hash);
    cJSON_AddStringToObject(d, "fnv1a64", hash);
    return d;
}

static cJSON *sj_cont(const ll_cont_opts *c)
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
    cJSON_AddBoolToObject(o, "z2_declared", c->bif.z2_declared);
    return o;
}

static void sj_params(cJSON *c, const ll_sweep_report *rep)
{
    const ll_sweep_result *r = rep->res;
    cJSON *a = cJSON_AddArrayToObject(c, rep->kind == LL_SWEEP_PHASE ? "a"
                                                                     : "widths");
    for (size_t i = 0; r && i < r->n; i++)
        cJSON_AddItemToArray(a, ll_sj_num(r->items[i].param));
}

cJSON *ll_sj_config(const ll_sweep_report *rep, int full)
{
    const ll_trace_opts *o = rep->trace;
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "kind", ll_sweep_kind_str(rep->kind));
    cJSON_AddItemToObject(c, "data", sj_data(rep));
    cJSON_AddNumberToObject(c, "dim", rep->D ? (double)rep->D->d : 0);
    cJSON_AddNumberToObject(c, "samples", rep->D ? (double)rep->D->n : 0);
    if (rep->kind == LL_SWEEP_WIDTHS) {
        cJSON_AddStringToObject(c, "v", rep->v_spec ? rep->v_spec
                                                    : "linspace:0.5:1.5");
    } else {
        cJSON_AddNumberToObject(c, "width", 2);
        cJSON_AddStringToObject(c, "v", "(1, a)");
        add_num(c, "degenerate_tol", rep->degenerate_tol);
    }
    add_num(c, "alpha", o->model.alpha);
    cJSON_AddStringToObject(c, "act", o->model.act ? o->model.act->name : "tanh");
    cJSON_AddBoolToObject(c, "train_v", o->model.train_v);
    cJSON_AddBoolToObject(c, "bias", o->model.bias);
    add_num(c, "lambda_max", o->cont.p_max);
    cJSON_AddItemToObject(c, "continuation", sj_cont(&o->cont));
    add_num(c, "cluster_tol", o->cluster_tol);
    if (rep->data && !rep->data->x_path)
        cJSON_AddNumberToObject(c, "seed", (double)rep->data->gen.seed);
    else
        cJSON_AddNullToObject(c, "seed");
    cJSON_AddStringToObject(c, "version", ll_version());
    cJSON_AddStringToObject(c, "git_revision", ll_git_revision());
    if (full) {
        sj_params(c, rep);
        if (rep->command_line)
            cJSON_AddStringToObject(c, "command_line", rep->command_line);
        else
            cJSON_AddNullToObject(c, "command_line");
        cJSON_AddNumberToObject(c, "jobs", rep->jobs);
    }
    return c;
}

static cJSON *sj_event(const ll_sweep_event *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", ll_event_type_str(e->type));
    add_num(o, "lambda", e->lambda);
    cJSON_AddNumberToObject(o, "index_before", e->index_before);
    cJSON_AddNumberToObject(o, "index_after", e->index_after);
    add_num(o, "mu2", e->mu2);
    add_num(o, "kernel_ratio", e->kernel_ratio);
    add_num(o, "dmu1_dlambda", e->dmu1_dlambda);
    cJSON_AddStringToObject(o, "status", ll_status_name(e->status));
    return o;
}

cJSON *ll_sj_item(const ll_sweep_item *it)
{
    cJSON *o = cJSON_CreateObject();
    add_num(o, "param", it->param);
    cJSON_AddNumberToObject(o, "width", (double)it->width);
    cJSON_AddNumberToObject(o, "dim", (double)it->dim);
    cJSON_AddNumberToObject(o, "samples", (double)it->samples);
    cJSON_AddItemToObject(o, "v", num_array(it->v, it->v ? it->width : 0));
    cJSON_AddStringToObject(o, "status", ll_status_name(it->status));
    cJSON_AddStringToObject(o, "reason", it->reason);
    cJSON_AddBoolToObject(o, "degenerate_start", it->degenerate_start);
    add_num(o, "mu_min0", it->mu_min0);
    add_num(o, "lambda1_prime0", it->lambda1_prime0);
    add_num(o, "lambda_star_predicted", it->lambda_star_predicted);
    if (it->n_events)
        cJSON_AddItemToObject(o, "first_event", sj_event(&it->events[0]));
    else
        cJSON_AddNullToObject(o, "first_event");
    cJSON *ev = cJSON_AddArrayToObject(o, "events");
    for (size_t i = 0; i < it->n_events; i++)
        cJSON_AddItemToArray(ev, sj_event(&it->events[i]));
    cJSON *b = cJSON_AddObjectToObject(o, "branch");
    cJSON_AddItemToObject(b, "lambda", num_array(it->lambda, it->len));
    cJSON_AddItemToObject(b, "mu1", num_array(it->mu1, it->len));
    cJSON_AddNumberToObject(o, "steps", (double)it->steps);
    cJSON_AddNumberToObject(o, "newton_iters", (double)it->newton_iters);
    add_num(o, "time", it->time);
    return o;
}

void ll_sj_item_name(const ll_sweep_report *rep, size_t idx, char *buf,
                     size_t n)
{
    double p = rep->res->items[idx].param;
    if (rep->kind == LL_SWEEP_WIDTHS) {
        snprintf(buf, n, "width-%.0f.json", p);
        return;
    }
    char num[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(num, sizeof num, "%.*g", prec, p);
        if (strtod(num, NULL) == p)
            break;
    }
    snprintf(buf, n, "a-%s.json", num);
}

static ll_status sj_write(const char *path, cJSON *root, ll_errbuf *eb)
{
    char *s = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!s)
        return ll_err(eb, LL_ERR_NOMEM, "io: out of memory building JSON");
    size_t len = strlen(s);
    s[len] = '\n'; /* replaces the NUL; written with its length */
    ll_status st = ll_io_write_atomic(path, s, len + 1, eb);
    free(s);
    return st;
}

ll_status ll_io_sweep_item_write(const char *dir, const ll_sweep_report *rep,
                                 size_t idx, ll_errbuf *eb)
{
    if (!dir || !rep || !rep->res || idx >= rep->res->n)
        return ll_err(eb, LL_ERR_ARG, "io: bad sweep item");
    char name[96];
    size_t n = strlen(dir) + 120;
    char *path = malloc(n);
    if (!path)
        return ll_err(eb, LL_ERR_NOMEM, "io: out of memory");
    snprintf(path, n, "%s/items", dir);
    ll_status st = ll_io_mkdir_p(path, eb);
    ll_sj_item_name(rep, idx, name, sizeof name);
    snprintf(path, n, "%s/items/%s", dir, name);
    if (st == LL_OK) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "kind", ll_sweep_kind_str(rep->kind));
        add_num(root, "param", rep->res->items[idx].param);
        cJSON_AddItemToObject(root, "config", ll_sj_config(rep, 0));
        cJSON_AddItemToObject(root, "result", ll_sj_item(&rep->res->items[idx]));
        st = sj_write(path, root, eb);
    }
    free(path);
    return st;
}

static cJSON *sj_fit(const ll_inv_fit *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", "lambda1_prime0 = K/m + K2/m^2");
    add_num(o, "K", f->K);
    add_num(o, "K2", f->K2);
    add_num(o, "m_star", f->m_star);
    add_num(o, "slope", f->slope);
    add_num(o, "rms", f->rms);
    cJSON_AddNumberToObject(o, "n_used", (double)f->n_used);
    cJSON_AddStringToObject(o, "status", ll_status_name(f->status));
    return o;
}

static cJSON *sj_root(const ll_sweep_report *rep)
{
    const ll_sweep_result *r = rep->res;
    cJSON *root = cJSON_CreateObject();
    size_t failed = 0;
    cJSON_AddItemToObject(root, "config", ll_sj_config(rep, 1));
    cJSON *items = cJSON_CreateArray();
    for (size_t i = 0; i < r->n; i++) {
        if (r->items[i].done)
            cJSON_AddItemToArray(items, ll_sj_item(&r->items[i]));
        failed += r->items[i].done && r->items[i].status < 0;
    }
    cJSON_AddBoolToObject(root, "complete", r->n_done == r->n);
    cJSON_AddNumberToObject(root, "n_items", (double)r->n);
    cJSON_AddNumberToObject(root, "n_failed", (double)failed);
    cJSON_AddItemToObject(root, "items", items);
    if (rep->kind == LL_SWEEP_WIDTHS)
        cJSON_AddItemToObject(root, "fit", sj_fit(&r->fit));
    cJSON *st = cJSON_AddObjectToObject(root, "stats");
    cJSON_AddNumberToObject(st, "items_run", (double)r->n_run);
    cJSON_AddNumberToObject(st, "items_resumed", (double)(r->n_done - r->n_run));
    add_num(st, "time", r->time);
    return root;
}

ll_status ll_io_sweep_json(const ll_sweep_report *rep, char **out,
                           ll_errbuf *eb)
{
    *out = NULL;
    if (!rep || !rep->res || !rep->trace)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete sweep report");
    cJSON *root = sj_root(rep);
    *out = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    return *out ? LL_OK : ll_err(eb, LL_ERR_NOMEM, "io: out of memory "
                                 "building JSON");
}

ll_status ll_io_write_sweep_json(const char *path, const ll_sweep_report *rep,
                                 ll_errbuf *eb)
{
    if (!rep || !rep->res || !rep->trace)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete sweep report");
    return sj_write(path, sj_root(rep), eb);
}
