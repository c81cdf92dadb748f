/* scenario.h -- a scenario file (SPEC 3), read and validated.
 *
 * mcr_scenario_load() reads a YAML scenario, checks every field against SPEC 3
 * and fills an mcr_scenario_t whose model the engine can trust without
 * further checks: every value in range, every name resolved to an index, the
 * correlation matrix positive definite with its Cholesky factor computed, the
 * transition rows renormalised, and mcr_model_prepare() already applied.
 *
 * When the file is bad nothing is filled and every independent error found
 * (up to MCR_DIAG_MAX) is returned as one line each, in the form of SPEC 4:
 *   FILE:LINE:COL: error: PATH: what was expected, got what
 * with 1-based LINE and COL and PATH the field's path
 * ("strategies[1].pue", "chips.transition[0]").
 */
#ifndef MCR_SCENARIO_H
#define MCR_SCENARIO_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "kernels/model.h"
#include "kernels/status.h"

#define MCR_DIAG_MAX 50                     /* errors kept per file */
#define MCR_SCENARIO_MAX_BYTES (16u << 20)  /* 16 MiB */

/* Sanity limits beyond SPEC 3, so that no file, however large, makes the
 * reader or the run allocate without bound (docs/scenario.md lists them). */
#define MCR_SCENARIO_NAME_MAX        64     /* bytes in a region/regime/strategy name */
#define MCR_SCENARIO_MAX_REGIONS     64
#define MCR_SCENARIO_MAX_REGIMES     32
#define MCR_SCENARIO_MAX_STRATEGIES  64
#define MCR_SCENARIO_MAX_PERCENTILES 201    /* e.g. every half percent */
#define MCR_SCENARIO_MAX_HORIZON     1200   /* months: 100 years */
#define MCR_SCENARIO_MAX_GPUS        9007199254740992.0 /* 2^53: counts stay exact in a double */

/* Errors found in one pass over a file. */
typedef struct {
    int   n;                    /* messages held in msg[] */
    int   dropped;              /* further errors, counted but not kept */
    char *msg[MCR_DIAG_MAX];    /* each malloc'd, no trailing newline */
} mcr_diag_t;

void mcr_diag_free(mcr_diag_t *d);

/* Print every message of d, one per line, then "FILE: error: N more errors
 * not shown" when some were dropped. Shared by `validate` and `run` so both
 * report a bad file identically. */
void mcr_diag_print(FILE *f, const char *file, const mcr_diag_t *d);

typedef struct {
    char    *path;              /* the file name as given (for messages) */
    char    *text;              /* the file's bytes, NUL-terminated */
    size_t   text_len;          /* bytes, without the NUL */
    char     sha256[65];        /* hex SHA-256 of the bytes */

    int64_t  trials;            /* simulation.trials */
    uint64_t seed;              /* simulation.seed */
    int      npercentiles;
    double  *percentiles;       /* [npercentiles] in percent, increasing */

    char   **region_name;       /* [model.nregions] */
    char   **regime_name;       /* [model.nregimes] */
    char   **strategy_name;     /* [model.nstrategies] */

    mcr_model_t model;          /* validated and prepared */
} mcr_scenario_t;

/* Read and validate the file at path. MCR_OK, or MCR_EINPUT with the errors
 * in diag (also for an unreadable path, a directory, an empty or too large
 * file), or MCR_ERUNTIME on allocation failure (one message in diag).
 * diag must be empty (zeroed, or emptied by mcr_diag_free()); on success it
 * stays empty. On failure *sc is zeroed, so mcr_scenario_free() is safe
 * either way. */
mcr_status_t mcr_scenario_load(const char *path, mcr_scenario_t *sc, mcr_diag_t *diag);

/* The same from bytes already in memory (`--from OLD.h5`, fuzzing); name is
 * used in messages as FILE. */
mcr_status_t mcr_scenario_parse(const char *name, const char *text, size_t len,
                                mcr_scenario_t *sc, mcr_diag_t *diag);

void mcr_scenario_free(mcr_scenario_t *sc);

/* Command-line overrides, checked by the rules of SPEC 3 (trials > 0 integer
 * literal; seed an integer in [0, 2^64-1]). On bad text: MCR_EINPUT with
 * "mcrisk: error: FLAG: what" in err. */
mcr_status_t mcr_parse_trials(const char *flag, const char *text, int64_t *trials, mcr_err_t *err);
mcr_status_t mcr_parse_seed(const char *flag, const char *text, uint64_t *seed, mcr_err_t *err);

#endif /* MCR_SCENARIO_H */
