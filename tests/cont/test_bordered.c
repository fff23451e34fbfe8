/* The bordered solve [[H, F_p], [c^T]] y = r of src/cont/ws.c: block
 * elimination on the LDL^T factor of H with iterative refinement, and its
 * fallback to the dense LU. Checked against the dense LU of the assembled
 * (n+1) x (n+1) matrix (ll_solve) on systems whose conditioning is known:
 * H = Q diag(lam) Q^T with a chosen spectrum, F_p and c with components
 * along the eigenvector of the smallest |lam| (so that J stays regular when
 * H is singular, as at a fold). */
#include "testutil.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"

#define N 30

/* Only pb->n is used: the tests write ws->H and ws->Fp themselves. */
static ll_status no_call(void *ctx, const double *x, double p, double *out)
{
    (void)ctx, (void)x, (void)p, (void)out;
    return LL_ERR_ARG;
}

static void orthogonal(uint64_t *seed, size_t n, double *Q)
{
    ll_test_fill(seed, n * n, Q, 1.0);
    for (int pass = 0; pass < 2; pass++)
        for (size_t j = 0; j < n; j++) {
            for (size_t k = 0; k < j; k++) {
                double d = ll_dot(n, Q + k * n, Q + j * n);
                for (size_t i = 0; i < n; i++)
                    Q[i + j * n] -= d * Q[i + k * n];
            }
            double s = ll_nrm2(n, Q + j * n);
            for (size_t i = 0; i < n; i++)
                Q[i + j * n] /= s;
        }
}

typedef struct sys {
    ll_problem pb;
    ll_cont_opts o;
    ll_cont_ws ws;
    double c[N + 1], r[N + 1], y[N + 1], yd[N + 1], J[(N + 1) * (N + 1)];
    double rc_dense;
} sys;

/* ws->H = Q diag(lam) Q^T, F_p = q_0 + small random, c = q_0 + random. */
static void setup(sys *s, const double *lam, uint64_t seed)
{
    memset(&s->pb, 0, sizeof s->pb);
    s->pb.n = N, s->pb.hess = no_call;
    s->o = ll_cont_opts_default();
    assert_int_equal(ll_cont_ws_init(&s->ws, &s->pb, &s->o, NULL), LL_OK);
    double Q[N * N];
    orthogonal(&seed, N, Q);
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++) {
            double h = 0.0;
            for (size_t k = 0; k < N; k++)
                h += Q[i + k * N] * lam[k] * Q[j + k * N];
            s->ws.H[i + j * N] = h;
        }
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < i; j++) /* exactly symmetric */
            s->ws.H[j + i * N] = s->ws.H[i + j * N];
    ll_test_fill(&seed, N + 1, s->c, 0.3);
    ll_test_fill(&seed, N, s->ws.Fp, 0.3);
    ll_test_fill(&seed, N + 1, s->r, 1.0);
    for (size_t i = 0; i < N; i++)
        s->ws.Fp[i] += Q[i], s->c[i] += Q[i];
    /* the reference: dense LU of the assembled matrix */
    for (size_t j = 0; j < N; j++) {
        memcpy(s->J + j * (N + 1), s->ws.H + j * N, N * sizeof *s->J);
        s->J[N + j * (N + 1)] = s->c[j];
    }
    memcpy(s->J + N * (N + 1), s->ws.Fp, N * sizeof *s->J);
    s->J[N + N * (N + 1)] = s->c[N];
    memcpy(s->yd, s->r, sizeof s->yd);
    assert_int_equal(ll_solve(N + 1, s->J, 1, s->yd, &s->rc_dense), LL_OK);
    memcpy(s->y, s->r, sizeof s->y);
}

static double max_reldiff(const double *a, const double *b, size_t n)
{
    double e = 0.0, s = 0.0;
    for (size_t i = 0; i < n; i++)
        e = fmax(e, fabs(a[i] - b[i])), s = fmax(s, fabs(b[i]));
    return e / s;
}

static void spectrum(double *lam, double smallest, int neg)
{
    lam[0] = smallest;
    for (int k = 1; k < N; k++)
        lam[k] = (k <= neg ? -1.0 : 1.0) * (1.0 + (double)k / N);
}

/* Regular H and J: the two solutions agree to ~cond(J) eps; cond(J) is
 * O(10^2) here (rc_dense is printed on failure), so 1e-12 is generous. */
static void bordered_solve_should_match_the_dense_lu(void **st)
{
    (void)st;
    sys s;
    double lam[N];
    spectrum(lam, 0.5, 4);
    setup(&s, lam, 3);
    assert_int_equal(ll_cont_bordered_solve(&s.ws, s.c, s.y), LL_OK);
    double e = max_reldiff(s.y, s.yd, N + 1);
    if (e > 1e-12)
        fail_msg("reldiff %.3g (dense rcond %.3g)", e, s.rc_dense);
    /* the condition estimates agree within the estimators' factor ~3 */
    double q = s.ws.last_rcond / s.rc_dense;
    assert_true(q > 0.1 && q < 10.0);
    ll_cont_ws_free(&s.ws);
}

/* At a fold H has an eigenvalue ~0 while J is regular. Block elimination
 * alone loses ~eps cond(H) = 1e-16 * 1e13 = 1e-3 relative; the refinement
 * must bring it back to the dense LU's accuracy (~cond(J) eps). */
static void bordered_solve_should_stay_accurate_when_H_is_nearly_singular(
    void **st)
{
    (void)st;
    const double tiny[3] = {1e-13, -1e-11, 1e-9};
    for (int c = 0; c < 3; c++) {
        sys s;
        double lam[N];
        spectrum(lam, tiny[c], 2);
        setup(&s, lam, 17 + (uint64_t)c);
        assert_int_equal(ll_cont_bordered_solve_nocond(&s.ws, s.c, s.y),
                         LL_OK);
        double e = max_reldiff(s.y, s.yd, N + 1);
        if (e > 1e-11)
            fail_msg("mu = %g: reldiff %.3g (dense rcond %.3g)", tiny[c], e,
                     s.rc_dense);
        ll_cont_ws_free(&s.ws);
    }
}

/* An exactly zero pivot (H = diag(0, ...), built without rounding) stops
 * the LDL^T solve; the dense LU of the regular J must take over. */
static void bordered_solve_should_fall_back_on_an_exactly_singular_H(
    void **st)
{
    (void)st;
    sys s;
    double lam[N];
    spectrum(lam, 1.0, 0);
    setup(&s, lam, 5);
    memset(s.ws.H, 0, sizeof(double) * N * N);
    for (size_t i = 1; i < N; i++)
        s.ws.H[i + i * N] = 1.0 + (double)i;
    s.ws.Fp[0] = 1.0, s.c[0] = 1.0;
    double yd[N + 1];
    for (size_t j = 0; j < N; j++) {
        memcpy(s.J + j * (N + 1), s.ws.H + j * N, N * sizeof *s.J);
        s.J[N + j * (N + 1)] = s.c[j];
    }
    memcpy(s.J + N * (N + 1), s.ws.Fp, N * sizeof *s.J);
    s.J[N + N * (N + 1)] = s.c[N];
    memcpy(yd, s.r, sizeof yd);
    assert_int_equal(ll_solve(N + 1, s.J, 1, yd, NULL), LL_OK);
    assert_int_equal(ll_cont_bordered_solve(&s.ws, s.c, s.y), LL_OK);
    assert_true(max_reldiff(s.y, yd, N + 1) < 1e-12);
    ll_cont_ws_free(&s.ws);
}

/* The factor of H is reused while ws->H is unchanged; a write to ws->H by
 * other code (here: one off-diagonal pair, the diagonal untouched) must be
 * noticed and H factored again, or the solve would use the old matrix. */
static void bordered_solve_should_refactor_when_H_was_overwritten(void **st)
{
    (void)st;
    sys s;
    double lam[N];
    spectrum(lam, 0.7, 3);
    setup(&s, lam, 9);
    assert_int_equal(ll_cont_bordered_solve(&s.ws, s.c, s.y), LL_OK);
    s.ws.H[2 + 5 * N] += 0.25, s.ws.H[5 + 2 * N] += 0.25;
    s.J[2 + 5 * (N + 1)] += 0.25, s.J[5 + 2 * (N + 1)] += 0.25;
    double yd[N + 1];
    memcpy(yd, s.r, sizeof yd);
    memcpy(s.y, s.r, sizeof s.y);
    assert_int_equal(ll_solve(N + 1, s.J, 1, yd, NULL), LL_OK);
    assert_int_equal(ll_cont_bordered_solve(&s.ws, s.c, s.y), LL_OK);
    assert_true(max_reldiff(s.y, yd, N + 1) < 1e-12);
    ll_cont_ws_free(&s.ws);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bordered_solve_should_match_the_dense_lu),
        cmocka_unit_test(
            bordered_solve_should_stay_accurate_when_H_is_nearly_singular),
        cmocka_unit_test(
            bordered_solve_should_fall_back_on_an_exactly_singular_H),
        cmocka_unit_test(
            bordered_solve_should_refactor_when_H_was_overwritten),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
