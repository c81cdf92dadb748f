/* cmd_summary.c -- `mcrisk summary OUT.h5 [--format text|csv|json]` (SPEC 4).
 *
 * Reads a results file with mcr_h5_read, which refuses anything that is not
 * an mcrisk file of schema 1 (exit 2, "FILE: error: what"), and prints its
 * statistics with results/summary.c: an aligned table per output for people,
 * tidy CSV or one JSON object for scripts (docs/results.md). The samples of
 * --save-samples are not needed and not read.
 */
#include <stdio.h>
#include <string.h>

#include "engine/cli.h"
#include "engine/commands.h"
#include "results/h5read.h"
#include "results/summary.h"

static const char HELP[] =
    "usage: mcrisk summary OUT.h5 [--format text|csv|json]\n"
    "\n"
    "Print the statistics stored in a results file written by `mcrisk run`.\n"
    "\n"
    "  --format text   (default) for people: per output a table of every stored\n"
    "                  percentile, the mean and cvar95 per strategy, in the\n"
    "                  output's units; then p_best and P(cheaper), the mean cost\n"
    "                  breakdown and the top 3 sensitivity drivers per strategy\n"
    "  --format csv    tidy rows output,strategy,statistic,value,units with every\n"
    "                  number in full precision\n"
    "  --format json   one object with the run record and every number\n"
    "                  (described in docs/results.md)\n"
    "\n"
    "exit status: 0 printed, 1 write failure, 2 bad usage or not an mcrisk\n"
    "results file of schema 1\n";

int mcr_cmd_summary(int argc, char **argv)
{
    const char *file = NULL, *fmt = "text";
    int options = 1;
    mcr_err_t err = {{0}};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
            fputs(HELP, stdout);
            return 0;
        }
        if (options && !strcmp(a, "--")) {
            options = 0;
            continue;
        }
        if (options) {
            int got = mcr_cli_opt(argc, argv, &i, "--format", &fmt, &err);
            if (got < 0)
                return mcr_cli_report(MCR_EINPUT, &err);
            if (got > 0)
                continue;
            if (a[0] == '-' && a[1] != '\0') {
                fprintf(stderr, "mcrisk: error: %s: unknown option (try mcrisk summary --help)\n", a);
                return 2;
            }
        }
        if (file) {
            fprintf(stderr, "mcrisk: error: summary: takes one OUT.h5, got '%s' as well\n", a);
            return 2;
        }
        file = a;
    }
    mcr_summary_format_t format;
    if (!strcmp(fmt, "text"))
        format = MCR_SUMMARY_TEXT;
    else if (!strcmp(fmt, "csv"))
        format = MCR_SUMMARY_CSV;
    else if (!strcmp(fmt, "json"))
        format = MCR_SUMMARY_JSON;
    else {
        fprintf(stderr, "mcrisk: error: --format: must be text, csv or json, got '%s'\n", fmt);
        return 2;
    }
    if (!file) {
        fputs("mcrisk: error: summary: needs an OUT.h5 (try mcrisk summary --help)\n", stderr);
        return 2;
    }

    mcr_h5_file_t f;
    mcr_status_t st = mcr_h5_read(file, 0, &f, &err);
    if (st == MCR_OK)
        st = mcr_summary_write(stdout, &f.res, format, &err);
    mcr_h5_file_free(&f);
    return mcr_cli_report(st, &err);
}
