/* The --out directory of a trace: trace.json, branch.csv and the eigenvalue
 * figure as PNG and SVG, each written atomically. */
#include "losslab/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static ll_status write_one(const char *dir, const char *name,
                           const ll_trace_report *rep, ll_errbuf *eb)
{
    ll_status st;
    char *path = join(dir, name);
    if (!path)
        return ll_err(eb, LL_ERR_NOMEM, "io: out of memory");
    if (strcmp(name, "trace.json") == 0) {
        st = ll_io_write_trace_json(path, rep, eb);
    } else if (strcmp(name, "branch.csv") == 0) {
        st = ll_io_write_branch_csv(path, &rep->res->cont, eb);
    } else {
        char title[160];
        ll_plot_opts po = ll_plot_opts_default();
        const ll_trace_opts *o = rep->opts;
        snprintf(title, sizeof title,
                 "Critical branch from the linear minimiser: m = %zu, d = %zu, "
                 "N = %zu, %s, alpha = %g", rep->res->width, rep->res->dim,
                 rep->res->samples, o->model.act ? o->model.act->name : "?",
                 o->model.alpha);
        po.title = title;
        po.lambda_min = o->cont.p_min;
        po.lambda_max = o->cont.p_max;
        st = ll_io_plot_eigenvalues(path, &rep->res->cont, &po, eb);
    }
    free(path);
    return st;
}

ll_status ll_io_write_trace_dir(const char *dir, const ll_trace_report *rep,
                                ll_errbuf *eb)
{
    static const char *names[] = {"trace.json", "branch.csv",
                                  "eigenvalues.png", "eigenvalues.svg"};
    if (!rep || !rep->opts || !rep->res)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete trace report");
    ll_status st = ll_io_mkdir_p(dir, eb);
    for (size_t i = 0; st == LL_OK && i < 4; i++)
        st = write_one(dir, names[i], rep, eb);
    return st;
}
