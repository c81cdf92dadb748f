/* duration.c -- duration distributions of SPEC 2.3, in months.
 *
 *   fixed       value
 *   uniform     min + (max - min) U
 *   triangular  inverse CDF: F(c) = (c - min)/(max - min) at the mode
 *   pert        min + (max - min) B,  B ~ Beta(alpha, beta),
 *               alpha = 1 + lambda (mode - min)/(max - min),
 *               beta  = 1 + lambda (max - mode)/(max - min)
 *   lognormal   exp(ln(median) + sigma Z)
 */
#include "kernels/dist.h"

#include <math.h>

void mcr_duration_prepare(mcr_duration_t *d)
{
    if (d->kind == MCR_DUR_PERT) {
        double w = d->max - d->min;
        d->alpha = 1.0 + d->lambda * (d->mode - d->min) / w;
        d->beta = 1.0 + d->lambda * (d->max - d->mode) / w;
    } else if (d->kind == MCR_DUR_LOGNORMAL) {
        d->log_median = log(d->median);
    }
}

double mcr_duration_sample(mcr_rng_t *r, const mcr_duration_t *d)
{
    switch (d->kind) {
    case MCR_DUR_FIXED:
        return d->value;
    case MCR_DUR_UNIFORM:
        return d->min + (d->max - d->min) * mcr_uniform(r);
    case MCR_DUR_TRIANGULAR: {
        double u = mcr_uniform(r), w = d->max - d->min;
        double fc = (d->mode - d->min) / w;
        if (u < fc)
            return d->min + sqrt(u * w * (d->mode - d->min));
        return d->max - sqrt((1.0 - u) * w * (d->max - d->mode));
    }
    case MCR_DUR_PERT:
        return d->min + (d->max - d->min) * mcr_beta(r, d->alpha, d->beta);
    case MCR_DUR_LOGNORMAL:
        return exp(d->log_median + d->sigma * mcr_normal(r));
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
        return exp(log(d->median) + 0.5 * d->sigma * d->sigma);
    }
    return d->value;
}
