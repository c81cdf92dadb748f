/* trial.c -- one Monte Carlo trial of the model of SPEC 2 (see trial.h).
 *
 * A trial composes the three kernels on one stream, in the fixed order of
 * trial.h: energy price paths (energy.c), the chip market path (chips.c),
 * then strategy by strategy its durations and its cash flows (strategy.c),
 * every strategy valued on the same factor paths (common random numbers).
 * Across strategies:
 *
 *   regret_s = cost_npv_s - min_v cost_npv_v       best = argmin_s cost_npv_s
 *   lcoc_s   = cost_npv_s / (sum_{t<H} d_t demand_gpus hours_per_month)
 *
 * (ties for the minimum go to the first strategy in file order). The drivers
 * follow SPEC 2.6: each region's mean price, the mean fill, then each
 * strategy's sampled durations (build: permit, pause, construction; lease:
 * onboarding), before any ceil().
 *
 * The workspace is one block the engine allocates per thread: the doubles
 * first (price, fill, paths, scratch), then the regime indices, so every
 * array is aligned for its type when the block is aligned for double.
 */
#include "kernels/trial.h"

#include "kernels/chips.h"
#include "kernels/energy.h"
#include "kernels/strategy.h"

/* ---- workspace -------------------------------------------------------------- */

/* Doubles in a workspace: price R*H, fill H, paths S*NPATH*H, scratch 3R. */
static size_t work_doubles(const mcr_model_t *m)
{
    size_t H = (size_t)m->horizon, R = (size_t)m->nregions, S = (size_t)m->nstrategies;
    return R * H + H + S * MCR_NPATH * H + 3 * R;
}

size_t mcr_trial_work_bytes(const mcr_model_t *m)
{
    return work_doubles(m) * sizeof(double) + (size_t)m->horizon * sizeof(int);
}

void mcr_trial_work_bind(mcr_trial_work_t *w, const mcr_model_t *m, void *mem)
{
    size_t H = (size_t)m->horizon, R = (size_t)m->nregions, S = (size_t)m->nstrategies;
    double *p = mem;
    w->price = p;
    p += R * H;
    w->fill = p;
    p += H;
    w->path = p;
    p += S * MCR_NPATH * H;
    w->scratch = p;
    p += 3 * R;
    w->regime = (int *)(void *)p;
}

/* ---- one trial -------------------------------------------------------------- */

void mcr_trial_run(mcr_rng_t *rng, const mcr_model_t *m,
                   mcr_trial_work_t *w, mcr_trial_out_t *o)
{
    const int H = m->horizon, R = m->nregions, S = m->nstrategies;
    double *driver = o->driver;

    mcr_energy_sample(rng, m, w->price, driver, w->scratch);
    driver[R] = mcr_chips_sample(rng, m, w->regime, w->fill);
    driver += R + 1;

    const mcr_factors_t f = {w->price, w->fill, w->regime};
    int best = 0;
    for (int s = 0; s < S; s++) {
        mcr_durations_t d;
        mcr_strategy_result_t res;
        double *online = w->path + ((size_t)s * MCR_NPATH + MCR_PATH_ONLINE_GPUS) * H;
        double *cost = w->path + ((size_t)s * MCR_NPATH + MCR_PATH_MONTHLY_COST) * H;

        mcr_strategy_draw(rng, &m->strategy[s], &d);
        if (m->strategy[s].kind == MCR_STRATEGY_BUILD) {
            *driver++ = d.permit;
            *driver++ = d.pause;
            *driver++ = d.construction;
        } else {
            *driver++ = d.onboarding;
        }

        mcr_strategy_value(m, s, &d, &f, online, cost, o->breakdown + (size_t)s * MCR_NCOMP, &res);
        o->out[MCR_OUT_COST_NPV * S + s] = res.cost_npv;
        o->out[MCR_OUT_LCOC * S + s] = res.cost_npv / m->lcoc_denominator;
        o->out[MCR_OUT_MONTHS_TO_90PCT * S + s] = res.months_to_90pct;
        o->out[MCR_OUT_SHORTFALL_GPU_HOURS * S + s] = res.shortfall_gpu_hours;
        if (res.cost_npv < o->out[MCR_OUT_COST_NPV * S + best])
            best = s;
    }

    const double *npv = o->out + MCR_OUT_COST_NPV * S;
    for (int s = 0; s < S; s++)
        o->out[MCR_OUT_REGRET * S + s] = npv[s] - npv[best];
    o->best = best;
}
