/* model.c -- constants derived once from the validated parameters.
 *
 * With Δ = 1/12 year and kappa = reversion, sigma = volatility (SPEC 2.1):
 *
 *   x0 = ln(price0)        mu = ln(long_run)        a = exp(-kappa Δ)
 *   s  = sigma * sqrt(-expm1(-2 kappa Δ) / (2 kappa))      (sigma sqrt(Δ) if kappa = 0)
 *   p  = 1 - exp(-jump_rate Δ) = -expm1(-jump_rate Δ)
 *
 * s is the exact standard deviation of the OU transition over one month, so
 * the discretisation has no time-step error. expm1 keeps s and p accurate for
 * small rates where 1 - exp(..) would cancel.
 *
 *   d_t = (1 + r)^(-t/12),  t = 0 .. H      escalator_t = (1 + e)^(t/12)
 *   lcoc denominator = sum_{t<H} d_t * demand_gpus * hours_per_month
 *
 * and the monthly rates of SPEC 2.2, 2.4 and 2.5 that do not depend on a
 * trial, so that the strategy kernels (strategy.c) do one multiply per term
 * per month and no division:
 *
 *   spot_month     = hours_per_month * spot_price * spot_multiplier   (a regime)
 *   fill           = Beta(fill_alpha, fill_beta) with its gamma constants
 *   capex_total    = capex_per_mw * MW
 *   energy_per_gpu = kw_per_gpu/1000 * pue * utilisation * hours_per_month
 *   opex_month     = opex_per_mw_year * MW / 12
 *   wear           = 1 / (12 * life)    (residual = A * max(0, 1 - age * wear))
 *   hour_price     = hours_per_month * price_per_gpu_hour           (a lease)
 *   pass_inv_price0 = 1 / price0 of the pass-through region
 */
#include "kernels/model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double DELTA = 1.0 / 12.0;

static void prepare_region(mcr_region_t *g)
{
    double k = g->reversion;
    g->x0 = log(g->price0);
    g->mu = log(g->long_run);
    g->a = exp(-k * DELTA);
    if (k > 0)
        g->s = g->volatility * sqrt(-expm1(-2.0 * k * DELTA) / (2.0 * k));
    else
        g->s = g->volatility * sqrt(DELTA);
    g->p_jump = -expm1(-g->jump_rate * DELTA);
    g->log_q = -g->jump_rate * DELTA;
}

mcr_status_t mcr_model_prepare(mcr_model_t *m, mcr_err_t *err)
{
    int H = m->horizon;

    for (int r = 0; r < m->nregions; r++)
        prepare_region(&m->region[r]);
    for (int k = 0; k < m->nregimes; k++) {
        mcr_regime_t *g = &m->regime[k];
        g->spot_month = m->hours_per_month * m->spot_price * g->spot_multiplier;
        mcr_beta_prepare(&g->fill, g->fill_alpha, g->fill_beta);
    }

    free(m->discount);
    m->discount = malloc((size_t)(H + 1) * sizeof *m->discount);
    if (!m->discount)
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory preparing the model");
    double denom = 0;
    for (int t = 0; t <= H; t++) {
        m->discount[t] = pow(1.0 + m->discount_rate, -(double)t / 12.0);
        if (t < H)
            denom += m->discount[t];
    }
    m->lcoc_denominator = denom * m->demand_gpus * m->hours_per_month;

    for (int i = 0; i < m->nstrategies; i++) {
        mcr_strategy_t *s = &m->strategy[i];
        if (s->kind == MCR_STRATEGY_BUILD) {
            mcr_build_t *b = &s->build;
            b->mw = s->gpus * b->kw_per_gpu / 1000.0;
            b->capex_total = b->capex_per_mw * b->mw;
            b->energy_per_gpu = b->kw_per_gpu / 1000.0 * b->pue * b->utilisation * m->hours_per_month;
            b->opex_month = b->opex_per_mw_year * b->mw / 12.0;
            b->facility_wear = 1.0 / (12.0 * b->facility_life_years);
            b->gpu_wear = 1.0 / (12.0 * b->gpu_life_years);
            mcr_duration_prepare(&b->permit);
            mcr_duration_prepare(&b->construction);
            if (b->has_pause)
                mcr_duration_prepare(&b->pause);
        } else {
            mcr_lease_t *l = &s->lease;
            mcr_duration_prepare(&l->onboarding);
            l->hour_price = m->hours_per_month * l->price_per_gpu_hour;
            if (l->passthrough_region >= 0) {
                l->pass_share = l->energy_passthrough;
                l->pass_region = l->passthrough_region;
            } else {
                l->pass_share = 0;
                l->pass_region = 0;
            }
            l->pass_inv_price0 = 1.0 / m->region[l->pass_region].price0;
            free(l->escalator);
            l->escalator = malloc((size_t)H * sizeof *l->escalator);
            if (!l->escalator)
                return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory preparing the model");
            for (int t = 0; t < H; t++)
                l->escalator[t] = pow(1.0 + l->escalation, (double)t / 12.0);
        }
    }
    m->ndrivers = mcr_model_driver_count(m);
    return MCR_OK;
}

void mcr_model_free(mcr_model_t *m)
{
    if (!m)
        return;
    free(m->region);
    free(m->chol);
    free(m->regime);
    free(m->transition);
    if (m->strategy)
        for (int i = 0; i < m->nstrategies; i++)
            free(m->strategy[i].lease.escalator);
    free(m->strategy);
    free(m->discount);
    memset(m, 0, sizeof *m);
}

int mcr_model_driver_count(const mcr_model_t *m)
{
    int d = m->nregions + 1;
    for (int i = 0; i < m->nstrategies; i++)
        d += m->strategy[i].kind == MCR_STRATEGY_BUILD ? 3 : 1;
    return d;
}
