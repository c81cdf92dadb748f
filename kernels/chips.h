/* chips.h -- the chip market path and the outstanding-order rule (SPEC 2.2).
 *
 * One market path per trial, shared by every strategy: a Markov chain of
 * regimes S_t and, each month, the market fill fraction F_t ~ Beta of the
 * regime. A strategy with supply priority p receives f_t = p F_t of what it
 * still has on order. The formulas are in chips.c.
 */
#ifndef MCR_CHIPS_H
#define MCR_CHIPS_H

#include "kernels/model.h"
#include "kernels/rng.h"

/* Sample the regime path and the fill fractions for months 0 .. H-1 from rng
 * (trial.h, draw step 2):
 *   regime [H] out: S_t, S_0 = initial_regime
 *   fill   [H] out: F_t in [0, 1]
 * Returns the mean of F_t over the H months (the driver chip_fill_mean). */
double mcr_chips_sample(mcr_rng_t *rng, const mcr_model_t *m,
                        int *regime, double *fill);

/* One month of the outstanding-order rule: deliver f O with f = priority *
 * fill, take it off the outstanding order *outstanding, return the amount
 * delivered (GPUs). Every strategy kernel delivers through this. */
static inline double mcr_chips_deliver(double *outstanding, double priority, double fill)
{
    double got = priority * fill * *outstanding;
    *outstanding -= got;
    return got;
}

/* Cumulative deliveries of an order of `order` GPUs placed at month `start`:
 * cum[t] = 0 for t < start, cum[t] = sum_{start <= u <= t} delivered_u for
 * start <= t < H, formed as order - outstanding (so it never exceeds order).
 * Needs only the fill path; for tests and for callers that want the rule on
 * its own (the strategy kernels fuse it with costing). */
void mcr_chips_deliveries(const double *fill, int H, int start,
                          double priority, double order, double *cum);

#endif /* MCR_CHIPS_H */
