/* plan.c -- memory estimate of a run (see plan.h).
 *
 * Per trial the engine keeps every scalar output of every strategy
 * (MCR_NOUT * S doubles) and every sensitivity driver (D doubles) until the
 * statistics are computed, plus the ranks of each strategy's cost_npv
 * (S doubles) for Spearman's rho; while a thread sorts it holds two copies of
 * one array of (key, index) pairs (32 bytes per trial). Fixed costs are the
 * per-thread workspaces, sketches and exact accumulators, and the results.
 */
#include "engine/plan.h"

#include <stdio.h>
#include <string.h>

#include "kernels/trial.h"
#include "results/xsum.h"

/* A generous allowance for one sketch cell's histogram pages. */
#define SKETCH_CELL_BYTES (16u * 1024u)

void mcr_plan_memory(const mcr_model_t *m, int64_t trials, int threads,
                     int npercentiles, mcr_plan_mem_t *out)
{
    uint64_t S = (uint64_t)m->nstrategies, D = (uint64_t)mcr_model_driver_count(m);
    uint64_t H = (uint64_t)m->horizon, R = (uint64_t)m->nregions;
    uint64_t K = (uint64_t)m->nregimes, P = (uint64_t)npercentiles;
    uint64_t T = threads > 0 ? (uint64_t)threads : 1;
    uint64_t cells = (S * MCR_NPATH + R + 1) * H;

    out->per_trial = 8 * (MCR_NOUT * S + D + S) + 32 * T;
    out->fixed = (16u << 20)                                    /* program, libraries */
        + T * cells * (SKETCH_CELL_BYTES + 2 * sizeof(mcr_xsum_t) + 16)
        + T * 8 * (R * H + 2 * H + S * MCR_NPATH * H + 2 * R)   /* trial workspaces */
        + T * 8 * (S * MCR_NCOMP + K * H + S * S)
        + 8 * (cells * (P + 2) + (uint64_t)MCR_NOUT * S * (3 * P + 7) + S * D);
    /* saturate: 2^62 trials must read as "too much", not wrap to a small
     * number that passes the check */
    uint64_t n = (uint64_t)(trials > 0 ? trials : 0);
    if (n && out->per_trial > (UINT64_MAX - out->fixed) / n)
        out->total = UINT64_MAX;
    else
        out->total = out->fixed + out->per_trial * n;
}

uint64_t mcr_plan_mem_available(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return 0;
    char line[256];
    unsigned long long kb = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
            break;
    fclose(f);
    return (uint64_t)kb * 1024u;
}

const char *mcr_plan_bytes_str(uint64_t bytes, char *buf, int len)
{
    static const char *unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024 && u < 5)
        v /= 1024, u++;
    if (u == 0)
        snprintf(buf, (size_t)len, "%llu B", (unsigned long long)bytes);
    else
        snprintf(buf, (size_t)len, "%.1f %s", v, unit[u]);
    return buf;
}
