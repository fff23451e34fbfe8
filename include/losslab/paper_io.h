/* losslab: the report folder of `losslab paper` (see paper.h).
 *
 * ll_io_write_paper_dir(DIR) writes, each file atomically:
 *   DIR/toy/      toy.json, toy_eigenvalues, toy_lines, toy_contours (.png/.svg)
 *   DIR/trace/    trace.json, branch.csv, eigenvalues (.png/.svg)  (m = 10)
 *   DIR/coeffs/   coeffs.json, coeffs_line, coeffs_c2_mu (.png/.svg)
 *   DIR/phase/    phase.json, phase (.png/.svg)
 *   DIR/widths/   widths.json, widths (.png/.svg)
 *   DIR/report.json  the comparison table as data, the eq. (22) and
 *                    data-draw checks, stage timings, config (every
 *                    sub-configuration, version, git revision)
 *   DIR/report.md    the report: per experiment what the paper claims, the
 *                    figures, losslab's values beside the paper's, why they
 *                    differ
 *   DIR/report.html  the same content as one self-contained page (figures
 *                    embedded as base64 PNG, inline CSS, no external
 *                    resources; links to the SVG files beside it)
 * Figures that a result cannot have (coeffs without an event) are skipped
 * and the report says so. Nothing here prints.
 */
#ifndef LOSSLAB_PAPER_IO_H
#define LOSSLAB_PAPER_IO_H

#include "losslab/paper.h"
#include "losslab/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ll_paper_report {
    const ll_paper_opts *opts;
    const char *command_line;   /* may be NULL */
    int jobs;                   /* threads used (recorded) */
    const ll_paper_result *res;
} ll_paper_report;

/* report.json as a malloc'ed string (caller frees). */
ll_status ll_io_paper_json(const ll_paper_report *rep, char **out,
                           ll_errbuf *eb);

/* report.md and report.html as malloc'ed strings (caller frees both).
 * dir is where the figures are (read to embed them in the HTML). */
ll_status ll_io_paper_report(const char *dir, const ll_paper_report *rep,
                             char **md, char **html, ll_errbuf *eb);

/* Everything listed above into dir (created if missing). */
ll_status ll_io_write_paper_dir(const char *dir, const ll_paper_report *rep,
                                ll_errbuf *eb);

#ifdef __cplusplus
}
#endif
#endif
