/* Branch switching at one diagram event (MATH.md section 3; Golubitsky,
 * Stewart & Schaeffer, Singularities and Groups in Bifurcation Theory II,
 * ch. XIII, the equivariant branching lemma).
 *
 * Simple branch point: ll_bif_switch in the full space on both sides of the
 * known branch, whose tangent is the secant of the stored points around the
 * event. Multiple branch point (or a simple one without usable
 * coefficients): for every declared fixed-point subspace Fix(Sigma) = {S z}
 * that contains x*, restrict (ll_subspace_create), check that the
 * restricted Hessian S^T H S has exactly one eigenvalue at zero (the
 * isotropy subgroup is axial there), compute the coefficients of the
 * restricted problem with that kernel vector, switch inside, and lift the
 * point and tangent (x = S z, t = (S t_z, t_p), still unit since S is
 * orthonormal). Every new branch is then traced in the full space. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "study/diagram_internal.h"

static void note(ll_diagram_event *E, ll_status st, const char *fmt,
                 const char *msg)
{
    size_t len = strlen(E->reason);
    if (E->status == LL_OK)
        E->status = st;
    if (len + 4 < sizeof E->reason)
        snprintf(E->reason + len, sizeof E->reason - len, "%s%s%s",
                 len ? "; " : "", fmt, msg);
}

/* Trace the branch from the switched point X (m) along t and record it. */
static ll_status child(dg_ctx *C, size_t e, const double *X, const double *t,
                       int side, int subspace, const ll_switch_info *info)
{
    ll_diagram_event *E = &C->res->events[e];
    const ll_event *ev = ll_diagram_event_at(C->res, e);
    const ll_cont_opts *co = &C->o->cont;
    size_t n = C->n;
    char reason[256];
    if (!(X[n] >= co->p_min && X[n] <= co->p_max)) {
        note(E, LL_OK, "new branch outside [p_min, p_max] at p = ", "");
        size_t len = strlen(E->reason);
        snprintf(E->reason + len, sizeof E->reason - len, "%.6g", X[n]);
        return LL_OK;
    }
    ll_status st;
    int depth = C->res->branches[E->branch].depth + 1;
    int b = ll_dg_branch_add(C, X, X[n], t, (int)e, side, subspace, depth,
                             &st, reason, sizeof reason);
    E = &C->res->events[e];
    if (b < 0) {
        note(E, st < 0 ? st : LL_ERR_NOCONV, "new branch not traced: ",
             reason);
        return st == LL_ERR_NOMEM ? st : LL_OK;
    }
    ll_diagram_branch *B = &C->res->branches[b];
    B->sw = *info;
    B->mu0 = X[n] - ev->p;
    if (E->n_born < LL_DIAGRAM_MAX_BORN)
        E->born[E->n_born++] = b;
    return LL_OK;
}

static int switchable(const ll_event *ev)
{
    ll_normal_form nf = ev->coef.normal_form;
    return ev->type == LL_EVENT_BRANCH_POINT && ev->status == LL_OK &&
           (nf == LL_NF_TRANSCRITICAL || nf == LL_NF_PITCHFORK ||
            nf == LL_NF_NEAR_PITCHFORK);
}

static ll_status switch_simple(dg_ctx *C, size_t e, const double *kt,
                               double *X, double *t)
{
    const ll_event *ev = ll_diagram_event_at(C->res, e);
    for (int side = -1; side <= 1; side += 2) {
        ll_switch_info info;
        ll_errbuf eb = {{0}};
        ll_status st = ll_bif_switch(C->pb, ev->x, ev->p, ev->phi, &ev->coef,
                                     kt, side, &C->o->sw, X, t, &info, &eb);
        if (st == LL_ERR_NOMEM)
            return st;
        if (st != LL_OK) {
            note(&C->res->events[e], st, "", eb.msg);
            continue;
        }
        if ((st = child(C, e, X, t, side, -1, &info)) != LL_OK)
            return st;
    }
    return LL_OK;
}

/* Scratch of a subspace switch: z*, phi_z, H_z, eigen, Z, t_z, kt_z. */
typedef struct sub_buf {
    double *z, *phi, *H, *V, *w, *Z, *tz, *ktz;
} sub_buf;

/* The unit kernel vector of the restricted Hessian, if it is simple. */
static int simple_kernel(const dg_ctx *C, const ll_problem *pz, double p,
                         size_t k, sub_buf *b)
{
    if (pz->hess(pz->ctx, b->z, p, b->H) != LL_OK ||
        ll_sym_eig_all(k, b->H, b->w, b->V) != LL_OK)
        return 0;
    double big = fmax(1.0, fmax(fabs(b->w[0]), fabs(b->w[k - 1])));
    size_t cnt = 0, at = 0;
    for (size_t i = 0; i < k; i++)
        if (fabs(b->w[i]) <= C->o->kernel_tol * big)
            cnt++, at = i;
    if (cnt != 1)
        return 0;
    memcpy(b->phi, b->V + at * k, k * sizeof *b->phi);
    return 1;
}

static ll_status switch_in(dg_ctx *C, size_t e, size_t s, const double *kt,
                           sub_buf *b, double *X, double *t)
{
    const ll_diagram_subspace *D = &C->o->subspaces[s];
    const ll_event *ev = ll_diagram_event_at(C->res, e);
    size_t n = C->n, k = D->k;
    ll_subspace *sp = NULL;
    ll_problem pz;
    ll_errbuf eb = {{0}};
    ll_lscoef cz;
    if (k >= n) /* the whole space: nothing the full-space switch lacks */
        return LL_OK;
    if (ll_subspace_create(&sp, C->pb, NULL, D->S, k, &eb) != LL_OK) {
        note(&C->res->events[e], LL_ERR_ARG, "", eb.msg);
        return LL_OK;
    }
    ll_subspace_problem(sp, &pz);
    ll_subspace_project(sp, ev->x, b->z);
    ll_subspace_lift(sp, b->z, X);
    double d = 0.0;
    for (size_t i = 0; i < n; i++)
        d += (X[i] - ev->x[i]) * (X[i] - ev->x[i]);
    /* x* is in Fix up to the corrector's error in the symmetry-breaking
     * directions, which are the kernel at a multiple branch point: there a
     * residual r moves x by ~ r / |mu|, so 1e-12 becomes ~1e-8 a little
     * away from p*. 1e-6 separates that from a point whose block pattern
     * differs (O(1) apart); the switch then starts from the projection
     * z = S^T x*. */
    int inside = sqrt(d) <= 1e-6 * (1.0 + ll_nrm2(n, ev->x));
    ll_status st = LL_OK;
    if (inside && simple_kernel(C, &pz, ev->p, k, b) &&
        ll_bif_coefficients(&pz, b->z, ev->p, b->phi, &C->o->cont.bif, &cz,
                            &eb) == LL_OK) {
        ll_subspace_project(sp, kt, b->ktz); /* x0 = 0: S^T t_x */
        b->ktz[k] = kt[n];
        for (int side = -1; side <= 1 && st == LL_OK; side += 2) {
            ll_switch_info info;
            ll_status s2 = ll_bif_switch(&pz, b->z, ev->p, b->phi, &cz, b->ktz,
                                         side, &C->o->sw, b->Z, b->tz, &info,
                                         &eb);
            if (s2 != LL_OK) {
                note(&C->res->events[e], s2, "", eb.msg);
                continue;
            }
            ll_subspace_lift(sp, b->Z, X);
            X[n] = b->Z[k];
            memset(t, 0, n * sizeof *t);
            ll_gemv(0, n, k, 1.0, D->S, n, b->tz, 0.0, t);
            t[n] = b->tz[k];
            st = child(C, e, X, t, side, (int)s, &info);
        }
    }
    ll_subspace_destroy(sp);
    return st;
}

static ll_status switch_subspaces(dg_ctx *C, size_t e, const double *kt,
                                  double *X, double *t)
{
    size_t kmax = 0;
    for (size_t s = 0; s < C->o->n_subspaces; s++)
        kmax = C->o->subspaces[s].k > kmax ? C->o->subspaces[s].k : kmax;
    if (kmax == 0) {
        note(&C->res->events[e], LL_ERR_SINGULAR, "", "multiple branch point "
             "and no symmetry subspace declared: not switched");
        return LL_OK;
    }
    sub_buf b;
    double *blk = malloc((2 * kmax * kmax + 8 * (kmax + 1)) * sizeof *blk);
    if (!blk)
        return LL_ERR_NOMEM;
    b.H = blk, b.V = b.H + kmax * kmax, b.z = b.V + kmax * kmax;
    b.phi = b.z + kmax + 1, b.w = b.phi + kmax + 1, b.Z = b.w + kmax + 1;
    b.tz = b.Z + kmax + 1, b.ktz = b.tz + kmax + 1;
    ll_status st = LL_OK;
    for (size_t s = 0; st == LL_OK && s < C->o->n_subspaces; s++)
        st = switch_in(C, e, s, kt, &b, X, t);
    free(blk);
    if (st == LL_OK && C->res->events[e].n_born == 0)
        note(&C->res->events[e], LL_ERR_NOCONV, "", "no subspace gave a new "
             "branch");
    return st;
}

ll_status ll_dg_switch_event(dg_ctx *C, size_t e)
{
    ll_diagram_event *E = &C->res->events[e];
    const ll_event *ev = ll_diagram_event_at(C->res, e);
    size_t m = C->m;
    E->switched = 1;
    double *buf = malloc(3 * m * sizeof *buf);
    if (!buf)
        return LL_ERR_NOMEM;
    double *kt = buf, *X = buf + m, *t = buf + 2 * m;
    if (E->at_start && C->start_t)
        memcpy(kt, C->start_t, m * sizeof *kt);
    else
        ll_dg_secant_tangent(C, &C->res->branches[E->branch].cont.branch,
                             ev->s, kt);
    if (!E->at_start && ev->type == LL_EVENT_BRANCH_POINT &&
        ev->status != LL_OK) {
        ll_diagram_branch *B = &C->res->branches[E->branch];
        ll_status rs = ll_dg_relocate(C, &B->cont.events[E->k],
                                      &B->cont.branch);
        if (rs == LL_ERR_NOMEM) {
            free(buf);
            return rs;
        }
    }
    ll_status st = switchable(ev) ? switch_simple(C, e, kt, X, t)
                                  : switch_subspaces(C, e, kt, X, t);
    free(buf);
    return st;
}
