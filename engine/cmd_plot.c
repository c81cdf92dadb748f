/* cmd_plot.c -- `mcrisk plot`: placeholder until its issue lands. */
#include <stdio.h>

#include "engine/commands.h"

int mcr_cmd_plot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("mcrisk: error: 'plot' is not built yet\n", stderr);
    return 2;
}
