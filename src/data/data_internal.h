/* Helpers shared by the data readers (not public API). */
#ifndef LL_DATA_INTERNAL_H
#define LL_DATA_INTERNAL_H

#include <stddef.h>

#include "losslab/data.h"

/* Largest file a reader will load: bounds every allocation a hostile file
 * can cause (the whole file is held in memory while it is parsed). */
#define LL_DATA_MAX_FILE ((size_t)1 << 30)

/* Read the whole file into a fresh NUL-terminated buffer (*buf, *len bytes
 * before the NUL). Errors: LL_ERR_IO naming the file and the reason. */
ll_status ll_data_file_slurp(const char *path, char **buf, size_t *len,
                             ll_errbuf *eb);

/* Copy up to `max` bytes of `s` (length `len`) into out (size outsz) with
 * non-printable bytes replaced by '?', adding "..." when cut: safe to quote
 * hostile text in an error message. */
void ll_data_quote(const char *s, size_t len, char *out, size_t outsz);

/* Allocate D->X (n*d) and D->y (n) with overflow checks; D is zeroed first. */
ll_status ll_data_alloc(ll_data *D, size_t n, size_t d, ll_errbuf *eb);

#endif
