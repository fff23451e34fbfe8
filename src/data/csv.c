/* CSV reader: one sample per line, comma-separated numbers, an optional
 * header line, the target in column `target_col` (-1: the last).
 *
 * Method: the whole file is loaded (bounded by LL_DATA_MAX_FILE) and scanned
 * twice. Pass 1 checks the shape (header detection, equal column counts,
 * blank lines only at the end) and counts rows; pass 2 parses each field
 * with strtod into the column-major X and y. Fields may carry spaces or tabs
 * around them; lines may end in CRLF. Every field is copied into a bounded
 * buffer before strtod, so embedded NULs and over-long fields are rejected
 * rather than read past. Row numbers in messages are 1-based line numbers of
 * the file (a header is row 1). Spec: issue 2 item 4, include/losslab/data.h.
 */
#include "data/data_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Longest field accepted as a number: far beyond the 17 significant digits
 * a double needs, short enough for a stack buffer. */
#define CSV_FIELD_MAX 127

typedef enum field_kind {
    FIELD_OK, FIELD_EMPTY, FIELD_TEXT, FIELD_NONFINITE, FIELD_OVERFLOW,
    FIELD_TOOLONG, FIELD_HUGE
} field_kind;

typedef struct line_it {
    const char *buf;
    size_t len, pos, lineno;
} line_it;

typedef struct csv_shape {
    int header;
    size_t ncols, nrows;
} csv_shape;

/* Next line (without its '\n' and one trailing '\r'); 0 at the end. */
static int line_next(line_it *it, const char **s, size_t *n)
{
    if (it->pos >= it->len)
        return 0;
    const char *start = it->buf + it->pos;
    const char *nl = memchr(start, '\n', it->len - it->pos);
    size_t l = nl ? (size_t)(nl - start) : it->len - it->pos;
    it->pos += l + (nl != NULL);
    if (l && start[l - 1] == '\r')
        l--;
    it->lineno++;
    *s = start, *n = l;
    return 1;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i]))
            return 0;
    return 1;
}

/* End of the content: just past the last line that is not blank, so that
 * trailing blank lines are ignored. */
static size_t content_end(const char *buf, size_t len)
{
    size_t k = len;
    while (k > 0 && (is_space(buf[k - 1]) || buf[k - 1] == '\n'))
        k--;
    if (k == 0)
        return 0;
    const char *nl = memchr(buf + k, '\n', len - k);
    return nl ? (size_t)(nl - buf) : len;
}

static size_t count_fields(const char *s, size_t n)
{
    size_t c = 1;
    for (size_t i = 0; i < n; i++)
        c += s[i] == ',';
    return c;
}

/* Parse one field [s, s+n) (spaces around it allowed) into *v. */
static field_kind parse_field(const char *s, size_t n, double *v)
{
    while (n && is_space(*s))
        s++, n--;
    while (n && is_space(s[n - 1]))
        n--;
    if (n == 0)
        return FIELD_EMPTY;
    if (n > CSV_FIELD_MAX)
        return FIELD_TOOLONG;
    char tmp[CSV_FIELD_MAX + 1], *end = NULL;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    errno = 0;
    *v = strtod(tmp, &end);
    if (end != tmp + n)
        return FIELD_TEXT;
    if (isinf(*v) && errno == ERANGE)
        return FIELD_OVERFLOW;
    if (!isfinite(*v))
        return FIELD_NONFINITE;
    return fabs(*v) > LL_DATA_MAX_ABS ? FIELD_HUGE : FIELD_OK;
}

/* Length of the field starting at s (up to the next comma or n). */
static size_t field_len(const char *s, size_t n)
{
    const char *c = memchr(s, ',', n);
    return c ? (size_t)(c - s) : n;
}

/* A line is "numeric" when every field parses as a number, even a
 * non-finite one (so that "1,nan,3" is a bad data row, not a header). */
static int line_is_numeric(const char *s, size_t n)
{
    for (size_t pos = 0;;) {
        size_t fl = field_len(s + pos, n - pos);
        double v;
        field_kind k = parse_field(s + pos, fl, &v);
        if (k != FIELD_OK && k != FIELD_NONFINITE && k != FIELD_OVERFLOW &&
            k != FIELD_HUGE)
            return 0;
        pos += fl;
        if (pos >= n)
            return 1;
        pos++; /* the comma */
    }
}

static ll_status field_error(ll_errbuf *eb, const char *path, size_t row,
                             size_t col, field_kind k, const char *s, size_t n)
{
    char q[48];
    while (n && is_space(*s))
        s++, n--;
    while (n && is_space(s[n - 1]))
        n--;
    ll_data_quote(s, n, q, sizeof q);
    switch (k) {
    case FIELD_EMPTY:
        return ll_err(eb, LL_ERR_PARSE, "data: %s: row %zu, column %zu is "
                      "empty", path, row, col);
    case FIELD_TOOLONG:
        return ll_err(eb, LL_ERR_PARSE, "data: %s: row %zu, column %zu: field "
                      "too long (%zu characters): '%s'", path, row, col, n, q);
    case FIELD_NONFINITE:
        return ll_err(eb, LL_ERR_DATA, "data: %s: row %zu, column %zu: '%s' is "
                      "not finite (NaN/Inf are not allowed)", path, row, col, q);
    case FIELD_OVERFLOW:
        return ll_err(eb, LL_ERR_DATA, "data: %s: row %zu, column %zu: '%s' "
                      "overflows a double", path, row, col, q);
    case FIELD_HUGE:
        return ll_err(eb, LL_ERR_DATA, "data: %s: row %zu, column %zu: '%s' "
                      "is too large (|value| > %g: fourth powers of the data "
                      "would overflow the derivatives; rescale the column)",
                      path, row, col, q, LL_DATA_MAX_ABS);
    default:
        return ll_err(eb, LL_ERR_PARSE, "data: %s: row %zu, column %zu: '%s' "
                      "is not a number", path, row, col, q);
    }
}

/* Pass 1: header, column count, row count; blank and ragged lines. */
static ll_status csv_scan(const char *path, const char *buf, size_t end,
                          csv_shape *sh, ll_errbuf *eb)
{
    line_it it = {buf, end, 0, 0};
    const char *s;
    size_t n, hcols = 0;
    memset(sh, 0, sizeof *sh);
    while (line_next(&it, &s, &n)) {
        if (is_blank(s, n))
            return ll_err(eb, LL_ERR_PARSE, "data: %s: row %zu is blank (blank "
                          "lines are allowed only at the end)", path, it.lineno);
        size_t c = count_fields(s, n);
        if (it.lineno == 1 && !line_is_numeric(s, n)) {
            sh->header = 1, hcols = c;
            continue;
        }
        if (sh->ncols == 0) {
            sh->ncols = c;
            if (hcols && hcols != c)
                return ll_err(eb, LL_ERR_PARSE, "data: %s: header has %zu "
                              "columns but row %zu has %zu", path, hcols,
                              it.lineno, c);
        } else if (c != sh->ncols) {
            return ll_err(eb, LL_ERR_PARSE, "data: %s: row %zu has %zu columns,"
                          " expected %zu", path, it.lineno, c, sh->ncols);
        }
        sh->nrows++;
    }
    return LL_OK;
}

/* Pass 2: parse every data row into D (allocated for sh). */
static ll_status csv_fill(const char *path, const char *buf, size_t end,
                          const csv_shape *sh, size_t tcol, ll_data *D,
                          ll_errbuf *eb)
{
    line_it it = {buf, end, 0, 0};
    const char *s;
    size_t n, r = 0, N = sh->nrows;
    if (sh->header)
        line_next(&it, &s, &n);
    while (line_next(&it, &s, &n)) {
        size_t pos = 0;
        for (size_t j = 0; j < sh->ncols; j++) {
            size_t fl = field_len(s + pos, n - pos);
            double v;
            field_kind k = parse_field(s + pos, fl, &v);
            if (k != FIELD_OK)
                return field_error(eb, path, it.lineno, j + 1, k, s + pos, fl);
            if (j == tcol)
                D->y[r] = v;
            else
                D->X[(j - (j > tcol)) * N + r] = v;
            pos += fl + 1;
        }
        r++;
    }
    return LL_OK;
}

static ll_status csv_check_shape(const char *path, const csv_shape *sh,
                                 int target_col, ll_errbuf *eb)
{
    if (sh->nrows == 0)
        return ll_err(eb, LL_ERR_DATA, "data: %s: no data rows (only a header "
                      "line)", path);
    if (sh->ncols < 2)
        return ll_err(eb, LL_ERR_DATA, "data: %s: only one column; need at "
                      "least one input column and a target column", path);
    if (target_col < -1 || (target_col >= 0 && (size_t)target_col >= sh->ncols))
        return ll_err(eb, LL_ERR_ARG, "data: %s: target column %d out of range "
                      "(the file has %zu columns, 0-based; -1 = last)", path,
                      target_col, sh->ncols);
    return LL_OK;
}

ll_status ll_data_read_csv(ll_data *D, const char *path, int target_col,
                           ll_errbuf *eb)
{
    if (!D || !path)
        return ll_err(eb, LL_ERR_ARG, "data: NULL argument");
    memset(D, 0, sizeof *D);
    char *buf = NULL;
    size_t len = 0;
    ll_status s = ll_data_file_slurp(path, &buf, &len, eb);
    if (s != LL_OK)
        return s;
    size_t end = content_end(buf, len);
    csv_shape sh;
    if (end == 0)
        s = ll_err(eb, LL_ERR_DATA, "data: %s: file is empty", path);
    else
        s = csv_scan(path, buf, end, &sh, eb);
    if (s == LL_OK)
        s = csv_check_shape(path, &sh, target_col, eb);
    if (s == LL_OK)
        s = ll_data_alloc(D, sh.nrows, sh.ncols - 1, eb);
    if (s == LL_OK) {
        size_t tcol = target_col < 0 ? sh.ncols - 1 : (size_t)target_col;
        s = csv_fill(path, buf, end, &sh, tcol, D, eb);
    }
    free(buf);
    if (s != LL_OK)
        ll_data_free(D);
    return s;
}
