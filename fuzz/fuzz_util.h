/* Helpers shared by the libFuzzer targets (fuzz/, not part of the library).
 *
 * The readers take a path, so each fuzz input is handed to them as a file.
 * A memfd (an anonymous in-memory file) named by its /proc/self/fd path
 * avoids touching the disk: fopen() on that path opens a fresh description
 * at offset 0, exactly like a regular file. One memfd per slot is created
 * once and truncated/rewritten for every input (no fd leak, no temp files
 * left behind if the fuzzer is killed).
 *
 * Oracles beyond "no sanitizer report": a reader that fails must leave the
 * data set zeroed and write a non-empty, NUL-terminated message; a reader that
 * succeeds must return N >= 1, d >= 1 and only finite numbers. A violated
 * oracle calls __builtin_trap(), which libFuzzer reports as a crash.
 */
#ifndef LL_FUZZ_UTIL_H
#define LL_FUZZ_UTIL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "losslab/data.h"

#define FUZZ_SLOTS 2

/* Write data to in-memory file `slot` and return a path naming it (static
 * storage per slot), or NULL if the memfd could not be made. */
static const char *fuzz_file(int slot, const uint8_t *data, size_t size)
{
    static int fds[FUZZ_SLOTS] = {-1, -1};
    static char paths[FUZZ_SLOTS][48];
    if (fds[slot] < 0) {
        fds[slot] = memfd_create("ll_fuzz", 0);
        if (fds[slot] < 0)
            return NULL;
        snprintf(paths[slot], sizeof paths[slot], "/proc/self/fd/%d",
                 fds[slot]);
    }
    if (ftruncate(fds[slot], 0) != 0)
        return NULL;
    for (size_t off = 0; off < size;) {
        ssize_t w = pwrite(fds[slot], data + off, size - off, (off_t)off);
        if (w <= 0)
            return NULL;
        off += (size_t)w;
    }
    return paths[slot];
}

/* The oracle described above; returns nothing, traps on a violation. */
static void fuzz_check_result(ll_status s, const ll_data *D,
                              const ll_errbuf *eb)
{
    if (s != LL_OK) {
        if (s > 0 || D->X || D->y || D->n || D->d)
            __builtin_trap();
        if (memchr(eb->msg, '\0', sizeof eb->msg) == NULL || eb->msg[0] == 0)
            __builtin_trap();
        return;
    }
    if (D->n == 0 || D->d == 0 || !D->X || !D->y)
        __builtin_trap();
    for (size_t i = 0; i < D->n * D->d; i++)
        if (!isfinite(D->X[i]))
            __builtin_trap();
    for (size_t i = 0; i < D->n; i++)
        if (!isfinite(D->y[i]))
            __builtin_trap();
}

#endif
