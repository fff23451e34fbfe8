/* The diagram study of a two-layer network (diagram_study.h; issue 4):
 * model on the data, the closed-form minimiser at lambda = 0 polished by
 * Newton, for --param alpha the continuation in lambda up to lambda_fixed
 * (its end is the start), the symmetry subspaces of equal output weights,
 * ll_diagram_run, then the scalars of the figure along every branch. */
#include "losslab/diagram_study.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "losslab/linalg.h"
#include "study/polish.h"

const char *ll_diagram_param_str(ll_diagram_param p)
{
    return p == LL_DIAGRAM_PARAM_ALPHA ? "alpha" : "lambda";
}

const char *ll_diagram_y_str(ll_diagram_y y)
{
    return y == LL_DIAGRAM_Y_LOSS ? "loss"
           : y == LL_DIAGRAM_Y_NORM ? "norm" : "amplitude";
}

ll_diagram_study_opts ll_diagram_study_opts_default(void)
{
    ll_diagram_study_opts o;
    memset(&o, 0, sizeof o);
    o.model = ll_model_opts_default();
    o.diagram = ll_diagram_opts_default();
    o.diagram.cont.p_min = 0.0;
    o.diagram.cont.p_max = 1.0;
    o.param = LL_DIAGRAM_PARAM_LAMBDA;
    o.lambda_fixed = 1.0;
    o.auto_symmetry = 1;
    o.v_equal_tol = 1e-12;
    o.polish_tol = 1e-12;
    o.polish_maxit = 30;
    return o;
}

void ll_diagram_study_result_free(ll_diagram_study_result *r)
{
    if (!r)
        return;
    for (size_t b = 0; b < r->diagram.n_branches; b++) {
        if (r->amplitude)
            free(r->amplitude[b]);
        if (r->norm)
            free(r->norm[b]);
    }
    free(r->amplitude);
    free(r->norm);
    ll_diagram_result_free(&r->diagram);
    ll_diagram_symmetry_free(&r->sym);
    free(r->v);
    free(r->theta0);
    memset(r, 0, sizeof *r);
}

/* Model, resolved sizes, v and the polished lambda = 0 start. */
static ll_status setup(const ll_data *D, const ll_diagram_study_opts *o,
                       ll_diagram_study_result *res, ll_model **M,
                       ll_errbuf *eb)
{
    ll_status st = ll_model_create(M, D, &o->model, eb);
    if (st != LL_OK)
        return st;
    size_t m = ll_model_width(*M), P = ll_model_nparams(*M);
    res->width = m, res->dim = ll_model_dim(*M), res->nparams = P;
    res->samples = D->n;
    res->v = malloc(m * sizeof *res->v);
    res->theta0 = malloc(P * sizeof *res->theta0);
    if (!res->v || !res->theta0)
        return ll_err(eb, LL_ERR_NOMEM, "diagram: out of memory");
    memcpy(res->v, ll_model_v(*M), m * sizeof *res->v);
    if ((st = ll_model_linear_start(*M, res->theta0, eb)) != LL_OK)
        return st;
    ll_problem pb;
    ll_model_problem(*M, &pb);
    double *g = malloc(P * sizeof *g), *z = calloc(P, sizeof *z), g0 = 1.0;
    if (!g || !z)
        st = ll_err(eb, LL_ERR_NOMEM, "diagram: out of memory");
    else if ((st = pb.grad(pb.ctx, z, 0.0, g)) != LL_OK)
        st = ll_err(eb, st, "diagram: gradient at theta = 0: %s",
                    ll_status_str(st));
    else
        g0 = fmax(1.0, ll_nrm2(P, g));
    free(g);
    free(z);
    if (st == LL_OK)
        st = ll_study_polish(&pb, res->theta0, 0.0, o->polish_tol * g0,
                             o->polish_maxit, NULL, NULL, eb);
    return st;
}

/* param = alpha: follow lambda from 0 to lambda_fixed at the model's alpha;
 * the end point becomes theta0. */
static ll_status alpha_start(const ll_problem *pb,
                             const ll_diagram_study_opts *o,
                             ll_diagram_study_result *res, ll_errbuf *eb)
{
    if (o->lambda_fixed == 0.0)
        return LL_OK;
    ll_cont_opts co = o->diagram.cont;
    co.p_min = 0.0, co.p_max = o->lambda_fixed;
    co.store_points = 1, co.locate_events = 0, co.compute_coefs = 0;
    co.start_tangent = NULL, co.direction = 1;
    ll_cont_result r;
    ll_status st = ll_cont_run(pb, res->theta0, 0.0, &co, &r, eb);
    if (st == LL_STOP_PARAM && r.branch.len > 0 &&
        r.branch.p[r.branch.len - 1] == o->lambda_fixed) {
        memcpy(res->theta0, r.branch.x + (r.branch.len - 1) * pb->n,
               pb->n * sizeof *res->theta0);
        st = LL_OK;
    } else if (st >= 0) {
        st = ll_err(eb, LL_ERR_NOCONV, "diagram: the branch from lambda = 0 "
                    "did not reach lambda = %g (%s); no start for alpha",
                    o->lambda_fixed, r.reason);
    }
    ll_cont_result_free(&r);
    return st;
}

/* The branch with the diagram's first event: its kernel and point. */
static const ll_event *ref_event(const ll_diagram_study_result *res)
{
    const ll_diagram_result *R = &res->diagram;
    return R->n_events > 0 ? ll_diagram_event_at(R, (size_t)res->ref_event)
                           : NULL;
}

static ll_status scalars(ll_diagram_study_result *res)
{
    const ll_diagram_result *R = &res->diagram;
    size_t n = res->nparams, nb = R->n_branches;
    res->ref_event = R->n_events > 0 ? 0 : -1;
    const ll_event *ev = ref_event(res);
    res->amplitude = calloc(nb ? nb : 1, sizeof *res->amplitude);
    res->norm = calloc(nb ? nb : 1, sizeof *res->norm);
    if (!res->amplitude || !res->norm)
        return LL_ERR_NOMEM;
    for (size_t b = 0; b < nb; b++) {
        const ll_branch *br = &R->branches[b].cont.branch;
        res->amplitude[b] = malloc((br->len ? br->len : 1) * sizeof(double));
        res->norm[b] = malloc((br->len ? br->len : 1) * sizeof(double));
        if (!res->amplitude[b] || !res->norm[b])
            return LL_ERR_NOMEM;
        for (size_t i = 0; i < br->len; i++) {
            const double *x = br->x + i * n;
            double a = 0.0;
            for (size_t q = 0; ev && q < n; q++)
                a += ev->phi[q] * (x[q] - ev->x[q]);
            /* below the rounding of the dot product: exactly on the
             * reference's symmetric branch, drawn as 0, not as noise */
            if (fabs(a) <= 1e-13 * (1.0 + ll_nrm2(n, x)))
                a = 0.0;
            res->amplitude[b][i] = ev ? a : NAN;
            res->norm[b][i] = ll_nrm2(n, x);
        }
    }
    return LL_OK;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Problem (lambda or alpha), symmetry, diagram, scalars. */
static ll_status run_on(ll_model *M, const ll_diagram_study_opts *o,
                        ll_diagram_study_result *res, ll_errbuf *eb)
{
    ll_problem mp, pb;
    ll_alpha_problem ap;
    ll_model_problem(M, &mp);
    pb = mp;
    res->p0 = 0.0;
    ll_status st = LL_OK;
    if (o->param == LL_DIAGRAM_PARAM_ALPHA) {
        if ((st = alpha_start(&mp, o, res, eb)) != LL_OK)
            return st;
        ll_alpha_problem_init(&ap, &mp, o->lambda_fixed, o->model.alpha,
                              res->width * res->dim, &pb);
        res->p0 = o->model.alpha;
    }
    ll_diagram_opts dop = o->diagram;
    if (o->auto_symmetry) {
        st = ll_diagram_symmetry_of_model(M, o->v_equal_tol, &res->sym, eb);
        if (st != LL_OK)
            return st;
        dop.subspaces = res->sym.subs, dop.n_subspaces = res->sym.n;
        dop.start_sub = res->sym.has_start ? &res->sym.start : NULL;
    }
    st = ll_diagram_run(&pb, res->theta0, res->p0, &dop, &res->diagram, eb);
    if (st < 0)
        return st;
    if (scalars(res) != LL_OK)
        return ll_err(eb, LL_ERR_NOMEM, "diagram: out of memory");
    return LL_OK;
}

ll_status ll_diagram_study_run(const ll_data *D,
                               const ll_diagram_study_opts *o,
                               ll_diagram_study_result *res, ll_errbuf *eb)
{
    if (!res)
        return ll_err(eb, LL_ERR_ARG, "diagram: NULL result");
    memset(res, 0, sizeof *res);
    res->ref_event = -1;
    double t0 = now_s();
    ll_errbuf local = {{0}};
    ll_model *M = NULL;
    ll_status st = LL_OK;
    if (!D || !o)
        st = ll_err(&local, LL_ERR_ARG, "diagram: NULL data or options");
    else if (o->param == LL_DIAGRAM_PARAM_ALPHA &&
             !(o->model.alpha >= o->diagram.cont.p_min &&
               o->model.alpha < o->diagram.cont.p_max))
        st = ll_err(&local, LL_ERR_ARG, "diagram: the start alpha = %g must "
                    "lie in [%g, %g)", o->model.alpha, o->diagram.cont.p_min,
                    o->diagram.cont.p_max);
    if (st == LL_OK)
        st = setup(D, o, res, &M, &local);
    if (st == LL_OK)
        st = run_on(M, o, res, &local);
    ll_model_destroy(M);
    res->time_total = now_s() - t0;
    res->status = st;
    snprintf(res->reason, sizeof res->reason, "%s", local.msg);
    if (st < 0 && eb)
        *eb = local;
    return st;
}
