/* libFuzzer target: the CSV reader, ll_data_read_csv (src/data/csv.c).
 *
 * The input bytes are the file. It is read twice, with the target in the
 * last column (-1) and in the first (0), so that both column mappings of the
 * fill pass are exercised. Oracles: fuzz_util.h. Seeds: fuzz/corpus/csv.
 */
#define _GNU_SOURCE
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, data, size);
    if (!path)
        return 0;
    static const int target_cols[] = {-1, 0};
    for (size_t k = 0; k < 2; k++) {
        ll_data D;
        ll_errbuf eb;
        eb.msg[0] = '\0';
        ll_status s = ll_data_read_csv(&D, path, target_cols[k], &eb);
        fuzz_check_result(s, &D, &eb);
        ll_data_free(&D);
    }
    return 0;
}
