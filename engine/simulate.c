/* simulate.c -- the parallel trial loop (see simulate.h for the contract).
 *
 * Threads share nothing mutable while they run: each owns a workspace for
 * the trial kernel, its block partial sums, its exact accumulators, its
 * counts and its sketch, all allocated before the parallel region (so the
 * per-trial path allocates nothing but the odd sketch page). Per-trial
 * outputs go straight into the process-wide arrays at the trial's own index.
 * After the loop the per-thread state is merged into the mcr_sim_t; every
 * merge is exact, so the merge order is irrelevant.
 *
 * Stopping: a signal, a non-finite result or a failed allocation sets a
 * shared flag; every thread checks it before each block (a few ms of work),
 * so the run winds down within one block per thread.
 *
 * Ranks: the master thread polls the watch of engine/par.h after each of
 * its blocks (and, once out of blocks, until every rank is done): the
 * rounds carry every rank's stop flag to all and the trials done to rank
 * 0's progress display. Every rank leaves the watch in the same round, then
 * the ranks agree on the outcome (lowest non-finite trial, lack of memory,
 * signal) with one reduction, so all return the same status.
 */
#include "engine/simulate.h"

#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/par.h"
#include "engine/signals.h"
#include "kernels/rng.h"
#include "kernels/trial.h"

/* ---- per-thread state ------------------------------------------------------ */

typedef struct {
    mcr_rng_t        rng;
    void            *work_mem;  /* backing store of work */
    mcr_trial_work_t work;
    double          *o_out;     /* [MCR_NOUT*S] */
    double          *o_comp;    /* [S*MCR_NCOMP] */
    double          *o_driver;  /* [D] */
    mcr_trial_out_t  o;
    double          *p1, *p2;   /* [ncells] this block's shifted sums */
    double          *pb;        /* [S*MCR_NCOMP] this block's breakdown sums */
    double          *batch;     /* [MCR_BATCH * ncells] cell values of recent trials */
    int              nbatch;    /* trials in batch */
    mcr_sketch_stage_t *stage;  /* 16-bit front end of sketch, flushed into it */
    uint32_t         staged;    /* trials added to stage since its last flush */
    mcr_sketch_t    *sketch;
    mcr_xsum_t      *sum1, *sum2, *bsum;
    uint64_t        *regime, *best, *cheaper;
    int64_t          bad_trial; /* lowest non-finite trial seen, or -1 */
    int              nomem;     /* a sketch allocation failed */
} worker_t;

static void worker_free(worker_t *w)
{
    free(w->work_mem);
    free(w->o_out), free(w->o_comp), free(w->o_driver);
    free(w->p1), free(w->p2), free(w->pb);
    free(w->batch);
    mcr_sketch_stage_free(w->stage);
    mcr_sketch_free(w->sketch);
    free(w->sum1), free(w->sum2), free(w->bsum);
    free(w->regime), free(w->best), free(w->cheaper);
    memset(w, 0, sizeof *w);
}

static int worker_alloc(worker_t *w, const mcr_model_t *m, size_t ncells)
{
    size_t S = (size_t)m->nstrategies, D = (size_t)m->ndrivers;
    size_t K = (size_t)m->nregimes, H = (size_t)m->horizon;
    size_t nb = S * MCR_NCOMP;
    memset(w, 0, sizeof *w);
    w->bad_trial = -1;
    w->work_mem = aligned_alloc(64, (mcr_trial_work_bytes(m) + 63) / 64 * 64);
    w->o_out = calloc(MCR_NOUT * S, sizeof(double));
    w->o_comp = calloc(nb, sizeof(double));
    w->o_driver = calloc(D ? D : 1, sizeof(double));
    w->p1 = calloc(ncells, sizeof(double));
    w->p2 = calloc(ncells, sizeof(double));
    w->pb = calloc(nb, sizeof(double));
    w->batch = malloc((size_t)MCR_BATCH * ncells * sizeof(double));
    w->stage = mcr_sketch_stage_new(ncells);
    w->sketch = mcr_sketch_new(ncells);
    w->sum1 = malloc(ncells * sizeof(mcr_xsum_t));
    w->sum2 = malloc(ncells * sizeof(mcr_xsum_t));
    w->bsum = malloc(nb * sizeof(mcr_xsum_t));
    w->regime = calloc(K * H, sizeof(uint64_t));
    w->best = calloc(S, sizeof(uint64_t));
    w->cheaper = calloc(S * S, sizeof(uint64_t));
    if (!w->work_mem || !w->o_out || !w->o_comp || !w->o_driver || !w->p1 || !w->p2
        || !w->pb || !w->batch || !w->stage || !w->sketch || !w->sum1 || !w->sum2 || !w->bsum || !w->regime
        || !w->best || !w->cheaper) {
        worker_free(w);
        return -1;
    }
    mcr_trial_work_bind(&w->work, m, w->work_mem);
    w->o.out = w->o_out;
    w->o.breakdown = w->o_comp;
    w->o.driver = w->o_driver;
    for (size_t c = 0; c < ncells; c++) {
        mcr_xsum_init(&w->sum1[c]);
        mcr_xsum_init(&w->sum2[c]);
    }
    for (size_t c = 0; c < nb; c++)
        mcr_xsum_init(&w->bsum[c]);
    return 0;
}

/* Point the trial kernel's per-month outputs at slot j of the batch. The
 * cells are numbered exactly as the kernel lays out paths, then prices, then
 * fills (simulate.h), so slot j holds trial j's value of cell c at
 * batch[j * ncells + c] without a copy. */
static void bind_slot(worker_t *w, const mcr_model_t *m, size_t ncells, int j)
{
    double *slot = w->batch + (size_t)j * ncells;
    w->work.path = slot + mcr_cell_path(m, 0, 0, 0);
    w->work.price = slot + mcr_cell_price(m, 0, 0);
    w->work.fill = slot + mcr_cell_fill(m, 0);
}

/* ---- allocation ---------------------------------------------------------------- */

mcr_status_t mcr_sim_alloc(mcr_sim_t *sim, const mcr_model_t *m, uint64_t seed,
                           int64_t first, int64_t count, mcr_err_t *err)
{
    size_t S = (size_t)m->nstrategies, D = (size_t)m->ndrivers;
    size_t K = (size_t)m->nregimes, H = (size_t)m->horizon;
    size_t n = (size_t)count, nb = S * MCR_NCOMP;
    memset(sim, 0, sizeof *sim);
    sim->model = m;
    sim->seed = seed;
    sim->first = first;
    sim->count = count;
    sim->bad_trial = -1;
    sim->ncells = mcr_cell_count(m);
    /* sizes that would wrap size_t are out of memory, not small */
    int fits = n <= (SIZE_MAX / sizeof(double) - 1) / (MCR_NOUT * S)
        && (D == 0 || n <= (SIZE_MAX / sizeof(double) - 1) / D);
    sim->out = fits ? malloc((MCR_NOUT * S * n + 1) * sizeof(double)) : NULL;
    sim->driver = fits ? malloc((D * n + 1) * sizeof(double)) : NULL;
    sim->sketch = mcr_sketch_new(sim->ncells);
    sim->shift = calloc(sim->ncells, sizeof(double));
    sim->sum1 = malloc(sim->ncells * sizeof(mcr_xsum_t));
    sim->sum2 = malloc(sim->ncells * sizeof(mcr_xsum_t));
    sim->breakdown = malloc(nb * sizeof(mcr_xsum_t));
    sim->regime = calloc(K * H, sizeof(uint64_t));
    sim->best = calloc(S, sizeof(uint64_t));
    sim->cheaper = calloc(S * S, sizeof(uint64_t));
    if (!sim->out || !sim->driver || !sim->sketch || !sim->shift || !sim->sum1
        || !sim->sum2 || !sim->breakdown || !sim->regime || !sim->best || !sim->cheaper) {
        mcr_sim_free(sim);
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory allocating %lld trials",
                        (long long)count);
    }
    for (size_t c = 0; c < sim->ncells; c++) {
        mcr_xsum_init(&sim->sum1[c]);
        mcr_xsum_init(&sim->sum2[c]);
    }
    for (size_t c = 0; c < nb; c++)
        mcr_xsum_init(&sim->breakdown[c]);
    return MCR_OK;
}

void mcr_sim_free(mcr_sim_t *sim)
{
    if (!sim)
        return;
    free(sim->out);
    free(sim->driver);
    mcr_sketch_free(sim->sketch);
    free(sim->shift);
    free(sim->sum1);
    free(sim->sum2);
    free(sim->breakdown);
    free(sim->regime);
    free(sim->best);
    free(sim->cheaper);
    memset(sim, 0, sizeof *sim);
}

/* ---- one trial -------------------------------------------------------------------- */

static int all_finite(const double *x, size_t n)
{
    int ok = 1;
    for (size_t i = 0; i < n; i++)
        ok &= isfinite(x[i]);
    return ok;
}

/* Run trial `trial` into slot w->nbatch of the worker's batch (its cells:
 * paths, prices, fills) and fold its scalars into w and the per-trial
 * arrays. 0 when a scalar result is not finite. */
static int one_trial(mcr_sim_t *sim, worker_t *w, const mcr_stream_base_t *base, int64_t trial)
{
    const mcr_model_t *m = sim->model;
    int S = m->nstrategies, D = m->ndrivers, H = m->horizon;
    size_t li = (size_t)(trial - sim->first), n = (size_t)sim->count;

    bind_slot(w, m, sim->ncells, w->nbatch);
    mcr_stream_trial(&w->rng, base, (uint64_t)trial);
    mcr_trial_run(&w->rng, m, &w->work, &w->o);
    w->nbatch++;

    if (!(all_finite(w->o.out, (size_t)MCR_NOUT * (size_t)S)
          && all_finite(w->o.breakdown, (size_t)S * MCR_NCOMP)
          && all_finite(w->o.driver, (size_t)D)))
        return 0;
    for (int k = 0; k < MCR_NOUT * S; k++)
        sim->out[(size_t)k * n + li] = w->o.out[k];
    for (int d = 0; d < D; d++)
        sim->driver[(size_t)d * n + li] = w->o.driver[d];
    for (int c = 0; c < S * MCR_NCOMP; c++)
        w->pb[c] += w->o.breakdown[c];
    for (int t = 0; t < H; t++)
        w->regime[(size_t)w->work.regime[t] * (size_t)H + (size_t)t]++;
    w->best[w->o.best]++;
    const double *npv = w->o.out + (size_t)MCR_OUT_COST_NPV * (size_t)S;
    for (int s = 0; s < S; s++)
        for (int v = 0; v < S; v++)
            w->cheaper[s * S + v] += npv[s] < npv[v];
    return 1;
}

/* Fold the batch's cells into the block sums and the sketch stage, cell by
 * cell (so each cell's buckets stay in cache for the whole batch), trials in
 * order within each cell (so the block sums are the same additions in the
 * same order as one trial at a time). Returns the batch slot of the first
 * trial with a non-finite cell value, or -1. */
static int flush_batch(worker_t *w, const double *shift, size_t ncells)
{
    int bad = -1, nb = w->nbatch;
    for (size_t c = 0; c < ncells; c++) {
        double a = w->p1[c], b = w->p2[c], sh = shift[c];
        const double *x = w->batch + c;
        int finite = 1;
        for (int j = 0; j < nb; j++) {
            double v = x[(size_t)j * ncells];
            if (!isfinite(v)) {
                bad = bad < 0 || j < bad ? j : bad;
                finite = 0;
                continue;
            }
            double d = v - sh;
            a += d;
            b += d * d;
        }
        w->p1[c] = a;
        w->p2[c] = b;
        if (finite && mcr_sketch_stage_add_many(w->stage, c, x, (size_t)nb, ncells) != MCR_OK)
            w->nomem = 1;
    }
    w->nbatch = 0;
    return bad;
}

/* Empty the worker's 16-bit sketch stage into its full sketch. */
static void flush_stage(worker_t *w)
{
    if (mcr_sketch_stage_flush(w->stage, w->sketch) != MCR_OK)
        w->nomem = 1;
    w->staged = 0;
}

/* Add this block's partial sums into the exact accumulators and reset them. */
static void flush_block(worker_t *w, size_t ncells, size_t nb)
{
    for (size_t c = 0; c < ncells; c++) {
        mcr_xsum_add(&w->sum1[c], w->p1[c]);
        mcr_xsum_add(&w->sum2[c], w->p2[c]);
        w->p1[c] = w->p2[c] = 0;
    }
    for (size_t c = 0; c < nb; c++) {
        mcr_xsum_add(&w->bsum[c], w->pb[c]);
        w->pb[c] = 0;
    }
}

/* ---- the run ------------------------------------------------------------------------ */

/* The shift of every cell: its value in trial 0 of the run. */
static int compute_shift(mcr_sim_t *sim, worker_t *w, const mcr_stream_base_t *base)
{
    const mcr_model_t *m = sim->model;
    int S = m->nstrategies, H = m->horizon, R = m->nregions;
    bind_slot(w, m, sim->ncells, 0);
    mcr_stream_trial(&w->rng, base, 0);
    mcr_trial_run(&w->rng, m, &w->work, &w->o);
    for (int s = 0; s < S; s++)
        for (int p = 0; p < MCR_NPATH; p++)
            for (int t = 0; t < H; t++)
                sim->shift[mcr_cell_path(m, s, p, t)] =
                    w->work.path[((size_t)s * MCR_NPATH + (size_t)p) * (size_t)H + (size_t)t];
    for (int r = 0; r < R; r++)
        for (int t = 0; t < H; t++)
            sim->shift[mcr_cell_price(m, r, t)] = w->work.price[(size_t)r * (size_t)H + (size_t)t];
    for (int t = 0; t < H; t++)
        sim->shift[mcr_cell_fill(m, t)] = w->work.fill[t];
    return all_finite(sim->shift, sim->ncells);
}

static mcr_status_t merge_worker(mcr_sim_t *sim, const worker_t *w, mcr_err_t *err)
{
    const mcr_model_t *m = sim->model;
    size_t S = (size_t)m->nstrategies, K = (size_t)m->nregimes, H = (size_t)m->horizon;
    if (mcr_sketch_merge(sim->sketch, w->sketch) != MCR_OK)
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory merging quantile sketches");
    for (size_t c = 0; c < sim->ncells; c++) {
        mcr_xsum_merge(&sim->sum1[c], &w->sum1[c]);
        mcr_xsum_merge(&sim->sum2[c], &w->sum2[c]);
    }
    for (size_t c = 0; c < S * MCR_NCOMP; c++)
        mcr_xsum_merge(&sim->breakdown[c], &w->bsum[c]);
    for (size_t c = 0; c < K * H; c++)
        sim->regime[c] += w->regime[c];
    for (size_t s = 0; s < S; s++)
        sim->best[s] += w->best[s];
    for (size_t c = 0; c < S * S; c++)
        sim->cheaper[c] += w->cheaper[c];
    return MCR_OK;
}

/* The master thread's turn at the watch: its rank's stop flag, whether
 * all its threads are out of blocks, and trials done go in; a stop on any
 * rank comes back, and the run's progress goes to the display. Returns 1
 * when every rank has finished (the watch is over). */
static int watch_turn(atomic_int *stop, atomic_int *out_of_blocks, int threads,
                      atomic_llong *done, mcr_progress_t *progress)
{
    mcr_par_watch_t g;
    int finished = atomic_load(out_of_blocks) == threads;
    if (!mcr_par_watch_poll(atomic_load(stop), finished, (int64_t)atomic_load(done), &g))
        return 0;
    if (g.stop)
        atomic_store(stop, 1);
    if (progress)
        mcr_progress_update(progress, g.done);
    return g.finished;
}

mcr_status_t mcr_sim_run(mcr_sim_t *sim, int threads, mcr_progress_t *progress,
                         mcr_err_t *err)
{
    const mcr_model_t *m = sim->model;
    size_t ncells = sim->ncells, nb = (size_t)m->nstrategies * MCR_NCOMP;
    if (threads < 1)
        threads = 1;
    sim->threads = threads;

    worker_t *ws = calloc((size_t)threads, sizeof *ws);
    int good = ws != NULL;
    for (int t = 0; good && t < threads; t++)
        if (worker_alloc(&ws[t], m, ncells) != 0) {
            for (int u = 0; u < t; u++)
                worker_free(&ws[u]);
            free(ws);
            ws = NULL;
            good = 0;
        }
    if (!good)
        mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory starting %d threads", threads);
    mcr_status_t status = mcr_par_all_ok(good, err);
    if (status != MCR_OK) {
        if (ws)
            for (int t = 0; t < threads; t++)
                worker_free(&ws[t]);
        free(ws);
        return status;
    }

    /* every rank computes trial 0 for the shifts; it fails on all or none */
    mcr_stream_base_t base;
    mcr_stream_base(&base, sim->seed);
    if (!compute_shift(sim, &ws[0], &base)) {
        sim->bad_trial = 0;
        status = MCR_ERUNTIME;
    }

    int64_t first = sim->first, end = sim->first + sim->count;
    int64_t b0 = first / MCR_BLOCK, b1 = (end + MCR_BLOCK - 1) / MCR_BLOCK;
    atomic_int stop = status != MCR_OK, out_of_blocks = 0;
    atomic_llong done = 0;

    /* a rank with no block still takes its turns at the watch */
    if (status == MCR_OK) {
        mcr_par_watch_begin();
#pragma omp parallel num_threads(threads)
        {
            int me = omp_get_thread_num();
            worker_t *w = &ws[me];
#pragma omp for schedule(dynamic, 1) nowait
            for (int64_t b = b0; b < b1; b++) {
                if (atomic_load_explicit(&stop, memory_order_relaxed))
                    continue;
                if (mcr_signal_caught()) {
                    atomic_store(&stop, 1);
                    continue;
                }
                int64_t lo = b * MCR_BLOCK > first ? b * MCR_BLOCK : first;
                int64_t hi = (b + 1) * MCR_BLOCK < end ? (b + 1) * MCR_BLOCK : end;
                if (w->staged + MCR_BLOCK > MCR_SKETCH_STAGE_MAX)
                    flush_stage(w);
                w->staged += (uint32_t)(hi - lo);
                for (int64_t i = lo; i < hi; i++) {
                    int64_t bad = -1;
                    if (!one_trial(sim, w, &base, i))
                        bad = i;
                    if (w->nbatch == MCR_BATCH || i + 1 == hi || bad >= 0) {
                        int64_t start = i + 1 - w->nbatch;
                        int j = flush_batch(w, sim->shift, ncells);
                        if (j >= 0 && (bad < 0 || start + j < bad))
                            bad = start + j;
                    }
                    if (bad >= 0) {
                        if (w->bad_trial < 0 || bad < w->bad_trial)
                            w->bad_trial = bad;
                        atomic_store(&stop, 1);
                        break;
                    }
                }
                if (w->nomem)
                    atomic_store(&stop, 1);
                flush_block(w, ncells, nb);
                atomic_fetch_add(&done, hi - lo);
                if (me == 0)
                    watch_turn(&stop, &out_of_blocks, threads, &done, progress);
            }
            atomic_fetch_add(&out_of_blocks, 1);
            if (me == 0) {
                struct timespec nap = {0, 200000};     /* 0.2 ms */
                while (!watch_turn(&stop, &out_of_blocks, threads, &done, progress))
                    nanosleep(&nap, NULL);
            }
        }
    }

    /* this rank's outcome, then the run's: every rank agrees */
    int nomem = 0;
    for (int t = 0; t < threads; t++) {
        flush_stage(&ws[t]);
        nomem |= ws[t].nomem;
        if (ws[t].bad_trial >= 0 && (sim->bad_trial < 0 || ws[t].bad_trial < sim->bad_trial))
            sim->bad_trial = ws[t].bad_trial;
    }
    int64_t v[3] = {sim->bad_trial >= 0 ? -sim->bad_trial : INT64_MIN, nomem,
                    mcr_signal_caught()};
    int64_t total = (int64_t)atomic_load(&done);
    mcr_par_max_i64(v, 3);
    mcr_par_sum_i64(&total, 1);
    sim->bad_trial = v[0] == INT64_MIN ? -1 : -v[0];
    sim->signal = (int)v[2];
    sim->done = total;
    if (sim->bad_trial >= 0)
        status = mcr_fail(err, MCR_ERUNTIME,
                          "mcrisk: error: trial %lld produced a non-finite result "
                          "(reproduce with --seed %llu -n %lld)",
                          (long long)sim->bad_trial, (unsigned long long)sim->seed,
                          (long long)sim->bad_trial + 1);
    else if (v[1])
        status = mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory in the quantile sketches");
    else if (sim->signal)
        status = sim->signal == SIGINT ? MCR_EINTR : MCR_ETERM;

    if (status == MCR_OK) {
        for (int t = 0; status == MCR_OK && t < threads; t++)
            status = merge_worker(sim, &ws[t], err);
        status = mcr_par_agree(status, err);
    }
    for (int t = 0; t < threads; t++)
        worker_free(&ws[t]);
    free(ws);
    return status;
}
