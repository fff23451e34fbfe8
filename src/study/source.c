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
    if (src->x_path)
        return ll_data_read(D, src->x_path, src->y_path, src->target_col, eb);
    if (src->y_path)
        return ll_err(eb, LL_ERR_ARG,
                      "study: a target file needs an input file");
    return ll_data_generate(D, &src->gen, eb);
}
