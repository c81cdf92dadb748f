/* sketch.h -- mergeable, fixed-memory quantile sketches for paths and factors.
 *
 * Paths (online_gpus, monthly_cost per strategy and month) and factors
 * (energy price per region and month, chip fill per month) have one cell per
 * (series, month): hundreds of cells, each fed one value per trial. Keeping
 * every value would cost trials * cells doubles, so each cell keeps a
 * log-bucketed histogram instead (DDSketch-style; see sketch.c for the bucket
 * map and the proof of the bound):
 *
 *   - relative error of every estimate <= MCR_SKETCH_REL_ERROR (< 0.5%)
 *     against the exact numpy 'linear' percentile of the same values;
 *   - an exact bucket for zero; negative values have their own buckets;
 *   - exact min and max per cell, estimates clamped to them, so a constant
 *     cell and the levels 0 and 100 are exact;
 *   - integer counts only, so merging two sketches (threads, MPI ranks) is
 *     exact and the result does not depend on the order of merging;
 *   - memory bounded by the range of values seen, never by the number of
 *     trials.
 */
#ifndef MCR_SKETCH_H
#define MCR_SKETCH_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/status.h"

#define MCR_SKETCH_REL_ERROR (1.0 / 257.0)   /* documented bound, ~0.389% */

typedef struct mcr_sketch mcr_sketch_t;     /* ncells independent cells */

/* A sketch of ncells empty cells, or NULL when out of memory. */
mcr_sketch_t *mcr_sketch_new(size_t ncells);
void          mcr_sketch_free(mcr_sketch_t *sk);

/* Add finite x to cell. The hot path (one call per cell per trial): no
 * allocation unless the cell meets a new range of magnitudes; returns
 * MCR_ERUNTIME only when that allocation fails. */
mcr_status_t  mcr_sketch_add(mcr_sketch_t *sk, size_t cell, double x);

/* dst += src, cell by cell (same ncells). Exact. */
mcr_status_t  mcr_sketch_merge(mcr_sketch_t *dst, const mcr_sketch_t *src);

size_t   mcr_sketch_cells(const mcr_sketch_t *sk);
uint64_t mcr_sketch_count(const mcr_sketch_t *sk, size_t cell);
double   mcr_sketch_min(const mcr_sketch_t *sk, size_t cell);
double   mcr_sketch_max(const mcr_sketch_t *sk, size_t cell);

/* Estimates of the numpy-'linear' percentiles pct[0..np) (in percent) of the
 * cell's values, written to out[0..np). NaN for an empty cell. */
void mcr_sketch_quantiles(const mcr_sketch_t *sk, size_t cell,
                          const double *pct, size_t np, double *out);

/* Serialise all cells into a flat array of uint64 words (malloc'd, *nwords
 * long), and merge such an array into a sketch: how MPI ranks combine
 * sketches. unpack_merge returns MCR_EINPUT on a malformed buffer. */
mcr_status_t mcr_sketch_pack(const mcr_sketch_t *sk, uint64_t **words, size_t *nwords);
mcr_status_t mcr_sketch_unpack_merge(mcr_sketch_t *dst, const uint64_t *words, size_t nwords);

/* Bytes the sketch holds now (for memory reports). */
size_t mcr_sketch_bytes(const mcr_sketch_t *sk);

#endif /* MCR_SKETCH_H */
