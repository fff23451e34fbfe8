/* A small panel toolkit for the sweep figures (see plot_panel.h): axis
 * transforms (linear, or log10 for data spanning decades such as
 * |lambda_1'(0)| ~ |K|/m), "nice" ticks (1, 2, 5 times a power of ten on a
 * linear axis; decades on a log axis, with 2 and 5 when it spans less than
 * two), cairo drawing, and one renderer for PNG (image surface) and SVG
 * (vector surface) written through an atomic file. */
#include "io/plot_panel.h"

#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "losslab/io.h"

#define LL_PI 3.14159265358979323846

void ll_panel_init(ll_panel *p, double L, double T, double R, double B,
                   int logx, int logy)
{
    memset(p, 0, sizeof *p);
    p->L = L, p->T = T, p->R = R, p->B = B;
    p->logx = logx, p->logy = logy;
    p->x0 = p->y0 = 0, p->x1 = p->y1 = 1;
}

void ll_panel_extent(const double *x, size_t n, int log, double *lo,
                     double *hi)
{
    for (size_t i = 0; x && i < n; i++)
        if (isfinite(x[i]) && (!log || x[i] > 0)) {
            *lo = fmin(*lo, x[i]);
            *hi = fmax(*hi, x[i]);
        }
}

static void axis_range(double lo, double hi, int log, double *a, double *b)
{
    if (log) {
        lo = lo > 0 && isfinite(lo) ? log10(lo) : NAN;
        hi = hi > 0 && isfinite(hi) ? log10(hi) : NAN;
    }
    if (!isfinite(lo) || !isfinite(hi) || hi < lo)
        lo = 0, hi = 1;
    if (hi - lo < 1e-12 * fmax(1.0, fabs(lo)))
        lo -= log ? 0.5 : fmax(0.5 * fabs(lo), 0.5),
        hi += log ? 0.5 : fmax(0.5 * fabs(hi), 0.5);
    double pad = 0.05 * (hi - lo);
    *a = lo - pad;
    *b = hi + pad;
}

void ll_panel_range(ll_panel *p, double xmin, double xmax, double ymin,
                    double ymax)
{
    axis_range(xmin, xmax, p->logx, &p->x0, &p->x1);
    axis_range(ymin, ymax, p->logy, &p->y0, &p->y1);
}

double ll_panel_px(const ll_panel *p, double x)
{
    double u = p->logx ? log10(x) : x;
    return p->L + (u - p->x0) / (p->x1 - p->x0) * (p->R - p->L);
}

double ll_panel_py(const ll_panel *p, double y)
{
    double u = p->logy ? log10(y) : y;
    return p->B - (u - p->y0) / (p->y1 - p->y0) * (p->B - p->T);
}

void ll_panel_text(cairo_t *cr, double x, double y, const char *s, double ax,
                   double ay, double size)
{
    cairo_text_extents_t te;
    cairo_set_font_size(cr, size);
    cairo_text_extents(cr, s, &te);
    cairo_move_to(cr, x - ax * te.width - te.x_bearing,
                  y - ay * te.height - te.y_bearing);
    cairo_show_text(cr, s);
}

static double nice_step(double range, int n)
{
    double raw = range / n, q = pow(10.0, floor(log10(raw)));
    double m = raw / q;
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * q;
}

/* Tick values (axis units) into t[], at most 32; returns the count. */
static int axis_ticks(double a, double b, int log, double *t)
{
    int n = 0;
    if (!log) {
        double st = nice_step(b - a, 6);
        for (double v = ceil(a / st) * st; v <= b + 1e-9 * st && n < 32; v += st)
            t[n++] = fabs(v) < 1e-9 * st ? 0.0 : v;
        return n;
    }
    static const double sub[] = {1, 2, 5};
    int dense = b - a < 2.0;
    for (double e = floor(a); e <= ceil(b) && n < 32; e += 1)
        for (int k = 0; k < (dense ? 3 : 1) && n < 32; k++) {
            double v = e + log10(sub[k]);
            if (v >= a && v <= b)
                t[n++] = v;
        }
    return n;
}

static void tick_label(char *buf, size_t n, double v, int log)
{
    snprintf(buf, n, "%.4g", log ? pow(10.0, v) : v);
}

static void frame_ticks(cairo_t *cr, const ll_panel *p)
{
    double t[32];
    char buf[32];
    int n = axis_ticks(p->x0, p->x1, p->logx, t);
    cairo_set_line_width(cr, 1.0);
    for (int i = 0; i < n; i++) {
        double x = p->L + (t[i] - p->x0) / (p->x1 - p->x0) * (p->R - p->L);
        cairo_set_source_rgba(cr, 0, 0, 0, 0.10);
        cairo_move_to(cr, x, p->T), cairo_line_to(cr, x, p->B), cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        tick_label(buf, sizeof buf, t[i], p->logx);
        ll_panel_text(cr, x, p->B + 6, buf, 0.5, 0.0, 12);
    }
    n = axis_ticks(p->y0, p->y1, p->logy, t);
    for (int i = 0; i < n; i++) {
        double y = p->B - (t[i] - p->y0) / (p->y1 - p->y0) * (p->B - p->T);
        cairo_set_source_rgba(cr, 0, 0, 0, 0.10);
        cairo_move_to(cr, p->L, y), cairo_line_to(cr, p->R, y), cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        tick_label(buf, sizeof buf, t[i], p->logy);
        ll_panel_text(cr, p->L - 6, y, buf, 1.0, 0.5, 12);
    }
}

void ll_panel_frame(cairo_t *cr, const ll_panel *p, const char *title,
                    const char *xlabel, const char *ylabel)
{
    frame_ticks(cr, p);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.0);
    cairo_rectangle(cr, p->L, p->T, p->R - p->L, p->B - p->T);
    cairo_stroke(cr);
    ll_panel_text(cr, 0.5 * (p->L + p->R), p->T - 10, title, 0.5, 1.0, 15);
    ll_panel_text(cr, 0.5 * (p->L + p->R), p->B + 26, xlabel, 0.5, 0.0, 13);
    cairo_save(cr);
    cairo_translate(cr, p->L - 62, 0.5 * (p->T + p->B));
    cairo_rotate(cr, -LL_PI / 2);
    ll_panel_text(cr, 0, 0, ylabel, 0.5, 0.5, 13);
    cairo_restore(cr);
}

static void set_dash(cairo_t *cr, int dashed)
{
    static const double dash[] = {6.0, 4.0};
    cairo_set_dash(cr, dashed ? dash : NULL, dashed ? 2 : 0, 0);
}

void ll_panel_hline(cairo_t *cr, const ll_panel *p, double y,
                    const double *rgb, int dashed)
{
    double py = ll_panel_py(p, y);
    if (!isfinite(py) || py < p->T || py > p->B)
        return;
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, 1.2);
    set_dash(cr, dashed);
    cairo_move_to(cr, p->L, py), cairo_line_to(cr, p->R, py);
    cairo_stroke(cr);
    set_dash(cr, 0);
}

void ll_panel_line(cairo_t *cr, const ll_panel *p, const double *x,
                   const double *y, size_t n, const double *rgb, double w,
                   int dashed)
{
    int pen = 0;
    cairo_save(cr);
    cairo_rectangle(cr, p->L, p->T, p->R - p->L, p->B - p->T);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, w);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    set_dash(cr, dashed);
    for (size_t i = 0; i < n; i++) {
        double px = ll_panel_px(p, x[i]), py = ll_panel_py(p, y[i]);
        if (!isfinite(px) || !isfinite(py)) {
            pen = 0;
            continue;
        }
        if (pen)
            cairo_line_to(cr, px, py);
        else
            cairo_move_to(cr, px, py);
        pen = 1;
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void marker_at(cairo_t *cr, double x, double y, int shape,
                      const double *rgb, double s)
{
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_set_line_width(cr, 1.8);
    switch (shape) {
    case LL_MARK_SQUARE:
        cairo_rectangle(cr, x - s, y - s, 2 * s, 2 * s), cairo_fill(cr);
        break;
    case LL_MARK_TRIANGLE:
        cairo_move_to(cr, x, y - 1.2 * s), cairo_line_to(cr, x + s, y + s);
        cairo_line_to(cr, x - s, y + s), cairo_close_path(cr), cairo_fill(cr);
        break;
    case LL_MARK_CROSS:
        cairo_move_to(cr, x - s, y - s), cairo_line_to(cr, x + s, y + s);
        cairo_move_to(cr, x - s, y + s), cairo_line_to(cr, x + s, y - s);
        cairo_stroke(cr);
        break;
    case LL_MARK_OPEN_CIRCLE:
        cairo_arc(cr, x, y, s, 0, 2 * LL_PI), cairo_stroke(cr);
        break;
    default:
        cairo_arc(cr, x, y, s, 0, 2 * LL_PI), cairo_fill(cr);
    }
}

void ll_panel_marker(cairo_t *cr, const ll_panel *p, double x, double y,
                     int shape, const double *rgb, double size)
{
    double px = ll_panel_px(p, x), py = ll_panel_py(p, y);
    if (!isfinite(px) || !isfinite(py) || px < p->L - 1 || px > p->R + 1 ||
        py < p->T - 1 || py > p->B + 1)
        return;
    marker_at(cr, px, py, shape, rgb, size);
}

void ll_panel_legend(cairo_t *cr, ll_panel *p, int shape, const double *rgb,
                     const char *text)
{
    double w = p->legend_w > 0 ? p->legend_w : 194;
    double x = p->legend_x > 0 ? p->legend_x : p->R - w + 4;
    double y = (p->legend_y > 0 ? p->legend_y : p->T + 14) + 18 * p->legend_rows++;
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_rectangle(cr, x - 6, y - 9, w, 18);
    cairo_fill(cr);
    if (shape >= 0) {
        marker_at(cr, x + 10, y, shape, rgb, 4.5);
    } else {
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_set_line_width(cr, 2.0);
        set_dash(cr, shape == -2);
        cairo_move_to(cr, x, y), cairo_line_to(cr, x + 22, y), cairo_stroke(cr);
        set_dash(cr, 0);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    ll_panel_text(cr, x + 30, y, text, 0.0, 0.5, 12);
}

void ll_panel_ramp(int k, int n, double *rgb)
{
    static const double stops[3][3] = {{0.15, 0.20, 0.55}, {0.10, 0.60, 0.35},
                                       {0.95, 0.55, 0.05}};
    double t = n > 1 ? (double)k / (double)(n - 1) : 0.0;
    int s = t < 0.5 ? 0 : 1;
    double u = t < 0.5 ? 2 * t : 2 * t - 1;
    for (int c = 0; c < 3; c++)
        rgb[c] = (1 - u) * stops[s][c] + u * stops[s + 1][c];
}

static cairo_status_t write_fp(void *closure, const unsigned char *data,
                               unsigned int len)
{
    return fwrite(data, 1, len, (FILE *)closure) == len
               ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static cairo_status_t render(FILE *fp, int svg, int W, int H,
                             void (*draw)(cairo_t *, const void *),
                             const void *ctx)
{
    cairo_surface_t *s =
        svg ? cairo_svg_surface_create_for_stream(write_fp, fp, W, H)
            : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    draw(cr, ctx);
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

ll_status ll_plot_render_file(const char *path, int W, int H,
                              void (*draw)(cairo_t *, const void *),
                              const void *ctx, ll_errbuf *eb)
{
    size_t lp = path ? strlen(path) : 0;
    int svg = lp >= 4 && strcmp(path + lp - 4, ".svg") == 0;
    int png = lp >= 4 && strcmp(path + lp - 4, ".png") == 0;
    if (!svg && !png)
        return ll_err(eb, LL_ERR_ARG, "io: figure %s must end in .png or .svg",
                      path ? path : "(null)");
    ll_io_afile *f;
    ll_status st = ll_io_afile_open(&f, path, eb);
    if (st != LL_OK)
        return st;
    cairo_status_t cs = render(ll_io_afile_stream(f), svg, W, H, draw, ctx);
    if (cs != CAIRO_STATUS_SUCCESS) {
        ll_io_afile_abort(f);
        return ll_err(eb, LL_ERR_IO, "io: cannot write %s: cairo: %s", path,
                      cairo_status_to_string(cs));
    }
    return ll_io_afile_commit(f, eb);
}
