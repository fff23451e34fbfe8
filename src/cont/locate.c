/* Location of an event on the branch (MATH.md section 2).
 *
 * Test function: the crossing eigenvalue mu = mu_k of H (k-th smallest,
 * k = min(index before, index after)). The branch between the accepted
 * points A and B is parametrised by the arc coordinate along A's tangent,
 *     X(sigma):  F(X) = 0,  t_a^T (X - X_a) = sigma,
 * each point by the Newton corrector. mu(sigma) changes sign on
 * [0, sigma_b]; safeguarded Newton on it, with Illinois (modified regula
 * falsi) steps whenever Newton would leave the bracket. The derivative is
 * exact (Hellmann-Feynman for a simple eigenvalue with unit eigenvector phi):
 *     dX/dsigma from [[H, F_p], [t_a^T]] dX = e_{n+1},
 *     dmu/dsigma = D^3L[phi, phi, dX_x] + dX_p phi^T H_p phi.
 *
 * Staying on the traced branch. At a branch point another branch crosses
 * the hyperplane t_a^T (X - X_a) = sigma too, at a distance from the traced
 * one that shrinks to zero as sigma -> sigma* (linearly when the traced
 * branch is tilted towards the kernel, phi^T dX/dp != 0; like
 * sqrt|sigma - sigma*| when not), so a corrector started from a poor guess
 * near sigma* lands on the wrong branch. Hence:
 *  - the guess at sigma is the cubic Hermite interpolant of X on the current
 *    bracket [a, b] (X and dX/dsigma at both ends, both on the traced
 *    branch): error O(h^4) in h = b - a, never the first-order step from
 *    an iterate near sigma*, where dX is ill-conditioned;
 *  - every corrected point is verified before it is used: the eigenvalues
 *    other than mu keep their signs (the index is consistent: at a simple
 *    event only mu crosses), its distance to the chord of the bracket is at
 *    most the sagitta of a curve turning by theta + max_angle over it
 *    (|X_b - X_a| (theta + max_angle) / 2, theta the angle between the end
 *    tangents), and where the bordered system is well conditioned, its
 *    tangent is within theta + max_angle of the chord direction (the new
 *    branch crosses at a large angle). A point that fails, or where the
 *    corrector fails, is discarded and the next trial is the midpoint of the
 *    larger part of the bracket it split (the bracket then shrinks by at
 *    least a quarter and stays on the traced branch);
 *  - converged when |mu| <= 64 eps ||H||_F (an exact hit), or when |dp| and
 *    |dsigma| between successive verified iterates are below locate_tol AND
 *    |mu| is consistent with a zero that close (|mu| <= 10 slope locate_tol,
 *    slope = the bracket's secant slope), or when the bracket itself is
 *    narrower than locate_tol (its end with the smaller |mu| is taken);
 *    otherwise the location fails with a reason (LL_ERR_LOCATE) and the
 *    event is described at the last verified point, never at a point of
 *    another branch.
 * The located point is finally re-corrected to a hundredth of the Newton
 * tolerance (see LL_CONT_LOC_POLISH). */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"

#define LL_CONT_LOCATE_MAXIT 100
/* tangent comparisons only where rounding in dX (~ eps / rcond) is small */
#define LL_CONT_LOC_RCOND 1e-8
/* the located point is re-corrected to this fraction of the Newton
 * tolerance: a residual r moves p by ~ phi^T r / g_p at a fold (and more
 * near a branch point, where the bordered system is nearly singular), so
 * ||F|| just below 1e-12 gscale could leave |dp| above locate_tol */
#define LL_CONT_LOC_POLISH 1e-2

typedef struct arc_val {
    double sigma, p, mu, mu2, dmu; /* dmu = dmu/dsigma, NaN if unknown */
    double hscale; /* ||H||_F: the rounding scale of mu */
    int has_dx;    /* dX from a well-conditioned bordered solve */
    int idx_ok;    /* the eigenvalues next to mu keep their signs */
} arc_val;

/* A verified point of the traced branch: value, Illinois-weighted mu. */
typedef struct loc_end {
    arc_val v;
    double f;
    double *X, *dX;
} loc_end;

/* Scratch of one location (allocated per event, not per iteration). */
typedef struct loc_buf {
    loc_end a, b, c; /* bracket ends, last verified iterate */
    double *Xg, *dXg, *phi, *d3;
    double theta;    /* angle between the tangents at the ends */
    int d;           /* index change across the event */
    int side;        /* end replaced last: +1 b, -1 a, 0 none */
} loc_buf;

/* The branch point at arc coordinate sigma: X (guess in, solution out), its
 * derivative dX = dX/dsigma, and the crossing eigenvalue with its slope. */
static ll_status arc_point(ll_cont_ws *ws, const ll_cont_point *A, int k,
                           double sigma, double *X, double *dX, loc_buf *b,
                           arc_val *v)
{
    size_t n = ws->n, kk = (size_t)k + 2 < n ? (size_t)k + 2 : n;
    int its = 0;
    ll_status st = ll_cont_correct(ws, X, A->t, A->X, sigma, &its);
    if (st == LL_OK)
        st = ll_cont_eval_HFp(ws, X);
    if (st == LL_OK && (st = ll_cont_hscale(ws, &v->hscale)) == LL_OK)
        st = ll_cont_crossing_eig(ws, k, &v->mu, &v->mu2, b->phi);
    if (st != LL_OK)
        return st;
    v->idx_ok = (k == 0 || ws->w[k - 1] < 0.0) &&
                ((size_t)k + 1 >= kk || ws->w[k + 1] > 0.0);
    v->sigma = sigma, v->p = X[n], v->dmu = NAN, v->has_dx = 0;
    memset(dX, 0, ws->m * sizeof *dX);
    dX[n] = 1.0;
    st = ll_cont_bordered_solve(ws, A->t, dX);
    if (st == LL_ERR_NOMEM) /* not a singular system: an error */
        return ll_err(ws->eb, st, "cont: out of memory in event location");
    if (st != LL_OK) {
        memset(dX, 0, ws->m * sizeof *dX); /* singular: no derivative */
        return LL_OK;
    }
    v->has_dx = ws->last_rcond >= LL_CONT_LOC_RCOND;
    return ll_cont_dmu_along(ws, X, b->phi, dX, b->d3, &v->dmu);
}

static ll_status loc_buf_alloc(ll_cont_ws *ws, loc_buf *b, double **block)
{
    size_t m = ws->m, n = ws->n;
    *block = malloc((8 * m + 2 * n) * sizeof **block);
    if (!*block)
        return ll_err(ws->eb, LL_ERR_NOMEM, "cont: out of memory in location");
    double *q = *block;
    b->a.X = q, b->a.dX = q + m, b->b.X = q + 2 * m, b->b.dX = q + 3 * m;
    b->c.X = q + 4 * m, b->c.dX = q + 5 * m, b->Xg = q + 6 * m;
    b->dXg = q + 7 * m, b->phi = q + 8 * m, b->d3 = b->phi + n;
    return LL_OK;
}

static void end_set(const ll_cont_ws *ws, loc_end *e, const double *X,
                    const double *dX, const arc_val *v)
{
    memcpy(e->X, X, ws->m * sizeof *X);
    memcpy(e->dX, dX, ws->m * sizeof *dX);
    e->v = *v, e->f = v->mu;
}

/* Angle between two vectors of length m (pi/2 if either is zero). */
static double angle(size_t m, const double *u, const double *w)
{
    double nu = ll_nrm2(m, u), nw = ll_nrm2(m, w);
    if (!(nu > 0.0 && nw > 0.0))
        return 1.5707963267948966; /* pi / 2 */
    double c = ll_dot(m, u, w) / (nu * nw);
    return acos(c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c);
}

/* Next arc coordinate. After a discarded trial at sf: the midpoint of the
 * larger part of the bracket it split. Else Newton from the last verified
 * iterate if it stays inside the bracket, else Illinois regula falsi, else
 * bisection. */
static double next_sigma(const loc_buf *b, int have, int failed, double sf)
{
    double a = b->a.v.sigma, c = b->b.v.sigma;
    if (failed)
        return (sf - a > c - sf) ? 0.5 * (a + sf) : 0.5 * (sf + c);
    const arc_val *cur = &b->c.v;
    if (have && cur->has_dx && isfinite(cur->dmu) && cur->dmu != 0.0) {
        double s = cur->sigma - cur->mu / cur->dmu;
        if (s > a && s < c)
            return s;
    }
    double s = c - b->b.f * (c - a) / (b->b.f - b->a.f);
    return (s > a && s < c) ? s : 0.5 * (a + c);
}

/* Guess of X at sigma: the cubic Hermite interpolant on the bracket (or
 * the chord where an end has no derivative). */
static void guess(const ll_cont_ws *ws, const loc_buf *b, double s,
                  double *Xg)
{
    double h = b->b.v.sigma - b->a.v.sigma, u = (s - b->a.v.sigma) / h;
    int herm = b->a.v.has_dx && b->b.v.has_dx;
    double h00 = (1 + 2 * u) * (1 - u) * (1 - u), h01 = u * u * (3 - 2 * u);
    double h10 = u * (1 - u) * (1 - u) * h, h11 = -u * u * (1 - u) * h;
    for (size_t i = 0; i < ws->m; i++)
        Xg[i] = herm ? h00 * b->a.X[i] + h01 * b->b.X[i] +
                           h10 * b->a.dX[i] + h11 * b->b.dX[i]
                     : b->a.X[i] + u * (b->b.X[i] - b->a.X[i]);
}

/* Is the corrected point (X, dX, v) at v->sigma on the traced branch? */
static int on_branch(const ll_cont_ws *ws, const loc_buf *b, const double *X,
                     const double *dX, const arc_val *v)
{
    size_t m = ws->m;
    if (abs(b->d) == 1 && !v->idx_ok)
        return 0;
    double h = b->b.v.sigma - b->a.v.sigma, u = (v->sigma - b->a.v.sigma) / h;
    double dev = 0.0, chord = 0.0, lim = b->theta + ws->o->max_angle;
    for (size_t i = 0; i < m; i++) {
        double q = b->b.X[i] - b->a.X[i], r = X[i] - b->a.X[i] - u * q;
        chord += q * q, dev += r * r;
    }
    chord = sqrt(chord), dev = sqrt(dev);
    if (dev > 0.5 * chord * lim + 1e-12 * (1.0 + ll_nrm2(m, X)))
        return 0;
    if (!v->has_dx)
        return 1;
    double *q = ws->tmp2;
    for (size_t i = 0; i < m; i++)
        q[i] = b->b.X[i] - b->a.X[i];
    return angle(m, dX, q) <= lim;
}

/* A verified iterate: is it the event? Else shrink the bracket with it. */
static int converged(ll_cont_ws *ws, loc_buf *b, const arc_val *e, double dp,
                     double dsig)
{
    double tol = ws->o->locate_tol, tiny = 8.0 * DBL_EPSILON * e->hscale;
    double slope = fabs(b->b.v.mu - b->a.v.mu) /
                   (b->b.v.sigma - b->a.v.sigma);
    if (fabs(e->mu) <= tiny ||
        (dp <= tol && dsig <= tol && fabs(e->mu) <= 10.0 * slope * tol + tiny))
        return 1;
    int side = (e->mu > 0.0) == (b->b.v.mu > 0.0) ? 1 : -1;
    loc_end *same = side > 0 ? &b->b : &b->a, *other = side > 0 ? &b->a : &b->b;
    end_set(ws, same, b->c.X, b->c.dX, e);
    if (side == b->side) /* Illinois: halve the end kept twice in a row */
        other->f *= 0.5;
    b->side = side;
    if (!(b->b.v.sigma - b->a.v.sigma <= tol))
        return 0;
    /* the bracket has collapsed: its end with the smaller |mu| */
    const loc_end *best = fabs(b->a.v.mu) < fabs(b->b.v.mu) ? &b->a : &b->b;
    end_set(ws, &b->c, best->X, best->dX, &best->v);
    return 1;
}

/* Iterate on the bracket [a, b] (verified ends, mu of opposite signs);
 * leaves the final point in b->c. */
static ll_status iterate(ll_cont_ws *ws, const ll_cont_point *A, int k,
                         loc_buf *b, ll_event *ev)
{
    arc_val e;
    int have = 0, failed = 0, rejected = 0;
    double sf = 0.0;
    for (int it = 0; it < LL_CONT_LOCATE_MAXIT; it++) {
        double s = next_sigma(b, have, failed, sf);
        guess(ws, b, s, b->Xg);
        ll_status st = arc_point(ws, A, k, s, b->Xg, b->dXg, b, &e);
        if (st != LL_OK && st != LL_ERR_NOCONV && st != LL_ERR_SINGULAR)
            return st;
        failed = st != LL_OK || !on_branch(ws, b, b->Xg, b->dXg, &e);
        if (failed) {
            sf = s, rejected++;
            continue;
        }
        double dp = have ? fabs(e.p - b->c.v.p) : INFINITY;
        double dsig = have ? fabs(e.sigma - b->c.v.sigma) : INFINITY;
        end_set(ws, &b->c, b->Xg, b->dXg, &e);
        have = 1;
        ev->locate_dp = dp;
        if (converged(ws, b, &e, dp, dsig))
            return LL_OK;
    }
    return ll_err(ws->eb, LL_ERR_LOCATE, "cont: event location did not "
                  "converge in %d iterations (|dp| = %.3g, %d trial points "
                  "discarded as off the traced branch)",
                  LL_CONT_LOCATE_MAXIT, ev->locate_dp, rejected);
}

/* A polished point stays where the bracket put it: p within the bracket's
 * p range and the point within 10 bracket chords of where it was (both
 * widened by locate_tol). At a sharp fold (a nearly symmetric one, g_p ~
 * 1e-6) the hyperplane of A's tangent can meet the branch twice, and the
 * re-correction was seen to land on the far crossing, 5e-6 in lambda
 * beyond the bracket (m = 1000, d = 100): such a move is refused. */
static int polish_stays(const ll_cont_ws *ws, const loc_buf *b)
{
    size_t n = ws->n, m = ws->m;
    double tol = ws->o->locate_tol, pa = b->a.X[n], pb = b->b.X[n];
    double p = b->Xg[n], chord = 0.0, moved = 0.0;
    for (size_t i = 0; i < m; i++) {
        double e = b->b.X[i] - b->a.X[i], f = b->Xg[i] - b->c.X[i];
        chord += e * e, moved += f * f;
    }
    return p >= fmin(pa, pb) - tol && p <= fmax(pa, pb) + tol &&
           sqrt(moved) <= 10.0 * sqrt(chord) + tol;
}

/* Re-correct the located point b->c to LL_CONT_LOC_POLISH times the
 * Newton tolerance (kept as it is if that is out of reach: rounding, or if
 * the result leaves the bracket: polish_stays). */
static ll_status polish(ll_cont_ws *ws, const ll_cont_point *A, loc_buf *b)
{
    double keep = ws->ftol;
    ll_errbuf quiet = {{0}}, *eb = ws->eb;
    int its = 0;
    memcpy(b->Xg, b->c.X, ws->m * sizeof *b->Xg);
    ws->ftol = LL_CONT_LOC_POLISH * keep, ws->eb = &quiet;
    ll_status st = ll_cont_correct(ws, b->Xg, A->t, A->X, b->c.v.sigma, &its);
    ws->ftol = keep, ws->eb = eb;
    if (st == LL_OK && polish_stays(ws, b))
        memcpy(b->c.X, b->Xg, ws->m * sizeof *b->c.X);
    if (st == LL_OK || st == LL_ERR_NOCONV || st == LL_ERR_SINGULAR)
        return LL_OK;
    return ll_err(eb, st, "%s", quiet.msg);
}

/* The bracket ends A (sigma = 0) and B (sigma = sb), with the sign check. */
static ll_status bracket(ll_cont_ws *ws, const ll_cont_point *A,
                         const ll_cont_point *B, int k, loc_buf *b,
                         ll_event *ev)
{
    double sb = 0.0;
    for (size_t i = 0; i < ws->m; i++)
        sb += A->t[i] * (B->X[i] - A->X[i]);
    arc_val va, vb;
    memcpy(b->Xg, A->X, ws->m * sizeof *b->Xg);
    ll_status st = arc_point(ws, A, k, 0.0, b->Xg, b->dXg, b, &va);
    if (st != LL_OK)
        return st;
    end_set(ws, &b->a, b->Xg, b->dXg, &va);
    memcpy(b->Xg, B->X, ws->m * sizeof *b->Xg);
    if ((st = arc_point(ws, A, k, sb, b->Xg, b->dXg, b, &vb)) != LL_OK)
        return st;
    end_set(ws, &b->b, b->Xg, b->dXg, &vb);
    end_set(ws, &b->c, b->Xg, b->dXg, &vb);
    ev->kernel_ratio = fabs(va.mu / va.mu2);
    b->theta = va.has_dx && vb.has_dx ? angle(ws->m, b->a.dX, b->b.dX)
                                      : angle(ws->m, A->t, B->t);
    if ((va.mu > 0.0) == (vb.mu > 0.0) && va.mu != 0.0 && vb.mu != 0.0)
        return ll_err(ws->eb, LL_ERR_LOCATE, "cont: mu_%d keeps its sign "
                      "between p = %.12g and %.12g", k, va.p, vb.p);
    if (va.mu == 0.0 || vb.mu == 0.0) { /* an end is the event */
        ev->locate_dp = 0.0;
        if (va.mu == 0.0)
            end_set(ws, &b->c, b->a.X, b->a.dX, &va);
        return LL_OK;
    }
    return iterate(ws, A, k, b, ev);
}

/* The kernel ratio |mu1/mu2| (the seed paper's "kernel simplicity") at
 * the branch point kernel_ratio_ds before the located event in the arc
 * coordinate, so that it does not depend on where the last accepted point
 * happened to fall. NaN if that point cannot be computed (a diagnostic,
 * not a reason to fail the event); only running out of memory is an
 * error. */
static ll_status kernel_ratio_at(ll_cont_ws *ws, const ll_cont_point *A,
                                 int k, loc_buf *b, double *kr)
{
    double sigma = b->c.v.sigma - ws->o->kernel_ratio_ds;
    for (size_t i = 0; i < ws->m; i++)
        b->Xg[i] = A->X[i] + sigma * A->t[i];
    arc_val v;
    ll_errbuf quiet = {{0}}, *keep = ws->eb;
    ws->eb = &quiet;
    ll_status st = arc_point(ws, A, k, sigma, b->Xg, b->dXg, b, &v);
    ws->eb = keep;
    *kr = st == LL_OK ? fabs(v.mu / v.mu2) : NAN;
    if (st == LL_ERR_NOMEM)
        return ll_err(ws->eb, st, "cont: out of memory measuring the kernel "
                      "ratio");
    return LL_OK;
}

ll_status ll_cont_locate(ll_cont_ws *ws, const ll_cont_point *A,
                         const ll_cont_point *B, int k, ll_event *ev)
{
    double *block = NULL;
    loc_buf b;
    memset(&b, 0, sizeof b);
    ll_status st = loc_buf_alloc(ws, &b, &block);
    if (st != LL_OK)
        return st;
    b.d = B->index - A->index;
    memcpy(b.c.X, B->X, ws->m * sizeof *b.c.X);
    ev->locate_dp = NAN;
    st = bracket(ws, A, B, k, &b, ev);
    if (st == LL_OK)
        st = polish(ws, A, &b);
    if (st == LL_OK && ws->o->kernel_ratio_ds > 0.0)
        st = kernel_ratio_at(ws, A, k, &b, &ev->kernel_ratio);
    double dp = ev->locate_dp, kr = ev->kernel_ratio;
    ll_errbuf failed = {{0}};
    if (st != LL_OK && ws->eb)
        failed = *ws->eb;
    /* On failure describe the event at the last verified iterate (or B). */
    ll_status fst = ll_cont_event_fill(ws, A, st == LL_OK || st == LL_ERR_LOCATE
                                                  ? b.c.X : B->X, k, ev,
                                       st == LL_OK);
    ev->locate_dp = dp, ev->kernel_ratio = kr;
    ev->located = st == LL_OK;
    free(block);
    if (st != LL_OK) {
        ev->status = st;
        snprintf(ev->reason, sizeof ev->reason, "%.127s", failed.msg);
        return st == LL_ERR_NOMEM ? st : LL_OK;
    }
    if (fst != LL_OK && ev->status == LL_OK) { /* located, not described */
        ev->status = fst;
        snprintf(ev->reason, sizeof ev->reason, "%.127s",
                 ws->eb && ws->eb->msg[0] ? ws->eb->msg : ll_status_str(fst));
    }
    return fst == LL_ERR_NOMEM ? fst : LL_OK;
}
