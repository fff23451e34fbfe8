/* Internal JSON helpers of every losslab result file (trace, toy, coeffs,
 * diagram, sweeps, the paper report): the number format (shortest exact
 * %.15g-%.17g, non-finite -> null), the data-source, model, continuation and
 * provenance blocks of the configs, and checked construction. Not
 * installed.
 *
 * Checked construction (issue 6 item 6). Out of memory, every cJSON
 * constructor returns NULL and cJSON_AddItemTo* returns false without taking
 * the item: unchecked, a writer would leak the item and print an object
 * with keys silently missing. So, in every file that includes this header,
 * the cJSON constructors below are macros that count a NULL result
 * (ll_jx_note), and cJSON_AddItemToObject / cJSON_AddItemToArray become
 * ll_jx_put / ll_jx_push, which free an item they cannot attach (or a NULL
 * parent's item) and count that too. (A function-like macro is not expanded
 * again inside its own expansion, so the macro calls the real function.)
 * The count is per thread (sweep items are written from worker threads)
 * and only grows: a writer takes ll_jx_mark() before building and hands it
 * to ll_jx_finish, which refuses to print -- LL_ERR_NOMEM, nothing written,
 * the tree freed -- if any construction failed since the mark. Nested
 * builders are safe (no reset). */
#ifndef LL_IO_JSON_EXP_H
#define LL_IO_JSON_EXP_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "losslab/cont.h"
#include "losslab/model.h"
#include "losslab/study.h"

/* ---- checked construction ---- */
cJSON *ll_jx_note(cJSON *item);          /* counts item == NULL */
void ll_jx_put(cJSON *o, const char *key, cJSON *item);
void ll_jx_push(cJSON *a, cJSON *item);
unsigned long ll_jx_mark(void);          /* failures so far (this thread) */
int ll_jx_failed_since(unsigned long mark);

#ifndef LL_JX_NO_CHECK_MACROS
#define cJSON_CreateObject() ll_jx_note(cJSON_CreateObject())
#define cJSON_CreateArray() ll_jx_note(cJSON_CreateArray())
#define cJSON_CreateNull() ll_jx_note(cJSON_CreateNull())
#define cJSON_CreateTrue() ll_jx_note(cJSON_CreateTrue())
#define cJSON_CreateFalse() ll_jx_note(cJSON_CreateFalse())
#define cJSON_CreateBool(b) ll_jx_note(cJSON_CreateBool(b))
#define cJSON_CreateRaw(s) ll_jx_note(cJSON_CreateRaw(s))
#define cJSON_CreateNumber(x) ll_jx_note(cJSON_CreateNumber(x))
#define cJSON_CreateString(s) ll_jx_note(cJSON_CreateString(s))
#define cJSON_AddNumberToObject(o, k, x) \
    ll_jx_note(cJSON_AddNumberToObject(o, k, x))
#define cJSON_AddStringToObject(o, k, s) \
    ll_jx_note(cJSON_AddStringToObject(o, k, s))
#define cJSON_AddRawToObject(o, k, s) ll_jx_note(cJSON_AddRawToObject(o, k, s))
#define cJSON_AddBoolToObject(o, k, b) ll_jx_note(cJSON_AddBoolToObject(o, k, b))
#define cJSON_AddTrueToObject(o, k) ll_jx_note(cJSON_AddTrueToObject(o, k))
#define cJSON_AddFalseToObject(o, k) ll_jx_note(cJSON_AddFalseToObject(o, k))
#define cJSON_AddNullToObject(o, k) ll_jx_note(cJSON_AddNullToObject(o, k))
#define cJSON_AddObjectToObject(o, k) ll_jx_note(cJSON_AddObjectToObject(o, k))
#define cJSON_AddArrayToObject(o, k) ll_jx_note(cJSON_AddArrayToObject(o, k))
#define cJSON_AddItemToObject(o, k, it) ll_jx_put(o, k, it)
#define cJSON_AddItemToArray(a, it) ll_jx_push(a, it)
#endif

/* ---- numbers ---- */
/* x into buf in the shortest of %.15g, %.16g, %.17g that strtod reads back
 * exactly (cJSON's own printer stops at 15 digits when that is within
 * DBL_EPSILON, which loses the last bits: 0.30000000000000004 -> 0.3). */
void ll_jx_fmt_num(char *buf, size_t n, double x);
cJSON *ll_jx_num(double x);                 /* raw number; non-finite: null */
void ll_jx_add_num(cJSON *o, const char *key, double x);
void ll_jx_add_str(cJSON *o, const char *key, const char *s); /* NULL->null */
cJSON *ll_jx_nums(const double *x, size_t n); /* x NULL: [] */
cJSON *ll_jx_ints(const int *x, size_t n);

/* ---- config blocks ---- */
/* {"source": "file", x_path, y_path, target_col} or {"source": gen_label,
 * dim, samples, seed, noise}; src NULL: {"source": "unknown"}. */
cJSON *ll_jx_data_source_as(const ll_data_source *src, const char *gen_label);
cJSON *ll_jx_data_source(const ll_data_source *src); /* label "generator" */
/* "seed": the generator's seed, or null for data read from files. */
void ll_jx_add_seed(cJSON *config, const ll_data_source *src);
/* dim, samples, width, nparams, alpha, act, v (width entries; NULL: []),
 * train_v, bias: the model block of the trace, coeffs and diagram configs. */
void ll_jx_add_model(cJSON *config, const ll_model_opts *mo, size_t dim,
                     size_t samples, size_t width, size_t nparams,
                     const double *v);
/* The continuation options. Always lambda_min, lambda_max, ds0, ds_min,
 * ds_max, max_steps, newton_tol, max_angle, locate_tol, z2_declared; with
 * LL_JX_CONT_RUN also max_length, newton_maxit, n_eigs, locate_events,
 * compute_coefs; with LL_JX_CONT_BIF also gp_zero_rel,
 * near_pitchfork_ratio (in the trace JSON's key order). */
#define LL_JX_CONT_RUN 1u
#define LL_JX_CONT_BIF 2u
cJSON *ll_jx_cont_opts_keys(const ll_cont_opts *c, unsigned keys);
cJSON *ll_jx_cont_opts(const ll_cont_opts *c); /* LL_JX_CONT_BIF */
cJSON *ll_jx_coef(const ll_lscoef *c);
/* version, git_revision, command_line into the config object. */
void ll_jx_provenance(cJSON *config, const char *command_line);

/* ---- output ---- */
/* Print root (consumed, also on error) into a malloc'ed string; refused
 * with LL_ERR_NOMEM if a construction failed since mark. */
ll_status ll_jx_finish(cJSON *root, unsigned long mark, char **out,
                       ll_errbuf *eb);
ll_status ll_jx_write(const char *path, char *s, ll_errbuf *eb); /* frees s */

#endif
