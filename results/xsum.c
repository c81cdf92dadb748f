/* xsum.c -- exact accumulation of doubles in a wide fixed-point integer.
 *
 * A finite double is m * 2^(e-1075) with an integer significand m < 2^53
 * (implicit bit included) and biased exponent e (a subnormal has e = 0 and
 * weight 2^-1074). Measured in units of 2^-1074 it is the integer m shifted
 * left by off = max(e-1, 0) bits, 0 <= off <= 2045, so all its bits lie in
 * positions 0 .. 2097. Split into 32-bit digits, limb i holding bits
 * 32i .. 32i+31, the shifted significand (at most 53 + 31 = 84 bits) covers
 * three consecutive limbs: adding a double is three integer additions (or
 * subtractions, for a negative double) and nothing else. This is the
 * "superaccumulator" of Kulisch, in the lazy-carry form of Neal ("Fast exact
 * summation using small and large superaccumulators", arXiv:1505.05571):
 * digits are kept in int64 limbs, so a limb can absorb 2^30 further digits of
 * up to 2^32 before it could overflow, and carries are propagated only then
 * (mcr_xsum_normalize) or when the value is read.
 *
 * Reading the value. After normalisation limbs 0..65 are digits in
 * [0, 2^32) and the top limb carries the sign, a two's-complement-like form;
 * a negative sum is negated limb by limb and normalised again, so we round
 * a magnitude. Let j be its highest non-zero 32-bit digit. If j >= 3, the
 * three digits j, j-1, j-2 form an integer N with 65 .. 96 bits, and
 *
 *     sum = (N + f) * 2^(32(j-2) - 1074),   0 <= f < 1,
 *
 * f coming from the lower digits. Rounding to 53 bits looks only at the bits
 * of N + f below the 53 leading ones: the round bit lies at position >= 11 of
 * N, and the sticky bit is "any lower bit set". OR-ing 1 into bit 0 of N when
 * f > 0 therefore leaves the rounded result unchanged (a sticky bit). N is
 * then shifted right to 64 bits, again OR-ing any lost bit into bit 0 (64 >
 * 53 + 1, the same argument), converted by the hardware's correctly rounded
 * uint64 -> double conversion (round to nearest, ties to even), and scaled by
 * ldexp. If j <= 2 the integer N is the whole sum, f = 0, and nothing is
 * lost.
 *
 * Why the scaling is exact, subnormals included: the exact sum S is an
 * integer multiple of 2^-1074. If |S| < 2^-1022 (the subnormal range) then
 * S = M * 2^-1074 with M < 2^52: all of it lies in digits 0 and 1, so j <= 1,
 * N = M converts exactly (M < 2^53) and ldexp(M, -1074) is exactly the
 * subnormal M * 2^-1074 -- no rounding happens at all. Otherwise the rounded
 * 53-bit value is >= 2^-1022, a normal number, and multiplying it by a power
 * of two is exact unless it overflows, in which case the exact sum rounds to
 * >= 2^1024 with an unbounded exponent and IEEE 754 round-to-nearest gives
 * infinity, which is what ldexp returns.
 */
#include "results/xsum.h"

#include <math.h>
#include <string.h>

#define DIGIT_MASK 0xffffffffll
#define TOP (MCR_XSUM_LIMBS - 1)

void mcr_xsum_init(mcr_xsum_t *a)
{
    memset(a, 0, sizeof *a);
}

void mcr_xsum_add(mcr_xsum_t *a, double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    uint64_t e = (u >> 52) & 0x7ff;
    uint64_t normal = e != 0;
    uint64_t m = (u & 0xfffffffffffffull) | (normal << 52);
    uint64_t off = e - normal;                      /* max(e - 1, 0) */
    unsigned sh = (unsigned)(off & 31);
    int64_t *l = a->limb + (off >> 5);
    int64_t d0 = (int64_t)((m << sh) & DIGIT_MASK);
    uint64_t t = m >> (32 - sh);                    /* shift count 1 .. 32 */
    int64_t d1 = (int64_t)(t & DIGIT_MASK), d2 = (int64_t)(t >> 32);
    int64_t s = -(int64_t)(u >> 63);                /* 0, or -1 when negative */
    l[0] += (d0 ^ s) - s;
    l[1] += (d1 ^ s) - s;
    l[2] += (d2 ^ s) - s;
    if (++a->pending >= MCR_XSUM_CARRY_EVERY)
        mcr_xsum_normalize(a);
}

void mcr_xsum_merge(mcr_xsum_t *a, const mcr_xsum_t *b)
{
    if ((uint64_t)a->pending + b->pending + 1 >= MCR_XSUM_CARRY_EVERY)
        mcr_xsum_normalize(a);
    for (int i = 0; i < MCR_XSUM_LIMBS; i++)
        a->limb[i] += b->limb[i];
    a->pending += b->pending + 1;
    if (a->pending >= MCR_XSUM_CARRY_EVERY)
        mcr_xsum_normalize(a);
}

void mcr_xsum_normalize(mcr_xsum_t *a)
{
    int64_t carry = 0;
    for (int i = 0; i < TOP; i++) {
        int64_t v = a->limb[i] + carry;
        int64_t digit = v & DIGIT_MASK;
        a->limb[i] = digit;
        carry = (v - digit) / ((int64_t)1 << 32);   /* exact: v - digit = carry * 2^32 */
    }
    a->limb[TOP] += carry;
    a->pending = 0;
}

/* Round the 96-bit integer hi * 2^64 + lo (hi < 2^32) to a double, ties to
 * even, with no double rounding. */
static double u96_to_double(uint64_t hi, uint64_t lo)
{
    if (hi == 0)
        return (double)lo;
    int sh = 1;
    while (sh < 32 && (hi >> sh) != 0)
        sh++;                                   /* hi < 2^sh: N has 64 + sh bits */
    uint64_t sticky = (lo & ((1ull << sh) - 1)) != 0;
    uint64_t m = (hi << (64 - sh)) | (lo >> sh) | sticky;
    return ldexp((double)m, sh);
}

double mcr_xsum_value(const mcr_xsum_t *a)
{
    mcr_xsum_t c = *a;
    mcr_xsum_normalize(&c);
    double sign = 1.0;
    if (c.limb[TOP] < 0) {
        for (int i = 0; i < MCR_XSUM_LIMBS; i++)
            c.limb[i] = -c.limb[i];
        mcr_xsum_normalize(&c);
        sign = -1.0;
    }
    /* Digits of the magnitude; the top limb (>= 0, < 2^63) gives two. */
    uint64_t d[MCR_XSUM_LIMBS + 1];
    for (int i = 0; i < TOP; i++)
        d[i] = (uint64_t)c.limb[i];
    d[TOP] = (uint64_t)c.limb[TOP] & DIGIT_MASK;
    d[TOP + 1] = (uint64_t)c.limb[TOP] >> 32;

    int j = MCR_XSUM_LIMBS;
    while (j >= 0 && d[j] == 0)
        j--;
    if (j < 0)
        return 0.0;
    if (j <= 2) {
        uint64_t hi = j == 2 ? d[2] : 0, lo = (j >= 1 ? d[1] << 32 : 0) | d[0];
        return sign * ldexp(u96_to_double(hi, lo), -1074);
    }
    uint64_t sticky = 0;
    for (int i = 0; i < j - 2; i++)
        sticky |= d[i];
    uint64_t lo = (d[j - 1] << 32) | d[j - 2] | (sticky != 0);
    return sign * ldexp(u96_to_double(d[j], lo), 32 * (j - 2) - 1074);
}

double mcr_i128_value(const mcr_i128_t *a)
{
    mcr_xsum_t acc;
    mcr_xsum_init(&acc);
    mcr_xsum_add(&acc, ldexp((double)a->hi, 64));
    mcr_xsum_add(&acc, ldexp((double)(a->lo >> 32), 32));
    mcr_xsum_add(&acc, (double)(a->lo & 0xffffffffu));
    return mcr_xsum_value(&acc);
}
