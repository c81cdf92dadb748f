/* results.h -- everything one run reports, in the shapes of SPEC 5.
 *
 * The engine fills an mcr_results_t (statistics already reduced over all
 * trials, threads and ranks); results/h5write.c writes it as the HDF5 file of
 * SPEC 5 and results/h5read.c reads such a file back for `mcrisk summary`.
 * Every array is row-major with the axes named in its comment; the struct
 * owns its arrays and names (mcr_results_alloc / mcr_results_free), except
 * `samples` and the strings of `run`, which it borrows.
 */
#ifndef MCR_RESULTS_H
#define MCR_RESULTS_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/status.h"
#include "kernels/trial.h"

/* One scalar output (cost_npv, ...): exact statistics per strategy. */
typedef struct {
    double *value;      /* [S,P] percentiles */
    double *ci_low;     /* [S,P] 95% CI of each percentile, lower end */
    double *ci_high;    /* [S,P] upper end */
    double *mean, *sd, *min, *max, *sem, *cvar95, *cvar99;   /* [S] each */
} mcr_output_stats_t;

/* One family of monthly series (a path per strategy, or a factor per
 * region): sketch percentiles and exact means and sds. */
typedef struct {
    double *value;      /* [n,P,H] percentile estimates (relative error <= 0.5%) */
    double *mean;       /* [n,H] */
    double *sd;         /* [n,H] ddof = 1; 0 when trials == 1 */
} mcr_series_stats_t;

/* What a run was, so it can be rerun exactly (root attributes, SPEC 5). */
typedef struct {
    const char *mcrisk_version;
    const char *git_commit;     /* "unknown" outside a checkout */
    uint64_t    seed;
    int64_t     trials;
    int64_t     horizon_months;
    int64_t     threads;        /* OpenMP threads per rank */
    int64_t     ranks;          /* MPI ranks, 1 without MPI */
    const char *created_utc;    /* ISO 8601, ending Z */
    const char *command_line;
    const char *scenario_text;  /* the scenario file's bytes, as read */
    size_t      scenario_len;
    const char *scenario_sha256;/* 64 lower-case hex digits */
} mcr_run_record_t;

typedef struct {
    /* axes */
    int     S, P, H, R, K, D;   /* strategies, percentiles, months, regions, regimes, drivers */
    int64_t N;                  /* trials */
    double *percentile;     /* [P] levels in percent */
    char  **strategy;       /* [S] names (each malloc'd) */
    char  **region;         /* [R] */
    char  **regime;         /* [K] */
    char  **driver;         /* [D] "energy_price_mean.uk", "build_uk.permit_months", ... */

    mcr_output_stats_t out[MCR_NOUT];   /* /outputs/<name>/... */
    mcr_series_stats_t path[MCR_NPATH]; /* /paths/<name>/..., n = S */
    mcr_series_stats_t energy_price;    /* /factors/energy_price, n = R */
    mcr_series_stats_t chip_fill;       /* /factors/chip_fill, n = 1 ([P,H], [H]) */
    double *regime_share;   /* [K,H] share of trials in each regime per month */
    double *breakdown;      /* [S,C] mean discounted component of cost_npv */
    double *p_best;         /* [S] share of trials where s is cheapest */
    double *p_cheaper;      /* [S,S] share of trials where cost_npv[s] < cost_npv[v] */
    double *spearman;       /* [S,D] rank correlation of cost_npv with each driver */

    /* --save-samples: every trial's value of each output, [MCR_NOUT][S][N]
     * (samples[(k*S + s)*N + i]); NULL when not saved. Borrowed. */
    const double *samples;

    mcr_run_record_t run;
} mcr_results_t;

/* Allocate every owned array for the given axes (zeroed; name arrays hold
 * NULL pointers for the caller to fill with malloc'd strings). MCR_ERUNTIME
 * with a message when out of memory; *r is then safe to mcr_results_free(). */
mcr_status_t mcr_results_alloc(mcr_results_t *r, int S, int P, int H, int R,
                               int K, int D, mcr_err_t *err);
void         mcr_results_free(mcr_results_t *r);

#endif /* MCR_RESULTS_H */
