/* results.c -- allocation of the results struct (see results.h).
 *
 * Every owned array is one calloc, so a partially allocated struct is freed
 * by the same code as a complete one.
 */
#include "results/results.h"

#include <stdlib.h>
#include <string.h>

static int alloc_doubles(double **p, size_t n)
{
    *p = calloc(n ? n : 1, sizeof **p);
    return *p != NULL;
}

static int alloc_names(char ***p, size_t n)
{
    *p = calloc(n ? n : 1, sizeof **p);
    return *p != NULL;
}

static int alloc_series(mcr_series_stats_t *s, size_t n, size_t P, size_t H)
{
    return alloc_doubles(&s->value, n * P * H) && alloc_doubles(&s->mean, n * H)
        && alloc_doubles(&s->sd, n * H);
}

static void free_series(mcr_series_stats_t *s)
{
    free(s->value);
    free(s->mean);
    free(s->sd);
}

static void free_names(char **names, size_t n)
{
    if (!names)
        return;
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
}

mcr_status_t mcr_results_alloc(mcr_results_t *r, int S, int P, int H, int R,
                               int K, int D, mcr_err_t *err)
{
    memset(r, 0, sizeof *r);
    r->S = S, r->P = P, r->H = H, r->R = R, r->K = K, r->D = D;
    size_t s = (size_t)S, p = (size_t)P, h = (size_t)H;
    int ok = alloc_doubles(&r->percentile, p) && alloc_names(&r->strategy, s)
        && alloc_names(&r->region, (size_t)R) && alloc_names(&r->regime, (size_t)K)
        && alloc_names(&r->driver, (size_t)D);
    for (int k = 0; ok && k < MCR_NOUT; k++) {
        mcr_output_stats_t *o = &r->out[k];
        ok = alloc_doubles(&o->value, s * p) && alloc_doubles(&o->ci_low, s * p)
            && alloc_doubles(&o->ci_high, s * p) && alloc_doubles(&o->mean, s)
            && alloc_doubles(&o->sd, s) && alloc_doubles(&o->min, s)
            && alloc_doubles(&o->max, s) && alloc_doubles(&o->sem, s)
            && alloc_doubles(&o->cvar95, s) && alloc_doubles(&o->cvar99, s);
    }
    for (int k = 0; ok && k < MCR_NPATH; k++)
        ok = alloc_series(&r->path[k], s, p, h);
    ok = ok && alloc_series(&r->energy_price, (size_t)R, p, h)
        && alloc_series(&r->chip_fill, 1, p, h)
        && alloc_doubles(&r->regime_share, (size_t)K * h)
        && alloc_doubles(&r->breakdown, s * MCR_NCOMP)
        && alloc_doubles(&r->p_best, s) && alloc_doubles(&r->p_cheaper, s * s)
        && alloc_doubles(&r->spearman, s * (size_t)D);
    if (!ok) {
        mcr_results_free(r);
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory allocating results");
    }
    return MCR_OK;
}

void mcr_results_free(mcr_results_t *r)
{
    if (!r)
        return;
    free(r->percentile);
    free_names(r->strategy, (size_t)r->S);
    free_names(r->region, (size_t)r->R);
    free_names(r->regime, (size_t)r->K);
    free_names(r->driver, (size_t)r->D);
    for (int k = 0; k < MCR_NOUT; k++) {
        mcr_output_stats_t *o = &r->out[k];
        free(o->value), free(o->ci_low), free(o->ci_high), free(o->mean);
        free(o->sd), free(o->min), free(o->max), free(o->sem);
        free(o->cvar95), free(o->cvar99);
    }
    for (int k = 0; k < MCR_NPATH; k++)
        free_series(&r->path[k]);
    free_series(&r->energy_price);
    free_series(&r->chip_fill);
    free(r->regime_share);
    free(r->breakdown);
    free(r->p_best);
    free(r->p_cheaper);
    free(r->spearman);
    memset(r, 0, sizeof *r);
}
