/* The short human summary `losslab trace` prints on stdout. */
#include <math.h>
#include <stdio.h>

#include "cli.h"
#include "losslab/losslab.h"

static void print_problem(FILE *fp, const ll_trace_report *rep)
{
    const ll_trace_result *r = rep->res;
    const ll_trace_opts *o = rep->opts;
    fprintf(fp, "problem: m = %zu, d = %zu, N = %zu, P = %zu, act %s, "
            "alpha = %g%s%s\n", r->width, r->dim, r->samples, r->nparams,
            o->model.act->name, o->model.alpha,
            o->model.train_v ? ", trained v" : "", o->model.bias ? ", biases" : "");
    if (rep->data && rep->data->x_path)
        fprintf(fp, "data: %s%s%s\n", rep->data->x_path,
                rep->data->y_path ? " + " : "",
                rep->data->y_path ? rep->data->y_path : "");
    else if (rep->data)
        fprintf(fp, "data: generator (d = %zu, N = %zu, seed = %llu, "
                "noise = %g)\n", rep->data->gen.d, rep->data->gen.n,
                (unsigned long long)rep->data->gen.seed, rep->data->gen.noise);
}

static void print_softening(FILE *fp, const ll_trace_result *r)
{
    if (r->soft_status == LL_OK)
        fprintf(fp, "lambda = 0: smallest eigenvalue %.6g, multiplicity %zu\n",
                r->soft.mu0, r->soft.multiplicity);
    else
        fprintf(fp, "softening: failed (%s)\n", r->soft_reason);
    if (!isfinite(r->lambda1_prime0)) { /* never print a rate not computed */
        fprintf(fp, "lambda1'(0): not computed, no prediction\n");
        return;
    }
    fprintf(fp, "lambda1'(0) = %.6g", r->lambda1_prime0);
    if (r->has_closed_form && r->closed_form_status == LL_OK)
        fprintf(fp, " (closed form %.6g; paper eq. 22, not the rate: %.6g)",
                r->closed_form_rate, r->paper_eq22);
    if (isfinite(r->lambda_star_predicted))
        fprintf(fp, "\npredicted lambda* = alpha/|lambda1'(0)| = %.6g\n",
                r->lambda_star_predicted);
    else if (r->soft_status == LL_OK && r->soft.rate == 0.0)
        fprintf(fp, "\npredicted lambda*: none (|lambda1'(0)| is below the "
                "rounding level %.2g: no softening detected)\n",
                r->soft.rate_noise);
    else
        fprintf(fp, "\npredicted lambda*: none (lambda1'(0) >= 0)\n");
}

static void print_event(FILE *fp, const ll_event *e, int coefs)
{
    if (!e->located) { /* p is only near the event: say so, no coefficients */
        fprintf(fp, "first event: %s near lambda = %.6g (NOT located: %s), "
                "index %d -> %d\n", ll_event_type_str(e->type), e->p,
                e->reason[0] ? e->reason : ll_status_str(e->status),
                e->index_before, e->index_after);
        return;
    }
    fprintf(fp, "first event: %s at lambda = %.10f, index %d -> %d\n",
            ll_event_type_str(e->type), e->p, e->index_before, e->index_after);
    fprintf(fp, "  mu2 = %.4g, kernel ratio |mu1/mu2| = %.3g, ", e->mu2,
            e->kernel_ratio);
    if (isfinite(e->dmu1_dp))
        fprintf(fp, "dmu1/dlambda = %.4g", e->dmu1_dp);
    else
        fprintf(fp, "dmu1/ds = %.4g", e->dmu1_ds); /* t_p = 0 at a fold */
    fprintf(fp, ", loss = %.10g, ||grad|| = %.2e\n", e->loss, e->grad_norm);
    if (e->status != LL_OK)
        fprintf(fp, "  warning: %s\n", e->reason[0] ? e->reason
                                                   : ll_status_str(e->status));
    if (!coefs || e->status != LL_OK)
        return;
    const ll_lscoef *c = &e->coef;
    fprintf(fp, "  g_p = %.6g, g_aa = %.6g, g_ap = %.6g, g_aaa = %.6g "
            "(bare D^4L = %.6g)\n", c->g_p, c->g_aa, c->g_ap, c->g_aaa,
            c->g_aaa_bare);
    fprintf(fp, "  normal form: %s%s\n", ll_normal_form_str(c->normal_form),
            c->criticality > 0 ? " (supercritical)"
            : c->criticality < 0 ? " (subcritical)" : "");
}

static void print_end(FILE *fp, const ll_trace_report *rep)
{
    const ll_trace_result *r = rep->res;
    const ll_branch *b = &r->cont.branch;
    if (r->cont.n_events > 0)
        print_event(fp, &r->cont.events[0], rep->opts->cont.compute_coefs);
    else if (b->len > 0)
        fprintf(fp, "no event on [0, %g]\n", rep->opts->cont.p_max);
    if (r->cont.n_events > 1) {
        fprintf(fp, "events: %zu in all:", r->cont.n_events);
        for (size_t i = 0; i < r->cont.n_events && i < 6; i++)
            fprintf(fp, "%s %s %s %.6g", i ? "," : "",
                    ll_event_type_str(r->cont.events[i].type),
                    r->cont.events[i].located ? "at" : "near (not located)",
                    r->cont.events[i].p);
        fprintf(fp, "%s\n", r->cont.n_events > 6 ? ", ..." : "");
    }
    fprintf(fp, "run: %s", ll_status_str(r->status));
    if (b->len > 0)
        fprintf(fp, " after %zu points at lambda = %.6g, index %d", b->len,
                b->p[b->len - 1], b->index[b->len - 1]);
    fprintf(fp, " (%.3f s)\n", r->time_total);
}

void cli_print_trace_summary(FILE *fp, const ll_trace_report *rep,
                             const char *out_dir, const char *json)
{
    print_problem(fp, rep);
    if (rep->res->nparams == 0)
        return;
    print_softening(fp, rep->res);
    print_end(fp, rep);
    if (out_dir)
        fprintf(fp, "wrote %s/{trace.json,branch.csv,eigenvalues.png,"
                "eigenvalues.svg}\n", out_dir);
    if (json)
        fprintf(fp, "wrote %s\n", json);
}
