/* signals.h -- SIGINT and SIGTERM stop a run cleanly.
 *
 * The handler only records which signal arrived. Worker threads poll
 * mcr_signal_caught() between blocks of trials (a few milliseconds apart), so
 * a run stops promptly, the temporary output file is removed by the normal
 * error path, and the process exits 130 (SIGINT) or 143 (SIGTERM) with one
 * line saying how far it got (SPEC 4).
 */
#ifndef MCR_SIGNALS_H
#define MCR_SIGNALS_H

/* Install the handlers and ignore SIGXFSZ, so that a file-size limit makes
 * writes fail (EFBIG, reported as an error) instead of killing the process
 * (idempotent). Returns 0, or -1 if sigaction failed. */
int mcr_signals_install(void);

/* The signal number caught so far (SIGINT or SIGTERM), or 0. Safe from any
 * thread. */
int mcr_signal_caught(void);

/* The exit status for a caught signal: 130 for SIGINT, 143 for SIGTERM. */
int mcr_signal_status(int sig);

/* "SIGINT" or "SIGTERM". */
const char *mcr_signal_name(int sig);

#endif /* MCR_SIGNALS_H */
