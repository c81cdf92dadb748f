/* rerun.c -- load the scenario, seed and trials a results file was made from. */
#include "engine/rerun.h"

#include <string.h>

#include "inputs/sha256.h"
#include "results/h5read.h"

mcr_status_t mcr_rerun_load(const char *path, mcr_scenario_t *sc, mcr_diag_t *diag,
                            mcr_err_t *err)
{
    mcr_h5_file_t f;
    mcr_status_t st = mcr_h5_read(path, 0, &f, err);
    if (st != MCR_OK)
        return st;
    /* the record must be what was run: text edited or damaged since would
     * rerun something else under the old file's name */
    char hex[65];
    mcr_sha256_hex(f.scenario_text, f.res.run.scenario_len, hex);
    if (strcmp(hex, f.scenario_sha256) != 0) {
        mcr_h5_file_free(&f);
        return mcr_fail(err, MCR_EINPUT,
                        "%s: error: /scenario does not match its scenario_sha256 "
                        "(the file was damaged or edited)", path);
    }
    st = mcr_scenario_parse(path, f.scenario_text, f.res.run.scenario_len, sc, diag);
    if (st == MCR_OK) {
        sc->seed = f.res.run.seed;
        sc->trials = f.res.run.trials;
    }
    mcr_h5_file_free(&f);
    return st;
}
