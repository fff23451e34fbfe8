/* cJSON helpers for the test programs that read losslab's JSON output (only
 * those link cJSON, through ll_io, so these live apart from testutil.h).
 * static inline: a program that uses one of them does not get warnings for
 * the others. */
#ifndef LL_TESTJSON_H
#define LL_TESTJSON_H

#include "testutil.h"

#include <cjson/cJSON.h>

/* Parse a JSON file; fails the test if it cannot be read or parsed. */
static inline cJSON *ll_test_parse_json_file(const char *path)
{
    cJSON *root = cJSON_Parse(ll_test_read_file(path));
    if (!root)
        fail_msg("%s is not valid JSON", path);
    return root;
}

/* The member `key` of object o; fails the test if it is missing. */
static inline const cJSON *ll_test_json_get(const cJSON *o, const char *key)
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!it)
        fail_msg("missing key '%s'", key);
    return it;
}

#endif
