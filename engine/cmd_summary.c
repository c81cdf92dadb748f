/* cmd_summary.c -- `mcrisk summary`: placeholder until its issue lands. */
#include <stdio.h>

#include "engine/commands.h"

int mcr_cmd_summary(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("mcrisk: error: 'summary' is not built yet\n", stderr);
    return 2;
}
