/* rng.c -- jump-ahead, bounded draws, bulk output, and per-trial streams.
 *
 * The generators themselves (one step and one output) are inline in rng.h.
 * This file holds what is too large to inline: Brown's arbitrary-stride
 * jump-ahead, the unbiased bounded draw, bulk fills of many outputs, and the
 * derivation of every trial's own generator from (seed, trial).
 *
 * ---- How trial streams are derived ---------------------------------------
 *
 * Trial i of a run with seed s draws from the generator
 *
 *     PCG64DXSM(SeedSequence(s, spawn_key=(i,)))           (numpy)
 *
 * which is also the i-th child of SeedSequence(s).spawn(n), numpy's own
 * recommendation for parallel streams. So any trial's stream can be checked
 * against numpy from Python, and `mcrisk rng --seed s --trial i` prints it.
 *
 * numpy's SeedSequence (numpy/random/bit_generator.pyx) hashes its entropy
 * into a pool of four 32-bit words and then hashes the pool out into as many
 * words as asked:
 *
 *     hashmix(v):  v ^= h; h *= MULT_A; v *= h; v ^= v >> 16   (h: running hash)
 *     mix(x, y):   r = MIX_L x - MIX_R y; r ^= r >> 16          (all mod 2^32)
 *
 *     entropy  = seed as little-endian 32-bit words ([0] for 0), zero-padded
 *                to 4 words because a spawn key follows, then the spawn key's
 *                words (i: one word when i < 2^32, else two)
 *     pool[k]  = hashmix(entropy[k]), k < 4              (h starts at INIT_A)
 *     pool[d]  = mix(pool[d], hashmix(pool[s])) for each s, each d != s
 *     pool[d]  = mix(pool[d], hashmix(w))       for each later word w, each d
 *     out[j]   = hashmix'(pool[j % 4]), j < 8          (h restarts at INIT_B,
 *                                                        multiplier MULT_B)
 *
 * The eight output words, paired little-endian into four uint64 w[0..3], seed
 * the generator as numpy's pcg64_set_seed does: initstate = w0:w1, inc =
 * (w2:w3 << 1) | 1, state = 0, one step, state += initstate, one step. Those
 * two steps use the PCG64 multiplier even for PCG64DXSM: numpy seeds both
 * generators through the same routine (checked against numpy 1.24).
 *
 * Because a spawn key pads the seed's words to exactly four, everything up to
 * the spawn word depends on the seed alone: mcr_stream_base() computes it once
 * per run (pool and running hash), and mcr_stream_trial() does only the
 * spawn-word mixing (4 or 8 hashmix/mix pairs), the 8 output words and 2 LCG
 * steps -- about fifty integer operations, no 128-step jump per trial. The
 * stream depends on (seed, trial) alone, never on threads, ranks or the order
 * in which trials run.
 *
 * ---- Why trial streams neither overlap nor correlate ---------------------
 *
 * Distinct. Every step of the spawn-word path is a bijection of the word for
 * a fixed seed: xor with h, multiplication by the odd h, and v ^= v >> 16 are
 * invertible mod 2^32, and mix(x, y) is invertible in y because MIX_R is odd.
 * So for trials below 2^32 the first pool word, and from it the first output
 * word (bits 64..95 of initstate), differ between any two trials: no two
 * trials of a run ever start from the same (state, inc).
 *
 * No overlap. A 128-bit LCG with increment inc visits all 2^128 states in one
 * cycle; two generators with different increments are different sequences
 * and never share a run of states. Among n trials, two share an increment
 * (127 hashed bits) with probability below n^2 / 2^128 (2^-68 for 2^30
 * trials), and two that did would still start at independent random points of
 * a 2^128 cycle: L outputs each overlap with probability about 2L / 2^128.
 *
 * No correlation. The known weakness of PCG64 is between streams whose
 * increments are related (e.g. differ in a few low bits) and start from
 * related states; a naive "inc = trial" scheme would create exactly that.
 * Here state and increment are both hashed from (seed, trial) with full
 * avalanche, so neighbouring trials get unrelated parameters, and the DXSM
 * output function (a multiply of the high half by the low half, where PCG64's
 * XSL-RR only xors and rotates) is what numpy recommends precisely for
 * "massively parallel" use. tests/test_rng.c checks that neighbouring
 * streams are uncorrelated, and the dieharder tests in tests/test_rng.py run
 * on both a single stream and on neighbouring trial streams interleaved.
 *
 * ---- Jump-ahead -----------------------------------------------------------
 *
 * Brown, "Random Number Generation with Arbitrary Stride", Trans. Am. Nucl.
 * Soc. 71 (1994): delta steps of s' = a s + c equal s' = A s + C with
 * (A, C) accumulated by repeated squaring of (a, c) over the bits of delta --
 * the algorithm of pcg-c's pcg_advance_lcg_128 and numpy's advance().
 */
#include "kernels/rng.h"

#include <stddef.h>

/* ---- jump-ahead ---------------------------------------------------------- */

/* The state after delta steps of s' = mult s + inc from state. */
static mcr_u128 lcg_advance(mcr_u128 state, mcr_u128 delta, mcr_u128 mult, mcr_u128 inc)
{
    mcr_u128 acc_mult = 1, acc_plus = 0;
    while (delta > 0) {
        if (delta & 1) {
            acc_mult *= mult;
            acc_plus = acc_plus * mult + inc;
        }
        inc = (mult + 1) * inc;
        mult *= mult;
        delta >>= 1;
    }
    return acc_mult * state + acc_plus;
}

void mcr_pcg64_advance(mcr_pcg_t *g, mcr_u128 delta)
{
    g->state = lcg_advance(g->state, delta, MCR_PCG64_MULT, g->inc);
}

void mcr_dxsm_advance(mcr_pcg_t *g, mcr_u128 delta)
{
    g->state = lcg_advance(g->state, delta, (mcr_u128)MCR_DXSM_MULT, g->inc);
}

/* ---- bounded draws ------------------------------------------------------- */

/* Lemire, "Fast Random Integer Generation in an Interval", ACM TOMACS 29(1)
 * (2019): the high word of x * bound is uniform on [0, bound) once the draws
 * whose low word falls below 2^64 mod bound are rejected. The rejection (and
 * its one division) happens with probability bound / 2^64 at most. */
uint64_t mcr_rng_bounded(mcr_rng_t *r, uint64_t bound)
{
    mcr_u128 m = (mcr_u128)mcr_rng_next(r) * bound;
    uint64_t low = (uint64_t)m;
    if (low < bound) {
        uint64_t threshold = (0 - bound) % bound;   /* 2^64 mod bound */
        while (low < threshold) {
            m = (mcr_u128)mcr_rng_next(r) * bound;
            low = (uint64_t)m;
        }
    }
    return (uint64_t)(m >> 64);
}

/* ---- bulk output --------------------------------------------------------- */

/* PCG64's output function, XSL-RR, of a state. */
static inline uint64_t xsl_rr(mcr_u128 s)
{
    uint64_t x = (uint64_t)(s >> 64) ^ (uint64_t)s;
    unsigned rot = (unsigned)(s >> 122);
    return (x >> rot) | (x << ((-rot) & 63));
}

/* One PCG64 step is a chain of dependent 128-bit multiplies, so a single
 * generator waits on the multiplier's latency. Four lanes, each holding every
 * fourth state and stepping by (M^4, inc (M^3 + M^2 + M + 1)), run four
 * independent chains and keep the multiplier busy; the outputs and the final
 * state are exactly those of n calls to mcr_pcg64_next. */
void mcr_pcg64_fill(mcr_pcg_t *g, uint64_t *out, size_t n)
{
    size_t blocks = n / 4;
    size_t done = 0;
    if (blocks >= 2) {
        const mcr_u128 m = MCR_PCG64_MULT;
        const mcr_u128 m4 = m * m * m * m;
        const mcr_u128 c4 = g->inc * (m * m * m + m * m + m + 1);
        mcr_u128 s0 = g->state * m + g->inc;
        mcr_u128 s1 = s0 * m + g->inc;
        mcr_u128 s2 = s1 * m + g->inc;
        mcr_u128 s3 = s2 * m + g->inc;
        for (size_t b = 0; b + 1 < blocks; b++, out += 4) {
            out[0] = xsl_rr(s0);
            out[1] = xsl_rr(s1);
            out[2] = xsl_rr(s2);
            out[3] = xsl_rr(s3);
            s0 = s0 * m4 + c4;
            s1 = s1 * m4 + c4;
            s2 = s2 * m4 + c4;
            s3 = s3 * m4 + c4;
        }
        out[0] = xsl_rr(s0);
        out[1] = xsl_rr(s1);
        out[2] = xsl_rr(s2);
        out[3] = xsl_rr(s3);
        out += 4;
        g->state = s3;
        done = 4 * blocks;
    }
    for (; done < n; done++)
        *out++ = mcr_pcg64_next(g);
}

/* DXSM steps with a 64-bit multiplier and spends its second multiply on the
 * output, off the dependency chain, so one lane is already as fast as lanes
 * would be (a stride of k needs the 128-bit multiplier C^k). The local copy
 * keeps the state in registers. */
void mcr_dxsm_fill(mcr_pcg_t *g, uint64_t *out, size_t n)
{
    mcr_pcg_t local = *g;
    for (size_t i = 0; i < n; i++)
        out[i] = mcr_dxsm_next(&local);
    *g = local;
}

/* ---- per-trial streams (numpy SeedSequence, see the essay above) ---------- */

#define SS_INIT_A    0x43b0d7e5u
#define SS_MULT_A    0x931e8875u
#define SS_INIT_B    0x8b51f9ddu
#define SS_MULT_B    0x58f38dedu
#define SS_MIX_L     0xca01f9ddu
#define SS_MIX_R     0x4973f715u
#define SS_XSHIFT    16

static inline uint32_t ss_hashmix(uint32_t v, uint32_t *h)
{
    v ^= *h;
    *h *= SS_MULT_A;
    v *= *h;
    v ^= v >> SS_XSHIFT;
    return v;
}

static inline uint32_t ss_mix(uint32_t x, uint32_t y)
{
    uint32_t r = SS_MIX_L * x - SS_MIX_R * y;
    r ^= r >> SS_XSHIFT;
    return r;
}

void mcr_stream_base(mcr_stream_base_t *base, uint64_t seed)
{
    /* The seed's words, [lo] or [lo, hi], zero-padded to four: [lo, hi, 0, 0]
     * either way. */
    const uint32_t entropy[4] = {(uint32_t)seed, (uint32_t)(seed >> 32), 0, 0};
    uint32_t h = SS_INIT_A;
    for (int k = 0; k < 4; k++)
        base->pool[k] = ss_hashmix(entropy[k], &h);
    for (int src = 0; src < 4; src++)
        for (int dst = 0; dst < 4; dst++)
            if (src != dst)
                base->pool[dst] = ss_mix(base->pool[dst], ss_hashmix(base->pool[src], &h));
    base->hash = h;
}

void mcr_stream_trial(mcr_rng_t *r, const mcr_stream_base_t *base, uint64_t trial)
{
    uint32_t pool[4] = {base->pool[0], base->pool[1], base->pool[2], base->pool[3]};
    uint32_t h = base->hash;
    const uint32_t words[2] = {(uint32_t)trial, (uint32_t)(trial >> 32)};
    const int nwords = trial >> 32 ? 2 : 1;
    for (int w = 0; w < nwords; w++)
        for (int dst = 0; dst < 4; dst++)
            pool[dst] = ss_mix(pool[dst], ss_hashmix(words[w], &h));

    uint32_t out[8];
    uint32_t hb = SS_INIT_B;
    for (int j = 0; j < 8; j++) {
        uint32_t v = pool[j % 4] ^ hb;
        hb *= SS_MULT_B;
        v *= hb;
        v ^= v >> SS_XSHIFT;
        out[j] = v;
    }
    uint64_t w64[4];
    for (int k = 0; k < 4; k++)
        w64[k] = (uint64_t)out[2 * k] | (uint64_t)out[2 * k + 1] << 32;

    /* numpy's pcg64_set_seed (pcg_setseq_128_srandom_r), for PCG64DXSM too. */
    const mcr_u128 initstate = MCR_U128(w64[0], w64[1]);
    const mcr_u128 inc = MCR_U128(w64[2], w64[3]) << 1 | 1;
    mcr_u128 state = inc;                       /* 0 * M + inc */
    state += initstate;
    state = state * MCR_PCG64_MULT + inc;
    mcr_pcg_set(r, state, inc);
}
