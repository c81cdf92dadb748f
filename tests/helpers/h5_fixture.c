/* h5_fixture.c -- write a small synthetic results file for tests/test_h5.py.
 *
 *   h5_fixture OUT.h5 [--samples [N]]
 *
 * Builds an mcr_results_t with S=3 strategies, P=9 percentiles, H=5 months,
 * R=2 regions, K=3 regimes, D=6 drivers (and N=7 trials of samples with
 * --samples, or N of them, to see the chunking of long rows) and writes it
 * with mcr_h5_write. Every number is recognisable
 * from where it sits: the dataset numbered `tag` (the table below, repeated
 * in test_h5.py) holds at index (i, j, k)
 *
 *     tag * 1e6 + 1000 * i + 10 * j + k + 0.125     (rank 3)
 *     tag * 1e6 + 1000 * i + j + 0.125              (rank 2)
 *     tag * 1e6 + 1000 * i + 0.125                  (rank 1)
 *
 * so a value read back at the wrong place, from the wrong dataset or
 * transposed cannot pass for the right one (all are exact in float64).
 *
 * Tags: outputs k = 0..4, statistic j = 0..9 (value ci_low ci_high mean sd
 * min max sem cvar95 cvar99): 10k + j + 1; paths k = 0..1, j = 0..2 (value
 * mean sd): 60 + 10k + j; energy_price 80 + j; chip_fill 90 + j;
 * chip_regime_share 100; breakdown 101; p_best 102; p_cheaper 103;
 * spearman 104; samples of output k: 110 + k.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/h5write.h"
#include "results/results.h"

enum { S = 3, P = 9, H = 5, R = 2, K = 3, D = 6 };

static const char scenario[] =
    "version: 1\n"
    "# fixture: prix de l\xe2\x80\x99\xc3\xa9nergie \xe2\x80\x94 \xe2\x82\xac/MWh\n"
    "simulation: {trials: 7, seed: 18446744073709551615, horizon_months: 5}\n";

/* Fill data, of rank 1..3 with dims d[], by the rule in the header. */
static void fill(double *data, int tag, int rank, int d0, int d1, int d2)
{
    int n1 = rank >= 2 ? d1 : 1, n2 = rank >= 3 ? d2 : 1;
    for (int i = 0; i < d0; i++)
        for (int j = 0; j < n1; j++)
            for (int k = 0; k < n2; k++) {
                double v = tag * 1e6 + 1000.0 * i + 0.125;
                v += rank == 3 ? 10.0 * j + k : rank == 2 ? j : 0;
                data[((size_t)i * n1 + j) * n2 + k] = v;
            }
}

static void fill_series(mcr_series_stats_t *s, int tag, int n)
{
    if (n > 0) {
        fill(s->value, tag, 3, n, P, H);
        fill(s->mean, tag + 1, 2, n, H, 0);
        fill(s->sd, tag + 2, 2, n, H, 0);
    } else {              /* chip_fill: no leading axis */
        fill(s->value, tag, 2, P, H, 0);
        fill(s->mean, tag + 1, 1, H, 0, 0);
        fill(s->sd, tag + 2, 1, H, 0, 0);
    }
}

static char *dup(const char *s)
{
    char *c = malloc(strlen(s) + 1);
    if (!c) {
        perror("h5_fixture");
        exit(1);
    }
    return strcpy(c, s);
}

int main(int argc, char **argv)
{
    int with_samples = argc >= 3;
    long N = argc == 4 ? strtol(argv[3], NULL, 10) : 7;
    if (argc < 2 || argc > 4 || (argc >= 3 && strcmp(argv[2], "--samples") != 0) || N < 1) {
        fprintf(stderr, "usage: h5_fixture OUT.h5 [--samples [N]]\n");
        return 2;
    }
    static const double levels[P] = {1, 5, 10, 25, 50, 75, 90, 95, 99};
    static const char *const strategy[S] = {"build_uk", "build_norway", "lease_hyperscaler"};
    static const char *const region[R] = {"uk", "norway"};
    static const char *const regime[K] = {"normal", "tight", "shock"};
    static const char *const driver[D] = {
        "energy_price_mean.uk", "energy_price_mean.norway", "chip_fill_mean",
        "build_uk.permit_months", "build_norway.permit_months",
        "lease_hyperscaler.onboarding_months",
    };

    mcr_results_t r;
    mcr_err_t err;
    if (mcr_results_alloc(&r, S, P, H, R, K, D, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    r.N = N;
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
        double *by_sp[] = {o->value, o->ci_low, o->ci_high};
        double *by_s[] = {o->mean, o->sd, o->min, o->max, o->sem, o->cvar95, o->cvar99};
        for (int j = 0; j < 3; j++)
            fill(by_sp[j], 10 * k + j + 1, 2, S, P, 0);
        for (int j = 0; j < 7; j++)
            fill(by_s[j], 10 * k + j + 4, 1, S, 0, 0);
    }
    for (int k = 0; k < MCR_NPATH; k++)
        fill_series(&r.path[k], 60 + 10 * k, S);
    fill_series(&r.energy_price, 80, R);
    fill_series(&r.chip_fill, 90, 0);
    fill(r.regime_share, 100, 2, K, H, 0);
    fill(r.breakdown, 101, 2, S, MCR_NCOMP, 0);
    fill(r.p_best, 102, 1, S, 0, 0);
    fill(r.p_cheaper, 103, 2, S, S, 0);
    fill(r.spearman, 104, 2, S, D, 0);

    double *samples = NULL;
    if (with_samples) {
        samples = malloc(sizeof *samples * MCR_NOUT * S * (size_t)N);
        if (!samples) {
            perror("h5_fixture");
            return 1;
        }
        for (int k = 0; k < MCR_NOUT; k++)
            fill(samples + (size_t)k * S * (size_t)N, 110 + k, 2, S, (int)N, 0);
        r.samples = samples;
    }

    r.run = (mcr_run_record_t){
        .mcrisk_version = "1.0.0",
        .git_commit = "0123456789ab",
        .seed = UINT64_MAX,
        .trials = N,
        .horizon_months = H,
        .threads = 2,
        .ranks = 1,
        .created_utc = "2026-01-02T03:04:05Z",
        .command_line = "mcrisk run fixture.yaml --save-samples",
        .scenario_text = scenario,
        .scenario_len = sizeof scenario - 1,
        .scenario_sha256 = "6b6ae13f8b4e491021481e563c7ce4f1e5605f1685a2b9156cf8b9c6b7b761c3",
    };
    mcr_status_t st = mcr_h5_write(argv[1], argv[1], &r, &err);
    if (st)
        fprintf(stderr, "%s\n", err.msg);
    free(samples);
    mcr_results_free(&r);
    return (int)st;
}
