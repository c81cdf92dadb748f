/* cmd_run.c -- `mcrisk run`: simulate a scenario and write its HDF5 results.
 *
 * The order of work is the order of what can go wrong, cheapest first, so a
 * bad request costs nothing and touches nothing:
 *   1. arguments (exit 2), 2. the scenario (exit 2), 3. the output path
 *   (exit 2), 4. the memory estimate (exit 1), 5. the disk space for samples
 *   (exit 2), then 6. simulate, 7. reduce, 8. write a temporary file and
 *   rename it over OUT. A signal or failure in 6-8 removes the temporary
 *   file; OUT is never half-written.
 *
 * Under MPI (mpirun -np P) every rank runs this function. Rank 0 alone
 * reads and validates the scenario (or OLD.h5), checks OUT and the disk,
 * and broadcasts the scenario's bytes, seed and trials; every rank checks
 * its own memory (ranks on one node together), simulates its share of the
 * blocks and takes part in the reduction; rank 0 alone prints and writes the
 * file, fetching --save-samples piece by piece from the ranks that hold
 * them. After each step the ranks agree on one status (engine/par.h), so a
 * failure on any rank stops all of them at the same point with one message,
 * printed by rank 0, and the same exit status.
 */
#include <omp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/cli.h"
#include "engine/commands.h"
#include "engine/output.h"
#include "engine/par.h"
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
    /* omp_get_max_threads() honours OMP_NUM_THREADS; without it, all cores
     * this process may run on (under mpirun, those it is bound to) */
    return getenv("OMP_NUM_THREADS") ? omp_get_max_threads() : omp_get_num_procs();
}

/* ---- steps that rank 0 does for all -------------------------------------------------- */

/* Rank 0 prints what every rank agreed on (the message may come from
 * another rank); the others print nothing. */
static int report(mcr_status_t st, const mcr_err_t *err)
{
    if (mcr_par_rank() == 0 && err->msg[0])
        fprintf(stderr, "%s\n", err->msg);
    return (int)st;
}

/* Rank 0 reads and validates the scenario (printing its errors) and applies
 * -n and --seed; then every other rank gets the same bytes, seed and trials
 * and parses them itself. Every rank returns the same status. */
static mcr_status_t load_scenario(const run_opts_t *o, mcr_scenario_t *sc, mcr_err_t *err)
{
    const char *name = o->from ? o->from : o->scenario;
    mcr_diag_t diag = {0};
    mcr_status_t st = MCR_OK;
    memset(sc, 0, sizeof *sc);
    if (mcr_par_rank() == 0) {
        if (o->from)
            st = mcr_rerun_load(o->from, sc, &diag, err);
        else
            st = mcr_scenario_load(o->scenario, sc, &diag);
        if (st != MCR_OK) {
            if (err->msg[0])
                fprintf(stderr, "%s\n", err->msg);
            mcr_diag_print(stderr, name, &diag);
            err->msg[0] = '\0';     /* printed */
        } else if ((o->trials && mcr_parse_trials("-n", o->trials, &sc->trials, err) != MCR_OK)
                   || (o->seed && mcr_parse_seed("--seed", o->seed, &sc->seed, err) != MCR_OK)) {
            st = MCR_EINPUT;
        }
        mcr_diag_free(&diag);
    }
    if ((st = mcr_par_agree(st, err)) != MCR_OK || mcr_par_size() == 1) {
        if (st != MCR_OK)
            mcr_scenario_free(sc);
        return st;
    }

    uint64_t head[3] = {sc->text_len, sc->seed, (uint64_t)sc->trials};
    mcr_par_bcast(head, sizeof head);
    char *text = mcr_par_rank() == 0 ? sc->text : malloc(head[0] + 1);
    int good = text != NULL;
    if (!good)
        mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory receiving the scenario");
    if ((st = mcr_par_all_ok(good, err)) != MCR_OK) {
        if (mcr_par_rank() == 0)
            mcr_scenario_free(sc);
        else
            free(text);
        return mcr_par_agree(st, err);
    }
    mcr_par_bcast(text, head[0]);
    if (mcr_par_rank() != 0) {
        st = mcr_scenario_parse(name, text, head[0], sc, &diag);
        if (st != MCR_OK)
            mcr_fail(err, st, "%s", diag.n ? diag.msg[0] : "mcrisk: error: scenario refused on a peer");
        sc->seed = head[1];
        sc->trials = (int64_t)head[2];
        mcr_diag_free(&diag);
        free(text);
    }
    st = mcr_par_agree(st, err);
    if (st != MCR_OK)
        mcr_scenario_free(sc);
    return st;
}

/* Whether this rank's share of the run, together with the other ranks on
 * its node, fits the node's available memory (SPEC 4: say how much it needs
 * and how many trials would fit). */
static mcr_status_t check_memory(const mcr_scenario_t *sc, int64_t count, int threads,
                                 mcr_err_t *err)
{
    mcr_plan_mem_t need;
    mcr_plan_memory(&sc->model, count, threads, sc->npercentiles, &need);
    int on_node;
    uint64_t total = mcr_par_node_sum(need.total, &on_node);
    uint64_t fixed = mcr_par_node_sum(need.fixed, &on_node);
    uint64_t trials = mcr_par_node_sum((uint64_t)count, &on_node);
    uint64_t avail = mcr_plan_mem_available();
    if (!avail || total <= avail)
        return MCR_OK;
    char a[32], b[32], c[32], f[32];
    int64_t fit = avail > fixed ? (int64_t)((avail - fixed) / need.per_trial) : 0;
    if (mcr_par_size() == 1)
        return mcr_fail(err, MCR_ERUNTIME,
                        "mcrisk: error: %s trials need about %s of memory but %s is available; "
                        "about %s trials would fit (-n)",
                        mcr_thousands(sc->trials, c), mcr_plan_bytes_str(total, a, sizeof a),
                        mcr_plan_bytes_str(avail, b, sizeof b), mcr_thousands(fit, f));
    char host[256] = "?";
    gethostname(host, sizeof host - 1);
    /* the node's trials scale with the run's */
    double scale = trials ? (double)sc->trials / (double)trials : 0.0;
    return mcr_fail(err, MCR_ERUNTIME,
                    "mcrisk: error: %s trials need about %s of memory on %s (%d rank%s there) but "
                    "%s is available; about %s trials would fit (-n)",
                    mcr_thousands(sc->trials, c), mcr_plan_bytes_str(total, a, sizeof a), host,
                    on_node, on_node == 1 ? "" : "s", mcr_plan_bytes_str(avail, b, sizeof b),
                    mcr_thousands((int64_t)((double)fit * scale), f));
}

/* Rank 0's source of /samples: a piece of one output's row from every rank
 * that holds part of it. A signal stops the writing between pieces. */
typedef struct {
    const double *out;      /* this rank's per-trial outputs (mcr_sim_t.out) */
    int64_t       trials;   /* in the run */
    int           S;
} pieces_t;

static mcr_status_t fetch_piece(void *ctx, int k, int s, int64_t first, int64_t n, double *buf,
                                mcr_err_t *err)
{
    const pieces_t *p = ctx;
    int sig = mcr_signal_caught();
    if (sig)
        return sig == SIGINT ? MCR_EINTR : MCR_ETERM;
    mcr_par_pieces_get(p->trials, p->out, (int64_t)k * p->S + s, first, n, buf);
    return MCR_OK;
}

/* A signal caught on any rank, as every rank's status. */
static mcr_status_t signal_status(mcr_status_t st, mcr_err_t *err)
{
    int sig = mcr_signal_caught();
    if (st == MCR_OK && sig)
        st = sig == SIGINT ? MCR_EINTR : MCR_ETERM;
    return mcr_par_agree(st, err);
}

/* ---- the command ------------------------------------------------------------------ */

static int run(int argc, char **argv)
{
    run_opts_t o;
    mcr_err_t err = {{0}};
    int help, root = mcr_par_rank() == 0, ranks = mcr_par_size();
    mcr_status_t st = parse_args(argc, argv, &o, &help, &err);
    if (st != MCR_OK)
        return report(st, &err);
    if (help) {
        if (root)
            fputs(USAGE, stdout);
        return 0;
    }

    /* the scenario, and the overrides by the same rules */
    mcr_scenario_t sc;
    if ((st = load_scenario(&o, &sc, &err)) != MCR_OK)
        return report(st, &err);

    /* the output path, checked where it will be written */
    char *out = o.out ? strdup(o.out)
              : default_out(o.from ? o.from : o.scenario, o.from ? "-rerun.h5" : ".h5");
    if (!out)
        st = mcr_fail(&err, MCR_ERUNTIME, "mcrisk: error: out of memory");
    else if (root)
        st = mcr_output_check(out, o.force, &err);
    if ((st = mcr_par_agree(st, &err)) != MCR_OK) {
        free(out);
        mcr_scenario_free(&sc);
        return report(st, &err);
    }

    /* memory on every node, and disk for samples where rank 0 writes,
     * before allocating anything; threads per rank as rank 0 sees them */
    int threads = o.threads ? o.threads : default_threads();
    mcr_par_bcast(&threads, sizeof threads);
    int64_t first, count;
    mcr_par_share(sc.trials, mcr_par_rank(), &first, &count);
    st = mcr_par_agree(check_memory(&sc, count, threads, &err), &err);
    if (st == MCR_OK && o.save_samples && root) {
        uint64_t per_trial = 8u * ((uint64_t)MCR_NOUT * (uint64_t)sc.model.nstrategies + 1);
        uint64_t n = (uint64_t)sc.trials;
        uint64_t bytes = n > UINT64_MAX / per_trial ? UINT64_MAX : per_trial * n;
        uint64_t disk = mcr_output_free_bytes(out);
        if (disk && bytes > disk) {
            char a[32], b[32];
            st = mcr_fail(&err, MCR_EINPUT,
                          "%s: error: --save-samples needs about %s but the file system has %s free",
                          out, mcr_plan_bytes_str(bytes, a, sizeof a),
                          mcr_plan_bytes_str(disk, b, sizeof b));
        }
    }
    if ((st = mcr_par_agree(st, &err)) != MCR_OK) {
        free(out);
        mcr_scenario_free(&sc);
        return report(st, &err);
    }

    /* simulate this rank's share */
    mcr_signals_install();
    double t0 = mcr_now();
    mcr_progress_t prog;
    mcr_progress_start(&prog, sc.trials, o.quiet || !root);
    mcr_sim_t sim;
    mcr_results_t res;
    mcr_output_t file = {0};
    memset(&res, 0, sizeof res);
    char *cmdline = join_command_line(argc, argv);
    st = mcr_par_agree(mcr_sim_alloc(&sim, &sc.model, sc.seed, first, count, &err), &err);
    if (st == MCR_OK)
        st = mcr_sim_run(&sim, threads, &prog, &err);
    mcr_progress_finish(&prog);
    double t1 = mcr_now();

    /* reduce over threads and ranks, then rank 0 writes under a temporary
     * name and renames into place */
    if (st == MCR_OK)
        st = mcr_reduce(&sim, &sc, threads, &res, &err);
    double t2 = mcr_now();
    if (st == MCR_OK && !cmdline)
        st = mcr_fail(&err, MCR_ERUNTIME, "mcrisk: error: out of memory");
    st = signal_status(st, &err);
    if (st == MCR_OK) {
        char created[32];
        time_t now = time(NULL);
        strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
        mcr_par_bcast(created, sizeof created);
        res.run = (mcr_run_record_t){
            .mcrisk_version = MCR_VERSION, .git_commit = MCR_GIT_COMMIT,
            .seed = sc.seed, .trials = sc.trials, .horizon_months = sc.model.horizon,
            .threads = threads, .ranks = ranks, .created_utc = created,
            .command_line = cmdline, .scenario_text = sc.text,
            .scenario_len = sc.text_len, .scenario_sha256 = sc.sha256};
        int pieces = o.save_samples && ranks > 1;
        pieces_t src = {.out = sim.out, .trials = sc.trials, .S = sc.model.nstrategies};
        res.samples = o.save_samples && !pieces ? sim.out : NULL;
        if (root) {
            st = mcr_output_begin(&file, out, &err);
            if (st == MCR_OK && pieces)
                st = mcr_h5_write_pieces(file.tmp, out, &res, fetch_piece, &src, &err);
            else if (st == MCR_OK)
                st = mcr_h5_write(file.tmp, out, &res, &err);
            if (pieces)
                mcr_par_pieces_end();
        } else if (pieces) {
            mcr_par_pieces_serve(sc.trials, sim.out);
        }
        st = signal_status(st, &err);
        if (st == MCR_OK && root)
            st = mcr_output_commit(&file, &err);
        st = mcr_par_agree(st, &err);
    }
    double t3 = mcr_now();
    if (root)
        mcr_output_abort(&file);

    if (st == MCR_EINTR || st == MCR_ETERM) {
        char d[32], n[32];
        int sig = st == MCR_EINTR ? SIGINT : SIGTERM;
        if (root)
            fprintf(stderr, "mcrisk: %s: stopped after %s of %s trials; %s not written\n",
                    mcr_signal_name(sig), mcr_thousands(sim.done, d), mcr_thousands(sc.trials, n),
                    out);
        st = (mcr_status_t)mcr_signal_status(sig);
    } else if (st != MCR_OK) {
        report(st, &err);
    } else if (root) {
        mcr_report_table(stdout, &res);
        if (!o.quiet) {
            char n[32], r[32], who[48];
            if (ranks == 1)
                snprintf(who, sizeof who, "%d thread%s", threads, threads == 1 ? "" : "s");
            else
                snprintf(who, sizeof who, "%d ranks x %d thread%s", ranks, threads,
                         threads == 1 ? "" : "s");
            fprintf(stderr, "mcrisk: wrote %s: %s trials on %s in %.2f s "
                    "(%s trials/s; simulation %.2f s, statistics %.2f s, writing %.2f s)\n",
                    out, mcr_thousands(sc.trials, n), who,
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

int mcr_cmd_run(int argc, char **argv)
{
    mcr_err_t err = {{0}};
    mcr_status_t st = mcr_par_init(&err);
    if (st != MCR_OK)
        return mcr_cli_report(st, &err);
    int status = run(argc, argv);
    mcr_par_finalize();
    return status;
}
