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
 * Jump months. Independent Bernoulli(p) months are a Bernoulli process, whose
 * gaps are geometric: the months with no jump before the next one number
 *   G = floor(ln U / ln(1 - p)),  U ~ U(0, 1],  P(G = k) = (1 - p)^k p,
 * so instead of a uniform every month each region draws one per jump (and
 * one for its first): the same process in law, with a few draws a trial
 * where the month-by-month test needed (H - 1) R. ln(1 - p) = -rate Δ
 * exactly (model.c: log_q).
 *
 * z = L e is done in place, from the last row up: row r of a lower-triangular
 * L needs e_0 .. e_r only, so overwriting e_r with z_r after row r is safe.
 *
 * A region whose p_jump is 0 draws no gap at all (it never jumps); the order
 * of draws is documented in trial.h.
 */
#include "kernels/energy.h"

#include <math.h>
#include <stddef.h>

#include "kernels/dist.h"
#include "kernels/mathx.h"

/* Months without a jump before the next one: G = floor(ln U / ln(1 - p)),
 * U in (0, 1]; log_q = ln(1 - p) < 0 (or -inf when p = 1: G = 0). Capped so
 * that a month count far past any horizon stays a small exact double. */
static double jump_gap(mcr_rng_t *rng, double log_q)
{
    double g = floor(log(1.0 - mcr_uniform(rng)) / log_q);
    return g < 1e9 ? g : 1e9;
}

void mcr_energy_sample(mcr_rng_t *rng, const mcr_model_t *m,
                       double *restrict price, double *restrict mean,
                       double *restrict scratch)
{
    const int H = m->horizon, R = m->nregions;
    const double *restrict L = m->chol;
    double *restrict z = scratch;            /* [R] e, then L e */
    double *restrict x = scratch + R;        /* [R] log prices of the last month */
    double *restrict next = scratch + 2 * R; /* [R] month of each region's next jump */

    for (int r = 0; r < R; r++) {
        x[r] = m->region[r].x0;
        price[(size_t)r * H] = m->region[r].price0;
        mean[r] = m->region[r].price0;
        next[r] = m->region[r].p_jump > 0 ? 1.0 + jump_gap(rng, m->region[r].log_q) : (double)H;
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
            if (next[r] == (double)t) {
                xt += g->jump_mean + g->jump_sd * mcr_normal(rng);
                next[r] += 1.0 + jump_gap(rng, g->log_q);
            }
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
