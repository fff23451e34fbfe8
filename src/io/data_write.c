/* Data sets to disk: CSV (header x1..xd,y) or NumPy .npy format 1.0
 * (magic "\x93NUMPY", version 1.0, little-endian uint16 header length, a
 * Python-literal dict header padded with spaces to a multiple of 64 bytes and
 * ending in '\n', then the raw '<f8' data in C order), the layout that
 * ll_data_read_npy reads back. */
#include "losslab/io.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int ext_is(const char *path, const char *ext)
{
    size_t lp = strlen(path), le = strlen(ext);
    return lp >= le && strcmp(path + lp - le, ext) == 0;
}

static void write_csv(FILE *fp, const ll_data *D)
{
    for (size_t i = 0; i < D->d; i++)
        fprintf(fp, "x%zu,", i + 1);
    fputs("y\n", fp);
    for (size_t n = 0; n < D->n; n++) {
        for (size_t i = 0; i < D->d; i++)
            fprintf(fp, "%.17g,", D->X[i * D->n + n]);
        fprintf(fp, "%.17g\n", D->y[n]);
    }
}

static void put_le64(FILE *fp, double x)
{
    uint64_t u;
    unsigned char b[8];
    memcpy(&u, &x, 8);
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(u >> (8 * i));
    fwrite(b, 1, 8, fp);
}

static void write_npy(FILE *fp, const ll_data *D)
{
    char hdr[256];
    int len = snprintf(hdr, sizeof hdr,
                       "{'descr': '<f8', 'fortran_order': False, "
                       "'shape': (%zu, %zu), }", D->n, D->d + 1);
    /* magic (6) + version (2) + length (2) + header, padded to 64. */
    size_t total = 10 + (size_t)len + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t hlen = (size_t)len + pad + 1;
    fwrite("\x93NUMPY\x01\x00", 1, 8, fp);
    fputc((int)(hlen & 0xff), fp);
    fputc((int)(hlen >> 8), fp);
    fwrite(hdr, 1, (size_t)len, fp);
    for (size_t i = 0; i < pad; i++)
        fputc(' ', fp);
    fputc('\n', fp);
    for (size_t n = 0; n < D->n; n++) {
        for (size_t i = 0; i < D->d; i++)
            put_le64(fp, D->X[i * D->n + n]);
        put_le64(fp, D->y[n]);
    }
}

ll_status ll_io_write_data(const char *path, const ll_data *D, ll_errbuf *eb)
{
    ll_io_afile *f;
    if (!D || !D->X || !D->y)
        return ll_err(eb, LL_ERR_ARG, "io: empty data set");
    int npy = ext_is(path, ".npy");
    if (!npy && !ext_is(path, ".csv"))
        return ll_err(eb, LL_ERR_ARG,
                      "io: cannot tell the format of %s (use .csv or .npy)",
                      path);
    ll_status st = ll_io_afile_open(&f, path, eb);
    if (st != LL_OK)
        return st;
    if (npy)
        write_npy(ll_io_afile_stream(f), D);
    else
        write_csv(ll_io_afile_stream(f), D);
    return ll_io_afile_commit(f, eb);
}
