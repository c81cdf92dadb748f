/* duration.c -- the duration distributions of SPEC 2.3, in months.
 *
 *   fixed       T = value
 *   uniform     T = min + (max - min) U
 *   triangular  F(t) = (t - min)^2 / ((max - min)(mode - min))       t <= mode
 *                    = 1 - (max - t)^2 / ((max - min)(max - mode))    t >= mode
 *               sampled by inverting F: with w = max - min and
 *               F(mode) = (mode - min) / w,
 *               T = min + sqrt(U w (mode - min))        U <  F(mode)
 *                 = max - sqrt((1 - U) w (max - mode))  otherwise
 *   pert        T = min + (max - min) B,  B ~ Beta(alpha, beta),
 *               alpha = 1 + lambda (mode - min) / (max - min),
 *               beta  = 1 + lambda (max - mode) / (max - min)   (Beta-PERT;
 *               mean (min + lambda mode + max) / (lambda + 2))
 *   lognormal   T = exp(ln(median) + sigma Z),  mean median exp(sigma^2 / 2)
 *
 * Parameters are validated by inputs/ (min <= mode <= max, min < max, all
 * >= 0, median > 0); mcr_duration_prepare() then derives what sampling needs,
 * once, so that a draw does no division it can avoid. Every draw lies in
 * [min, max] (fixed: the value; lognormal: (0, inf)).
 */
#include "kernels/dist.h"
#include "kernels/mathx.h"

#include <math.h>

void mcr_duration_prepare(mcr_duration_t *d)
{
    switch (d->kind) {
    case MCR_DUR_PERT: {
        const double w = d->max - d->min;
        d->alpha = 1.0 + d->lambda * (d->mode - d->min) / w;
        d->beta = 1.0 + d->lambda * (d->max - d->mode) / w;
        mcr_beta_prepare(&d->pert, d->alpha, d->beta);
        break;
    }
    case MCR_DUR_LOGNORMAL:
        d->log_median = log(d->median);
        break;
    case MCR_DUR_FIXED:
    case MCR_DUR_UNIFORM:
    case MCR_DUR_TRIANGULAR:
        break;
    }
}

/* Triangular by inversion; the two branches meet at U = F(mode). The sqrt
 * arguments are >= 0 for U in [0, 1), and each branch stays on its side of
 * the mode, so the result lies in [min, max] also after rounding. */
static double triangular(mcr_rng_t *r, const mcr_duration_t *d)
{
    const double u = mcr_uniform(r);
    const double w = d->max - d->min;
    const double left = d->mode - d->min, right = d->max - d->mode;
    if (u * w < left)
        return fmin(d->min + sqrt(u * w * left), d->mode);
    return fmax(d->max - sqrt((1.0 - u) * w * right), d->mode);
}

double mcr_duration_sample(mcr_rng_t *r, const mcr_duration_t *d)
{
    switch (d->kind) {
    case MCR_DUR_FIXED:
        return d->value;
    case MCR_DUR_UNIFORM:
        return d->min + (d->max - d->min) * mcr_uniform(r);
    case MCR_DUR_TRIANGULAR:
        return triangular(r, d);
    case MCR_DUR_PERT:
        return fmin(d->min + (d->max - d->min) * mcr_beta_p(r, &d->pert), d->max);
    case MCR_DUR_LOGNORMAL:
        return mcr_exp(d->log_median + d->sigma * mcr_normal(r));
    }
    return d->value;
}

double mcr_duration_mean(const mcr_duration_t *d)
{
    switch (d->kind) {
    case MCR_DUR_FIXED:
        return d->value;
    case MCR_DUR_UNIFORM:
        return 0.5 * (d->min + d->max);
    case MCR_DUR_TRIANGULAR:
        return (d->min + d->mode + d->max) / 3.0;
    case MCR_DUR_PERT:
        return (d->min + d->lambda * d->mode + d->max) / (d->lambda + 2.0);
    case MCR_DUR_LOGNORMAL:
        return d->median * exp(0.5 * d->sigma * d->sigma);
    }
    return d->value;
}
