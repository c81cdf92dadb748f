/* dist.c -- the samplers of dist.h: normal, exponential, gamma, beta,
 * Bernoulli, categorical.
 *
 *   normal       p(x) dx = exp(-x^2/2) / sqrt(2 pi) dx
 *   exponential  p(x) dx = exp(-x) dx,                       x >= 0
 *   gamma        p(x) dx = x^(a-1) exp(-x) / Gamma(a) dx,    x > 0
 *   beta         p(x) dx = x^(a-1) (1-x)^(b-1) / B(a, b) dx, 0 < x < 1
 *
 * Every method is exact (no approximation beyond double rounding) and keeps no
 * state between calls: the only state is the caller's generator.
 *
 * Normal and exponential: the ziggurat of Marsaglia & Tsang, "The Ziggurat
 * Method for Generating Random Variables", J. Stat. Softw. 5(8), 2000, with
 * 256 layers (tables in ziggurat_tables.c, from scripts/gen-ziggurat.py). One
 * 64-bit draw gives the layer (bits 0-7), the sign (bit 8, normal only) and a
 * 53-bit magnitude u (bits 11-63) -- disjoint bits, so layer and position are
 * independent (the flaw Doornik, "An Improved Ziggurat Method", 2005, found
 * in the original, which reused bits). 98.5% (normal) and 97.8%
 * (exponential) of draws end in the fast path, inline in dist.h: one draw,
 * one table load, one multiply, one compare. The rest continue here from the
 * same draw: a wedge test against the density, or the tail -- normal by
 * Marsaglia's method (x = E1/r until 2 E2 > x^2, return r + x), exponential
 * by memorylessness (r + a fresh draw).
 *
 * Gamma: Marsaglia & Tsang, "A Simple Method for Generating Gamma Variables",
 * ACM TOMS 26(3), 2000, for shape a >= 1: d = a - 1/3, c = 1/sqrt(9d),
 * v = (1 + c Z)^3, accept d v when U < 1 - 0.0331 Z^4 (squeeze) or
 * ln U < Z^2/2 + d (1 - v + ln v). Shape 1 is an exponential. Shape a < 1 by
 * their boost: G(a+1) U^(1/a), with U^(1/a) computed as exp(-E/a), E
 * exponential, which needs no pow and no log.
 *
 * Beta: X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); when both shapes are
 * below 1 (where both gammas are often tiny) Johnk's method instead:
 * X = U^(1/a), Y = V^(1/b), accept when X + Y <= 1 and return X / (X + Y)
 * (Johnk 1964; Devroye, "Non-Uniform Random Variate Generation", 1986, IX.3),
 * again with U^(1/a) = exp(-E/a), and the ratio taken in logs when X or Y
 * underflows.
 */
#include "kernels/dist.h"

#include <float.h>
#include <math.h>

#include "kernels/mathx.h"
#include "kernels/ziggurat.h"

/* ---- normal ---------------------------------------------------------------- */

/* |Z| conditioned on |Z| > r (Marsaglia 1964, by exponentials). */
static double normal_tail(mcr_rng_t *r)
{
    const double edge = mcr_zig_normal_r;
    for (;;) {
        const double x = mcr_exponential(r) / edge;
        const double y = mcr_exponential(r);
        if (y + y > x * x)
            return edge + x;
    }
}

double mcr_normal_slow(mcr_rng_t *r, uint64_t bits)
{
    for (;;) {
        const unsigned i = (unsigned)(bits & 0xff);
        const uint64_t u = bits >> 11;
        const double x = (double)(int64_t)u * mcr_zig_normal[i].w;
        if (u < mcr_zig_normal[i].k)
            return mcr_zig_signed(x, bits);
        if (i == 0)
            return mcr_zig_signed(normal_tail(r), bits);
        const double f0 = mcr_zig_normal_f[i], f1 = mcr_zig_normal_f[i + 1];
        if (f0 + mcr_uniform(r) * (f1 - f0) < exp(-0.5 * x * x))
            return mcr_zig_signed(x, bits);
        bits = mcr_rng_next(r);
    }
}

/* ---- exponential ------------------------------------------------------------- */

double mcr_exponential_slow(mcr_rng_t *r, uint64_t bits)
{
    double offset = 0.0;    /* tails crossed so far, each adding r */
    for (;;) {
        const unsigned i = (unsigned)(bits & 0xff);
        const uint64_t u = bits >> 11;
        const double x = (double)(int64_t)u * mcr_zig_exp[i].w;
        if (u < mcr_zig_exp[i].k)
            return offset + x;
        if (i == 0) {
            offset += mcr_zig_exp_r;
        } else {
            const double f0 = mcr_zig_exp_f[i], f1 = mcr_zig_exp_f[i + 1];
            if (f0 + mcr_uniform(r) * (f1 - f0) < exp(-x))
                return offset + x;
        }
        bits = mcr_rng_next(r);
    }
}

/* ---- gamma ----------------------------------------------------------------- */

/* Marsaglia-Tsang for shape d + 1/3 >= 1, with c = 1 / sqrt(9 d). */
static inline double gamma_mt(mcr_rng_t *r, double d, double c)
{
    for (;;) {
        double z, v;
        do {
            z = mcr_normal(r);
            v = 1.0 + c * z;
        } while (v <= 0.0);
        v = v * v * v;
        const double u = mcr_uniform(r);
        const double z2 = z * z;
        if (u < 1.0 - 0.0331 * z2 * z2)
            return d * v;
        if (log(u) < 0.5 * z2 + d * (1.0 - v + log(v)))
            return d * v;
    }
}

void mcr_gamma_prepare(mcr_gamma_param_t *g, double shape)
{
    g->shape = shape;
    g->d = (shape < 1.0 ? shape + 1.0 : shape) - 1.0 / 3.0;
    g->c = 1.0 / sqrt(9.0 * g->d);
}

double mcr_gamma_p(mcr_rng_t *r, const mcr_gamma_param_t *g)
{
    if (g->shape == 1.0)
        return mcr_exponential(r);
    const double x = gamma_mt(r, g->d, g->c);
    if (g->shape < 1.0)
        return x * mcr_exp(-mcr_exponential(r) / g->shape);
    return x;
}

double mcr_gamma(mcr_rng_t *r, double shape)
{
    mcr_gamma_param_t g;
    mcr_gamma_prepare(&g, shape);
    return mcr_gamma_p(r, &g);
}

/* ---- beta -------------------------------------------------------------------- */

/* Johnk's method for a < 1 and b < 1, in logs: ln X = -E1/a, ln Y = -E2/b. */
static double beta_johnk(mcr_rng_t *r, double a, double b)
{
    for (;;) {
        const double lx = -mcr_exponential(r) / a;
        const double ly = -mcr_exponential(r) / b;
        const double x = mcr_exp(lx), y = mcr_exp(ly);
        if (x + y > 1.0)
            continue;
        if (x >= DBL_MIN && y >= DBL_MIN)
            return x / (x + y);
        return 1.0 / (1.0 + mcr_exp(ly - lx));     /* X or Y underflowed */
    }
}

void mcr_beta_prepare(mcr_beta_param_t *p, double a, double b)
{
    mcr_gamma_prepare(&p->a, a);
    mcr_gamma_prepare(&p->b, b);
    p->johnk = a < 1.0 && b < 1.0;
}

double mcr_beta_p(mcr_rng_t *r, const mcr_beta_param_t *p)
{
    if (p->johnk)
        return beta_johnk(r, p->a.shape, p->b.shape);
    const double x = mcr_gamma_p(r, &p->a);
    const double y = mcr_gamma_p(r, &p->b);
    return x / (x + y);
}

double mcr_beta(mcr_rng_t *r, double a, double b)
{
    mcr_beta_param_t p;
    mcr_beta_prepare(&p, a, b);
    return mcr_beta_p(r, &p);
}

/* ---- discrete ------------------------------------------------------------------- */

/* Inverse CDF by a linear scan: rows are short (a handful of regimes). When
 * the row's rounded sum falls short of U, the last index with prob > 0 is
 * returned, never one with prob 0. */
int mcr_categorical(mcr_rng_t *r, const double *prob, int n)
{
    const double u = mcr_uniform(r);
    double cum = 0.0;
    int last = 0;
    for (int k = 0; k < n; k++) {
        if (prob[k] <= 0.0)
            continue;
        last = k;
        cum += prob[k];
        if (u < cum)
            return k;
    }
    return last;
}
