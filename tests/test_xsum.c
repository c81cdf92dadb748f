/* test_xsum.c -- exact sums (results/xsum.h).
 *
 * Known answers: the cases marked "CPython" are from CPython's
 * Lib/test/test_math.py (testFsum), whose math.fsum is correctly rounded;
 * each value was rechecked with math.fsum on Python 3.11. The others are
 * worked out by hand in their comments. tests/test_xsum.py compares with
 * math.fsum on random arrays.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "results/xsum.h"

/* ---- helpers ------------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t next_u64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;  /* xorshift64* (Vigna 2016) */
}

/* A finite double with a random sign, significand and exponent in
 * [emin, emax] (unbiased, so wide ranges reach subnormals and DBL_MAX). */
static double random_double(int emin, int emax)
{
    uint64_t r = next_u64();
    double m = 1.0 + (double)(r >> 12) * 0x1p-52;
    int e = emin + (int)(next_u64() % (uint64_t)(emax - emin + 1));
    double x = ldexp(m, e);
    return (r & 1) ? -x : x;
}

static void assert_same_double(double got, double want)
{
    if (memcmp(&got, &want, sizeof got) != 0) {
        print_error("got %a, want %a\n", got, want);
        fail();
    }
}

static double sum_of(const double *x, size_t n)
{
    mcr_xsum_t a;
    mcr_xsum_init(&a);
    for (size_t i = 0; i < n; i++)
        mcr_xsum_add(&a, x[i]);
    return mcr_xsum_value(&a);
}

#define SUM(...) sum_of((const double[]){__VA_ARGS__}, \
                        sizeof((const double[]){__VA_ARGS__}) / sizeof(double))

/* ---- known answers -------------------------------------------------------------- */

static void test_cancellation(void **state)
{
    (void)state;
    assert_same_double(SUM(1e100, 1.0, -1e100), 1.0);
    /* CPython testFsum */
    assert_same_double(SUM(1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50), 1e-100);
    assert_same_double(SUM(1e16, 1.0, 1e-16), 10000000000000002.0);
    assert_same_double(SUM(1e16 - 2.0, 1.0 - 0x1p-53, -(1e16 - 2.0), -(1.0 - 0x1p-53)), 0.0);
    assert_same_double(SUM(0.0), 0.0);
    assert_same_double(SUM(-0.0, -0.0), 0.0);   /* an exact zero is +0.0 */
}

static void test_many_tenths(void **state)
{
    (void)state;
    double x[10];
    for (int i = 0; i < 10; i++)
        x[i] = 0.1;
    assert_same_double(sum_of(x, 10), 1.0);       /* CPython (and the Python docs) */
    for (int i = 0; i < 10; i++)
        x[i] = -0.1;
    assert_same_double(sum_of(x, 10), -1.0);
}

static void test_rounding_ties_and_sticky(void **state)
{
    (void)state;
    /* CPython: 2^53 - 1/2 - 2^-54 lies below the midpoint 2^53 - 1/2. */
    assert_same_double(SUM(0x1p53, -0.5, -0x1p-54), 0x1p53 - 1.0);
    /* 2^53 + 1 is a tie between 2^53 and 2^53 + 2: even wins ... */
    assert_same_double(SUM(0x1p53, 1.0), 0x1p53);
    /* ... but any lower bit breaks it (CPython: the sticky bit). */
    assert_same_double(SUM(0x1p53, 1.0, 0x1p-100), 0x1p53 + 2.0);
    assert_same_double(SUM(0x1p53 + 10.0, 1.0, 0x1p-100), 0x1p53 + 12.0);
    assert_same_double(SUM(0x1p53 - 4.0, 0.5, 0x1p-54), 0x1p53 - 3.0);
    /* A tie far below: 1 + 2^-53 is a tie, 1 + 2^-53 + 2^-1074 is not. */
    assert_same_double(SUM(1.0, 0x1p-53), 1.0);
    assert_same_double(SUM(1.0, 0x1p-53, 0x1p-1074), 1.0 + 0x1p-52);
    assert_same_double(SUM(-1.0, -0x1p-53, -0x1p-1074), -1.0 - 0x1p-52);
}

static void test_harmonic_series(void **state)
{
    (void)state;
    double x[1000], y[1000];
    for (int n = 1; n <= 1000; n++) {
        x[n - 1] = 1.0 / n;
        y[n - 1] = (n % 2 ? -1.0 : 1.0) / n;
    }
    /* CPython testFsum */
    assert_same_double(sum_of(x, 1000), 0x1.df11f45f4e61ap+2);
    assert_same_double(sum_of(y, 1000), -0x1.62a2af1bd3624p-1);
}

static void test_alternating_signs(void **state)
{
    (void)state;
    /* 1000 times (1e20, 1, -1e20, 1): exactly 2000. Left-to-right double
     * arithmetic loses every 1 that meets a running sum of 1e20 and returns 1. */
    double x[4000], naive = 0.0;
    for (int i = 0; i < 4000; i++) {
        x[i] = i % 2 ? 1.0 : (i % 4 ? -1e20 : 1e20);
        naive += x[i];
    }
    assert_true(naive == 1.0);
    assert_same_double(sum_of(x, 4000), 2000.0);
    for (int i = 0; i < 4000; i++)
        x[i] = -x[i];
    assert_same_double(sum_of(x, 4000), -2000.0);
}

static void test_subnormals(void **state)
{
    (void)state;
    double tiny = 0x1p-1074, dmin = DBL_MIN;
    assert_same_double(SUM(tiny, tiny, tiny), 3 * tiny);
    assert_same_double(SUM(dmin, -dmin / 2), dmin / 2);
    assert_same_double(SUM(1.0, tiny, -1.0), tiny);
    assert_same_double(SUM(dmin, -tiny), dmin - tiny);        /* largest subnormal */
    assert_same_double(SUM(-0x1p-1060, 0x1p-1070, 1e300, -1e300), -0x1p-1060 + 0x1p-1070);
    /* The exact sum of 2^52 - 1 smallest subnormals would be the largest
     * subnormal; check a slice of that through many additions. */
    mcr_xsum_t a;
    mcr_xsum_init(&a);
    for (int i = 0; i < 100000; i++)
        mcr_xsum_add(&a, tiny);
    assert_same_double(mcr_xsum_value(&a), 100000 * tiny);
}

static void test_overflow(void **state)
{
    (void)state;
    double big = DBL_MAX;
    assert_same_double(SUM(big, big), INFINITY);
    assert_same_double(SUM(-big, -big), -INFINITY);
    assert_same_double(SUM(big, big, -big), big);
    assert_same_double(SUM(big, -big, big, big, -big, -big), 0.0);
    /* DBL_MAX = 2^1024 - 2^971. Adding half its ulp (2^970) gives a tie
     * between DBL_MAX (odd significand) and 2^1024: IEEE 754 rounds to even,
     * i.e. overflows. Anything less stays at DBL_MAX. */
    assert_same_double(SUM(big, 0x1p970), INFINITY);
    assert_same_double(SUM(big, 0x1p969, 0x1p968), big);
    assert_same_double(SUM(big, 0x1p970, -0x1p-1074), big);
}

/* ---- order independence --------------------------------------------------------- */

#define N_RANDOM 4000

static void fill_random(double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        x[i] = random_double(-1074, 1016);
}

static void test_shuffles(void **state)
{
    (void)state;
    static double x[N_RANDOM];
    rng_state = 0x1234567887654321ull;
    fill_random(x, N_RANDOM);
    double want = sum_of(x, N_RANDOM);
    for (int rep = 0; rep < 20; rep++) {
        for (size_t i = N_RANDOM - 1; i > 0; i--) {   /* Fisher-Yates */
            size_t j = next_u64() % (i + 1);
            double t = x[i];
            x[i] = x[j];
            x[j] = t;
        }
        assert_same_double(sum_of(x, N_RANDOM), want);
    }
}

static void test_split_merge(void **state)
{
    (void)state;
    static double x[N_RANDOM];
    rng_state = 0x0badc0ffee0ddf00ull;
    for (size_t i = 0; i < N_RANDOM; i++)
        x[i] = random_double(-40, 40);
    double want = sum_of(x, N_RANDOM);
    for (size_t pieces = 1; pieces <= 64; pieces *= 2) {
        mcr_xsum_t part[64], total;
        for (size_t p = 0; p < pieces; p++)
            mcr_xsum_init(&part[p]);
        for (size_t i = 0; i < N_RANDOM; i++)
            mcr_xsum_add(&part[next_u64() % pieces], x[i]);
        mcr_xsum_init(&total);
        for (size_t p = pieces; p-- > 0;)             /* backwards, for spite */
            mcr_xsum_merge(&total, &part[p]);
        assert_same_double(mcr_xsum_value(&total), want);
    }
}

static void test_normalize_then_limbwise_sum(void **state)
{
    (void)state;
    static double x[N_RANDOM];
    rng_state = 0x5eed5eed5eed5eedull;
    fill_random(x, N_RANDOM);
    mcr_xsum_t a, b, merged, limbwise;
    mcr_xsum_init(&a);
    mcr_xsum_init(&b);
    for (size_t i = 0; i < N_RANDOM; i++)
        mcr_xsum_add(i % 3 ? &a : &b, x[i]);
    merged = a;
    mcr_xsum_merge(&merged, &b);
    /* What an MPI_SUM over the limbs of normalised accumulators does. */
    mcr_xsum_normalize(&a);
    mcr_xsum_normalize(&b);
    for (int i = 0; i < MCR_XSUM_LIMBS - 1; i++) {
        assert_true(a.limb[i] >= 0 && a.limb[i] < ((int64_t)1 << 32));
        assert_true(b.limb[i] >= 0 && b.limb[i] < ((int64_t)1 << 32));
    }
    memset(&limbwise, 0, sizeof limbwise);
    for (int i = 0; i < MCR_XSUM_LIMBS; i++)
        limbwise.limb[i] = a.limb[i] + b.limb[i];
    limbwise.pending = 2;
    assert_same_double(mcr_xsum_value(&limbwise), mcr_xsum_value(&merged));
    assert_same_double(mcr_xsum_value(&merged), sum_of(x, N_RANDOM));
    /* And it keeps working as an accumulator. */
    mcr_xsum_add(&limbwise, 1e300);
    mcr_xsum_add(&merged, 1e300);
    assert_same_double(mcr_xsum_value(&limbwise), mcr_xsum_value(&merged));
}

/* Doubling an accumulator by merging it with a copy of itself 60 times
 * makes its limbs 2^60 times larger than one addition's digits: far past
 * int64 without the lazy normalisation (pending reaches 2^30 after 30
 * doublings). The value is exactly x * 2^60. */
static void test_carry_headroom(void **state)
{
    (void)state;
    double x = 0x1.fffffffffffffp+0;    /* 53 one bits: full digits */
    mcr_xsum_t a, copy;
    mcr_xsum_init(&a);
    mcr_xsum_add(&a, x);
    for (int k = 0; k < 60; k++) {
        copy = a;
        mcr_xsum_merge(&a, &copy);
        assert_true(a.pending < MCR_XSUM_CARRY_EVERY);
    }
    assert_same_double(mcr_xsum_value(&a), ldexp(x, 60));
    /* Negative, and adding on top after all that. */
    mcr_xsum_t b;
    mcr_xsum_init(&b);
    mcr_xsum_add(&b, -x);
    for (int k = 0; k < 60; k++) {
        copy = b;
        mcr_xsum_merge(&b, &copy);
    }
    mcr_xsum_merge(&b, &a);
    mcr_xsum_add(&b, 0x1p-1074);
    assert_same_double(mcr_xsum_value(&b), 0x1p-1074);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cancellation),
        cmocka_unit_test(test_many_tenths),
        cmocka_unit_test(test_rounding_ties_and_sticky),
        cmocka_unit_test(test_harmonic_series),
        cmocka_unit_test(test_alternating_signs),
        cmocka_unit_test(test_subnormals),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_shuffles),
        cmocka_unit_test(test_split_merge),
        cmocka_unit_test(test_normalize_then_limbwise_sum),
        cmocka_unit_test(test_carry_headroom),
    };
    return cmocka_run_group_tests_name("xsum", tests, NULL, NULL);
}
