/* NPY reader: files written here byte by byte (format 1.0/2.0/3.0, C and
 * Fortran order, one file or X + y), every kind of bad file with the right
 * status and a message naming the problem, and a mutation loop over a valid
 * file (truncations and byte flips must give errors, never crashes). */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "losslab/data.h"

static const char *tmp;

/* Build a .npy image in buf: magic, version `major`.0, the dict
 * {'descr': descr, 'fortran_order': fo, 'shape': shape, } padded with
 * spaces to a multiple of 64 and a newline, then `nval` doubles
 * little-endian. Returns the byte count. */
static size_t npy_image(unsigned char *buf, int major, const char *dict,
                        const double *vals, size_t nval)
{
    size_t pre = major == 1 ? 10 : 12, dl = strlen(dict);
    size_t hlen = ((pre + dl + 1 + 63) / 64) * 64 - pre;
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major, buf[7] = 0;
    for (size_t k = 0; k < pre - 8; k++)
        buf[8 + k] = (unsigned char)(hlen >> (8 * k));
    memcpy(buf + pre, dict, dl);
    memset(buf + pre + dl, ' ', hlen - dl - 1);
    buf[pre + hlen - 1] = '\n';
    unsigned char *p = buf + pre + hlen;
    for (size_t i = 0; i < nval; i++) {
        uint64_t u;
        memcpy(&u, &vals[i], 8);
        for (int b = 0; b < 8; b++)
            p[8 * i + (size_t)b] = (unsigned char)(u >> (8 * b));
    }
    return pre + hlen + 8 * nval;
}

static unsigned char img[1 << 16];

static const char *write_npy(const char *name, int major, const char *dict,
                             const double *vals, size_t nval)
{
    size_t len = npy_image(img, major, dict, vals, nval);
    static char path[1024];
    const char *p = ll_test_write(tmp, name, img, len);
    assert_non_null(p);
    snprintf(path, sizeof path, "%s", p);
    return path;
}

/* The logical 3 x 3 matrix M[i][j] = 10 i + j, in C and Fortran order. */
static const double MC[9] = {0, 1, 2, 10, 11, 12, 20, 21, 22};
static const double MF[9] = {0, 10, 20, 1, 11, 21, 2, 12, 22};

static void expect_m(const ll_data *D, int tcol)
{
    assert_int_equal(D->n, 3);
    assert_int_equal(D->d, 2);
    for (size_t i = 0; i < 3; i++) {
        assert_true(D->y[i] == 10.0 * (double)i + tcol);
        for (size_t j = 0, c = 0; c < 3; c++)
            if ((int)c != tcol)
                assert_true(D->X[i + 3 * j++] == 10.0 * (double)i + (double)c);
    }
}

static void read_npy_should_read_c_and_fortran_order_alike(void **st)
{
    (void)st;
    ll_data D;
    ll_errbuf eb = {{0}};
    const char *p = write_npy("c.npy", 1, "{'descr': '<f8', 'fortran_order': "
                              "False, 'shape': (3, 3), }", MC, 9);
    assert_int_equal(ll_data_read_npy(&D, p, NULL, -1, &eb), LL_OK);
    expect_m(&D, 2);
    ll_data_free(&D);
    assert_int_equal(ll_data_read(&D, p, NULL, 1, &eb), LL_OK);
    expect_m(&D, 1);
    ll_data_free(&D);
    p = write_npy("f.npy", 1, "{'descr': '<f8', 'fortran_order': True, "
                  "'shape': (3, 3), }", MF, 9);
    assert_int_equal(ll_data_read_npy(&D, p, NULL, -1, &eb), LL_OK);
    expect_m(&D, 2);
    ll_data_free(&D);
    assert_int_equal(ll_data_read_npy(&D, p, NULL, 0, &eb), LL_OK);
    expect_m(&D, 0);
    ll_data_free(&D);
}

static void read_npy_should_accept_versions_2_and_3_and_any_key_order(void **st)
{
    (void)st;
    ll_data D;
    ll_errbuf eb = {{0}};
    for (int major = 2; major <= 3; major++) {
        const char *p = write_npy("v.npy", major, "{\"shape\": (3,3), "
                                  "'fortran_order':False,'descr':'<f8'}", MC, 9);
        assert_int_equal(ll_data_read_npy(&D, p, NULL, -1, &eb), LL_OK);
        expect_m(&D, 2);
        ll_data_free(&D);
    }
}

static void read_npy_should_read_the_two_file_form(void **st)
{
    (void)st;
    ll_data D;
    ll_errbuf eb = {{0}};
    const double X[6] = {1, 2, 3, 4, 5, 6}, y[3] = {7, 8, 9};
    char xp[1024], yp[1024];
    snprintf(xp, sizeof xp, "%s", write_npy("X.npy", 1, "{'descr': '<f8', "
             "'fortran_order': False, 'shape': (3, 2), }", X, 6));
    snprintf(yp, sizeof yp, "%s", write_npy("y.npy", 1, "{'descr': '<f8', "
             "'fortran_order': False, 'shape': (3,), }", y, 3));
    assert_int_equal(ll_data_read(&D, xp, yp, -1, &eb), LL_OK);
    assert_int_equal(D.n, 3);
    assert_int_equal(D.d, 2);
    const double Xcm[6] = {1, 3, 5, 2, 4, 6};
    assert_memory_equal(D.X, Xcm, sizeof Xcm);
    assert_memory_equal(D.y, y, sizeof y);
    ll_data_free(&D);
    /* 1-D X (d = 1) and an N x 1 target */
    snprintf(xp, sizeof xp, "%s", write_npy("X1.npy", 1, "{'descr': '<f8', "
             "'fortran_order': False, 'shape': (3,), }", X, 3));
    snprintf(yp, sizeof yp, "%s", write_npy("y1.npy", 1, "{'descr': '<f8', "
             "'fortran_order': True, 'shape': (3, 1), }", y, 3));
    assert_int_equal(ll_data_read_npy(&D, xp, yp, -1, &eb), LL_OK);
    assert_int_equal(D.d, 1);
    assert_memory_equal(D.X, X, 3 * sizeof *X);
    assert_memory_equal(D.y, y, sizeof y);
    ll_data_free(&D);
}

static void expect_bad_file(const char *p, const char *yp, ll_status s,
                            const char *want)
{
    ll_data D;
    ll_errbuf eb = {{0}};
    ll_status got = ll_data_read_npy(&D, p, yp, -1, &eb);
    if (got != s || !strstr(eb.msg, want))
        fail_msg("status %d (want %d), message '%s' (want '%s')", got, s,
                 eb.msg, want);
    assert_null(D.X);
    assert_null(D.y);
}

static void expect_bad(int major, const char *dict, const double *v, size_t nv,
                       ll_status s, const char *want)
{
    expect_bad_file(write_npy("bad.npy", major, dict, v, nv), NULL, s, want);
}

#define HDR(descr, fo, shape) \
    "{'descr': '" descr "', 'fortran_order': " fo ", 'shape': " shape ", }"

static void read_npy_should_name_a_wrong_dtype(void **st)
{
    (void)st;
    expect_bad(1, HDR("<f4", "False", "(3, 3)"), MC, 9, LL_ERR_DATA,
               "expected float64 '<f8', got '<f4'");
    expect_bad(1, HDR(">f8", "False", "(3, 3)"), MC, 9, LL_ERR_DATA, "got '>f8'");
    expect_bad(1, HDR("<i8", "False", "(3, 3)"), MC, 9, LL_ERR_DATA, "got '<i8'");
    expect_bad(1, "{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': "
               "(3,), }", MC, 3, LL_ERR_PARSE, "structured");
}

static void read_npy_should_reject_wrong_shapes(void **st)
{
    (void)st;
    expect_bad(1, HDR("<f8", "False", "(2, 2, 2)"), MC, 8, LL_ERR_DATA,
               "1-D or 2-D array, got shape (2, 2, 2)");
    expect_bad(1, HDR("<f8", "False", "()"), MC, 1, LL_ERR_DATA, "got shape ()");
    expect_bad(1, HDR("<f8", "False", "(0, 3)"), MC, 0, LL_ERR_DATA,
               "empty array of shape (0, 3)");
    expect_bad(1, HDR("<f8", "False", "(9,)"), MC, 9, LL_ERR_DATA, "2-D array");
    expect_bad(1, HDR("<f8", "False", "(9, 1)"), MC, 9, LL_ERR_DATA, "2-D array");
    expect_bad(1, HDR("<f8", "False", "(4611686018427387904, 4)"), MC, 9,
               LL_ERR_DATA, "too large");
    expect_bad(1, HDR("<f8", "False", "(99999999999999999999999, 4)"), MC, 9,
               LL_ERR_PARSE, "'shape'");
    ll_data D;
    ll_errbuf eb = {{0}};
    char xp[1024];
    snprintf(xp, sizeof xp, "%s", write_npy("X.npy", 1, HDR("<f8", "False",
             "(4, 2)"), MC, 8));
    const char *yp = write_npy("y.npy", 1, HDR("<f8", "False", "(3,)"), MC, 3);
    assert_int_equal(ll_data_read_npy(&D, xp, yp, -1, &eb), LL_ERR_DATA);
    assert_non_null(strstr(eb.msg, "X.npy has 4 samples but"));
    assert_non_null(strstr(eb.msg, "y.npy has 3"));
    yp = write_npy("y.npy", 1, HDR("<f8", "False", "(4, 2)"), MC, 8);
    expect_bad_file(xp, yp, LL_ERR_DATA, "target must have shape (N,) or (N, 1)");
    char yp2[1024];
    snprintf(yp2, sizeof yp2, "%s/none.npy", tmp);
    expect_bad_file(xp, yp2, LL_ERR_IO, "none.npy: cannot open");
}

static void read_npy_should_reject_truncated_and_trailing_data(void **st)
{
    (void)st;
    expect_bad(1, HDR("<f8", "False", "(3, 3)"), MC, 8, LL_ERR_PARSE,
               "truncated data: shape (3, 3) needs 72 bytes, file has 64");
    expect_bad(1, HDR("<f8", "False", "(2, 3)"), MC, 9, LL_ERR_PARSE,
               "24 unexpected bytes after the data");
    /* header length pointing past the end of the file */
    size_t len = npy_image(img, 1, HDR("<f8", "False", "(1, 2)"), MC, 2);
    img[8] = 0xff, img[9] = 0xff;
    const char *p = ll_test_write(tmp, "h.npy", img, len);
    expect_bad_file(p, NULL, LL_ERR_PARSE, "truncated .npy header");
    p = ll_test_write(tmp, "h.npy", img, 7); /* the magic, cut short */
    expect_bad_file(p, NULL, LL_ERR_PARSE, "truncated .npy header (7 bytes)");
    p = ll_test_write(tmp, "h.npy", "PK\x03\x04", 4);
    expect_bad_file(p, NULL, LL_ERR_PARSE, "bad magic");
    p = ll_test_write(tmp, "h.npy", "", 0);
    expect_bad_file(p, NULL, LL_ERR_DATA, "file is empty");
}

static void read_npy_should_reject_garbage_headers(void **st)
{
    (void)st;
    const char *cases[][2] = {
        {HDR("<f8", "Maybe", "(3, 3)"), "'fortran_order' is not True or False"},
        {"{'descr': '<f8', 'shape': (3, 3), }", "missing"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), 'x': 1}",
         "unexpected key"},
        {"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, "
         "'shape': (3, 3)}", "repeated"},
        {"'descr': '<f8', 'fortran_order': False, 'shape': (3, 3)", "'{'"},
        {"{'descr': '<f8' 'fortran_order': False, 'shape': (3, 3)}",
         "expected ',' or '}'"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3 3)}", "'shape'"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, -3)}", "'shape'"},
        {"{'descr': '<f8, 'fortran_order': False, 'shape': (3, 3)}", "header"},
        {"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3)} x",
         "after the closing"},
        {"", "'{'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_bad(1, cases[i][0], MC, 9, LL_ERR_PARSE, cases[i][1]);
    size_t len = npy_image(img, 1, HDR("<f8", "False", "(3, 3)"), MC, 9);
    img[6] = 4;
    expect_bad_file(ll_test_write(tmp, "v.npy", img, len), NULL, LL_ERR_PARSE,
                    "unsupported .npy version 4.0");
}

static void read_npy_should_reject_nan_and_inf_by_index(void **st)
{
    (void)st;
    double v[9];
    memcpy(v, MC, sizeof v);
    v[5] = 0.0 / 0.0; /* C order: [1, 2] */
    expect_bad(1, HDR("<f8", "False", "(3, 3)"), v, 9, LL_ERR_DATA,
               "non-finite value nan at [1, 2]");
    v[5] = 1.0 / 0.0; /* Fortran order: [2, 1] */
    expect_bad(1, HDR("<f8", "True", "(3, 3)"), v, 9, LL_ERR_DATA,
               "non-finite value inf at [2, 1]");
}

/* Truncate a valid file at every length and flip random bytes: every
 * outcome must be a clean status (crashes show under the sanitizer). */
static void read_npy_should_survive_truncation_and_byte_flips(void **st)
{
    (void)st;
    unsigned char good[512], bad[512];
    size_t len = npy_image(good, 1, HDR("<f8", "False", "(3, 3)"), MC, 9);
    ll_data D;
    ll_errbuf eb;
    for (size_t cut = 0; cut < len; cut++) {
        const char *p = ll_test_write(tmp, "m.npy", good, cut);
        assert_int_not_equal(ll_data_read_npy(&D, p, NULL, -1, &eb), LL_OK);
    }
    uint64_t seed = 99;
    for (int it = 0; it < 1500; it++) {
        memcpy(bad, good, len);
        for (int k = 0; k < 3; k++) {
            size_t at = (size_t)((ll_test_rand(&seed) + 1) * 0.5 * (double)len);
            bad[at] = (unsigned char)((ll_test_rand(&seed) + 1) * 128);
        }
        const char *p = ll_test_write(tmp, "m.npy", bad, len);
        if (ll_data_read_npy(&D, p, NULL, -1, &eb) == LL_OK) {
            assert_true(D.n >= 1 && D.d >= 1);
            ll_data_free(&D);
        }
    }
}

int main(void)
{
    tmp = ll_test_tmpdir();
    if (!tmp)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read_npy_should_read_c_and_fortran_order_alike),
        cmocka_unit_test(read_npy_should_accept_versions_2_and_3_and_any_key_order),
        cmocka_unit_test(read_npy_should_read_the_two_file_form),
        cmocka_unit_test(read_npy_should_name_a_wrong_dtype),
        cmocka_unit_test(read_npy_should_reject_wrong_shapes),
        cmocka_unit_test(read_npy_should_reject_truncated_and_trailing_data),
        cmocka_unit_test(read_npy_should_reject_garbage_headers),
        cmocka_unit_test(read_npy_should_reject_nan_and_inf_by_index),
        cmocka_unit_test(read_npy_should_survive_truncation_and_byte_flips),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
