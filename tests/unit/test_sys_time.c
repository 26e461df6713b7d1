/* test_sys_time.c — clock_gettime/getres, gettimeofday, time, nanosleep, clock_nanosleep and
 * getrandom: clock ids, timespec validation, faults, sleeping as a scheduler block, and the
 * reproducible random stream of deterministic mode. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "sys_test.h"

#define TS (SCRATCH + 0x100)
#define BAD 0x7000000000ull
#define NS 1000000000ll

static struct linux_timespec read_ts(void)
{
    struct linux_timespec ts;
    peek(TS, &ts, sizeof(ts));
    return ts;
}

static void set_ts(int64_t sec, int64_t nsec)
{
    struct linux_timespec ts = {sec, nsec};
    poke(TS, &ts, sizeof(ts));
}

static void test_clock_gettime_monotonic_is_nonzero_and_never_goes_back(void **state)
{
    assert_int_equal(SYS(sys_clock_gettime, 1, TS), 0);
    struct linux_timespec a = read_ts();
    assert_true(a.tv_sec > 0 || a.tv_nsec > 0);
    assert_true(a.tv_nsec >= 0 && a.tv_nsec < NS);
    assert_int_equal(SYS(sys_clock_gettime, 1, TS), 0);
    struct linux_timespec b = read_ts();
    assert_true(b.tv_sec * NS + b.tv_nsec >= a.tv_sec * NS + a.tv_nsec);
}

static void test_clock_gettime_realtime_is_after_2020(void **state)
{
    assert_int_equal(SYS(sys_clock_gettime, 0, TS), 0);
    assert_true(read_ts().tv_sec > 1577836800);
}

static void test_clock_gettime_accepts_every_linux_clock(void **state)
{
    static const int ids[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11};
    for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
        assert_int_equal(SYS(sys_clock_gettime, (uint64_t)ids[i], TS), 0);
}

static void test_clock_gettime_unknown_clock_is_einval(void **state)
{
    assert_int_equal(SYS(sys_clock_gettime, 10, TS), -EINVAL);
    assert_int_equal(SYS(sys_clock_gettime, 12, TS), -EINVAL);
    assert_int_equal(SYS(sys_clock_gettime, 0xfffffffeull, TS), -EINVAL);   /* a pid's CPU clock */
}

static void test_clock_gettime_bad_pointer_is_efault(void **state)
{
    assert_int_equal(SYS(sys_clock_gettime, 1, BAD), -EFAULT);
}

static void test_clock_thread_cputime_counts_retired_instructions(void **state)
{
    T->cpu.icount = 3 * NS + 5;
    assert_int_equal(SYS(sys_clock_gettime, 3, TS), 0);
    assert_int_equal(read_ts().tv_sec, 3);
    assert_int_equal(read_ts().tv_nsec, 5);
}

static void test_clock_getres_null_is_fine_and_coarse_is_coarse(void **state)
{
    assert_int_equal(SYS(sys_clock_getres, 1, 0), 0);
    assert_int_equal(SYS(sys_clock_getres, 1, TS), 0);
    assert_int_equal(read_ts().tv_nsec, 1);
    assert_int_equal(SYS(sys_clock_getres, 6, TS), 0);
    assert_true(read_ts().tv_nsec > 1);
    assert_int_equal(SYS(sys_clock_getres, 10, TS), -EINVAL);
}

static void test_gettimeofday_writes_timeval_and_zero_timezone(void **state)
{
    int32_t tz[2] = {7, 7};
    poke(TS + 64, tz, sizeof(tz));
    assert_int_equal(SYS(sys_gettimeofday, TS, TS + 64), 0);
    struct linux_timeval tv;
    peek(TS, &tv, sizeof(tv));
    assert_true(tv.tv_sec > 1577836800 && tv.tv_usec >= 0 && tv.tv_usec < 1000000);
    peek(TS + 64, tz, sizeof(tz));
    assert_int_equal(tz[0], 0);
    assert_int_equal(tz[1], 0);
    assert_int_equal(SYS(sys_gettimeofday, 0, 0), 0);
    assert_int_equal(SYS(sys_gettimeofday, BAD, 0), -EFAULT);
}

static void test_time_returns_and_stores_seconds(void **state)
{
    int64_t t = SYS(sys_time, TS);
    int64_t stored;
    peek(TS, &stored, 8);
    assert_true(t > 1577836800);
    assert_true(stored == t || stored == t - 1);
    assert_true(SYS(sys_time, 0) >= t);
    assert_int_equal(SYS(sys_time, BAD), -EFAULT);
}

static void test_nanosleep_zero_yields_without_blocking(void **state)
{
    set_ts(0, 0);
    assert_int_equal(SYS(sys_nanosleep, TS, 0), 0);
    assert_int_equal(T->yield, 1);
    assert_int_equal(T->state, THREAD_RUNNABLE);
}

static void test_nanosleep_blocks_until_the_deadline(void **state)
{
    set_ts(0, 20000);   /* sysmon's usleep(20) */
    int64_t before = emu_monotonic_ns(E);
    assert_int_equal(SYS(sys_nanosleep, TS, 0), 0);
    assert_int_equal(T->state, THREAD_BLOCKED);
    assert_int_equal(T->block, BLOCK_SLEEP);
    assert_int_equal(T->timeout_result, 0);
    assert_true(T->deadline_ns >= before + 20000);
    assert_true(T->deadline_ns <= emu_monotonic_ns(E) + 20000);
}

static void test_nanosleep_invalid_timespec_is_einval(void **state)
{
    set_ts(0, NS);
    assert_int_equal(SYS(sys_nanosleep, TS, 0), -EINVAL);
    set_ts(0, -1);
    assert_int_equal(SYS(sys_nanosleep, TS, 0), -EINVAL);
    set_ts(-1, 0);
    assert_int_equal(SYS(sys_nanosleep, TS, 0), -EINVAL);
    assert_int_equal(SYS(sys_nanosleep, BAD, 0), -EFAULT);
}

static void test_nanosleep_huge_duration_saturates(void **state)
{
    set_ts(INT64_MAX, 999999999);
    assert_int_equal(SYS(sys_nanosleep, TS, 0), 0);
    assert_int_equal(T->deadline_ns, INT64_MAX);
}

static void test_clock_nanosleep_absolute_time_in_the_past_returns_at_once(void **state)
{
    set_ts(1, 0);
    assert_int_equal(SYS(sys_clock_nanosleep, 1, 1 /* TIMER_ABSTIME */, TS, 0), 0);
    assert_int_equal(T->state, THREAD_RUNNABLE);
}

static void test_clock_nanosleep_absolute_realtime_becomes_monotonic_deadline(void **state)
{
    int64_t at = emu_realtime_ns(E) + 2 * NS;
    set_ts(at / NS, at % NS);
    int64_t before = emu_monotonic_ns(E);
    assert_int_equal(SYS(sys_clock_nanosleep, 0, 1, TS, 0), 0);
    assert_int_equal(T->block, BLOCK_SLEEP);
    assert_true(T->deadline_ns > before + NS && T->deadline_ns <= before + 3 * NS);
}

static void test_clock_nanosleep_unsupported_clocks(void **state)
{
    set_ts(0, 1000);
    /* CLOCK_THREAD_CPUTIME_ID has no nsleep either (thread_cputime_clock). */
    assert_int_equal(SYS(sys_clock_nanosleep, 3, 0, TS, 0), -EOPNOTSUPP);
    assert_int_equal(SYS(sys_clock_nanosleep, 10, 0, TS, 0), -EINVAL);
    assert_int_equal(SYS(sys_clock_nanosleep, 4, 0, TS, 0), -EOPNOTSUPP);
}

static void test_getrandom_fills_the_buffer(void **state)
{
    uint8_t zero[64] = {0}, buf[64];
    poke(TS, zero, sizeof(zero));
    assert_int_equal(SYS(sys_getrandom, TS, 64, 0), 64);
    peek(TS, buf, sizeof(buf));
    assert_memory_not_equal(buf, zero, 64);
}

static void test_getrandom_bad_flags_are_einval(void **state)
{
    assert_int_equal(SYS(sys_getrandom, TS, 16, 8), -EINVAL);
    assert_int_equal(SYS(sys_getrandom, TS, 16, LINUX_GRND_RANDOM | LINUX_GRND_INSECURE), -EINVAL);
}

static void test_getrandom_bad_buffer_is_efault(void **state)
{
    assert_int_equal(SYS(sys_getrandom, BAD, 16, 0), -EFAULT);
    /* A fault after some bytes reports those bytes. */
    assert_int_equal(SYS(sys_getrandom, SCRATCH + SCRATCH_SIZE - 256, 1024, 0), 256);
}

static void test_getrandom_deterministic_stream_repeats_with_the_same_seed(void **state)
{
    uint8_t a[40], b[40];
    E->opt.deterministic = 1;
    E->rand_state = 12345;
    assert_int_equal(SYS(sys_getrandom, TS, 40, 0), 40);
    peek(TS, a, sizeof(a));
    E->rand_state = 12345;
    assert_int_equal(SYS(sys_getrandom, TS, 40, 0), 40);
    peek(TS, b, sizeof(b));
    assert_memory_equal(a, b, 40);
    assert_int_equal(SYS(sys_getrandom, TS, 40, 0), 40);
    peek(TS, b, sizeof(b));
    assert_memory_not_equal(a, b, 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYS_TEST(test_clock_gettime_monotonic_is_nonzero_and_never_goes_back),
        SYS_TEST(test_clock_gettime_realtime_is_after_2020),
        SYS_TEST(test_clock_gettime_accepts_every_linux_clock),
        SYS_TEST(test_clock_gettime_unknown_clock_is_einval),
        SYS_TEST(test_clock_gettime_bad_pointer_is_efault),
        SYS_TEST(test_clock_thread_cputime_counts_retired_instructions),
        SYS_TEST(test_clock_getres_null_is_fine_and_coarse_is_coarse),
        SYS_TEST(test_gettimeofday_writes_timeval_and_zero_timezone),
        SYS_TEST(test_time_returns_and_stores_seconds),
        SYS_TEST(test_nanosleep_zero_yields_without_blocking),
        SYS_TEST(test_nanosleep_blocks_until_the_deadline),
        SYS_TEST(test_nanosleep_invalid_timespec_is_einval),
        SYS_TEST(test_nanosleep_huge_duration_saturates),
        SYS_TEST(test_clock_nanosleep_absolute_time_in_the_past_returns_at_once),
        SYS_TEST(test_clock_nanosleep_absolute_realtime_becomes_monotonic_deadline),
        SYS_TEST(test_clock_nanosleep_unsupported_clocks),
        SYS_TEST(test_getrandom_fills_the_buffer),
        SYS_TEST(test_getrandom_bad_flags_are_einval),
        SYS_TEST(test_getrandom_bad_buffer_is_efault),
        SYS_TEST(test_getrandom_deterministic_stream_repeats_with_the_same_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
