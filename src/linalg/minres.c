/* MINRES for (A - shift I) x = b, A symmetric (possibly indefinite), with an
 * optional SPD preconditioner M^{-1}: Paige & Saunders, SIAM J. Numer. Anal.
 * 12 (1975) 617, in the preconditioned form of their minres.m (Lanczos on
 * M^{-1}(A - shift I) in the M-inner product, QR of the tridiagonal by Givens
 * rotations, the solution updated by three-term direction recurrences).
 *
 * Restarted refinement around it: each cycle computes the true residual
 * r = b - (A - shift I) x, solves the correction system (A - shift I) d = r by
 * MINRES until the recurrence's residual estimate phibar (the M^{-1}-norm of
 * the correction's residual) meets the cycle target, and sets x <- x + d.
 * The estimate drifts from the true residual through rounding (loss of
 * orthogonality of the Lanczos vectors) and differs from the 2-norm when
 * preconditioned; the next cycle restarts from the true residual, which is
 * what lets MINRES reach ||b - A x|| ~ 1e-14 ||b|| on well conditioned
 * problems. Accumulating d apart from x keeps the rounding of the many small
 * updates relative to |d|, not |x|. */
#include "losslab/krylov.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"

/* Restart cycles at most; a cycle that does not halve the true residual is
 * at the attainable-accuracy floor (~ eps ||A|| ||x||) and ends the solve. */
#define LL_MINRES_CYCLES 6

typedef struct mr_prob {
    size_t n;
    ll_symop_fn A, P;
    void *Au, *Pu;
    double shift;
} mr_prob;

/* Scratch: r1, r2, y (Lanczos), v, w, w1, w2 (directions), d (correction). */
typedef struct mr_ws {
    double *r1, *r2, *y, *v, *w, *w1, *w2, *d;
} mr_ws;

ll_minres_opts ll_minres_opts_default(void)
{
    ll_minres_opts o = {.rtol = 1e-14, .maxit = 0};
    return o;
}

static ll_status mr_apply(const mr_prob *p, const double *x, double *y)
{
    ll_status st = p->A(p->Au, x, y);
    if (st == LL_OK && p->shift != 0.0)
        for (size_t i = 0; i < p->n; i++)
            y[i] -= p->shift * x[i];
    return st;
}

static ll_status mr_prec(const mr_prob *p, const double *r, double *y)
{
    if (!p->P) {
        memcpy(y, r, p->n * sizeof *y);
        return LL_OK;
    }
    return p->P(p->Pu, r, y);
}

/* One Givens-rotation state of the Paige-Saunders recurrence. */
typedef struct mr_rot {
    double beta, oldb, dbar, epsln, phibar, cs, sn;
} mr_rot;

/* One Lanczos step: from v (= y / beta) to the next r1, r2, y and beta. On
 * entry r1, r2 hold the previous two unnormalised Lanczos vectors. */
static ll_status mr_lanczos(const mr_prob *p, double **r1, double **r2,
                            double **y, const double *v, int first, mr_rot *g,
                            double *alfa)
{
    size_t n = p->n;
    ll_status st = mr_apply(p, v, *y);
    if (st != LL_OK)
        return st;
    if (!first)
        for (size_t i = 0; i < n; i++)
            (*y)[i] -= (g->beta / g->oldb) * (*r1)[i];
    *alfa = ll_dot(n, v, *y);
    for (size_t i = 0; i < n; i++)
        (*y)[i] -= (*alfa / g->beta) * (*r2)[i];
    double *t = *r1; /* rotate: r1 <- r2, r2 <- y, y <- free buffer */
    *r1 = *r2, *r2 = *y, *y = t;
    if ((st = mr_prec(p, *r2, *y)) != LL_OK)
        return st;
    double bb = ll_dot(n, *r2, *y);
    if (bb < 0.0) /* M^{-1} is not positive definite */
        return LL_ERR_ARG;
    g->oldb = g->beta;
    g->beta = sqrt(bb);
    return LL_OK;
}

/* One MINRES cycle on (A - shift I) d = r (r in ws->r1, d zero on entry),
 * until phibar <= tau, a Lanczos breakdown (the Krylov space is invariant:
 * the iterate is exact), or maxit steps. *its counts the steps. */
static ll_status mr_cycle(const mr_prob *p, mr_ws *ws, double tau, size_t maxit,
                          size_t *its)
{
    size_t n = p->n;
    double *r1 = ws->r1, *r2 = ws->r2, *y = ws->y;
    double *w = ws->w, *w1 = ws->w1, *w2 = ws->w2, *d = ws->d;
    memcpy(r2, r1, n * sizeof *r2);
    ll_status st = mr_prec(p, r1, y);
    if (st != LL_OK)
        return st;
    double b1 = ll_dot(n, r1, y);
    if (b1 < 0.0)
        return LL_ERR_ARG;
    if (b1 == 0.0)
        return LL_OK;
    mr_rot g = {.beta = sqrt(b1), .phibar = sqrt(b1), .cs = -1.0};
    memset(w, 0, n * sizeof *w);
    memset(w2, 0, n * sizeof *w2);
    for (size_t it = 0; it < maxit; it++) {
        for (size_t i = 0; i < n; i++)
            ws->v[i] = y[i] / g.beta;
        double alfa;
        if ((st = mr_lanczos(p, &r1, &r2, &y, ws->v, it == 0, &g, &alfa)))
            return st;
        /* Apply the previous rotation, then make the new one, which
         * annihilates beta below the diagonal of the tridiagonal's QR. */
        double oldeps = g.epsln;
        double delta = g.cs * g.dbar + g.sn * alfa;
        double gbar = g.sn * g.dbar - g.cs * alfa;
        g.epsln = g.sn * g.beta;
        g.dbar = -g.cs * g.beta;
        double gamma = hypot(gbar, g.beta);
        if (gamma == 0.0) /* singular tridiagonal: keep the recurrence finite */
            gamma = 1e-300;
        g.cs = gbar / gamma, g.sn = g.beta / gamma;
        double phi = g.cs * g.phibar;
        g.phibar *= g.sn;
        double *t = w1; /* w1 <- w2, w2 <- w, w <- new direction */
        w1 = w2, w2 = w, w = t;
        for (size_t i = 0; i < n; i++) {
            w[i] = (ws->v[i] - oldeps * w1[i] - delta * w2[i]) / gamma;
            d[i] += phi * w[i];
        }
        (*its)++;
        if (g.phibar <= tau || g.beta == 0.0)
            break;
    }
    return LL_OK;
}

/* The eight scratch vectors, carved from m (8 n doubles). */
static void mr_ws_carve(mr_ws *ws, size_t n, double *m)
{
    double **slot[8] = {&ws->r1, &ws->r2, &ws->y,  &ws->v,
                        &ws->w,  &ws->w1, &ws->w2, &ws->d};
    for (size_t i = 0; i < 8; i++)
        *slot[i] = m + i * n;
}

/* r = b - (A - shift I) x into ws->r1; returns ||r|| in *rn. */
static ll_status mr_residual(const mr_prob *p, mr_ws *ws, const double *b,
                             const double *x, double *rn)
{
    ll_status st = mr_apply(p, x, ws->r1);
    if (st != LL_OK)
        return st;
    for (size_t i = 0; i < p->n; i++)
        ws->r1[i] = b[i] - ws->r1[i];
    *rn = ll_nrm2(p->n, ws->r1);
    return LL_OK;
}

/* The restarted refinement loop (see the file comment). */
static ll_status mr_solve(const mr_prob *p, mr_ws *ws, const double *b,
                          double *x, double bn, double rtol, size_t maxit,
                          ll_minres_info *info)
{
    double target = rtol * bn;
    size_t n = p->n;
    double rn = 0.0, prev = INFINITY;
    ll_status st = mr_residual(p, ws, b, x, &rn);
    for (int c = 0; st == LL_OK && c < LL_MINRES_CYCLES; c++) {
        if (rn <= target || info->its >= maxit || rn > 0.5 * prev)
            break;
        /* the cycle stops on the M^{-1}-norm estimate: scale the 2-norm
         * target by the ratio of the two norms of the starting residual,
         * with a factor 1/2 so the true residual usually lands below it */
        if ((st = mr_prec(p, ws->r1, ws->y)) != LL_OK)
            break;
        double y0 = sqrt(fmax(ll_dot(n, ws->r1, ws->y), 0.0));
        double tau = 0.5 * target * y0 / rn;
        memset(ws->d, 0, n * sizeof *ws->d);
        if ((st = mr_cycle(p, ws, tau, maxit - info->its, &info->its)))
            break;
        for (size_t i = 0; i < n; i++)
            x[i] += ws->d[i];
        prev = rn;
        st = mr_residual(p, ws, b, x, &rn);
    }
    info->relres = rn / bn;
    if (st == LL_OK && rn > target)
        st = LL_ERR_NOCONV;
    return st;
}

ll_status ll_minres_work(size_t n, ll_symop_fn A, void *Auser, double shift,
                         ll_symop_fn prec, void *Puser, const double *b,
                         double *x, const ll_minres_opts *o,
                         ll_minres_info *info, double *work)
{
    ll_minres_opts d = ll_minres_opts_default();
    if (!o)
        o = &d;
    ll_minres_info inf = {0, 0.0};
    if (!info)
        info = &inf;
    *info = inf;
    if (!A || !b || !x || !(o->rtol >= 0.0) || (n > 0 && !work))
        return LL_ERR_ARG;
    if (n == 0)
        return LL_OK;
    size_t maxit = o->maxit;
    if (maxit == 0)
        maxit = 10 * n < 20000 ? 10 * n : 20000;
    double bn = ll_nrm2(n, b);
    if (bn == 0.0) { /* the solution is x = 0, exactly */
        memset(x, 0, n * sizeof *x);
        return LL_OK;
    }
    mr_ws ws;
    mr_ws_carve(&ws, n, work);
    mr_prob p = {n, A, prec, Auser, Puser, shift};
    return mr_solve(&p, &ws, b, x, bn, o->rtol, maxit, info);
}

ll_status ll_minres(size_t n, ll_symop_fn A, void *Auser, double shift,
                    ll_symop_fn prec, void *Puser, const double *b,
                    double *x, const ll_minres_opts *o, ll_minres_info *info)
{
    double *work = n > 0 ? malloc(8 * n * sizeof *work) : NULL;
    if (n > 0 && !work) {
        if (info)
            *info = (ll_minres_info){0, 0.0};
        return LL_ERR_NOMEM;
    }
    ll_status st = ll_minres_work(n, A, Auser, shift, prec, Puser, b, x, o,
                                  info, work);
    free(work);
    return st;
}
