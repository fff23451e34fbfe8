/* Shared helpers for the cmocka test programs. */
#ifndef LL_TESTUTIL_H
#define LL_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the three above first. */
#include <cmocka.h>

/* A fresh temporary directory (mkdtemp under $TMPDIR or /tmp); the returned
 * string is static storage valid until the next call. Removed with its
 * contents when the test program exits (LL_TEST_KEEP_TMP=1 keeps it). */
const char *ll_test_tmpdir(void);

/* Write `len` bytes (len == (size_t)-1: strlen) to dir/name; returns the full
 * path in static storage valid until the next call. */
const char *ll_test_write(const char *dir, const char *name, const void *data,
                          size_t len);

/* Deterministic pseudo-random numbers for tests (xorshift64*), uniform in
 * [-1, 1). */
double ll_test_rand(uint64_t *state);
void ll_test_fill(uint64_t *state, size_t n, double *x, double scale);

/* Relative difference |a - b| / max(|a|, |b|, floor). */
double ll_test_reldiff(double a, double b, double floor);

/* Run a shell command, return its exit status (or -1), and its combined
 * output (stdout + stderr) into out (size outsz, NUL-terminated). */
int ll_test_run(const char *cmd, char *out, size_t outsz);

/* Run "$LOSSLAB_BIN <printf(fmt, ...)>" (after `cd cwd` when cwd is not
 * NULL) through ll_test_run: exit status, combined output into out. Fails
 * the test when LOSSLAB_BIN is not set. */
int ll_test_run_bin(char *out, size_t outsz, const char *cwd, const char *fmt,
                    ...);

/* Fail the test, showing out, unless needle occurs in out. */
void ll_test_expect_in(const char *out, const char *needle);

/* The whole text of a file (at most 4 MiB - 1 bytes), NUL-terminated, in
 * static storage valid until the next call; fails the test if the file
 * cannot be opened. */
const char *ll_test_read_file(const char *path);

#endif
