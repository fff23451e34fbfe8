/* Checked JSON construction (json_exp.h, issue 6 item 6): a per-thread
 * count of failed cJSON constructions and attachments, so that a writer can
 * refuse to print a tree that lost a key to an allocation failure. Compiled
 * without the checking macros of json_exp.h: these functions call cJSON
 * itself. */
#define LL_JX_NO_CHECK_MACROS 1
#include "io/json_exp.h"

/* Failures so far in this thread; only grows (wrap-around is harmless: a
 * writer compares it with the value it saw, not with 0). */
static _Thread_local unsigned long jx_failures;

cJSON *ll_jx_note(cJSON *item)
{
    jx_failures += item == NULL;
    return item;
}

void ll_jx_put(cJSON *o, const char *key, cJSON *item)
{
    if (!item || !o || !cJSON_AddItemToObject(o, key, item)) {
        cJSON_Delete(item); /* not attached: still ours */
        jx_failures++;
    }
}

void ll_jx_push(cJSON *a, cJSON *item)
{
    if (!item || !a || !cJSON_AddItemToArray(a, item)) {
        cJSON_Delete(item);
        jx_failures++;
    }
}

unsigned long ll_jx_mark(void) { return jx_failures; }

int ll_jx_failed_since(unsigned long mark) { return jx_failures != mark; }
