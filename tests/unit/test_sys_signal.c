/* test_sys_signal.c — rt_sigaction, rt_sigprocmask and sigaltstack against man 2 sigaction /
 * sigprocmask / sigaltstack: argument checks, KILL/STOP rules, old values, and the kernel
 * struct layouts Go passes (sigactiont and stackt in runtime/defs_linux_amd64.go). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sys_test.h"

#define ACT (SCRATCH + 0x100)
#define OLD (SCRATCH + 0x200)
#define SET (SCRATCH + 0x300)
#define BAD 0x7000000000ull
#define KILLSTOP ((1ull << 8) | (1ull << 18))
#define SIGURG_ 23

/* Go's installed action (setsig in runtime/os_linux.go). */
static const struct linux_sigaction go_action = {0x45e9e0, 0x1c000004, 0x45eb20, ~0ull};

static void test_rt_sigaction_sigsetsize_must_be_8(void **state)
{
    assert_int_equal(SYS(sys_rt_sigaction, SIGURG_, 0, OLD, 4), -EINVAL);
    assert_int_equal(SYS(sys_rt_sigaction, SIGURG_, 0, OLD, 16), -EINVAL);
}

static void test_rt_sigaction_signal_out_of_range_is_einval(void **state)
{
    assert_int_equal(SYS(sys_rt_sigaction, 0, 0, OLD, 8), -EINVAL);
    assert_int_equal(SYS(sys_rt_sigaction, 65, 0, OLD, 8), -EINVAL);
}

static void test_rt_sigaction_cannot_set_kill_or_stop_but_can_query(void **state)
{
    poke(ACT, &go_action, sizeof(go_action));
    assert_int_equal(SYS(sys_rt_sigaction, LINUX_SIGKILL, ACT, 0, 8), -EINVAL);
    assert_int_equal(SYS(sys_rt_sigaction, LINUX_SIGSTOP, ACT, 0, 8), -EINVAL);
    assert_int_equal(SYS(sys_rt_sigaction, LINUX_SIGKILL, 0, OLD, 8), 0);
}

static void test_rt_sigaction_install_then_query_returns_it_without_kill_stop_in_mask(void **state)
{
    struct linux_sigaction old;
    poke(ACT, &go_action, sizeof(go_action));
    assert_int_equal(SYS(sys_rt_sigaction, SIGURG_, ACT, OLD, 8), 0);
    peek(OLD, &old, sizeof(old));
    assert_int_equal(old.handler, 0);   /* SIG_DFL before */
    assert_int_equal(SYS(sys_rt_sigaction, SIGURG_, 0, OLD, 8), 0);
    peek(OLD, &old, sizeof(old));
    assert_int_equal(old.handler, go_action.handler);
    assert_int_equal(old.flags, go_action.flags);
    assert_int_equal(old.restorer, go_action.restorer);
    assert_int_equal(old.mask, ~KILLSTOP);
}

static void test_rt_sigaction_bad_act_pointer_is_efault_and_changes_nothing(void **state)
{
    assert_int_equal(SYS(sys_rt_sigaction, SIGURG_, BAD, 0, 8), -EFAULT);
    assert_int_equal(E->sigactions[SIGURG_].handler, 0);
    assert_int_equal(SYS(sys_rt_sigaction, SIGURG_, 0, BAD, 8), -EFAULT);
}

static void test_rt_sigaction_ignore_discards_pending(void **state)
{
    struct linux_sigaction ign = {LINUX_SIG_IGN, 0, 0, 0};
    T->sigpending = 1ull << 9;
    E->sigpending = 1ull << 9;
    poke(ACT, &ign, sizeof(ign));
    assert_int_equal(SYS(sys_rt_sigaction, 10, ACT, 0, 8), 0);
    assert_int_equal(T->sigpending, 0);
    assert_int_equal(E->sigpending, 0);
}

static uint64_t procmask(int how, uint64_t set)
{
    poke(SET, &set, 8);
    assert_int_equal(SYS(sys_rt_sigprocmask, (uint64_t)how, SET, OLD, 8), 0);
    uint64_t old;
    peek(OLD, &old, 8);
    return old;
}

static void test_rt_sigprocmask_setmask_block_unblock(void **state)
{
    assert_int_equal(procmask(LINUX_SIG_SETMASK, 0x0f), 0);
    assert_int_equal(procmask(LINUX_SIG_BLOCK, 0xf0), 0x0f);
    assert_int_equal(procmask(LINUX_SIG_UNBLOCK, 0x03), 0xff);
    assert_int_equal(T->sigmask, 0xfc);
}

static void test_rt_sigprocmask_never_blocks_kill_or_stop(void **state)
{
    procmask(LINUX_SIG_SETMASK, ~0ull);   /* Go blocks everything around clone */
    assert_int_equal(T->sigmask, ~KILLSTOP);
}

static void test_rt_sigprocmask_query_only_ignores_how(void **state)
{
    T->sigmask = 0x55;
    assert_int_equal(SYS(sys_rt_sigprocmask, 99, 0, OLD, 8), 0);
    uint64_t old;
    peek(OLD, &old, 8);
    assert_int_equal(old, 0x55);
}

static void test_rt_sigprocmask_errors(void **state)
{
    uint64_t set = 1;
    poke(SET, &set, 8);
    assert_int_equal(SYS(sys_rt_sigprocmask, 99, SET, 0, 8), -EINVAL);
    assert_int_equal(SYS(sys_rt_sigprocmask, LINUX_SIG_SETMASK, SET, 0, 4), -EINVAL);
    assert_int_equal(SYS(sys_rt_sigprocmask, LINUX_SIG_SETMASK, BAD, 0, 8), -EFAULT);
    /* The mask changes before a bad oset is noticed. */
    assert_int_equal(SYS(sys_rt_sigprocmask, LINUX_SIG_SETMASK, SET, BAD, 8), -EFAULT);
    assert_int_equal(T->sigmask, 1);
}

static struct linux_stack query_altstack(void)
{
    struct linux_stack ss;
    assert_int_equal(SYS(sys_sigaltstack, 0, OLD), 0);
    peek(OLD, &ss, sizeof(ss));
    return ss;
}

static void test_sigaltstack_initially_disabled(void **state)
{
    struct linux_stack ss = query_altstack();
    assert_int_equal(ss.ss_sp, 0);
    assert_int_equal(ss.ss_flags, LINUX_SS_DISABLE);
    assert_int_equal(ss.ss_size, 0);
}

static void test_sigaltstack_set_then_query(void **state)
{
    struct linux_stack ss = {0xc000008000, 0, 0, 32768};
    poke(ACT, &ss, sizeof(ss));
    assert_int_equal(SYS(sys_sigaltstack, ACT, 0), 0);
    ss = query_altstack();
    assert_int_equal(ss.ss_sp, 0xc000008000);
    assert_int_equal(ss.ss_flags, 0);
    assert_int_equal(ss.ss_size, 32768);
}

static void test_sigaltstack_smaller_than_minsigstksz_is_enomem(void **state)
{
    struct linux_stack ss = {0xc000008000, 0, 0, 2047};
    poke(ACT, &ss, sizeof(ss));
    assert_int_equal(SYS(sys_sigaltstack, ACT, 0), -ENOMEM);
}

static void test_sigaltstack_unknown_flags_is_einval(void **state)
{
    struct linux_stack ss = {0xc000008000, 4, 0, 32768};
    poke(ACT, &ss, sizeof(ss));
    assert_int_equal(SYS(sys_sigaltstack, ACT, 0), -EINVAL);
}

static void test_sigaltstack_change_while_on_it_is_eperm(void **state)
{
    struct linux_stack ss = {0xc000008000, 0, 0, 32768};
    poke(ACT, &ss, sizeof(ss));
    assert_int_equal(SYS(sys_sigaltstack, ACT, 0), 0);
    T->cpu.gpr[RSP] = 0xc000009000;
    assert_int_equal(query_altstack().ss_flags, LINUX_SS_ONSTACK);
    assert_int_equal(SYS(sys_sigaltstack, ACT, 0), -EPERM);
}

static void test_sigaltstack_disable_clears_it(void **state)
{
    struct linux_stack ss = {0xc000008000, 0, 0, 32768};
    poke(ACT, &ss, sizeof(ss));
    assert_int_equal(SYS(sys_sigaltstack, ACT, 0), 0);
    ss = (struct linux_stack){0x1234, LINUX_SS_DISABLE, 0, 0};
    poke(ACT, &ss, sizeof(ss));
    assert_int_equal(SYS(sys_sigaltstack, ACT, 0), 0);
    ss = query_altstack();
    assert_int_equal(ss.ss_flags, LINUX_SS_DISABLE);
    assert_int_equal(ss.ss_sp, 0);
    assert_int_equal(ss.ss_size, 0);
}

static void test_sigaltstack_bad_pointers_are_efault(void **state)
{
    assert_int_equal(SYS(sys_sigaltstack, BAD, 0), -EFAULT);
    assert_int_equal(SYS(sys_sigaltstack, 0, BAD), -EFAULT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYS_TEST(test_rt_sigaction_sigsetsize_must_be_8),
        SYS_TEST(test_rt_sigaction_signal_out_of_range_is_einval),
        SYS_TEST(test_rt_sigaction_cannot_set_kill_or_stop_but_can_query),
        SYS_TEST(test_rt_sigaction_install_then_query_returns_it_without_kill_stop_in_mask),
        SYS_TEST(test_rt_sigaction_bad_act_pointer_is_efault_and_changes_nothing),
        SYS_TEST(test_rt_sigaction_ignore_discards_pending),
        SYS_TEST(test_rt_sigprocmask_setmask_block_unblock),
        SYS_TEST(test_rt_sigprocmask_never_blocks_kill_or_stop),
        SYS_TEST(test_rt_sigprocmask_query_only_ignores_how),
        SYS_TEST(test_rt_sigprocmask_errors),
        SYS_TEST(test_sigaltstack_initially_disabled),
        SYS_TEST(test_sigaltstack_set_then_query),
        SYS_TEST(test_sigaltstack_smaller_than_minsigstksz_is_enomem),
        SYS_TEST(test_sigaltstack_unknown_flags_is_einval),
        SYS_TEST(test_sigaltstack_change_while_on_it_is_eperm),
        SYS_TEST(test_sigaltstack_disable_clears_it),
        SYS_TEST(test_sigaltstack_bad_pointers_are_efault),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
