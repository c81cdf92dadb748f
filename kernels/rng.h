/* rng.h -- PCG64 and PCG64-DXSM generators, and mcrisk's per-trial streams.
 *
 * Both generators are the 128-bit linear congruential generators of the PCG
 * family exactly as numpy implements them (numpy.random.PCG64 and
 * numpy.random.PCG64DXSM), so that any stream can be checked bit for bit
 * against numpy:
 *
 *   PCG64       state' = state * M + inc, M = 0x2360ed051fc65da44385df649fccf645
 *               output = XSL-RR(state')            (output of the NEW state)
 *   PCG64-DXSM  output = DXSM(state), then state' = state * 0xda942042e4dd58b5 + inc
 *               (output of the OLD state, "cheap multiplier")
 *
 * State is a plain caller-owned struct (pcg-c's convention), and (state, inc)
 * are stored exactly as numpy's `bit_generator.state["state"]` reports them,
 * so mcr_pcg_set(g, state, inc) followed by next() gives numpy's random_raw().
 *
 * The generator behind every trial (mcr_rng_t) is PCG64-DXSM: numpy documents
 * that plain PCG64 streams with nearby increments can be correlated when very
 * many are used together, and recommends DXSM for massively parallel use. A
 * million-trial run is exactly that case. How trial streams are derived is in
 * rng.c's header essay (mcr_stream_*).
 */
#ifndef MCR_RNG_H
#define MCR_RNG_H

#include <stddef.h>
#include <stdint.h>

__extension__ typedef unsigned __int128 mcr_u128;

#define MCR_U128(hi, lo) ((((mcr_u128)(uint64_t)(hi)) << 64) | (mcr_u128)(uint64_t)(lo))

/* One 128-bit LCG: the state of a PCG64 or PCG64-DXSM generator. */
typedef struct {
    mcr_u128 state;     /* current LCG state, numpy's "state" */
    mcr_u128 inc;       /* LCG increment, odd; numpy's "inc" */
} mcr_pcg_t;

/* The generator every sampler and kernel takes first. */
typedef mcr_pcg_t mcr_rng_t;

#define MCR_PCG64_MULT  MCR_U128(0x2360ed051fc65da4ULL, 0x4385df649fccf645ULL)
#define MCR_DXSM_MULT   0xda942042e4dd58b5ULL

/* ---- generators ---------------------------------------------------------- */

/* Set (state, inc) verbatim, in numpy's convention. inc must be odd. */
static inline void mcr_pcg_set(mcr_pcg_t *g, mcr_u128 state, mcr_u128 inc)
{
    g->state = state;
    g->inc = inc;
}

/* PCG64 (XSL-RR 128/64): step, then output the new state. */
static inline uint64_t mcr_pcg64_next(mcr_pcg_t *g)
{
    g->state = g->state * MCR_PCG64_MULT + g->inc;
    uint64_t hi = (uint64_t)(g->state >> 64), lo = (uint64_t)g->state;
    unsigned rot = (unsigned)(hi >> 58);
    uint64_t x = hi ^ lo;
    return (x >> rot) | (x << ((-rot) & 63));
}

/* PCG64-DXSM: output the old state through DXSM, then step with the cheap
 * 64-bit multiplier. */
static inline uint64_t mcr_dxsm_next(mcr_pcg_t *g)
{
    uint64_t hi = (uint64_t)(g->state >> 64);
    uint64_t lo = (uint64_t)g->state | 1u;
    hi ^= hi >> 32;
    hi *= MCR_DXSM_MULT;
    hi ^= hi >> 48;
    hi *= lo;
    g->state = g->state * (mcr_u128)MCR_DXSM_MULT + g->inc;
    return hi;
}

/* Jump ahead by delta steps (mod 2^128) in O(log delta), Brown's "Random
 * Number Generation with Arbitrary Stride" (1994). Equal to numpy's
 * bit_generator.advance(delta). */
void mcr_pcg64_advance(mcr_pcg_t *g, mcr_u128 delta);
void mcr_dxsm_advance(mcr_pcg_t *g, mcr_u128 delta);

/* Write the next n outputs to out[0..n-1], exactly as n calls to
 * mcr_pcg64_next / mcr_dxsm_next would, leaving g where they would; faster
 * for large n (bulk output: `mcrisk rng --raw`, benchmarks). */
void mcr_pcg64_fill(mcr_pcg_t *g, uint64_t *out, size_t n);
void mcr_dxsm_fill(mcr_pcg_t *g, uint64_t *out, size_t n);

/* The trial generator's next 64 random bits. */
static inline uint64_t mcr_rng_next(mcr_rng_t *r)
{
    return mcr_dxsm_next(r);
}

/* Uniform integer in [0, bound), bound >= 1, without modulo bias. */
uint64_t mcr_rng_bounded(mcr_rng_t *r, uint64_t bound);

/* ---- per-trial streams -------------------------------------------------- */

/* What a run's seed contributes to every trial stream, computed once per run
 * (mcr_stream_base) so that deriving trial i's stream (mcr_stream_trial) is a
 * few dozen integer operations. */
typedef struct {
    uint32_t pool[4];   /* numpy SeedSequence entropy pool after the seed words */
    uint32_t hash;      /* the running hash constant at that point */
} mcr_stream_base_t;

void mcr_stream_base(mcr_stream_base_t *base, uint64_t seed);

/* Trial `trial`'s generator: identical to numpy's
 *   PCG64DXSM(SeedSequence(seed, spawn_key=(trial,)))
 * i.e. the trial-th child of SeedSequence(seed).spawn(). Depends on (seed,
 * trial) alone. */
void mcr_stream_trial(mcr_rng_t *r, const mcr_stream_base_t *base, uint64_t trial);

#endif /* MCR_RNG_H */
