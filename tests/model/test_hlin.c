/* The prepared Hessian of the problem ops (problem.h hlin_*, model_hlin.c):
 * products at a point set once must be the Hessian's there, for every
 * activation and option (trained v, biases), and the caller-owned handles
 * must not share state (two handles at two points, used interleaved).
 *
 * Tolerance: hlin_apply and the dense H u are the same sums in another
 * order (the dense H assembles J^T J with dsyrk): 1e-13 relative to the
 * largest entry of H, as for ll_model_hvp in test_derivs.c. */
#include "model_fixture.h"

#include "losslab/problem.h"

#define PMAX FX_CFG_PMAX

static void check_hlin(const ll_model *M, const double *th, double lam,
                       const char *label)
{
    size_t P = ll_model_nparams(M);
    double H[PMAX * PMAX], H2[PMAX * PMAX], th2[PMAX];
    double u[PMAX], a[PMAX], b[PMAX];
    ll_problem pb;
    ll_model_problem((ll_model *)M, &pb);
    assert_non_null(pb.hlin_create);
    void *L1 = NULL, *L2 = NULL;
    assert_int_equal(pb.hlin_create(pb.ctx, &L1), LL_OK);
    assert_int_equal(pb.hlin_create(pb.ctx, &L2), LL_OK);
    /* a product before any point is set is refused */
    assert_int_equal(pb.hlin_apply(pb.ctx, L1, u, a), LL_ERR_ARG);
    for (size_t k = 0; k < P; k++)
        th2[k] = 0.8 * th[k] + 0.05;
    assert_int_equal(ll_model_hess(M, th, lam, H), LL_OK);
    assert_int_equal(ll_model_hess(M, th2, 0.5 * lam, H2), LL_OK);
    assert_int_equal(pb.hlin_set(pb.ctx, L1, th, lam), LL_OK);
    assert_int_equal(pb.hlin_set(pb.ctx, L2, th2, 0.5 * lam), LL_OK);
    for (int rep = 0; rep < 3; rep++) { /* interleaved, several directions */
        fx_unit_dir(P, 77 + (uint64_t)rep, u);
        for (int which = 0; which < 2; which++) {
            assert_int_equal(pb.hlin_apply(pb.ctx, which ? L2 : L1, u, a),
                             LL_OK);
            ll_gemv(0, P, P, 1.0, which ? H2 : H, P, u, 0.0, b);
            fx_expect_close(which ? "hlin at point 2" : "hlin at point 1",
                            label, fx_maxdiff(P, a, b),
                            1e-13 * (1 + fx_maxabs(P * P, which ? H2 : H)));
        }
    }
    pb.hlin_destroy(pb.ctx, L1);
    pb.hlin_destroy(pb.ctx, L2);
    pb.hlin_destroy(pb.ctx, NULL); /* NULL-safe */
}

static void hlin_should_equal_the_dense_hessian_at_its_point(void **s)
{
    (void)s;
    fx_for_each_config(check_hlin, 13, 2000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hlin_should_equal_the_dense_hessian_at_its_point),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
