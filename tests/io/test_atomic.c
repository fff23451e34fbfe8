/* Atomic writes: the content arrives whole, no temporary file is left
 * behind, and a failed write neither clobbers the old file nor leaves a
 * temporary. Failures are provoked for real: a rename over a directory, a
 * missing directory, and a file-size limit (RLIMIT_FSIZE) hit mid-write. */
#include "testutil.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "losslab/io.h"

static size_t count_entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

static size_t read_all(const char *path, char *buf, size_t cap)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    size_t n = fread(buf, 1, cap - 1, fp);
    buf[n] = '\0';
    fclose(fp);
    return n;
}

static void write_atomic_should_write_whole_file_and_leave_no_temp(void **state)
{
    (void)state;
    char dir[256], path[300], buf[64];
    snprintf(dir, sizeof dir, "%s", ll_test_tmpdir());
    snprintf(path, sizeof path, "%s/a.txt", dir);
    assert_int_equal(ll_io_write_atomic(path, "first", 5, NULL), LL_OK);
    assert_int_equal(ll_io_write_atomic(path, "second!", 7, NULL), LL_OK);
    assert_int_equal(read_all(path, buf, sizeof buf), 7);
    assert_string_equal(buf, "second!");
    assert_int_equal(count_entries(dir), 1);
}

static void write_into_missing_directory_should_name_path_and_reason(void **state)
{
    (void)state;
    char path[300];
    ll_errbuf eb = {{0}};
    snprintf(path, sizeof path, "%s/no/such/x.json", ll_test_tmpdir());
    assert_int_equal(ll_io_write_atomic(path, "x", 1, &eb), LL_ERR_IO);
    assert_non_null(strstr(eb.msg, "io: cannot write "));
    assert_non_null(strstr(eb.msg, path));
    assert_non_null(strstr(eb.msg, "No such file or directory"));
}

static void failed_rename_should_remove_the_temp(void **state)
{
    (void)state;
    char dir[256], path[300];
    ll_errbuf eb = {{0}};
    snprintf(dir, sizeof dir, "%s", ll_test_tmpdir());
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(mkdir(path, 0777), 0);
    /* rename(2) of a file over a non-empty directory fails. */
    ll_test_write(path, "inside", "x", 1);
    assert_int_equal(ll_io_write_atomic(path, "data", 4, &eb), LL_ERR_IO);
    assert_non_null(strstr(eb.msg, path));
    assert_int_equal(count_entries(dir), 1);
}

static void failed_write_should_not_clobber_the_old_file(void **state)
{
    (void)state;
    char dir[256], path[300], buf[64];
    static char big[1 << 16];
    struct rlimit old, lim;
    ll_errbuf eb = {{0}};
    snprintf(dir, sizeof dir, "%s", ll_test_tmpdir());
    snprintf(path, sizeof path, "%s/keep.txt", dir);
    assert_int_equal(ll_io_write_atomic(path, "precious", 8, NULL), LL_OK);
    memset(big, 'z', sizeof big);
    /* Files may not grow past 4 KiB: the write of 64 KiB fails (EFBIG). */
    signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 4096;
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    ll_status st = ll_io_write_atomic(path, big, sizeof big, &eb);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    assert_int_equal(st, LL_ERR_IO);
    assert_non_null(strstr(eb.msg, "keep.txt"));
    assert_int_equal(read_all(path, buf, sizeof buf), 8);
    assert_string_equal(buf, "precious");
    assert_int_equal(count_entries(dir), 1);
}

static void abort_should_leave_target_untouched(void **state)
{
    (void)state;
    char dir[256], path[300], buf[64];
    ll_io_afile *f;
    snprintf(dir, sizeof dir, "%s", ll_test_tmpdir());
    snprintf(path, sizeof path, "%s/b.txt", dir);
    assert_int_equal(ll_io_write_atomic(path, "old", 3, NULL), LL_OK);
    assert_int_equal(ll_io_afile_open(&f, path, NULL), LL_OK);
    fputs("new content", ll_io_afile_stream(f));
    assert_int_equal(count_entries(dir), 2); /* the temp exists meanwhile */
    ll_io_afile_abort(f);
    read_all(path, buf, sizeof buf);
    assert_string_equal(buf, "old");
    assert_int_equal(count_entries(dir), 1);
}

static void mkdir_p_should_create_parents_and_refuse_a_file(void **state)
{
    (void)state;
    char dir[256], path[300];
    struct stat sb;
    ll_errbuf eb = {{0}};
    snprintf(dir, sizeof dir, "%s", ll_test_tmpdir());
    snprintf(path, sizeof path, "%s/a/b/c", dir);
    assert_int_equal(ll_io_mkdir_p(path, NULL), LL_OK);
    assert_int_equal(ll_io_mkdir_p(path, NULL), LL_OK); /* exists: fine */
    assert_int_equal(stat(path, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    const char *file = ll_test_write(dir, "plain", "x", 1);
    snprintf(path, sizeof path, "%s/deeper", file);
    assert_int_equal(ll_io_mkdir_p(path, &eb), LL_ERR_IO);
    assert_non_null(strstr(eb.msg, "cannot create directory"));
}

static void check_writable_should_reject_directories_and_missing_parents(void **state)
{
    (void)state;
    char dir[256], path[300];
    ll_errbuf eb = {{0}};
    snprintf(dir, sizeof dir, "%s", ll_test_tmpdir());
    assert_int_equal(ll_io_check_writable(dir, &eb), LL_ERR_IO);
    assert_non_null(strstr(eb.msg, "Is a directory"));
    snprintf(path, sizeof path, "%s/missing/x.json", dir);
    assert_int_equal(ll_io_check_writable(path, &eb), LL_ERR_IO);
    snprintf(path, sizeof path, "%s/x.json", dir);
    assert_int_equal(ll_io_check_writable(path, &eb), LL_OK);
    assert_int_equal(ll_io_check_writable("relative.json", &eb), LL_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_atomic_should_write_whole_file_and_leave_no_temp),
        cmocka_unit_test(write_into_missing_directory_should_name_path_and_reason),
        cmocka_unit_test(failed_rename_should_remove_the_temp),
        cmocka_unit_test(failed_write_should_not_clobber_the_old_file),
        cmocka_unit_test(abort_should_leave_target_untouched),
        cmocka_unit_test(mkdir_p_should_create_parents_and_refuse_a_file),
        cmocka_unit_test(check_writable_should_reject_directories_and_missing_parents),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
