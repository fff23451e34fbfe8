/* losslab: critical branches by pseudo-arclength continuation, the Morse
 * index along them, and the events where the Hessian degenerates
 * (MATH.md section 2).
 *
 * Solves F(x, p) = 0 along X(s) = (x(s), p(s)). Tangent t from
 * [H F_p] t = 0, |t| = 1, oriented like the previous one; corrector: Newton
 * on [F(X); t^T (X - X_pred)] with the bordered Jacobian [[H, F_p], [t^T]].
 * Every accepted point satisfies ||F|| <= newton_tol * gscale, with
 * gscale = max(1, ||F(0, p0)||). Step sizes adapt (shrink on a slow or failed
 * Newton or a large tangent turn, grow on a fast one).
 *
 * At every accepted point: the Morse index (dense path: the inertia of a
 * Bunch-Kaufman LDL^T factorisation of H; other paths: see
 * ll_hessian_path), and the n_eigs smallest eigenvalues. Events between
 * accepted points:
 *   fold              t_p changes sign (index changes by one),
 *   branch point      index changes by one, t_p keeps its sign,
 *   multiple b.p.     index changes by more than one.
 * Each is located by bracketing + secant on the crossing eigenvalue along the
 * arc, then Newton on the augmented system {F = 0, arc constraint,
 * mu(X(s)) = 0} with the exact derivative d mu/ds = D^3L[phi, phi, t_x] +
 * t_p phi^T H_p phi, to |dp| <= locate_tol. A located fold is then refined
 * by Newton on the Moore-Spence system {F = 0, H phi = 0, phi^T phi = 1} in
 * (x, phi, p) when the problem provides hess_dir and the path is dense (a
 * dense (2n + 1)-square system; event.refine_dp).
 */
#ifndef LOSSLAB_CONT_H
#define LOSSLAB_CONT_H

#include <stddef.h>

#include "losslab/bif.h"
#include "losslab/problem.h"
#include "losslab/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How the Hessian is represented and factored (see ll_cont_opts.hessian
 * and the README's "Which Hessian path runs when"). Every path needs loss,
 * grad, grad_p and d3 (d4 for coefficients), plus:
 *   DENSE       hess, hess_p. The n x n matrix, LDL^T (Bunch-Kaufman) per
 *               point: exact index, dense eigenvalues; O(n^3) time, O(n^2)
 *               memory (refused with LL_ERR_NOMEM when ~5 n^2 doubles
 *               exceed half the physical memory).
 *   STRUCTURED  hess_struct, hess_p_vec. H = blockdiag(B) + U U^T:
 *               Woodbury solves and the Haynsworth inertia formula (ll_bdlr,
 *               bdlr.h), exact index; the smallest eigenvalues by block
 *               Rayleigh-Ritz expanded with (H - sigma I)^{-1}, a second
 *               factorisation at a shift below them, warm-started along
 *               the branch; O(n k^2 + k^3) time per point, O(n k) memory.
 *   MATFREE     hvp (or the prepared hlin_* ops), hess_p_vec. Solves by
 *               MINRES on H with its smallest computed eigenpairs deflated,
 *               inside a bordered block elimination refined to rounding
 *               level; the smallest eigenvalues by block Krylov on H with
 *               warm starts; the Morse index as the count of negative ones
 *               among those computed, their number doubled while all are
 *               negative (exact when the computed eigenvalues are the
 *               smallest ones); O(n) memory per stored vector, no n x n.
 *   AUTO        DENSE for n <= LL_CONT_DENSE_MAX when the problem has hess,
 *               else STRUCTURED when it has hess_struct and k <= n / 2,
 *               else MATFREE when it has hvp, else DENSE
 *               (bench/: at m = 400, d = 5, N = 500 the structured path
 *               takes 2.5 s, the dense one 10.7 s; at m = 200, 1.4 s and
 *               2.0 s). */
typedef enum ll_hessian_path {
    LL_HESSIAN_AUTO = 0,
    LL_HESSIAN_DENSE,
    LL_HESSIAN_STRUCTURED,
    LL_HESSIAN_MATFREE
} ll_hessian_path;

#define LL_CONT_DENSE_MAX 1000

/* "auto", "dense", "structured", "matfree" (a static string; "unknown" for
 * a value outside the enum). parse: the inverse, exact lower-case match;
 * LL_ERR_ARG for NULL or an unknown name, *out then unchanged. */
const char *ll_hessian_path_str(ll_hessian_path h);
ll_status ll_hessian_path_parse(const char *s, ll_hessian_path *out);
/* LL_OK if the dense path's matrices (about five n x n) fit in half the
 * machine's physical memory; else LL_ERR_NOMEM with a message naming the
 * size and the other paths (the dense path refuses such runs). eb may be
 * NULL. */
ll_status ll_cont_dense_fits(size_t n, ll_errbuf *eb);

/* The path AUTO resolves to for pb (or h itself if not AUTO); pb is only
 * read (n, struct_k and which ops are set). */
ll_hessian_path ll_hessian_path_resolve(ll_hessian_path h,
                                        const ll_problem *pb);

typedef enum ll_event_type {
    LL_EVENT_FOLD = 0,
    LL_EVENT_BRANCH_POINT,
    LL_EVENT_MULTIPLE_BP
} ll_event_type;

/* "fold", "branch_point", "multiple_branch_point" */
const char *ll_event_type_str(ll_event_type t);

typedef struct ll_event {
    ll_event_type type;
    double p;            /* located parameter p* */
    double s;            /* arclength at p* */
    double *x;           /* x* (n), owned */
    double *phi;         /* kernel vector (n), unit, sign convention; owned */
    int index_before;    /* Morse index just before (in arclength) */
    int index_after;
    double mu1;          /* the crossing eigenvalue at p* (~0) */
    double mu2;          /* the nearest other eigenvalue at p* (the gap) */
    double kernel_ratio; /* |mu1/mu2| before p*: see opts.kernel_ratio_ds */
    double dmu1_ds;      /* d mu1/ds at p* (exact) */
    double dmu1_dp;      /* d mu1/dp = dmu1_ds / t_p (NaN at a fold) */
    double tp;           /* p-component of the unit tangent at p* */
    double loss, grad_norm;
    double locate_dp;    /* final |dp| between the last two iterates */
    /* 1 if located to locate_tol; 0 if not (location failed, or
     * locate_events = 0): then p, s, x and the coefficients describe a
     * point near the event, not the event, and status/reason say why. */
    int located;
    /* Folds, when the problem has hess_dir: |dp| moved by the Newton
     * refinement on the Moore-Spence system {F = 0, H phi = 0,
     * phi^T phi = 1} in (x, phi, p) from the bracketed point (x, phi, p are
     * then the refined ones). NaN if not run or not converged (the
     * bracketed result is kept and reason says why). */
    double refine_dp;
    ll_lscoef coef;      /* Lyapunov-Schmidt coefficients (if computed) */
    ll_status status;    /* LL_OK, or why location / coefficients failed */
    char reason[128];    /* empty, or what went wrong */
} ll_event;

/* Arrays along the branch, one entry per accepted point (len of them). */
typedef struct ll_branch {
    size_t len, cap;
    size_t n;      /* problem size */
    int n_eigs;    /* eigenvalues stored per point */
    double *p;     /* len */
    double *s;     /* len: arclength */
    double *tp;    /* len: p-component of the unit tangent */
    double *mu;    /* len x n_eigs, row per point: mu[k*n_eigs + e] */
    int *index;    /* len: Morse index */
    double *loss;  /* len */
    double *grad_norm; /* len: ||F|| (unscaled) */
    double *x;     /* len x n if stored (opts.store_points), else NULL */
} ll_branch;

typedef struct ll_cont_result {
    ll_branch branch;
    ll_event *events;
    size_t n_events;
    ll_status status; /* why the run ended: LL_STOP_PARAM, LL_STOP_BUDGET,
                         LL_STOP_CANCEL, or an error */
    char reason[256]; /* human-readable detail of status */
    double gscale;    /* the gradient scale of the tolerance */
    ll_hessian_path hessian; /* the path that ran (AUTO resolved) */
    size_t newton_iters, steps_rejected;
} ll_cont_result;

void ll_cont_result_free(ll_cont_result *r); /* NULL-safe, zeroes r */

typedef struct ll_cont_progress {
    size_t step;
    double p, s, ds;
    int index;
    size_t n_events;
} ll_cont_progress;

typedef struct ll_cont_opts {
    double p_min, p_max;   /* stop when p leaves [p_min, p_max]; 0, 1 */
    double ds0;            /* initial arclength step; 0.02 */
    double ds_min, ds_max; /* 1e-9, 0.1 */
    size_t max_steps;      /* 10000 */
    double max_length;     /* arclength budget; 100 */
    double newton_tol;     /* 1e-12 (scaled, see above) */
    int newton_maxit;      /* 10 */
    double max_angle;      /* max angle between successive tangents; 0.15 rad */
    int n_eigs;            /* smallest eigenvalues recorded; 6 */
    double locate_tol;     /* |dp| for event location; 1e-10 */
    int locate_events;     /* 1 */
    int compute_coefs;     /* 1 */
    int store_points;      /* keep every x in the branch; 0 */
    ll_bif_opts bif;       /* options of the coefficient computation */
    /* Called after every accepted point; return nonzero to cancel. */
    int (*progress)(void *user, const ll_cont_progress *pr);
    void *user;
    /* Start on a chosen branch, in a chosen direction (optional: the zero
     * values, which ll_cont_opts_default sets, give the behaviour described
     * at ll_cont_run). start_tangent: NULL, or n+1 numbers (x-part, then
     * p-part; borrowed for the call): the initial tangent is the unit t
     * with [[H, F_p], [c^T]] t = e_{n+1}, c = start_tangent, i.e. the
     * direction of ker [H F_p] with c^T t > 0. Use it next to a branch point
     * (where the kernel is 1-D again) to pick the new branch and its side,
     * and to start at a fold (t_p = 0). direction: < 0 reverses the initial
     * tangent; 0 or 1 keep it. With either set, p0 may equal p_max. */
    const double *start_tangent;
    int direction;
    /* Spectral step control: a step is redone at half the size when one of
     * the n_eigs smallest eigenvalues changes by more than its own size
     * (|mu(B) - mu(A)| > min(|mu(A)|, |mu(B)|)), unless the step is already
     * shorter than ds_event. Near an avoided crossing of eigenvalue zero (an
     * imperfect bifurcation) the branch turns on the scale |mu| / |dmu/ds|,
     * and a longer step can converge onto a neighbouring branch. 1e-3;
     * 0 turns the control off. */
    double ds_event;
    /* The kernel ratio |mu1/mu2| of an event is measured at the branch
     * point this far before the located event in the arc coordinate (where
     * t_p ~ 1, at lambda* - kernel_ratio_ds): 0.005, the seed paper's grid
     * spacing. 0: at the last accepted point before the event instead
     * (which depends on the step-size path). */
    double kernel_ratio_ds;
    /* Hessian representation (see ll_hessian_path); AUTO. */
    ll_hessian_path hessian;
    /* Optional start vectors of the smallest eigenvalues on the structured
     * and matrix-free paths (NULL: none; borrowed for the call): n x
     * eig_start_k, column-major. They seed the eigensolver at the start
     * point and, when the start's k smallest eigenvalues are one
     * degenerate cluster (equal to the eigensolver's tolerance), at the
     * first step too: there the start's eigenvectors are an arbitrary
     * basis of the cluster, and the directions in which it splits
     * (ll_model_softening_vectors for the two-layer model at lambda = 0)
     * find the split eigenvalues at once. */
    const double *eig_start;
    size_t eig_start_k;
} ll_cont_opts;

ll_cont_opts ll_cont_opts_default(void);

/* Trace the branch through (x0, p0), which must be a critical point up to
 * Newton polishing (it is polished at fixed p0 first), in the direction of
 * increasing p (or as set by o->start_tangent and o->direction). Results go into res (zeroed first; free with
 * ll_cont_result_free, also after an error). Returns res->status. */
ll_status ll_cont_run(const ll_problem *pb, const double *x0, double p0,
                      const ll_cont_opts *o, ll_cont_result *res,
                      ll_errbuf *eb);

#ifdef __cplusplus
}
#endif
#endif
