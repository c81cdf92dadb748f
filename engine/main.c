/* main.c -- the mcrisk command line: dispatch to a subcommand.
 *
 *   mcrisk run | validate | summary | plot | rng  ARGS...
 *   mcrisk --help | --version | COMMAND --help
 *
 * Each subcommand parses its own arguments (engine/cmd_*.c). Exit statuses
 * follow SPEC 4: 0 success, 1 runtime failure, 2 bad usage or input.
 */
#include <stdio.h>
#include <string.h>

#include "engine/commands.h"
#include "git_commit.h"

static const char USAGE[] =
    "usage: mcrisk COMMAND [ARGS]\n"
    "\n"
    "Monte Carlo risk engine for securing AI compute: build vs lease under\n"
    "energy-price, permitting and chip-supply risk.\n"
    "\n"
    "commands:\n"
    "  run [SCENARIO.yaml] [-o OUT.h5] [-n TRIALS] [--seed N] [--threads N]\n"
    "      [--save-samples] [--force] [--quiet] [--from OLD.h5]\n"
    "                      simulate a scenario and write the HDF5 results\n"
    "  validate SCENARIO.yaml\n"
    "                      check a scenario and print what would run\n"
    "  summary OUT.h5 [--format text|csv|json]\n"
    "                      print the statistics stored in a results file\n"
    "  plot OUT.h5 -o DIR  write PNG charts of a results file\n"
    "  rng --seed N [--trial I] [-n COUNT] [--raw]\n"
    "  rng --state X --inc X [--generator pcg64|pcg64dxsm] [-n COUNT] [--raw]\n"
    "                      print a random stream (numpy-compatible)\n"
    "\n"
    "  mcrisk COMMAND --help    help for one command\n"
    "  mcrisk --version         version and git commit\n";

static const struct {
    const char *name;
    int (*fn)(int, char **);
} COMMANDS[] = {
    {"run", mcr_cmd_run},
    {"validate", mcr_cmd_validate},
    {"summary", mcr_cmd_summary},
    {"plot", mcr_cmd_plot},
    {"rng", mcr_cmd_rng},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("mcrisk %s (git %s)\n", MCR_VERSION, MCR_GIT_COMMIT);
        return 0;
    }
    for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++)
        if (!strcmp(cmd, COMMANDS[i].name))
            return COMMANDS[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "mcrisk: error: unknown command '%s' (try mcrisk --help)\n", cmd);
    return 2;
}
