/* Pseudo-arclength predictor-corrector step with adaptive step size
 * (MATH.md section 2; Keller 1977, Allgower & Georg "Introduction to
 * Numerical Continuation Methods", ch. 2 and 6).
 *
 * Tangent: the kernel of [H F_p], from [[H, F_p], [c^T]] t = e_{n+1} with c
 * the previous tangent, then t /= |t|; c^T t > 0 keeps the orientation. At
 * the start (no previous tangent) H x' = -F_p gives t = (x', 1)/|(x', 1)|,
 * the direction of increasing p.
 * Predictor X_a + ds t_a, corrector ll_cont_correct with the constraint
 * t_a^T (X - X_a) = ds. The step is halved when Newton fails or needs more
 * than LL_CONT_SLOW_ITS iterations, when the corrected point lies further
 * than max_angle * ds from the predictor (a jump to another branch), or the
 * tangent turns by more than max_angle (then scaled to aim at 0.8
 * max_angle); it grows by up to 1.5 (to ds_max) after a fast Newton, as far
 * as the last turn allows, shrinks ahead of a turn that is speeding up
 * (turn_limit: the approach to a fold), and does not grow after a step
 * its corrector cut short (cut_limit). */
#include <math.h>
#include <string.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"

#define LL_CONT_SLOW_ITS 5
#define LL_CONT_FAST_ITS 3
#define LL_CONT_GROW 1.5

ll_status ll_cont_tangent(ll_cont_ws *ws, const double *X, const double *c,
                          double *t)
{
    size_t n = ws->n, m = ws->m;
    ll_status st = ll_cont_eval_HFp(ws, X);
    if (st != LL_OK)
        return st;
    if (c == NULL) {
        for (size_t i = 0; i < n; i++)
            t[i] = -ws->Fp[i];
        st = ws->hop ? ll_cont_hsolve(ws, t) : ll_sym_solve(n, ws->H, 1, t);
        t[n] = 1.0;
    } else {
        memset(t, 0, m * sizeof *t);
        t[n] = 1.0;
        /* the condition estimate costs solves, and only the dense path
         * (LU fallback) acts on it here */
        st = ws->hop ? ll_cont_bordered_solve_nocond(ws, c, t)
                     : ll_cont_bordered_solve(ws, c, t);
    }
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: %s system for the tangent at p = %g",
                      st == LL_ERR_NOMEM ? "out of memory solving the"
                                         : "singular", X[n]);
    double nt = ll_nrm2(m, t);
    if (!(nt > 0.0) || !isfinite(nt))
        return ll_err(ws->eb, LL_ERR_SINGULAR, "cont: degenerate tangent at "
                      "p = %g", X[n]);
    for (size_t i = 0; i < m; i++)
        t[i] /= nt;
    return LL_OK;
}

static int recoverable(ll_status st)
{
    return st == LL_ERR_NOCONV || st == LL_ERR_SINGULAR;
}

/* Predictor + corrector + tangent for one trial step; *why says what made
 * a recoverable failure. */
static ll_status try_step(ll_cont_ws *ws, const ll_cont_point *A, double ds,
                          ll_cont_point *B, int *its, const char **why,
                          double *angle)
{
    size_t m = ws->m;
    for (size_t i = 0; i < m; i++)
        B->X[i] = A->X[i] + ds * A->t[i];
    /* a corrector slower than LL_CONT_SLOW_ITS would be refused: stop it
     * there rather than spend newton_maxit iterations on it */
    ll_status st =
        ws->path == LL_HESSIAN_STRUCTURED
            ? ll_cont_correct_chord(ws, B->X, A->t, A->X, ds,
                                    LL_CONT_SLOW_ITS, its)
            : ll_cont_correct_max(ws, B->X, A->t, A->X, ds, LL_CONT_SLOW_ITS,
                                  its);
    *why = "corrector failed or slow";
    if (st != LL_OK)
        return st;
    /* A converged corrector far from its predictor may have landed on
     * another branch. On a branch of curvature k the predictor misses the
     * curve by about k ds^2 / 2, and the angle cap keeps k ds below
     * max_angle, so a genuine step moves at most ~ max_angle ds / 2: refuse
     * anything beyond max_angle ds (a margin of 2). */
    double dist2 = 0.0;
    for (size_t i = 0; i < m; i++) {
        double e = B->X[i] - (A->X[i] + ds * A->t[i]);
        dist2 += e * e;
    }
    if (sqrt(dist2) > ws->o->max_angle * ds) {
        *why = "corrector moved too far from the predictor";
        return LL_ERR_NOCONV;
    }
    *why = "tangent failed";
    if ((st = ll_cont_tangent(ws, B->X, A->t, B->t)) != LL_OK)
        return st;
    double cs = ll_dot(m, A->t, B->t);
    *angle = acos(cs < 1.0 ? cs : 1.0);
    if (*angle > ws->o->max_angle) {
        *why = "tangent turned too far";
        return LL_ERR_NOCONV;
    }
    return LL_OK;
}

/* Approaching a fold the branch turns faster and faster (the curvature of
 * lambda - lambda_f ~ -a^2 grows like |lambda - lambda_f|^{-3/2} in the
 * plane of the critical mode), so a step sized on the last turn overshoots
 * max_angle and is refused, a corrector and a tangent wasted. The last two
 * turn rates kappa = angle / length predict the next: when kappa grew by
 * r, assume it grows by r again (at most 4) and keep the next turn within
 * 0.8 max_angle. Returns the longest such step (INFINITY: no limit). */
static double turn_limit(ll_cont_ws *ws, double angle, double h)
{
    double kappa = h > 0.0 ? angle / h : 0.0, prev = ws->kappa;
    ws->kappa = kappa;
    if (!(kappa > 0.0) || !(prev > 0.0) || kappa <= prev)
        return INFINITY;
    double next = kappa * fmin(kappa / prev, 4.0);
    return 0.8 * ws->o->max_angle / next;
}

/* Next to a fold where a second eigenvalue is small too (the m = 1000,
 * d = 100 branch: mu0 and mu1 within 15% of each other, both falling) the
 * bordered Jacobian is nearly singular and Newton's region of convergence
 * shrinks step by step: each step's first try failed after the full
 * iteration budget and its half succeeded, ~8 s of a ~14 s step wasted.
 * After a step whose corrector refused a longer try, the next is no
 * longer than it, and half of it when the step before was cut as well
 * (the admissible length halved from one step to the next). */
static double cut_limit(ll_cont_ws *ws, int cut, double h)
{
    double lim = !cut ? INFINITY : ws->cut_prev ? 0.5 * h : h;
    ws->cut_prev = cut;
    return lim;
}

ll_status ll_cont_step(ll_cont_ws *ws, const ll_cont_point *A, double *ds,
                       ll_cont_point *B)
{
    const ll_cont_opts *o = ws->o;
    const char *why = "none";
    int cut = 0; /* a longer try was refused by its corrector */
    for (;;) {
        if (*ds < o->ds_min)
            return ll_err(ws->eb, LL_ERR_STEP, "cont: step %.3g fell below "
                          "ds_min = %.3g at p = %.12g (last: %s)", *ds,
                          o->ds_min, A->X[ws->n], why);
        int its = 0;
        double angle = 0.0;
        ll_status st = try_step(ws, A, *ds, B, &its, &why, &angle);
        if (recoverable(st)) {
            /* a turn too sharp: aim at 0.8 max_angle (the angle grows
             * linearly with ds); otherwise halve */
            double f = 0.5;
            if (angle > ws->o->max_angle)
                f = fmin(0.5, fmax(0.1, 0.8 * ws->o->max_angle / angle));
            else
                cut = 1;
            *ds *= f;
            ws->steps_rejected++;
            continue;
        }
        if (st != LL_OK)
            return st;
        double chord = 0.0;
        for (size_t i = 0; i < ws->m; i++)
            chord += (B->X[i] - A->X[i]) * (B->X[i] - A->X[i]);
        B->s = A->s + sqrt(chord);
        /* grow after a fast Newton, but not beyond what would turn the
         * tangent by 0.8 max_angle */
        if (its <= LL_CONT_FAST_ITS) {
            double g = LL_CONT_GROW;
            if (angle > 0.0)
                g = fmin(g, fmax(1.0, 0.8 * o->max_angle / angle));
            *ds = fmin(*ds * g, o->ds_max);
        }
        *ds = fmin(*ds, turn_limit(ws, angle, B->s - A->s));
        *ds = fmin(*ds, cut_limit(ws, cut, B->s - A->s));
        return LL_OK;
    }
}

ll_status ll_cont_land(ll_cont_ws *ws, const ll_cont_point *A, double pbound,
                       ll_cont_point *B)
{
    size_t n = ws->n, m = ws->m;
    double pa = A->X[n], pb = B->X[n];
    double th = (pbound - pa) / (pb - pa);
    for (size_t i = 0; i < n; i++)
        B->X[i] = A->X[i] + th * (B->X[i] - A->X[i]);
    int its = 0;
    ll_status st = ll_cont_newton_fixed_p(ws, B->X, pbound, &its);
    if (st != LL_OK)
        return st;
    B->X[n] = pbound;
    if ((st = ll_cont_tangent(ws, B->X, A->t, B->t)) != LL_OK)
        return st;
    double chord = 0.0;
    for (size_t i = 0; i < m; i++)
        chord += (B->X[i] - A->X[i]) * (B->X[i] - A->X[i]);
    B->s = A->s + sqrt(chord);
    return LL_OK;
}
