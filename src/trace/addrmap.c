/* addrmap.c — linear-probing hash map keyed by guest address (addrmap.h). Grows at half
 * full, so a probe sequence stays short; entries are never removed. */
#include "trace/addrmap.h"

#include <stdlib.h>

static size_t slot_of(uint64_t key, size_t cap)
{
    return (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (cap - 1);
}

static struct addrmap_entry *probe(struct addrmap_entry *v, size_t cap, uint64_t key)
{
    size_t i = slot_of(key, cap);
    while (v[i].key && v[i].key != key)
        i = (i + 1) & (cap - 1);
    return &v[i];
}

static int grow(struct addrmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    struct addrmap_entry *v = calloc(cap, sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < m->cap; i++)
        if (m->v[i].key)
            *probe(v, cap, m->v[i].key) = m->v[i];
    free(m->v);
    m->v = v;
    m->cap = cap;
    return 0;
}

struct addrmap_entry *addrmap_get(struct addrmap *m, uint64_t key, int create)
{
    if (!key)
        return NULL;
    if (m->cap) {
        struct addrmap_entry *e = probe(m->v, m->cap, key);
        if (e->key || !create)
            return e->key ? e : NULL;
    }
    if (!create)
        return NULL;
    if ((m->n + 1) * 2 > m->cap && grow(m))
        return NULL;
    struct addrmap_entry *e = probe(m->v, m->cap, key);
    *e = (struct addrmap_entry){key, 0, 0};
    m->n++;
    return e;
}

void addrmap_free(struct addrmap *m)
{
    free(m->v);
    *m = (struct addrmap){0};
}
