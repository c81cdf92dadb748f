/* cli.c -- argument helpers (see cli.h). */
#include "engine/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int mcr_cli_opt(int argc, char **argv, int *i, const char *flag,
                const char **value, mcr_err_t *err)
{
    const char *a = argv[*i];
    size_t n = strlen(flag);
    if (strncmp(a, flag, n) != 0)
        return 0;
    if (a[n] == '=') {
        *value = a + n + 1;
        return 1;
    }
    if (a[n] != '\0')
        return 0;
    if (*i + 1 >= argc) {
        mcr_fail(err, MCR_EINPUT, "mcrisk: error: %s: needs a value", flag);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

mcr_status_t mcr_cli_int(const char *flag, const char *text, long long min,
                         long long max, long long *v, mcr_err_t *err)
{
    const char *p = text;
    if (*p == '-')
        p++;
    int ok = *p != '\0';
    for (; *p; p++)
        ok = ok && *p >= '0' && *p <= '9';
    if (!ok)
        return mcr_fail(err, MCR_EINPUT, "mcrisk: error: %s: must be an integer, got '%s'", flag, text);
    errno = 0;
    long long x = strtoll(text, NULL, 10);
    if (errno == ERANGE || x < min || x > max)
        return mcr_fail(err, MCR_EINPUT, "mcrisk: error: %s: must be in [%lld, %lld], got '%s'",
                        flag, min, max, text);
    *v = x;
    return MCR_OK;
}

int mcr_cli_report(mcr_status_t status, const mcr_err_t *err)
{
    if (status != MCR_OK && err && err->msg[0])
        fprintf(stderr, "%s\n", err->msg);
    return (int)status;
}
