/* cmd_rng.c -- `mcrisk rng`: placeholder until its issue lands. */
#include <stdio.h>

#include "engine/commands.h"

int mcr_cmd_rng(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("mcrisk: error: 'rng' is not built yet\n", stderr);
    return 2;
}
