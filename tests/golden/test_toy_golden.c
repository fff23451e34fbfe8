/* Golden JSON of `losslab toy` on a small fixed-seed problem (toy
 * generator, N = 200, seed 0, alpha = 0.05 so that a symmetry-breaking
 * event exists; 9 x 9 contour lattice, 11-point line restrictions).
 * Tolerances: rtol 1e-7, atol 1e-10. Every value is produced by Newton /
 * secant iterations converged far below that (1e-12 scaled gradients,
 * 1e-10 in lambda with quadratic convergence in practice), so different
 * BLAS builds or compilers move them by ~1e-12 relative; quantities that
 * are rounding residues (c3, mu_T at lambda = 0, gradient norms, ~1e-16)
 * are covered by atol. A change of method or of a formula moves the
 * results by far more. Regenerate with tests/golden/toy_coeffs_regen.sh. */
#include "testutil.h"

#include <stdlib.h>

#include "losslab/experiments.h"
#include "losslab/losslab.h"
#include "toy_golden_cmp.h"

static void toy_json_should_match_the_golden_file(void **state)
{
    (void)state;
    ll_data D = {0};
    ll_data_source src = ll_data_source_default();
    ll_toy_opts o = ll_toy_opts_default();
    ll_toy_result r;
    ll_errbuf eb = {{0}};
    char *json = NULL;
    src.gen = ll_gen_toy_opts_default();
    src.gen.n = 200;
    assert_int_equal(ll_toy_data_load(&src, &D, &eb), LL_OK);
    o.alpha = 0.05;
    o.grid = 9;
    o.line_points = 11;
    ll_status st = ll_toy_run(&D, &o, &r, &eb);
    if (st < 0)
        fail_msg("%s", eb.msg);
    ll_toy_report rep = {&o, &src, "golden", &r};
    assert_int_equal(ll_io_toy_json(&rep, &json, &eb), LL_OK);
    golden_check(json, "golden/toy_small.json", 1e-7, 1e-10);
    free(json);
    ll_toy_result_free(&r);
    ll_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(toy_json_should_match_the_golden_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
