/* x-y panels for the experiment figures (toy, coeffs): linear axes with
 * 1-2-5 ticks, lines / markers / dashed lines per series, dashed vertical
 * markers (events), a legend in the upper right corner, and PNG/SVG output
 * through cairo and the atomic files of src/io/atomic.c (same scheme as the
 * eigenvalue figure of src/io/plot.c). */
#include "io/plot_xy.h"

#include <cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "losslab/io.h"

#define LL_XY_PI 3.14159265358979323846

static const double pal[][3] = {
    {0.12, 0.47, 0.71}, {0.84, 0.15, 0.16}, {0.17, 0.63, 0.17},
    {1.00, 0.50, 0.05}, {0.58, 0.40, 0.74}, {0.55, 0.34, 0.29},
    {0.89, 0.47, 0.76}, {0.50, 0.50, 0.50}};
#define NPAL (sizeof pal / sizeof pal[0])

void ll_xy_color(cairo_t *cr, int i, double a)
{
    const double *c = pal[(size_t)(i < 0 ? 0 : i) % NPAL];
    cairo_set_source_rgba(cr, c[0], c[1], c[2], a);
}

void ll_xy_text(cairo_t *cr, double x, double y, const char *s, double ax,
                double ay)
{
    cairo_text_extents_t te;
    cairo_text_extents(cr, s, &te);
    cairo_move_to(cr, x - ax * te.width - te.x_bearing,
                  y - ay * te.height - te.y_bearing);
    cairo_show_text(cr, s);
}

double ll_xy_nice_step(double range, int n)
{
    double raw = range / n, p = pow(10.0, floor(log10(raw)));
    double m = raw / p;
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : m < 7.5 ? 5.0 : 10.0) * p;
}

typedef struct xy_frame {
    double x0, x1, y0, y1, L, R, T, B;
} xy_frame;

static double fx(const xy_frame *f, double x)
{
    return f->L + (x - f->x0) / (f->x1 - f->x0) * (f->R - f->L);
}

static double fy(const xy_frame *f, double y)
{
    return f->B - (y - f->y0) / (f->y1 - f->y0) * (f->B - f->T);
}

static void xy_range(const ll_xy_panel *p, xy_frame *f)
{
    f->x0 = f->y0 = INFINITY;
    f->x1 = f->y1 = -INFINITY;
    for (int k = 0; k < p->ns; k++)
        for (size_t i = 0; i < p->s[k].n; i++) {
            double x = p->s[k].x[i], y = p->s[k].y[i];
            if (!isfinite(x) || !isfinite(y))
                continue;
            f->x0 = fmin(f->x0, x);
            f->x1 = fmax(f->x1, x);
            f->y0 = fmin(f->y0, y);
            f->y1 = fmax(f->y1, y);
        }
    if (p->zero_line && isfinite(f->y0)) {
        f->y0 = fmin(f->y0, 0.0);
        f->y1 = fmax(f->y1, 0.0);
    }
    if (!isfinite(f->x0)) {
        f->x0 = 0, f->x1 = 1, f->y0 = 0, f->y1 = 1;
    }
    if (!(f->x1 > f->x0))
        f->x0 -= 0.5, f->x1 += 0.5;
    double sc = fmax(fabs(f->y0), fabs(f->y1));
    if (!(f->y1 - f->y0 > 1e-12 * sc) || !(f->y1 > f->y0)) {
        double d = sc > 0 ? 0.1 * sc : 1.0;
        f->y0 -= d, f->y1 += d;
    }
    double pad = 0.06 * (f->y1 - f->y0);
    f->y0 -= pad;
    f->y1 += pad;
}

static void xy_ticks(cairo_t *cr, const xy_frame *f)
{
    char buf[32];
    double st = ll_xy_nice_step(f->x1 - f->x0, 6);
    cairo_set_font_size(cr, 11);
    cairo_set_line_width(cr, 1.0);
    for (double v = ceil(f->x0 / st) * st; v <= f->x1 + 1e-9 * st; v += st) {
        snprintf(buf, sizeof buf, "%.4g", fabs(v) < 1e-9 * st ? 0.0 : v);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_move_to(cr, fx(f, v), f->B);
        cairo_line_to(cr, fx(f, v), f->B + 4);
        cairo_stroke(cr);
        ll_xy_text(cr, fx(f, v), f->B + 7, buf, 0.5, 0.0);
    }
    st = ll_xy_nice_step(f->y1 - f->y0, 6);
    for (double v = ceil(f->y0 / st) * st; v <= f->y1 + 1e-9 * st; v += st) {
        snprintf(buf, sizeof buf, "%.4g", fabs(v) < 1e-9 * st ? 0.0 : v);
        cairo_set_source_rgba(cr, 0, 0, 0, 0.12);
        cairo_move_to(cr, f->L, fy(f, v));
        cairo_line_to(cr, f->R, fy(f, v));
        cairo_stroke(cr);
        cairo_set_source_rgb(cr, 0, 0, 0);
        ll_xy_text(cr, f->L - 6, fy(f, v), buf, 1.0, 0.5);
    }
}

static void xy_series(cairo_t *cr, const xy_frame *f, const ll_xy_series *s)
{
    static const double dash[] = {7.0, 4.0};
    int pen = 0;
    ll_xy_color(cr, s->color, 1.0);
    cairo_set_line_width(cr, 2.0);
    cairo_set_dash(cr, s->style == LL_XY_DASHED ? dash : NULL,
                   s->style == LL_XY_DASHED ? 2 : 0, 0);
    for (size_t i = 0; i < s->n; i++) {
        double x = s->x[i], y = s->y[i];
        if (!isfinite(x) || !isfinite(y)) {
            pen = 0;
            continue;
        }
        if (s->style == LL_XY_MARKERS) {
            cairo_new_sub_path(cr);
            cairo_arc(cr, fx(f, x), fy(f, y), 3.5, 0, 2 * LL_XY_PI);
            cairo_fill(cr);
            continue;
        }
        if (pen)
            cairo_line_to(cr, fx(f, x), fy(f, y));
        else
            cairo_move_to(cr, fx(f, x), fy(f, y));
        pen = 1;
    }
    if (s->style != LL_XY_MARKERS)
        cairo_stroke(cr);
    cairo_set_dash(cr, NULL, 0, 0);
}

static void xy_legend(cairo_t *cr, const xy_frame *f, const ll_xy_panel *p)
{
    double y = f->T + 14, w = 0;
    cairo_text_extents_t te;
    cairo_set_font_size(cr, 11);
    for (int k = 0; k < p->ns; k++)
        if (p->s[k].label) {
            cairo_text_extents(cr, p->s[k].label, &te);
            w = fmax(w, te.x_advance);
        }
    if (w == 0)
        return;
    double x = f->R - w - 40;
    for (int k = 0; k < p->ns; k++) {
        if (!p->s[k].label)
            continue;
        cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
        cairo_rectangle(cr, x - 4, y - 8, w + 38, 16);
        cairo_fill(cr);
        ll_xy_color(cr, p->s[k].color, 1.0);
        if (p->s[k].style == LL_XY_MARKERS) {
            cairo_arc(cr, x + 11, y, 3.5, 0, 2 * LL_XY_PI);
            cairo_fill(cr);
        } else {
            cairo_set_line_width(cr, 2.0);
            cairo_move_to(cr, x, y);
            cairo_line_to(cr, x + 22, y);
            cairo_stroke(cr);
        }
        cairo_set_source_rgb(cr, 0, 0, 0);
        ll_xy_text(cr, x + 28, y, p->s[k].label, 0.0, 0.5);
        y += 16;
    }
}

static void xy_labels(cairo_t *cr, const xy_frame *f, const ll_xy_panel *p)
{
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_font_size(cr, 12);
    if (p->xlabel)
        ll_xy_text(cr, 0.5 * (f->L + f->R), f->B + 24, p->xlabel, 0.5, 0.0);
    if (p->ylabel) {
        cairo_save(cr);
        cairo_translate(cr, f->L - 58, 0.5 * (f->T + f->B));
        cairo_rotate(cr, -LL_XY_PI / 2);
        ll_xy_text(cr, 0, 0, p->ylabel, 0.5, 0.5);
        cairo_restore(cr);
    }
    cairo_set_font_size(cr, 13);
    if (p->title)
        ll_xy_text(cr, 0.5 * (f->L + f->R), f->T - 10, p->title, 0.5, 1.0);
}

void ll_xy_draw(cairo_t *cr, const ll_xy_panel *p, double X, double Y,
                double W, double H)
{
    static const double dash[] = {5.0, 4.0};
    xy_frame f;
    xy_range(p, &f);
    f.L = X + 78, f.R = X + W - 16, f.T = Y + 34, f.B = Y + H - 46;
    xy_ticks(cr, &f);
    cairo_save(cr);
    cairo_rectangle(cr, f.L, f.T, f.R - f.L, f.B - f.T);
    cairo_clip(cr);
    if (p->zero_line) {
        cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
        cairo_set_line_width(cr, 1.0);
        cairo_move_to(cr, f.L, fy(&f, 0));
        cairo_line_to(cr, f.R, fy(&f, 0));
        cairo_stroke(cr);
    }
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    for (int k = 0; k < p->nv; k++) {
        cairo_move_to(cr, fx(&f, p->vlines[k]), f.T);
        cairo_line_to(cr, fx(&f, p->vlines[k]), f.B);
        cairo_stroke(cr);
    }
    cairo_set_dash(cr, NULL, 0, 0);
    for (int k = 0; k < p->ns; k++)
        xy_series(cr, &f, &p->s[k]);
    cairo_restore(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.0);
    cairo_rectangle(cr, f.L, f.T, f.R - f.L, f.B - f.T);
    cairo_stroke(cr);
    xy_labels(cr, &f, p);
    xy_legend(cr, &f, p);
}

static cairo_status_t write_fp(void *closure, const unsigned char *data,
                               unsigned int len)
{
    return fwrite(data, 1, len, (FILE *)closure) == len
               ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int has_ext(const char *path, const char *ext)
{
    size_t lp = strlen(path), le = strlen(ext);
    return lp >= le && strcmp(path + lp - le, ext) == 0;
}

ll_status ll_xy_render(const char *path, int W, int H,
                       void (*draw)(cairo_t *cr, const void *user),
                       const void *user, ll_errbuf *eb)
{
    ll_io_afile *af;
    if (!path)
        return ll_err(eb, LL_ERR_ARG, "io: NULL figure path");
    int svg = has_ext(path, ".svg");
    if (!svg && !has_ext(path, ".png"))
        return ll_err(eb, LL_ERR_ARG, "io: figure %s must end in .png or .svg",
                      path);
    ll_status st = ll_io_afile_open(&af, path, eb);
    if (st != LL_OK)
        return st;
    FILE *fp = ll_io_afile_stream(af);
    cairo_surface_t *s =
        svg ? cairo_svg_surface_create_for_stream(write_fp, fp, W, H)
            : cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H);
    cairo_t *cr = cairo_create(s);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    draw(cr, user);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    if (cs == CAIRO_STATUS_SUCCESS && !svg)
        cs = cairo_surface_write_to_png_stream(s, write_fp, fp);
    cairo_surface_finish(s);
    if (cs == CAIRO_STATUS_SUCCESS)
        cs = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (cs != CAIRO_STATUS_SUCCESS) {
        ll_io_afile_abort(af);
        return ll_err(eb, LL_ERR_IO, "io: cannot write %s: cairo: %s", path,
                      cairo_status_to_string(cs));
    }
    return ll_io_afile_commit(af, eb);
}
