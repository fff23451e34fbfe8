/* Internal to src/cont/hop*.c: the state of the structured and
 * matrix-free Hessian paths (hop.c: common code and the structured path;
 * hop_matfree.c: the matrix-free solves). */
#ifndef LL_CONT_HOP_IMPL_H
#define LL_CONT_HOP_IMPL_H

#include "cont/cont_internal.h"

/* Matrix-free: MINRES tolerance of each solve with the deflated H~; the
 * bordered solves refine on top of it (hop_matfree.c). */
#define LL_HOP_MINRES_RTOL 1e-9

/* The matrix-free solver state (hop_matfree.c). */
/* Most eigenpairs deflated at once (hop_matfree.c); the structured path
 * keeps room for them as extra columns of U. */
#define LL_HOP_DEFL_MAX 8
/* branch points remembered for the eigensolver's shift (hop.c) */
#define LL_HOP_HIST 3

typedef struct ll_hop_mf {
    void *lin;          /* the problem's prepared Hessian (NULL: hvp) */
    /* deflation H~ = H + D diag(G) D^T (see hop_matfree.c) */
    double *D, *G;      /* n x kd_max, kd_max */
    size_t kd, kd_max;
    unsigned long dver; /* bumped whenever D changes */
    /* per point X and D: C = H~^{-1} D; hu = H~^{-1} u for u = ucopy */
    double *C, *hu, *ucopy;
    int C_ok, hu_ok;
    unsigned long C_ver, hu_ver;
    /* bordered solve scratch */
    double *a, *y, *res, *hy, *hw; /* n, m, m, n, n */
    double *S, *Sw, *q;            /* (kd_max+1)^2 each; kd_max + 1 */
    double *est_work;              /* 2 m */
    int *est_iwork;                /* m */
    double *mr_work;               /* 8 n: MINRES scratch, one per handle */
    size_t applies;                /* products with H (diagnostics) */
} ll_hop_mf;

struct ll_cont_hop {
    ll_hessian_path path;
    size_t n, nb, bs, k;
    double *X;            /* m: the point of the operator */
    int at_known;         /* the operator is at X */
    int fac_ok;           /* structured: f0 factored */
    ll_status fac_st;     /* why not */
    double *B, *U;        /* structured: blocks, U (n x (k + defl.)) */
    double *G;            /* structured: U^T U of H's k columns (k x k) */
    struct ll_bdlr *f0, *fs; /* factor of H; of H - sigma I */
    double *V, *V2;       /* n x kv: eigenvectors (warm start), scratch */
    double *w;            /* kv eigenvalues */
    size_t kv, kv_max;    /* computed now; capacity */
    int eig_known;        /* w, V are at X */
    double eig_tol;       /* tolerance of the last eigs call */
    double dmu;           /* how far w[0] moved between recent eigs calls
                             (decaying memory): the first shift distance */
    /* the shift's prediction along the branch (pick_shift): the arc
     * coordinate of the next eigs call (NaN: not a point of the branch),
     * the last LL_HOP_HIST branch calls' (s, w[0]), newest first, and how
     * far the prediction missed lately (decaying memory; NaN: no
     * prediction yet) */
    double arc_s, hs[LL_HOP_HIST], hw[LL_HOP_HIST], perr;
    size_t eig_calls;    /* eigs_run calls so far */
    int start_degenerate; /* the first call's k eigenvalues were one cluster */
    int nhist;
    double norm1, hscale; /* NaN until computed at X */
    double *z, *work;     /* n; 2 n + 2 */
    double *zk, *sk;      /* structured: k + 1; k + LL_HOP_DEFL_MAX */
    double *zkb;          /* structured block products: k x zkb_cols */
    size_t zkb_cols;
    int *iwork;           /* n + 1 */
    ll_hop_mf mf;         /* matrix-free path; its deflated elimination
                             is also the structured path's fallback */
    struct ll_bdlr *ft;   /* structured: factor of H~ = H + D G D^T */
    unsigned long ft_ver; /* the mf.dver it was factored for */
    int ft_ok;            /* ft is at X and ft_ver */
    ll_cont_ws *ws;
};

ll_status ll_hop_mf_create(ll_cont_ws *ws, ll_cont_hop *h);
void ll_hop_mf_free(ll_cont_hop *h, const ll_problem *pb);
/* The operator moved to h->X: prepared Hessian, caches invalidated. */
ll_status ll_hop_mf_at(ll_cont_ws *ws);
/* y = H x (prepared Hessian, or the problem's hvp). */
ll_status ll_hop_mf_apply(ll_cont_ws *ws, const double *x, double *y);
/* Structured path: x = H~^{-1} b, H~ = blockdiag(B) + U U^T + D G D^T
 * factored by ll_bdlr (D as extra columns of U; x and b may alias). */
ll_status ll_hop_struct_tilde_solve(ll_cont_ws *ws, const double *b,
                                    double *x);
/* R (n x nrhs) <- H^{-1} R, deflated and refined. */
ll_status ll_hop_mf_solve(ll_cont_ws *ws, size_t nrhs, double *R);
/* New eigenpairs (w, V: kv of them, at h->X): pick the deflation. */
void ll_hop_mf_deflate(ll_cont_hop *h);
/* [[H, phi], [phi^T, 0]] [y; c] = [r; 0] for the nrhs columns of R. */
ll_status ll_hop_mf_range_solve(ll_cont_ws *ws, const double *phi,
                                size_t nrhs, double *R);

#endif
