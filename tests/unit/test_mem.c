/* test_mem.c — the guest address space: mappings, MAP_FIXED over reservations, protections,
 * free-range search, checked copies, and precise faults from the accessors. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpu/exec.h"
#include "cpu/access.h"
#include "mem/uaccess.h"

static struct mem m;

static int setup(void **state) { return mem_init(&m); }
static int teardown(void **state) { mem_destroy(&m); return 0; }

static void test_fresh_anonymous_memory_reads_zero(void **state)
{
    assert_int_equal(mem_map(&m, 0x100000, 3 * 4096, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    uint8_t buf[3 * 4096];
    memset(buf, 0xaa, sizeof(buf));
    assert_int_equal(mem_copy_from(&m, buf, 0x100000, sizeof(buf)), 0);
    for (size_t k = 0; k < sizeof(buf); k++)
        assert_int_equal(buf[k], 0);
}

static void test_map_fixed_inside_prot_none_reservation_splits_it(void **state)
{
    /* Go reserves PROT_NONE and commits pieces with MAP_FIXED (sysReserveOS and sysMapOS in
     * runtime/mem_linux.go). */
    assert_int_equal(mem_map(&m, 0xc000000000, 64 << 20, GPROT_NONE, 0, NULL), 0);
    assert_int_equal(mem_map(&m, 0xc000400000, 4 << 20, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(m.nvmas, 3);
    const struct vma *v = mem_vma_at(&m, 0xc000400000);
    assert_non_null(v);
    assert_int_equal(v->start, 0xc000400000);
    assert_int_equal(v->end, 0xc000800000);
    assert_int_equal(v->prot, GPROT_READ | GPROT_WRITE);
    assert_int_equal(mem_vma_at(&m, 0xc000000000)->prot, GPROT_NONE);
    assert_int_equal(mem_vma_at(&m, 0xc000800000)->prot, GPROT_NONE);
    uint64_t x = 0x1122334455667788;
    assert_int_equal(mem_copy_to(&m, 0xc000400ff8, &x, 8), 0);
    assert_int_equal(mem_copy_to(&m, 0xc0003ffff8, &x, 8), -EFAULT);
}

static void test_map_fixed_replaces_contents_with_zeroes(void **state)
{
    uint64_t x = 42, y = 1;
    assert_int_equal(mem_map(&m, 0x200000, 8192, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_copy_to(&m, 0x201000, &x, 8), 0);
    assert_int_equal(mem_map(&m, 0x201000, 4096, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_copy_from(&m, &y, 0x201000, 8), 0);
    assert_int_equal(y, 0);
}

static void test_unmap_middle_leaves_two_mappings(void **state)
{
    assert_int_equal(mem_map(&m, 0x300000, 3 * 4096, GPROT_READ, 0, NULL), 0);
    assert_int_equal(mem_unmap(&m, 0x301000, 4096), 0);
    assert_non_null(mem_vma_at(&m, 0x300000));
    assert_null(mem_vma_at(&m, 0x301000));
    assert_non_null(mem_vma_at(&m, 0x302000));
    assert_true(mem_range_free(&m, 0x301000, 4096));
}

static void test_protect_of_unmapped_range_is_enomem_and_changes_nothing(void **state)
{
    assert_int_equal(mem_map(&m, 0x400000, 4096, GPROT_READ, 0, NULL), 0);
    assert_int_equal(mem_protect(&m, 0x400000, 8192, GPROT_READ | GPROT_WRITE), -ENOMEM);
    assert_int_equal(mem_vma_at(&m, 0x400000)->prot, GPROT_READ);
}

static void test_copy_to_read_only_is_efault_but_poke_works(void **state)
{
    uint32_t v = 7, r = 0;
    assert_int_equal(mem_map(&m, 0x500000, 4096, GPROT_READ, 0, NULL), 0);
    assert_int_equal(mem_copy_to(&m, 0x500000, &v, 4), -EFAULT);
    assert_int_equal(mem_poke(&m, 0x500000, &v, 4), 0);
    assert_int_equal(mem_copy_from(&m, &r, 0x500000, 4), 0);
    assert_int_equal(r, 7);
}

static void test_find_free_honours_free_hint_and_goes_top_down_otherwise(void **state)
{
    assert_int_equal(mem_find_free(&m, 0xc000000000, 1 << 20), 0xc000000000);
    assert_int_equal(mem_map(&m, 0xc000000000, 1 << 20, GPROT_NONE, 0, NULL), 0);
    uint64_t a = mem_find_free(&m, 0xc000000000, 1 << 20);
    assert_int_not_equal(a, 0xc000000000);
    assert_true(a + (1 << 20) <= m.mmap_base);
    assert_true(mem_range_free(&m, a, 1 << 20));
    assert_int_equal(mem_map(&m, a, 1 << 20, GPROT_READ, 0, NULL), 0);
    uint64_t b = mem_find_free(&m, 0, 1 << 20);
    assert_true(b + (1 << 20) <= a);
}

static void test_read_cstr_stops_at_nul_and_reports_unmapped(void **state)
{
    char buf[16];
    assert_int_equal(mem_map(&m, 0x600000, 4096, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_copy_to(&m, 0x600ffc, "abc", 4), 0);
    assert_int_equal(mem_read_cstr(&m, 0x600ffc, buf, sizeof(buf)), 3);
    assert_string_equal(buf, "abc");
    assert_int_equal(mem_copy_to(&m, 0x600ffc, "abcd", 4), 0);
    assert_int_equal(mem_read_cstr(&m, 0x600ffc, buf, sizeof(buf)), -EFAULT);
}

static void test_iov_merges_host_contiguous_pages(void **state)
{
    struct iovec iov[4];
    assert_int_equal(mem_map(&m, 0x700000, 4 * 4096, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_iov(&m, 0x700010, 3 * 4096, GPROT_WRITE, iov, 4), 1);
    assert_int_equal(iov[0].iov_len, 3 * 4096);
    assert_int_equal(mem_iov(&m, 0x703000, 8192, GPROT_READ, iov, 4), -EFAULT);
}

/* Accessors: a faulting access unwinds with a precise SIGSEGV description. */
static struct cpu c;

static int faulting_access(uint64_t addr, int write, uint64_t value)
{
    jmp_buf jb;
    c.fault_jmp = &jb;
    c.insn_rip = 0x401000;
    if (setjmp(jb))
        return 1;
    if (write)
        mem_st(&c, addr, 8, value);
    else
        (void)mem_ld(&c, addr, 8);
    return 0;
}

static void test_load_from_unmapped_is_segv_maperr_with_data_address(void **state)
{
    cpu_init(&c, &m);
    assert_int_equal(faulting_access(0x8, 0, 0), 1);
    assert_int_equal(c.fault.signo, SIGSEGV);
    assert_int_equal(c.fault.code, SEGV_MAPERR);
    assert_int_equal(c.fault.addr, 0x8);
    assert_int_equal(c.fault.rip, 0x401000);
    assert_int_equal(c.fault.trapno, 14);
    assert_int_equal(c.fault.err, 4);
}

static void test_store_to_read_only_is_segv_accerr(void **state)
{
    cpu_init(&c, &m);
    assert_int_equal(mem_map(&m, 0x800000, 4096, GPROT_READ, 0, NULL), 0);
    assert_int_equal(faulting_access(0x800010, 1, 5), 1);
    assert_int_equal(c.fault.code, SEGV_ACCERR);
    assert_int_equal(c.fault.err, 7);
}

static void test_page_crossing_store_faults_without_writing_first_page(void **state)
{
    cpu_init(&c, &m);
    assert_int_equal(mem_map(&m, 0x900000, 4096, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(faulting_access(0x900ffc, 1, ~0ull), 1);
    assert_int_equal(c.fault.addr, 0x901000);
    uint32_t v = 1;
    assert_int_equal(mem_copy_from(&m, &v, 0x900ffc, 4), 0);
    assert_int_equal(v, 0);
}

static void test_page_crossing_load_assembles_both_pages(void **state)
{
    cpu_init(&c, &m);
    assert_int_equal(mem_map(&m, 0xa00000, 8192, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    uint64_t x = 0x0807060504030201ull;
    assert_int_equal(mem_copy_to(&m, 0xa00ffd, &x, 8), 0);
    assert_int_equal(faulting_access(0xa00ffd, 0, 0), 0);
    jmp_buf jb;
    c.fault_jmp = &jb;
    if (setjmp(jb) == 0)
        assert_int_equal(mem_ld(&c, 0xa00ffd, 8), x);
}

static void test_write_to_code_page_marks_code_dirty(void **state)
{
    uint8_t b;
    assert_int_equal(mem_map(&m, 0xb00000, 4096, GPROT_READ | GPROT_WRITE | GPROT_EXEC, 0, NULL), 0);
    assert_int_equal(mem_fetch_code(&m, 0xb00000, &b, 1), 1);
    m.code_dirty = 0;
    assert_int_equal(mem_copy_to(&m, 0xb00000, "\x90", 1), 0);
    assert_true(m.code_dirty);
}

static void test_huge_prot_none_reservation_costs_no_backing(void **state)
{
    uint64_t before = m.mapped_bytes;
    assert_int_equal(mem_map(&m, 0x100000000000, 1ull << 40, GPROT_NONE, 0, NULL), 0);  /* 1 TiB */
    assert_int_equal(m.mapped_bytes, before);
    assert_non_null(mem_vma_at(&m, 0x100000000000 + (1ull << 39)));
    uint8_t b;
    assert_int_equal(mem_copy_from(&m, &b, 0x100000000000, 1), -EFAULT);
}

static void test_mprotect_backs_reserved_pages_and_keeps_contents_across_prot_none(void **state)
{
    uint64_t base = 0xc000000000, x = 0x1234, y = 0;
    assert_int_equal(mem_map(&m, base, 1 << 20, GPROT_NONE, 0, NULL), 0);
    assert_int_equal(mem_protect(&m, base + 8192, 8192, GPROT_READ | GPROT_WRITE), 0);
    assert_int_equal(mem_copy_from(&m, &y, base + 8192, 8), 0);
    assert_int_equal(y, 0);  /* fresh pages read as zero */
    assert_int_equal(mem_copy_to(&m, base + 8192, &x, 8), 0);
    assert_int_equal(mem_protect(&m, base, 1 << 20, GPROT_NONE), 0);
    assert_int_equal(mem_copy_from(&m, &y, base + 8192, 8), -EFAULT);
    assert_int_equal(mem_protect(&m, base, 1 << 20, GPROT_READ), 0);
    assert_int_equal(mem_copy_from(&m, &y, base + 8192, 8), 0);
    assert_int_equal(y, 0x1234);
}

static void test_access_to_unbacked_prot_none_page_is_segv_accerr(void **state)
{
    cpu_init(&c, &m);
    assert_int_equal(mem_map(&m, 0xd00000, 4096, GPROT_NONE, 0, NULL), 0);
    assert_int_equal(faulting_access(0xd00010, 0, 0), 1);
    assert_int_equal(c.fault.code, SEGV_ACCERR);
    assert_int_equal(c.fault.addr, 0xd00010);
}

static void test_addresses_beyond_47_bits_are_rejected(void **state)
{
    assert_int_equal(mem_map(&m, 1ull << 47, 4096, GPROT_READ, 0, NULL), -EINVAL);
    assert_int_equal(mem_map(&m, (1ull << 47) - 4096, 8192, GPROT_READ, 0, NULL), -EINVAL);
    uint8_t b;
    assert_int_equal(mem_copy_from(&m, &b, 1ull << 47, 1), -EFAULT);
}

/* x86 page tables cannot express write-only or exec-only: a PROT_WRITE or PROT_EXEC page is
 * readable on Linux (arch/x86/mm/pgprot.c protection_map; Intel SDM Vol. 3A §4.6), while
 * /proc/self/maps still shows the requested "-w-p" / "--xp" (the VMA keeps it). */
static void test_write_only_and_exec_only_pages_are_readable(void **state)
{
    cpu_init(&c, &m);
    uint64_t x = 0x5566778899aabbccull, y = 0;
    assert_int_equal(mem_map(&m, 0xe00000, 4096, GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_vma_at(&m, 0xe00000)->prot, GPROT_WRITE);   /* reported as asked */
    assert_int_equal(faulting_access(0xe00008, 1, x), 0);
    jmp_buf jb;
    c.fault_jmp = &jb;
    if (setjmp(jb) == 0)
        assert_int_equal(mem_ld(&c, 0xe00008, 8), x);
    else
        fail_msg("load from a PROT_WRITE page faulted");
    assert_int_equal(mem_copy_from(&m, &y, 0xe00008, 8), 0);           /* write(2) from it */
    assert_int_equal(y, x);

    /* Exec-only: readable, not writable (a store is SEGV_ACCERR, error code 7). */
    assert_int_equal(mem_map(&m, 0xe10000, 4096, GPROT_EXEC, 0, NULL), 0);
    assert_int_equal(mem_vma_at(&m, 0xe10000)->prot, GPROT_EXEC);
    assert_int_equal(faulting_access(0xe10000, 0, 0), 0);
    assert_int_equal(mem_copy_from(&m, &y, 0xe10000, 8), 0);
    assert_int_equal(faulting_access(0xe10000, 1, 1), 1);
    assert_int_equal(c.fault.code, SEGV_ACCERR);
    assert_int_equal(c.fault.err, 7);

    /* mprotect of pages whose entries exist: the implied read is set on them too. */
    assert_int_equal(mem_map(&m, 0xe20000, 4096, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_copy_to(&m, 0xe20000, &x, 8), 0);
    assert_int_equal(mem_protect(&m, 0xe20000, 4096, GPROT_WRITE), 0);
    assert_int_equal(faulting_access(0xe20000, 0, 0), 0);
    assert_int_equal(mem_protect(&m, 0xe20000, 4096, GPROT_EXEC), 0);
    y = 0;
    assert_int_equal(mem_copy_from(&m, &y, 0xe20000, 8), 0);
    assert_int_equal(y, x);
    assert_int_equal(mem_copy_to(&m, 0xe20000, &x, 8), -EFAULT);
    assert_int_equal(mem_protect(&m, 0xe20000, 4096, GPROT_NONE), 0);
    assert_int_equal(faulting_access(0xe20000, 0, 0), 1);
}

/* Through the CPU: code in an exec-only page (mov rax, [rbx]; ud2) loads from a write-only
 * page, as it does natively. */
static void test_cpu_runs_exec_only_code_reading_a_write_only_page(void **state)
{
    static const uint8_t code[] = {0x48, 0x8b, 0x03, 0x0f, 0x0b};   /* mov rax,[rbx]; ud2 */
    uint64_t x = 0x0123456789abcdefull;
    cpu_init(&c, &m);
    assert_int_equal(mem_map(&m, 0xf00000, 4096, GPROT_EXEC, 0, NULL), 0);
    assert_int_equal(mem_poke(&m, 0xf00000, code, sizeof(code)), 0);
    assert_int_equal(mem_map(&m, 0xf10000, 4096, GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_copy_to(&m, 0xf10000, &x, 8), 0);
    c.rip = 0xf00000;
    c.gpr[3] = 0xf10000;   /* rbx */
    assert_int_equal(cpu_run(&c, 10), STOP_FAULT);
    assert_int_equal(c.fault.signo, SIGILL);           /* reached the ud2, not a SIGSEGV */
    assert_int_equal(c.fault.rip, 0xf00003);
    assert_int_equal(c.gpr[0], x);
    icache_destroy(&m);   /* cpu_run made the block cache: the fixture frees only the pages */
}

/* ---- memory limits: lazy entries, walks over present tables, moves without copies ---------- */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

#define L1_INDEX(a) ((a) >> 36)   /* one root entry spans 64 GiB (aspace.c: 11+12+12 bits) */

static void test_page_table_entries_are_filled_on_first_access_only(void **state)
{
    uint64_t base = 0x100000000000, before = m.mapped_bytes, x = 9;
    assert_int_equal(mem_map(&m, base, 1ull << 40, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(m.mapped_bytes, before + (1ull << 40));   /* host memory, untouched */
    assert_null(m.l1[L1_INDEX(base)]);                        /* but no page table yet */
    assert_int_equal(mem_copy_to(&m, base + (1ull << 39), &x, 8), 0);
    assert_non_null(mem_page_ptr(&m, base + (1ull << 39), GPROT_READ));
    assert_non_null(m.l1[L1_INDEX(base + (1ull << 39))]);
    assert_null(m.l1[L1_INDEX(base)]);
}

static void test_unmap_frees_the_page_tables_of_the_range(void **state)
{
    uint64_t base = 0x100000000000;
    assert_int_equal(mem_map(&m, base, 1ull << 40, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    for (uint64_t off = 0; off < (1ull << 40); off += 1ull << 38)
        assert_non_null(mem_page_ptr(&m, base + off, GPROT_WRITE));
    assert_non_null(m.l1[L1_INDEX(base + (1ull << 38))]);
    double t0 = now_s();
    assert_int_equal(mem_unmap(&m, 0x10000, 1ull << 46), 0);   /* 64 TiB, mostly empty */
    assert_true(now_s() - t0 < 2.0);
    for (uint64_t off = 0; off < (1ull << 40); off += 1ull << 38)
        assert_null(m.l1[L1_INDEX(base + off)]);
    assert_int_equal(m.nvmas, 0);
    assert_int_equal(m.mapped_bytes, 0);
}

static void test_protect_walks_only_present_tables(void **state)
{
    uint64_t base = 0x100000000000, x = 1;
    assert_int_equal(mem_map(&m, base, 1ull << 40, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_copy_to(&m, base + 4096, &x, 8), 0);
    assert_non_null(mem_page_ptr(&m, base + 4096, GPROT_WRITE));
    double t0 = now_s();
    assert_int_equal(mem_protect(&m, base, 1ull << 40, GPROT_READ), 0);
    assert_true(now_s() - t0 < 2.0);
    assert_null(mem_page_ptr(&m, base + 4096, GPROT_WRITE));   /* the existing entry changed */
    assert_null(mem_page_ptr(&m, base + 8192, GPROT_WRITE));   /* the lazy one takes the VMA's */
    assert_non_null(mem_page_ptr(&m, base + 8192, GPROT_READ));
}

static void test_move_keeps_the_host_pages(void **state)
{
    uint64_t x = 0x77, y = 0, before;
    assert_int_equal(mem_map(&m, 0x200000, 2 * 4096, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_copy_to(&m, 0x201000, &x, 8), 0);
    void *host = mem_host_addr(&m, 0x201000, GPROT_READ);
    before = m.mapped_bytes;
    assert_int_equal(mem_move(&m, 0x200000, 2 * 4096, 0x300000), 0);
    assert_ptr_equal(mem_host_addr(&m, 0x301000, GPROT_READ), host);   /* not copied */
    assert_int_equal(mem_copy_from(&m, &y, 0x301000, 8), 0);
    assert_int_equal(y, 0x77);
    assert_null(mem_vma_at(&m, 0x200000));
    assert_int_equal(m.mapped_bytes, before);
    assert_int_equal(mem_move(&m, 0x300000, 2 * 4096, 0x301000), -EINVAL);   /* overlap */
    assert_int_equal(mem_move(&m, 0x300000, 3 * 4096, 0x500000), -EFAULT);   /* hole */
    /* A PROT_NONE reservation moves without gaining memory. */
    assert_int_equal(mem_map(&m, 0x400000, 4096, GPROT_NONE, 0, NULL), 0);
    assert_int_equal(mem_move(&m, 0x400000, 4096, 0x600000), 0);
    assert_false(mem_page_mapped(&m, 0x600000));
    assert_int_equal(mem_vma_at(&m, 0x600000)->prot, GPROT_NONE);
}

/* The stand-ins make the host kernel fail where Linux fails on the guest's pointer: a copy
 * into the described range stops at the guest's first inaccessible page. */
static void test_iov_user_ends_in_a_stand_in_that_faults_on_the_host(void **state)
{
    assert_int_equal(mem_map(&m, 0x100000, 4096, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    assert_int_equal(mem_map(&m, 0x101000, 4096, GPROT_READ, 0, NULL), 0);
    struct iovec iov[4];
    int n = mem_iov_user(&m, 0x100ff8, 16, GPROT_WRITE, iov, 4);
    assert_int_equal(n, 2);
    assert_int_equal(iov[0].iov_len, 8);
    assert_true(mem_is_stand_in(iov[1].iov_base));
    assert_int_equal(iov[1].iov_len, 8);
    FILE *f = tmpfile();
    assert_non_null(f);
    int fd = fileno(f);
    assert_int_equal(write(fd, "0123456789abcdef", 16), 16);
    assert_int_equal(preadv(fd, iov, n, 0), 8);   /* the host stops at the stand-in */
    char got[8];
    assert_int_equal(mem_copy_from(&m, got, 0x100ff8, 8), 0);
    assert_memory_equal(got, "01234567", 8);
    /* Reading is fine where writing is not; a non-user range is refused up front. */
    assert_int_equal(mem_iov_user(&m, 0x100ff8, 16, GPROT_READ, iov, 4), 2);
    assert_false(mem_is_stand_in(iov[1].iov_base));
    assert_int_equal(mem_iov_user(&m, 0xffff800000000000ull, 0, GPROT_READ, iov, 4), 1);
    assert_int_equal(preadv(fd, iov, 1, 0), -1);
    assert_int_equal(errno, EFAULT);
    assert_int_equal(mem_iov_user(&m, 0x100000, 0, GPROT_READ, iov, 4), 0);
    fclose(f);
}

static void test_access_ok_is_linux_user_range(void **state)
{
    assert_true(mem_access_ok(0, 0));
    assert_true(mem_access_ok(0x7ffffffff000ull - 16, 16));
    assert_false(mem_access_ok(0x7ffffffff000ull - 16, 17));
    assert_false(mem_access_ok(0xffff800000000000ull, 0));
    assert_false(mem_access_ok(0x1000, ~0ull));
}

static void test_copy_to_prefix_writes_up_to_the_fault(void **state)
{
    assert_int_equal(mem_map(&m, 0x100000, 4096, GPROT_READ | GPROT_WRITE, 0, NULL), 0);
    const char src[16] = "0123456789abcdef";
    assert_int_equal(mem_copy_to_prefix(&m, 0x100ffa, src, 16), 6);
    assert_int_equal(mem_copy_to_prefix(&m, 0x101000, src, 16), 0);
    assert_int_equal(mem_copy_to_prefix(&m, 0x100000, src, 16), 16);
    assert_true(mem_accessible(&m, 0x100000, 4096, GPROT_WRITE));
    assert_false(mem_accessible(&m, 0x100001, 4096, GPROT_READ));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fresh_anonymous_memory_reads_zero, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_fixed_inside_prot_none_reservation_splits_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_map_fixed_replaces_contents_with_zeroes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmap_middle_leaves_two_mappings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_protect_of_unmapped_range_is_enomem_and_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_to_read_only_is_efault_but_poke_works, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find_free_honours_free_hint_and_goes_top_down_otherwise, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_cstr_stops_at_nul_and_reports_unmapped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iov_merges_host_contiguous_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_from_unmapped_is_segv_maperr_with_data_address, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_to_read_only_is_segv_accerr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_crossing_store_faults_without_writing_first_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_crossing_load_assembles_both_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_to_code_page_marks_code_dirty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_huge_prot_none_reservation_costs_no_backing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mprotect_backs_reserved_pages_and_keeps_contents_across_prot_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_to_unbacked_prot_none_page_is_segv_accerr, setup, teardown),
        cmocka_unit_test_setup_teardown(test_addresses_beyond_47_bits_are_rejected, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_only_and_exec_only_pages_are_readable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpu_runs_exec_only_code_reading_a_write_only_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_page_table_entries_are_filled_on_first_access_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unmap_frees_the_page_tables_of_the_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_protect_walks_only_present_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_move_keeps_the_host_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_iov_user_ends_in_a_stand_in_that_faults_on_the_host, setup, teardown),
        cmocka_unit_test_setup_teardown(test_access_ok_is_linux_user_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_copy_to_prefix_writes_up_to_the_fault, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
