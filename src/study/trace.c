/* The `trace` study (MATH.md sections 1-3, seed 000 Thm 7.6 and sec. 7):
 * model on the data, closed-form minimiser at lambda = 0 polished by Newton,
 * the softening of the degenerate eigenvalue alpha by first-order degenerate
 * perturbation theory (general: ll_bif_softening on the dense path; default
 * model also the closed form and the paper's eq. (22), labelled; on the
 * structured / matrix-free paths only the closed form's smallest speeds,
 * ll_model_softening_smallest), the prediction
 * lambda* = alpha / |lambda_1'(0)|, then pseudo-arclength continuation of the
 * critical branch from (theta0, 0) to lambda_max with events. */
#include "losslab/study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "study/polish.h"

ll_trace_opts ll_trace_opts_default(void)
{
    ll_trace_opts o;
    o.model = ll_model_opts_default();
    o.cont = ll_cont_opts_default();
    o.cont.p_min = 0.0;
    o.cont.p_max = 1.0;
    o.cluster_tol = 1e-8;
    o.polish_tol = 1e-12;
    o.polish_maxit = 30;
    return o;
}

void ll_trace_result_free(ll_trace_result *r)
{
    if (!r)
        return;
    free(r->v);
    free(r->theta0);
    ll_softening_free(&r->soft);
    free(r->closed_form_speeds);
    ll_cont_result_free(&r->cont);
    memset(r, 0, sizeof *r);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Nothing computed yet: every number NaN, so that a run that fails before
 * the softening never shows a rate or a prediction of 0 (a zeroed result
 * would read as lambda1'(0) = 0 and mu0 = 0 in the JSON). */
static void trace_result_init(ll_trace_result *res)
{
    memset(res, 0, sizeof *res);
    res->grad_norm0 = NAN;
    res->soft.mu0 = res->soft.rate = res->soft.rate_noise = NAN;
    res->soft.p_star_predicted = NAN;
    res->soft_status = LL_ERR_INTERNAL;
    snprintf(res->soft_reason, sizeof res->soft_reason, "not computed");
    res->closed_form_rate = res->paper_eq22 = NAN;
    res->closed_form_status = LL_ERR_INTERNAL;
    res->lambda1_prime0 = res->lambda_star_predicted = NAN;
}

static ll_status trace_fail(ll_trace_result *res, ll_status st,
                            const ll_errbuf *eb)
{
    res->status = st;
    if (eb->msg[0])
        snprintf(res->reason, sizeof res->reason, "%s", eb->msg);
    else
        snprintf(res->reason, sizeof res->reason, "%s", res->cont.reason);
    /* Failed before the softening: it carries the run's status. */
    if (res->soft_status == LL_ERR_INTERNAL &&
        strcmp(res->soft_reason, "not computed") == 0) {
        res->soft_status = st;
        snprintf(res->soft_reason, sizeof res->soft_reason, "not computed: "
                 "the run failed before it (%.400s)", res->reason);
    }
    return st;
}

/* The trace starts from the minimiser at lambda = 0, which must exist and be
 * isolated. With trained v (only W regularised) it does not exist: at a
 * critical point dL/dv_j = w_j^T X^T r / N = 0, so w_j^T dL/dw_j =
 * alpha ||w_j||^2 = 0 and W = 0, v = 0 is the only one. With biases and
 * m > 1 only v.b enters the linear network, so the critical points form an
 * (m-1)-dimensional family and the branch from it is not unique. */
static ll_status trace_check_start(const ll_model_opts *mo, ll_errbuf *eb)
{
    if (mo->train_v)
        return ll_err(eb, LL_ERR_ARG,
                      "trace: with trained v and only W regularised the loss "
                      "has no critical point at lambda = 0 but the origin "
                      "(W = 0, v = 0), so there is no minimiser to start "
                      "from; use fixed v");
    if (mo->bias && mo->width > 1)
        return ll_err(eb, LL_ERR_ARG,
                      "trace: with biases and width > 1 the critical points "
                      "at lambda = 0 form a %zu-dimensional family (only v.b "
                      "enters a linear network), so the start is degenerate; "
                      "use no biases or width 1", mo->width - 1);
    return LL_OK;
}

/* Record the resolved problem and the polished start theta0. */
static ll_status trace_setup(ll_model *M, const ll_trace_opts *o,
                             ll_trace_result *res, ll_errbuf *eb)
{
    ll_problem pb;
    size_t m = ll_model_width(M), P = ll_model_nparams(M);
    res->width = m;
    res->dim = ll_model_dim(M);
    res->nparams = P;
    /* v is filled as soon as it exists: a failure after this point still
     * leaves a result whose v (copied into sweep items) is defined */
    res->v = malloc(m * sizeof *res->v);
    if (res->v)
        memcpy(res->v, ll_model_v(M), m * sizeof *res->v);
    res->theta0 = malloc(P * sizeof *res->theta0);
    if (!res->v || !res->theta0)
        return ll_err(eb, LL_ERR_NOMEM, "study: out of memory (P = %zu)", P);
    ll_status st = ll_model_linear_start(M, res->theta0, eb);
    if (st != LL_OK)
        return st;
    ll_model_problem(M, &pb);
    return ll_study_polish(&pb, res->theta0, 0.0, o->polish_tol,
                           o->polish_maxit, &res->polish_iters,
                           &res->grad_norm0, eb);
}

/* Above this many speeds ((m-1) d) the full closed-form list (a dense
 * (m-1)d x (m-1)d eigenproblem) is not formed: only the TRACE_SOFT_K
 * smallest, by ll_model_softening_smallest. */
#define TRACE_CF_FULL_MAX 1000
#define TRACE_SOFT_K 10

/* How many of len speeds the large-size route computes. */
static size_t soft_k(size_t len)
{
    return len < TRACE_SOFT_K ? len : TRACE_SOFT_K;
}

/* The closed form of MATH.md section 1, default model only: every speed
 * when (m-1)d <= TRACE_CF_FULL_MAX, else the k smallest (copied from `small`
 * when the softening already computed them). */
static void trace_closed_form(ll_model *M, const ll_trace_opts *o,
                              ll_trace_result *res, const double *small,
                              size_t nsmall)
{
    ll_errbuf eb2 = {{0}};
    size_t len = (res->width - 1) * res->dim;
    res->closed_form_rate = NAN;
    res->paper_eq22 = NAN;
    res->has_closed_form = !o->model.train_v && !o->model.bias && len > 0;
    if (!res->has_closed_form)
        return;
    int full = len <= TRACE_CF_FULL_MAX;
    size_t k = full ? len : soft_k(len);
    res->closed_form_speeds = malloc(k * sizeof(double));
    if (!res->closed_form_speeds) {
        res->closed_form_status = LL_ERR_NOMEM;
        return;
    }
    res->closed_form_len = k;
    if (full)
        res->closed_form_status = ll_model_softening_closed_form(
            M, res->closed_form_speeds, &res->paper_eq22, &eb2);
    else if (small && nsmall == k) {
        memcpy(res->closed_form_speeds, small, k * sizeof(double));
        res->closed_form_status = LL_OK;
    } else
        res->closed_form_status = ll_model_softening_smallest(
            M, k, res->closed_form_speeds, NULL, &eb2);
    if (res->closed_form_status == LL_OK)
        res->closed_form_rate = res->closed_form_speeds[0];
}

/* Softening when the continuation will not run dense (no dense Hessian and
 * no dense eigendecomposition): for the default model the degenerate
 * eigenvalue is alpha with multiplicity (m-1)d and its speeds are the closed
 * form's, of which the k smallest are computed (soft.speeds holds those k,
 * ascending; soft.multiplicity stays (m-1)d). Rate, noise and prediction
 * follow ll_bif_softening's convention (bif.h). *vec (caller frees; NULL
 * if not computed): the speeds' directions, P x k, the continuation's
 * eigenvalue start (ll_cont_opts.eig_start). */
static void trace_soft_large(ll_model *M, const ll_trace_opts *o,
                             ll_trace_result *res, double **vec)
{
    ll_errbuf eb2 = {{0}};
    size_t len = (res->width - 1) * res->dim;
    const char *why =
        len == 0 ? "width 1 has no degenerate cluster ((m-1)d = 0 speeds)"
        : o->model.train_v || o->model.bias
            ? "without the dense Hessian path it needs the default model "
              "(fixed v, no biases); the general route (ll_bif_softening) "
              "needs the dense Hessian"
            : NULL;
    if (why) {
        res->soft_status = ll_err(&eb2, LL_ERR_ARG, "study: softening: %s",
                                  why);
        snprintf(res->soft_reason, sizeof res->soft_reason, "%s", eb2.msg);
        return;
    }
    size_t k = soft_k(len);
    double noise = NAN;
    res->soft.speeds = malloc(k * sizeof(double));
    /* the directions only help the eigensolver: without memory for them
     * the run goes on without */
    *vec = malloc(ll_model_nparams(M) * k * sizeof **vec);
    if (!res->soft.speeds)
        res->soft_status = ll_err(&eb2, LL_ERR_NOMEM, "study: out of memory");
    else
        res->soft_status = ll_model_softening_vectors(
            M, k, res->soft.speeds, &noise, *vec, &eb2);
    snprintf(res->soft_reason, sizeof res->soft_reason, "%s",
             res->soft_status != LL_OK ? eb2.msg : "");
    if (res->soft_status != LL_OK) {
        free(res->soft.speeds), free(*vec);
        res->soft.speeds = NULL, *vec = NULL;
        return;
    }
    double s0 = res->soft.speeds[0];
    res->soft.mu0 = o->model.alpha;
    res->soft.multiplicity = len;
    res->soft.n_speeds = k;
    res->soft.rate_noise = noise;
    res->soft.rate = fabs(s0) <= noise ? 0.0 : s0;
    res->soft.p_star_predicted = res->soft.rate < 0
                                     ? o->model.alpha / fabs(res->soft.rate)
                                     : INFINITY;
}

/* Softening at lambda = 0 and the prediction lambda* = alpha/|rate|. The
 * general route (ll_bif_softening: dense Hessian and eigendecomposition)
 * runs only when the continuation itself runs dense. */
static void trace_softening(ll_model *M, const ll_trace_opts *o,
                            ll_trace_result *res, double **vec)
{
    ll_problem pb;
    ll_errbuf eb2 = {{0}};
    ll_model_problem(M, &pb);
    res->soft.rate = NAN;
    res->soft.mu0 = NAN;
    res->soft.p_star_predicted = NAN;
    /* a dense path too large for the machine is refused by the
     * continuation; its softening (a dense eigendecomposition) is not
     * tried either, the closed form is reported instead */
    int dense = ll_hessian_path_resolve(o->cont.hessian, &pb) ==
                    LL_HESSIAN_DENSE &&
                ll_cont_dense_fits(pb.n, NULL) == LL_OK;
    if (dense) {
        res->soft_status = ll_bif_softening(&pb, res->theta0, 0.0,
                                            o->cluster_tol, &res->soft, &eb2);
        snprintf(res->soft_reason, sizeof res->soft_reason, "%s",
                 res->soft_status != LL_OK ? eb2.msg : "");
        trace_closed_form(M, o, res, NULL, 0);
    } else {
        size_t len = (res->width - 1) * res->dim;
        trace_soft_large(M, o, res, vec);
        int ok = res->soft_status == LL_OK;
        trace_closed_form(M, o, res, ok ? res->soft.speeds : NULL,
                          ok ? soft_k(len) : 0);
    }
    res->lambda1_prime0 = NAN;
    res->lambda_star_predicted = NAN;
    if (res->soft_status == LL_OK) {
        res->lambda1_prime0 = res->soft.rate;
        res->lambda_star_predicted = res->soft.p_star_predicted;
    } else if (res->has_closed_form && res->closed_form_status == LL_OK) {
        /* mu0 = alpha at lambda = 0 for the default model. */
        double r = res->closed_form_rate;
        res->lambda1_prime0 = r;
        res->lambda_star_predicted = r < 0 ? o->model.alpha / fabs(r) : INFINITY;
    }
}

ll_status ll_trace_run(const ll_data *D, const ll_trace_opts *o,
                       ll_trace_result *res, ll_errbuf *eb)
{
    ll_errbuf local = {{0}};
    ll_model *M = NULL;
    ll_problem pb;
    ll_status st;
    if (!res)
        return ll_err(eb, LL_ERR_ARG, "study: NULL result");
    trace_result_init(res);
    if (!eb)
        eb = &local;
    eb->msg[0] = '\0';
    if (!D || !o)
        return trace_fail(res, ll_err(eb, LL_ERR_ARG, "study: NULL argument"), eb);
    double t0 = now_s();
    res->samples = D->n;
    st = ll_model_create(&M, D, &o->model, eb);
    if (st == LL_OK)
        st = trace_check_start(&o->model, eb);
    if (st == LL_OK)
        st = trace_setup(M, o, res, eb);
    double t1 = now_s();
    res->time_setup = t1 - t0;
    if (st != LL_OK) {
        ll_model_destroy(M);
        res->time_total = res->time_setup;
        return trace_fail(res, st, eb);
    }
    double *vec = NULL;
    trace_softening(M, o, res, &vec);
    double t2 = now_s();
    res->time_softening = t2 - t1;
    ll_model_problem(M, &pb);
    ll_cont_opts co = o->cont;
    if (vec && !co.eig_start)
        co.eig_start = vec, co.eig_start_k = res->soft.n_speeds;
    st = ll_cont_run(&pb, res->theta0, 0.0, &co, &res->cont, eb);
    free(vec);
    double t3 = now_s();
    res->time_cont = t3 - t2;
    res->time_total = t3 - t0;
    ll_model_destroy(M);
    res->status = st;
    if (st < 0)
        return trace_fail(res, st, eb);
    snprintf(res->reason, sizeof res->reason, "%s", res->cont.reason);
    return st;
}
