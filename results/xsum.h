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
 * Representation: value = sum_i limb[i] * 2^(32*i - 1074 - 32*MCR_XSUM_LOW),
 * with each limb an int64 that holds a 32-bit digit plus room for carries, so
 * adding a double touches three limbs and no carry is propagated until
 * 2^30 additions have been made (or a value is read).
 */
#ifndef MCR_XSUM_H
#define MCR_XSUM_H

#include <stdint.h>

#define MCR_XSUM_LIMBS 70   /* 2098 bits of double range + carry headroom */

typedef struct {
    int64_t  limb[MCR_XSUM_LIMBS]; /* 32-bit digits with carry headroom */
    uint32_t pending;              /* additions since the last normalisation */
} mcr_xsum_t;

void   mcr_xsum_init(mcr_xsum_t *a);
void   mcr_xsum_add(mcr_xsum_t *a, double x);               /* x finite */
void   mcr_xsum_merge(mcr_xsum_t *a, const mcr_xsum_t *b);  /* a += b, exactly */
double mcr_xsum_value(const mcr_xsum_t *a);                 /* correctly rounded;
                                                               +-inf if it overflows */

/* Propagate carries so every limb but the top one is in [0, 2^32). After
 * this, limb-wise integer addition of up to 2^31 accumulators (e.g. an
 * MPI_SUM reduction of the limbs as int64) is still a valid accumulator. */
void   mcr_xsum_normalize(mcr_xsum_t *a);

#endif /* MCR_XSUM_H */
