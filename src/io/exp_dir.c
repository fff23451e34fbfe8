/* The --out directories of `toy` and `coeffs`: the JSON and every figure
 * (PNG and SVG), each written atomically. */
#include "losslab/experiments.h"
#include "losslab/io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ll_status dir_path(char *buf, size_t n, const char *dir,
                          const char *name, ll_errbuf *eb)
{
    if ((size_t)snprintf(buf, n, "%s/%s", dir, name) >= n)
        return ll_err(eb, LL_ERR_ARG, "io: path too long: %s/%s", dir, name);
    return LL_OK;
}

typedef ll_status (*toy_fig)(const char *, const ll_toy_result *, ll_errbuf *);
typedef ll_status (*cf_fig)(const char *, const ll_coeffs_result *,
                            ll_errbuf *);

ll_status ll_io_write_toy_dir(const char *dir, const ll_toy_report *rep,
                              ll_errbuf *eb)
{
    static const char *names[] = {"toy_eigenvalues", "toy_lines",
                                  "toy_contours"};
    static const toy_fig figs[] = {ll_io_plot_toy_eigs, ll_io_plot_toy_lines,
                                   ll_io_plot_toy_contours};
    static const char *ext[] = {".png", ".svg"};
    char path[4096], name[64];
    if (!rep || !rep->res)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete toy report");
    ll_status st = ll_io_mkdir_p(dir, eb);
    if (st == LL_OK)
        st = dir_path(path, sizeof path, dir, "toy.json", eb);
    if (st == LL_OK)
        st = ll_io_write_toy_json(path, rep, eb);
    for (int f = 0; st == LL_OK && f < 3; f++)
        for (int e = 0; st == LL_OK && e < 2; e++) {
            snprintf(name, sizeof name, "%s%s", names[f], ext[e]);
            st = dir_path(path, sizeof path, dir, name, eb);
            if (st == LL_OK)
                st = figs[f](path, rep->res, eb);
        }
    return st;
}

ll_status ll_io_write_coeffs_dir(const char *dir, const ll_coeffs_report *rep,
                                 ll_errbuf *eb)
{
    static const char *names[] = {"coeffs_line", "coeffs_c2_mu"};
    static const cf_fig figs[] = {ll_io_plot_coeffs_line, ll_io_plot_coeffs_mu};
    static const char *ext[] = {".png", ".svg"};
    char path[4096], name[64];
    if (!rep || !rep->res)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete coeffs report");
    ll_status st = ll_io_mkdir_p(dir, eb);
    if (st == LL_OK)
        st = dir_path(path, sizeof path, dir, "coeffs.json", eb);
    if (st == LL_OK)
        st = ll_io_write_coeffs_json(path, rep, eb);
    for (int f = 0; st == LL_OK && rep->res->have_event && f < 2; f++)
        for (int e = 0; st == LL_OK && e < 2; e++) {
            snprintf(name, sizeof name, "%s%s", names[f], ext[e]);
            st = dir_path(path, sizeof path, dir, name, eb);
            if (st == LL_OK)
                st = figs[f](path, rep->res, eb);
        }
    return st;
}
