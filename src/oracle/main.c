/* main.c — goemu-oracle: the real CPU as the oracle for goemu's instruction handlers.
 * For every mnemonic goemu's ops_*.def tables list (plus the reference's executed list), finds
 * the operand forms, generates cases, runs each natively and on goemu's core, compares, and
 * prints one summary line per mnemonic, a coverage report and "N passed, M failed".
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

/* Mnemonics goemu implements: the rows of its dispatch tables (decode.c includes the same). */
static const ZydisMnemonic implemented_list[] = {
#define OP(m, sel) ZYDIS_MNEMONIC_##m,
#include "cpu/ops_core.def"
#include "cpu/ops_int.def"
#include "cpu/ops_sse.def"
#undef OP
};

/* The 124 mnemonics Go programs executed on the baseline CPU (reference §9.3), with what the
 * entry needs beyond the mnemonic: a prefix, a memory or register operand, a 64-bit immediate,
 * or the two-byte NOP. */
enum need { N_ANY, N_LOCK, N_REP, N_MEM, N_REG, N_IMM64, N_NOP2 };
struct ref_entry { const char *name; ZydisMnemonic m; enum need need; };
#define R(name, m, need) { name, ZYDIS_MNEMONIC_##m, need }
static const struct ref_entry ref_list[] = {
    R("mov", MOV, N_ANY), R("xor", XOR, N_ANY), R("add", ADD, N_ANY), R("cmp", CMP, N_ANY),
    R("ror", ROR, N_ANY), R("lea", LEA, N_ANY), R("and", AND, N_ANY), R("nop", NOP, N_ANY),
    R("je", JZ, N_ANY), R("test", TEST, N_ANY), R("jne", JNZ, N_ANY), R("imul", IMUL, N_ANY),
    R("jg", JNLE, N_ANY), R("jmp", JMP, N_ANY), R("sar", SAR, N_ANY), R("shr", SHR, N_ANY),
    R("call", CALL, N_ANY), R("ret", RET, N_ANY), R("jbe", JBE, N_ANY), R("sub", SUB, N_ANY),
    R("movzx", MOVZX, N_ANY), R("not", NOT, N_ANY), R("jae", JNB, N_ANY), R("ja", JNBE, N_ANY),
    R("shl", SHL, N_ANY), R("inc", INC, N_ANY), R("jb", JB, N_ANY), R("jge", JNL, N_ANY),
    R("nop(66 90)", NOP, N_NOP2), R("bswap", BSWAP, N_ANY), R("jle", JLE, N_ANY),
    R("bt", BT, N_ANY), R("movabs", MOV, N_IMM64), R("jl", JL, N_ANY),
    R("movups", MOVUPS, N_ANY), R("neg", NEG, N_ANY), R("mul", MUL, N_ANY),
    R("setl", SETL, N_ANY), R("dec", DEC, N_ANY), R("sete", SETZ, N_ANY),
    R("cmovl", CMOVL, N_ANY), R("bsr", BSR, N_ANY), R("xchg(mem)", XCHG, N_MEM),
    R("lock cmpxchg", CMPXCHG, N_LOCK), R("movsxd", MOVSXD, N_ANY), R("push", PUSH, N_ANY),
    R("xorps", XORPS, N_ANY), R("movdqu", MOVDQU, N_ANY), R("or", OR, N_ANY),
    R("pop", POP, N_ANY), R("cmove", CMOVZ, N_ANY), R("sbb", SBB, N_ANY), R("bsf", BSF, N_ANY),
    R("xchg(reg)", XCHG, N_REG), R("btr", BTR, N_ANY), R("lock or", OR, N_LOCK),
    R("syscall", SYSCALL, N_ANY), R("movq", MOVQ, N_ANY), R("setb", SETB, N_ANY),
    R("rep movsq", MOVSQ, N_REP), R("pmovmskb", PMOVMSKB, N_ANY),
    R("lock xadd", XADD, N_LOCK), R("pcmpeqb", PCMPEQB, N_ANY), R("setg", SETNLE, N_ANY),
    R("pxor", PXOR, N_ANY), R("punpcklbw", PUNPCKLBW, N_ANY), R("cmovb", CMOVB, N_ANY),
    R("pshuflw", PSHUFLW, N_ANY), R("adc", ADC, N_ANY), R("div", DIV, N_ANY),
    R("rep stosq", STOSQ, N_REP), R("paddd", PADDD, N_ANY), R("movdqa", MOVDQA, N_ANY),
    R("pslld", PSLLD, N_ANY), R("psrld", PSRLD, N_ANY), R("rep movsb", MOVSB, N_REP),
    R("cmovne", CMOVNZ, N_ANY), R("cmova", CMOVNBE, N_ANY), R("pause", PAUSE, N_ANY),
    R("setle", SETLE, N_ANY), R("seta", SETNBE, N_ANY), R("shld", SHLD, N_ANY),
    R("pshufd", PSHUFD, N_ANY), R("setne", SETNZ, N_ANY), R("movsx", MOVSX, N_ANY),
    R("prefetcht0", PREFETCHT0, N_ANY), R("bts", BTS, N_ANY), R("movsd", MOVSD, N_ANY),
    R("cmovg", CMOVNLE, N_ANY), R("jo", JO, N_ANY), R("setbe", SETBE, N_ANY),
    R("seto", SETO, N_ANY), R("ucomisd", UCOMISD, N_ANY), R("lock and", AND, N_LOCK),
    R("cvtsi2sd", CVTSI2SD, N_ANY), R("idiv", IDIV, N_ANY), R("jnp", JNP, N_ANY),
    R("setge", SETNL, N_ANY), R("cmovbe", CMOVBE, N_ANY), R("cdq", CDQ, N_ANY),
    R("cmovge", CMOVNL, N_ANY), R("divsd", DIVSD, N_ANY), R("cqo", CQO, N_ANY),
    R("mulsd", MULSD, N_ANY), R("cvttsd2si", CVTTSD2SI, N_ANY), R("rcr", RCR, N_ANY),
    R("rol", ROL, N_ANY), R("cpuid", CPUID, N_ANY), R("subsd", SUBSD, N_ANY),
    R("addsd", ADDSD, N_ANY), R("pushf", PUSHFQ, N_ANY), R("popf", POPFQ, N_ANY),
    R("cmovae", CMOVNB, N_ANY), R("cmovle", CMOVLE, N_ANY), R("movss", MOVSS, N_ANY),
    R("rdtsc", RDTSC, N_ANY), R("lfence", LFENCE, N_ANY), R("mfence", MFENCE, N_ANY),
    R("btc", BTC, N_ANY), R("jp", JP, N_ANY), R("ucomiss", UCOMISS, N_ANY),
    R("cld", CLD, N_ANY), R("setae", SETNB, N_ANY), R("setnp", SETNP, N_ANY),
};
#undef R

#define MAX_FORMS 256

struct mn {
    ZydisMnemonic m;          /* ZYDIS_MNEMONIC_INVALID: the lazy-flags pairs */
    int listed;               /* in goemu's dispatch tables */
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
    for (size_t i = 0; i < e->nforms; i++)
        if (e->forms[i].implemented)
            impl[ni++] = i;
    native_crash_what = mn_name(e);
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
        native_run(&k, mem, &nat);
        native_crash_case = &k;
        guest_run(&k, mem, &emu);
        native_crash_case = NULL;
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

/* Whether some form of m satisfying need is implemented (and, with covered, was run). */
static int ref_satisfied(struct mn **all, size_t n, const struct ref_entry *r, int covered)
{
    for (size_t i = 0; i < n; i++) {
        const struct mn *e = all[i];
        if (e->m != r->m)
            continue;
        if (r->need == N_IMM64 || r->need == N_NOP2) {
            uint8_t buf[16];
            size_t len = 2;
            if (r->need == N_NOP2) {
                ZydisEncoderNopFill(buf, 2);
            } else {
                ZydisEncoderRequest q;
                memset(&q, 0, sizeof q);
                q.machine_mode = ZYDIS_MACHINE_MODE_LONG_64;
                q.mnemonic = ZYDIS_MNEMONIC_MOV;
                q.operand_count = 2;
                q.operands[0].type = ZYDIS_OPERAND_TYPE_REGISTER;
                q.operands[0].reg.value = ZYDIS_REGISTER_RAX;
                q.operands[1].type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
                q.operands[1].imm.u = 0x1122334455667788ull;
                ZyanUSize l = sizeof buf;
                if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstruction(&q, buf, &l)))
                    return 0;
                len = l;
            }
            if (!guest_implemented(buf, len))
                return 0;
            if (!covered)
                return 1;
        }
        for (size_t f = 0; f < e->nforms; f++) {
            const struct form *fm = &e->forms[f];
            if (!fm->implemented || (covered && e->form_cases[f] == 0))
                continue;
            int has_mem = 0;
            for (int s = 0; s < fm->nslot; s++)
                has_mem |= fm->slot[s] == SL_M;
            switch (r->need) {
            case N_LOCK: if (!(fm->prefixes & ZYDIS_ATTRIB_HAS_LOCK)) continue; break;
            case N_REP: if (!(fm->prefixes & ZYDIS_ATTRIB_HAS_REP)) continue; break;
            case N_MEM: if (!has_mem) continue; break;
            case N_REG: if (has_mem || fm->nslot != 2) continue; break;
            case N_IMM64: if (fm->nslot != 2 || fm->slot[1] != SL_I || fm->size[0] != 8) continue; break;
            case N_NOP2: if (fm->nopfill != 2) continue; break;
            default: break;
            }
            return 1;
        }
    }
    return 0;
}

static void print_coverage(struct mn **all, size_t n)
{
    printf("coverage: goemu mnemonics without oracle cases:");
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        const struct mn *e = all[i];
        uint64_t run = 0;
        for (size_t f = 0; f < e->nforms; f++)
            run += e->form_cases[f];
        if (e->listed && run == 0) {
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
        if (!e->listed || e->nimpl == e->nforms)
            continue;
        printf(" %s(%zu/%zu)", ZydisMnemonicGetString(e->m), e->nforms - e->nimpl, e->nforms);
        any = 1;
    }
    printf("%s\n", any ? "" : " none");
    printf("coverage: reference §9.3 mnemonics goemu does not implement:");
    any = 0;
    for (size_t i = 0; i < sizeof ref_list / sizeof ref_list[0]; i++)
        if (!ref_satisfied(all, n, &ref_list[i], 0)) {
            printf(" %s", ref_list[i].name);
            any = 1;
        }
    printf("%s\n", any ? "" : " none");
    printf("coverage: reference §9.3 mnemonics implemented but not run by the oracle:");
    any = 0;
    for (size_t i = 0; i < sizeof ref_list / sizeof ref_list[0]; i++)
        if (ref_satisfied(all, n, &ref_list[i], 0) && !ref_satisfied(all, n, &ref_list[i], 1)) {
            printf(" %s", ref_list[i].name);
            any = 1;
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
    native_run(&k, mem, &nat);
    native_crash_case = &k;
    native_crash_what = "--repro";
    guest_run(&k, mem, &emu);
    or_show(&k, &nat, &emu);
    return or_check(&k, &nat, &emu, "repro", 0) ? 1 : 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: goemu-oracle [--cases N] [--seed S] [--mnemonic NAME[,NAME...]]\n"
                    "                    [--reports K] [--list] [--show] [--verbose]\n"
                    "       goemu-oracle --repro HEX\n");
    exit(2);
}

static void parse(int argc, char **argv, struct options *o)
{
    *o = (struct options){ .cases = 200000, .seed = 1, .reports = 6 };
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--cases") && v) o->cases = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--seed") && v) o->seed = strtoull(v, NULL, 0), i++;
        else if (!strcmp(a, "--mnemonic") && v) o->only = v, i++;
        else if (!strcmp(a, "--reports") && v) o->reports = atoi(v), i++;
        else if (!strcmp(a, "--repro") && v) o->repro = v, i++;
        else if (!strcmp(a, "--list")) o->list = 1;
        else if (!strcmp(a, "--verbose")) o->verbose = 1;
        else if (!strcmp(a, "--show")) o->show = 1;
        else usage();
    }
}

static void add_mnemonic(struct mn **all, size_t *n, ZydisMnemonic m, int listed)
{
    for (size_t i = 0; i < *n; i++)
        if (all[i]->m == m) {
            all[i]->listed |= listed;
            return;
        }
    struct mn *e = calloc(1, sizeof *e);
    if (!e) {
        perror("goemu-oracle");
        exit(2);
    }
    e->m = m;
    e->listed = listed;
    all[(*n)++] = e;
}

int main(int argc, char **argv)
{
    struct options o;
    parse(argc, argv, &o);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (native_init() != 0 || guest_init() != 0) {
        fprintf(stderr, "goemu-oracle: setup failed\n");
        return 2;
    }
    if (o.repro)
        return repro(o.repro);

    static struct mn *all[1024];
    size_t n = 0;
    for (size_t i = 0; i < sizeof implemented_list / sizeof implemented_list[0]; i++)
        add_mnemonic(all, &n, implemented_list[i], 1);
    for (size_t i = 0; i < sizeof ref_list / sizeof ref_list[0]; i++)
        add_mnemonic(all, &n, ref_list[i].m, 0);
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
