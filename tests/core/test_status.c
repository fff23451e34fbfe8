/* Status codes: names, descriptions and the error-line helper. */
#include "testutil.h"

#include <string.h>

#include "losslab/losslab.h"

static void status_str_should_describe_every_code(void **state)
{
    (void)state;
    assert_string_equal(ll_status_str(LL_OK), "ok");
    assert_string_equal(ll_status_str(LL_ERR_SINGULAR), "singular system");
    assert_string_equal(ll_status_name(LL_STOP_PARAM), "LL_STOP_PARAM");
    assert_string_equal(ll_status_str((ll_status)12345), "unknown status");
}

static void err_should_format_message_and_return_status(void **state)
{
    (void)state;
    ll_errbuf eb = {{0}};
    ll_status s = ll_err(&eb, LL_ERR_DATA, "data: row %d has %d columns", 17, 4);
    assert_int_equal(s, LL_ERR_DATA);
    assert_string_equal(eb.msg, "data: row 17 has 4 columns");
    assert_int_equal(ll_err(NULL, LL_ERR_IO, "ignored"), LL_ERR_IO);
}

static void version_should_be_semver_and_revision_nonempty(void **state)
{
    (void)state;
    assert_string_equal(ll_version(), "0.1.0");
    assert_true(strlen(ll_git_revision()) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(status_str_should_describe_every_code),
        cmocka_unit_test(err_should_format_message_and_return_status),
        cmocka_unit_test(version_should_be_semver_and_revision_nonempty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
