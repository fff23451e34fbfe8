/* Re-location of a branch point whose location by the continuation failed
 * (MATH.md section 2). At an exact branch point the arclength corrector's
 * bordered Jacobian [[H, F_p], [t^T]] is singular (ker [H F_p] is 2-D), so
 * Newton on the arc can stall right at p* or slip onto the new branch. On a
 * branch that is a graph over p near p* the known branch can instead be
 * followed at fixed p: Newton on F(x, p) = 0 (ll_study_polish) from the
 * interpolated stored points, where H is regular for p != p*. The crossing
 * eigenvalue mu_k(p) (k = the smaller of the two indices) changes sign on
 * the bracket of the two stored points whose index differs; Illinois regula
 * falsi on it to |dp| <= locate_tol. The event is then described at the
 * final point: phi (unit eigenvector of mu_k, sign convention), mu1, mu2,
 * and the Lyapunov-Schmidt coefficients. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "study/diagram_internal.h"
#include "study/polish.h"

#define LL_DG_RELOC_MAXIT 80

typedef struct rl_buf {
    double *x, *xa, *xb, *H, *w, *V;
} rl_buf;

/* x at p by Newton from the interpolation of the bracket, and mu_k. */
static ll_status eval_at(const dg_ctx *C, int k, double p, double pa,
                         double pb, rl_buf *b, double *mu)
{
    size_t n = C->n;
    double th = (p - pa) / (pb - pa);
    for (size_t i = 0; i < n; i++)
        b->x[i] = b->xa[i] + th * (b->xb[i] - b->xa[i]);
    int its = 0;
    double gn = 0.0;
    ll_errbuf eb = {{0}};
    ll_status st = ll_study_polish(C->pb, b->x, p, C->o->cont.newton_tol, 30,
                                   &its, &gn, &eb);
    if (st == LL_OK)
        st = C->pb->hess(C->pb->ctx, b->x, p, b->H);
    if (st == LL_OK)
        st = ll_sym_eig_all(n, b->H, b->w, b->V);
    *mu = st == LL_OK ? b->w[k] : NAN;
    return st;
}

static ll_status bracket_solve(const dg_ctx *C, int k, double pa, double pb,
                               rl_buf *b, double *pstar)
{
    double fa, fb, a = pa, c = pb, fs = 0.0, s = pa;
    ll_status st = eval_at(C, k, pa, pa, pb, b, &fa);
    if (st == LL_OK)
        st = eval_at(C, k, pb, pa, pb, b, &fb);
    if (st != LL_OK || (fa > 0) == (fb > 0))
        return st != LL_OK ? st : LL_ERR_LOCATE;
    int side = 0;
    for (int it = 0; it < LL_DG_RELOC_MAXIT; it++) {
        double s_new = c - fb * (c - a) / (fb - fa);
        if (!(s_new > fmin(a, c) && s_new < fmax(a, c)))
            s_new = 0.5 * (a + c);
        double dp = fabs(s_new - s);
        s = s_new;
        if ((st = eval_at(C, k, s, pa, pb, b, &fs)) != LL_OK)
            return st;
        if (fs == 0.0 || dp <= C->o->cont.locate_tol ||
            fabs(c - a) <= C->o->cont.locate_tol)
            break;
        if ((fs > 0) == (fb > 0)) {
            c = s, fb = fs;
            if (side == 1)
                fa *= 0.5;
            side = 1;
        } else {
            a = s, fa = fs;
            if (side == -1)
                fb *= 0.5;
            side = -1;
        }
    }
    *pstar = s;
    return LL_OK;
}

/* Stored points i, i+1 around arclength s whose index differs. */
static int find_bracket(const ll_branch *br, double s, size_t *at)
{
    int found = 0;
    double best = INFINITY;
    for (size_t i = 0; i + 1 < br->len; i++) {
        if (br->index[i] == br->index[i + 1])
            continue;
        double d = fmin(fabs(br->s[i] - s), fabs(br->s[i + 1] - s));
        if (d < best)
            best = d, *at = i, found = 1;
    }
    return found;
}

static void describe(const dg_ctx *C, int k, double p, rl_buf *b, ll_event *ev)
{
    size_t n = C->n;
    memcpy(ev->x, b->x, n * sizeof *ev->x);
    memcpy(ev->phi, b->V + (size_t)k * n, n * sizeof *ev->phi);
    ll_bif_normalise_kernel(n, ev->phi);
    ev->p = p, ev->mu1 = b->w[k];
    ev->mu2 = k > 0 ? b->w[k - 1] : NAN;
    if ((size_t)k + 1 < n && !(fabs(b->w[k + 1] - ev->mu1) >=
                                fabs(ev->mu2 - ev->mu1)))
        ev->mu2 = b->w[k + 1];
    ll_errbuf eb = {{0}};
    ev->status = ll_bif_coefficients(C->pb, ev->x, p, ev->phi,
                                     &C->o->cont.bif, &ev->coef, &eb);
    snprintf(ev->reason, sizeof ev->reason, "%.127s",
             ev->status == LL_OK ? "located at fixed p by the diagram (the "
                                   "arc corrector failed at the branch point)"
                                 : eb.msg);
}

ll_status ll_dg_relocate(dg_ctx *C, ll_event *ev, const ll_branch *br)
{
    size_t n = C->n, at = 0;
    if (!br->x || !find_bracket(br, ev->s, &at))
        return LL_ERR_LOCATE;
    int k = br->index[at] < br->index[at + 1] ? br->index[at]
                                              : br->index[at + 1];
    double *blk = malloc((3 * n + 2 * n * n + n) * sizeof *blk);
    if (!blk)
        return LL_ERR_NOMEM;
    rl_buf b = {blk, blk + n, blk + 2 * n, blk + 3 * n,
                blk + 3 * n + n * n, blk + 4 * n + n * n};
    memcpy(b.xa, br->x + at * n, n * sizeof *b.xa);
    memcpy(b.xb, br->x + (at + 1) * n, n * sizeof *b.xb);
    double pstar = NAN;
    ll_status st = br->p[at] == br->p[at + 1] ? LL_ERR_LOCATE
                   : bracket_solve(C, k, br->p[at], br->p[at + 1], &b, &pstar);
    if (st == LL_OK)
        describe(C, k, pstar, &b, ev);
    free(blk);
    return st;
}
