/* Internal interface of the continuation module (MATH.md section 2): the
 * per-run workspace, the Newton correctors, tangents, spectra, events.
 * Not installed; tests may include it to probe the pieces. */
#ifndef LL_CONT_INTERNAL_H
#define LL_CONT_INTERNAL_H

#include <stddef.h>

#include "losslab/cont.h"

/* Everything one run needs, allocated once (ll_cont_ws_init). Vectors of
 * length m = n + 1 are points X = (x, p) of the extended space. */
typedef struct ll_cont_ws {
    const ll_problem *pb;
    const ll_cont_opts *o;
    ll_errbuf *eb;
    size_t n, m;
    int n_eigs;          /* eigenvalues stored per point: min(opts, n) */
    double gscale, ftol; /* ftol = newton_tol * gscale */
    double *F, *Fp;      /* n */
    double *H, *Hp;      /* n x n */
    double *J;           /* m x m bordered Jacobian */
    double *r;           /* m: right-hand side / Newton correction */
    double *w;           /* n eigenvalues */
    double *V;           /* n x n eigenvectors */
    double *tmp;         /* m scratch */
    double *tmp2;        /* m scratch */
    double last_rcond;   /* reciprocal condition of the last bordered solve */
    struct ll_cont_fac *fac; /* ws.c: the LDL^T of ws->H, reused per point */
    ll_hessian_path path;    /* resolved: DENSE, STRUCTURED or MATFREE */
    struct ll_cont_hop *hop; /* hop.c: the non-dense paths (NULL if dense);
                                then H, Hp, J and V are NULL */
    size_t newton_iters, steps_rejected;
    double kappa; /* turn per unit length of the last accepted step (0:
                     none yet); see ll_cont_step */
    int cut_prev; /* the last accepted step was cut short by its corrector */
    double *jac_X; /* m: the point of the last ll_cont_eval_HFp ... */
    int jac_known; /* ... when set (ll_cont_jac_is_at) */
} ll_cont_ws;

/* An accepted point of the branch, with its tangent and spectrum. */
typedef struct ll_cont_point {
    double *X, *t; /* m each */
    double *mu;    /* n_eigs smallest eigenvalues */
    double s, loss, gnorm;
    int index;
} ll_cont_point;

ll_status ll_cont_ws_init(ll_cont_ws *ws, const ll_problem *pb,
                          const ll_cont_opts *o, ll_errbuf *eb);
void ll_cont_ws_free(ll_cont_ws *ws);
ll_status ll_cont_point_alloc(const ll_cont_ws *ws, ll_cont_point *pt);
void ll_cont_point_free(ll_cont_point *pt);
void ll_cont_point_copy(const ll_cont_ws *ws, ll_cont_point *dst,
                        const ll_cont_point *src);

/* ws->F = F(X); *fnorm = ||F||. */
ll_status ll_cont_eval_F(ll_cont_ws *ws, const double *X, double *fnorm);
/* ws->H = H(X), ws->Fp = F_p(X). */
ll_status ll_cont_eval_HFp(ll_cont_ws *ws, const double *X);
/* Solve [[H, F_p], [c^T]] y = rhs with ws->H, ws->Fp as evaluated last;
 * y overwrites rhs (m); ws->last_rcond is set. */
ll_status ll_cont_bordered_solve(ll_cont_ws *ws, const double *c, double *rhs);
/* The same without the condition estimate (ws->last_rcond is set to NaN):
 * for the corrector, which does not look at it. */
ll_status ll_cont_bordered_solve_nocond(ll_cont_ws *ws, const double *c,
                                        double *rhs);
/* ws->H = H(X) only (F_p untouched). */
ll_status ll_cont_eval_H(ll_cont_ws *ws, const double *X);
/* 1 when H and F_p, as evaluated last, are both at X (H not moved
 * elsewhere since the ll_cont_eval_HFp at X): its Jacobian can be reused. */
int ll_cont_jac_is_at(const ll_cont_ws *ws, const double *X);
/* Solve H y = rhs (n) with ws->H as evaluated last; y overwrites rhs. */
ll_status ll_cont_hsolve(ll_cont_ws *ws, double *rhs);

/* Newton at fixed p on F(x, p) = 0 (x overwritten). */
ll_status ll_cont_newton_fixed_p(ll_cont_ws *ws, double *x, double p,
                                 int *its);
/* Newton on {F(X) = 0, c^T (X - Xa) = sigma}; X is the initial guess and is
 * overwritten by the solution. */
ll_status ll_cont_correct(ll_cont_ws *ws, double *X, const double *c,
                          const double *Xa, double sigma, int *its);
/* The continuation step's correctors (step.c) take at least one update,
 * even from a predictor that meets the tolerance (newton.c,
 * step_converged). The chord variant for the structured path: the factor
 * is refreshed only when the residual stalls; *its in Newton iterations
 * (refreshes + half the chord updates); at most maxit (<= newton_maxit)
 * of those. */
ll_status ll_cont_correct_chord(ll_cont_ws *ws, double *X, const double *c,
                                const double *Xa, double sigma, int maxit,
                                int *its);
/* The same with at most maxit Newton steps (<= newton_maxit): the step
 * control gives up on a corrector it would refuse as slow anyway. */
ll_status ll_cont_correct_max(ll_cont_ws *ws, double *X, const double *c,
                              const double *Xa, double sigma, int maxit,
                              int *its);

/* Unit tangent at X: [[H, F_p], [c^T]] t = e_m, normalised (so that
 * c^T t > 0). c == NULL: the initial tangent (H x' = -F_p, t_p > 0). */
ll_status ll_cont_tangent(ll_cont_ws *ws, const double *X, const double *c,
                          double *t);
/* Index, smallest eigenvalues (pt->mu), loss and ||F|| at pt->X. */
ll_status ll_cont_point_spectrum(ll_cont_ws *ws, ll_cont_point *pt);
/* Morse index at X only (inertia of H). */
ll_status ll_cont_index(ll_cont_ws *ws, const double *X, int *index);

/* One adaptive predictor-corrector step from A into B (X and t only);
 * *ds is the step to try, updated for the next one. */
ll_status ll_cont_step(ll_cont_ws *ws, const ll_cont_point *A, double *ds,
                       ll_cont_point *B);
/* Replace B by the point of the branch through A on which p = pb
 * (the bound that the step crossed). */
ll_status ll_cont_land(ll_cont_ws *ws, const ll_cont_point *A, double pbound,
                       ll_cont_point *B);

/* If the index jumps by more than one between A and B, look for an
 * intermediate point that separates the crossings; on success B is replaced
 * by it (X, t, spectrum) and *moved = 1. */
ll_status ll_cont_separate(ll_cont_ws *ws, const ll_cont_point *A,
                           ll_cont_point *B, int *moved);
/* Classify and (if asked) locate the event between A and B, if any, and
 * append it to res. Location failures go into the event, not the status. */
ll_status ll_cont_events(ll_cont_ws *ws, const ll_cont_point *A,
                         const ll_cont_point *B, ll_cont_result *res);
/* Locate the crossing of the k-th smallest eigenvalue between A and B and
 * fill ev (whose type and indices are set). */
ll_status ll_cont_locate(ll_cont_ws *ws, const ll_cont_point *A,
                         const ll_cont_point *B, int k, ll_event *ev);
/* Fill the descriptive fields of ev at X (p*, x*, phi, mu1, mu2, tangent,
 * dmu1_ds, loss, s, coefficients); A (the last accepted point before it)
 * orients the tangent and gives the arclength. With refine != 0, a fold
 * (ev->type) on a problem with hess_dir is first refined on the
 * Moore-Spence system (ll_cont_fold_refine) and described at the refined
 * point; if that fails, X is kept and ev->reason says why. */
ll_status ll_cont_event_fill(ll_cont_ws *ws, const ll_cont_point *A,
                             const double *X, int k, ll_event *ev, int refine);

/* Diagnostics of one fold refinement. */
#define LL_CONT_FOLD_HIST 16
typedef struct ll_cont_fold_info {
    int its;                     /* Newton iterations done */
    double res[LL_CONT_FOLD_HIST]; /* ||G|| before iteration 0, 1, ... */
    double fnorm, hphi_norm;     /* ||F||, ||H phi|| at the last iterate */
    double dp;                   /* |p_refined - p_start|, NaN on failure */
} ll_cont_fold_info;

/* Newton on the Moore-Spence system {F = 0, H phi = 0, phi^T phi = 1} in
 * (x, phi, p) (fold.c) from X = (x, p) (m) and phi (n, any length); needs
 * pb->hess_dir. On success X and phi are replaced by the refined point and
 * unit kernel vector; on failure they are left alone and the status says
 * why (LL_ERR_NOCONV, LL_ERR_SINGULAR, a callback's error, LL_ERR_NOMEM).
 * info may be NULL. */
ll_status ll_cont_fold_refine(ll_cont_ws *ws, double *X, double *phi,
                              ll_cont_fold_info *info);

/* D^3L[phi, phi, v_x] + v_p phi^T H_p phi at X: the derivative of the
 * simple eigenvalue with unit eigenvector phi along v (d3: n scratch). */
ll_status ll_cont_dmu_along(ll_cont_ws *ws, const double *X, const double *phi,
                            const double *v, double *d3, double *out);
/* From ws->H: mu = the k-th smallest eigenvalue, mu2 the nearest other one
 * (NaN if n = 1), phi the unit eigenvector of mu. Uses ws->w, ws->V. */
ll_status ll_cont_crossing_eig(ll_cont_ws *ws, int k, double *mu, double *mu2,
                               double *phi);

/* ---- hop.c: the structured and matrix-free Hessian paths ---- */
typedef struct ll_cont_hop ll_cont_hop;
ll_status ll_cont_hop_create(ll_cont_ws *ws, ll_hessian_path path);
void ll_cont_hop_destroy(ll_cont_hop *h); /* NULL-safe */
/* The operator at X (structured: assembled and factored). */
ll_status ll_cont_hop_at(ll_cont_ws *ws, const double *X);
ll_status ll_cont_hop_apply(ll_cont_ws *ws, const double *x, double *y);
/* The next eigenvalue call is at the branch point of arc coordinate s
 * (its shift is then predicted from the last ones along the branch). */
void ll_cont_hop_arc(ll_cont_ws *ws, double s);
/* 1 when the operator is at X (ll_cont_hop_at(ws, X) would do nothing). */
int ll_cont_hop_is_at(const ll_cont_ws *ws, const double *X);
/* R (n x nrhs, leading dimension n) <- H^{-1} R. */
ll_status ll_cont_hop_solve(ll_cont_ws *ws, size_t nrhs, double *R);
ll_status ll_cont_hop_norm1(ll_cont_ws *ws, double *nrm);
/* The rounding scale ||H|| of eigenvalues (see hop.c). */
ll_status ll_cont_hop_hscale(ll_cont_ws *ws, double *s);
ll_status ll_cont_hop_eigs(ll_cont_ws *ws, size_t k, int event, double *w,
                           const double **V);
ll_status ll_cont_hop_index(ll_cont_ws *ws, int *index);
/* Matrix-free path (hop_matfree.c): [[H, u], [w^T, d]] y = rhs (m),
 * overwriting rhs, refined to rounding level; ws->last_rcond is set
 * (estimate) when want_rcond, else NaN. */
ll_status ll_cont_hop_bordered(ll_cont_ws *ws, const double *u,
                               const double *w, double d, double *rhs,
                               int want_rcond);
/* Upper bounds of ||J||_1 and ||J||_inf for J = [[H, u], [w^T, d]] from the
 * estimate of ||H||_1 (ws.c; both non-dense paths). */
ll_status ll_cont_hop_border_norms(ll_cont_ws *ws, const double *u,
                                   const double *w, double d, double *n1,
                                   double *ninf);
/* max_i |x_i| (ws.c). */
double ll_cont_inf_norm(size_t n, const double *x);
/* Iterative refinement of y ~ J^{-1} r0 (len values; y holds the first,
 * unrefined elimination on entry), shared by the bordered solves of ws.c
 * and hop_matfree.c: stop when ||r0 - J y||_inf <= 8 sqrt(len) eps
 * (jinf ||y||_inf + ||r0||_inf), the rounding level of the residual
 * itself; LL_ERR_NOCONV after maxit corrections or a non-finite residual.
 * resid: res = r0 - J y, *e = ||res||_inf; elim: r <- K r, the unrefined
 * elimination. res: len scratch. */
typedef ll_status (*ll_cont_resid_fn)(const void *sys, const double *r0,
                                      const double *y, double *res,
                                      double *e);
typedef ll_status (*ll_cont_elim_fn)(const void *sys, double *r);
ll_status ll_cont_refine(const void *sys, ll_cont_resid_fn resid,
                         ll_cont_elim_fn elim, size_t len, const double *r0,
                         double *y, double *res, double jinf, int maxit);
/* ll_bif_range_solve_fn for ll_bif_coefficients_ext (user = ws). */
ll_status ll_cont_hop_range_solve(void *user, const double *phi, size_t nrhs,
                                  double *R);
/* The rounding scale of H's eigenvalues at the last evaluation: ||H||_F
 * (dense, structured) or an estimate (matrix-free). */
ll_status ll_cont_hscale(ll_cont_ws *ws, double *s);

/* Append a point to the branch / an empty event to the result. */
ll_status ll_cont_branch_push(ll_branch *b, const ll_cont_point *pt,
                              int store_x);
ll_event *ll_cont_event_push(ll_cont_result *res, size_t n);

#endif
