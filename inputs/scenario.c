/* scenario.c -- the scenario file of SPEC 3, read into the model of SPEC 2.
 *
 * The engine trusts what comes out of here without checking anything again,
 * so every rule of SPEC 3 is enforced in this file: types, ranges, required
 * fields and their defaults, names and the references between them, the
 * correlation matrix (positive definite, factored) and the transition matrix
 * (rows summing to 1, renormalised).
 *
 * A user should fix a file in one go, so nothing stops at the first error:
 * each field is checked on its own and every problem found is recorded
 * (inputs/diag.c sorts them into file order). Errors do not cascade: a field
 * that fails is simply left unset, and a check that depends on other fields
 * (a strategy's `region` on the region names, a PERT's `mode` on its `min`
 * and `max`, the transition matrix's shape on the number of regimes) runs only
 * when those were good. Only when the whole file is clean is the model
 * completed (Cholesky factor, renormalised rows, mcr_model_prepare()) and
 * handed over.
 *
 * The file is read in three passes: its bytes (size, UTF-8), its YAML (one
 * document, no anchors or aliases, not too deep; inputs/yaml_check.c) and its
 * schema (below, over the libyaml document, whose nodes carry the line and
 * column every message names). Sections are read in schema order, regions
 * and regimes before what refers to them, whatever order the file uses.
 */
#include "inputs/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "inputs/cholesky.h"
#include "inputs/diag.h"
#include "inputs/sha256.h"
#include "inputs/yaml_read.h"

#define TRANSITION_TOL 1e-9     /* SPEC 3: rows sum to 1 within this */

/* ---- the reader's state ------------------------------------------------------------ */

typedef struct {
    mcr_yr_t        r;
    mcr_scenario_t *sc;
    mcr_model_t    *m;
    int             regions_ok;     /* every region name read: references resolve */
    int             regimes_ok;
} rd_t;

/* Entries in a table. Each mapping's keys below are a table of strings
 * indexed by an enum, so v[S_SEED] is the node given for "seed". */
#define NKEYS(t) ((int)(sizeof(t) / sizeof(t)[0]))

/* A NUL-terminated copy of s[0 .. len); NULL (and oom noted) when memory ran
 * out. */
static char *dup_name(rd_t *rd, const char *s, size_t len)
{
    char *p = malloc(len + 1);
    if (!p) {
        rd->r.diag->oom = 1;
        return NULL;
    }
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* calloc that notes running out of memory in the reader's state. */
static void *zalloc(rd_t *rd, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        rd->r.diag->oom = 1;
    return p;
}

/* ---- fields ------------------------------------------------------------------------ */

/* A real field of mapping map: v is its node (NULL when absent). Required
 * fields report their absence; optional ones leave *out (the default). */
static int real_field(rd_t *rd, const yaml_node_t *map, const char *key, const yaml_node_t *v,
                      int required, mcr_yr_range_t range, double *out)
{
    if (!v)
        return required ? mcr_yr_require(&rd->r, map, key, v) : 1;
    size_t old = mcr_yr_push_key(&rd->r, key, strlen(key));
    int ok = mcr_yr_real(&rd->r, v, range, out);
    mcr_yr_pop(&rd->r, old);
    return ok;
}

/* A required integer field in [min, max]. */
static int uint_field(rd_t *rd, const yaml_node_t *map, const char *key, const yaml_node_t *v,
                      uint64_t min, uint64_t max, uint64_t *out)
{
    if (!mcr_yr_require(&rd->r, map, key, v))
        return 0;
    size_t old = mcr_yr_push_key(&rd->r, key, strlen(key));
    int ok = mcr_yr_uint(&rd->r, v, min, max, out);
    mcr_yr_pop(&rd->r, old);
    return ok;
}

/* "uk, norway and texas" from names[idx[0 .. n)], or names[0 .. n) when idx
 * is NULL. */
static void name_list(char *const *names, const int *idx, int n, char *buf, size_t len)
{
    size_t o = 0;
    buf[0] = '\0';
    for (int i = 0; i < n && o < len; i++) {
        const char *sep = i == 0 ? "" : i == n - 1 ? " and " : ", ";
        int k = snprintf(buf + o, len - o, "%s%s", sep, names[idx ? idx[i] : i]);
        if (k < 0)
            break;
        o += (size_t)k;
    }
}

/* Resolve the name in node v (under key of map, required unless optional)
 * against names[0 .. n) of a kind ("region", "regime"). Returns the index,
 * -1 when absent or bad. When the names themselves had errors (names_ok 0)
 * an unknown name is not reported: it may be one of those. */
static int resolve(rd_t *rd, const yaml_node_t *map, const char *key, const yaml_node_t *v,
                   int required, const char *kind, char *const *names, int n, int names_ok)
{
    if (!v) {
        if (required)
            mcr_yr_require(&rd->r, map, key, v);
        return -1;
    }
    size_t old = mcr_yr_push_key(&rd->r, key, strlen(key));
    const char *s;
    size_t len;
    int found = -1;
    if (mcr_yr_string(&rd->r, v, &s, &len)) {
        for (int i = 0; i < n && found < 0; i++)
            if (names[i] && strlen(names[i]) == len && !memcmp(names[i], s, len))
                found = i;
        if (found < 0 && names_ok) {
            char shown[MCR_YR_SHOW_MAX + 8], known[512];
            name_list(names, NULL, n, known, sizeof known);
            mcr_yr_show(s, len, shown, sizeof shown);
            const char *near = mcr_yr_suggest(s, len, (const char *const *)names, n);
            if (near)
                mcr_yr_error(&rd->r, v, "unknown %s '%s', did you mean '%s'?", kind, shown, near);
            else if (n == 1)
                mcr_yr_error(&rd->r, v, "unknown %s '%s' (the only %s is %s)", kind, shown, kind, known);
            else
                mcr_yr_error(&rd->r, v, "unknown %s '%s' (the %ss are %s)", kind, shown, kind, known);
        }
    }
    mcr_yr_pop(&rd->r, old);
    return found;
}

/* Read the `name` of item i of a list of `kind`s into names[i], refusing a
 * name given to an earlier item (listed under `list`). Returns 1 when good. */
static int read_name(rd_t *rd, const yaml_node_t *map, const yaml_node_t *v, const char *kind,
                     const char *list, char **names, int i)
{
    if (!mcr_yr_require(&rd->r, map, "name", v))
        return 0;
    size_t old = mcr_yr_push_key(&rd->r, "name", 4);
    const char *s;
    size_t len;
    int ok = mcr_yr_name(&rd->r, v, &s, &len);
    for (int j = 0; ok && j < i; j++)
        if (names[j] && strlen(names[j]) == len && !memcmp(names[j], s, len)) {
            mcr_yr_error(&rd->r, v, "duplicate %s name '%s', first given at %s[%d]", kind, names[j], list, j);
            ok = 0;
        }
    if (ok)
        names[i] = dup_name(rd, s, len);
    mcr_yr_pop(&rd->r, old);
    return ok && names[i];
}

/* ---- durations (SPEC 2.3) ------------------------------------------------------------- */

enum { D_DIST, D_VALUE, D_MIN, D_MODE, D_MAX, D_LAMBDA, D_MEDIAN, D_SIGMA, D_N };
static const char *const DUR_KEYS[D_N] = {"dist", "value", "min", "mode", "max", "lambda", "median", "sigma"};
static const char *const DIST_NAMES[] = {"fixed", "uniform", "triangular", "pert", "lognormal"};
static const mcr_dur_kind_t DIST_KINDS[] = {MCR_DUR_FIXED, MCR_DUR_UNIFORM, MCR_DUR_TRIANGULAR,
                                            MCR_DUR_PERT, MCR_DUR_LOGNORMAL};
/* The parameters each distribution takes (bit k: DUR_KEYS[k]), in the order
 * of DIST_NAMES; all are required but PERT's lambda. */
static const struct {
    unsigned takes;
    const char *list;
} DIST_PARAMS[] = {
    {1u << D_VALUE, "value"},
    {1u << D_MIN | 1u << D_MAX, "min, max"},
    {1u << D_MIN | 1u << D_MODE | 1u << D_MAX, "min, mode, max"},
    {1u << D_MIN | 1u << D_MODE | 1u << D_MAX | 1u << D_LAMBDA, "min, mode, max and optionally lambda"},
    {1u << D_MEDIAN | 1u << D_SIGMA, "median, sigma"},
};

/* A duration distribution, months: {dist: NAME, parameters...}. */
static int read_duration(rd_t *rd, const yaml_node_t *n, mcr_duration_t *d)
{
    const yaml_node_t *v[D_N], *k[D_N];
    mcr_yr_t *r = &rd->r;
    if (n->type == YAML_SCALAR_NODE && (mcr_yr_kind(n) == MCR_YR_INT || mcr_yr_kind(n) == MCR_YR_FLOAT)) {
        char got[MCR_YR_SHOW_MAX + 8];
        mcr_yr_error(r, n, "expected a distribution such as {dist: fixed, value: %s}, got %s",
                     mcr_yr_describe(n, got, sizeof got), got);
        return 0;
    }
    if (!mcr_yr_fields(r, n, "a distribution {dist: ..., ...}", DUR_KEYS, D_N, v, k))
        return 0;
    if (!mcr_yr_require(r, n, "dist", v[D_DIST]))
        return 0;

    size_t old = mcr_yr_push_key(r, "dist", 4);
    const char *s;
    size_t len;
    int kind = -1;
    if (mcr_yr_string(r, v[D_DIST], &s, &len)) {
        for (int i = 0; i < NKEYS(DIST_NAMES) && kind < 0; i++)
            if (strlen(DIST_NAMES[i]) == len && !memcmp(DIST_NAMES[i], s, len))
                kind = i;
        if (kind < 0) {
            char shown[MCR_YR_SHOW_MAX + 8];
            const char *near = mcr_yr_suggest(s, len, DIST_NAMES, NKEYS(DIST_NAMES));
            mcr_yr_show(s, len, shown, sizeof shown);
            if (near)
                mcr_yr_error(r, v[D_DIST], "unknown distribution '%s', did you mean '%s'?", shown, near);
            else
                mcr_yr_error(r, v[D_DIST], "unknown distribution '%s' (expected fixed, uniform, "
                             "triangular, pert or lognormal)", shown);
        }
    }
    mcr_yr_pop(r, old);
    if (kind < 0)
        return 0;

    int ok = 1;
    unsigned takes = DIST_PARAMS[kind].takes;
    for (int p = D_VALUE; p < D_N; p++)
        if (v[p] && !(takes & 1u << p)) {
            old = mcr_yr_push_key(r, DUR_KEYS[p], strlen(DUR_KEYS[p]));
            mcr_yr_error(r, k[p], "not a parameter of a %s distribution (it takes %s)",
                         DIST_NAMES[kind], DIST_PARAMS[kind].list);
            mcr_yr_pop(r, old);
            ok = 0;
        }

    memset(d, 0, sizeof *d);
    d->kind = DIST_KINDS[kind];
    d->lambda = 4.0;
    int good[D_N] = {0};
    for (int p = D_VALUE; p < D_N; p++) {
        if (!(takes & 1u << p))
            continue;
        double *dst = p == D_VALUE ? &d->value : p == D_MIN ? &d->min : p == D_MODE ? &d->mode
                    : p == D_MAX ? &d->max : p == D_LAMBDA ? &d->lambda : p == D_MEDIAN ? &d->median
                    : &d->sigma;
        mcr_yr_range_t range = p == D_MEDIAN ? MCR_YR_POSITIVE : MCR_YR_NONNEG;
        good[p] = real_field(rd, n, DUR_KEYS[p], v[p], p != D_LAMBDA, range, dst);
        ok = ok && good[p];
    }
    if (!good[D_MIN] || !good[D_MAX])
        return ok;

    /* order: min < max, and min <= mode <= max */
    char lo[MCR_YR_SHOW_MAX + 8], hi[MCR_YR_SHOW_MAX + 8], got[MCR_YR_SHOW_MAX + 8];
    mcr_yr_describe(v[D_MIN], lo, sizeof lo);
    mcr_yr_describe(v[D_MAX], hi, sizeof hi);
    if (!(d->max > d->min)) {
        old = mcr_yr_push_key(r, "max", 3);
        mcr_yr_error(r, v[D_MAX], "must be greater than min (%s), got %s", lo, hi);
        mcr_yr_pop(r, old);
        return 0;
    }
    if ((takes & 1u << D_MODE) && good[D_MODE] && (d->mode < d->min || d->mode > d->max)) {
        old = mcr_yr_push_key(r, "mode", 4);
        mcr_yr_error(r, v[D_MODE], "must be in [min, max] = [%s, %s], got %s", lo, hi,
                     mcr_yr_describe(v[D_MODE], got, sizeof got));
        mcr_yr_pop(r, old);
        return 0;
    }
    return ok;
}

/* A duration field of a strategy (required). */
static int duration_field(rd_t *rd, const yaml_node_t *map, const char *key, const yaml_node_t *v,
                          mcr_duration_t *d)
{
    if (!mcr_yr_require(&rd->r, map, key, v))
        return 0;
    size_t old = mcr_yr_push_key(&rd->r, key, strlen(key));
    int ok = read_duration(rd, v, d);
    mcr_yr_pop(&rd->r, old);
    return ok;
}

/* ---- simulation ---------------------------------------------------------------------- */

enum { S_TRIALS, S_SEED, S_HORIZON, S_DISCOUNT, S_PERCENTILES, S_N };
static const char *const SIM_KEYS[S_N] = {"trials", "seed", "horizon_months", "discount_rate", "percentiles"};

static const double DEFAULT_PERCENTILES[] = {1, 5, 10, 25, 50, 75, 90, 95, 99};

static void read_percentiles(rd_t *rd, const yaml_node_t *n)
{
    mcr_scenario_t *sc = rd->sc;
    int count = mcr_yr_list(&rd->r, n, "percentile level", 1, MCR_SCENARIO_MAX_PERCENTILES);
    if (count < 0)
        return;
    sc->percentiles = zalloc(rd, (size_t)count, sizeof *sc->percentiles);
    if (!sc->percentiles)
        return;
    sc->npercentiles = count;
    int prev_ok = 0;
    const yaml_node_t *prev = NULL;
    for (int i = 0; i < count; i++) {
        const yaml_node_t *item = mcr_yr_node(&rd->r, n->data.sequence.items.start[i]);
        size_t old = mcr_yr_push_index(&rd->r, i);
        int ok = mcr_yr_real(&rd->r, item, MCR_YR_PERCENT, &sc->percentiles[i]);
        if (ok && prev_ok && !(sc->percentiles[i] > sc->percentiles[i - 1])) {
            char a[MCR_YR_SHOW_MAX + 8], b[MCR_YR_SHOW_MAX + 8];
            mcr_yr_error(&rd->r, item, "must be greater than the level before it (%s), got %s",
                         mcr_yr_describe(prev, a, sizeof a), mcr_yr_describe(item, b, sizeof b));
        }
        prev_ok = ok;
        prev = item;
        mcr_yr_pop(&rd->r, old);
    }
}

static void read_simulation(rd_t *rd, const yaml_node_t *n)
{
    const yaml_node_t *v[S_N];
    mcr_scenario_t *sc = rd->sc;
    if (!mcr_yr_fields(&rd->r, n, "a mapping {trials, seed, horizon_months, ...}", SIM_KEYS, S_N, v, NULL))
        return;
    uint64_t x;
    if (uint_field(rd, n, "trials", v[S_TRIALS], 1, INT64_MAX, &x))
        sc->trials = (int64_t)x;
    uint_field(rd, n, "seed", v[S_SEED], 0, UINT64_MAX, &sc->seed);
    if (uint_field(rd, n, "horizon_months", v[S_HORIZON], 1, MCR_SCENARIO_MAX_HORIZON, &x))
        rd->m->horizon = (int)x;
    real_field(rd, n, "discount_rate", v[S_DISCOUNT], 1, MCR_YR_NONNEG, &rd->m->discount_rate);
    if (v[S_PERCENTILES]) {
        size_t old = mcr_yr_push_key(&rd->r, "percentiles", 11);
        read_percentiles(rd, v[S_PERCENTILES]);
        mcr_yr_pop(&rd->r, old);
    } else {
        sc->npercentiles = NKEYS(DEFAULT_PERCENTILES);
        sc->percentiles = zalloc(rd, (size_t)sc->npercentiles, sizeof *sc->percentiles);
        if (sc->percentiles)
            memcpy(sc->percentiles, DEFAULT_PERCENTILES, sizeof DEFAULT_PERCENTILES);
    }
}

/* ---- energy ------------------------------------------------------------------------------- */

enum { E_REGIONS, E_CORRELATION, E_N };
static const char *const ENERGY_KEYS[E_N] = {"regions", "correlation"};

enum { G_NAME, G_PRICE0, G_LONG_RUN, G_REVERSION, G_VOLATILITY, G_JUMP_RATE, G_JUMP_MEAN, G_JUMP_SD, G_N };
static const char *const REGION_KEYS[G_N] = {"name", "price0", "long_run", "reversion", "volatility",
                                             "jump_rate", "jump_mean", "jump_sd"};

static void read_regions(rd_t *rd, const yaml_node_t *n)
{
    mcr_model_t *m = rd->m;
    int count = mcr_yr_list(&rd->r, n, "region", 1, MCR_SCENARIO_MAX_REGIONS);
    if (count < 0)
        return;
    m->region = zalloc(rd, (size_t)count, sizeof *m->region);
    rd->sc->region_name = zalloc(rd, (size_t)count, sizeof *rd->sc->region_name);
    if (!m->region || !rd->sc->region_name)
        return;
    m->nregions = count;
    int names_ok = 1;
    for (int i = 0; i < count; i++) {
        const yaml_node_t *item = mcr_yr_node(&rd->r, n->data.sequence.items.start[i]);
        const yaml_node_t *v[G_N];
        mcr_region_t *g = &m->region[i];
        size_t old = mcr_yr_push_index(&rd->r, i);
        if (mcr_yr_fields(&rd->r, item, "a region {name, price0, long_run, ...}", REGION_KEYS, G_N, v, NULL)) {
            names_ok &= read_name(rd, item, v[G_NAME], "region", "energy.regions", rd->sc->region_name, i);
            real_field(rd, item, "price0", v[G_PRICE0], 1, MCR_YR_POSITIVE, &g->price0);
            real_field(rd, item, "long_run", v[G_LONG_RUN], 1, MCR_YR_POSITIVE, &g->long_run);
            real_field(rd, item, "reversion", v[G_REVERSION], 1, MCR_YR_NONNEG, &g->reversion);
            real_field(rd, item, "volatility", v[G_VOLATILITY], 1, MCR_YR_NONNEG, &g->volatility);
            real_field(rd, item, "jump_rate", v[G_JUMP_RATE], 1, MCR_YR_NONNEG, &g->jump_rate);
            real_field(rd, item, "jump_mean", v[G_JUMP_MEAN], 1, MCR_YR_FINITE, &g->jump_mean);
            real_field(rd, item, "jump_sd", v[G_JUMP_SD], 1, MCR_YR_NONNEG, &g->jump_sd);
        } else {
            names_ok = 0;
        }
        mcr_yr_pop(&rd->r, old);
    }
    rd->regions_ok = names_ok;
}

enum { C_A, C_B, C_RHO, C_N };
static const char *const CORR_KEYS[C_N] = {"a", "b", "rho"};

/* The correlation pairs, the matrix they make and its Cholesky factor. The
 * pairs are checked on their own even when the regions had errors; the
 * matrix only when every region and pair is good. */
static void read_correlation(rd_t *rd, const yaml_node_t *n)
{
    mcr_model_t *m = rd->m;
    int R = rd->regions_ok ? m->nregions : 0;
    int max_pairs = MCR_SCENARIO_MAX_REGIONS * (MCR_SCENARIO_MAX_REGIONS - 1) / 2;
    int count = n ? mcr_yr_list(&rd->r, n, "correlation pair", 0, max_pairs) : 0;
    if (count < 0)
        return;
    double *a = NULL;
    int *given = NULL;          /* per pair: index of the item that gave it, + 1 */
    if (R > 0) {
        a = zalloc(rd, (size_t)R * (size_t)R, sizeof *a);
        given = zalloc(rd, (size_t)R * (size_t)R, sizeof *given);
        m->chol = zalloc(rd, (size_t)R * (size_t)R, sizeof *m->chol);
        if (!a || !given || !m->chol) {
            free(a);
            free(given);
            return;
        }
        for (int i = 0; i < R; i++)
            a[i * R + i] = 1;
    }
    char **names = rd->sc->region_name;
    int all_ok = 1;
    for (int i = 0; i < count; i++) {
        const yaml_node_t *item = mcr_yr_node(&rd->r, n->data.sequence.items.start[i]);
        const yaml_node_t *v[C_N];
        size_t old = mcr_yr_push_index(&rd->r, i);
        int ok = 0;
        if (mcr_yr_fields(&rd->r, item, "a pair {a, b, rho}", CORR_KEYS, C_N, v, NULL)) {
            int x = resolve(rd, item, "a", v[C_A], 1, "region", names, R, rd->regions_ok);
            int y = resolve(rd, item, "b", v[C_B], 1, "region", names, R, rd->regions_ok);
            double rho = 0;
            ok = real_field(rd, item, "rho", v[C_RHO], 1, MCR_YR_RHO, &rho) && x >= 0 && y >= 0;
            if (x >= 0 && y >= 0 && x == y) {
                size_t o2 = mcr_yr_push_key(&rd->r, "b", 1);
                mcr_yr_error(&rd->r, v[C_B], "a region cannot be correlated with itself ('%s')", names[x]);
                mcr_yr_pop(&rd->r, o2);
                ok = 0;
            } else if (x >= 0 && y >= 0 && given[x * R + y]) {
                mcr_yr_error(&rd->r, item, "the pair (%s, %s) is already given at energy.correlation[%d]",
                             names[x], names[y], given[x * R + y] - 1);
                ok = 0;
            } else if (x >= 0 && y >= 0) {
                given[x * R + y] = given[y * R + x] = i + 1;
            }
            if (ok)
                a[x * R + y] = a[y * R + x] = rho;
        }
        all_ok &= ok;
        mcr_yr_pop(&rd->r, old);
    }
    if (R > 0 && all_ok && mcr_cholesky(a, R, m->chol) >= 0) {
        int idx[MCR_SCENARIO_MAX_REGIONS];
        int k = mcr_cholesky_culprits(a, R, idx);
        char list[MCR_SCENARIO_MAX_REGIONS * (MCR_SCENARIO_NAME_MAX + 8)];
        if (k < 0) {
            rd->r.diag->oom = 1;
        } else {
            name_list(names, idx, k, list, sizeof list);
            mcr_yr_error(&rd->r, n, "the correlation matrix is not positive definite: the "
                         "correlations among %s cannot hold together", list);
        }
    }
    free(a);
    free(given);
}

static void read_energy(rd_t *rd, const yaml_node_t *n)
{
    const yaml_node_t *v[E_N];
    if (!mcr_yr_fields(&rd->r, n, "a mapping {regions, correlation}", ENERGY_KEYS, E_N, v, NULL))
        return;
    if (mcr_yr_require(&rd->r, n, "regions", v[E_REGIONS])) {
        size_t old = mcr_yr_push_key(&rd->r, "regions", 7);
        read_regions(rd, v[E_REGIONS]);
        mcr_yr_pop(&rd->r, old);
    }
    size_t old = mcr_yr_push_key(&rd->r, "correlation", 11);
    read_correlation(rd, v[E_CORRELATION]);
    mcr_yr_pop(&rd->r, old);
}

/* ---- chips -------------------------------------------------------------------------------- */

enum { K_REGIMES, K_TRANSITION, K_INITIAL, K_SPOT, K_N };
static const char *const CHIPS_KEYS[K_N] = {"regimes", "transition", "initial_regime",
                                            "spot_price_per_gpu_hour"};

enum { M_NAME, M_ALPHA, M_BETA, M_SPOT, M_N };
static const char *const REGIME_KEYS[M_N] = {"name", "fill_alpha", "fill_beta", "spot_multiplier"};

static void read_regimes(rd_t *rd, const yaml_node_t *n)
{
    mcr_model_t *m = rd->m;
    int count = mcr_yr_list(&rd->r, n, "regime", 1, MCR_SCENARIO_MAX_REGIMES);
    if (count < 0)
        return;
    m->regime = zalloc(rd, (size_t)count, sizeof *m->regime);
    rd->sc->regime_name = zalloc(rd, (size_t)count, sizeof *rd->sc->regime_name);
    if (!m->regime || !rd->sc->regime_name)
        return;
    m->nregimes = count;
    int names_ok = 1;
    for (int i = 0; i < count; i++) {
        const yaml_node_t *item = mcr_yr_node(&rd->r, n->data.sequence.items.start[i]);
        const yaml_node_t *v[M_N];
        mcr_regime_t *g = &m->regime[i];
        size_t old = mcr_yr_push_index(&rd->r, i);
        if (mcr_yr_fields(&rd->r, item, "a regime {name, fill_alpha, fill_beta, spot_multiplier}",
                          REGIME_KEYS, M_N, v, NULL)) {
            names_ok &= read_name(rd, item, v[M_NAME], "regime", "chips.regimes", rd->sc->regime_name, i);
            real_field(rd, item, "fill_alpha", v[M_ALPHA], 1, MCR_YR_POSITIVE, &g->fill_alpha);
            real_field(rd, item, "fill_beta", v[M_BETA], 1, MCR_YR_POSITIVE, &g->fill_beta);
            real_field(rd, item, "spot_multiplier", v[M_SPOT], 1, MCR_YR_POSITIVE, &g->spot_multiplier);
        } else {
            names_ok = 0;
        }
        mcr_yr_pop(&rd->r, old);
    }
    rd->regimes_ok = names_ok;
}

/* K rows of K probabilities, each row summing to 1 within TRANSITION_TOL,
 * then divided by its sum. K is only known when the regimes were read. */
static void read_transition(rd_t *rd, const yaml_node_t *n)
{
    mcr_model_t *m = rd->m;
    int K = rd->regimes_ok ? m->nregimes : -1;
    if (n->type != YAML_SEQUENCE_NODE) {
        mcr_yr_list(&rd->r, n, "row", 0, 0);
        return;
    }
    long rows = n->data.sequence.items.top - n->data.sequence.items.start;
    if (K > 0 && rows != K) {
        mcr_yr_error(&rd->r, n, "expected %d rows (one per regime), got %ld", K, rows);
        return;
    }
    if (rows > MCR_SCENARIO_MAX_REGIMES || rows == 0) {
        mcr_yr_list(&rd->r, n, "row", 1, MCR_SCENARIO_MAX_REGIMES);
        return;
    }
    double *t = NULL;
    if (K > 0 && !(t = m->transition = zalloc(rd, (size_t)K * (size_t)K, sizeof *t)))
        return;
    for (long i = 0; i < rows; i++) {
        const yaml_node_t *row = mcr_yr_node(&rd->r, n->data.sequence.items.start[i]);
        size_t old = mcr_yr_push_index(&rd->r, i);
        int count = mcr_yr_list(&rd->r, row, "probability", 1, MCR_SCENARIO_MAX_REGIMES);
        if (count > 0 && K > 0 && count != K) {
            mcr_yr_error(&rd->r, row, "expected %d numbers (one per regime), got %d", K, count);
            count = -1;
        }
        int ok = count > 0;
        double sum = 0;
        for (int j = 0; j < count; j++) {
            const yaml_node_t *item = mcr_yr_node(&rd->r, row->data.sequence.items.start[j]);
            size_t o2 = mcr_yr_push_index(&rd->r, j);
            double p = 0;
            if (mcr_yr_real(&rd->r, item, MCR_YR_PROB, &p)) {
                sum += p;
                if (t)
                    t[i * K + j] = p;
            } else {
                ok = 0;
            }
            mcr_yr_pop(&rd->r, o2);
        }
        if (ok && fabs(sum - 1.0) > TRANSITION_TOL)
            mcr_yr_error(&rd->r, row, "must sum to 1 (within 1e-9), got %.12g", sum);
        else if (ok && t)
            for (int j = 0; j < K; j++)
                t[i * K + j] /= sum;
        mcr_yr_pop(&rd->r, old);
    }
}

static void read_chips(rd_t *rd, const yaml_node_t *n)
{
    const yaml_node_t *v[K_N];
    mcr_model_t *m = rd->m;
    if (!mcr_yr_fields(&rd->r, n, "a mapping {regimes, transition, initial_regime, ...}", CHIPS_KEYS,
                       K_N, v, NULL))
        return;
    if (mcr_yr_require(&rd->r, n, "regimes", v[K_REGIMES])) {
        size_t old = mcr_yr_push_key(&rd->r, "regimes", 7);
        read_regimes(rd, v[K_REGIMES]);
        mcr_yr_pop(&rd->r, old);
    }
    if (mcr_yr_require(&rd->r, n, "transition", v[K_TRANSITION])) {
        size_t old = mcr_yr_push_key(&rd->r, "transition", 10);
        read_transition(rd, v[K_TRANSITION]);
        mcr_yr_pop(&rd->r, old);
    }
    m->initial_regime = resolve(rd, n, "initial_regime", v[K_INITIAL], 1, "regime", rd->sc->regime_name,
                                m->nregimes, rd->regimes_ok);
    real_field(rd, n, "spot_price_per_gpu_hour", v[K_SPOT], 1, MCR_YR_POSITIVE, &m->spot_price);
}

/* ---- strategies ----------------------------------------------------------------------------- */

/* Every key a strategy may have; BUILD_ONLY and LEASE_ONLY mark which type
 * takes it. */
enum {
    X_NAME, X_TYPE, X_GPUS, X_PRIORITY,
    X_REGION, X_KW, X_PUE, X_UTIL, X_CAPEX, X_GPU_COST, X_OPEX, X_FAC_LIFE, X_GPU_LIFE,
    X_PERMIT, X_CONSTRUCTION, X_PAUSE,
    X_PRICE, X_ONBOARDING, X_ESCALATION, X_PASSTHROUGH, X_PT_REGION,
    X_N
};
static const char *const STRATEGY_KEYS[X_N] = {
    "name", "type", "gpus", "supply_priority",
    "region", "kw_per_gpu", "pue", "utilisation", "capex_per_mw", "gpu_unit_cost", "opex_per_mw_year",
    "facility_life_years", "gpu_life_years", "permit_months", "construction_months", "pause",
    "price_per_gpu_hour", "onboarding_months", "escalation", "energy_passthrough", "passthrough_region",
};
#define FIRST_BUILD X_REGION
#define FIRST_LEASE X_PRICE

enum { P_PROBABILITY, P_MONTHS, P_N };
static const char *const PAUSE_KEYS[P_N] = {"probability", "months"};

/* pause: none (or null), or {probability, months: <dist>}. */
static void read_pause(rd_t *rd, const yaml_node_t *n, mcr_build_t *b)
{
    mcr_yr_kind_t k = mcr_yr_kind(n);
    if (k == MCR_YR_NULL || (k == MCR_YR_STR && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE
                             && n->data.scalar.length == 4 && !memcmp(n->data.scalar.value, "none", 4)))
        return;
    const yaml_node_t *v[P_N];
    if (!mcr_yr_fields(&rd->r, n, "none or {probability, months: <dist>}", PAUSE_KEYS, P_N, v, NULL))
        return;
    b->has_pause = 1;
    real_field(rd, n, "probability", v[P_PROBABILITY], 1, MCR_YR_PROB, &b->pause_probability);
    duration_field(rd, n, "months", v[P_MONTHS], &b->pause);
}

static void read_build(rd_t *rd, const yaml_node_t *n, const yaml_node_t **v, mcr_strategy_t *s)
{
    mcr_build_t *b = &s->build;
    mcr_model_t *m = rd->m;
    b->region = resolve(rd, n, "region", v[X_REGION], 1, "region", rd->sc->region_name, m->nregions,
                        rd->regions_ok);
    real_field(rd, n, "kw_per_gpu", v[X_KW], 1, MCR_YR_POSITIVE, &b->kw_per_gpu);
    real_field(rd, n, "pue", v[X_PUE], 1, MCR_YR_GE1, &b->pue);
    real_field(rd, n, "utilisation", v[X_UTIL], 1, MCR_YR_SHARE, &b->utilisation);
    real_field(rd, n, "capex_per_mw", v[X_CAPEX], 1, MCR_YR_NONNEG, &b->capex_per_mw);
    real_field(rd, n, "gpu_unit_cost", v[X_GPU_COST], 1, MCR_YR_NONNEG, &b->gpu_unit_cost);
    real_field(rd, n, "opex_per_mw_year", v[X_OPEX], 1, MCR_YR_NONNEG, &b->opex_per_mw_year);
    b->facility_life_years = 20;
    b->gpu_life_years = 5;
    real_field(rd, n, "facility_life_years", v[X_FAC_LIFE], 0, MCR_YR_POSITIVE, &b->facility_life_years);
    real_field(rd, n, "gpu_life_years", v[X_GPU_LIFE], 0, MCR_YR_POSITIVE, &b->gpu_life_years);
    duration_field(rd, n, "permit_months", v[X_PERMIT], &b->permit);
    duration_field(rd, n, "construction_months", v[X_CONSTRUCTION], &b->construction);
    if (v[X_PAUSE]) {
        size_t old = mcr_yr_push_key(&rd->r, "pause", 5);
        read_pause(rd, v[X_PAUSE], b);
        mcr_yr_pop(&rd->r, old);
    }
}

static void read_lease(rd_t *rd, const yaml_node_t *n, const yaml_node_t **v, mcr_strategy_t *s)
{
    mcr_lease_t *l = &s->lease;
    mcr_model_t *m = rd->m;
    real_field(rd, n, "price_per_gpu_hour", v[X_PRICE], 1, MCR_YR_POSITIVE, &l->price_per_gpu_hour);
    duration_field(rd, n, "onboarding_months", v[X_ONBOARDING], &l->onboarding);
    real_field(rd, n, "escalation", v[X_ESCALATION], 0, MCR_YR_NONNEG, &l->escalation);
    int pt_ok = real_field(rd, n, "energy_passthrough", v[X_PASSTHROUGH], 0, MCR_YR_PROB,
                           &l->energy_passthrough);
    l->passthrough_region = resolve(rd, n, "passthrough_region", v[X_PT_REGION], 0, "region",
                                    rd->sc->region_name, m->nregions, rd->regions_ok);
    if (pt_ok && l->energy_passthrough > 0 && !v[X_PT_REGION]) {
        size_t old = mcr_yr_push_key(&rd->r, "passthrough_region", 18);
        mcr_yr_error(&rd->r, n, "required when energy_passthrough > 0");
        mcr_yr_pop(&rd->r, old);
    }
}

static void read_strategies(rd_t *rd, const yaml_node_t *n)
{
    mcr_model_t *m = rd->m;
    int count = mcr_yr_list(&rd->r, n, "strategy", 1, MCR_SCENARIO_MAX_STRATEGIES);
    if (count < 0)
        return;
    m->strategy = zalloc(rd, (size_t)count, sizeof *m->strategy);
    rd->sc->strategy_name = zalloc(rd, (size_t)count, sizeof *rd->sc->strategy_name);
    if (!m->strategy || !rd->sc->strategy_name)
        return;
    m->nstrategies = count;
    for (int i = 0; i < count; i++) {
        const yaml_node_t *item = mcr_yr_node(&rd->r, n->data.sequence.items.start[i]);
        const yaml_node_t *v[X_N], *key[X_N];
        mcr_strategy_t *s = &m->strategy[i];
        size_t old = mcr_yr_push_index(&rd->r, i);
        s->build.region = -1;
        s->lease.passthrough_region = -1;
        if (!mcr_yr_fields(&rd->r, item, "a strategy {name, type, ...}", STRATEGY_KEYS, X_N, v, key)) {
            mcr_yr_pop(&rd->r, old);
            continue;
        }
        read_name(rd, item, v[X_NAME], "strategy", "strategies", rd->sc->strategy_name, i);

        int type = -1;          /* MCR_STRATEGY_BUILD or _LEASE once known */
        if (mcr_yr_require(&rd->r, item, "type", v[X_TYPE])) {
            size_t o2 = mcr_yr_push_key(&rd->r, "type", 4);
            const char *t;
            size_t len;
            if (mcr_yr_string(&rd->r, v[X_TYPE], &t, &len)) {
                if (len == 5 && !memcmp(t, "build", 5))
                    type = MCR_STRATEGY_BUILD;
                else if (len == 5 && !memcmp(t, "lease", 5))
                    type = MCR_STRATEGY_LEASE;
                else {
                    char got[MCR_YR_SHOW_MAX + 32];
                    mcr_yr_error(&rd->r, v[X_TYPE], "must be build or lease, got %s",
                                 mcr_yr_describe(v[X_TYPE], got, sizeof got));
                }
            }
            mcr_yr_pop(&rd->r, o2);
        }
        uint64_t gpus;
        if (uint_field(rd, item, "gpus", v[X_GPUS], 1, (uint64_t)MCR_SCENARIO_MAX_GPUS, &gpus))
            s->gpus = (double)gpus;
        real_field(rd, item, "supply_priority", v[X_PRIORITY], 1, MCR_YR_SHARE, &s->supply_priority);
        if (type < 0) {
            mcr_yr_pop(&rd->r, old);
            continue;
        }
        s->kind = (mcr_strategy_kind_t)type;
        /* the other type's fields */
        int lo = type == MCR_STRATEGY_BUILD ? FIRST_LEASE : FIRST_BUILD;
        int hi = type == MCR_STRATEGY_BUILD ? X_N : FIRST_LEASE;
        for (int k = lo; k < hi; k++)
            if (v[k]) {
                size_t o2 = mcr_yr_push_key(&rd->r, STRATEGY_KEYS[k], strlen(STRATEGY_KEYS[k]));
                mcr_yr_error(&rd->r, key[k], "not a field of a %s strategy",
                             type == MCR_STRATEGY_BUILD ? "build" : "lease");
                mcr_yr_pop(&rd->r, o2);
            }
        if (type == MCR_STRATEGY_BUILD)
            read_build(rd, item, v, s);
        else
            read_lease(rd, item, v, s);
        mcr_yr_pop(&rd->r, old);
    }
}

/* ---- the whole file ------------------------------------------------------------------------- */

enum { T_VERSION, T_SIMULATION, T_DEMAND, T_HOURS, T_ENERGY, T_CHIPS, T_STRATEGIES, T_N };
static const char *const TOP_KEYS[T_N] = {"version", "simulation", "demand_gpus", "hours_per_month",
                                          "energy", "chips", "strategies"};

/* version: 1. Returns 0 when the file declares another version: its other
 * fields are then not this schema's to judge. */
static int read_version(rd_t *rd, const yaml_node_t *n)
{
    size_t old = mcr_yr_push_key(&rd->r, "version", 7);
    int go_on = 1;
    if (mcr_yr_kind(n) == MCR_YR_INT) {
        const char *s = (const char *)n->data.scalar.value;
        size_t len = n->data.scalar.length, i = s[0] == '+';
        while (i + 1 < len && s[i] == '0')
            i++;
        if (len - i != 1 || s[i] != '1') {
            char got[MCR_YR_SHOW_MAX + 8];
            mcr_yr_error(&rd->r, n, "unsupported schema version %s: this mcrisk reads version 1",
                         mcr_yr_describe(n, got, sizeof got));
            go_on = 0;
        }
    } else {
        uint64_t x;
        mcr_yr_uint(&rd->r, n, 1, 1, &x);
    }
    mcr_yr_pop(&rd->r, old);
    return go_on;
}

static void read_scenario(rd_t *rd, const yaml_node_t *root)
{
    const yaml_node_t *v[T_N];
    mcr_model_t *m = rd->m;
    if (!mcr_yr_fields(&rd->r, root, "a mapping of scenario fields (version, simulation, ...)", TOP_KEYS,
                       T_N, v, NULL))
        return;
    if (mcr_yr_require(&rd->r, root, "version", v[T_VERSION]) && !read_version(rd, v[T_VERSION]))
        return;
    static void (*const section[])(rd_t *, const yaml_node_t *) = {
        [T_SIMULATION] = read_simulation, [T_ENERGY] = read_energy,
        [T_CHIPS] = read_chips, [T_STRATEGIES] = read_strategies,
    };
    if (mcr_yr_require(&rd->r, root, "simulation", v[T_SIMULATION])) {
        size_t old = mcr_yr_push_key(&rd->r, "simulation", 10);
        section[T_SIMULATION](rd, v[T_SIMULATION]);
        mcr_yr_pop(&rd->r, old);
    }
    uint64_t demand;
    if (uint_field(rd, root, "demand_gpus", v[T_DEMAND], 1, (uint64_t)MCR_SCENARIO_MAX_GPUS, &demand))
        m->demand_gpus = (double)demand;
    m->hours_per_month = 730;
    real_field(rd, root, "hours_per_month", v[T_HOURS], 0, MCR_YR_POSITIVE, &m->hours_per_month);
    for (int t = T_ENERGY; t <= T_STRATEGIES; t++)
        if (mcr_yr_require(&rd->r, root, TOP_KEYS[t], v[t])) {
            size_t old = mcr_yr_push_key(&rd->r, TOP_KEYS[t], strlen(TOP_KEYS[t]));
            section[t](rd, v[t]);
            mcr_yr_pop(&rd->r, old);
        }
}

/* Bytes to a complete scenario, or errors in d. */
static mcr_status_t parse_into(const char *name, const char *text, size_t len, mcr_scenario_t *sc,
                               mcr_diagbuf_t *d)
{
    const unsigned char *bytes = (const unsigned char *)text;
    if (len > MCR_SCENARIO_MAX_BYTES) {
        mcr_diagbuf_add(d, 0, 0, NULL, "the file is %zu bytes, over the limit of 16 MiB (%u bytes)", len,
                        MCR_SCENARIO_MAX_BYTES);
        return MCR_EINPUT;
    }
    if (len == 0) {
        mcr_diagbuf_add(d, 0, 0, NULL, "the file is empty");
        return MCR_EINPUT;
    }
    mcr_status_t st = mcr_yr_check(bytes, len, d);
    if (st != MCR_OK)
        return st;
    yaml_document_t doc;
    if ((st = mcr_yr_load(bytes, len, &doc, d)) != MCR_OK)
        return st;

    rd_t rd = {.sc = sc, .m = &sc->model};
    rd.r.doc = &doc;
    rd.r.diag = d;
    read_scenario(&rd, yaml_document_get_root_node(&doc));
    yaml_document_delete(&doc);
    if (d->oom)
        return MCR_ERUNTIME;
    if (d->total)
        return MCR_EINPUT;

    mcr_model_t *m = &sc->model;
    mcr_err_t err;
    if (mcr_model_prepare(m, &err) != MCR_OK) {
        d->oom = 1;
        return MCR_ERUNTIME;
    }
    sc->path = dup_name(&rd, name, strlen(name));
    sc->text = malloc(len + 1);
    if (!sc->path || !sc->text) {
        d->oom = 1;
        return MCR_ERUNTIME;
    }
    memcpy(sc->text, text, len);
    sc->text[len] = '\0';
    sc->text_len = len;
    mcr_sha256_hex(text, len, sc->sha256);
    return MCR_OK;
}

/* ---- public API ----------------------------------------------------------------------------- */

mcr_status_t mcr_scenario_parse(const char *name, const char *text, size_t len,
                                mcr_scenario_t *sc, mcr_diag_t *diag)
{
    mcr_diagbuf_t d = {.file = name};
    memset(sc, 0, sizeof *sc);
    diag->n = 0;
    diag->dropped = 0;
    mcr_status_t st = parse_into(name, text, len, sc, &d);
    if (d.oom)
        st = MCR_ERUNTIME;
    if (st != MCR_OK)
        mcr_scenario_free(sc);
    mcr_diagbuf_finish(&d, diag);
    return st;
}

/* One message without a location, for the file as a whole. */
static mcr_status_t file_error(mcr_diag_t *diag, const char *path, const char *what, int errnum)
{
    mcr_diagbuf_t d = {.file = path};
    if (errnum)
        mcr_diagbuf_add(&d, 0, 0, NULL, "%s: %s", what, strerror(errnum));
    else
        mcr_diagbuf_add(&d, 0, 0, NULL, "%s", what);
    mcr_status_t st = d.oom ? MCR_ERUNTIME : MCR_EINPUT;
    mcr_diagbuf_finish(&d, diag);
    return st;
}

mcr_status_t mcr_scenario_load(const char *path, mcr_scenario_t *sc, mcr_diag_t *diag)
{
    struct stat st;
    memset(sc, 0, sizeof *sc);
    diag->n = 0;
    diag->dropped = 0;
    if (stat(path, &st) != 0)
        return file_error(diag, path, "cannot open", errno);
    if (S_ISDIR(st.st_mode))
        return file_error(diag, path, "is a directory, not a scenario file", 0);
    if (S_ISREG(st.st_mode) && st.st_size > (off_t)MCR_SCENARIO_MAX_BYTES) {
        char what[128];
        snprintf(what, sizeof what, "the file is %lld bytes, over the limit of 16 MiB (%u bytes)",
                 (long long)st.st_size, MCR_SCENARIO_MAX_BYTES);
        return file_error(diag, path, what, 0);
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return file_error(diag, path, "cannot open", errno);

    /* read at most one byte past the limit, so a pipe cannot make us hold
     * more than that */
    size_t cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536, len = 0;
    char *buf = malloc(cap);
    int rerr = 0;
    while (buf) {
        if (len == cap) {
            size_t ncap = cap * 2 > (size_t)MCR_SCENARIO_MAX_BYTES + 1 ? (size_t)MCR_SCENARIO_MAX_BYTES + 1
                                                                      : cap * 2;
            if (ncap <= cap)
                break;
            char *nb = realloc(buf, ncap);
            if (!nb) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t k = fread(buf + len, 1, cap - len, f);
        len += k;
        if (k == 0) {
            if (ferror(f))
                rerr = errno ? errno : EIO;
            break;
        }
    }
    fclose(f);
    if (!buf) {
        mcr_diagbuf_t d = {.file = path, .oom = 1};
        mcr_diagbuf_finish(&d, diag);
        return MCR_ERUNTIME;
    }
    mcr_status_t rc;
    if (rerr)
        rc = file_error(diag, path, "cannot read", rerr);
    else if (len > MCR_SCENARIO_MAX_BYTES)
        rc = file_error(diag, path, "the file is over the limit of 16 MiB", 0);
    else
        rc = mcr_scenario_parse(path, buf, len, sc, diag);
    free(buf);
    return rc;
}

void mcr_scenario_free(mcr_scenario_t *sc)
{
    if (!sc)
        return;
    for (int i = 0; sc->region_name && i < sc->model.nregions; i++)
        free(sc->region_name[i]);
    for (int i = 0; sc->regime_name && i < sc->model.nregimes; i++)
        free(sc->regime_name[i]);
    for (int i = 0; sc->strategy_name && i < sc->model.nstrategies; i++)
        free(sc->strategy_name[i]);
    free(sc->region_name);
    free(sc->regime_name);
    free(sc->strategy_name);
    free(sc->percentiles);
    free(sc->text);
    free(sc->path);
    mcr_model_free(&sc->model);
    memset(sc, 0, sizeof *sc);
}
