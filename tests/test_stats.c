/* test_stats.c -- exact statistics (results/stats.h), small cases by hand.
 *
 * Where a value is said to come from numpy or scipy it was computed with
 * numpy 1.24.2 / scipy 1.10.1 (numpy.percentile, scipy.stats.rankdata,
 * scipy.stats.spearmanr) and also follows by hand from the SPEC 2.7
 * formulas given beside it. tests/test_stats.py compares with numpy and
 * scipy on random arrays.
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

static void assert_same_double(double got, double want)
{
    if (memcmp(&got, &want, sizeof got) != 0) {
        print_error("got %a, want %a\n", got, want);
        fail();
    }
}

static void assert_close(double got, double want, double rel)
{
    if (!(fabs(got - want) <= rel * fabs(want))) {
        print_error("got %.17g, want %.17g (rel %.3g)\n", got, want, rel);
        fail();
    }
}

/* Total order on doubles with -0.0 < +0.0, for qsort. */
static int cmp_total(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    if (a < b)
        return -1;
    if (a > b)
        return 1;
    return (int)!signbit(a) - (int)!signbit(b);
}

/* ---- sorting -------------------------------------------------------------------- */

static void test_sort_small_and_signed_zero(void **state)
{
    (void)state;
    double x[] = {3.0, -0.0, 0.0, -1e300, DBL_MAX, 0x1p-1074, -0x1p-1074, -0.0, -DBL_MAX, 1.0};
    double want[] = {-DBL_MAX, -1e300, -0x1p-1074, -0.0, -0.0, 0.0, 0x1p-1074, 1.0, 3.0, DBL_MAX};
    double tmp[10];
    mcr_sort_doubles(x, 10, tmp);
    for (int i = 0; i < 10; i++)
        assert_same_double(x[i], want[i]);
    mcr_sort_doubles(x, 0, tmp);    /* nothing to do, nothing touched */
    mcr_sort_doubles(x, 1, tmp);
    assert_same_double(x[0], -DBL_MAX);
}

/* Radix path (n above the insertion-sort cutoff) against qsort, on data
 * that exercises skipped passes (all one exponent), every digit (random bit
 * patterns), ties and both signs. */
static void test_sort_against_qsort(void **state)
{
    (void)state;
    enum { N = 20000 };
    static double x[N], y[N], tmp[N];
    rng_state = 0xfeedfacecafebeefull;
    for (int kind = 0; kind < 4; kind++) {
        for (size_t n = 50; n <= N; n = n * 7 + 3) {
            for (size_t i = 0; i < n; i++) {
                uint64_t r = next_u64();
                double v;
                switch (kind) {
                case 0:             /* one binade: most top digits constant */
                    v = 1.0 + (double)(r >> 11) * 0x1p-53;
                    break;
                case 1: {           /* any finite bit pattern */
                    uint64_t u = r;
                    if (((u >> 52) & 0x7ff) == 0x7ff)
                        u ^= 1ull << 62;
                    memcpy(&v, &u, sizeof v);
                    break;
                }
                case 2:             /* few distinct values, signed zeros */
                    v = (double)((int)(r % 7) - 3) * 0.5;
                    if (v == 0 && (r & 8))
                        v = -0.0;
                    break;
                default:            /* constant */
                    v = -2.5;
                }
                x[i] = y[i] = v;
            }
            mcr_sort_doubles(x, n, tmp);
            qsort(y, n, sizeof *y, cmp_total);
            assert_memory_equal(x, y, n * sizeof *x);
        }
    }
}

/* ---- percentiles ------------------------------------------------------------------- */

static void test_percentile_hand_cases(void **state)
{
    (void)state;
    const double x[] = {1.0, 2.0, 3.0, 4.0};
    /* h = 3 p/100: p = 25 -> h = 0.75 >= 0.5: 2 - 1 * 0.25 = 1.75;
     * p = 50 -> h = 1.5: 3 - 1 * 0.5 = 2.5 (numpy: [1, 1.75, 2.5, 4]). */
    assert_same_double(mcr_percentile_sorted(x, 4, 0), 1.0);
    assert_same_double(mcr_percentile_sorted(x, 4, 25), 1.75);
    assert_same_double(mcr_percentile_sorted(x, 4, 50), 2.5);
    assert_same_double(mcr_percentile_sorted(x, 4, 100), 4.0);
    /* p = 10 -> h = 0.3 (0.30000000000000004 in double): 1 + 0.3... */
    assert_same_double(mcr_percentile_sorted(x, 4, 10), 1.0 + 1.0 * (3.0 * (10.0 / 100.0)));
    /* n = 1: every level is the value. */
    const double one[] = {7.25};
    assert_same_double(mcr_percentile_sorted(one, 1, 0), 7.25);
    assert_same_double(mcr_percentile_sorted(one, 1, 37.5), 7.25);
    assert_same_double(mcr_percentile_sorted(one, 1, 100), 7.25);
    /* n = 2: h = p/100. */
    const double two[] = {0.0, 10.0};
    assert_same_double(mcr_percentile_sorted(two, 2, 10), 1.0);
    assert_same_double(mcr_percentile_sorted(two, 2, 90), 9.0);
}

/* numpy's lerp switches formula at g = 0.5: a + d g below, b - d (1 - g)
 * from 0.5 on. These cases (found by search) are where the two formulas
 * differ in the last bit, so each pins one side of the switch; the wanted
 * values are numpy.percentile's. */
static void test_percentile_lerp_switch(void **state)
{
    (void)state;
    const double x[] = {0.1, 0.7}, y[] = {0.1, 1.1};
    /* g = 0.5: b - d/2 = 0x1.9999999999999p-2, a + d/2 = 0x1.999999999999ap-2 */
    assert_same_double(mcr_percentile_sorted(x, 2, 50), 0x1.9999999999999p-2);
    /* g = 0.125: a + d g = 0x1.6666666666666p-3, b - d (1-g) = ...664p-3 */
    assert_same_double(mcr_percentile_sorted(x, 2, 12.5), 0x1.6666666666666p-3);
    /* g = 0.25 and 0.375 with y: a + d g wins */
    assert_same_double(mcr_percentile_sorted(y, 2, 25), 0x1.6666666666666p-2);
    assert_same_double(mcr_percentile_sorted(y, 2, 37.5), 0x1.e666666666666p-2);
}

static void test_percentile_signed_zero(void **state)
{
    (void)state;
    /* numpy.percentile([-1.0, -0.0], 100) is +0.0: at h >= n-1 numpy still
     * evaluates b - (b - b) * (1 - (h + 1)) = -0.0 - (-0.0) = +0.0. With
     * n = 1, h + 1 = 1 and -0.0 survives: numpy.percentile([-0.0], 50) is
     * -0.0. numpy.percentile([-0.0, 0.0], 0) is +0.0 (-0.0 + 0.0 * 0). */
    const double a[] = {-1.0, -0.0}, b[] = {-0.0}, c[] = {-0.0, 0.0};
    assert_same_double(mcr_percentile_sorted(a, 2, 100), 0.0);
    assert_same_double(mcr_percentile_sorted(b, 1, 50), -0.0);
    assert_same_double(mcr_percentile_sorted(c, 2, 0), 0.0);
}

static void test_ci_index(void **state)
{
    (void)state;
    size_t lo, hi;
    mcr_percentile_ci_index(1, 50, &lo, &hi);           /* clamped to [0, 0] */
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 0);
    /* n = 10, q = 0.5: nq = 5, 1.96 sqrt(2.5) = 3.099: floor(1.90) = 1, ceil(8.10) = 9 */
    mcr_percentile_ci_index(10, 50, &lo, &hi);
    assert_int_equal(lo, 1);
    assert_int_equal(hi, 9);
    /* q = 0.01: nq = 0.1, 1.96 sqrt(0.099) = 0.617: floor(-0.52) -> 0, ceil(0.72) = 1 */
    mcr_percentile_ci_index(10, 1, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 1);
    /* q = 0.99: nq = 9.9: floor(9.28) = 9, ceil(10.52) = 11 -> 9 */
    mcr_percentile_ci_index(10, 99, &lo, &hi);
    assert_int_equal(lo, 9);
    assert_int_equal(hi, 9);
    /* q = 1 and q = 0: zero width, clamped */
    mcr_percentile_ci_index(10, 100, &lo, &hi);
    assert_int_equal(lo, 9);
    assert_int_equal(hi, 9);
    mcr_percentile_ci_index(10, 0, &lo, &hi);
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 0);
    /* n = 1000, q = 0.9: nq = 900, 1.96 sqrt(90) = 18.594: 881 and 919 */
    mcr_percentile_ci_index(1000, 90, &lo, &hi);
    assert_int_equal(lo, 881);
    assert_int_equal(hi, 919);
}

static void test_cvar_count(void **state)
{
    (void)state;
    /* k = ceil((100 - a) n / 100) */
    static const struct { size_t n, k95, k99; } c[] = {
        {1, 1, 1}, {19, 1, 1}, {20, 1, 1}, {21, 2, 1}, {99, 5, 1}, {100, 5, 1},
        {101, 6, 2}, {1000000, 50000, 10000}, {1000001, 50001, 10001},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        assert_int_equal(mcr_cvar_count(c[i].n, 95), c[i].k95);
        assert_int_equal(mcr_cvar_count(c[i].n, 99), c[i].k99);
    }
    assert_int_equal(mcr_cvar_count(7, 0), 7);
    assert_int_equal(mcr_cvar_count(7, 100), 0);
    /* No overflow near SIZE_MAX = 2^64 - 1: ceil(5 (2^64-1) / 100) and
     * ceil((2^64-1) / 100), by Python integer arithmetic. */
    if (SIZE_MAX == UINT64_MAX) {
        assert_true(mcr_cvar_count(SIZE_MAX, 95) == (size_t)922337203685477581ull);
        assert_true(mcr_cvar_count(SIZE_MAX, 99) == (size_t)184467440737095517ull);
    }
}

/* ---- moments ------------------------------------------------------------------------ */

static void test_moments_hand(void **state)
{
    (void)state;
    mcr_moments_t m;
    const double x[] = {1.0, 2.0, 3.0, 4.0};
    mcr_moments_sorted(x, 4, &m);
    assert_same_double(m.mean, 2.5);
    assert_same_double(m.sd, sqrt(5.0 / 3.0));           /* (2.25+0.25+0.25+2.25)/3 */
    assert_same_double(m.sem, sqrt(5.0 / 3.0) / 2.0);
    assert_same_double(m.min, 1.0);
    assert_same_double(m.max, 4.0);
    assert_same_double(m.cvar95, 4.0);                   /* k = 1 */
    assert_same_double(m.cvar99, 4.0);

    const double one[] = {-3.5};
    mcr_moments_sorted(one, 1, &m);
    assert_same_double(m.mean, -3.5);
    assert_same_double(m.sd, 0.0);
    assert_same_double(m.sem, 0.0);
    assert_same_double(m.cvar95, -3.5);
    assert_same_double(m.cvar99, -3.5);

    double c[7];
    for (int i = 0; i < 7; i++)
        c[i] = 0.1;
    mcr_moments_sorted(c, 7, &m);
    assert_same_double(m.mean, 0.1);                     /* exact sum 7 * 0.1, /7 */
    assert_same_double(m.sd, 0.0);
}

static void test_moments_exact_sums(void **state)
{
    (void)state;
    mcr_moments_t m;
    /* Sorted: -1e100, 1, 1, 1e100. Exact mean 0.5; naive double summation
     * in this order gives 0. */
    const double x[] = {-1e100, 1.0, 1.0, 1e100};
    mcr_moments_sorted(x, 4, &m);
    assert_same_double(m.mean, 0.5);

    /* 1 .. 40: cvar95 is the mean of the top k = 2, cvar99 of the top 1. */
    double y[40];
    for (int i = 0; i < 40; i++)
        y[i] = i + 1;
    mcr_moments_sorted(y, 40, &m);
    assert_same_double(m.mean, 20.5);
    assert_same_double(m.cvar95, 39.5);
    assert_same_double(m.cvar99, 40.0);
    /* var = n (n+1) / 12 for 1..n with ddof = 1: 40*41/12 */
    assert_close(m.sd, sqrt(40.0 * 41.0 / 12.0), 1e-15);

    /* 1 .. 21: k95 = 2: (20 + 21)/2 */
    mcr_moments_sorted(y, 21, &m);
    assert_same_double(m.cvar95, 20.5);
    assert_same_double(m.cvar99, 21.0);
}

/* ---- ranks and Spearman ---------------------------------------------------------------- */

static void ranks_of(const double *x, size_t n, double *r)
{
    void *scratch = malloc(mcr_rank_scratch_bytes(n));
    assert_non_null(scratch);
    mcr_average_ranks(x, n, r, scratch);
    free(scratch);
}

static void test_ranks_ties(void **state)
{
    (void)state;
    double r[6];
    /* scipy.stats.rankdata([3, 1, 4, 1, 5]) = [3, 1.5, 4, 1.5, 5] */
    const double x[] = {3, 1, 4, 1, 5};
    const double want[] = {3, 1.5, 4, 1.5, 5};
    ranks_of(x, 5, r);
    for (int i = 0; i < 5; i++)
        assert_same_double(r[i], want[i]);
    /* -0.0 == 0.0: a tie, as in scipy.stats.rankdata([-0.0, 0.0]) = [1.5, 1.5] */
    const double z[] = {0.0, -1.0, -0.0, 2.0, 0.0, -0.0};
    const double wz[] = {3.5, 1, 3.5, 6, 3.5, 3.5};
    ranks_of(z, 6, r);
    for (int i = 0; i < 6; i++)
        assert_same_double(r[i], wz[i]);
    const double one[] = {42.0};
    ranks_of(one, 1, r);
    assert_same_double(r[0], 1.0);
    const double two[] = {5.0, 5.0};
    ranks_of(two, 2, r);
    assert_same_double(r[0], 1.5);
    assert_same_double(r[1], 1.5);
}

static void test_ranks_large(void **state)
{
    (void)state;
    /* n above the radix cutoff: a permutation of 0 .. n-1 gets ranks value+1,
     * and with every value doubled (pairs of ties) value + 1.5. */
    enum { N = 5000 };
    static double x[N], r[N];
    rng_state = 0xabcdef0123456789ull;
    for (int i = 0; i < N; i++)
        x[i] = i;
    for (int i = N - 1; i > 0; i--) {
        int j = (int)(next_u64() % (uint64_t)(i + 1));
        double t = x[i];
        x[i] = x[j];
        x[j] = t;
    }
    ranks_of(x, N, r);
    for (int i = 0; i < N; i++)
        assert_same_double(r[i], x[i] + 1.0);
    for (int i = 0; i < N; i++)
        x[i] = floor(x[i] / 2.0) - 1000.0;                /* values -1000 .. 1499, twice */
    ranks_of(x, N, r);
    for (int i = 0; i < N; i++)
        assert_same_double(r[i], 2.0 * (x[i] + 1000.0) + 1.5);
}

static double spearman(const double *a, const double *b, size_t n)
{
    double *ra = malloc(n * sizeof *ra), *rb = malloc(n * sizeof *rb);
    assert_non_null(ra);
    assert_non_null(rb);
    ranks_of(a, n, ra);
    ranks_of(b, n, rb);
    double rho = mcr_spearman_ranks(ra, rb, n);
    free(ra);
    free(rb);
    return rho;
}

static void test_spearman(void **state)
{
    (void)state;
    const double a[] = {1, 2, 3, 4, 5}, b[] = {5, 6, 7, 8, 7};
    /* scipy.stats.spearmanr(a, b) = 0.8207826816681233; by hand: ranks of b
     * are 1, 2, 3.5, 5, 3.5, Sab = 8, Saa = 10, Sbb = 9.5: 8/sqrt(95) */
    assert_close(spearman(a, b, 5), 0.8207826816681233, 1e-15);
    assert_same_double(spearman(a, b, 5), 8.0 / sqrt(95.0));
    const double up[] = {0.5, 9, 10, 1e6}, down[] = {3, 2, 1, -7};
    assert_same_double(spearman(up, up, 4), 1.0);
    assert_same_double(spearman(up, down, 4), -1.0);
    const double flat[] = {2, 2, 2, 2};
    assert_same_double(spearman(up, flat, 4), 0.0);       /* constant: 0, not NaN */
    assert_same_double(spearman(flat, flat, 4), 0.0);
    assert_same_double(spearman(up, up, 1), 0.0);         /* n = 1 */
    assert_same_double(spearman(up, down, 2), -1.0);      /* n = 2 */
    /* Inputs that are not ranks use the general (rounded-product) path. */
    const double ra[] = {0.1, 0.2, 0.3}, rb[] = {0.3, 0.2, 0.1};
    assert_close(mcr_spearman_ranks(ra, rb, 3), -1.0, 1e-15);
    assert_same_double(mcr_spearman_ranks(ra, flat, 3), 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sort_small_and_signed_zero),
        cmocka_unit_test(test_sort_against_qsort),
        cmocka_unit_test(test_percentile_hand_cases),
        cmocka_unit_test(test_percentile_lerp_switch),
        cmocka_unit_test(test_percentile_signed_zero),
        cmocka_unit_test(test_ci_index),
        cmocka_unit_test(test_cvar_count),
        cmocka_unit_test(test_moments_hand),
        cmocka_unit_test(test_moments_exact_sums),
        cmocka_unit_test(test_ranks_ties),
        cmocka_unit_test(test_ranks_large),
        cmocka_unit_test(test_spearman),
    };
    return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
