/* pstats.h -- exact statistics of per-trial arrays spread over MPI ranks.
 *
 * Under MPI each rank holds the per-trial outputs and drivers of its own
 * trials only, and no rank may gather all of them (per-rank memory stays
 * O(trials / ranks)). These functions compute what results/stats.h computes
 * on a whole array -- numpy-'linear' percentiles, order-statistic CIs,
 * exact moments, CVaR, average ranks, Spearman's rho -- from the pieces,
 * bit-identical to the one-process result whatever the number of ranks:
 *
 *   - order statistics by distributed selection: the k-th smallest order
 *     key is found four bits at a time, each round summing over ranks how
 *     many local keys lie below 15 candidates (a histogram refinement);
 *   - moments and tails as exact sums (xsum.h), reduced over ranks, with the
 *     CVaR threshold's ties shared out between ranks exactly;
 *   - average ranks by a sample sort on (value, trial): exact splitters by
 *     selection, one all-to-all of keys, ranks of tie runs that cross rank
 *     boundaries from global counts, one all-to-all back;
 *   - Spearman's rho from exact integer (or exact-sum) partial sums.
 *
 * docs/hpc.md derives each algorithm and its communication cost. Without
 * MPI (one rank) the same code runs with trivial communication, so the
 * serial build and its tests exercise it too.
 *
 * Every function is collective: all ranks call it with the same array
 * counts, N and levels, in the same order. Work on separate arrays runs on
 * up to `threads` OpenMP threads; communication happens between parallel
 * regions, on the calling (master) thread. On failure (out of memory on
 * some rank) every rank returns MCR_ERUNTIME, the failing ones with a
 * message (par.h, mcr_par_all_ok).
 */
#ifndef MCR_PSTATS_H
#define MCR_PSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/status.h"
#include "results/stats.h"

/* Scratch memory kept from one call to the next, so that batch after batch
 * reuses warm pages (a fresh page costs a fault, and faults serialise
 * threads). Zero-initialise it; mcr_pstats_work_free() releases it. */
typedef struct {
    void  *p[4];        /* sorted copies, sort scratch, (key, index) pairs, exchange buffers */
    size_t cap[4];      /* bytes held in each */
} mcr_pstats_work_t;

void mcr_pstats_work_free(mcr_pstats_work_t *w);

/* What SPEC 2.7 reports for one scalar output of one strategy. */
typedef struct {
    double       *value;    /* [npct] numpy 'linear' percentiles (caller's storage) */
    double       *ci_low;   /* [npct] x[lo] of mcr_percentile_ci_index */
    double       *ci_high;  /* [npct] x[hi] */
    mcr_moments_t m;        /* mean, sd, min, max, sem, cvar95, cvar99 */
} mcr_pstats_summary_t;

/* Summaries of B arrays: x[b] holds this rank's n finite values of array b,
 * N >= 1 the count over all ranks. Each out[b] equals, to the bit, what
 * mcr_percentile_sorted, mcr_percentile_ci_index and mcr_moments_sorted give
 * for the whole array sorted, on every rank. */
mcr_status_t mcr_pstats_summaries(const double *const *x, size_t n, size_t B, int64_t N,
                                  const double *pct, int npct, int threads,
                                  mcr_pstats_work_t *work, mcr_pstats_summary_t *out,
                                  mcr_err_t *err);

/* Average ranks over all ranks' values (1-based, ties averaged, -0.0 tying
 * with +0.0: mcr_average_ranks of the whole array) of B arrays; rank[b]
 * receives the ranks of this rank's n values, in their order. */
mcr_status_t mcr_pstats_ranks(const double *const *x, size_t n, size_t B, int64_t N,
                              int threads, mcr_pstats_work_t *work, double *const *rank,
                              mcr_err_t *err);

/* rho[a * nb + b] = mcr_spearman_ranks of the whole vectors ra[a] and rb[b]
 * (this rank holds n of their N entries, the same trials in both). */
mcr_status_t mcr_pstats_spearman(const double *const *ra, size_t na, const double *const *rb,
                                 size_t nb, size_t n, int64_t N, int threads, double *rho,
                                 mcr_err_t *err);

#endif /* MCR_PSTATS_H */
