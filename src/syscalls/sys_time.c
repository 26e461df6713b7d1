/* sys_time.c — clocks, sleeps and randomness. Time is emu_monotonic_ns/emu_realtime_ns
 * (virtual in --deterministic mode); without a vDSO every Go nanotime is a clock_gettime
 * syscall (nanotime1's fallback: path, runtime/sys_linux_amd64.s). Sleeps block the guest
 * thread until a monotonic deadline; the scheduler runs the others meanwhile. */
#include <errno.h>
#include <stdint.h>
#include <sys/random.h>
#include <time.h>

#include "abi/linux_abi.h"
#include "syscalls/syscalls.h"

#define NS_PER_SEC 1000000000ll
#define LINUX_TIMER_ABSTIME 1
/* Resolution of the *_COARSE clocks: one tick, 4 ms at the common HZ=250. */
#define COARSE_RES_NS 4000000ll

enum {
    CLK_REALTIME = 0, CLK_MONOTONIC = 1, CLK_PROCESS_CPUTIME = 2, CLK_THREAD_CPUTIME = 3,
    CLK_MONOTONIC_RAW = 4, CLK_REALTIME_COARSE = 5, CLK_MONOTONIC_COARSE = 6,
    CLK_BOOTTIME = 7, CLK_REALTIME_ALARM = 8, CLK_BOOTTIME_ALARM = 9, CLK_TAI = 11,
};

/* ---- helpers shared with futex and poll ----------------------------------------------- */

int64_t sys_read_timespec_ns(struct emu *e, uint64_t addr, int64_t *ns)
{
    struct linux_timespec ts;
    if (mem_copy_from(&e->mem, &ts, addr, sizeof(ts)))
        return -EFAULT;
    if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NS_PER_SEC)
        return -EINVAL;
    *ns = ts.tv_sec > (INT64_MAX - ts.tv_nsec) / NS_PER_SEC ? INT64_MAX
                                                             : ts.tv_sec * NS_PER_SEC + ts.tv_nsec;
    return 0;
}

int64_t sys_deadline_after(struct emu *e, int64_t ns)
{
    int64_t now = emu_monotonic_ns(e);
    return ns > INT64_MAX - now ? INT64_MAX : now + ns;
}

static int64_t write_timespec(struct emu *e, uint64_t addr, int64_t ns)
{
    struct linux_timespec ts = {ns / NS_PER_SEC, ns % NS_PER_SEC};
    return mem_copy_to(&e->mem, addr, &ts, sizeof(ts)) ? -EFAULT : 0;
}

/* ---- clocks ----------------------------------------------------------------------------- */

/* CPU time counts retired instructions at 1 ns each: deterministic, monotonic, and a thread's
 * own (the host's CPU clocks would measure goemu, not the guest thread). */
static int64_t process_cpu_ns(struct emu *e)
{
    uint64_t running = e->current ? e->current->cpu.icount - e->quantum_start : 0;
    return (int64_t)(e->total_icount + running);
}

/* The guest clock clk now, or -EINVAL for clocks Linux does not have (negative ids name
 * other processes' CPU clocks: there are none to name). */
static int64_t clock_now(struct emu *e, struct thread *t, int clk, int64_t *ns)
{
    switch (clk) {
    case CLK_REALTIME:
    case CLK_REALTIME_COARSE:
    case CLK_REALTIME_ALARM:
    case CLK_TAI:  /* the kernel's TAI offset is 0 until NTP sets it */
        *ns = emu_realtime_ns(e);
        return 0;
    case CLK_MONOTONIC:
    case CLK_MONOTONIC_RAW:
    case CLK_MONOTONIC_COARSE:
    case CLK_BOOTTIME:  /* the guest never suspends */
    case CLK_BOOTTIME_ALARM:
        *ns = emu_monotonic_ns(e);
        return 0;
    case CLK_PROCESS_CPUTIME:
        *ns = process_cpu_ns(e);
        return 0;
    case CLK_THREAD_CPUTIME:
        *ns = (int64_t)t->cpu.icount;
        return 0;
    default:
        return -EINVAL;
    }
}

int64_t sys_clock_gettime(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int64_t ns;
    int64_t r = clock_now(e, t, arg_int(a[0]), &ns);
    return r ? r : write_timespec(e, a[1], ns);
}

int64_t sys_clock_getres(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int clk = arg_int(a[0]);
    int64_t ns;
    int64_t r = clock_now(e, t, clk, &ns);
    if (r || !a[1])
        return r;
    int coarse = clk == CLK_REALTIME_COARSE || clk == CLK_MONOTONIC_COARSE;
    return write_timespec(e, a[1], coarse ? COARSE_RES_NS : 1);
}

int64_t sys_gettimeofday(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int64_t ns = emu_realtime_ns(e);
    struct linux_timeval tv = {ns / NS_PER_SEC, ns % NS_PER_SEC / 1000};
    struct linux_timezone tz = {0, 0};
    if (a[0] && mem_copy_to(&e->mem, a[0], &tv, sizeof(tv)))
        return -EFAULT;
    if (a[1] && mem_copy_to(&e->mem, a[1], &tz, sizeof(tz)))
        return -EFAULT;
    return 0;
}

int64_t sys_time(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int64_t sec = emu_realtime_ns(e) / NS_PER_SEC;
    if (a[0] && mem_copy_to(&e->mem, a[0], &sec, sizeof(sec)))
        return -EFAULT;
    return sec;
}

/* ---- sleeping ----------------------------------------------------------------------------- */

/* Sleeps until the monotonic deadline. A deadline already reached still yields, so a
 * zero-length sleep lets other threads run as Go's osyield-like usleep(0) expects. The
 * remaining time is never written: no signal can interrupt the sleep yet. */
static int64_t sleep_until(struct emu *e, struct thread *t, int64_t deadline)
{
    if (deadline <= emu_monotonic_ns(e)) {
        t->yield = 1;
        return 0;
    }
    t->timeout_result = 0;
    sched_block(t, BLOCK_SLEEP, deadline);
    return 0;
}

int64_t sys_nanosleep(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int64_t ns;
    int64_t r = sys_read_timespec_ns(e, a[0], &ns);
    return r ? r : sleep_until(e, t, sys_deadline_after(e, ns));
}

/* clock_nanosleep: relative, or TIMER_ABSTIME on clk converted to a monotonic deadline.
 * CLOCK_THREAD_CPUTIME_ID and the RAW/COARSE clocks are -EOPNOTSUPP, as in Linux (their
 * k_clock has no nsleep: clock_nanosleep in kernel/time/posix-timers.c, thread_cputime_clock
 * in kernel/time/posix-cpu-timers.c); a CPU-time sleep is approximated by wall time. */
int64_t sys_clock_nanosleep(struct emu *e, struct thread *t, const uint64_t a[6])
{
    int clk = arg_int(a[0]), flags = arg_int(a[1]);
    int64_t now, ns;
    if (clock_now(e, t, clk, &now))
        return -EINVAL;
    if (clk == CLK_MONOTONIC_RAW || clk == CLK_MONOTONIC_COARSE ||
        clk == CLK_REALTIME_COARSE || clk == CLK_THREAD_CPUTIME)
        return -EOPNOTSUPP;
    int64_t r = sys_read_timespec_ns(e, a[2], &ns);
    if (r)
        return r;
    if (flags & LINUX_TIMER_ABSTIME)
        ns = ns > now ? ns - now : 0;
    return sleep_until(e, t, sys_deadline_after(e, ns));
}

/* ---- getrandom ------------------------------------------------------------------------- */

/* splitmix64 (Steele, Lea, Flood 2014): the deterministic-mode stream, seeded by the lead
 * from --seed into e->rand_state. One 64-bit step per 8 bytes, little-endian. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int64_t random_bytes(struct emu *e, uint8_t *buf, size_t n, unsigned flags)
{
    if (!e->opt.deterministic)
        return sys_host(getrandom(buf, n, flags));
    for (size_t i = 0; i < n; i += 8) {
        uint64_t v = splitmix64(&e->rand_state);
        for (size_t k = 0; k < 8 && i + k < n; k++)
            buf[i + k] = (uint8_t)(v >> (8 * k));
    }
    return (int64_t)n;
}

/* getrandom(buf, len, flags): unknown flags or GRND_INSECURE|GRND_RANDOM are -EINVAL
 * (man 2 getrandom), then access_ok on the buffer, even for 0 bytes (import_ubuf in getrandom,
 * drivers/char/random.c). A fault after some bytes returns the count written so far, to the
 * byte (copy_to_iter). */
int64_t sys_getrandom(struct emu *e, struct thread *t, const uint64_t a[6])
{
    unsigned flags = arg_uint(a[2]);
    const unsigned all = LINUX_GRND_NONBLOCK | LINUX_GRND_RANDOM | LINUX_GRND_INSECURE;
    if ((flags & ~all) || (flags & (LINUX_GRND_RANDOM | LINUX_GRND_INSECURE)) ==
                              (LINUX_GRND_RANDOM | LINUX_GRND_INSECURE))
        return -EINVAL;
    if (!mem_access_ok(a[0], a[1]))
        return -EFAULT;
    uint64_t len = a[1] < 0x7ffff000ull ? a[1] : 0x7ffff000ull;
    uint64_t done = 0;
    while (done < len) {
        uint8_t buf[256];
        size_t n = len - done < sizeof(buf) ? (size_t)(len - done) : sizeof(buf);
        int64_t r = random_bytes(e, buf, n, flags);
        if (r <= 0)
            return done ? (int64_t)done : r;
        size_t k = mem_copy_to_prefix(&e->mem, a[0] + done, buf, (size_t)r);
        done += k;
        if (k < (size_t)r)
            return done ? (int64_t)done : -EFAULT;
    }
    return (int64_t)done;
}
