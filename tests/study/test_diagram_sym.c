/* The symmetry subspaces of equal output weights and the alpha problem of
 * the diagram study (diagram_study.h), on small two-layer models.
 *
 * Tolerances: S^T S = I is exact up to the rounding of 1/sqrt(k) (1e-15);
 * a fixed-point subspace is invariant under the gradient, so at x = S z the
 * part of grad L outside span(S) is rounding only (1e-12 relative to
 * ||grad||, allowing for the O(N) sums); the alpha derivatives are checked
 * by central differences in alpha, exact for a loss affine in alpha up to
 * rounding (1e-7 relative with h = 1e-3). */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/diagram_study.h"
#include "losslab/linalg.h"
#include "losslab/model.h"

static ll_model *make_model(ll_data *D, const double *v, size_t m, int train_v,
                            int bias)
{
    ll_gen_opts g = ll_gen_opts_default();
    g.n = 60, g.d = 2;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_data_generate(D, &g, &eb), LL_OK);
    ll_model_opts mo = ll_model_opts_default();
    mo.width = m, mo.v = v, mo.train_v = train_v, mo.bias = bias;
    ll_model *M = NULL;
    assert_int_equal(ll_model_create(&M, D, &mo, &eb), LL_OK);
    return M;
}

static double orth_error(size_t P, const double *S, size_t k)
{
    double e = 0.0;
    for (size_t a = 0; a < k; a++)
        for (size_t b = 0; b < k; b++)
            e = fmax(e, fabs(ll_dot(P, S + a * P, S + b * P) - (a == b)));
    return e;
}

/* ||(I - S S^T) grad L(S z)|| / ||grad L(S z)|| at a random z. */
static double invariance_error(ll_model *M, const ll_diagram_subspace *D)
{
    size_t P = ll_model_nparams(M);
    double *z = malloc(D->k * sizeof *z), *x = calloc(P, sizeof *x);
    double *g = malloc(P * sizeof *g), *c = malloc(D->k * sizeof *c);
    uint64_t seed = 3;
    ll_test_fill(&seed, D->k, z, 0.7);
    ll_gemv(0, P, D->k, 1.0, D->S, P, z, 0.0, x);
    assert_int_equal(ll_model_grad(M, x, 0.6, g), LL_OK);
    double gn = ll_nrm2(P, g);
    ll_gemv(1, P, D->k, 1.0, D->S, P, g, 0.0, c);
    ll_gemv(0, P, D->k, -1.0, D->S, P, c, 1.0, g);
    double e = ll_nrm2(P, g) / gn;
    free(z), free(x), free(g), free(c);
    return e;
}

static void three_equal_units_should_give_one_split_with_three_copies(
    void **state)
{
    (void)state;
    double v[4] = {1.0, 1.0, 0.5, 1.0};
    ll_data D;
    ll_model *M = make_model(&D, v, 4, 0, 0);
    ll_diagram_symmetry s;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_diagram_symmetry_of_model(M, 1e-12, &s, &eb), LL_OK);
    size_t P = ll_model_nparams(M); /* 8 */
    assert_int_equal(s.n_classes, 1);
    assert_int_equal(s.n, 1); /* class {0,1,3}: the split 1 | 2 */
    assert_int_equal(s.subs[0].k, P - 2); /* two blocks of d = 2 + unit 2 */
    assert_int_equal(s.subs[0].copies, 3);
    assert_non_null(strstr(s.subs[0].name, "{0}|{1,3}"));
    assert_true(s.has_start);
    assert_int_equal(s.start.k, P - 4); /* one block for three units */
    assert_true(orth_error(P, s.subs[0].S, s.subs[0].k) < 1e-15);
    assert_true(orth_error(P, s.start.S, s.start.k) < 1e-15);
    assert_true(invariance_error(M, &s.subs[0]) < 1e-12);
    assert_true(invariance_error(M, &s.start) < 1e-12);
    ll_diagram_symmetry_free(&s);
    ll_model_destroy(M);
    ll_data_free(&D);
}

static void four_equal_units_with_trained_v_and_biases_should_tie_whole_units(
    void **state)
{
    (void)state;
    double v[4] = {1.0, 1.0, 1.0, 1.0};
    ll_data D;
    ll_model *M = make_model(&D, v, 4, 1, 1);
    ll_diagram_symmetry s;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_diagram_symmetry_of_model(M, 1e-12, &s, &eb), LL_OK);
    size_t P = ll_model_nparams(M), q = 2 + 2; /* w (2), b, v */
    assert_int_equal(P, 4 * q);
    assert_int_equal(s.n, 2); /* 1 | 3 and 2 | 2 */
    assert_int_equal(s.subs[0].copies, 4);
    assert_int_equal(s.subs[1].copies, 3); /* C(4,2)/2 */
    for (size_t i = 0; i < s.n; i++) {
        assert_int_equal(s.subs[i].k, 2 * q);
        assert_true(orth_error(P, s.subs[i].S, s.subs[i].k) < 1e-15);
        assert_true(invariance_error(M, &s.subs[i]) < 1e-12);
    }
    assert_int_equal(s.start.k, q);
    ll_diagram_symmetry_free(&s);
    ll_model_destroy(M);
    ll_data_free(&D);
}

static void distinct_output_weights_should_give_no_subspace(void **state)
{
    (void)state;
    ll_data D;
    ll_model *M = make_model(&D, NULL, 3, 0, 0); /* linspace: all distinct */
    ll_diagram_symmetry s;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_diagram_symmetry_of_model(M, 1e-12, &s, &eb), LL_OK);
    assert_int_equal(s.n, 0);
    assert_false(s.has_start);
    ll_diagram_symmetry_free(&s);
    ll_model_destroy(M);
    ll_data_free(&D);
}

static void alpha_problem_derivatives_should_match_central_differences(
    void **state)
{
    (void)state;
    double v[3] = {1.0, 1.0, 1.0};
    ll_data D;
    ll_model *M = make_model(&D, v, 3, 0, 0);
    size_t P = ll_model_nparams(M);
    ll_problem base, pb;
    ll_model_problem(M, &base);
    ll_alpha_problem ap;
    ll_alpha_problem_init(&ap, &base, 0.7, ll_model_opts_default().alpha,
                          ll_model_width(M) * ll_model_dim(M), &pb);
    double x[6], Fp[6], Fa[6], Fb[6], Hp[36], Ha[36], Hb[36];
    double a = 0.02, h = 1e-3, La, Lb, L0;
    uint64_t seed = 9;
    ll_test_fill(&seed, P, x, 0.8);
    assert_int_equal(pb.grad_p(pb.ctx, x, a, Fp), LL_OK);
    assert_int_equal(pb.hess_p(pb.ctx, x, a, Hp), LL_OK);
    pb.grad(pb.ctx, x, a + h, Fa), pb.grad(pb.ctx, x, a - h, Fb);
    pb.hess(pb.ctx, x, a + h, Ha), pb.hess(pb.ctx, x, a - h, Hb);
    pb.loss(pb.ctx, x, a + h, &La), pb.loss(pb.ctx, x, a - h, &Lb);
    for (size_t i = 0; i < P; i++)
        assert_true(fabs((Fa[i] - Fb[i]) / (2 * h) - Fp[i]) < 1e-7);
    for (size_t i = 0; i < P * P; i++)
        assert_true(fabs((Ha[i] - Hb[i]) / (2 * h) - Hp[i]) < 1e-7);
    /* dL/dalpha = ||W||^2 / 2 and, at the model's own alpha, the model */
    assert_true(fabs((La - Lb) / (2 * h) - 0.5 * ll_dot(P, x, x)) < 1e-7);
    pb.loss(pb.ctx, x, ap.alpha0, &L0);
    assert_int_equal(ll_model_loss(M, x, 0.7, &La), LL_OK);
    assert_true(fabs(L0 - La) <= 1e-14 * fabs(La));
    ll_model_destroy(M);
    ll_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            three_equal_units_should_give_one_split_with_three_copies),
        cmocka_unit_test(
            four_equal_units_with_trained_v_and_biases_should_tie_whole_units),
        cmocka_unit_test(distinct_output_weights_should_give_no_subspace),
        cmocka_unit_test(
            alpha_problem_derivatives_should_match_central_differences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
