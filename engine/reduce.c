/* reduce.c -- statistics of a finished run (see reduce.h).
 *
 * Under MPI every rank holds only its own trials, so the statistics are
 * formed collectively, each figure bit-identical to the one-process result
 * (engine/pstats.h and docs/hpc.md give the algorithms). With one rank the
 * same code runs with trivial communication.
 *
 * Scalar outputs: each (output, strategy) array is sorted locally and read
 * off exactly -- percentiles as numpy's 'linear', order-statistic CIs,
 * min, max and CVaR thresholds by distributed selection; moments and tails
 * as exact sums. Arrays go in batches of at least `threads` (more while
 * their copies fit in BATCH_BYTES, to save communication rounds); threads
 * take whole arrays, and an array's result is the same whoever computes it.
 *
 * Sensitivity: Spearman's rho is Pearson's correlation of average ranks.
 * The ranks of each strategy's cost_npv over all trials are computed once
 * and kept (S arrays of this rank's trials); then each batch of drivers is
 * ranked and correlated with all of them.
 *
 * Paths and factors: percentiles from the sketches merged on rank 0; mean
 * and sd from the exact shifted sums summed over ranks: with c the cell's
 * shift, A = sum(x - c) and B = sum((x - c)^2),  mean = c + A/N  and
 * sd^2 = (B - A*(A/N)) / (N - 1).
 *
 * A signal on any rank is checked for between batches, so a long reduction
 * still stops within a batch (collectively: every rank stops at the same
 * point).
 */
#include "engine/reduce.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/par.h"
#include "engine/pstats.h"
#include "engine/signals.h"
#include "results/stats.h"

/* Per-array copies held at once while a batch is worked on, under MPI: a
 * batch holds at least one array per thread, and more while they fit in
 * this (fewer batches, fewer rounds of communication). */
#define BATCH_BYTES ((size_t)32 << 20)

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

/* ---- batches ---------------------------------------------------------------------- */

/* Arrays per batch: one per thread; under MPI more while bytes_per_trial
 * for each of a rank's trials fits in BATCH_BYTES, to save rounds of
 * communication; never more than there are. Every rank must choose the
 * same batches (they are collective steps), so the size depends only on
 * the run -- the largest share of trials a rank can have -- never on this
 * rank's own share. */
static size_t batch_size(int threads, size_t jobs, size_t bytes_per_trial, int64_t trials)
{
    int64_t P = mcr_par_size(), blocks = (trials + MCR_BLOCK - 1) / MCR_BLOCK;
    size_t most = (size_t)((blocks + P - 1) / P) * MCR_BLOCK;
    size_t b = P > 1 ? BATCH_BYTES / (bytes_per_trial * most) : 0;
    if (b < (size_t)threads)
        b = (size_t)threads;
    if (b > jobs)
        b = jobs;
    return b ? b : 1;
}

/* Between batches: a signal on any rank stops every rank here. MCR_OK, or
 * MCR_EINTR / MCR_ETERM on a rank that caught one and a failure without
 * message (stopped for a peer) on the others. */
static mcr_status_t stop_check(mcr_err_t *err)
{
    int sig = mcr_signal_caught();
    if (!mcr_par_any(sig))
        return MCR_OK;
    err->msg[0] = '\0';
    return sig == SIGINT ? MCR_EINTR : sig == SIGTERM ? MCR_ETERM : MCR_ERUNTIME;
}

/* ---- scalar outputs -------------------------------------------------------------- */

static mcr_status_t scalar_outputs(const mcr_sim_t *sim, mcr_results_t *res, int threads,
                                   mcr_err_t *err)
{
    size_t n = (size_t)sim->count, S = (size_t)res->S, P = (size_t)res->P;
    size_t jobs = MCR_NOUT * S, B = batch_size(threads, jobs, 8, res->N);
    const double **x = malloc(B * sizeof *x);
    mcr_pstats_summary_t *sum = malloc(B * sizeof *sum);
    mcr_pstats_work_t work = {{0}, {0}};
    if (!x || !sum)
        mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory sorting outputs");
    mcr_status_t st = mcr_par_all_ok(x && sum, err);
    for (size_t j0 = 0; st == MCR_OK && j0 < jobs; j0 += B) {
        size_t nb = jobs - j0 < B ? jobs - j0 : B;
        for (size_t i = 0; i < nb; i++) {
            size_t k = (j0 + i) / S, s = (j0 + i) % S;
            mcr_output_stats_t *o = &res->out[k];
            x[i] = sim->out + (k * S + s) * n;
            sum[i].value = o->value + s * P;
            sum[i].ci_low = o->ci_low + s * P;
            sum[i].ci_high = o->ci_high + s * P;
        }
        st = mcr_pstats_summaries(x, n, nb, res->N, res->percentile, res->P, threads, &work,
                                  sum, err);
        for (size_t i = 0; st == MCR_OK && i < nb; i++) {
            size_t k = (j0 + i) / S, s = (j0 + i) % S;
            mcr_output_stats_t *o = &res->out[k];
            const mcr_moments_t *mo = &sum[i].m;
            o->mean[s] = mo->mean, o->sd[s] = mo->sd, o->min[s] = mo->min, o->max[s] = mo->max;
            o->sem[s] = mo->sem, o->cvar95[s] = mo->cvar95, o->cvar99[s] = mo->cvar99;
        }
        if (st == MCR_OK)
            st = stop_check(err);
    }
    mcr_pstats_work_free(&work);
    free(x);
    free(sum);
    return st;
}

/* ---- sensitivity ------------------------------------------------------------------ */

/* Ranks of `count` arrays src[j * n ..] into dst[j * n ..], in batches. */
static mcr_status_t rank_arrays(const double *src, double *dst, size_t count, size_t n,
                                int64_t N, int threads, mcr_pstats_work_t *work, mcr_err_t *err)
{
    size_t B = batch_size(threads, count, 48, N);
    const double **x = malloc(B * sizeof *x);
    double **r = malloc(B * sizeof *r);
    if (!x || !r)
        mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory ranking trials");
    mcr_status_t st = mcr_par_all_ok(x && r, err);
    for (size_t j0 = 0; st == MCR_OK && j0 < count; j0 += B) {
        size_t nb = count - j0 < B ? count - j0 : B;
        for (size_t i = 0; i < nb; i++) {
            x[i] = src + (j0 + i) * n;
            r[i] = dst + (j0 + i) * n;
        }
        st = mcr_pstats_ranks(x, n, nb, N, threads, work, r, err);
        if (st == MCR_OK)
            st = stop_check(err);
    }
    free(x);
    free(r);
    return st;
}

static mcr_status_t sensitivity(const mcr_sim_t *sim, mcr_results_t *res, int threads,
                                mcr_err_t *err)
{
    size_t n = (size_t)sim->count, S = (size_t)res->S, D = (size_t)res->D;
    size_t B = batch_size(threads, D, 48, res->N);
    double *cost_rank = malloc((S * n + 1) * sizeof *cost_rank);
    double *drank = malloc((B * n + 1) * sizeof *drank);
    double *rho = malloc(S * B * sizeof *rho);
    const double **ca = malloc(S * sizeof *ca), **da = malloc(B * sizeof *da);
    mcr_pstats_work_t work = {{0}, {0}};
    int good = cost_rank && drank && rho && ca && da;
    if (!good)
        mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory ranking cost_npv");
    mcr_status_t st = mcr_par_all_ok(good, err);
    if (st == MCR_OK)
        st = rank_arrays(sim->out + (size_t)MCR_OUT_COST_NPV * S * n, cost_rank, S, n, res->N,
                         threads, &work, err);
    for (size_t s = 0; st == MCR_OK && s < S; s++)
        ca[s] = cost_rank + s * n;
    for (size_t d0 = 0; st == MCR_OK && d0 < D; d0 += B) {
        size_t nb = D - d0 < B ? D - d0 : B;
        st = rank_arrays(sim->driver + d0 * n, drank, nb, n, res->N, threads, &work, err);
        for (size_t i = 0; i < nb; i++)
            da[i] = drank + i * n;
        if (st == MCR_OK)
            st = mcr_pstats_spearman(ca, S, da, nb, n, res->N, threads, rho, err);
        for (size_t s = 0; st == MCR_OK && s < S; s++)
            for (size_t i = 0; i < nb; i++)
                res->spearman[s * D + d0 + i] = rho[s * nb + i];
    }
    mcr_pstats_work_free(&work);
    free(cost_rank);
    free(drank);
    free(rho);
    free(ca);
    free(da);
    return st;
}

/* ---- paths and factors ------------------------------------------------------------- */

/* One cell: P percentiles to value[p * vstride], and its mean and sd.
 * q is scratch of P doubles. */
static void series_cell(const mcr_sim_t *sim, const mcr_results_t *res, size_t cell,
                        double *value, size_t vstride, double *mean, double *sd, double *q)
{
    double n = (double)res->N;
    double A = mcr_xsum_value(&sim->sum1[cell]), B = mcr_xsum_value(&sim->sum2[cell]);
    size_t P = (size_t)res->P;
    mcr_sketch_quantiles(sim->sketch, cell, res->percentile, P, q);
    for (size_t p = 0; p < P; p++)
        value[p * vstride] = q[p];
    *mean = sim->shift[cell] + A / n;
    double var = res->N > 1 ? (B - A * (A / n)) / (n - 1.0) : 0.0;
    /* an overflowed sum of squares stays NaN/inf, so the run reports it
     * (first_nonfinite) rather than writing a silent 0 */
    *sd = isnan(var) || isinf(var) ? var : var > 0 ? sqrt(var) : 0.0;
    if (mcr_sketch_min(sim->sketch, cell) == mcr_sketch_max(sim->sketch, cell))
        *sd = 0.0;
}

/* Rank 0 reads every cell off the merged sketches and sums. */
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

/* ---- ranks merged, counts ----------------------------------------------------------- */

/* Every rank's sketches into rank 0's; every rank's sums and counts into
 * every rank's (all exact). */
static mcr_status_t merge_ranks(const mcr_sim_t *sim, const mcr_results_t *res, mcr_err_t *err)
{
    size_t S = (size_t)res->S;
    mcr_status_t st = mcr_par_gather_sketch(sim->sketch, err);
    if ((st = mcr_par_all_ok(st == MCR_OK, err)) != MCR_OK)
        return st;
    mcr_par_sum_xsum(sim->sum1, sim->ncells);
    mcr_par_sum_xsum(sim->sum2, sim->ncells);
    mcr_par_sum_xsum(sim->breakdown, S * MCR_NCOMP);
    mcr_par_sum_u64(sim->regime, (size_t)res->K * (size_t)res->H);
    mcr_par_sum_u64(sim->best, S);
    mcr_par_sum_u64(sim->cheaper, S * S);
    return MCR_OK;
}

static void shares(const mcr_sim_t *sim, mcr_results_t *res)
{
    double n = (double)res->N;
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
    if (st == MCR_OK)
        st = mcr_reduce_names(sc, res, err);
    if ((st = mcr_par_all_ok(st == MCR_OK, err)) != MCR_OK) {
        mcr_results_free(res);
        return st;
    }
    res->N = sc->trials;
    if (threads < 1)
        threads = 1;
    if ((st = scalar_outputs(sim, res, threads, err)) != MCR_OK
        || (st = sensitivity(sim, res, threads, err)) != MCR_OK
        || (st = merge_ranks(sim, res, err)) != MCR_OK) {
        mcr_results_free(res);
        return mcr_par_agree(st, err);
    }
    const char *bad = NULL;
    if (mcr_par_rank() == 0) {
        st = series(sim, res, err);
        shares(sim, res);
        if (st == MCR_OK)
            bad = first_nonfinite(res);
    }
    if (bad)
        st = mcr_fail(err, MCR_ERUNTIME,
                      "mcrisk: error: %s: a statistic is not finite (the values overflow double "
                      "precision; check the scenario's magnitudes)", bad);
    st = mcr_par_agree(st, err);
    if (st != MCR_OK)
        mcr_results_free(res);
    return st;
}
