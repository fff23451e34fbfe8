/* Data that read but cannot determine a fit (ll_data_check) and values too
 * large for the derivatives (LL_DATA_MAX_ABS, refused by every reader and by
 * ll_data_from_arrays): each refused with a message naming the place. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "losslab/data.h"

static void expect_refusal(const ll_data *D, int tcol, const char *needle)
{
    ll_errbuf eb = {{0}};
    ll_status s = ll_data_check(D, "f.csv", tcol, &eb);
    if (!needle) {
        if (s != LL_OK)
            fail_msg("unexpected refusal: %s", eb.msg);
        return;
    }
    assert_int_equal(s, LL_ERR_DATA);
    if (!strstr(eb.msg, needle))
        fail_msg("message '%s' does not contain '%s'", eb.msg, needle);
}

static void check_should_refuse_n_not_above_d(void **st)
{
    (void)st;
    double X[6] = {1, 2, 3, 4, 5, 7}, y[3] = {1, 2, 3};
    ll_data D;
    assert_int_equal(ll_data_from_arrays(&D, 2, 3, X, y, NULL), LL_OK);
    expect_refusal(&D, -1, "N = 2 samples for d = 3 inputs; need N > d");
    ll_data_free(&D);
    assert_int_equal(ll_data_from_arrays(&D, 3, 2, X, y, NULL), LL_OK);
    expect_refusal(&D, -1, NULL); /* N = 3 > d = 2 */
    ll_data_free(&D);
}

/* Column numbers are the file's, 1-based, skipping the target column. */
static void check_should_name_the_constant_column_of_the_file(void **st)
{
    (void)st;
    /* 4 samples, d = 3; input 1 (0-based) is constant 2.5 */
    double X[12] = {1, 2, 3, 4, 2.5, 2.5, 2.5, 2.5, 0, 1, 0, 1};
    double y[4] = {1, 0, 1, 0};
    ll_data D;
    assert_int_equal(ll_data_from_arrays(&D, 4, 3, X, y, NULL), LL_OK);
    expect_refusal(&D, -1, "input column 2 (1-based) is constant (every value "
                         "is 2.5)");
    expect_refusal(&D, -2, "input column 2 (1-based)");
    expect_refusal(&D, 0, "input column 3 (1-based)");  /* target first */
    expect_refusal(&D, 1, "input column 3 (1-based)");  /* target second */
    expect_refusal(&D, 2, "input column 2 (1-based)");  /* target after it */
    ll_data_free(&D);
}

static void readers_should_refuse_values_above_the_limit(void **st)
{
    (void)st;
    ll_errbuf eb = {{0}};
    ll_data D;
    const char *dir = ll_test_tmpdir();
    const char *p = ll_test_write(dir, "huge.csv", "1,2,3\n4,-1e51,6\n7,8,9\n",
                                  (size_t)-1);
    assert_int_equal(ll_data_read_csv(&D, p, -1, &eb), LL_ERR_DATA);
    assert_non_null(strstr(eb.msg, "row 2, column 2: '-1e51' is too large"));
    assert_null(D.X);
    p = ll_test_write(dir, "edge.csv", "1,2,3\n4,1e50,6\n7,8,9\n", (size_t)-1);
    assert_int_equal(ll_data_read_csv(&D, p, -1, &eb), LL_OK); /* the limit */
    ll_data_free(&D);
    /* .npy: shape (2, 2), C order, the value 1e60 at [1, 0] */
    unsigned char npy[128 + 32];
    const char *hdr = "{'descr': '<f8', 'fortran_order': False, "
                      "'shape': (2, 2), }";
    memset(npy, ' ', 128);
    memcpy(npy, "\x93NUMPY\x01\x00", 8);
    npy[8] = 118, npy[9] = 0; /* header length 128 - 10 */
    memcpy(npy + 10, hdr, strlen(hdr));
    npy[127] = '\n';
    double v[4] = {1, 2, 1e60, 3};
    memcpy(npy + 128, v, sizeof v);
    p = ll_test_write(dir, "huge.npy", npy, sizeof npy);
    assert_int_equal(ll_data_read_npy(&D, p, NULL, -1, &eb), LL_ERR_DATA);
    assert_non_null(strstr(eb.msg, "at [1, 0] is too large"));
    double X[2] = {1, 2e50}, y[2] = {0, 1};
    assert_int_equal(ll_data_from_arrays(&D, 2, 1, X, y, &eb), LL_ERR_DATA);
    assert_non_null(strstr(eb.msg, "X[1]"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_should_refuse_n_not_above_d),
        cmocka_unit_test(check_should_name_the_constant_column_of_the_file),
        cmocka_unit_test(readers_should_refuse_values_above_the_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
