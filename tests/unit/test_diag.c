/* test_diag.c — goemu's messages go to the stderr goemu started with, captured at a private,
 * close-on-exec fd, whatever the guest later does with its own fd 2 (close it, point it at a
 * data file or a socket). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/diag.h"

static void test_messages_reach_the_original_stderr_after_the_guest_redirects_fd_2(void **state)
{
    int p[2], saved = dup(2), devnull = open("/dev/null", O_WRONLY);
    char buf[64] = {0};
    assert_int_equal(pipe(p), 0);
    assert_int_equal(dup2(p[1], 2), 2);       /* goemu's stderr: the pipe */
    diag_capture();
    assert_true(fileno(diag()) >= DIAG_FD_MIN);
    assert_true(fcntl(fileno(diag()), F_GETFD) & FD_CLOEXEC);
    assert_int_equal(dup2(devnull, 2), 2);    /* the guest points fd 2 elsewhere */
    fprintf(diag(), "goemu: still here\n");   /* unbuffered: in the pipe at once */
    assert_int_equal(read(p[0], buf, sizeof buf - 1), 18);
    assert_string_equal(buf, "goemu: still here\n");
    close(2);                                 /* the guest closes fd 2 */
    fprintf(diag(), "x");
    assert_int_equal(read(p[0], buf, 1), 1);
    assert_int_equal(buf[0], 'x');
    dup2(saved, 2);
    close(saved);
    close(devnull);
    close(p[0]);
    close(p[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages_reach_the_original_stderr_after_the_guest_redirects_fd_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
