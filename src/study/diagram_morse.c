/* Morse bookkeeping at a branch point (issue 4 item 4; seed 000 sections
 * 5-6, Corollary 6.2). With mu = p - p*, every branch through the point
 * contributes its Morse index on the side(s) of mu where it exists: the
 * known branch on both sides (index_before/after, ordered by the sign of
 * t_p), each new branch on the side of its first point, counted `copies`
 * times when it stands for a class of conjugate branches under a symmetry.
 *
 * Checks. (1) Degree: the Poincare-Hopf index of grad L on a small ball
 * around x*, the sum of (-1)^index over the critical points inside, does
 * not depend on p while no critical point crosses the sphere, so
 * sum_{mu<0} (-1)^i = sum_{mu>0} (-1)^i. (2) The normal form's claim:
 * pitchfork, both new branches on one side with the index that the known
 * branch has on the OTHER side (a point of index i splits into two of
 * index i and a central one of index i + 1, or the reverse); transcritical,
 * the known and the new branch exchange their indices across mu = 0.
 * The sublevel-set statement follows from the indices (handle attachment:
 * crossing a critical value of index i attaches an i-handle). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "study/diagram_internal.h"

static int sgn1(int i) { return (i % 2) ? -1 : 1; }

static size_t copies_of(const dg_ctx *C, const ll_diagram_branch *B)
{
    if (B->subspace < 0 || (size_t)B->subspace >= C->o->n_subspaces)
        return 1;
    size_t c = C->o->subspaces[B->subspace].copies;
    return c ? c : 1;
}

static void known_sides(const ll_event *ev, int at_start,
                        ll_diagram_event *E)
{
    if (at_start) {
        E->known_index_minus = -1;
        E->known_index_plus = ev->index_after;
    } else if (ev->tp >= 0) {
        E->known_index_minus = ev->index_before;
        E->known_index_plus = ev->index_after;
    } else {
        E->known_index_minus = ev->index_after;
        E->known_index_plus = ev->index_before;
    }
}

static const char *kind_of(int i)
{
    return i == 0 ? "minima" : i == 1 ? "saddles of index 1" : NULL;
}

static void pitchfork_claim(ll_diagram_event *E, const dg_ctx *C)
{
    const ll_diagram_branch *A = &C->res->branches[E->born[0]];
    const ll_diagram_branch *B = &C->res->branches[E->born[1]];
    int side = A->mu0 >= 0 ? 1 : -1;
    int ks = side > 0 ? E->known_index_plus : E->known_index_minus;
    int ko = side > 0 ? E->known_index_minus : E->known_index_plus;
    const char *s = side > 0 ? ">" : "<";
    E->normal_form_ok = (B->mu0 >= 0) == (side > 0) && A->index0 == B->index0
                        && (ko < 0 || A->index0 == ko) && abs(ks - A->index0) == 1;
    const char *kind = kind_of(A->index0);
    if (ks == A->index0 + 1 && kind)
        snprintf(E->statement, sizeof E->statement, "pitchfork: two %s born "
                 "for mu %s 0, central branch becomes index %d", kind, s, ks);
    else if (ks == A->index0 + 1)
        snprintf(E->statement, sizeof E->statement, "pitchfork: two critical "
                 "points of index %d born for mu %s 0, central branch becomes "
                 "index %d (a cancelling %d/%d handle pair)", A->index0, s,
                 ks, A->index0, ks);
    else
        snprintf(E->statement, sizeof E->statement, "pitchfork: two critical "
                 "points of index %d (mu %s 0) merge into the central branch, "
                 "of index %d there and %d on the other side", A->index0, s,
                 ks, ko);
}

static void transcritical_claim(ll_diagram_event *E, const dg_ctx *C)
{
    const ll_diagram_branch *A = &C->res->branches[E->born[0]];
    const ll_diagram_branch *B = &C->res->branches[E->born[1]];
    if (A->mu0 > B->mu0) {
        const ll_diagram_branch *T = A;
        A = B, B = T;
    }
    /* A on mu < 0, B on mu > 0 */
    E->normal_form_ok = A->mu0 < 0 && B->mu0 > 0 &&
                        A->index0 == E->known_index_plus &&
                        B->index0 == E->known_index_minus;
    snprintf(E->statement, sizeof E->statement, "transcritical: exchange of "
             "stability, known branch index %d -> %d, new branch index %d -> "
             "%d (mu < 0 -> mu > 0)", E->known_index_minus,
             E->known_index_plus, A->index0, B->index0);
}

void ll_dg_morse(dg_ctx *C, size_t e)
{
    ll_diagram_event *E = &C->res->events[e];
    const ll_event *ev = ll_diagram_event_at(C->res, e);
    known_sides(ev, E->at_start, E);
    int dm = E->known_index_minus >= 0 ? sgn1(E->known_index_minus) : 0;
    int dp = E->known_index_plus >= 0 ? sgn1(E->known_index_plus) : 0;
    for (size_t i = 0; i < E->n_born; i++) {
        const ll_diagram_branch *B = &C->res->branches[E->born[i]];
        int c = (int)copies_of(C, B) * sgn1(B->index0);
        if (B->mu0 < 0)
            dm += c;
        else
            dp += c;
    }
    E->degree_minus = dm, E->degree_plus = dp;
    /* checkable when both sides of the known branch were traced and the
     * switch found every branch it looked for */
    int complete = E->known_index_minus >= 0 && E->status == LL_OK &&
                   E->n_born > 0;
    E->degree_ok = complete ? dm == dp : -1;
    ll_normal_form nf = ev->coef.normal_form;
    int simple = E->n_born == 2 && C->res->branches[E->born[0]].subspace < 0;
    if (simple && (nf == LL_NF_PITCHFORK || nf == LL_NF_NEAR_PITCHFORK))
        pitchfork_claim(E, C);
    else if (simple && nf == LL_NF_TRANSCRITICAL)
        transcritical_claim(E, C);
    else
        snprintf(E->statement, sizeof E->statement, "%s: known branch index "
                 "%d -> %d (mu < 0 -> mu > 0), %zu new branch(es) traced",
                 ll_event_type_str(ev->type), E->known_index_minus,
                 E->known_index_plus, E->n_born);
}
