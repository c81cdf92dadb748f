/* test_sketch.c -- quantile sketches (results/sketch.h).
 *
 * The reference for every estimate is the exact numpy-'linear' percentile of
 * the same values, mcr_percentile_sorted (itself checked bit for bit against
 * numpy.percentile in tests/test_stats.py). The bound is the documented
 * MCR_SKETCH_REL_ERROR, a property of the bucket map (sketch.c), not a
 * statistical tolerance: it must hold for every sample, whatever its size.
 * tests/test_sketch.py repeats the comparison against numpy itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "results/sketch.h"
#include "results/stats.h"

/* ---- helpers ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t next_u64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;  /* xorshift64* (Vigna 2016) */
}

static double uniform(void)
{
    return ((double)(next_u64() >> 11) + 0.5) * 0x1p-53;
}

static double normal(void)
{
    return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform());
}

static void assert_same_double(double got, double want)
{
    if (memcmp(&got, &want, sizeof got) != 0) {
        print_error("got %a, want %a\n", got, want);
        fail();
    }
}

static double bits_to_double(uint64_t u)
{
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* Levels 0, 0.5, ..., 100 plus some odd ones. */
#define NLEVELS 207
static double levels[NLEVELS];

static void make_levels(void)
{
    for (int i = 0; i <= 200; i++)
        levels[i] = 0.5 * i;
    const double odd[] = {0.1, 33.3, 99.9, 1e-9, 100 - 1e-9, 66.666};
    for (int i = 0; i < 6; i++)
        levels[201 + i] = odd[i];
}

static mcr_sketch_t *sketch_of(const double *x, size_t n, size_t ncells, size_t cell)
{
    mcr_sketch_t *sk = mcr_sketch_new(ncells);
    assert_non_null(sk);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(mcr_sketch_add(sk, cell, x[i]), MCR_OK);
    return sk;
}

/* Every level of cell 0 of a sketch of x against the exact percentile:
 * relative error <= MCR_SKETCH_REL_ERROR when both neighbouring order
 * statistics have one sign, else absolute error <= MCR_SKETCH_REL_ERROR
 * times the larger of their magnitudes; plus 2^-1074 absolute, because an
 * interpolated result in the subnormal range is rounded to that grid (by
 * numpy as by the sketch) -- irrelevant for any normal number. */
static void check_against_exact(const double *x, size_t n)
{
    double *s = malloc(n * sizeof *s), *tmp = malloc(n * sizeof *tmp);
    double est[NLEVELS];
    assert_non_null(s);
    assert_non_null(tmp);
    memcpy(s, x, n * sizeof *s);
    mcr_sort_doubles(s, n, tmp);
    mcr_sketch_t *sk = sketch_of(x, n, 1, 0);
    mcr_sketch_quantiles(sk, 0, levels, NLEVELS, est);
    assert_int_equal(mcr_sketch_count(sk, 0), n);
    assert_same_double(mcr_sketch_min(sk, 0), s[0]);
    assert_same_double(mcr_sketch_max(sk, 0), s[n - 1]);
    for (int q = 0; q < NLEVELS; q++) {
        double exact = mcr_percentile_sorted(s, n, levels[q]);
        double h = (double)(n - 1) * (levels[q] / 100.0);
        size_t i = h >= (double)(n - 1) ? n - 1 : (size_t)h;
        size_t j = i + 1 < n ? i + 1 : i;
        double err = fabs(est[q] - exact), scale;
        if ((s[i] >= 0) == (s[j] >= 0) || s[i] == 0 || s[j] == 0)
            scale = fabs(exact);
        else
            scale = fmax(fabs(s[i]), fabs(s[j]));
        if (!(err <= MCR_SKETCH_REL_ERROR * scale + 0x1p-1074)) {
            print_error("n=%zu level %g: estimate %.17g, exact %.17g\n", n, levels[q],
                        est[q], exact);
            fail();
        }
        if (levels[q] == 0 || levels[q] == 100)
            assert_same_double(est[q], exact);
    }
    mcr_sketch_free(sk);
    free(s);
    free(tmp);
}

/* ---- exact cases ------------------------------------------------------------------ */

static void test_empty_cell(void **state)
{
    (void)state;
    mcr_sketch_t *sk = mcr_sketch_new(4);
    assert_non_null(sk);
    double out[3], pct[3] = {0, 50, 100};
    mcr_sketch_quantiles(sk, 2, pct, 3, out);
    for (int i = 0; i < 3; i++)
        assert_true(isnan(out[i]));
    assert_int_equal(mcr_sketch_count(sk, 2), 0);
    assert_true(isnan(mcr_sketch_min(sk, 2)));
    assert_true(isnan(mcr_sketch_max(sk, 2)));
    assert_int_equal(mcr_sketch_cells(sk), 4);
    mcr_sketch_free(sk);
}

static void test_constant_cells_exact(void **state)
{
    (void)state;
    /* Bit for bit as numpy, which turns a constant -0.0 into +0.0 wherever
     * it interpolates (-0.0 + 0.0 * g). */
    const double values[] = {3.7, -2.2, 0.0, -0.0, 0x1p-1074, 1e300, 123456.789};
    double out[NLEVELS], same[1000];
    for (size_t v = 0; v < sizeof values / sizeof values[0]; v++) {
        mcr_sketch_t *sk = mcr_sketch_new(2);
        assert_non_null(sk);
        for (int i = 0; i < 1000; i++) {
            assert_int_equal(mcr_sketch_add(sk, 1, values[v]), MCR_OK);
            same[i] = values[v];
        }
        mcr_sketch_quantiles(sk, 1, levels, NLEVELS, out);
        for (int q = 0; q < NLEVELS; q++) {
            assert_same_double(out[q], mcr_percentile_sorted(same, 1000, levels[q]));
            assert_true(out[q] == values[v]);
        }
        mcr_sketch_free(sk);
    }
}

/* n = 1 and 2 use only the exact min and max: estimates equal the exact
 * percentiles bit for bit; n = 3 at the levels that hit order statistics 0
 * and 2 (0, 100) likewise. */
static void test_tiny_samples(void **state)
{
    (void)state;
    const double pairs[][2] = {{1.5, 1.5}, {-3, 7}, {0.1, 0.7}, {-0.0, 0.0}, {1e-300, 1e300}};
    double out[NLEVELS], s[3], tmp[3];
    for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {
        for (size_t n = 1; n <= 2; n++) {
            memcpy(s, pairs[p], n * sizeof *s);
            mcr_sort_doubles(s, n, tmp);
            mcr_sketch_t *sk = sketch_of(pairs[p], n, 1, 0);
            mcr_sketch_quantiles(sk, 0, levels, NLEVELS, out);
            for (int q = 0; q < NLEVELS; q++)
                assert_same_double(out[q], mcr_percentile_sorted(s, n, levels[q]));
            mcr_sketch_free(sk);
        }
    }
    const double three[] = {2.0, -5.0, 1000.0};
    check_against_exact(three, 3);
}

static void test_many_zeros(void **state)
{
    (void)state;
    enum { N = 10000 };
    static double x[N];
    rng_state = 0x2020202020202020ull;
    for (int i = 0; i < N; i++)                           /* 60% exact zeros */
        x[i] = uniform() < 0.6 ? (i % 2 ? 0.0 : -0.0) : exp(2.0 * normal()) * 1e5;
    check_against_exact(x, N);
    double out[1], pct[1] = {50};
    mcr_sketch_t *sk = sketch_of(x, N, 1, 0);
    mcr_sketch_quantiles(sk, 0, pct, 1, out);
    assert_true(out[0] == 0.0);                           /* the zero bucket is exact */
    mcr_sketch_free(sk);
}

/* ---- error bound -------------------------------------------------------------------- */

static void test_distributions(void **state)
{
    (void)state;
    enum { N = 20000 };
    static double x[N];
    rng_state = 0x1111222233334444ull;
    for (int kind = 0; kind < 7; kind++) {
        for (int i = 0; i < N; i++) {
            double u = uniform();
            switch (kind) {
            case 0: x[i] = exp(normal()); break;                       /* lognormal */
            case 1: x[i] = 20.0 + 180.0 * u; break;                   /* uniform */
            case 2: x[i] = -exp(0.5 * normal()) * 1e9; break;         /* negative */
            case 3: x[i] = u < 0.5 ? 1.0 + u : 1e6 * (1.0 + u); break; /* two modes */
            case 4: x[i] = 1e4 * normal(); break;                     /* both signs */
            case 5: x[i] = pow(10.0, -300.0 + 600.0 * u); break;      /* 1e-300 .. 1e300 */
            default: x[i] = (u < 0.5 ? -1.0 : 1.0) * 0x1p-1074 * floor(uniform() * 1e6);
                     break;                                           /* subnormals */
            }
        }
        check_against_exact(x, N);
        check_against_exact(x, 3);
        check_against_exact(x, 101);
    }
}

/* Every bucket of every octave, at both of its extreme doubles, both signs:
 * the sample {0, v, 2v} (or {0, v, DBL_MAX} in the top octave) has
 * percentile 50 = v exactly, and the sketch answers v's representative. The
 * representative must be within 1/257 (plus 2^-50 for rounding) of v
 * for normal numbers, MCR_SKETCH_REL_ERROR for subnormals, and exact in the
 * lowest octaves, where a bucket holds a single double. */
static void test_every_bucket(void **state)
{
    (void)state;
    double pct[1] = {50}, out[1];
    for (uint32_t o = 0; o < MCR_SKETCH_OCTAVES; o++) {
        mcr_sketch_t *sk = mcr_sketch_new(4 * MCR_SKETCH_SUB);
        assert_non_null(sk);
        double v[4 * MCR_SKETCH_SUB];
        size_t nv = 0;
        for (unsigned m = 0; m < MCR_SKETCH_SUB; m++) {
            uint64_t lo, hi;
            if (o >= 52) {
                lo = ((uint64_t)(o - 51) << 52) | ((uint64_t)m << 45);
                hi = lo | ((1ull << 45) - 1);
            } else if (o >= 7) {
                lo = (uint64_t)(128 + m) << (o - 7);
                hi = lo + (1ull << (o - 7)) - 1;
            } else {
                if ((128 + m) & ((1u << (7 - o)) - 1))
                    continue;                             /* holds no double */
                lo = hi = (128 + m) >> (7 - o);
            }
            const double ends[2] = {bits_to_double(lo), bits_to_double(hi)};
            for (int e = 0; e < 2; e++)
                for (int sign = 0; sign < 2; sign++) {
                    double a = ends[e], top = o + 1 < MCR_SKETCH_OCTAVES ? 2 * a : DBL_MAX;
                    double sg = sign ? -1.0 : 1.0;
                    assert_int_equal(mcr_sketch_add(sk, nv, 0.0), MCR_OK);
                    assert_int_equal(mcr_sketch_add(sk, nv, sg * a), MCR_OK);
                    assert_int_equal(mcr_sketch_add(sk, nv, sg * top), MCR_OK);
                    v[nv++] = sg * a;
                }
        }
        double bound = o >= 52 ? 1.0 / 257.0 + 0x1p-50
                     : o > 7 ? MCR_SKETCH_REL_ERROR : 0.0;
        for (size_t c = 0; c < nv; c++) {
            mcr_sketch_quantiles(sk, c, pct, 1, out);
            double err = fabs(out[0] - v[c]) / fabs(v[c]);
            if (!(err <= bound)) {
                print_error("octave %u value %a: estimate %a, error %.6g > %.6g\n",
                            o, v[c], out[0], err, bound);
                fail();
            }
        }
        mcr_sketch_free(sk);
    }
}

/* ---- merging and serialisation ---------------------------------------------------------- */

enum { MERGE_N = 6000, MERGE_CELLS = 5 };

/* Cell c of value i: a mix of signs, zeros and magnitudes per cell. */
static double merge_value(size_t c)
{
    double u = uniform();
    switch (c) {
    case 0: return exp(normal());
    case 1: return u < 0.3 ? 0.0 : -exp(3.0 * normal());
    case 2: return 1e4 * normal();
    case 3: return 42.0;
    default: return u < 0.01 ? 1e300 : 1e-300 * u;
    }
}

static void quantiles_all(const mcr_sketch_t *sk, double *out)
{
    for (size_t c = 0; c < MERGE_CELLS; c++)
        mcr_sketch_quantiles(sk, c, levels, NLEVELS, out + c * NLEVELS);
}

static void test_merge_order_independent(void **state)
{
    (void)state;
    static double x[MERGE_N][MERGE_CELLS];
    static int owner[MERGE_N];
    rng_state = 0x7777777777777777ull;
    for (size_t i = 0; i < MERGE_N; i++) {
        for (size_t c = 0; c < MERGE_CELLS; c++)
            x[i][c] = merge_value(c);
        owner[i] = (int)(next_u64() % 3);
    }
    mcr_sketch_t *whole = mcr_sketch_new(MERGE_CELLS), *part[3];
    assert_non_null(whole);
    for (int p = 0; p < 3; p++)
        assert_non_null(part[p] = mcr_sketch_new(MERGE_CELLS));
    for (size_t i = 0; i < MERGE_N; i++)
        for (size_t c = 0; c < MERGE_CELLS; c++) {
            assert_int_equal(mcr_sketch_add(whole, c, x[i][c]), MCR_OK);
            assert_int_equal(mcr_sketch_add(part[owner[i]], c, x[i][c]), MCR_OK);
        }
    static double want[MERGE_CELLS * NLEVELS], got[MERGE_CELLS * NLEVELS];
    quantiles_all(whole, want);
    static const int order[6][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    for (int k = 0; k < 6; k++) {
        mcr_sketch_t *m = mcr_sketch_new(MERGE_CELLS);
        assert_non_null(m);
        for (int j = 0; j < 3; j++)
            assert_int_equal(mcr_sketch_merge(m, part[order[k][j]]), MCR_OK);
        quantiles_all(m, got);
        assert_memory_equal(got, want, sizeof got);
        for (size_t c = 0; c < MERGE_CELLS; c++) {
            assert_int_equal(mcr_sketch_count(m, c), MERGE_N);
            assert_same_double(mcr_sketch_min(m, c), mcr_sketch_min(whole, c));
            assert_same_double(mcr_sketch_max(m, c), mcr_sketch_max(whole, c));
        }
        mcr_sketch_free(m);
    }
    mcr_sketch_t *other = mcr_sketch_new(MERGE_CELLS + 1);
    assert_non_null(other);
    assert_int_equal(mcr_sketch_merge(other, whole), MCR_EINPUT);
    mcr_sketch_free(other);
    for (int p = 0; p < 3; p++)
        mcr_sketch_free(part[p]);
    mcr_sketch_free(whole);
}

/* A stage (16-bit counters, flushed into a sink) and add_many give exactly
 * the sketch that direct adds give: counts, min, max and every quantile,
 * with flushes before a counter could wrap and values of every kind
 * (zeros, negatives, subnormals, octaves met mid-batch). */
static void test_stage_equals_direct(void **state)
{
    (void)state;
    enum { N = 3 * 65535 / 2, BATCH = 61 };
    static double x[BATCH * MERGE_CELLS];
    mcr_sketch_t *direct = mcr_sketch_new(MERGE_CELLS), *sink = mcr_sketch_new(MERGE_CELLS);
    mcr_sketch_stage_t *st = mcr_sketch_stage_new(MERGE_CELLS);
    assert_non_null(direct);
    assert_non_null(sink);
    assert_non_null(st);
    rng_state = 0x5151515151515151ull;
    size_t staged = 0;
    for (size_t i = 0; i < N; i += BATCH) {
        size_t nb = N - i < BATCH ? N - i : BATCH;
        for (size_t j = 0; j < nb; j++)
            for (size_t c = 0; c < MERGE_CELLS; c++) {
                x[j * MERGE_CELLS + c] = merge_value(c);
                assert_int_equal(mcr_sketch_add(direct, c, x[j * MERGE_CELLS + c]), MCR_OK);
            }
        if (staged + nb > MCR_SKETCH_STAGE_MAX) {
            assert_int_equal(mcr_sketch_stage_flush(st, sink), MCR_OK);
            staged = 0;
        }
        staged += nb;
        for (size_t c = 0; c < MERGE_CELLS; c++) {
            if (c % 2)
                assert_int_equal(mcr_sketch_stage_add_many(st, c, x + c, nb, MERGE_CELLS), MCR_OK);
            else
                for (size_t j = 0; j < nb; j++)
                    assert_int_equal(mcr_sketch_stage_add(st, c, x[j * MERGE_CELLS + c]), MCR_OK);
        }
    }
    assert_int_equal(mcr_sketch_stage_flush(st, sink), MCR_OK);
    static double want[MERGE_CELLS * NLEVELS], got[MERGE_CELLS * NLEVELS];
    quantiles_all(direct, want);
    quantiles_all(sink, got);
    assert_memory_equal(got, want, sizeof got);
    for (size_t c = 0; c < MERGE_CELLS; c++) {
        assert_int_equal(mcr_sketch_count(sink, c), N);
        assert_same_double(mcr_sketch_min(sink, c), mcr_sketch_min(direct, c));
        assert_same_double(mcr_sketch_max(sink, c), mcr_sketch_max(direct, c));
    }
    /* a flushed stage is empty: flushing again changes nothing */
    assert_int_equal(mcr_sketch_stage_flush(st, sink), MCR_OK);
    quantiles_all(sink, got);
    assert_memory_equal(got, want, sizeof got);
    mcr_sketch_t *other = mcr_sketch_new(MERGE_CELLS + 1);
    assert_int_equal(mcr_sketch_stage_flush(st, other), MCR_EINPUT);
    mcr_sketch_free(other);
    mcr_sketch_stage_free(st);
    mcr_sketch_free(sink);
    mcr_sketch_free(direct);
}

/* A sketch of the merge test's data, for the serialisation tests. */
static mcr_sketch_t *sample_sketch(uint64_t seed)
{
    mcr_sketch_t *sk = mcr_sketch_new(MERGE_CELLS);
    assert_non_null(sk);
    rng_state = seed;
    for (size_t i = 0; i < 2000; i++)
        for (size_t c = 0; c < MERGE_CELLS; c++)
            assert_int_equal(mcr_sketch_add(sk, c, merge_value(c)), MCR_OK);
    return sk;
}

static void test_pack_round_trip(void **state)
{
    (void)state;
    mcr_sketch_t *a = sample_sketch(0x1234ull), *b = mcr_sketch_new(MERGE_CELLS);
    mcr_sketch_t *c = sample_sketch(0x5678ull), *ab = sample_sketch(0x1234ull);
    assert_non_null(b);
    uint64_t *wa, *wb;
    size_t na, nb;
    assert_int_equal(mcr_sketch_pack(a, &wa, &na), MCR_OK);
    assert_int_equal(mcr_sketch_unpack_merge(b, wa, na), MCR_OK);
    assert_int_equal(mcr_sketch_pack(b, &wb, &nb), MCR_OK);
    assert_int_equal(na, nb);
    assert_memory_equal(wa, wb, na * sizeof *wa);          /* unpack(pack(a)) == a */
    static double qa[MERGE_CELLS * NLEVELS], qb[MERGE_CELLS * NLEVELS];
    quantiles_all(a, qa);
    quantiles_all(b, qb);
    assert_memory_equal(qa, qb, sizeof qa);
    /* Unpacking into a non-empty sketch is a merge. */
    uint64_t *wc;
    size_t nc;
    assert_int_equal(mcr_sketch_pack(c, &wc, &nc), MCR_OK);
    assert_int_equal(mcr_sketch_unpack_merge(b, wc, nc), MCR_OK);
    assert_int_equal(mcr_sketch_merge(ab, c), MCR_OK);
    quantiles_all(ab, qa);
    quantiles_all(b, qb);
    assert_memory_equal(qa, qb, sizeof qa);
    free(wa);
    free(wb);
    free(wc);
    mcr_sketch_free(a);
    mcr_sketch_free(b);
    mcr_sketch_free(c);
    mcr_sketch_free(ab);
}

/* Every corruption is rejected with MCR_EINPUT and leaves dst as it was. */
static void test_malformed_rejected(void **state)
{
    (void)state;
    mcr_sketch_t *a = sample_sketch(0x9abcull), *dst = sample_sketch(0xdefull);
    uint64_t *w, *before, *after;
    size_t n, nbefore, nafter;
    assert_int_equal(mcr_sketch_pack(a, &w, &n), MCR_OK);
    assert_int_equal(mcr_sketch_pack(dst, &before, &nbefore), MCR_OK);
    uint64_t *bad = malloc((n + 1) * sizeof *bad);
    assert_non_null(bad);
    /* Offsets: [0] magic, [1] ncells, cell 0 header at 2..6 (n, zeros, kmin,
     * kmax, npages), its first page tag at 7, counts from 8. */
    assert_true(w[6] >= 2);                                /* cell 0 has two pages */
    size_t second_tag = 7 + 1 + MCR_SKETCH_SUB;
    for (int k = 0; k < 12; k++) {
        memcpy(bad, w, n * sizeof *w);
        size_t len = n;
        switch (k) {
        case 0: bad[0] ^= 1; break;                          /* magic */
        case 1: bad[1] += 1; break;                          /* ncells */
        case 2: len = n - 1; break;                          /* truncated */
        case 3: bad[n] = 0; len = n + 1; break;              /* trailing word */
        case 4: bad[2] += 1; break;                          /* n != sum of counts */
        case 5: bad[8 + 3] += 1; break;                      /* count changed */
        case 6: bad[7] = bad[second_tag]; break;             /* pages out of order */
        case 7: bad[7] |= 2ull << 32; break;                 /* sign 2 */
        case 8: bad[7] = MCR_SKETCH_OCTAVES; break;          /* octave out of range */
        case 9: bad[4] = 0x7ff0000000000000ull ^ 0x8000000000000000ull; break; /* min = +inf */
        case 10: bad[4] = bad[5] + 1; break;                 /* min > max */
        default: bad[6] = UINT64_MAX; break;                 /* absurd page count */
        }
        if (mcr_sketch_unpack_merge(dst, bad, len) != MCR_EINPUT) {
            print_error("corruption %d accepted\n", k);
            fail();
        }
    }
    /* A count in a bucket that holds no double (octave 3, sub-bucket 1). */
    mcr_sketch_t *tiny = mcr_sketch_new(1);
    assert_non_null(tiny);
    assert_int_equal(mcr_sketch_add(tiny, 0, 0x1p-1071), MCR_OK);  /* octave 3, m = 0 */
    uint64_t *wt;
    size_t nt;
    assert_int_equal(mcr_sketch_pack(tiny, &wt, &nt), MCR_OK);
    assert_int_equal(wt[7], 3);
    wt[8 + 0] = 0;
    wt[8 + 1] = 1;
    mcr_sketch_t *one = mcr_sketch_new(1);
    assert_non_null(one);
    assert_int_equal(mcr_sketch_unpack_merge(one, wt, nt), MCR_EINPUT);
    assert_int_equal(mcr_sketch_unpack_merge(dst, NULL, 0), MCR_EINPUT);

    assert_int_equal(mcr_sketch_pack(dst, &after, &nafter), MCR_OK);
    assert_int_equal(nbefore, nafter);
    assert_memory_equal(before, after, nafter * sizeof *after);
    free(w);
    free(wt);
    free(bad);
    free(before);
    free(after);
    mcr_sketch_free(a);
    mcr_sketch_free(dst);
    mcr_sketch_free(tiny);
    mcr_sketch_free(one);
}

/* ---- memory ------------------------------------------------------------------------------- */

static void test_memory_bounded(void **state)
{
    (void)state;
    mcr_sketch_t *sk = mcr_sketch_new(3);
    assert_non_null(sk);
    rng_state = 0x4242424242424242ull;
    size_t at[3];
    for (int r = 0, i = 0; r < 3; r++) {
        for (; i < 1000 * (int)pow(10, r); i++)
            for (size_t c = 0; c < 3; c++)
                assert_int_equal(mcr_sketch_add(sk, c, (c == 2 ? -1.0 : 1.0) * (50.0 + 30.0 * uniform())),
                                 MCR_OK);
        at[r] = mcr_sketch_bytes(sk);
    }
    /* Values in [50, 80): octaves 2^5 and 2^6, so two pages per cell. */
    assert_int_equal(at[0], at[2]);
    assert_true(at[0] <= sizeof(mcr_sketch_t) + 3 * (sizeof(mcr_sketch_cell_t)
                                                     + 2 * 1024 + 8 * sizeof(void *)));
    mcr_sketch_free(sk);
}

int main(void)
{
    make_levels();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_cell),
        cmocka_unit_test(test_constant_cells_exact),
        cmocka_unit_test(test_tiny_samples),
        cmocka_unit_test(test_many_zeros),
        cmocka_unit_test(test_distributions),
        cmocka_unit_test(test_every_bucket),
        cmocka_unit_test(test_merge_order_independent),
        cmocka_unit_test(test_stage_equals_direct),
        cmocka_unit_test(test_pack_round_trip),
        cmocka_unit_test(test_malformed_rejected),
        cmocka_unit_test(test_memory_bounded),
    };
    return cmocka_run_group_tests_name("sketch", tests, NULL, NULL);
}
