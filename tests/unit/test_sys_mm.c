/* test_sys_mm.c — mmap, munmap, mprotect, madvise, brk and mremap as man 2 mmap describes
 * them and as Go uses them (runtime/mem_linux.go, mallocinit in runtime/malloc.go): errors,
 * hints, MAP_FIXED commits inside reservations, file-backed private mappings. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>

#include "sys_test.h"

#define RW (GPROT_READ | GPROT_WRITE)
#define PRIV_ANON (LINUX_MAP_PRIVATE | LINUX_MAP_ANONYMOUS)
#define FD_NONE 0xffffffffull   /* Go passes fd -1 zero-extended (sysMmap: MOVL fd, R8) */

static int64_t anon(uint64_t addr, uint64_t len, int prot, int flags)
{
    return SYS(sys_mmap, addr, len, (uint64_t)prot, (uint64_t)flags, FD_NONE, 0);
}

static void test_mmap_zero_length_is_einval(void **state)
{
    assert_int_equal(anon(0, 0, RW, PRIV_ANON), -EINVAL);
}

static void test_mmap_without_private_or_shared_is_einval(void **state)
{
    assert_int_equal(anon(0, 4096, RW, LINUX_MAP_ANONYMOUS), -EINVAL);
}

static void test_mmap_unaligned_offset_is_einval(void **state)
{
    assert_int_equal(SYS(sys_mmap, 0, 4096, RW, PRIV_ANON, FD_NONE, 100), -EINVAL);
}

static void test_mmap_fixed_unaligned_address_is_einval(void **state)
{
    assert_int_equal(anon(0x200001, 4096, RW, PRIV_ANON | LINUX_MAP_FIXED), -EINVAL);
}

static void test_mmap_fixed_beyond_47_bits_is_enomem(void **state)
{
    assert_int_equal(anon(1ull << 47, 4096, RW, PRIV_ANON | LINUX_MAP_FIXED), -ENOMEM);
    assert_int_equal(anon((1ull << 47) - 4096, 8192, RW, PRIV_ANON | LINUX_MAP_FIXED), -ENOMEM);
}

static void test_mmap_fixed_below_mmap_min_addr_is_eperm(void **state)
{
    assert_int_equal(anon(0x1000, 4096, RW, PRIV_ANON | LINUX_MAP_FIXED), -EPERM);
}

static void test_mmap_anonymous_is_page_aligned_and_zeroed(void **state)
{
    int64_t a = anon(0, 10000, RW, PRIV_ANON);
    assert_true(a > 0);
    assert_int_equal(a & 4095, 0);
    uint8_t buf[12288];
    memset(buf, 0xaa, sizeof(buf));
    peek((uint64_t)a, buf, sizeof(buf));   /* length rounded up to 3 pages */
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0);
}

static void test_mmap_free_hint_is_honoured(void **state)
{
    assert_int_equal(anon(0xc000000000, 64 << 20, GPROT_NONE, PRIV_ANON), 0xc000000000);
}

static void test_mmap_occupied_hint_gives_another_address(void **state)
{
    assert_int_equal(anon(0xc000000000, 4096, RW, PRIV_ANON), 0xc000000000);
    int64_t b = anon(0xc000000000, 4096, RW, PRIV_ANON);
    assert_true(b > 0);
    assert_int_not_equal(b, 0xc000000000);
}

static void test_mmap_fixed_commit_inside_reservation_replaces_with_zeroes(void **state)
{
    uint64_t x = 0x1234;
    assert_int_equal(anon(0xc000000000, 1 << 20, RW, PRIV_ANON), 0xc000000000);
    poke(0xc000001000, &x, 8);
    assert_int_equal(anon(0xc000001000, 4096, RW, PRIV_ANON | LINUX_MAP_FIXED), 0xc000001000);
    peek(0xc000001000, &x, 8);
    assert_int_equal(x, 0);
}

static void test_mmap_fixed_noreplace_over_mapping_is_eexist(void **state)
{
    assert_int_equal(anon(SCRATCH, 4096, RW, PRIV_ANON | LINUX_MAP_FIXED_NOREPLACE), -EEXIST);
    assert_int_equal(anon(0x5000000, 4096, RW, PRIV_ANON | LINUX_MAP_FIXED_NOREPLACE), 0x5000000);
}

static void test_mmap_prot_none_is_not_accessible(void **state)
{
    int64_t a = anon(0, 4096, GPROT_NONE, PRIV_ANON);
    uint8_t b;
    assert_true(a > 0);
    assert_int_equal(mem_copy_from(&E->mem, &b, (uint64_t)a, 1), -EFAULT);
}

/* write(2) from a PROT_WRITE-only buffer succeeds on Linux: x86 cannot map a page writable
 * but unreadable (arch/x86/mm/pgprot.c protection_map), so copy_from_user reads it; the same
 * holds for PROT_EXEC alone. mprotect to PROT_WRITE keeps it readable too. */
static void test_write_from_write_only_or_exec_only_buffer_succeeds(void **state)
{
    int fds[2];
    char got[8] = {0};
    assert_int_equal(pipe(fds), 0);
    int64_t w = anon(0, 4096, GPROT_WRITE, PRIV_ANON);
    int64_t x = anon(0, 4096, GPROT_EXEC, PRIV_ANON);
    assert_true(w > 0 && x > 0);
    poke((uint64_t)w, "wonly", 6);
    assert_int_equal(SYS(sys_write, (uint64_t)fds[1], (uint64_t)w, 6), 6);
    assert_int_equal(read(fds[0], got, 6), 6);
    assert_string_equal(got, "wonly");
    assert_int_equal(SYS(sys_write, (uint64_t)fds[1], (uint64_t)x, 4), 4);   /* zeroes */
    assert_int_equal(SYS(sys_mprotect, (uint64_t)x, 4096, GPROT_WRITE), 0);
    assert_int_equal(SYS(sys_write, (uint64_t)fds[1], (uint64_t)x, 4), 4);
    assert_int_equal(SYS(sys_mprotect, (uint64_t)x, 4096, GPROT_NONE), 0);
    assert_int_equal(SYS(sys_write, (uint64_t)fds[1], (uint64_t)x, 4), -EFAULT);
    close(fds[0]);
    close(fds[1]);
}

static int temp_file(const char *content, size_t n)
{
    char path[] = "/tmp/goemu_test_mmXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    unlink(path);
    assert_int_equal(write(fd, content, n), (ssize_t)n);
    return fd;
}

static void test_mmap_private_file_copies_contents_and_zero_fills_the_tail(void **state)
{
    int fd = temp_file("hello file", 10);
    /* The fd is an int: garbage in the upper half of the register is ignored. */
    int64_t a = SYS(sys_mmap, 0, 8192, GPROT_READ, LINUX_MAP_PRIVATE,
                    0xdead000000000000ull | (uint64_t)fd, 0);
    assert_true(a > 0);
    char buf[16];
    peek((uint64_t)a, buf, sizeof(buf));
    assert_memory_equal(buf, "hello file\0\0\0\0\0\0", 16);
    uint8_t z;
    peek((uint64_t)a + 5000, &z, 1);
    assert_int_equal(z, 0);
    close(fd);
}

static void test_mmap_shared_file_writes_reach_the_file_and_msync_accepts_them(void **state)
{
    int fd = temp_file("xxxx", 4);
    int64_t a = SYS(sys_mmap, 0, 8192, RW, LINUX_MAP_SHARED, (uint64_t)fd, 0);
    assert_true(a > 0);
    poke((uint64_t)a, "go", 2);
    assert_int_equal(SYS(sys_msync, (uint64_t)a, 4096, MS_SYNC), 0);
    char buf[5] = {0};
    assert_int_equal(pread(fd, buf, 4, 0), 4);
    assert_string_equal(buf, "goxx");
    /* the page past EOF is plain zero memory, not a host SIGBUS */
    uint8_t z = 1;
    peek((uint64_t)a + 5000, &z, 1);
    assert_int_equal(z, 0);
    assert_int_equal(SYS(sys_msync, (uint64_t)a + 1, 4096, MS_SYNC), -EINVAL);
    close(fd);
}

static void test_shared_mapping_of_read_only_fd_can_never_be_writable(void **state)
{
    int rw = temp_file("abcd", 4);
    char link[64];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", rw);
    int ro = open(link, O_RDONLY);
    assert_true(ro >= 0);
    assert_int_equal(SYS(sys_mmap, 0, 4096, RW, LINUX_MAP_SHARED, (uint64_t)ro, 0), -EACCES);
    int64_t a = SYS(sys_mmap, 0, 4096, GPROT_READ, LINUX_MAP_SHARED, (uint64_t)ro, 0);
    assert_true(a > 0);
    assert_int_equal(SYS(sys_mprotect, (uint64_t)a, 4096, RW), -EACCES);
    char buf[4];
    peek((uint64_t)a, buf, 4);
    assert_memory_equal(buf, "abcd", 4);
    close(ro);
    close(rw);
}

static void test_mmap_file_with_bad_fd_is_ebadf(void **state)
{
    assert_int_equal(SYS(sys_mmap, 0, 4096, GPROT_READ, LINUX_MAP_PRIVATE, 9999, 0), -EBADF);
}

static void test_munmap_rejects_unaligned_and_empty(void **state)
{
    assert_int_equal(SYS(sys_munmap, SCRATCH + 1, 4096), -EINVAL);
    assert_int_equal(SYS(sys_munmap, SCRATCH, 0), -EINVAL);
}

static void test_munmap_makes_memory_inaccessible(void **state)
{
    uint8_t b;
    assert_int_equal(SYS(sys_munmap, SCRATCH + 4096, 4096), 0);
    assert_int_equal(mem_copy_from(&E->mem, &b, SCRATCH + 4096, 1), -EFAULT);
    assert_int_equal(mem_copy_from(&E->mem, &b, SCRATCH, 1), 0);
}

static void test_munmap_of_unmapped_range_succeeds(void **state)
{
    assert_int_equal(SYS(sys_munmap, 0x7000000000, 1 << 20), 0);
}

static void test_mprotect_errors(void **state)
{
    assert_int_equal(SYS(sys_mprotect, SCRATCH + 1, 4096, GPROT_READ), -EINVAL);
    assert_int_equal(SYS(sys_mprotect, SCRATCH, 4096, 0x100), -EINVAL);
    assert_int_equal(SYS(sys_mprotect, 0x7000000000, 4096, GPROT_READ), -ENOMEM);
    assert_int_equal(SYS(sys_mprotect, SCRATCH, 0, GPROT_READ), 0);
}

static void test_mprotect_read_only_blocks_writes(void **state)
{
    uint8_t b = 1;
    assert_int_equal(SYS(sys_mprotect, SCRATCH, 4096, GPROT_READ), 0);
    assert_int_equal(mem_copy_to(&E->mem, SCRATCH, &b, 1), -EFAULT);
    assert_int_equal(mem_copy_from(&E->mem, &b, SCRATCH, 1), 0);
}

static void test_madvise_unknown_advice_is_einval(void **state)
{
    assert_int_equal(SYS(sys_madvise, SCRATCH, 4096, 7), -EINVAL);
    assert_int_equal(SYS(sys_madvise, SCRATCH + 8, 4096, 14), -EINVAL);
}

static void test_madvise_hugepage_is_accepted(void **state)
{
    assert_int_equal(SYS(sys_madvise, SCRATCH, 4096, 14 /* MADV_HUGEPAGE */), 0);
    assert_int_equal(SYS(sys_madvise, SCRATCH, 4096, 15 /* MADV_NOHUGEPAGE */), 0);
}

static void test_madvise_dontneed_zeroes_anonymous_memory(void **state)
{
    uint64_t x = 77;
    poke(SCRATCH + 4096, &x, 8);
    assert_int_equal(SYS(sys_madvise, SCRATCH, 2 * 4096, LINUX_MADV_DONTNEED), 0);
    peek(SCRATCH + 4096, &x, 8);
    assert_int_equal(x, 0);
}

static void test_madvise_over_a_hole_is_enomem(void **state)
{
    assert_int_equal(SYS(sys_madvise, SCRATCH + SCRATCH_SIZE - 4096, 8192, 0), -ENOMEM);
}

static void test_brk_query_returns_current_break(void **state)
{
    E->brk_start = E->brk_cur = 0x600000;
    assert_int_equal(SYS(sys_brk, 0), 0x600000);
}

static void test_brk_grows_and_shrinks(void **state)
{
    E->brk_start = E->brk_cur = 0x600000;
    assert_int_equal(SYS(sys_brk, 0x602800), 0x602800);
    uint64_t x = 5;
    poke(0x602ff8, &x, 8);
    assert_int_equal(SYS(sys_brk, 0x601000), 0x601000);
    uint8_t b;
    assert_int_equal(mem_copy_from(&E->mem, &b, 0x601000, 1), -EFAULT);
}

static void test_brk_into_a_mapping_fails_with_current_break(void **state)
{
    E->brk_start = E->brk_cur = SCRATCH - 0x2000;
    assert_int_equal(SYS(sys_brk, SCRATCH + 0x1000), SCRATCH - 0x2000);
}

static void test_mremap_grows_in_place_when_free(void **state)
{
    assert_int_equal(anon(0x5000000, 4096, RW, PRIV_ANON | LINUX_MAP_FIXED), 0x5000000);
    assert_int_equal(SYS(sys_mremap, 0x5000000, 4096, 3 * 4096, 0), 0x5000000);
    uint8_t b = 1;
    assert_int_equal(mem_copy_to(&E->mem, 0x5002000, &b, 1), 0);
}

static void test_mremap_moves_with_maymove_keeping_contents(void **state)
{
    uint64_t x = 0xfeed;
    poke(SCRATCH, &x, 8);
    assert_int_equal(anon(SCRATCH + SCRATCH_SIZE, 4096, RW, PRIV_ANON | LINUX_MAP_FIXED),
                     SCRATCH + SCRATCH_SIZE);
    assert_int_equal(SYS(sys_mremap, SCRATCH + SCRATCH_SIZE - 4096, 4096, 8192, 0), -ENOMEM);
    int64_t n = SYS(sys_mremap, SCRATCH, SCRATCH_SIZE, 2 * SCRATCH_SIZE, LINUX_MREMAP_MAYMOVE);
    assert_true(n > 0);
    assert_int_not_equal(n, SCRATCH);
    peek((uint64_t)n, &x, 8);
    assert_int_equal(x, 0xfeed);
    uint8_t b;
    assert_int_equal(mem_copy_from(&E->mem, &b, SCRATCH, 1), -EFAULT);
}

static void test_mremap_shrink_unmaps_the_tail(void **state)
{
    uint8_t b;
    assert_int_equal(SYS(sys_mremap, SCRATCH, SCRATCH_SIZE, 4096, 0), SCRATCH);
    assert_int_equal(mem_copy_from(&E->mem, &b, SCRATCH + 4096, 1), -EFAULT);
}

static void test_mremap_of_unmapped_address_is_efault(void **state)
{
    assert_int_equal(SYS(sys_mremap, 0x7000000000, 4096, 8192, LINUX_MREMAP_MAYMOVE), -EFAULT);
}

/* ---- memory limits (docs/isolation.md, "Memory limits") ------------------------------------
 * Each test bounds host memory (VmRSS growth under 10 MB) and time (2 s, about 100 times what
 * the operation takes) so a regression fails instead of exhausting the machine. */

#define MAP_NORESERVE_ 0x4000ull
#define GiB (1ull << 30)
#define TiB (1ull << 40)
#define RSS_BOUND_KB (10 * 1024)
#define TIME_BOUND_S 2.0

static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    size_t k = strlen(key);
    while (f && fgets(line, sizeof(line), f))
        if (!strncmp(line, key, k) && line[k] == ':')
            kb = atol(line + k + 1);
    if (f)
        fclose(f);
    assert_true(kb >= 0);
    return kb;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Whether the host, like a default Linux (vm.overcommit_memory 0), refuses one private
 * writable request of bytes (__vm_enough_memory in mm/util.c: more than RAM + swap). */
static int heuristic_refuses(uint64_t bytes)
{
    FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
    int mode = 0;
    if (f) {
        if (fscanf(f, "%d", &mode) != 1)
            mode = 0;
        fclose(f);
    }
    struct sysinfo si;
    assert_int_equal(sysinfo(&si), 0);
    return mode == 0 && bytes / si.mem_unit > (uint64_t)si.totalram + si.totalswap;
}

/* A private file mapping is the host's private mapping of the file: pages cost memory when
 * touched, not at mmap (a copy of a sparse 64 GiB file would exhaust the machine), and the
 * guest's writes stay in its copy while unwritten pages still show the file. */
static void test_mmap_private_file_is_lazy_and_copy_on_write(void **state)
{
    int fd = temp_file("0123456789", 10);
    assert_int_equal(ftruncate(fd, (off_t)(64 * GiB)), 0);
    assert_int_equal(pwrite(fd, "tail", 4, (off_t)(64 * GiB - 4096)), 4);
    long rss = status_kb("VmRSS");
    double t0 = now_s();
    int64_t a = SYS(sys_mmap, 0, 64 * GiB, GPROT_READ | GPROT_WRITE, LINUX_MAP_PRIVATE | MAP_NORESERVE_,
                    (uint64_t)fd, 0);
    assert_true(a > 0);
    char buf[4];
    peek((uint64_t)a + 64 * GiB - 4096, buf, 4);
    assert_memory_equal(buf, "tail", 4);
    poke((uint64_t)a, "ab", 2);
    peek((uint64_t)a, buf, 4);
    assert_memory_equal(buf, "ab23", 4);
    char file[4];
    assert_int_equal(pread(fd, file, 4, 0), 4);
    assert_memory_equal(file, "0123", 4);            /* the write stayed private */
    assert_int_equal(pwrite(fd, "XYZ", 3, 8192), 3);  /* an untouched page shows the file */
    peek((uint64_t)a + 8192, buf, 3);
    assert_memory_equal(buf, "XYZ", 3);
    assert_true(now_s() - t0 < TIME_BOUND_S);
    assert_true(status_kb("VmRSS") - rss < RSS_BOUND_KB);
    assert_int_equal(SYS(sys_munmap, (uint64_t)a, 64 * GiB), 0);
    close(fd);
}

/* vm.max_map_count (mm/mmap.c __split_vma): splitting a mapping page by page stops with
 * ENOMEM at the limit instead of growing goemu's VMA list without bound. */
static void test_mprotect_splits_stop_at_max_map_count(void **state)
{
    int64_t a = anon(0, 64 * 4096, RW, PRIV_ANON);
    assert_true(a > 0);
    E->mem.max_vmas = E->mem.nvmas + 8;
    int64_t r = 0;
    for (int k = 1; k < 64 && r == 0; k += 2)
        r = SYS(sys_mprotect, (uint64_t)a + (uint64_t)k * 4096, 4096, GPROT_READ);
    assert_int_equal(r, -ENOMEM);
    assert_true(E->mem.nvmas <= E->mem.max_vmas);
    E->mem.max_vmas = 0;   /* no limit: the unmap may split what it likes */
    assert_int_equal(SYS(sys_munmap, (uint64_t)a, 64 * 4096), 0);
}

static void test_mremap_4k_to_64tib_is_enomem_at_once(void **state)
{
    long rss = status_kb("VmRSS");
    double t0 = now_s();
    int64_t a = anon(0, 4096, RW, PRIV_ANON);
    assert_true(a > 0);
    int64_t r = SYS(sys_mremap, (uint64_t)a, 4096, 64 * TiB, LINUX_MREMAP_MAYMOVE);
    if (heuristic_refuses(64 * TiB)) {
        assert_int_equal(r, -ENOMEM);   /* mm/mremap.c: VM_ACCOUNT growth is charged first */
        uint8_t b;
        assert_int_equal(mem_copy_from(&E->mem, &b, (uint64_t)a, 1), 0);  /* old one intact */
    }
    assert_true(now_s() - t0 < TIME_BOUND_S);
    assert_true(status_kb("VmRSS") - rss < RSS_BOUND_KB);
}

/* A new length beyond TASK_SIZE is -EINVAL before anything else (check_mremap_params,
 * mm/mremap.c; the host says so too: tests/run_abuse.sh, mem-huge), even for an unmapped old
 * address; TASK_SIZE itself is only too big for the address space, -ENOMEM. */
static void test_mremap_beyond_task_size_is_einval(void **state)
{
    const uint64_t task_size = (1ull << 47) - 4096;
    assert_int_equal(SYS(sys_mremap, SCRATCH, 4096, 256 * TiB, LINUX_MREMAP_MAYMOVE), -EINVAL);
    assert_int_equal(SYS(sys_mremap, SCRATCH, 4096, 1ull << 63, LINUX_MREMAP_MAYMOVE), -EINVAL);
    assert_int_equal(SYS(sys_mremap, SCRATCH, 4096, task_size + 1, 0), -EINVAL);
    assert_int_equal(SYS(sys_mremap, 0x7000000000, 4096, task_size + 4096, 0), -EINVAL);
    assert_int_equal(SYS(sys_mremap, 0x7000000000, 4096, task_size, 0), -EFAULT);
    assert_int_equal(SYS(sys_mremap, SCRATCH, 4096, task_size, LINUX_MREMAP_MAYMOVE), -ENOMEM);
}

static void test_mremap_noreserve_to_64tib_costs_nothing_and_keeps_contents(void **state)
{
    /* Not charged (MAP_NORESERVE), so Linux grants it; untouched it must cost nothing. */
    uint64_t x = 0xabcdef;
    int64_t a = anon(0, 4096, RW, PRIV_ANON | MAP_NORESERVE_);
    assert_true(a > 0);
    poke((uint64_t)a, &x, 8);
    long rss = status_kb("VmRSS");
    double t0 = now_s();
    int64_t n = SYS(sys_mremap, (uint64_t)a, 4096, 64 * TiB, LINUX_MREMAP_MAYMOVE);
    /* goemu's host must hold 64 TiB next to itself; a sanitizer's shadow memory may not leave
     * that much (docs/isolation.md): then ENOMEM, still at once. */
    void *probe = mmap(NULL, 64 * TiB, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (probe == MAP_FAILED) {
        assert_true(n == -ENOMEM || n > 0);
        if (n < 0)
            return;
    } else {
        munmap(probe, 64 * TiB);
    }
    assert_true(n > 0);
    x = 0;
    peek((uint64_t)n, &x, 8);
    assert_int_equal(x, 0xabcdef);
    poke((uint64_t)n + 64 * TiB - 8, &x, 8);
    assert_int_equal(SYS(sys_munmap, (uint64_t)n, 64 * TiB), 0);
    assert_true(now_s() - t0 < TIME_BOUND_S);
    assert_true(status_kb("VmRSS") - rss < RSS_BOUND_KB);
}

static void test_mremap_growth_past_rlimit_as_is_enomem(void **state)
{
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_AS, &old), 0);
    lim = old;
    /* Room for this process (a sanitizer's shadow makes it terabytes), far below 64 TiB. */
    lim.rlim_cur = (uint64_t)status_kb("VmSize") * 1024 + 64 * GiB;
    assert_int_equal(setrlimit(RLIMIT_AS, &lim), 0);
    int64_t a = anon(0, 4096, RW, PRIV_ANON | MAP_NORESERVE_);
    int64_t r = a > 0 ? SYS(sys_mremap, (uint64_t)a, 4096, 64 * TiB, LINUX_MREMAP_MAYMOVE) : a;
    int64_t m = anon(0, lim.rlim_cur + GiB, GPROT_NONE, PRIV_ANON);
    assert_int_equal(setrlimit(RLIMIT_AS, &old), 0);
    assert_true(a > 0);
    assert_int_equal(r, -ENOMEM);
    assert_int_equal(m, -ENOMEM);   /* mmap_region: may_expand_vm */
}

static void test_mmap_1tib_touch_and_munmap_returns_host_memory(void **state)
{
    if (heuristic_refuses(TiB))   /* what Linux does with ordinary memory of that size */
        assert_int_equal(anon(0, TiB, RW, PRIV_ANON), -ENOMEM);
    long rss = status_kb("VmRSS");
    double t0 = now_s();
    int64_t a = anon(0, TiB, RW, PRIV_ANON | MAP_NORESERVE_);
    assert_true(a > 0);
    for (uint64_t off = 0; off < TiB; off += TiB / 4) {
        uint64_t x = off + 1;
        poke((uint64_t)a + off, &x, 8);
        x = 0;
        peek((uint64_t)a + off, &x, 8);
        assert_int_equal(x, off + 1);
    }
    assert_true(status_kb("VmRSS") - rss < RSS_BOUND_KB);
    /* madvise and msync over the whole terabyte cost one host call, not 2^28 page steps. */
    assert_int_equal(SYS(sys_madvise, (uint64_t)a, TiB, LINUX_MADV_DONTNEED), 0);
    uint64_t z = 1;
    peek((uint64_t)a + TiB / 4, &z, 8);
    assert_int_equal(z, 0);
    assert_int_equal(SYS(sys_msync, (uint64_t)a, TiB, MS_ASYNC), 0);
    assert_int_equal(SYS(sys_munmap, (uint64_t)a, TiB), 0);
    assert_true(now_s() - t0 < TIME_BOUND_S);
    assert_true(status_kb("VmRSS") - rss < RSS_BOUND_KB);
    /* Reprotecting a terabyte reservation both ways is as cheap. */
    int64_t r = anon(0, TiB, GPROT_NONE, PRIV_ANON);
    assert_true(r > 0);
    assert_int_equal(SYS(sys_mprotect, (uint64_t)r, TiB, RW), heuristic_refuses(TiB) ? -ENOMEM : 0);
    assert_int_equal(mem_protect(&E->mem, (uint64_t)r, TiB, GPROT_READ), 0);
    assert_int_equal(SYS(sys_mprotect, (uint64_t)r, TiB, GPROT_NONE), 0);
    assert_true(now_s() - t0 < TIME_BOUND_S);
    assert_true(status_kb("VmRSS") - rss < RSS_BOUND_KB);
}

static void test_mremap_of_4gib_reservation_is_instant_and_keeps_contents(void **state)
{
    long rss = status_kb("VmRSS");
    double t0 = now_s();
    int64_t a = anon(0, 4 * GiB, GPROT_NONE, PRIV_ANON);
    assert_true(a > 0);
    /* One page committed and written, then made PROT_NONE again: its contents must survive
     * the move; the never-committed pages stay without memory. */
    uint64_t x = 0x5151, page = (uint64_t)a + 2 * GiB;
    assert_int_equal(SYS(sys_mprotect, page, 4096, RW), 0);
    poke(page, &x, 8);
    assert_int_equal(SYS(sys_mprotect, page, 4096, GPROT_NONE), 0);
    uint64_t dest = 0x200000000000;
    assert_int_equal(SYS(sys_mremap, (uint64_t)a, 4 * GiB, 4 * GiB,
                         LINUX_MREMAP_MAYMOVE | LINUX_MREMAP_FIXED, dest), dest);
    assert_null(mem_vma_at(&E->mem, (uint64_t)a));
    assert_false(mem_page_mapped(&E->mem, dest));
    uint8_t b;
    assert_int_equal(mem_copy_from(&E->mem, &b, dest, 1), -EFAULT);
    assert_int_equal(SYS(sys_mprotect, dest + 2 * GiB, 4096, GPROT_READ), 0);
    x = 0;
    peek(dest + 2 * GiB, &x, 8);
    assert_int_equal(x, 0x5151);
    /* Growing it moves or extends it the same way (one VMA again, as Linux merges it). */
    assert_int_equal(SYS(sys_mprotect, dest + 2 * GiB, 4096, GPROT_NONE), 0);
    int64_t n = SYS(sys_mremap, dest, 4 * GiB, 8 * GiB, LINUX_MREMAP_MAYMOVE);
    assert_true(n > 0);
    assert_int_equal(SYS(sys_mprotect, (uint64_t)n + 2 * GiB, 4096, GPROT_READ), 0);
    peek((uint64_t)n + 2 * GiB, &x, 8);
    assert_int_equal(x, 0x5151);
    assert_true(now_s() - t0 < TIME_BOUND_S);
    assert_true(status_kb("VmRSS") - rss < RSS_BOUND_KB);
}

static void test_brk_past_rlimit_data_returns_the_old_break(void **state)
{
    E->brk_start = E->brk_cur = 0x600000;
    if (heuristic_refuses(256 * GiB))
        assert_int_equal(SYS(sys_brk, 0x600000 + 256 * GiB), 0x600000);
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_DATA, &old), 0);
    lim = old;
    lim.rlim_cur = (uint64_t)status_kb("VmData") * 1024 + GiB;
    assert_int_equal(setrlimit(RLIMIT_DATA, &lim), 0);
    int64_t huge = SYS(sys_brk, 0x600000 + 256 * GiB);
    int64_t over = SYS(sys_brk, 0x600000 + lim.rlim_cur + 4096);
    int64_t small = SYS(sys_brk, 0x600000 + (1 << 20));
    assert_int_equal(setrlimit(RLIMIT_DATA, &old), 0);
    assert_int_equal(huge, 0x600000);
    assert_int_equal(over, 0x600000);
    assert_int_equal(small, 0x600000 + (1 << 20));
}

static void test_munmap_of_64tib_takes_time_proportional_to_what_is_mapped(void **state)
{
    double t0 = now_s();
    assert_int_equal(anon(0x300000000000, 8192, RW, PRIV_ANON | LINUX_MAP_FIXED), 0x300000000000);
    uint64_t x = 7;
    poke(0x300000001000, &x, 8);
    assert_int_equal(SYS(sys_munmap, 0x10000, 64 * TiB), 0);
    uint8_t b;
    assert_int_equal(mem_copy_from(&E->mem, &b, SCRATCH, 1), -EFAULT);
    assert_int_equal(mem_copy_from(&E->mem, &b, 0x300000001000, 1), -EFAULT);
    assert_int_equal(SYS(sys_mprotect, 0x10000, 64 * TiB, GPROT_READ), -ENOMEM);
    assert_int_equal(SYS(sys_madvise, 0x10000, 64 * TiB, LINUX_MADV_DONTNEED), -ENOMEM);
    assert_true(now_s() - t0 < TIME_BOUND_S);
}

static void test_mremap_of_shared_file_mapping_stays_shared(void **state)
{
    int fd = temp_file("abcdefgh", 8);
    int64_t a = SYS(sys_mmap, 0, 4096, RW, LINUX_MAP_SHARED, (uint64_t)fd, 0);
    assert_true(a > 0);
    uint64_t dest = 0x210000000000;
    assert_int_equal(SYS(sys_mremap, (uint64_t)a, 4096, 4096,
                         LINUX_MREMAP_MAYMOVE | LINUX_MREMAP_FIXED, dest), dest);
    poke(dest, "XY", 2);                               /* guest write reaches the file */
    char buf[9] = {0};
    assert_int_equal(pread(fd, buf, 8, 0), 8);
    assert_string_equal(buf, "XYcdefgh");
    assert_int_equal(pwrite(fd, "Z", 1, 7), 1);        /* file write reaches the guest */
    peek(dest, buf, 8);
    assert_memory_equal(buf, "XYcdefgZ", 8);
    assert_int_equal(SYS(sys_msync, dest, 4096, MS_SYNC), 0);
    assert_int_equal(SYS(sys_msync, dest, 8192, MS_SYNC), -ENOMEM);   /* past the mapping */
    /* Documented limit: growing a shared file mapping is EINVAL (no fd to map more with). */
    assert_int_equal(SYS(sys_mremap, dest, 4096, 8192, LINUX_MREMAP_MAYMOVE), -EINVAL);
    assert_int_equal(SYS(sys_mremap, dest, 4096, 4096, 0), dest);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYS_TEST(test_mmap_zero_length_is_einval),
        SYS_TEST(test_mmap_without_private_or_shared_is_einval),
        SYS_TEST(test_mmap_unaligned_offset_is_einval),
        SYS_TEST(test_mmap_fixed_unaligned_address_is_einval),
        SYS_TEST(test_mmap_fixed_beyond_47_bits_is_enomem),
        SYS_TEST(test_mmap_fixed_below_mmap_min_addr_is_eperm),
        SYS_TEST(test_mmap_anonymous_is_page_aligned_and_zeroed),
        SYS_TEST(test_mmap_free_hint_is_honoured),
        SYS_TEST(test_mmap_occupied_hint_gives_another_address),
        SYS_TEST(test_mmap_fixed_commit_inside_reservation_replaces_with_zeroes),
        SYS_TEST(test_mmap_fixed_noreplace_over_mapping_is_eexist),
        SYS_TEST(test_mmap_prot_none_is_not_accessible),
        SYS_TEST(test_mmap_private_file_copies_contents_and_zero_fills_the_tail),
        SYS_TEST(test_mmap_shared_file_writes_reach_the_file_and_msync_accepts_them),
        SYS_TEST(test_shared_mapping_of_read_only_fd_can_never_be_writable),
        SYS_TEST(test_mmap_file_with_bad_fd_is_ebadf),
        SYS_TEST(test_munmap_rejects_unaligned_and_empty),
        SYS_TEST(test_munmap_makes_memory_inaccessible),
        SYS_TEST(test_munmap_of_unmapped_range_succeeds),
        SYS_TEST(test_mprotect_errors),
        SYS_TEST(test_mprotect_read_only_blocks_writes),
        SYS_TEST(test_madvise_unknown_advice_is_einval),
        SYS_TEST(test_madvise_hugepage_is_accepted),
        SYS_TEST(test_madvise_dontneed_zeroes_anonymous_memory),
        SYS_TEST(test_madvise_over_a_hole_is_enomem),
        SYS_TEST(test_brk_query_returns_current_break),
        SYS_TEST(test_brk_grows_and_shrinks),
        SYS_TEST(test_brk_into_a_mapping_fails_with_current_break),
        SYS_TEST(test_mremap_grows_in_place_when_free),
        SYS_TEST(test_mremap_moves_with_maymove_keeping_contents),
        SYS_TEST(test_mremap_shrink_unmaps_the_tail),
        SYS_TEST(test_mremap_of_unmapped_address_is_efault),
        SYS_TEST(test_mmap_private_file_is_lazy_and_copy_on_write),
        SYS_TEST(test_mprotect_splits_stop_at_max_map_count),
        SYS_TEST(test_mremap_4k_to_64tib_is_enomem_at_once),
        SYS_TEST(test_mremap_beyond_task_size_is_einval),
        SYS_TEST(test_mremap_noreserve_to_64tib_costs_nothing_and_keeps_contents),
        SYS_TEST(test_mremap_growth_past_rlimit_as_is_enomem),
        SYS_TEST(test_mmap_1tib_touch_and_munmap_returns_host_memory),
        SYS_TEST(test_mremap_of_4gib_reservation_is_instant_and_keeps_contents),
        SYS_TEST(test_brk_past_rlimit_data_returns_the_old_break),
        SYS_TEST(test_munmap_of_64tib_takes_time_proportional_to_what_is_mapped),
        SYS_TEST(test_mremap_of_shared_file_mapping_stays_shared),
        SYS_TEST(test_write_from_write_only_or_exec_only_buffer_succeeds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
