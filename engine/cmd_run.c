/* cmd_run.c -- `mcrisk run`: placeholder until its issue lands. */
#include <stdio.h>

#include "engine/commands.h"

int mcr_cmd_run(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("mcrisk: error: 'run' is not built yet\n", stderr);
    return 2;
}
