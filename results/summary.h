/* summary.h -- the statistics of a results file as text, CSV or JSON.
 *
 * `mcrisk summary OUT.h5` reads a file with mcr_h5_read and hands the
 * mcr_results_t to mcr_summary_write. Three renderings of the same numbers
 * (docs/results.md describes each):
 *
 *   text  for people: per scalar output an aligned table, strategies as rows,
 *         every stored percentile level then mean and cvar95 as columns,
 *         rounded per output, with thousands separators and the units in the
 *         heading; then the comparison (p_best, P(cheaper) matrix), the mean
 *         cost breakdown and the top three sensitivity drivers per strategy.
 *         Only what the numbers depend on is shown (no dates, commits,
 *         thread counts, paths), so the same run always prints the same text.
 *   csv   for scripts: tidy, one row per output x strategy x statistic,
 *         header `output,strategy,statistic,value,units`.
 *   json  for scripts: one object holding the run record and every number.
 *
 * CSV and JSON print every number so that it parses back to the same double
 * (the shortest of %.15g, %.16g and %.17g that does).
 */
#ifndef MCR_SUMMARY_H
#define MCR_SUMMARY_H

#include <stdio.h>

#include "kernels/status.h"
#include "results/results.h"

typedef enum {
    MCR_SUMMARY_TEXT = 0,
    MCR_SUMMARY_CSV,
    MCR_SUMMARY_JSON
} mcr_summary_format_t;

/* Write the summary of res (as read by mcr_h5_read, run record included) to
 * out in the given format. MCR_OK, or MCR_ERUNTIME with "mcrisk: error: ..."
 * when writing to out fails or memory runs out. */
mcr_status_t mcr_summary_write(FILE *out, const mcr_results_t *res,
                               mcr_summary_format_t format, mcr_err_t *err);

/* Print v with `decimals` decimals and thousands separators ("12,345.6",
 * "-0.5"; never "-0.0") into buf of len bytes; returns buf. */
const char *mcr_summary_number(double v, int decimals, char *buf, size_t len);

/* Print v so that strtod gives back exactly v, as briefly as that allows;
 * "nan", "inf", "-inf" for the non-finite. buf holds at least 32 bytes. */
const char *mcr_summary_exact(double v, char *buf, size_t len);

#endif /* MCR_SUMMARY_H */
