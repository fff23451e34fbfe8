/* The softening rate lambda_1'(0) on the two-layer model (MATH.md section 1,
 * seed 000 Thm 7.6(iii)): the generic degenerate-perturbation computation
 * (ll_bif_softening on the model's ops table) against the model's closed
 * form, and both against a finite-difference derivative of the smallest
 * Hessian eigenvalue along the exact critical branch. */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/losslab.h"

typedef struct fixture {
    ll_data D;
    ll_model *M;
    ll_problem pb;
    size_t P;
    double *theta0;
} fixture;

static void fixture_make(fixture *f, size_t m, double alpha, const char *act)
{
    memset(f, 0, sizeof *f);
    ll_errbuf eb = {{0}};
    ll_gen_opts g = ll_gen_opts_default(); /* MATH.md sec. 4: d = 5, N = 500 */
    assert_int_equal(ll_data_generate(&f->D, &g, &eb), LL_OK);
    ll_model_opts o = ll_model_opts_default();
    o.width = m;
    o.alpha = alpha;
    o.act = ll_act_find(act);
    assert_non_null(o.act);
    assert_int_equal(ll_model_create(&f->M, &f->D, &o, &eb), LL_OK);
    ll_model_problem(f->M, &f->pb);
    f->P = ll_model_nparams(f->M);
    f->theta0 = malloc(f->P * sizeof *f->theta0);
    assert_int_equal(ll_model_linear_start(f->M, f->theta0, &eb), LL_OK);
}

static void fixture_free(fixture *f)
{
    free(f->theta0);
    ll_model_destroy(f->M);
    ll_data_free(&f->D);
}

/* Newton at fixed lambda from x (overwritten): the test's own oracle for a
 * point on the exact branch. */
static void newton_at(fixture *f, double lambda, double *x)
{
    size_t P = f->P;
    double *g = malloc(P * sizeof *g), *H = malloc(P * P * sizeof *H);
    for (int it = 0; it < 20; it++) {
        assert_int_equal(ll_model_grad(f->M, x, lambda, g), LL_OK);
        if (ll_nrm2(P, g) < 1e-14)
            break;
        assert_int_equal(ll_model_hess(f->M, x, lambda, H), LL_OK);
        assert_int_equal(ll_sym_solve(P, H, 1, g), LL_OK);
        for (size_t i = 0; i < P; i++)
            x[i] -= g[i];
    }
    assert_int_equal(ll_model_grad(f->M, x, lambda, g), LL_OK);
    assert_true(ll_nrm2(P, g) < 1e-13);
    free(g), free(H);
}

static double smallest_eig_at(fixture *f, double lambda)
{
    double *x = malloc(f->P * sizeof *x), *H = malloc(f->P * f->P * sizeof *H);
    memcpy(x, f->theta0, f->P * sizeof *x);
    newton_at(f, lambda, x);
    assert_int_equal(ll_model_hess(f->M, x, lambda, H), LL_OK);
    double mu;
    assert_int_equal(ll_sym_eig_smallest(f->P, H, 1, &mu, NULL), LL_OK);
    free(x), free(H);
    return mu;
}

static void generic_softening_should_equal_closed_form(void **state)
{
    (void)state;
    const size_t widths[] = {3, 10};
    for (size_t w = 0; w < 2; w++) {
        fixture f;
        fixture_make(&f, widths[w], 4e-3, "tanh");
        size_t mult = (widths[w] - 1) * 5;
        double *speeds = malloc(mult * sizeof *speeds), eq22;
        ll_errbuf eb = {{0}};
        assert_int_equal(ll_model_softening_closed_form(f.M, speeds, &eq22, &eb), LL_OK);
        ll_softening s;
        assert_int_equal(ll_bif_softening(&f.pb, f.theta0, 0.0, 1e-8, &s, &eb), LL_OK);
        /* The cluster is exactly alpha with multiplicity (m-1)d. */
        assert_int_equal(s.multiplicity, mult);
        assert_true(fabs(s.mu0 - 4e-3) < 1e-13);
        /* Both are eigenvalues of the same (m-1)d x (m-1)d matrix computed
         * two ways (closed form vs Q^T dH/dlambda Q through D^3L); they agree
         * to rounding of O(1) quantities: 1e-10 absolute leaves margin. */
        for (size_t k = 0; k < mult; k++)
            assert_true(fabs(s.speeds[k] - speeds[k]) < 1e-10);
        assert_true(s.rate < 0); /* tanh softens the floor (paper Thm 7.6) */
        assert_true(fabs(s.p_star_predicted - 4e-3 / fabs(s.rate)) < 1e-12);
        /* eq. (22) is a different quantity: it must not be what we report. */
        assert_true(fabs(eq22 - s.rate) > 1e-6);
        ll_softening_free(&s);
        free(speeds);
        fixture_free(&f);
    }
}

/* For h > 0 the smallest eigenvalue of the cluster moves at the smallest
 * speed: mu1(h) = alpha + rate h + O(h^2). The one-sided difference has an
 * O(h) error; Richardson 2 D(h) - D(2h) removes it to O(h^2). With
 * h = 1e-3 and second derivatives of mu1 of order |rate| / (lambda scale
 * ~ 0.1), the error is ~ 1e-4 |rate|; we require 1e-3 relative. */
static void rate_should_match_fd_derivative_along_exact_branch(void **state)
{
    (void)state;
    fixture f;
    fixture_make(&f, 10, 4e-3, "tanh");
    ll_errbuf eb = {{0}};
    ll_softening s;
    assert_int_equal(ll_bif_softening(&f.pb, f.theta0, 0.0, 1e-8, &s, &eb), LL_OK);
    const double h = 1e-3;
    double mu0 = smallest_eig_at(&f, 0.0);
    double d1 = (smallest_eig_at(&f, h) - mu0) / h;
    double d2 = (smallest_eig_at(&f, 2 * h) - mu0) / (2 * h);
    double rich = 2 * d1 - d2;
    assert_true(ll_test_reldiff(rich, s.rate, 1e-300) < 1e-3);
    ll_softening_free(&s);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(generic_softening_should_equal_closed_form),
        cmocka_unit_test(rate_should_match_fd_derivative_along_exact_branch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
