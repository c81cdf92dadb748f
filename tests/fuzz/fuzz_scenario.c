/* fuzz_scenario.c -- libFuzzer harness for the scenario reader.
 *
 * Feeds arbitrary bytes to mcr_scenario_parse() under AddressSanitizer and
 * UndefinedBehaviorSanitizer (LeakSanitizer included), and checks the
 * reader's contract on every input, aborting (a crash libFuzzer records)
 * when it is broken:
 *
 *   - refused: status MCR_EINPUT with at least one message, each one line
 *     naming the file, and the scenario left zeroed;
 *   - accepted: every value the engine relies on is in range (SPEC 3), every
 *     index resolves, the Cholesky factor has a positive diagonal and the
 *     transition rows sum to 1 -- what the engine trusts without checking.
 *
 * Built and run by `make fuzz` / `make check-fuzz` (see the Makefile's
 * fuzzing section); crashes become tests/corpus/scenario cases.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "inputs/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond) do { if (!(cond)) abort(); } while (0)

static void check_duration(const mcr_duration_t *d)
{
    switch (d->kind) {
    case MCR_DUR_FIXED:
        REQUIRE(isfinite(d->value) && d->value >= 0);
        break;
    case MCR_DUR_UNIFORM:
        REQUIRE(d->min >= 0 && d->max > d->min && isfinite(d->max));
        break;
    case MCR_DUR_TRIANGULAR:
    case MCR_DUR_PERT:
        REQUIRE(d->min >= 0 && d->max > d->min && isfinite(d->max));
        REQUIRE(d->mode >= d->min && d->mode <= d->max);
        REQUIRE(d->kind == MCR_DUR_TRIANGULAR || (d->lambda >= 0 && isfinite(d->alpha) && isfinite(d->beta)));
        break;
    case MCR_DUR_LOGNORMAL:
        REQUIRE(d->median > 0 && isfinite(d->median) && d->sigma >= 0 && isfinite(d->sigma));
        break;
    default:
        abort();
    }
}

static void check_accepted(const mcr_scenario_t *sc)
{
    const mcr_model_t *m = &sc->model;
    REQUIRE(sc->text && sc->path && sc->text[sc->text_len] == '\0' && strlen(sc->sha256) == 64);
    REQUIRE(sc->trials > 0 && sc->npercentiles >= 1);
    for (int i = 0; i < sc->npercentiles; i++)
        REQUIRE(sc->percentiles[i] >= 0 && sc->percentiles[i] <= 100
                && (i == 0 || sc->percentiles[i] > sc->percentiles[i - 1]));
    REQUIRE(m->horizon >= 1 && m->horizon <= MCR_SCENARIO_MAX_HORIZON);
    REQUIRE(m->discount_rate >= 0 && isfinite(m->discount_rate) && m->discount);
    REQUIRE(m->demand_gpus >= 1 && m->hours_per_month > 0 && isfinite(m->hours_per_month));

    int R = m->nregions, K = m->nregimes;
    REQUIRE(R >= 1 && K >= 1 && m->nstrategies >= 1);
    for (int r = 0; r < R; r++) {
        const mcr_region_t *g = &m->region[r];
        REQUIRE(sc->region_name[r] && g->price0 > 0 && g->long_run > 0 && isfinite(g->price0));
        REQUIRE(g->reversion >= 0 && g->volatility >= 0 && g->jump_rate >= 0 && g->jump_sd >= 0);
        REQUIRE(isfinite(g->jump_mean) && isfinite(g->x0) && isfinite(g->mu));
        REQUIRE(m->chol[r * R + r] > 0);
        for (int c = r + 1; c < R; c++)
            REQUIRE(m->chol[r * R + c] == 0);
    }
    for (int k = 0; k < K; k++) {
        const mcr_regime_t *g = &m->regime[k];
        REQUIRE(sc->regime_name[k] && g->fill_alpha > 0 && g->fill_beta > 0 && g->spot_multiplier > 0);
        double sum = 0;
        for (int j = 0; j < K; j++) {
            REQUIRE(m->transition[k * K + j] >= 0);
            sum += m->transition[k * K + j];
        }
        REQUIRE(fabs(sum - 1) < 1e-12);
    }
    REQUIRE(m->initial_regime >= 0 && m->initial_regime < K && m->spot_price > 0);
    for (int i = 0; i < m->nstrategies; i++) {
        const mcr_strategy_t *s = &m->strategy[i];
        REQUIRE(sc->strategy_name[i] && s->gpus >= 1 && s->supply_priority > 0 && s->supply_priority <= 1);
        if (s->kind == MCR_STRATEGY_BUILD) {
            const mcr_build_t *b = &s->build;
            REQUIRE(b->region >= 0 && b->region < R);
            REQUIRE(b->kw_per_gpu > 0 && b->pue >= 1 && b->utilisation > 0 && b->utilisation <= 1);
            REQUIRE(b->capex_per_mw >= 0 && b->gpu_unit_cost >= 0 && b->opex_per_mw_year >= 0);
            REQUIRE(b->facility_life_years > 0 && b->gpu_life_years > 0);
            check_duration(&b->permit);
            check_duration(&b->construction);
            if (b->has_pause) {
                REQUIRE(b->pause_probability >= 0 && b->pause_probability <= 1);
                check_duration(&b->pause);
            }
        } else {
            const mcr_lease_t *l = &s->lease;
            REQUIRE(s->kind == MCR_STRATEGY_LEASE && l->price_per_gpu_hour > 0 && l->escalation >= 0);
            REQUIRE(l->energy_passthrough >= 0 && l->energy_passthrough <= 1);
            REQUIRE(l->passthrough_region >= -1 && l->passthrough_region < R);
            REQUIRE(l->energy_passthrough == 0 || l->passthrough_region >= 0);
            REQUIRE(l->escalator);
            check_duration(&l->onboarding);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mcr_scenario_t sc;
    mcr_diag_t diag = {0};
    mcr_status_t st = mcr_scenario_parse("fuzz.yaml", (const char *)data, size, &sc, &diag);
    if (st == MCR_OK) {
        REQUIRE(diag.n == 0 && diag.dropped == 0);
        check_accepted(&sc);
    } else {
        REQUIRE(st == MCR_EINPUT);      /* no allocation fails at these sizes */
        REQUIRE(diag.n >= 1 && diag.n <= MCR_DIAG_MAX && diag.dropped >= 0);
        REQUIRE(sc.text == NULL && sc.model.region == NULL && sc.model.strategy == NULL);
        for (int i = 0; i < diag.n; i++)
            REQUIRE(!strncmp(diag.msg[i], "fuzz.yaml", 9) && !strchr(diag.msg[i], '\n'));
    }
    mcr_diag_free(&diag);
    mcr_scenario_free(&sc);
    return 0;
}
