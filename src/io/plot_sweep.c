/* The sweep figures (sweep_io.h), drawn with the panel toolkit of
 * plot_panel.c and rendered to PNG and SVG from the same code.
 *
 * widths (MATH.md section 1 width scaling, section 4 Exp. 5), 2 x 2 panels:
 *   (a) mu_1(lambda), the smallest Hessian eigenvalue along each width's
 *       branch (colour = width), first event marked (circle fold, square
 *       branch point, triangle multiple branch point);
 *   (b) lambda* of the first event and the prediction alpha/|lambda_1'(0)|
 *       against m, log-log (the law lambda* ~ alpha m / |K| is a line of
 *       slope 1), with lambda_max dashed (triangle: no event up to it);
 *   (c) |lambda_1'(0)| against m, log-log, with the fit |K/m + K2/m^2| and
 *       |K|/m: the 1/m law is a line of slope -1;
 *   (d) |mu1/mu2| at the first event against m (log-log): how isolated the
 *       crossing eigenvalue is from the rest of the spectrum.
 * phase (Exp. 4), three panels against a: mu_min(0); lambda_1'(0); lambda*
 * of the first event and the prediction. Degenerate starts are red crosses
 * on the a axis. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/plot_panel.h"
#include "losslab/io.h"
#include "losslab/sweep_io.h"

static const double C_BLACK[3] = {0, 0, 0}, C_GREY[3] = {0.5, 0.5, 0.5};
static const double C_BLUE[3] = {0.12, 0.47, 0.71}, C_RED[3] = {0.84, 0.15, 0.16};
static const double C_ORANGE[3] = {1.0, 0.5, 0.05};

static int event_shape(ll_event_type t)
{
    return t == LL_EVENT_FOLD ? LL_MARK_CIRCLE
           : t == LL_EVENT_BRANCH_POINT ? LL_MARK_SQUARE : LL_MARK_TRIANGLE;
}

static const ll_sweep_event *first_event(const ll_sweep_item *it)
{
    return it->done && it->n_events ? &it->events[0] : NULL;
}

static void widths_panel_a(cairo_t *cr, ll_panel *p, const ll_sweep_report *rep)
{
    const ll_sweep_result *r = rep->res;
    double x0 = 0, x1 = rep->trace->cont.p_max, y0 = 0, y1 = 0, rgb[3];
    for (size_t i = 0; i < r->n; i++) {
        ll_panel_extent(r->items[i].lambda, r->items[i].len, 0, &x0, &x1);
        ll_panel_extent(r->items[i].mu1, r->items[i].len, 0, &y0, &y1);
    }
    ll_panel_range(p, x0, x1, y0, y1);
    ll_panel_frame(cr, p, "(a) smallest Hessian eigenvalue along the branch",
                   "\xce\xbb", "\xce\xbc\xe2\x82\x81(\xce\xbb)");
    ll_panel_hline(cr, p, 0.0, C_BLACK, 0);
    for (size_t i = 0; i < r->n; i++) {
        const ll_sweep_item *it = &r->items[i];
        ll_panel_ramp((int)i, (int)r->n, rgb);
        ll_panel_line(cr, p, it->lambda, it->mu1, it->len, rgb, 1.6, 0);
        const ll_sweep_event *e = first_event(it);
        if (e)
            ll_panel_marker(cr, p, e->lambda, 0.0, event_shape(e->type), rgb, 5);
    }
    /* inside, bottom left: the curves start at mu1(0) = alpha at the top
     * and fall to the right; a legend in the gutter ran into panel (b)'s
     * tick labels for five-digit widths */
    size_t rows = r->n < 24 ? r->n : 24;
    p->legend_x = p->L + 14, p->legend_w = 112;
    p->legend_y = p->B - 18.0 * (double)rows - 2.0;
    for (size_t i = 0; i < rows; i++) {
        char lab[48];
        ll_panel_ramp((int)i, (int)r->n, rgb);
        snprintf(lab, sizeof lab, "m = %.0f", r->items[i].param);
        ll_panel_legend(cr, p, -1, rgb, lab);
    }
}

static void widths_panel_b(cairo_t *cr, ll_panel *p, const ll_sweep_report *rep)
{
    const ll_sweep_result *r = rep->res;
    double lmax = rep->trace->cont.p_max, x0 = INFINITY, x1 = -INFINITY;
    double y0 = INFINITY, y1 = -INFINITY, *m = malloc(r->n * sizeof *m);
    double *pr = malloc(r->n * sizeof *pr);
    if (!m || !pr) {
        free(m), free(pr);
        return;
    }
    for (size_t i = 0; i < r->n; i++) {
        m[i] = r->items[i].param;
        pr[i] = r->items[i].done ? r->items[i].lambda_star_predicted : NAN;
    }
    /* log-log: the law lambda* ~ alpha m / |K| is a line of slope 1 */
    ll_panel_extent(m, r->n, 1, &x0, &x1);
    ll_panel_extent(pr, r->n, 1, &y0, &y1);
    ll_panel_extent(&lmax, 1, 1, &y0, &y1);
    for (size_t i = 0; i < r->n; i++) {
        const ll_sweep_event *e = first_event(&r->items[i]);
        if (e)
            ll_panel_extent(&e->lambda, 1, 1, &y0, &y1);
    }
    ll_panel_range(p, x0, x1, y0, y1);
    ll_panel_frame(cr, p, "(b) first event \xce\xbb* and the prediction "
                   "(log-log)", "width m", "\xce\xbb");
    ll_panel_hline(cr, p, lmax, C_GREY, 1);
    ll_panel_line(cr, p, m, pr, r->n, C_BLUE, 1.6, 0);
    for (size_t i = 0; i < r->n; i++) {
        const ll_sweep_event *e = first_event(&r->items[i]);
        ll_panel_marker(cr, p, m[i], pr[i], LL_MARK_OPEN_CIRCLE, C_BLUE, 4);
        if (e)
            ll_panel_marker(cr, p, m[i], e->lambda, event_shape(e->type),
                            C_RED, 5.5);
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].done && !first_event(&r->items[i]))
            ll_panel_marker(cr, p, m[i], lmax, LL_MARK_TRIANGLE, C_GREY, 4.5);
    /* below the line, above lambda_max: the prediction rises to the top
     * right on log-log */
    p->legend_w = 230, p->legend_x = p->R - 236;
    p->legend_y = p->T + 0.55 * (p->B - p->T);
    ll_panel_legend(cr, p, -1, C_BLUE, "\xce\xb1/|\xce\xbb\xe2\x82\x81'(0)| (predicted)");
    ll_panel_legend(cr, p, LL_MARK_CIRCLE, C_RED, "first event: fold");
    ll_panel_legend(cr, p, LL_MARK_SQUARE, C_RED, "first event: branch pt");
    ll_panel_legend(cr, p, LL_MARK_TRIANGLE, C_GREY, "no event up to \xce\xbb_max");
    free(m), free(pr);
}

static void widths_panel_c(cairo_t *cr, ll_panel *p, const ll_sweep_report *rep)
{
    const ll_sweep_result *r = rep->res;
    const ll_inv_fit *f = &r->fit;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    double gm[64], gf[64], gk[64];
    for (size_t i = 0; i < r->n; i++) {
        double y = r->items[i].done ? fabs(r->items[i].lambda1_prime0) : NAN;
        ll_panel_extent(&r->items[i].param, 1, 1, &x0, &x1);
        ll_panel_extent(&y, 1, 1, &y0, &y1);
    }
    for (int k = 0; k < 64 && isfinite(x0); k++) {
        gm[k] = x0 * pow(x1 / x0, k / 63.0);
        gf[k] = fabs(f->K / gm[k] + f->K2 / (gm[k] * gm[k]));
        gk[k] = fabs(f->K) / gm[k];
    }
    ll_panel_range(p, x0, x1, y0, y1);
    ll_panel_frame(cr, p, "(c) softening rate against width (log-log)",
                   "width m", "|\xce\xbb\xe2\x82\x81'(0)|");
    if (f->status == LL_OK && isfinite(x0)) {
        ll_panel_line(cr, p, gm, gf, 64, C_BLUE, 1.6, 0);
        ll_panel_line(cr, p, gm, gk, 64, C_GREY, 1.2, 1);
    }
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].done)
            ll_panel_marker(cr, p, r->items[i].param,
                            fabs(r->items[i].lambda1_prime0), LL_MARK_CIRCLE,
                            C_BLACK, 4.5);
    char lab[96];
    snprintf(lab, sizeof lab, "fit K=%.4g, K2=%.3g", f->K, f->K2);
    ll_panel_legend(cr, p, LL_MARK_CIRCLE, C_BLACK, "exact \xce\xbb\xe2\x82\x81'(0)");
    ll_panel_legend(cr, p, -1, C_BLUE, lab);
    ll_panel_legend(cr, p, -2, C_GREY, "|K|/m");
}

static void widths_panel_d(cairo_t *cr, ll_panel *p, const ll_sweep_report *rep)
{
    const ll_sweep_result *r = rep->res;
    double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) {
        const ll_sweep_event *e = first_event(&r->items[i]);
        ll_panel_extent(&r->items[i].param, 1, 1, &x0, &x1);
        if (e && e->kernel_ratio > 0)
            ll_panel_extent(&e->kernel_ratio, 1, 1, &y0, &y1), n++;
    }
    ll_panel_range(p, x0, x1, y0, y1);
    ll_panel_frame(cr, p, "(d) |\xce\xbc\xe2\x82\x81/\xce\xbc\xe2\x82\x82| at "
                   "the first event", "width m", "|\xce\xbc\xe2\x82\x81/\xce\xbc\xe2\x82\x82|");
    for (size_t i = 0; i < r->n; i++) {
        const ll_sweep_event *e = first_event(&r->items[i]);
        if (e)
            ll_panel_marker(cr, p, r->items[i].param, e->kernel_ratio,
                            event_shape(e->type), C_ORANGE, 5.5);
    }
    if (n == 0) {
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        ll_panel_text(cr, 0.5 * (p->L + p->R), 0.5 * (p->T + p->B),
                      "no event on [0, \xce\xbb_max]", 0.5, 0.5, 14);
    }
}

static void draw_widths(cairo_t *cr, const void *ctx)
{
    const ll_sweep_report *rep = ctx;
    ll_panel p;
    ll_panel_init(&p, 90, 50, 690, 450, 0, 0);
    widths_panel_a(cr, &p, rep);
    ll_panel_init(&p, 810, 50, 1410, 450, 1, 1);
    widths_panel_b(cr, &p, rep);
    ll_panel_init(&p, 90, 560, 690, 960, 1, 1);
    widths_panel_c(cr, &p, rep);
    ll_panel_init(&p, 810, 560, 1410, 960, 1, 1);
    widths_panel_d(cr, &p, rep);
}

/* Phase: values per a into y (NaN where not done). */
static void phase_series(const ll_sweep_result *r, int what, double *a,
                         double *y)
{
    for (size_t i = 0; i < r->n; i++) {
        const ll_sweep_item *it = &r->items[i];
        a[i] = it->param;
        y[i] = !it->done ? NAN : what == 0 ? it->mu_min0
               : what == 1 ? it->lambda1_prime0 : it->lambda_star_predicted;
    }
}

static void phase_degenerate_marks(cairo_t *cr, const ll_panel *p,
                                   const ll_sweep_result *r, double y)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->items[i].done && r->items[i].degenerate_start)
            ll_panel_marker(cr, p, r->items[i].param, y, LL_MARK_CROSS, C_RED, 6);
}

static void phase_panel(cairo_t *cr, ll_panel *p, const ll_sweep_report *rep,
                        int what, double *a, double *y)
{
    static const char *titles[] = {"(a) smallest eigenvalue at \xce\xbb = 0",
                                   "(b) softening rate \xce\xbb\xe2\x82\x81'(0)",
                                   "(c) first event \xce\xbb* and prediction"};
    static const char *ylab[] = {"\xce\xbc_min(0)", "\xce\xbb\xe2\x82\x81'(0)",
                                 "\xce\xbb"};
    const ll_sweep_result *r = rep->res;
    double x0 = INFINITY, x1 = -INFINITY, y0 = 0, y1 = 0;
    double lmax = rep->trace->cont.p_max;
    phase_series(r, what, a, y);
    ll_panel_extent(a, r->n, 0, &x0, &x1);
    ll_panel_extent(y, r->n, 0, &y0, &y1);
    if (what == 2)
        y1 = fmin(fmax(y1, lmax), 3 * lmax), y0 = 0;
    ll_panel_range(p, x0, x1, y0, y1);
    ll_panel_frame(cr, p, titles[what], "a  (v = (1, a))", ylab[what]);
    ll_panel_hline(cr, p, 0.0, C_BLACK, 0);
    ll_panel_line(cr, p, a, y, r->n, C_BLUE, 1.6, 0);
    for (size_t i = 0; i < r->n; i++)
        ll_panel_marker(cr, p, a[i], y[i], LL_MARK_OPEN_CIRCLE, C_BLUE, 4);
    if (what == 2) {
        ll_panel_hline(cr, p, lmax, C_GREY, 1);
        for (size_t i = 0; i < r->n; i++) {
            const ll_sweep_event *e = first_event(&r->items[i]);
            if (e)
                ll_panel_marker(cr, p, a[i], e->lambda, event_shape(e->type),
                                C_RED, 5.5);
        }
        for (size_t i = 0; i < r->n; i++)
            if (r->items[i].done && !r->items[i].degenerate_start &&
                !first_event(&r->items[i]))
                ll_panel_marker(cr, p, a[i], lmax, LL_MARK_TRIANGLE, C_GREY, 4.5);
        p->legend_y = 0.5 * (p->T + p->B) - 36;
        ll_panel_legend(cr, p, -1, C_BLUE, "predicted \xce\xb1/|\xce\xbb\xe2\x82\x81'(0)|");
        ll_panel_legend(cr, p, LL_MARK_CIRCLE, C_RED, "first event: fold");
        ll_panel_legend(cr, p, LL_MARK_SQUARE, C_RED, "first event: branch pt");
        ll_panel_legend(cr, p, LL_MARK_TRIANGLE, C_GREY, "no event up to \xce\xbb_max");
    }
    phase_degenerate_marks(cr, p, r, 0.0);
    int deg = 0;
    for (size_t i = 0; i < r->n; i++)
        deg |= r->items[i].done && r->items[i].degenerate_start;
    if (deg) {
        p->legend_y = 0.5 * (p->T + p->B);
        ll_panel_legend(cr, p, LL_MARK_CROSS, C_RED, "degenerate start");
    }
}

static void draw_phase(cairo_t *cr, const void *ctx)
{
    const ll_sweep_report *rep = ctx;
    size_t n = rep->res->n;
    double *a = malloc(n * sizeof *a), *y = malloc(n * sizeof *y);
    ll_panel p;
    for (int w = 0; a && y && w < 3; w++) {
        ll_panel_init(&p, 100 + 520.0 * w, 50, 100 + 520.0 * w + 410, 440, 0, 0);
        phase_panel(cr, &p, rep, w, a, y);
    }
    free(a), free(y);
}

ll_status ll_io_plot_sweep(const char *path, const ll_sweep_report *rep,
                           ll_errbuf *eb)
{
    if (!rep || !rep->res || !rep->trace || rep->res->n == 0)
        return ll_err(eb, LL_ERR_ARG, "io: incomplete sweep report");
    if (rep->kind == LL_SWEEP_PHASE)
        return ll_plot_render_file(path, 1580, 510, draw_phase, rep, eb);
    return ll_plot_render_file(path, 1500, 1020, draw_widths, rep, eb);
}

ll_status ll_io_write_sweep_dir(const char *dir, const ll_sweep_report *rep,
                                ll_errbuf *eb)
{
    static const char *ext[] = {"json", "png", "svg"};
    if (!dir || !rep)
        return ll_err(eb, LL_ERR_ARG, "io: NULL directory or report");
    ll_status st = ll_io_mkdir_p(dir, eb);
    size_t n = strlen(dir) + 32;
    char *path = malloc(n);
    if (!path)
        return ll_err(eb, LL_ERR_NOMEM, "io: out of memory");
    for (int k = 0; st == LL_OK && k < 3; k++) {
        snprintf(path, n, "%s/%s.%s", dir, ll_sweep_kind_str(rep->kind), ext[k]);
        st = k == 0 ? ll_io_write_sweep_json(path, rep, eb)
                    : ll_io_plot_sweep(path, rep, eb);
    }
    free(path);
    return st;
}
