/* pstats_check.c -- engine/pstats.h, spread over ranks, against results/stats.h
 * on the whole arrays, bit for bit.
 *
 *   pstats_check SEED N              (alone, or under mpirun -np P)
 *
 * Every rank builds the same arrays of N values from SEED and keeps one
 * contiguous piece of each, cut at points drawn from SEED as well (pieces
 * may be empty, ranks may get everything or nothing), then runs the
 * distributed summaries, ranks and Spearman's rho on its pieces. Every rank
 * also runs the one-process functions of results/stats.h -- which
 * tests/test_stats.py checks against numpy and scipy -- on the whole arrays
 * and compares: percentiles, CI ends and moments to the bit, its own slice
 * of the average ranks, and every rho. The arrays are chosen to be hard:
 * ties everywhere (-0.0 beside +0.0, a handful of values, one value, a
 * spike of zeros) and a continuous one for contrast; Spearman is also fed
 * vectors that are not ranks, for the exact-sum path.
 *
 * Prints "pstats_check: ok ..." on rank 0 and exits 0, or names the first
 * difference and exits 1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/par.h"
#include "engine/pstats.h"
#include "results/stats.h"

#define KINDS 6

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
    return (double)(splitmix(s) >> 11) * 0x1p-53;
}

/* Array `kind` of n values. */
static void fill(int kind, double *x, size_t n, uint64_t *s)
{
    static const double few[] = {-0.0, 0.0, 1.5, -2.25, 1e300, -1e-300, 7.0};
    for (size_t i = 0; i < n; i++) {
        double u = uniform(s);
        switch (kind) {
        case 0:     /* continuous, both signs */
            x[i] = (u - 0.3) * 1e6 + uniform(s);
            break;
        case 1:     /* seven values, signed zeros among them */
            x[i] = few[splitmix(s) % 7];
            break;
        case 2:     /* one value */
            x[i] = 42.0;
            break;
        case 3:     /* whole months */
            x[i] = (double)(splitmix(s) % 6);
            break;
        case 4:     /* a spike of zeros, like pause_months */
            x[i] = u < 0.9 ? 0.0 : 1.0 + 10.0 * uniform(s);
            break;
        default:    /* descending, with pairs */
            x[i] = (double)((n - i) / 2);
            break;
        }
    }
}

static int same(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

static int bad(const char *what, int kind, size_t i, double got, double want)
{
    fprintf(stderr, "pstats_check: rank %d: %s of array %d [%zu]: got %a, want %a\n",
            mcr_par_rank(), what, kind, i, got, want);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: pstats_check SEED N\n");
        return 2;
    }
    mcr_err_t err = {{0}};
    if (mcr_par_init(&err) != MCR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    uint64_t seed = strtoull(argv[1], NULL, 10), s = seed;
    size_t N = strtoull(argv[2], NULL, 10);
    int P = mcr_par_size(), me = mcr_par_rank(), fails = 0;

    /* cut points: sorted draws in [0, N], so pieces are contiguous in rank order */
    size_t *cut = malloc(((size_t)P + 1) * sizeof *cut);
    cut[0] = 0;
    cut[P] = N;
    for (int r = 1; r < P; r++)
        cut[r] = (size_t)(splitmix(&s) % (N + 1));
    for (int r = 1; r < P; r++)
        for (int q = r; q > 1 && cut[q - 1] > cut[q]; q--) {
            size_t t = cut[q];
            cut[q] = cut[q - 1];
            cut[q - 1] = t;
        }
    size_t lo = cut[me], n = cut[me + 1] - lo;

    double *x[KINDS], *rank[KINDS], *whole_rank[KINDS];
    const double *piece[KINDS], *rpiece[KINDS];
    double *sorted = malloc(N * sizeof *sorted), *tmp = malloc(N * sizeof *tmp);
    void *scratch = malloc(mcr_rank_scratch_bytes(N));
    for (int k = 0; k < KINDS; k++) {
        x[k] = malloc(N * sizeof *x[k]);
        rank[k] = malloc((n ? n : 1) * sizeof *rank[k]);
        whole_rank[k] = malloc(N * sizeof *whole_rank[k]);
        fill(k, x[k], N, &s);
        piece[k] = x[k] + lo;
        mcr_average_ranks(x[k], N, whole_rank[k], scratch);
        rpiece[k] = rank[k];
    }

    /* summaries */
    static const double pct[] = {0, 0.5, 1, 5, 10, 25, 33.3, 50, 75, 90, 95, 99, 99.9, 100};
    int np = (int)(sizeof pct / sizeof pct[0]);
    mcr_pstats_summary_t out[KINDS];
    for (int k = 0; k < KINDS; k++) {
        out[k].value = malloc((size_t)np * sizeof(double));
        out[k].ci_low = malloc((size_t)np * sizeof(double));
        out[k].ci_high = malloc((size_t)np * sizeof(double));
    }
    mcr_pstats_work_t work = {{0}, {0}};
    if (mcr_pstats_summaries(piece, n, KINDS, (int64_t)N, pct, np, 2, &work, out, &err) != MCR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    for (int k = 0; !fails && k < KINDS; k++) {
        memcpy(sorted, x[k], N * sizeof *sorted);
        mcr_sort_doubles(sorted, N, tmp);
        for (int p = 0; !fails && p < np; p++) {
            size_t a, b;
            mcr_percentile_ci_index(N, pct[p], &a, &b);
            double want = mcr_percentile_sorted(sorted, N, pct[p]);
            if (!same(out[k].value[p], want))
                fails = bad("percentile", k, (size_t)p, out[k].value[p], want);
            else if (!same(out[k].ci_low[p], sorted[a]))
                fails = bad("ci_low", k, (size_t)p, out[k].ci_low[p], sorted[a]);
            else if (!same(out[k].ci_high[p], sorted[b]))
                fails = bad("ci_high", k, (size_t)p, out[k].ci_high[p], sorted[b]);
        }
        mcr_moments_t m;
        mcr_moments_sorted(sorted, N, &m);
        const mcr_moments_t *o = &out[k].m;
        double g[7] = {o->mean, o->sd, o->min, o->max, o->sem, o->cvar95, o->cvar99};
        double w[7] = {m.mean, m.sd, m.min, m.max, m.sem, m.cvar95, m.cvar99};
        for (size_t i = 0; !fails && i < 7; i++)
            if (!same(g[i], w[i]))
                fails = bad("moment (mean sd min max sem cvar95 cvar99)", k, i, g[i], w[i]);
    }

    /* average ranks: this rank's slice of the whole array's */
    if (!fails && mcr_pstats_ranks(piece, n, KINDS, (int64_t)N, 2, &work, rank, &err) != MCR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    for (int k = 0; !fails && k < KINDS; k++)
        for (size_t i = 0; !fails && i < n; i++)
            if (!same(rank[k][i], whole_rank[k][lo + i]))
                fails = bad("rank", k, lo + i, rank[k][i], whole_rank[k][lo + i]);

    /* Spearman: ranks against ranks (integer path), and the raw values,
     * which are no ranks (exact-sum path) */
    double rho[2 * KINDS * KINDS];
    if (!fails
        && (mcr_pstats_spearman(rpiece, KINDS, rpiece, KINDS, n, (int64_t)N, 2, rho, &err) != MCR_OK
            || mcr_pstats_spearman(piece, KINDS, rpiece, KINDS, n, (int64_t)N, 2,
                                   rho + KINDS * KINDS, &err) != MCR_OK)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    for (int a = 0; !fails && a < KINDS; a++)
        for (int b = 0; !fails && b < KINDS; b++) {
            double want = mcr_spearman_ranks(whole_rank[a], whole_rank[b], N);
            double raw = mcr_spearman_ranks(x[a], whole_rank[b], N);
            if (!same(rho[a * KINDS + b], want))
                fails = bad("rho of ranks", a * KINDS + b, 0, rho[a * KINDS + b], want);
            else if (!same(rho[KINDS * KINDS + a * KINDS + b], raw))
                fails = bad("rho of values", a * KINDS + b, 0, rho[KINDS * KINDS + a * KINDS + b],
                            raw);
        }

    int any = mcr_par_any(fails);
    if (!any && me == 0)
        printf("pstats_check: ok: %d arrays of %zu values on %d rank%s\n", KINDS, N, P,
               P == 1 ? "" : "s");
    for (int k = 0; k < KINDS; k++) {
        free(x[k]), free(rank[k]), free(whole_rank[k]);
        free(out[k].value), free(out[k].ci_low), free(out[k].ci_high);
    }
    mcr_pstats_work_free(&work);
    free(sorted), free(tmp), free(scratch), free(cut);
    mcr_par_finalize();
    return any ? 1 : 0;
}
