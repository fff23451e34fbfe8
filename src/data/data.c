/* Data sets: construction from arrays, freeing, reading by file extension,
 * and the shared file/message helpers of the readers (data_internal.h). */
#include "data/data_internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ll_data_free(ll_data *D)
{
    if (!D)
        return;
    free(D->X);
    free(D->y);
    memset(D, 0, sizeof *D);
}

ll_status ll_data_alloc(ll_data *D, size_t n, size_t d, ll_errbuf *eb)
{
    memset(D, 0, sizeof *D);
    if (n == 0 || d == 0)
        return ll_err(eb, LL_ERR_ARG, "data: need N >= 1 and d >= 1 (got N = "
                      "%zu, d = %zu)", n, d);
    if (n > SIZE_MAX / sizeof(double) / d)
        return ll_err(eb, LL_ERR_NOMEM, "data: N x d = %zu x %zu is too large",
                      n, d);
    D->X = malloc(n * d * sizeof *D->X);
    D->y = malloc(n * sizeof *D->y);
    if (!D->X || !D->y) {
        ll_data_free(D);
        return ll_err(eb, LL_ERR_NOMEM, "data: out of memory for %zu x %zu "
                      "samples", n, d);
    }
    D->n = n;
    D->d = d;
    return LL_OK;
}

ll_status ll_data_from_arrays(ll_data *D, size_t n, size_t d, const double *X,
                              const double *y, ll_errbuf *eb)
{
    if (!D || !X || !y)
        return ll_err(eb, LL_ERR_ARG, "data: NULL argument");
    /* Allocate first: ll_data_alloc guards n * d against overflow. */
    ll_status s = ll_data_alloc(D, n, d, eb);
    if (s != LL_OK)
        return s;
    for (size_t i = 0; i < n * d && s == LL_OK; i++)
        if (!(fabs(X[i]) <= LL_DATA_MAX_ABS)) /* also NaN, Inf */
            s = ll_err(eb, LL_ERR_DATA, "data: X[%zu] (sample %zu, feature "
                       "%zu) = %g is not finite or exceeds %g in magnitude",
                       i, i % n, i / n, X[i], LL_DATA_MAX_ABS);
    for (size_t i = 0; i < n && s == LL_OK; i++)
        if (!(fabs(y[i]) <= LL_DATA_MAX_ABS))
            s = ll_err(eb, LL_ERR_DATA, "data: y[%zu] = %g is not finite or "
                       "exceeds %g in magnitude", i, y[i], LL_DATA_MAX_ABS);
    if (s != LL_OK) {
        ll_data_free(D);
        return s;
    }
    memcpy(D->X, X, n * d * sizeof *X);
    memcpy(D->y, y, n * sizeof *y);
    return LL_OK;
}

static int has_npy_ext(const char *path)
{
    size_t len = strlen(path);
    if (len < 4)
        return 0;
    const char *e = path + len - 4;
    return e[0] == '.' && tolower((unsigned char)e[1]) == 'n' &&
           tolower((unsigned char)e[2]) == 'p' &&
           tolower((unsigned char)e[3]) == 'y';
}

ll_status ll_data_read(ll_data *D, const char *x_path, const char *y_path,
                       int target_col, ll_errbuf *eb)
{
    if (!D || !x_path)
        return ll_err(eb, LL_ERR_ARG, "data: NULL argument");
    if (has_npy_ext(x_path))
        return ll_data_read_npy(D, x_path, y_path, target_col, eb);
    if (y_path) {
        memset(D, 0, sizeof *D);
        return ll_err(eb, LL_ERR_ARG, "data: %s: a separate target file is "
                      "only supported for .npy data", x_path);
    }
    return ll_data_read_csv(D, x_path, target_col, eb);
}

void ll_data_quote(const char *s, size_t len, char *out, size_t outsz)
{
    if (outsz == 0)
        return;
    size_t room = outsz - 1, cut = len > room ? (room > 3 ? room - 3 : 0) : len;
    size_t i = 0;
    for (; i < cut; i++)
        out[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
    if (cut < len)
        for (size_t k = 0; k < 3 && i < room; k++)
            out[i++] = '.';
    out[i] = '\0';
}

/* Chunked read (works for pipes and files whose size is unknown), doubling
 * the buffer up to LL_DATA_MAX_FILE. */
static ll_status slurp_stream(FILE *f, const char *path, char **buf,
                              size_t *len, ll_errbuf *eb)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap + 1);
    if (!b)
        return ll_err(eb, LL_ERR_NOMEM, "data: %s: out of memory", path);
    for (;;) {
        n += fread(b + n, 1, cap - n, f);
        if (n < cap)
            break;
        if (cap >= LL_DATA_MAX_FILE) {
            free(b);
            return ll_err(eb, LL_ERR_IO, "data: %s: file larger than the "
                          "%zu-byte limit", path, (size_t)LL_DATA_MAX_FILE);
        }
        char *nb = realloc(b, 2 * cap + 1);
        if (!nb) {
            free(b);
            return ll_err(eb, LL_ERR_NOMEM, "data: %s: out of memory", path);
        }
        b = nb, cap *= 2;
    }
    if (ferror(f)) {
        int e = errno;
        free(b);
        return ll_err(eb, LL_ERR_IO, "data: %s: read error: %s", path,
                      strerror(e));
    }
    b[n] = '\0';
    *buf = b, *len = n;
    return LL_OK;
}

ll_status ll_data_file_slurp(const char *path, char **buf, size_t *len,
                             ll_errbuf *eb)
{
    *buf = NULL, *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ll_err(eb, LL_ERR_IO, "data: %s: cannot open: %s", path,
                      strerror(errno));
    ll_status s = slurp_stream(f, path, buf, len, eb);
    fclose(f);
    return s;
}
