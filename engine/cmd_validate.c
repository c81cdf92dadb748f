/* cmd_validate.c -- `mcrisk validate`: placeholder until its issue lands. */
#include <stdio.h>

#include "engine/commands.h"

int mcr_cmd_validate(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    fputs("mcrisk: error: 'validate' is not built yet\n", stderr);
    return 2;
}
