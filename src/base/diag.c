/* diag.c — goemu's own message stream, kept apart from the guest's fd 2 (diag.h). */
#include "base/diag.h"

#include <fcntl.h>
#include <unistd.h>

#include "base/fds.h"

static FILE *stream;
static int slot = -1;   /* its fd, in goemu's block (base/fds.h) */

FILE *diag(void)
{
    return stream ? stream : stderr;
}

void diag_capture(void)
{
    if (stream)
        return;
    slot = fds_keep(fcntl(2, F_DUPFD_CLOEXEC, 0));
    FILE *f = fds_stream(slot);
    if (!f) {
        fds_drop(slot);   /* no fd 2, or no room: stderr it is */
        slot = -1;
        return;
    }
    setvbuf(f, NULL, _IONBF, 0);
    stream = f;
}

int diag_fd(void)
{
    return stream ? fds_fd(slot) : 2;
}
