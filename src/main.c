/* main.c — the goemu command line: load a static x86-64 Go binary, build its initial stack,
 * run every guest thread to exit_group, and exit with the guest's status (128+n when a
 * signal killed it, 126 when the file cannot be run, as a shell reports). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "cpu/exec.h"
#include "elf/load.h"
#include "elf/stack.h"
#include "elf/symbols.h"
#include "emu.h"

extern char **environ;

static struct emu the_emu;

static void usage(FILE *f)
{
    fprintf(f,
        "usage: goemu [options] PROGRAM [ARGS...]\n"
        "Runs a static linux/amd64 Go binary on goemu's software x86-64 core.\n"
        "\n"
        "options:\n"
        "  --cpus N          CPUs reported by sched_getaffinity (default 1)\n"
        "  --deterministic   virtual clocks, fixed pid/tids and random bytes (see --seed)\n"
        "  --seed N          seed for AT_RANDOM and getrandom in deterministic mode (default 1)\n"
        "  --quantum N       instructions per scheduling slice (default 100000)\n"
        "  --strace          log every syscall to stderr\n"
        "  --stats           print instructions retired and MIPS to stderr at exit\n"
        "  --help            this text\n"
        "  --version         goemu's version\n");
}

static void symbolize(uint64_t addr, char *buf, size_t n)
{
    sym_format(the_emu.syms, addr, buf, n);
}

static void random_bytes(struct emu *e, uint8_t out[16])
{
    if (e->opt.deterministic) {
        uint64_t s = e->opt.seed * 0x9e3779b97f4a7c15ull + 1;
        for (int k = 0; k < 16; k++) {
            s ^= s << 13, s ^= s >> 7, s ^= s << 17;
            out[k] = (uint8_t)s;
        }
        return;
    }
    if (getrandom(out, 16, 0) != 16)
        memset(out, 0x5a, 16);
}

static int parse_options(int argc, char **argv, struct emu_options *opt, int *stats)
{
    enum { O_CPUS = 256, O_DET, O_SEED, O_QUANTUM, O_STRACE, O_STATS, O_HELP, O_VERSION };
    static const struct option longopts[] = {
        {"cpus", required_argument, 0, O_CPUS},
        {"deterministic", no_argument, 0, O_DET},
        {"seed", required_argument, 0, O_SEED},
        {"quantum", required_argument, 0, O_QUANTUM},
        {"strace", no_argument, 0, O_STRACE},
        {"stats", no_argument, 0, O_STATS},
        {"help", no_argument, 0, O_HELP},
        {"version", no_argument, 0, O_VERSION},
        {0, 0, 0, 0},
    };
    int c;
    /* '+': stop at the first non-option, which is the guest program. */
    while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
        switch (c) {
        case O_CPUS:
            opt->ncpus = atoi(optarg);
            if (opt->ncpus < 1 || opt->ncpus > 1024) {
                fprintf(stderr, "goemu: --cpus wants 1..1024\n");
                exit(2);
            }
            break;
        case O_DET: opt->deterministic = 1; break;
        case O_SEED: opt->seed = strtoull(optarg, NULL, 0); break;
        case O_QUANTUM: opt->quantum = strtoull(optarg, NULL, 0); break;
        case O_STRACE: opt->strace = 1; break;
        case O_STATS: *stats = 1; break;
        case O_HELP: usage(stdout); exit(0);
        case O_VERSION: printf("goemu %s\n", GOEMU_VERSION); exit(0);
        default: usage(stderr); exit(2);
        }
    }
    if (optind >= argc) {
        usage(stderr);
        exit(2);
    }
    if (opt->quantum == 0)
        opt->quantum = 100000;
    return optind;
}

static void print_stats(struct emu *e, struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
    fprintf(stderr, "goemu: instructions %llu\ngoemu: seconds %.3f\ngoemu: MIPS %.1f\n",
            (unsigned long long)e->total_icount, secs,
            secs > 0 ? (double)e->total_icount / secs / 1e6 : 0.0);
}

int main(int argc, char **argv)
{
    struct emu *e = &the_emu;
    int stats = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    e->opt.ncpus = 1;
    e->opt.seed = 1;
    int first = parse_options(argc, argv, &e->opt, &stats);
    const char *path = argv[first];

    if (mem_init(&e->mem) != 0) {
        fprintf(stderr, "goemu: out of memory\n");
        return 70;
    }
    e->exe_path = path;
    e->exe_realpath = realpath(path, NULL);
    e->pid = e->opt.deterministic ? 1000 : (int)getpid();
    e->next_tid = e->pid;

    char err[256];
    int lr = elf_load(e, path, err, sizeof(err));
    if (lr != 0) {
        fprintf(stderr, "goemu: %s: %s\n", path, err);
        return lr == -ENOENT ? 127 : 126;  /* as a shell reports "not found" / "cannot run" */
    }
    e->syms = sym_load(path);
    if (e->syms) {
        sym_relocate(e->syms, e->load_bias);
        exec_symbolize = symbolize;
    }

    struct thread *t = thread_new(e);
    uint8_t rnd[16];
    random_bytes(e, rnd);
    uint64_t rsp;
    int r = elf_build_stack(e, argc - first, argv + first, environ, rnd, &rsp);
    if (!t || r != 0) {
        fprintf(stderr, "goemu: %s: cannot build the initial stack: %s\n", path, strerror(-r));
        return 126;
    }
    t->cpu.gpr[RSP] = rsp;
    t->cpu.rip = e->entry;

    sig_forward_host_signals();
    int status = sched_run(e);
    if (stats)
        print_stats(e, &t0);
    return status;
}
