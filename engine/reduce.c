/* reduce.c -- statistics of a finished run (see reduce.h).
 *
 * Scalar outputs: each (output, strategy) array is copied, radix-sorted and
 * read off exactly (percentiles as numpy's 'linear', order-statistic CIs,
 * moments and CVaR from results/stats.h). The arrays are independent, so
 * threads take whole arrays; a thread's result for an array is the same
 * whoever computes it.
 *
 * Sensitivity: Spearman's rho is Pearson's correlation of average ranks.
 * The ranks of each strategy's cost_npv are computed once and kept (S
 * arrays); then each driver is ranked once and correlated with all of them.
 *
 * Paths and factors: percentiles from the merged sketch; mean and sd from
 * the exact shifted sums: with c the cell's shift, A = sum(x - c) and
 * B = sum((x - c)^2),  mean = c + A/N  and  sd^2 = (B - A*(A/N)) / (N - 1).
 */
#include "engine/reduce.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/stats.h"

/* ---- names ------------------------------------------------------------------- */

static char *dupf(const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(fmt) + strlen(a) + (b ? strlen(b) : 0) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, fmt, a, b ? b : "");
    return s;
}

mcr_status_t mcr_reduce_names(const mcr_scenario_t *sc, mcr_results_t *res, mcr_err_t *err)
{
    const mcr_model_t *m = &sc->model;
    int ok = 1, d = 0;
    for (int p = 0; p < res->P; p++)
        res->percentile[p] = sc->percentiles[p];
    for (int s = 0; ok && s < m->nstrategies; s++)
        ok = (res->strategy[s] = strdup(sc->strategy_name[s])) != NULL;
    for (int r = 0; ok && r < m->nregions; r++)
        ok = (res->region[r] = strdup(sc->region_name[r])) != NULL;
    for (int k = 0; ok && k < m->nregimes; k++)
        ok = (res->regime[k] = strdup(sc->regime_name[k])) != NULL;
    for (int r = 0; ok && r < m->nregions; r++)
        ok = (res->driver[d++] = dupf("energy_price_mean.%s", sc->region_name[r], NULL)) != NULL;
    if (ok)
        ok = (res->driver[d++] = strdup("chip_fill_mean")) != NULL;
    for (int s = 0; ok && s < m->nstrategies; s++) {
        const char *name = sc->strategy_name[s];
        if (m->strategy[s].kind == MCR_STRATEGY_BUILD) {
            ok = (res->driver[d++] = dupf("%s.%s", name, "permit_months")) != NULL
                && (res->driver[d++] = dupf("%s.%s", name, "pause_months")) != NULL
                && (res->driver[d++] = dupf("%s.%s", name, "construction_months")) != NULL;
        } else {
            ok = (res->driver[d++] = dupf("%s.%s", name, "onboarding_months")) != NULL;
        }
    }
    if (!ok)
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory naming results");
    return MCR_OK;
}

/* ---- scalar outputs -------------------------------------------------------------- */

/* Statistics of one (output k, strategy s) array; sorted is scratch of n. */
static void output_stats(const mcr_sim_t *sim, mcr_results_t *res, int k, int s,
                         double *sorted, double *tmp)
{
    size_t n = (size_t)sim->count, S = (size_t)res->S, P = (size_t)res->P;
    memcpy(sorted, sim->out + ((size_t)k * S + (size_t)s) * n, n * sizeof *sorted);
    mcr_sort_doubles(sorted, n, tmp);
    mcr_output_stats_t *o = &res->out[k];
    for (size_t p = 0; p < P; p++) {
        size_t lo, hi;
        o->value[(size_t)s * P + p] = mcr_percentile_sorted(sorted, n, res->percentile[p]);
        mcr_percentile_ci_index(n, res->percentile[p], &lo, &hi);
        o->ci_low[(size_t)s * P + p] = sorted[lo];
        o->ci_high[(size_t)s * P + p] = sorted[hi];
    }
    mcr_moments_t mo;
    mcr_moments_sorted(sorted, n, &mo);
    o->mean[s] = mo.mean, o->sd[s] = mo.sd, o->min[s] = mo.min, o->max[s] = mo.max;
    o->sem[s] = mo.sem, o->cvar95[s] = mo.cvar95, o->cvar99[s] = mo.cvar99;
}

static mcr_status_t scalar_outputs(const mcr_sim_t *sim, mcr_results_t *res, int threads,
                                   mcr_err_t *err)
{
    size_t n = (size_t)sim->count;
    int S = res->S, jobs = MCR_NOUT * S, nomem = 0;
#pragma omp parallel num_threads(threads) reduction(| : nomem)
    {
        double *sorted = malloc(n * sizeof *sorted), *tmp = malloc(n * sizeof *tmp);
        nomem = !sorted || !tmp;
#pragma omp for schedule(dynamic, 1)
        for (int j = 0; j < jobs; j++)
            if (!nomem)
                output_stats(sim, res, j / S, j % S, sorted, tmp);
        free(sorted);
        free(tmp);
    }
    if (nomem)
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory sorting outputs");
    return MCR_OK;
}

/* ---- sensitivity ------------------------------------------------------------------ */

static mcr_status_t sensitivity(const mcr_sim_t *sim, mcr_results_t *res, int threads,
                                mcr_err_t *err)
{
    size_t n = (size_t)sim->count, S = (size_t)res->S, D = (size_t)res->D;
    double *cost_rank = malloc(S * n * sizeof *cost_rank);
    if (!cost_rank)
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory ranking cost_npv");
    int nomem = 0;
#pragma omp parallel num_threads(threads) reduction(| : nomem)
    {
        void *scratch = malloc(mcr_rank_scratch_bytes(n));
        double *rank = malloc(n * sizeof *rank);
        nomem = !scratch || !rank;
#pragma omp for schedule(dynamic, 1)
        for (size_t s = 0; s < S; s++)
            if (!nomem)
                mcr_average_ranks(sim->out + ((size_t)MCR_OUT_COST_NPV * S + s) * n, n,
                                  cost_rank + s * n, scratch);
        /* the implicit barrier of `omp for` makes every cost rank visible */
#pragma omp for schedule(dynamic, 1)
        for (size_t d = 0; d < D; d++) {
            if (nomem)
                continue;
            mcr_average_ranks(sim->driver + d * n, n, rank, scratch);
            for (size_t s = 0; s < S; s++)
                res->spearman[s * D + d] = mcr_spearman_ranks(cost_rank + s * n, rank, n);
        }
        free(scratch);
        free(rank);
    }
    free(cost_rank);
    if (nomem)
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory ranking drivers");
    return MCR_OK;
}

/* ---- paths and factors ------------------------------------------------------------- */

/* One cell: P percentiles to value[p * vstride], and its mean and sd.
 * q is scratch of P doubles. */
static void series_cell(const mcr_sim_t *sim, const mcr_results_t *res, size_t cell,
                        double *value, size_t vstride, double *mean, double *sd, double *q)
{
    double n = (double)sim->count;
    double A = mcr_xsum_value(&sim->sum1[cell]), B = mcr_xsum_value(&sim->sum2[cell]);
    size_t P = (size_t)res->P;
    mcr_sketch_quantiles(sim->sketch, cell, res->percentile, P, q);
    for (size_t p = 0; p < P; p++)
        value[p * vstride] = q[p];
    *mean = sim->shift[cell] + A / n;
    double var = sim->count > 1 ? (B - A * (A / n)) / (n - 1.0) : 0.0;
    /* an overflowed sum of squares stays NaN/inf, so the run reports it
     * (first_nonfinite) rather than writing a silent 0 */
    *sd = isnan(var) || isinf(var) ? var : var > 0 ? sqrt(var) : 0.0;
    if (mcr_sketch_min(sim->sketch, cell) == mcr_sketch_max(sim->sketch, cell))
        *sd = 0.0;
}

static mcr_status_t series(const mcr_sim_t *sim, mcr_results_t *res, mcr_err_t *err)
{
    const mcr_model_t *m = sim->model;
    size_t P = (size_t)res->P, H = (size_t)res->H;
    double *q = malloc(P * sizeof *q);
    if (!q)
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory");
    for (int s = 0; s < res->S; s++)
        for (int k = 0; k < MCR_NPATH; k++) {
            mcr_series_stats_t *st = &res->path[k];
            for (int t = 0; t < res->H; t++)
                series_cell(sim, res, mcr_cell_path(m, s, k, t),
                            st->value + (size_t)s * P * H + (size_t)t, H,
                            st->mean + (size_t)s * H + (size_t)t, st->sd + (size_t)s * H + (size_t)t, q);
        }
    for (int r = 0; r < res->R; r++)
        for (int t = 0; t < res->H; t++)
            series_cell(sim, res, mcr_cell_price(m, r, t),
                        res->energy_price.value + (size_t)r * P * H + (size_t)t, H,
                        res->energy_price.mean + (size_t)r * H + (size_t)t,
                        res->energy_price.sd + (size_t)r * H + (size_t)t, q);
    for (int t = 0; t < res->H; t++)
        series_cell(sim, res, mcr_cell_fill(m, t), res->chip_fill.value + (size_t)t, H,
                    res->chip_fill.mean + (size_t)t, res->chip_fill.sd + (size_t)t, q);
    free(q);
    return MCR_OK;
}

/* ---- counts ------------------------------------------------------------------------ */

static void shares(const mcr_sim_t *sim, mcr_results_t *res)
{
    double n = (double)sim->count;
    size_t S = (size_t)res->S;
    for (size_t c = 0; c < (size_t)res->K * (size_t)res->H; c++)
        res->regime_share[c] = (double)sim->regime[c] / n;
    for (size_t s = 0; s < S; s++)
        res->p_best[s] = (double)sim->best[s] / n;
    for (size_t c = 0; c < S * S; c++)
        res->p_cheaper[c] = (double)sim->cheaper[c] / n;
    for (size_t c = 0; c < S * MCR_NCOMP; c++)
        res->breakdown[c] = mcr_xsum_value(&sim->breakdown[c]) / n;
}

/* ---- checks ------------------------------------------------------------------------ */

/* Name of the first non-finite dataset in res, or NULL. */
static const char *first_nonfinite(const mcr_results_t *r)
{
#define CHECK(ptr, count, name)                         \
    for (size_t i_ = 0; i_ < (size_t)(count); i_++)     \
        if (!isfinite((ptr)[i_]))                       \
            return name;
    size_t S = (size_t)r->S, P = (size_t)r->P, H = (size_t)r->H;
    static const char *outs[MCR_NOUT] = {"/outputs/cost_npv", "/outputs/lcoc",
        "/outputs/months_to_90pct", "/outputs/shortfall_gpu_hours", "/outputs/regret"};
    for (int k = 0; k < MCR_NOUT; k++) {
        const mcr_output_stats_t *o = &r->out[k];
        CHECK(o->value, S * P, outs[k]);
        CHECK(o->ci_low, S * P, outs[k]);
        CHECK(o->ci_high, S * P, outs[k]);
        CHECK(o->mean, S, outs[k]);
        CHECK(o->sd, S, outs[k]);
        CHECK(o->sem, S, outs[k]);
        CHECK(o->cvar95, S, outs[k]);
        CHECK(o->cvar99, S, outs[k]);
    }
    CHECK(r->path[0].value, S * P * H, "/paths/online_gpus");
    CHECK(r->path[0].mean, S * H, "/paths/online_gpus");
    CHECK(r->path[0].sd, S * H, "/paths/online_gpus");
    CHECK(r->path[1].value, S * P * H, "/paths/monthly_cost");
    CHECK(r->path[1].mean, S * H, "/paths/monthly_cost");
    CHECK(r->path[1].sd, S * H, "/paths/monthly_cost");
    CHECK(r->energy_price.value, (size_t)r->R * P * H, "/factors/energy_price");
    CHECK(r->energy_price.mean, (size_t)r->R * H, "/factors/energy_price");
    CHECK(r->energy_price.sd, (size_t)r->R * H, "/factors/energy_price");
    CHECK(r->chip_fill.value, P * H, "/factors/chip_fill");
    CHECK(r->chip_fill.mean, H, "/factors/chip_fill");
    CHECK(r->chip_fill.sd, H, "/factors/chip_fill");
    CHECK(r->breakdown, S * MCR_NCOMP, "/breakdown/mean_npv");
    CHECK(r->spearman, S * (size_t)r->D, "/sensitivity/spearman");
    return NULL;
#undef CHECK
}

mcr_status_t mcr_reduce(const mcr_sim_t *sim, const mcr_scenario_t *sc, int threads,
                        mcr_results_t *res, mcr_err_t *err)
{
    const mcr_model_t *m = &sc->model;
    mcr_status_t st = mcr_results_alloc(res, m->nstrategies, sc->npercentiles, m->horizon,
                                        m->nregions, m->nregimes, m->ndrivers, err);
    if (st != MCR_OK)
        return st;
    res->N = sim->count;
    if ((st = mcr_reduce_names(sc, res, err)) != MCR_OK
        || (st = scalar_outputs(sim, res, threads, err)) != MCR_OK
        || (st = sensitivity(sim, res, threads, err)) != MCR_OK
        || (st = series(sim, res, err)) != MCR_OK) {
        mcr_results_free(res);
        return st;
    }
    shares(sim, res);
    const char *bad = first_nonfinite(res);
    if (bad) {
        mcr_results_free(res);
        return mcr_fail(err, MCR_ERUNTIME,
                        "mcrisk: error: %s: a statistic is not finite (the values overflow double "
                        "precision; check the scenario's magnitudes)", bad);
    }
    return MCR_OK;
}
