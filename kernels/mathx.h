/* mathx.h -- a fast, exactly reproducible exp for the per-month kernels.
 *
 *   mcr_exp(x) = 2^(k/N) * e^r,   k = round(x N / ln 2),  r = x - k ln2/N,
 *   N = 128, |r| <= ln2/256,  e^r - 1 = r + r^2/2 + r^3/6 + r^4/24 + r^5/120
 *
 * (Tang, "Table-driven implementation of the exponential function in IEEE
 * floating-point arithmetic", ACM TOMS 15(2), 1989.) The Taylor tail after
 * r^5 is below r^6/720 < 6e-19; r is exact up to one rounding (Cody-Waite
 * split of ln2/N, exact product k*hi, Sterbenz subtraction); table entries
 * are correctly rounded; so the result is within about 1 ulp of e^x.
 *
 * Why not libm's exp: energy prices need one exp per region and month of
 * every trial, and glibc's exp costs a PLT call and an ifunc-selected
 * variant whose last bit may differ between CPUs with and without FMA. This
 * one is inline, uses only + - * on doubles (the build sets
 * -ffp-contract=off), and so gives the same bits on every x86-64 machine:
 * results of a run do not depend on which nodes of a cluster computed it.
 * Outside |x| < 708 (overflow, subnormal results, NaN) it defers to libm.
 */
#ifndef MCR_MATHX_H
#define MCR_MATHX_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#define MCR_EXP_BITS 7
#define MCR_EXP_N    (1 << MCR_EXP_BITS)

extern const double mcr_exp_table[MCR_EXP_N];   /* 2^(j/N) */

/* The reduction constants, as literals so the compiler keeps them in
 * registers. scripts/gen-exp-table.py computes them into exp_table.c as
 * well; tests/test_mathx.c checks the two agree. */
#define MCR_EXP_LN2N_HI  0.0054152123482253955      /* ln2/N, 35 significant bits */
#define MCR_EXP_LN2N_LO  (-1.0082281460997769e-13)  /* ln2/N - hi */
#define MCR_EXP_INV_LN2N 184.6649652337873          /* N/ln2 */
extern const double mcr_exp_ln2n_hi, mcr_exp_ln2n_lo, mcr_exp_inv_ln2n;

static inline double mcr_exp(double x)
{
    if (!(fabs(x) < 708.0))
        return exp(x);
    /* round to nearest by the 1.5*2^52 shift: exact for |z| < 2^51 */
    const double shift = 6755399441055744.0;
    double z = x * MCR_EXP_INV_LN2N;
    double kd = (z + shift) - shift;
    int64_t k = (int64_t)kd;
    double r = (x - kd * MCR_EXP_LN2N_HI) - kd * MCR_EXP_LN2N_LO;
    double p = r + r * r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0))));
    int64_t j = k & (MCR_EXP_N - 1);
    int64_t e = (k - j) / MCR_EXP_N;                 /* floor(k / N), in [-1022, 1021] */
    uint64_t sb = (uint64_t)(e + 1023) << 52;
    double scale;
    memcpy(&scale, &sb, sizeof scale);
    double t = mcr_exp_table[j];
    return (t + t * p) * scale;
}

#endif /* MCR_MATHX_H */
