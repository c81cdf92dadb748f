/* h5read.h -- read an mcrisk results file (SPEC 5) back into memory.
 *
 * `mcrisk summary` and `mcrisk plot` read the statistics, `run --from`
 * reads the run record and the scenario text. mcr_h5_read() first makes sure
 * the file is an mcrisk results file of schema 1 -- a readable HDF5 file
 * whose root carries schema_version = 1 and every attribute, axis and dataset
 * of SPEC 5 with the shapes the axes imply -- and refuses anything else with
 * MCR_EINPUT and "FILE: error: what". It never trusts a size it has not
 * checked, so a truncated, corrupt or foreign file gives a message, not a
 * crash.
 */
#ifndef MCR_H5READ_H
#define MCR_H5READ_H

#include <stdint.h>

#include "kernels/status.h"
#include "results/results.h"

/* Flags for mcr_h5_read. */
#define MCR_H5_READ_SAMPLES 1u  /* also read /samples (can be large) */

/* One results file, read. Owns everything it points to. */
typedef struct {
    mcr_results_t res;      /* axes, statistics and names, as written; res.N is
                             * the trials attribute; res.run's strings point at
                             * the fields below; res.samples = samples */
    int     has_samples;    /* 1 when the file holds /trial and /samples */
    double *samples;        /* [MCR_NOUT][S][N] (samples[(k*S + s)*N + i]) when
                             * read with MCR_H5_READ_SAMPLES from a file that
                             * has them; else NULL */
    char   *mcrisk_version; /* root attributes, each malloc'd */
    char   *git_commit;
    char   *created_utc;
    char   *command_line;
    char   *scenario_sha256;
    char   *scenario_text;  /* /scenario, NUL-terminated; res.run.scenario_len bytes */
} mcr_h5_file_t;

/* Read the file at path into *f (flags: 0 or MCR_H5_READ_SAMPLES). On
 * success MCR_OK and *f owns the result (release with mcr_h5_file_free).
 * MCR_EINPUT with "PATH: error: what" when the file is missing, not HDF5,
 * damaged, not written by mcrisk, of another schema_version, or lacks or
 * misshapes anything of SPEC 5; MCR_ERUNTIME when memory runs out. On any
 * failure *f holds nothing (mcr_h5_file_free on it is still safe). */
mcr_status_t mcr_h5_read(const char *path, unsigned flags, mcr_h5_file_t *f,
                         mcr_err_t *err);

void mcr_h5_file_free(mcr_h5_file_t *f);

#endif /* MCR_H5READ_H */
