/* test_procfs.c — the guest's virtual /proc/self (src/syscalls/procfs.c): /proc/self/mem reads
 * and writes guest memory with FOLL_FORCE semantics and never goemu's, maps lists the guest's
 * mappings, exe/cmdline/environ/auxv/status describe the guest, unknown names are -ENOENT,
 * and a symlink into goemu's own /proc is answered for the guest too. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
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
#include "elf/load.h"
#include "elf/stack.h"
#include "sys_test.h"

#define BUF (SCRATCH + 0x1000)
#define DATA (SCRATCH + 0x3000)
#define PATH (SCRATCH + 0x8000)
#define RO 0x200000ull                   /* a read-only guest page */
#define BAD 0x7000000000ull              /* unmapped */
#define AT_FDCWD_GO119 0x00000000ffffff9cull

static int open_guest(const char *path, int flags)
{
    put_str(PATH, path);
    return (int)SYS(sys_openat, AT_FDCWD_GO119, PATH, (uint64_t)flags);
}

/* Reads a whole guest-opened file through sys_read into out (NUL-terminated): its length. */
static size_t read_all(int fd, char *out, size_t max)
{
    size_t n = 0;
    for (;;) {
        int64_t r = SYS(sys_read, (uint64_t)fd, BUF, 0x1000);
        assert_true(r >= 0);
        if (r == 0)
            break;
        assert_true(n + (size_t)r < max);
        peek(BUF, out + n, (size_t)r);
        n += (size_t)r;
    }
    out[n] = 0;
    return n;
}

static void test_mem_reads_and_writes_guest_memory(void **state)
{
    char out[16] = {0};
    put_str(DATA, "guest bytes");
    int fd = open_guest("/proc/self/mem", O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 11, DATA), 11);
    peek(BUF, out, 11);
    assert_string_equal(out, "guest bytes");
    put_str(BUF, "GUEST");
    assert_int_equal(SYS(sys_pwrite64, (uint64_t)fd, BUF, 5, DATA), 5);
    peek(DATA, out, 11);
    assert_string_equal(out, "GUEST bytes");
    /* read/write at the file position, which lseek sets to an address. */
    assert_int_equal(SYS(sys_lseek, (uint64_t)fd, DATA + 6, SEEK_SET), (int64_t)(DATA + 6));
    assert_int_equal(SYS(sys_read, (uint64_t)fd, BUF, 5), 5);
    memset(out, 0, sizeof(out));
    peek(BUF, out, 5);
    assert_string_equal(out, "bytes");
    assert_int_equal(SYS(sys_lseek, (uint64_t)fd, 0, SEEK_CUR), (int64_t)(DATA + 11));
    assert_int_equal(SYS(sys_lseek, (uint64_t)fd, 0, SEEK_END), -EINVAL);
    close(fd);
}

/* Every open shares one placeholder inode: opening and closing mem again and again does
 * not grow goemu's table of virtual files (nor the scan every read pays), and each open has
 * its own position. */
static void test_mem_opens_share_one_table_entry(void **state)
{
    int first = open_guest("/proc/self/mem", O_RDWR);
    assert_true(first >= 0);
    size_t n = procfs_virtual_files();
    for (int k = 0; k < 50; k++) {
        int fd = open_guest("/proc/self/mem", O_RDONLY);
        assert_true(fd >= 0);
        close(fd);
    }
    assert_int_equal(procfs_virtual_files(), n);
    int second = open_guest("/proc/self/mem", O_RDWR);
    assert_int_equal(SYS(sys_lseek, (uint64_t)first, DATA, SEEK_SET), (int64_t)DATA);
    assert_int_equal(SYS(sys_lseek, (uint64_t)second, 0, SEEK_CUR), 0);
    close(first);
    close(second);
}

static void test_mem_write_reaches_a_read_only_page(void **state)
{
    char out[8] = {0};
    assert_int_equal(mem_map(&E->mem, RO, 4096, GPROT_READ, 0, "ro"), 0);
    int fd = open_guest("/proc/self/mem", O_RDWR);
    assert_true(fd >= 0);
    put_str(BUF, "forced");
    assert_int_equal(SYS(sys_pwrite64, (uint64_t)fd, BUF, 7, RO + 16), 7);   /* FOLL_FORCE */
    peek(RO + 16, out, 7);
    assert_string_equal(out, "forced");
    /* A PROT_NONE page still reads (ptrace semantics). */
    assert_int_equal(mem_protect(&E->mem, RO, 4096, GPROT_NONE), 0);
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 7, RO + 16), 7);
    peek(BUF, out, 7);
    assert_string_equal(out, "forced");
    close(fd);
}

/* A PROT_NONE mapping that was never accessible has no host memory: a FOLL_FORCE write
 * gives it some (it used to be -EIO; tests/run_abuse.sh, proc-mem), the protection stays. */
static void test_mem_write_reaches_a_never_accessed_prot_none_page(void **state)
{
    char out[8] = {0};
    assert_int_equal(mem_map(&E->mem, RO, 1ull << 30, GPROT_NONE, 0, "none"), 0);
    assert_int_equal(mem_vma_at(&E->mem, RO)->host, 0);
    int fd = open_guest("/proc/self/mem", O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 7, RO + 4096), 7);   /* zeros */
    put_str(BUF, "forced");
    assert_int_equal(SYS(sys_pwrite64, (uint64_t)fd, BUF, 7, RO + 4096 + 16), 7);
    assert_int_equal(mem_vma_at(&E->mem, RO)->prot, GPROT_NONE);
    assert_false(mem_accessible(&E->mem, RO + 4096 + 16, 1, GPROT_READ));
    put_str(BUF, "xxxxxx");
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 7, RO + 4096 + 16), 7);
    peek(BUF, out, 7);
    assert_string_equal(out, "forced");
    assert_int_equal(mem_protect(&E->mem, RO, 1ull << 30, GPROT_READ), 0);
    peek(RO + 4096 + 16, out, 7);
    assert_string_equal(out, "forced");
    close(fd);
}

static void test_mem_gives_eio_outside_the_guest(void **state)
{
    static char host_secret[64] = "goemu's own data";
    int fd = open_guest("/proc/self/mem", O_RDWR);
    assert_true(fd >= 0);
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 8, BAD), -EIO);
    /* An address mapped in goemu but not in the guest. */
    uint64_t host = (uint64_t)(uintptr_t)host_secret;
    assert_false(mem_vma_at(&E->mem, host));
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 8, host), -EIO);
    put_str(BUF, "pwned");
    assert_int_equal(SYS(sys_pwrite64, (uint64_t)fd, BUF, 5, host), -EIO);
    assert_string_equal(host_secret, "goemu's own data");
    /* A read running off the end of a mapping stops there. */
    uint64_t end = SCRATCH + SCRATCH_SIZE;
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 32, end - 8), 8);
    close(fd);
}

static void test_mem_opened_read_only_refuses_writes(void **state)
{
    int fd = open_guest("/proc/self/mem", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(SYS(sys_pwrite64, (uint64_t)fd, BUF, 4, DATA), -EBADF);
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 4, DATA), 4);
    close(fd);
}

static void test_mem_through_a_symlink_is_still_the_guests(void **state)
{
    static char host_secret[16] = "secret";
    char link[] = "/tmp/goemu_procfs_linkXXXXXX";
    int tmp = mkstemp(link);
    assert_true(tmp >= 0);
    close(tmp);
    unlink(link);
    assert_int_equal(symlink("/proc/self/mem", link), 0);
    int fd = open_guest(link, O_RDWR);
    unlink(link);
    assert_true(fd >= 0);
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 6, (uint64_t)(uintptr_t)host_secret),
                     -EIO);
    put_str(DATA, "mine");
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 4, DATA), 4);
    close(fd);
    /* The same through "..", which the host resolves. */
    fd = open_guest("/dev/fd/../mem", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 6, (uint64_t)(uintptr_t)host_secret),
                     -EIO);
    close(fd);
}

/* A child waiting on a pipe: a fork of this test (the same executable, as a forked guest
 * child runs goemu's), or /bin/cat when native. Returns its pid; closing *wfd ends it. */
static pid_t waiting_child(int native, int *wfd)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(p[0], 0);
        close(p[1]);
        if (native)
            execl("/bin/cat", "cat", (char *)NULL);
        char c;
        _exit(read(0, &c, 1) < 0);
    }
    close(p[0]);
    *wfd = p[1];
    if (native) {   /* wait until it is cat, not still a fork of this test */
        char link[64], exe[256];
        snprintf(link, sizeof(link), "/proc/%d/exe", (int)pid);
        for (int i = 0; i < 5000; i++) {
            ssize_t n = readlink(link, exe, sizeof(exe) - 1);
            if (n > 0 && (exe[n] = 0, strstr(exe, "cat")))
                break;
            usleep(1000);
        }
    }
    return pid;
}

/* Another goemu's mem is that goemu's memory: a forked guest child could open its parent's
 * (or the parent its child's) and write goemu's code and data. It is EACCES by any name; its
 * other entries and a native process's mem stay the host's. */
static void test_mem_of_another_goemu_is_eacces(void **state)
{
    int wfd, status;
    char path[96];
    pid_t pid = waiting_child(0, &wfd);
    snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
    assert_int_equal(open_guest(path, O_RDWR), -EACCES);
    assert_int_equal(open_guest(path, O_RDONLY), -EACCES);
    snprintf(path, sizeof(path), "/proc/%d/task/%d/mem", (int)pid, (int)pid);
    assert_int_equal(open_guest(path, O_RDONLY), -EACCES);
    snprintf(path, sizeof(path), "/proc/%d/./mem", (int)pid);
    assert_int_equal(open_guest(path, O_RDONLY), -EACCES);
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
    int fd = open_guest(path, O_RDONLY);
    assert_true(fd >= 0);
    close(fd);
    /* The guest's own mem, by goemu's host pid through a symlink, is still the guest's. */
    char link[] = "/tmp/goemu_procfs_linkXXXXXX";
    int tmp = mkstemp(link);
    assert_true(tmp >= 0);
    close(tmp);
    unlink(link);
    snprintf(path, sizeof(path), "/proc/%d/mem", (int)getpid());
    assert_int_equal(symlink(path, link), 0);
    fd = open_guest(link, O_RDWR);
    unlink(link);
    assert_true(fd >= 0);
    put_str(DATA, "mine");
    assert_int_equal(SYS(sys_pread64, (uint64_t)fd, BUF, 4, DATA), 4);
    close(fd);
    close(wfd);
    assert_int_equal(waitpid(pid, &status, 0), pid);

    pid = waiting_child(1, &wfd);
    snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
    fd = open_guest(path, O_RDONLY);
    assert_true(fd >= 0);
    close(fd);
    close(wfd);
    assert_int_equal(waitpid(pid, &status, 0), pid);
}

static void test_maps_lists_the_guest_mappings(void **state)
{
    static char text[8192];
    assert_int_equal(mem_map(&E->mem, RO, 4096, GPROT_READ | GPROT_EXEC, 0, "[stack]"), 0);
    int fd = open_guest("/proc/self/maps", O_RDONLY);
    assert_true(fd >= 0);
    read_all(fd, text, sizeof(text));
    close(fd);
    /* show_map_vma: the name starts in column 74. */
    const char *want_scratch =
        "00100000-00110000 rw-p 00000000 00:00 0                                  scratch\n";
    const char *want_stack =
        "00200000-00201000 r-xp 00000000 00:00 0                                  [stack]\n";
    assert_non_null(strstr(text, want_scratch));
    assert_non_null(strstr(text, want_stack));
    assert_int_equal(strlen(text), strlen(want_scratch) + strlen(want_stack));
    assert_int_equal(open_guest("/proc/self/maps", O_RDWR), -EACCES);
    /* smaps repeats the line with sizes. */
    fd = open_guest("/proc/thread-self/smaps", O_RDONLY);
    assert_true(fd >= 0);
    read_all(fd, text, sizeof(text));
    close(fd);
    assert_non_null(strstr(text, want_scratch));
    assert_non_null(strstr(text, "Size:                 64 kB\n"));
}

static void test_exe_and_self_links_name_the_guest(void **state)
{
    char out[64] = {0};
    E->exe_realpath = "/opt/guest/hello";
    const char *paths[] = {"/proc/self/exe", "//proc/./self//exe", "/proc/4242/exe",
                           "/proc/self/task/4242/exe", "/proc/thread-self/exe"};
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        put_str(PATH, paths[i]);
        assert_int_equal(SYS(sys_readlink, PATH, BUF, 64), 16);
        peek(BUF, out, 16);
        assert_string_equal(out, "/opt/guest/hello");
    }
    put_str(PATH, "/proc/self");
    assert_int_equal(SYS(sys_readlink, PATH, BUF, 64), 4);
    memset(out, 0, sizeof(out));
    peek(BUF, out, 4);
    assert_string_equal(out, "4242");
    put_str(PATH, "/proc/thread-self");
    assert_int_equal(SYS(sys_readlink, PATH, BUF, 64), 14);
    peek(BUF, out, 14);
    assert_string_equal(out, "4242/task/4242");
    E->exe_realpath = NULL;
}

static void test_unknown_and_foreign_entries_are_enoent(void **state)
{
    char host[64];
    assert_int_equal(open_guest("/proc/self/xyz", O_RDONLY), -ENOENT);
    assert_int_equal(open_guest("/proc/self/syscall", O_RDONLY), -ENOENT);
    assert_int_equal(open_guest("/proc/self/task", O_RDONLY), -ENOENT);
    assert_int_equal(open_guest("/proc/self/task/99999/stat", O_RDONLY), -ENOENT);
    assert_int_equal(open_guest("/proc/self/fd/600", O_RDONLY), -ENOENT);
    put_str(PATH, "/proc/self/xyz");
    assert_int_equal(SYS(sys_stat, PATH, BUF), -ENOENT);
    /* goemu's own pid (not the guest's 4242 here) names nothing. */
    snprintf(host, sizeof(host), "/proc/%d/mem", (int)getpid());
    assert_int_equal(open_guest(host, O_RDONLY), -ENOENT);
    /* Entries passed through work. */
    int fd = open_guest("/proc/self/limits", O_RDONLY);
    assert_true(fd >= 0);
    close(fd);
    put_str(PATH, "/proc/self/status");
    assert_int_equal(SYS(sys_stat, PATH, BUF), 0);
}

static void test_fd_directory_hides_goemus_private_fds(void **state)
{
    char names[4096] = "";
    fds_init();
    int slot = fds_keep(dup(0)), priv = fds_fd(slot);
    assert_true(fds_private(priv));
    int fd = open_guest("/proc/self/fd", O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    for (;;) {
        int64_t n = SYS(sys_getdents64, (uint64_t)fd, BUF, 0x2000);
        assert_true(n >= 0);
        if (n == 0)
            break;
        char raw[0x2000];
        peek(BUF, raw, (size_t)n);
        for (int64_t at = 0; at < n;) {
            struct linux_dirent64 *d = (struct linux_dirent64 *)(raw + at);
            strcat(names, d->d_name);
            strcat(names, " ");
            at += d->d_reclen;
        }
    }
    close(fd);
    assert_non_null(strstr(names, "0 "));
    char want[16];
    snprintf(want, sizeof(want), " %d ", priv);
    assert_null(strstr(names, want));
    /* Nor can it be reached by name: fd/N, fdinfo/N, /dev/fd/N (the symlink to fd/). */
    const char *fmts[] = {"/proc/self/fd/%d", "/proc/self/fdinfo/%d", "/dev/fd/%d"};
    for (int i = 0; i < 3; i++) {
        char p[64];
        snprintf(p, sizeof(p), fmts[i], priv);
        put_str(PATH, p);
        assert_int_equal(SYS(sys_openat, (uint64_t)LINUX_AT_FDCWD, PATH, O_RDONLY), -ENOENT);
        assert_int_equal(SYS(sys_readlink, PATH, BUF, 64), -ENOENT);
    }
    fds_drop(slot);
}

static const struct elf_image image = {.entry = 0x401000, .phdr = 0x400040, .phnum = 7};

static void test_cmdline_environ_auxv_come_from_the_initial_stack(void **state)
{
    static char text[4096];
    char *argv[] = {"hello", "-v", NULL};
    char *envp[] = {"A=1", "HOME=/h", NULL};
    E->exe_path = "/opt/guest/hello";
    const struct elf_process p = {&image, E->exe_path, 1, 1, 1, 1};
    uint8_t rnd[16] = {0};
    struct elf_stack_info info;
    assert_int_equal(elf_build_stack_info(&E->mem, &p, 2, argv, envp, rnd, &info), 0);

    int fd = open_guest("/proc/self/cmdline", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read_all(fd, text, sizeof(text)), 9);
    close(fd);
    assert_memory_equal(text, "hello\0-v\0", 9);

    fd = open_guest("/proc/4242/environ", O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read_all(fd, text, sizeof(text)), 12);
    close(fd);
    assert_memory_equal(text, "A=1\0HOME=/h\0", 12);

    fd = open_guest("/proc/self/auxv", O_RDONLY);
    assert_true(fd >= 0);
    size_t n = read_all(fd, text, sizeof(text));
    close(fd);
    assert_int_equal(n, (size_t)info.nauxv * 16);
    assert_memory_equal(text, info.auxv_entries, n);

    fd = open_guest("/proc/self/status", O_RDONLY);
    assert_true(fd >= 0);
    read_all(fd, text, sizeof(text));
    close(fd);
    assert_non_null(strstr(text, "Name:\thello\n"));
    assert_non_null(strstr(text, "Pid:\t4242\n"));
    assert_non_null(strstr(text, "Tgid:\t4242\n"));
    assert_non_null(strstr(text, "Threads:\t1\n"));

    fd = open_guest("/proc/self/stat", O_RDONLY);
    assert_true(fd >= 0);
    read_all(fd, text, sizeof(text));
    close(fd);
    assert_memory_equal(text, "4242 (hello) R ", 15);
    char want[64];
    snprintf(want, sizeof(want), " %" PRIu64 " ", info.rsp);   /* startstack */
    assert_non_null(strstr(text, want));
    E->exe_path = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        SYS_TEST(test_mem_reads_and_writes_guest_memory),
        SYS_TEST(test_mem_opens_share_one_table_entry),
        SYS_TEST(test_mem_write_reaches_a_read_only_page),
        SYS_TEST(test_mem_write_reaches_a_never_accessed_prot_none_page),
        SYS_TEST(test_mem_gives_eio_outside_the_guest),
        SYS_TEST(test_mem_opened_read_only_refuses_writes),
        SYS_TEST(test_mem_through_a_symlink_is_still_the_guests),
        SYS_TEST(test_mem_of_another_goemu_is_eacces),
        SYS_TEST(test_maps_lists_the_guest_mappings),
        SYS_TEST(test_exe_and_self_links_name_the_guest),
        SYS_TEST(test_unknown_and_foreign_entries_are_enoent),
        SYS_TEST(test_fd_directory_hides_goemus_private_fds),
        SYS_TEST(test_cmdline_environ_auxv_come_from_the_initial_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
