/* strategy.h -- one strategy's cash flows in one trial (SPEC 2.4-2.6).
 *
 * A strategy is valued deterministically on the trial's factor paths (energy
 * prices, regimes, fills) and on its own durations, which it draws first in
 * the order of trial.h (draw step 3). The formulas are in strategy.c; the
 * cross-strategy outputs (regret, best) are in trial.c.
 */
#ifndef MCR_STRATEGY_H
#define MCR_STRATEGY_H

#include "kernels/model.h"
#include "kernels/rng.h"

/* The durations a strategy drew in one trial: the sampled values in months,
 * before any ceil(). Fields a strategy's kind does not use are 0. */
typedef struct {
    double permit;          /* build: T_permit */
    double pause;           /* build: T_pause; 0 without a pause or when none happened */
    double construction;    /* build: construction_months sample */
    double onboarding;      /* lease: T_onboard */
} mcr_durations_t;

/* The trial's factor paths (read-only), as the energy and chip kernels wrote them. */
typedef struct {
    const double *price;    /* [R*H] P_{r,t}, USD/MWh */
    const double *fill;     /* [H] F_t */
    const int    *regime;   /* [H] S_t */
} mcr_factors_t;

/* A strategy's scalar outputs in one trial (regret is formed in trial.c). */
typedef struct {
    double cost_npv;            /* USD: sum_{t<H} d_t K_t - d_H residual */
    double months_to_90pct;     /* first t with C_t >= 0.9 gpus; H when never */
    double shortfall_gpu_hours; /* sum_{t<H} short_t hours_per_month */
} mcr_strategy_result_t;

/* Draw strategy s's durations from rng: a build draws permit, then (when a
 * pause is configured) a Bernoulli(pause_probability) and, when it happens,
 * the pause months, then construction; a lease draws onboarding. A fixed
 * duration draws nothing. */
void mcr_strategy_draw(mcr_rng_t *rng, const mcr_strategy_t *s, mcr_durations_t *d);

/* Value strategy index s of m on the factor paths f and durations d.
 *   online    [H] out: C_t, GPUs online in month t
 *   cost      [H] out: K_t, USD spent in month t (undiscounted)
 *   breakdown [MCR_NCOMP] out: discounted components of cost_npv in the order
 *             of trial.h; cost_npv is their sum taken in that order
 *   res       out: cost_npv, months_to_90pct, shortfall_gpu_hours
 * Draws nothing, allocates nothing. */
void mcr_strategy_value(const mcr_model_t *m, int s, const mcr_durations_t *d,
                        const mcr_factors_t *f, double *online, double *cost,
                        double *breakdown, mcr_strategy_result_t *res);

#endif /* MCR_STRATEGY_H */
