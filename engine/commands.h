/* commands.h -- the subcommands of the mcrisk command line (SPEC 4).
 *
 * main() dispatches `mcrisk COMMAND ARGS...` to one of these with argv[0] set
 * to the command's name; each returns the process exit status of SPEC 4
 * (0, 1, 2, 130, 143) and prints its own errors.
 */
#ifndef MCR_COMMANDS_H
#define MCR_COMMANDS_H

int mcr_cmd_run(int argc, char **argv);       /* engine/cmd_run.c */
int mcr_cmd_validate(int argc, char **argv);  /* engine/cmd_validate.c */
int mcr_cmd_summary(int argc, char **argv);   /* engine/cmd_summary.c */
int mcr_cmd_plot(int argc, char **argv);      /* engine/cmd_plot.c */
int mcr_cmd_rng(int argc, char **argv);       /* engine/cmd_rng.c */

#endif /* MCR_COMMANDS_H */
