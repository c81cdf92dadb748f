/* dist.c -- samplers (see dist.h).
 *
 * Skeleton versions, correct but unoptimised; issue 2 replaces them with the
 * ziggurat and tuned methods.
 *
 *   normal:  Marsaglia's polar method, second variate discarded (no cache)
 *   exponential: -log(1 - U)
 *   gamma:   Marsaglia & Tsang (2000); shape < 1 via G(a+1) * U^(1/a)
 *   beta:    X / (X + Y), X ~ Gamma(a), Y ~ Gamma(b)
 */
#include "kernels/dist.h"

#include <math.h>

double mcr_normal(mcr_rng_t *r)
{
    for (;;) {
        double u = 2.0 * mcr_uniform(r) - 1.0, v = 2.0 * mcr_uniform(r) - 1.0;
        double s = u * u + v * v;
        if (s > 0 && s < 1)
            return u * sqrt(-2.0 * log(s) / s);
    }
}

double mcr_exponential(mcr_rng_t *r)
{
    return -log1p(-mcr_uniform(r));
}

double mcr_gamma(mcr_rng_t *r, double shape)
{
    if (shape < 1.0)
        return mcr_gamma(r, shape + 1.0) * pow(1.0 - mcr_uniform(r), 1.0 / shape);
    double d = shape - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x, v;
        do {
            x = mcr_normal(r);
            v = 1.0 + c * x;
        } while (v <= 0);
        v = v * v * v;
        double u = mcr_uniform(r);
        if (u < 1.0 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
            return d * v;
    }
}

double mcr_beta(mcr_rng_t *r, double a, double b)
{
    double x = mcr_gamma(r, a), y = mcr_gamma(r, b);
    return x / (x + y);
}

int mcr_bernoulli(mcr_rng_t *r, double p)
{
    return mcr_uniform(r) < p;
}

int mcr_categorical(mcr_rng_t *r, const double *prob, int n)
{
    double u = mcr_uniform(r), c = 0;
    int last = 0;
    for (int k = 0; k < n; k++) {
        if (prob[k] <= 0)
            continue;
        last = k;
        c += prob[k];
        if (u < c)
            return k;
    }
    return last;
}
