/* Internal to src/io: JSON pieces shared by the sweep writers and the
 * resume reader (sweep_json.c, sweep_resume.c). */
#ifndef LL_IO_SWEEP_JSON_INTERNAL_H
#define LL_IO_SWEEP_JSON_INTERNAL_H

#include "io/json_exp.h" /* numbers (ll_jx_num), checked construction */
#include "losslab/sweep_io.h"

/* The config object. full = 1: also the parameter list, command line and
 * jobs (the combined JSON); 0: only what determines an item's numbers (the
 * object matched on resume). */
cJSON *ll_sj_config(const ll_sweep_report *rep, int full);

/* One item's result object, and back (the item must be cleared; its param
 * is kept). */
cJSON *ll_sj_item(const ll_sweep_item *it);
ll_status ll_sj_item_read(const cJSON *o, ll_sweep_item *it, ll_errbuf *eb);

/* items/<name>.json for item idx (name only, into buf). */
void ll_sj_item_name(const ll_sweep_report *rep, size_t idx, char *buf,
                     size_t n);

#endif
