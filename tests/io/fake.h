/* A hand-made trace result for the io tests: a short branch with a fold, an
 * event with known coefficients and a NaN, so that the writers can be
 * tested without running the numerics. Values are arbitrary but distinct,
 * with full-precision digits to catch lossy printing. */
#ifndef LL_TEST_IO_FAKE_H
#define LL_TEST_IO_FAKE_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/losslab.h"

#define FAKE_LEN 5
#define FAKE_EIGS 3

static const double fake_p[FAKE_LEN] = {0.0, 0.1234567890123456, 0.3,
                                        0.2999, 0.25};
static const int fake_index[FAKE_LEN] = {0, 0, 1, 1, 2};

static void *fake_calloc(size_t n, size_t sz)
{
    void *p = calloc(n, sz);
    if (!p)
        abort();
    return p;
}

static void fake_branch(ll_branch *b)
{
    memset(b, 0, sizeof *b);
    b->len = b->cap = FAKE_LEN;
    b->n = 4;
    b->n_eigs = FAKE_EIGS;
    b->p = fake_calloc(FAKE_LEN, sizeof(double));
    b->s = fake_calloc(FAKE_LEN, sizeof(double));
    b->tp = fake_calloc(FAKE_LEN, sizeof(double));
    b->mu = fake_calloc(FAKE_LEN * FAKE_EIGS, sizeof(double));
    b->index = fake_calloc(FAKE_LEN, sizeof(int));
    b->loss = fake_calloc(FAKE_LEN, sizeof(double));
    b->grad_norm = fake_calloc(FAKE_LEN, sizeof(double));
    for (size_t i = 0; i < FAKE_LEN; i++) {
        b->p[i] = fake_p[i];
        b->s[i] = 0.1 * (double)i + 1e-17;
        b->tp[i] = i < 3 ? 1.0 / 3.0 : -0.7;
        b->index[i] = fake_index[i];
        b->loss[i] = 0.5 / (double)(i + 3);
        b->grad_norm[i] = 1e-14 * (double)(i + 1);
        for (int e = 0; e < FAKE_EIGS; e++)
            b->mu[i * FAKE_EIGS + (size_t)e] =
                0.004 - 0.01 * (double)i + 0.003 * (double)e;
    }
}

static void fake_event(ll_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->type = LL_EVENT_FOLD;
    ev->p = 0.30000000000000004;
    ev->s = 0.25;
    ev->index_before = 0;
    ev->index_after = 1;
    ev->mu1 = 1e-13;
    ev->mu2 = 0.0123;
    ev->kernel_ratio = 0.05;
    ev->dmu1_ds = -0.5;
    ev->dmu1_dp = NAN; /* NaN at a fold: must become null */
    ev->tp = 0.0;
    ev->loss = 0.125;
    ev->grad_norm = 3e-15;
    ev->locate_dp = 1e-12;
    ev->located = 1;
    ev->coef.g_p = 0.75;
    ev->coef.g_aa = -1.5;
    ev->coef.g_ap = 2.25;
    ev->coef.g_aaa = 3.0;
    ev->coef.g_aaa_bare = 3.5;
    ev->coef.ratio_aa_aaa = 0.5;
    ev->coef.normal_form = LL_NF_FOLD;
    ev->coef.criticality = 0;
    ev->coef.branch_slope = NAN;
    ev->coef.branch_quad = INFINITY;
    ev->status = LL_OK;
}

/* Fill res (free with ll_trace_result_free) with a default-model result. */
static void fake_trace_result(ll_trace_result *r)
{
    memset(r, 0, sizeof *r);
    r->width = 3;
    r->dim = 2;
    r->samples = 100;
    r->nparams = 6;
    r->v = fake_calloc(3, sizeof(double));
    r->v[0] = 0.5, r->v[1] = 1.0, r->v[2] = 1.5;
    r->soft.mu0 = 0.004;
    r->soft.multiplicity = 4;
    r->soft.n_speeds = 4;
    r->soft.speeds = fake_calloc(4, sizeof(double));
    for (int i = 0; i < 4; i++)
        r->soft.speeds[i] = -0.02 + 0.01 * i;
    r->soft.rate = -0.02;
    r->soft.p_star_predicted = 0.2;
    r->soft_status = LL_OK;
    r->has_closed_form = 1;
    r->closed_form_len = 4;
    r->closed_form_speeds = fake_calloc(4, sizeof(double));
    memcpy(r->closed_form_speeds, r->soft.speeds, 4 * sizeof(double));
    r->closed_form_rate = -0.02;
    r->paper_eq22 = 0.0;
    r->lambda1_prime0 = -0.02;
    r->lambda_star_predicted = 0.2;
    fake_branch(&r->cont.branch);
    r->cont.events = fake_calloc(1, sizeof(ll_event));
    r->cont.n_events = 1;
    fake_event(&r->cont.events[0]);
    r->cont.status = LL_STOP_PARAM;
    r->status = LL_STOP_PARAM;
    strcpy(r->reason, "lambda left [0, 1]");
}

#endif
