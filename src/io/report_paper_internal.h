/* Sections of the `paper` report (report_paper*.c). Not installed. */
#ifndef LL_IO_REPORT_PAPER_INTERNAL_H
#define LL_IO_REPORT_PAPER_INTERNAL_H

#include "io/report_doc.h"
#include "losslab/paper_io.h"

/* The table of one experiment's rows ("Exp 2") and their notes. */
void ll_rp_rows(ll_doc *d, const ll_paper_result *r, const char *exp);

void ll_rp_exp1(ll_doc *d, const ll_paper_report *rep);
void ll_rp_exp2(ll_doc *d, const ll_paper_report *rep);
void ll_rp_exp3(ll_doc *d, const ll_paper_report *rep);
void ll_rp_exp4(ll_doc *d, const ll_paper_report *rep);
void ll_rp_exp5(ll_doc *d, const ll_paper_report *rep);
void ll_rp_exp6(ll_doc *d, const ll_paper_report *rep);
void ll_rp_causes(ll_doc *d, const ll_paper_report *rep);
void ll_rp_files(ll_doc *d, const ll_paper_report *rep);

#endif
