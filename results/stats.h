/* stats.h -- exact statistics of the per-trial scalar outputs (SPEC 2.7).
 *
 * These are single-threaded building blocks; engine/ decides what runs in
 * parallel. Percentiles reproduce numpy.percentile(x, q) (method 'linear')
 * to the last bit, including numpy's switch of interpolation formula at a
 * fraction of 0.5. Sums go through results/xsum.h, so every figure is the
 * same whatever order the values arrive in.
 */
#ifndef MCR_STATS_H
#define MCR_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Sort x[0..n) ascending (finite values; -0.0 sorts before +0.0).
 * LSD radix sort on the order-preserving integer image of each double;
 * tmp holds n doubles. Uses 16 KiB of stack. */
void mcr_sort_doubles(double *x, size_t n, double *tmp);

/* numpy.percentile(x, pct) for sorted x, n >= 1, pct in [0, 100]:
 * h = (n-1)*(pct/100), i = floor(h), g = h - i; x[n-1] when h >= n-1, else
 * d = x[i+1]-x[i] and x[i] + d*g when g < 0.5, x[i+1] - d*(1-g) otherwise. */
double mcr_percentile_sorted(const double *x, size_t n, double pct);

/* Distribution-free 95% confidence interval of the pct-th percentile:
 * indices clamp(floor(nq - 1.96 sqrt(nq(1-q)))) and
 * clamp(ceil(nq + 1.96 sqrt(nq(1-q)))), q = pct/100, clamped to [0, n-1]. */
void mcr_percentile_ci_index(size_t n, double pct, size_t *lo, size_t *hi);

/* k = ceil((100 - a) * n / 100) in integer arithmetic (no overflow for any
 * n), for CVaR at a%; 0 when a >= 100. */
size_t mcr_cvar_count(size_t n, unsigned a);

/* Everything SPEC 2.7 reports for one scalar output of one strategy. */
typedef struct {
    double mean, sd, min, max, sem, cvar95, cvar99;
} mcr_moments_t;

/* Moments of sorted x[0..n), n >= 1: exact-sum mean, two-pass sd (ddof 1),
 * sem = sd/sqrt(n), sd = sem = 0 when n == 1, CVaR = mean of the largest k. */
void mcr_moments_sorted(const double *x, size_t n, mcr_moments_t *m);

/* Average ranks (1-based; ties get the mean of their positions, as
 * scipy.stats.rankdata(method='average'), -0.0 tying with +0.0) of x[0..n),
 * written to rank. scratch holds mcr_rank_scratch_bytes(n) bytes (32 per
 * value), aligned as malloc aligns. */
size_t mcr_rank_scratch_bytes(size_t n);
void   mcr_average_ranks(const double *x, size_t n, double *rank, void *scratch);

/* Pearson correlation of two rank vectors = Spearman's rho of the data they
 * rank; 0 (never NaN) when either side is constant or n < 2. For ranks from
 * mcr_average_ranks and n <= 2^31 the sums are exact integers, each rounded
 * once; other inputs get rounded products summed exactly. */
double mcr_spearman_ranks(const double *ra, const double *rb, size_t n);

#endif /* MCR_STATS_H */
