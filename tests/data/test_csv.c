/* CSV reader: good files (header or not, spaces, CRLF, trailing blank lines,
 * any target column) and every kind of bad file, each with the right status
 * and a message naming the problem; plus a small random-input robustness
 * loop (a crash or sanitizer report fails it). */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "losslab/data.h"

static const char *tmp;

/* Write `text` to a fresh file and read it with target column tc. */
static ll_status read_text(const char *text, int tc, ll_data *D, ll_errbuf *eb)
{
    const char *p = ll_test_write(tmp, "t.csv", text, (size_t)-1);
    assert_non_null(p);
    eb->msg[0] = '\0';
    return ll_data_read_csv(D, p, tc, eb);
}

/* A bad file must fail with status s and a message containing `want`, and
 * leave D empty. */
static void expect_bad(const char *text, int tc, ll_status s, const char *want)
{
    ll_data D;
    ll_errbuf eb;
    ll_status got = read_text(text, tc, &D, &eb);
    if (got != s || !strstr(eb.msg, want))
        fail_msg("input [%s]: status %d (want %d), message '%s' (want '%s')",
                 text, got, s, eb.msg, want);
    assert_null(D.X);
    assert_null(D.y);
    assert_int_equal(D.n, 0);
}

static void read_csv_should_read_numbers_without_header(void **st)
{
    (void)st;
    ll_data D;
    ll_errbuf eb;
    assert_int_equal(read_text("1,2,3\n4,5,6\n", -1, &D, &eb), LL_OK);
    assert_int_equal(D.n, 2);
    assert_int_equal(D.d, 2);
    const double X[4] = {1, 4, 2, 5}, y[2] = {3, 6}; /* column-major */
    assert_memory_equal(D.X, X, sizeof X);
    assert_memory_equal(D.y, y, sizeof y);
    ll_data_free(&D);
    assert_null(D.X);
    assert_int_equal(D.n, 0);
    ll_data_free(NULL);
}

static void read_csv_should_skip_header_spaces_crlf_and_trailing_blank_lines(
    void **st)
{
    (void)st;
    ll_data D;
    ll_errbuf eb;
    const char *text = "x1 , x2,y\r\n 1 , 2.5 ,3\r\n-4,5e-1,\t6\r\n\r\n\n  \n";
    assert_int_equal(read_text(text, -1, &D, &eb), LL_OK);
    assert_int_equal(D.n, 2);
    assert_int_equal(D.d, 2);
    const double X[4] = {1, -4, 2.5, 0.5}, y[2] = {3, 6};
    assert_memory_equal(D.X, X, sizeof X);
    assert_memory_equal(D.y, y, sizeof y);
    ll_data_free(&D);
    /* no final newline at all */
    assert_int_equal(read_text("1,2\n3,4", -1, &D, &eb), LL_OK);
    assert_int_equal(D.n, 2);
    assert_true(D.y[1] == 4);
    ll_data_free(&D);
}

static void read_csv_should_take_target_from_a_middle_column(void **st)
{
    (void)st;
    ll_data D;
    ll_errbuf eb;
    const char *text = "a,target,b,c\n1,10,2,3\n4,40,5,6\n";
    assert_int_equal(read_text(text, 1, &D, &eb), LL_OK);
    assert_int_equal(D.d, 3);
    const double X[6] = {1, 4, 2, 5, 3, 6}, y[2] = {10, 40};
    assert_memory_equal(D.X, X, sizeof X);
    assert_memory_equal(D.y, y, sizeof y);
    ll_data_free(&D);
    /* column 0 and the explicit last index */
    assert_int_equal(read_text(text, 0, &D, &eb), LL_OK);
    assert_true(D.y[0] == 1 && D.X[0] == 10 && D.X[5] == 6);
    ll_data_free(&D);
    assert_int_equal(read_text(text, 3, &D, &eb), LL_OK);
    assert_true(D.y[1] == 6 && D.X[2] == 10 && D.X[5] == 5);
    ll_data_free(&D);
}

static void read_csv_should_reject_missing_empty_and_header_only_files(void **st)
{
    (void)st;
    ll_data D;
    ll_errbuf eb = {{0}};
    char p[600];
    snprintf(p, sizeof p, "%s/no-such-file.csv", tmp);
    assert_int_equal(ll_data_read_csv(&D, p, -1, &eb), LL_ERR_IO);
    assert_non_null(strstr(eb.msg, "no-such-file.csv: cannot open"));
    assert_int_equal(ll_data_read_csv(&D, tmp, -1, &eb), LL_ERR_IO); /* a dir */
    expect_bad("", -1, LL_ERR_DATA, "file is empty");
    expect_bad(" \n\r\n\n", -1, LL_ERR_DATA, "file is empty");
    expect_bad("x,y,z\n", -1, LL_ERR_DATA, "no data rows");
    expect_bad("x,y,z\n\n\n", -1, LL_ERR_DATA, "no data rows");
}

static void read_csv_should_name_the_row_of_a_ragged_line(void **st)
{
    (void)st;
    /* header + 15 good rows of 6 columns; line 17 has 4 columns */
    char text[1024] = "a,b,c,d,e,y\n";
    for (int i = 0; i < 15; i++)
        strcat(text, "1,2,3,4,5,6\n");
    strcat(text, "1,2,3,4\n1,2,3,4,5,6\n");
    expect_bad(text, -1, LL_ERR_PARSE, "t.csv: row 17 has 4 columns, expected 6");
    expect_bad("a,b\n1,2,3\n4,5,6\n", -1, LL_ERR_PARSE,
               "header has 2 columns but row 2 has 3");
    expect_bad("1,2\n\n3,4\n", -1, LL_ERR_PARSE, "row 2 is blank");
}

static void read_csv_should_name_line_column_and_text_of_a_bad_field(void **st)
{
    (void)st;
    expect_bad("1,2,3\n4,abc,6\n", -1, LL_ERR_PARSE,
               "row 2, column 2: 'abc' is not a number");
    expect_bad("x,y\n1,2\n3,4x\n", -1, LL_ERR_PARSE,
               "row 3, column 2: '4x' is not a number");
    expect_bad("1,2\n3,,\n", -1, LL_ERR_PARSE, "row 2 has 3 columns");
    expect_bad("1,2\n3, \n", -1, LL_ERR_PARSE, "row 2, column 2 is empty");
    expect_bad("1,2\n3,1.5.2\n", -1, LL_ERR_PARSE, "'1.5.2' is not a number");
    char longf[400] = "1,2\n3,";
    memset(longf + 6, '7', 300);
    expect_bad(longf, -1, LL_ERR_PARSE, "row 2, column 2: field too long");
}

static void read_csv_should_reject_nan_inf_and_overflow(void **st)
{
    (void)st;
    expect_bad("1,2\n3,NaN\n", -1, LL_ERR_DATA, "row 2, column 2: 'NaN' is not "
               "finite");
    expect_bad("1,2\nnan,4\n", -1, LL_ERR_DATA, "row 2, column 1: 'nan'");
    expect_bad("1,Inf\n3,4\n", -1, LL_ERR_DATA, "row 1, column 2: 'Inf' is not "
               "finite");
    expect_bad("x,y\n1,-inf\n", -1, LL_ERR_DATA, "'-inf' is not finite");
    expect_bad("x,y\n1,2\n1e999,3\n", -1, LL_ERR_DATA,
               "row 3, column 1: '1e999' overflows");
    expect_bad("x,y\n1,-1e400\n", -1, LL_ERR_DATA, "'-1e400' overflows");
}

static void read_csv_should_reject_one_column_and_bad_target_column(void **st)
{
    (void)st;
    expect_bad("y\n1\n2\n", -1, LL_ERR_DATA, "only one column");
    expect_bad("1\n2\n", -1, LL_ERR_DATA, "only one column");
    expect_bad("1,2,3\n", 3, LL_ERR_ARG, "target column 3 out of range");
    expect_bad("1,2,3\n", -2, LL_ERR_ARG, "target column -2 out of range");
}

static void read_should_dispatch_on_extension(void **st)
{
    (void)st;
    ll_data D;
    ll_errbuf eb;
    const char *p = ll_test_write(tmp, "d.txt", "1,2\n3,4\n", (size_t)-1);
    assert_int_equal(ll_data_read(&D, p, NULL, -1, &eb), LL_OK);
    assert_int_equal(D.n, 2);
    ll_data_free(&D);
    assert_int_equal(ll_data_read(&D, p, "y.npy", -1, &eb), LL_ERR_ARG);
    assert_non_null(strstr(eb.msg, "only supported for .npy"));
    /* ".NPY" goes to the NPY reader, which rejects CSV text by its magic */
    p = ll_test_write(tmp, "d.NPY", "1,2\n3,4\n", (size_t)-1);
    assert_int_equal(ll_data_read(&D, p, NULL, -1, &eb), LL_ERR_PARSE);
    assert_non_null(strstr(eb.msg, "bad magic"));
}

static void from_arrays_should_copy_and_reject_bad_input(void **st)
{
    (void)st;
    double X[6] = {1, 2, 3, 4, 5, 6}, y[3] = {7, 8, 9};
    ll_data D;
    ll_errbuf eb;
    assert_int_equal(ll_data_from_arrays(&D, 3, 2, X, y, &eb), LL_OK);
    X[0] = 100;
    assert_true(D.X[0] == 1 && D.X[5] == 6 && D.y[2] == 9);
    ll_data_free(&D);
    assert_int_equal(ll_data_from_arrays(&D, 0, 2, X, y, &eb), LL_ERR_ARG);
    assert_int_equal(ll_data_from_arrays(&D, 3, 0, X, y, &eb), LL_ERR_ARG);
    X[4] = 0.0 / 0.0;
    assert_int_equal(ll_data_from_arrays(&D, 3, 2, X, y, &eb), LL_ERR_DATA);
    assert_non_null(strstr(eb.msg, "sample 1, feature 1"));
    assert_null(D.X);
}

/* Random short texts over an alphabet rich in CSV syntax: the reader must
 * return (any status) with a message on failure and a consistent data set
 * on success. Crashes and overreads surface under the sanitizer build. */
static void read_csv_should_survive_random_input(void **st)
{
    (void)st;
    static const char alpha[] = "0123456789.,,,eE+- \t\r\n\nnaifNIxy\"";
    uint64_t seed = 12345;
    char text[96];
    for (int it = 0; it < 1500; it++) {
        size_t len = (size_t)((ll_test_rand(&seed) + 1) * 47);
        for (size_t i = 0; i < len; i++)
            text[i] = alpha[(size_t)((ll_test_rand(&seed) + 1) * 0.5 *
                                     (sizeof alpha - 1))];
        text[len] = '\0';
        ll_data D;
        ll_errbuf eb = {{0}};
        ll_status s = read_text(text, -1, &D, &eb);
        if (s == LL_OK) {
            assert_true(D.n >= 1 && D.d >= 1);
            ll_data_free(&D);
        } else {
            assert_true(strlen(eb.msg) > 0);
        }
    }
}

int main(void)
{
    tmp = ll_test_tmpdir();
    if (!tmp)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read_csv_should_read_numbers_without_header),
        cmocka_unit_test(
            read_csv_should_skip_header_spaces_crlf_and_trailing_blank_lines),
        cmocka_unit_test(read_csv_should_take_target_from_a_middle_column),
        cmocka_unit_test(read_csv_should_reject_missing_empty_and_header_only_files),
        cmocka_unit_test(read_csv_should_name_the_row_of_a_ragged_line),
        cmocka_unit_test(read_csv_should_name_line_column_and_text_of_a_bad_field),
        cmocka_unit_test(read_csv_should_reject_nan_inf_and_overflow),
        cmocka_unit_test(read_csv_should_reject_one_column_and_bad_target_column),
        cmocka_unit_test(read_should_dispatch_on_extension),
        cmocka_unit_test(from_arrays_should_copy_and_reject_bad_input),
        cmocka_unit_test(read_csv_should_survive_random_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
