/* ziggurat.h -- the 256-layer ziggurat tables behind mcr_normal and
 * mcr_exponential (kernels/dist.c).
 *
 * The tables live in kernels/ziggurat_tables.c, which scripts/gen-ziggurat.py
 * generates (the construction, with its formulas, is in that script). Layer i
 * of a ziggurat covers [0, x[i]] horizontally; a draw u of 53 random bits
 * gives x = u * w, which lies wholly under the density when u < k.
 */
#ifndef MCR_ZIGGURAT_H
#define MCR_ZIGGURAT_H

#include <stdint.h>

#define MCR_ZIG_LAYERS 256

/* One layer, both fast-path values side by side (one 16-byte load). */
typedef struct {
    uint64_t k;     /* accept at once when u < k: floor(2^53 x[i+1] / x[i]) */
    double   w;     /* x[i] / 2^53: the layer's width per unit of u */
} mcr_zig_layer_t;

/* Standard normal, f(x) = exp(-x^2/2): layers, f(x[i]) for i = 0..256, and
 * the tail's start r = x[1]. */
extern const mcr_zig_layer_t mcr_zig_normal[MCR_ZIG_LAYERS];
extern const double mcr_zig_normal_f[MCR_ZIG_LAYERS + 1];
extern const double mcr_zig_normal_r;

/* Standard exponential, f(x) = exp(-x): the same three. */
extern const mcr_zig_layer_t mcr_zig_exp[MCR_ZIG_LAYERS];
extern const double mcr_zig_exp_f[MCR_ZIG_LAYERS + 1];
extern const double mcr_zig_exp_r;

#endif /* MCR_ZIGGURAT_H */
