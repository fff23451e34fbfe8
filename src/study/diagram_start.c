/* The primary branch of a diagram. A regular start is handed to
 * ll_cont_run. A degenerate start (H singular at (x0, p0): the tangent
 * system H x' = -F_p has no unique solution, so the continuation cannot
 * leave it) is itself the first event: the branch is first followed inside
 * the declared start subspace, where the restricted Hessian S^T H S is
 * regular (a fixed-point subspace of the symmetry that makes H singular),
 * up to p0 + LL_DG_START_STEP, and the full-space continuation starts from
 * the lifted point. The event is described from the eigen-decomposition of
 * H at x0 (kernel dimension, phi, mu1, mu2) and, for a one-dimensional
 * kernel, the Lyapunov-Schmidt coefficients. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "study/diagram_internal.h"

#define LL_DG_START_STEP 1e-3

/* Smallest |eigenvalue| of H(x0, p0), its vector, the next one, and the
 * number of eigenvalues within tol max(1, |mu_max|) of zero. */
typedef struct start_spec {
    double mu1, mu2;
    size_t kdim;
} start_spec;

static ll_status start_spectrum(const dg_ctx *C, const double *x0, double p0,
                                double *phi, start_spec *sp)
{
    size_t n = C->n;
    double *H = malloc((2 * n * n + n) * sizeof *H);
    if (!H)
        return LL_ERR_NOMEM;
    double *V = H + n * n, *w = V + n * n;
    ll_status st = C->pb->hess(C->pb->ctx, x0, p0, H);
    if (st == LL_OK)
        st = ll_sym_eig_all(n, H, w, V);
    if (st == LL_OK) {
        size_t imin = 0;
        double big = fmax(1.0, fmax(fabs(w[0]), fabs(w[n - 1])));
        sp->kdim = 0;
        for (size_t i = 0; i < n; i++) {
            if (fabs(w[i]) < fabs(w[imin]))
                imin = i;
            sp->kdim += fabs(w[i]) <= C->o->degenerate_tol * big;
        }
        sp->mu1 = w[imin];
        sp->mu2 = NAN;
        for (size_t i = 0; i < n; i++)
            if (i != imin && !(fabs(w[i]) >= fabs(sp->mu2)))
                sp->mu2 = w[i];
        memcpy(phi, V + imin * n, n * sizeof *phi);
        ll_bif_normalise_kernel(n, phi);
    }
    free(H);
    return st;
}

/* Follow the branch inside the start subspace to p0 + step; x1 gets the
 * lifted end point, C->start_t the unit secant from (x0, p0). */
static ll_status start_inside(dg_ctx *C, const double *x0, double p0,
                              double *x1, double *p1, ll_errbuf *eb)
{
    const ll_diagram_subspace *S = C->o->start_sub;
    size_t n = C->n, m = C->m;
    ll_subspace *sp = NULL;
    ll_problem pz;
    ll_cont_result r;
    memset(&r, 0, sizeof r);
    double *z0 = malloc(S->k * sizeof *z0);
    if (!z0)
        return LL_ERR_NOMEM;
    ll_status st = ll_subspace_create(&sp, C->pb, NULL, S->S, S->k, eb);
    if (st == LL_OK) {
        ll_subspace_problem(sp, &pz);
        ll_subspace_project(sp, x0, z0);
        ll_cont_opts co = C->o->cont;
        co.p_min = p0, co.p_max = p0 + LL_DG_START_STEP;
        co.store_points = 1, co.start_tangent = NULL, co.direction = 1;
        co.ds0 = fmin(co.ds0, LL_DG_START_STEP);
        st = ll_cont_run(&pz, z0, p0, &co, &r, eb);
    }
    if (st == LL_STOP_PARAM) {
        size_t last = r.branch.len - 1;
        ll_subspace_lift(sp, r.branch.x + last * S->k, x1);
        *p1 = r.branch.p[last];
        for (size_t i = 0; i < n; i++)
            C->start_t[i] = x1[i] - x0[i];
        C->start_t[n] = *p1 - p0;
        double nt = ll_nrm2(m, C->start_t);
        for (size_t i = 0; i < m; i++)
            C->start_t[i] /= nt;
        st = LL_OK;
    } else if (st >= 0) {
        st = ll_err(eb, LL_ERR_NOCONV, "diagram: the first step inside the "
                    "start subspace ended early: %s", r.reason);
    }
    ll_cont_result_free(&r);
    ll_subspace_destroy(sp);
    free(z0);
    return st;
}

/* Describe the start event into res->start_event. */
static ll_status start_event(dg_ctx *C, const double *x0, double p0,
                             const start_spec *sp, double *phi)
{
    ll_event *ev = &C->res->start_event;
    size_t n = C->n;
    memset(ev, 0, sizeof *ev);
    ev->x = malloc(n * sizeof *ev->x);
    ev->phi = phi;
    if (!ev->x)
        return LL_ERR_NOMEM;
    memcpy(ev->x, x0, n * sizeof *ev->x);
    ev->type = sp->kdim > 1 ? LL_EVENT_MULTIPLE_BP : LL_EVENT_BRANCH_POINT;
    ev->p = p0, ev->s = 0.0, ev->mu1 = sp->mu1, ev->mu2 = sp->mu2;
    ev->index_before = -1;
    ev->index_after = C->res->branches[0].cont.branch.index[0];
    ev->kernel_ratio = ev->dmu1_ds = ev->dmu1_dp = NAN;
    ev->locate_dp = ev->refine_dp = NAN;
    ev->tp = C->start_t[n];
    C->pb->loss(C->pb->ctx, x0, p0, &ev->loss);
    ev->grad_norm = NAN;
    ev->coef.normal_form = LL_NF_UNKNOWN;
    if (sp->kdim == 1) {
        ll_errbuf eb = {{0}};
        ev->status = ll_bif_coefficients(C->pb, x0, p0, ev->phi,
                                         &C->o->cont.bif, &ev->coef, &eb);
        snprintf(ev->reason, sizeof ev->reason, "%.127s", eb.msg);
    } else {
        snprintf(ev->reason, sizeof ev->reason, "degenerate start: kernel "
                 "of dimension %zu", sp->kdim);
    }
    C->res->has_start_event = 1;
    return ev->status == LL_ERR_NOMEM ? LL_ERR_NOMEM : LL_OK;
}

static ll_status primary_from(dg_ctx *C, const double *x, double p,
                              ll_errbuf *eb)
{
    ll_status st;
    char reason[256];
    int b = ll_dg_branch_add(C, x, p, NULL, -1, 0, -1, 0, &st, reason,
                             sizeof reason);
    if (b < 0)
        return ll_err(eb, st < 0 ? st : LL_ERR_NOCONV, "diagram: the primary "
                      "branch failed: %s", reason);
    C->res->branches[b].mu0 = 0.0;
    return LL_OK;
}

ll_status ll_dg_primary(dg_ctx *C, const double *x0, double p0,
                        ll_errbuf *eb)
{
    size_t n = C->n;
    start_spec sp;
    double *phi = malloc(2 * n * sizeof *phi), p1 = p0;
    if (!phi)
        return LL_ERR_NOMEM;
    ll_status st = start_spectrum(C, x0, p0, phi, &sp);
    if (st != LL_OK || sp.kdim == 0) {
        free(phi);
        return st != LL_OK ? ll_err(eb, st, "diagram: Hessian at the start "
                                    "failed") : primary_from(C, x0, p0, eb);
    }
    if (!C->o->start_sub) {
        free(phi);
        return ll_err(eb, LL_ERR_SINGULAR, "diagram: the start is degenerate "
                      "(%zu Hessian eigenvalue(s) at zero, smallest %.3g) and "
                      "no start subspace is declared", sp.kdim, sp.mu1);
    }
    C->start_t = malloc(C->m * sizeof *C->start_t);
    double *x1 = phi + n;
    if (!C->start_t)
        st = LL_ERR_NOMEM;
    if (st == LL_OK)
        st = start_inside(C, x0, p0, x1, &p1, eb);
    if (st == LL_OK)
        st = primary_from(C, x1, p1, eb);
    if (st == LL_OK) {
        return start_event(C, x0, p0, &sp, phi); /* phi now owned there */
    }
    free(phi);
    return st;
}
