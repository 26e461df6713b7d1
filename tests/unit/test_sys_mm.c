/* test_sys_mm.c — mmap, munmap, mprotect, madvise, brk and mremap as man 2 mmap describes
 * them and as Go uses them (runtime/mem_linux.go, mallocinit in runtime/malloc.go): errors,
 * hints, MAP_FIXED commits inside reservations, file-backed private mappings. */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
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
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
