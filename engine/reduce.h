/* reduce.h -- from the trials of a run to the statistics of SPEC 2.7.
 *
 * Takes what mcr_sim_run() produced (per-trial scalar outputs and drivers,
 * merged sketches, exact sums and counts) and fills an mcr_results_t: exact
 * percentiles, confidence intervals and moments of every scalar output, the
 * sketch percentiles and exact means/sds of every path and factor, the
 * comparison and the Spearman sensitivities. The work on the per-trial
 * arrays (sorting, ranking) runs in parallel over arrays on `threads`
 * threads; each array's result does not depend on which thread did it.
 */
#ifndef MCR_REDUCE_H
#define MCR_REDUCE_H

#include "engine/simulate.h"
#include "inputs/scenario.h"
#include "kernels/status.h"
#include "results/results.h"

/* Fill res (allocated here; free with mcr_results_free) from sim, which must
 * hold every trial of the run (sim->first == 0, sim->count == trials). The
 * per-trial arrays of sim are left as they were. MCR_ERUNTIME when out of
 * memory or when a statistic is not finite (e.g. a sum of squares that
 * overflowed), naming the dataset. */
mcr_status_t mcr_reduce(const mcr_sim_t *sim, const mcr_scenario_t *sc, int threads,
                        mcr_results_t *res, mcr_err_t *err);

/* Name and fill the axes and driver names of res from the scenario. */
mcr_status_t mcr_reduce_names(const mcr_scenario_t *sc, mcr_results_t *res, mcr_err_t *err);

#endif /* MCR_REDUCE_H */
