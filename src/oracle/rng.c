/* rng.c — the oracle's deterministic randomness (splitmix64) and the initial memory images
 * derived from it. A case's data pages are a pure function of its mem_seed and patches, so a
 * repro string need not carry 8 KB of memory. */
#include <string.h>

#include "oracle/oracle.h"

uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint64_t rng_mix(uint64_t a, uint64_t b)
{
    struct rng r = { a ^ (b * 0xd6e8feb86659fd93ull) };
    rng_next(&r);
    return rng_next(&r);
}

void or_fill_data(const struct ocase *k, uint8_t *mem)
{
    struct rng r = { k->mem_seed };
    for (unsigned i = 0; i < OR_DATA_SIZE; i += 8) {
        uint64_t v = rng_next(&r);
        memcpy(mem + i, &v, 8);
    }
    for (unsigned i = 0; i < k->npatch; i++) {
        const struct opatch *p = &k->patch[i];
        if (p->copy) {
            if (p->off + p->len <= OR_DATA_SIZE && p->src + p->len <= OR_DATA_SIZE)
                memmove(mem + p->off, mem + p->src, p->len);
        } else if (p->len <= 16 && p->off + p->len <= OR_DATA_SIZE) {
            memcpy(mem + p->off, p->data, p->len);
        }
    }
}

void or_fill_ro(uint8_t *page)
{
    struct rng r = { 0x524f5041474521ull };
    for (unsigned i = 0; i < 4096; i += 8) {
        uint64_t v = rng_next(&r);
        memcpy(page + i, &v, 8);
    }
}
