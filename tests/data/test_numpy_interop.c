/* NPY reader against files written by NumPy itself (np.save): float64 in C
 * and Fortran order, 1-D targets, and a float32 file that must be refused
 * by name. Skipped (with a message) when /usr/bin/python3 has no numpy. */
#include "testutil.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "losslab/data.h"

static int have_numpy(void)
{
    char out[256];
    return access("/usr/bin/python3", X_OK) == 0 &&
           ll_test_run("/usr/bin/python3 -c 'import numpy'", out, sizeof out) == 0;
}

static void read_npy_should_read_files_saved_by_numpy(void **st)
{
    (void)st;
    if (!have_numpy()) {
        print_message("skipped: /usr/bin/python3 with numpy not found\n");
        skip();
    }
    const char *dir = ll_test_tmpdir();
    assert_non_null(dir);
    /* M[i, j] = 10 i + j + 0.25, 4 x 3; exactly representable values. */
    char cmd[2048], out[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && /usr/bin/python3 -c \""
             "import numpy as np\n"
             "M = 10.0 * np.arange(4)[:, None] + np.arange(3)[None, :] + 0.25\n"
             "np.save('c.npy', np.ascontiguousarray(M))\n"
             "np.save('f.npy', np.asfortranarray(M))\n"
             "np.save('y.npy', M[:, 2].copy())\n"
             "np.save('x.npy', np.asfortranarray(M[:, :2]))\n"
             "np.save('s.npy', M.astype(np.float32))\n"
             "assert np.asfortranarray(M).flags.f_contiguous\n\"",
             dir);
    int rc = ll_test_run(cmd, out, sizeof out);
    if (rc != 0)
        fail_msg("python failed (%d): %s", rc, out);
    const char *files[] = {"c.npy", "f.npy", "x.npy"};
    for (int k = 0; k < 3; k++) {
        char xp[1024], yp[1024];
        snprintf(xp, sizeof xp, "%s/%s", dir, files[k]);
        snprintf(yp, sizeof yp, "%s/y.npy", dir);
        ll_data D;
        ll_errbuf eb = {{0}};
        ll_status s = ll_data_read_npy(&D, xp, k == 2 ? yp : NULL, -1, &eb);
        if (s != LL_OK)
            fail_msg("%s: %s", files[k], eb.msg);
        assert_int_equal(D.n, 4);
        assert_int_equal(D.d, 2);
        for (size_t i = 0; i < 4; i++) {
            assert_true(D.y[i] == 10.0 * (double)i + 2.25);
            for (size_t j = 0; j < 2; j++)
                assert_true(D.X[i + 4 * j] == 10.0 * (double)i + (double)j + 0.25);
        }
        ll_data_free(&D);
    }
    char sp[1024];
    snprintf(sp, sizeof sp, "%s/s.npy", dir);
    ll_data D;
    ll_errbuf eb = {{0}};
    assert_int_equal(ll_data_read_npy(&D, sp, NULL, -1, &eb), LL_ERR_DATA);
    assert_non_null(strstr(eb.msg, "expected float64 '<f8', got '<f4'"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(read_npy_should_read_files_saved_by_numpy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
