/* cpu_harness.c — a private address space with a code page, a scratch data area and a read-only
 * page, for running a few instruction bytes on goemu's core in unit tests; and harness_check,
 * which runs the same bytes on the host CPU through the native runner (src/oracle/native.c) at
 * the same addresses and compares. The bytes are followed by nothing executable on goemu's
 * side: running off their end stops at a fetch fault we recognise. */
#include "cpu_harness.h"

#include <assert.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static void must(int rc, const char *what)
{
    if (rc != 0) {
        fprintf(stderr, "cpu_harness: %s failed\n", what);
        abort();
    }
}

uint8_t harness_ro_byte(size_t i)
{
    return (uint8_t)((i * 29 + 7) ^ (i >> 8));
}

void harness_init(struct harness *h)
{
    static uint8_t ro[4096];
    for (size_t i = 0; i < sizeof ro; i++)
        ro[i] = harness_ro_byte(i);
    memset(h, 0, sizeof(*h));
    must(mem_init(&h->mem), "mem_init");
    must(mem_map(&h->mem, HARNESS_CODE, GUEST_PAGE_SIZE, GPROT_READ | GPROT_EXEC, 0, "code"),
         "mapping the code page");
    must(mem_map(&h->mem, HARNESS_DATA, HARNESS_DATA_SIZE, GPROT_READ | GPROT_WRITE, 0, "data"),
         "mapping the data area");
    must(mem_map(&h->mem, HARNESS_RO, 4096, GPROT_READ, 0, "ro"), "mapping the read-only page");
    must(mem_poke(&h->mem, HARNESS_RO, ro, sizeof ro), "filling the read-only page");
    cpu_init(&h->cpu, &h->mem);
}

void harness_free(struct harness *h)
{
    icache_destroy(&h->mem);
    mem_destroy(&h->mem);
}

enum cpu_stop harness_exec(struct harness *h, const uint8_t *bytes, size_t len)
{
    /* Fill the page with UD2 so running past the bytes stops with SIGILL at code+len. */
    uint8_t page[GUEST_PAGE_SIZE];
    for (size_t k = 0; k + 1 < sizeof(page); k += 2)
        page[k] = 0x0f, page[k + 1] = 0x0b;
    assert(len <= sizeof(page) - 2);
    memcpy(page, bytes, len);
    page[len] = 0x0f, page[len + 1] = 0x0b;
    must(mem_poke(&h->mem, HARNESS_CODE, page, sizeof(page)), "placing the code");
    icache_flush(&h->mem);
    h->cpu.rip = HARNESS_CODE;
    for (int steps = 0; steps < 64; steps++) {
        enum cpu_stop why = cpu_run(&h->cpu, 1);
        uint64_t rip = h->cpu.rip;
        if (why == STOP_FAULT) {
            if (h->cpu.fault.signo == SIGILL && h->cpu.fault.rip == HARNESS_CODE + len)
                return STOP_NONE;  /* reached the UD2 after the bytes: ran off the end normally */
            return STOP_FAULT;
        }
        if (rip < HARNESS_CODE || rip >= HARNESS_CODE + len)
            return STOP_NONE;
    }
    return STOP_BUDGET;
}

uint64_t harness_rflags(struct harness *h)
{
    return flags_get(&h->cpu);
}

/* ---- goemu against the host CPU ------------------------------------------------------------ */

/* The same pages natively, once per process; the pages beside the data area must be free,
 * because tests fault there on purpose. */
static void native_setup(void)
{
    static int ready;
    if (ready)
        return;
    if (native_map(HARNESS_DATA, HARNESS_DATA_SIZE, PROT_READ | PROT_WRITE) != 0 ||
        native_map(HARNESS_RO, 4096, PROT_READ | PROT_WRITE) != 0)
        abort();
    for (size_t i = 0; i < 4096; i++)
        ((uint8_t *)(uintptr_t)HARNESS_RO)[i] = harness_ro_byte(i);
    must(mprotect((void *)(uintptr_t)HARNESS_RO, 4096, PROT_READ), "mprotect");
    if (!native_unmapped(HARNESS_DATA - 4096) ||
        !native_unmapped(HARNESS_DATA + HARNESS_DATA_SIZE)) {
        fprintf(stderr, "cpu_harness: host memory next to HARNESS_DATA is in use\n");
        abort();
    }
    must(native_init(HARNESS_CODE, HARNESS_CODE, 0), "native_init");
    ready = 1;
}

void hcase_init(struct hcase *k, uint64_t seed)
{
    memset(&k->in, 0, sizeof k->in);
    for (int i = 0; i < 16; i++) {
        uint64_t junk = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1) ^ seed;
        k->in.gpr[i] = junk;
        k->in.xmm[i].q[0] = junk * 3;
        k->in.xmm[i].q[1] = ~junk;
    }
    k->in.gpr[RSP] = HARNESS_DATA + 0x3000;
    k->in.rflags = 0x202;
    k->in.mxcsr = MXCSR_DEFAULT;
    k->gsbase = 0;
    for (size_t i = 0; i < HARNESS_DATA_SIZE; i++)
        k->data[i] = (uint8_t)(i * 7 + 3 + (i >> 8));
    k->flags = FLAGS_ARITH;
}

static void emu_run(struct harness *h, struct hcase *k, const uint8_t *code, size_t len)
{
    struct cpu *c = &h->cpu;
    struct native_result *e = &k->emu;
    memset(e, 0, sizeof *e);
    must(mem_copy_to(&h->mem, HARNESS_DATA, k->data, HARNESS_DATA_SIZE), "loading the data");
    memcpy(c->gpr, k->in.gpr, sizeof k->in.gpr);
    flags_put(c, k->in.rflags);
    memcpy(c->xmm, k->in.xmm, sizeof c->xmm);
    c->mxcsr = k->in.mxcsr;
    c->segbase[SEG_GS] = k->gsbase;
    c->vendor = (uint8_t)native_vendor();   /* compared with this host's CPU */
    enum cpu_stop why = harness_exec(h, code, len);
    /* A branch out of the bytes: natively the fetch at the target is part of the run. */
    if (why == STOP_NONE && c->rip != HARNESS_CODE + len) {
        struct cpu before = *c;
        if (cpu_run(c, 1) == STOP_FAULT && c->fault.rip == before.rip)
            why = STOP_FAULT;
        else
            *c = before;
    }
    if (why == STOP_FAULT) {
        e->signo = c->fault.signo;
        e->code = c->fault.code;
        e->addr = c->fault.addr;
        e->trapno = c->fault.trapno;
        e->err = c->fault.err;
    } else if (why != STOP_NONE) {
        e->signo = -1;   /* still running after 64 instructions */
    }
    e->st.rip = c->rip;  /* a fault's instruction, after a trap the next one */
    memcpy(e->st.gpr, c->gpr, sizeof e->st.gpr);
    e->st.rflags = flags_get(c);
    memcpy(e->st.xmm, c->xmm, sizeof e->st.xmm);
    e->st.mxcsr = c->mxcsr;
    must(mem_copy_from(&h->mem, k->emu_data, HARNESS_DATA, HARNESS_DATA_SIZE), "reading the data");
}

/* RFLAGS bits that are never undefined. */
#define ALWAYS_COMPARED (FLAG_TF | FLAG_IF | FLAG_DF | FLAG_AC | FLAG_ID | 0x2u)

static int report(int bad, const char *what, const uint8_t *code, size_t len)
{
    if (!bad) {
        fprintf(stderr, "MISMATCH %s [", what);
        for (size_t i = 0; i < len && i < 32; i++)
            fprintf(stderr, "%s%02x", i ? " " : "", code[i]);
        fprintf(stderr, "%s]\n", len > 32 ? " ..." : "");
    }
    return bad + 1;
}

static int compare(const struct hcase *k, const uint8_t *code, size_t len, const char *what)
{
    const struct native_result *n = &k->cpu, *e = &k->emu;
    int bad = 0;
    /* Above the last user page the kernel's page tables decide the P bit of the error code. */
    int err_mask = n->signo == SIGSEGV && n->trapno == 14 && n->addr >= 0x7ffffffff000ull ? ~1 : ~0;
    if (n->signo != e->signo ||
        (n->signo && (n->code != e->code || n->addr != e->addr || n->trapno != e->trapno ||
                      (n->err & err_mask) != (e->err & err_mask)))) {
        bad = report(bad, what, code, len);
        fprintf(stderr, "  fault: cpu sig %d code %d addr %#llx trap %d err %d; goemu sig %d code "
                "%d addr %#llx trap %d err %d\n", n->signo, n->code, (unsigned long long)n->addr,
                n->trapno, n->err, e->signo, e->code, (unsigned long long)e->addr, e->trapno,
                e->err);
    }
    if (n->st.rip != e->st.rip) {
        bad = report(bad, what, code, len);
        fprintf(stderr, "  rip: cpu %#llx goemu %#llx\n", (unsigned long long)n->st.rip,
                (unsigned long long)e->st.rip);
    }
    for (int i = 0; i < 16; i++)
        if (n->st.gpr[i] != e->st.gpr[i]) {
            bad = report(bad, what, code, len);
            fprintf(stderr, "  gpr%d: in %#llx cpu %#llx goemu %#llx\n", i,
                    (unsigned long long)k->in.gpr[i], (unsigned long long)n->st.gpr[i],
                    (unsigned long long)e->st.gpr[i]);
        }
    uint64_t fm = k->flags | ALWAYS_COMPARED;
    if ((n->st.rflags ^ e->st.rflags) & fm) {
        bad = report(bad, what, code, len);
        fprintf(stderr, "  rflags: in %#llx cpu %#llx goemu %#llx (compared %#llx)\n",
                (unsigned long long)k->in.rflags, (unsigned long long)(n->st.rflags & fm),
                (unsigned long long)(e->st.rflags & fm), (unsigned long long)fm);
    }
    for (int i = 0; i < 16; i++)
        if (memcmp(&n->st.xmm[i], &e->st.xmm[i], 16) != 0) {
            bad = report(bad, what, code, len);
            fprintf(stderr, "  xmm%d: cpu %016llx_%016llx goemu %016llx_%016llx\n", i,
                    (unsigned long long)n->st.xmm[i].q[1], (unsigned long long)n->st.xmm[i].q[0],
                    (unsigned long long)e->st.xmm[i].q[1], (unsigned long long)e->st.xmm[i].q[0]);
        }
    /* At an unmasked overflow/underflow trap the CPU sets PE when the result, rounded with an
     * unbounded exponent, is inexact; goemu leaves it clear (ops_sse.h). */
    uint32_t pe = n->signo == SIGFPE &&
                  (n->st.mxcsr & ~(n->st.mxcsr >> 7) & (MXCSR_OE | MXCSR_UE)) ? MXCSR_PE : 0;
    if ((n->st.mxcsr ^ e->st.mxcsr) & ~pe) {
        bad = report(bad, what, code, len);
        fprintf(stderr, "  mxcsr: in %#x cpu %#x goemu %#x\n", k->in.mxcsr, n->st.mxcsr,
                e->st.mxcsr);
    }
    for (size_t i = 0; i < HARNESS_DATA_SIZE; i++)
        if (k->cpu_data[i] != k->emu_data[i]) {
            bad = report(bad, what, code, len);
            fprintf(stderr, "  data+%#zx: in %02x cpu %02x goemu %02x\n", i, k->data[i],
                    k->cpu_data[i], k->emu_data[i]);
            break;
        }
    return bad == 0;
}

int harness_check(struct harness *h, struct hcase *k, const uint8_t *code, size_t len,
                  const char *what)
{
    native_setup();
    memcpy((void *)(uintptr_t)HARNESS_DATA, k->data, HARNESS_DATA_SIZE);
    native_run(code, len, &k->in, k->gsbase, &k->cpu);
    memcpy(k->cpu_data, (const void *)(uintptr_t)HARNESS_DATA, HARNESS_DATA_SIZE);
    emu_run(h, k, code, len);
    return compare(k, code, len, what);
}
