/* `losslab trace` interrupted by a real Ctrl-C (SIGINT): it must stop at
 * the next accepted point, write the branch so far with status
 * LL_STOP_CANCEL (nothing computed is lost) and exit 130. The run is a
 * structured-path trace at m = 600 (~4 s on the 2-core machine; 1 s into
 * it the branch is under way), so the signal arrives mid-run; if the
 * machine were fast enough to finish first, exit 0 with a complete run is
 * accepted and the test says so. */
#include "testutil.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sigint_should_write_the_branch_so_far_and_exit_130(void **st)
{
    (void)st;
    const char *bin = getenv("LOSSLAB_BIN");
    if (!bin)
        fail_msg("LOSSLAB_BIN is not set");
    char json[512];
    snprintf(json, sizeof json, "%s/t.json", ll_test_tmpdir());
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        freopen("/dev/null", "w", stdout);
        execl(bin, bin, "trace", "--width", "600", "--quiet", "--json", json,
              (char *)NULL);
        _exit(127);
    }
    struct timespec ts = {1, 0};
    nanosleep(&ts, NULL);
    kill(pid, SIGINT);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    int rc = WEXITSTATUS(status);
    const char *txt = ll_test_read_file(json);
    assert_non_null(txt);
    if (rc == 0) {
        print_message("trace finished before the signal: not exercised\n");
        return;
    }
    assert_int_equal(rc, 130);
    if (!strstr(txt, "\"LL_STOP_CANCEL\""))
        fail_msg("no LL_STOP_CANCEL status in %s", json);
    if (!strstr(txt, "\"branch\""))
        fail_msg("no branch in %s", json);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sigint_should_write_the_branch_so_far_and_exit_130),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
