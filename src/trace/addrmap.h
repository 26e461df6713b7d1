/* addrmap.h — a small open-addressing hash map from guest address to two words, for the
 * startup trace's per-block and per-function bookkeeping. Key 0 is never stored (no guest
 * code lives at address 0). */
#ifndef GOEMU_TRACE_ADDRMAP_H
#define GOEMU_TRACE_ADDRMAP_H

#include <stddef.h>
#include <stdint.h>

struct addrmap_entry {
    uint64_t key;
    uint64_t a, b;
};

struct addrmap {
    struct addrmap_entry *v;
    size_t cap, n;   /* cap is a power of two; n < cap / 2 */
};

/* The entry for key, or NULL when absent (create == 0) or out of memory. A created entry has
 * a == b == 0. Pointers stay valid only until the next creating call. */
struct addrmap_entry *addrmap_get(struct addrmap *m, uint64_t key, int create);
void addrmap_free(struct addrmap *m);

#endif
