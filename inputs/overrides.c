/* overrides.c -- command-line values that override the scenario (-n, --seed).
 *
 * They obey the same rules as the scenario's own fields (SPEC 3): plain
 * decimal integer literals, trials > 0, seed in [0, 2^64-1]. strtoull alone
 * would accept "-1" (as 2^64-1), " 5", "+5" and "0x10"; the digit check below
 * refuses them.
 */
#include "inputs/scenario.h"

#include <errno.h>
#include <stdlib.h>

/* Parse a plain unsigned decimal literal into *v. 0 on success, -1 when text
 * is not one, -2 when it does not fit in 64 bits. */
static int parse_decimal_u64(const char *text, uint64_t *v)
{
    if (!text || !*text)
        return -1;
    for (const char *p = text; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    char *end;
    unsigned long long x = strtoull(text, &end, 10);
    if (errno == ERANGE)
        return -2;
    *v = (uint64_t)x;
    return 0;
}

mcr_status_t mcr_parse_trials(const char *flag, const char *text, int64_t *trials, mcr_err_t *err)
{
    uint64_t v;
    int rc = parse_decimal_u64(text, &v);
    if (rc == -1)
        return mcr_fail(err, MCR_EINPUT,
                        "mcrisk: error: %s: must be a positive integer, got '%s'", flag, text ? text : "");
    if (rc == -2 || v > (uint64_t)INT64_MAX)
        return mcr_fail(err, MCR_EINPUT,
                        "mcrisk: error: %s: must be at most %lld, got '%s'", flag, (long long)INT64_MAX, text);
    if (v == 0)
        return mcr_fail(err, MCR_EINPUT, "mcrisk: error: %s: must be > 0, got 0", flag);
    *trials = (int64_t)v;
    return MCR_OK;
}

mcr_status_t mcr_parse_seed(const char *flag, const char *text, uint64_t *seed, mcr_err_t *err)
{
    uint64_t v;
    int rc = parse_decimal_u64(text, &v);
    if (rc == -1)
        return mcr_fail(err, MCR_EINPUT,
                        "mcrisk: error: %s: must be an integer in [0, 18446744073709551615], got '%s'",
                        flag, text ? text : "");
    if (rc == -2)
        return mcr_fail(err, MCR_EINPUT,
                        "mcrisk: error: %s: must be at most 18446744073709551615, got '%s'", flag, text);
    *seed = v;
    return MCR_OK;
}
