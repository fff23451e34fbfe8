/* A tiny document writer for the `paper` report: every call appends the
 * same content to a Markdown and to an HTML buffer, so report.md and
 * report.html cannot drift apart. Text is plain (escaped for each format);
 * figures are referenced by path in Markdown and embedded as base64 PNG in
 * HTML. Out of memory is sticky: doc->oom, checked once at the end. Not
 * installed. */
#ifndef LL_IO_REPORT_DOC_H
#define LL_IO_REPORT_DOC_H

#include <stddef.h>

typedef struct ll_sbuf {
    char *s;
    size_t len, cap;
} ll_sbuf;

typedef struct ll_doc {
    ll_sbuf md, html;
    const char *dir;   /* where figure files are read from */
    int oom;
    int missing;       /* figures that could not be read */
    int in_list;       /* inside a bullet list */
} ll_doc;

void ll_doc_init(ll_doc *d, const char *dir, const char *title);
/* Close the HTML; on success hand over both strings (caller frees). */
int ll_doc_finish(ll_doc *d, char **md, char **html);
void ll_doc_free(ll_doc *d);

void ll_doc_heading(ll_doc *d, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ll_doc_para(ll_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A paragraph with a bold lead ("Paper:", "losslab:"). */
void ll_doc_lead(ll_doc *d, const char *lead, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void ll_doc_code(ll_doc *d, const char *text);
/* Tables: begin with the header cells, add rows, end. */
void ll_doc_table_begin(ll_doc *d, int ncols, const char *const *head);
void ll_doc_table_row(ll_doc *d, int ncols, const char *const *cells);
void ll_doc_table_end(ll_doc *d);
/* A figure: stem relative to dir ("toy/toy_lines"); stem.png is embedded
 * in the HTML, stem.png / stem.svg are linked. */
void ll_doc_figure(ll_doc *d, const char *stem, const char *caption);
/* A bullet list item (consecutive items form one list; any other call
 * closes it). */
void ll_doc_item(ll_doc *d, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
