/* strace.c — --strace: one line per syscall on stderr, "[tid] name(args) = result", with the
 * argument formats of table.def. Only guest values are printed (never a host address or
 * time), so a deterministic run traces identically every time (docs/architecture.md, "Determinism"). */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/diag.h"
#include "abi/linux_abi.h"
#include "syscalls/syscalls.h"

struct flag_name {
    uint64_t bit;
    const char *name;
};

/* Kernel values (asm-generic/fcntl.h), not the host libc's: O_LARGEFILE is 0 in glibc. */
static const struct flag_name open_flags[] = {
    {0100, "O_CREAT"}, {0200, "O_EXCL"}, {0400, "O_NOCTTY"}, {01000, "O_TRUNC"},
    {02000, "O_APPEND"}, {04000, "O_NONBLOCK"}, {010000, "O_DSYNC"}, {020000, "O_ASYNC"},
    {040000, "O_DIRECT"}, {0100000, "O_LARGEFILE"}, {0200000, "O_DIRECTORY"},
    {0400000, "O_NOFOLLOW"}, {01000000, "O_NOATIME"}, {02000000, "O_CLOEXEC"},
    {04000000, "O_SYNC"}, {010000000, "O_PATH"}, {020000000, "O_TMPFILE"}, {0, NULL},
};

static const struct flag_name prot_flags[] = {
    {1, "PROT_READ"}, {2, "PROT_WRITE"}, {4, "PROT_EXEC"}, {0, NULL},
};

static const struct flag_name map_flags[] = {
    {0x10, "MAP_FIXED"}, {0x20, "MAP_ANONYMOUS"}, {0x100, "MAP_GROWSDOWN"},
    {0x800, "MAP_DENYWRITE"}, {0x1000, "MAP_EXECUTABLE"}, {0x2000, "MAP_LOCKED"},
    {0x4000, "MAP_NORESERVE"}, {0x8000, "MAP_POPULATE"}, {0x10000, "MAP_NONBLOCK"},
    {0x20000, "MAP_STACK"}, {0x40000, "MAP_HUGETLB"}, {0x80000, "MAP_SYNC"},
    {0x100000, "MAP_FIXED_NOREPLACE"}, {0, NULL},
};

static const char *const signal_names[32] = {
    "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT",
    "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
    "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
};

static const char *const futex_cmds[14] = {
    "FUTEX_WAIT", "FUTEX_WAKE", "FUTEX_FD", "FUTEX_REQUEUE", "FUTEX_CMP_REQUEUE",
    "FUTEX_WAKE_OP", "FUTEX_LOCK_PI", "FUTEX_UNLOCK_PI", "FUTEX_TRYLOCK_PI",
    "FUTEX_WAIT_BITSET", "FUTEX_WAKE_BITSET", "FUTEX_WAIT_REQUEUE_PI",
    "FUTEX_CMP_REQUEUE_PI", "FUTEX_LOCK_PI2",
};

static const char *const clock_names[12] = {
    "CLOCK_REALTIME", "CLOCK_MONOTONIC", "CLOCK_PROCESS_CPUTIME_ID",
    "CLOCK_THREAD_CPUTIME_ID", "CLOCK_MONOTONIC_RAW", "CLOCK_REALTIME_COARSE",
    "CLOCK_MONOTONIC_COARSE", "CLOCK_BOOTTIME", "CLOCK_REALTIME_ALARM",
    "CLOCK_BOOTTIME_ALARM", "CLOCK_SGI_CYCLE", "CLOCK_TAI",
};

/* A bounded string builder: output past the end is dropped, never overflows. */
struct sbuf {
    char *p;
    size_t size, len;
};

static void put(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct sbuf *b, const char *fmt, ...)
{
    if (b->len >= b->size)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->size - b->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        b->len += (size_t)n < b->size - b->len ? (size_t)n : b->size - b->len - 1;
}

static void put_flags(struct sbuf *b, uint64_t v, const struct flag_name *names)
{
    int first = 1;
    for (const struct flag_name *f = names; f->name; f++) {
        if (v & f->bit) {
            put(b, "%s%s", first ? "" : "|", f->name);
            v &= ~f->bit;
            first = 0;
        }
    }
    if (v || first)
        put(b, first ? "%#" PRIx64 : "|%#" PRIx64, v);
}

static void put_open_flags(struct sbuf *b, uint64_t v)
{
    static const char *const acc[4] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
    v = (uint32_t)v;
    put(b, "%s", acc[v & 3]);
    if (v & ~3ull) {
        put(b, "|");
        put_flags(b, v & ~3ull, open_flags);
    }
}

static void put_prot(struct sbuf *b, uint64_t v)
{
    if (v == 0)
        put(b, "PROT_NONE");
    else
        put_flags(b, v, prot_flags);
}

static void put_map_flags(struct sbuf *b, uint64_t v)
{
    static const char *const type[4] = {"0", "MAP_SHARED", "MAP_PRIVATE", "MAP_SHARED_VALIDATE"};
    put(b, "%s", (v & 0xf) < 4 ? type[v & 0xf] : "MAP_TYPE?");
    if (v & ~0xfull) {
        put(b, "|");
        put_flags(b, v & ~0xfull, map_flags);
    }
}

static void put_signal(struct sbuf *b, uint64_t v)
{
    int sig = arg_int(v);
    if (sig > 0 && sig < 32)
        put(b, "%s", signal_names[sig]);
    else if (sig == 32)
        put(b, "SIGRTMIN");
    else if (sig > 32 && sig <= 64)
        put(b, "SIGRT_%d", sig - 32);
    else
        put(b, "%d", sig);
}

static void put_futex_op(struct sbuf *b, uint64_t v)
{
    int op = arg_int(v), cmd = op & 127;
    if (cmd < 14)
        put(b, "%s", futex_cmds[cmd]);
    else
        put(b, "%d", cmd);
    if (op & LINUX_FUTEX_PRIVATE_FLAG)
        put(b, "_PRIVATE");
    if (op & LINUX_FUTEX_CLOCK_REALTIME)
        put(b, "|FUTEX_CLOCK_REALTIME");
}

static void put_named(struct sbuf *b, uint64_t v, const char *const *names, int n)
{
    int k = arg_int(v);
    if (k >= 0 && k < n && names[k])
        put(b, "%s", names[k]);
    else
        put(b, "%d", k);
}

static void put_fcntl_cmd(struct sbuf *b, uint64_t v)
{
    static const char *const low[] = {"F_DUPFD", "F_GETFD", "F_SETFD", "F_GETFL", "F_SETFL",
                                      "F_GETLK", "F_SETLK", "F_SETLKW"};
    int k = arg_int(v);
    if (k >= 1030 && k <= 1032)
        put(b, "%s", k == 1030 ? "F_DUPFD_CLOEXEC" : k == 1031 ? "F_SETPIPE_SZ" : "F_GETPIPE_SZ");
    else
        put_named(b, v, low, 8);
}

static void put_arch_prctl(struct sbuf *b, uint64_t v)
{
    static const char *const codes[] = {"ARCH_SET_GS", "ARCH_SET_FS", "ARCH_GET_FS",
                                        "ARCH_GET_GS"};
    int k = arg_int(v);
    if (k >= LINUX_ARCH_SET_GS && k <= LINUX_ARCH_GET_GS)
        put(b, "%s", codes[k - LINUX_ARCH_SET_GS]);
    else
        put(b, "%#x", k);
}

static void put_escaped(struct sbuf *b, const unsigned char *s, size_t n)
{
    put(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = s[i];
        if (ch == '\n')
            put(b, "\\n");
        else if (ch == '\t')
            put(b, "\\t");
        else if (ch == '"' || ch == '\\')
            put(b, "\\%c", ch);
        else if (ch < 0x20 || ch >= 0x7f)
            put(b, "\\x%02x", ch);
        else
            put(b, "%c", ch);
    }
    put(b, "\"");
}

static void put_pointer(struct sbuf *b, uint64_t v)
{
    if (v)
        put(b, "%#" PRIx64, v);
    else
        put(b, "NULL");
}

static void put_string(struct sbuf *b, struct emu *e, uint64_t addr)
{
    char s[65];
    long n = mem_read_cstr(&e->mem, addr, s, sizeof(s));
    if (n == -EFAULT) {
        put_pointer(b, addr);
        return;
    }
    put_escaped(b, (const unsigned char *)s, n >= 0 ? (size_t)n : strlen(s));
    if (n < 0)
        put(b, "...");
}

static void put_buffer(struct sbuf *b, struct emu *e, uint64_t addr, uint64_t len)
{
    unsigned char s[32];
    size_t n = len < sizeof(s) ? (size_t)len : sizeof(s);
    if (mem_copy_from(&e->mem, s, addr, n)) {
        put_pointer(b, addr);
        return;
    }
    put_escaped(b, s, n);
    if (n < len)
        put(b, "...");
}

static void put_arg(struct sbuf *b, struct emu *e, char f, const uint64_t a[6], int i)
{
    static const char *const how[] = {"SIG_BLOCK", "SIG_UNBLOCK", "SIG_SETMASK"};
    uint64_t v = a[i];
    switch (f) {
    case 'd':
    case 'f': put(b, "%d", arg_int(v)); break;
    case 'a':
        if (arg_int(v) == LINUX_AT_FDCWD)
            put(b, "AT_FDCWD");
        else
            put(b, "%d", arg_int(v));
        break;
    case 'u': put(b, "%" PRIu64, v); break;
    case 'l': put(b, "%" PRId64, (int64_t)v); break;
    case 'x': put(b, "%#" PRIx64, v); break;
    case 'p': put_pointer(b, v); break;
    case 's': put_string(b, e, v); break;
    case 'b': put_buffer(b, e, v, i < 5 ? a[i + 1] : 0); break;
    case 'o': put_open_flags(b, v); break;
    case 'O':
        if (arg_int(v) == 0)
            put(b, "0");
        else
            put_flags(b, arg_uint(v), open_flags);
        break;
    case 'n': put(b, "%#o", arg_uint(v)); break;
    case 'm': put_prot(b, v); break;
    case 'M': put_map_flags(b, v); break;
    case 'S': put_signal(b, v); break;
    case 'F': put_futex_op(b, v); break;
    case 'k': put_arch_prctl(b, v); break;
    case 'c': put_fcntl_cmd(b, v); break;
    case 'h': put_named(b, v, how, 3); break;
    case 'C': put_named(b, v, clock_names, 12); break;
    default: put(b, "%#" PRIx64, v); break;
    }
}

void strace_format_call(struct emu *e, char *buf, size_t size, const char *name,
                        const char *fmt, const uint64_t a[6])
{
    struct sbuf b = {buf, size, 0};
    buf[0] = 0;
    put(&b, "%s(", name);
    if (*fmt == '!')
        fmt++;
    for (int i = 0; i < 6 && fmt[i] && fmt[i] != ':'; i++) {
        if (i)
            put(&b, ", ");
        put_arg(&b, e, fmt[i], a, i);
    }
    put(&b, ")");
}

void strace_print(struct thread *t, const char *call, const char *fmt, int64_t ret,
                  int blocked)
{
    const char *rfmt = strchr(fmt, ':');
    if (fmt[0] == '!')
        fprintf(diag(), "[%d] %s = ?\n", t->tid, call);
    else if (blocked)
        fprintf(diag(), "[%d] %s = ? <blocked>\n", t->tid, call);
    else if (ret < 0 && ret > -4096) {
        const char *name = strerrorname_np((int)-ret);
        fprintf(diag(), "[%d] %s = -1 %s (%s)\n", t->tid, call, name ? name : "E?",
                strerror((int)-ret));
    } else if (rfmt && rfmt[1] == 'x')
        fprintf(diag(), "[%d] %s = %#" PRIx64 "\n", t->tid, call, (uint64_t)ret);
    else
        fprintf(diag(), "[%d] %s = %" PRId64 "\n", t->tid, call, ret);
}
