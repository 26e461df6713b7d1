/* cpu_harness.c — a private address space with a code page and a scratch data area, for
 * running a few instruction bytes on goemu's core in unit tests. The bytes are followed by
 * nothing executable: running off their end stops at a fetch fault we recognise. */
#include "cpu_harness.h"

#include <assert.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

void harness_init(struct harness *h)
{
    memset(h, 0, sizeof(*h));
    int r = mem_init(&h->mem);
    assert(r == 0);
    r = mem_map(&h->mem, HARNESS_CODE, GUEST_PAGE_SIZE, GPROT_READ | GPROT_EXEC, 0, "code");
    assert(r == 0);
    r = mem_map(&h->mem, HARNESS_DATA, HARNESS_DATA_SIZE, GPROT_READ | GPROT_WRITE, 0, "data");
    assert(r == 0);
    cpu_init(&h->cpu, &h->mem);
    (void)r;
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
    mem_poke(&h->mem, HARNESS_CODE, page, sizeof(page));
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
    return STOP_YIELD;
}

uint64_t harness_rflags(struct harness *h)
{
    return flags_get(&h->cpu);
}
