/* test_sys_proc.c — exit/exit_group, ids, uname, resource limits, CPU affinity (what
 * GOMAXPROCS comes from), arch_prctl (Go's TLS), prctl and the thread-library hooks. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "sys_test.h"

#define OUT (SCRATCH + 0x100)
#define BAD 0x7000000000ull

static void test_exit_group_records_status_and_stops(void **state)
{
    assert_int_equal(SYS(sys_exit_group, 0x1ff), 0);
    assert_true(E->exited);
    assert_int_equal(E->exit_status, 0xff);
}

static void test_exit_of_a_thread_leaves_the_process_running(void **state)
{
    struct thread *other = thread_new(E);
    const uint64_t a[6] = {111};
    assert_int_equal(sys_exit(E, other, a), 0);
    assert_int_equal(other->state, THREAD_EXITED);
    assert_false(E->exited);
}

static void test_exit_of_the_last_thread_sets_the_process_status(void **state)
{
    assert_int_equal(SYS(sys_exit, 3), 0);
    assert_true(E->exited);
    assert_int_equal(E->exit_status, 3);
}

static void test_ids(void **state)
{
    assert_int_equal(SYS(sys_getpid, 0), 4242);
    assert_int_equal(SYS(sys_gettid, 0), T->tid);
    assert_true(SYS(sys_getuid, 0) >= 0);
    E->opt.deterministic = 1;
    assert_int_equal(SYS(sys_getppid, 0), 1);
}

static void test_uname_reports_linux_x86_64(void **state)
{
    struct linux_utsname u;
    assert_int_equal(SYS(sys_uname, OUT), 0);
    peek(OUT, &u, sizeof(u));
    assert_string_equal(u.sysname, "Linux");
    assert_string_equal(u.machine, "x86_64");
    assert_true(u.release[0] != 0);
    assert_int_equal(SYS(sys_uname, BAD), -EFAULT);
}

static struct linux_rlimit get_rlimit(int res)
{
    struct linux_rlimit rl;
    assert_int_equal(SYS(sys_prlimit64, 0, (uint64_t)res, 0, OUT), 0);
    peek(OUT, &rl, sizeof(rl));
    return rl;
}

static void test_prlimit_stack_reports_8_mib(void **state)
{
    assert_int_equal(get_rlimit(LINUX_RLIMIT_STACK).rlim_cur, 8ull << 20);
}

static void test_prlimit_nofile_is_the_hosts(void **state)
{
    struct rlimit h;
    getrlimit(RLIMIT_NOFILE, &h);
    struct linux_rlimit g = get_rlimit(LINUX_RLIMIT_NOFILE);
    assert_int_equal(g.rlim_cur, h.rlim_cur);
    assert_int_equal(g.rlim_max, h.rlim_max);
    assert_int_equal(SYS(sys_getrlimit, LINUX_RLIMIT_NOFILE, OUT), 0);
}

static void test_prlimit_raising_nofile_soft_to_hard_works(void **state)
{
    /* Go's RLIMIT_NOFILE raise at init (os/rlimit.go in 1.19, syscall/rlimit.go later). */
    struct linux_rlimit rl = get_rlimit(LINUX_RLIMIT_NOFILE);
    rl.rlim_cur = rl.rlim_max;
    poke(OUT + 64, &rl, sizeof(rl));
    assert_int_equal(SYS(sys_prlimit64, 0, LINUX_RLIMIT_NOFILE, OUT + 64, 0), 0);
    assert_int_equal(get_rlimit(LINUX_RLIMIT_NOFILE).rlim_cur, rl.rlim_max);
}

static void test_prlimit_errors(void **state)
{
    struct linux_rlimit bad = {10, 5};
    poke(OUT + 64, &bad, sizeof(bad));
    assert_int_equal(SYS(sys_prlimit64, 0, LINUX_RLIMIT_NOFILE, OUT + 64, 0), -EINVAL);
    assert_int_equal(SYS(sys_prlimit64, 0, 16, 0, OUT), -EINVAL);
    assert_int_equal(SYS(sys_prlimit64, 1, LINUX_RLIMIT_NOFILE, 0, OUT), -ESRCH);
    assert_int_equal(SYS(sys_prlimit64, 4242, LINUX_RLIMIT_NOFILE, 0, OUT), 0);
    assert_int_equal(SYS(sys_prlimit64, 0, LINUX_RLIMIT_NOFILE, BAD, 0), -EFAULT);
    assert_int_equal(SYS(sys_prlimit64, 0, LINUX_RLIMIT_NOFILE, 0, BAD), -EFAULT);
}

static void test_sched_getaffinity_reports_ncpus(void **state)
{
    uint8_t mask[16];
    E->opt.ncpus = 4;
    memset(mask, 0xee, sizeof(mask));
    poke(OUT, mask, sizeof(mask));
    assert_int_equal(SYS(sys_sched_getaffinity, 0, 8192, OUT), 8);
    peek(OUT, mask, sizeof(mask));
    assert_int_equal(mask[0], 0x0f);
    for (int i = 1; i < 8; i++)
        assert_int_equal(mask[i], 0);
    assert_int_equal(mask[8], 0xee);   /* nothing past the returned size */
}

static void test_sched_getaffinity_many_cpus_uses_more_words(void **state)
{
    uint64_t mask[2];
    E->opt.ncpus = 70;
    assert_int_equal(SYS(sys_sched_getaffinity, 0, 8192, OUT), 16);
    peek(OUT, mask, sizeof(mask));
    assert_int_equal(mask[0], ~0ull);
    assert_int_equal(mask[1], 0x3f);
}

static void test_sched_getaffinity_errors(void **state)
{
    assert_int_equal(SYS(sys_sched_getaffinity, 0, 4, OUT), -EINVAL);
    assert_int_equal(SYS(sys_sched_getaffinity, 0, 12, OUT), -EINVAL);
    assert_int_equal(SYS(sys_sched_getaffinity, 99999, 8, OUT), -ESRCH);
    assert_int_equal(SYS(sys_sched_getaffinity, 0, 8, BAD), -EFAULT);
    assert_int_equal(SYS(sys_sched_getaffinity, (uint64_t)T->tid, 8, OUT), 8);
}

static void test_sched_yield_ends_the_quantum(void **state)
{
    assert_int_equal(SYS(sys_sched_yield, 0), 0);
    assert_int_equal(T->yield, 1);
}

static void test_arch_prctl_set_and_get_fs(void **state)
{
    uint64_t v;
    assert_int_equal(SYS(sys_arch_prctl, LINUX_ARCH_SET_FS, 0x529b50), 0);
    assert_int_equal(T->cpu.segbase[SEG_FS], 0x529b50);
    assert_int_equal(SYS(sys_arch_prctl, LINUX_ARCH_GET_FS, OUT), 0);
    peek(OUT, &v, 8);
    assert_int_equal(v, 0x529b50);
    assert_int_equal(SYS(sys_arch_prctl, LINUX_ARCH_SET_GS, 0x1000), 0);
    assert_int_equal(T->cpu.segbase[SEG_GS], 0x1000);
    assert_int_equal(SYS(sys_arch_prctl, LINUX_ARCH_GET_GS, BAD), -EFAULT);
}

static void test_arch_prctl_errors(void **state)
{
    assert_int_equal(SYS(sys_arch_prctl, LINUX_ARCH_SET_FS, 1ull << 47), -EPERM);
    assert_int_equal(SYS(sys_arch_prctl, 0x1011 /* ARCH_GET_CPUID */, 0), -EINVAL);
}

static void test_prctl_set_vma_is_einval_and_get_name_is_the_exe(void **state)
{
    char name[16];
    assert_int_equal(SYS(sys_prctl, 0x53564d41, 0, 0xc000000000, 262144, OUT), -EINVAL);
    E->exe_path = "/usr/local/bin/lefthook-linux-x64";
    assert_int_equal(SYS(sys_prctl, 16 /* PR_GET_NAME */, OUT), 0);
    peek(OUT, name, sizeof(name));
    assert_string_equal(name, "lefthook-linux-");
    put_str(OUT, "worker");
    assert_int_equal(SYS(sys_prctl, 15 /* PR_SET_NAME */, OUT), 0);
    assert_int_equal(SYS(sys_prctl, 15, BAD), -EFAULT);
}

/* Issue 11: prctl never reports success without doing it. Answers as a native program on
 * Linux 6.x gets them (kernel/sys.c SYSCALL_DEFINE5(prctl)); the forwarded options are read
 * back from the host kernel, which is where goemu applied them. */
static void test_prctl_set_name_is_kept_per_thread(void **state)
{
    char name[16];
    E->exe_path = "/bin/prog";
    struct thread *other = thread_new(E);
    put_str(OUT, "abcdefghijklmnopqrstu");
    assert_int_equal(SYS(sys_prctl, 15 /* PR_SET_NAME */, OUT), 0);
    memset(name, 0x55, sizeof(name));
    poke(OUT, name, sizeof(name));
    assert_int_equal(SYS(sys_prctl, 16 /* PR_GET_NAME */, OUT), 0);
    peek(OUT, name, sizeof(name));
    assert_string_equal(name, "abcdefghijklmno");   /* 15 bytes and the NUL */
    const uint64_t g[6] = {16, OUT};
    assert_int_equal(sys_prctl(E, other, g), 0);
    peek(OUT, name, sizeof(name));
    assert_string_equal(name, "prog");               /* never named: the executable's */
    assert_int_equal(SYS(sys_prctl, 16, BAD), -EFAULT);
    assert_int_equal(SYS(sys_prctl, 15, BAD), -EFAULT);
    assert_int_equal(SYS(sys_prctl, 16, OUT), 0);
    peek(OUT, name, sizeof(name));
    assert_string_equal(name, "abcdefghijklmno");    /* a failed set changes nothing */
}

static void test_prctl_forwarded_options_take_effect_on_the_host(void **state)
{
    int v = -1;
    /* PR_SET_DUMPABLE: only 0 and 1 (SUID_DUMP_DISABLE/USER). */
    assert_int_equal(SYS(sys_prctl, 4, 2), -EINVAL);
    assert_int_equal(SYS(sys_prctl, 4, 0), 0);
    assert_int_equal(prctl(PR_GET_DUMPABLE), 0);
    assert_int_equal(SYS(sys_prctl, 3), 0);
    assert_int_equal(SYS(sys_prctl, 4, 1), 0);
    assert_int_equal(SYS(sys_prctl, 3), 1);
    /* PR_SET_PDEATHSIG: a valid signal; PR_GET_PDEATHSIG writes an int. */
    assert_int_equal(SYS(sys_prctl, 1, 65), -EINVAL);
    assert_int_equal(SYS(sys_prctl, 1, 10), 0);
    assert_int_equal(SYS(sys_prctl, 2, OUT), 0);
    peek(OUT, &v, 4);
    assert_int_equal(v, 10);
    assert_int_equal(SYS(sys_prctl, 2, BAD), -EFAULT);
    assert_int_equal(SYS(sys_prctl, 1, 0), 0);
    /* PR_SET_CHILD_SUBREAPER / PR_GET_CHILD_SUBREAPER. */
    assert_int_equal(SYS(sys_prctl, 36, 1), 0);
    assert_int_equal(SYS(sys_prctl, 37, OUT), 0);
    peek(OUT, &v, 4);
    assert_int_equal(v, 1);
    assert_int_equal(SYS(sys_prctl, 36, 0), 0);
    /* PR_SET_KEEPCAPS: 0 or 1. */
    assert_int_equal(SYS(sys_prctl, 8, 2), -EINVAL);
    assert_int_equal(SYS(sys_prctl, 8, 1), 0);
    assert_int_equal(SYS(sys_prctl, 7), 1);
    assert_int_equal(prctl(PR_GET_KEEPCAPS), 1);
    assert_int_equal(SYS(sys_prctl, 8, 0), 0);
    /* PR_SET_NO_NEW_PRIVS: exactly (1, 0, 0, 0), and it sticks (irreversible by design). */
    assert_int_equal(SYS(sys_prctl, 38, 2, 0, 0, 0), -EINVAL);
    assert_int_equal(SYS(sys_prctl, 38, 1, 1, 0, 0), -EINVAL);
    assert_int_equal(SYS(sys_prctl, 38, 1, 0, 0, 0), 0);
    assert_int_equal(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
    assert_int_equal(SYS(sys_prctl, 39, 0, 0, 0, 0), 1);
}

static void test_prctl_emulated_options_and_the_rest_refused(void **state)
{
    uint64_t p = 0;
    int v = 0;
    assert_int_equal(SYS(sys_set_tid_address, OUT + 64), T->tid);
    assert_int_equal(SYS(sys_prctl, 40 /* PR_GET_TID_ADDRESS */, OUT), 0);
    peek(OUT, &p, 8);
    assert_int_equal(p, OUT + 64);
    assert_int_equal(SYS(sys_prctl, 25 /* PR_GET_TSC */, OUT), 0);
    peek(OUT, &v, 4);
    assert_int_equal(v, 1);                                    /* PR_TSC_ENABLE */
    assert_int_equal(SYS(sys_prctl, 26, 1), 0);
    assert_int_equal(SYS(sys_prctl, 26, 7), -EINVAL);
    assert_int_equal(SYS(sys_prctl, 26, 2 /* PR_TSC_SIGSEGV */), -EINVAL);   /* not done */
    assert_int_equal(SYS(sys_prctl, 999), -EINVAL);
    assert_int_equal(SYS(sys_prctl, 22 /* PR_SET_SECCOMP */, 1), -EINVAL);
    assert_int_equal(SYS(sys_prctl, 29 /* PR_SET_TIMERSLACK */, 1000), -EINVAL);
}

static void test_set_tid_address_stores_and_returns_tid(void **state)
{
    assert_int_equal(SYS(sys_set_tid_address, OUT), T->tid);
    assert_int_equal(T->clear_child_tid, OUT);
}

static void test_set_robust_list_checks_the_head_size(void **state)
{
    assert_int_equal(SYS(sys_set_robust_list, OUT, 24), 0);
    assert_int_equal(SYS(sys_set_robust_list, OUT, 16), -EINVAL);
}

static void test_rseq_is_enosys(void **state)
{
    assert_int_equal(SYS(sys_rseq, OUT, 32, 0, 0x53053053), -ENOSYS);
}

static void test_sysinfo_fills_the_struct(void **state)
{
    struct linux_sysinfo si;
    assert_int_equal(SYS(sys_sysinfo, OUT), 0);
    peek(OUT, &si, sizeof(si));
    assert_true(si.totalram > 0);
    assert_true(si.mem_unit >= 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYS_TEST(test_exit_group_records_status_and_stops),
        SYS_TEST(test_exit_of_a_thread_leaves_the_process_running),
        SYS_TEST(test_exit_of_the_last_thread_sets_the_process_status),
        SYS_TEST(test_ids),
        SYS_TEST(test_uname_reports_linux_x86_64),
        SYS_TEST(test_prlimit_stack_reports_8_mib),
        SYS_TEST(test_prlimit_nofile_is_the_hosts),
        SYS_TEST(test_prlimit_raising_nofile_soft_to_hard_works),
        SYS_TEST(test_prlimit_errors),
        SYS_TEST(test_sched_getaffinity_reports_ncpus),
        SYS_TEST(test_sched_getaffinity_many_cpus_uses_more_words),
        SYS_TEST(test_sched_getaffinity_errors),
        SYS_TEST(test_sched_yield_ends_the_quantum),
        SYS_TEST(test_arch_prctl_set_and_get_fs),
        SYS_TEST(test_arch_prctl_errors),
        SYS_TEST(test_prctl_set_vma_is_einval_and_get_name_is_the_exe),
        SYS_TEST(test_prctl_set_name_is_kept_per_thread),
        SYS_TEST(test_prctl_forwarded_options_take_effect_on_the_host),
        SYS_TEST(test_prctl_emulated_options_and_the_rest_refused),
        SYS_TEST(test_set_tid_address_stores_and_returns_tid),
        SYS_TEST(test_set_robust_list_checks_the_head_size),
        SYS_TEST(test_rseq_is_enosys),
        SYS_TEST(test_sysinfo_fills_the_struct),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
