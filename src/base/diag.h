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

/* Duplicates fd 2 into goemu's block of private fds (base/fds.h), out of the guest's reach,
 * and sends diag() there. Call once, after fds_init and before the guest runs. Without fd 2,
 * or without room in the block, diag() stays stderr. */
void diag_capture(void);
/* The fd diag() writes to now (it follows the block when the block moves). */
int diag_fd(void);

#endif
