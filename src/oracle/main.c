/* main.c — goemu-oracle: the real CPU as the oracle for goemu's instruction handlers.
 * For every mnemonic goemu's ops_*.def tables list, finds the operand forms, generates cases,
 * runs each natively and on goemu's core, compares, and prints one summary line per mnemonic,
 * a coverage report and "N passed, M failed".
 * Each mnemonic runs in a forked child, so a goemu crash costs one line, not the run.
 * Usage: goemu-oracle [--cases N] [--seed S] [--mnemonic NAME[,NAME]] [--reports K]
 *                     [--list] [--show] [--verbose] | --repro HEX
 * --list prints the forms found, --show every case (with --mnemonic and few --cases). */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "oracle/oracle.h"

/* Mnemonics goemu implements, with their Go rank: the rows of its dispatch tables (decode.c
 * includes the same files). The rank column says how often Go programs executed the mnemonic
 * (1 = most; 0 = never), which the coverage report checks against. */
static const struct { ZydisMnemonic m; int go_rank; } implemented_list[] = {
#define OP(mn, sel, rank, ...) { ZYDIS_MNEMONIC_##mn, rank },
#include "cpu/ops_core.def"
#include "cpu/ops_int.def"
#include "cpu/ops_sse.def"
#undef OP
};

#define MAX_FORMS 256

struct mn {
    ZydisMnemonic m;          /* ZYDIS_MNEMONIC_INVALID: the lazy-flags pairs */
    int go_rank;              /* the rank column of its ops_*.def row: 0 if Go never ran it */
    const char *skip;         /* never run, and why */
    struct form forms[MAX_FORMS];
    size_t nforms, nimpl;
    uint64_t cases, passed, failed, notgen;
    uint64_t form_cases[MAX_FORMS];
    int crashed;
    const struct form **producers;   /* pairs only */
    size_t nproducers;
};

static const char *mn_name(const struct mn *e)
{
    return e->m == ZYDIS_MNEMONIC_INVALID ? "flag-pairs" : ZydisMnemonicGetString(e->m);
}

struct counters { uint64_t passed, failed, notgen, done; uint64_t form_cases[MAX_FORMS]; };

struct options {
    uint64_t cases, seed;
    const char *only, *repro;
    int reports, list, verbose, show;
    int tier;   /* enum cpu_tier: which execution tier goemu runs each case in */
};

static int mn_cmp(const void *a, const void *b)
{
    const struct mn *x = *(struct mn *const *)a, *y = *(struct mn *const *)b;
    return strcmp(ZydisMnemonicGetString(x->m), ZydisMnemonicGetString(y->m));
}

static int name_selected(const char *only, ZydisMnemonic m)
{
    if (!only)
        return 1;
    const char *name = m == ZYDIS_MNEMONIC_INVALID ? "flag-pairs" : ZydisMnemonicGetString(m);
    size_t n = strlen(name);
    for (const char *p = only; *p;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncasecmp(p, name, n) == 0)
            return 1;
        p += len + (e ? 1 : 0);
    }
    return 0;
}

/* ---- running one mnemonic --------------------------------------------------------------- */

struct seen { uint64_t key[16]; int n; };

static uint64_t diff_key(const struct oresult *a, const struct oresult *b, size_t form)
{
    uint64_t k = form * 0x100000001b3ull;
    for (int i = 0; i < 16; i++) {
        k = k * 31 + (a->st.gpr[i] != b->st.gpr[i]);
        k = k * 31 + (memcmp(&a->st.xmm[i], &b->st.xmm[i], 16) != 0);
    }
    k = k * 31 + (a->st.rflags ^ b->st.rflags);
    k = k * 31 + (uint64_t)(a->signo * 64 + b->signo) + (uint64_t)b->unimplemented * 7919;
    k = k * 31 + (a->st.rip != b->st.rip) + (a->st.mxcsr != b->st.mxcsr) * 2;
    return k;
}

static int seen_add(struct seen *s, uint64_t key)
{
    for (int i = 0; i < s->n; i++)
        if (s->key[i] == key)
            return 0;
    if (s->n < 16)
        s->key[s->n++] = key;
    return 1;
}

static void run_cases(struct mn *e, const struct options *o, struct counters *cnt)
{
    static struct ocase k;
    static struct oresult nat, emu;
    static uint8_t mem[OR_DATA_SIZE];
    size_t impl[MAX_FORMS], ni = 0;
    struct seen seen = { .n = 0 };
    int reports = 0;
    for (size_t i = 0; !e->producers && i < e->nforms; i++)   /* pairs: producers instead */
        if (e->forms[i].implemented)
            impl[ni++] = i;
    or_crash_what = mn_name(e);
    for (uint64_t c = 0; c < e->cases; c++) {
        size_t fi = e->producers ? 0 : impl[c % ni];
        const struct form *f = e->producers ? e->producers[c % e->nproducers] : &e->forms[fi];
        struct rng r = { rng_mix(rng_mix(o->seed, e->m), c) };
        if ((e->producers ? gen_pair(f, &r, &k) : gen_case(f, &r, &k)) != 0) {
            if (o->verbose)
                printf("no encodable instance of %s (case %" PRIu64 ")\n", f->name, c);
            cnt->notgen++;
            cnt->done++;
            continue;
        }
        or_fill_data(&k, mem);
        host_run(&k, mem, &nat);
        or_crash_case = &k;
        guest_run(&k, mem, &emu);
        or_crash_case = NULL;
        if (!e->producers)
            cnt->form_cases[fi]++;
        if (or_check(&k, &nat, &emu, f->name, o->show ? 2 : 0) == 0) {
            cnt->passed++;
        } else {
            cnt->failed++;
            size_t key_form = e->producers ? (size_t)(c % e->nproducers) : fi;
            if (seen_add(&seen, diff_key(&nat, &emu, key_form)) && reports < o->reports &&
                !o->show) {
                reports++;
                or_check(&k, &nat, &emu, f->name, 1);
            }
        }
        cnt->done++;
    }
    fflush(stdout);
}

/* Runs a mnemonic's cases in a child; a crash or hang there is reported, not fatal. */
static void run_mnemonic(struct mn *e, const struct options *o, struct counters *shared)
{
    memset(shared, 0, sizeof *shared);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!o->verbose) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0)
                dup2(fd, 2);    /* goemu's own "unimplemented instruction" lines */
        }
        alarm(120);
        run_cases(e, o, shared);
        fflush(stdout);
        _exit(0);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0) {
        e->crashed = -1;
    } else if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
        e->crashed = WIFSIGNALED(st) ? WTERMSIG(st) : 256 + WEXITSTATUS(st);
    }
    e->passed = shared->passed;
    e->failed = shared->failed + (e->crashed ? 1 : 0);
    e->notgen = shared->notgen;
    memcpy(e->form_cases, shared->form_cases, sizeof e->form_cases);
    if (e->crashed)
        e->cases = shared->done + 1;
}

/* ---- reports ---------------------------------------------------------------------------- */

static void print_summary(const struct mn *e)
{
    const char *name = mn_name(e);
    if (e->skip) {
        printf("%-12s not run: %s\n", name, e->skip);
        return;
    }
    printf("%-12s forms %3zu/%-3zu cases %6" PRIu64 "  passed %6" PRIu64 "  failed %5" PRIu64,
           name, e->nimpl, e->nforms, e->cases, e->passed, e->failed);
    if (e->notgen)
        printf("  (no encodable instance: %" PRIu64 ")", e->notgen);
    if (e->crashed > 0 && e->crashed < 256)
        printf("  CRASHED with host signal %d after %" PRIu64 " cases", e->crashed, e->cases - 1);
    else if (e->crashed)
        printf("  CHILD FAILED (%d)", e->crashed);
    printf("\n");
}

static void list_forms(const struct mn *e)
{
    for (size_t i = 0; i < e->nforms; i++)
        printf("  %-40s %s\n", e->forms[i].name,
               e->forms[i].implemented ? "implemented" : "not implemented by goemu");
}

/* Cases run over a mnemonic's forms (the flag pairs count no forms of their own). */
static uint64_t cases_run(const struct mn *e)
{
    uint64_t run = 0;
    for (size_t f = 0; !e->producers && f < e->nforms && f < MAX_FORMS; f++)
        run += e->form_cases[f];
    return run;
}

static void print_coverage(struct mn **all, size_t n)
{
    printf("coverage: goemu mnemonics without oracle cases:");
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mn *e = all[i];
        if (e->m != ZYDIS_MNEMONIC_INVALID && cases_run(e) == 0) {
            printf(" %s%s", ZydisMnemonicGetString(e->m),
                   e->skip ? "(not run)" : e->nimpl ? "(no case generated)" :
                   e->nforms ? "(no form implemented)" : "(no form found)");
            any = 1;
        }
    }
    printf("%s\n", any ? "" : " none");
    printf("coverage: goemu forms not implemented (decode to SIGILL):");
    any = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mn *e = all[i];
        if (e->m == ZYDIS_MNEMONIC_INVALID || e->nimpl == e->nforms)
            continue;
        printf(" %s(%zu/%zu)", ZydisMnemonicGetString(e->m), e->nforms - e->nimpl, e->nforms);
        any = 1;
    }
    printf("%s\n", any ? "" : " none");
    /* Every mnemonic Go programs executed has a row with its rank; it should have an
     * implemented form, and cases that ran. */
    printf("coverage: mnemonics that Go programs executed (rank column of ops_*.def) with no "
           "implemented form:");
    any = 0;
    for (size_t i = 0; i < n; i++)
        if (all[i]->go_rank && all[i]->nimpl == 0) {
            printf(" %s", ZydisMnemonicGetString(all[i]->m));
            any = 1;
        }
    printf("%s\n", any ? "" : " none");
    printf("coverage: mnemonics that Go programs executed, implemented but not run by the "
           "oracle:");
    any = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mn *e = all[i];
        if (e->go_rank && e->nimpl && cases_run(e) == 0) {
            printf(" %s", ZydisMnemonicGetString(e->m));
            any = 1;
        }
    }
    printf("%s\n", any ? "" : " none");
}

/* ---- main -------------------------------------------------------------------------------- */

static int repro(const char *hex)
{
    static struct ocase k;
    static struct oresult nat, emu;
    static uint8_t mem[OR_DATA_SIZE];
    if (or_case_from_hex(hex, &k) != 0) {
        fprintf(stderr, "goemu-oracle: malformed --repro string\n");
        return 2;
    }
    or_fill_data(&k, mem);
    host_run(&k, mem, &nat);
    or_crash_case = &k;
    or_crash_what = "--repro";
    guest_run(&k, mem, &emu);
    or_show(&k, &nat, &emu);
    return or_check(&k, &nat, &emu, "repro", 0) ? 1 : 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: goemu-oracle [--cases N] [--seed S] [--mnemonic NAME[,NAME...]]\n"
                    "                    [--reports K] [--list] [--show] [--verbose] [--tier 1|2]\n"
                    "       goemu-oracle --repro HEX\n");
    exit(2);
}

static void parse(int argc, char **argv, struct options *o)
{
    *o = (struct options){ .cases = 200000, .seed = 1, .reports = 6, .tier = CPU_TIER_1 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--cases") && v) o->cases = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--seed") && v) o->seed = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--mnemonic") && v) o->only = v, i++;
        else if (!strcmp(a, "--reports") && v) o->reports = atoi(v), i++;
        else if (!strcmp(a, "--repro") && v) o->repro = v, i++;
        else if (!strcmp(a, "--tier") && v && (!strcmp(v, "1") || !strcmp(v, "2")))
            o->tier = *v == '1' ? CPU_TIER_1 : CPU_TIER_2, i++;
        else if (!strcmp(a, "--list")) o->list = 1;
        else if (!strcmp(a, "--verbose")) o->verbose = 1;
        else if (!strcmp(a, "--show")) o->show = 1;
        else usage();
    }
}

static void add_mnemonic(struct mn **all, size_t *n, ZydisMnemonic m, int go_rank)
{
    for (size_t i = 0; i < *n; i++)
        if (all[i]->m == m)
            return;
    struct mn *e = calloc(1, sizeof *e);
    if (!e) {
        perror("goemu-oracle");
        exit(2);
    }
    e->m = m;
    e->go_rank = go_rank;
    all[(*n)++] = e;
}

int main(int argc, char **argv)
{
    struct options o;
    parse(argc, argv, &o);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (host_init() != 0 || guest_init(native_vendor(), (enum cpu_tier)o.tier) != 0) {
        fprintf(stderr, "goemu-oracle: setup failed\n");
        return 2;
    }
    if (o.repro)
        return repro(o.repro);

    static struct mn *all[1024];
    size_t n = 0;
    for (size_t i = 0; i < sizeof implemented_list / sizeof implemented_list[0]; i++)
        add_mnemonic(all, &n, implemented_list[i].m, implemented_list[i].go_rank);
    qsort(all, n, sizeof all[0], mn_cmp);

    size_t runnable = 0;
    static struct mn pairs = { .m = ZYDIS_MNEMONIC_INVALID };
    static const struct form *producers[4096];
    for (size_t i = 0; i < n; i++) {
        struct mn *e = all[i];
        e->skip = gen_skip_reason(e->m);
        e->nforms = gen_forms(e->m, e->forms, MAX_FORMS);
        for (size_t f = 0; f < e->nforms; f++)
            e->nimpl += e->forms[f].implemented;
        if (!e->skip && e->nimpl && name_selected(o.only, e->m))
            runnable++;
        for (size_t f = 0; f < e->nforms && gen_is_flag_producer(e->m); f++)
            if (e->forms[f].implemented && pairs.nproducers < 4096)
                producers[pairs.nproducers++] = &e->forms[f];
    }
    pairs.producers = producers;
    pairs.nimpl = pairs.nforms = pairs.nproducers;
    if (pairs.nproducers && name_selected(o.only, pairs.m))
        all[n++] = &pairs;    /* runs last; a mnemonic's share of the cases */
    runnable += pairs.nproducers && name_selected(o.only, pairs.m);
    if (o.list) {
        for (size_t i = 0; i < n; i++)
            if (name_selected(o.only, all[i]->m) && !all[i]->producers) {
                printf("%s%s\n", mn_name(all[i]),
                       all[i]->skip ? " (not run)" : "");
                list_forms(all[i]);
            }
        return 0;
    }
    struct counters *shared = mmap(NULL, sizeof *shared, PROT_READ | PROT_WRITE,
                                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) {
        perror("goemu-oracle: mmap");
        return 2;
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    /* Spread the cases evenly over the mnemonics; the flag pairs, which combine ~50
     * producers with 16 conditions, weigh PAIRS_WEIGHT mnemonics. */
    enum { PAIRS_WEIGHT = 20 };
    uint64_t weight = runnable + (pairs.nproducers && name_selected(o.only, pairs.m) ?
                                  PAIRS_WEIGHT - 1 : 0), left = o.cases;
    if (weight == 0) {
        fprintf(stderr, "goemu-oracle: no implemented mnemonic selected\n");
        return 2;
    }
    for (size_t i = 0; i < n; i++) {
        struct mn *e = all[i];
        if (name_selected(o.only, e->m) && e->nimpl && !e->skip) {
            e->cases = o.cases * (e->producers ? PAIRS_WEIGHT : 1) / weight;
            left -= e->cases;
        }
    }
    for (size_t i = 0; i < n && left; i++)
        if (name_selected(o.only, all[i]->m) && all[i]->nimpl && !all[i]->skip)
            all[i]->cases++, left--;
    uint64_t passed = 0, failed = 0, given = 0;
    for (size_t i = 0; i < n; i++) {
        struct mn *e = all[i];
        if (!name_selected(o.only, e->m) || (!e->nimpl && !e->skip))
            continue;
        if (!e->skip) {
            given += e->cases;
            if (e->cases)
                run_mnemonic(e, &o, shared);
        }
        print_summary(e);
        passed += e->passed;
        failed += e->failed;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!o.only)
        print_coverage(all, n);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    fprintf(stderr, "goemu-oracle: %" PRIu64 " cases over %zu mnemonics in %.1f s (seed %" PRIu64 ")\n",
            given, runnable, secs, o.seed);
    printf("%" PRIu64 " passed, %" PRIu64 " failed\n", passed, failed);
    return failed || runnable == 0 ? 1 : 0;
}
