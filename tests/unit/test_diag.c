/* test_diag.c — goemu's messages go to the stderr goemu started with, captured at a private,
 * close-on-exec fd in goemu's block (base/fds.h), whatever the guest later does with its own
 * fd 2 (close it, point it at a data file or a socket). */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/diag.h"
#include "base/fds.h"
#include "cpu/exec.h"
#include "mem/uaccess.h"

/* An instruction goemu does not implement is named on the diagnostic stream: what, bytes,
 * rip (before diag_capture, diag() is stderr). */
static void test_sigill_diagnostic_names_the_instruction(void **state)
{
    static const uint8_t popcnt[] = {0xf3, 0x48, 0x0f, 0xb8, 0xc1};   /* popcnt rax, rcx */
    struct mem m;
    struct cpu c;
    int p[2], saved = dup(2);
    char buf[256] = {0};
    assert_int_equal(mem_init(&m), 0);
    assert_int_equal(mem_map(&m, 0x400000, 4096, GPROT_READ | GPROT_EXEC, 0, "code"), 0);
    assert_int_equal(mem_poke(&m, 0x400000, popcnt, sizeof popcnt), 0);
    cpu_init(&c, &m);
    c.rip = 0x400000;
    assert_int_equal(pipe(p), 0);
    assert_int_equal(dup2(p[1], 2), 2);
    assert_int_equal(cpu_run(&c, 10), STOP_FAULT);
    dup2(saved, 2);
    close(saved);
    assert_true(read(p[0], buf, sizeof buf - 1) > 0);
    assert_non_null(strstr(buf, "goemu: SIGILL: unimplemented instruction 'popcnt rax, rcx'"));
    assert_non_null(strstr(buf, "f3 48 0f b8 c1"));
    assert_non_null(strstr(buf, "at rip 0x400000"));
    assert_int_equal(c.fault.signo, 4);
    close(p[0]);
    close(p[1]);
    icache_destroy(&m);
    mem_destroy(&m);
}

static void test_messages_reach_the_original_stderr_after_the_guest_redirects_fd_2(void **state)
{
    int p[2], saved = dup(2), devnull = open("/dev/null", O_WRONLY);
    char buf[64] = {0};
    assert_int_equal(pipe(p), 0);
    assert_int_equal(dup2(p[1], 2), 2);       /* goemu's stderr: the pipe */
    fds_init();
    diag_capture();
    assert_true(fds_private(diag_fd()));      /* in goemu's block, out of the guest's reach */
    assert_true(fcntl(diag_fd(), F_GETFD) & FD_CLOEXEC);
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
        cmocka_unit_test(test_sigill_diagnostic_names_the_instruction),   /* before the capture */
        cmocka_unit_test(test_messages_reach_the_original_stderr_after_the_guest_redirects_fd_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
