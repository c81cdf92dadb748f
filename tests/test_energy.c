/* test_energy.c -- energy price paths against the closed forms of SPEC 2.1.
 *
 * For the exactly discretised OU log price with at most one jump a month
 * (a = exp(-kappa/12), s^2 = sigma^2 (1 - exp(-2 kappa/12)) / (2 kappa),
 * p = 1 - exp(-rate/12), v_J = p (jump_sd^2 + jump_mean^2) - p^2 jump_mean^2):
 *
 *   E[x_t]   = mu + a^t (x_0 - mu) + p jump_mean (1 - a^t) / (1 - a)
 *   Var[x_t] = (s^2 + v_J) (1 - a^{2t}) / (1 - a^2)
 *   kappa = 0:  E[x_t] = x_0 + t p jump_mean,  Var[x_t] = t (sigma^2/12 + v_J)
 *
 * (the monthly increments are independent, so the mean and variance of the
 * AR(1) recursion x_t = mu + a (x_{t-1} - mu) + eps_t sum geometrically).
 * The constants are recomputed here from the raw parameters, so the test also
 * checks mcr_model_prepare().
 *
 * Tolerances come from N, never guessed: a sample mean is within 5 standard
 * errors sqrt(Var/N) of E; a sample variance s^2 within 5 SE with
 * SE(s^2) = sqrt((m4 - s^4)/N), m4 the sample fourth central moment; a sample
 * correlation within 5 SE with SE = (1 - rho^2)/sqrt(n). At 5 SE a correct
 * kernel fails with probability below 1e-6 per check; the seeds are fixed, so
 * a pass is reproducible.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fixture_model.h"
#include "kernels/energy.h"

#define N 20000        /* trials per test: 5 SE is ~3.5% of sd for a mean */
#define H 25           /* months simulated: t = 0 .. 24 */
#define NT 4
static const int MONTHS[NT] = {1, 6, 12, 24};

/* ---- moments ------------------------------------------------------------------ */

typedef struct {
    double kappa, sigma, rate, jmean, jsd, price0, long_run;
} region_spec_t;

/* E[x_t] and Var[x_t] from the closed form. */
static void closed_form(const region_spec_t *g, int t, double *mean, double *var)
{
    double x0 = log(g->price0), mu = log(g->long_run);
    double p = 1 - exp(-g->rate / 12), vj = p * (g->jsd * g->jsd + g->jmean * g->jmean)
                                                - p * p * g->jmean * g->jmean;
    if (g->kappa == 0) {
        *mean = x0 + t * p * g->jmean;
        *var = t * (g->sigma * g->sigma / 12 + vj);
        return;
    }
    double a = exp(-g->kappa / 12), at = pow(a, t);
    double s2 = g->sigma * g->sigma * (1 - exp(-2 * g->kappa / 12)) / (2 * g->kappa);
    *mean = mu + at * (x0 - mu) + p * g->jmean * (1 - at) / (1 - a);
    *var = (s2 + vj) * (1 - at * at) / (1 - a * a);
}

static void check_moments(const double *x, int n, double mean, double var, const char *what, int t)
{
    double m = 0, m2 = 0, m4 = 0;
    for (int i = 0; i < n; i++)
        m += x[i];
    m /= n;
    for (int i = 0; i < n; i++) {
        double d = (x[i] - m) * (x[i] - m);
        m2 += d;
        m4 += d * d;
    }
    double s2 = m2 / (n - 1);
    m4 /= n;
    double se_mean = sqrt(var / n), se_var = sqrt((m4 - s2 * s2) / n);
    if (fabs(m - mean) > 5 * se_mean)
        fail_msg("%s, t = %d: mean %.6g, closed form %.6g (5 SE = %.3g)", what, t, m, mean, 5 * se_mean);
    if (fabs(s2 - var) > 5 * se_var)
        fail_msg("%s, t = %d: variance %.6g, closed form %.6g (5 SE = %.3g)", what, t, s2, var, 5 * se_var);
}

/* ---- tests ---------------------------------------------------------------------- */

/* Four independent regions in one model: kappa > 0 and kappa = 0, each with
 * and without jumps; log prices at months 1, 6, 12 and 24 over N trials. */
static void test_ou_moments(void **state)
{
    static const region_spec_t spec[4] = {
        {2.0, 0.5, 0.0, 0.0, 0.0, 80, 50},    /* OU, no jumps, starts above mu */
        {0.0, 0.4, 0.0, 0.0, 0.0, 50, 50},    /* random walk, no jumps */
        {1.5, 0.3, 3.0, 0.10, 0.25, 40, 60},  /* OU with jumps */
        {0.0, 0.2, 4.0, -0.05, 0.20, 70, 70}, /* random walk with jumps */
    };
    static const char *name[4] = {"OU", "kappa=0", "OU+jumps", "kappa=0+jumps"};
    mcr_model_t m = fx_model(H, 4, 1, 1);
    for (int r = 0; r < 4; r++) {
        mcr_region_t *g = &m.region[r];
        g->reversion = spec[r].kappa;
        g->volatility = spec[r].sigma;
        g->jump_rate = spec[r].rate;
        g->jump_mean = spec[r].jmean;
        g->jump_sd = spec[r].jsd;
        g->price0 = spec[r].price0;
        g->long_run = spec[r].long_run;
    }
    assert_true(fx_prepare(&m));

    double *x = malloc(sizeof(double) * 4 * NT * N);
    double price[4 * H], mean[4], scratch[12];
    assert_non_null(x);
    mcr_rng_t rng;
    mcr_pcg_set(&rng, MCR_U128(0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL), MCR_U128(0, 0xa4093823));
    for (int i = 0; i < N; i++) {
        mcr_energy_sample(&rng, &m, price, mean, scratch);
        for (int r = 0; r < 4; r++) {
            assert_true(price[r * H] == spec[r].price0);
            for (int k = 0; k < NT; k++)
                x[((size_t)r * NT + k) * N + i] = log(price[r * H + MONTHS[k]]);
        }
    }
    for (int r = 0; r < 4; r++)
        for (int k = 0; k < NT; k++) {
            double e, v;
            closed_form(&spec[r], MONTHS[k], &e, &v);
            check_moments(x + ((size_t)r * NT + k) * N, N, e, v, name[r], MONTHS[k]);
        }
    free(x);
    mcr_model_free(&m);
}

/* The mean-price driver is the mean of the path it came with. */
static void test_mean_driver(void **state)
{
    mcr_model_t m = fx_model(H, 2, 1, 1);
    m.region[0].volatility = 0.7;
    m.region[1].reversion = 3;
    m.region[1].volatility = 0.2;
    m.region[1].jump_rate = 5;
    m.region[1].jump_sd = 0.3;
    assert_true(fx_prepare(&m));
    double price[2 * H], mean[2], scratch[6];
    mcr_rng_t rng;
    mcr_pcg_set(&rng, MCR_U128(0, 42), MCR_U128(0, 0x2545f4914f6cdd1dULL));
    for (int i = 0; i < 100; i++) {
        mcr_energy_sample(&rng, &m, price, mean, scratch);
        for (int r = 0; r < 2; r++) {
            double sum = 0;
            for (int t = 0; t < H; t++) {
                assert_true(price[r * H + t] > 0 && isfinite(price[r * H + t]));
                sum += price[r * H + t];
            }
            assert_true(fabs(mean[r] - sum / H) <= 1e-12 * mean[r]);
        }
    }
    mcr_model_free(&m);
}

/* Shocks correlated through L: three regions with correlation matrix
 *   [1 .5 .3; .5 1 .2; .3 .2 1]
 * whose Cholesky factor is computed here. Without jumps the shock of month t
 * is z_t = (x_t - mu - a (x_{t-1} - mu)) / s exactly, so it is recovered from
 * the path; months are independent, so every month of every trial is one
 * sample: n = N (H - 1). */
static void test_correlation(void **state)
{
    static const double C[9] = {1, .5, .3, .5, 1, .2, .3, .2, 1};
    mcr_model_t m = fx_model(H, 3, 1, 1);
    for (int i = 0; i < 3; i++)
        for (int j = 0; j <= i; j++) {
            double sum = C[i * 3 + j];
            for (int k = 0; k < j; k++)
                sum -= m.chol[i * 3 + k] * m.chol[j * 3 + k];
            m.chol[i * 3 + j] = i == j ? sqrt(sum) : sum / m.chol[j * 3 + j];
        }
    for (int r = 0; r < 3; r++) {
        m.region[r].reversion = 1 + r;
        m.region[r].volatility = 0.3 + 0.1 * r;
        m.region[r].price0 = 40 + 10 * r;
    }
    assert_true(fx_prepare(&m));

    const size_t n = (size_t)N * (H - 1);
    double price[3 * H], mean[3], scratch[9];
    double sum[3] = {0}, sxy[9] = {0};
    mcr_rng_t rng;
    mcr_pcg_set(&rng, MCR_U128(0xb7e151628aed2a6aULL, 0xbf7158809cf4f3c7ULL), MCR_U128(0, 0x762e7160f38b4da5ULL));
    for (int i = 0; i < N; i++) {
        mcr_energy_sample(&rng, &m, price, mean, scratch);
        for (int t = 1; t < H; t++) {
            double z[3];
            for (int r = 0; r < 3; r++) {
                const mcr_region_t *g = &m.region[r];
                z[r] = (log(price[r * H + t]) - g->mu - g->a * (log(price[r * H + t - 1]) - g->mu)) / g->s;
                sum[r] += z[r];
            }
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                    sxy[a * 3 + b] += z[a] * z[b];
        }
    }
    for (int a = 0; a < 3; a++)
        for (int b = a; b < 3; b++) {
            double cov = sxy[a * 3 + b] / n - sum[a] / n * sum[b] / n;
            double va = sxy[a * 4] / n - sum[a] / n * sum[a] / n;
            double vb = sxy[b * 4] / n - sum[b] / n * sum[b] / n;
            double rho = C[a * 3 + b];
            if (a == b) {
                /* unit variance: SE of a sample variance of N(0,1) is sqrt(2/n) */
                if (fabs(va - 1) > 5 * sqrt(2.0 / n))
                    fail_msg("var(z_%d) = %.5f, want 1", a, va);
                continue;
            }
            double got = cov / sqrt(va * vb), se = (1 - rho * rho) / sqrt((double)n);
            if (fabs(got - rho) > 5 * se)
                fail_msg("corr(z_%d, z_%d) = %.5f, want %.2f (5 SE = %.4f)", a, b, got, rho, 5 * se);
        }
    mcr_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ou_moments),
        cmocka_unit_test(test_mean_driver),
        cmocka_unit_test(test_correlation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
