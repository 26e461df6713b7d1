/* check.h — the two habits that keep errors and invariants honest: GOEMU_MUST_CHECK on every
 * function whose failure a caller must handle (ignoring its result fails the build with
 * -Werror), and GOEMU_ASSERT for invariants, compiled in unless GOEMU_ASSERTS is off. */
#ifndef GOEMU_BASE_CHECK_H
#define GOEMU_BASE_CHECK_H

#include <stdio.h>
#include <stdlib.h>

#define GOEMU_MUST_CHECK __attribute__((warn_unused_result))

/* Calls a GOEMU_MUST_CHECK function whose failure is deliberately of no consequence (a cast
 * to void does not silence GCC); the call site says why. */
#define GOEMU_IGNORE_RESULT(call)                                                            \
    do {                                                                                     \
        if (call) {                                                                          \
        }                                                                                    \
    } while (0)

/* A broken invariant is a goemu bug, never the guest's doing: say where and abort, so tests
 * and CI stop at the first one. */
#if GOEMU_ASSERTS
#define GOEMU_ASSERT(cond)                                                                   \
    do {                                                                                     \
        if (__builtin_expect(!(cond), 0)) {                                                  \
            fprintf(stderr, "goemu: internal error: %s:%d: %s: assertion '%s' failed\n",    \
                    __FILE__, __LINE__, __func__, #cond);                                    \
            abort();                                                                         \
        }                                                                                    \
    } while (0)
#else
#define GOEMU_ASSERT(cond) ((void)0)
#endif

#endif
