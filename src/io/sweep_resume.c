/* Resuming a sweep (sweep_io.h; issue 6 item 5): read DIR/items/<name>.json
 * for every item not yet done, check that its recorded config equals the
 * current one (the same object ll_sj_config(rep, 0) builds, compared key by
 * key, numbers exactly: they were written in a form that reads back
 * exactly), and fill the item from it. A mismatch refuses the whole resume,
 * naming the first key that differs, so that results of different
 * configurations are never mixed in one sweep. */
#include "io/sweep_json_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Name of the first differing key between two config objects ("data.seed"),
 * or NULL if equal. */
static int sj_diff(const cJSON *a, const cJSON *b, char *path, size_t n)
{
    if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
        size_t len = strlen(path);
        for (const cJSON *x = a->child; x; x = x->next) {
            const cJSON *y = cJSON_GetObjectItemCaseSensitive(b, x->string);
            snprintf(path + len, n - len, "%s%s", len ? "." : "", x->string);
            if (!y || sj_diff(x, y, path, n))
                return 1;
            path[len] = '\0';
        }
        for (const cJSON *y = b->child; y; y = y->next) {
            snprintf(path + len, n - len, "%s%s", len ? "." : "", y->string);
            if (!cJSON_GetObjectItemCaseSensitive(a, y->string))
                return 1;
            path[len] = '\0';
        }
        return 0;
    }
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b))
        return a->valuedouble != b->valuedouble;
    return !cJSON_Compare(a, b, 1);
}

static double get_num(const cJSON *o, const char *k)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsNumber(x) ? x->valuedouble : NAN;
}

static ll_status status_from(const cJSON *o, const char *k)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, k);
    for (int s = -64; s < 64 && cJSON_IsString(x); s++)
        if (strcmp(ll_status_name((ll_status)s), x->valuestring) == 0)
            return (ll_status)s;
    return LL_ERR_PARSE;
}

/* Array of numbers (null -> NaN) into a fresh buffer of *n. */
static double *get_array(const cJSON *o, const char *k, size_t *n)
{
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, k);
    *n = cJSON_IsArray(a) ? (size_t)cJSON_GetArraySize(a) : 0;
    double *x = malloc((*n ? *n : 1) * sizeof *x);
    size_t i = 0;
    for (const cJSON *e = a ? a->child : NULL; x && e; e = e->next, i++)
        x[i] = cJSON_IsNumber(e) ? e->valuedouble : NAN;
    return x;
}

static int sj_event_read(const cJSON *e, ll_sweep_event *s)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(e, "type");
    int ok = 0;
    for (int k = 0; k < 3 && cJSON_IsString(t); k++)
        if (strcmp(ll_event_type_str((ll_event_type)k), t->valuestring) == 0)
            s->type = (ll_event_type)k, ok = 1;
    s->lambda = get_num(e, "lambda");
    s->index_before = (int)get_num(e, "index_before");
    s->index_after = (int)get_num(e, "index_after");
    s->mu2 = get_num(e, "mu2");
    s->kernel_ratio = get_num(e, "kernel_ratio");
    s->dmu1_dlambda = get_num(e, "dmu1_dlambda");
    s->status = status_from(e, "status");
    return ok;
}

static ll_status sj_item_arrays(const cJSON *o, ll_sweep_item *it)
{
    size_t nv, nl, nm;
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "branch");
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(o, "events");
    it->v = get_array(o, "v", &nv);
    it->lambda = get_array(b, "lambda", &nl);
    it->mu1 = get_array(b, "mu1", &nm);
    it->n_events = cJSON_IsArray(ev) ? (size_t)cJSON_GetArraySize(ev) : 0;
    it->events = calloc(it->n_events ? it->n_events : 1, sizeof *it->events);
    if (!it->v || !it->lambda || !it->mu1 || !it->events)
        return LL_ERR_NOMEM;
    if (nv != it->width || nl != nm || !cJSON_IsArray(ev))
        return LL_ERR_PARSE;
    it->len = nl;
    size_t i = 0;
    for (const cJSON *e = ev->child; e; e = e->next, i++)
        if (!sj_event_read(e, &it->events[i]))
            return LL_ERR_PARSE;
    return LL_OK;
}

ll_status ll_sj_item_read(const cJSON *o, ll_sweep_item *it, ll_errbuf *eb)
{
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(o, "reason");
    const cJSON *dg = cJSON_GetObjectItemCaseSensitive(o, "degenerate_start");
    double w = get_num(o, "width");
    if (!cJSON_IsObject(o) || !(w >= 1) || !cJSON_IsString(r) ||
        !cJSON_IsBool(dg))
        return ll_err(eb, LL_ERR_PARSE, "missing or malformed keys");
    it->width = (size_t)w;
    it->dim = (size_t)get_num(o, "dim");
    it->samples = (size_t)get_num(o, "samples");
    it->status = status_from(o, "status");
    snprintf(it->reason, sizeof it->reason, "%s", r->valuestring);
    it->degenerate_start = cJSON_IsTrue(dg);
    it->mu_min0 = get_num(o, "mu_min0");
    it->lambda1_prime0 = get_num(o, "lambda1_prime0");
    it->lambda_star_predicted = get_num(o, "lambda_star_predicted");
    it->steps = (size_t)get_num(o, "steps");
    it->newton_iters = (size_t)get_num(o, "newton_iters");
    it->time = get_num(o, "time");
    ll_status st = sj_item_arrays(o, it);
    if (st != LL_OK) {
        ll_sweep_item_clear(it);
        return ll_err(eb, st, st == LL_ERR_NOMEM ? "out of memory"
                                                 : "malformed arrays or events");
    }
    it->done = 1;
    return LL_OK;
}

/* Parse one file; *root NULL (and LL_OK) if it does not exist. */
static ll_status sj_load(const char *path, cJSON **root, ll_errbuf *eb)
{
    *root = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return errno == ENOENT ? LL_OK
                               : ll_err(eb, LL_ERR_IO, "resume: cannot read "
                                        "%s: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (len + 4096 > cap) {
            char *nb = realloc(buf, cap = 2 * cap + 8192);
            if (!nb) {
                free(buf), fclose(fp);
                return ll_err(eb, LL_ERR_NOMEM, "resume: out of memory");
            }
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len - 1, fp);
        len += got;
    } while (got > 0 && len < ((size_t)1 << 28));
    fclose(fp);
    buf[len] = '\0';
    *root = cJSON_Parse(buf);
    free(buf);
    return *root ? LL_OK : ll_err(eb, LL_ERR_PARSE, "resume: %s is not valid "
                                  "JSON (delete it to rerun that item)", path);
}

/* Check one parsed file against the current config and fill the item. */
static ll_status sj_resume_one(const char *path, const cJSON *root,
                               const cJSON *cur, ll_sweep_item *it,
                               ll_errbuf *eb)
{
    char key[256] = "";
    ll_errbuf e2 = {{0}};
    const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(root, "config");
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(root, "result");
    double p = get_num(root, "param");
    if (!cfg || !res || p != it->param)
        return ll_err(eb, LL_ERR_PARSE, "resume: %s: not an item file of this "
                      "sweep (missing config/result or another parameter)",
                      path);
    if (sj_diff(cur, cfg, key, sizeof key))
        return ll_err(eb, LL_ERR_ARG, "resume: %s was computed with a "
                      "different configuration (config.%s differs); rerun "
                      "without --resume, or use another --out directory",
                      path, key);
    if (ll_sj_item_read(res, it, &e2) != LL_OK)
        return ll_err(eb, LL_ERR_PARSE, "resume: %s: %s (delete it to rerun "
                      "that item)", path, e2.msg);
    it->param = p;
    return LL_OK;
}

/* The current config as parsed JSON (numbers as numbers, like a file);
 * NULL out of memory (also when a key was lost building it: an incomplete
 * config would refuse a good item as "computed with a different
 * configuration"). */
static cJSON *sj_config_parsed(const ll_sweep_report *rep)
{
    unsigned long mark = ll_jx_mark();
    cJSON *c = ll_sj_config(rep, 0);
    char *s = c && !ll_jx_failed_since(mark) ? cJSON_PrintUnformatted(c)
                                             : NULL;
    cJSON_Delete(c);
    c = s ? cJSON_Parse(s) : NULL;
    free(s);
    return c;
}

ll_status ll_io_sweep_resume(const char *dir, const ll_sweep_report *rep,
                             ll_sweep_result *res, size_t *loaded,
                             ll_errbuf *eb)
{
    *loaded = 0;
    if (!dir || !rep || !res)
        return ll_err(eb, LL_ERR_ARG, "resume: NULL argument");
    cJSON *cur = sj_config_parsed(rep);
    size_t n = strlen(dir) + 120;
    char *path = malloc(n), name[96];
    ll_status st = cur && path ? LL_OK
                               : ll_err(eb, LL_ERR_NOMEM, "resume: out of memory");
    for (size_t i = 0; st == LL_OK && i < res->n; i++) {
        cJSON *root;
        if (res->items[i].done)
            continue;
        ll_sj_item_name(rep, i, name, sizeof name);
        snprintf(path, n, "%s/items/%s", dir, name);
        st = sj_load(path, &root, eb);
        if (st == LL_OK && root)
            st = sj_resume_one(path, root, cur, &res->items[i], eb);
        if (st == LL_OK && root)
            (*loaded)++;
        cJSON_Delete(root);
    }
    free(path);
    cJSON_Delete(cur);
    return st;
}
