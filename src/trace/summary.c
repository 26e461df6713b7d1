/* summary.c — the closing table: per phase of the main thread and per other thread, the
 * instructions retired, syscalls made and distinct functions entered before main.main
 * (a function counts in every phase that ran any of its blocks). */
#include "trace/internal.h"

#include <inttypes.h>
#include <string.h>

static void count_functions(const struct trace *tr, uint64_t per[TRACE_MAX_BUCKETS],
                            uint64_t *total)
{
    memset(per, 0, TRACE_MAX_BUCKETS * sizeof per[0]);
    *total = 0;
    for (size_t i = 0; i < tr->funcs.cap; i++) {
        uint64_t mask = tr->funcs.v[i].a;
        if (!tr->funcs.v[i].key || !mask)
            continue;
        (*total)++;
        for (int b = 0; b < TRACE_MAX_BUCKETS; b++)
            per[b] += (mask >> b) & 1;
    }
}

static void bucket_label(const struct trace *tr, int b, char *buf, size_t n)
{
    int tid = 0;
    const char *role = NULL;
    if (b >= PH_COUNT && sscanf(tr->buckets[b].name, "thread %d", &tid) == 1)
        role = tr_role(tr, tid);
    snprintf(buf, n, "%s%s%s%s", tr->buckets[b].name, role ? " (" : "", role ? role : "",
             role ? ")" : "");
}

void summary_write(struct trace *tr, uint64_t icount)
{
    uint64_t funcs[TRACE_MAX_BUCKETS], nfuncs, insns = 0, calls = 0;
    char text[8192], json[4096], label[128];
    size_t len = 0, jl = 0;
    count_functions(tr, funcs, &nfuncs);
    tr_put(text, sizeof text, &len, "summary: entry to %s, %" PRIu64 " instructions\n",
           tr->reached_main ? "main.main" : "exit", icount);
    tr_put(text, sizeof text, &len, "  %-36s %12s %9s %10s\n", "phase", "instructions",
           "syscalls", "functions");
    tr_put(json, sizeof json, &jl, "\"rows\":[");
    for (int b = 0; b < tr->nbuckets; b++) {
        const struct bucket *k = &tr->buckets[b];
        bucket_label(tr, b, label, sizeof label);
        tr_put(text, sizeof text, &len, "  %-36s %12" PRIu64 " %9" PRIu64 " %10" PRIu64 "\n",
               label, k->insns, k->syscalls, funcs[b]);
        tr_put(json, sizeof json, &jl, "%s{\"phase\":\"", b ? "," : "");
        tr_json_escape(json, sizeof json, &jl, label);
        tr_put(json, sizeof json, &jl, "\",\"instructions\":%" PRIu64 ",\"syscalls\":%" PRIu64
               ",\"functions\":%" PRIu64 "}", k->insns, k->syscalls, funcs[b]);
        insns += k->insns;
        calls += k->syscalls;
    }
    tr_put(text, sizeof text, &len, "  %-36s %12" PRIu64 " %9" PRIu64 " %10" PRIu64 "\n",
           "all (distinct functions)", insns, calls, nfuncs);
    tr_put(json, sizeof json, &jl, "],\"total\":{\"instructions\":%" PRIu64 ",\"syscalls\":%"
           PRIu64 ",\"functions\":%" PRIu64 "}", insns, calls, nfuncs);
    const struct tthread *main_tt = NULL;
    for (int i = 0; i < tr->ntts; i++)
        if (tr->tts[i]->tid == tr->main_tid)
            main_tt = tr->tts[i];
    if (main_tt)
        tr_block_text(tr, "summary", main_tt, icount, text, json);
}
