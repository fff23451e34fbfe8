/* The toy data set of MATH.md section 4 Exp. 1/4 (ll_data_generate_toy):
 * paper defaults, the documented GSL draw order, the teacher formula and
 * sample moments. Statistical tolerances are 4 standard errors (false alarm
 * ~6e-5 per check; seeds are fixed, so a pass is deterministic). */
#include "testutil.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "losslab/data.h"

static void toy(ll_data *D, size_t n, uint64_t seed, double noise)
{
    ll_gen_opts o = ll_gen_toy_opts_default();
    o.n = n, o.seed = seed, o.noise = noise;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_data_generate_toy(D, &o, &eb), LL_OK);
    assert_int_equal(D->n, n);
    assert_int_equal(D->d, 1);
}

static void toy_opts_default_should_match_exp1(void **st)
{
    (void)st;
    ll_gen_opts o = ll_gen_toy_opts_default();
    assert_int_equal(o.n, 2000);
    assert_int_equal(o.d, 1);
    assert_int_equal(o.seed, 0);
    assert_true(o.noise == 0.02);
}

/* Replay the stream with GSL directly: per sample x then eps. y is formed
 * by the same operations, so only last-bit differences are allowed. */
static void toy_should_follow_the_documented_draw_order(void **st)
{
    (void)st;
    const unsigned long seeds[] = {0, 9};
    for (size_t k = 0; k < 2; k++) {
        ll_data D;
        toy(&D, 64, seeds[k], 0.02);
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        assert_non_null(r);
        gsl_rng_set(r, seeds[k]);
        for (size_t n = 0; n < 64; n++) {
            double x = gsl_ran_gaussian(r, 1.0);
            double y = tanh(1.5 * x) + 0.02 * gsl_ran_gaussian(r, 1.0);
            assert_true(D.X[n] == x);
            assert_true(fabs(D.y[n] - y) <= 1e-15 * (1 + fabs(y)));
        }
        gsl_rng_free(r);
        ll_data_free(&D);
    }
}

/* x ~ N(0,1): mean within 4/sqrt(N), variance within 4 sqrt(2/N) of 1; the
 * residual y - tanh(1.5 x) is the noise: mean within 4 s/sqrt(N), sd within
 * 4 s/sqrt(2N) of s. */
static void toy_should_have_plausible_moments_and_teacher(void **st)
{
    (void)st;
    const size_t N = 2000;
    const double s = 0.02, rn = sqrt((double)N);
    ll_data D;
    toy(&D, N, 4, s);
    double mx = 0, vx = 0, mr = 0, vr = 0;
    for (size_t n = 0; n < N; n++)
        mx += D.X[n], mr += D.y[n] - tanh(1.5 * D.X[n]);
    mx /= (double)N, mr /= (double)N;
    for (size_t n = 0; n < N; n++) {
        double r = D.y[n] - tanh(1.5 * D.X[n]) - mr;
        vx += (D.X[n] - mx) * (D.X[n] - mx), vr += r * r;
    }
    vx /= (double)(N - 1), vr /= (double)(N - 1);
    assert_true(fabs(mx) < 4 / rn);
    assert_true(fabs(vx - 1) < 4 * sqrt(2.0) / rn);
    assert_true(fabs(mr) < 4 * s / rn);
    assert_true(fabs(sqrt(vr) - s) < 4 * s / sqrt(2.0 * N));
    ll_data_free(&D);
}

static void toy_should_reject_bad_options(void **st)
{
    (void)st;
    ll_data D;
    ll_errbuf eb = {{0}};
    ll_gen_opts o = ll_gen_toy_opts_default();
    o.d = 2;
    assert_int_equal(ll_data_generate_toy(&D, &o, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "dimension"));
    o = ll_gen_toy_opts_default(), o.n = 0;
    assert_int_equal(ll_data_generate_toy(&D, &o, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "samples"));
    o = ll_gen_toy_opts_default(), o.noise = INFINITY;
    assert_int_equal(ll_data_generate_toy(&D, &o, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "noise"));
    assert_null(D.X);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(toy_opts_default_should_match_exp1),
        cmocka_unit_test(toy_should_follow_the_documented_draw_order),
        cmocka_unit_test(toy_should_have_plausible_moments_and_teacher),
        cmocka_unit_test(toy_should_reject_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
