/* test_trial.c -- one trial of the model of SPEC 2, against hand computations.
 *
 * Every case but the last two is deterministic: flat or exactly known energy
 * prices (no volatility, no jumps) and fills F ~ Beta(1e15, 1). The answers
 * were worked out on paper from SPEC 2.4-2.6 (the arithmetic is written out
 * beside each case, and was re-checked with exact fractions in Python).
 *
 * Tolerance. F ~ Beta(a = 1e15, b = 1) has mean 1 - b/(a+b) = 1 - 1e-15 and
 * sd sqrt(ab / ((a+b)^2 (a+b+1))) = 1e-15; 1 - F is about 1e-15 times an
 * Exp(1) variable, so it exceeds 40 sd = 4e-14 with probability e^-40 per
 * draw. A quantity built from at most 12 fills (H = 12 here) then moves by a
 * relative 12 * 4e-14 < 5e-13, and double rounding over a dozen operations
 * adds ~1e-15. TOL = 1e-11 is 20 times that bound; an error in any formula
 * moves the answers by far more. The last cases are random and check
 * identities that hold in every trial, to rounding (REL = 1e-12 of the scale).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fixture_model.h"
#include "kernels/chips.h"
#include "kernels/dist.h"
#include "kernels/energy.h"
#include "kernels/trial.h"

#define TOL 1e-11
#define REL 1e-12

/* ---- harness ----------------------------------------------------------------- */

/* A model with its workspace and outputs, run one trial at a time. */
typedef struct {
    mcr_model_t m;
    void *mem;
    mcr_trial_work_t w;
    mcr_trial_out_t o;
    mcr_rng_t rng;
} run_t;

static void run_init(run_t *r, uint64_t seed)
{
    assert_true(fx_prepare(&r->m));
    int S = r->m.nstrategies;
    r->mem = malloc(mcr_trial_work_bytes(&r->m));
    r->o.out = malloc(sizeof(double) * MCR_NOUT * S);
    r->o.breakdown = malloc(sizeof(double) * MCR_NCOMP * S);
    r->o.driver = malloc(sizeof(double) * mcr_model_driver_count(&r->m));
    assert_non_null(r->mem);
    assert_non_null(r->o.out);
    assert_non_null(r->o.breakdown);
    assert_non_null(r->o.driver);
    mcr_trial_work_bind(&r->w, &r->m, r->mem);
    mcr_pcg_set(&r->rng, MCR_U128(0x0123456789abcdefULL, seed), MCR_U128(0, 2 * seed + 1));
}

static void run_free(run_t *r)
{
    free(r->mem);
    free(r->o.out);
    free(r->o.breakdown);
    free(r->o.driver);
    mcr_model_free(&r->m);
}

static void run_trial(run_t *r)
{
    mcr_trial_run(&r->rng, &r->m, &r->w, &r->o);
}

static double out(const run_t *r, int k, int s)
{
    return r->o.out[k * r->m.nstrategies + s];
}

static double comp(const run_t *r, int s, int c)
{
    return r->o.breakdown[s * MCR_NCOMP + c];
}

static double path(const run_t *r, int s, int p, int t)
{
    return r->w.path[((size_t)s * MCR_NPATH + p) * r->m.horizon + t];
}

/* |got - want| <= rel * max(|want|, 1), with a message naming the quantity. */
static void near(double got, double want, double rel, const char *fmt, ...)
{
    double scale = fabs(want) > 1 ? fabs(want) : 1;
    if (!(fabs(got - want) <= rel * scale)) {
        char what[128];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        fail_msg("%s: got %.17g, want %.17g (rel tol %g)", what, got, want, rel);
    }
}

/* The sum of the breakdown in component order is cost_npv exactly (that is
 * how strategy.c forms it), and the residual is a credit. */
static void check_breakdown_sums(const run_t *r, int s)
{
    double sum = 0;
    for (int c = 0; c < MCR_NCOMP; c++)
        sum += comp(r, s, c);
    assert_true(sum == out(r, MCR_OUT_COST_NPV, s));
    assert_true(comp(r, s, MCR_COMP_RESIDUAL) <= 0);
}

/* ---- a build, by hand ------------------------------------------------------------ */

/* H = 12, hours = 100, demand = 1000, spot = 3 USD/GPU-h x multiplier 2 =
 * 6 USD/GPU-h, so a GPU short for a month costs 600. Region price 50 flat.
 * Build: 1000 GPUs, 1 kW each -> MW = 1; pue 1.5, utilisation 0.8 ->
 * energy 1/1000 * 1.5 * 0.8 * 100 * 50 = 6 USD per online GPU a month;
 * capex 1e6/MW -> 1e6; GPUs 1000 USD each; opex 120000/MW/yr -> 10000 a
 * month; priority 0.5 (F = 1: half the outstanding order each month);
 * permit 2 (no pause) -> S = 2; construction 3.5 -> R = max(3, ceil(5.5)) = 6;
 * lives 20 y (240 months) and 5 y (60 months).
 *
 *   instalments 1e6 / (6 - 2) = 250000 at months 2, 3, 4, 5
 *   delivered_t (t = 2..11) = 500, 250, 125, 62.5, 31.25, 15.625, 7.8125,
 *                             3.90625, 1.953125, 0.9765625
 *   C_t = G_t for t >= 6:  968.75, 984.375, 992.1875, 996.09375,
 *                          998.046875, 999.0234375
 *   K_0 = K_1 = 1000 * 600                                    = 600000
 *   K_2 = 250000 + 500000 + 600000                            = 1350000
 *   K_3 = 250000 + 250000 + 600000                            = 1100000
 *   K_4 = 250000 + 125000 + 600000                            = 975000
 *   K_5 = 250000 +  62500 + 600000                            = 912500
 *   K_6 = 31250 + 6*968.75 + 10000 + 600*31.25                = 65812.5
 *   K_7 = 15625 + 5906.25 + 10000 + 9375                      = 40906.25
 *   K_8 = 7812.5 + 5953.125 + 10000 + 4687.5                  = 28453.125
 *   K_9 = 3906.25 + 5976.5625 + 10000 + 2343.75               = 22226.5625
 *   K_10 = 1953.125 + 5988.28125 + 10000 + 1171.875           = 19113.28125
 *   K_11 = 976.5625 + 5994.140625 + 10000 + 585.9375          = 17556.640625
 *
 *   facility capex = 4 * 250000                               = 1000000
 *   gpu capex      = 1000 * (1000 - 0.9765625)                = 999023.4375
 *   energy         = 6 * (6000 - 61.5234375)                  = 35630.859375
 *     (sum of short_t for t >= 6: 31.25 + ... + 0.9765625     = 61.5234375)
 *   opex           = 6 * 10000                                = 60000
 *   shortfall      = 600 * (6 * 1000 + 61.5234375)            = 3636914.0625
 *   residual: facility 250000 * (230 + 231 + 232 + 233) / 240 = 2893750/3
 *             GPUs sum_u 1000 delivered_u (60 - (12 - u))/60
 *               = 1000/60 * (500*50 + 250*51 + 125*52 + 62.5*53 + 31.25*54
 *                 + 15.625*55 + 7.8125*56 + 3.90625*57 + 1.953125*58
 *                 + 0.9765625*59) = 1000/60 * 50940.4296875    = 163009375/192
 *   cost_npv = 1000000 + 999023.4375 + 35630.859375 + 60000 + 3636914.0625
 *              - 2893750/3 - 163009375/192                     = 376125875/96
 *   shortfall_gpu_hours = 100 * 6061.5234375                   = 606152.34375
 *   months_to_90pct = 6 (C_6 = 968.75 >= 900; nothing online before R = 6)
 *   lcoc = cost_npv / (12 * 1000 * 100)
 */
static const double BUILD_K[12] = {
    600000, 600000, 1350000, 1100000, 975000, 912500,
    65812.5, 40906.25, 28453.125, 22226.5625, 19113.28125, 17556.640625};
static const double BUILD_C[12] = {
    0, 0, 0, 0, 0, 0, 968.75, 984.375, 992.1875, 996.09375, 998.046875, 999.0234375};
#define BUILD_RESIDUAL (2893750.0 / 3.0 + 163009375.0 / 192.0)

static void hand_build_model(run_t *r, double discount_rate)
{
    r->m = fx_model(12, 1, 1, 1);
    r->m.discount_rate = discount_rate;
    r->m.spot_price = 3;
    r->m.regime[0].spot_multiplier = 2;
    fx_build(&r->m, 0, 0, 2, 3.5);
    r->m.strategy[0].supply_priority = 0.5;
    run_init(r, 11);
}

static void test_build_by_hand(void **state)
{
    run_t r;
    hand_build_model(&r, 0);
    run_trial(&r);

    for (int t = 0; t < 12; t++) {
        near(path(&r, 0, MCR_PATH_ONLINE_GPUS, t), BUILD_C[t], TOL, "C_%d", t);
        near(path(&r, 0, MCR_PATH_MONTHLY_COST, t), BUILD_K[t], TOL, "K_%d", t);
    }
    near(comp(&r, 0, MCR_COMP_FACILITY_CAPEX), 1000000, TOL, "facility");
    near(comp(&r, 0, MCR_COMP_GPU_CAPEX), 999023.4375, TOL, "gpu capex");
    near(comp(&r, 0, MCR_COMP_ENERGY), 35630.859375, TOL, "energy");
    near(comp(&r, 0, MCR_COMP_OPEX), 60000, TOL, "opex");
    assert_true(comp(&r, 0, MCR_COMP_LEASE) == 0);
    near(comp(&r, 0, MCR_COMP_SHORTFALL), 3636914.0625, TOL, "shortfall");
    near(comp(&r, 0, MCR_COMP_RESIDUAL), -BUILD_RESIDUAL, TOL, "residual");
    near(out(&r, MCR_OUT_COST_NPV, 0), 376125875.0 / 96.0, TOL, "cost_npv");
    near(out(&r, MCR_OUT_LCOC, 0), 376125875.0 / 96.0 / 1.2e6, TOL, "lcoc");
    near(out(&r, MCR_OUT_SHORTFALL_GPU_HOURS, 0), 606152.34375, TOL, "shortfall hours");
    assert_true(out(&r, MCR_OUT_MONTHS_TO_90PCT, 0) == 6);
    assert_true(out(&r, MCR_OUT_REGRET, 0) == 0);
    assert_int_equal(r.o.best, 0);
    check_breakdown_sums(&r, 0);
    run_free(&r);
}

/* The same build with discount_rate = 4095: d_t = 4096^(-t/12) = 2^-t, so
 * cost_npv = sum_t K_t 2^-t - 2^-12 residual with K_t and the residual above
 * (the monthly costs themselves are undiscounted and do not change). */
static void test_build_discounted(void **state)
{
    run_t r;
    hand_build_model(&r, 4095);
    run_trial(&r);

    double want = -ldexp(BUILD_RESIDUAL, -12);
    for (int t = 0; t < 12; t++) {
        near(path(&r, 0, MCR_PATH_MONTHLY_COST, t), BUILD_K[t], TOL, "K_%d", t);
        want += ldexp(BUILD_K[t], -t);
    }
    /* facility: 250000 (2^-2 + 2^-3 + 2^-4 + 2^-5) = 250000 * 15/32 */
    near(comp(&r, 0, MCR_COMP_FACILITY_CAPEX), 250000.0 * 15.0 / 32.0, TOL, "facility");
    near(comp(&r, 0, MCR_COMP_RESIDUAL), -ldexp(BUILD_RESIDUAL, -12), TOL, "residual");
    near(out(&r, MCR_OUT_COST_NPV, 0), want, TOL, "cost_npv");
    check_breakdown_sums(&r, 0);
    run_free(&r);
}

/* ---- a lease, by hand ------------------------------------------------------------ */

/* H = 12, hours 100, demand 1000, spot 6 USD/GPU-h (600 a GPU-month).
 * Lease: 800 GPUs at 2 USD/GPU-h (200 a GPU-month), priority 1, onboarding
 * 2.3 months -> S = ceil(2.3) = 3; F = 1 delivers all 800 in month 3.
 *   K_0..K_2 = 1000 * 600                   = 600000
 *   K_3..K_11 = 800 * 200 + 200 * 600       = 160000 + 120000 = 280000
 *   lease = 9 * 160000 = 1440000;  shortfall = 3 * 600000 + 9 * 120000 = 2880000
 *   cost_npv = 4320000;  lcoc = 4320000 / (12 * 1000 * 100) = 3.6
 *   shortfall_gpu_hours = (3 * 1000 + 9 * 200) * 100 = 480000
 *   months_to_90pct = 3 (800 >= 720);  no capex, so no residual */
static void test_lease_by_hand(void **state)
{
    run_t r;
    r.m = fx_model(12, 1, 1, 1);
    r.m.spot_price = 3;
    r.m.regime[0].spot_multiplier = 2;
    r.m.strategy[0].gpus = 800;
    r.m.strategy[0].lease.price_per_gpu_hour = 2;
    r.m.strategy[0].lease.onboarding = fx_fixed(2.3);
    run_init(&r, 12);
    run_trial(&r);

    for (int t = 0; t < 12; t++) {
        near(path(&r, 0, MCR_PATH_ONLINE_GPUS, t), t < 3 ? 0 : 800, TOL, "C_%d", t);
        near(path(&r, 0, MCR_PATH_MONTHLY_COST, t), t < 3 ? 600000 : 280000, TOL, "K_%d", t);
    }
    assert_true(comp(&r, 0, MCR_COMP_FACILITY_CAPEX) == 0);
    assert_true(comp(&r, 0, MCR_COMP_GPU_CAPEX) == 0);
    assert_true(comp(&r, 0, MCR_COMP_ENERGY) == 0);
    assert_true(comp(&r, 0, MCR_COMP_OPEX) == 0);
    near(comp(&r, 0, MCR_COMP_LEASE), 1440000, TOL, "lease");
    near(comp(&r, 0, MCR_COMP_SHORTFALL), 2880000, TOL, "shortfall");
    assert_true(comp(&r, 0, MCR_COMP_RESIDUAL) == 0);
    near(out(&r, MCR_OUT_COST_NPV, 0), 4320000, TOL, "cost_npv");
    near(out(&r, MCR_OUT_LCOC, 0), 3.6, TOL, "lcoc");
    near(out(&r, MCR_OUT_SHORTFALL_GPU_HOURS, 0), 480000, TOL, "shortfall hours");
    assert_true(out(&r, MCR_OUT_MONTHS_TO_90PCT, 0) == 3);
    assert_true(r.o.driver[2] == 2.3);   /* region mean, fill mean, onboarding */
    check_breakdown_sums(&r, 0);
    run_free(&r);
}

/* ---- instalments past the horizon; pause with probability 1 and 0 ------------------- */

/* H = 12, spot 1 USD/GPU-h (100 a GPU-month), builds as in fx_build with
 * priority 1 (F = 1: the whole order arrives in month S), construction 8.
 *
 * Strategy 0: permit 5, pause probability 1 of 2.5 months -> T_start = 7.5,
 *   S = 8, R = max(9, ceil(15.5)) = 16 > H. Instalments 1e6 / 8 = 125000 at
 *   months 8 .. 15; only 8 .. 11 are costed: 500000. GPUs: 1000 delivered in
 *   month 8 -> 1000000. Nothing is online before H: months_to_90pct = 12
 *   (censored), shortfall 12 * 1000 GPU-months -> 1200000 GPU-hours and
 *   12 * 1000 * 100 = 1200000 USD; no energy, no opex.
 *   residual = 125000 (236 + 237 + 238 + 239)/240 + 1000000 (1 - 4/60)
 *            = 125000 * 950/240 + 1000000 * 56/60 = 494791.666... + 933333.333...
 *   cost_npv = 500000 + 1000000 + 1200000 - residual
 * Strategy 1: the same with pause probability 0: S = 5, R = ceil(13) = 13 > H.
 *   Instalments 125000 at 5 .. 12, costed 5 .. 11: 875000. GPUs in month 5.
 *   residual = 125000 (233 + ... + 239)/240 + 1000000 (1 - 7/60)
 *            = 125000 * 1652/240 + 1000000 * 53/60
 *   cost_npv = 875000 + 1000000 + 1200000 - residual */
static void test_past_horizon_and_pause(void **state)
{
    run_t r;
    r.m = fx_model(12, 1, 1, 2);
    for (int s = 0; s < 2; s++) {
        fx_build(&r.m, s, 0, 5, 8);
        r.m.strategy[s].build.has_pause = 1;
        r.m.strategy[s].build.pause = fx_fixed(2.5);
    }
    r.m.strategy[0].build.pause_probability = 1;
    r.m.strategy[1].build.pause_probability = 0;
    run_init(&r, 13);
    run_trial(&r);

    const double res0 = 125000.0 * 950.0 / 240.0 + 1000000.0 * 56.0 / 60.0;
    const double res1 = 125000.0 * 1652.0 / 240.0 + 1000000.0 * 53.0 / 60.0;
    near(comp(&r, 0, MCR_COMP_FACILITY_CAPEX), 500000, TOL, "facility 0");
    near(comp(&r, 1, MCR_COMP_FACILITY_CAPEX), 875000, TOL, "facility 1");
    for (int s = 0; s < 2; s++) {
        near(comp(&r, s, MCR_COMP_GPU_CAPEX), 1000000, TOL, "gpu capex %d", s);
        assert_true(comp(&r, s, MCR_COMP_ENERGY) == 0);
        assert_true(comp(&r, s, MCR_COMP_OPEX) == 0);
        near(comp(&r, s, MCR_COMP_SHORTFALL), 1200000, TOL, "shortfall %d", s);
        near(out(&r, MCR_OUT_SHORTFALL_GPU_HOURS, s), 1200000, TOL, "shortfall hours %d", s);
        assert_true(out(&r, MCR_OUT_MONTHS_TO_90PCT, s) == 12);
        for (int t = 0; t < 12; t++)
            assert_true(path(&r, s, MCR_PATH_ONLINE_GPUS, t) == 0);
        check_breakdown_sums(&r, s);
    }
    near(comp(&r, 0, MCR_COMP_RESIDUAL), -res0, TOL, "residual 0");
    near(comp(&r, 1, MCR_COMP_RESIDUAL), -res1, TOL, "residual 1");
    near(out(&r, MCR_OUT_COST_NPV, 0), 2700000 - res0, TOL, "cost_npv 0");
    near(out(&r, MCR_OUT_COST_NPV, 1), 3075000 - res1, TOL, "cost_npv 1");
    /* month 8 of strategy 0: instalment + all GPUs + spot for the demand */
    near(path(&r, 0, MCR_PATH_MONTHLY_COST, 8), 125000 + 1000000 + 100000, TOL, "K_8");
    near(path(&r, 0, MCR_PATH_MONTHLY_COST, 7), 100000, TOL, "K_7");
    /* drivers: region mean, fill mean, then (permit, pause, construction) x 2 */
    const double *d = r.o.driver;
    assert_true(d[2] == 5 && d[3] == 2.5 && d[4] == 8);
    assert_true(d[5] == 5 && d[6] == 0 && d[7] == 8);
    run_free(&r);
}

/* R = max(S + 1, ceil(T_ready)): construction takes at least a month. Build
 * with permit 2.5 and construction 0.2 (priority 1, F = 1, spot 100 a
 * GPU-month, energy 0.12 MWh a GPU-month at 50 USD/MWh = 6 USD): S = 3,
 * ceil(2.7) = 3, so R = 4 and the whole 1e6 of facility capex is one
 * instalment in month 3, with the 1000 GPUs (1e6):
 *   K_3 = 1e6 + 1e6 + 1000 * 100 = 2100000
 *   K_4 = 6 * 1000 + 10000 = 16000 (no shortfall: C_4 = 1000 = demand)
 *   months_to_90pct = 4 */
static void test_build_takes_a_month(void **state)
{
    run_t r;
    r.m = fx_model(12, 1, 1, 1);
    fx_build(&r.m, 0, 0, 2.5, 0.2);
    run_init(&r, 19);
    run_trial(&r);

    near(path(&r, 0, MCR_PATH_MONTHLY_COST, 2), 100000, TOL, "K_2");
    near(path(&r, 0, MCR_PATH_MONTHLY_COST, 3), 2100000, TOL, "K_3");
    near(path(&r, 0, MCR_PATH_MONTHLY_COST, 4), 16000, TOL, "K_4");
    assert_true(path(&r, 0, MCR_PATH_ONLINE_GPUS, 3) == 0);
    near(path(&r, 0, MCR_PATH_ONLINE_GPUS, 4), 1000, TOL, "C_4");
    near(comp(&r, 0, MCR_COMP_FACILITY_CAPEX), 1e6, TOL, "facility");
    assert_true(out(&r, MCR_OUT_MONTHS_TO_90PCT, 0) == 4);
    run_free(&r);
}

/* ---- an order that never reaches 90% -------------------------------------------- */

/* Lease with priority 0.1, onboarding 0: C_t = 1000 (1 - 0.9^(t+1)); at
 * t = 11 that is 1000 (1 - 0.9^12) = 717.57 < 900, so months_to_90pct is
 * censored at H = 12. Shortfall short_t = 1000 * 0.9^(t+1), and
 * sum_{t<12} 0.9^(t+1) = 9 (1 - 0.9^12), so shortfall_gpu_hours =
 * 100 * 1000 * 9 (1 - 0.9^12). */
static void test_censored_order(void **state)
{
    run_t r;
    r.m = fx_model(12, 1, 1, 1);
    r.m.strategy[0].supply_priority = 0.1;
    run_init(&r, 14);
    run_trial(&r);

    for (int t = 0; t < 12; t++)
        near(path(&r, 0, MCR_PATH_ONLINE_GPUS, t), 1000 * (1 - pow(0.9, t + 1)), TOL, "C_%d", t);
    assert_true(out(&r, MCR_OUT_MONTHS_TO_90PCT, 0) == 12);
    near(out(&r, MCR_OUT_SHORTFALL_GPU_HOURS, 0), 100 * 1000 * 9 * (1 - pow(0.9, 12)), TOL,
         "shortfall hours");
    run_free(&r);
}

/* ---- pass-through and escalation ------------------------------------------------- */

/* Region 1: price0 40, long_run 80, reversion 12 ln 2 per year -> a = 1/2, no
 * volatility: x_t - mu = 2^-t (x_0 - mu) = -2^-t ln 2, so P_t = 80 * 2^(-2^-t)
 * (40, 56.57, 67.27, ...). Three leases of 1000 GPUs at 2 USD/GPU-h,
 * escalation 0.2, onboarding 0, priority 1 (C_t = 1000 from month 0):
 *   0: pass-through 0.5 of region 1:
 *      K_t = 1000 * 100 * 2 * 1.2^(t/12) (1 + 0.5 (P_t/40 - 1))
 *          = 200000 * 1.2^(t/12) (0.5 + 2^(-2^-t))
 *      (K_0 = 200000: at month 0 the pass-through term is 0)
 *   1: no pass-through region: K_t = 200000 * 1.2^(t/12)
 *   2: region 1 with share 0: the same as 1, bit for bit. */
static void test_passthrough_escalation(void **state)
{
    run_t r;
    r.m = fx_model(12, 2, 1, 3);
    r.m.region[1].price0 = 40;
    r.m.region[1].long_run = 80;
    r.m.region[1].reversion = 12 * log(2.0);
    for (int s = 0; s < 3; s++) {
        r.m.strategy[s].lease.price_per_gpu_hour = 2;
        r.m.strategy[s].lease.escalation = 0.2;
    }
    r.m.strategy[0].lease.energy_passthrough = 0.5;
    r.m.strategy[0].lease.passthrough_region = 1;
    r.m.strategy[2].lease.passthrough_region = 1;
    run_init(&r, 15);
    run_trial(&r);

    double npv0 = 0, npv1 = 0;
    for (int t = 0; t < 12; t++) {
        near(r.w.price[12 + t], 80 * pow(2, -ldexp(1, -t)), TOL, "P_1,%d", t);
        double esc = 200000 * pow(1.2, t / 12.0);
        double k0 = esc * (0.5 + pow(2, -ldexp(1, -t)));
        near(path(&r, 0, MCR_PATH_MONTHLY_COST, t), k0, TOL, "K_%d pass-through", t);
        near(path(&r, 1, MCR_PATH_MONTHLY_COST, t), esc, TOL, "K_%d escalated", t);
        assert_true(path(&r, 2, MCR_PATH_MONTHLY_COST, t) == path(&r, 1, MCR_PATH_MONTHLY_COST, t));
        npv0 += k0;
        npv1 += esc;
    }
    near(comp(&r, 0, MCR_COMP_LEASE), npv0, TOL, "lease 0");
    near(out(&r, MCR_OUT_COST_NPV, 1), npv1, TOL, "cost_npv 1");
    assert_true(out(&r, MCR_OUT_MONTHS_TO_90PCT, 0) == 0);
    run_free(&r);
}

/* ---- regret and best --------------------------------------------------------------- */

/* Leases of 1000 GPUs from month 0 (no shortfall beyond ~1e-12 GPUs), H = 12,
 * 100 hours: cost_npv = 12 * 1000 * 100 * price. Prices 3, 2, 2, 5 ->
 * 3.6e6, 2.4e6, 2.4e6, 6e6: the best is strategy 1 (tied with 2, first wins),
 * regrets 1.2e6, 0, 0, 3.6e6. */
static void test_regret_best_ties(void **state)
{
    static const double price[4] = {3, 2, 2, 5}, regret[4] = {1.2e6, 0, 0, 3.6e6};
    run_t r;
    r.m = fx_model(12, 1, 1, 4);
    for (int s = 0; s < 4; s++)
        r.m.strategy[s].lease.price_per_gpu_hour = price[s];
    run_init(&r, 16);
    run_trial(&r);

    assert_int_equal(r.o.best, 1);
    for (int s = 0; s < 4; s++) {
        near(out(&r, MCR_OUT_COST_NPV, s), 1.2e6 * price[s], TOL, "cost_npv %d", s);
        near(out(&r, MCR_OUT_REGRET, s), regret[s], TOL, "regret %d", s);
    }
    assert_true(out(&r, MCR_OUT_REGRET, 1) == 0 && out(&r, MCR_OUT_REGRET, 2) == 0);
    run_free(&r);
}

/* ---- random models: draw order, drivers and identities ----------------------------- */

/* Everything switched on: two correlated regions with volatility and jumps,
 * three regimes that move, a build with PERT durations and a pause, a lease
 * with uniform onboarding, escalation and pass-through, and a discount rate. */
static void random_model(run_t *r, uint64_t seed)
{
    r->m = fx_model(36, 2, 3, 3);
    r->m.discount_rate = 0.08;
    r->m.spot_price = 4;
    r->m.chol[2] = 0.6;
    r->m.chol[3] = 0.8;
    for (int g = 0; g < 2; g++) {
        mcr_region_t *e = &r->m.region[g];
        e->price0 = 60 + 10 * g;
        e->long_run = 55;
        e->reversion = 1.5;
        e->volatility = 0.6;
        e->jump_rate = 2;
        e->jump_mean = 0.1;
        e->jump_sd = 0.2;
    }
    static const double tr[9] = {0.8, 0.15, 0.05, 0.3, 0.6, 0.1, 0.2, 0.3, 0.5};
    static const double a[3] = {8, 3, 1}, b[3] = {2, 3, 4}, mult[3] = {1, 1.5, 3};
    for (int k = 0; k < 3; k++) {
        r->m.regime[k].fill_alpha = a[k];
        r->m.regime[k].fill_beta = b[k];
        r->m.regime[k].spot_multiplier = mult[k];
    }
    for (int i = 0; i < 9; i++)
        r->m.transition[i] = tr[i];
    r->m.initial_regime = 1;

    fx_build(&r->m, 0, 1, 0, 0);
    mcr_build_t *bd = &r->m.strategy[0].build;
    r->m.strategy[0].supply_priority = 0.7;
    bd->permit = fx_pert(3, 6, 14);
    bd->construction = fx_pert(8, 12, 20);
    bd->has_pause = 1;
    bd->pause_probability = 0.4;
    bd->pause = fx_uniform(1, 9);
    r->m.strategy[1].supply_priority = 0.9;
    r->m.strategy[1].gpus = 1200;
    r->m.strategy[1].lease.price_per_gpu_hour = 3.5;
    r->m.strategy[1].lease.escalation = 0.03;
    r->m.strategy[1].lease.energy_passthrough = 0.3;
    r->m.strategy[1].lease.passthrough_region = 0;
    r->m.strategy[1].lease.onboarding = fx_uniform(2, 7);
    r->m.strategy[2].supply_priority = 0.5;
    r->m.strategy[2].lease.price_per_gpu_hour = 2.5;
    r->m.strategy[2].lease.onboarding = fx_pert(1, 3, 10);
    run_init(r, seed);
}

/* The drivers are what the kernels drew, in trial.h's order: replay the same
 * stream through the kernels and samplers one by one and compare bit for bit. */
static void test_drivers_and_draw_order(void **state)
{
    run_t r;
    random_model(&r, 17);
    const mcr_model_t *m = &r.m;
    const int H = m->horizon;
    double *price = malloc(sizeof(double) * 2 * H), *fill = malloc(sizeof(double) * H);
    int *regime = malloc(sizeof(int) * H);
    double mean[2], scratch[6];
    assert_non_null(price);
    assert_non_null(fill);
    assert_non_null(regime);

    for (int trial = 0; trial < 50; trial++) {
        mcr_rng_t replay = r.rng;
        run_trial(&r);

        mcr_energy_sample(&replay, m, price, mean, scratch);
        double fill_mean = mcr_chips_sample(&replay, m, regime, fill);
        double want[6];
        const mcr_build_t *b = &m->strategy[0].build;
        want[0] = mcr_duration_sample(&replay, &b->permit);
        want[1] = mcr_bernoulli(&replay, b->pause_probability)
                ? mcr_duration_sample(&replay, &b->pause) : 0;
        want[2] = mcr_duration_sample(&replay, &b->construction);
        want[3] = mcr_duration_sample(&replay, &m->strategy[1].lease.onboarding);
        want[4] = mcr_duration_sample(&replay, &m->strategy[2].lease.onboarding);
        assert_memory_equal(&replay, &r.rng, sizeof replay);

        double psum[2] = {0, 0}, fsum = 0;
        for (int t = 0; t < H; t++) {
            assert_true(r.w.price[t] == price[t] && r.w.price[H + t] == price[H + t]);
            assert_true(r.w.fill[t] == fill[t] && r.w.regime[t] == regime[t]);
            psum[0] += price[t];
            psum[1] += price[H + t];
            fsum += fill[t];
        }
        near(r.o.driver[0], psum[0] / H, REL, "energy_price_mean.0");
        near(r.o.driver[1], psum[1] / H, REL, "energy_price_mean.1");
        near(r.o.driver[2], fsum / H, REL, "chip_fill_mean");
        assert_true(r.o.driver[2] == fill_mean);
        for (int i = 0; i < 5; i++)
            assert_true(r.o.driver[3 + i] == want[i]);
    }
    free(price);
    free(fill);
    free(regime);
    run_free(&r);
}

/* Identities of SPEC 2.4-2.6 that hold in every trial, over many trials:
 *   cost_npv = sum_t d_t K_t + residual component;   lcoc = cost_npv / denominator
 *   shortfall_gpu_hours = sum_t max(0, demand - C_t) hours
 *   months_to_90pct = first t with C_t >= 0.9 gpus, else H
 *   C_t never falls and never exceeds the order
 *   online months agree with ceil() of the drawn durations
 *   regret >= 0, regret[best] = 0, best is the first minimum. */
static void test_identities_random(void **state)
{
    run_t r;
    random_model(&r, 18);
    const mcr_model_t *m = &r.m;
    const int H = m->horizon, S = m->nstrategies;
    double denom = 0;
    for (int t = 0; t < H; t++)
        denom += pow(1.08, -t / 12.0) * 1000 * 100;
    near(m->lcoc_denominator, denom, REL, "lcoc denominator");

    for (int trial = 0; trial < 2000; trial++) {
        run_trial(&r);
        double lo = INFINITY;
        int first = -1;
        for (int s = 0; s < S; s++) {
            double npv = out(&r, MCR_OUT_COST_NPV, s), dk = 0, dk_abs = 0, sh = 0;
            int m90 = H;
            for (int t = 0; t < H; t++) {
                double c = path(&r, s, MCR_PATH_ONLINE_GPUS, t);
                double k = path(&r, s, MCR_PATH_MONTHLY_COST, t);
                dk += m->discount[t] * k;
                dk_abs += fabs(m->discount[t] * k);
                sh += (c < 1000 ? 1000 - c : 0) * 100;
                if (m90 == H && c >= 0.9 * m->strategy[s].gpus)
                    m90 = t;
                assert_true(c <= m->strategy[s].gpus);
                assert_true(t == 0 || c >= path(&r, s, MCR_PATH_ONLINE_GPUS, t - 1));
                assert_true(isfinite(k) && k >= 0);
            }
            near(npv, dk + comp(&r, s, MCR_COMP_RESIDUAL), REL * dk_abs / fabs(npv),
                 "trial %d strategy %d: cost_npv vs discounted K", trial, s);
            near(out(&r, MCR_OUT_LCOC, s), npv / m->lcoc_denominator, REL, "lcoc");
            near(out(&r, MCR_OUT_SHORTFALL_GPU_HOURS, s), sh, REL, "shortfall hours");
            assert_true(out(&r, MCR_OUT_MONTHS_TO_90PCT, s) == m90);
            check_breakdown_sums(&r, s);
            if (npv < lo) {
                lo = npv;
                first = s;
            }
        }
        assert_int_equal(r.o.best, first);
        for (int s = 0; s < S; s++) {
            double reg = out(&r, MCR_OUT_REGRET, s);
            assert_true(reg >= 0);
            assert_true(reg == out(&r, MCR_OUT_COST_NPV, s) - lo);
        }
        /* the build is online from R = max(S+1, ceil(start + construction)) */
        const double *d = r.o.driver + 3;
        double start = d[0] + d[1];
        double R = fmax(ceil(start) + 1, ceil(start + d[2]));
        for (int t = 0; t < H; t++)
            assert_true((path(&r, 0, MCR_PATH_ONLINE_GPUS, t) > 0) == (t >= R));
        /* the first lease has deliveries from ceil(onboarding) on (F > 0 a.s.) */
        for (int t = 0; t < H; t++)
            assert_true((path(&r, 1, MCR_PATH_ONLINE_GPUS, t) > 0) == (t >= ceil(d[3])));
    }
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_by_hand),
        cmocka_unit_test(test_build_discounted),
        cmocka_unit_test(test_lease_by_hand),
        cmocka_unit_test(test_past_horizon_and_pause),
        cmocka_unit_test(test_build_takes_a_month),
        cmocka_unit_test(test_censored_order),
        cmocka_unit_test(test_passthrough_escalation),
        cmocka_unit_test(test_regret_best_ties),
        cmocka_unit_test(test_drivers_and_draw_order),
        cmocka_unit_test(test_identities_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
