/* Sections Exp 1-3 of the `paper` report (seed 000 appendix B.1-B.3):
 * the symmetric toy, the interior event at m = 10, transversality. The
 * "Paper:" paragraphs paraphrase the paper's claims; the "losslab:"
 * paragraphs are worded from the results. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/report_paper_internal.h"

void ll_rp_exp1(ll_doc *d, const ll_paper_report *rep)
{
    const ll_toy_result *t = &rep->res->toy;
    ll_doc_heading(d, 2, "Exp 1: the obstruction in the symmetric toy");
    ll_doc_lead(d, "Paper (B.1, Fig. 1 top):", "d = 1, m = 2, v = (1, 1), "
                "alpha = 0. The transverse eigenvalue (direction w1 - w2) is "
                "exactly 0 at lambda = 0 and becomes increasingly negative; "
                "the longitudinal one stays positive: the diagonal branch is "
                "a saddle from the start (Prop. 7.2). The reduced potential "
                "along w1 - w2 is even (c3 = 0 to machine precision) and its "
                "double well deepens with lambda; the contours go from one "
                "valley along w1 = w2 to two off-diagonal minima with a "
                "saddle on the diagonal.");
    if (t->len > 0) {
        size_t e = t->len - 1;
        ll_doc_lead(d, "losslab:", "the branch is continued inside the "
                    "symmetric subspace w1 = w2 (%zu points, %s). At lambda "
                    "= 0 mu_T = %.1e and mu_L = %.4g; at lambda = %.3g mu_T "
                    "= %.4g, mu_L = %.4g, Morse index %d. Events of the full "
                    "problem on the branch: %zu.", t->len,
                    t->symmetric ? "symmetric v" : "asymmetric v", t->mu_T[0],
                    t->mu_L[0], t->lambda[e], t->mu_T[e], t->mu_L[e],
                    t->index[e], t->n_events);
    } else {
        ll_doc_lead(d, "losslab:", "the toy run failed: %s.", t->reason);
    }
    ll_doc_figure(d, "toy/toy_eigenvalues", "Exp 1: transverse (mu_T) and "
                  "longitudinal (mu_L) Hessian eigenvalues along the diagonal "
                  "branch");
    ll_doc_figure(d, "toy/toy_lines", "Exp 1: line restrictions phi_red(a) "
                  "along w1 - w2 at several lambda, with the fitted c3");
    ll_doc_figure(d, "toy/toy_contours", "Exp 1: loss contours in the (w1, "
                  "w2) plane; red: the critical level, dot: the branch's "
                  "critical point");
    ll_rp_rows(d, rep->res, "Exp 1");
}

static void events_list(ll_doc *d, const ll_trace_result *t)
{
    for (size_t i = 0; i < t->cont.n_events; i++) {
        const ll_event *e = &t->cont.events[i];
        ll_doc_item(d, "%s at lambda = %.10f, index %d -> %d, mu2 = %.3g, "
                    "|mu1/mu2| = %.3g, normal form %s", ll_event_type_str(e->type),
                    e->p, e->index_before, e->index_after, e->mu2,
                    e->kernel_ratio, ll_normal_form_str(e->coef.normal_form));
    }
}

void ll_rp_exp2(ll_doc *d, const ll_paper_report *rep)
{
    const ll_trace_result *t = &rep->res->coeffs.trace;
    ll_doc_heading(d, 2, "Exp 2: the interior event with broken symmetry "
                   "(m = %zu)", t->width);
    ll_doc_lead(d, "Paper (B.2, Fig. 1):", "d = 5, m = 10, v_j = linspace("
                "0.5, 1.5), alpha = 4e-3, N = 500. The smallest eigenvalue "
                "crosses zero at an interior lambda* = 0.721 with a cleanly "
                "one-dimensional kernel (|lambda1/lambda2| = 0.009) and a "
                "nonzero crossing speed (-0.006); the event is read as a "
                "near-pitchfork, and past it the minimiser \"snaps\" to a "
                "new minimum.");
    ll_doc_lead(d, "losslab:", "softening rate lambda_1'(0) = %.6g (closed "
                "form %.6g; the paper's eq. (22) expression, not the rate: "
                "%.6g), predicted lambda* = alpha/|lambda_1'(0)| = %.4f. The "
                "branch was followed to the end (%s: %s) in %zu points; "
                "events, in arclength order:", t->lambda1_prime0,
                t->closed_form_rate, t->paper_eq22, t->lambda_star_predicted,
                ll_status_str(t->status), t->reason, t->cont.branch.len);
    if (t->cont.n_events)
        events_list(d, t);
    else
        ll_doc_item(d, "none on [0, %g]", rep->opts->coeffs.trace.cont.p_max);
    ll_doc_figure(d, "trace/eigenvalues", "Exp 2: the smallest Hessian "
                  "eigenvalues along the critical branch from the linear "
                  "minimiser, events marked");
    ll_rp_rows(d, rep->res, "Exp 2");
}

void ll_rp_exp3(ll_doc *d, const ll_paper_report *rep)
{
    const ll_coeffs_result *c = &rep->res->coeffs;
    ll_doc_heading(d, 2, "Exp 3: transversality");
    ll_doc_lead(d, "Paper (B.3, Fig. 2):", "the coefficient c2 of the "
                "reduced potential, fitted at each lambda, is linear in mu = "
                "lambda - lambda* with a nonzero slope; the loss along the "
                "branch is smooth and the gradient norm stays small.");
    if (!c->have_event) {
        ll_doc_lead(d, "losslab:", "no event on the branch, so there is no "
                    "c2 against mu to show (%s).", c->reason);
    } else {
        ll_doc_lead(d, "losslab:", "c2 at lambda* + mu for %zu values of mu "
                    "(critical points on the branch by Newton): slope of the "
                    "fitted c2 %.4g, of the exact phi^T H phi/2 %.4g; "
                    "predicted g_ap/2 at a branch point: %s.", c->n_mu,
                    c->slope, c->slope_exact,
                    isfinite(c->slope_predicted) ? "see the JSON"
                                                 : "none (a fold)");
        ll_doc_figure(d, "coeffs/coeffs_c2_mu", "Exp 3: c2 of the line "
                      "restriction against mu = lambda - lambda*, fitted and "
                      "exact");
    }
    ll_rp_rows(d, rep->res, "Exp 3");
}
