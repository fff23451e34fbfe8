/* The report folder of `losslab paper` (paper_io.h): each experiment's
 * result files through its own writer (trace_dir.c, exp_dir.c,
 * sweep_json.c), then report.json, report.md and report.html, every file
 * written atomically. The HTML embeds the PNGs just written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/json_exp.h"
#include "losslab/io.h"
#include "losslab/paper_io.h"
#include "losslab/sweep_io.h"

static ll_status sub(char *buf, size_t n, const char *dir, const char *name,
                     ll_errbuf *eb)
{
    if ((size_t)snprintf(buf, n, "%s/%s", dir, name) >= n)
        return ll_err(eb, LL_ERR_ARG, "io: path too long: %s/%s", dir, name);
    return LL_OK;
}

static ll_status write_m10(const char *dir, const ll_paper_report *rep,
                           ll_errbuf *eb)
{
    const ll_paper_opts *o = rep->opts;
    const ll_paper_result *r = rep->res;
    char path[4096];
    /* The trace is the one ll_coeffs_run made, with its points stored. */
    ll_trace_opts to = o->coeffs.trace;
    to.cont.store_points = 1;
    ll_trace_report tr = {&to, &o->data, rep->command_line, &r->coeffs.trace};
    ll_coeffs_report cr = {&o->coeffs, &o->data, rep->command_line,
                           &r->coeffs};
    ll_status st = sub(path, sizeof path, dir, "trace", eb);
    if (st == LL_OK && r->coeffs.trace.cont.branch.len > 0)
        st = ll_io_write_trace_dir(path, &tr, eb);
    if (st == LL_OK)
        st = sub(path, sizeof path, dir, "coeffs", eb);
    if (st == LL_OK)
        st = ll_io_write_coeffs_dir(path, &cr, eb);
    return st;
}

static ll_status write_sweep(const char *dir, const ll_paper_report *rep,
                             ll_sweep_kind kind, ll_errbuf *eb)
{
    const ll_paper_opts *o = rep->opts;
    const ll_paper_result *r = rep->res;
    char path[4096];
    ll_sweep_report sr;
    memset(&sr, 0, sizeof sr);
    sr.kind = kind;
    sr.command_line = rep->command_line;
    sr.jobs = rep->jobs;
    if (kind == LL_SWEEP_WIDTHS) {
        sr.trace = &o->widths.trace, sr.data = &o->data, sr.D = &r->data;
        sr.v_spec = o->widths.v_spec, sr.res = &r->widths;
    } else {
        sr.trace = &o->phase.trace, sr.data = &o->toy_data;
        sr.D = &r->toy_data, sr.degenerate_tol = o->phase.degenerate_tol;
        sr.res = &r->phase;
    }
    ll_status st = sub(path, sizeof path, dir, ll_sweep_kind_str(kind), eb);
    if (st == LL_OK)
        st = ll_io_write_sweep_dir(path, &sr, eb);
    return st;
}

static ll_status write_reports(const char *dir, const ll_paper_report *rep,
                               ll_errbuf *eb)
{
    char path[4096], *js = NULL, *md = NULL, *html = NULL;
    ll_status st = ll_io_paper_json(rep, &js, eb);
    if (st == LL_OK && (st = sub(path, sizeof path, dir, "report.json", eb))
                           == LL_OK)
        st = ll_jx_write(path, js, eb);
    else
        free(js);
    if (st == LL_OK)
        st = ll_io_paper_report(dir, rep, &md, &html, eb);
    if (st == LL_OK && (st = sub(path, sizeof path, dir, "report.md", eb))
                           == LL_OK)
        st = ll_io_write_atomic(path, md, strlen(md), eb);
    if (st == LL_OK && (st = sub(path, sizeof path, dir, "report.html", eb))
                           == LL_OK)
        st = ll_io_write_atomic(path, html, strlen(html), eb);
    free(md);
    free(html);
    return st;
}

ll_status ll_io_write_paper_dir(const char *dir, const ll_paper_report *rep,
                                ll_errbuf *eb)
{
    char path[4096];
    if (!rep || !rep->opts || !rep->res)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete paper report");
    const ll_paper_result *r = rep->res;
    ll_toy_report tr = {&rep->opts->toy, &rep->opts->toy_data,
                        rep->command_line, &r->toy};
    ll_status st = ll_io_mkdir_p(dir, eb);
    if (st == LL_OK)
        st = sub(path, sizeof path, dir, "toy", eb);
    if (st == LL_OK && r->toy.len > 0)
        st = ll_io_write_toy_dir(path, &tr, eb);
    if (st == LL_OK)
        st = write_m10(dir, rep, eb);
    if (st == LL_OK)
        st = write_sweep(dir, rep, LL_SWEEP_PHASE, eb);
    if (st == LL_OK)
        st = write_sweep(dir, rep, LL_SWEEP_WIDTHS, eb);
    if (st == LL_OK)
        st = write_reports(dir, rep, eb);
    return st;
}
