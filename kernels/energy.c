/* energy.c -- monthly energy price paths (see energy.h).
 *
 * For each region r, with the constants mcr_model_prepare() derived
 * (mu = ln long_run, a = exp(-kappa Δ), s the exact one-month OU sd,
 * p = 1 - exp(-jump_rate Δ)):
 *
 *   x_{r,0} = ln(price0)                       P_{r,0} = price0
 *   z_t     = L e_t,  e_t ~ N(0, I_R)          (L = model.chol, lower)
 *   x_{r,t} = mu + a (x_{r,t-1} - mu) + s z_{r,t} + B_{r,t} (jump_mean + jump_sd w_{r,t})
 *   P_{r,t} = exp(x_{r,t})                     t = 1 .. H-1   (mcr_exp, mathx.h)
 *
 * with B ~ Bernoulli(p) and w ~ N(0,1) drawn only when B = 1. The OU step
 * is the exact transition of dx = kappa (mu - x) dt + sigma dW over one
 * month, so there is no discretisation error however large kappa is; the
 * jump is a compound-Poisson arrival thinned to at most one per month, which
 * is what p = 1 - exp(-rate Δ) (the chance of one or more arrivals) means.
 *
 * z = L e is done in place, from the last row up: row r of a lower-triangular
 * L needs e_0 .. e_r only, so overwriting e_r with z_r after row r is safe.
 *
 * A region whose p_jump is 0 draws no jump uniform at all (it could never
 * jump); that is part of the fixed draw order documented in trial.h.
 */
#include "kernels/energy.h"

#include <math.h>
#include <stddef.h>

#include "kernels/dist.h"
#include "kernels/mathx.h"

void mcr_energy_sample(mcr_rng_t *rng, const mcr_model_t *m,
                       double *restrict price, double *restrict mean,
                       double *restrict scratch)
{
    const int H = m->horizon, R = m->nregions;
    const double *restrict L = m->chol;
    double *restrict z = scratch;        /* [R] e, then L e */
    double *restrict x = scratch + R;    /* [R] log prices of the last month */

    for (int r = 0; r < R; r++) {
        x[r] = m->region[r].x0;
        price[(size_t)r * H] = m->region[r].price0;
        mean[r] = m->region[r].price0;
    }

    /* The recursion in x is serial in t, and so is the generator; exp is
     * not, so it runs afterwards in its own loop, where consecutive
     * exponentials overlap in the pipeline. price holds x_t until then. */
    for (int t = 1; t < H; t++) {
        for (int r = 0; r < R; r++)
            z[r] = mcr_normal(rng);
        for (int r = R - 1; r >= 0; r--) {
            const double *row = L + (size_t)r * R;
            double acc = 0;
            for (int j = 0; j <= r; j++)
                acc += row[j] * z[j];
            z[r] = acc;
        }
        for (int r = 0; r < R; r++) {
            const mcr_region_t *g = &m->region[r];
            double xt = g->mu + g->a * (x[r] - g->mu) + g->s * z[r];
            if (g->p_jump > 0 && mcr_bernoulli(rng, g->p_jump))
                xt += g->jump_mean + g->jump_sd * mcr_normal(rng);
            x[r] = xt;
            price[(size_t)r * H + t] = xt;
        }
    }
    for (int r = 0; r < R; r++) {
        double *p = price + (size_t)r * H, sum = mean[r];
        for (int t = 1; t < H; t++) {
            p[t] = mcr_exp(p[t]);
            sum += p[t];
        }
        mean[r] = sum;
    }

    for (int r = 0; r < R; r++)
        mean[r] /= H;
}
