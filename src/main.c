/* main.c — the goemu command line: parse options, boot the program (boot.c), attach the
 * startup trace, run every guest thread to exit_group (run.c), and exit with the guest's
 * status (128+n when a signal killed it, 126 when the file cannot be run, as a shell reports). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/diag.h"
#include "base/fds.h"
#include "cpu/tier2.h"
#include "proc/signal.h"
#include "run.h"
#include "trace/trace.h"

extern char **environ;

static struct emu the_emu;
static char *guest_argv0;   /* --argv0: how execve in a guest re-runs goemu (sys_process.c) */
static struct { int on, format; const char *file; } trace_opt;   /* --trace-* */
static int perf_map_opt;     /* --perf-map */

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
        "  --tier T          execution tier: 1 (interpreter), 2 (translate every block) or\n"
        "                    auto (translate hot blocks; the default)\n"
        "  --perf-map        describe translated code in /tmp/perf-PID.map for perf report\n"
        "  --argv0 NAME      the guest's argv[0] (default PROGRAM; AT_EXECFN stays PROGRAM)\n"
        "  --trace-startup   annotated boot log up to main.main on stderr (docs/boot.md);\n"
        "                    implies --deterministic\n"
        "  --trace-file=PATH write the startup trace to PATH instead (implies --trace-startup)\n"
        "  --trace-format=F  text (default), json (JSON lines) or chrome (trace-event file)\n"
        "  --help            this text\n"
        "  --version         goemu's version\n");
}

static int parse_options(int argc, char **argv, struct emu_options *opt, int *stats)
{
    enum { O_CPUS = 256, O_DET, O_SEED, O_QUANTUM, O_STRACE, O_STATS, O_HELP, O_VERSION,
           O_ARGV0, O_TRACE, O_TRACE_FILE, O_TRACE_FORMAT, O_TIER, O_PERF_MAP };
    static const struct option longopts[] = {
        {"cpus", required_argument, 0, O_CPUS},
        {"deterministic", no_argument, 0, O_DET},
        {"seed", required_argument, 0, O_SEED},
        {"quantum", required_argument, 0, O_QUANTUM},
        {"strace", no_argument, 0, O_STRACE},
        {"stats", no_argument, 0, O_STATS},
        {"help", no_argument, 0, O_HELP},
        {"version", no_argument, 0, O_VERSION},
        {"argv0", required_argument, 0, O_ARGV0},
        {"trace-startup", no_argument, 0, O_TRACE},
        {"trace-file", required_argument, 0, O_TRACE_FILE},
        {"trace-format", required_argument, 0, O_TRACE_FORMAT},
        {"tier", required_argument, 0, O_TIER},
        {"perf-map", no_argument, 0, O_PERF_MAP},
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
        case O_ARGV0: guest_argv0 = optarg; break;
        case O_TRACE: trace_opt.on = 1; break;
        case O_PERF_MAP: perf_map_opt = 1; break;
        case O_TRACE_FILE: trace_opt.on = 1, trace_opt.file = optarg; break;
        case O_TIER:
            if (!strcmp(optarg, "1") || !strcmp(optarg, "2") || !strcmp(optarg, "auto")) {
                opt->tier = !strcmp(optarg, "1") ? CPU_TIER_1 : !strcmp(optarg, "2") ? CPU_TIER_2
                                                                                       : CPU_TIER_AUTO;
                break;
            }
            fprintf(stderr, "goemu: --tier wants 1, 2 or auto\n");
            exit(2);
        case O_TRACE_FORMAT:
            trace_opt.on = 1;
            if ((trace_opt.format = trace_parse_format(optarg)) < 0) {
                fprintf(stderr, "goemu: --trace-format wants text, json or chrome\n");
                exit(2);
            }
            break;
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
    if (trace_opt.on)
        opt->deterministic = 1;   /* a trace must not depend on the host or the moment */
    return optind;
}

/* What a guest execve needs to start another goemu like this one (sys_process.c): goemu's
 * host path, read before the guest can chdir, chroot or exec, and the options that shape the
 * emulation. Not --argv0 and "--", which that exec supplies itself, nor this run's reports
 * (--stats, --trace-*), which would land in the child's stderr or over this run's trace file;
 * the --deterministic a trace implies is kept. */
static void save_self(struct emu *e, int first, char **argv)
{
    static const struct { const char *name; int has_arg; } dropped[] = {
        {"--argv0", 1}, {"--stats", 0}, {"--trace-startup", 0}, {"--trace-file", 1},
        {"--trace-format", 1}, {"--perf-map", 0}, {"--", 0},
    };
    static char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n > 0) {
        exe[n] = '\0';
        e->self_exe = exe;
    }
    char **opts = calloc((size_t)first + 2, sizeof(*opts));
    int k = 0;
    for (int i = 1; opts && i < first; i++) {
        size_t len = strcspn(argv[i], "=");
        size_t d = 0;
        while (d < sizeof(dropped) / sizeof(dropped[0]) &&
               (strlen(dropped[d].name) != len || strncmp(argv[i], dropped[d].name, len)))
            d++;
        if (d == sizeof(dropped) / sizeof(dropped[0]))
            opts[k++] = argv[i];
        else if (dropped[d].has_arg && !argv[i][len])
            i++;   /* "--trace-file PATH": the value is the next word */
    }
    if (opts && e->opt.deterministic)
        opts[k++] = "--deterministic";
    e->self_opts = opts;
}

static void print_stats(struct emu *e, struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
    fprintf(diag(), "goemu: instructions %llu\ngoemu: seconds %.3f\ngoemu: MIPS %.1f\n",
            (unsigned long long)e->total_icount, secs,
            secs > 0 ? (double)e->total_icount / secs / 1e6 : 0.0);
}

/* --perf-map: perf looks for /tmp/perf-PID.map of the process it sampled. Kept in goemu's
 * block of fds (base/fds.h), out of the guest's numbers. */
static void open_perf_map(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/perf-%d.map", (int)getpid());
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int slot = fd < 0 ? -1 : fds_keep(fd);
    FILE *f = slot < 0 ? NULL : fds_stream(slot);
    if (!f) {
        fprintf(stderr, "goemu: --perf-map: cannot write %s\n", path);
        return;
    }
    tier2_set_perf_map(f);
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
    save_self(e, first, argv);
    fds_init();       /* goemu's own fds go in a block the guest cannot name (base/fds.h) */
    diag_capture();   /* goemu's messages keep going where they went, whatever the guest does */
    if (guest_argv0)
        argv[first] = guest_argv0;   /* elf_build_stack's argv[0]; AT_EXECFN stays path */

    e->exe_path = path;
    e->exe_realpath = realpath(path, NULL);
    e->pid = e->opt.deterministic ? 1000 : (int)getpid();
    e->next_tid = e->pid;

    char err[256];
    int status, r;
    struct elf_stack_info si;
    struct thread *t = boot_process(e, path, argc - first, argv + first, environ, &si, err,
                                    sizeof(err), &status);
    if (!t) {
        fprintf(stderr, "goemu: %s: %s\n", path, err);
        return status;
    }
    if (trace_opt.on && (r = trace_start(e, t, &si, trace_opt.file, trace_opt.format)) != 0) {
        fprintf(stderr, "goemu: %s: %s\n", trace_opt.file, strerror(-r));
        return 2;
    }

    if (perf_map_opt)
        open_perf_map();
    sig_forward_host_signals(e);
    status = run_process(e);
    trace_finish(e);   /* a process that ended before main.main */
    if (stats)
        print_stats(e, &t0);
    return status;
}
