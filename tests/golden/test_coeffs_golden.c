/* Golden JSON of `losslab coeffs` on a small fixed-seed problem (the
 * built-in generator with N = 200, seed 0, m = 10: a fold near
 * lambda = 0.4995; 11-point line restriction, mu = +-1e-3, +-2e-3).
 * Tolerances: rtol 1e-6, atol 1e-10. Exact values are reproducible to
 * ~1e-12; the finite-difference columns carry rounding amplified by 1/h^2
 * (h_4 = 1e-2: eps |H| / h^2 ~ 1e-12 absolute, ~1e-11 relative at worst,
 * and their relative errors are ratios of such residues (covered by atol
 * when ~1e-10 or below). The c2-vs-mu fit divides differences of c2 by
 * mu ~ 1e-3, costing three more digits: rtol 1e-6 leaves room for that.
 * Regenerate with tests/golden/toy_coeffs_regen.sh. */
#include "testutil.h"

#include <stdlib.h>

#include "losslab/experiments.h"
#include "losslab/losslab.h"
#include "toy_golden_cmp.h"

static void coeffs_json_should_match_the_golden_file(void **state)
{
    (void)state;
    ll_data D = {0};
    ll_data_source src = ll_data_source_default();
    ll_coeffs_opts o = ll_coeffs_opts_default();
    ll_coeffs_result r;
    ll_errbuf eb = {{0}};
    char *json = NULL;
    src.gen.n = 200;
    assert_int_equal(ll_study_data_load(&src, &D, &eb), LL_OK);
    o.line_points = 11;
    o.mu_points = 2;
    ll_status st = ll_coeffs_run(&D, &o, &r, &eb);
    if (st < 0)
        fail_msg("%s", eb.msg);
    assert_true(r.have_event);
    ll_coeffs_report rep = {&o, &src, "golden", &r};
    assert_int_equal(ll_io_coeffs_json(&rep, &json, &eb), LL_OK);
    golden_check(json, "golden/coeffs_small.json", 1e-6, 1e-10);
    free(json);
    ll_coeffs_result_free(&r);
    ll_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(coeffs_json_should_match_the_golden_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
