/* losslab: a numerical laboratory for the loss landscapes of small neural
 * networks. This umbrella header includes the whole public C API:
 *
 *   status.h   status codes, error lines
 *   act.h      activations and the activation homotopy
 *   data.h     data sets: CSV/NPY readers, the built-in generator
 *   model.h    the two-layer network and its exact derivatives
 *   problem.h  the ops table of a one-parameter family L(x; p)
 *   cont.h     critical-branch continuation, Morse index, events
 *   bif.h      Lyapunov-Schmidt coefficients, normal forms, softening
 *   linalg.h   the dense linear algebra wrappers
 *   study.h    studies: the `trace` job (data, model, softening, branch)
 *   io.h       results on disk: atomic files, JSON, CSV, figures
 *   sweep.h    sweeps: `widths` (the K/m fit) and `phase` (v = (1, a))
 *   sweep_io.h sweep files: per-item JSON, resume, combined JSON, figures
 *   experiments.h  `toy` and `coeffs`
 *   diagram.h, diagram_study.h  bifurcation diagrams
 *   paper.h, paper_io.h  the seed paper's experiments and the report
 */
#ifndef LOSSLAB_H
#define LOSSLAB_H

#include "losslab/act.h"
#include "losslab/bif.h"
#include "losslab/cont.h"
#include "losslab/data.h"
#include "losslab/io.h"
#include "losslab/linalg.h"
#include "losslab/model.h"
#include "losslab/problem.h"
#include "losslab/status.h"
#include "losslab/study.h"
#include "losslab/sweep.h"
#include "losslab/sweep_io.h"
#include "losslab/experiments.h"
#include "losslab/diagram.h"
#include "losslab/diagram_study.h"
#include "losslab/paper.h"
#include "losslab/paper_io.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The library version ("0.1.0") and the git revision it was built from
 * ("1a2b3c4d5e6f", with "-dirty" if the tree had uncommitted changes). */
const char *ll_version(void);
const char *ll_git_revision(void);

#ifdef __cplusplus
}
#endif
#endif
