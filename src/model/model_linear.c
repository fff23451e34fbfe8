/* The linear end lambda = 0 (MATH.md section 1; seed 000 Prop. 7.4,
 * Thm 7.6(iii)).
 *
 * Minimiser: with Sigma = X^T X / N, gamma = X^T y / N (uncentred),
 * W0 = v u^T where (alpha I + ||v||^2 Sigma) u = gamma: then
 * f = ||v||^2 u.x and grad_{w_j} L = v_j ((||v||^2 Sigma + alpha) u - gamma)
 * = 0.
 *
 * Softening rate: the (m-1)d eigenvalues at alpha move with speeds equal to
 * the eigenvalues of the restriction of d_lambda H to E = {dW : v^T dW = 0}
 * (degenerate perturbation theory). On E the Gauss-Newton part vanishes, so
 * the restricted form is q(dW) = sum_j v_j dw_j^T K_j dw_j with
 * K_j = (1/N) sum_n r0_n sigma''(w0_j . x_n) x_n x_n^T. An orthonormal basis
 * of E is {q_a e_i^T}: q_a (a = 1..m-1) the last m-1 columns of the
 * Householder reflector that maps v to a multiple of e_1, so
 *     R[(a,i),(b,k)] = sum_j v_j q_aj q_bj K_j[i,k].
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/linalg.h"
#include "model_impl.h"

/* u solving (alpha I + ||v||^2 Sigma) u = gamma; A is d x d scratch. */
ll_status ll_model_lin_solve_u(const ll_model *M, double *u, double *A,
                              ll_errbuf *eb)
{
    size_t N = M->n, d = M->d;
    double vv = ll_dot(M->m, M->v0, M->v0);
    ll_gemm(1, 0, d, d, N, vv / (double)N, M->X, N, M->X, N, 0.0, A, d);
    for (size_t i = 0; i < d; i++)
        A[i + i * d] += M->alpha;
    ll_gemv(1, N, d, 1.0 / (double)N, M->X, N, M->y, 0.0, u);
    ll_status st = ll_sym_solve(d, A, 1, u);
    if (st != LL_OK)
        return ll_err(eb, st, "model: alpha I + ||v||^2 Sigma is singular "
                              "(alpha = %g, ||v||^2 = %g): no unique linear "
                              "minimiser", M->alpha, vv);
    return LL_OK;
}

ll_status ll_model_linear_start(const ll_model *M, double *theta0,
                                ll_errbuf *eb)
{
    if (!M || !theta0)
        return ll_err(eb, LL_ERR_ARG, "model: linear_start needs M and theta0");
    size_t d = M->d;
    double *A = malloc((d * d + d) * sizeof *A);
    if (!A)
        return ll_err(eb, LL_ERR_NOMEM, "model: out of memory");
    double *u = A + d * d;
    ll_status st = ll_model_lin_solve_u(M, u, A, eb);
    if (st == LL_OK) {
        memset(theta0, 0, M->P * sizeof *theta0);
        for (size_t j = 0; j < M->m; j++) {
            for (size_t i = 0; i < d; i++)
                theta0[j * d + i] = M->v0[j] * u[i];
            if (M->train_v)
                theta0[M->off_v + j] = M->v0[j];
        }
    }
    free(A);
    return st;
}

/* Q (m x (m-1)): orthonormal basis of v-perp from the Householder reflector
 * H = I - 2 w w^T / w^T w, w = v + sign(v_1) ||v|| e_1 (no cancellation);
 * H v = -sign(v_1) ||v|| e_1, so columns 2..m of H are orthogonal to v. */
static void vperp_basis(size_t m, const double *v, double *Q)
{
    double nv = ll_nrm2(m, v), w1 = v[0] + (v[0] >= 0 ? nv : -nv);
    double ww = 2.0 * nv * nv + 2.0 * fabs(v[0]) * nv; /* w^T w */
    for (size_t a = 1; a < m; a++)
        for (size_t j = 0; j < m; j++) {
            double wj = j == 0 ? w1 : v[j];
            Q[j + (a - 1) * m] = (j == a ? 1.0 : 0.0) - 2.0 * wj * v[a] / ww;
        }
}

/* K (d x d x m): K_j = (1/N) sum_n r0_n sigma''(w0_j . x_n) x_n x_n^T and
 * *eq22 = -sum_j v_j^2 u^T E[(sigma'(w0_j.x) - 1) x x^T] u.
 * Scratch: N (d + 1). */
void ll_model_lin_unit_forms(const ll_model *M, const double *u, double *K,
                             double *eq22, double *scr)
{
    size_t N = M->n, d = M->d;
    double *xu = scr, *Xc = scr + N, s[3];
    double vv = ll_dot(M->m, M->v0, M->v0);
    ll_gemv(0, N, d, 1.0, M->X, N, u, 0.0, xu); /* xu_n = u . x_n */
    *eq22 = 0.0;
    for (size_t j = 0; j < M->m; j++) {
        double vj = M->v0[j], e22 = 0.0;
        for (size_t n = 0; n < N; n++) {
            M->act->eval(vj * xu[n], 2, s);
            double r0 = vv * xu[n] - M->y[n]; /* f = ||v||^2 u.x at W0 */
            e22 += (s[1] - 1.0) * xu[n] * xu[n];
            for (size_t i = 0; i < d; i++)
                Xc[n + i * N] = r0 * s[2] * M->X[n + i * N] / (double)N;
        }
        ll_gemm(1, 0, d, d, N, 1.0, M->X, N, Xc, N, 0.0, K + j * d * d, d);
        *eq22 -= vj * vj * e22 / (double)N;
    }
}

ll_status ll_model_softening_closed_form(const ll_model *M, double *speeds,
                                         double *paper_eq22, ll_errbuf *eb)
{
    if (!M || !speeds)
        return ll_err(eb, LL_ERR_ARG, "model: softening needs M and speeds");
    if (M->train_v || M->bias)
        return ll_err(eb, LL_ERR_ARG, "model: the softening closed form "
                      "needs the default model (fixed v, no biases)");
    size_t m = M->m, d = M->d, N = M->n, q = (m - 1) * d;
    if (m < 2 || ll_nrm2(m, M->v0) == 0.0)
        return ll_err(eb, LL_ERR_ARG, "model: the softening closed form needs "
                      "width >= 2 and v != 0 (E = v-perp x R^d is empty)");
    size_t tot = d * d + d + m * m + d * d * m + N * (d + 1) + q * q;
    double *buf = malloc(tot * sizeof *buf);
    if (!buf)
        return ll_err(eb, LL_ERR_NOMEM, "model: out of memory");
    double *A = buf, *u = A + d * d, *Q = u + d, *K = Q + m * m;
    double *scr = K + d * d * m, *R = scr + N * (d + 1), e22;
    ll_status st = ll_model_lin_solve_u(M, u, A, eb);
    if (st == LL_OK) {
        vperp_basis(m, M->v0, Q);
        ll_model_lin_unit_forms(M, u, K, &e22, scr);
        for (size_t a = 0; a < m - 1; a++)
            for (size_t b = 0; b < m - 1; b++)
                for (size_t i = 0; i < d; i++)
                    for (size_t k = 0; k < d; k++) {
                        double s = 0.0;
                        for (size_t j = 0; j < m; j++)
                            s += M->v0[j] * Q[j + a * m] * Q[j + b * m] *
                                 K[i + k * d + j * d * d];
                        R[a * d + i + (b * d + k) * q] = s;
                    }
        st = ll_sym_eig_all(q, R, speeds, NULL);
        if (st != LL_OK)
            ll_err(eb, st, "model: eigenvalues of the restricted form failed");
        else if (paper_eq22)
            *paper_eq22 = e22;
    }
    free(buf);
    return st;
}
