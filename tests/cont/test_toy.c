/* The hand-written derivatives of the continuation fixtures (toy.h) against
 * central finite differences, so that the continuation tests stand on a
 * correct problem. Central differences with step h have error
 * ~ h^2 |f'''| / 6 + eps |f| / h; with h = 1e-5 and O(1) derivatives that is
 * ~1e-10, so a 1e-7 tolerance (relative, floor 1) leaves a wide margin. */
#include "testutil.h"

#include <stdint.h>

#include "losslab/linalg.h"
#include "toy.h"

#define H_FD 1e-5
#define TOL_FD 1e-7

static void make(toy *t, int m)
{
    toy_init(t, 5, m);
    t->k4 = 0.7, t->k3 = -0.4, t->k20 = 0.3, t->dk20 = 0.2, t->k2p = -1.2, t->k10 = 0.1,
    t->k1p = 0.9;
}

static void point(uint64_t *rng, size_t n, double *x, double *p)
{
    ll_test_fill(rng, n, x, 1.0);
    *p = 0.37;
}

static void toy_first_and_second_derivatives_should_match_differences(void **s)
{
    (void)s;
    uint64_t rng = 7;
    toy t;
    for (int m = 1; m <= 2; m++) {
        make(&t, m);
        size_t n = t.n;
        double x[TOY_NMAX], p, F[TOY_NMAX], Fp[TOY_NMAX], H[64], Hp[64];
        double xp[TOY_NMAX], Fa[TOY_NMAX], Fb[TOY_NMAX], Ha[64], Hb[64];
        point(&rng, n, x, &p);
        toy_grad(&t, x, p, F), toy_hess(&t, x, p, H);
        toy_grad_p(&t, x, p, Fp), toy_hess_p(&t, x, p, Hp);
        for (size_t j = 0; j < n; j++) {
            double La, Lb;
            memcpy(xp, x, sizeof xp);
            xp[j] = x[j] + H_FD, toy_loss(&t, xp, p, &La), toy_grad(&t, xp, p, Fa);
            xp[j] = x[j] - H_FD, toy_loss(&t, xp, p, &Lb), toy_grad(&t, xp, p, Fb);
            assert_true(ll_test_reldiff(F[j], (La - Lb) / (2 * H_FD), 1) < TOL_FD);
            for (size_t i = 0; i < n; i++)
                assert_true(ll_test_reldiff(H[i + j * n],
                                            (Fa[i] - Fb[i]) / (2 * H_FD), 1) < TOL_FD);
        }
        toy_grad(&t, x, p + H_FD, Fa), toy_grad(&t, x, p - H_FD, Fb);
        toy_hess(&t, x, p + H_FD, Ha), toy_hess(&t, x, p - H_FD, Hb);
        for (size_t i = 0; i < n; i++)
            assert_true(ll_test_reldiff(Fp[i], (Fa[i] - Fb[i]) / (2 * H_FD), 1) < TOL_FD);
        for (size_t i = 0; i < n * n; i++)
            assert_true(ll_test_reldiff(Hp[i], (Ha[i] - Hb[i]) / (2 * H_FD), 1) < TOL_FD);
    }
}

/* a^T H(x + h w) b differenced in h gives D^3L[a, b, w]; D^3L[a, a, x + h a]
 * . a differenced gives D^4L[a^4]. */
static void toy_third_and_fourth_derivatives_should_match_differences(void **s)
{
    (void)s;
    uint64_t rng = 11;
    toy t;
    for (int m = 1; m <= 2; m++) {
        make(&t, m);
        size_t n = t.n;
        double x[TOY_NMAX], p, a[TOY_NMAX], b[TOY_NMAX], d3[TOY_NMAX];
        double xp[TOY_NMAX], Ha[64], Hb[64], Ha_b[TOY_NMAX], Hb_b[TOY_NMAX];
        point(&rng, n, x, &p);
        ll_test_fill(&rng, n, a, 1.0), ll_test_fill(&rng, n, b, 1.0);
        toy_d3(&t, x, p, a, b, d3);
        for (size_t w = 0; w < n; w++) {
            memcpy(xp, x, sizeof xp);
            xp[w] = x[w] + H_FD, toy_hess(&t, xp, p, Ha);
            xp[w] = x[w] - H_FD, toy_hess(&t, xp, p, Hb);
            ll_gemv(0, n, n, 1.0, Ha, n, b, 0.0, Ha_b);
            ll_gemv(0, n, n, 1.0, Hb, n, b, 0.0, Hb_b);
            double fd = (ll_dot(n, a, Ha_b) - ll_dot(n, a, Hb_b)) / (2 * H_FD);
            assert_true(ll_test_reldiff(d3[w], fd, 1) < TOL_FD);
        }
        double d4, da[TOY_NMAX], db[TOY_NMAX];
        toy_d4(&t, x, p, a, &d4);
        for (size_t i = 0; i < n; i++)
            xp[i] = x[i] + H_FD * a[i];
        toy_d3(&t, xp, p, a, a, da);
        for (size_t i = 0; i < n; i++)
            xp[i] = x[i] - H_FD * a[i];
        toy_d3(&t, xp, p, a, a, db);
        double fd = (ll_dot(n, da, a) - ll_dot(n, db, a)) / (2 * H_FD);
        assert_true(ll_test_reldiff(d4, fd, 1) < TOL_FD);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(toy_first_and_second_derivatives_should_match_differences),
        cmocka_unit_test(toy_third_and_fourth_derivatives_should_match_differences),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
