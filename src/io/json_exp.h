/* Internal JSON helpers of the experiment result files (toy, coeffs): the
 * same number formatting as the trace JSON (shortest exact %.15g-%.17g,
 * non-finite -> null), the data-source object and the provenance keys
 * (version, git revision, command line). Not installed. */
#ifndef LL_IO_JSON_EXP_H
#define LL_IO_JSON_EXP_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "losslab/cont.h"
#include "losslab/study.h"

cJSON *ll_jx_num(double x);
void ll_jx_add_num(cJSON *o, const char *key, double x);
void ll_jx_add_str(cJSON *o, const char *key, const char *s); /* NULL->null */
cJSON *ll_jx_nums(const double *x, size_t n);
cJSON *ll_jx_ints(const int *x, size_t n);
cJSON *ll_jx_data_source(const ll_data_source *src);
cJSON *ll_jx_cont_opts(const ll_cont_opts *c);
cJSON *ll_jx_coef(const ll_lscoef *c);
/* version, git_revision, command_line into the config object. */
void ll_jx_provenance(cJSON *config, const char *command_line);
/* Print root (consumed) into a malloc'ed string, or write it atomically. */
ll_status ll_jx_finish(cJSON *root, char **out, ll_errbuf *eb);
ll_status ll_jx_write(const char *path, char *s, ll_errbuf *eb); /* frees s */

#endif
