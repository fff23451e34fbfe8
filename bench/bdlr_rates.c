/* bench_bdlr_rates: ll_bdlr (block diagonal plus low rank, bdlr.h) at the
 * sizes of the structured Hessian path (issue 5, item 4), against the BLAS
 * kernels it is built from.
 *
 * Problems: n = 50,000 (nb = 10,000 blocks of bs = 5) and n = 100,000
 * (nb = 1,000, bs = 100), k = 500, B_j random symmetric, U = J^T / sqrt(N)
 * shaped (entries ~ 1/sqrt(k)), s = 1 (the model's Gauss-Newton term) and
 * s of mixed signs; sigma = 0.
 * Printed: the factor time (best of 3), the same with U^T U given
 * (ll_bdlr_factor_gram, as the model gives it), the solve time for 1 and 8
 * right-hand sides with the refinement steps taken and the backward error,
 * one product A x; and the kernels underneath, timed alone: one dsyrk
 * (k x k from n x k: n k^2 flops; the factor makes two: C' and U^T U),
 * the per-block dsyevr and the per-block dgemm Q_j^T U_j.
 *     OPENBLAS_NUM_THREADS=2 build/bench_bdlr_rates [--quick]
 * (--quick: n / 10, for a smoke run). These call OpenBLAS/LAPACKE directly
 * for the kernel timings on purpose: they measure the library underneath. */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "losslab/bdlr.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double rnd(unsigned long long *st)
{
    *st = *st * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*st >> 11) / 9007199254740992.0 * 2.0 - 1.0;
}

/* Kernels alone: dsyrk, blockwise dsyevr, blockwise Q^T U. */
static void kernels(size_t nb, size_t bs, size_t k, const double *B,
                    const double *U, double *C)
{
    size_t n = nb * bs, bb = bs * bs;
    double t = now_s();
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (blasint)k, (blasint)n,
                1.0, U, (blasint)n, 0.0, C, (blasint)k);
    t = now_s() - t;
    printf("  dsyrk k x k from n x k     %8.3f s  %6.1f GFlop/s\n", t,
           (double)n * (double)k * (double)(k + 1) / t * 1e-9);
    double *a = malloc(bb * sizeof *a), *Q = malloc(bb * sizeof *Q);
    double *w = malloc(bs * sizeof *w), *P = malloc(bs * k * sizeof *P);
    lapack_int m, *isuppz = malloc(2 * bs * sizeof *isuppz);
    t = now_s();
    for (size_t j = 0; j < nb; j++) {
        memcpy(a, B + j * bb, bb * sizeof *a);
        LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'V', 'A', 'L', (lapack_int)bs, a,
                       (lapack_int)bs, 0, 0, 0, 0, 0, &m, w, Q,
                       (lapack_int)bs, isuppz);
    }
    printf("  dsyevr per block           %8.3f s\n", now_s() - t);
    t = now_s();
    for (size_t j = 0; j < nb; j++)
        cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, (blasint)bs,
                    (blasint)k, (blasint)bs, 1.0, B + j * bb, (blasint)bs,
                    U + j * bs, (blasint)n, 0.0, P, (blasint)bs);
    t = now_s() - t;
    printf("  dgemm Q_j^T U_j per block  %8.3f s  %6.1f GFlop/s\n", t,
           2.0 * (double)n * (double)bs * (double)k / t * 1e-9);
    free(a), free(Q), free(w), free(P), free(isuppz);
}

static void run(size_t nb, size_t bs, size_t k, int mixed)
{
    size_t n = nb * bs;
    unsigned long long st = 42;
    double *B = malloc(nb * bs * bs * sizeof *B);
    double *U = malloc(n * k * sizeof *U), *s = malloc(k * sizeof *s);
    double *X = malloc(n * 8 * sizeof *X), *C = malloc(k * k * sizeof *C);
    if (!B || !U || !s || !X || !C) {
        printf("out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < nb * bs * bs; i++)
        B[i] = rnd(&st);
    for (size_t i = 0; i < n * k; i++)
        U[i] = rnd(&st) / sqrt((double)k);
    for (size_t i = 0; i < k; i++)
        s[i] = mixed && i % 3 == 0 ? -1.0 : 1.0;
    printf("n = %zu (nb = %zu, bs = %zu), k = %zu, s %s\n", n, nb, bs, k,
           mixed ? "mixed signs" : "= 1");
    ll_bdlr *f = NULL;
    if (ll_bdlr_create(&f, nb, bs, k) != LL_OK) {
        printf("create failed\n");
        exit(1);
    }
    double best = INFINITY;
    for (int r = 0; r < 3; r++) {
        double t = now_s();
        ll_status rc = ll_bdlr_factor(f, B, U, mixed ? s : NULL, k, 0.0);
        t = now_s() - t;
        best = fmin(best, t);
        if (rc != LL_OK)
            printf("  factor: status %d\n", (int)rc);
    }
    int neg = 0;
    ll_bdlr_inertia(f, &neg, NULL, NULL);
    printf("  factor                     %8.3f s  (neg %d, clamped %zu)\n",
           best, neg, ll_bdlr_clamped(f));
    /* the same with U^T U given (as the model gives it, ll_bdlr_factor_gram;
     * G formed here by dsyrk, not timed) */
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (blasint)k, (blasint)n,
                1.0, U, (blasint)n, 0.0, C, (blasint)k);
    double best_g = INFINITY;
    for (int r = 0; r < 3; r++) {
        double t = now_s();
        ll_status rc =
            ll_bdlr_factor_gram(f, B, U, mixed ? s : NULL, k, 0.0, C);
        t = now_s() - t;
        best_g = fmin(best_g, t);
        if (rc != LL_OK)
            printf("  factor_gram: status %d\n", (int)rc);
    }
    printf("  factor, U^T U given        %8.3f s  (%.2fx the factor above)\n",
           best_g, best_g / best);
    for (size_t nr = 1; nr <= 8; nr += 7) {
        for (size_t i = 0; i < n * nr; i++)
            X[i] = rnd(&st);
        double t = now_s(), be = 0.0;
        ll_bdlr_solve(f, nr, X, n);
        t = now_s() - t;
        size_t steps = ll_bdlr_refinements(f, &be);
        printf("  solve, %zu rhs               %8.3f s  (%zu refinement "
               "steps, backward error %.1e)\n", nr, t, steps, be);
    }
    double t = now_s();
    ll_bdlr_apply(f, X, X + n);
    printf("  apply                      %8.3f s\n", now_s() - t);
    kernels(nb, bs, k, B, U, C);
    ll_bdlr_destroy(f);
    free(B), free(U), free(s), free(X), free(C);
}

int main(int argc, char **argv)
{
    size_t div = argc > 1 && strcmp(argv[1], "--quick") == 0 ? 10 : 1;
    run(10000 / div, 5, 500, 0);
    run(10000 / div, 5, 500, 1);
    run(1000 / div, 100, 500, 0);
    run(1000 / div, 100, 500, 1);
    return 0;
}
