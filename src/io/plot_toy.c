/* The toy figures (MATH.md section 4, Exp. 1): the transverse and
 * longitudinal Hessian eigenvalues along the symmetric branch with the
 * events marked; the line restrictions phi_red(a) at several lambda; and
 * loss contours in the (w1, w2) plane, iso-lines by marching squares on the
 * tabulated lattice (each cell's corner values are linearly interpolated
 * along its edges; a cell crossed on all four edges, a saddle cell, is
 * resolved by the value at its centre, the mean of the corners). The levels
 * are quantiles of the lattice values, so the lines spread evenly over the
 * picture, plus the critical level L*, which shows a saddle as an X. */
#include "losslab/experiments.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/plot_xy.h"

#define TOY_PI 3.14159265358979323846
#define N_LEVELS 16

static void draw_eigs(cairo_t *cr, const void *user)
{
    const ll_toy_result *r = user;
    double v[LL_TOY_MAX_PANELS * 4];
    int nv = 0;
    for (size_t i = 0; i < r->n_events && nv < (int)(sizeof v / sizeof v[0]); i++)
        if (isfinite(r->events[i].lambda))
            v[nv++] = r->events[i].lambda;
    ll_xy_series s[2] = {
        {r->lambda, r->mu_T, r->len,
         r->symmetric ? "\xce\xbc_T transverse (w1 - w2)"
                      : "e_T\xe1\xb5\x80 H e_T (Rayleigh quotient)",
         LL_XY_LINE, 1},
        {r->lambda, r->mu_L, r->len,
         r->symmetric ? "\xce\xbc_L longitudinal (w1 + w2)"
                      : "e_L\xe1\xb5\x80 H e_L (Rayleigh quotient)",
         LL_XY_LINE, 0}};
    ll_xy_panel p = {"Toy: Hessian eigenvalues along the symmetric branch "
                     "(dashed: events)",
                     "\xce\xbb (activation homotopy)", "Hessian eigenvalue",
                     s, 2, v, nv, 1};
    if (!r->symmetric)
        p.title = "Toy (v1 \xe2\x89\xa0 v2): Rayleigh quotients along the branch";
    ll_xy_draw(cr, &p, 0, 0, 480, 460);
    p.title = "Transverse eigenvalue \xce\xbc_T (zoom)";
    p.ns = 1;
    ll_xy_draw(cr, &p, 480, 0, 480, 460);
}

ll_status ll_io_plot_toy_eigs(const char *path, const ll_toy_result *r,
                              ll_errbuf *eb)
{
    if (!r)
        return ll_err(eb, LL_ERR_ARG, "io: NULL toy result");
    return ll_xy_render(path, 960, 460, draw_eigs, r, eb);
}

static void draw_lines(cairo_t *cr, const void *user)
{
    const ll_toy_result *r = user;
    ll_xy_series s[LL_TOY_MAX_PANELS];
    char lab[LL_TOY_MAX_PANELS][64];
    int ns = 0;
    for (size_t i = 0; i < r->n_line; i++) {
        const ll_toy_line *l = &r->lines[i];
        if (!l->a)
            continue;
        snprintf(lab[ns], sizeof lab[ns], "\xce\xbb = %.3g (c3 = %.1e)",
                 l->lambda, l->c3);
        s[ns] = (ll_xy_series){l->a, l->phi, l->len, lab[ns], LL_XY_LINE, ns};
        ns++;
    }
    ll_xy_panel p = {"Line restriction \xcf\x86(a) = L(\xce\xb8* + a e_T) - "
                     "L(\xce\xb8*) along the transverse direction",
                     "a (step along e_T = (w1 - w2)/\xe2\x88\x9a" "2 for v = (1,1))",
                     "\xcf\x86(a)", s, ns, NULL, 0, 1};
    ll_xy_draw(cr, &p, 0, 0, 900, 560);
}

ll_status ll_io_plot_toy_lines(const char *path, const ll_toy_result *r,
                               ll_errbuf *eb)
{
    if (!r)
        return ll_err(eb, LL_ERR_ARG, "io: NULL toy result");
    return ll_xy_render(path, 900, 560, draw_lines, r, eb);
}

/* ---- contours ---- */

typedef struct ct_box {
    double L, T, W, H;            /* pixels */
    double x0, x1, y0, y1;        /* data */
} ct_box;

static double cx(const ct_box *b, double x)
{
    return b->L + (x - b->x0) / (b->x1 - b->x0) * b->W;
}

static double cy(const ct_box *b, double y)
{
    return b->T + b->H - (y - b->y0) / (b->y1 - b->y0) * b->H;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile levels of the lattice values (sorted copy). */
static int ct_levels(const ll_toy_contour *c, double *lev)
{
    size_t n = c->grid * c->grid;
    double *t = malloc(n * sizeof *t);
    if (!t)
        return 0;
    for (size_t i = 0; i < n; i++)
        t[i] = c->L[i];
    qsort(t, n, sizeof *t, cmp_d);
    for (int k = 0; k < N_LEVELS; k++) {
        double q = (k + 0.5) / N_LEVELS;
        lev[k] = t[(size_t)(q * q * (double)(n - 1))]; /* denser near min */
    }
    free(t);
    lev[N_LEVELS] = c->loss_star;
    return N_LEVELS + 1;
}

/* Point where the level crosses the edge between (xa, ya, fa), (xb, yb, fb). */
static void edge_pt(double xa, double ya, double fa, double xb, double yb,
                    double fb, double v, double *px, double *py)
{
    double t = (v - fa) / (fb - fa);
    *px = xa + t * (xb - xa);
    *py = ya + t * (yb - ya);
}

static void ct_cell(cairo_t *cr, const ct_box *b, const ll_toy_contour *c,
                    size_t i, size_t j, double v)
{
    size_t G = c->grid;
    double X[4] = {c->w1[i], c->w1[i + 1], c->w1[i + 1], c->w1[i]};
    double Y[4] = {c->w2[j], c->w2[j], c->w2[j + 1], c->w2[j + 1]};
    double F[4] = {c->L[i + G * j], c->L[i + 1 + G * j],
                   c->L[i + 1 + G * (j + 1)], c->L[i + G * (j + 1)]};
    double px[4], py[4];
    int n = 0;
    for (int e = 0; e < 4; e++) {
        int f = (e + 1) % 4;
        if ((F[e] < v) != (F[f] < v))
            edge_pt(X[e], Y[e], F[e], X[f], Y[f], F[f], v, &px[n], &py[n]), n++;
    }
    if (n == 4 && ((F[0] + F[1] + F[2] + F[3]) / 4 < v) == (F[0] < v)) {
        /* saddle cell: pair the crossings the other way round */
        double tx = px[1], ty = py[1];
        px[1] = px[3], py[1] = py[3];
        px[3] = tx, py[3] = ty;
    }
    for (int s = 0; s + 1 < n; s += 2) {
        cairo_move_to(cr, cx(b, px[s]), cy(b, py[s]));
        cairo_line_to(cr, cx(b, px[s + 1]), cy(b, py[s + 1]));
    }
}

static void ct_iso(cairo_t *cr, const ct_box *b, const ll_toy_contour *c)
{
    double lev[N_LEVELS + 1];
    int nl = ct_levels(c, lev);
    cairo_set_line_width(cr, 1.3);
    for (int k = 0; k < nl; k++) {
        double t = (double)k / N_LEVELS; /* blue (low) -> orange (high) */
        if (k == N_LEVELS) {
            cairo_set_source_rgb(cr, 0.85, 0.1, 0.1);
            cairo_set_line_width(cr, 2.0);
        } else {
            cairo_set_source_rgb(cr, 0.1 + 0.85 * t, 0.3 + 0.3 * t, 0.8 - 0.7 * t);
        }
        for (size_t j = 0; j + 1 < c->grid; j++)
            for (size_t i = 0; i + 1 < c->grid; i++)
                ct_cell(cr, b, c, i, j, lev[k]);
        cairo_stroke(cr);
    }
}

static void ct_axes(cairo_t *cr, const ct_box *b, const ll_toy_contour *c,
                    const ll_toy_result *r)
{
    char buf[96];
    static const double dash[] = {5.0, 4.0};
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_line_width(cr, 1.0);
    cairo_rectangle(cr, b->L, b->T, b->W, b->H);
    cairo_stroke(cr);
    cairo_set_font_size(cr, 10);
    double st = ll_xy_nice_step(b->x1 - b->x0, 5);
    for (double v = ceil(b->x0 / st) * st; v <= b->x1 + 1e-9; v += st) {
        snprintf(buf, sizeof buf, "%.3g", fabs(v) < 1e-9 ? 0.0 : v);
        ll_xy_text(cr, cx(b, v), b->T + b->H + 5, buf, 0.5, 0.0);
    }
    st = ll_xy_nice_step(b->y1 - b->y0, 5);
    for (double v = ceil(b->y0 / st) * st; v <= b->y1 + 1e-9; v += st) {
        snprintf(buf, sizeof buf, "%.3g", fabs(v) < 1e-9 ? 0.0 : v);
        ll_xy_text(cr, b->L - 5, cy(b, v), buf, 1.0, 0.5);
    }
    cairo_set_font_size(cr, 12);
    ll_xy_text(cr, b->L + b->W / 2, b->T + b->H + 22, "w1", 0.5, 0.0);
    ll_xy_text(cr, b->L - 40, b->T + b->H / 2, "w2", 0.5, 0.5);
    snprintf(buf, sizeof buf, "\xce\xbb = %.3g   L* = %.5g   (red: L = L*)",
             c->lambda, c->loss_star);
    cairo_set_font_size(cr, 13);
    ll_xy_text(cr, b->L + b->W / 2, b->T - 8, buf, 0.5, 1.0);
    /* the fixed-point line through theta* along e_L, dashed */
    cairo_save(cr);
    cairo_rectangle(cr, b->L, b->T, b->W, b->H);
    cairo_clip(cr);
    cairo_set_dash(cr, dash, 2, 0);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    double R = 4 * (b->x1 - b->x0);
    cairo_move_to(cr, cx(b, c->w[0] - R * r->e_L[0]), cy(b, c->w[1] - R * r->e_L[1]));
    cairo_line_to(cr, cx(b, c->w[0] + R * r->e_L[0]), cy(b, c->w[1] + R * r->e_L[1]));
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void draw_contours(cairo_t *cr, const void *user)
{
    const ll_toy_result *r = user;
    size_t n = r->n_contour, cols = n <= 4 ? 2 : 4;
    for (size_t k = 0; k < n; k++) {
        const ll_toy_contour *c = &r->contours[k];
        ct_box b = {70 + (double)(k % cols) * 470, 50 + (double)(k / cols) * 470,
                    370, 370, 0, 1, 0, 1};
        if (!c->L)
            continue;
        b.x0 = c->w1[0], b.x1 = c->w1[c->grid - 1];
        b.y0 = c->w2[0], b.y1 = c->w2[c->grid - 1];
        cairo_save(cr);
        cairo_rectangle(cr, b.L, b.T, b.W, b.H);
        cairo_clip(cr);
        ct_iso(cr, &b, c);
        cairo_restore(cr);
        ct_axes(cr, &b, c, r);
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_arc(cr, cx(&b, c->w[0]), cy(&b, c->w[1]), 5, 0, 2 * TOY_PI);
        cairo_fill(cr);
    }
    cairo_set_font_size(cr, 15);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ll_xy_text(cr, cols * 235.0, 8, "Toy: loss contours in the (w1, w2) plane "
               "around the branch's critical point (dot; dashed: w1 = w2 "
               "direction)", 0.5, 0.0);
}

ll_status ll_io_plot_toy_contours(const char *path, const ll_toy_result *r,
                                  ll_errbuf *eb)
{
    if (!r)
        return ll_err(eb, LL_ERR_ARG, "io: NULL toy result");
    size_t n = r->n_contour ? r->n_contour : 1, cols = n <= 4 ? 2 : 4;
    size_t rows = (n + cols - 1) / cols;
    return ll_xy_render(path, (int)(cols * 470), (int)(rows * 470 + 20),
                        draw_contours, r, eb);
}
