/* branch.csv: one row per accepted point of the branch, numbers as %.17g so
 * that they read back bit-exactly (17 significant digits round-trip an IEEE
 * double). */
#include "losslab/io.h"

#include <stdio.h>

static void csv_header(FILE *fp, int k)
{
    fputs("lambda,s,tp,index,loss,grad_norm", fp);
    for (int e = 1; e <= k; e++)
        fprintf(fp, ",mu%d", e);
    fputc('\n', fp);
}

ll_status ll_io_write_branch_csv(const char *path, const ll_cont_result *r,
                                 ll_errbuf *eb)
{
    ll_io_afile *f;
    if (!r)
        return ll_err(eb, LL_ERR_ARG, "io: NULL branch");
    const ll_branch *b = &r->branch;
    int k = b->n_eigs > 0 && b->mu ? b->n_eigs : 0;
    ll_status st = ll_io_afile_open(&f, path, eb);
    if (st != LL_OK)
        return st;
    FILE *fp = ll_io_afile_stream(f);
    csv_header(fp, k);
    for (size_t i = 0; i < b->len; i++) {
        fprintf(fp, "%.17g,%.17g,%.17g,%d,%.17g,%.17g", b->p[i], b->s[i],
                b->tp[i], b->index[i], b->loss[i], b->grad_norm[i]);
        for (int e = 0; e < k; e++)
            fprintf(fp, ",%.17g", b->mu[i * (size_t)k + (size_t)e]);
        fputc('\n', fp);
    }
    return ll_io_afile_commit(f, eb);
}
