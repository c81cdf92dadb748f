/* h5write.h -- write one run's results as the HDF5 file of SPEC 5.
 *
 * The layout (root attributes, /scenario, axes as dimension scales attached
 * to every dimension of every dataset and hard-linked into each group that
 * uses them, /outputs, /paths, /factors, /breakdown, /comparison,
 * /sensitivity, optional /trial and /samples) is documented in docs/hdf5.md.
 * Strings are variable-length UTF-8; numbers float64; month and trial int64.
 * Every HDF5 call is checked.
 */
#ifndef MCR_H5WRITE_H
#define MCR_H5WRITE_H

#include "kernels/status.h"
#include "results/results.h"

/* Write res to the file `path` (created or truncated; the engine passes a
 * temporary name and renames it into place once this returns MCR_OK).
 * `shown` is the name used in messages (the final OUT.h5). On failure returns
 * MCR_ERUNTIME with "SHOWN: error: what failed (reason)" in err; the caller
 * removes the partial file. */
mcr_status_t mcr_h5_write(const char *path, const char *shown,
                          const mcr_results_t *res, mcr_err_t *err);

/* Where /samples come from when they are not in res->samples: fill buf
 * with trials [first, first + n) of output k, strategy s (the values of
 * samples[(k*S + s)*N + first ..] in res->samples' layout). Returns MCR_OK,
 * or a status with a message in err, which the writer then returns as is.
 * Under MPI, rank 0 fetches the pieces from the ranks that hold them. */
typedef mcr_status_t (*mcr_h5_samples_fn)(void *ctx, int k, int s, int64_t first, int64_t n,
                                          double *buf, mcr_err_t *err);

/* Pieces are at most this many trials (64 MiB of doubles), whole chunks of
 * /samples; the writer holds one piece at a time. */
#define MCR_H5_PIECE ((int64_t)1 << 23)

/* mcr_h5_write, with /samples (res->samples must be NULL) written piece by
 * piece as fill provides them, in order: k, then s, then first. */
mcr_status_t mcr_h5_write_pieces(const char *path, const char *shown, const mcr_results_t *res,
                                 mcr_h5_samples_fn fill, void *ctx, mcr_err_t *err);

#endif /* MCR_H5WRITE_H */
