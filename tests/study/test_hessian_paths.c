/* The three Hessian paths of the continuation (cont.h, ll_hessian_path:
 * dense LDL^T, structured Woodbury + Haynsworth, matrix-free MINRES +
 * Krylov) must describe the same branch of the built-in problem (MATH.md
 * section 4, Exp. 2-3: d = 5, N = 500, m = 10): the same events (type,
 * index change), located to 1e-8 in lambda, the same Lyapunov-Schmidt
 * coefficients to 1e-6 relative, the same Morse index and smallest
 * eigenvalues at the start and the same end point at lambda = 1 (issue 5,
 * item 6).
 *
 * Tolerances. Every path converges Newton to ||F|| <= 1e-12 gscale and
 * locates events to |dp| <= 1e-10 (locate_tol), the dense one then refines
 * a fold on the Moore-Spence system; the event lambda of two correct paths
 * thus differ by ~1e-10, and 1e-8 (the bar) leaves two orders for
 * the conditioning of the located point. The coefficients are evaluated
 * at points 1e-10 apart in lambda (x moves by ~1e-10 / |t_p|... at a fold
 * the kernel direction by ~sqrt(1e-10) along phi, ~1e-5 relative in x);
 * they are smooth functions of the point, so they agree to about that
 * size: 1e-6 relative is the bar, checked for g_p, g_aa, g_ap and
 * g_aaa. Eigenvalues at the start: the Krylov paths converge residuals
 * to 1e-10 ||H||, and the Ritz value error is at most the residual. The
 * Morse index along the branch (the matrix-free one counts the negative
 * computed eigenvalues) must be the dense one's at every point, compared
 * at the dense point nearest in arclength unless an event lies between.
 * The matrix-free run covers the whole branch from lambda = 0 (~1 s: the
 * problem's prepared Hessian, hlin, makes a product ~10x cheaper than
 * hvp). The structured runs take the chord corrector (newton.c), so these
 * comparisons are also its test: it must converge to the points Newton
 * converges to on the dense path. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/losslab.h"

typedef struct run {
    ll_cont_result r;
    double mu[6];
    int index0;
} run;

/* The built-in problem at a width: data, model, its linear start x0 and
 * its ll_problem. */
typedef struct fixture {
    ll_data D;
    ll_model *M;
    double *x0;
    ll_problem pb;
} fixture;

static void fixture_init(fixture *f, size_t width)
{
    memset(f, 0, sizeof *f);
    ll_gen_opts g = ll_gen_opts_default();
    assert_int_equal(ll_data_generate(&f->D, &g, NULL), LL_OK);
    ll_model_opts mo = ll_model_opts_default();
    mo.width = width;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_model_create(&f->M, &f->D, &mo, &eb), LL_OK);
    f->x0 = malloc(ll_model_nparams(f->M) * sizeof *f->x0);
    assert_non_null(f->x0);
    assert_int_equal(ll_model_linear_start(f->M, f->x0, &eb), LL_OK);
    ll_model_problem(f->M, &f->pb);
}

static void fixture_free(fixture *f)
{
    free(f->x0);
    ll_model_destroy(f->M);
    ll_data_free(&f->D);
}

static void trace_with(ll_hessian_path path, size_t width, run *out)
{
    fixture f;
    fixture_init(&f, width);
    ll_errbuf eb = {{0}};
    ll_cont_opts o = ll_cont_opts_default();
    o.hessian = path;
    ll_status st = ll_cont_run(&f.pb, f.x0, 0.0, &o, &out->r, &eb);
    if (st < 0)
        fail_msg("%s path: %s", ll_hessian_path_str(path), eb.msg);
    assert_int_equal(st, LL_STOP_PARAM);
    const ll_branch *b = &out->r.branch;
    assert_true(b->len > 2 && b->n_eigs == 6);
    memcpy(out->mu, b->mu, 6 * sizeof *out->mu);
    out->index0 = b->index[0];
    fixture_free(&f);
}

static void expect_same_events(const run *a, const run *b, const char *what)
{
    if (a->r.n_events != b->r.n_events)
        fail_msg("%s: %zu events, dense %zu", what, b->r.n_events,
                 a->r.n_events);
    for (size_t i = 0; i < a->r.n_events; i++) {
        const ll_event *e = &a->r.events[i], *f = &b->r.events[i];
        assert_int_equal(f->type, e->type);
        assert_int_equal(f->located, 1);
        assert_int_equal(f->index_before, e->index_before);
        assert_int_equal(f->index_after, e->index_after);
        if (!(fabs(f->p - e->p) <= 1e-8))
            fail_msg("%s: event %zu at %.12g, dense %.12g", what, i, f->p,
                     e->p);
        const double ca[4] = {e->coef.g_p, e->coef.g_aa, e->coef.g_ap,
                              e->coef.g_aaa};
        const double cb[4] = {f->coef.g_p, f->coef.g_aa, f->coef.g_ap,
                              f->coef.g_aaa};
        for (int k = 0; k < 4; k++)
            if (!(ll_test_reldiff(cb[k], ca[k], 1e-300) <= 1e-6))
                fail_msg("%s: event %zu coefficient %d: %.10g, dense %.10g",
                         what, i, k, cb[k], ca[k]);
    }
}

static void expect_same_start_and_end(const run *a, const run *b,
                                      const char *what)
{
    assert_int_equal(b->index0, a->index0);
    for (int k = 0; k < 6; k++)
        if (!(fabs(b->mu[k] - a->mu[k]) <= 1e-9 * (1.0 + fabs(a->mu[k]))))
            fail_msg("%s: start eigenvalue %d: %.15g, dense %.15g", what, k,
                     b->mu[k], a->mu[k]);
    const ll_branch *x = &a->r.branch, *y = &b->r.branch;
    assert_true(x->p[x->len - 1] == y->p[y->len - 1]);
    assert_int_equal(y->index[y->len - 1], x->index[x->len - 1]);
    assert_true(ll_test_reldiff(y->loss[y->len - 1], x->loss[x->len - 1],
                                1e-300) < 1e-10);
}

/* Index of b at every point = index of a at the point nearest in
 * arclength, when no event of a lies between the two. */
static void expect_same_index_along(const run *a, const run *b,
                                    const char *what)
{
    const ll_branch *x = &a->r.branch, *y = &b->r.branch;
    for (size_t i = 0; i < y->len; i++) {
        size_t j = 0;
        for (size_t k = 1; k < x->len; k++)
            if (fabs(x->s[k] - y->s[i]) < fabs(x->s[j] - y->s[i]))
                j = k;
        double lo = fmin(x->s[j], y->s[i]), hi = fmax(x->s[j], y->s[i]);
        int between = 0;
        for (size_t e = 0; e < a->r.n_events; e++)
            between |= a->r.events[e].s >= lo && a->r.events[e].s <= hi;
        if (!between && y->index[i] != x->index[j])
            fail_msg("%s: index %d at s = %.6g (lambda %.6g), dense %d", what,
                     y->index[i], y->s[i], y->p[i], x->index[j]);
    }
}

static void paths_should_agree_on_the_m10_branch_and_its_folds(void **state)
{
    (void)state;
    run d, s, f;
    trace_with(LL_HESSIAN_DENSE, 10, &d);
    trace_with(LL_HESSIAN_STRUCTURED, 10, &s);
    trace_with(LL_HESSIAN_MATFREE, 10, &f);
    /* the built-in m = 10 branch has its two folds (README) */
    assert_true(d.r.n_events == 2);
    assert_int_equal(d.r.events[0].type, LL_EVENT_FOLD);
    expect_same_events(&d, &s, "structured");
    expect_same_events(&d, &f, "matfree");
    expect_same_start_and_end(&d, &s, "structured");
    expect_same_start_and_end(&d, &f, "matfree");
    expect_same_index_along(&d, &s, "structured");
    expect_same_index_along(&d, &f, "matfree");
    ll_cont_result_free(&d.r);
    ll_cont_result_free(&s.r);
    ll_cont_result_free(&f.r);
}

static void structured_should_agree_where_k_is_below_n(void **state)
{
    (void)state;
    /* m = 120: P = 600 > N = 500, the regime the structured path is for;
     * no event on [0, 1] (README), so the branch itself is compared */
    run d, s;
    trace_with(LL_HESSIAN_DENSE, 120, &d);
    trace_with(LL_HESSIAN_STRUCTURED, 120, &s);
    expect_same_events(&d, &s, "structured");
    expect_same_start_and_end(&d, &s, "structured");
    ll_cont_result_free(&d.r);
    ll_cont_result_free(&s.r);
}

/* Counts the structured Hessian's assemblies: one per Woodbury factor
 * (the callback keeps the model's ctx; the original is kept here). */
static ll_problem counted_inner;
static size_t counted_calls;

static ll_status count_struct(void *c, const double *x, double p, double *B,
                              double *U, double *G)
{
    counted_calls++;
    return counted_inner.hess_struct(c, x, p, B, U, G);
}

/* A step of the structured path factors H once, at its end point (for the
 * tangent, the Morse index and the shift of the eigensolver); the chord
 * corrector starts from the last point's factor (newton.c) and refreshes
 * only when that is slow. Before, the corrector factored at the predictor
 * too: about two factors a step. (Agreement of the points themselves with
 * the dense path: the tests above.) */
static void structured_steps_should_factor_about_once(void **state)
{
    (void)state;
    fixture f;
    fixture_init(&f, 120);
    ll_problem pb = f.pb;
    counted_inner = pb;
    counted_calls = 0;
    pb.hess_struct = count_struct;
    ll_errbuf eb = {{0}};
    ll_cont_opts o = ll_cont_opts_default();
    o.hessian = LL_HESSIAN_STRUCTURED;
    ll_cont_result r;
    assert_int_equal(ll_cont_run(&pb, f.x0, 0.0, &o, &r, &eb), LL_STOP_PARAM);
    size_t steps = r.branch.len - 1;
    print_message("structured m = 120: %zu factors for %zu steps (%zu "
                  "refused), %zu corrector iterations\n", counted_calls, steps,
                  r.steps_rejected, r.newton_iters);
    /* one factor a step and three at the start (the polish's, the start
     * tangent's, the first step's retry room); a quarter more for
     * refreshes of a slow chord. Measured: 16 for 13 steps (29 before) */
    if ((double)counted_calls > 1.25 * (double)(steps + r.steps_rejected) + 3)
        fail_msg("%zu factors for %zu steps", counted_calls, steps);
    ll_cont_result_free(&r);
    fixture_free(&f);
}

/* Stand-ins: the resolution only looks at which ops are present. */
static ll_status no_hess(void *c, const double *x, double p, double *H)
{
    (void)c, (void)x, (void)p, (void)H;
    return LL_ERR_INTERNAL;
}

static ll_status no_hvp(void *c, const double *x, double p, const double *u,
                        double *y)
{
    (void)c, (void)x, (void)p, (void)u, (void)y;
    return LL_ERR_INTERNAL;
}

static ll_status no_struct(void *c, const double *x, double p, double *B,
                           double *U, double *G)
{
    (void)c, (void)x, (void)p, (void)B, (void)U, (void)G;
    return LL_ERR_INTERNAL;
}

static void auto_should_resolve_by_size_and_structure(void **state)
{
    (void)state;
    ll_problem pb = {0};
    pb.n = 100;
    pb.hess = no_hess;
    assert_int_equal(ll_hessian_path_resolve(LL_HESSIAN_AUTO, &pb),
                     LL_HESSIAN_DENSE);
    pb.n = LL_CONT_DENSE_MAX + 1;
    pb.hvp = no_hvp;
    assert_int_equal(ll_hessian_path_resolve(LL_HESSIAN_AUTO, &pb),
                     LL_HESSIAN_MATFREE);
    pb.hess_struct = no_struct;
    pb.struct_k = 10;
    assert_int_equal(ll_hessian_path_resolve(LL_HESSIAN_AUTO, &pb),
                     LL_HESSIAN_STRUCTURED);
    assert_int_equal(ll_hessian_path_resolve(LL_HESSIAN_MATFREE, &pb),
                     LL_HESSIAN_MATFREE);
    ll_hessian_path h;
    assert_int_equal(ll_hessian_path_parse("structured", &h), LL_OK);
    assert_int_equal(h, LL_HESSIAN_STRUCTURED);
    assert_int_equal(ll_hessian_path_parse("sparse", &h), LL_ERR_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(paths_should_agree_on_the_m10_branch_and_its_folds),
        cmocka_unit_test(structured_should_agree_where_k_is_below_n),
        cmocka_unit_test(auto_should_resolve_by_size_and_structure),
        cmocka_unit_test(structured_steps_should_factor_about_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
