/* Internal to src/study: Newton polish at fixed p (see polish.c). */
#ifndef LL_STUDY_POLISH_H
#define LL_STUDY_POLISH_H

#include "losslab/problem.h"
#include "losslab/status.h"

/* Polish x in place; iters and gnorm (may be NULL) get the Newton iterations
 * spent and the final ||F||. */
ll_status ll_study_polish(const ll_problem *pb, double *x, double p,
                          double tol, int maxit, int *iters, double *gnorm,
                          ll_errbuf *eb);

#endif
