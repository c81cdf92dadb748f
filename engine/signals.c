/* signals.c -- record SIGINT / SIGTERM for the run loop to act on.
 *
 * Only async-signal-safe work happens in the handler: one store to a
 * lock-free C11 atomic (async-signal-safe, and race-free for the worker
 * threads that read it, unlike a plain volatile sig_atomic_t). Everything
 * else (stopping threads, removing the temporary file, the message) happens
 * in normal code once the loop sees the flag.
 * A second signal of either kind while the first is being handled is
 * ignored: the run is already stopping.
 *
 * SIGXFSZ is ignored outright. Its default action kills the process the
 * moment a write crosses a file-size limit (ulimit -f, RLIMIT_FSIZE, common
 * in batch queues), which would leave the temporary output file behind and
 * say nothing useful. Ignored, the write fails with EFBIG instead, and the
 * normal error path reports "OUT: error: ... (File too large)", removes the
 * temporary file and exits 1, as for a full disk (SPEC 4).
 */
#include "engine/signals.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>

static atomic_int caught;

static void on_signal(int sig)
{
    int none = 0;
    atomic_compare_exchange_strong(&caught, &none, sig);
}

int mcr_signals_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0)
        return -1;
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGXFSZ, &sa, NULL) != 0)
        return -1;
    return 0;
}

int mcr_signal_caught(void)
{
    return atomic_load_explicit(&caught, memory_order_relaxed);
}

int mcr_signal_status(int sig)
{
    return 128 + sig;
}

const char *mcr_signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}
