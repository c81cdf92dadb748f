/* stats_bench.c -- timings of the statistics building blocks, for the
 * benchmark section of the README: ns per exact-sum addition, ns per sketch
 * addition (700 cells fed one value each per trial, as the engine does),
 * ms to sort, rank and correlate arrays of a million doubles.
 *
 *   stats_bench [N]      N values per array (default 1000000)
 *
 * Inputs come from a fixed xorshift generator, so runs are comparable. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "results/sketch.h"
#include "results/stats.h"
#include "results/xsum.h"

static uint64_t state = 0x9e3779b97f4a7c15ull;

static double uniform(void)
{
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return ((double)(state >> 11) + 0.5) * 0x1p-53;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
    size_t cells = 700, trials = n / 10 ? n / 10 : 1;
    double *x = malloc(n * sizeof *x), *y = malloc(n * sizeof *y);
    double *tmp = malloc(n * sizeof *tmp), *ra = malloc(n * sizeof *ra);
    double *rb = malloc(n * sizeof *rb), *row = malloc(cells * sizeof *row);
    void *scratch = malloc(mcr_rank_scratch_bytes(n));
    mcr_sketch_t *sk = mcr_sketch_new(cells);
    if (!x || !y || !tmp || !ra || !rb || !row || !scratch || !sk) {
        fprintf(stderr, "stats_bench: out of memory\n");
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        x[i] = exp(3.0 * (uniform() - 0.5)) * 1e6;      /* lognormal-like costs */
        y[i] = floor(uniform() * 1000.0);               /* many ties */
    }

    mcr_xsum_t acc;
    mcr_xsum_init(&acc);
    double t0 = now();
    for (int rep = 0; rep < 10; rep++)
        for (size_t i = 0; i < n; i++)
            mcr_xsum_add(&acc, x[i]);
    double t1 = now();
    printf("xsum_add        %6.2f ns/value  (sum %.17g)\n",
           (t1 - t0) * 1e9 / (10.0 * (double)n), mcr_xsum_value(&acc));

    /* First pass: allocates the pages (untimed). */
    for (size_t t = 0; t < trials; t++) {
        for (size_t c = 0; c < cells; c++)
            row[c] = c % 7 == 0 ? 0.0 : (50.0 + (double)c) * exp(uniform() - 0.5);
        for (size_t c = 0; c < cells; c++)
            if (mcr_sketch_add(sk, c, row[c]) != MCR_OK)
                return 1;
    }
    /* Timed: a second pass over fresh rows, pages in place. */
    double total = 0;
    for (size_t t = 0; t < trials; t++) {
        for (size_t c = 0; c < cells; c++)
            row[c] = c % 7 == 0 ? 0.0 : (50.0 + (double)c) * exp(uniform() - 0.5);
        t0 = now();
        for (size_t c = 0; c < cells; c++)
            mcr_sketch_add(sk, c, row[c]);
        total += now() - t0;
    }
    printf("sketch_add      %6.2f ns/value  (%zu cells, %zu KiB)\n",
           total * 1e9 / ((double)trials * (double)cells), cells,
           mcr_sketch_bytes(sk) / 1024);

    for (size_t i = 0; i < n; i++)
        tmp[i] = x[i];
    t0 = now();
    mcr_sort_doubles(tmp, n, ra);
    t1 = now();
    printf("sort_doubles    %6.2f ms for %zu values\n", (t1 - t0) * 1e3, n);

    t0 = now();
    mcr_average_ranks(x, n, ra, scratch);
    mcr_average_ranks(y, n, rb, scratch);
    t1 = now();
    printf("average_ranks   %6.2f ms per array\n", (t1 - t0) * 1e3 / 2);

    t0 = now();
    double rho = mcr_spearman_ranks(ra, rb, n);
    t1 = now();
    printf("spearman_ranks  %6.2f ms (rho %.3g)\n", (t1 - t0) * 1e3, rho);

    mcr_moments_t m;
    t0 = now();
    mcr_moments_sorted(tmp, n, &m);
    t1 = now();
    printf("moments_sorted  %6.2f ms\n", (t1 - t0) * 1e3);

    mcr_sketch_free(sk);
    free(x), free(y), free(tmp), free(ra), free(rb), free(row), free(scratch);
    return 0;
}
