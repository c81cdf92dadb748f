/* xsum.h -- exact, order-independent sums of doubles.
 *
 * SPEC 2.7 wants every numeric dataset bit-identical whatever the number of
 * threads or MPI ranks. Floating-point addition is not associative, so a sum
 * split across workers depends on the split. mcrisk forms partial sums over
 * fixed blocks of trials (in trial order, so each block's partial is fixed),
 * and adds those partials into an mcr_xsum_t: a fixed-point accumulator wide
 * enough to hold any sum of doubles exactly. Exact sums are associative, so
 * threads and ranks merge their accumulators in any order and the rounded
 * result, mcr_xsum_value(), is always the same: the correctly rounded sum of
 * the block partials.
 *
 * Representation: value = sum_i limb[i] * 2^(32*i - 1074). Every finite
 * double is an integer multiple of 2^-1074 below 2^1024, so its bits lie at
 * positions 0 .. 2097 of that grid, inside limbs 0 .. 65; limb 66 only
 * receives carries and holds the sign. Each limb is an int64 holding a
 * 32-bit digit plus room for carries, so adding a double touches three limbs
 * and no carry is propagated until 2^30 additions have been made (or a value
 * is read). See results/xsum.c and docs/statistics.md.
 */
#ifndef MCR_XSUM_H
#define MCR_XSUM_H

#include <stdint.h>

#define MCR_XSUM_LIMBS 67            /* 66 digit limbs + 1 carry/sign limb */
#define MCR_XSUM_CARRY_EVERY (1u << 30)  /* additions between normalisations */

typedef struct {
    int64_t  limb[MCR_XSUM_LIMBS]; /* 32-bit digits with carry headroom */
    uint32_t pending;              /* additions (in units of one double or one
                                      normalised accumulator) since the last
                                      normalisation: |limb[i]| < (pending+1)
                                      * 2^32 for every limb but the last */
} mcr_xsum_t;

void   mcr_xsum_init(mcr_xsum_t *a);

/* a += x, exactly. x must be finite: an infinity or NaN is not detected and
 * leaves a finite but meaningless sum (never out-of-bounds writes). */
void   mcr_xsum_add(mcr_xsum_t *a, double x);

void   mcr_xsum_merge(mcr_xsum_t *a, const mcr_xsum_t *b);  /* a += b, exactly */

/* The exact sum rounded to the nearest double, ties to even; +-inf if it
 * overflows; +0.0 for an exact zero. a is not modified. */
double mcr_xsum_value(const mcr_xsum_t *a);

/* Propagate carries so every limb but the top one is in [0, 2^32); pending
 * becomes 0. After this, limb-wise integer addition of up to 2^30 normalised
 * accumulators (e.g. an MPI_SUM reduction of limb[] as int64) is again a
 * valid accumulator once its pending is set to the number of accumulators
 * summed. */
void   mcr_xsum_normalize(mcr_xsum_t *a);

/* ---- exact sums of integers -------------------------------------------------
 * Sums of int64 products (Spearman's rank deviations) stay below 2^93: a
 * signed 128-bit integer hi * 2^64 + lo holds them exactly and adds in three
 * instructions. */
typedef struct {
    uint64_t lo;
    int64_t  hi;
} mcr_i128_t;

static inline void mcr_i128_add(mcr_i128_t *a, int64_t v)
{
    uint64_t lo = a->lo + (uint64_t)v;
    a->hi += (int64_t)(lo < a->lo) - (int64_t)(v < 0);
    a->lo = lo;
}

/* The value, correctly rounded, for |hi| < 2^53. */
double mcr_i128_value(const mcr_i128_t *a);

#endif /* MCR_XSUM_H */
