/* Newton correctors of the continuation (MATH.md section 2).
 *
 * Fixed p:   H dx = -F                        (polishing the start point,
 *                                              landing on a bound of p)
 * On an arc: [[H, F_p], [c^T]] dX = -[F; c^T (X - Xa) - sigma]
 *            (pseudo-arclength corrector: c the last tangent, Xa the last
 *            accepted point, sigma the step; also used to place points of
 *            the branch at a given arc coordinate when locating events).
 *
 * Converged when ||F|| <= newton_tol * gscale, the arc constraint holds to
 * rounding, and the last correction was small (so that a lucky small
 * residual on an ill-conditioned system is not mistaken for convergence);
 * a continuation step's corrector only after at least one correction
 * (step_converged).
 * Quadratic convergence is expected; a non-finite residual or newton_maxit
 * iterations give LL_ERR_NOCONV (the caller retries with a smaller step).
 * The linear solves go through ws.c: one LDL^T factor of H per iterate,
 * block elimination for the border (the corrector skips the condition
 * estimate, which only event code reads). */
#include <math.h>
#include <string.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"

/* The last correction counts as small below this fraction of 1 + ||X||:
 * with quadratic convergence and ||F|| at 1e-12 the step that got there is
 * ~1e-6 or less relative to the scale. */
#define LL_CONT_STEP_SMALL 1e-6

static int small_step(int it, double dnorm, double xnorm)
{
    return it == 0 || dnorm <= LL_CONT_STEP_SMALL * (1.0 + xnorm);
}

/* A step's corrector takes at least one update, even from a predictor that
 * already meets ftol. Where the bordered Jacobian is nearly singular (next
 * to a nearly symmetric fold, smallest singular value ~ g_p) the points
 * with ||F|| <= ftol fill a tube ~ftol / g_p wide around the branch
 * (1e-7 on the eps = 1e-5 fold of tests/cont/test_fold.c, 100 times its
 * steps there): predictors accepted as they stand drift across it, and
 * the first one just outside is pulled back onto the branch by more than
 * the step control allows of a step ("corrector moved too far"), at every
 * step size, down to the step underflow. One update puts every accepted
 * point on the branch to Newton accuracy. */
static int step_converged(int it, double dnorm, double xnorm)
{
    return it > 0 && small_step(it, dnorm, xnorm);
}

ll_status ll_cont_newton_fixed_p(ll_cont_ws *ws, double *x, double p,
                                 int *its)
{
    size_t n = ws->n;
    double *X = ws->tmp2, dnorm = 0.0, fn = 0.0;
    memcpy(X, x, n * sizeof *X);
    X[n] = p;
    for (int it = 0; it <= ws->o->newton_maxit; it++) {
        ll_status st = ll_cont_eval_F(ws, X, &fn);
        if (st != LL_OK)
            return st;
        if (!isfinite(fn))
            break;
        if (fn <= ws->ftol && small_step(it, dnorm, ll_nrm2(n, X))) {
            memcpy(x, X, n * sizeof *x);
            *its = it;
            return LL_OK;
        }
        if (it == ws->o->newton_maxit)
            break;
        if ((st = ll_cont_eval_H(ws, X)) != LL_OK)
            return st;
        for (size_t i = 0; i < n; i++)
            ws->r[i] = -ws->F[i];
        st = ll_cont_hsolve(ws, ws->r);
        if (st != LL_OK)
            return ll_err(ws->eb, st, "cont: singular Hessian in Newton at "
                          "fixed p = %g", p);
        for (size_t i = 0; i < n; i++)
            X[i] += ws->r[i];
        dnorm = ll_nrm2(n, ws->r);
        ws->newton_iters++;
    }
    *its = ws->o->newton_maxit;
    return ll_err(ws->eb, LL_ERR_NOCONV, "cont: Newton at fixed p = %g did not "
                  "converge (||F|| = %.3g, tol %.3g)", p, fn, ws->ftol);
}

/* Residual of the arc constraint c^T (X - Xa) - sigma. */
static double arc_residual(size_t m, const double *c, const double *X,
                           const double *Xa, double sigma)
{
    double g = 0.0;
    for (size_t i = 0; i < m; i++)
        g += c[i] * (X[i] - Xa[i]);
    return g - sigma;
}

/* The chord variant (ll_cont_correct_chord) serves the structured path: a
 * Woodbury factor costs O(P N^2) (1.3 s at P = 100,000, N = 500, with the
 * Hessian's assembly and norm ~1.7 s), a chord update (gradient, bordered
 * solve, refinement) O(P N), ~0.25 s there. So the update reuses the last
 * factor (the chord method: linear convergence at a rate rho ~
 * ||J0^{-1}|| ||J(X) - J0||), and the Jacobian is refreshed (H and F_p at
 * the iterate, one factor) only when the chord is slow: rho above
 * LL_CONT_CHORD_RATE, or more than LL_CONT_CHORD_LEFT further updates at the
 * observed rho to reach ftol (a refresh costs about six updates, and Newton
 * then needs one or two); and at the first iterate when the Jacobian last
 * evaluated is not at Xa. Along the branch the Jacobian at Xa, the last
 * accepted point, is still factored (its tangent and spectrum used it): the
 * updates start from it, at a rate ~ ||J^{-1}|| ||J'|| ds (0.01-0.08 on the
 * m = 1000, d = 100 branch), and a step factors once, at its end point for
 * the tangent, instead of two or three times. Iterations are counted in
 * Newton terms: refreshes plus half the chord updates (rounded up), so that
 * the step control's fast / slow limits keep their meaning; without chord
 * every update is a refresh and the count is plain Newton's. */
#define LL_CONT_CHORD_RATE 0.5
#define LL_CONT_CHORD_LEFT 4

/* Refresh the chord's Jacobian? fn, fprev: the residual now and before the
 * last update. */
static int chord_slow(double fn, double fprev, double ftol)
{
    double rho = fn / fprev;
    if (!(rho < LL_CONT_CHORD_RATE))
        return 1;
    /* log(rho) < 0 here; fn <= ftol leaves only the step test pending */
    return fn > ftol && log(ftol / fn) / log(rho) > LL_CONT_CHORD_LEFT;
}

/* step: a continuation step's corrector (see step_converged); the event
 * code places points with step = 0, so that a point on an exact branch
 * point, where the bordered Jacobian is singular, is kept as it is. */
static ll_status correct(ll_cont_ws *ws, double *X, const double *c,
                         const double *Xa, double sigma, int maxit, int chord,
                         int step, int *its)
{
    size_t n = ws->n, m = ws->m;
    double dnorm = 0.0, fn = 0.0, fprev = INFINITY;
    int refresh = 0, reuse = 0;
    if (maxit > ws->o->newton_maxit)
        maxit = ws->o->newton_maxit;
    for (int it = 0;; it++) {
        ll_status st = ll_cont_eval_F(ws, X, &fn);
        if (st != LL_OK)
            return st;
        double g = arc_residual(m, c, X, Xa, sigma), xnorm = ll_nrm2(m, X);
        if (!isfinite(fn) || !isfinite(g))
            break;
        /* the constraint is linear: after one Newton step it holds up to
         * the rounding of X (~ sqrt(m) eps ||X||) */
        *its = refresh + (reuse + 1) / 2;
        if (fn <= ws->ftol && fabs(g) <= 1e-12 * (1.0 + xnorm) &&
            (step ? step_converged(it, dnorm, xnorm)
                  : small_step(it, dnorm, xnorm)))
            return LL_OK;
        int fresh = !chord || (it == 0 && !ll_cont_jac_is_at(ws, Xa)) ||
                    (it > 0 && chord_slow(fn, fprev, ws->ftol));
        if ((fresh ? refresh + 1 + (reuse + 1) / 2
                   : refresh + (reuse + 2) / 2) > maxit)
            break;
        if (fresh) {
            if ((st = ll_cont_eval_HFp(ws, X)) != LL_OK)
                return st;
            refresh++;
        } else {
            reuse++;
        }
        for (size_t i = 0; i < n; i++)
            ws->r[i] = -ws->F[i];
        ws->r[n] = -g;
        if ((st = ll_cont_bordered_solve_nocond(ws, c, ws->r)) != LL_OK)
            return ll_err(ws->eb, st, "cont: %s bordered Jacobian at p = %g",
                          st == LL_ERR_NOMEM ? "out of memory solving the"
                                             : "singular", X[n]);
        for (size_t i = 0; i < m; i++)
            X[i] += ws->r[i];
        dnorm = ll_nrm2(m, ws->r);
        fprev = fn;
        ws->newton_iters++;
    }
    *its = maxit + 1;
    return ll_err(ws->eb, LL_ERR_NOCONV, "cont: %scorrector did not converge "
                  "near p = %g (||F|| = %.3g, tol %.3g)", chord ? "chord " : "",
                  X[n], fn, ws->ftol);
}

ll_status ll_cont_correct(ll_cont_ws *ws, double *X, const double *c,
                          const double *Xa, double sigma, int *its)
{
    return correct(ws, X, c, Xa, sigma, ws->o->newton_maxit, 0, 0, its);
}

ll_status ll_cont_correct_max(ll_cont_ws *ws, double *X, const double *c,
                              const double *Xa, double sigma, int maxit,
                              int *its)
{
    return correct(ws, X, c, Xa, sigma, maxit, 0, 1, its);
}

ll_status ll_cont_correct_chord(ll_cont_ws *ws, double *X, const double *c,
                                const double *Xa, double sigma, int maxit,
                                int *its)
{
    return correct(ws, X, c, Xa, sigma, maxit, 1, 1, its);
}
