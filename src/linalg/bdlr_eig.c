/* The block eigendecompositions of ll_bdlr (bdlr.c, step 1): D_j = B_j -
 * sigma I = Q_j diag(theta0_j) Q_j^T for every block, by divide and conquer
 * (dsyevd: 0.56 ms per 100 x 100 block with vectors here, dsyevr 0.73 ms,
 * dsyev 1.2 ms, all on one thread).
 *
 * The blocks are independent and small, so threads are spent across blocks,
 * not inside them: up to LL_BDLR_WORKERS POSIX threads (as many as BLAS may
 * use, openblas_get_num_threads()) each take a contiguous range of blocks
 * with its own workspace, while BLAS runs single-threaded (a 100 x 100
 * dsyevd with 2 BLAS threads is 40% slower than with 1: the threads
 * synchronise more than they compute). OpenBLAS >= 0.3.7 allows concurrent
 * calls from several threads. A thread that cannot be started leaves its
 * range to the calling thread. nb = 1000 blocks of 100 (bench/bdlr_rates.c):
 * 1.06 s as a dsyevr loop with 2 BLAS threads, ~0.3 s like this on 2 cores. */
#include "bdlr_internal.h"

#include <cblas.h>
#include <pthread.h>
#include <string.h>

typedef struct eig_job {
    ll_bdlr *f;
    size_t j0, j1, w; /* blocks [j0, j1), workspace w */
    double d2;        /* ||D||_F^2 over the range */
    ll_status st;
} eig_job;

ll_status ll_bdlr_eig_workspace(ll_bdlr *f)
{
    lapack_int bs = (lapack_int)f->bs, qi = 0;
    double qw = 0.0, wv = 0.0;
    lapack_int info = LAPACKE_dsyevd_work(LAPACK_COL_MAJOR, 'V', 'L', bs,
                                          f->Q, bs, &wv, &qw, -1, &qi, -1);
    lapack_int lw = 1 + 6 * bs + 2 * bs * bs, li = 3 + 5 * bs;
    f->lework = info == 0 && qw >= (double)lw ? (lapack_int)qw : lw;
    f->leiwork = info == 0 && qi >= li ? qi : li;
    f->ework = malloc(LL_BDLR_WORKERS * (size_t)f->lework * sizeof *f->ework);
    f->eiwork =
        malloc(LL_BDLR_WORKERS * (size_t)f->leiwork * sizeof *f->eiwork);
    return f->ework && f->eiwork ? LL_OK : LL_ERR_NOMEM;
}

/* Q_j = lower triangle of B_j - sigma I, then dsyevd in place. */
static void *eig_range(void *arg)
{
    eig_job *jb = arg;
    ll_bdlr *f = jb->f;
    size_t bs = f->bs, bb = bs * bs;
    lapack_int lbs = (lapack_int)bs;
    double *work = f->ework + jb->w * (size_t)f->lework, acc = 0.0;
    lapack_int *iwork = f->eiwork + jb->w * (size_t)f->leiwork;
    jb->st = LL_OK;
    for (size_t j = jb->j0; j < jb->j1; j++) {
        const double *Bj = f->B + j * bb;
        double *Qj = f->Q + j * bb;
        for (size_t c = 0; c < bs; c++) {
            Qj[c + c * bs] = Bj[c + c * bs] - f->sigma;
            acc += Qj[c + c * bs] * Qj[c + c * bs];
            for (size_t r = c + 1; r < bs; r++) {
                Qj[r + c * bs] = Bj[r + c * bs];
                acc += 2.0 * Bj[r + c * bs] * Bj[r + c * bs];
            }
        }
        if (bs == 1) { /* no LAPACK call per scalar block */
            f->theta0[j] = Qj[0], Qj[0] = 1.0;
            continue;
        }
        lapack_int info = LAPACKE_dsyevd_work(
            LAPACK_COL_MAJOR, 'V', 'L', lbs, Qj, lbs, f->theta0 + j * bs,
            work, f->lework, iwork, f->leiwork);
        if (info != 0) {
            jb->st = info > 0 ? LL_ERR_NOCONV : LL_ERR_LAPACK;
            break;
        }
    }
    jb->d2 = acc;
    return NULL;
}

/* All blocks (f->B, f->sigma set); *d2 = ||D||_F^2 from B's entries. */
ll_status ll_bdlr_eig_blocks(ll_bdlr *f, double *d2)
{
    int nt = openblas_get_num_threads();
    size_t nw = nt < 1 ? 1 : (size_t)nt;
    nw = nw > LL_BDLR_WORKERS ? LL_BDLR_WORKERS : nw;
    nw = nw > f->nb ? f->nb : nw;
    eig_job jobs[LL_BDLR_WORKERS];
    pthread_t tid[LL_BDLR_WORKERS];
    int started[LL_BDLR_WORKERS] = {0};
    for (size_t w = 0; w < nw; w++)
        jobs[w] = (eig_job){f, f->nb * w / nw, f->nb * (w + 1) / nw, w, 0.0,
                            LL_OK};
    if (nw > 1)
        openblas_set_num_threads(1);
    for (size_t w = 1; w < nw; w++)
        started[w] = pthread_create(&tid[w], NULL, eig_range, &jobs[w]) == 0;
    eig_range(&jobs[0]);
    ll_status st = jobs[0].st;
    double acc = jobs[0].d2;
    for (size_t w = 1; w < nw; w++) {
        if (started[w])
            pthread_join(tid[w], NULL);
        else
            eig_range(&jobs[w]);
        acc += jobs[w].d2;
        st = st != LL_OK ? st : jobs[w].st;
    }
    if (nw > 1)
        openblas_set_num_threads(nt);
    *d2 = acc;
    return st;
}
