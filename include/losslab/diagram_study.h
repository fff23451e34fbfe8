/* losslab: the bifurcation diagram of a two-layer network (`losslab
 * diagram`, issue 4; MATH.md sections 1-3).
 *
 * 1. Symmetry. Hidden units with equal output weights v_j can be permuted
 *    without changing L (with trained v or biases, the whole unit
 *    (w_j, b_j, v_j) is permuted). For a class C of k >= 2 such units the
 *    symmetry group is S_k, and the isotropy subgroups that matter at a
 *    symmetric point are the Young subgroups S_j x S_{k-j} (units split into
 *    two blocks A | C \ A): restricted to their fixed-point subspaces
 *        Fix = { theta : units in the same block have equal parameters }
 *    the kernel of a multiple branch point (one copy of the standard
 *    representation, dimension k - 1) is one-dimensional (equivariant
 *    branching lemma), so ll_diagram_run can switch there. One subspace per
 *    (class, j), 1 <= j <= k/2, with A = the first j units of the class;
 *    it stands for C(k, j) conjugate copies (C(k, j)/2 when 2j = k). The
 *    start subspace ties every class into one block (the full symmetry),
 *    where a degenerate start at lambda = 0 (alpha = 0) is regular when all
 *    units share one v (e.g. the paper's toy, d = 1, m = 2, v = (1, 1)).
 *    Subspaces are built for the given v only: a representative that does
 *    not contain an event's point (a branch with another block pattern) is
 *    skipped by the diagram.
 * 2. The parameter. lambda (the homotopy, default), or alpha at a fixed
 *    lambda: L(theta; alpha) = L(theta; lambda_fixed) with the Tikhonov
 *    weight replaced, F_alpha = the W-part of theta, H_alpha = the identity
 *    on the W-block (exact; D^3L and D^4L do not depend on alpha). The start
 *    for alpha is the critical point reached from the lambda = 0 minimiser by
 *    continuation in lambda up to lambda_fixed at the model's alpha.
 * 3. Scalars along every branch, for the figure: the amplitude
 *    phi_ref^T (theta - theta_ref) along the kernel vector of the diagram's
 *    first event (the degenerate start, or the first event of the primary
 *    branch; NaN everywhere when there is none), the loss, and ||theta||.
 *
 * Ownership: results own everything; free with the _free functions.
 */
#ifndef LOSSLAB_DIAGRAM_STUDY_H
#define LOSSLAB_DIAGRAM_STUDY_H

#include <stddef.h>

#include "losslab/data.h"
#include "losslab/diagram.h"
#include "losslab/model.h"
#include "losslab/status.h"
#include "losslab/study.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- symmetry subspaces of a model ---------------------------------------*/

typedef struct ll_diagram_symmetry {
    ll_diagram_subspace *subs; /* the two-block splits, n of them */
    size_t n;
    ll_diagram_subspace start; /* every class tied; valid if has_start */
    int has_start;
    size_t n_classes;          /* classes with >= 2 units */
    double *mem;               /* owned storage of every S */
    char *names;               /* owned storage of every name */
} ll_diagram_symmetry;

/* Build the subspaces of M (classes: |v_i - v_j| <= tol max(1, |v_i|)).
 * No class of two or more units gives n = 0 and has_start = 0. */
ll_status ll_diagram_symmetry_of_model(const ll_model *M, double tol,
                                       ll_diagram_symmetry *out,
                                       ll_errbuf *eb);
void ll_diagram_symmetry_free(ll_diagram_symmetry *s); /* NULL-safe */

/* ---- the alpha problem ----------------------------------------------------*/

typedef struct ll_alpha_problem {
    ll_problem base;   /* the model's problem (lambda as p), copied */
    double lambda;     /* held fixed */
    double alpha0;     /* the model's own alpha */
    size_t nw;         /* W entries: theta[0 .. nw) */
} ll_alpha_problem;

/* Fill pb with L(theta; alpha) at lambda fixed (pb->ctx = ap, which must
 * outlive pb; base is copied into ap). */
void ll_alpha_problem_init(ll_alpha_problem *ap, const ll_problem *base,
                           double lambda, double alpha0, size_t nw,
                           ll_problem *pb);

/* ---- the study ------------------------------------------------------------*/

typedef enum ll_diagram_param {
    LL_DIAGRAM_PARAM_LAMBDA = 0,
    LL_DIAGRAM_PARAM_ALPHA
} ll_diagram_param;

const char *ll_diagram_param_str(ll_diagram_param p); /* "lambda", "alpha" */

typedef struct ll_diagram_study_opts {
    ll_model_opts model;      /* width, act, alpha (the start's), v, ... */
    /* diagram.cont.p_min / p_max: the range of the parameter (lambda:
     * [0, 1]; alpha: [0, alpha_max]). The subspaces and start_sub fields are
     * filled by the study when auto_symmetry is set. */
    ll_diagram_opts diagram;
    ll_diagram_param param;   /* LL_DIAGRAM_PARAM_LAMBDA */
    double lambda_fixed;      /* param = alpha: lambda held fixed; 1 */
    int auto_symmetry;        /* 1 */
    double v_equal_tol;       /* 1e-12 */
    double polish_tol;        /* 1e-12 (scaled like trace) */
    int polish_maxit;         /* 30 */
} ll_diagram_study_opts;

ll_diagram_study_opts ll_diagram_study_opts_default(void);

typedef struct ll_diagram_study_result {
    size_t width, dim, samples, nparams;
    double *v;                /* width, owned */
    double *theta0;           /* the start (nparams), owned */
    double p0;                /* the start's parameter value */
    ll_diagram_symmetry sym;
    ll_diagram_result diagram;
    /* per branch b, per stored point i: amplitude[b][i], norm[b][i] */
    double **amplitude, **norm;
    int ref_event;            /* diagram event giving phi_ref; -1 none */
    ll_status status;
    char reason[LL_ERRBUF_SIZE];
    double time_total;
} ll_diagram_study_result;

void ll_diagram_study_result_free(ll_diagram_study_result *r); /* NULL-safe */

/* Run on data D. Returns res->status (LL_OK: the diagram was drawn; its
 * branches' own stop reasons are in their cont.status); failed switches
 * are recorded in the events. */
ll_status ll_diagram_study_run(const ll_data *D,
                               const ll_diagram_study_opts *o,
                               ll_diagram_study_result *res, ll_errbuf *eb);

/* ---- results on disk (src/io) ---------------------------------------------*/

typedef enum ll_diagram_y {
    LL_DIAGRAM_Y_AMPLITUDE = 0,
    LL_DIAGRAM_Y_LOSS,
    LL_DIAGRAM_Y_NORM
} ll_diagram_y;

const char *ll_diagram_y_str(ll_diagram_y y); /* "amplitude", "loss", "norm" */

typedef struct ll_diagram_report {
    const ll_diagram_study_opts *opts;
    const ll_data_source *data;
    const char *command_line;
    ll_diagram_y y;
    int toy_data; /* 1: data from ll_data_generate_toy (data->gen options) */
    const ll_diagram_study_result *res;
} ll_diagram_report;

/* The diagram JSON (keys in /work/notes/readme-diagram.md):
 *   config { data, toy_data, dim, samples, width, nparams, alpha, act, v, train_v,
 *            bias, param, lambda_fixed, p_min, p_max, depth, max_branches,
 *            y, continuation, seed, version, git_revision, command_line },
 *   status, reason, start { p0, degenerate },
 *   symmetry { classes, subspaces [ { name, dim, copies } ], start },
 *   branches [ { id, parent_event, side, subspace, depth, status, reason,
 *                switch_method, p [], index [], loss [], amplitude [],
 *                norm [], mu1 [], events [ diagram event ids ] } ],
 *   events [ { id, branch, type, p, at_start, located, index_before,
 *              index_after, mu1, mu2, coefficients {...}, same_as,
 *              switched, born [], meets [], morse { known_index_minus,
 *              known_index_plus, degree_minus, degree_plus, degree_ok,
 *              normal_form_ok, statement }, status, reason } ],
 *   checks { events_switched, degree_ok, degree_failed, normal_form_ok,
 *            normal_form_failed, branches_index_verified } */
ll_status ll_io_diagram_json(const ll_diagram_report *rep, char **out,
                             ll_errbuf *eb);
ll_status ll_io_write_diagram_json(const char *path,
                                   const ll_diagram_report *rep,
                                   ll_errbuf *eb);
/* The figure: the parameter against the chosen scalar, every branch
 * coloured by its Morse index point by point, events marked (circle:
 * branch point, square: multiple, triangle: fold). .png or .svg. */
ll_status ll_io_plot_diagram(const char *path, const ll_diagram_report *rep,
                             ll_errbuf *eb);

#ifdef __cplusplus
}
#endif
#endif
