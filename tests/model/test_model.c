/* The model handle: option checking with named errors, the memory guard,
 * parameter layout, predict/loss consistency, the problem ops table and the
 * hidden-unit permutation invariance of the loss. */
#include "model_fixture.h"
#include "losslab/linalg.h"

#define NS 30
#define DIM 3
#define WIDTH 4

static void expect_create_error(const ll_data *D, const ll_model_opts *o,
                                ll_status want, const char *msg_part)
{
    ll_model *M = (ll_model *)1;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_model_create(&M, D, o, &eb), want);
    assert_null(M);
    if (!strstr(eb.msg, msg_part))
        fail_msg("message '%s' does not mention '%s'", eb.msg, msg_part);
}

static void create_should_name_every_bad_option(void **s)
{
    (void)s;
    ll_data D;
    fx_data(&D, NS, DIM, 1);
    ll_model_opts o = ll_model_opts_default();
    o.width = 0;
    expect_create_error(&D, &o, LL_ERR_ARG, "model: width must be >= 1");
    o = ll_model_opts_default();
    o.alpha = -1e-3;
    expect_create_error(&D, &o, LL_ERR_ARG, "model: alpha must be finite and >= 0");
    o.alpha = NAN;
    expect_create_error(&D, &o, LL_ERR_ARG, "model: alpha must be finite and >= 0");
    o.alpha = INFINITY;
    expect_create_error(&D, &o, LL_ERR_ARG, "model: alpha must be finite and >= 0");
    o = ll_model_opts_default();
    o.act = NULL;
    expect_create_error(&D, &o, LL_ERR_ARG, "model: act");
    o = ll_model_opts_default();
    double v[WIDTH] = {1, 2, NAN, 4};
    o.width = WIDTH, o.v = v;
    expect_create_error(&D, &o, LL_ERR_ARG, "model: v[2] is not finite");
    o = ll_model_opts_default();
    expect_create_error(NULL, &o, LL_ERR_ARG, "model: data is NULL");
    expect_create_error(&D, NULL, LL_ERR_ARG, "model: options are NULL");
    ll_data E = D;
    E.n = 0;
    expect_create_error(&E, &o, LL_ERR_DATA, "model: data is empty");
    E = D, E.d = 0;
    expect_create_error(&E, &o, LL_ERR_DATA, "model: data is empty");
    D.y[5] = INFINITY;
    expect_create_error(&D, &o, LL_ERR_DATA, "model: data y[5] is not finite");
    fx_data_free(&D);
}

/* N = 10, d = 1000, m = 1e8: P = 1e11, and the model's one N x P
 * Jacobian-sized array needs 8e12 bytes, more than half of any test
 * machine's memory. (A dense P x P Hessian that does not fit is no longer
 * refused here: test_struct.c.) */
static void create_should_refuse_a_model_whose_n_by_p_array_does_not_fit(void **s)
{
    (void)s;
    ll_data D;
    fx_data(&D, 10, 1000, 2);
    ll_model_opts o = ll_model_opts_default();
    o.width = 100000000;
    expect_create_error(&D, &o, LL_ERR_NOMEM, "bytes");
    expect_create_error(&D, &o, LL_ERR_NOMEM, "P = 100000000000");
    fx_data_free(&D);
}

static void defaults_should_be_width_10_tanh_alpha_4e_3_and_linspace_v(void **s)
{
    (void)s;
    ll_model_opts o = ll_model_opts_default();
    assert_int_equal(o.width, 10);
    assert_ptr_equal(o.act, ll_act_find("tanh"));
    assert_true(o.alpha == 4e-3);
    assert_null(o.v);
    assert_false(o.train_v);
    assert_false(o.bias);
    ll_data D;
    fx_data(&D, NS, DIM, 1);
    ll_model *M = NULL;
    assert_int_equal(ll_model_create(&M, &D, &o, NULL), LL_OK);
    const double *v = ll_model_v(M);
    for (size_t j = 0; j < 10; j++)
        assert_true(fabs(v[j] - (0.5 + j / 9.0)) < 1e-15);
    assert_int_equal(ll_model_nparams(M), 10 * DIM);
    ll_model_destroy(M);
    ll_model_destroy(NULL);
    fx_data_free(&D);
}

static void layout_should_be_w_rows_then_b_then_v(void **s)
{
    (void)s;
    ll_data D;
    fx_data(&D, NS, DIM, 1);
    ll_model *M = fx_model(&D, WIDTH, ll_act_find("tanh"), 0.0, 1, 1);
    assert_int_equal(ll_model_nparams(M), WIDTH * DIM + 2 * WIDTH);
    assert_int_equal(ll_model_width(M), WIDTH);
    assert_int_equal(ll_model_dim(M), DIM);
    assert_int_equal(ll_model_idx_w(M, 2, 1), 2 * DIM + 1);
    assert_int_equal(ll_model_idx_b(M, 3), WIDTH * DIM + 3);
    assert_int_equal(ll_model_idx_v(M, 0), WIDTH * DIM + WIDTH);
    assert_int_equal(ll_model_idx_w(M, WIDTH, 0), -1);
    ll_model_destroy(M);
    M = fx_model(&D, WIDTH, ll_act_find("tanh"), 0.0, 1, 0);
    assert_int_equal(ll_model_idx_b(M, 0), -1);
    assert_int_equal(ll_model_idx_v(M, 0), WIDTH * DIM);
    ll_model_destroy(M);
    fx_data_free(&D);
}

/* predict, loss and the problem table are computed by the same code paths in
 * different combinations: agreement to rounding (1e-14 relative). */
static void loss_should_equal_half_mse_of_predict_plus_ridge(void **s)
{
    (void)s;
    ll_data D;
    fx_data(&D, NS, DIM, 1);
    ll_model *M = fx_model(&D, WIDTH, ll_act_find("silu"), 0.1, 1, 1);
    size_t P = ll_model_nparams(M);
    double th[WIDTH * DIM + 2 * WIDTH], f[NS], L, want = 0, Lp, g[32], gp[32];
    uint64_t st = 4;
    ll_test_fill(&st, P, th, 0.7);
    assert_int_equal(ll_model_predict(M, th, 0.6, f), LL_OK);
    assert_int_equal(ll_model_loss(M, th, 0.6, &L), LL_OK);
    for (size_t n = 0; n < NS; n++)
        want += (f[n] - D.y[n]) * (f[n] - D.y[n]) / (2.0 * NS);
    want += 0.05 * ll_dot(WIDTH * DIM, th, th);
    assert_true(ll_test_reldiff(L, want, 1e-300) < 1e-14);
    ll_problem pb;
    ll_model_problem(M, &pb);
    assert_int_equal(pb.n, P);
    assert_ptr_equal(pb.ctx, M);
    assert_int_equal(pb.loss(pb.ctx, th, 0.6, &Lp), LL_OK);
    assert_true(Lp == L);
    assert_int_equal(pb.grad(pb.ctx, th, 0.6, g), LL_OK);
    assert_int_equal(ll_model_grad(M, th, 0.6, gp), LL_OK);
    assert_memory_equal(g, gp, P * sizeof *g);
    double d4, d4p;
    assert_int_equal(pb.d4(pb.ctx, th, 0.6, g, &d4), LL_OK);
    assert_int_equal(ll_model_dir(M, th, 0.6, g, 4, &d4p), LL_OK);
    assert_true(d4 == d4p);
    assert_non_null(pb.hess), assert_non_null(pb.grad_p);
    assert_non_null(pb.hess_p), assert_non_null(pb.d3);
    assert_int_equal(ll_model_dir(M, th, 0.6, g, 5, &d4p), LL_ERR_ARG);
    ll_model_destroy(M);
    fx_data_free(&D);
}

/* Relabelling hidden units (W rows, b, and v with it) leaves f unchanged:
 * the sums over j are reordered, so the loss agrees to rounding (1e-14). */
static void loss_should_be_invariant_under_hidden_unit_permutation(void **s)
{
    (void)s;
    static const size_t perm[WIDTH] = {2, 0, 3, 1};
    ll_data D;
    fx_data(&D, NS, DIM, 1);
    for (int opt = 0; opt < 4; opt++) {
        int tv = opt & 1, bias = opt >> 1;
        double v[WIDTH] = {0.3, -1.1, 0.8, 1.7}, pv[WIDTH];
        ll_model_opts o = ll_model_opts_default();
        o.width = WIDTH, o.act = ll_act_find("gelu"), o.alpha = 0.02;
        o.train_v = tv, o.bias = bias, o.v = v;
        ll_model *M, *Mp;
        assert_int_equal(ll_model_create(&M, &D, &o, NULL), LL_OK);
        for (size_t j = 0; j < WIDTH; j++)
            pv[j] = v[perm[j]];
        o.v = pv; /* with fixed v the permuted model carries permuted v */
        assert_int_equal(ll_model_create(&Mp, &D, &o, NULL), LL_OK);
        size_t P = ll_model_nparams(M);
        double th[WIDTH * DIM + 2 * WIDTH], tp[WIDTH * DIM + 2 * WIDTH], L, Lp;
        uint64_t st = 9;
        ll_test_fill(&st, P, th, 0.8);
        for (size_t j = 0; j < WIDTH; j++) {
            size_t pj = perm[j];
            for (size_t i = 0; i < DIM; i++)
                tp[ll_model_idx_w(M, j, i)] = th[ll_model_idx_w(M, pj, i)];
            if (bias)
                tp[ll_model_idx_b(M, j)] = th[ll_model_idx_b(M, pj)];
            if (tv)
                tp[ll_model_idx_v(M, j)] = th[ll_model_idx_v(M, pj)];
        }
        assert_int_equal(ll_model_loss(M, th, 0.8, &L), LL_OK);
        assert_int_equal(ll_model_loss(Mp, tp, 0.8, &Lp), LL_OK);
        assert_true(ll_test_reldiff(L, Lp, 1e-300) < 1e-14);
        ll_model_destroy(M);
        ll_model_destroy(Mp);
    }
    fx_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_should_name_every_bad_option),
        cmocka_unit_test(create_should_refuse_a_model_whose_n_by_p_array_does_not_fit),
        cmocka_unit_test(defaults_should_be_width_10_tanh_alpha_4e_3_and_linspace_v),
        cmocka_unit_test(layout_should_be_w_rows_then_b_then_v),
        cmocka_unit_test(loss_should_equal_half_mse_of_predict_plus_ridge),
        cmocka_unit_test(loss_should_be_invariant_under_hidden_unit_permutation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
