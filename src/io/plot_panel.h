/* Internal to src/io: a small panel toolkit for the multi-panel sweep
 * figures (plot_panel.c): linear or log10 axes, ticks, lines, markers,
 * legends, and PNG/SVG rendering from one drawing routine. The trace figure
 * (plot.c) keeps its own code. */
#ifndef LL_IO_PLOT_PANEL_H
#define LL_IO_PLOT_PANEL_H

#include <cairo.h>
#include <stddef.h>

#include "losslab/status.h"

typedef struct ll_panel {
    double L, R, T, B;     /* plot box in pixels */
    double x0, x1, y0, y1; /* axis range (log10 of the data on a log axis) */
    int logx, logy;
    int legend_rows;       /* rows drawn so far by ll_panel_legend */
    double legend_x;       /* left edge of the legend; 0: top-right corner */
    double legend_y;       /* top of the legend; 0: just inside the top */
    double legend_w;       /* legend box width; 0: 194 px */
} ll_panel;

enum { LL_MARK_CIRCLE, LL_MARK_SQUARE, LL_MARK_TRIANGLE, LL_MARK_CROSS,
       LL_MARK_OPEN_CIRCLE };

/* Box and ranges (data units; non-positive values are ignored on a log
 * axis); the ranges get 5% padding, an empty range a unit one. */
void ll_panel_init(ll_panel *p, double L, double T, double R, double B,
                   int logx, int logy);
void ll_panel_range(ll_panel *p, double xmin, double xmax, double ymin,
                    double ymax);
/* Extend the range bounds *lo, *hi to cover the finite values of x
 * (positive only if log). */
void ll_panel_extent(const double *x, size_t n, int log, double *lo,
                     double *hi);

double ll_panel_px(const ll_panel *p, double x);
double ll_panel_py(const ll_panel *p, double y);

void ll_panel_frame(cairo_t *cr, const ll_panel *p, const char *title,
                    const char *xlabel, const char *ylabel);
void ll_panel_hline(cairo_t *cr, const ll_panel *p, double y,
                    const double *rgb, int dashed);
void ll_panel_line(cairo_t *cr, const ll_panel *p, const double *x,
                   const double *y, size_t n, const double *rgb, double w,
                   int dashed);
void ll_panel_marker(cairo_t *cr, const ll_panel *p, double x, double y,
                     int shape, const double *rgb, double size);
/* A legend row (top-right corner unless legend_x/legend_y are set): a marker (shape >= 0) or a
 * line sample (shape < 0; dashed if shape == -2). */
void ll_panel_legend(cairo_t *cr, ll_panel *p, int shape, const double *rgb,
                     const char *text);
/* Text at pixel (x, y), anchored by (ax, ay) in [0, 1]. */
void ll_panel_text(cairo_t *cr, double x, double y, const char *s, double ax,
                   double ay, double size);
/* Colour k of n along a dark-blue -> green -> orange ramp. */
void ll_panel_ramp(int k, int n, double *rgb);

/* Render draw(cr, ctx) on a W x H canvas to path (.png or .svg), atomically. */
ll_status ll_plot_render_file(const char *path, int W, int H,
                              void (*draw)(cairo_t *, const void *),
                              const void *ctx, ll_errbuf *eb);

#endif
