/* Continuation workspace and the evaluations every stage shares: F, H, F_p
 * at a point X = (x, p), the bordered solve with [[H, F_p], [c^T]]
 * (MATH.md section 2), and the spectrum at an accepted point: the Morse index
 * from the inertia of a Bunch-Kaufman LDL^T factorisation (Sylvester's law
 * of inertia) and the smallest eigenvalues (dsyevr).
 *
 * All buffers are allocated once per run here; the inner loops only reuse
 * them (ll_solve and the eigensolver copy their input internally). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"

ll_status ll_cont_ws_init(ll_cont_ws *ws, const ll_problem *pb,
                          const ll_cont_opts *o, ll_errbuf *eb)
{
    memset(ws, 0, sizeof *ws);
    ws->pb = pb, ws->o = o, ws->eb = eb;
    ws->n = pb->n, ws->m = pb->n + 1;
    ws->n_eigs = o->n_eigs < (int)pb->n ? o->n_eigs : (int)pb->n;
    size_t n = ws->n, m = ws->m;
    ws->F = malloc(n * sizeof *ws->F);
    ws->Fp = malloc(n * sizeof *ws->Fp);
    ws->H = malloc(n * n * sizeof *ws->H);
    ws->Hp = malloc(n * n * sizeof *ws->Hp);
    ws->J = malloc(m * m * sizeof *ws->J);
    ws->r = malloc(m * sizeof *ws->r);
    ws->w = malloc(n * sizeof *ws->w);
    ws->V = malloc(n * n * sizeof *ws->V);
    ws->tmp = malloc(m * sizeof *ws->tmp);
    ws->tmp2 = malloc(m * sizeof *ws->tmp2);
    if (!ws->F || !ws->Fp || !ws->H || !ws->Hp || !ws->J || !ws->r || !ws->w ||
        !ws->V || !ws->tmp || !ws->tmp2) {
        ll_cont_ws_free(ws);
        return ll_err(eb, LL_ERR_NOMEM, "cont: out of memory for n = %zu", n);
    }
    return LL_OK;
}

void ll_cont_ws_free(ll_cont_ws *ws)
{
    free(ws->F), free(ws->Fp), free(ws->H), free(ws->Hp), free(ws->J);
    free(ws->r), free(ws->w), free(ws->V), free(ws->tmp), free(ws->tmp2);
    ws->F = ws->Fp = ws->H = ws->Hp = ws->J = NULL;
    ws->r = ws->w = ws->V = ws->tmp = ws->tmp2 = NULL;
}

ll_status ll_cont_point_alloc(const ll_cont_ws *ws, ll_cont_point *pt)
{
    memset(pt, 0, sizeof *pt);
    pt->X = calloc(ws->m, sizeof *pt->X);
    pt->t = calloc(ws->m, sizeof *pt->t);
    pt->mu = calloc((size_t)ws->n_eigs + 1, sizeof *pt->mu);
    if (!pt->X || !pt->t || !pt->mu) {
        ll_cont_point_free(pt);
        return ll_err(ws->eb, LL_ERR_NOMEM, "cont: out of memory for a point");
    }
    return LL_OK;
}

void ll_cont_point_free(ll_cont_point *pt)
{
    free(pt->X), free(pt->t), free(pt->mu);
    memset(pt, 0, sizeof *pt);
}

void ll_cont_point_copy(const ll_cont_ws *ws, ll_cont_point *dst,
                        const ll_cont_point *src)
{
    memcpy(dst->X, src->X, ws->m * sizeof *dst->X);
    memcpy(dst->t, src->t, ws->m * sizeof *dst->t);
    memcpy(dst->mu, src->mu, (size_t)ws->n_eigs * sizeof *dst->mu);
    dst->s = src->s, dst->loss = src->loss, dst->gnorm = src->gnorm;
    dst->index = src->index;
}

ll_status ll_cont_eval_F(ll_cont_ws *ws, const double *X, double *fnorm)
{
    ll_status st = ws->pb->grad(ws->pb->ctx, X, X[ws->n], ws->F);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: gradient callback failed at p = %g",
                      X[ws->n]);
    *fnorm = ll_nrm2(ws->n, ws->F);
    return LL_OK;
}

ll_status ll_cont_eval_HFp(ll_cont_ws *ws, const double *X)
{
    double p = X[ws->n];
    ll_status st = ws->pb->hess(ws->pb->ctx, X, p, ws->H);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: Hessian callback failed at p = %g", p);
    st = ws->pb->grad_p(ws->pb->ctx, X, p, ws->Fp);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: grad_p callback failed at p = %g", p);
    return LL_OK;
}

ll_status ll_cont_bordered_solve(ll_cont_ws *ws, const double *c, double *rhs)
{
    size_t n = ws->n, m = ws->m;
    for (size_t j = 0; j < n; j++) {
        memcpy(ws->J + j * m, ws->H + j * n, n * sizeof *ws->J);
        ws->J[n + j * m] = c[j];
    }
    memcpy(ws->J + n * m, ws->Fp, n * sizeof *ws->J);
    ws->J[n + n * m] = c[n];
    ws->last_rcond = 0.0;
    return ll_solve(m, ws->J, 1, rhs, &ws->last_rcond);
}

ll_status ll_cont_index(ll_cont_ws *ws, const double *X, int *index)
{
    ll_status st = ws->pb->hess(ws->pb->ctx, X, X[ws->n], ws->H);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: Hessian callback failed at p = %g",
                      X[ws->n]);
    st = ll_sym_inertia(ws->n, ws->H, index, NULL, NULL);
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: LDL^T inertia failed at p = %g",
                      X[ws->n]);
    return LL_OK;
}

ll_status ll_cont_point_spectrum(ll_cont_ws *ws, ll_cont_point *pt)
{
    const double *X = pt->X;
    ll_status st = ll_cont_index(ws, X, &pt->index);
    if (st == LL_OK && ws->n_eigs > 0) {
        st = ll_sym_eig_smallest(ws->n, ws->H, (size_t)ws->n_eigs, pt->mu, NULL);
        if (st != LL_OK)
            return ll_err(ws->eb, st, "cont: eigenvalues failed at p = %g",
                          X[ws->n]);
    }
    if (st == LL_OK)
        st = ll_cont_eval_F(ws, X, &pt->gnorm);
    if (st == LL_OK) {
        st = ws->pb->loss(ws->pb->ctx, X, X[ws->n], &pt->loss);
        if (st != LL_OK)
            return ll_err(ws->eb, st, "cont: loss callback failed at p = %g",
                          X[ws->n]);
    }
    return st;
}
