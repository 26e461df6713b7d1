/* hostsig.c — host signals sent to goemu (Ctrl-C, kill, job control, SIGCHLD of the guest's
 * children) are queued for the guest and taken at the next block boundary; goemu's host
 * dispositions follow the guest's ignored signals so programs it execs inherit them. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include "abi/linux_abi.h"
#include "proc/signal.h"

/* Signals sent to goemu's host process that belong to the guest: what a terminal, a shell or
 * another process sends to a program (Ctrl-C, kill, job control, resource limits), and
 * SIGCHLD, since the guest's children are goemu's host children (sys_process.c). */
static const int forwarded[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGALRM,
                                SIGWINCH, SIGCONT, SIGTSTP, SIGTTIN, SIGTTOU, SIGXCPU,
                                SIGXFSZ, SIGPWR, SIGCHLD};
#define NFORWARDED (sizeof(forwarded) / sizeof(forwarded[0]))

static volatile sig_atomic_t host_pending[65];
static volatile sig_atomic_t host_code[65], host_pid[65], host_uid[65];
static volatile sig_atomic_t host_any;
static int forwarding;  /* sig_forward_host_signals ran: host dispositions follow the guest */

static void on_host_signal(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    host_code[sig] = si->si_code;   /* SI_USER from kill(1), SI_KERNEL from a terminal */
    host_pid[sig] = si->si_pid;
    host_uid[sig] = (sig_atomic_t)si->si_uid;
    host_pending[sig] = 1;
    host_any = 1;
}

static void host_forward(int sig)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_host_signal;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigfillset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

static int is_forwarded(int sig)
{
    for (size_t k = 0; k < NFORWARDED; k++)
        if (forwarded[k] == sig)
            return 1;
    return 0;
}

/* A write to a closed pipe must give the guest EPIPE (sys_fs.c posts the guest's SIGPIPE);
 * a handler rather than SIG_IGN, so a program goemu execs starts with SIGPIPE at default. */
static void on_host_sigpipe(int sig) { (void)sig; }

void sig_forward_host_signals(struct emu *e)
{
    forwarding = 1;
    /* What the guest inherits, as across execve(2): ignored dispositions (a shell starts
     * background jobs with SIGINT and SIGQUIT ignored, nohup SIGHUP) and the blocked mask. */
    sigset_t mask;
    sigprocmask(SIG_SETMASK, NULL, &mask);
    for (size_t k = 0; k < NFORWARDED; k++) {
        int sig = forwarded[k];
        struct sigaction cur;
        sigaction(sig, NULL, &cur);
        if (cur.sa_handler == SIG_IGN)
            e->sigactions[sig].handler = LINUX_SIG_IGN;  /* host stays ignoring it too */
        else
            host_forward(sig);
    }
    for (struct thread *t = e->threads; t; t = t->next)
        for (int sig = 1; sig <= LINUX_NSIG; sig++)
            if (sigismember(&mask, sig) == 1)
                t->sigmask |= sig_bit(sig) & ~SIG_UNBLOCKABLE;
    /* The guest's mask does the blocking from now on; goemu itself blocks nothing. */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_host_sigpipe;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGPIPE, &sa, NULL);
}

void sig_host_follow(int sig, uint64_t handler)
{
    if (!forwarding || !is_forwarded(sig))
        return;
    if (handler == LINUX_SIG_IGN)
        signal(sig, SIG_IGN);
    else
        host_forward(sig);
}

void sig_poll_host(struct emu *e)
{
    if (!host_any)
        return;
    host_any = 0;
    for (int sig = 1; sig <= 64; sig++)
        if (host_pending[sig]) {
            host_pending[sig] = 0;
            struct sig_source src = {host_code[sig], host_pid[sig], (uint32_t)host_uid[sig], 0};
            sig_post_info(e, NULL, sig, &src);
        }
}

int sig_host_ppoll(struct pollfd *pfd, unsigned long n, int64_t timeout_ns)
{
    /* Blocked from the check to ppoll, which unblocks them atomically while it waits: a
     * signal arriving in between wakes the wait instead of being noticed only later. */
    sigset_t block, old;
    sigemptyset(&block);
    for (size_t k = 0; k < NFORWARDED; k++)
        sigaddset(&block, forwarded[k]);
    sigprocmask(SIG_BLOCK, &block, &old);
    int r = 0;
    if (!host_any) {
        struct timespec ts = {timeout_ns / 1000000000ll, timeout_ns % 1000000000ll};
        r = ppoll(pfd, (nfds_t)n, timeout_ns < 0 ? NULL : &ts, &old);
    }
    int saved = errno;
    sigprocmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return r;
}
