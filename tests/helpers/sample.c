/* sample.c -- draw from one sampler and write the draws, for tests/test_dist.py.
 *
 *   build/tests/helpers/sample SEED N DIST [PARAMS...]
 *
 *   DIST: uniform | normal | exponential | gamma SHAPE | beta A B |
 *         bernoulli P | categorical P0 P1 ... |
 *         fixed VALUE | duniform MIN MAX | triangular MIN MODE MAX |
 *         pert MIN MODE MAX LAMBDA | lognormal MEDIAN SIGMA
 *
 * Writes N float64 values, little-endian, to stdout (discrete draws as 0.0,
 * 1.0, ...), drawn from trial 0's stream of SEED. The duration kinds go
 * through mcr_duration_prepare and mcr_duration_sample as the model does.
 * The public CLI has no such command: this program exists for the tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/dist.h"
#include "kernels/rng.h"

#define MAX_CATEGORIES 64
#define CHUNK 8192

/* The samplers, in the order of KINDS below. */
typedef enum {
    K_UNIFORM, K_NORMAL, K_EXPONENTIAL, K_GAMMA, K_BETA, K_BERNOULLI, K_CATEGORICAL,
    K_FIXED, K_DUNIFORM, K_TRIANGULAR, K_PERT, K_LOGNORMAL
} kind_t;

static const struct {
    const char *name;
    int nparams;                /* -1: one or more */
} KINDS[] = {
    {"uniform", 0}, {"normal", 0}, {"exponential", 0}, {"gamma", 1}, {"beta", 2},
    {"bernoulli", 1}, {"categorical", -1}, {"fixed", 1}, {"duniform", 2},
    {"triangular", 3}, {"pert", 4}, {"lognormal", 2},
};

static int usage(void)
{
    fputs("usage: sample SEED N DIST [PARAMS...]   (see tests/helpers/sample.c)\n", stderr);
    return 2;
}

static int number(const char *text, double *v)
{
    char *end;
    *v = strtod(text, &end);
    return *text != '\0' && *end == '\0';
}

int main(int argc, char **argv)
{
    if (argc < 4)
        return usage();
    const unsigned long long seed = strtoull(argv[1], NULL, 10);
    const long long n = atoll(argv[2]);
    const char *dist = argv[3];
    const int np = argc - 4;
    double p[MAX_CATEGORIES];
    if (n < 1 || np > MAX_CATEGORIES)
        return usage();
    for (int k = 0; k < np; k++)
        if (!number(argv[4 + k], &p[k]))
            return usage();

    int found = -1;
    for (size_t k = 0; k < sizeof KINDS / sizeof KINDS[0]; k++)
        if (!strcmp(dist, KINDS[k].name) &&
            (KINDS[k].nparams == np || (KINDS[k].nparams < 0 && np > 0)))
            found = (int)k;
    if (found < 0)
        return usage();
    const kind_t kind = (kind_t)found;

    mcr_duration_t d = {.lambda = 4};
    switch (kind) {
    case K_FIXED: d.kind = MCR_DUR_FIXED; d.value = p[0]; break;
    case K_DUNIFORM: d.kind = MCR_DUR_UNIFORM; d.min = p[0]; d.max = p[1]; break;
    case K_TRIANGULAR: d.kind = MCR_DUR_TRIANGULAR; d.min = p[0]; d.mode = p[1]; d.max = p[2]; break;
    case K_PERT:
        d.kind = MCR_DUR_PERT; d.min = p[0]; d.mode = p[1]; d.max = p[2]; d.lambda = p[3];
        break;
    case K_LOGNORMAL: d.kind = MCR_DUR_LOGNORMAL; d.median = p[0]; d.sigma = p[1]; break;
    default: break;
    }
    mcr_duration_prepare(&d);

    mcr_stream_base_t base;
    mcr_rng_t r;
    mcr_stream_base(&base, seed);
    mcr_stream_trial(&r, &base, 0);

    double buf[CHUNK];
    for (long long done = 0; done < n;) {
        const int m = n - done < CHUNK ? (int)(n - done) : CHUNK;
        for (int k = 0; k < m; k++) {
            switch (kind) {
            case K_UNIFORM: buf[k] = mcr_uniform(&r); break;
            case K_NORMAL: buf[k] = mcr_normal(&r); break;
            case K_EXPONENTIAL: buf[k] = mcr_exponential(&r); break;
            case K_GAMMA: buf[k] = mcr_gamma(&r, p[0]); break;
            case K_BETA: buf[k] = mcr_beta(&r, p[0], p[1]); break;
            case K_BERNOULLI: buf[k] = mcr_bernoulli(&r, p[0]); break;
            case K_CATEGORICAL: buf[k] = mcr_categorical(&r, p, np); break;
            default: buf[k] = mcr_duration_sample(&r, &d); break;
            }
        }
        if (fwrite(buf, sizeof buf[0], (size_t)m, stdout) != (size_t)m) {
            perror("sample: stdout");
            return 1;
        }
        done += m;
    }
    return fflush(stdout) == 0 ? 0 : 1;
}
