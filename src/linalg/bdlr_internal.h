/* Internal state of ll_bdlr (include/losslab/bdlr.h), shared by bdlr.c
 * (create, factor, inertia) and bdlr_solve.c (apply, Woodbury, refinement).
 *
 * Notation (see bdlr.c for the derivation). D = blockdiag(B) - sigma I has
 * per block the eigendecomposition Q_j diag(theta0) Q_j^T; theta is theta0
 * after clamping (D' = Q diag(theta) Q^T), and every clamped eigenvalue l
 * adds the column q_l = Q e_l with weight -tau_l = theta0_l - theta_l to U,
 * so that A = D' + U_f diag(s_f) U_f^T exactly, U_f = [U, q_l...]. With
 * w = |s_f|^{1/2}, e = sign(s_f) (+1 for s = 0), W = U_f diag(w):
 *     A = D' + W diag(e) W^T,   C' = diag(e) + W^T D'^{-1} W   (kk x kk).
 * R = |Theta|^{-1/2} Q^T U (n x k), its rows permuted so that the rows of
 * positive theta come first: U^T D'^{-1} U = R+^T R+ - R-^T R- (two dsyrk). */
#ifndef LL_BDLR_INTERNAL_H
#define LL_BDLR_INTERNAL_H

#include <lapacke.h>
#include <stddef.h>

#include "losslab/bdlr.h"

struct ll_bdlr {
    size_t nb, bs, n, kmax;
    /* the last factor's A: copies of B and s, U borrowed */
    double *B;        /* nb * bs * bs */
    double *s;        /* kmax */
    const double *U;  /* n x k, ld n (borrowed) */
    size_t k;
    double sigma;
    /* D' and R */
    double *Q;        /* nb * bs * bs: block eigenvectors */
    double *theta0;   /* n: eigenvalues of D, block by block */
    double *theta;    /* n: after clamping */
    size_t *perm;     /* n: row of R holding eigen index l */
    size_t npos;      /* rows [0, npos) of R: theta > 0 */
    double *rsc, *rt0; /* n, by row of R: |theta|^{-1/2}, theta0 */
    double *R;        /* n x kmax, ld n */
    /* clamping columns: eigen index and tau (theta = theta0 + tau) */
    size_t nc, ccap;
    size_t *cl;
    double *ctau;
    /* the capacitance matrix C' and its factor */
    size_t kk, kcap;  /* kk = k + nc <= kcap */
    double *C;        /* kcap * kcap, used as kk x kk, ld kk */
    lapack_int *ipiv; /* kcap */
    double *cwork;    /* lcwork (dsytrf) */
    lapack_int lcwork;
    double *csw;      /* 2 kcap: dsycon work */
    lapack_int *ciw;  /* kcap: dsycon iwork */
    double *w, *e;    /* kcap: |s_f|^{1/2}, sign(s_f) */
    int chol;         /* C' factored by Cholesky */
    /* per-block eigensolver workspace (dsyevd), one per worker */
    double *ework;
    lapack_int *eiwork, lework, leiwork;
    double *ktmp;     /* kcap: apply's U^T x */
    /* results */
    ll_status fstat;  /* of the last factor; LL_ERR_ARG before any */
    int inertia_ok;   /* neg, zero, pos belong to the last factor */
    int neg, zero, pos;
    double fro;
    double u2, umax;  /* U's Frobenius term and max |s_i| ||u_i||^2 */
    size_t nref;      /* refinement steps of the last solve */
    double berr;      /* its last measured backward error */
    /* solve scratch, nrhs <= rcap */
    size_t rcap;
    double *Xh, *V, *Rs, *Bs, *G; /* n x rcap (4), kcap x rcap */
};

/* Threads for the block eigendecompositions (bdlr_eig.c). */
#define LL_BDLR_WORKERS 4

/* Workspace for LL_BDLR_WORKERS block eigensolvers (at create). */
ll_status ll_bdlr_eig_workspace(ll_bdlr *f);
/* Q, theta0 of every block of D = B - sigma I (f->B, f->sigma set);
 * *d2 = ||D||_F^2. */
ll_status ll_bdlr_eig_blocks(ll_bdlr *f, double *d2);

/* Y (ld n) = A X (ld ldx) for nrhs columns, exact A (original B, s, U);
 * T: k x nrhs scratch. */
void ll_bdlr_apply_many(const ll_bdlr *f, size_t nrhs, const double *X,
                        size_t ldx, double *Y, double *T);

#endif
