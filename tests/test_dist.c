/* test_dist.c -- unit tests of kernels/dist.c and kernels/duration.c.
 *
 * Distribution shapes are tested from Python against scipy.stats
 * (tests/test_dist.py, fed by tests/helpers/sample.c). Here: the uniform
 * against numpy's Generator.random() (tests/data/rng_vectors.h), the
 * ziggurat tables against their defining equations, the rare paths (wedges,
 * tails) forced by hand, ranges and degenerate parameters, and each
 * duration's mcr_duration_mean against its own sample mean. Statistical
 * bounds are 5 standard errors computed from the number of draws and the
 * distribution's variance, stated at each test.
 */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernels/dist.h"
#include "kernels/rng.h"
#include "kernels/ziggurat.h"
#include "tests/data/rng_vectors.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define TWO53 9007199254740992.0

static mcr_rng_t stream(uint64_t seed)
{
    mcr_stream_base_t base;
    mcr_rng_t r;
    mcr_stream_base(&base, seed);
    mcr_stream_trial(&r, &base, 0);
    return r;
}

/* ---- uniform ------------------------------------------------------------------ */

/* numpy's Generator.random() on the same stream, exact doubles. */
static void test_uniform_matches_numpy(void **state)
{
    (void)state;
    for (size_t v = 0; v < NELEM(VEC_STREAM); v++) {
        mcr_stream_base_t base;
        mcr_rng_t r;
        mcr_stream_base(&base, VEC_STREAM[v].seed);
        mcr_stream_trial(&r, &base, VEC_STREAM[v].trial);
        for (int k = 0; k < VEC_NOUT; k++)
            assert_true(mcr_uniform(&r) == VEC_STREAM[v].uniform[k]);
    }
}

/* ---- ziggurat tables ------------------------------------------------------------ */

/* Every layer has the same area v (relative 1e-12: the tables are rounded
 * once from 60-digit values), f[i] = f(x[i]), k[i] = floor(2^53 x[i+1]/x[i])
 * up to the rounding of the stored widths, the top layer has k = 0 and
 * f = 1. */
static void check_tables(const mcr_zig_layer_t *z, const double *f, double r,
                         double (*density)(double), double v)
{
    assert_true(fabs(z[1].w * TWO53 - r) <= 4 * DBL_EPSILON * r);
    assert_true(fabs(z[0].w * TWO53 * f[1] - v) <= 1e-12 * v);
    for (int i = 1; i < MCR_ZIG_LAYERS; i++) {
        const double x = z[i].w * TWO53;
        assert_true(fabs(x * (f[i + 1] - f[i]) - v) <= 1e-12 * v);
        assert_true(fabs(f[i] - density(x)) <= 1e-13 * f[i]);
        const double xnext = i + 1 < MCR_ZIG_LAYERS ? z[i + 1].w * TWO53 : 0.0;
        assert_true(fabs((double)z[i].k - floor(TWO53 * (xnext / x))) <= 4.0);
        assert_true(xnext < x);
    }
    assert_true(f[MCR_ZIG_LAYERS] == 1.0);
    assert_int_equal(z[MCR_ZIG_LAYERS - 1].k, 0);
}

static double normal_density(double x) { return exp(-0.5 * x * x); }
static double exp_density(double x) { return exp(-x); }

static void test_ziggurat_tables(void **state)
{
    (void)state;
    const double rn = mcr_zig_normal_r, re = mcr_zig_exp_r;
    /* v = r f(r) + the tail's area beyond r. */
    check_tables(mcr_zig_normal, mcr_zig_normal_f, rn, normal_density,
                 rn * exp(-0.5 * rn * rn) + sqrt(M_PI / 2) * erfc(rn / sqrt(2.0)));
    check_tables(mcr_zig_exp, mcr_zig_exp_f, re, exp_density, (re + 1.0) * exp(-re));
    /* Marsaglia & Tsang's published edges for 256 layers. */
    assert_true(fabs(rn - 3.6541528853610088) < 1e-15);
    assert_true(fabs(re - 7.69711747013104972) < 1e-14);
}

/* ---- the rare paths, forced ------------------------------------------------------ */

/* 53 random bits in [k, 2^53): a draw that misses layer k's fast path. */
static uint64_t miss(mcr_rng_t *r, uint64_t k)
{
    return k + mcr_rng_bounded(r, (1ULL << 53) - k);
}

/* Wedge points of layers 1..255, forced through the slow path: a point is
 * accepted when the result is its own x = u w (a fresh draw equal to it has
 * probability 2^-53). The share accepted must be the wedges' share under the
 * curve, exactly
 *     mean over layers of  (integral_{x[i+1]}^{x[i]} f - (x[i] - x[i+1]) f[i])
 *                          / ((x[i] - x[i+1]) (f[i+1] - f[i])),
 * within 5 standard errors sqrt(p (1 - p) / N). Catches a wedge test that
 * accepts too much or too little, which moves too little mass (< 0.7%) for a
 * KS test to see. `area(a, b)` is the integral of f over [a, b]. */
static void check_wedges(const mcr_zig_layer_t *z, const double *f,
                         double (*slow)(mcr_rng_t *, uint64_t), double (*area)(double, double),
                         int sign_bit, uint64_t seed)
{
    mcr_rng_t r = stream(seed);
    const int n = 200000;
    int accepted = 0;
    double expected = 0.0;
    for (int i = 1; i < MCR_ZIG_LAYERS; i++) {
        const double xi = z[i].w * TWO53;
        const double xn = i + 1 < MCR_ZIG_LAYERS ? z[i + 1].w * TWO53 : 0.0;
        expected += (area(xn, xi) - (xi - xn) * f[i]) / ((xi - xn) * (f[i + 1] - f[i]));
    }
    expected /= MCR_ZIG_LAYERS - 1;
    for (int k = 0; k < n; k++) {
        const unsigned i = 1 + (unsigned)mcr_rng_bounded(&r, MCR_ZIG_LAYERS - 1);
        const uint64_t u = miss(&r, z[i].k);
        const uint64_t sign = sign_bit ? (uint64_t)(k & 1) << 8 : 0;
        const double x = (double)(int64_t)u * z[i].w;
        const double got = slow(&r, u << 11 | sign | i);
        assert_true(isfinite(got));
        accepted += got == (sign ? -x : x);
    }
    const double share = (double)accepted / n;
    assert_true(fabs(share - expected) < 5 * sqrt(expected * (1 - expected) / n));
}

static double normal_area(double a, double b)
{
    return sqrt(M_PI / 2) * (erf(b / sqrt(2.0)) - erf(a / sqrt(2.0)));
}

static double exp_area(double a, double b)
{
    return exp(-a) - exp(-b);
}

static void test_normal_wedges(void **state)
{
    (void)state;
    check_wedges(mcr_zig_normal, mcr_zig_normal_f, mcr_normal_slow, normal_area, 1, 21);
}

static void test_exponential_wedges(void **state)
{
    (void)state;
    check_wedges(mcr_zig_exp, mcr_zig_exp_f, mcr_exponential_slow, exp_area, 0, 22);
}

/* Tail draws, forced (layer 0 past k[0]): |Z| > r with the draw's sign, and
 * the excess |Z| - r distributed as the normal's tail. With lambda =
 * phi(r) / Q(r) (Q the upper tail), Z | Z > r has mean lambda and variance
 * 1 + r lambda - lambda^2; the sample mean must be within 5 standard errors.
 * (Marsaglia's tail without its rejection step would give a mean excess of
 * 1/r = 0.274 instead of 0.225: 40 standard errors off.) */
static void test_normal_tail(void **state)
{
    (void)state;
    mcr_rng_t r = stream(23);
    const double edge = mcr_zig_normal_r;
    const int n = 20000;
    double sum = 0.0;
    for (int k = 0; k < n; k++) {
        const uint64_t neg = (uint64_t)(k & 1) << 8;
        const double z = mcr_normal_slow(&r, miss(&r, mcr_zig_normal[0].k) << 11 | neg);
        assert_true(fabs(z) > edge);
        assert_true((z < 0) == (neg != 0));
        sum += fabs(z);
    }
    const double phi = exp(-0.5 * edge * edge) / sqrt(2 * M_PI);
    const double lambda = phi / (0.5 * erfc(edge / sqrt(2.0)));
    const double var = 1.0 + edge * lambda - lambda * lambda;
    assert_true(fabs(sum / n - lambda) < 5 * sqrt(var / n));
}

/* Exponential tail draws, forced: E - r is again Exp(1) (mean 1, variance 1). */
static void test_exponential_tail(void **state)
{
    (void)state;
    mcr_rng_t r = stream(24);
    const int n = 20000;
    double sum = 0.0;
    for (int k = 0; k < n; k++) {
        const double e = mcr_exponential_slow(&r, miss(&r, mcr_zig_exp[0].k) << 11);
        assert_true(e > mcr_zig_exp_r);
        sum += e - mcr_zig_exp_r;
    }
    assert_true(fabs(sum / n - 1.0) < 5 * sqrt(1.0 / n));
}

/* ---- gamma and beta: ranges and degenerate shapes --------------------------------- */

static void test_gamma_range(void **state)
{
    (void)state;
    mcr_rng_t r = stream(31);
    const double shapes[] = {1e-3, 0.1, 0.5, 0.999, 1.0, 1.001, 2.5, 5.0, 1e4};
    for (size_t s = 0; s < NELEM(shapes); s++)
        for (int k = 0; k < 20000; k++) {
            const double g = mcr_gamma(&r, shapes[s]);
            assert_true(isfinite(g) && g >= 0);
        }
    /* Gamma(1e4) has sd 100: every draw within 10 sd of the mean. */
    for (int k = 0; k < 1000; k++)
        assert_true(fabs(mcr_gamma(&r, 1e4) - 1e4) < 1000);
}

/* Beta(a, a) is symmetric about 1/2 whatever a, including shapes so small
 * that both gammas underflow (Johnk's method in logs): P(X < 1/2) = 1/2
 * within 5 standard errors, sqrt(1/4 / N). */
static void test_beta_range_and_symmetry(void **state)
{
    (void)state;
    mcr_rng_t r = stream(32);
    const double pairs[][2] = {{1e-3, 1e-3}, {0.05, 0.05}, {0.5, 0.5}, {1, 1}, {2, 5},
                               {1e3, 0.01}, {0.01, 1e3}, {0.3, 4}, {1e4, 1e4}};
    const int n = 40000;
    for (size_t p = 0; p < NELEM(pairs); p++) {
        int below = 0;
        for (int k = 0; k < n; k++) {
            const double b = mcr_beta(&r, pairs[p][0], pairs[p][1]);
            assert_true(b >= 0.0 && b <= 1.0);
            below += b < 0.5;
        }
        if (pairs[p][0] == pairs[p][1])
            assert_true(fabs((double)below / n - 0.5) < 5 * sqrt(0.25 / n));
    }
}

/* ---- Bernoulli and categorical ----------------------------------------------------- */

static void test_bernoulli(void **state)
{
    (void)state;
    mcr_rng_t r = stream(25);
    const int n = 100000;
    int ones = 0;
    for (int k = 0; k < n; k++) {
        assert_int_equal(mcr_bernoulli(&r, 0.0), 0);
        assert_int_equal(mcr_bernoulli(&r, 1.0), 1);
        ones += mcr_bernoulli(&r, 0.3);
    }
    assert_true(fabs((double)ones / n - 0.3) < 5 * sqrt(0.3 * 0.7 / n));
}

/* Entries with probability 0 are never drawn, also when a row's rounded sum
 * falls short of U (here it sums to 1/2, so half the draws fall past the end
 * and must land on the last nonzero entry). Shares within 5 standard errors. */
static void test_categorical(void **state)
{
    (void)state;
    mcr_rng_t r = stream(26);
    const double row[] = {0.0, 0.2, 0.0, 0.8, 0.0};
    const double short_row[] = {0.25, 0.25, 0.0};
    const double one[] = {0.0, 0.0, 1.0};
    const int n = 100000;
    int count[5] = {0}, short_count[3] = {0};
    for (int k = 0; k < n; k++) {
        count[mcr_categorical(&r, row, 5)]++;
        short_count[mcr_categorical(&r, short_row, 3)]++;
        assert_int_equal(mcr_categorical(&r, one, 3), 2);
    }
    assert_int_equal(count[0] + count[2] + count[4], 0);
    assert_true(fabs(count[1] / (double)n - 0.2) < 5 * sqrt(0.2 * 0.8 / n));
    assert_int_equal(short_count[2], 0);
    assert_true(fabs(short_count[0] / (double)n - 0.25) < 5 * sqrt(0.25 * 0.75 / n));
}

/* ---- durations ------------------------------------------------------------------------ */

static mcr_duration_t dur(mcr_dur_kind_t kind, double a, double b, double c, double lambda)
{
    mcr_duration_t d = {.kind = kind, .lambda = lambda};
    switch (kind) {
    case MCR_DUR_FIXED:
        d.value = a;
        break;
    case MCR_DUR_UNIFORM:
        d.min = a;
        d.max = b;
        break;
    case MCR_DUR_TRIANGULAR:
    case MCR_DUR_PERT:
        d.min = a;
        d.mode = b;
        d.max = c;
        break;
    case MCR_DUR_LOGNORMAL:
        d.median = a;
        d.sigma = b;
        break;
    }
    mcr_duration_prepare(&d);
    return d;
}

/* Closed-form variance of each duration, months^2. */
static double dur_variance(const mcr_duration_t *d)
{
    const double w = d->max - d->min;
    switch (d->kind) {
    case MCR_DUR_FIXED:
        return 0.0;
    case MCR_DUR_UNIFORM:
        return w * w / 12.0;
    case MCR_DUR_TRIANGULAR: {
        const double a = d->min, b = d->max, c = d->mode;
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0;
    }
    case MCR_DUR_PERT: {
        const double s = d->alpha + d->beta;
        return d->alpha * d->beta / (s * s * (s + 1.0)) * w * w;
    }
    case MCR_DUR_LOGNORMAL: {
        const double s2 = d->sigma * d->sigma;
        return expm1(s2) * exp(2.0 * d->log_median + s2);
    }
    }
    return 0.0;
}

static void test_duration_fixed_draws_nothing(void **state)
{
    (void)state;
    mcr_rng_t r = stream(27);
    const mcr_rng_t before = r;
    const mcr_duration_t d = dur(MCR_DUR_FIXED, 7.5, 0, 0, 0);
    assert_true(mcr_duration_sample(&r, &d) == 7.5);
    assert_true(mcr_duration_mean(&d) == 7.5);
    assert_true(r.state == before.state);
}

static void test_duration_prepare_and_mean(void **state)
{
    (void)state;
    const mcr_duration_t pert = dur(MCR_DUR_PERT, 6, 12, 36, 4);
    assert_true(fabs(pert.alpha - 1.8) < 1e-15 && fabs(pert.beta - 4.2) < 1e-15);
    assert_true(fabs(mcr_duration_mean(&pert) - 15.0) < 1e-12);     /* (6 + 4*12 + 36) / 6 */
    const mcr_duration_t flat = dur(MCR_DUR_PERT, 6, 12, 36, 0);
    assert_true(flat.alpha == 1.0 && flat.beta == 1.0);
    const mcr_duration_t tri = dur(MCR_DUR_TRIANGULAR, 6, 12, 36, 0);
    assert_true(fabs(mcr_duration_mean(&tri) - 18.0) < 1e-12);
    const mcr_duration_t uni = dur(MCR_DUR_UNIFORM, 6, 36, 0, 0);
    assert_true(mcr_duration_mean(&uni) == 21.0);
    const mcr_duration_t logn = dur(MCR_DUR_LOGNORMAL, 10, 0.5, 0, 0);
    assert_true(fabs(mcr_duration_mean(&logn) - 10 * exp(0.125)) < 1e-12);
}

/* Every draw in [min, max] (lognormal > 0), including modes at either end and
 * PERT with lambda 0; the sample mean of 100,000 draws within 5 standard
 * errors, sqrt(var / N), of mcr_duration_mean. */
static void test_duration_ranges_and_means(void **state)
{
    (void)state;
    const mcr_duration_t ds[] = {
        dur(MCR_DUR_UNIFORM, 6, 36, 0, 0),
        dur(MCR_DUR_UNIFORM, 0, 1e-9, 0, 0),
        dur(MCR_DUR_TRIANGULAR, 6, 12, 36, 0),
        dur(MCR_DUR_TRIANGULAR, 6, 6, 36, 0),
        dur(MCR_DUR_TRIANGULAR, 6, 36, 36, 0),
        dur(MCR_DUR_TRIANGULAR, 0.1, 0.2, 0.3, 0),
        dur(MCR_DUR_PERT, 6, 12, 36, 4),
        dur(MCR_DUR_PERT, 6, 6, 36, 4),
        dur(MCR_DUR_PERT, 6, 36, 36, 4),
        dur(MCR_DUR_PERT, 6, 12, 36, 0),
        dur(MCR_DUR_PERT, 0.1, 0.2, 0.3, 40),
        dur(MCR_DUR_LOGNORMAL, 10, 0.5, 0, 0),
        dur(MCR_DUR_LOGNORMAL, 1e-3, 2.0, 0, 0),
    };
    const int n = 100000;
    mcr_rng_t r = stream(28);
    for (size_t i = 0; i < NELEM(ds); i++) {
        const mcr_duration_t *d = &ds[i];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            const double t = mcr_duration_sample(&r, d);
            if (d->kind == MCR_DUR_LOGNORMAL)
                assert_true(t > 0 && isfinite(t));
            else
                assert_true(t >= d->min && t <= d->max);
            sum += t;
        }
        const double mean = mcr_duration_mean(d);
        assert_true(fabs(sum / n - mean) < 5 * sqrt(dur_variance(d) / n));
    }
}

/* sigma 0: the lognormal is its median (up to exp(log()) rounding). */
static void test_duration_lognormal_sigma0(void **state)
{
    (void)state;
    mcr_rng_t r = stream(29);
    const mcr_duration_t d = dur(MCR_DUR_LOGNORMAL, 18, 0, 0, 0);
    for (int k = 0; k < 100; k++)
        assert_true(fabs(mcr_duration_sample(&r, &d) - 18.0) <= 4 * DBL_EPSILON * 18.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uniform_matches_numpy),
        cmocka_unit_test(test_ziggurat_tables),
        cmocka_unit_test(test_normal_wedges),
        cmocka_unit_test(test_exponential_wedges),
        cmocka_unit_test(test_normal_tail),
        cmocka_unit_test(test_exponential_tail),
        cmocka_unit_test(test_gamma_range),
        cmocka_unit_test(test_beta_range_and_symmetry),
        cmocka_unit_test(test_bernoulli),
        cmocka_unit_test(test_categorical),
        cmocka_unit_test(test_duration_fixed_draws_nothing),
        cmocka_unit_test(test_duration_prepare_and_mean),
        cmocka_unit_test(test_duration_ranges_and_means),
        cmocka_unit_test(test_duration_lognormal_sigma0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
