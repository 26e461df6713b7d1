/* test_sys_process.c — other processes: fork-like clone (a real host child that keeps only the
 * calling thread), clone/clone3 flag checks, execve's errors before the process is replaced,
 * wait4/waitid (immediate answers, parking on a pidfd), pidfds and kill to a child. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "base/fds.h"
#include "sys_test.h"

#define PATH (SCRATCH + 0x100)
#define ARGV (SCRATCH + 0x1100)
#define WORD (SCRATCH + 0x1200)
#define INFO (SCRATCH + 0x1300)
#define RUSAGE (SCRATCH + 0x1400)
#define CARGS (SCRATCH + 0x2000)
#define BIG (SCRATCH + 0x4000)   /* up to the end of the scratch area */
#define BAD 0x7000000000ull
#define SIGCHLD_ 17
#define FORK_VFORK (LINUX_CLONE_VM | LINUX_CLONE_VFORK | SIGCHLD_)   /* Go's forkExec */

/* Exit codes a forked test child uses to report what it found wrong. */
enum { CHILD_OK, CHILD_THREADS, CHILD_PID, CHILD_TID, CHILD_PENDING };

/* ---- execve: errors come back before the process is replaced ---------------------------- */

/* argv = {arg0, NULL} at ARGV. Files that must not run are /bin/false, so a test that
 * wrongly replaced the process would end the run with a failure. */
static uint64_t argv_for(const char *arg0)
{
    uint64_t v[2] = {put_str(ARGV + 0x40, arg0), 0};
    poke(ARGV, v, sizeof(v));
    return ARGV;
}

static void test_execve_missing_file_is_enoent(void **state)
{
    assert_int_equal(SYS(sys_execve, put_str(PATH, "/nonexistent/goemu-test"), argv_for("x"), 0),
                     -ENOENT);
    assert_int_equal(SYS(sys_execve, put_str(PATH, ""), argv_for("x"), 0), -ENOENT);
}

static void test_execve_bad_pointers_are_efault(void **state)
{
    assert_int_equal(SYS(sys_execve, BAD, 0, 0), -EFAULT);
    uint64_t argv = argv_for("/bin/false");
    put_str(PATH, "/bin/false");
    assert_int_equal(SYS(sys_execve, PATH, BAD, 0), -EFAULT);
    assert_int_equal(SYS(sys_execve, PATH, argv, BAD), -EFAULT);
    uint64_t bad_string[2] = {BAD, 0};
    poke(ARGV, bad_string, sizeof(bad_string));
    assert_int_equal(SYS(sys_execve, PATH, ARGV, 0), -EFAULT);
}

static void test_execve_directory_or_unexecutable_file_is_eacces(void **state)
{
    assert_int_equal(SYS(sys_execve, put_str(PATH, "/"), argv_for("/"), 0), -EACCES);
    char tmp[] = "/tmp/goemu-test-noexec-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    fchmod(fd, 0644);
    close(fd);
    assert_int_equal(SYS(sys_execve, put_str(PATH, tmp), argv_for(tmp), 0), -EACCES);
    unlink(tmp);
}

/* The host kernel judges what goemu does not run (here: no known format); goemu's own signal
 * state, changed for the guest's just before, is back afterwards. */
static void test_execve_unknown_format_is_enoexec_from_the_host(void **state)
{
    char tmp[] = "/tmp/goemu-test-garbage-XXXXXX";
    int fd = mkstemp(tmp);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "\x01\x02garbage", 9), 9);
    fchmod(fd, 0755);
    close(fd);
    E->sigactions[SIGUSR1].handler = LINUX_SIG_IGN;   /* host: SIG_DFL */
    assert_int_equal(SYS(sys_execve, put_str(PATH, tmp), argv_for(tmp), 0), -ENOEXEC);
    unlink(tmp);
    struct sigaction sa;
    sigaction(SIGPIPE, NULL, &sa);
    assert_ptr_equal(sa.sa_handler, SIG_IGN);
    sigaction(SIGUSR1, NULL, &sa);
    assert_ptr_equal(sa.sa_handler, SIG_DFL);
}

static void test_execveat_flags(void **state)
{
    assert_int_equal(SYS(sys_execveat, (uint64_t)AT_FDCWD, put_str(PATH, "/bin/false"),
                         argv_for("/bin/false"), 0, 0x2), -EINVAL);
    char link[] = "/tmp/goemu-test-link-XXXXXX";
    int fd = mkstemp(link);
    assert_true(fd >= 0);
    close(fd);
    unlink(link);
    assert_int_equal(symlink("/bin/false", link), 0);
    assert_int_equal(SYS(sys_execveat, (uint64_t)AT_FDCWD, put_str(PATH, link), argv_for(link),
                         0, LINUX_AT_SYMLINK_NOFOLLOW), -ELOOP);
    unlink(link);
}

static void test_execve_argument_longer_than_max_arg_strlen_is_e2big(void **state)
{
    assert_int_equal(mem_map(&E->mem, 0x200000, 0x40000, GPROT_READ | GPROT_WRITE, 0, "big"), 0);
    char *s = malloc(LINUX_MAX_ARG_STRLEN + 1);
    memset(s, 'a', LINUX_MAX_ARG_STRLEN);
    s[LINUX_MAX_ARG_STRLEN] = '\0';
    poke(0x200000, s, LINUX_MAX_ARG_STRLEN + 1);
    free(s);
    uint64_t v[3] = {put_str(PATH, "/bin/false"), 0x200000, 0};
    poke(ARGV, v, sizeof(v));
    assert_int_equal(SYS(sys_execve, PATH, ARGV, 0), -E2BIG);
}

/* ---- wait4, waitid without children --------------------------------------------------------- */

static void test_wait_without_children_is_echild(void **state)
{
    assert_int_equal(SYS(sys_wait4, (uint64_t)-1, WORD, 0, 0), -ECHILD);
    assert_int_equal(SYS(sys_wait4, 1, WORD, LINUX_WNOHANG, 0), -ECHILD);
    assert_int_equal(SYS(sys_waitid, LINUX_P_ALL, 0, INFO, LINUX_WEXITED, 0), -ECHILD);
    assert_int_equal(T->state, THREAD_RUNNABLE);
}

static void test_waitid_bad_options_is_einval(void **state)
{
    assert_int_equal(SYS(sys_waitid, LINUX_P_ALL, 0, INFO, 0, 0), -EINVAL);
}

/* ---- clone and clone3 flag checks ------------------------------------------------------------ */

static void test_clone_pidfd_with_parent_settid_is_einval(void **state)
{
    assert_int_equal(SYS(sys_clone, LINUX_CLONE_PIDFD | LINUX_CLONE_PARENT_SETTID | SIGCHLD_,
                         0, WORD), -EINVAL);
}

static void test_clone_pidfd_to_a_bad_address_is_efault_and_makes_no_child(void **state)
{
    assert_int_equal(SYS(sys_clone, LINUX_CLONE_PIDFD | SIGCHLD_, 0, BAD), -EFAULT);
    assert_int_equal(SYS(sys_wait4, (uint64_t)-1, 0, LINUX_WNOHANG, 0), -ECHILD);
}

static int64_t clone3_with(const struct linux_clone_args *ca, uint64_t size)
{
    poke(CARGS, ca, sizeof(*ca));
    return SYS(sys_clone3, CARGS, size);
}

static void test_clone3_argument_checks(void **state)
{
    struct linux_clone_args ca = {0};
    ca.exit_signal = SIGCHLD_;
    assert_int_equal(clone3_with(&ca, 63), -EINVAL);
    assert_int_equal(clone3_with(&ca, 8192), -E2BIG);
    assert_int_equal(SYS(sys_clone3, BAD, 64), -EFAULT);
    uint8_t one = 1;
    poke(CARGS + sizeof(ca), &one, 1);                  /* a newer field goemu does not know */
    assert_int_equal(SYS(sys_clone3, CARGS, sizeof(ca) + 8), -E2BIG);
    ca.exit_signal = 65;
    assert_int_equal(clone3_with(&ca, sizeof(ca)), -EINVAL);
    ca.exit_signal = SIGCHLD_;
    ca.flags = SIGCHLD_;                                /* the signal belongs in exit_signal */
    assert_int_equal(clone3_with(&ca, sizeof(ca)), -EINVAL);
    ca.flags = 0;
    ca.stack = 0xc000000000;                            /* a stack needs its size */
    assert_int_equal(clone3_with(&ca, sizeof(ca)), -EINVAL);
}

/* ---- a real child ----------------------------------------------------------------------------- */

/* Runs a wait handler as the scheduler would: when it parks the thread, waits for its fd and
 * runs it again. (Even after CLONE_VFORK's parent resumes, the child may not be a zombie yet:
 * the kernel releases its memory before it reports the exit.) */
static int64_t wait_like_the_scheduler(sys_fn *fn, const uint64_t a[6])
{
    for (;;) {
        int64_t r = fn(E, T, a);
        if (T->state != THREAD_BLOCKED)
            return r;
        assert_int_equal(T->block, BLOCK_FD);
        struct pollfd p = {T->wait_fd, POLLIN, 0};
        int n;
        while ((n = poll(&p, 1, 10000)) < 0 && errno == EINTR)
            ;   /* SIGCHLD */
        assert_int_equal(n, 1);
        T->state = THREAD_RUNNABLE;
        T->block = BLOCK_NONE;
    }
}

#define WAIT(fn, ...) wait_like_the_scheduler(fn, (const uint64_t[6]){__VA_ARGS__})

/* In the child: only the calling thread is left, with the host child's pid as pid and tid, and
 * nothing pending. Reported through the exit status. */
static _Noreturn void check_child_and_exit(void)
{
    int code = CHILD_OK;
    if (E->threads != T || T->next || E->nthreads_live != 1)
        code = CHILD_THREADS;
    else if (E->pid != getpid())
        code = CHILD_PID;
    else if (T->tid != E->pid)
        code = CHILD_TID;
    else if (E->sigpending || T->sigpending)
        code = CHILD_PENDING;
    _exit(code);
}

static void test_vfork_child_keeps_only_the_calling_thread(void **state)
{
    thread_new(E)->state = THREAD_BLOCKED;
    thread_new(E);
    E->sigpending = 1ull << 9;
    int64_t pid = SYS(sys_clone, FORK_VFORK);
    if (pid == 0)
        check_child_and_exit();
    assert_true(pid > 0);
    assert_int_equal(WAIT(sys_wait4, (uint64_t)pid, WORD, 0, RUSAGE), pid);
    int status;
    peek(WORD, &status, sizeof(status));
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), CHILD_OK);
    assert_int_equal(E->nthreads_live, 3);  /* the parent's threads are untouched */
    assert_int_equal(E->pid, 4242);
}

/* --deterministic: no host pid in the child's view; its parent is the parent's virtual pid,
 * which kill and pidfd_open turn back into the host's. */
static void test_deterministic_child_sees_virtual_pids(void **state)
{
    E->opt.deterministic = 1;
    int next = E->next_tid;
    int64_t pid = SYS(sys_clone, FORK_VFORK);
    if (pid == 0) {
        if (E->pid != next || T->tid != next)
            _exit(CHILD_PID);
        if (SYS(sys_getpid) != next || SYS(sys_getppid) != 4242)
            _exit(CHILD_TID);
        _exit(SYS(sys_kill, 4242, 0) == 0 ? CHILD_OK : CHILD_PENDING);
    }
    assert_true(pid > 0);
    assert_int_equal(WAIT(sys_wait4, (uint64_t)pid, WORD, 0, 0), pid);
    int status;
    peek(WORD, &status, sizeof(status));
    assert_int_equal(WEXITSTATUS(status), CHILD_OK);
}

/* A wait that would block parks the thread on the child's pidfd; once the child exits the fd
 * is readable and the re-executed wait reaps it. */
static void test_blocking_wait4_parks_on_a_pidfd_until_the_child_exits(void **state)
{
    int go[2];
    assert_int_equal(pipe(go), 0);
    int64_t pid = SYS(sys_clone, SIGCHLD_);
    if (pid == 0) {
        char c;
        _exit(read(go[0], &c, 1) == 1 ? 3 : 99);
    }
    assert_true(pid > 0);
    assert_int_equal(SYS(sys_wait4, (uint64_t)pid, WORD, LINUX_WNOHANG, 0), 0);
    assert_int_equal(SYS(sys_wait4, (uint64_t)pid, WORD, 0, 0), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    assert_int_equal(T->block, BLOCK_FD);
    assert_int_equal(write(go[1], "x", 1), 1);
    struct pollfd p = {T->wait_fd, POLLIN, 0};
    int n;
    while ((n = poll(&p, 1, 10000)) < 0 && errno == EINTR)
        ;   /* SIGCHLD */
    assert_int_equal(n, 1);
    T->state = THREAD_RUNNABLE;
    T->block = BLOCK_NONE;
    assert_int_equal(SYS(sys_wait4, (uint64_t)pid, WORD, 0, 0), pid);
    int status;
    peek(WORD, &status, sizeof(status));
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 3);
    close(go[0]);
    close(go[1]);
}

/* A wait for any child parks on the set of all children's pidfds. */
static void test_blocking_wait_for_any_child_wakes_when_one_exits(void **state)
{
    int go[2];
    assert_int_equal(pipe(go), 0);
    int64_t pid = SYS(sys_clone, SIGCHLD_);
    if (pid == 0) {
        char c;
        _exit(read(go[0], &c, 1) == 1 ? 4 : 99);
    }
    assert_true(pid > 0);
    assert_int_equal(SYS(sys_wait4, (uint64_t)-1, WORD, 0, 0), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    assert_int_equal(write(go[1], "x", 1), 1);
    assert_int_equal(WAIT(sys_wait4, (uint64_t)-1, WORD, 0, 0), pid);
    int status;
    peek(WORD, &status, sizeof(status));
    assert_int_equal(WEXITSTATUS(status), 4);
    assert_int_equal(SYS(sys_wait4, (uint64_t)-1, WORD, 0, 0), -ECHILD);
    close(go[0]);
    close(go[1]);
}

/* goemu's block of private fds (base/fds.h) holds fewer pidfds than there are children here:
 * a wait for any child, or for one child without a pidfd, looks again on the timer, and every
 * child is still reaped as it exits. */
static void test_waits_for_more_children_than_goemus_block_holds(void **state)
{
    enum { N = FDS_SLOTS + 8 };
    int go[2];
    int64_t pid[N];
    char bytes[N];
    fds_init();
    assert_int_equal(pipe(go), 0);
    for (int i = 0; i < N; i++) {
        pid[i] = SYS(sys_clone, SIGCHLD_);
        if (pid[i] == 0) {
            char c;
            _exit(read(go[0], &c, 1) == 1 ? 5 : 99);
        }
        assert_true(pid[i] > 0);
    }
    assert_int_equal(SYS(sys_wait4, (uint64_t)-1, WORD, 0, 0), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    assert_true(fds_private(T->wait_fd));
    T->state = THREAD_RUNNABLE;
    T->block = BLOCK_NONE;
    assert_int_equal(SYS(sys_wait4, (uint64_t)pid[N - 1], WORD, 0, 0), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    T->state = THREAD_RUNNABLE;
    T->block = BLOCK_NONE;
    memset(bytes, 'x', sizeof(bytes));
    assert_int_equal(write(go[1], bytes, sizeof(bytes)), N);
    assert_int_equal(WAIT(sys_wait4, (uint64_t)pid[N - 1], WORD, 0, 0), pid[N - 1]);
    for (int i = 0; i < N - 1; i++) {
        int64_t r = WAIT(sys_wait4, (uint64_t)-1, WORD, 0, 0);
        assert_true(r > 0);
        int status;
        peek(WORD, &status, sizeof(status));
        assert_int_equal(WEXITSTATUS(status), 5);
    }
    assert_int_equal(SYS(sys_wait4, (uint64_t)-1, WORD, LINUX_WNOHANG, 0), -ECHILD);
    close(go[0]);
    close(go[1]);
}

/* Stops are not in a pidfd: a WUNTRACED wait looks again on a timer until one is reported. */
static void test_wait_for_a_stop_reports_it(void **state)
{
    int64_t pid = SYS(sys_clone, SIGCHLD_);
    if (pid == 0) {
        kill(getpid(), SIGSTOP);
        _exit(6);
    }
    assert_true(pid > 0);
    assert_int_equal(WAIT(sys_wait4, (uint64_t)pid, WORD, LINUX_WUNTRACED, 0), pid);
    int status;
    peek(WORD, &status, sizeof(status));
    assert_true(WIFSTOPPED(status));
    assert_int_equal(WSTOPSIG(status), SIGSTOP);
    assert_int_equal(SYS(sys_kill, (uint64_t)pid, SIGCONT), 0);
    assert_int_equal(WAIT(sys_wait4, (uint64_t)pid, WORD, 0, 0), pid);
    peek(WORD, &status, sizeof(status));
    assert_int_equal(WEXITSTATUS(status), 6);
}

/* Go 1.23+: clone(CLONE_PIDFD), then waitid(P_PIDFD); a child with exit signal 0 is a "clone"
 * child that only __WCLONE waits see, as the host kernel keeps it. */
static void test_clone_pidfd_then_waitid_p_pidfd(void **state)
{
    int64_t pid = SYS(sys_clone, LINUX_CLONE_VM | LINUX_CLONE_VFORK | LINUX_CLONE_PIDFD, 0, WORD);
    if (pid == 0)
        _exit(5);
    assert_true(pid > 0);
    int32_t pidfd;
    peek(WORD, &pidfd, sizeof(pidfd));
    assert_true(pidfd >= 0);
    assert_int_equal(SYS(sys_waitid, LINUX_P_PIDFD, (uint64_t)pidfd, INFO, LINUX_WEXITED, 0),
                     -ECHILD);
    assert_int_equal(WAIT(sys_waitid, LINUX_P_PIDFD, (uint64_t)pidfd, INFO,
                          LINUX_WEXITED | __WCLONE, RUSAGE), 0);
    struct linux_siginfo_child si;
    peek(INFO, &si, sizeof(si));
    assert_int_equal(si.signo, SIGCHLD_);
    assert_int_equal(si.code, LINUX_CLD_EXITED);
    assert_int_equal(si.pid, pid);
    assert_int_equal(si.status, 5);
    close(pidfd);
}

static void test_kill_reaches_a_child(void **state)
{
    int64_t pid = SYS(sys_clone, SIGCHLD_);
    if (pid == 0) {
        for (;;)
            pause();
    }
    assert_true(pid > 0);
    assert_int_equal(SYS(sys_kill, (uint64_t)pid, SIGKILL), 0);
    assert_int_equal(waitpid((pid_t)pid, NULL, 0), pid);   /* not the guest's: a host check */
    assert_int_equal(SYS(sys_wait4, (uint64_t)pid, WORD, 0, 0), -ECHILD);
    assert_int_equal(SYS(sys_kill, 0x3fffffff, 0), -ESRCH);
}

/* ---- pidfds, groups, credentials ------------------------------------------------------------ */

/* What Go's checkPidfd does at startup: a pidfd of its own (virtual here) pid, waitid on it is
 * -ECHILD, and signal 0 through it succeeds. */
static void test_pidfd_of_own_pid_works_like_go_checks_it(void **state)
{
    int64_t fd = SYS(sys_pidfd_open, (uint64_t)E->pid, 0);
    assert_true(fd >= 0);
    assert_int_equal(SYS(sys_waitid, LINUX_P_PIDFD, (uint64_t)fd, INFO, LINUX_WEXITED, 0),
                     -ECHILD);
    assert_int_equal(SYS(sys_pidfd_send_signal, (uint64_t)fd, 0, 0, 0), 0);
    E->sigactions[10].handler = 0x45e9e0;
    assert_int_equal(SYS(sys_pidfd_send_signal, (uint64_t)fd, 10, 0, 0), 0);
    assert_int_equal(E->sigpending, 1ull << 9);   /* stays inside the emulated process */
    close((int)fd);
    assert_int_equal(SYS(sys_pidfd_open, 0x3fffffff, 0), -ESRCH);
    assert_int_equal(SYS(sys_pidfd_send_signal, 0x7fff, 0, 0, 0), -EBADF);
}

static void test_own_pid_means_the_caller_for_process_groups(void **state)
{
    assert_int_equal(SYS(sys_getpgid, (uint64_t)E->pid), SYS(sys_getpgid, 0));
    assert_int_equal(SYS(sys_getpgid, 0), SYS(sys_getpgrp));
    assert_int_equal(SYS(sys_getsid, (uint64_t)E->pid), SYS(sys_getsid, 0));
}

static void test_getresuid_writes_three_ids(void **state)
{
    assert_int_equal(SYS(sys_getresuid, WORD, WORD + 4, WORD + 8), 0);
    uint32_t ids[3];
    peek(WORD, ids, sizeof(ids));
    assert_int_equal(ids[0], getuid());
    assert_int_equal(ids[1], geteuid());
    assert_int_equal(SYS(sys_getresgid, WORD, BAD, WORD + 8), -EFAULT);
    assert_true(SYS(sys_getgroups, 0, 0) >= 0);
    assert_int_equal(SYS(sys_getgroups, (uint64_t)-1, 0), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYS_TEST(test_execve_missing_file_is_enoent),
        SYS_TEST(test_execve_bad_pointers_are_efault),
        SYS_TEST(test_execve_directory_or_unexecutable_file_is_eacces),
        SYS_TEST(test_execve_unknown_format_is_enoexec_from_the_host),
        SYS_TEST(test_execveat_flags),
        SYS_TEST(test_execve_argument_longer_than_max_arg_strlen_is_e2big),
        SYS_TEST(test_wait_without_children_is_echild),
        SYS_TEST(test_waitid_bad_options_is_einval),
        SYS_TEST(test_clone_pidfd_with_parent_settid_is_einval),
        SYS_TEST(test_clone_pidfd_to_a_bad_address_is_efault_and_makes_no_child),
        SYS_TEST(test_clone3_argument_checks),
        SYS_TEST(test_vfork_child_keeps_only_the_calling_thread),
        SYS_TEST(test_deterministic_child_sees_virtual_pids),
        SYS_TEST(test_blocking_wait4_parks_on_a_pidfd_until_the_child_exits),
        SYS_TEST(test_blocking_wait_for_any_child_wakes_when_one_exits),
        SYS_TEST(test_wait_for_a_stop_reports_it),
        SYS_TEST(test_clone_pidfd_then_waitid_p_pidfd),
        SYS_TEST(test_waits_for_more_children_than_goemus_block_holds),
        SYS_TEST(test_kill_reaches_a_child),
        SYS_TEST(test_pidfd_of_own_pid_works_like_go_checks_it),
        SYS_TEST(test_own_pid_means_the_caller_for_process_groups),
        SYS_TEST(test_getresuid_writes_three_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
