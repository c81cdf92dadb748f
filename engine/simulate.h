/* simulate.h -- run the trials of one process on all its threads.
 *
 * Trials are cut into fixed blocks of MCR_BLOCK consecutive trial indices
 * (block b holds trials b*MCR_BLOCK .. b*MCR_BLOCK + MCR_BLOCK - 1 of the
 * whole run). Threads, and later MPI ranks, only ever take whole blocks.
 * Trial i draws from its own stream (seed, i), so what a trial computes does
 * not depend on who computes it; within a block, sums are formed in trial
 * order, so each block's partial sums are fixed; block partials are added
 * into exact accumulators (results/xsum.h), so the total does not depend on
 * which worker added which block, or in what order. Counts are integers and
 * quantile sketches merge by adding integer counts. Hence every number a run
 * reports is bit-identical for any number of threads or ranks (SPEC 2.7).
 * Under MPI each rank simulates a contiguous range of whole blocks
 * (mcr_par_share in engine/par.h) and engine/reduce.c merges the ranks.
 *
 * Per-month path and factor sums are shifted by the value of the same cell in
 * trial 0 (which every worker can compute for itself): sums of x - c and
 * (x - c)^2 keep the variance accurate when a cell's spread is small next to
 * its level, and make a constant cell's sd exactly 0.
 */
#ifndef MCR_SIMULATE_H
#define MCR_SIMULATE_H

#include <stdint.h>

#include "engine/progress.h"
#include "kernels/model.h"
#include "kernels/status.h"
#include "results/sketch.h"
#include "results/xsum.h"

#define MCR_BLOCK 1024      /* trials per block: fixed, part of the determinism contract */
#define MCR_BATCH 64        /* trials whose cells a thread buffers before folding them */

/* Cells of the per-month sketches and sums, in this order. */
static inline size_t mcr_cell_path(const mcr_model_t *m, int s, int p, int t)
{
    return ((size_t)s * 2 + (size_t)p) * (size_t)m->horizon + (size_t)t;
}
static inline size_t mcr_cell_price(const mcr_model_t *m, int r, int t)
{
    return ((size_t)m->nstrategies * 2 + (size_t)r) * (size_t)m->horizon + (size_t)t;
}
static inline size_t mcr_cell_fill(const mcr_model_t *m, int t)
{
    return ((size_t)m->nstrategies * 2 + (size_t)m->nregions) * (size_t)m->horizon + (size_t)t;
}
static inline size_t mcr_cell_count(const mcr_model_t *m)
{
    return ((size_t)m->nstrategies * 2 + (size_t)m->nregions + 1) * (size_t)m->horizon;
}

/* What the trials of one process produce. */
typedef struct {
    const mcr_model_t *model;
    uint64_t seed;
    int64_t  first;         /* first trial index of this process (a block start) */
    int64_t  count;         /* trials of this process */
    int      threads;       /* OpenMP threads used */

    /* per trial, local index i = trial - first */
    double  *out;           /* [MCR_NOUT*S][count]: out[(k*S + s)*count + i] */
    double  *driver;        /* [D][count] */

    /* reduced over this process's trials */
    size_t        ncells;
    mcr_sketch_t *sketch;   /* [ncells] */
    double       *shift;    /* [ncells] trial 0's value of each cell */
    mcr_xsum_t   *sum1;     /* [ncells] sum of (x - shift) */
    mcr_xsum_t   *sum2;     /* [ncells] sum of (x - shift)^2 */
    mcr_xsum_t   *breakdown;/* [S*MCR_NCOMP] sum of each discounted component */
    uint64_t     *regime;   /* [K*H] trials in regime k at month t */
    uint64_t     *best;     /* [S] trials where s is cheapest */
    uint64_t     *cheaper;  /* [S*S] trials where cost_npv[s] < cost_npv[v] */

    int64_t  done;          /* trials completed, over all ranks */
    int64_t  bad_trial;     /* lowest trial of the run with a non-finite result, or -1 */
    int      signal;        /* signal that stopped the run (on any rank), or 0 */
} mcr_sim_t;

/* Allocate *sim for trials [first, first + count) of model m. */
mcr_status_t mcr_sim_alloc(mcr_sim_t *sim, const mcr_model_t *m, uint64_t seed,
                           int64_t first, int64_t count, mcr_err_t *err);
void         mcr_sim_free(mcr_sim_t *sim);

/* Run every trial of sim on `threads` threads, reporting to progress (may
 * be NULL) the trials done over all ranks. Collective under MPI: the
 * master thread of every rank polls a watch between blocks (par.h), so a
 * stop on any rank -- a signal, a non-finite result, a failed allocation --
 * stops every rank within a block or two, and every rank returns the same
 * status and message. MCR_OK; MCR_ERUNTIME on a non-finite result (the
 * message names the lowest such trial seen and the seed) or allocation
 * failure; MCR_EINTR / MCR_ETERM when a signal stopped it (sim->done says
 * how far the whole run got). */
mcr_status_t mcr_sim_run(mcr_sim_t *sim, int threads, mcr_progress_t *progress,
                         mcr_err_t *err);

#endif /* MCR_SIMULATE_H */
