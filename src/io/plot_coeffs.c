/* The coeffs figures (MATH.md section 3; seed 000 Exp. 6): the line
 * restriction phi_red(a) at the first event with its least-squares fit
 * c2 a^2 + c3 a^3 + c4 a^4 and the Taylor polynomial of the exact
 * coefficients; and c2 against mu = lambda - lambda* with its linear fit
 * and the predicted slope g_ap / 2 (branch points only). */
#include "losslab/experiments.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "io/plot_xy.h"

static void draw_line(cairo_t *cr, const void *user)
{
    const ll_coeffs_result *r = user;
    size_t n = r->line_len;
    double *fit = malloc(2 * (n ? n : 1) * sizeof *fit), *tay = fit + n;
    char lf[96], lt[96];
    if (!fit)
        return;
    for (size_t i = 0; i < n; i++) {
        double a = r->line_a[i];
        fit[i] = a * a * (r->c2 + a * (r->c3 + a * r->c4));
        tay[i] = a * a * (r->c2_taylor + a * (r->c3_taylor + a * r->c4_taylor));
    }
    snprintf(lf, sizeof lf, "fit: c2 = %.3g, c3 = %.3g, c4 = %.3g", r->c2,
             r->c3, r->c4);
    snprintf(lt, sizeof lt, "Taylor: %.3g, %.3g, %.3g", r->c2_taylor,
             r->c3_taylor, r->c4_taylor);
    ll_xy_series s[3] = {
        {r->line_a, r->line_phi, n, "\xcf\x86(a) = L(\xce\xb8* + a\xcf\x86) - L(\xce\xb8*)", LL_XY_MARKERS, 0},
        {r->line_a, fit, n, lf, LL_XY_LINE, 1},
        {r->line_a, tay, n, lt, LL_XY_DASHED, 2}};
    char title[128];
    snprintf(title, sizeof title, "Line restriction along the kernel at the "
             "%s, \xce\xbb* = %.6f", ll_event_type_str(r->event.type),
             r->event.p);
    ll_xy_panel p = {title, "a (step along the unit kernel vector \xcf\x86)",
                     "\xcf\x86(a)", s, 3, NULL, 0, 1};
    ll_xy_draw(cr, &p, 0, 0, 900, 560);
    free(fit);
}

ll_status ll_io_plot_coeffs_line(const char *path, const ll_coeffs_result *r,
                                 ll_errbuf *eb)
{
    if (!r || !r->have_event)
        return ll_err(eb, LL_ERR_ARG, "io: no event to draw");
    return ll_xy_render(path, 900, 560, draw_line, r, eb);
}

static void draw_mu(cairo_t *cr, const void *user)
{
    const ll_coeffs_result *r = user;
    size_t n = r->n_mu;
    double *fl = malloc(2 * (n ? n : 1) * sizeof *fl), *pr = fl + n;
    char lf[96], lp[96];
    if (!fl)
        return;
    for (size_t i = 0; i < n; i++) {
        fl[i] = r->intercept + r->slope * r->mu[i];
        pr[i] = r->intercept + r->slope_predicted * r->mu[i];
    }
    snprintf(lf, sizeof lf, "linear fit: slope %.4g", r->slope);
    snprintf(lp, sizeof lp, "predicted slope g_ap/2 = %.4g", r->slope_predicted);
    ll_xy_series s[4] = {
        {r->mu, r->c2_mu, n, "c2 from the fit of \xcf\x86(a)", LL_XY_MARKERS, 0},
        {r->mu, r->c2_exact_mu, n, "\xcf\x86\xe1\xb5\x80 H \xcf\x86 / 2 (exact)", LL_XY_MARKERS, 2},
        {r->mu, fl, n, lf, LL_XY_LINE, 1},
        {r->mu, pr, n, lp, LL_XY_DASHED, 3}};
    ll_xy_panel p = {"c2 against \xce\xbc = \xce\xbb - \xce\xbb* on the branch "
                     "(transversality)", "\xce\xbc = \xce\xbb - \xce\xbb*",
                     "c2", s, isfinite(r->slope_predicted) ? 4 : 3, NULL, 0, 1};
    ll_xy_draw(cr, &p, 0, 0, 900, 560);
    free(fl);
}

ll_status ll_io_plot_coeffs_mu(const char *path, const ll_coeffs_result *r,
                               ll_errbuf *eb)
{
    if (!r || !r->have_event)
        return ll_err(eb, LL_ERR_ARG, "io: no event to draw");
    return ll_xy_render(path, 900, 560, draw_mu, r, eb);
}
