/* chips.c -- the chip market path and the outstanding-order rule (see chips.h).
 *
 *   S_0 = initial_regime,  S_t ~ Categorical(transition[S_{t-1}, .])   t >= 1
 *   F_t ~ Beta(fill_alpha[S_t], fill_beta[S_t])                        t >= 0
 *   spot_t = spot_price * spot_multiplier[S_t]   (regime.spot_month holds it
 *                                                  times hours_per_month)
 *
 * Outstanding-order rule for an order of N GPUs placed at month S with
 * supply priority p:
 *
 *   O_S = N,  delivered_t = p F_t O_t,  O_{t+1} = O_t - delivered_t,
 *   G_t = sum_{S <= u <= t} delivered_u                                t >= S
 *
 * so after n months the delivered share is 1 - prod_{u=S}^{S+n-1} (1 - p F_u):
 * an order is never overfilled, and a tight market (small F) slows every
 * buyer in proportion to its priority.
 *
 * In floating point the kernels form G_t as N - O_{t+1}, which equals the sum
 * of the deliveries but cannot round above N: p F <= 1 makes p F O <= O, so O
 * stays in [0, N] and never rises, and N - O is then in [0, N] and never
 * falls. Summing the deliveries instead can overshoot N by an ulp, which
 * would make an order "more than complete".
 */
#include "kernels/chips.h"

#include <stddef.h>

#include "kernels/dist.h"

double mcr_chips_sample(mcr_rng_t *rng, const mcr_model_t *m,
                        int *restrict regime, double *restrict fill)
{
    const int H = m->horizon, K = m->nregimes;
    int k = m->initial_regime;
    const mcr_regime_t *g = &m->regime[k];

    regime[0] = k;
    fill[0] = mcr_beta_p(rng, &g->fill);
    double sum = fill[0];
    for (int t = 1; t < H; t++) {
        k = mcr_categorical(rng, m->transition + (size_t)k * K, K);
        g = &m->regime[k];
        regime[t] = k;
        fill[t] = mcr_beta_p(rng, &g->fill);
        sum += fill[t];
    }
    return sum / H;
}

void mcr_chips_deliveries(const double *fill, int H, int start,
                          double priority, double order, double *cum)
{
    double outstanding = order;
    int t = 0;
    for (; t < start && t < H; t++)
        cum[t] = 0;
    for (; t < H; t++) {
        mcr_chips_deliver(&outstanding, priority, fill[t]);
        cum[t] = order - outstanding;
    }
}
