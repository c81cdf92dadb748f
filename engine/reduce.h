/* reduce.h -- from the trials of a run to the statistics of SPEC 2.7.
 *
 * Takes what mcr_sim_run() produced (per-trial scalar outputs and drivers,
 * merged sketches, exact sums and counts) and fills an mcr_results_t: exact
 * percentiles, confidence intervals and moments of every scalar output, the
 * sketch percentiles and exact means/sds of every path and factor, the
 * comparison and the Spearman sensitivities. The work on the per-trial
 * arrays (sorting, ranking) runs in parallel over arrays on `threads`
 * threads and, under MPI, over the ranks that hold them (engine/pstats.h);
 * each figure is the same whichever thread or rank did the work.
 */
#ifndef MCR_REDUCE_H
#define MCR_REDUCE_H

#include "engine/simulate.h"
#include "inputs/scenario.h"
#include "kernels/status.h"
#include "results/results.h"

/* Fill res (allocated here; free with mcr_results_free) from sim, which
 * holds this rank's trials (mcr_par_share; all of them without MPI).
 * Collective: every rank calls it, and every rank gets the same status.
 * On success rank 0's res is complete; other ranks' hold the scalar
 * outputs and the sensitivity only. The per-trial arrays of sim are left as they were; its sums and
 * counts become the totals over all ranks, and rank 0's sketches the merge
 * of every rank's (so call this once per simulation). MCR_ERUNTIME when out
 * of memory or when a statistic is not finite (e.g. a sum of squares that
 * overflowed), naming the dataset; MCR_EINTR / MCR_ETERM when a signal
 * stopped it between batches. */
mcr_status_t mcr_reduce(const mcr_sim_t *sim, const mcr_scenario_t *sc, int threads,
                        mcr_results_t *res, mcr_err_t *err);

/* Name and fill the axes and driver names of res from the scenario. */
mcr_status_t mcr_reduce_names(const mcr_scenario_t *sc, mcr_results_t *res, mcr_err_t *err);

#endif /* MCR_REDUCE_H */
