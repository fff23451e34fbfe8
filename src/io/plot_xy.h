/* Internal figure helpers of the experiment figures (toy, coeffs): x-y
 * panels with lines / markers, a legend and axes, and rendering one drawing
 * callback to PNG or SVG through an atomic file (like src/io/plot.c). */
#ifndef LL_IO_PLOT_XY_H
#define LL_IO_PLOT_XY_H

#include <cairo.h>
#include <stddef.h>

#include "losslab/status.h"

enum { LL_XY_LINE = 0, LL_XY_MARKERS = 1, LL_XY_DASHED = 2 };

typedef struct ll_xy_series {
    const double *x, *y; /* n each, borrowed; non-finite points skipped */
    size_t n;
    const char *label;   /* legend text or NULL */
    int style;           /* LL_XY_* */
    int color;           /* palette index */
} ll_xy_series;

typedef struct ll_xy_panel {
    const char *title, *xlabel, *ylabel;
    const ll_xy_series *s;
    int ns;
    const double *vlines; /* dashed vertical markers (nv of them) */
    int nv;
    int zero_line;        /* draw y = 0 */
} ll_xy_panel;

/* Palette colour i (shared with the contour panels). */
void ll_xy_color(cairo_t *cr, int i, double alpha);
/* Text placed with anchor (ax, ay) in [0, 1] of its extents. */
void ll_xy_text(cairo_t *cr, double x, double y, const char *s, double ax,
                double ay);
/* A tick step of 1, 2 or 5 times a power of ten, about n ticks. */
double ll_xy_nice_step(double range, int n);
/* Draw the panel into the box (X, Y, W, H) of the surface. */
void ll_xy_draw(cairo_t *cr, const ll_xy_panel *p, double X, double Y,
                double W, double H);

/* Render draw(cr, user) on a W x H canvas into path (.png or .svg,
 * atomically). */
ll_status ll_xy_render(const char *path, int W, int H,
                       void (*draw)(cairo_t *cr, const void *user),
                       const void *user, ll_errbuf *eb);

#endif
