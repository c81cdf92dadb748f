/* fixture_model.h -- models built by hand for the kernel tests.
 *
 * There is no scenario reader on the kernels' side of the tree, so the tests
 * fill mcr_model_t directly, the way inputs/ will: every array malloc'd (so
 * mcr_model_free() owns it), then mcr_model_prepare(). The defaults make a
 * model with nothing random in it: flat prices (price0 = long_run, no
 * volatility, no jumps), no correlation, regimes that never change, and fills
 * F ~ Beta(1e15, 1), which is 1 to within a few 1e-15 (see test_trial.c).
 * Tests change what they need before calling fx_prepare().
 */
#ifndef MCR_FIXTURE_MODEL_H
#define MCR_FIXTURE_MODEL_H

#include <stdlib.h>
#include <string.h>

#include "kernels/model.h"

/* A model with H months, R regions, K regimes and S strategies (each strategy
 * a lease of demand GPUs until the test says otherwise). */
static inline mcr_model_t fx_model(int H, int R, int K, int S)
{
    mcr_model_t m;
    memset(&m, 0, sizeof m);
    m.horizon = H;
    m.discount_rate = 0;
    m.demand_gpus = 1000;
    m.hours_per_month = 100;

    m.nregions = R;
    m.region = calloc((size_t)R, sizeof *m.region);
    m.chol = calloc((size_t)R * R, sizeof *m.chol);
    for (int r = 0; r < R; r++) {
        m.region[r].price0 = 50;
        m.region[r].long_run = 50;
        m.chol[r * R + r] = 1;
    }

    m.nregimes = K;
    m.regime = calloc((size_t)K, sizeof *m.regime);
    m.transition = calloc((size_t)K * K, sizeof *m.transition);
    for (int k = 0; k < K; k++) {
        m.regime[k].fill_alpha = 1e15;
        m.regime[k].fill_beta = 1;
        m.regime[k].spot_multiplier = 1;
        m.transition[k * K + k] = 1;
    }
    m.initial_regime = 0;
    m.spot_price = 1;

    m.nstrategies = S;
    m.strategy = calloc((size_t)S, sizeof *m.strategy);
    for (int s = 0; s < S; s++) {
        mcr_strategy_t *st = &m.strategy[s];
        st->kind = MCR_STRATEGY_LEASE;
        st->gpus = 1000;
        st->supply_priority = 1;
        st->lease.price_per_gpu_hour = 1;
        st->lease.passthrough_region = -1;
        st->lease.onboarding.kind = MCR_DUR_FIXED;
    }
    return m;
}

static inline mcr_duration_t fx_fixed(double value)
{
    mcr_duration_t d;
    memset(&d, 0, sizeof d);
    d.kind = MCR_DUR_FIXED;
    d.value = value;
    return d;
}

static inline mcr_duration_t fx_uniform(double lo, double hi)
{
    mcr_duration_t d;
    memset(&d, 0, sizeof d);
    d.kind = MCR_DUR_UNIFORM;
    d.min = lo;
    d.max = hi;
    return d;
}

static inline mcr_duration_t fx_pert(double lo, double mode, double hi)
{
    mcr_duration_t d;
    memset(&d, 0, sizeof d);
    d.kind = MCR_DUR_PERT;
    d.min = lo;
    d.mode = mode;
    d.max = hi;
    d.lambda = 4;
    return d;
}

/* Make strategy s a build in region `region` with the parameters of the
 * hand-computed case of test_trial.c (1 MW, 1000 GPUs); durations fixed. */
static inline void fx_build(mcr_model_t *m, int s, int region, double permit,
                            double construction)
{
    mcr_strategy_t *st = &m->strategy[s];
    memset(st, 0, sizeof *st);
    st->kind = MCR_STRATEGY_BUILD;
    st->gpus = 1000;
    st->supply_priority = 1;
    mcr_build_t *b = &st->build;
    b->region = region;
    b->kw_per_gpu = 1.0;
    b->pue = 1.5;
    b->utilisation = 0.8;
    b->capex_per_mw = 1e6;
    b->gpu_unit_cost = 1000;
    b->opex_per_mw_year = 120000;
    b->facility_life_years = 20;
    b->gpu_life_years = 5;
    b->permit = fx_fixed(permit);
    b->construction = fx_fixed(construction);
}

/* mcr_model_prepare(), which can fail only on allocation. */
static inline int fx_prepare(mcr_model_t *m)
{
    mcr_err_t err;
    return mcr_model_prepare(m, &err) == MCR_OK;
}

#endif /* MCR_FIXTURE_MODEL_H */
