/* report.h -- the short table `mcrisk run` prints when it is done.
 *
 * P10 / P50 / P90 of cost_npv, lcoc and months_to_90pct per strategy, and
 * p_best. When the run's levels do not include 10, 50 and 90, the lowest,
 * middle and highest stored levels stand in (the header says which).
 * `mcrisk summary` prints the full statistics of a file.
 */
#ifndef MCR_REPORT_H
#define MCR_REPORT_H

#include <stdio.h>

#include "results/results.h"

void mcr_report_table(FILE *f, const mcr_results_t *res);

#endif /* MCR_REPORT_H */
