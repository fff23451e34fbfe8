/* Shared helpers for the cmocka test programs (see testutil.h). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "testutil.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <ftw.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* The directories made by ll_test_tmpdir, removed with their contents at
 * exit (by the process that made them: a forked child that exits must not
 * remove its parent's), unless LL_TEST_KEEP_TMP is set. */
static char **tmp_dirs;
static size_t n_tmp_dirs;
static pid_t tmp_owner;

static int rm_entry(const char *path, const struct stat *sb, int flag,
                    struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    remove(path); /* best effort: a failure leaves the rest to go on */
    return 0;
}

static void rm_tmp_dirs(void)
{
    int keep = getenv("LL_TEST_KEEP_TMP") != NULL;
    for (size_t i = 0; i < n_tmp_dirs; i++) {
        if (!keep && getpid() == tmp_owner)
            nftw(tmp_dirs[i], rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        free(tmp_dirs[i]);
    }
    free(tmp_dirs);
    tmp_dirs = NULL, n_tmp_dirs = 0;
}

const char *ll_test_tmpdir(void)
{
    static char buf[512];
    const char *base = getenv("TMPDIR");
    snprintf(buf, sizeof buf, "%s/losslab-test-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(buf))
        return NULL;
    char **d = realloc(tmp_dirs, (n_tmp_dirs + 1) * sizeof *d);
    char *copy = d ? strdup(buf) : NULL;
    if (d)
        tmp_dirs = d;
    if (copy) {
        if (n_tmp_dirs == 0) {
            tmp_owner = getpid();
            atexit(rm_tmp_dirs);
        }
        tmp_dirs[n_tmp_dirs++] = copy;
    }
    return buf;
}

const char *ll_test_write(const char *dir, const char *name, const void *data,
                          size_t len)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (len == (size_t)-1)
        len = strlen((const char *)data);
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    size_t w = fwrite(data, 1, len, f);
    fclose(f);
    return w == len ? path : NULL;
}

double ll_test_rand(uint64_t *s)
{
    uint64_t x = *s ? *s : 0x9E3779B97F4A7C15ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return (double)((x * 2685821657736338717ull) >> 11) / 4503599627370496.0 - 1.0;
}

void ll_test_fill(uint64_t *state, size_t n, double *x, double scale)
{
    for (size_t i = 0; i < n; i++)
        x[i] = scale * ll_test_rand(state);
}

double ll_test_reldiff(double a, double b, double floor)
{
    double m = fmax(fmax(fabs(a), fabs(b)), floor);
    return fabs(a - b) / m;
}

int ll_test_run(const char *cmd, char *out, size_t outsz)
{
    char full[4096];
    snprintf(full, sizeof full, "(%s) 2>&1", cmd);
    FILE *p = popen(full, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, outsz ? outsz - 1 : 0, p);
    if (outsz)
        out[n] = '\0';
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0) {
    }
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int ll_test_run_bin(char *out, size_t outsz, const char *cwd, const char *fmt,
                    ...)
{
    char args[2048], cmd[3072];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    const char *bin = getenv("LOSSLAB_BIN");
    if (!bin)
        fail_msg("LOSSLAB_BIN is not set");
    if (cwd)
        snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s", cwd, bin, args);
    else
        snprintf(cmd, sizeof cmd, "'%s' %s", bin, args);
    return ll_test_run(cmd, out, outsz);
}

void ll_test_expect_in(const char *out, const char *needle)
{
    if (!strstr(out, needle))
        fail_msg("expected '%s' in output:\n%s", needle, out);
}

const char *ll_test_read_file(const char *path)
{
    static char text[1 << 22];
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    size_t n = fread(text, 1, sizeof text - 1, fp);
    text[n] = '\0';
    fclose(fp);
    return text;
}
