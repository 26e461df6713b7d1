/* test_sys_thread.c — clone (the child is a register-exact copy: copy_thread in
 * arch/x86/kernel/process.c), futex wait/wake (EAGAIN, EFAULT, EINVAL, timeouts, wake counts:
 * man 2 futex) and signal sending (tgkill/tkill/kill validation, pending bits). */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sys_test.h"

#define WORD (SCRATCH + 0x100)
#define TS (SCRATCH + 0x200)
#define BAD 0x7000000000ull
#define WAIT_PRIVATE (LINUX_FUTEX_WAIT | LINUX_FUTEX_PRIVATE_FLAG)
#define WAKE_PRIVATE (LINUX_FUTEX_WAKE | LINUX_FUTEX_PRIVATE_FLAG)
#define GO_CLONE_FLAGS 0xd0f00ull   /* VM|FS|FILES|SIGHAND|SYSVSEM|THREAD|SETTLS */
#define SIGURG_ 23

static void set_word(uint32_t v)
{
    poke(WORD, &v, 4);
}

static void set_timeout(int64_t sec, int64_t nsec)
{
    struct linux_timespec ts = {sec, nsec};
    poke(TS, &ts, sizeof(ts));
}

/* ---- futex ---------------------------------------------------------------------------- */

static void test_futex_wait_on_changed_value_is_eagain(void **state)
{
    set_word(1);
    assert_int_equal(SYS(sys_futex, WORD, WAIT_PRIVATE, 0, 0), -EAGAIN);
    assert_int_equal(T->state, THREAD_RUNNABLE);
}

static void test_futex_wait_on_unmapped_address_is_efault(void **state)
{
    assert_int_equal(SYS(sys_futex, BAD, WAIT_PRIVATE, 0, 0), -EFAULT);
}

static void test_futex_unaligned_address_is_einval(void **state)
{
    assert_int_equal(SYS(sys_futex, WORD + 2, WAIT_PRIVATE, 0, 0), -EINVAL);
    assert_int_equal(SYS(sys_futex, WORD + 1, WAKE_PRIVATE, 1), -EINVAL);
}

static void test_futex_wait_on_matching_value_blocks_until_wake(void **state)
{
    set_word(0);
    assert_int_equal(SYS(sys_futex, WORD, WAIT_PRIVATE, 0, 0), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    assert_int_equal(T->block, BLOCK_FUTEX);
    assert_int_equal(T->futex_addr, WORD);
    assert_int_equal(T->deadline_ns, -1);
    assert_int_equal(T->timeout_result, -ETIMEDOUT);
}

static void test_futex_wait_relative_timeout_sets_a_deadline(void **state)
{
    set_word(0);
    set_timeout(60, 0);
    int64_t before = emu_monotonic_ns(E);
    assert_int_equal(SYS(sys_futex, WORD, WAIT_PRIVATE, 0, TS), 0);
    assert_true(T->deadline_ns >= before + 60000000000ll);
    assert_true(T->deadline_ns <= emu_monotonic_ns(E) + 60000000000ll);
}

static void test_futex_wait_zero_timeout_is_etimedout(void **state)
{
    set_word(0);
    set_timeout(0, 0);
    assert_int_equal(SYS(sys_futex, WORD, WAIT_PRIVATE, 0, TS), -ETIMEDOUT);
    assert_int_equal(T->state, THREAD_RUNNABLE);
}

static void test_futex_wait_bad_timeout_is_einval_or_efault(void **state)
{
    set_word(0);
    set_timeout(0, 1000000000);
    assert_int_equal(SYS(sys_futex, WORD, WAIT_PRIVATE, 0, TS), -EINVAL);
    set_timeout(-1, 0);
    assert_int_equal(SYS(sys_futex, WORD, WAIT_PRIVATE, 0, TS), -EINVAL);
    assert_int_equal(SYS(sys_futex, WORD, WAIT_PRIVATE, 0, BAD), -EFAULT);
}

static void test_futex_wait_bitset_takes_an_absolute_monotonic_deadline(void **state)
{
    set_word(0);
    int64_t at = emu_monotonic_ns(E) + 5000000000ll;
    set_timeout(at / 1000000000, at % 1000000000);
    assert_int_equal(SYS(sys_futex, WORD, LINUX_FUTEX_WAIT_BITSET, 0, TS, 0, 0xffffffff), 0);
    assert_true(T->deadline_ns >= at - 1000 && T->deadline_ns <= at + 1000000000ll);
}

static void test_futex_bitset_zero_is_einval(void **state)
{
    set_word(0);
    assert_int_equal(SYS(sys_futex, WORD, LINUX_FUTEX_WAIT_BITSET, 0, 0, 0, 0), -EINVAL);
    assert_int_equal(SYS(sys_futex, WORD, LINUX_FUTEX_WAKE_BITSET, 1, 0, 0, 0), -EINVAL);
}

static void test_futex_wake_without_waiters_returns_zero(void **state)
{
    assert_int_equal(SYS(sys_futex, WORD, WAKE_PRIVATE, 1), 0);
    /* Private wakes never touch memory: an unmapped word is fine. */
    assert_int_equal(SYS(sys_futex, BAD, WAKE_PRIVATE, 1), 0);
}

static void block_waiter(struct thread *w)
{
    const uint64_t a[6] = {WORD, WAIT_PRIVATE, 0, 0, 0, 0};
    assert_int_equal(sys_futex(E, w, a), 0);
    assert_int_equal(w->state, THREAD_BLOCKED);
}

static void test_futex_wake_returns_number_woken(void **state)
{
    struct thread *w1 = thread_new(E), *w2 = thread_new(E), *w3 = thread_new(E);
    set_word(0);
    block_waiter(w1);
    block_waiter(w2);
    block_waiter(w3);
    assert_int_equal(SYS(sys_futex, WORD, WAKE_PRIVATE, 1), 1);
    assert_int_equal(w1->state, THREAD_RUNNABLE);   /* first come, first woken */
    assert_int_equal(w2->state, THREAD_BLOCKED);
    assert_int_equal(SYS(sys_futex, WORD, WAKE_PRIVATE, INT_MAX), 2);
    assert_int_equal(w3->state, THREAD_RUNNABLE);
}

static void test_futex_wake_zero_still_wakes_one_like_linux(void **state)
{
    struct thread *w1 = thread_new(E), *w2 = thread_new(E);
    set_word(0);
    block_waiter(w1);
    block_waiter(w2);
    assert_int_equal(SYS(sys_futex, WORD, WAKE_PRIVATE, 0), 1);
}

static void test_futex_wake_other_address_wakes_nobody(void **state)
{
    struct thread *w = thread_new(E);
    set_word(0);
    block_waiter(w);
    assert_int_equal(SYS(sys_futex, WORD + 4, WAKE_PRIVATE, 1), 0);
    assert_int_equal(w->state, THREAD_BLOCKED);
}

static void test_futex_unsupported_op_is_enosys(void **state)
{
    assert_int_equal(SYS(sys_futex, WORD, 3 /* FUTEX_REQUEUE */, 1), -ENOSYS);
}

/* ---- clone -------------------------------------------------------------------------------- */

static void test_clone_child_copies_every_register(void **state)
{
    struct cpu *p = &T->cpu;
    for (int r = 0; r < 16; r++)
        p->gpr[r] = 0x1000 + (uint64_t)r;
    p->gpr[RAX] = 56;
    p->rip = 0x45ac00;
    p->cc_op = 7;
    p->cc_res = 11;
    p->cc_a = 12;
    p->cc_b = 13;
    p->cc_aux = 14;
    p->rflags = 0x246;
    p->xmm[3].q[0] = 0xabcdef;
    p->xmm[15].q[1] = 0x55;
    p->mxcsr = 0x1fa0;
    p->segbase[SEG_GS] = 0x777;
    p->segbase[SEG_FS] = 0x888;
    T->sigmask = ~0ull;
    int64_t tid = SYS(sys_clone, GO_CLONE_FLAGS, 0xc00004a000, 0, 0, 0xc00003a090);
    assert_true(tid > T->tid);
    struct thread *c = thread_find(E, (int)tid);
    assert_non_null(c);
    assert_ptr_equal(thread_of(&c->cpu), c);
    assert_ptr_equal(c->cpu.hooks, &process_cpu_hooks);
    assert_ptr_equal(c->cpu.mem, &E->mem);
    assert_int_equal(c->state, THREAD_RUNNABLE);
    assert_int_equal(c->cpu.gpr[RAX], 0);
    assert_int_equal(c->cpu.gpr[RSP], 0xc00004a000);
    for (int r = 0; r < 16; r++)
        if (r != RAX && r != RSP)
            assert_int_equal(c->cpu.gpr[r], 0x1000 + (uint64_t)r);
    assert_int_equal(c->cpu.rip, 0x45ac00);
    assert_int_equal(c->cpu.cc_op, 7);
    assert_int_equal(c->cpu.cc_res, 11);
    assert_int_equal(c->cpu.cc_a, 12);
    assert_int_equal(c->cpu.cc_b, 13);
    assert_int_equal(c->cpu.cc_aux, 14);
    assert_int_equal(c->cpu.rflags, 0x246);
    assert_int_equal(c->cpu.xmm[3].q[0], 0xabcdef);
    assert_int_equal(c->cpu.xmm[15].q[1], 0x55);
    assert_int_equal(c->cpu.mxcsr, 0x1fa0);
    assert_int_equal(c->cpu.segbase[SEG_FS], 0xc00003a090);   /* CLONE_SETTLS */
    assert_int_equal(c->cpu.segbase[SEG_GS], 0x777);
    assert_int_equal(c->sigmask, ~0ull);
    assert_int_equal(c->altstack.size, 0);
    assert_int_equal(c->altstack.flags, LINUX_SS_DISABLE);
    /* The parent is untouched. */
    assert_int_equal(p->gpr[RSP], 0x1000 + RSP);
    assert_int_equal(p->segbase[SEG_FS], 0x888);
}

static void test_clone_without_stack_keeps_parent_rsp(void **state)
{
    T->cpu.gpr[RSP] = 0x7ffe0000;
    int64_t tid = SYS(sys_clone, GO_CLONE_FLAGS & ~LINUX_CLONE_SETTLS, 0);
    assert_true(tid > 0);
    assert_int_equal(thread_find(E, (int)tid)->cpu.gpr[RSP], 0x7ffe0000);
}

/* copy_process (kernel/fork.c): EAGAIN past kernel.threads-max, before anything is made. */
static void test_clone_past_the_thread_limit_is_eagain(void **state)
{
    int live = E->nthreads_live;
    E->nthreads_live = INT_MAX;   /* above any threads-max */
    assert_int_equal(SYS(sys_clone, GO_CLONE_FLAGS, 0xc00004a000, 0, 0, 0xc00003a090), -EAGAIN);
    E->nthreads_live = live;
    assert_true(SYS(sys_clone, GO_CLONE_FLAGS, 0xc00004a000, 0, 0, 0xc00003a090) > 0);
}

static void test_clone_settid_flags_store_the_child_tid(void **state)
{
    uint64_t flags = GO_CLONE_FLAGS | LINUX_CLONE_PARENT_SETTID | LINUX_CLONE_CHILD_SETTID |
                     LINUX_CLONE_CHILD_CLEARTID;
    int64_t tid = SYS(sys_clone, flags, 0xc000010000, WORD, WORD + 4, 0);
    uint32_t ptid, ctid;
    peek(WORD, &ptid, 4);
    peek(WORD + 4, &ctid, 4);
    assert_int_equal(ptid, tid);
    assert_int_equal(ctid, tid);
    assert_int_equal(thread_find(E, (int)tid)->clear_child_tid, WORD + 4);
}

static void test_clone_thread_without_sighand_is_einval(void **state)
{
    assert_int_equal(SYS(sys_clone, LINUX_CLONE_VM | LINUX_CLONE_THREAD), -EINVAL);
    assert_int_equal(SYS(sys_clone, LINUX_CLONE_SIGHAND), -EINVAL);
}

/* ---- tgkill, tkill, kill -------------------------------------------------------------------- */

static void test_tgkill_unknown_thread_is_esrch(void **state)
{
    assert_int_equal(SYS(sys_tgkill, (uint64_t)E->pid, 99999, SIGURG_), -ESRCH);
    assert_int_equal(SYS(sys_tgkill, 12345, (uint64_t)T->tid, SIGURG_), -ESRCH);
}

static void test_tgkill_bad_ids_or_signal_is_einval(void **state)
{
    assert_int_equal(SYS(sys_tgkill, 0, (uint64_t)T->tid, SIGURG_), -EINVAL);
    assert_int_equal(SYS(sys_tgkill, (uint64_t)E->pid, 0, SIGURG_), -EINVAL);
    assert_int_equal(SYS(sys_tgkill, (uint64_t)E->pid, (uint64_t)T->tid, 65), -EINVAL);
}

static void test_tgkill_signal_zero_only_probes(void **state)
{
    assert_int_equal(SYS(sys_tgkill, (uint64_t)E->pid, (uint64_t)T->tid, 0), 0);
    assert_int_equal(T->sigpending, 0);
}

static void test_tgkill_caught_signal_becomes_pending_on_that_thread(void **state)
{
    struct thread *other = thread_new(E);
    E->sigactions[SIGURG_].handler = 0x45e9e0;
    assert_int_equal(SYS(sys_tgkill, (uint64_t)E->pid, (uint64_t)other->tid, SIGURG_), 0);
    assert_int_equal(other->sigpending, 1ull << (SIGURG_ - 1));
    assert_int_equal(T->sigpending, 0);
}

static void test_tgkill_default_ignored_signal_is_dropped(void **state)
{
    assert_int_equal(SYS(sys_tgkill, (uint64_t)E->pid, (uint64_t)T->tid, SIGURG_), 0);
    assert_int_equal(T->sigpending, 0);
}

static void test_tgkill_blocked_ignored_signal_stays_pending(void **state)
{
    T->sigmask = 1ull << (SIGURG_ - 1);
    assert_int_equal(SYS(sys_tkill, (uint64_t)T->tid, SIGURG_), 0);
    assert_int_equal(T->sigpending, 1ull << (SIGURG_ - 1));
}

/* Other processes (children, test_sys_process.c) are the host's: a pid beyond PID_MAX_LIMIT
 * exists nowhere. */
static void test_kill_other_process_is_esrch_and_self_is_process_directed(void **state)
{
    assert_int_equal(SYS(sys_kill, 0x3fffffff, 0), -ESRCH);
    assert_int_equal(SYS(sys_kill, (uint64_t)-1, 0), -ESRCH);
    assert_int_equal(SYS(sys_kill, (uint64_t)E->pid, 99), -EINVAL);
    E->sigactions[10].handler = 0x45e9e0;
    assert_int_equal(SYS(sys_kill, (uint64_t)E->pid, 10 /* SIGUSR1 */), 0);
    assert_int_equal(E->sigpending, 1ull << 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYS_TEST(test_futex_wait_on_changed_value_is_eagain),
        SYS_TEST(test_futex_wait_on_unmapped_address_is_efault),
        SYS_TEST(test_futex_unaligned_address_is_einval),
        SYS_TEST(test_futex_wait_on_matching_value_blocks_until_wake),
        SYS_TEST(test_futex_wait_relative_timeout_sets_a_deadline),
        SYS_TEST(test_futex_wait_zero_timeout_is_etimedout),
        SYS_TEST(test_futex_wait_bad_timeout_is_einval_or_efault),
        SYS_TEST(test_futex_wait_bitset_takes_an_absolute_monotonic_deadline),
        SYS_TEST(test_futex_bitset_zero_is_einval),
        SYS_TEST(test_futex_wake_without_waiters_returns_zero),
        SYS_TEST(test_futex_wake_returns_number_woken),
        SYS_TEST(test_futex_wake_zero_still_wakes_one_like_linux),
        SYS_TEST(test_futex_wake_other_address_wakes_nobody),
        SYS_TEST(test_futex_unsupported_op_is_enosys),
        SYS_TEST(test_clone_child_copies_every_register),
        SYS_TEST(test_clone_without_stack_keeps_parent_rsp),
        SYS_TEST(test_clone_past_the_thread_limit_is_eagain),
        SYS_TEST(test_clone_settid_flags_store_the_child_tid),
        SYS_TEST(test_clone_thread_without_sighand_is_einval),
        SYS_TEST(test_tgkill_unknown_thread_is_esrch),
        SYS_TEST(test_tgkill_bad_ids_or_signal_is_einval),
        SYS_TEST(test_tgkill_signal_zero_only_probes),
        SYS_TEST(test_tgkill_caught_signal_becomes_pending_on_that_thread),
        SYS_TEST(test_tgkill_default_ignored_signal_is_dropped),
        SYS_TEST(test_tgkill_blocked_ignored_signal_stays_pending),
        SYS_TEST(test_kill_other_process_is_esrch_and_self_is_process_directed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
