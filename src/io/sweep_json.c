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

/* The data source of the trace JSON (the toy generator of `phase` named
 * "generator_toy"), plus the hash of the data. */
static cJSON *sj_data(const ll_sweep_report *rep)
{
    const ll_data_source *src = rep->data;
    char hash[24];
    cJSON *d = !src ? cJSON_CreateObject()
                    : ll_jx_data_source_as(src, rep->kind == LL_SWEEP_PHASE
                                                    ? "generator_toy"
                                                    : "generator");
    data_hash(rep->D, hash, sizeof hash);
    cJSON_AddStringToObject(d, "fnv1a64", hash);
    return d;
}

static void sj_params(cJSON *c, const ll_sweep_report *rep)
{
    const ll_sweep_result *r = rep->res;
    cJSON *a = cJSON_AddArrayToObject(c, rep->kind == LL_SWEEP_PHASE ? "a"
                                                                     : "widths");
    for (size_t i = 0; r && i < r->n; i++)
        cJSON_AddItemToArray(a, ll_jx_num(r->items[i].param));
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
        ll_jx_add_num(c, "degenerate_tol", rep->degenerate_tol);
    }
    ll_jx_add_num(c, "alpha", o->model.alpha);
    cJSON_AddStringToObject(c, "act", o->model.act ? o->model.act->name : "tanh");
    cJSON_AddBoolToObject(c, "train_v", o->model.train_v);
    cJSON_AddBoolToObject(c, "bias", o->model.bias);
    ll_jx_add_num(c, "lambda_max", o->cont.p_max);
    cJSON_AddItemToObject(c, "continuation",
                          ll_jx_cont_opts_keys(&o->cont, LL_JX_CONT_RUN));
    ll_jx_add_num(c, "cluster_tol", o->cluster_tol);
    ll_jx_add_seed(c, rep->data);
    cJSON_AddStringToObject(c, "version", ll_version());
    cJSON_AddStringToObject(c, "git_revision", ll_git_revision());
    if (full) {
        sj_params(c, rep);
        ll_jx_add_str(c, "command_line", rep->command_line);
        cJSON_AddNumberToObject(c, "jobs", rep->jobs);
    }
    return c;
}

static cJSON *sj_event(const ll_sweep_event *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", ll_event_type_str(e->type));
    ll_jx_add_num(o, "lambda", e->lambda);
    cJSON_AddNumberToObject(o, "index_before", e->index_before);
    cJSON_AddNumberToObject(o, "index_after", e->index_after);
    ll_jx_add_num(o, "mu2", e->mu2);
    ll_jx_add_num(o, "kernel_ratio", e->kernel_ratio);
    ll_jx_add_num(o, "dmu1_dlambda", e->dmu1_dlambda);
    cJSON_AddStringToObject(o, "status", ll_status_name(e->status));
    return o;
}

cJSON *ll_sj_item(const ll_sweep_item *it)
{
    cJSON *o = cJSON_CreateObject();
    ll_jx_add_num(o, "param", it->param);
    cJSON_AddNumberToObject(o, "width", (double)it->width);
    cJSON_AddNumberToObject(o, "dim", (double)it->dim);
    cJSON_AddNumberToObject(o, "samples", (double)it->samples);
    cJSON_AddItemToObject(o, "v", ll_jx_nums(it->v, it->v ? it->width : 0));
    cJSON_AddStringToObject(o, "status", ll_status_name(it->status));
    cJSON_AddStringToObject(o, "reason", it->reason);
    cJSON_AddBoolToObject(o, "degenerate_start", it->degenerate_start);
    ll_jx_add_num(o, "mu_min0", it->mu_min0);
    ll_jx_add_num(o, "lambda1_prime0", it->lambda1_prime0);
    ll_jx_add_num(o, "lambda_star_predicted", it->lambda_star_predicted);
    if (it->n_events)
        cJSON_AddItemToObject(o, "first_event", sj_event(&it->events[0]));
    else
        cJSON_AddNullToObject(o, "first_event");
    cJSON *ev = cJSON_AddArrayToObject(o, "events");
    for (size_t i = 0; i < it->n_events; i++)
        cJSON_AddItemToArray(ev, sj_event(&it->events[i]));
    cJSON *b = cJSON_AddObjectToObject(o, "branch");
    cJSON_AddItemToObject(b, "lambda", ll_jx_nums(it->lambda, it->len));
    cJSON_AddItemToObject(b, "mu1", ll_jx_nums(it->mu1, it->len));
    cJSON_AddNumberToObject(o, "steps", (double)it->steps);
    cJSON_AddNumberToObject(o, "newton_iters", (double)it->newton_iters);
    ll_jx_add_num(o, "time", it->time);
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
    ll_jx_fmt_num(num, sizeof num, p);
    snprintf(buf, n, "a-%s.json", num);
}

/* Print root (consumed) and write it atomically; nothing is written if a
 * construction failed since mark. */
static ll_status sj_write(const char *path, cJSON *root, unsigned long mark,
                          ll_errbuf *eb)
{
    char *s;
    ll_status st = ll_jx_finish(root, mark, &s, eb);
    if (st != LL_OK)
        return st;
    size_t len = strlen(s);
    s[len] = '\n'; /* replaces the NUL; written with its length */
    st = ll_io_write_atomic(path, s, len + 1, eb);
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
        unsigned long mark = ll_jx_mark();
        cJSON *root = cJSON_CreateObject();
        cJSON_AddStringToObject(root, "kind", ll_sweep_kind_str(rep->kind));
        ll_jx_add_num(root, "param", rep->res->items[idx].param);
        cJSON_AddItemToObject(root, "config", ll_sj_config(rep, 0));
        cJSON_AddItemToObject(root, "result", ll_sj_item(&rep->res->items[idx]));
        st = sj_write(path, root, mark, eb);
    }
    free(path);
    return st;
}

static cJSON *sj_fit(const ll_inv_fit *f)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "model", "lambda1_prime0 = K/m + K2/m^2");
    ll_jx_add_num(o, "K", f->K);
    ll_jx_add_num(o, "K2", f->K2);
    ll_jx_add_num(o, "m_star", f->m_star);
    ll_jx_add_num(o, "slope", f->slope);
    ll_jx_add_num(o, "rms", f->rms);
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
    ll_jx_add_num(st, "time", r->time);
    return root;
}

ll_status ll_io_sweep_json(const ll_sweep_report *rep, char **out,
                           ll_errbuf *eb)
{
    *out = NULL;
    if (!rep || !rep->res || !rep->trace)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete sweep report");
    unsigned long mark = ll_jx_mark();
    cJSON *root = sj_root(rep);
    return ll_jx_finish(root, mark, out, eb);
}

ll_status ll_io_write_sweep_json(const char *path, const ll_sweep_report *rep,
                                 ll_errbuf *eb)
{
    if (!rep || !rep->res || !rep->trace)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete sweep report");
    unsigned long mark = ll_jx_mark();
    cJSON *root = sj_root(rep);
    return sj_write(path, root, mark, eb);
}
