/* The diagram JSON (`losslab diagram`, issue 4): configuration with
 * provenance, the symmetry subspaces, every branch (points, Morse index from
 * the LDL^T inertia, the figure's scalars, its events) and every event
 * (type, coefficients, the branches that meet there, the Morse bookkeeping
 * and its checks). Keys are listed in diagram_study.h and the README. */
#include "losslab/diagram_study.h"

#include <math.h>
#include <stdlib.h>

#include "io/json_exp.h"

static cJSON *dg_config(const ll_diagram_report *rep)
{
    const ll_diagram_study_opts *o = rep->opts;
    const ll_diagram_study_result *r = rep->res;
    cJSON *c = cJSON_CreateObject();
    cJSON_AddItemToObject(c, "data", ll_jx_data_source(rep->data));
    cJSON_AddBoolToObject(c, "toy_data", rep->toy_data);
    ll_jx_add_model(c, &o->model, r->dim, r->samples, r->width, r->nparams,
                    r->v);
    cJSON_AddStringToObject(c, "param", ll_diagram_param_str(o->param));
    ll_jx_add_num(c, "lambda_fixed", o->param == LL_DIAGRAM_PARAM_ALPHA
                                         ? o->lambda_fixed : NAN);
    ll_jx_add_num(c, "p_min", o->diagram.cont.p_min);
    ll_jx_add_num(c, "p_max", o->diagram.cont.p_max);
    cJSON_AddNumberToObject(c, "depth", o->diagram.depth);
    cJSON_AddNumberToObject(c, "max_branches", (double)o->diagram.max_branches);
    ll_jx_add_num(c, "dedup_tol", o->diagram.dedup_tol);
    cJSON_AddBoolToObject(c, "auto_symmetry", o->auto_symmetry);
    ll_jx_add_num(c, "v_equal_tol", o->v_equal_tol);
    cJSON_AddStringToObject(c, "y", ll_diagram_y_str(rep->y));
    cJSON_AddItemToObject(c, "continuation", ll_jx_cont_opts(&o->diagram.cont));
    ll_jx_add_seed(c, rep->data);
    ll_jx_provenance(c, rep->command_line);
    return c;
}

static cJSON *dg_symmetry(const ll_diagram_symmetry *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "classes", (double)s->n_classes);
    cJSON *a = cJSON_AddArrayToObject(o, "subspaces");
    for (size_t i = 0; a && i < s->n; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "id", (double)i);
        ll_jx_add_str(e, "name", s->subs[i].name);
        cJSON_AddNumberToObject(e, "dim", (double)s->subs[i].k);
        cJSON_AddNumberToObject(e, "copies", (double)s->subs[i].copies);
        cJSON_AddItemToArray(a, e);
    }
    if (s->has_start) {
        cJSON *e = cJSON_AddObjectToObject(o, "start");
        ll_jx_add_str(e, "name", s->start.name);
        cJSON_AddNumberToObject(e, "dim", (double)s->start.k);
    } else {
        cJSON_AddNullToObject(o, "start");
    }
    return o;
}

static cJSON *dg_branch(const ll_diagram_study_result *r, size_t b)
{
    const ll_diagram_branch *B = &r->diagram.branches[b];
    const ll_branch *br = &B->cont.branch;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)b);
    cJSON_AddNumberToObject(o, "parent_event", B->parent_event);
    cJSON_AddNumberToObject(o, "side", B->side);
    cJSON_AddNumberToObject(o, "subspace", B->subspace);
    cJSON_AddNumberToObject(o, "depth", B->depth);
    cJSON_AddStringToObject(o, "status", ll_status_str(B->cont.status));
    ll_jx_add_str(o, "reason", B->cont.reason);
    ll_jx_add_str(o, "switch_method", B->parent_event < 0 ? NULL
                                      : ll_switch_method_str(B->sw.method));
    cJSON_AddItemToObject(o, "p", ll_jx_nums(br->p, br->len));
    cJSON_AddItemToObject(o, "index", ll_jx_ints(br->index, br->len));
    cJSON_AddItemToObject(o, "loss", ll_jx_nums(br->loss, br->len));
    cJSON_AddItemToObject(o, "amplitude", ll_jx_nums(r->amplitude[b], br->len));
    cJSON_AddItemToObject(o, "norm", ll_jx_nums(r->norm[b], br->len));
    cJSON *mu = cJSON_AddArrayToObject(o, "mu1");
    for (size_t i = 0; mu && br->n_eigs > 0 && i < br->len; i++)
        cJSON_AddItemToArray(mu, ll_jx_num(br->mu[i * (size_t)br->n_eigs]));
    cJSON *ev = cJSON_AddArrayToObject(o, "events");
    for (size_t e = 0; ev && e < r->diagram.n_events; e++)
        if (r->diagram.events[e].branch == (int)b)
            cJSON_AddItemToArray(ev, cJSON_CreateNumber((double)e));
    return o;
}

static cJSON *dg_morse(const ll_diagram_event *E)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "known_index_minus", E->known_index_minus);
    cJSON_AddNumberToObject(o, "known_index_plus", E->known_index_plus);
    cJSON_AddNumberToObject(o, "degree_minus", E->degree_minus);
    cJSON_AddNumberToObject(o, "degree_plus", E->degree_plus);
    cJSON_AddNumberToObject(o, "degree_ok", E->degree_ok);
    cJSON_AddNumberToObject(o, "normal_form_ok", E->normal_form_ok);
    ll_jx_add_str(o, "statement", E->statement[0] ? E->statement : NULL);
    return o;
}

static cJSON *dg_event(const ll_diagram_result *R, size_t e)
{
    const ll_diagram_event *E = &R->events[e];
    const ll_event *ev = ll_diagram_event_at(R, e);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)e);
    cJSON_AddNumberToObject(o, "branch", E->branch);
    cJSON_AddStringToObject(o, "type", ll_event_type_str(ev->type));
    ll_jx_add_num(o, "p", ev->p);
    cJSON_AddBoolToObject(o, "at_start", E->at_start);
    cJSON_AddBoolToObject(o, "located", ev->located || E->at_start);
    cJSON_AddNumberToObject(o, "index_before", ev->index_before);
    cJSON_AddNumberToObject(o, "index_after", ev->index_after);
    ll_jx_add_num(o, "mu1", ev->mu1);
    ll_jx_add_num(o, "mu2", ev->mu2);
    ll_jx_add_num(o, "loss", ev->loss);
    cJSON_AddItemToObject(o, "coefficients", ll_jx_coef(&ev->coef));
    cJSON_AddNumberToObject(o, "same_as", E->same_as);
    cJSON_AddBoolToObject(o, "switched", E->switched);
    cJSON_AddItemToObject(o, "born", ll_jx_ints(E->born, E->n_born));
    cJSON_AddItemToObject(o, "meets", ll_jx_ints(E->meets, E->n_meets));
    cJSON_AddItemToObject(o, "morse", dg_morse(E));
    cJSON_AddStringToObject(o, "status", ll_status_str(E->status != LL_OK
                                                           ? E->status
                                                           : ev->status));
    ll_jx_add_str(o, "reason", E->reason[0] ? E->reason : ev->reason);
    return o;
}

static cJSON *dg_checks(const ll_diagram_result *R)
{
    int sw = 0, dok = 0, dbad = 0, nok = 0, nbad = 0;
    for (size_t e = 0; e < R->n_events; e++) {
        const ll_diagram_event *E = &R->events[e];
        sw += E->switched;
        dok += E->degree_ok == 1, dbad += E->degree_ok == 0;
        nok += E->normal_form_ok == 1, nbad += E->normal_form_ok == 0;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "events_switched", sw);
    cJSON_AddNumberToObject(o, "degree_ok", dok);
    cJSON_AddNumberToObject(o, "degree_failed", dbad);
    cJSON_AddNumberToObject(o, "normal_form_ok", nok);
    cJSON_AddNumberToObject(o, "normal_form_failed", nbad);
    cJSON_AddStringToObject(o, "index_source", "inertia of the LDL^T "
                            "(Bunch-Kaufman) factorisation of H at every "
                            "stored point of every branch");
    return o;
}

static cJSON *dg_root(const ll_diagram_report *rep)
{
    const ll_diagram_study_result *r = rep->res;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "config", dg_config(rep));
    cJSON_AddStringToObject(root, "status", ll_status_str(r->status));
    ll_jx_add_str(root, "reason", r->reason);
    cJSON *st = cJSON_AddObjectToObject(root, "start");
    ll_jx_add_num(st, "p0", r->p0);
    cJSON_AddBoolToObject(st, "degenerate", r->diagram.has_start_event);
    cJSON_AddNumberToObject(root, "reference_event", r->ref_event);
    cJSON_AddItemToObject(root, "symmetry", dg_symmetry(&r->sym));
    cJSON *bs = cJSON_AddArrayToObject(root, "branches");
    for (size_t b = 0; bs && b < r->diagram.n_branches; b++)
        cJSON_AddItemToArray(bs, dg_branch(r, b));
    cJSON *es = cJSON_AddArrayToObject(root, "events");
    for (size_t e = 0; es && e < r->diagram.n_events; e++)
        cJSON_AddItemToArray(es, dg_event(&r->diagram, e));
    cJSON_AddItemToObject(root, "checks", dg_checks(&r->diagram));
    ll_jx_add_num(root, "time_total", r->time_total);
    return root;
}

ll_status ll_io_diagram_json(const ll_diagram_report *rep, char **out,
                             ll_errbuf *eb)
{
    if (!rep || !rep->opts || !rep->res || !out)
        return ll_err(eb, LL_ERR_ARG, "io: NULL diagram report");
    unsigned long mark = ll_jx_mark();
    cJSON *root = dg_root(rep);
    return ll_jx_finish(root, mark, out, eb);
}

ll_status ll_io_write_diagram_json(const char *path,
                                   const ll_diagram_report *rep,
                                   ll_errbuf *eb)
{
    char *s = NULL;
    ll_status st = ll_io_diagram_json(rep, &s, eb);
    return st == LL_OK ? ll_jx_write(path, s, eb) : st;
}
