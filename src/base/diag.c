/* diag.c — goemu's own message stream, kept apart from the guest's fd 2 (diag.h). */
#include "base/diag.h"

#include <fcntl.h>
#include <unistd.h>

static FILE *stream;

FILE *diag(void)
{
    return stream ? stream : stderr;
}

void diag_capture(void)
{
    if (stream)
        return;
    int fd = fcntl(2, F_DUPFD_CLOEXEC, DIAG_FD_MIN);
    if (fd < 0)
        return;   /* no fd 2, or no room up there: stderr it is */
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return;
    }
    setvbuf(f, NULL, _IONBF, 0);
    stream = f;
}
