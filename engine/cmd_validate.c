/* cmd_validate.c -- `mcrisk validate SCENARIO.yaml` (SPEC 4).
 *
 * Reads the scenario exactly as `mcrisk run` would (inputs/scenario.c) and
 * either prints every error found, one per line on stderr, and exits 2, or
 * prints a short aligned summary of what would run -- trials, seed, horizon,
 * percentiles, regions, regimes, strategies with their key parameters, and
 * the memory the run would need on this machine (engine/plan.c, with the
 * threads OpenMP would use) -- and exits 0. Nothing is simulated.
 */
#include <omp.h>
#include <stdio.h>
#include <string.h>

#include "engine/commands.h"
#include "engine/plan.h"
#include "inputs/scenario.h"

static const char HELP[] =
    "usage: mcrisk validate SCENARIO.yaml\n"
    "\n"
    "Check a scenario file against schema version 1 (docs/scenario.md) and print\n"
    "what `mcrisk run` would simulate, with an estimate of the memory it needs.\n"
    "Every error is printed as FILE:LINE:COL: error: PATH: message.\n"
    "\n"
    "exit status: 0 valid, 2 invalid file or bad usage\n";

/* ---- the summary ---------------------------------------------------------------- */

/* "16.00M", "43.5k", "950": money for people. */
static const char *money_str(double v, char *buf, size_t len)
{
    if (v >= 1e9)
        snprintf(buf, len, "%.2fG", v / 1e9);
    else if (v >= 1e6)
        snprintf(buf, len, "%.2fM", v / 1e6);
    else if (v >= 1e3)
        snprintf(buf, len, "%.1fk", v / 1e3);
    else
        snprintf(buf, len, "%g", v);
    return buf;
}

/* "pert(6, 12, 36) ~ 14.0" : the distribution as written and its mean, months. */
static const char *duration_str(const mcr_duration_t *d, char *buf, size_t len)
{
    char lam[32] = "";
    double mean = mcr_duration_mean(d);
    switch (d->kind) {
    case MCR_DUR_FIXED:
        snprintf(buf, len, "fixed(%g)", d->value);
        break;
    case MCR_DUR_UNIFORM:
        snprintf(buf, len, "uniform(%g, %g) ~%.1f", d->min, d->max, mean);
        break;
    case MCR_DUR_TRIANGULAR:
        snprintf(buf, len, "triangular(%g, %g, %g) ~%.1f", d->min, d->mode, d->max, mean);
        break;
    case MCR_DUR_PERT:
        if (d->lambda != 4.0)
            snprintf(lam, sizeof lam, ", lambda %g", d->lambda);
        snprintf(buf, len, "pert(%g, %g, %g%s) ~%.1f", d->min, d->mode, d->max, lam, mean);
        break;
    case MCR_DUR_LOGNORMAL:
        snprintf(buf, len, "lognormal(median %g, sigma %g) ~%.1f", d->median, d->sigma, mean);
        break;
    }
    return buf;
}

static void print_summary(const mcr_scenario_t *sc)
{
    const mcr_model_t *m = &sc->model;
    char buf[160], buf2[160];
    int w = 2;      /* width of the name columns */
    for (int i = 0; i < m->nregions; i++)
        w = (int)strlen(sc->region_name[i]) > w ? (int)strlen(sc->region_name[i]) : w;
    for (int i = 0; i < m->nregimes; i++)
        w = (int)strlen(sc->regime_name[i]) > w ? (int)strlen(sc->regime_name[i]) : w;
    for (int i = 0; i < m->nstrategies; i++)
        w = (int)strlen(sc->strategy_name[i]) > w ? (int)strlen(sc->strategy_name[i]) : w;

    printf("%-12s %s (sha256 %.16s...)\n", "scenario", sc->path, sc->sha256);
    printf("%-12s %lld\n", "trials", (long long)sc->trials);
    printf("%-12s %llu\n", "seed", (unsigned long long)sc->seed);
    printf("%-12s %d months, discount rate %g a year\n", "horizon", m->horizon, m->discount_rate);
    printf("%-12s %.0f GPUs, %g hours a month\n", "demand", m->demand_gpus, m->hours_per_month);
    printf("%-12s", "percentiles");
    for (int i = 0; i < sc->npercentiles; i++)
        printf(" %g", sc->percentiles[i]);
    printf("\n\n");

    printf("%-*s  %10s %10s %10s %10s %9s %10s %8s\n", w + 2, "regions", "price0", "long_run",
           "reversion", "volatility", "jumps/yr", "jump_mean", "jump_sd");
    for (int i = 0; i < m->nregions; i++) {
        const mcr_region_t *g = &m->region[i];
        printf("  %-*s  %10.2f %10.2f %10g %10g %9g %10g %8g\n", w, sc->region_name[i], g->price0,
               g->long_run, g->reversion, g->volatility, g->jump_rate, g->jump_mean, g->jump_sd);
    }
    printf("  %-*s  prices in USD/MWh; rates per year, volatility per sqrt(year)\n", w, "");
    int npairs = 0;
    for (int i = 0; i < m->nregions; i++)
        for (int j = 0; j < i; j++) {
            /* rho is row i of L times row j of L */
            double rho = 0;
            for (int k = 0; k <= j; k++)
                rho += m->chol[i * m->nregions + k] * m->chol[j * m->nregions + k];
            if (rho != 0) {
                printf("%s%s-%s %.2f", npairs ? ", " : "  correlation: ", sc->region_name[j],
                       sc->region_name[i], rho);
                npairs++;
            }
        }
    printf("%s\n", npairs ? "" : "  correlation: none");

    printf("%-*s  %10s %10s %10s %10s\n", w + 2, "regimes", "fill_alpha", "fill_beta", "mean fill",
           "spot x");
    for (int i = 0; i < m->nregimes; i++) {
        const mcr_regime_t *g = &m->regime[i];
        printf("  %-*s  %10g %10g %10.3f %10g\n", w, sc->regime_name[i], g->fill_alpha, g->fill_beta,
               g->fill_alpha / (g->fill_alpha + g->fill_beta), g->spot_multiplier);
    }
    printf("  %-*s  starting %s; spot %g USD/GPU-hour before the multiplier\n\n", w, "",
           sc->regime_name[m->initial_regime], m->spot_price);

    printf("strategies (durations in months, ~ their mean)\n");
    for (int i = 0; i < m->nstrategies; i++) {
        const mcr_strategy_t *s = &m->strategy[i];
        if (s->kind == MCR_STRATEGY_BUILD) {
            const mcr_build_t *b = &s->build;
            printf("  %-*s  build %.0f GPUs in %s: %.1f MW IT, PUE %g, utilisation %g, priority %g\n", w,
                   sc->strategy_name[i], s->gpus, sc->region_name[b->region], b->mw, b->pue,
                   b->utilisation, s->supply_priority);
            char m1[32], m2[32], m3[32];
            printf("  %-*s  capex %s USD/MW, GPU %s USD, opex %s USD/MW-year, lives %g/%g years\n", w, "",
                   money_str(b->capex_per_mw, m1, sizeof m1), money_str(b->gpu_unit_cost, m2, sizeof m2),
                   money_str(b->opex_per_mw_year, m3, sizeof m3), b->facility_life_years, b->gpu_life_years);
            printf("  %-*s  permit %s, construction %s\n", w, "", duration_str(&b->permit, buf, sizeof buf),
                   duration_str(&b->construction, buf2, sizeof buf2));
            if (b->has_pause)
                printf("  %-*s  pause with probability %g for %s\n", w, "", b->pause_probability,
                       duration_str(&b->pause, buf, sizeof buf));
        } else {
            const mcr_lease_t *l = &s->lease;
            printf("  %-*s  lease %.0f GPUs at %g USD/GPU-hour, escalation %g a year, priority %g\n", w,
                   sc->strategy_name[i], s->gpus, l->price_per_gpu_hour, l->escalation, s->supply_priority);
            printf("  %-*s  onboarding %s", w, "", duration_str(&l->onboarding, buf, sizeof buf));
            if (l->energy_passthrough > 0)
                printf(", energy pass-through %g of %s", l->energy_passthrough,
                       sc->region_name[l->passthrough_region]);
            printf("\n");
        }
    }

    int threads = omp_get_max_threads();
    mcr_plan_mem_t mem;
    mcr_plan_memory(m, sc->trials, threads, sc->npercentiles, &mem);
    uint64_t avail = mcr_plan_mem_available();
    printf("\n%-12s %s on %d thread%s (%s fixed + %llu bytes a trial)", "memory",
           mcr_plan_bytes_str(mem.total, buf, sizeof buf), threads, threads == 1 ? "" : "s",
           mcr_plan_bytes_str(mem.fixed, buf2, sizeof buf2), (unsigned long long)mem.per_trial);
    if (avail)
        printf(", %s available", mcr_plan_bytes_str(avail, buf, sizeof buf));
    printf("\n");
}

/* ---- the command ------------------------------------------------------------------ */

int mcr_cmd_validate(int argc, char **argv)
{
    const char *file = NULL;
    int options = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options && (!strcmp(a, "--help") || !strcmp(a, "-h"))) {
            fputs(HELP, stdout);
            return 0;
        }
        if (options && !strcmp(a, "--")) {
            options = 0;
        } else if (options && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "mcrisk: error: %s: unknown option (try mcrisk validate --help)\n", a);
            return 2;
        } else if (file) {
            fprintf(stderr, "mcrisk: error: validate: takes one SCENARIO.yaml, got '%s' as well\n", a);
            return 2;
        } else {
            file = a;
        }
    }
    if (!file) {
        fputs("mcrisk: error: validate: needs a SCENARIO.yaml (try mcrisk validate --help)\n", stderr);
        return 2;
    }

    mcr_scenario_t sc;
    mcr_diag_t diag = {0};
    mcr_status_t st = mcr_scenario_load(file, &sc, &diag);
    if (st != MCR_OK) {
        mcr_diag_print(stderr, file, &diag);
        mcr_diag_free(&diag);
        return (int)st;
    }
    print_summary(&sc);
    mcr_scenario_free(&sc);
    return 0;
}
