/* Preloaded before libfaketime for `make test-shifted`.
 *
 * With FAKETIME_DONT_FAKE_MONOTONIC=1 (needed, or Python's timed lock waits hang: they
 * wait on the real monotonic clock for a faked deadline), libfaketime 0.9.10 still rewrites
 * the deadline of clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, ...), which Python 3.11's
 * time.sleep() uses, into a negative time: EINVAL (wolfcw/libfaketime#426). The monotonic
 * clock is real here, so its sleeps go straight to the kernel; everything else is left to
 * libfaketime. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *request,
                    struct timespec *remain) {
    if (clock_id == CLOCK_MONOTONIC) {
        long result = syscall(SYS_clock_nanosleep, clock_id, flags, request, remain);
        return result == 0 ? 0 : errno; /* clock_nanosleep returns the error number */
    }
    static clock_nanosleep_fn next;
    if (!next)
        next = (clock_nanosleep_fn)dlsym(RTLD_NEXT, "clock_nanosleep");
    return next(clock_id, flags, request, remain);
}
