/* The bifurcation diagram figure (`losslab diagram`, issue 4): the
 * continuation parameter against the chosen scalar (amplitude along the
 * first event's kernel vector, loss, or ||theta||), each branch drawn in
 * runs of constant Morse index coloured by the index (palette colour k for
 * index k, one legend entry per index), events as markers by type. Built on
 * the x-y panels of plot_xy.c (PNG or SVG, atomically). */
#include "losslab/diagram_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/plot_xy.h"
#include "losslab/linalg.h"

#define DG_MAX_INDEX_LABELS 16
/* palette colours of the event markers: fold, branch point, multiple */
static const int ev_color[3] = {6, 5, 4};
static const char *ev_label[3] = {"fold", "branch point",
                                  "multiple branch point"};

typedef struct dg_plot {
    ll_xy_panel panel;
    ll_xy_series *s;
    char labels[DG_MAX_INDEX_LABELS][24];
    double *ex, *ey;          /* event markers, grouped by type */
    char title[160], ylabel[96];
} dg_plot;

static const double *branch_y(const ll_diagram_report *rep, size_t b)
{
    const ll_diagram_study_result *r = rep->res;
    if (rep->y == LL_DIAGRAM_Y_LOSS)
        return r->diagram.branches[b].cont.branch.loss;
    return rep->y == LL_DIAGRAM_Y_NORM ? r->norm[b] : r->amplitude[b];
}

static double event_y(const ll_diagram_report *rep, const ll_event *ev)
{
    const ll_diagram_study_result *r = rep->res;
    size_t n = r->nparams;
    if (rep->y == LL_DIAGRAM_Y_LOSS)
        return ev->loss;
    if (rep->y == LL_DIAGRAM_Y_NORM)
        return ll_nrm2(n, ev->x);
    if (r->ref_event < 0)
        return NAN;
    const ll_event *ref = ll_diagram_event_at(&r->diagram,
                                              (size_t)r->ref_event);
    double a = 0.0;
    for (size_t q = 0; q < n; q++)
        a += ref->phi[q] * (ev->x[q] - ref->x[q]);
    return a;
}

/* Runs of constant index: count them (fill == 0) or fill the series from
 * P->s + first; the legend entries come first, as empty series, one per
 * index present, in increasing order (filled when fill != 0). */
static int index_runs(const ll_diagram_report *rep, dg_plot *P, int fill)
{
    const ll_diagram_result *R = &rep->res->diagram;
    int ns = 0, seen[DG_MAX_INDEX_LABELS] = {0}, nl = 0;
    for (size_t b = 0; b < R->n_branches; b++) {
        const ll_branch *br = &R->branches[b].cont.branch;
        for (size_t i = 0; i < br->len; i++)
            if (br->index[i] >= 0 && br->index[i] < DG_MAX_INDEX_LABELS)
                seen[br->index[i]] = 1;
    }
    for (int k = 0; k < DG_MAX_INDEX_LABELS; k++) {
        if (!seen[k])
            continue;
        if (fill) {
            ll_xy_series *s = &P->s[nl];
            snprintf(P->labels[k], sizeof P->labels[k], "Morse index %d", k);
            s->n = 0, s->style = LL_XY_LINE, s->color = k;
            s->label = P->labels[k];
        }
        nl++;
    }
    ns = nl;
    for (size_t b = 0; b < R->n_branches; b++) {
        const ll_branch *br = &R->branches[b].cont.branch;
        const double *y = branch_y(rep, b);
        for (size_t i0 = 0; i0 < br->len;) {
            size_t i1 = i0;
            while (i1 + 1 < br->len && br->index[i1 + 1] == br->index[i0])
                i1++;
            if (fill) {
                ll_xy_series *s = &P->s[ns];
                s->x = br->p + i0, s->y = y + i0;
                s->n = i1 + 1 - i0 + (i1 + 1 < br->len); /* joins the next */
                s->style = LL_XY_LINE, s->color = br->index[i0];
                s->label = NULL;
            }
            ns++;
            i0 = i1 + 1;
        }
    }
    return ns;
}

/* Event markers, one series per type (only events first seen here). */
static int event_series(const ll_diagram_report *rep, dg_plot *P, int ns)
{
    const ll_diagram_result *R = &rep->res->diagram;
    size_t cnt = 0;
    for (int t = 0; t < 3; t++) {
        size_t first = cnt;
        for (size_t e = 0; e < R->n_events; e++) {
            const ll_event *ev = ll_diagram_event_at(R, e);
            if (R->events[e].same_as >= 0 || (int)ev->type != t)
                continue;
            P->ex[cnt] = ev->p, P->ey[cnt] = event_y(rep, ev);
            cnt++;
        }
        if (cnt == first)
            continue;
        ll_xy_series *s = &P->s[ns++];
        s->x = P->ex + first, s->y = P->ey + first, s->n = cnt - first;
        s->style = LL_XY_MARKERS, s->color = ev_color[t];
        s->label = ev_label[t];
    }
    return ns;
}

static void draw(cairo_t *cr, const void *user)
{
    const dg_plot *P = user;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    ll_xy_draw(cr, &P->panel, 0, 0, 960, 600);
}

static void labels(const ll_diagram_report *rep, dg_plot *P)
{
    const ll_diagram_study_opts *o = rep->opts;
    const char *par = ll_diagram_param_str(o->param);
    if (o->param == LL_DIAGRAM_PARAM_ALPHA)
        snprintf(P->title, sizeof P->title, "Bifurcation diagram in alpha at "
                 "lambda = %g (m = %zu, d = %zu): %zu branches", o->lambda_fixed,
                 rep->res->width, rep->res->dim, rep->res->diagram.n_branches);
    else
        snprintf(P->title, sizeof P->title, "Bifurcation diagram in lambda "
                 "(m = %zu, d = %zu, alpha = %g): %zu branches",
                 rep->res->width, rep->res->dim, o->model.alpha,
                 rep->res->diagram.n_branches);
    snprintf(P->ylabel, sizeof P->ylabel, "%s",
             rep->y == LL_DIAGRAM_Y_LOSS   ? "loss L"
             : rep->y == LL_DIAGRAM_Y_NORM ? "||theta||"
                                           : "amplitude phi1 . (theta - theta*)");
    P->panel.title = P->title, P->panel.ylabel = P->ylabel;
    P->panel.xlabel = par;
    P->panel.zero_line = rep->y == LL_DIAGRAM_Y_AMPLITUDE;
}

ll_status ll_io_plot_diagram(const char *path, const ll_diagram_report *rep,
                             ll_errbuf *eb)
{
    if (!path || !rep || !rep->res || !rep->opts)
        return ll_err(eb, LL_ERR_ARG, "io: NULL diagram figure argument");
    dg_plot P;
    memset(&P, 0, sizeof P);
    size_t ne = rep->res->diagram.n_events;
    int ns = index_runs(rep, &P, 0);
    P.s = calloc((size_t)ns + 3, sizeof *P.s);
    P.ex = malloc((2 * ne + 2) * sizeof *P.ex);
    if (!P.s || !P.ex) {
        free(P.s), free(P.ex);
        return ll_err(eb, LL_ERR_NOMEM, "io: out of memory for the figure");
    }
    P.ey = P.ex + ne + 1;
    index_runs(rep, &P, 1);
    P.panel.s = P.s;
    P.panel.ns = event_series(rep, &P, ns);
    labels(rep, &P);
    ll_status st = ll_xy_render(path, 960, 600, draw, &P, eb);
    free(P.s);
    free(P.ex);
    return st;
}
