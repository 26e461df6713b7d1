/* host.c — the oracle's native side: its fixed pages mapped in this process, and one case run
 * on the host CPU through the shared native runner (native.c). Also the report of a host crash
 * while goemu runs a case, so the crashing case's repro string is not lost. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "oracle/oracle.h"

const struct ocase *or_crash_case;
const char *or_crash_what;

static void write_str(const char *s)
{
    ssize_t r = write(1, s, strlen(s));
    (void)r;
}

/* Runs in a signal handler: write(2) only, and a static buffer. */
static void crash_report(int sig)
{
    static char buf[160], hex[OR_HEX_MAX];
    snprintf(buf, sizeof buf, "\nHOST SIGNAL %d in the oracle process while running %s cases; "
             "last case: goemu-oracle --repro ", sig, or_crash_what ? or_crash_what : "?");
    write_str(buf);
    if (or_crash_case) {
        or_case_to_hex(or_crash_case, hex, sizeof hex);
        write_str(hex);
    }
    write_str("\n");
}

/* The per-mnemonic alarm (main.c) means goemu hangs: report, then die of it. */
static void on_alarm(int sig)
{
    crash_report(sig);
    signal(sig, SIG_DFL);
    raise(sig);
}

int host_init(void)
{
    if (native_map(OR_DATA, OR_DATA_SIZE, PROT_READ | PROT_WRITE) ||
        native_map(OR_RO, 4096, PROT_READ | PROT_WRITE))
        return -1;
    or_fill_ro((uint8_t *)(uintptr_t)OR_RO);
    if (mprotect((void *)(uintptr_t)OR_RO, 4096, PROT_READ) != 0)
        return -1;
    if (!native_unmapped(OR_GUARD) || !native_unmapped(OR_BELOW)) {
        fprintf(stderr, "goemu-oracle: guard pages at %#llx/%#llx are mapped\n",
                (unsigned long long)OR_GUARD, (unsigned long long)OR_BELOW);
        return -1;
    }
    if (native_init(OR_CODE, OR_INSN, OR_TARGET) != 0)
        return -1;
    native_stray_hook = crash_report;
    signal(SIGALRM, on_alarm);
    return 0;
}

void host_run(const struct ocase *k, const uint8_t *mem, struct oresult *out)
{
    struct native_result r;
    memcpy((void *)(uintptr_t)OR_DATA, mem, OR_DATA_SIZE);
    native_run(k->bytes, k->len, &k->in, k->gsbase, &r);
    memset(out, 0, offsetof(struct oresult, mem));
    out->st = r.st;
    out->signo = r.signo;
    out->code = r.code;
    out->trapno = r.trapno;
    out->err = r.err;
    out->addr = r.addr;
    memcpy(out->mem, (void *)(uintptr_t)OR_DATA, OR_DATA_SIZE);
}
