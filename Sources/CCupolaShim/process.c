// Process-wide helpers that must be C: a crash signal handler, and glibc's malloc_trim.
#include "CCupolaShim.h"
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *cupola_crash_marker_path = NULL;

static const int cupola_crash_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
#define CUPOLA_CRASH_SIGNAL_COUNT (sizeof cupola_crash_signals / sizeof cupola_crash_signals[0])
/* What was installed before: the Swift runtime's backtracer, which prints where the process
 * crashed (thread, frames, registers) to stderr. The marker is written first, then the signal
 * goes on to it, so a crash is both recorded and explained. */
static struct sigaction cupola_previous_actions[CUPOLA_CRASH_SIGNAL_COUNT];

static void cupola_crash_handler(int signal_number, siginfo_t *info, void *context) {
    // Only async-signal-safe calls here: open, close, sigaction, raise.
    if (cupola_crash_marker_path) {
        int fd = open(cupola_crash_marker_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0)
            close(fd);
    }
    struct sigaction previous = {.sa_handler = SIG_DFL};
    for (size_t i = 0; i < CUPOLA_CRASH_SIGNAL_COUNT; i++)
        if (cupola_crash_signals[i] == signal_number && cupola_previous_actions[i].sa_handler != SIG_IGN)
            previous = cupola_previous_actions[i];
    sigaction(signal_number, &previous, NULL);
    // Called directly, with this signal's own context, so its backtrace starts where the crash
    // happened rather than in this handler.
    if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction) {
        previous.sa_sigaction(signal_number, info, context);
        return;
    }
    if (previous.sa_handler != SIG_DFL) {
        previous.sa_handler(signal_number);
        return;
    }
    // The default action: a fault (a bad address, an illegal instruction) happens again on
    // return and ends the process; a signal that was sent (abort's, a trap) is sent again.
    int fault = info && info->si_code > 0 && signal_number != SIGABRT && signal_number != SIGTRAP;
    if (!fault)
        raise(signal_number);
}

int cupola_install_crash_marker(const char *path) {
    char *copy = strdup(path);
    if (!copy)
        return -1;
    int first = cupola_crash_marker_path == NULL;
    free(cupola_crash_marker_path);
    cupola_crash_marker_path = copy;
    if (!first)
        return 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = cupola_crash_handler;
    action.sa_flags = SA_SIGINFO | SA_NODEFER | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < CUPOLA_CRASH_SIGNAL_COUNT; i++)
        if (sigaction(cupola_crash_signals[i], &action, &cupola_previous_actions[i]))
            return -1;
    return 0;
}

void cupola_release_free_memory(void) {
    malloc_trim(0);
}

void cupola_limit_malloc_arenas(int arenas) {
    mallopt(M_ARENA_MAX, arenas);
}

void cupola_crash_drill(void) {
    // A write through a bad address, as a broken decoder would do it.
    volatile int *nowhere = (volatile int *) 8;
    *nowhere = 1;
}
