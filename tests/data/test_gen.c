/* Generator of MATH.md section 4 (Exp. 2-3): reproducibility, the documented
 * GSL draw order, the teacher formula with the MATH.md weights, and sample
 * moments. Statistical tolerances are 4 standard errors (a false alarm has
 * probability ~6e-5 per check, and the seeds are fixed, so a pass is
 * deterministic). */
#include "testutil.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/data.h"

static const double WL[5] = {1.0, 0.5, -0.3, 0.2, -0.1};
static const double WNL[5] = {0.3, -0.7, 0.5, -0.2, 0.4};

static void gen(ll_data *D, size_t n, size_t d, uint64_t seed, double noise)
{
    ll_gen_opts o = ll_gen_opts_default();
    o.n = n, o.d = d, o.seed = seed, o.noise = noise;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_data_generate(D, &o, &eb), LL_OK);
    assert_int_equal(D->n, n);
    assert_int_equal(D->d, d);
}

static void gen_opts_default_should_match_math_md(void **st)
{
    (void)st;
    ll_gen_opts o = ll_gen_opts_default();
    assert_int_equal(o.n, 500);
    assert_int_equal(o.d, 5);
    assert_int_equal(o.seed, 0);
    assert_true(o.noise == 0.05);
}

static void generate_should_be_reproducible_and_seed_dependent(void **st)
{
    (void)st;
    ll_data A, B, C;
    gen(&A, 200, 5, 7, 0.05);
    gen(&B, 200, 5, 7, 0.05);
    gen(&C, 200, 5, 8, 0.05);
    assert_memory_equal(A.X, B.X, 200 * 5 * sizeof(double));
    assert_memory_equal(A.y, B.y, 200 * sizeof(double));
    size_t same = 0;
    for (size_t i = 0; i < 200 * 5; i++)
        same += A.X[i] == C.X[i];
    assert_int_equal(same, 0);
    ll_data_free(&A), ll_data_free(&B), ll_data_free(&C);
}

/* Replay the stream documented in gen.c with GSL directly: for d > 5 the
 * extra wl then wnl entries (sd 0.5), then per sample the d inputs and the
 * noise draw. */
static void check_stream(size_t n, size_t d, unsigned long seed, double noise)
{
    ll_data D;
    gen(&D, n, d, seed, noise);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed);
    double wl[16], wnl[16], x[16];
    for (size_t i = 0; i < d; i++)
        wl[i] = i < 5 ? WL[i] : 0, wnl[i] = i < 5 ? WNL[i] : 0;
    for (size_t i = 5; i < d; i++)
        wl[i] = gsl_ran_gaussian(r, 0.5);
    for (size_t i = 5; i < d; i++)
        wnl[i] = gsl_ran_gaussian(r, 0.5);
    for (size_t s = 0; s < n; s++) {
        double zl = 0, znl = 0;
        for (size_t i = 0; i < d; i++) {
            x[i] = gsl_ran_gaussian(r, 1.0);
            assert_true(D.X[i * n + s] == x[i]);
            zl += wl[i] * x[i], znl += wnl[i] * x[i];
        }
        double y = zl + 0.4 * tanh(1.5 * znl) + noise * gsl_ran_gaussian(r, 1.0);
        /* same operations in the same order: only last-bit differences */
        assert_true(fabs(D.y[s] - y) <= 1e-14 * (1 + fabs(y)));
    }
    gsl_rng_free(r);
    ll_data_free(&D);
}

static void generate_should_follow_the_documented_draw_order(void **st)
{
    (void)st;
    check_stream(50, 5, 0, 0.05);
    check_stream(50, 3, 11, 0.05);
    check_stream(50, 8, 12, 0.1);
}

static double mean(const double *x, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++)
        s += x[i];
    return s / (double)n;
}

static double cov(const double *x, const double *y, size_t n)
{
    double mx = mean(x, n), my = mean(y, n), s = 0;
    for (size_t i = 0; i < n; i++)
        s += (x[i] - mx) * (y[i] - my);
    return s / (double)(n - 1);
}

/* x ~ N(0, I): mean within 4/sqrt(N), variance within 4 sqrt(2/N) of 1,
 * covariances within 4/sqrt(N) of 0. The residual y - teacher(x) must be
 * the noise: mean within 4 sigma/sqrt(N), sd within 4 sigma/sqrt(2N) of
 * sigma. This checks the formula and the MATH.md weights independently of
 * the draw order. */
static void generate_should_have_plausible_moments_and_teacher(void **st)
{
    (void)st;
    const size_t N = 4000, d = 5;
    const double sig = 0.05, rn = sqrt((double)N);
    ll_data D;
    gen(&D, N, d, 3, sig);
    for (size_t i = 0; i < d; i++) {
        assert_true(fabs(mean(D.X + i * N, N)) < 4 / rn);
        assert_true(fabs(cov(D.X + i * N, D.X + i * N, N) - 1) < 4 * sqrt(2.0) / rn);
        for (size_t j = 0; j < i; j++)
            assert_true(fabs(cov(D.X + i * N, D.X + j * N, N)) < 4 / rn);
    }
    double *res = malloc(N * sizeof *res);
    assert_non_null(res);
    for (size_t s = 0; s < N; s++) {
        double zl = 0, znl = 0;
        for (size_t i = 0; i < d; i++)
            zl += WL[i] * D.X[i * N + s], znl += WNL[i] * D.X[i * N + s];
        res[s] = D.y[s] - zl - 0.4 * tanh(1.5 * znl);
    }
    assert_true(fabs(mean(res, N)) < 4 * sig / rn);
    assert_true(fabs(sqrt(cov(res, res, N)) - sig) < 4 * sig / sqrt(2.0 * N));
    free(res);
    ll_data_free(&D);
}

static void generate_without_noise_should_equal_the_teacher(void **st)
{
    (void)st;
    ll_data D;
    gen(&D, 100, 2, 5, 0.0);
    for (size_t s = 0; s < 100; s++) {
        double x0 = D.X[s], x1 = D.X[100 + s];
        double t = WL[0] * x0 + WL[1] * x1 + 0.4 * tanh(1.5 * (WNL[0] * x0 + WNL[1] * x1));
        assert_true(fabs(D.y[s] - t) <= 1e-14 * (1 + fabs(t)));
    }
    ll_data_free(&D);
}

static void generate_should_reject_bad_options(void **st)
{
    (void)st;
    ll_data D;
    ll_errbuf eb = {{0}};
    ll_gen_opts o = ll_gen_opts_default();
    o.n = 0;
    assert_int_equal(ll_data_generate(&D, &o, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "samples"));
    o = ll_gen_opts_default(), o.d = 0;
    assert_int_equal(ll_data_generate(&D, &o, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "dimension"));
    o = ll_gen_opts_default(), o.noise = -1;
    assert_int_equal(ll_data_generate(&D, &o, &eb), LL_ERR_ARG);
    o.noise = NAN;
    assert_int_equal(ll_data_generate(&D, &o, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "noise"));
    assert_null(D.X);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gen_opts_default_should_match_math_md),
        cmocka_unit_test(generate_should_be_reproducible_and_seed_dependent),
        cmocka_unit_test(generate_should_follow_the_documented_draw_order),
        cmocka_unit_test(generate_should_have_plausible_moments_and_teacher),
        cmocka_unit_test(generate_without_noise_should_equal_the_teacher),
        cmocka_unit_test(generate_should_reject_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
