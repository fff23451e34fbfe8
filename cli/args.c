/* Strict option parsing for the losslab CLI (see args.h): every value is
 * checked in full (no trailing text, finite, in range), and every problem is
 * reported with the option's name, what it expects and what it got. */
#include "args.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "losslab %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'losslab %s --help'.\n", cmd);
    return CLI_EXIT_USAGE;
}

int cli_fail(const char *cmd, const char *msg)
{
    fprintf(stderr, "losslab %s: %s\n", cmd, msg);
    return CLI_EXIT_FAIL;
}

/* "an integer >= 1", "a number in (0, 100]", ... */
static void describe(const cli_option *o, char *buf, size_t n)
{
    int integer = o->kind != CLI_DOUBLE;
    const char *what = integer ? "an integer" : "a number";
    if (o->kind == CLI_U64)
        snprintf(buf, n, "a non-negative integer (at most %llu)",
                 (unsigned long long)UINT64_MAX);
    else if (isinf(o->hi))
        snprintf(buf, n, "%s %s %g", what, o->lo_open ? ">" : ">=", o->lo);
    else if (integer) /* every digit: 16777216, not 1.67772e+07 */
        snprintf(buf, n, "%s in [%.0f, %.0f]", what, o->lo, o->hi);
    else
        snprintf(buf, n, "%s in %c%g, %g]", what, o->lo_open ? '(' : '[',
                 o->lo, o->hi);
}

/* strtoll/strtoull/strtod skip leading white space and accept a '+' (and
 * strtoull even a '-', negating the value): a value must start with a digit,
 * or with '-' where negative values exist, so that ' 5', '+5' and '-1' for a
 * seed are refused rather than silently read. */
static int starts_like_number(const char *s, int allow_minus)
{
    if (*s == '-' && allow_minus)
        s++;
    return (*s >= '0' && *s <= '9') || (*s == '.' && s[1] >= '0' && s[1] <= '9');
}

static int parse_integer(const cli_option *o, const char *s, long long *out,
                         uint64_t *uout)
{
    char *end;
    if (!starts_like_number(s, o->kind != CLI_U64))
        return -1;
    errno = 0;
    if (o->kind == CLI_U64) { /* the full range [0, 2^64 - 1] */
        unsigned long long u = strtoull(s, &end, 10);
        *uout = (uint64_t)u;
        return *end ? -1 : errno == ERANGE ? -2 : errno ? -1 : 0;
    }
    long long v = strtoll(s, &end, 10);
    if (*end)
        return -1;
    if (errno == ERANGE || (double)v < o->lo || (double)v > o->hi)
        return -2; /* a number, but outside the range */
    if (errno)
        return -1;
    *out = v;
    return 0;
}

static int parse_double(const cli_option *o, const char *s, double *out)
{
    char *end;
    if (!starts_like_number(s, 1))
        return -1;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || *end || !isfinite(v) || v > o->hi ||
        (o->lo_open ? v <= o->lo : v < o->lo))
        return -1;
    *out = v;
    return 0;
}

static int set_value(const char *cmd, const cli_option *o, const char *val,
                     void *dst)
{
    char *field = (char *)dst + o->offset;
    long long iv = 0;
    uint64_t uv = 0;
    double dv = 0;
    int bad = 0;
    switch (o->kind) {
    case CLI_STR:
        *(const char **)field = val;
        return CLI_EXIT_OK;
    case CLI_DOUBLE:
        bad = parse_double(o, val, &dv);
        if (!bad)
            *(double *)field = dv;
        break;
    default:
        bad = parse_integer(o, val, &iv, &uv);
        if (!bad && o->kind == CLI_SIZE)
            *(size_t *)field = (size_t)iv;
        else if (!bad && o->kind == CLI_INT)
            *(int *)field = (int)iv;
        else if (!bad)
            *(uint64_t *)field = uv;
        break;
    }
    if (bad) {
        char what[64];
        describe(o, what, sizeof what);
        return cli_usage_error(cmd, "%s: expected %s, got '%s'%s", o->name,
                               what, val, bad == -2 ? " (out of range)" : "");
    }
    return CLI_EXIT_OK;
}

static const cli_option *find_option(const cli_option *t, const char *name,
                                     size_t len)
{
    for (; t->name; t++)
        if (strlen(t->name) == len && strncmp(t->name, name, len) == 0)
            return t;
    return NULL;
}

/* One argument (and maybe its value) at argv[*i]. */
static int parse_one(const char *cmd, int argc, char **argv, int *i,
                     const cli_option *table, void *dst)
{
    const char *arg = argv[*i], *eq = strchr(arg, '=');
    size_t len = eq ? (size_t)(eq - arg) : strlen(arg);
    if (strncmp(arg, "--", 2) != 0)
        return cli_usage_error(cmd, "unexpected argument '%s'", arg);
    const cli_option *o = find_option(table, arg, len);
    if (!o)
        return cli_usage_error(cmd, "unknown option '%.*s'", (int)len, arg);
    if (o->kind == CLI_FLAG) {
        if (eq)
            return cli_usage_error(cmd, "%s takes no value", o->name);
        *(int *)((char *)dst + o->offset) = 1;
        return CLI_EXIT_OK;
    }
    const char *val = eq ? eq + 1 : NULL;
    if (!val) {
        if (*i + 1 >= argc)
            return cli_usage_error(cmd, "%s: missing value (%s)", o->name,
                                   o->metavar);
        val = argv[++*i];
    }
    return set_value(cmd, o, val, dst);
}

int cli_parse(const char *cmd, int argc, char **argv, int first,
              const cli_option *table, void *dst, int *help)
{
    *help = 0;
    for (int i = first; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            *help = 1;
            return CLI_EXIT_OK;
        }
        int rc = parse_one(cmd, argc, argv, &i, table, dst);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    return CLI_EXIT_OK;
}

/* The default of option t as found in the defaults struct. */
static void default_text(const cli_option *t, const void *defs, char *buf,
                         size_t n)
{
    const char *field = (const char *)defs + t->offset;
    buf[0] = '\0';
    if (t->def)
        snprintf(buf, n, "%s", t->def);
    else if (t->kind == CLI_SIZE)
        snprintf(buf, n, "%zu", *(const size_t *)field);
    else if (t->kind == CLI_INT)
        snprintf(buf, n, "%d", *(const int *)field);
    else if (t->kind == CLI_U64)
        snprintf(buf, n, "%llu", (unsigned long long)*(const uint64_t *)field);
    else if (t->kind == CLI_DOUBLE)
        snprintf(buf, n, "%g", *(const double *)field);
    else if (t->kind == CLI_STR && *(const char *const *)field)
        snprintf(buf, n, "%s", *(const char *const *)field);
}

void cli_print_options(const cli_option *t, const void *defs)
{
    for (; t->name; t++) {
        char head[40], def[64];
        snprintf(head, sizeof head, "%s%s%s", t->name, t->metavar ? " " : "",
                 t->metavar ? t->metavar : "");
        default_text(t, defs, def, sizeof def);
        printf("  %-20s %s", head, t->help);
        if (def[0])
            printf(" (default: %s)", def);
        putchar('\n');
    }
}

static int needs_quotes(const char *s)
{
    if (!*s)
        return 1;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789-_./=:,+@%", *s))
            return 1;
    return 0;
}

char *cli_join_argv(int argc, char **argv)
{
    size_t n = 1;
    for (int i = 0; i < argc; i++)
        n += 4 * strlen(argv[i]) + 3;
    char *s = malloc(n), *p = s;
    if (!s)
        return NULL;
    for (int i = 0; i < argc; i++) {
        if (i)
            *p++ = ' ';
        int q = needs_quotes(argv[i]);
        if (q)
            *p++ = '\'';
        for (const char *c = argv[i]; *c; c++) {
            if (*c == '\'') { /* close, escaped quote, reopen */
                memcpy(p, "'\\''", 4);
                p += 4;
            } else {
                *p++ = *c;
            }
        }
        if (q)
            *p++ = '\'';
    }
    *p = '\0';
    return s;
}
