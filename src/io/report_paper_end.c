/* The closing sections of the `paper` report: the causes of the
 * differences (MATH.md sections 1-4: event type, tolerance, formula,
 * slaved term, data draw), each with losslab's numbers, and the list of
 * files with the command that made them. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/report_paper_internal.h"
#include "losslab/losslab.h"

static void cause_event(ll_doc *d, const ll_paper_result *r)
{
    const ll_trace_result *t = &r->coeffs.trace;
    const ll_event *e = t->cont.n_events ? &t->cont.events[0] : NULL;
    ll_doc_lead(d, "Event type.", "losslab follows the critical branch by "
                "pseudo-arclength continuation with Newton on the bordered "
                "system, through folds and onto saddle arms, and classifies "
                "each event from the Morse index (inertia of LDL^T) and the "
                "tangent. The paper tracks a minimiser, which cannot stay on "
                "a saddle arm. At m = %zu losslab's first event is %s%s.",
                t->width, e ? "a " : "none",
                e ? ll_event_type_str(e->type) : "");
}

static void cause_tolerance(ll_doc *d)
{
    ll_doc_lead(d, "Tolerance.", "The paper's eigenvalues are forward-"
                "difference Hessians at warm-started L-BFGS-B iterates with "
                "its default (loose) tolerance on a 1/200-1/400 grid in "
                "lambda: a point that is not a critical point, and a crossing "
                "known to a grid step. losslab converges every point to "
                "||F|| <= 1e-12 (scaled), uses exact Hessians, and locates "
                "events to |d lambda| <= 1e-10. Near an event the smallest "
                "eigenvalue moves by about |lambda_1'(0)| per unit lambda, so "
                "small eigenvalue errors move the crossing far (see the "
                "lambda* note).");
}

static void cause_formula(ll_doc *d, const ll_paper_result *r)
{
    const ll_trace_result *t = &r->coeffs.trace;
    ll_doc_lead(d, "Formula.", "The softening rate is the smallest "
                "eigenvalue of d_lambda H restricted to E = {v^T dW = 0} "
                "(degenerate perturbation theory, MATH.md section 1). The "
                "paper's eq. (22) is a Gauss-Newton term that vanishes "
                "identically on E; at m = %zu it is %.6g where the rate is "
                "%.6g, and over the widths it falls like m^%.1f where the "
                "rate falls like 1/m (fit K = %.4f).", t->width,
                t->paper_eq22, t->lambda1_prime0, r->eq22_power,
                r->widths.fit.K);
}

static void cause_slaved(ll_doc *d, const ll_paper_result *r)
{
    const ll_coeffs_result *c = &r->coeffs;
    if (!c->have_event)
        return;
    ll_doc_lead(d, "Slaved term.", "The cubic coefficient of the reduced "
                "equation is g_aaa = D^4L[phi^4] - 3 B^T H_R^+ B with B = "
                "D^3L[phi, phi, .] (MATH.md section 3); the paper's Thm 7.14 "
                "drops the second term. Here D^4L[phi^4] = %.6g, g_aaa = "
                "%.6g.", c->coef.g_aaa_bare, c->coef.g_aaa);
}

static void cause_draw(ll_doc *d, const ll_paper_result *r)
{
    if (!r->n_draws) {
        ll_doc_lead(d, "Data draw.", "The paper's sample is not published; "
                    "no other draws were computed for this run.");
        return;
    }
    ll_doc_lead(d, "Data draw.", "The paper's sample of the distribution is "
                "not published (losslab draws with GSL's mt19937). On %zu "
                "other draws (N = %zu) K ranges from %.4f to %.4f (mean "
                "%.4f, sd %.4f), so the draw alone moves K by about %.0f %%.",
                r->n_draws, r->data.n, r->draw_K_min, r->draw_K_max,
                r->draw_K_mean, r->draw_K_sd,
                100.0 * r->draw_K_sd / fabs(r->draw_K_mean));
}

void ll_rp_causes(ll_doc *d, const ll_paper_report *rep)
{
    ll_doc_heading(d, 2, "Why losslab's numbers differ from the paper's");
    cause_event(d, rep->res);
    cause_tolerance(d);
    cause_formula(d, rep->res);
    cause_slaved(d, rep->res);
    cause_draw(d, rep->res);
}

void ll_rp_files(ll_doc *d, const ll_paper_report *rep)
{
    const ll_paper_result *r = rep->res;
    ll_doc_heading(d, 2, "Files");
    ll_doc_item(d, "report.json: the table above as data, the eq. (22) and "
                "data-draw checks, timings, the configuration");
    ll_doc_item(d, "toy/: toy.json, toy_eigenvalues, toy_lines, toy_contours "
                "(.png, .svg)");
    ll_doc_item(d, "trace/: trace.json, branch.csv, eigenvalues (.png, .svg)");
    ll_doc_item(d, "coeffs/: coeffs.json%s", r->coeffs.have_event
                ? ", coeffs_line, coeffs_c2_mu (.png, .svg)" : "");
    ll_doc_item(d, "phase/: phase.json, phase (.png, .svg)");
    ll_doc_item(d, "widths/: widths.json, widths (.png, .svg)");
    ll_doc_para(d, "Time per stage: toy %.2f s, trace + coefficients %.2f s, "
                "phase %.2f s, widths %.2f s, formulas and other draws "
                "%.2f s; %d threads.", r->stage_time[LL_PAPER_TOY],
                r->stage_time[LL_PAPER_COEFFS], r->stage_time[LL_PAPER_PHASE],
                r->stage_time[LL_PAPER_WIDTHS],
                r->stage_time[LL_PAPER_FORMULAS], rep->jobs);
    if (rep->command_line)
        ll_doc_code(d, rep->command_line);
}
