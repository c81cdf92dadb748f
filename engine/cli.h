/* cli.h -- small helpers shared by the subcommands' argument parsers.
 *
 * Every argument error is reported as SPEC 4 asks:
 *   mcrisk: error: --flag: what is wrong
 * and maps to exit status 2 (MCR_EINPUT).
 */
#ifndef MCR_CLI_H
#define MCR_CLI_H

#include "kernels/status.h"

/* Does argv[*i] name option `flag` ("--seed 5" or "--seed=5")? Returns 1 and
 * sets *value (advancing *i past a separate value) when it does; 0 when
 * argv[*i] is another argument; -1 with a message in err when the value is
 * missing. */
int mcr_cli_opt(int argc, char **argv, int *i, const char *flag,
                const char **value, mcr_err_t *err);

/* Parse a plain decimal integer in [min, max] for option `flag`. */
mcr_status_t mcr_cli_int(const char *flag, const char *text, long long min,
                         long long max, long long *v, mcr_err_t *err);

/* Print err's message (if any) to stderr with a newline; return status. */
int mcr_cli_report(mcr_status_t status, const mcr_err_t *err);

#endif /* MCR_CLI_H */
