/* bench_dense_rates: the dense path against the machine's BLAS (issue 5,
 * item 2).
 *
 * 1. Machine rates, measured here: dsyrk (C = A^T A, A N x P with N = 500,
 *    P^2 N flops counting both triangles' worth once: P(P+1)N) and dsytrf
 *    (n^3/3 flops) at the sizes losslab uses, P = 50, 500, 5000 (m = 10,
 *    100, 1000 at d = 5); dgetrf (2n^3/3) and dsyevr (6 smallest, one-stage
 *    and two-stage) for reference. These call OpenBLAS/LAPACKE directly on
 *    purpose: they measure the library underneath, not losslab.
 * 2. Parts of one continuation step on the built-in problem (MATH.md
 *    section 4, d = 5, N = 500) at m = 10, 100, 1000, through losslab's own
 *    entry points at theta0 (the lambda = 0 minimiser) and lambda = 0.5 (the
 *    costs do not depend on the point): Hessian assembly (pb->hess; its
 *    Gauss-Newton dsyrk is P^2 N of its flops), F_p, the LDL^T factor of H,
 *    the bordered solve from that factor (block elimination + refinement,
 *    with and without the condition estimate), the old dense LU of the
 *    bordered matrix with dgecon, the inertia, the 6 smallest eigenvalues.
 *    Achieved fraction = (flops of the BLAS kernel inside) / time / (the
 *    machine's rate for that kernel at that size).
 * 3. Newton iterations per step, steps per unit arclength and the time per
 *    step from a whole `trace` run (ll_trace_run) at m = 10, 100 and, with
 *    --trace-max 1000, m = 1000 (several minutes).
 * Threads: 1 (as the CLI), or --threads K.
 *     build/bench_dense_rates [--threads K] [--trace-max M] [--quick]
 */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cont/cont_internal.h"
#include "losslab/linalg.h"
#include "losslab/losslab.h"

#define NSAMP 500
static double budget = 0.3; /* seconds of repetitions per measurement */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Best time of repeated calls of f(u), at least 2 and ~budget seconds. */
static double best_of(void (*f)(void *), void *u)
{
    double best = INFINITY, t0 = now_s();
    for (int r = 0; r < 1000; r++) {
        double t = now_s();
        f(u);
        t = now_s() - t;
        best = t < best ? t : best;
        if (r >= 1 && now_s() - t0 > budget)
            break;
    }
    return best;
}

typedef struct mrun {
    size_t n, k;
    double *A, *C, *W, *w;
    lapack_int *ipiv;
    int two_stage;
} mrun;

static void do_syrk(void *u)
{
    mrun *r = u;
    cblas_dsyrk(CblasColMajor, CblasLower, CblasTrans, (blasint)r->n,
                (blasint)r->k, 1.0, r->A, (blasint)r->k, 0.0, r->C,
                (blasint)r->n);
}

static void do_sytrf(void *u)
{
    mrun *r = u;
    memcpy(r->W, r->C, r->n * r->n * sizeof *r->W);
    LAPACKE_dsytrf(LAPACK_COL_MAJOR, 'L', (lapack_int)r->n, r->W,
                   (lapack_int)r->n, r->ipiv);
}

static void do_getrf(void *u)
{
    mrun *r = u;
    memcpy(r->W, r->C, r->n * r->n * sizeof *r->W);
    LAPACKE_dgetrf(LAPACK_COL_MAJOR, (lapack_int)r->n, (lapack_int)r->n, r->W,
                   (lapack_int)r->n, r->ipiv);
}

static void do_copy(void *u)
{
    mrun *r = u;
    memcpy(r->W, r->C, r->n * r->n * sizeof *r->W);
}

static void do_syevr(void *u)
{
    mrun *r = u;
    lapack_int found = 0, n = (lapack_int)r->n;
    memcpy(r->W, r->C, r->n * r->n * sizeof *r->W);
    lapack_int *isz = malloc(2 * r->n * sizeof *isz);
    if (r->two_stage)
        LAPACKE_dsyevr_2stage(LAPACK_COL_MAJOR, 'N', 'I', 'L', n, r->W, n, 0,
                              0, 1, 6, 0, &found, r->w, NULL, n, isz);
    else
        LAPACKE_dsyevr(LAPACK_COL_MAJOR, 'N', 'I', 'L', n, r->W, n, 0, 0, 1,
                       6, 0, &found, r->w, NULL, n, isz);
    free(isz);
}

/* Machine rates at n = P: GFLOP/s of dsyrk (k = 500) and dsytrf. */
typedef struct rates {
    double syrk, sytrf, getrf, t_syevr, t_syevr2;
} rates;

static rates machine_rates(size_t n)
{
    mrun r = {n, NSAMP, NULL, NULL, NULL, NULL, NULL, 0};
    r.A = malloc(n * NSAMP * sizeof *r.A);
    r.C = malloc(n * n * sizeof *r.C);
    r.W = malloc(n * n * sizeof *r.W);
    r.w = malloc(n * sizeof *r.w);
    r.ipiv = malloc(n * sizeof *r.ipiv);
    srand(1);
    for (size_t i = 0; i < n * NSAMP; i++)
        r.A[i] = rand() / (double)RAND_MAX - 0.5;
    rates q;
    double dn = (double)n, t = best_of(do_syrk, &r);
    q.syrk = dn * (dn + 1.0) * NSAMP / t * 1e-9;
    for (size_t i = 0; i < n; i++) /* make it indefinite: shift by the mean */
        for (size_t j = 0; j < n; j++)
            r.C[i + j * n] = r.C[j > i ? j + i * n : i + j * n] -
                             (i == j ? NSAMP / 12.0 : 0.0);
    double tc = best_of(do_copy, &r);
    q.sytrf = dn * dn * dn / 3.0 / fmax(best_of(do_sytrf, &r) - tc, 1e-9) * 1e-9;
    q.getrf = 2.0 * dn * dn * dn / 3.0 /
              fmax(best_of(do_getrf, &r) - tc, 1e-9) * 1e-9;
    q.t_syevr = best_of(do_syevr, &r) - tc;
    r.two_stage = 1;
    q.t_syevr2 = best_of(do_syevr, &r) - tc;
    free(r.A), free(r.C), free(r.W), free(r.w), free(r.ipiv);
    return q;
}

/* ---- parts of a step, through losslab's entry points -------------------- */

typedef struct prun {
    ll_problem pb;
    ll_cont_ws ws;
    ll_ldlt *f;
    double *X, *rhs, *rhs0, *w;
    size_t n;
    int rc;
} prun;

static void p_hess(void *u)
{
    prun *r = u;
    r->pb.hess(r->pb.ctx, r->X, r->X[r->n], r->ws.H);
}
static void p_gradp(void *u)
{
    prun *r = u;
    r->pb.grad_p(r->pb.ctx, r->X, r->X[r->n], r->ws.Fp);
}
static void p_factor(void *u)
{
    prun *r = u;
    ll_ldlt_factor(r->f, r->ws.H);
}
static void p_bsolve(void *u)
{
    prun *r = u;
    memcpy(r->rhs, r->rhs0, (r->n + 1) * sizeof *r->rhs);
    if (r->rc)
        ll_cont_bordered_solve(&r->ws, r->X, r->rhs);
    else
        ll_cont_bordered_solve_nocond(&r->ws, r->X, r->rhs);
}
static void p_dense_lu(void *u)
{
    prun *r = u;
    size_t n = r->n, m = n + 1;
    double rc;
    for (size_t j = 0; j < n; j++) {
        memcpy(r->ws.J + j * m, r->ws.H + j * n, n * sizeof *r->ws.J);
        r->ws.J[n + j * m] = r->X[j];
    }
    memcpy(r->ws.J + n * m, r->ws.Fp, n * sizeof *r->ws.J);
    r->ws.J[n + n * m] = r->X[n];
    memcpy(r->rhs, r->rhs0, m * sizeof *r->rhs);
    ll_solve(m, r->ws.J, 1, r->rhs, &rc);
}
static void p_inertia_old(void *u)
{
    prun *r = u;
    int neg;
    ll_sym_inertia(r->n, r->ws.H, &neg, NULL, NULL);
}
static void p_eig_old(void *u)
{
    prun *r = u;
    ll_sym_eig_smallest(r->n, r->ws.H, 6, r->w, NULL);
}
static void p_eig_new(void *u)
{
    prun *r = u;
    ll_sym_eigvals_smallest(r->n, r->ws.H, 6, r->w);
}

typedef struct parts {
    size_t P;
    double hess, gradp, factor, solve, solve_rc, dense_lu, inertia_old;
    double eig_old, eig_new, rcond;
} parts;

static ll_status make_model(size_t m, ll_data *D, ll_model **M)
{
    ll_errbuf eb = {{0}};
    ll_gen_opts g = ll_gen_opts_default();
    ll_status st = ll_data_generate(D, &g, &eb);
    ll_model_opts mo = ll_model_opts_default();
    mo.width = m;
    if (st == LL_OK)
        st = ll_model_create(M, D, &mo, &eb);
    if (st != LL_OK)
        fprintf(stderr, "dense_rates: %s\n", eb.msg);
    return st;
}

static int measure_parts(size_t m, parts *q)
{
    ll_data D = {0};
    ll_model *M = NULL;
    ll_errbuf eb = {{0}};
    if (make_model(m, &D, &M) != LL_OK)
        return 1;
    prun r = {0};
    ll_model_problem(M, &r.pb);
    size_t n = r.n = r.pb.n;
    ll_cont_opts o = ll_cont_opts_default();
    r.X = malloc((n + 1) * sizeof *r.X);
    r.rhs = malloc((n + 1) * sizeof *r.rhs);
    r.rhs0 = malloc((n + 1) * sizeof *r.rhs0);
    r.w = malloc(n * sizeof *r.w);
    if (ll_model_linear_start(M, r.X, &eb) != LL_OK ||
        ll_cont_ws_init(&r.ws, &r.pb, &o, &eb) != LL_OK ||
        ll_ldlt_create(&r.f, n) != LL_OK)
        return 1;
    r.X[n] = 0.5;
    for (size_t i = 0; i <= n; i++)
        r.rhs0[i] = sin(1.0 + (double)i);
    q->P = n;
    q->hess = best_of(p_hess, &r);
    q->gradp = best_of(p_gradp, &r);
    ll_cont_eval_HFp(&r.ws, r.X);
    q->factor = best_of(p_factor, &r);
    p_bsolve(&r); /* factors once; the timed calls reuse the factor */
    q->solve = best_of(p_bsolve, &r);
    r.rc = 1;
    q->solve_rc = best_of(p_bsolve, &r);
    q->rcond = r.ws.last_rcond;
    q->dense_lu = best_of(p_dense_lu, &r);
    q->inertia_old = best_of(p_inertia_old, &r);
    q->eig_old = best_of(p_eig_old, &r);
    q->eig_new = best_of(p_eig_new, &r);
    ll_ldlt_destroy(r.f);
    ll_cont_ws_free(&r.ws);
    free(r.X), free(r.rhs), free(r.rhs0), free(r.w);
    ll_model_destroy(M);
    ll_data_free(&D);
    return 0;
}

/* ---- whole trace: Newton iterations per step, steps per unit length ---- */

typedef struct tstat {
    size_t steps, newton, rejected;
    double length, time_cont, time_total;
} tstat;

static int run_trace(size_t m, tstat *t)
{
    ll_data D = {0};
    ll_errbuf eb = {{0}};
    ll_gen_opts g = ll_gen_opts_default();
    if (ll_data_generate(&D, &g, &eb) != LL_OK)
        return 1;
    ll_trace_opts o = ll_trace_opts_default();
    o.model.width = m;
    ll_trace_result res;
    ll_status st = ll_trace_run(&D, &o, &res, &eb);
    const ll_branch *b = &res.cont.branch;
    t->steps = b->len ? b->len - 1 : 0;
    t->newton = res.cont.newton_iters, t->rejected = res.cont.steps_rejected;
    t->length = b->len ? b->s[b->len - 1] : 0.0;
    t->time_cont = res.time_cont, t->time_total = res.time_total;
    ll_trace_result_free(&res);
    ll_data_free(&D);
    if (st < 0)
        fprintf(stderr, "dense_rates: trace m = %zu: %s\n", m, eb.msg);
    return st < 0;
}

static void print_rates(const size_t *Ps, const rates *q, int np)
{
    printf("## Machine rates (OpenBLAS, N = %d)\n\n", NSAMP);
    printf("| P | dsyrk GFLOP/s | dsytrf GFLOP/s | dgetrf GFLOP/s | dsyevr 6 "
           "smallest (s) | dsyevr_2stage 6 smallest (s) |\n"
           "|---|---|---|---|---|---|\n");
    for (int i = 0; i < np; i++)
        printf("| %zu | %.1f | %.1f | %.1f | %.4g | %.4g |\n", Ps[i],
               q[i].syrk, q[i].sytrf, q[i].getrf, q[i].t_syevr, q[i].t_syevr2);
}

static void print_parts(const size_t *ms, const parts *q, const rates *mr,
                        int np)
{
    printf("\n## Parts of a step (built-in problem, lambda = 0.5), seconds\n\n");
    printf("| m | P | Hessian | its dsyrk flops at | F_p | LDL^T factor | at "
           "| bordered solve from the factor (+ rcond) | old: dense LU + "
           "dgecon of the bordered matrix | old: inertia (copy + dsytrf) | "
           "6 eigenvalues, old | new |\n"
           "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 0; i < np; i++) {
        double P = (double)q[i].P;
        double fh = P * (P + 1.0) * NSAMP / q[i].hess * 1e-9 / mr[i].syrk;
        double ff = P * P * P / 3.0 / q[i].factor * 1e-9 / mr[i].sytrf;
        printf("| %zu | %zu | %.3g | %.0f%% of dsyrk | %.3g | %.3g | %.0f%% of "
               "dsytrf | %.3g (%.3g) | %.3g | %.3g | %.3g | %.3g |\n", ms[i],
               q[i].P, q[i].hess, 100.0 * fh, q[i].gradp, q[i].factor,
               100.0 * ff, q[i].solve, q[i].solve_rc, q[i].dense_lu,
               q[i].inertia_old, q[i].eig_old, q[i].eig_new);
    }
}

/* Step cost models from the parts and K Newton iterations per step:
 * before: (K + 1) x (H + F_p + dense LU) + H + inertia + eigenvalues;
 * after:  (K + 1) x (H + F_p + factor + solve) + eigenvalues (the tangent's
 *         factor gives the inertia). */
static void print_steps(const size_t *ms, const parts *q, const tstat *t,
                        const int *traced, int np)
{
    printf("\n## Steps (whole `trace` runs on [0, 1])\n\n");
    printf("| m | steps | Newton its / step | rejected | steps / unit "
           "arclength | continuation (s) | per step (s) | model per step: "
           "before | after |\n|---|---|---|---|---|---|---|---|---|\n");
    double K = 2.0;
    for (int i = 0; i < np; i++) {
        if (traced[i] && t[i].steps)
            K = (double)t[i].newton / (double)t[i].steps;
        double base = q[i].hess + q[i].gradp;
        double before = (K + 1.0) * (base + q[i].dense_lu) + q[i].hess +
                        q[i].inertia_old + q[i].eig_old;
        double after = K * (base + q[i].factor + q[i].solve) + base +
                       q[i].factor + q[i].solve_rc + q[i].eig_new;
        if (traced[i])
            printf("| %zu | %zu | %.2f | %zu | %.3g | %.3g | %.3g | %.3g | "
                   "%.3g |\n", ms[i], t[i].steps, K, t[i].rejected,
                   t[i].steps / fmax(t[i].length, 1e-300), t[i].time_cont,
                   t[i].time_cont / (double)t[i].steps, before, after);
        else
            printf("| %zu | (not traced; K = %.2f from the last traced) | | | "
                   "| | | %.3g | %.3g |\n", ms[i], K, before, after);
    }
}

int main(int argc, char **argv)
{
    int threads = 1;
    size_t trace_max = 100;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--trace-max") && i + 1 < argc)
            trace_max = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--quick"))
            budget = 0.05;
        else {
            fprintf(stderr, "usage: %s [--threads K] [--trace-max M] "
                    "[--quick]\n", argv[0]);
            return 2;
        }
    }
    ll_linalg_set_threads(threads);
    const size_t ms[3] = {10, 100, 1000}, Ps[3] = {50, 500, 5000};
    rates mr[3];
    parts q[3];
    tstat t[3] = {{0}};
    int traced[3] = {0};
    printf("# bench_dense_rates: %d BLAS thread(s), N = %d, d = 5\n\n",
           threads, NSAMP);
    for (int i = 0; i < 3; i++) {
        fprintf(stderr, "dense_rates: P = %zu ...\n", Ps[i]);
        mr[i] = machine_rates(Ps[i]);
        if (measure_parts(ms[i], &q[i]))
            return 1;
        if (ms[i] <= trace_max) {
            if (run_trace(ms[i], &t[i]))
                return 1;
            traced[i] = 1;
        }
    }
    print_rates(Ps, mr, 3);
    print_parts(ms, q, mr, 3);
    print_steps(ms, q, t, traced, 3);
    printf("\nrcond of the bordered test system: %.3g / %.3g / %.3g\n",
           q[0].rcond, q[1].rcond, q[2].rcond);
    return 0;
}
