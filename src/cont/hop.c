/* The structured and matrix-free Hessian paths of the continuation
 * (cont.h, ll_hessian_path; issue 5): everything ws.c does with the dense
 * H, done without it.
 *
 * STRUCTURED: H = blockdiag(B) + U U^T from the problem's hess_struct
 * (with U^T U, which the model has cheaply: ll_bdlr_factor_gram),
 * factored once per point by ll_bdlr (Woodbury solves, Haynsworth inertia:
 * the Morse index is exact). The smallest eigenvalues come from block
 * Rayleigh-Ritz (ll_eigs_smallest) whose subspace is expanded by the
 * shift-invert (H - sigma I)^{-1}, a second ll_bdlr factorisation at a
 * shift sigma just below the wanted eigenvalues (from H's factor by
 * ll_bdlr_factor_shift: same blocks and U): sigma = the smallest previous
 * eigenvalue minus about how far it moved lately (warm start along the
 * branch, pick_shift), or
 * at the first point min_j lambda_min(B_j), a lower bound of the spectrum
 * since U U^T is positive semidefinite. The Haynsworth count of the shifted
 * factor checks that no eigenvalue lies below sigma (else sigma moves down,
 * factor_shift); the previous eigenvectors get one step of inverse
 * iteration before they seed the solver, and products and expansions go
 * by blocks (BLAS 3). Ritz values and residuals always use H itself.
 *
 * MATFREE (hop_matfree.c): products H u from the problem's prepared
 * Hessian (hlin_*) or its hvp; solves by MINRES on H~ (H with its smallest
 * computed eigenvalues deflated) inside a block elimination with
 * refinement on the undeflated system; the smallest eigenvalues by block
 * Krylov on H itself (no shift-invert), warm-started from the previous
 * point's eigenvectors (the subspace a step moves little: ~50 products per
 * point on the m = 10 problem); the Morse index as the number of negative
 * eigenvalues among those computed, their number doubled while all are
 * negative.
 *
 * Both: ||H||_1 (for the backward-error test of the bordered solves and
 * the condition estimate) by Hager's estimator on products with H; the
 * rounding scale ||H|| of the event code: ||H||_F exactly (structured) or
 * that ||H||_1 estimate (matrix-free; ||H||_2 <= ||H||_1 <= sqrt(n) ||H||_2).
 *
 * The range solves of the Lyapunov-Schmidt coefficients (bif.h,
 * ll_bif_coefficients_ext): [[H, phi], [phi^T, 0]] [y; c] = [r; 0], on
 * both paths by the bordered solve of hop_matfree.c (exact for any phi:
 * the kernel vector need not be exact). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cont/hop_impl.h"
#include "losslab/bdlr.h"
#include "losslab/krylov.h"
#include "losslab/linalg.h"

/* Eigenpair residual tolerance (relative to ||H||) at ordinary points and
 * at events (where the crossing eigenvalue decides p* to 1e-10). */
#define LL_HOP_EIG_TOL 1e-10
/* a pair that missed the tolerance is still used up to this residual
 * (relative to ||H||): its Ritz value is then within that of an
 * eigenvalue, and the shift below the spectrum makes it the right one */
#define LL_HOP_EIG_ACCEPT 1e-8
#define LL_HOP_EIG_TOL_EVENT 1e-12
/* factor_shift's attempts, the shift moving down by 4^t times its first
 * distance: a predicted shift starts close (down to 1e-10 ||H||), and a
 * dense cluster of block eigenvalues (where clamping is refused) may need
 * it ~1e6 times further down */
#define LL_HOP_SHIFT_TRIES 12


void ll_cont_hop_destroy(ll_cont_hop *h)
{
    if (!h)
        return;
    ll_hop_mf_free(h, h->ws->pb); /* both paths allocate it */
    ll_bdlr_destroy(h->f0), ll_bdlr_destroy(h->fs), ll_bdlr_destroy(h->ft);
    free(h->X), free(h->B), free(h->U), free(h->G), free(h->V), free(h->V2);
    free(h->w);
    free(h->z), free(h->zk), free(h->sk), free(h->zkb), free(h->work);
    free(h->iwork), free(h);
}

static ll_status hop_alloc_struct(ll_cont_hop *h, const ll_problem *pb)
{
    h->nb = pb->struct_nb, h->bs = pb->struct_bs, h->k = pb->struct_k;
    if (h->nb * h->bs != h->n || h->bs == 0)
        return LL_ERR_ARG;
    h->B = malloc(h->nb * h->bs * h->bs * sizeof *h->B);
    /* U's columns: the k of H, then room for the deflated eigenvectors of
     * the fallback next to a fold (hop_matfree.c) */
    h->U = malloc(h->n * (h->k + LL_HOP_DEFL_MAX) * sizeof *h->U);
    h->zk = malloc((h->k + 1) * sizeof *h->zk);
    h->sk = malloc((h->k + LL_HOP_DEFL_MAX) * sizeof *h->sk);
    h->G = malloc((h->k * h->k + 1) * sizeof *h->G);
    if (!h->B || !h->U || !h->zk || !h->sk || !h->G)
        return LL_ERR_NOMEM;
    ll_status st = ll_bdlr_create(&h->f0, h->nb, h->bs, h->k);
    if (st == LL_OK)
        st = ll_bdlr_create(&h->fs, h->nb, h->bs, h->k);
    return st;
}

ll_status ll_cont_hop_create(ll_cont_ws *ws, ll_hessian_path path)
{
    size_t n = ws->n;
    ll_cont_hop *h = calloc(1, sizeof *h);
    if (!h)
        return ll_err(ws->eb, LL_ERR_NOMEM, "cont: out of memory");
    h->path = path, h->n = n, h->ws = ws;
    h->kv_max = (size_t)ws->n_eigs + 3 < n ? (size_t)ws->n_eigs + 3 : n;
    h->X = malloc(ws->m * sizeof *h->X);
    h->V = malloc(n * h->kv_max * sizeof *h->V);
    h->V2 = malloc(n * h->kv_max * sizeof *h->V2);
    h->w = malloc(h->kv_max * sizeof *h->w);
    h->z = malloc(n * sizeof *h->z);
    h->work = malloc((2 * n + 2) * sizeof *h->work);
    h->iwork = malloc((n + 1) * sizeof *h->iwork);
    ll_status st = LL_OK;
    if (!h->X || !h->V || !h->V2 || !h->w || !h->z || !h->work || !h->iwork)
        st = LL_ERR_NOMEM;
    if (st == LL_OK && path == LL_HESSIAN_STRUCTURED)
        st = hop_alloc_struct(h, ws->pb);
    if (st == LL_OK) /* structured: the deflated fallback's buffers */
        st = ll_hop_mf_create(ws, h);
    if (st != LL_OK) {
        const ll_problem *pb = ws->pb;
        ll_cont_hop_destroy(h);
        if (st == LL_ERR_NOMEM)
            return ll_err(ws->eb, st, "cont: out of memory for the %s "
                          "Hessian path (n = %zu)", ll_hessian_path_str(path),
                          n);
        return ll_err(ws->eb, st, "cont: the %s Hessian path cannot be set "
                      "up for n = %zu (struct_nb = %zu x struct_bs = %zu, "
                      "struct_k = %zu): %s", ll_hessian_path_str(path), n,
                      pb->struct_nb, pb->struct_bs, pb->struct_k,
                      ll_status_str(st));
    }
    h->norm1 = h->hscale = NAN;
    h->arc_s = h->perr = NAN;
    ws->hop = h;
    return LL_OK;
}

ll_status ll_cont_hop_at(ll_cont_ws *ws, const double *X)
{
    ll_cont_hop *h = ws->hop;
    const ll_problem *pb = ws->pb;
    if (h->at_known && memcmp(h->X, X, ws->m * sizeof *X) == 0)
        return LL_OK;
    h->at_known = 0, h->eig_known = 0, h->fac_ok = 0;
    h->norm1 = h->hscale = NAN;
    memcpy(h->X, X, ws->m * sizeof *X);
    if (h->path == LL_HESSIAN_STRUCTURED) {
        ll_status st =
            pb->hess_struct(pb->ctx, X, X[ws->n], h->B, h->U, h->G);
        if (st != LL_OK)
            return ll_err(ws->eb, st, "cont: hess_struct callback failed at "
                          "p = %g", X[ws->n]);
        h->fac_st =
            ll_bdlr_factor_gram(h->f0, h->B, h->U, NULL, h->k, 0.0, h->G);
        if (h->fac_st == LL_ERR_NOMEM)
            return ll_err(ws->eb, LL_ERR_NOMEM, "cont: out of memory "
                          "factoring the structured Hessian");
        h->fac_ok = h->fac_st == LL_OK;
        h->ft_ok = 0, h->mf.C_ok = h->mf.hu_ok = 0;
    } else {
        ll_status st = ll_hop_mf_at(ws);
        if (st != LL_OK)
            return st;
    }
    h->at_known = 1;
    return LL_OK;
}

void ll_cont_hop_arc(ll_cont_ws *ws, double s) { ws->hop->arc_s = s; }

int ll_cont_hop_is_at(const ll_cont_ws *ws, const double *X)
{
    const ll_cont_hop *h = ws->hop;
    return h->at_known && memcmp(h->X, X, ws->m * sizeof *X) == 0;
}

/* y = H x at the operator's point. */
ll_status ll_cont_hop_apply(ll_cont_ws *ws, const double *x, double *y)
{
    ll_cont_hop *h = ws->hop;
    if (h->path == LL_HESSIAN_STRUCTURED) {
        size_t bs = h->bs, n = h->n;
        for (size_t j = 0; j < h->nb; j++)
            ll_gemv(0, bs, bs, 1.0, h->B + j * bs * bs, bs, x + j * bs, 0.0,
                    y + j * bs);
        ll_gemv(1, n, h->k, 1.0, h->U, n, x, 0.0, h->zk);
        ll_gemv(0, n, h->k, 1.0, h->U, n, h->zk, 1.0, y);
        return LL_OK;
    }
    return ll_hop_mf_apply(ws, x, y);
}

/* Y = H X for nb vectors (structured: U streamed once for the block). */
static ll_status op_apply_block(void *user, size_t nb, const double *X,
                                double *Y)
{
    ll_cont_ws *ws = user;
    ll_cont_hop *h = ws->hop;
    size_t n = h->n, bs = h->bs;
    if (nb > h->zkb_cols) {
        double *z = realloc(h->zkb, (h->k + 1) * nb * sizeof *z);
        if (!z)
            return LL_ERR_NOMEM;
        h->zkb = z, h->zkb_cols = nb;
    }
    for (size_t j = 0; j < h->nb; j++)
        ll_gemm(0, 0, bs, nb, bs, 1.0, h->B + j * bs * bs, bs, X + j * bs, n,
                0.0, Y + j * bs, n);
    ll_gemm(1, 0, h->k, nb, n, 1.0, h->U, n, X, n, 0.0, h->zkb, h->k);
    ll_gemm(0, 0, n, nb, h->k, 1.0, h->U, n, h->zkb, h->k, 1.0, Y, n);
    return LL_OK;
}

static ll_status op_apply(void *user, const double *x, double *y)
{
    return ll_cont_hop_apply(user, x, y);
}

ll_status ll_cont_hop_solve(ll_cont_ws *ws, size_t nrhs, double *R)
{
    ll_cont_hop *h = ws->hop;
    /* structured next to a fold (factor refused): the deflated
     * elimination of hop_matfree.c with a Woodbury factor of H + D G D^T */
    if (h->path == LL_HESSIAN_STRUCTURED && h->fac_ok)
        return ll_bdlr_solve(h->f0, nrhs, R, h->n);
    return ll_hop_mf_solve(ws, nrhs, R);
}

/* Factor ft = H~ for the current point and deflation basis. */
static ll_status ft_ensure(ll_cont_hop *h)
{
    ll_hop_mf *f = &h->mf;
    size_t n = h->n, kc = h->k + f->kd;
    if (h->ft_ok && h->ft_ver == f->dver)
        return LL_OK;
    ll_status st = h->ft ? LL_OK
                         : ll_bdlr_create(&h->ft, h->nb, h->bs,
                                          h->k + LL_HOP_DEFL_MAX);
    if (st != LL_OK)
        return st;
    for (size_t i = 0; i < h->k; i++)
        h->sk[i] = 1.0;
    for (size_t i = 0; i < f->kd; i++) {
        memcpy(h->U + (h->k + i) * n, f->D + i * n, n * sizeof *h->U);
        h->sk[h->k + i] = f->G[i];
    }
    if ((st = ll_bdlr_factor(h->ft, h->B, h->U, h->sk, kc, 0.0)) != LL_OK)
        return st;
    h->ft_ok = 1, h->ft_ver = f->dver;
    return LL_OK;
}

ll_status ll_hop_struct_tilde_solve(ll_cont_ws *ws, const double *b,
                                    double *x)
{
    ll_cont_hop *h = ws->hop;
    ll_status st = ft_ensure(h);
    if (st != LL_OK)
        return st;
    if (x != b)
        memcpy(x, b, h->n * sizeof *x);
    return ll_bdlr_solve(h->ft, 1, x, h->n);
}

/* For Hager's estimator: x <- H x (H symmetric: trans is irrelevant). */
static ll_status norm_apply(void *user, int trans, double *x)
{
    ll_cont_ws *ws = user;
    (void)trans;
    ll_status st = ll_cont_hop_apply(ws, x, ws->hop->V2);
    if (st == LL_OK)
        memcpy(x, ws->hop->V2, ws->n * sizeof *x);
    return st;
}

ll_status ll_cont_hop_norm1(ll_cont_ws *ws, double *nrm)
{
    ll_cont_hop *h = ws->hop;
    if (!isfinite(h->norm1)) {
        ll_status st = ll_inv_norm1_est(h->n, norm_apply, ws, h->work,
                                        h->iwork, &h->norm1);
        if (st != LL_OK)
            return st;
    }
    *nrm = h->norm1;
    return LL_OK;
}

/* ---- eigenvalues -------------------------------------------------------- */

/* Structured expansion: x -> (H - sigma I)^{-1} x with the factor fs. */
static ll_status si_struct(void *user, const double *x, double *y)
{
    ll_cont_ws *ws = user;
    memcpy(y, x, ws->n * sizeof *y);
    return ll_bdlr_solve(ws->hop->fs, 1, y, ws->n);
}

/* The same for a block of nb vectors: one multi-right-hand-side solve. */
static ll_status si_struct_block(void *user, size_t nb, const double *X,
                                 double *Y)
{
    ll_cont_ws *ws = user;
    if (Y != X)
        memcpy(Y, X, ws->n * nb * sizeof *Y);
    return ll_bdlr_solve(ws->hop->fs, nb, Y, ws->n);
}

/* A lower bound of the spectrum of the structured H: min_j lambda_min(B_j)
 * (U U^T is positive semidefinite). */
static ll_status block_min(ll_cont_hop *h, double *lo)
{
    double w;
    *lo = INFINITY;
    for (size_t j = 0; j < h->nb; j++) {
        ll_status st = ll_sym_eigvals_smallest(h->bs, h->B + j * h->bs * h->bs,
                                               1, &w);
        if (st != LL_OK)
            return st;
        *lo = fmin(*lo, w);
    }
    return LL_OK;
}

/* w[0] at the branch point h->arc_s, extrapolated in the arc coordinate
 * from the last three branch calls (quadratic; linear from two); NaN
 * when there are fewer or two share an arc coordinate. */
static double predict_w0(const ll_cont_hop *h)
{
    const double *s = h->hs, *w = h->hw;
    if (!isfinite(h->arc_s) || h->nhist < 2 || s[0] == s[1])
        return NAN;
    double x = h->arc_s, d01 = (w[0] - w[1]) / (s[0] - s[1]);
    double p = w[0] + d01 * (x - s[0]);
    if (h->nhist < 3 || s[1] == s[2] || s[0] == s[2])
        return p;
    double d12 = (w[1] - w[2]) / (s[1] - s[2]);
    return p + (d01 - d12) / (s[0] - s[2]) * (x - s[0]) * (x - s[1]);
}

/* After a call at the branch point h->arc_s: its w[0] joins the history
 * (newest first), and the prediction's miss the error memory. */
static void record_arc(ll_cont_hop *h, double pred)
{
    if (!isfinite(h->arc_s) || h->kv == 0)
        return;
    if (isfinite(pred)) {
        double e = fabs(h->w[0] - pred);
        h->perr = isfinite(h->perr) ? fmax(0.5 * h->perr, e) : e;
    }
    for (int i = LL_HOP_HIST - 1; i > 0; i--)
        h->hs[i] = h->hs[i - 1], h->hw[i] = h->hw[i - 1];
    h->hs[0] = h->arc_s, h->hw[0] = h->w[0];
    h->nhist = h->nhist < LL_HOP_HIST ? h->nhist + 1 : LL_HOP_HIST;
}

/* The shift: just below the wanted eigenvalues, by about their spread
 * (*d: that distance); *pred: the predicted w[0] when it was used. Along
 * the branch w[0] is extrapolated from the last three points (the
 * eigenvalues are smooth in the arc coordinate) and sigma sits below it by
 * twice the recent misses of that prediction: on the m = 1000, d = 100
 * branch the miss is ~1e-5 where w[0] moves 2e-4 per step, and sigma
 * 1e-3 below (the old distance, 2 dmu) took ~200 expansions per point
 * instead of ~20. The floor 1e-10 ||H|| is the eigenvalue tolerance. */
static ll_status pick_shift(ll_cont_hop *h, size_t k, int warm, double *sigma,
                            double *d, double *pred)
{
    double scale = isfinite(h->hscale) ? h->hscale : 1.0;
    *pred = warm ? predict_w0(h) : NAN;
    if (isfinite(*pred) && isfinite(h->perr)) {
        *d = fmax(fmax(0.05 * (h->w[k - 1] - h->w[0]), 2.0 * h->perr),
                  LL_HOP_EIG_TOL * scale);
        *sigma = *pred - *d;
        return LL_OK;
    }
    if (warm) {
        /* close below w[0] for fast convergence: the eigenvalues usually
         * move along the branch by about as much as over the last steps
         * (dmu); a shift that lands above one costs only a cheap refactor
         * (factor_shift), one far below slows every eigenpair */
        double spread = h->w[k - 1] - h->w[0];
        *d = fmax(fmax(0.05 * spread, 2.0 * h->dmu),
                  fmax(1e-3 * fabs(h->w[0]), 1e-8 * scale));
        *sigma = h->w[0] - *d;
        return LL_OK;
    }
    if (h->path != LL_HESSIAN_STRUCTURED)
        return LL_ERR_ARG; /* no bound without structure */
    double lo;
    ll_status st = block_min(h, &lo);
    *d = fmax(1e-3 * fabs(lo), 1e-8 * scale);
    if (st == LL_OK)
        *sigma = lo - *d;
    return st;
}

/* Factor fs at sigma, a shift BELOW the smallest eigenvalue of H, so that
 * the expansion (H - sigma I)^{-1} favours exactly the smallest ones (a
 * shift above some eigenvalues would favour those next to it, and in a
 * dense cluster Ritz values can then settle on eigenvalues that are not
 * the smallest). The Haynsworth inertia of the shifted factor says how
 * many eigenvalues lie below sigma: while any does, or the factor is
 * singular (sigma on an eigenvalue, or next to many block eigenvalues, see
 * ll_bdlr_factor's clamping), sigma moves down by 4, 16, 64, ... times its
 * distance d to the previous eigenvalues. */
static ll_status factor_shift(ll_cont_hop *h, double *sigma, double d)
{
    double s0 = *sigma, step = fmax(d, 1e-12);
    ll_status st = LL_ERR_SINGULAR;
    for (int t = 0; t < LL_HOP_SHIFT_TRIES; t++, step *= 4.0) {
        *sigma = t ? s0 - step : s0;
        /* H - sigma I from f0's block eigendecompositions and Q^T U */
        st = ll_bdlr_factor_shift(h->fs, h->f0, *sigma);
        if (st == LL_ERR_ARG) /* f0 has no usable factor */
            st = ll_bdlr_factor(h->fs, h->B, h->U, NULL, h->k, *sigma);
        int neg = 0;
        if (st == LL_OK && ll_bdlr_inertia(h->fs, &neg, NULL, NULL) == LL_OK &&
            neg == 0)
            return LL_OK;
        if (st != LL_OK && st != LL_ERR_SINGULAR)
            return st;
    }
    return st; /* LL_OK with eigenvalues below sigma: still a useful filter */
}

/* Warm start for the structured path: one step of inverse iteration,
 * (H - sigma I)^{-1} V, from the previous eigenvectors (the eigensolver
 * orthonormalises). Without it, stale vectors from the previous point can
 * pass the residual test on eigenvalues of the cluster that are not the
 * smallest. */
static ll_status warm_expand(ll_cont_ws *ws)
{
    ll_cont_hop *h = ws->hop;
    return h->kv ? si_struct_block(ws, h->kv, h->V, h->V) : LL_OK;
}

/* Seed the solver with opts.eig_start (see cont.h): at the first call,
 * and at the second when the first found a degenerate cluster. */
static int seed_from_start(const ll_cont_ws *ws)
{
    const ll_cont_hop *h = ws->hop;
    const ll_cont_opts *o = ws->o;
    return o->eig_start && o->eig_start_k > 0 &&
           (h->eig_calls == 0 || (h->eig_calls == 1 && h->start_degenerate));
}

/* *pred: the shift's prediction of w[0] (NaN when none was used). */
static ll_status eigs_run(ll_cont_ws *ws, size_t k, double tol, double *pred)
{
    ll_cont_hop *h = ws->hop;
    const double *V0 = h->kv ? h->V : NULL;
    size_t k0 = h->kv;
    if (seed_from_start(ws))
        V0 = ws->o->eig_start, k0 = ws->o->eig_start_k;
    int warm = h->kv >= k && h->kv > 0;
    ll_symop_fn expand = NULL;
    double sigma = 0.0, d = 0.0, w0 = warm ? h->w[0] : 0.0;
    ll_status st = pick_shift(h, k, warm, &sigma, &d, pred);
    if (st == LL_OK && h->path == LL_HESSIAN_STRUCTURED) {
        if ((st = factor_shift(h, &sigma, d)) == LL_OK &&
            (st = V0 == h->V ? warm_expand(ws) : LL_OK) == LL_OK)
            expand = si_struct;
    } else if (h->path != LL_HESSIAN_STRUCTURED) {
        st = LL_OK; /* block Krylov on H itself (no shift needed) */
    }
    if (st == LL_ERR_NOMEM)
        return st;
    ll_eigs_opts eo = ll_eigs_opts_default();
    eo.tol = tol;
    eo.anorm = isfinite(h->hscale) ? h->hscale : 0.0;
    if (expand == si_struct)
        eo.expand_block = si_struct_block;
    if (h->path == LL_HESSIAN_STRUCTURED)
        eo.apply_block = op_apply_block;
    ll_eigs_info info;
    st = ll_eigs_smallest(h->n, k, op_apply, ws, expand, ws, V0, k0, &eo, h->w,
                          h->V2, &info);
    if (st != LL_OK && st != LL_ERR_NOCONV)
        return st;
    double *t = h->V;
    h->V = h->V2, h->V2 = t;
    if (warm)
        h->dmu = fmax(0.5 * h->dmu, fabs(h->w[0] - w0));
    h->kv = k;
    h->eig_known = 1, h->eig_tol = tol;
    if (h->eig_calls++ == 0)
        h->start_degenerate = h->w[k - 1] - h->w[0] <= tol * eo.anorm;
    ll_hop_mf_deflate(h); /* the deflation basis of the fallback */
    /* a pair that missed the tolerance by far is an error; a near miss
     * (rounding in the residual) is kept */
    if (st == LL_ERR_NOCONV && !(info.max_resid <= LL_HOP_EIG_ACCEPT *
                                 (eo.anorm > 0.0 ? eo.anorm : 1.0)))
        return LL_ERR_NOCONV;
    return LL_OK;
}

ll_status ll_cont_hop_hscale(ll_cont_ws *ws, double *s)
{
    ll_cont_hop *h = ws->hop;
    if (!isfinite(h->hscale)) {
        if (h->path == LL_HESSIAN_STRUCTURED && h->fac_ok) {
            h->hscale = ll_bdlr_frobenius(h->f0);
        } else {
            /* ||H||_1 >= ||H||_2 >= ||H||_1 / sqrt(n): a scale within a
             * factor of the norms the rounding of eigenvalues goes with */
            ll_status st = ll_cont_hop_norm1(ws, &h->hscale);
            if (st != LL_OK)
                return st;
        }
    }
    *s = h->hscale;
    return LL_OK;
}

/* Room for k eigenpairs (an event deep in the spectrum). */
static ll_status grow(ll_cont_hop *h, size_t k)
{
    double *V = realloc(h->V, h->n * k * sizeof *V);
    if (V)
        h->V = V;
    double *V2 = realloc(h->V2, h->n * k * sizeof *V2);
    if (V2)
        h->V2 = V2;
    double *w = realloc(h->w, k * sizeof *w);
    if (w)
        h->w = w;
    if (!V || !V2 || !w)
        return LL_ERR_NOMEM;
    h->kv_max = k;
    return LL_OK;
}

/* The k smallest eigenvalues (and vectors, *V: hop-owned, n x k) at the
 * operator's point; event = 1 for the tighter tolerance of event code. */
ll_status ll_cont_hop_eigs(ll_cont_ws *ws, size_t k, int event, double *w,
                           const double **V)
{
    ll_cont_hop *h = ws->hop;
    double tol = event ? LL_HOP_EIG_TOL_EVENT : LL_HOP_EIG_TOL, s;
    ll_status st = k > h->kv_max ? grow(h, k) : LL_OK;
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: out of memory for %zu eigenvectors",
                      k);
    st = ll_cont_hop_hscale(ws, &s);
    double pred = NAN;
    if (st == LL_OK && !(h->eig_known && h->kv >= k && h->eig_tol <= tol))
        st = eigs_run(ws, k, tol, &pred);
    if (st == LL_OK)
        record_arc(h, pred);
    h->arc_s = NAN;
    if (st != LL_OK)
        return ll_err(ws->eb, st, "cont: %s eigensolver failed at p = %g "
                      "(%s)", ll_hessian_path_str(h->path), h->X[h->n],
                      ll_status_str(st));
    memcpy(w, h->w, k * sizeof *w);
    if (V)
        *V = h->V;
    return LL_OK;
}

/* Morse index: exact inertia (structured); the count of negative computed
 * eigenvalues, with more of them while all are negative (matrix-free). */
ll_status ll_cont_hop_index(ll_cont_ws *ws, int *index)
{
    ll_cont_hop *h = ws->hop;
    if (h->path == LL_HESSIAN_STRUCTURED) {
        /* a factor refused as too ill-conditioned for solves (next to a
         * fold) still has a valid Haynsworth inertia */
        ll_status st = ll_bdlr_inertia(h->f0, index, NULL, NULL);
        if (st != LL_OK)
            return ll_err(ws->eb, h->fac_st, "cont: structured Hessian "
                          "singular at p = %g", h->X[h->n]);
        return LL_OK;
    }
    size_t k = ws->n_eigs > 0 ? (size_t)ws->n_eigs : 1;
    for (;;) {
        ll_status st = ll_cont_hop_eigs(ws, k, 0, ws->w, NULL);
        if (st != LL_OK)
            return st;
        int neg = 0;
        for (size_t i = 0; i < k; i++)
            neg += ws->w[i] < 0.0;
        if ((size_t)neg < k || k == h->n) {
            *index = neg;
            return LL_OK;
        }
        k = 2 * k < h->n ? 2 * k : h->n; /* all negative: look further */
    }
}

/* ---- range solves for the coefficients ---------------------------------- */

/* The ll_bif_range_solve_fn of the coefficients (see the header): both
 * Krylov-era paths solve the bordered system [[H, phi], [phi^T, 0]] by the
 * deflated elimination of hop_matfree.c (on the structured path its
 * inner solves are the Woodbury factor, or the deflated one next to a
 * fold), refined on the true bordered system. */
ll_status ll_cont_hop_range_solve(void *user, const double *phi, size_t nrhs,
                                  double *R)
{
    return ll_hop_mf_range_solve(user, phi, nrhs, R);
}
