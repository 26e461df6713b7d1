/* guest.c — runs one test instruction on goemu's core.
 * goemu's address space mirrors the native layout: the data pages, the read-only page and a
 * code page at the same guest addresses. The instruction is followed by UD2, and a UD2 sits at
 * OR_TARGET, so "SIGILL at the UD2 after it (or at the branch target)" means the instruction
 * completed and tells where it went; a fault at OR_INSN is the instruction's own. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/decode.h"
#include "cpu/exec.h"
#include "cpu/flags.h"
#include "cpu/tier2.h"
#include "cpu/access.h"
#include "mem/uaccess.h"
#include "oracle/oracle.h"

static struct mem guest_mem;
static struct cpu guest_cpu;
static enum cpu_vendor guest_vendor;
static enum cpu_tier guest_tier;

static const uint8_t ud2[2] = { 0x0f, 0x0b };

/* The oracle's own guest pages are always mapped: an access failing is a bug in the oracle. */
static void must(int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "goemu-oracle: %s failed on the oracle's own guest pages\n", what);
        abort();
    }
}

int guest_init(enum cpu_vendor vendor, enum cpu_tier tier)
{
    static uint8_t ro[4096];
    guest_vendor = vendor;
    guest_tier = tier;
    tier2_window_min = 1;   /* a case's one [rsp + d] access runs in a stack window */
    struct mem *m = &guest_mem;
    if (mem_init(m) != 0)
        return -1;
    if (mem_map(m, OR_DATA, OR_DATA_SIZE, GPROT_READ | GPROT_WRITE, 0, "data") != 0 ||
        mem_map(m, OR_RO, 4096, GPROT_READ, 0, "ro") != 0 ||
        mem_map(m, OR_CODE, 4096, GPROT_READ | GPROT_EXEC, 0, "code") != 0)
        return -1;
    or_fill_ro(ro);
    return mem_poke(m, OR_RO, ro, sizeof ro);
}

/* Places bytes at OR_INSN followed by UD2, and UD2 at OR_TARGET; drops stale decoded blocks. */
static void place_code(const uint8_t *bytes, size_t len)
{
    uint8_t buf[0x48];   /* OR_INSN .. OR_TARGET + 2, plus slack */
    memset(buf, 0x90, sizeof buf);
    memcpy(buf, bytes, len);
    memcpy(buf + len, ud2, 2);
    memcpy(buf + (OR_TARGET - OR_INSN), ud2, 2);
    must(mem_poke(&guest_mem, OR_INSN, buf, sizeof buf), "placing the code");
    icache_flush(&guest_mem);
}

int guest_implemented(const uint8_t *bytes, size_t len)
{
    struct insn i;
    place_code(bytes, len);
    if (decode_insn(&guest_mem, OR_INSN, &i) != 0)
        return 0;
    return i.fn != op_sigill;
}

/* The instruction has completed when execution reached either UD2 we placed. */
static int is_exit(const struct ocase *k, uint64_t rip)
{
    return rip == OR_INSN + k->len || rip == OR_TARGET;
}

static void save_state(struct cpu *c, struct oresult *out)
{
    memcpy(out->st.gpr, c->gpr, sizeof out->st.gpr);
    out->st.rflags = flags_get(c);
    memcpy(out->st.xmm, c->xmm, sizeof out->st.xmm);
    out->st.mxcsr = c->mxcsr;
}

void guest_run(const struct ocase *k, const uint8_t *mem, struct oresult *out)
{
    struct cpu *c = &guest_cpu;
    memset(out, 0, offsetof(struct oresult, mem));
    place_code(k->bytes, k->len);
    struct insn di = { .len = k->len };
    if (decode_insn(&guest_mem, OR_INSN, &di) == 0 && di.fn == op_sigill)
        out->unimplemented = 1;
    if (di.len < k->len && decode_insn(&guest_mem, OR_INSN + di.len, &di) == 0 &&
        di.fn == op_sigill)
        out->unimplemented = 1;   /* the consumer of a flags pair */
    must(mem_poke(&guest_mem, OR_DATA, mem, OR_DATA_SIZE), "loading the data pages");

    cpu_init(c, &guest_mem);
    c->vendor = (uint8_t)guest_vendor;   /* where Intel and AMD differ, behave as this host */
    c->tier = (uint8_t)guest_tier;       /* --tier 2: every case runs as translated code */
    memcpy(c->gpr, k->in.gpr, sizeof k->in.gpr);
    flags_put(c, k->in.rflags);
    memcpy(c->xmm, k->in.xmm, sizeof c->xmm);
    c->mxcsr = k->in.mxcsr;
    c->segbase[SEG_GS] = k->gsbase;
    c->rip = OR_INSN;
    /* In a program the host MXCSR is usually the guest's already (ops_sse.h); tier 2's SSE
     * templates take their fast path only then. Half the cases start that way. */
    if (k->in.gpr[0] & 1)
        cpu_mxcsr_preload(c);

    /* One instruction: a block ends at the UD2 at the latest. A REP string instruction may
     * come back unfinished (rip still at it); keep going until it is done. */
    for (int rounds = 0; rounds < 1 << 20; rounds++) {
        enum cpu_stop s = cpu_run(c, 1);
        if (s == STOP_FAULT) {
            save_state(c, out);
            if (c->fault.signo == SIGILL && is_exit(k, c->fault.rip)) {
                out->st.rip = c->fault.rip;
            } else {
                out->st.rip = c->rip;   /* faults: the instruction; traps (INT3): the next */
                out->signo = c->fault.signo;
                out->code = c->fault.code;
                out->addr = c->fault.addr;
                out->trapno = c->fault.trapno;
                out->err = c->fault.err;
            }
            break;
        }
        save_state(c, out);
        out->st.rip = c->rip;
        if (c->rip != OR_INSN)
            break;
    }
    /* A branch that went somewhere else (a data page, a bad target): what happens when the
     * CPU fetches there is part of the instruction's observable behaviour. */
    if (!out->signo && !is_exit(k, out->st.rip) && out->st.rip != OR_INSN &&
        cpu_run(c, 1) == STOP_FAULT && c->fault.rip == out->st.rip) {
        save_state(c, out);
        out->signo = c->fault.signo;
        out->code = c->fault.code;
        out->addr = c->fault.addr;
        out->trapno = c->fault.trapno;
        out->err = c->fault.err;
    }
    must(mem_copy_from(&guest_mem, out->mem, OR_DATA, OR_DATA_SIZE), "reading the data pages");
}
