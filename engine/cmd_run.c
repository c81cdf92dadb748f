/* cmd_run.c -- `mcrisk run`: simulate a scenario and write its HDF5 results.
 *
 * The order of work is the order of what can go wrong, cheapest first, so a
 * bad request costs nothing and touches nothing:
 *   1. arguments (exit 2), 2. the scenario (exit 2), 3. the output path
 *   (exit 2), 4. the memory estimate (exit 1), 5. the disk space for samples
 *   (exit 2), then 6. simulate, 7. reduce, 8. write a temporary file and
 *   rename it over OUT. A signal or failure in 6-8 removes the temporary
 *   file; OUT is never half-written.
 */
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/cli.h"
#include "engine/commands.h"
#include "engine/output.h"
#include "engine/plan.h"
#include "engine/progress.h"
#include "engine/reduce.h"
#include "engine/report.h"
#include "engine/rerun.h"
#include "engine/signals.h"
#include "engine/simulate.h"
#include "git_commit.h"
#include "inputs/scenario.h"
#include "results/h5write.h"

static const char USAGE[] =
    "usage: mcrisk run [SCENARIO.yaml] [-o OUT.h5] [-n TRIALS] [--seed N]\n"
    "                  [--threads N] [--save-samples] [--force] [--quiet]\n"
    "                  [--from OLD.h5]\n"
    "\n"
    "Simulate every trial of SCENARIO and write the statistics to OUT.h5.\n"
    "\n"
    "  -o OUT.h5        output file (default: the scenario's stem + .h5 in the\n"
    "                   current directory); written whole or not at all\n"
    "  -n TRIALS        number of trials (overrides simulation.trials)\n"
    "  --seed N         seed in [0, 2^64-1] (overrides simulation.seed)\n"
    "  --threads N      OpenMP threads (default: OMP_NUM_THREADS, else all cores)\n"
    "  --save-samples   also store every trial's outputs (/samples)\n"
    "  --force          replace OUT if it exists\n"
    "  --quiet          no progress on stderr\n"
    "  --from OLD.h5    rerun OLD.h5's scenario text, seed and trials\n";

typedef struct {
    const char *scenario;
    const char *out;
    const char *trials;
    const char *seed;
    const char *from;
    int threads;            /* 0: default */
    int save_samples, force, quiet;
} run_opts_t;

/* ---- arguments ----------------------------------------------------------------- */

static mcr_status_t parse_args(int argc, char **argv, run_opts_t *o, int *help, mcr_err_t *err)
{
    memset(o, 0, sizeof *o);
    *help = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        int r;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            *help = 1;
            return MCR_OK;
        } else if (!strcmp(a, "--save-samples")) {
            o->save_samples = 1;
        } else if (!strcmp(a, "--force")) {
            o->force = 1;
        } else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            o->quiet = 1;
        } else if ((r = mcr_cli_opt(argc, argv, &i, "-o", &v, err)) != 0) {
            if (r < 0)
                return MCR_EINPUT;
            o->out = v;
        } else if ((r = mcr_cli_opt(argc, argv, &i, "-n", &v, err)) != 0) {
            if (r < 0)
                return MCR_EINPUT;
            o->trials = v;
        } else if ((r = mcr_cli_opt(argc, argv, &i, "--seed", &v, err)) != 0) {
            if (r < 0)
                return MCR_EINPUT;
            o->seed = v;
        } else if ((r = mcr_cli_opt(argc, argv, &i, "--from", &v, err)) != 0) {
            if (r < 0)
                return MCR_EINPUT;
            o->from = v;
        } else if ((r = mcr_cli_opt(argc, argv, &i, "--threads", &v, err)) != 0) {
            long long t;
            if (r < 0 || mcr_cli_int("--threads", v, 1, 4096, &t, err) != MCR_OK)
                return MCR_EINPUT;
            o->threads = (int)t;
        } else if (a[0] == '-' && a[1] != '\0') {
            return mcr_fail(err, MCR_EINPUT, "mcrisk: error: %s: unknown option (try mcrisk run --help)", a);
        } else if (!o->scenario) {
            o->scenario = a;
        } else {
            return mcr_fail(err, MCR_EINPUT, "mcrisk: error: run: unexpected argument '%s'", a);
        }
    }
    if (o->from && o->scenario)
        return mcr_fail(err, MCR_EINPUT,
                        "mcrisk: error: --from: reruns OLD.h5's own scenario; give no SCENARIO with it");
    if (!o->from && !o->scenario)
        return mcr_fail(err, MCR_EINPUT, "mcrisk: error: run: needs SCENARIO.yaml (or --from OLD.h5)");
    return MCR_OK;
}

/* "<stem>.h5" of a path, in the current directory. Caller frees. */
static char *default_out(const char *path, const char *suffix)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    const char *dot = strrchr(base, '.');
    if (dot && dot != base)
        n = (size_t)(dot - base);
    char *out = malloc(n + strlen(suffix) + 1);
    if (out) {
        memcpy(out, base, n);
        strcpy(out + n, suffix);
    }
    return out;
}

/* The command line as one string, arguments with odd characters quoted. */
static char *join_command_line(int argc, char **argv)
{
    size_t n = strlen("mcrisk") + 1;
    for (int i = 0; i < argc; i++)
        n += 2 * strlen(argv[i]) + 3;
    char *s = malloc(n), *p = s;
    if (!s)
        return NULL;
    p += sprintf(p, "mcrisk");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int plain = *a != '\0';
        for (const char *c = a; *c; c++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", *c))
                plain = 0;
        *p++ = ' ';
        if (plain) {
            p += sprintf(p, "%s", a);
        } else {
            *p++ = '\'';
            for (const char *c = a; *c; c++) {
                if (*c == '\'') {
                    memcpy(p, "'\\''", 4);
                    p += 4;
                } else {
                    *p++ = *c;
                }
            }
            *p++ = '\'';
        }
    }
    *p = '\0';
    return s;
}

static int default_threads(void)
{
    /* omp_get_max_threads() honours OMP_NUM_THREADS; without it, all cores */
    return getenv("OMP_NUM_THREADS") ? omp_get_max_threads() : omp_get_num_procs();
}

/* ---- the command ------------------------------------------------------------------ */

int mcr_cmd_run(int argc, char **argv)
{
    run_opts_t o;
    mcr_err_t err = {{0}};
    int help;
    mcr_status_t st = parse_args(argc, argv, &o, &help, &err);
    if (st != MCR_OK)
        return mcr_cli_report(st, &err);
    if (help) {
        fputs(USAGE, stdout);
        return 0;
    }

    /* the scenario, and the overrides by the same rules */
    mcr_scenario_t sc;
    mcr_diag_t diag = {0};
    memset(&sc, 0, sizeof sc);
    if (o.from) {
        st = mcr_rerun_load(o.from, &sc, &diag, &err);
    } else {
        st = mcr_scenario_load(o.scenario, &sc, &diag);
    }
    if (st != MCR_OK) {
        if (err.msg[0])
            fprintf(stderr, "%s\n", err.msg);
        mcr_diag_print(stderr, o.from ? o.from : o.scenario, &diag);
        mcr_diag_free(&diag);
        return (int)st;
    }
    if ((o.trials && mcr_parse_trials("-n", o.trials, &sc.trials, &err) != MCR_OK)
        || (o.seed && mcr_parse_seed("--seed", o.seed, &sc.seed, &err) != MCR_OK)) {
        mcr_scenario_free(&sc);
        return mcr_cli_report(MCR_EINPUT, &err);
    }

    /* the output path */
    char *out = o.out ? strdup(o.out)
              : default_out(o.from ? o.from : o.scenario, o.from ? "-rerun.h5" : ".h5");
    if (!out || (st = mcr_output_check(out, o.force, &err)) != MCR_OK) {
        if (!out)
            st = mcr_fail(&err, MCR_ERUNTIME, "mcrisk: error: out of memory");
        free(out);
        mcr_scenario_free(&sc);
        return mcr_cli_report(st, &err);
    }

    /* memory and disk, before allocating anything */
    int threads = o.threads ? o.threads : default_threads();
    mcr_plan_mem_t need;
    mcr_plan_memory(&sc.model, sc.trials, threads, sc.npercentiles, &need);
    uint64_t avail = mcr_plan_mem_available();
    if (avail && need.total > avail) {
        char a[32], b[32], c[32], f[32];
        int64_t fit = avail > need.fixed ? (int64_t)((avail - need.fixed) / need.per_trial) : 0;
        fprintf(stderr, "mcrisk: error: %s trials need about %s of memory but %s is available; "
                "about %s trials would fit (-n)\n",
                mcr_thousands(sc.trials, c), mcr_plan_bytes_str(need.total, a, sizeof a),
                mcr_plan_bytes_str(avail, b, sizeof b), mcr_thousands(fit, f));
        free(out);
        mcr_scenario_free(&sc);
        return MCR_ERUNTIME;
    }
    if (o.save_samples) {
        uint64_t per_trial = 8u * ((uint64_t)MCR_NOUT * (uint64_t)sc.model.nstrategies + 1);
        uint64_t n = (uint64_t)sc.trials;
        uint64_t bytes = n > UINT64_MAX / per_trial ? UINT64_MAX : per_trial * n;
        uint64_t disk = mcr_output_free_bytes(out);
        if (disk && bytes > disk) {
            char a[32], b[32];
            fprintf(stderr, "%s: error: --save-samples needs about %s but the file system has %s free\n",
                    out, mcr_plan_bytes_str(bytes, a, sizeof a), mcr_plan_bytes_str(disk, b, sizeof b));
            free(out);
            mcr_scenario_free(&sc);
            return MCR_EINPUT;
        }
    }

    /* simulate */
    mcr_signals_install();
    double t0 = mcr_now();
    mcr_progress_t prog;
    mcr_progress_start(&prog, sc.trials, o.quiet);
    mcr_sim_t sim;
    mcr_results_t res;
    mcr_output_t file = {0};
    memset(&res, 0, sizeof res);
    char *cmdline = join_command_line(argc, argv);
    st = mcr_sim_alloc(&sim, &sc.model, sc.seed, 0, sc.trials, &err);
    if (st == MCR_OK)
        st = mcr_sim_run(&sim, threads, &prog, &err);
    mcr_progress_finish(&prog);
    double t1 = mcr_now();

    /* reduce, then write under a temporary name and rename into place */
    if (st == MCR_OK)
        st = mcr_reduce(&sim, &sc, threads, &res, &err);
    double t2 = mcr_now();
    if (st == MCR_OK && !cmdline)
        st = mcr_fail(&err, MCR_ERUNTIME, "mcrisk: error: out of memory");
    if (st == MCR_OK) {
        char created[32];
        time_t now = time(NULL);
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
        res.run = (mcr_run_record_t){
            .mcrisk_version = MCR_VERSION, .git_commit = MCR_GIT_COMMIT,
            .seed = sc.seed, .trials = sc.trials, .horizon_months = sc.model.horizon,
            .threads = threads, .ranks = 1, .created_utc = created,
            .command_line = cmdline, .scenario_text = sc.text,
            .scenario_len = sc.text_len, .scenario_sha256 = sc.sha256};
        res.samples = o.save_samples ? sim.out : NULL;
        st = mcr_output_begin(&file, out, &err);
        if (st == MCR_OK)
            st = mcr_h5_write(file.tmp, out, &res, &err);
        if (st == MCR_OK && mcr_signal_caught())
            st = mcr_signal_caught() == SIGINT ? MCR_EINTR : MCR_ETERM;
        if (st == MCR_OK)
            st = mcr_output_commit(&file, &err);
    }
    double t3 = mcr_now();
    mcr_output_abort(&file);

    if (st == MCR_EINTR || st == MCR_ETERM) {
        char d[32], n[32];
        int sig = mcr_signal_caught();
        fprintf(stderr, "mcrisk: %s: stopped after %s of %s trials; %s not written\n",
                mcr_signal_name(sig), mcr_thousands(sim.done, d), mcr_thousands(sc.trials, n), out);
        st = (mcr_status_t)mcr_signal_status(sig);
    } else if (st != MCR_OK) {
        fprintf(stderr, "%s\n", err.msg);
    } else {
        mcr_report_table(stdout, &res);
        if (!o.quiet) {
            char n[32], r[32];
            fprintf(stderr, "mcrisk: wrote %s: %s trials on %d thread%s in %.2f s "
                    "(%s trials/s; simulation %.2f s, statistics %.2f s, writing %.2f s)\n",
                    out, mcr_thousands(sc.trials, n), threads, threads == 1 ? "" : "s",
                    t3 - t0, mcr_thousands((int64_t)((double)sc.trials / (t3 - t0)), r),
                    t1 - t0, t2 - t1, t3 - t2);
        }
    }
    free(cmdline);
    mcr_results_free(&res);
    mcr_sim_free(&sim);
    mcr_scenario_free(&sc);
    free(out);
    return (int)st;
}
