/* losslab: bifurcation diagrams (issue 4; MATH.md sections 2-3).
 *
 * From a start point, trace the primary critical branch (ll_cont_run), and
 * at every branch point on it switch to the branches born there
 * (ll_bif_switch) and trace them in both directions (one run per side of
 * the known branch, each leaving the branch point), recursively up to
 * opts.depth. Where the Morse index jumps by k > 1 (a multiple branch point,
 * typically forced by a permutation symmetry), the switch is made inside
 * each declared fixed-point subspace of the symmetry (the equivariant
 * branching lemma: restricted there the kernel is one-dimensional again,
 * through ll_subspace_create) and the new branch is then traced in the full
 * space, where its Morse index is the true one.
 *
 * De-duplication: an event found again at the same point (|dp| and
 * |dx| <= dedup_tol (1 + |x|)) on another branch is where branches meet; it
 * is recorded (same_as) and not switched at again, so a branch that joins
 * two branch points is traced once.
 *
 * Morse bookkeeping at each switched event: the index of every branch on
 * each side (mu < 0, mu > 0), the statement it implies for the sublevel
 * sets, and two checks against the computed indices: the local degree
 * sum (-1)^index over the branches must be the same on both sides (the
 * Poincare-Hopf index of grad L on a small ball does not change with p),
 * and the normal form's own claim (pitchfork: the new pair has the index
 * the known branch has on the other side; transcritical: the indices are
 * exchanged).
 *
 * A degenerate start (H singular at (x0, p0), e.g. the symmetric toy of
 * MATH.md section 4 at lambda = 0 with alpha = 0) is itself an event: the
 * first step of the primary branch is then taken inside opts.start_S (a
 * subspace through x0 where H is regular), the event is reported with
 * at_start = 1 and switched at like any other.
 *
 * Ownership: the result owns everything; free with ll_diagram_result_free.
 * The problem and options are borrowed for the call only.
 */
#ifndef LOSSLAB_DIAGRAM_H
#define LOSSLAB_DIAGRAM_H

#include <stddef.h>

#include "losslab/bif.h"
#include "losslab/cont.h"
#include "losslab/problem.h"
#include "losslab/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A linear fixed-point subspace {x = S z}, S n x k with orthonormal
 * columns (borrowed), with a name for the output ("S2 x S1 on units
 * {0,1}|{2}") and the number of conjugate copies it stands for. */
typedef struct ll_diagram_subspace {
    const double *S;
    size_t k;
    const char *name;
    size_t copies;
} ll_diagram_subspace;

#define LL_DIAGRAM_MAX_BORN 16

typedef struct ll_diagram_opts {
    /* Per-branch continuation; store_points is forced on, start_tangent and
     * direction are set per branch. p_min, p_max bound every branch. */
    ll_cont_opts cont;
    ll_switch_opts sw;
    int depth;             /* switching generations after the primary; 2 */
    size_t max_branches;   /* 64 */
    double dedup_tol;      /* 1e-6 */
    /* Declared fixed-point subspaces (may be none). */
    const ll_diagram_subspace *subspaces;
    size_t n_subspaces;
    /* Subspace for the first step from a degenerate start (NULL: a
     * degenerate start is an error). */
    const ll_diagram_subspace *start_sub;
    /* |mu_min| <= degenerate_tol max(1, |mu_max|) at the start counts as
     * degenerate; 1e-9. */
    double degenerate_tol;
    /* A branch point whose kernel restricted to a subspace is simple when
     * |mu_1| <= kernel_tol max(1, |mu_max|) < |mu_2|; 1e-6. */
    double kernel_tol;
} ll_diagram_opts;

ll_diagram_opts ll_diagram_opts_default(void);

typedef struct ll_diagram_branch {
    ll_cont_result cont;  /* points (cont.branch.x stored), events */
    int parent_event;     /* diagram event it was born at; -1: primary */
    int side;             /* +-1: the side of the known branch; 0 primary */
    int subspace;         /* subspace used to switch; -1 none */
    int depth;            /* 0 primary, 1 its children, ... */
    int index0;           /* Morse index at its first point */
    double mu0;           /* p - p* at its first point */
    ll_switch_info sw;    /* how it was found (zeros for the primary) */
} ll_diagram_branch;

typedef struct ll_diagram_event {
    int branch;           /* the branch it lies on */
    size_t k;             /* its index in that branch's cont.events */
    int at_start;         /* 1: the degenerate start point itself */
    int same_as;          /* -1, or an earlier diagram event at this point */
    int switched;         /* 1: branch switching was attempted here */
    size_t n_born;
    int born[LL_DIAGRAM_MAX_BORN]; /* branches born here */
    int meets[LL_DIAGRAM_MAX_BORN]; /* other branches through this point */
    size_t n_meets;
    /* Morse bookkeeping (-1 where unknown): the known branch's index for
     * mu < 0 and mu > 0 (p - p*). */
    int known_index_minus, known_index_plus;
    int degree_minus, degree_plus; /* sum (-1)^index on each side */
    int degree_ok;        /* 1: conserved, 0: not, -1: not checkable */
    int normal_form_ok;   /* 1: the normal form's claim holds, 0, -1 */
    char statement[200];  /* e.g. "two minima born for mu > 0, ..." */
    ll_status status;     /* LL_OK or why switching failed */
    char reason[200];
} ll_diagram_event;

typedef struct ll_diagram_result {
    size_t n;                 /* problem size */
    ll_diagram_branch *branches;
    size_t n_branches;
    ll_diagram_event *events;
    size_t n_events;
    /* The degenerate start (if any) is branch 0's event with at_start. */
    ll_event start_event;     /* valid when has_start_event */
    int has_start_event;
    ll_status status;         /* LL_OK, or the primary branch's error */
    char reason[LL_ERRBUF_SIZE];
} ll_diagram_result;

void ll_diagram_result_free(ll_diagram_result *r); /* NULL-safe, zeroes */

/* The event record of a diagram event (the located ll_event on its
 * branch, or start_event). */
const ll_event *ll_diagram_event_at(const ll_diagram_result *r, size_t i);

/* Build the diagram of pb from (x0, p0). Returns res->status; a failing
 * child branch or switch is recorded in its event (status, reason) and
 * does not stop the diagram. */
ll_status ll_diagram_run(const ll_problem *pb, const double *x0, double p0,
                         const ll_diagram_opts *o, ll_diagram_result *res,
                         ll_errbuf *eb);

#ifdef __cplusplus
}
#endif
#endif
