/* cmd_plot.c -- `mcrisk plot OUT.h5 -o DIR` (SPEC 4, docs/results.md).
 *
 * The charts are drawn by matplotlib, so this command is a careful launcher:
 * it checks the file with mcr_h5_read (not an mcrisk file of schema 1: exit
 * 2 with "FILE: error: what", exactly as `summary` says it), creates DIR when
 * only its last component is missing, finds the plotting script and runs it
 * with Python, passing its exit status through (0 written, 1 a PNG could not
 * be written, 2 a bad file).
 *
 * The script, mcrisk-plot.py, is looked up relative to the running binary
 * (/proc/self/exe), so no path is compiled in:
 *   PREFIX/share/mcrisk/mcrisk-plot.py   installed as PREFIX/bin/mcrisk
 *   ROOT/scripts/mcrisk-plot.py          the source tree, as ROOT/build/mcrisk
 * Python is /usr/bin/python3, where Debian's python3-matplotlib, -h5py and
 * -pandas live; MCRISK_PYTHON names another interpreter. When either is
 * missing the command says what it looked for (exit 1).
 */
#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/cli.h"
#include "engine/commands.h"
#include "results/h5read.h"

extern char **environ;

#define SCRIPT "mcrisk-plot.py"
#define DEFAULT_PYTHON "/usr/bin/python3"

static const char HELP[] =
    "usage: mcrisk plot OUT.h5 -o DIR\n"
    "\n"
    "Write PNG charts (1000 x 600 pixels) of a results file into DIR (created\n"
    "when its parent exists):\n"
    "  online_gpus_fan.png    online GPUs per strategy by month, P10-P90 band, P50 line\n"
    "  cost_npv_scurve.png    cumulative distribution of cost_npv per strategy\n"
    "                         (from the samples of --save-samples, else through\n"
    "                         the stored percentiles)\n"
    "  cost_npv_tornado.png   rank correlation of cost_npv with each driver\n"
    "  energy_price_fan.png   energy price per region by month\n"
    "\n"
    "Needs Python 3 with matplotlib, h5py and pandas: " DEFAULT_PYTHON ", or the\n"
    "interpreter named by MCRISK_PYTHON.\n"
    "\n"
    "exit status: 0 written, 1 write failure or Python missing, 2 bad usage or\n"
    "not an mcrisk results file of schema 1\n";

/* ---- finding the script ----------------------------------------------------------- */

/* Put the path of the plotting script into buf (len bytes). MCR_OK, or
 * MCR_ERUNTIME with a message naming the places looked at. */
static mcr_status_t find_script(char *buf, size_t len, mcr_err_t *err)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return mcr_fail(err, MCR_ERUNTIME,
                        "mcrisk: error: plot: cannot find the running binary (/proc/self/exe: %s), "
                        "so not %s either", strerror(errno), SCRIPT);
    exe[n] = '\0';
    for (int up = 0; up < 2; up++) {        /* PREFIX/bin/mcrisk -> PREFIX */
        char *slash = strrchr(exe, '/');
        if (slash)
            *slash = '\0';
    }
    const char *const rel[] = {"share/mcrisk/" SCRIPT, "scripts/" SCRIPT};
    char tried[2][PATH_MAX + 64];
    for (int i = 0; i < 2; i++) {
        snprintf(tried[i], sizeof tried[i], "%s/%s", exe, rel[i]);
        if (access(tried[i], R_OK) == 0) {
            if (strlen(tried[i]) >= len)
                break;
            strcpy(buf, tried[i]);
            return MCR_OK;
        }
    }
    return mcr_fail(err, MCR_ERUNTIME,
                    "mcrisk: error: plot: %s not found (looked for %s and %s); "
                    "install it with `make install` or run mcrisk from its source tree",
                    SCRIPT, tried[0], tried[1]);
}

/* ---- the output directory ------------------------------------------------------------ */

static mcr_status_t prepare_dir(const char *dir, mcr_err_t *err)
{
    struct stat sb;
    if (stat(dir, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode))
            return mcr_fail(err, MCR_EINPUT, "mcrisk: error: -o: %s exists and is not a directory", dir);
    } else if (errno != ENOENT || mkdir(dir, 0777) != 0) {
        return mcr_fail(err, MCR_EINPUT, "mcrisk: error: -o: cannot create %s: %s", dir,
                        strerror(errno));
    }
    if (access(dir, W_OK | X_OK) != 0)
        return mcr_fail(err, MCR_EINPUT, "mcrisk: error: -o: %s is not writable: %s", dir,
                        strerror(errno));
    return MCR_OK;
}

/* ---- running Python -------------------------------------------------------------------- */

/* Run python script file -o dir and return its exit status (or 1 with a
 * message when it cannot be started or dies of a signal). */
static int run_script(const char *python, const char *script, const char *file, const char *dir)
{
    if (access(python, X_OK) != 0) {
        fprintf(stderr, "mcrisk: error: plot needs Python 3 with matplotlib, h5py and pandas: "
                        "%s: %s (set MCRISK_PYTHON to use another interpreter)\n",
                python, strerror(errno));
        return 1;
    }
    char *const args[] = {(char *)python, (char *)script, (char *)file, "-o", (char *)dir, NULL};
    fflush(stdout);
    fflush(stderr);
    pid_t pid;
    int rc = posix_spawn(&pid, python, NULL, NULL, args, environ);
    if (rc != 0) {
        fprintf(stderr, "mcrisk: error: plot: cannot start %s: %s\n", python, strerror(rc));
        return 1;
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "mcrisk: error: plot: waiting for %s: %s\n", python, strerror(errno));
            return 1;
        }
    if (WIFEXITED(status))
        return WEXITSTATUS(status) <= 2 ? WEXITSTATUS(status) : 1;
    fprintf(stderr, "mcrisk: error: plot: %s %s stopped by signal %d\n", python, script,
            WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return 1;
}

/* ---- the command -------------------------------------------------------------------------- */

int mcr_cmd_plot(int argc, char **argv)
{
    const char *file = NULL, *dir = NULL;
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
            int got = mcr_cli_opt(argc, argv, &i, "-o", &dir, &err);
            if (got == 0)
                got = mcr_cli_opt(argc, argv, &i, "--output", &dir, &err);
            if (got < 0)
                return mcr_cli_report(MCR_EINPUT, &err);
            if (got > 0)
                continue;
            if (a[0] == '-' && a[1] != '\0') {
                fprintf(stderr, "mcrisk: error: %s: unknown option (try mcrisk plot --help)\n", a);
                return 2;
            }
        }
        if (file) {
            fprintf(stderr, "mcrisk: error: plot: takes one OUT.h5, got '%s' as well\n", a);
            return 2;
        }
        file = a;
    }
    if (!file || !dir) {
        fprintf(stderr, "mcrisk: error: plot: needs %s (try mcrisk plot --help)\n",
                !file ? "an OUT.h5" : "-o DIR");
        return 2;
    }
    if (!dir[0]) {
        fputs("mcrisk: error: -o: needs a directory name\n", stderr);
        return 2;
    }

    mcr_h5_file_t f;
    mcr_status_t st = mcr_h5_read(file, 0, &f, &err);
    mcr_h5_file_free(&f);
    if (st)
        return mcr_cli_report(st, &err);
    char script[PATH_MAX];
    st = prepare_dir(dir, &err);
    if (!st)
        st = find_script(script, sizeof script, &err);
    if (st)
        return mcr_cli_report(st, &err);
    const char *python = getenv("MCRISK_PYTHON");
    return run_script(python && python[0] ? python : DEFAULT_PYTHON, script, file, dir);
}
