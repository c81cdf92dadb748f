/* bench_rng.c -- single-threaded cost of the generators and samplers.
 *
 *   build/tests/helpers/bench_rng [-n DRAWS]
 *
 * Prints one line per measurement, "name<TAB>ns per draw", for
 * scripts/bench-rng.py to set beside numpy's figures (`make bench`). Each
 * sampler runs DRAWS times (default 20,000,000) in a loop that sums its
 * results, so the compiler cannot drop the work; the best of three repeats is
 * reported, which discards the repeats that another process interrupted.
 * "raw ... (fill)" is the bulk path (mcr_*_fill into a 16,384-word buffer,
 * like numpy's random_raw(n) into an array); "raw ... (next)" is one call at
 * a time, the way kernels draw.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernels/dist.h"
#include "kernels/rng.h"

#define REPEATS 3
#define BUF 16384

static double now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return 1e9 * (double)t.tv_sec + (double)t.tv_nsec;
}

/* A fresh generator with a fixed, well-mixed state. */
static mcr_rng_t fresh(void)
{
    mcr_stream_base_t base;
    mcr_rng_t r;
    mcr_stream_base(&base, 20260101);
    mcr_stream_trial(&r, &base, 0);
    return r;
}

/* Sink for results, so no loop is optimised away. */
static volatile double sink_d;
static volatile uint64_t sink_u;

#define BENCH_LOOP(NAME, N, EXPR, SINK, TYPE)                                  \
    do {                                                                        \
        double best = 1e300;                                                    \
        for (int rep = 0; rep < REPEATS; rep++) {                               \
            mcr_rng_t g = fresh();                                              \
            TYPE acc = 0;                                                       \
            double t0 = now_ns();                                               \
            for (long i_ = 0; i_ < (N); i_++)                                   \
                acc += (EXPR);                                                  \
            double t = (now_ns() - t0) / (double)(N);                           \
            SINK = acc;                                                         \
            if (t < best)                                                       \
                best = t;                                                       \
        }                                                                       \
        printf("%s\t%.3f\n", NAME, best);                                       \
        fflush(stdout);                                                         \
    } while (0)

typedef void (*fill_fn)(mcr_pcg_t *, uint64_t *, size_t);

static void bench_fill(const char *name, fill_fn fill, long n, uint64_t *buf)
{
    double best = 1e300;
    long rounds = n / BUF > 0 ? n / BUF : 1;
    for (int rep = 0; rep < REPEATS; rep++) {
        mcr_rng_t g = fresh();
        uint64_t acc = 0;
        double t0 = now_ns();
        for (long k = 0; k < rounds; k++) {
            fill(&g, buf, BUF);
            acc += buf[k & (BUF - 1)];
        }
        double t = (now_ns() - t0) / ((double)rounds * BUF);
        sink_u = acc;
        if (t < best)
            best = t;
    }
    printf("%s\t%.3f\n", name, best);
    fflush(stdout);
}

int main(int argc, char **argv)
{
    long n = 20000000;
    if (argc == 3 && !strcmp(argv[1], "-n"))
        n = atol(argv[2]);
    else if (argc != 1) {
        fputs("usage: bench_rng [-n DRAWS]\n", stderr);
        return 2;
    }
    if (n < 1) {
        fputs("bench_rng: -n must be >= 1\n", stderr);
        return 2;
    }
    uint64_t *buf = malloc(BUF * sizeof *buf);
    if (!buf) {
        fputs("bench_rng: out of memory\n", stderr);
        return 1;
    }
    mcr_duration_t pert = {.kind = MCR_DUR_PERT, .min = 6, .mode = 12, .max = 36, .lambda = 4};
    mcr_duration_prepare(&pert);

    bench_fill("raw PCG64 (fill)", mcr_pcg64_fill, n, buf);
    BENCH_LOOP("raw PCG64 (next)", n, mcr_pcg64_next(&g), sink_u, uint64_t);
    bench_fill("raw PCG64DXSM (fill)", mcr_dxsm_fill, n, buf);
    BENCH_LOOP("raw PCG64DXSM (next)", n, mcr_dxsm_next(&g), sink_u, uint64_t);
    BENCH_LOOP("uniform", n, mcr_uniform(&g), sink_d, double);
    BENCH_LOOP("normal", n, mcr_normal(&g), sink_d, double);
    BENCH_LOOP("exponential", n, mcr_exponential(&g), sink_d, double);
    BENCH_LOOP("gamma(0.5)", n, mcr_gamma(&g, 0.5), sink_d, double);
    BENCH_LOOP("gamma(5)", n, mcr_gamma(&g, 5.0), sink_d, double);
    BENCH_LOOP("beta(2,5)", n, mcr_beta(&g, 2.0, 5.0), sink_d, double);
    BENCH_LOOP("pert(6,12,36)", n, mcr_duration_sample(&g, &pert), sink_d, double);
    free(buf);
    return 0;
}
