/* Data sources of a study: files (CSV / .npy through ll_data_read) or the
 * built-in generator of MATH.md section 4 (Exp. 2-3 of seed 000). */
#include "losslab/study.h"

ll_data_source ll_data_source_default(void)
{
    ll_data_source s;
    s.x_path = NULL;
    s.y_path = NULL;
    s.target_col = -1;
    s.gen = ll_gen_opts_default();
    return s;
}

ll_status ll_study_data_load(const ll_data_source *src, ll_data *D,
                             ll_errbuf *eb)
{
    if (!src || !D)
        return ll_err(eb, LL_ERR_ARG, "study: NULL data source or data set");
    ll_status st;
    if (src->x_path)
        st = ll_data_read(D, src->x_path, src->y_path, src->target_col, eb);
    else if (src->y_path)
        return ll_err(eb, LL_ERR_ARG,
                      "study: a target file needs an input file");
    else
        st = ll_data_generate(D, &src->gen, eb);
    /* A data set that reads but cannot determine a fit (N <= d, constant
     * input columns) is refused here, for every study. */
    if (st == LL_OK &&
        (st = ll_data_check(D, src->x_path ? src->x_path : "generator",
                            src->y_path ? -2 : src->target_col, eb)) != LL_OK)
        ll_data_free(D); /* (a failed reader leaves D empty itself) */
    return st;
}
