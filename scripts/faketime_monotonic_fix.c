/* Preloaded before libfaketime for `make test-shifted`: the wall clock is faked, the
 * monotonic clock stays real (FAKETIME_DONT_FAKE_MONOTONIC=1), and waits measured on the
 * monotonic clock go straight to glibc and the kernel.
 *
 * libfaketime 0.9.10 gets two of those wrong for Python 3.11:
 * - clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, ...), used by time.sleep(), gets its
 *   deadline rewritten into a negative time: EINVAL (wolfcw/libfaketime#426);
 * - pthread_cond_timedwait on a monotonic condition (the GIL's) gets a rewritten deadline
 *   too, so threads (aiosqlite's worker) spin on the GIL and the suite runs several times
 *   slower (fixed upstream in wolfcw/libfaketime#503, not in Debian's 0.9.10).
 * Everything that reads the wall clock is still libfaketime's. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int clock_nanosleep(clockid_t clock_id, int flags, const struct timespec *request,
                    struct timespec *remain) {
    typedef int (*fn)(clockid_t, int, const struct timespec *, struct timespec *);
    if (clock_id == CLOCK_MONOTONIC) {
        long result = syscall(SYS_clock_nanosleep, clock_id, flags, request, remain);
        return result == 0 ? 0 : errno; /* clock_nanosleep returns the error number */
    }
    static fn next;
    if (!next)
        next = (fn)dlsym(RTLD_NEXT, "clock_nanosleep");
    return next(clock_id, flags, request, remain);
}

/* glibc's own, skipping libfaketime's wrapper: Python's conditions all use the monotonic
 * clock (pthread_condattr_setclock), which is real here. */
int pthread_cond_timedwait(pthread_cond_t *cond, pthread_mutex_t *mutex,
                           const struct timespec *abstime) {
    typedef int (*fn)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
    static fn glibc;
    if (!glibc) {
        void *libc = dlopen("libc.so.6", RTLD_LAZY | RTLD_NOLOAD);
        glibc = (fn)dlvsym(libc, "pthread_cond_timedwait", "GLIBC_2.3.2");
    }
    return glibc(cond, mutex, abstime);
}
