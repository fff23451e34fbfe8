/* The paper's closed forms for the two-layer model (MATH.md section 3, last
 * paragraphs) against the library's forward-mode Taylor derivatives.
 *
 * Default model (fixed v, no biases): along theta + t u, with phi_j the u-rows
 * of unit j, z_nj = w_j . x_n and s_nj = phi_j . x_n, the network output is
 * f_n(t) = sum_j v_j h(z_nj + t s_nj), so
 *     D^k f_n = sum_j v_j h^(k)(z_nj) s_nj^k,
 * and with r = f - y, L = E[r^2]/2 + alpha/2 ||W||^2 (E = mean over samples):
 *     D^1L[u]   = E[r Df] + alpha W . u
 *     D^2L[u^2] = E[(Df)^2 + r D^2f] + alpha |u|^2
 *     D^3L[u^3] = E[3 Df D^2f + r D^3f]
 *     D^4L[u^4] = E[3 (D^2f)^2 + 4 Df D^3f + r D^4f]
 * (Leibniz on (r^2)^(k)/2; the alpha term is quadratic in W, so it reaches
 * k = 1, 2 only.) The test evaluates these by explicit loops from
 * ll_homotopy_eval, independently of src/model, for every activation.
 *
 * Tolerance 1e-12 relative to the rounding scale S_k = E[sum of |terms|]
 * (+ the alpha term): both sides add the same O(N m) products in different
 * orders, so they differ by ~ (N m) eps S_k <= 160 * 1.1e-16 S_k ~ 2e-14 S_k
 * in the worst case, ~ sqrt(N m) eps S_k typically. Measuring against S_k
 * rather than |D^kL| keeps the test meaningful when the terms cancel (at
 * lambda = 0 D^3L and D^4L vanish identically: there the test checks that the
 * library gives zero to rounding). Where the terms do not cancel the bound is
 * also a plain 1e-12 relative error; that is checked separately. */
#include <stdio.h>

#include "model_fixture.h"

#define NS 40
#define DIM 3
#define WIDTH 4
#define P (WIDTH * DIM)
#define ALPHA 0.05
#define TOL 1e-12

/* D^k f_n for k = 1..4 and r_n at sample n, from the closed forms. */
static void sample_jets(const ll_data *D, const ll_act *a, const double *v,
                        const double *th, const double *u, double lam,
                        size_t n, double Df[5], double *r)
{
    double f = 0.0;
    for (int k = 0; k <= 4; k++)
        Df[k] = 0.0;
    for (size_t j = 0; j < WIDTH; j++) {
        double z = 0.0, s = 0.0, h[LL_ACT_KMAX + 1];
        for (size_t i = 0; i < DIM; i++) {
            z += th[j * DIM + i] * D->X[n + i * D->n];
            s += u[j * DIM + i] * D->X[n + i * D->n];
        }
        ll_homotopy_eval(a, z, lam, 4, h, NULL);
        f += v[j] * h[0];
        double sk = 1.0;
        for (int k = 1; k <= 4; k++) {
            sk *= s;
            Df[k] += v[j] * h[k] * sk;
        }
    }
    *r = f - D->y[n];
}

/* val[k] = D^kL[u^k] by the closed forms, scale[k] = S_k (k = 1..4). */
static void closed_forms(const ll_data *D, const ll_act *a, const double *v,
                         const double *th, const double *u, double lam,
                         double val[5], double scale[5])
{
    double wu = 0.0, uu = 0.0;
    for (size_t k = 0; k < P; k++)
        wu += th[k] * u[k], uu += u[k] * u[k];
    for (int k = 0; k <= 4; k++)
        val[k] = scale[k] = 0.0;
    for (size_t n = 0; n < D->n; n++) {
        double d[5], r;
        sample_jets(D, a, v, th, u, lam, n, d, &r);
        double t[4][3] = {
            {r * d[1], 0.0, 0.0},
            {d[1] * d[1], r * d[2], 0.0},
            {3.0 * d[1] * d[2], r * d[3], 0.0},
            {3.0 * d[2] * d[2], 4.0 * d[1] * d[3], r * d[4]},
        };
        for (int k = 1; k <= 4; k++)
            for (int i = 0; i < 3; i++) {
                val[k] += t[k - 1][i] / (double)D->n;
                scale[k] += fabs(t[k - 1][i]) / (double)D->n;
            }
    }
    val[1] += ALPHA * wu, scale[1] += fabs(ALPHA * wu);
    val[2] += ALPHA * uu, scale[2] += ALPHA * uu;
}

/* Compare ll_model_dir with the closed forms at one (theta, u, lambda);
 * returns the largest plain relative error among the non-cancelling k. */
static double check_point(const ll_model *M, const ll_data *D,
                          const ll_act *a, const double *th, const double *u,
                          double lam)
{
    double val[5], scale[5], worst = 0.0;
    closed_forms(D, a, ll_model_v(M), th, u, lam, val, scale);
    for (int k = 1; k <= 4; k++) {
        double lib = NAN;
        assert_int_equal(ll_model_dir(M, th, lam, u, k, &lib), LL_OK);
        double err = fabs(lib - val[k]) / fmax(scale[k], 1e-300);
        if (!(err <= TOL))
            fail_msg("%s lambda=%g k=%d: library %.17g, closed form %.17g "
                     "(scale %.3g, error %.3g)", a->name, lam, k, lib, val[k],
                     scale[k], err);
        /* no cancellation: the plain relative error is the same bound */
        if (fabs(val[k]) >= 1e-2 * scale[k])
            worst = fmax(worst, ll_test_reldiff(lib, val[k], 0.0));
    }
    return worst;
}

static void model_dir_should_equal_paper_closed_forms_for_every_activation(
    void **state)
{
    (void)state;
    static const double lams[] = {0.0, 0.37, 1.0};
    ll_data D;
    fx_data(&D, NS, DIM, 23);
    int nonzero = 0;
    for (int ai = 0; ll_act_at(ai); ai++) {
        const ll_act *a = ll_act_at(ai);
        ll_model *M = fx_model(&D, WIDTH, a, ALPHA, 0, 0);
        assert_int_equal(ll_model_nparams(M), P);
        for (int rep = 0; rep < 3; rep++) {
            double th[P], u[P];
            uint64_t seed = 500 + (uint64_t)(10 * ai + rep);
            ll_test_fill(&seed, P, th, 0.8);
            ll_test_fill(&seed, P, u, 1.0);
            for (int li = 0; li < 3; li++) {
                double w = check_point(M, &D, a, th, u, lams[li]);
                assert_true(w <= TOL);
                nonzero += w > 0.0;
            }
        }
        ll_model_destroy(M);
    }
    assert_true(nonzero > 0); /* the plain relative check did run */
    fx_data_free(&D);
}

/* The closed forms themselves (the oracle) against a central difference of
 * D^{k-1}L along u, so that the comparison above is not two wrong things
 * agreeing: error ~ h^2 |D^{k+2}L|/6 + eps |D^{k-1}L| / h ~ 1e-8 + 1e-11 for
 * h = 1e-4 and O(1)-O(10) derivatives; tolerance 1e-6 relative to S_k. */
static void closed_forms_should_match_differences_of_the_lower_order(
    void **state)
{
    (void)state;
    ll_data D;
    fx_data(&D, NS, DIM, 29);
    const ll_act *a = ll_act_find("tanh");
    ll_model *M = fx_model(&D, WIDTH, a, ALPHA, 0, 0);
    double th[P], u[P], tp[P], tm[P], h = 1e-4, lam = 0.6;
    uint64_t seed = 77;
    ll_test_fill(&seed, P, th, 0.8);
    ll_test_fill(&seed, P, u, 1.0);
    for (size_t k = 0; k < P; k++)
        tp[k] = th[k] + h * u[k], tm[k] = th[k] - h * u[k];
    double v0[5], s0[5], vp[5], sp[5], vm[5], sm[5];
    closed_forms(&D, a, ll_model_v(M), th, u, lam, v0, s0);
    closed_forms(&D, a, ll_model_v(M), tp, u, lam, vp, sp);
    closed_forms(&D, a, ll_model_v(M), tm, u, lam, vm, sm);
    for (int k = 2; k <= 4; k++) {
        double fd = (vp[k - 1] - vm[k - 1]) / (2.0 * h);
        assert_true(fabs(fd - v0[k]) <= 1e-6 * s0[k]);
    }
    ll_model_destroy(M);
    fx_data_free(&D);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            model_dir_should_equal_paper_closed_forms_for_every_activation),
        cmocka_unit_test(closed_forms_should_match_differences_of_the_lower_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
