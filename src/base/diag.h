/* diag.h — where goemu's own messages go (diagnostics, --strace, --stats, a startup trace
 * without --trace-file): the standard error goemu was started with, captured before the guest
 * runs, so a guest that closes fd 2 or points it at a socket or a data file neither silences
 * goemu nor receives goemu's words in its data. */
#ifndef GOEMU_BASE_DIAG_H
#define GOEMU_BASE_DIAG_H

#include <stdio.h>

/* The stream: goemu's original stderr once diag_capture ran, stderr before. Unbuffered, like
 * stderr, so its lines keep their order with what the guest writes to the same file. */
FILE *diag(void);

/* Duplicates fd 2 to a close-on-exec fd at DIAG_FD_MIN or above, among goemu's private fds
 * (the guest's fd numbers start low and stay below it), and sends diag() there. Call once,
 * before the guest runs. Where RLIMIT_NOFILE does not reach that high, diag() stays stderr. */
void diag_capture(void);
#define DIAG_FD_MIN 512

#endif
