/* sketch.h -- mergeable, fixed-memory quantile sketches for paths and factors.
 *
 * Paths (online_gpus, monthly_cost per strategy and month) and factors
 * (energy price per region and month, chip fill per month) have one cell per
 * (series, month): hundreds of cells, each fed one value per trial. Keeping
 * every value would cost trials * cells doubles, so each cell keeps a
 * log-bucketed histogram instead (DDSketch-style; see sketch.c for the bucket
 * map and docs/statistics.md for the proof of the bound):
 *
 *   - relative error of every estimate <= MCR_SKETCH_REL_ERROR (< 0.5%)
 *     against the exact numpy 'linear' percentile of the same values, for a
 *     cell whose values have one sign (an estimate interpolated across zero
 *     has an absolute error <= MCR_SKETCH_REL_ERROR * max(|x_i|, |x_i+1|) of
 *     its two neighbouring order statistics instead);
 *   - an exact bucket for zero; negative values have their own buckets;
 *   - exact min and max per cell, estimates clamped to them, so a constant
 *     cell and the levels 0 and 100 are exact;
 *   - integer counts only, so merging two sketches (threads, MPI ranks) is
 *     exact and the result does not depend on the order of merging;
 *   - memory bounded by the range of values seen, never by the number of
 *     trials.
 *
 * One sketch belongs to one thread at a time; nothing here locks.
 */
#ifndef MCR_SKETCH_H
#define MCR_SKETCH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernels/status.h"

/* Bucket representatives are within 1/257 of every value in their bucket;
 * the documented bound leaves room for the rounding of the interpolation
 * (and of numpy's own), see docs/statistics.md. */
#define MCR_SKETCH_REL_ERROR (1.0 / 256.0)  /* documented bound, ~0.391% */

typedef struct mcr_sketch mcr_sketch_t;     /* ncells independent cells */

/* A sketch of ncells empty cells, or NULL when out of memory. */
mcr_sketch_t *mcr_sketch_new(size_t ncells);
void          mcr_sketch_free(mcr_sketch_t *sk);

/* Add finite x to cell. The hot path (one call per cell per trial): no
 * allocation unless the cell meets a new range of magnitudes; returns
 * MCR_ERUNTIME only when that allocation fails. Defined inline below. */
static inline mcr_status_t mcr_sketch_add(mcr_sketch_t *sk, size_t cell, double x);

/* dst += src, cell by cell (same ncells, else MCR_EINPUT; src != dst).
 * Exact. On an allocation failure (MCR_ERUNTIME) dst holds the same values
 * as before (perhaps with more empty pages). */
mcr_status_t  mcr_sketch_merge(mcr_sketch_t *dst, const mcr_sketch_t *src);

size_t   mcr_sketch_cells(const mcr_sketch_t *sk);
uint64_t mcr_sketch_count(const mcr_sketch_t *sk, size_t cell);
double   mcr_sketch_min(const mcr_sketch_t *sk, size_t cell);   /* NaN when empty */
double   mcr_sketch_max(const mcr_sketch_t *sk, size_t cell);   /* NaN when empty */

/* Estimates of the numpy-'linear' percentiles pct[0..np) (in percent, each
 * in [0, 100]) of the cell's values, written to out[0..np). NaN for an empty
 * cell. Levels in increasing order are fastest (one walk of the cell). */
void mcr_sketch_quantiles(const mcr_sketch_t *sk, size_t cell,
                          const double *pct, size_t np, double *out);

/* Serialise all cells into a flat array of uint64 words (malloc'd, *nwords
 * long; the caller frees it), and merge such an array into a sketch: how MPI
 * ranks combine sketches. unpack_merge returns MCR_EINPUT on a malformed
 * buffer and MCR_ERUNTIME on an allocation failure; either way dst holds the
 * same values as before. The format is native-endian: for ranks of one
 * machine type, not for files. */
mcr_status_t mcr_sketch_pack(const mcr_sketch_t *sk, uint64_t **words, size_t *nwords);
mcr_status_t mcr_sketch_unpack_merge(mcr_sketch_t *dst, const uint64_t *words, size_t nwords);

/* Bytes the sketch holds now (for memory reports). */
size_t mcr_sketch_bytes(const mcr_sketch_t *sk);

/* ---- internals, visible only for the inline fast path --------------------
 *
 * A non-zero magnitude |x| lies in octave o = (biased exponent) + 51 for a
 * normal number, 0 .. 51 for a subnormal (see sketch.c), and in sub-bucket
 * m = the 7 significand bits after the leading one. Each cell keeps, per
 * sign, a directory of pages over a contiguous range of octaves; a page is
 * the 128 counts of one octave, allocated on first use. */
#define MCR_SKETCH_OCTAVES 2098          /* octaves 0 .. 2097 */
#define MCR_SKETCH_SUB     128           /* buckets per octave */

typedef struct {
    void     **dir[2];  /* [sign: 0 positive, 1 negative] page of octave
                           lo[s] + k at dir[s][k]; NULL: no page yet. A page
                           is 128 uint64 counts in a sketch, 128 uint16 in a
                           stage */
    uint32_t   lo[2];   /* first octave of each directory */
    uint32_t   span[2]; /* directory length in octaves; 0: no directory */
    uint64_t   n;       /* values added (all signs, zeros included) */
    uint64_t   zeros;   /* values equal to zero, +0.0 or -0.0 */
    uint64_t   kmin;    /* order key (sketch.c) of the smallest value; UINT64_MAX when empty */
    uint64_t   kmax;    /* order key of the largest value; 0 when empty */
} mcr_sketch_cell_t;    /* 64 bytes: one cache line */

struct mcr_sketch {
    mcr_sketch_cell_t *cell;    /* [ncells], 64-byte aligned */
    size_t             ncells;
    size_t             bytes;   /* heap bytes held: struct, cells, directories, pages */
};

/* The rest of mcr_sketch_add: new pages, subnormals. */
mcr_status_t mcr_sketch_add_slow(mcr_sketch_t *sk, size_t cell, double x);

static inline mcr_status_t mcr_sketch_add(mcr_sketch_t *sk, size_t cell, double x)
{
    mcr_sketch_cell_t *c = &sk->cell[cell];
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    uint64_t key = u ^ (-(u >> 63) | (1ull << 63));   /* order-preserving image */
    uint64_t a = u & ~(1ull << 63);                    /* |x| */
    if (a < (1ull << 52)) {                            /* zero or subnormal */
        if (a != 0)
            return mcr_sketch_add_slow(sk, cell, x);
        c->zeros++;
    } else {
        unsigned s = (unsigned)(u >> 63);
        uint32_t k = (uint32_t)(a >> 52) + 51 - c->lo[s];
        uint64_t *page;
        if (k >= c->span[s] || !(page = (uint64_t *)c->dir[s][k]))
            return mcr_sketch_add_slow(sk, cell, x);
        page[(a >> 45) & (MCR_SKETCH_SUB - 1)]++;
    }
    c->n++;
    c->kmin = key < c->kmin ? key : c->kmin;
    c->kmax = key > c->kmax ? key : c->kmax;
    return MCR_OK;
}

/* ---- stages: a per-thread front end with 16-bit counters ------------------
 *
 * A sketch of hundreds of cells holds megabytes of uint64 pages; fed one
 * value per cell per trial, nearly every increment misses the L2 cache. A
 * stage has the same cells and bucket map with 16-bit counters, a quarter
 * of the bytes, so a thread's hot buckets stay in its L2. The owner flushes
 * the stage into a full sketch (adding counts, min, max exactly) at least
 * once every MCR_SKETCH_STAGE_MAX values per cell, before a counter can
 * wrap; the result is the sketch the values would have built directly. */
#define MCR_SKETCH_STAGE_MAX 65535u

typedef struct mcr_sketch_stage {
    mcr_sketch_cell_t *cell;    /* [ncells], pages of uint16 counts */
    size_t             ncells;
    size_t             bytes;   /* heap bytes held */
} mcr_sketch_stage_t;

mcr_sketch_stage_t *mcr_sketch_stage_new(size_t ncells);   /* NULL when out of memory */
void                mcr_sketch_stage_free(mcr_sketch_stage_t *st);

/* dst += st (same ncells), then empty st, keeping its pages for reuse.
 * MCR_ERUNTIME when dst cannot grow; dst and st are then unchanged. */
mcr_status_t mcr_sketch_stage_flush(mcr_sketch_stage_t *st, mcr_sketch_t *dst);

/* The rest of mcr_sketch_stage_add: new pages, subnormals. */
mcr_status_t mcr_sketch_stage_add_slow(mcr_sketch_stage_t *st, size_t cell, double x);

/* Add finite x to a cell of the stage; at most MCR_SKETCH_STAGE_MAX values
 * per cell between flushes. */
static inline mcr_status_t mcr_sketch_stage_add(mcr_sketch_stage_t *st, size_t cell, double x)
{
    mcr_sketch_cell_t *c = &st->cell[cell];
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    uint64_t key = u ^ (-(u >> 63) | (1ull << 63));
    uint64_t a = u & ~(1ull << 63);
    if (a < (1ull << 52)) {
        if (a != 0)
            return mcr_sketch_stage_add_slow(st, cell, x);
        c->zeros++;
    } else {
        unsigned s = (unsigned)(u >> 63);
        uint32_t k = (uint32_t)(a >> 52) + 51 - c->lo[s];
        uint16_t *page;
        if (k >= c->span[s] || !(page = (uint16_t *)c->dir[s][k]))
            return mcr_sketch_stage_add_slow(st, cell, x);
        page[(a >> 45) & (MCR_SKETCH_SUB - 1)]++;
    }
    c->n++;
    c->kmin = key < c->kmin ? key : c->kmin;
    c->kmax = key > c->kmax ? key : c->kmax;
    return MCR_OK;
}

/* Add n finite values x[0], x[stride], ... to one cell of the stage: the
 * same as n calls of mcr_sketch_stage_add, with the cell's directory and
 * running counts held in registers across the values. */
static inline mcr_status_t mcr_sketch_stage_add_many(mcr_sketch_stage_t *st, size_t cell,
                                                     const double *x, size_t n, size_t stride)
{
    mcr_sketch_cell_t *c = &st->cell[cell];
    for (size_t i = 0; i < n;) {
        void **dir = c->dir[0];
        uint32_t lo = c->lo[0], span = c->span[0];
        uint64_t cnt = c->n, zeros = c->zeros, kmin = c->kmin, kmax = c->kmax;
        for (; i < n; i++) {
            uint64_t u;
            memcpy(&u, &x[i * stride], sizeof u);
            uint64_t key = u ^ (-(u >> 63) | (1ull << 63));
            if (u == 0) {                   /* +0.0: the exact zero bucket */
                zeros++;
            } else {
                /* positive normal numbers in a page that exists; anything
                 * else (negative, subnormal, a new octave) takes the slow path */
                uint32_t k = (uint32_t)(u >> 52) + 51 - lo;
                uint16_t *page;
                if ((u >> 52) == 0 || (u >> 63) || k >= span || !(page = (uint16_t *)dir[k]))
                    break;
                page[(u >> 45) & (MCR_SKETCH_SUB - 1)]++;
            }
            kmin = key < kmin ? key : kmin;
            kmax = key > kmax ? key : kmax;
            cnt++;
        }
        c->n = cnt;
        c->zeros = zeros;
        c->kmin = kmin;
        c->kmax = kmax;
        if (i < n) {
            mcr_status_t r = mcr_sketch_stage_add(st, cell, x[i * stride]);
            if (r != MCR_OK)
                return r;
            i++;
        }
    }
    return MCR_OK;
}

#endif /* MCR_SKETCH_H */
