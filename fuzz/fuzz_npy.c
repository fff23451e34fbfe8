/* libFuzzer target: the NPY reader, one-file form (src/data/npy.c):
 * ll_data_read_npy(D, file, NULL, -1) on an N x (d+1) array whose last
 * column is the target. The input bytes are the .npy file. Oracles:
 * fuzz_util.h. Seeds: fuzz/corpus/npy.
 */
#define _GNU_SOURCE
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(0, data, size);
    if (!path)
        return 0;
    ll_data D;
    ll_errbuf eb;
    eb.msg[0] = '\0';
    ll_status s = ll_data_read_npy(&D, path, NULL, -1, &eb);
    fuzz_check_result(s, &D, &eb);
    ll_data_free(&D);
    return 0;
}
