/* libFuzzer target: the NPY reader, two-file form (src/data/npy.c):
 * ll_data_read_npy(D, X.npy, y.npy, -1).
 *
 * The input is the two files concatenated (`cat X.npy y.npy`): it is split
 * just before the second "\x93NUMPY" magic, or in the middle when there is no
 * second magic, so seeds stay ordinary .npy files and the fuzzer can still
 * move the split. Oracles: fuzz_util.h. Seeds: fuzz/corpus/npy_pair.
 */
#define _GNU_SOURCE
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t split_point(const uint8_t *data, size_t size)
{
    static const char magic[] = "\x93NUMPY";
    if (size > 6) {
        const void *m = memmem(data + 1, size - 1, magic, 6);
        if (m)
            return (size_t)((const uint8_t *)m - data);
    }
    return size / 2;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t k = split_point(data, size);
    const char *xp = fuzz_file(0, data, k);
    const char *yp = fuzz_file(1, data + k, size - k);
    if (!xp || !yp)
        return 0;
    ll_data D;
    ll_errbuf eb;
    eb.msg[0] = '\0';
    ll_status s = ll_data_read_npy(&D, xp, yp, -1, &eb);
    fuzz_check_result(s, &D, &eb);
    ll_data_free(&D);
    return 0;
}
