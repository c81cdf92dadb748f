/* status.h -- the status values every mcrisk layer returns.
 *
 * Errors are values (STYLE.md 4): a function that can fail returns an
 * mcr_status_t and writes a human message into a caller-provided mcr_err_t.
 * The values map one to one onto the exit statuses of SPEC 4, so the command
 * line only has to return what it was given. Kernels never fail; everything
 * around them (input, allocation, HDF5, MPI, signals) can.
 */
#ifndef MCR_STATUS_H
#define MCR_STATUS_H

#include <stdarg.h>

typedef enum {
    MCR_OK        = 0,    /* success */
    MCR_ERUNTIME  = 1,    /* I/O, allocation, non-finite result, memory estimate */
    MCR_EINPUT    = 2,    /* bad usage or bad input: nothing was run or written */
    MCR_EINTR     = 130,  /* interrupted by SIGINT */
    MCR_ETERM     = 143   /* interrupted by SIGTERM */
} mcr_status_t;

#define MCR_ERR_MAX 1024

/* A one-line message, already prefixed the way SPEC 4 wants it printed
 * ("FILE: error: ..." or "mcrisk: error: ..."). Empty when nothing failed. */
typedef struct {
    char msg[MCR_ERR_MAX];
} mcr_err_t;

/* Format msg into err (printf-style) and return status, so failures read
 * `return mcr_fail(err, MCR_ERUNTIME, "%s: error: %s", path, why);`.
 * err may be NULL. */
mcr_status_t mcr_fail(mcr_err_t *err, mcr_status_t status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif /* MCR_STATUS_H */
