// Process-wide helpers that must be C: a crash signal handler, and glibc's malloc_trim.
#include "CCupolaShim.h"
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *cupola_crash_marker_path = NULL;

static void cupola_crash_handler(int signal_number) {
    // Only async-signal-safe calls here: open, close, raise.
    if (cupola_crash_marker_path) {
        int fd = open(cupola_crash_marker_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0)
            close(fd);
    }
    raise(signal_number);
}

int cupola_install_crash_marker(const char *path) {
    char *copy = strdup(path);
    if (!copy)
        return -1;
    free(cupola_crash_marker_path);
    cupola_crash_marker_path = copy;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = cupola_crash_handler;
    // One shot: the default action is back in place when the handler re-raises.
    action.sa_flags = SA_RESETHAND | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    int signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++)
        if (sigaction(signals[i], &action, NULL))
            return -1;
    return 0;
}

void cupola_release_free_memory(void) {
    malloc_trim(0);
}
