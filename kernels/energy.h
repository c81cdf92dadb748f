/* energy.h -- monthly energy price paths, one per region (SPEC 2.1).
 *
 * The first kernel of a trial (trial.h, draw step 1): every region's log
 * price follows an exactly discretised Ornstein-Uhlenbeck process with at
 * most one jump a month, and the regions' Gaussian shocks are correlated
 * through the Cholesky factor the input layer computed (model.chol).
 * The formula and the order of draws are in energy.c.
 */
#ifndef MCR_ENERGY_H
#define MCR_ENERGY_H

#include "kernels/model.h"
#include "kernels/rng.h"

/* Sample every region's price path for months 0 .. H-1 from rng.
 *   price   [R*H] out: price[r*H + t] = P_{r,t}, USD/MWh; P_{r,0} = price0
 *   mean    [R]   out: mean over t = 0 .. H-1 of P_{r,t} (the sensitivity
 *                 driver energy_price_mean.<r>)
 *   scratch [3*R] workspace (shocks, log prices, next jump months)
 * Draws: for each r with p_jump > 0 the gap to its first jump (a uniform);
 * then for t = 1 .. H-1: e_{r,t} ~ N(0,1) for r = 0 .. R-1, then for each r
 * that jumps in month t one N(0,1) and the gap to its next jump. */
void mcr_energy_sample(mcr_rng_t *rng, const mcr_model_t *m,
                       double *price, double *mean, double *scratch);

#endif /* MCR_ENERGY_H */
