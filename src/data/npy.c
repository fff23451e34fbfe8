/* NumPy .npy reader (format 1.0, 2.0, 3.0), little-endian float64 only.
 *
 * Format (numpy.lib.format): the magic "\x93NUMPY", a major and a minor
 * version byte, the header length (uint16 LE for 1.0, uint32 LE for 2.0 and
 * 3.0), then an ASCII/UTF-8 Python dict literal
 *     {'descr': '<f8', 'fortran_order': False, 'shape': (N, k), }
 * padded with spaces and a newline, then the raw data: prod(shape) values in
 * C (row-major) or Fortran (column-major) order. The dict is parsed here by a
 * small bounded cursor (no Python, no allocation), every length is checked
 * against the file size and every product against SIZE_MAX, so hostile files
 * give an error, never a crash. Spec: issue 2 item 4, data.h.
 */
#include "data/data_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPY_MAX_DIMS 32

typedef struct npy_array {
    size_t ndim;
    size_t rows, cols; /* cols = 1 for 1-D */
    double *a;         /* rows x cols, column-major, owned */
} npy_array;

typedef struct npy_header {
    char descr[32];
    int fortran, have_descr, have_fortran, have_shape;
    size_t ndim, dims[NPY_MAX_DIMS];
} npy_header;

typedef struct hcur {
    const char *s;
    size_t n, i;
} hcur;

static void skip_ws(hcur *c)
{
    while (c->i < c->n && (c->s[c->i] == ' ' || c->s[c->i] == '\t' ||
                           c->s[c->i] == '\n' || c->s[c->i] == '\r'))
        c->i++;
}

static int peek(hcur *c)
{
    skip_ws(c);
    return c->i < c->n ? (unsigned char)c->s[c->i] : -1;
}

static int eat(hcur *c, char ch)
{
    if (peek(c) != (unsigned char)ch)
        return 0;
    c->i++;
    return 1;
}

/* A quoted string without escapes, copied (bounded) into out. */
static int parse_str(hcur *c, char *out, size_t outsz)
{
    int q = peek(c);
    if (q != '\'' && q != '"')
        return 0;
    size_t start = ++c->i;
    while (c->i < c->n && c->s[c->i] != q && c->s[c->i] != '\\')
        c->i++;
    if (c->i >= c->n || c->s[c->i] != q)
        return 0;
    ll_data_quote(c->s + start, c->i - start, out, outsz);
    c->i++;
    return 1;
}

static int parse_word(hcur *c, const char *w)
{
    size_t l = strlen(w);
    peek(c);
    if (c->n - c->i < l || memcmp(c->s + c->i, w, l) != 0)
        return 0;
    c->i += l;
    return 1;
}

/* A non-negative integer (an old Python 2 'L' suffix is allowed). */
static int parse_uint(hcur *c, size_t *v)
{
    if (peek(c) < '0' || peek(c) > '9')
        return 0;
    size_t x = 0;
    while (c->i < c->n && c->s[c->i] >= '0' && c->s[c->i] <= '9') {
        size_t dgt = (size_t)(c->s[c->i++] - '0');
        if (x > (SIZE_MAX - dgt) / 10)
            return 0;
        x = 10 * x + dgt;
    }
    if (c->i < c->n && c->s[c->i] == 'L')
        c->i++;
    *v = x;
    return 1;
}

/* '(' [uint {',' uint} [',']] ')' */
static int parse_shape(hcur *c, npy_header *h)
{
    if (!eat(c, '('))
        return 0;
    h->ndim = 0;
    while (!eat(c, ')')) {
        if (h->ndim == NPY_MAX_DIMS || !parse_uint(c, &h->dims[h->ndim++]))
            return 0;
        if (!eat(c, ',') && peek(c) != ')')
            return 0;
    }
    return 1;
}

static const char *parse_entry(hcur *c, npy_header *h)
{
    char key[32];
    if (!parse_str(c, key, sizeof key) || !eat(c, ':'))
        return "expected 'key': value";
    if (strcmp(key, "descr") == 0) {
        if (h->have_descr++ || !parse_str(c, h->descr, sizeof h->descr))
            return "'descr' is repeated or not a simple dtype string "
                   "(structured arrays are not supported)";
    } else if (strcmp(key, "fortran_order") == 0) {
        if (h->have_fortran++)
            return "'fortran_order' is repeated";
        if (parse_word(c, "True"))
            h->fortran = 1;
        else if (!parse_word(c, "False"))
            return "'fortran_order' is not True or False";
    } else if (strcmp(key, "shape") == 0) {
        if (h->have_shape++ || !parse_shape(c, h))
            return "'shape' is repeated or not a tuple of non-negative integers";
    } else {
        return "unexpected key (only 'descr', 'fortran_order', 'shape')";
    }
    return NULL;
}

static const char *parse_dict(const char *s, size_t n, npy_header *h)
{
    hcur c = {s, n, 0};
    memset(h, 0, sizeof *h);
    if (!eat(&c, '{'))
        return "does not start with '{'";
    while (!eat(&c, '}')) {
        const char *why = parse_entry(&c, h);
        if (why)
            return why;
        if (!eat(&c, ',') && peek(&c) != '}')
            return "expected ',' or '}'";
    }
    if (peek(&c) != -1)
        return "text after the closing '}'";
    if (!h->have_descr || !h->have_fortran || !h->have_shape)
        return "missing 'descr', 'fortran_order' or 'shape'";
    return NULL;
}

static uint64_t le_u(const unsigned char *p, int bytes)
{
    uint64_t u = 0;
    for (int k = bytes - 1; k >= 0; k--)
        u = (u << 8) | p[k];
    return u;
}

/* Magic, version and header dict; *data_off = first byte of the data. */
static ll_status npy_parse_prefix(const char *path, const unsigned char *b,
                                  size_t len, npy_header *h, size_t *data_off,
                                  ll_errbuf *eb)
{
    if (len == 0)
        return ll_err(eb, LL_ERR_DATA, "data: %s: file is empty", path);
    if (len < 6 ? memcmp(b, "\x93NUMPY", len) == 0 : 0)
        return ll_err(eb, LL_ERR_PARSE, "data: %s: truncated .npy header "
                      "(%zu bytes)", path, len);
    if (len < 6 || memcmp(b, "\x93NUMPY", 6) != 0)
        return ll_err(eb, LL_ERR_PARSE, "data: %s: not a .npy file (bad magic)",
                      path);
    if (len < 10)
        return ll_err(eb, LL_ERR_PARSE, "data: %s: truncated .npy header "
                      "(%zu bytes)", path, len);
    int major = b[6], minor = b[7];
    if (major < 1 || major > 3 || minor != 0)
        return ll_err(eb, LL_ERR_PARSE, "data: %s: unsupported .npy version "
                      "%d.%d (need 1.0, 2.0 or 3.0)", path, major, minor);
    size_t pre = major == 1 ? 10 : 12;
    if (len < pre)
        return ll_err(eb, LL_ERR_PARSE, "data: %s: truncated .npy header", path);
    uint64_t hlen = le_u(b + 8, major == 1 ? 2 : 4);
    if (hlen > len - pre)
        return ll_err(eb, LL_ERR_PARSE, "data: %s: truncated .npy header "
                      "(header length %llu, file has %zu bytes)", path,
                      (unsigned long long)hlen, len);
    const char *why = parse_dict((const char *)b + pre, (size_t)hlen, h);
    if (why)
        return ll_err(eb, LL_ERR_PARSE, "data: %s: bad .npy header: %s", path,
                      why);
    *data_off = pre + (size_t)hlen;
    return LL_OK;
}

static void format_shape(const npy_header *h, char *out, size_t outsz)
{
    size_t k = (size_t)snprintf(out, outsz, "(");
    for (size_t i = 0; i < h->ndim && k < outsz; i++)
        k += (size_t)snprintf(out + k, outsz - k, "%zu%s", h->dims[i],
                              h->ndim == 1 ? "," : i + 1 < h->ndim ? ", " : "");
    if (k < outsz)
        snprintf(out + k, outsz - k, ")");
}

/* dtype, dimensionality and size checks; sets rows/cols of A. */
static ll_status npy_check(const char *path, const npy_header *h, size_t avail,
                           npy_array *A, ll_errbuf *eb)
{
    char shp[96];
    format_shape(h, shp, sizeof shp);
    if (strcmp(h->descr, "<f8") != 0)
        return ll_err(eb, LL_ERR_DATA, "data: %s: expected float64 '<f8', got "
                      "'%s'", path, h->descr);
    if (h->ndim < 1 || h->ndim > 2)
        return ll_err(eb, LL_ERR_DATA, "data: %s: expected a 1-D or 2-D array, "
                      "got shape %s", path, shp);
    A->ndim = h->ndim;
    A->rows = h->dims[0];
    A->cols = h->ndim == 2 ? h->dims[1] : 1;
    if (A->rows == 0 || A->cols == 0)
        return ll_err(eb, LL_ERR_DATA, "data: %s: empty array of shape %s",
                      path, shp);
    if (A->rows > SIZE_MAX / 8 / A->cols)
        return ll_err(eb, LL_ERR_DATA, "data: %s: shape %s is too large", path,
                      shp);
    size_t need = A->rows * A->cols * 8;
    if (avail < need)
        return ll_err(eb, LL_ERR_PARSE, "data: %s: truncated data: shape %s "
                      "needs %zu bytes, file has %zu", path, shp, need, avail);
    if (avail > need)
        return ll_err(eb, LL_ERR_PARSE, "data: %s: %zu unexpected bytes after "
                      "the data of shape %s", path, avail - need, shp);
    return LL_OK;
}

/* Decode the little-endian doubles into column-major A->a, rejecting
 * non-finite values and |v| > LL_DATA_MAX_ABS (named by their numpy index
 * [row, col]). */
static ll_status npy_decode(const char *path, const unsigned char *p,
                            int fortran, npy_array *A, ll_errbuf *eb)
{
    size_t R = A->rows, C = A->cols, cnt = R * C;
    A->a = malloc(cnt * sizeof *A->a);
    if (!A->a)
        return ll_err(eb, LL_ERR_NOMEM, "data: %s: out of memory", path);
    for (size_t e = 0; e < cnt; e++) {
        uint64_t u = le_u(p + 8 * e, 8);
        double v;
        memcpy(&v, &u, sizeof v);
        size_t r = fortran ? e % R : e / C, c = fortran ? e / R : e % C;
        if (!isfinite(v))
            return ll_err(eb, LL_ERR_DATA, "data: %s: non-finite value %s at "
                          "[%zu, %zu]", path, isnan(v) ? "nan" : "inf", r, c);
        if (fabs(v) > LL_DATA_MAX_ABS)
            return ll_err(eb, LL_ERR_DATA, "data: %s: value %.17g at [%zu, "
                          "%zu] is too large (|value| > %g: fourth powers of "
                          "the data would overflow the derivatives; rescale "
                          "the column)", path, v, r, c, LL_DATA_MAX_ABS);
        A->a[r + c * R] = v;
    }
    return LL_OK;
}

static ll_status npy_load(const char *path, npy_array *A, ll_errbuf *eb)
{
    memset(A, 0, sizeof *A);
    char *buf = NULL;
    size_t len = 0, off = 0;
    npy_header h;
    ll_status s = ll_data_file_slurp(path, &buf, &len, eb);
    if (s != LL_OK)
        return s;
    const unsigned char *b = (const unsigned char *)buf;
    s = npy_parse_prefix(path, b, len, &h, &off, eb);
    if (s == LL_OK)
        s = npy_check(path, &h, len - off, A, eb);
    if (s == LL_OK)
        s = npy_decode(path, b + off, h.fortran, A, eb);
    free(buf);
    if (s != LL_OK) {
        free(A->a);
        A->a = NULL;
    }
    return s;
}

/* One file, N x (d+1): column target_col is y, the others are X. */
static ll_status npy_split(const char *path, const npy_array *A, int target_col,
                           ll_data *D, ll_errbuf *eb)
{
    if (A->ndim != 2 || A->cols < 2)
        return ll_err(eb, LL_ERR_DATA, "data: %s: need a 2-D array N x (d+1) "
                      "with at least one input column and the target (got %zu "
                      "column%s)", path, A->cols, A->cols == 1 ? "" : "s");
    if (target_col < -1 || (target_col >= 0 && (size_t)target_col >= A->cols))
        return ll_err(eb, LL_ERR_ARG, "data: %s: target column %d out of range "
                      "(the array has %zu columns, 0-based; -1 = last)", path,
                      target_col, A->cols);
    size_t t = target_col < 0 ? A->cols - 1 : (size_t)target_col, N = A->rows;
    ll_status s = ll_data_alloc(D, N, A->cols - 1, eb);
    if (s != LL_OK)
        return s;
    for (size_t c = 0; c < A->cols; c++)
        memcpy(c == t ? D->y : D->X + (c - (c > t)) * N, A->a + c * N,
               N * sizeof *D->y);
    return LL_OK;
}

/* Two files: X is N x d (or N), y is N (or N x 1). */
static ll_status npy_pair(const char *xp, const npy_array *X, const char *yp,
                          const npy_array *Y, ll_data *D, ll_errbuf *eb)
{
    if (Y->cols != 1)
        return ll_err(eb, LL_ERR_DATA, "data: %s: target must have shape (N,) "
                      "or (N, 1), got (%zu, %zu)", yp, Y->rows, Y->cols);
    if (X->rows != Y->rows)
        return ll_err(eb, LL_ERR_DATA, "data: %s has %zu samples but %s has "
                      "%zu", xp, X->rows, yp, Y->rows);
    ll_status s = ll_data_alloc(D, X->rows, X->cols, eb);
    if (s != LL_OK)
        return s;
    memcpy(D->X, X->a, X->rows * X->cols * sizeof *D->X);
    memcpy(D->y, Y->a, Y->rows * sizeof *D->y);
    return LL_OK;
}

ll_status ll_data_read_npy(ll_data *D, const char *x_path, const char *y_path,
                           int target_col, ll_errbuf *eb)
{
    if (!D || !x_path)
        return ll_err(eb, LL_ERR_ARG, "data: NULL argument");
    memset(D, 0, sizeof *D);
    npy_array X, Y;
    memset(&Y, 0, sizeof Y);
    ll_status s = npy_load(x_path, &X, eb);
    if (s == LL_OK && !y_path)
        s = npy_split(x_path, &X, target_col, D, eb);
    else if (s == LL_OK) {
        s = npy_load(y_path, &Y, eb);
        if (s == LL_OK)
            s = npy_pair(x_path, &X, y_path, &Y, D, eb);
    }
    free(X.a);
    free(Y.a);
    return s;
}
