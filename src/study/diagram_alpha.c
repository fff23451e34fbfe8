/* The Tikhonov weight alpha as the continuation parameter, at a fixed
 * lambda (diagram_study.h item 2; MATH.md section 1). The model's own loss
 * carries alpha0/2 ||W||^2, so
 *     L(theta; alpha) = L_model(theta; lambda) + (alpha - alpha0)/2 ||W||^2,
 *     F = F_model + (alpha - alpha0) theta_W,   H = H_model + (alpha - alpha0) I_W,
 *     F_alpha = theta_W (zero elsewhere),       H_alpha = I_W,
 * and D^3L, D^4L, D^3L[u, ., .] are the model's (the added term is
 * quadratic). theta_W = theta[0 .. nw), the W-block of the layout. */
#include "losslab/diagram_study.h"

#include <string.h>

static ll_status a_loss(void *ctx, const double *x, double a, double *L)
{
    const ll_alpha_problem *ap = ctx;
    ll_status st = ap->base.loss(ap->base.ctx, x, ap->lambda, L);
    double w2 = 0.0;
    for (size_t i = 0; i < ap->nw; i++)
        w2 += x[i] * x[i];
    *L += 0.5 * (a - ap->alpha0) * w2;
    return st;
}

static ll_status a_grad(void *ctx, const double *x, double a, double *F)
{
    const ll_alpha_problem *ap = ctx;
    ll_status st = ap->base.grad(ap->base.ctx, x, ap->lambda, F);
    for (size_t i = 0; i < ap->nw; i++)
        F[i] += (a - ap->alpha0) * x[i];
    return st;
}

static ll_status a_hess(void *ctx, const double *x, double a, double *H)
{
    const ll_alpha_problem *ap = ctx;
    size_t n = ap->base.n;
    ll_status st = ap->base.hess(ap->base.ctx, x, ap->lambda, H);
    for (size_t i = 0; i < ap->nw; i++)
        H[i + i * n] += a - ap->alpha0;
    return st;
}

static ll_status a_grad_p(void *ctx, const double *x, double a, double *Fp)
{
    const ll_alpha_problem *ap = ctx;
    (void)a;
    memset(Fp, 0, ap->base.n * sizeof *Fp);
    memcpy(Fp, x, ap->nw * sizeof *Fp);
    return LL_OK;
}

static ll_status a_hess_p(void *ctx, const double *x, double a, double *Hp)
{
    const ll_alpha_problem *ap = ctx;
    size_t n = ap->base.n;
    (void)x, (void)a;
    memset(Hp, 0, n * n * sizeof *Hp);
    for (size_t i = 0; i < ap->nw; i++)
        Hp[i + i * n] = 1.0;
    return LL_OK;
}

static ll_status a_d3(void *ctx, const double *x, double a, const double *u,
                      const double *w, double *out)
{
    const ll_alpha_problem *ap = ctx;
    (void)a;
    return ap->base.d3(ap->base.ctx, x, ap->lambda, u, w, out);
}

static ll_status a_d4(void *ctx, const double *x, double a, const double *u,
                      double *out)
{
    const ll_alpha_problem *ap = ctx;
    (void)a;
    return ap->base.d4(ap->base.ctx, x, ap->lambda, u, out);
}

static ll_status a_hess_dir(void *ctx, const double *x, double a,
                            const double *u, double *out)
{
    const ll_alpha_problem *ap = ctx;
    (void)a;
    return ap->base.hess_dir(ap->base.ctx, x, ap->lambda, u, out);
}

void ll_alpha_problem_init(ll_alpha_problem *ap, const ll_problem *base,
                           double lambda, double alpha0, size_t nw,
                           ll_problem *pb)
{
    ap->base = *base;
    ap->lambda = lambda, ap->alpha0 = alpha0, ap->nw = nw;
    memset(pb, 0, sizeof *pb);
    pb->n = base->n;
    pb->ctx = ap;
    pb->loss = a_loss, pb->grad = a_grad, pb->hess = a_hess;
    pb->grad_p = a_grad_p, pb->hess_p = a_hess_p;
    pb->d3 = a_d3, pb->d4 = a_d4;
    pb->hess_dir = base->hess_dir ? a_hess_dir : NULL;
}
