/* The toy JSON (`losslab toy`, MATH.md section 4 Exp. 1): configuration,
 * the branch with the transverse / longitudinal eigenvalues, the events of
 * the full problem, the line restrictions and the contour lattices. Keys
 * are listed in the README section of the command. */
#include "losslab/experiments.h"

#include <math.h>
#include <stdlib.h>

#include "io/json_exp.h"

static cJSON *toy_config(const ll_toy_report *rep)
{
    const ll_toy_opts *o = rep->opts;
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "data", ll_jx_data_source(rep->data));
    cJSON_AddNumberToObject(c, "samples", (double)rep->res->samples);
    cJSON_AddNumberToObject(c, "dim", 1);
    cJSON_AddNumberToObject(c, "width", 2);
    ll_jx_add_str(c, "act", o->act ? o->act->name : NULL);
    ll_jx_add_num(c, "alpha", o->alpha);
    cJSON_AddItemToObject(c, "v", ll_jx_nums(o->v, 2));
    ll_jx_add_num(c, "lambda_max", o->cont.p_max);
    cJSON_AddItemToObject(c, "continuation", ll_jx_cont_opts(&o->cont));
    ll_jx_add_num(c, "locate_tol", o->locate_tol);
    cJSON *l = cJSON_AddObjectToObject(c, "line");
    cJSON_AddItemToObject(l, "lambdas", ll_jx_nums(o->line_lambda, o->n_line));
    ll_jx_add_num(l, "amax", o->line_amax);
    cJSON_AddNumberToObject(l, "points", (double)o->line_points);
    cJSON *k = cJSON_AddObjectToObject(c, "contour");
    cJSON_AddItemToObject(k, "lambdas",
                          ll_jx_nums(o->contour_lambda, o->n_contour));
    cJSON_AddNumberToObject(k, "grid", (double)o->grid);
    ll_jx_add_num(k, "window", o->window);
    ll_jx_add_seed(c, rep->data);
    ll_jx_provenance(c, rep->command_line);
    return c;
}

static cJSON *toy_branch(const ll_toy_result *r)
{
    cJSON *b = cJSON_CreateObject();
    double off = 0.0;
    cJSON_AddItemToObject(b, "lambda", ll_jx_nums(r->lambda, r->len));
    cJSON_AddItemToObject(b, "s", ll_jx_nums(r->s, r->len));
    cJSON_AddItemToObject(b, "w1", ll_jx_nums(r->w1, r->len));
    cJSON_AddItemToObject(b, "w2", ll_jx_nums(r->w2, r->len));
    cJSON_AddItemToObject(b, "mu_T", ll_jx_nums(r->mu_T, r->len));
    cJSON_AddItemToObject(b, "mu_L", ll_jx_nums(r->mu_L, r->len));
    cJSON_AddItemToObject(b, "offdiag", ll_jx_nums(r->offdiag, r->len));
    cJSON *e = cJSON_AddArrayToObject(b, "eig");
    for (size_t k = 0; k < r->len; k++) {
        cJSON_AddItemToArray(e, ll_jx_nums(r->eig + 2 * k, 2));
        off = fmax(off, fabs(r->offdiag[k]));
    }
    cJSON_AddItemToObject(b, "index", ll_jx_ints(r->index, r->len));
    cJSON_AddItemToObject(b, "loss", ll_jx_nums(r->loss, r->len));
    cJSON_AddItemToObject(b, "grad_norm", ll_jx_nums(r->grad_norm, r->len));
    ll_jx_add_num(b, "max_abs_offdiag", off);
    return b;
}

static cJSON *toy_event(const ll_toy_event *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "type", e->type);
    cJSON_AddBoolToObject(o, "from_transverse", e->from_transverse);
    ll_jx_add_num(o, "lambda", e->lambda);
    cJSON_AddItemToObject(o, "w", ll_jx_nums(e->w, 2));
    cJSON_AddNumberToObject(o, "index_before", e->index_before);
    cJSON_AddNumberToObject(o, "index_after", e->index_after);
    ll_jx_add_num(o, "mu_T", e->mu_T);
    ll_jx_add_num(o, "mu_L", e->mu_L);
    ll_jx_add_num(o, "dmuT_dlambda", e->dmuT_dlambda);
    ll_jx_add_num(o, "locate_dp", e->locate_dp);
    cJSON_AddItemToObject(o, "coefficients", ll_jx_coef(&e->coef));
    cJSON_AddStringToObject(o, "status", ll_status_name(e->status));
    cJSON_AddStringToObject(o, "reason", e->reason);
    return o;
}

static cJSON *toy_line(const ll_toy_line *l)
{
    cJSON *o = cJSON_CreateObject();
    ll_jx_add_num(o, "lambda", l->lambda);
    cJSON_AddItemToObject(o, "w", ll_jx_nums(l->w, 2));
    cJSON_AddItemToObject(o, "a", ll_jx_nums(l->a, l->len));
    cJSON_AddItemToObject(o, "phi", ll_jx_nums(l->phi, l->len));
    cJSON *f = cJSON_AddObjectToObject(o, "fit");
    ll_jx_add_num(f, "c2", l->c2);
    ll_jx_add_num(f, "c3", l->c3);
    ll_jx_add_num(f, "c4", l->c4);
    ll_jx_add_num(f, "resid", l->resid);
    cJSON_AddStringToObject(o, "status", ll_status_name(l->status));
    return o;
}

static cJSON *toy_contour(const ll_toy_contour *c)
{
    cJSON *o = cJSON_CreateObject();
    ll_jx_add_num(o, "lambda", c->lambda);
    cJSON_AddItemToObject(o, "w", ll_jx_nums(c->w, 2));
    ll_jx_add_num(o, "loss_star", c->loss_star);
    cJSON_AddItemToObject(o, "w1", ll_jx_nums(c->w1, c->grid));
    cJSON_AddItemToObject(o, "w2", ll_jx_nums(c->w2, c->grid));
    cJSON *L = cJSON_AddArrayToObject(o, "loss");
    for (size_t j = 0; c->L && j < c->grid; j++) /* row j: w2 = w2[j] */
        cJSON_AddItemToArray(L, ll_jx_nums(c->L + j * c->grid, c->grid));
    cJSON_AddStringToObject(o, "status", ll_status_name(c->status));
    return o;
}

ll_status ll_io_toy_json(const ll_toy_report *rep, char **out, ll_errbuf *eb)
{
    *out = NULL;
    if (!rep || !rep->opts || !rep->res)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete toy report");
    const ll_toy_result *r = rep->res;
    unsigned long mark = ll_jx_mark();
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "config", toy_config(rep));
    cJSON_AddStringToObject(root, "status", ll_status_name(r->status));
    cJSON_AddStringToObject(root, "reason", r->reason);
    cJSON_AddBoolToObject(root, "symmetric", r->symmetric);
    cJSON_AddItemToObject(root, "e_T", ll_jx_nums(r->e_T, 2));
    cJSON_AddItemToObject(root, "e_L", ll_jx_nums(r->e_L, 2));
    cJSON_AddBoolToObject(root, "start_degenerate", r->start_degenerate);
    cJSON_AddItemToObject(root, "branch", toy_branch(r));
    cJSON *ev = cJSON_AddArrayToObject(root, "events");
    for (size_t i = 0; i < r->n_events; i++)
        cJSON_AddItemToArray(ev, toy_event(&r->events[i]));
    cJSON *ln = cJSON_AddArrayToObject(root, "lines");
    for (size_t i = 0; i < r->n_line; i++)
        cJSON_AddItemToArray(ln, toy_line(&r->lines[i]));
    cJSON *ct = cJSON_AddArrayToObject(root, "contours");
    for (size_t i = 0; i < r->n_contour; i++)
        cJSON_AddItemToArray(ct, toy_contour(&r->contours[i]));
    cJSON *st = cJSON_AddObjectToObject(root, "stats");
    cJSON_AddNumberToObject(st, "steps", (double)r->len);
    ll_jx_add_num(st, "time_total", r->time_total);
    return ll_jx_finish(root, mark, out, eb);
}

ll_status ll_io_write_toy_json(const char *path, const ll_toy_report *rep,
                               ll_errbuf *eb)
{
    char *s;
    ll_status st = ll_io_toy_json(rep, &s, eb);
    return st == LL_OK ? ll_jx_write(path, s, eb) : st;
}
