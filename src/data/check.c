/* Data sets that cannot determine a fit (see ll_data_check in data.h):
 * too few samples (N <= d: a linear model interpolates any targets) and
 * constant input columns (no information about the target). These are
 * properties of the data set, not of the file format, so they are checked
 * once on the loaded data (by the studies' loader), not in each reader. */
#include <stdio.h>

#include "losslab/data.h"

/* 1-based column of input i in the file the data came from. */
static size_t file_column(size_t i, size_t d, int target_col)
{
    if (target_col < 0) /* last column, or a separate target file */
        return i + 1;
    return i + ((size_t)target_col <= i) + 1;
}

ll_status ll_data_check(const ll_data *D, const char *what, int target_col,
                        ll_errbuf *eb)
{
    if (!D || !D->X || !D->y || D->n == 0 || D->d == 0)
        return ll_err(eb, LL_ERR_ARG, "data: empty or NULL data set");
    const char *w = what ? what : "data set";
    size_t n = D->n, d = D->d;
    if (n <= d)
        return ll_err(eb, LL_ERR_DATA, "data: %s: N = %zu samples for d = %zu "
                      "inputs; need N > d (with N <= d a linear model fits "
                      "any targets exactly, so the data do not determine the "
                      "landscape)", w, n, d);
    for (size_t i = 0; i < d; i++) {
        const double *c = D->X + i * n;
        size_t k = 1;
        while (k < n && c[k] == c[0])
            k++;
        if (k == n)
            return ll_err(eb, LL_ERR_DATA, "data: %s: input column %zu "
                          "(1-based) is constant (every value is %.17g): it "
                          "carries no information about the target; remove "
                          "it (use biases for an intercept)", w,
                          file_column(i, d, target_col), c[0]);
    }
    return LL_OK;
}
