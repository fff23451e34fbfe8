/* losslab: the seed paper's experiments beyond `trace` (MATH.md section 4):
 * the symmetric toy (Exp. 1, `losslab toy`) and the coefficients at the
 * first event with their checks (Exp. 6, `losslab coeffs`), and their result
 * files.
 *
 * ---- toy ------------------------------------------------------------------
 * Model: d = 1, m = 2, f(x) = v1 h(w1 x) + v2 h(w2 x), only W = (w1, w2)
 * trained, L = MSE/2 + alpha/2 |W|^2. Two directions of the (w1, w2) plane:
 *     e_L = v / |v|                  (longitudinal; (1, 1)/sqrt2 for v = (1,1))
 *     e_T = (v2, -v1) / |v|          (transverse;   (1,-1)/sqrt2)
 * At lambda = 0 the Hessian is (v v^T) Sigma + alpha I, so e_T spans the
 * eigenvalue alpha: with alpha = 0 it is singular (seed 000 Prop. 7.2).
 *
 * Symmetric case v1 = v2: the swap w1 <-> w2 is a symmetry and the diagonal
 * {W = z e_L} its fixed-point subspace, invariant under the gradient flow.
 * The branch is continued INSIDE it (ll_subspace_create + ll_cont_run on the
 * 1-D restricted problem, nonsingular at the start even when alpha = 0). By
 * the symmetry e_T and e_L are eigenvectors of the full Hessian there:
 * mu_T = e_T^T H e_T and mu_L = e_L^T H e_L are its two eigenvalues (the
 * off-diagonal e_T^T H e_L is recorded as a check). Events of the FULL
 * problem are the sign changes of mu_T along the branch (a zero mu_T at the
 * start is not one): symmetry-breaking pitchforks, located by the Illinois
 * secant method in lambda on the restricted branch (Newton in z at each
 * lambda) to |d lambda| <= locate_tol, with the full problem's
 * Lyapunov-Schmidt coefficients at phi = e_T (Z2 declared, so g_aa = 0 is
 * the symmetry's). Events of the restricted problem (folds of the diagonal
 * branch, where mu_L = 0) are those of ll_cont_run.
 *
 * Asymmetric case v1 != v2: no fixed-point subspace; the full 2-D branch is
 * continued from the linear minimiser (needs alpha > 0, else the start is
 * singular) and mu_T, mu_L are Rayleigh quotients, not eigenvalues (the
 * eigenvalues are recorded too); events are those of ll_cont_run.
 *
 * Diagnostics at chosen lambdas: the line restriction
 *     phi_red(a) = L(theta*(lambda) + a e_T) - L(theta*(lambda))
 * on a symmetric grid of a with its least-squares fit c2 a^2 + c3 a^3 +
 * c4 a^4 (even by the symmetry when v1 = v2: c3 = 0 up to rounding), and
 * the loss on a grid of the (w1, w2) plane centred at theta*(lambda).
 *
 * ---- coeffs ---------------------------------------------------------------
 * At the first event of a trace (MATH.md section 3): every coefficient
 * (g_p, g_aa, g_ap, g_aaa, and the bare D^4L[phi^4]) (a) exactly
 * (ll_bif_coefficients at the located event), (b) by finite differences of
 * the problem's exact lower-order ops, Richardson-extrapolated central
 * differences (a verification reported to the user; steps recorded):
 *     g_p   : phi^T (F(x, p+h) - F(x, p-h)) / 2h
 *     g_aa  : q(h) = phi^T H(x + h phi, p) phi,  (q(h) - q(-h)) / 2h
 *     D^4L  : (q(h) - 2 q(0) + q(-h)) / h^2
 *     g_ap  : psi from the bordered system with the FD F_p, then
 *             r(h) = phi^T H(x + h psi, p + h) phi,  (r(h) - r(-h)) / 2h
 *     g_aaa : D^4L_fd - 3 B_fd^T H_R^+ B_fd,  B_fd = (H(x+h phi) - H(x-h phi)) phi / 2h
 * Richardson: D = (4 D(h/2) - D(h)) / 3 for the central differences.
 * (c) the paper's formulas beside them (default model only: fixed v, no
 * biases): D^3L[phi^3] = E[3 Df D^2f + r D^3f] and D^4L[phi^4] =
 * E[3 (D^2f)^2 + 4 Df D^3f + r D^4f] with D^kf = sum_j v_j h^(k)(z_j)
 * (phi_j . x)^k, and the paper's g_aaa = D^4L[phi^4] (no slaved term).
 * Also the line restriction phi_red(a) = L(x* + a phi) - L(x*) with its fit
 * (c2, c3, c4; Taylor values phi^T H phi / 2, g_aa / 6, D^4L / 24 beside),
 * and c2 against mu = lambda - lambda* on the branch (critical points at
 * lambda* + mu by Newton from the nearest stored branch point), with its
 * linear fit; the prediction of the slope is g_ap / 2 at a branch point
 * (d/dmu phi^T H phi = g_ap + c g_aa along the branch); at a fold the branch
 * is not a graph over lambda and no slope is predicted.
 *
 * Ownership: results own their arrays; free them with the *_free functions
 * (NULL-safe, also after an error). Data and options are borrowed for the
 * call only. Nothing here prints.
 */
#ifndef LOSSLAB_EXPERIMENTS_H
#define LOSSLAB_EXPERIMENTS_H

#include <stddef.h>

#include "losslab/bif.h"
#include "losslab/cont.h"
#include "losslab/data.h"
#include "losslab/status.h"
#include "losslab/study.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Most lambdas of line restrictions / contour panels. */
#define LL_TOY_MAX_PANELS 8

/* The toy's data: files (src->x_path) or the toy generator
 * ll_data_generate_toy with src->gen (its n, seed, noise; d must be 1). */
ll_status ll_toy_data_load(const ll_data_source *src, ll_data *D,
                           ll_errbuf *eb);

typedef struct ll_toy_opts {
    const ll_act *act;   /* default tanh */
    double alpha;        /* default 0 */
    double v[2];         /* default (1, 1) */
    /* Continuation (p_min 0, p_max = lambda_max 1, store_points is forced
     * on, n_eigs 1 in the restricted problem). */
    ll_cont_opts cont;
    double locate_tol;   /* |d lambda| of the full problem's events; 1e-10 */
    /* Line restrictions: lambdas, grid a in [-line_amax, line_amax] with
     * line_points (odd) points. Defaults {0, 0.3, 0.7, 1}, 1.0, 81. */
    size_t n_line;
    double line_lambda[LL_TOY_MAX_PANELS];
    double line_amax;
    size_t line_points;
    /* Contours: lambdas, a grid x grid lattice of the (w1, w2) plane over
     * theta* +- window. Defaults {0, 0.3, 0.7, 1}, 61, 1.5. */
    size_t n_contour;
    double contour_lambda[LL_TOY_MAX_PANELS];
    size_t grid;
    double window;
} ll_toy_opts;

ll_toy_opts ll_toy_opts_default(void);

/* An event of the full problem on the toy's branch. */
typedef struct ll_toy_event {
    const char *type;    /* "symmetry_breaking" (mu_T sign change) or an
                            ll_event_type_str of a continuation event */
    int from_transverse; /* 1: located from mu_T, 0: an ll_cont_run event */
    double lambda;
    double w[2];         /* the critical point */
    int index_before, index_after; /* full Morse index */
    double mu_T, mu_L;   /* at the event */
    double dmuT_dlambda; /* exact, along the branch (NaN if not computed) */
    double locate_dp;    /* last |d lambda| of the location */
    ll_lscoef coef;      /* full problem, phi = e_T */
    ll_status status;    /* LL_OK or why location/coefficients failed */
    char reason[128];
} ll_toy_event;

/* A line restriction phi_red(a) at one lambda. */
typedef struct ll_toy_line {
    double lambda;       /* requested; NaN fields if not reached */
    double w[2];         /* theta*(lambda) */
    size_t len;
    double *a, *phi;     /* len each, owned */
    double c2, c3, c4, resid; /* fit and its RMS residual */
    ll_status status;
} ll_toy_line;

/* The loss on a lattice of the (w1, w2) plane at one lambda. */
typedef struct ll_toy_contour {
    double lambda;
    double w[2];         /* the critical point (centre) */
    double loss_star;    /* L at the critical point */
    size_t grid;
    double *w1, *w2;     /* grid each, owned */
    double *L;           /* grid x grid: L[i + grid*j] at (w1[i], w2[j]) */
    ll_status status;
} ll_toy_contour;

typedef struct ll_toy_result {
    int symmetric;        /* v1 == v2: branch in the fixed-point subspace */
    size_t samples;
    double e_T[2], e_L[2];
    int start_degenerate; /* |mu_T| at lambda = 0 within rounding of 0 */
    /* Along the branch (len points, from cont.branch). */
    size_t len;
    double *lambda, *s, *w1, *w2, *loss, *grad_norm; /* full ||F|| */
    double *mu_T, *mu_L, *offdiag; /* e_T^T H e_T, e_L^T H e_L, e_T^T H e_L */
    double *eig;          /* len x 2: the full Hessian's eigenvalues, row-wise */
    int *index;           /* full Morse index */
    ll_cont_result cont;  /* restricted (symmetric) or full continuation */
    size_t n_events;
    ll_toy_event *events;
    ll_toy_line lines[LL_TOY_MAX_PANELS];
    size_t n_line;
    ll_toy_contour contours[LL_TOY_MAX_PANELS];
    size_t n_contour;
    ll_status status;     /* cont's stop reason, or an error */
    char reason[LL_ERRBUF_SIZE];
    double time_total;
} ll_toy_result;

void ll_toy_result_free(ll_toy_result *r);

/* Run the toy study on data D (d must be 1). */
ll_status ll_toy_run(const ll_data *D, const ll_toy_opts *o,
                     ll_toy_result *res, ll_errbuf *eb);

/* ---- coeffs ---- */

typedef struct ll_coeffs_opts {
    ll_trace_opts trace;  /* the model and continuation (store_points forced) */
    /* Finite-difference base steps (the half step is also used, for
     * Richardson): in p, along x for third derivatives, along x for the
     * fourth derivative. Defaults 1e-3, 1e-3, 1e-2. */
    double h_p, h_3, h_4;
    double line_amax;     /* line restriction grid half-width; 0.1 */
    size_t line_points;   /* odd; 41 */
    double mu_step;       /* c2 vs mu: mu = +-k mu_step, k = 1..mu_points */
    size_t mu_points;     /* 1e-3, 3 */
} ll_coeffs_opts;

ll_coeffs_opts ll_coeffs_opts_default(void);

/* One coefficient, three ways. */
typedef struct ll_coeff_row {
    const char *name;     /* "g_p", "g_aa", "g_ap", "g_aaa", "g_aaa_bare" */
    double exact;         /* (a) */
    double fd, fd_rel_err, fd_step; /* (b): value, |fd-exact|/|exact|, h */
    double paper;         /* (c) the paper's formula, NaN if it has none */
    const char *paper_formula; /* how (c) was computed, or NULL */
} ll_coeff_row;

#define LL_COEFFS_ROWS 5

typedef struct ll_coeffs_result {
    ll_trace_result trace; /* the run the event comes from */
    int have_event;        /* 0: no event on [0, lambda_max] */
    ll_event event;        /* copy of the first event (x, phi owned) */
    ll_lscoef coef;        /* recomputed at the event */
    ll_coeff_row rows[LL_COEFFS_ROWS];
    double g_ap_unslaved;  /* phi^T H_p phi alone (no D^3L[phi,phi,psi]) */
    /* Line restriction along phi at the event. */
    size_t line_len;
    double *line_a, *line_phi;
    double c2, c3, c4, line_resid;
    double c2_taylor, c3_taylor, c4_taylor; /* phi^T H phi/2, g_aa/6, D4/24 */
    /* c2 against mu. */
    size_t n_mu;
    double *mu, *c2_mu, *c2_exact_mu; /* fit c2 and phi^T H phi / 2 */
    double slope, intercept, slope_exact; /* fits of c2_mu / c2_exact_mu */
    double slope_predicted; /* g_ap / 2 at a branch point, NaN at a fold */
    ll_status status;
    char reason[LL_ERRBUF_SIZE];
} ll_coeffs_result;

void ll_coeffs_result_free(ll_coeffs_result *r);

/* Trace, then the coefficient study at the first event. Without an event,
 * returns the trace's stop status with have_event = 0. */
ll_status ll_coeffs_run(const ll_data *D, const ll_coeffs_opts *o,
                        ll_coeffs_result *res, ll_errbuf *eb);

/* ---- result files (src/io) ---- */

/* What a toy / coeffs file records: options, data source, command line
 * (may be NULL), result. All borrowed. */
typedef struct ll_toy_report {
    const ll_toy_opts *opts;
    const ll_data_source *data;
    const char *command_line;
    const ll_toy_result *res;
} ll_toy_report;

typedef struct ll_coeffs_report {
    const ll_coeffs_opts *opts;
    const ll_data_source *data;
    const char *command_line;
    const ll_coeffs_result *res;
} ll_coeffs_report;

/* The JSON (malloc'ed string; keys in the README section of the command). */
ll_status ll_io_toy_json(const ll_toy_report *rep, char **out, ll_errbuf *eb);
ll_status ll_io_coeffs_json(const ll_coeffs_report *rep, char **out,
                            ll_errbuf *eb);
ll_status ll_io_write_toy_json(const char *path, const ll_toy_report *rep,
                               ll_errbuf *eb);
ll_status ll_io_write_coeffs_json(const char *path,
                                  const ll_coeffs_report *rep, ll_errbuf *eb);

/* Figures (PNG or SVG by the extension). */
ll_status ll_io_plot_toy_eigs(const char *path, const ll_toy_result *r,
                              ll_errbuf *eb);
ll_status ll_io_plot_toy_lines(const char *path, const ll_toy_result *r,
                               ll_errbuf *eb);
ll_status ll_io_plot_toy_contours(const char *path, const ll_toy_result *r,
                                  ll_errbuf *eb);
ll_status ll_io_plot_coeffs_line(const char *path, const ll_coeffs_result *r,
                                 ll_errbuf *eb);
ll_status ll_io_plot_coeffs_mu(const char *path, const ll_coeffs_result *r,
                               ll_errbuf *eb);

/* --out DIR: toy.json, toy_eigenvalues, toy_lines, toy_contours (.png and
 * .svg); coeffs.json, coeffs_line, coeffs_c2_mu (.png and .svg). */
ll_status ll_io_write_toy_dir(const char *dir, const ll_toy_report *rep,
                              ll_errbuf *eb);
ll_status ll_io_write_coeffs_dir(const char *dir,
                                 const ll_coeffs_report *rep, ll_errbuf *eb);

#ifdef __cplusplus
}
#endif
#endif
