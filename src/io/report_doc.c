/* The dual Markdown / HTML writer of the `paper` report (report_doc.h).
 * HTML: one self-contained page, minimal inline CSS, figures as
 * data:image/png;base64 URIs (RFC 4648 base64), no scripts, no external
 * resources. Markdown: GitHub-flavoured tables, '|' escaped in cells. */
#include "io/report_doc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LL_DOC_TEXT 8192

static void sb_add(ll_doc *d, ll_sbuf *b, const char *s, size_t n)
{
    if (d->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            d->oom = 1;
            return;
        }
        b->s = p, b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_str(ll_doc *d, ll_sbuf *b, const char *s)
{
    sb_add(d, b, s, strlen(s));
}

/* HTML-escape &, <, >, ". */
static void sb_html(ll_doc *d, const char *s)
{
    for (; *s; s++) {
        const char *r = *s == '&' ? "&amp;" : *s == '<' ? "&lt;"
                        : *s == '>' ? "&gt;" : *s == '"' ? "&quot;" : NULL;
        if (r)
            sb_str(d, &d->html, r);
        else
            sb_add(d, &d->html, s, 1);
    }
}

/* Markdown table cell: '|' escaped, newlines as spaces. */
static void sb_md_cell(ll_doc *d, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            sb_str(d, &d->md, "\\|");
        else
            sb_add(d, &d->md, *s == '\n' ? " " : s, 1);
    }
}

static void close_list(ll_doc *d)
{
    if (!d->in_list)
        return;
    d->in_list = 0;
    sb_str(d, &d->md, "\n");
    sb_str(d, &d->html, "</ul>\n");
}

void ll_doc_init(ll_doc *d, const char *dir, const char *title)
{
    memset(d, 0, sizeof *d);
    d->dir = dir;
    sb_str(d, &d->html, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
           "<meta charset=\"utf-8\">\n<title>");
    sb_html(d, title);
    sb_str(d, &d->html, "</title>\n<style>\n"
           "body{font-family:sans-serif;max-width:1000px;margin:2em auto;"
           "padding:0 1em;line-height:1.45;color:#222}\n"
           "table{border-collapse:collapse;margin:1em 0;font-size:0.92em}\n"
           "th,td{border:1px solid #bbb;padding:4px 8px;text-align:left;"
           "vertical-align:top}\nth{background:#eee}\ntd:first-child{white-space:nowrap}\n"
           "figure{margin:1.5em 0}\nfigure img{max-width:100%;"
           "border:1px solid #ddd}\nfigcaption{font-size:0.9em;color:#444}\n"
           "pre{background:#f4f4f4;padding:0.6em;overflow-x:auto}\n"
           "td.agrees{background:#e3f4e3}td.close{background:#fdf5d8}"
           "td.differs{background:#fbe3e3}\n</style>\n</head>\n<body>\n");
}

int ll_doc_finish(ll_doc *d, char **md, char **html)
{
    close_list(d);
    sb_str(d, &d->html, "</body>\n</html>\n");
    if (d->oom) {
        ll_doc_free(d);
        return -1;
    }
    *md = d->md.s, *html = d->html.s;
    d->md.s = d->html.s = NULL;
    return 0;
}

void ll_doc_free(ll_doc *d)
{
    free(d->md.s);
    free(d->html.s);
    d->md.s = d->html.s = NULL;
}

static void vfmt(char *buf, const char *fmt, va_list ap)
{
    vsnprintf(buf, LL_DOC_TEXT, fmt, ap);
}

void ll_doc_heading(ll_doc *d, int level, const char *fmt, ...)
{
    char buf[LL_DOC_TEXT], tag[8];
    va_list ap;
    va_start(ap, fmt);
    vfmt(buf, fmt, ap);
    va_end(ap);
    close_list(d);
    level = level < 1 ? 1 : level > 4 ? 4 : level;
    for (int i = 0; i < level; i++)
        sb_str(d, &d->md, "#");
    sb_str(d, &d->md, " ");
    sb_str(d, &d->md, buf);
    sb_str(d, &d->md, "\n\n");
    snprintf(tag, sizeof tag, "h%d", level);
    sb_str(d, &d->html, "<"), sb_str(d, &d->html, tag), sb_str(d, &d->html, ">");
    sb_html(d, buf);
    sb_str(d, &d->html, "</"), sb_str(d, &d->html, tag);
    sb_str(d, &d->html, ">\n");
}

static void para(ll_doc *d, const char *lead, const char *text)
{
    close_list(d);
    sb_str(d, &d->html, "<p>");
    if (lead) {
        sb_str(d, &d->md, "**"), sb_str(d, &d->md, lead);
        sb_str(d, &d->md, "** ");
        sb_str(d, &d->html, "<strong>"), sb_html(d, lead);
        sb_str(d, &d->html, "</strong> ");
    }
    sb_str(d, &d->md, text);
    sb_str(d, &d->md, "\n\n");
    sb_html(d, text);
    sb_str(d, &d->html, "</p>\n");
}

void ll_doc_para(ll_doc *d, const char *fmt, ...)
{
    char buf[LL_DOC_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vfmt(buf, fmt, ap);
    va_end(ap);
    para(d, NULL, buf);
}

void ll_doc_lead(ll_doc *d, const char *lead, const char *fmt, ...)
{
    char buf[LL_DOC_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vfmt(buf, fmt, ap);
    va_end(ap);
    para(d, lead, buf);
}

void ll_doc_code(ll_doc *d, const char *text)
{
    close_list(d);
    sb_str(d, &d->md, "```\n"), sb_str(d, &d->md, text);
    sb_str(d, &d->md, "\n```\n\n");
    sb_str(d, &d->html, "<pre>"), sb_html(d, text);
    sb_str(d, &d->html, "</pre>\n");
}

void ll_doc_item(ll_doc *d, const char *fmt, ...)
{
    char buf[LL_DOC_TEXT];
    va_list ap;
    va_start(ap, fmt);
    vfmt(buf, fmt, ap);
    va_end(ap);
    if (!d->in_list)
        sb_str(d, &d->html, "<ul>\n");
    d->in_list = 1;
    sb_str(d, &d->md, "- "), sb_str(d, &d->md, buf), sb_str(d, &d->md, "\n");
    sb_str(d, &d->html, "<li>"), sb_html(d, buf);
    sb_str(d, &d->html, "</li>\n");
}

static void table_cells(ll_doc *d, int n, const char *const *c, int head)
{
    sb_str(d, &d->md, "|");
    sb_str(d, &d->html, "<tr>");
    for (int i = 0; i < n; i++) {
        const char *s = c[i] ? c[i] : "";
        sb_str(d, &d->md, " "), sb_md_cell(d, s), sb_str(d, &d->md, " |");
        /* Verdict cells get a class (colour) in HTML. */
        int v = !head && (!strcmp(s, "agrees") || !strcmp(s, "close") ||
                          !strcmp(s, "differs"));
        sb_str(d, &d->html, head ? "<th>" : v ? "<td class=\"" : "<td>");
        if (v)
            sb_str(d, &d->html, s), sb_str(d, &d->html, "\">");
        sb_html(d, s);
        sb_str(d, &d->html, head ? "</th>" : "</td>");
    }
    sb_str(d, &d->md, "\n");
    sb_str(d, &d->html, "</tr>\n");
}

void ll_doc_table_begin(ll_doc *d, int ncols, const char *const *head)
{
    close_list(d);
    sb_str(d, &d->html, "<table>\n");
    table_cells(d, ncols, head, 1);
    sb_str(d, &d->md, "|");
    for (int i = 0; i < ncols; i++)
        sb_str(d, &d->md, "---|");
    sb_str(d, &d->md, "\n");
}

void ll_doc_table_row(ll_doc *d, int ncols, const char *const *cells)
{
    table_cells(d, ncols, cells, 0);
}

void ll_doc_table_end(ll_doc *d)
{
    sb_str(d, &d->md, "\n");
    sb_str(d, &d->html, "</table>\n");
}

/* base64 (RFC 4648, with padding) of a whole file into the HTML buffer. */
static int embed_base64(ll_doc *d, const char *path)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    FILE *fp = fopen(path, "rb");
    unsigned char in[3 * 1024];
    char out[4 * 1024];
    size_t n;
    if (!fp)
        return -1;
    while ((n = fread(in, 1, sizeof in, fp)) > 0) {
        size_t o = 0;
        for (size_t i = 0; i < n; i += 3) {
            unsigned v = (unsigned)in[i] << 16;
            v |= i + 1 < n ? (unsigned)in[i + 1] << 8 : 0;
            v |= i + 2 < n ? in[i + 2] : 0;
            out[o++] = tab[v >> 18 & 63];
            out[o++] = tab[v >> 12 & 63];
            out[o++] = i + 1 < n ? tab[v >> 6 & 63] : '=';
            out[o++] = i + 2 < n ? tab[v & 63] : '=';
        }
        sb_add(d, &d->html, out, o);
        /* A full chunk is a multiple of 3 bytes: padding only at the end. */
    }
    int bad = ferror(fp);
    fclose(fp);
    return bad ? -1 : 0;
}

static void para_missing(ll_doc *d, const char *stem)
{
    char buf[512];
    snprintf(buf, sizeof buf, "(Figure %s not available: its run did not "
             "produce it.)", stem);
    para(d, NULL, buf);
}

void ll_doc_figure(ll_doc *d, const char *stem, const char *caption)
{
    char path[4096];
    FILE *fp;
    close_list(d);
    snprintf(path, sizeof path, "%s/%s.png", d->dir, stem);
    if (!(fp = fopen(path, "rb"))) {
        d->missing++;
        para_missing(d, stem);
        return;
    }
    fclose(fp);
    sb_str(d, &d->md, "![");
    sb_md_cell(d, caption);
    sb_str(d, &d->md, "]("), sb_str(d, &d->md, stem);
    sb_str(d, &d->md, ".png)\n\n*");
    sb_str(d, &d->md, caption);
    sb_str(d, &d->md, "* ([PNG]("), sb_str(d, &d->md, stem);
    sb_str(d, &d->md, ".png), [SVG]("), sb_str(d, &d->md, stem);
    sb_str(d, &d->md, ".svg))\n\n");
    sb_str(d, &d->html, "<figure>\n<img alt=\"");
    sb_html(d, caption);
    sb_str(d, &d->html, "\" src=\"data:image/png;base64,");
    if (embed_base64(d, path) != 0)
        d->missing++;
    sb_str(d, &d->html, "\">\n<figcaption>");
    sb_html(d, caption);
    sb_str(d, &d->html, " (<a href=\""), sb_html(d, stem);
    sb_str(d, &d->html, ".svg\">SVG</a>, <a href=\""), sb_html(d, stem);
    sb_str(d, &d->html, ".png\">PNG</a>)</figcaption>\n</figure>\n");
}
