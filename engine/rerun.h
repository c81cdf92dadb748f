/* rerun.h -- `mcrisk run --from OLD.h5`: the scenario a results file was made from.
 *
 * Every results file stores the scenario's text (/scenario) and the seed and
 * trial count it ran with (root attributes). Reading those back and parsing
 * the text as if it were the original file reruns the run exactly: same
 * scenario bytes, same seed, same trials, hence bit-identical numbers.
 */
#ifndef MCR_RERUN_H
#define MCR_RERUN_H

#include "inputs/scenario.h"
#include "kernels/status.h"

/* Load OLD.h5's scenario into sc with its seed and trials. MCR_EINPUT with
 * "OLD.h5: error: ..." in err when the file is not an mcrisk results file of
 * schema 1; scenario errors (a file edited by hand) go to diag. */
mcr_status_t mcr_rerun_load(const char *path, mcr_scenario_t *sc, mcr_diag_t *diag,
                            mcr_err_t *err);

#endif /* MCR_RERUN_H */
