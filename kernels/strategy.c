/* strategy.c -- one strategy's cash flows in one trial (see strategy.h).
 *
 * Months t = 0 .. H-1, d_t = (1 + discount_rate)^(-t/12), hours = hours_per_month.
 *
 * build (SPEC 2.4), IT load MW = gpus kw_per_gpu / 1000:
 *   S = ceil(T_permit + T_pause)        R = max(S + 1, ceil(T_permit + T_pause + T_construction))
 *   facility_t = capex_per_mw MW / (R - S)                  S <= t < R
 *   O_S = gpus, delivered_t = p F_t O_t, O_{t+1} = O_t - delivered_t,
 *   G_t = sum_{S<=u<=t} delivered_u = gpus - O_{t+1}        t >= S
 *   gpu_t      = gpu_unit_cost delivered_t
 *   C_t        = G_t for t >= R, else 0
 *   energy_t   = C_t kw_per_gpu/1000 pue utilisation hours P_{region,t}
 *   opex_t     = opex_per_mw_year MW / 12                   t >= R
 *   residual   = sum over payments A at month u < H of A max(0, 1 - (H-u)/(12 life))
 *                (facility life for instalments, GPU life for deliveries)
 *
 * lease (SPEC 2.5):
 *   S = ceil(T_onboard), deliveries from S by the same rule, C_t = L_t = G_t
 *   lease_t = C_t hours price_per_gpu_hour (1 + escalation)^(t/12)
 *             (1 + passthrough (P_{ref,t} / P_{ref,0} - 1))
 *
 * every strategy (SPEC 2.6):
 *   short_t     = max(0, demand_gpus - C_t)
 *   shortfall_t = short_t hours spot_price spot_multiplier[S_t]
 *   K_t         = facility_t + gpu_t + energy_t + opex_t + lease_t + shortfall_t
 *   cost_npv    = sum_{t<H} d_t K_t - d_H residual
 *
 * Anything at month H or later is neither costed nor credited, and the
 * instalments keep the size R - S gives them even when some fall past H.
 *
 * How it is computed. The months split into phases with no per-month
 * branching inside: [0, S) waiting (nothing online, the whole demand bought
 * at spot); for a build [S, R) building (instalments and deliveries, still
 * nothing online); then online until H, itself split at the month C_t first
 * reaches 90% of the order, so the months_to_90pct test leaves the loop once
 * it has fired (G_t never decreases). Each cost term is discounted as it is
 * made and summed per component, so the breakdown needs no second pass and
 * cost_npv is the sum of the breakdown, exactly. Rates that do not depend on
 * the trial come from mcr_model_prepare() (model.c); the residual factor
 * uses wear = 1/(12 life) for the one division. G_t is formed as
 * gpus - O_{t+1} (chips.c says why: it never rounds above the order). S and
 * R are kept as doubles until clamped to H, so a huge sampled duration
 * cannot overflow an int.
 */
#include "kernels/strategy.h"

#include <math.h>
#include <stddef.h>

#include "kernels/chips.h"
#include "kernels/dist.h"
#include "kernels/trial.h"

/* ---- types ------------------------------------------------------------------ */

/* Running sums of one strategy in one trial. */
typedef struct {
    double facility, gpu, energy, opex, lease, shortfall;  /* discounted, USD */
    double residual;    /* value at month H of the payments so far, USD, undiscounted */
    double short_gpus;  /* sum of short_t, GPU-months */
} acc_t;

/* ---- durations -------------------------------------------------------------- */

void mcr_strategy_draw(mcr_rng_t *rng, const mcr_strategy_t *s, mcr_durations_t *d)
{
    d->permit = d->pause = d->construction = d->onboarding = 0;
    if (s->kind == MCR_STRATEGY_BUILD) {
        const mcr_build_t *b = &s->build;
        d->permit = mcr_duration_sample(rng, &b->permit);
        if (b->has_pause && mcr_bernoulli(rng, b->pause_probability))
            d->pause = mcr_duration_sample(rng, &b->pause);
        d->construction = mcr_duration_sample(rng, &b->construction);
    } else {
        d->onboarding = mcr_duration_sample(rng, &s->lease.onboarding);
    }
}

/* ---- shared months ------------------------------------------------------------ */

/* min(month, H) as an int, for a month index held as a double >= 0. */
static inline int clamp_month(double month, int H)
{
    return month < (double)H ? (int)month : H;
}

/* max(0, 1 - age wear): the share of a payment's value left after age months. */
static inline double residual_share(int age, double wear)
{
    double v = 1.0 - (double)age * wear;
    return v > 0 ? v : 0;
}

/* Months [0, s0): nothing online, the whole demand is bought at spot. */
static inline void value_waiting(const mcr_model_t *m, const int *restrict regime, int s0,
                                 double *restrict online, double *restrict cost, acc_t *a)
{
    const double demand = m->demand_gpus, *disc = m->discount;
    double shortfall = 0;
    for (int t = 0; t < s0; t++) {
        double sc = demand * m->regime[regime[t]].spot_month;
        online[t] = 0;
        cost[t] = sc;
        shortfall += disc[t] * sc;
    }
    a->shortfall += shortfall;
    a->short_gpus += demand * s0;
}

/* The shortfall of month t with c GPUs online: adds short_t to the running
 * sum and returns its cost, USD. */
static inline double shortfall_cost(const mcr_model_t *m, int k, double c, acc_t *a)
{
    double gap = m->demand_gpus - c;
    gap = gap > 0 ? gap : 0;
    a->short_gpus += gap;
    return gap * m->regime[k].spot_month;
}

/* ---- build ---------------------------------------------------------------------- */

/* One online month t >= R of a build: delivers, costs, returns C_t. */
static inline double build_online_month(const mcr_model_t *m, const mcr_build_t *b,
                                        double priority, const mcr_factors_t *f,
                                        const double *price, int t, double order,
                                        double *outstanding, double *online, double *cost,
                                        acc_t *a)
{
    const double d = m->discount[t];
    double got = mcr_chips_deliver(outstanding, priority, f->fill[t]);
    double c = order - *outstanding;
    double gpu = b->gpu_unit_cost * got;
    double energy = c * b->energy_per_gpu * price[t];
    double opex = b->opex_month;
    double sc = shortfall_cost(m, f->regime[t], c, a);
    online[t] = c;
    cost[t] = gpu + energy + opex + sc;
    a->gpu += d * gpu;
    a->energy += d * energy;
    a->opex += d * opex;
    a->shortfall += d * sc;
    a->residual += gpu * residual_share(m->horizon - t, b->gpu_wear);
    return c;
}

static void value_build(const mcr_model_t *m, const mcr_strategy_t *st,
                        const mcr_durations_t *dur, const mcr_factors_t *f,
                        double *restrict online, double *restrict cost, acc_t *sums,
                        mcr_strategy_result_t *res)
{
    const mcr_build_t *b = &st->build;
    acc_t acc = *sums, *a = &acc;   /* a local the compiler keeps in registers */
    const int H = m->horizon;
    const double *price = f->price + (size_t)b->region * H;
    const double priority = st->supply_priority, demand = m->demand_gpus;

    double start = dur->permit + dur->pause;
    double S = ceil(start), R = ceil(start + dur->construction);
    if (R < S + 1)
        R = S + 1;
    const int s0 = clamp_month(S, H), r0 = clamp_month(R, H);
    const double instalment = s0 < H ? b->capex_total / (R - S) : 0;

    value_waiting(m, f->regime, s0, online, cost, a);

    const double order = st->gpus;
    double outstanding = order;
    int t = s0;
    for (; t < r0; t++) {
        const double d = m->discount[t];
        double got = mcr_chips_deliver(&outstanding, priority, f->fill[t]);
        double gpu = b->gpu_unit_cost * got;
        double sc = demand * m->regime[f->regime[t]].spot_month;
        online[t] = 0;
        cost[t] = instalment + gpu + sc;
        a->facility += d * instalment;
        a->gpu += d * gpu;
        a->shortfall += d * sc;
        a->residual += instalment * residual_share(H - t, b->facility_wear)
                     + gpu * residual_share(H - t, b->gpu_wear);
    }
    a->short_gpus += demand * (r0 - s0);

    const double target = 0.9 * order;
    for (; t < H; t++)
        if (build_online_month(m, b, priority, f, price, t, order, &outstanding,
                               online, cost, a) >= target)
            break;
    res->months_to_90pct = t;   /* H when never */
    for (t++; t < H; t++)
        build_online_month(m, b, priority, f, price, t, order, &outstanding, online, cost, a);
    *sums = acc;
}

/* ---- lease ---------------------------------------------------------------------- */

/* One month t >= S of a lease: delivers, costs, returns C_t. */
static inline double lease_month(const mcr_model_t *m, const mcr_lease_t *l,
                                 double priority, const mcr_factors_t *f,
                                 const double *ref, int t, double order,
                                 double *outstanding, double *online, double *cost,
                                 acc_t *a)
{
    const double d = m->discount[t];
    mcr_chips_deliver(outstanding, priority, f->fill[t]);
    double c = order - *outstanding;
    double rate = l->hour_price * l->escalator[t]
                * (1.0 + l->pass_share * (ref[t] * l->pass_inv_price0 - 1.0));
    double lease = c * rate;
    double sc = shortfall_cost(m, f->regime[t], c, a);
    online[t] = c;
    cost[t] = lease + sc;
    a->lease += d * lease;
    a->shortfall += d * sc;
    return c;
}

static void value_lease(const mcr_model_t *m, const mcr_strategy_t *st,
                        const mcr_durations_t *dur, const mcr_factors_t *f,
                        double *restrict online, double *restrict cost, acc_t *sums,
                        mcr_strategy_result_t *res)
{
    const mcr_lease_t *l = &st->lease;
    acc_t acc = *sums, *a = &acc;   /* a local the compiler keeps in registers */
    const int H = m->horizon;
    /* with no pass-through, pass_share = 0 and the factor is exactly 1 */
    const double *ref = f->price + (size_t)l->pass_region * H;
    const double priority = st->supply_priority;
    const int s0 = clamp_month(ceil(dur->onboarding), H);

    value_waiting(m, f->regime, s0, online, cost, a);

    const double order = st->gpus, target = 0.9 * order;
    double outstanding = order;
    int t = s0;
    for (; t < H; t++)
        if (lease_month(m, l, priority, f, ref, t, order, &outstanding, online, cost, a) >= target)
            break;
    res->months_to_90pct = t;   /* H when never */
    for (t++; t < H; t++)
        lease_month(m, l, priority, f, ref, t, order, &outstanding, online, cost, a);
    *sums = acc;
}

/* ---- API ------------------------------------------------------------------------ */

void mcr_strategy_value(const mcr_model_t *m, int s, const mcr_durations_t *d,
                        const mcr_factors_t *f, double *online, double *cost,
                        double *breakdown, mcr_strategy_result_t *res)
{
    const mcr_strategy_t *st = &m->strategy[s];
    acc_t a = {0, 0, 0, 0, 0, 0, 0, 0};

    if (st->kind == MCR_STRATEGY_BUILD)
        value_build(m, st, d, f, online, cost, &a, res);
    else
        value_lease(m, st, d, f, online, cost, &a, res);

    breakdown[MCR_COMP_FACILITY_CAPEX] = a.facility;
    breakdown[MCR_COMP_GPU_CAPEX] = a.gpu;
    breakdown[MCR_COMP_ENERGY] = a.energy;
    breakdown[MCR_COMP_OPEX] = a.opex;
    breakdown[MCR_COMP_LEASE] = a.lease;
    breakdown[MCR_COMP_SHORTFALL] = a.shortfall;
    breakdown[MCR_COMP_RESIDUAL] = -(m->discount[m->horizon] * a.residual);

    double npv = 0;
    for (int c = 0; c < MCR_NCOMP; c++)
        npv += breakdown[c];
    res->cost_npv = npv;
    res->shortfall_gpu_hours = a.short_gpus * m->hours_per_month;
}
