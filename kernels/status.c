/* status.c -- formatting of error values (see status.h). */
#include "kernels/status.h"

#include <stdio.h>

mcr_status_t mcr_fail(mcr_err_t *err, mcr_status_t status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}
