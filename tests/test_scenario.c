/* test_scenario.c -- the scenario reader (inputs/) from strings.
 *
 * Every field of SPEC 3 given (FULL) must land in the right member of the
 * model; every default (MINIMAL) must take its SPEC value; derived values must
 * follow their formulas; the Cholesky factor and the renormalised transition
 * rows are checked against hand-derived answers; and a few errors must read
 * exactly as specified, at the line and column of the offending text (found
 * in the text by the test itself, so the expected positions are not typed in
 * by hand). The malformed-file corpus (tests/corpus/scenario) and
 * tests/test_scenario_corpus.py cover the error catalogue end to end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include <cmocka.h>

#include "inputs/cholesky.h"
#include "inputs/scenario.h"
#include "inputs/sha256.h"

/* ---- scenarios ---------------------------------------------------------------- */

static const char FULL[] =
    "version: 1\n"
    "simulation:\n"
    "  trials: 12345\n"
    "  seed: 18446744073709551615\n"
    "  horizon_months: 24\n"
    "  discount_rate: 0.1\n"
    "  percentiles: [5, 50, 95]\n"
    "demand_gpus: 5000\n"
    "hours_per_month: 720\n"
    "energy:\n"
    "  regions:\n"
    "    - {name: r0, price0: 80, long_run: 60, reversion: 1.2, volatility: 0.3, jump_rate: 0.5, jump_mean: -0.1, jump_sd: 0.2}\n"
    "    - {name: r1, price0: 40, long_run: 45, reversion: 0, volatility: 0.5, jump_rate: 0, jump_mean: 0, jump_sd: 0}\n"
    "    - {name: r2, price0: 30, long_run: 30, reversion: 2, volatility: 0.1, jump_rate: 1, jump_mean: 0.2, jump_sd: 0.1}\n"
    "  correlation:\n"
    "    - {a: r0, b: r1, rho: 0.5}\n"
    "    - {a: r2, b: r0, rho: 0.3}\n"
    "    - {a: r1, b: r2, rho: 0.2}\n"
    "chips:\n"
    "  regimes:\n"
    "    - {name: calm, fill_alpha: 3, fill_beta: 7, spot_multiplier: 1}\n"
    "    - {name: tight, fill_alpha: 1, fill_beta: 9, spot_multiplier: 1.5}\n"
    "  transition: [[0.9, 0.1], [0.2999999999, 0.7]]\n"
    "  initial_regime: tight\n"
    "  spot_price_per_gpu_hour: 3.5\n"
    "strategies:\n"
    "  - name: b\n"
    "    type: build\n"
    "    region: r2\n"
    "    gpus: 1000\n"
    "    kw_per_gpu: 1.5\n"
    "    pue: 1.25\n"
    "    utilisation: 0.9\n"
    "    capex_per_mw: 1.2e7\n"
    "    gpu_unit_cost: 40000\n"
    "    opex_per_mw_year: 500000\n"
    "    supply_priority: 0.6\n"
    "    facility_life_years: 25\n"
    "    gpu_life_years: 4\n"
    "    permit_months: {dist: pert, min: 6, mode: 12, max: 36, lambda: 3}\n"
    "    construction_months: {dist: triangular, min: 10, mode: 12, max: 20}\n"
    "    pause: {probability: 0.25, months: {dist: lognormal, median: 4, sigma: 0.5}}\n"
    "  - name: l\n"
    "    type: lease\n"
    "    gpus: 2000\n"
    "    price_per_gpu_hour: 2.5\n"
    "    supply_priority: 1\n"
    "    onboarding_months: {dist: uniform, min: 1, max: 5}\n"
    "    escalation: 0.03\n"
    "    energy_passthrough: 0.4\n"
    "    passthrough_region: r1\n";

/* Everything optional left out. */
static const char MINIMAL[] =
    "version: 1\n"
    "simulation: {trials: 10, seed: 0, horizon_months: 12, discount_rate: 0}\n"
    "demand_gpus: 100\n"
    "energy:\n"
    "  regions:\n"
    "    - {name: only, price0: 50, long_run: 50, reversion: 1, volatility: 0.2, jump_rate: 0, jump_mean: 0, jump_sd: 0}\n"
    "chips:\n"
    "  regimes: [{name: one, fill_alpha: 2, fill_beta: 2, spot_multiplier: 1}]\n"
    "  transition: [[1]]\n"
    "  initial_regime: one\n"
    "  spot_price_per_gpu_hour: 3\n"
    "strategies:\n"
    "  - {name: b, type: build, region: only, gpus: 100, kw_per_gpu: 1, pue: 1, utilisation: 1,\n"
    "     capex_per_mw: 0, gpu_unit_cost: 0, opex_per_mw_year: 0, supply_priority: 1,\n"
    "     permit_months: {dist: pert, min: 0, mode: 1, max: 2},\n"
    "     construction_months: {dist: fixed, value: 3}}\n"
    "  - {name: l, type: lease, gpus: 100, price_per_gpu_hour: 2, supply_priority: 1,\n"
    "     onboarding_months: {dist: fixed, value: 0}}\n";

static mcr_status_t parse(const char *text, mcr_scenario_t *sc, mcr_diag_t *d)
{
    memset(d, 0, sizeof *d);
    return mcr_scenario_parse("t.yaml", text, strlen(text), sc, d);
}

/* text with the first occurrence of `from` replaced by `to` (malloc'd). */
static char *replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    assert_non_null(at);
    size_t n = strlen(text) - strlen(from) + strlen(to);
    char *s = malloc(n + 1);
    assert_non_null(s);
    size_t pre = (size_t)(at - text);
    memcpy(s, text, pre);
    strcpy(s + pre, to);
    strcat(s, at + strlen(from));
    return s;
}

/* "t.yaml:LINE:COL: error: msg" with LINE:COL the 1-based position of the
 * first `marker` in text, plus skip columns. */
static void expected_at(const char *text, const char *marker, int skip, const char *msg, char *out,
                        size_t len)
{
    const char *at = strstr(text, marker);
    assert_non_null(at);
    long line = 1, col = 1;
    for (const char *p = text; p < at; p++) {
        if (*p == '\n')
            line++, col = 1;
        else
            col++;
    }
    snprintf(out, len, "t.yaml:%ld:%ld: error: %s", line, col + skip, msg);
}

/* Parse text, expect exactly one error reading msg at marker (+ skip). */
static void expect_one_error(const char *text, const char *marker, int skip, const char *msg)
{
    mcr_scenario_t sc;
    mcr_diag_t d;
    char want[1024];
    expected_at(text, marker, skip, msg, want, sizeof want);
    assert_int_equal(parse(text, &sc, &d), MCR_EINPUT);
    if (d.n != 1)
        for (int i = 0; i < d.n; i++)
            print_message("got: %s\n", d.msg[i]);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.msg[0], want);
    assert_null(sc.text);               /* nothing filled on failure */
    assert_null(sc.model.region);
    mcr_diag_free(&d);
    mcr_scenario_free(&sc);
}

/* ---- every field lands ------------------------------------------------------- */

static void test_full_fields(void **state)
{
    (void)state;
    mcr_scenario_t sc;
    mcr_diag_t d;
    assert_int_equal(parse(FULL, &sc, &d), MCR_OK);
    assert_int_equal(d.n, 0);
    const mcr_model_t *m = &sc.model;

    assert_string_equal(sc.path, "t.yaml");
    assert_int_equal(sc.text_len, strlen(FULL));
    assert_memory_equal(sc.text, FULL, sc.text_len + 1);
    char hex[65];
    mcr_sha256_hex(FULL, strlen(FULL), hex);
    assert_string_equal(sc.sha256, hex);

    assert_int_equal(sc.trials, 12345);
    assert_true(sc.seed == UINT64_MAX);
    assert_int_equal(sc.npercentiles, 3);
    assert_true(sc.percentiles[0] == 5 && sc.percentiles[1] == 50 && sc.percentiles[2] == 95);
    assert_int_equal(m->horizon, 24);
    assert_true(m->discount_rate == 0.1);
    assert_true(m->demand_gpus == 5000);
    assert_true(m->hours_per_month == 720);

    assert_int_equal(m->nregions, 3);
    assert_string_equal(sc.region_name[0], "r0");
    assert_string_equal(sc.region_name[2], "r2");
    const mcr_region_t *g = &m->region[0];
    assert_true(g->price0 == 80 && g->long_run == 60 && g->reversion == 1.2 && g->volatility == 0.3);
    assert_true(g->jump_rate == 0.5 && g->jump_mean == -0.1 && g->jump_sd == 0.2);
    assert_true(m->region[1].reversion == 0 && m->region[2].jump_rate == 1);

    assert_int_equal(m->nregimes, 2);
    assert_string_equal(sc.regime_name[1], "tight");
    assert_true(m->regime[0].fill_alpha == 3 && m->regime[0].fill_beta == 7);
    assert_true(m->regime[1].spot_multiplier == 1.5);
    assert_int_equal(m->initial_regime, 1);
    assert_true(m->spot_price == 3.5);

    assert_int_equal(m->nstrategies, 2);
    assert_string_equal(sc.strategy_name[0], "b");
    assert_string_equal(sc.strategy_name[1], "l");
    const mcr_strategy_t *s = &m->strategy[0];
    const mcr_build_t *b = &s->build;
    assert_int_equal(s->kind, MCR_STRATEGY_BUILD);
    assert_true(s->gpus == 1000 && s->supply_priority == 0.6);
    assert_int_equal(b->region, 2);
    assert_true(b->kw_per_gpu == 1.5 && b->pue == 1.25 && b->utilisation == 0.9);
    assert_true(b->capex_per_mw == 1.2e7 && b->gpu_unit_cost == 40000 && b->opex_per_mw_year == 500000);
    assert_true(b->facility_life_years == 25 && b->gpu_life_years == 4);
    assert_int_equal(b->permit.kind, MCR_DUR_PERT);
    assert_true(b->permit.min == 6 && b->permit.mode == 12 && b->permit.max == 36 && b->permit.lambda == 3);
    assert_int_equal(b->construction.kind, MCR_DUR_TRIANGULAR);
    assert_true(b->construction.min == 10 && b->construction.mode == 12 && b->construction.max == 20);
    assert_int_equal(b->has_pause, 1);
    assert_true(b->pause_probability == 0.25);
    assert_int_equal(b->pause.kind, MCR_DUR_LOGNORMAL);
    assert_true(b->pause.median == 4 && b->pause.sigma == 0.5);

    s = &m->strategy[1];
    const mcr_lease_t *l = &s->lease;
    assert_int_equal(s->kind, MCR_STRATEGY_LEASE);
    assert_true(s->gpus == 2000 && s->supply_priority == 1);
    assert_true(l->price_per_gpu_hour == 2.5 && l->escalation == 0.03 && l->energy_passthrough == 0.4);
    assert_int_equal(l->passthrough_region, 1);
    assert_int_equal(l->onboarding.kind, MCR_DUR_UNIFORM);
    assert_true(l->onboarding.min == 1 && l->onboarding.max == 5);

    mcr_diag_free(&d);
    mcr_scenario_free(&sc);
    assert_null(sc.text);
}

static void test_defaults(void **state)
{
    (void)state;
    mcr_scenario_t sc;
    mcr_diag_t d;
    assert_int_equal(parse(MINIMAL, &sc, &d), MCR_OK);
    const mcr_model_t *m = &sc.model;
    static const double levels[] = {1, 5, 10, 25, 50, 75, 90, 95, 99};   /* SPEC 2.7 */
    assert_int_equal(sc.npercentiles, 9);
    for (int i = 0; i < 9; i++)
        assert_true(sc.percentiles[i] == levels[i]);
    assert_true(sc.seed == 0);
    assert_true(m->hours_per_month == 730);
    assert_true(m->chol[0] == 1);                   /* no correlation: identity */
    const mcr_build_t *b = &m->strategy[0].build;
    assert_true(b->facility_life_years == 20 && b->gpu_life_years == 5);
    assert_int_equal(b->has_pause, 0);
    assert_true(b->permit.lambda == 4);
    assert_int_equal(b->construction.kind, MCR_DUR_FIXED);
    assert_true(b->construction.value == 3);
    const mcr_lease_t *l = &m->strategy[1].lease;
    assert_true(l->escalation == 0 && l->energy_passthrough == 0);
    assert_int_equal(l->passthrough_region, -1);
    mcr_scenario_free(&sc);
}

/* ---- derived values ------------------------------------------------------------ */

static void test_derived(void **state)
{
    (void)state;
    mcr_scenario_t sc;
    mcr_diag_t d;
    assert_int_equal(parse(FULL, &sc, &d), MCR_OK);
    const mcr_model_t *m = &sc.model;
    /* SPEC 2.1 and kernels/model.c: computed the same way, so equal exactly */
    assert_true(m->region[0].x0 == log(80.0));
    assert_true(m->region[0].mu == log(60.0));
    assert_true(m->region[0].a == exp(-1.2 / 12.0));
    assert_true(m->region[1].s == 0.5 * sqrt(1.0 / 12.0));    /* kappa = 0 */
    assert_true(m->discount[0] == 1.0);
    assert_true(fabs(m->discount[12] - 1.0 / 1.1) < 1e-15);   /* one year at 10% */
    assert_true(m->strategy[0].build.mw == 1.5);              /* 1000 * 1.5 kW */
    /* PERT(6, 12, 36, lambda 3): alpha = 1 + 3*6/30 = 1.6, beta = 1 + 3*24/30 = 3.4 */
    assert_true(fabs(m->strategy[0].build.permit.alpha - 1.6) < 1e-15);
    assert_true(fabs(m->strategy[0].build.permit.beta - 3.4) < 1e-15);
    assert_true(m->strategy[0].build.pause.log_median == log(4.0));
    /* D = 3 regions + chip fill + 3 for the build + 1 for the lease */
    assert_int_equal(m->ndrivers, 8);
    mcr_scenario_free(&sc);
}

/* The regions' matrix [[1, .5, .3], [.5, 1, .2], [.3, .2, 1]] factored by hand:
 *   L00 = 1, L10 = .5, L11 = sqrt(.75), L20 = .3,
 *   L21 = (.2 - .3 * .5) / sqrt(.75) = .05 / sqrt(.75),
 *   L22 = sqrt(1 - .09 - .0025 / .75).
 * Rounding differs from the hand formulas by an ulp or two: 1e-15 is a few
 * ulps of numbers below 1. */
static void test_cholesky_3x3_from_file(void **state)
{
    (void)state;
    mcr_scenario_t sc;
    mcr_diag_t d;
    assert_int_equal(parse(FULL, &sc, &d), MCR_OK);
    const double *L = sc.model.chol;
    const double want[9] = {
        1, 0, 0,
        .5, sqrt(.75), 0,
        .3, .05 / sqrt(.75), sqrt(1 - .09 - .0025 / .75),
    };
    for (int i = 0; i < 9; i++)
        assert_true(fabs(L[i] - want[i]) < 1e-15);
    mcr_scenario_free(&sc);
}

/* The example of the Wikipedia article "Cholesky decomposition": A =
 * [[4, 12, -16], [12, 37, -43], [-16, -43, 98]] = L L^T with L = [[2, 0, 0],
 * [6, 1, 0], [-8, 5, 3]], exact in binary floating point. */
static void test_cholesky_known_answer(void **state)
{
    (void)state;
    const double a[9] = {4, 12, -16, 12, 37, -43, -16, -43, 98};
    const double want[9] = {2, 0, 0, 6, 1, 0, -8, 5, 3};
    double l[9];
    assert_int_equal(mcr_cholesky(a, 3, l), -1);
    assert_memory_equal(l, want, sizeof want);
}

/* rho(0,2) = rho(2,3) = 0.9 with rho(0,3) = -0.9 cannot hold (the 3x3 block
 * has determinant 1 - 3(.81) - 2(.729) < 0); region 1 is independent. The
 * factorisation fails at the last row (index 3), and the minimal set drops 1. */
static void test_cholesky_culprits(void **state)
{
    (void)state;
    double a[16] = {0};
    for (int i = 0; i < 4; i++)
        a[i * 4 + i] = 1;
    a[0 * 4 + 2] = a[2 * 4 + 0] = 0.9;
    a[2 * 4 + 3] = a[3 * 4 + 2] = 0.9;
    a[0 * 4 + 3] = a[3 * 4 + 0] = -0.9;
    double l[16];
    int idx[4];
    assert_int_equal(mcr_cholesky(a, 4, l), 3);
    assert_int_equal(mcr_cholesky_culprits(a, 4, idx), 3);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[1], 2);
    assert_int_equal(idx[2], 3);
    a[0 * 4 + 3] = a[3 * 4 + 0] = 0.7;     /* now positive definite */
    assert_int_equal(mcr_cholesky_culprits(a, 4, idx), 0);
}

/* Row [0.2999999999, 0.7] sums to 1 - 1e-10, within 1e-9: accepted and
 * divided by its sum. Row [0.9, 0.1] sums to exactly 1 in binary and stays. */
static void test_transition_renormalised(void **state)
{
    (void)state;
    mcr_scenario_t sc;
    mcr_diag_t d;
    assert_int_equal(parse(FULL, &sc, &d), MCR_OK);
    const double *t = sc.model.transition;
    double sum = 0.2999999999 + 0.7;
    assert_true(t[0] == 0.9 && t[1] == 0.1);
    assert_true(t[2] == 0.2999999999 / sum);
    assert_true(t[3] == 0.7 / sum);
    assert_true(fabs(t[2] + t[3] - 1.0) <= 2.3e-16);   /* one ulp of 1 */
    mcr_scenario_free(&sc);

    char *bad = replace(FULL, "[0.2999999999, 0.7]", "[0.2999999, 0.7]");
    expect_one_error(bad, "[0.2999999, 0.7]", 0, "chips.transition[1]: must sum to 1 (within 1e-9), got 0.9999999");
    free(bad);
}

/* ---- errors ---------------------------------------------------------------------- */

static void test_error_messages(void **state)
{
    (void)state;
    static const struct {
        const char *from, *to, *marker;
        int skip;
        const char *msg;
    } cases[] = {
        {"pue: 1.25", "pue: 0.9", "pue: 0.9", 5, "strategies[0].pue: must be >= 1, got 0.9"},
        {"utilisation: 0.9", "utilisation: 1.3", "utilisation: 1.3", 13,
         "strategies[0].utilisation: must be in (0, 1], got 1.3"},
        {"mode: 12, max: 36", "mode: 40, max: 36", "mode: 40", 6,
         "strategies[0].permit_months.mode: must be in [min, max] = [6, 36], got 40"},
        {"region: r2", "region: texas", "region: texas", 8,
         "strategies[0].region: unknown region 'texas' (the regions are r0, r1 and r2)"},
        {"trials: 12345", "trials: 1.5e4", "trials: 1.5e4", 8, "simulation.trials: expected an integer, got 1.5e4"},
        {"trials: 12345", "trials: \"12345\"", "trials: \"", 8,
         "simulation.trials: expected an integer, got the string \"12345\" (quoted values are strings)"},
        {"seed: 18446744073709551615", "seed: 18446744073709551616", "seed: 1", 6,
         "simulation.seed: must be at most 18446744073709551615, got 18446744073709551616"},
        {"discount_rate: 0.1", "discount_rate: .nan", "discount_rate: .nan", 15,
         "simulation.discount_rate: must be a finite number, got .nan"},
        {"    kw_per_gpu: 1.5\n", "", "name: b", 0, "strategies[0].kw_per_gpu: required field is missing"},
        {"escalation: 0.03", "escalaton: 0.03", "escalaton", 0,
         "strategies[1].escalaton: unknown field, did you mean 'escalation'?"},
        {"dist: uniform", "dist: uniformm", "uniformm", 0,
         "strategies[1].onboarding_months.dist: unknown distribution 'uniformm', did you mean 'uniform'?"},
        {"passthrough_region: r1", "passthrough_region: r3", "r3", 0,
         "strategies[1].passthrough_region: unknown region 'r3', did you mean 'r0'?"},
        {"initial_regime: tight", "initial_regime: tihgt", "tihgt", 0,
         "chips.initial_regime: unknown regime 'tihgt', did you mean 'tight'?"},
        {"{a: r1, b: r2, rho: 0.2}", "{a: r1, b: r2, rho: -0.9}", "- {a: r0, b: r1", 0,
         "energy.correlation: the correlation matrix is not positive definite: the correlations among "
         "r0, r1 and r2 cannot hold together"},
        {"{a: r1, b: r2, rho: 0.2}", "{a: r1, b: r0, rho: 0.2}", "{a: r1, b: r0", 0,
         "energy.correlation[2]: the pair (r1, r0) is already given at energy.correlation[0]"},
        {"name: l\n", "name: b\n", "name: b\n    type: lease", 6,
         "strategies[1].name: duplicate strategy name 'b', first given at strategies[0]"},
        {"version: 1", "version: 2", "version: 2", 9, "version: unsupported schema version 2: this mcrisk reads version 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = replace(FULL, cases[i].from, cases[i].to);
        expect_one_error(text, cases[i].marker, cases[i].skip, cases[i].msg);
        free(text);
    }
}

/* Independent errors are all reported, in file order. */
static void test_all_errors_in_one_pass(void **state)
{
    (void)state;
    char *t1 = replace(FULL, "pue: 1.25", "pue: 0.9");
    char *t2 = replace(t1, "hours_per_month: 720", "hours_per_month: -1");
    char *t3 = replace(t2, "jump_sd: 0.2}", "jump_sd: .inf}");
    mcr_scenario_t sc;
    mcr_diag_t d;
    assert_int_equal(parse(t3, &sc, &d), MCR_EINPUT);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.dropped, 0);
    char want[256];
    expected_at(t3, "hours_per_month: -1", 17, "hours_per_month: must be > 0, got -1", want, sizeof want);
    assert_string_equal(d.msg[0], want);
    expected_at(t3, ".inf}", 0, "energy.regions[0].jump_sd: must be a finite number, got .inf", want, sizeof want);
    assert_string_equal(d.msg[1], want);
    expected_at(t3, "pue: 0.9", 5, "strategies[0].pue: must be >= 1, got 0.9", want, sizeof want);
    assert_string_equal(d.msg[2], want);
    mcr_diag_free(&d);
    mcr_scenario_free(&sc);
    free(t1);
    free(t2);
    free(t3);
}

/* 120 bad percentile levels: MCR_DIAG_MAX kept, the rest counted. */
static void test_error_limit(void **state)
{
    (void)state;
    char list[1024] = "percentiles: [";
    for (int i = 0; i < 120; i++)
        strcat(list, i ? ", 101" : "101");
    strcat(list, "]");
    char *text = replace(FULL, "percentiles: [5, 50, 95]", list);
    mcr_scenario_t sc;
    mcr_diag_t d;
    assert_int_equal(parse(text, &sc, &d), MCR_EINPUT);
    assert_int_equal(d.n, MCR_DIAG_MAX);
    assert_int_equal(d.dropped, 120 - MCR_DIAG_MAX);
    mcr_diag_free(&d);
    assert_int_equal(d.n, 0);
    free(text);
}

static void test_load_errors(void **state)
{
    (void)state;
    mcr_scenario_t sc;
    mcr_diag_t d = {0};
    assert_int_equal(mcr_scenario_load("/nonexistent/x.yaml", &sc, &d), MCR_EINPUT);
    assert_int_equal(d.n, 1);
    assert_string_equal(d.msg[0], "/nonexistent/x.yaml: error: cannot open: No such file or directory");
    mcr_diag_free(&d);
    assert_int_equal(mcr_scenario_load("/", &sc, &d), MCR_EINPUT);
    assert_string_equal(d.msg[0], "/: error: is a directory, not a scenario file");
    mcr_diag_free(&d);
    assert_int_equal(parse("", &sc, &d), MCR_EINPUT);
    assert_string_equal(d.msg[0], "t.yaml: error: the file is empty");
    mcr_diag_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_fields),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_derived),
        cmocka_unit_test(test_cholesky_3x3_from_file),
        cmocka_unit_test(test_cholesky_known_answer),
        cmocka_unit_test(test_cholesky_culprits),
        cmocka_unit_test(test_transition_renormalised),
        cmocka_unit_test(test_error_messages),
        cmocka_unit_test(test_all_errors_in_one_pass),
        cmocka_unit_test(test_error_limit),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
