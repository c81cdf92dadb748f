/* output.h -- the output file: checked before the run, written whole or not at all.
 *
 * Before any simulation, mcr_output_check() refuses (exit 2) a missing or
 * unwritable directory, an OUT that is a directory, and an existing OUT
 * without --force. The file is then written under a temporary name beside
 * OUT (same directory, so same file system) and renamed over OUT only when
 * complete and synced: readers never see a half-written file, and a run that
 * fails or is interrupted removes its temporary file (SPEC 4).
 */
#ifndef MCR_OUTPUT_H
#define MCR_OUTPUT_H

#include <stdint.h>

#include "kernels/status.h"

typedef struct {
    char *final;    /* OUT as the user gave it */
    char *tmp;      /* "<dir>/.<name>.tmp-XXXXXX" while writing, else NULL */
} mcr_output_t;

/* Refuse what SPEC 4 lists for exit 2, with "OUT: error: what". */
mcr_status_t mcr_output_check(const char *path, int force, mcr_err_t *err);

/* Free bytes on the file system that will hold path (0 when unknown). */
uint64_t mcr_output_free_bytes(const char *path);

/* Reserve a temporary file beside path (created empty, mode 0644 under the
 * umask). */
mcr_status_t mcr_output_begin(mcr_output_t *o, const char *path, mcr_err_t *err);

/* fsync the temporary file and rename it over the final name. */
mcr_status_t mcr_output_commit(mcr_output_t *o, mcr_err_t *err);

/* Remove the temporary file if there is one, and free o. Safe to call twice. */
void mcr_output_abort(mcr_output_t *o);

#endif /* MCR_OUTPUT_H */
