/* summary_fixture.c -- a results file with fixed, realistic numbers for the
 * expected outputs of `mcrisk summary` (tests/test_summary.py).
 *
 *   summary_fixture OUT.h5
 *
 * The numbers are made up, not simulated, so the expected files in
 * tests/expected/ change only when the summary's formatting or the file
 * layout changes, never when the model does. They are chosen to exercise
 * the formatting: three strategies (one with a long name), non-integer
 * percentile levels (2.5, 97.5), costs in the billions (thousands
 * separators in USD million), a strategy with no shortfall at all and one
 * with zero regret (columns of zeros), a negative residual in the breakdown,
 * p_best and P(cheaper) shares, and sensitivity drivers with both signs, a
 * tie in |rho| (kept in file order) and a driver that never varied (rho = 0,
 * never shown as a top driver). Every value is written through mcr_h5_write,
 * the writer `mcrisk run` uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/h5write.h"
#include "results/results.h"

enum { S = 3, P = 7, H = 4, R = 2, K = 2, D = 8 };

static const double levels[P] = {2.5, 10, 25, 50, 75, 90, 97.5};
/* Standard normal quantiles of the levels (scipy.stats.norm.ppf, 6 digits):
 * the percentiles below are mean + sd * z, as for a normal output. */
static const double z[P] = {-1.959964, -1.281552, -0.674490, 0.0, 0.674490, 1.281552, 1.959964};

static const char *const strategy[S] = {"build_norway", "build_uk_with_pause", "lease_hyperscaler"};
static const char *const region[R] = {"uk", "norway"};
static const char *const regime[K] = {"normal", "tight"};
static const char *const driver[D] = {
    "energy_price_mean.uk", "energy_price_mean.norway", "chip_fill_mean",
    "build_norway.permit_months", "build_norway.construction_months",
    "build_uk_with_pause.permit_months", "build_uk_with_pause.pause_months",
    "lease_hyperscaler.onboarding_months",
};

/* Per output and strategy: mean and sd (percentiles and the rest follow). */
static const double moments[MCR_NOUT][S][2] = {
    [MCR_OUT_COST_NPV] = {{12.34e9, 1.1e9}, {14.9e9, 2.6e9}, {11.87e9, 0.45e9}},
    [MCR_OUT_LCOC] = {{3.41, 0.30}, {4.12, 0.72}, {3.28, 0.12}},
    [MCR_OUT_MONTHS_TO_90PCT] = {{28.0, 5.0}, {37.0, 8.0}, {9.0, 2.0}},
    [MCR_OUT_SHORTFALL_GPU_HOURS] = {{412.5e6, 80e6}, {655e6, 150e6}, {0.0, 0.0}},
    [MCR_OUT_REGRET] = {{0.61e9, 0.5e9}, {3.1e9, 2.2e9}, {0.0, 0.0}},
};

static const double breakdown[S][MCR_NCOMP] = {
    {2.04e9, 4.4e9, 0.71e9, 0.28e9, 0.0, 7.2e9, -2.29e9},
    {1.98e9, 4.4e9, 1.35e9, 0.22e9, 0.0, 9.1e9, -2.15e9},
    {0.0, 0.0, 0.0, 0.0, 10.62e9, 1.25e9, 0.0},
};
static const double p_best[S] = {0.184, 0.0345, 0.7815};
static const double p_cheaper[S][S] = {
    {0.0, 0.8123, 0.2110},
    {0.1877, 0.0, 0.0402},
    {0.7890, 0.9598, 0.0},
};
static const double spearman[S][D] = {
    {0.412, -0.05, -0.53, 0.61, 0.412, 0.0, 0.0, 0.003},
    {-0.021, 0.018, -0.44, 0.002, -0.001, 0.38, 0.71, 0.0},
    {0.0, 0.0, -0.92, 0.004, 0.0, 0.001, 0.0, 0.27},
};

static char *dup(const char *s)
{
    char *c = malloc(strlen(s) + 1);
    if (!c) {
        perror("summary_fixture");
        exit(1);
    }
    return strcpy(c, s);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: summary_fixture OUT.h5\n");
        return 2;
    }
    mcr_results_t r;
    mcr_err_t err;
    if (mcr_results_alloc(&r, S, P, H, R, K, D, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    r.N = 20000;
    memcpy(r.percentile, levels, sizeof levels);
    for (int s = 0; s < S; s++)
        r.strategy[s] = dup(strategy[s]);
    for (int i = 0; i < R; i++)
        r.region[i] = dup(region[i]);
    for (int i = 0; i < K; i++)
        r.regime[i] = dup(regime[i]);
    for (int i = 0; i < D; i++)
        r.driver[i] = dup(driver[i]);

    for (int k = 0; k < MCR_NOUT; k++) {
        mcr_output_stats_t *o = &r.out[k];
        for (int s = 0; s < S; s++) {
            double mean = moments[k][s][0], sd = moments[k][s][1];
            double lo = k == MCR_OUT_REGRET || k == MCR_OUT_SHORTFALL_GPU_HOURS ? 0.0 : -1e300;
            for (int p = 0; p < P; p++) {
                double v = mean + sd * z[p];
                v = v < lo ? lo : v;
                o->value[s * P + p] = v;
                o->ci_low[s * P + p] = v - 0.02 * sd;
                o->ci_high[s * P + p] = v + 0.025 * sd;
            }
            o->mean[s] = mean;
            o->sd[s] = sd;
            o->min[s] = mean - 4.1 * sd < lo ? lo : mean - 4.1 * sd;
            o->max[s] = mean + 4.4 * sd;
            o->sem[s] = sd / 141.42135623730951;    /* sd / sqrt(20000) */
            o->cvar95[s] = mean + 2.062713 * sd;     /* normal: pdf(z95) / 0.05 */
            o->cvar99[s] = mean + 2.665214 * sd;     /* pdf(z99) / 0.01 */
        }
    }
    /* Monthly series are not part of the summary; simple ramps will do. */
    for (int t = 0; t < H; t++) {
        for (int s = 0; s < S; s++)
            for (int p = 0; p < P; p++) {
                r.path[MCR_PATH_ONLINE_GPUS].value[(s * P + p) * H + t] = 2500.0 * t;
                r.path[MCR_PATH_MONTHLY_COST].value[(s * P + p) * H + t] = 1e8 * (t + 1);
            }
        for (int i = 0; i < R; i++)
            for (int p = 0; p < P; p++)
                r.energy_price.value[(i * P + p) * H + t] = 40.0 + z[p] * 8.0;
        for (int p = 0; p < P; p++)
            r.chip_fill.value[p * H + t] = 0.2 + 0.05 * z[p];
        r.regime_share[t] = 1.0 - 0.1 * t;
        r.regime_share[H + t] = 0.1 * t;
    }
    memcpy(r.breakdown, breakdown, sizeof breakdown);
    memcpy(r.p_best, p_best, sizeof p_best);
    memcpy(r.p_cheaper, p_cheaper, sizeof p_cheaper);
    memcpy(r.spearman, spearman, sizeof spearman);

    static const char scenario[] = "version: 1\n# summary fixture: made-up numbers\n";
    r.run = (mcr_run_record_t){
        .mcrisk_version = "1.0.0",
        .git_commit = "0123456789ab",
        .seed = 20260101,
        .trials = 20000,
        .horizon_months = H,
        .threads = 2,
        .ranks = 1,
        .created_utc = "2026-01-02T03:04:05Z",
        .command_line = "mcrisk run \"fixture \\ quoted\".yaml -o fixture.h5",
        .scenario_text = scenario,
        .scenario_len = sizeof scenario - 1,
        .scenario_sha256 = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
    };
    mcr_status_t st = mcr_h5_write(argv[1], argv[1], &r, &err);
    if (st)
        fprintf(stderr, "%s\n", err.msg);
    mcr_results_free(&r);
    return (int)st;
}
