/* The eigenvalue figure: the smallest Hessian eigenvalues mu_1..mu_k along
 * the critical branch against lambda (lines, in branch order, so a fold
 * shows as the curve turning back), the zero line, the Morse index as shaded
 * background bands, and the located events as dashed vertical lines with
 * their type. One drawing routine, rendered by cairo to PNG (image surface)
 * or SVG (vector surface).
 *
 * y axis: linear (zero crossings are the point of the figure, and a linear
 * axis keeps their slopes honest), with the range clipped to the interesting
 * region: [-K s, K s] intersected with the data range, s the 80th percentile
 * of |mu| over the drawn values, K = 3. Values outside are clipped at the
 * frame and the axis label says so. */
#include "losslab/io.h"

#include <cairo-svg.h>
#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LL_PI 3.14159265358979323846

typedef struct plot_frame {
    double x0, x1, y0, y1; /* data range */
    double L, R, T, B;     /* plot box in pixels */
    int W, H;
    int clipped;           /* the y range cuts off some values */
} plot_frame;

static const double curve_rgb[][3] = {
    {0.12, 0.47, 0.71}, {1.00, 0.50, 0.05}, {0.17, 0.63, 0.17},
    {0.84, 0.15, 0.16}, {0.58, 0.40, 0.74}, {0.55, 0.34, 0.29},
    {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50}};
static const double band_rgb[][3] = {
    {0.86, 0.94, 0.86}, {0.99, 0.90, 0.78}, {0.97, 0.82, 0.82},
    {0.88, 0.84, 0.95}, {0.85, 0.92, 0.97}};
#define N_CURVE_RGB (sizeof curve_rgb / sizeof curve_rgb[0])
#define N_BAND_RGB (sizeof band_rgb / sizeof band_rgb[0])

ll_plot_opts ll_plot_opts_default(void)
{
    ll_plot_opts o;
    o.title = NULL;
    o.lambda_min = 0.0;
    o.lambda_max = 1.0;
    o.n_curves = 6;
    o.width_px = 960;
    o.height_px = 600;
    return o;
}

static double fx(const plot_frame *f, double x)
{
    return f->L + (x - f->x0) / (f->x1 - f->x0) * (f->R - f->L);
}

static double fy(const plot_frame *f, double y)
{
    return f->B - (y - f->y0) / (f->y1 - f->y0) * (f->B - f->T);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Data range of the drawn curves and the clipped range described above. */
static void plot_yrange(const ll_branch *b, int k, plot_frame *f)
{
    size_t cnt = 0, tot = b->len * (size_t)k;
    double lo = 0.0, hi = 0.0;
    double *a = tot ? malloc(tot * sizeof *a) : NULL;
    for (size_t i = 0; i < b->len; i++)
        for (int e = 0; e < k; e++) {
            double v = b->mu[i * (size_t)b->n_eigs + (size_t)e];
            if (!isfinite(v))
                continue;
            lo = fmin(lo, v);
            hi = fmax(hi, v);
            if (a)
                a[cnt++] = fabs(v);
        }
    f->clipped = 0;
    if (a && cnt > 0) {
        qsort(a, cnt, sizeof *a, cmp_double);
        double s = 3.0 * a[(size_t)(0.8 * (double)(cnt - 1))];
        if (s > 0 && (lo < -s || hi > s)) {
            f->clipped = 1;
            lo = fmax(lo, -s);
            hi = fmin(hi, s);
        }
    }
    free(a);
    if (!(hi > lo)) {
        lo -= 1.0;
        hi += 1.0;
    }
    double pad = 0.06 * (hi - lo);
    f->y0 = lo - pad;
    f->y1 = hi + pad;
}

static void plot_xrange(const ll_branch *b, const ll_plot_opts *o,
                        plot_frame *f)
{
    f->x0 = o->lambda_min;
    f->x1 = o->lambda_max;
    for (size_t i = 0; i < b->len; i++) {
        if (isfinite(b->p[i])) {
            f->x0 = fmin(f->x0, b->p[i]);
            f->x1 = fmax(f->x1, b->p[i]);
        }
    }
    if (!(f->x1 > f->x0))
        f->x1 = f->x0 + 1.0;
}

/* A tick step of 1, 2 or 5 times a power of ten giving about n ticks. */
static double nice_step(double range, int n)
{
    double raw = range / n, p = pow(10.0, floor(log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

static void set_rgb(cairo_t *cr, const double *c, double a)
{
    cairo_set_source_rgba(cr, c[0], c[1], c[2], a);
}

static void text_at(cairo_t *cr, double x, double y, const char *s,
                    double ax, double ay)
{
    cairo_text_extents_t te;
    cairo_text_extents(cr, s, &te);
    cairo_move_to(cr, x - ax * te.width - te.x_bearing,
                  y - ay * te.height - te.y_bearing);
    cairo_show_text(cr, s);
}

/* Background bands: between consecutive points of equal index the band
 * takes that index's colour; where the index changes, the boundary is the
 * midpoint (events are located, so points crowd there). */
static void draw_bands(cairo_t *cr, const plot_frame *f, const ll_branch *b)
{
    for (size_t i = 0; i + 1 < b->len; i++) {
        double a = b->p[i], c = b->p[i + 1], mid = 0.5 * (a + c);
        int ia = b->index[i], ic = b->index[i + 1];
        int idx[2] = {ia, ic};
        double xs[3] = {a, ia == ic ? c : mid, c};
        for (int h = 0; h < 2; h++) {
            if (h == 1 && ia == ic)
                break;
            double x0 = fx(f, fmin(xs[h], xs[h + 1]));
            double x1 = fx(f, fmax(xs[h], xs[h + 1]));
            int k = idx[h] < 0 ? 0 : idx[h];
            set_rgb(cr, band_rgb[(size_t)k % N_BAND_RGB], 0.6);
            cairo_rectangle(cr, x0, f->T, fmax(x1 - x0, 0.6), f->B - f->T);
            cairo_fill(cr);
        }
    }
}

static void draw_curves(cairo_t *cr, const plot_frame *f, const ll_branch *b,
                        int k)
{
    cairo_set_line_width(cr, 1.8);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    for (int e = k - 1; e >= 0; e--) {
        int pen = 0;
        set_rgb(cr, curve_rgb[(size_t)e % N_CURVE_RGB], 1.0);
        for (size_t i = 0; i < b->len; i++) {
            double v = b->mu[i * (size_t)b->n_eigs + (size_t)e];
            if (!isfinite(v) || !isfinite(b->p[i])) {
                pen = 0;
                continue;
            }
            if (pen)
                cairo_line_to(cr, fx(f, b->p[i]), fy(f, v));
            else
                cairo_move_to(cr, fx(f, b->p[i]), fy(f, v));
            pen = 1;
        }
        cairo_stroke(cr);
    }
}

static void event_line(cairo_t *cr, const plot_frame *f, double x)
{
    static const double dash[] = {6.0, 4.0};
    cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_line_width(cr, 1.2);
    cairo_move_to(cr, x, f->T);
    cairo_line_to(cr, x, f->B);
    cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

static int cmp_event_p(const void *a, const void *b)
{
    const ll_event *x = *(const ll_event *const *)a;
    const ll_event *y = *(const ll_event *const *)b;
    return (x->p > y->p) - (x->p < y->p);
}

/* Dashed lines at the events, and rotated labels laid out left to right in
 * lambda order, each pushed right of the previous one so that clustered
 * events stay legible. */
static void draw_events(cairo_t *cr, const plot_frame *f,
                        const ll_cont_result *r)
{
    const ll_event **ev = malloc(r->n_events * sizeof *ev + 1);
    size_t n = 0;
    double next = -1e300;
    for (size_t i = 0; ev && i < r->n_events; i++)
        if (isfinite(r->events[i].p))
            ev[n++] = &r->events[i];
    if (!ev)
        return;
    qsort(ev, n, sizeof *ev, cmp_event_p);
    cairo_set_font_size(cr, 11);
    for (size_t i = 0; i < n; i++) {
        double x = fx(f, ev[i]->p), lx = fmax(x + 3, next);
        char lab[96];
        event_line(cr, f, x);
        snprintf(lab, sizeof lab, "%s %.4f (%d\xe2\x86\x92%d)",
                 ll_event_type_str(ev[i]->type), ev[i]->p,
                 ev[i]->index_before, ev[i]->index_after);
        cairo_save(cr);
        cairo_translate(cr, lx, f->T + 6);
        cairo_rotate(cr, LL_PI / 2);
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_text_extents_t te;
        cairo_text_extents(cr, lab, &te);
        cairo_rectangle(cr, -1, -te.height - 2, te.x_advance + 2, te.height + 4);
        cairo_fill(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        text_at(cr, 0, 0, lab, 0.0, 1.0);
        cairo_restore(cr);
        next = lx + 14;
    }
    free(ev);
}

static void fmt_tick(char *buf, size_t n, double v, double step)
{
    if (fabs(v) < 1e-9 * step)
        v = 0.0;
    snprintf(buf, n, "%.4g", v);
}

static void draw_xticks(cairo_t *cr, const plot_frame *f)
{
    char buf[32];
    double st = nice_step(f->x1 - f->x0, 8);
    for (double v = ceil(f->x0 / st) * st; v <= f->x1 + 1e-9 * st; v += st) {
        double x = fx(f, v);
        cairo_move_to(cr, x, f->B);
        cairo_line_to(cr, x, f->B + 5);
        cairo_stroke(cr);
        fmt_tick(buf, sizeof buf, v, st);
        text_at(cr, x, f->B + 8, buf, 0.5, 0.0);
    }
}

static void draw_yticks(cairo_t *cr, const plot_frame *f)
{
    char buf[32];
    double st = nice_step(f->y1 - f->y0, 8);
    for (double v = ceil(f->y0 / st) * st; v <= f->y1 + 1e-9 * st; v += st) {
        double y = fy(f, v);
        cairo_set_source_rgba(cr, 0, 0, 0, 0.12);
        cairo_move_to(cr, f->L, y);
        cairo_line_to(cr, f->R, y);
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_move_to(cr, f->L - 5, y);
        cairo_line_to(cr, f->L, y);
        cairo_stroke(cr);
        fmt_tick(buf, sizeof buf, v, st);
        text_at(cr, f->L - 8, y, buf, 1.0, 0.5);
    }
}

static void draw_axes(cairo_t *cr, const plot_frame *f, const char *title)
{
    cairo_set_line_width(cr, 1.0);
    cairo_set_font_size(cr, 12);
    cairo_set_source_rgb(cr, 0, 0, 0);
    draw_xticks(cr, f);
    draw_yticks(cr, f);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, f->L, f->T, f->R - f->L, f->B - f->T);
    cairo_stroke(cr);
    cairo_set_font_size(cr, 14);
    text_at(cr, 0.5 * (f->L + f->R), f->B + 32,
            "\xce\xbb (activation homotopy: 0 linear, 1 fully non-linear)",
            0.5, 0.0);
    cairo_save(cr);
    cairo_translate(cr, 18, 0.5 * (f->T + f->B));
    cairo_rotate(cr, -LL_PI / 2);
    text_at(cr, 0, 0, f->clipped ? "Hessian eigenvalue (linear axis, clipped)"
                                 : "Hessian eigenvalue (linear axis)",
            0.5, 0.5);
    cairo_restore(cr);
    cairo_set_font_size(cr, 16);
    text_at(cr, 0.5 * (f->L + f->R), 16, title, 0.5, 0.0);
}

static void legend_row(cairo_t *cr, double x, double y, const char *s)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    text_at(cr, x + 30, y, s, 0.0, 0.5);
}

static void draw_legend(cairo_t *cr, const plot_frame *f, const ll_branch *b,
                        int k)
{
    char buf[48];
    double x = f->R + 14, y = f->T + 8;
    int imax = 0;
    cairo_set_font_size(cr, 12);
    cairo_set_line_width(cr, 2.0);
    for (int e = 0; e < k; e++, y += 18) {
        set_rgb(cr, curve_rgb[(size_t)e % N_CURVE_RGB], 1.0);
        cairo_move_to(cr, x, y);
        cairo_line_to(cr, x + 24, y);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "\xce\xbc%d", e + 1);
        legend_row(cr, x, y, buf);
    }
    for (size_t i = 0; i < b->len; i++)
        imax = b->index[i] > imax ? b->index[i] : imax;
    y += 10;
    legend_row(cr, x - 30, y, "Morse index:");
    for (int m = 0; m <= imax && m < 8; m++) {
        y += 18;
        set_rgb(cr, band_rgb[(size_t)m % N_BAND_RGB], 1.0);
        cairo_rectangle(cr, x, y - 6, 24, 12);
        cairo_fill(cr);
        snprintf(buf, sizeof buf, "%d", m);
        legend_row(cr, x, y, buf);
    }
}

static void plot_draw(cairo_t *cr, const ll_cont_result *r,
                      const ll_plot_opts *o, int k)
{
    plot_frame f;
    const ll_branch *b = &r->branch;
    f.W = o->width_px;
    f.H = o->height_px;
    f.L = 84;
    f.R = f.W - 130;
    f.T = 40;
    f.B = f.H - 62;
    plot_xrange(b, o, &f);
    plot_yrange(b, k, &f);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    cairo_save(cr);
    cairo_rectangle(cr, f.L, f.T, f.R - f.L, f.B - f.T);
    cairo_clip(cr);
    draw_bands(cr, &f, b);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.0);
    cairo_move_to(cr, f.L, fy(&f, 0.0));
    cairo_line_to(cr, f.R, fy(&f, 0.0));
    cairo_stroke(cr);
    draw_curves(cr, &f, b, k);
    draw_events(cr, &f, r);
    cairo_restore(cr);
    draw_axes(cr, &f, o->title ? o->title : "Smallest Hessian eigenvalues");
    draw_legend(cr, &f, b, k);
}

static cairo_status_t write_fp(void *closure, const unsigned char *data,
                               unsigned int len)
{
    return fwrite(data, 1, len, (FILE *)closure) == len
               ? CAIRO_STATUS_SUCCESS
               : CAIRO_STATUS_WRITE_ERROR;
}

/* Render to an open atomic file; returns a cairo status. */
static cairo_status_t plot_render(FILE *fp, int svg, const ll_cont_result *r,
                                  const ll_plot_opts *o, int k)
{
    cairo_surface_t *s =
        svg ? cairo_svg_surface_create_for_stream(write_fp, fp, o->width_px,
                                                  o->height_px)
            : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, o->width_px,
                                         o->height_px);
    cairo_t *cr = cairo_create(s);
    plot_draw(cr, r, o, k);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (cs == CAIRO_STATUS_SUCCESS && !svg)
        cs = cairo_surface_write_to_png_stream(s, write_fp, fp);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    return cs;
}

static int has_ext(const char *path, const char *ext)
{
    size_t lp = strlen(path), le = strlen(ext);
    return lp >= le && strcmp(path + lp - le, ext) == 0;
}

ll_status ll_io_plot_eigenvalues(const char *path, const ll_cont_result *r,
                                 const ll_plot_opts *o, ll_errbuf *eb)
{
    ll_plot_opts def = ll_plot_opts_default();
    ll_io_afile *f;
    if (!o)
        o = &def;
    if (!r || !path)
        return ll_err(eb, LL_ERR_ARG, "io: NULL branch or path");
    int svg = has_ext(path, ".svg");
    if (!svg && !has_ext(path, ".png"))
        return ll_err(eb, LL_ERR_ARG, "io: figure %s must end in .png or .svg",
                      path);
    if (o->width_px < 200 || o->height_px < 150)
        return ll_err(eb, LL_ERR_ARG, "io: figure size %d x %d too small",
                      o->width_px, o->height_px);
    int k = r->branch.mu ? r->branch.n_eigs : 0;
    k = o->n_curves < k ? o->n_curves : k;
    ll_status st = ll_io_afile_open(&f, path, eb);
    if (st != LL_OK)
        return st;
    cairo_status_t cs = plot_render(ll_io_afile_stream(f), svg, r, o, k);
    if (cs != CAIRO_STATUS_SUCCESS) {
        ll_io_afile_abort(f);
        return ll_err(eb, LL_ERR_IO, "io: cannot write %s: cairo: %s", path,
                      cairo_status_to_string(cs));
    }
    return ll_io_afile_commit(f, eb);
}
