/* cmd_rng.c -- `mcrisk rng`: print a random stream (SPEC 4).
 *
 *   mcrisk rng --seed N [--trial I] [-n COUNT] [--raw]
 *   mcrisk rng --state X --inc X [--generator pcg64|pcg64dxsm] [-n COUNT] [--raw]
 *
 * The first form prints trial I's stream of a run with seed N -- exactly the
 * generator the engine gives that trial (kernels/rng.c), which is numpy's
 * PCG64DXSM(SeedSequence(N, spawn_key=(I,))). The second starts a generator
 * from an explicit state in numpy's convention (bit_generator.state["state"]
 * gives "state" and "inc"), so its output is numpy's random_raw(). Both exist
 * to check mcrisk's random numbers from outside: against numpy, or through
 * `mcrisk rng --seed 1 --raw | dieharder -g 200 -a`.
 *
 * Output is one decimal uint64 a line, or with --raw little-endian 64-bit
 * words; --raw without -n streams until the reader closes the pipe. A closed
 * pipe (EPIPE) is a normal end (exit 0): SIGPIPE is ignored so that the write
 * reports it. Any other write error is a runtime failure (exit 1). Output is
 * built in a 64 KiB buffer and written with one fwrite per buffer.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "engine/cli.h"
#include "engine/commands.h"
#include "inputs/scenario.h"
#include "kernels/rng.h"

static const char RNG_USAGE[] =
    "usage: mcrisk rng --seed N [--trial I] [-n COUNT] [--raw]\n"
    "       mcrisk rng --state X --inc X [--generator pcg64|pcg64dxsm] [-n COUNT] [--raw]\n"
    "\n"
    "Print a random stream: one decimal uint64 a line, or with --raw\n"
    "little-endian 64-bit words.\n"
    "\n"
    "  --seed N        a run's seed, 0 .. 2^64-1; prints trial I's stream, the\n"
    "                  generator the engine uses for that trial: numpy's\n"
    "                  PCG64DXSM(SeedSequence(N, spawn_key=(I,)))\n"
    "  --trial I       the trial, 0 .. 2^64-1 (default 0)\n"
    "  --state X       an explicit 128-bit LCG state and increment, as numpy's\n"
    "  --inc X         bit_generator.state[\"state\"] gives them (inc is odd);\n"
    "                  X is decimal, or hex with 0x (the 0x may be left out\n"
    "                  when X has a hex letter). The output equals numpy's\n"
    "                  random_raw() for that state.\n"
    "  --generator G   pcg64 or pcg64dxsm (default pcg64dxsm, the trial\n"
    "                  generator); only with --state\n"
    "  -n COUNT        how many numbers (default 10; with --raw, unlimited:\n"
    "                  streams until the reader closes the pipe)\n"
    "  --raw           binary output, 8 bytes a number, little-endian\n"
    "\n"
    "example: mcrisk rng --seed 1 --raw | dieharder -g 200 -a\n";

#define OUT_BYTES 65536     /* one fwrite per this many bytes */

typedef enum { GEN_PCG64, GEN_DXSM } gen_kind_t;

/* ---- argument parsing ------------------------------------------------------- */

/* Parse a 128-bit unsigned integer: decimal digits, or hex with a 0x/0X
 * prefix, or hex digits with at least one letter a-f and no prefix. */
static mcr_status_t parse_u128(const char *flag, const char *text, mcr_u128 *v, mcr_err_t *err)
{
    const char *p = text;
    int hex = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        hex = 1;
        p += 2;
    } else {
        for (const char *q = p; *q; q++)
            if ((*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))
                hex = 1;
    }
    if (*p == '\0')
        goto bad;
    mcr_u128 x = 0;
    const mcr_u128 max = ~(mcr_u128)0;
    for (; *p; p++) {
        unsigned d;
        if (*p >= '0' && *p <= '9')
            d = (unsigned)(*p - '0');
        else if (hex && *p >= 'a' && *p <= 'f')
            d = (unsigned)(*p - 'a' + 10);
        else if (hex && *p >= 'A' && *p <= 'F')
            d = (unsigned)(*p - 'A' + 10);
        else
            goto bad;
        const unsigned base = hex ? 16 : 10;
        if (x > (max - d) / base)
            return mcr_fail(err, MCR_EINPUT, "mcrisk: error: %s: must be below 2^128, got '%s'",
                            flag, text);
        x = x * base + d;
    }
    *v = x;
    return MCR_OK;
bad:
    return mcr_fail(err, MCR_EINPUT,
                    "mcrisk: error: %s: must be a 128-bit unsigned integer, decimal or hex "
                    "(0x...), got '%s'", flag, text);
}

typedef struct {
    const char *seed, *trial, *state, *inc, *generator, *count;
    int raw;
} rng_args_t;

/* Does argv[*i] name option `flag`? 0 if not. 1 if it does: its value is
 * stored in *slot, or, when the value is missing or the option came before,
 * *st and err say so. */
static int take(int argc, char **argv, int *i, const char *flag, const char **slot,
                mcr_status_t *st, mcr_err_t *err)
{
    const char *value;
    int m = mcr_cli_opt(argc, argv, i, flag, &value, err);
    if (m < 0) {
        *st = MCR_EINPUT;
        return 1;
    }
    if (m == 0)
        return 0;
    if (*slot)
        *st = mcr_fail(err, MCR_EINPUT, "mcrisk: error: %s: given more than once", flag);
    else
        *slot = value;
    return 1;
}

static mcr_status_t parse_args(int argc, char **argv, rng_args_t *a, mcr_err_t *err)
{
    mcr_status_t st = MCR_OK;
    for (int i = 1; i < argc && st == MCR_OK; i++) {
        const char *arg = argv[i];
        if (!strcmp(arg, "--raw")) {
            if (a->raw)
                return mcr_fail(err, MCR_EINPUT, "mcrisk: error: --raw: given more than once");
            a->raw = 1;
            continue;
        }
        if (take(argc, argv, &i, "--seed", &a->seed, &st, err) ||
            take(argc, argv, &i, "--trial", &a->trial, &st, err) ||
            take(argc, argv, &i, "--state", &a->state, &st, err) ||
            take(argc, argv, &i, "--inc", &a->inc, &st, err) ||
            take(argc, argv, &i, "--generator", &a->generator, &st, err) ||
            take(argc, argv, &i, "-n", &a->count, &st, err))
            continue;
        if (arg[0] == '-')
            return mcr_fail(err, MCR_EINPUT,
                            "mcrisk: error: %s: unknown option (try mcrisk rng --help)", arg);
        return mcr_fail(err, MCR_EINPUT,
                        "mcrisk: error: %s: unexpected argument (try mcrisk rng --help)", arg);
    }
    return st;
}

/* ---- output --------------------------------------------------------------- */

/* Write n bytes to stdout. MCR_OK, also when the reader has closed the pipe
 * (then *closed is set: a normal end), or MCR_ERUNTIME with a message. */
static mcr_status_t write_out(const void *buf, size_t n, int *closed, mcr_err_t *err)
{
    if (n == 0 || fwrite(buf, 1, n, stdout) == n)
        return MCR_OK;
    if (errno == EPIPE) {
        *closed = 1;
        return MCR_OK;
    }
    return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: writing to stdout: %s", strerror(errno));
}

/* Decimal digits of v at the end of buf[0..20), returning where they start. */
static char *u64_decimal(uint64_t v, char *end)
{
    char *p = end;
    do {
        *--p = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return p;
}

/* Little-endian bytes of w at p, whatever the host's byte order. */
static void put_le64(unsigned char *p, uint64_t w)
{
    for (int b = 0; b < 8; b++)
        p[b] = (unsigned char)(w >> (8 * b));
}

static void fill(gen_kind_t kind, mcr_pcg_t *g, uint64_t *out, size_t n)
{
    if (kind == GEN_PCG64)
        mcr_pcg64_fill(g, out, n);
    else
        mcr_dxsm_fill(g, out, n);
}

/* Emit `count` numbers (count == 0: until the pipe closes). */
static mcr_status_t emit(gen_kind_t kind, mcr_pcg_t *g, uint64_t count, int raw, mcr_err_t *err)
{
    uint64_t words[OUT_BYTES / 8];
    unsigned char bytes[OUT_BYTES];
    const size_t per_chunk = raw ? OUT_BYTES / 8 : OUT_BYTES / 21;  /* 20 digits + '\n' */
    uint64_t left = count;
    int closed = 0;
    mcr_status_t st = MCR_OK;
    while (st == MCR_OK && !closed && (count == 0 || left > 0)) {
        size_t n = per_chunk;
        if (count != 0 && left < n)
            n = (size_t)left;
        fill(kind, g, words, n);
        size_t len = 0;
        if (raw) {
            for (size_t k = 0; k < n; k++)
                put_le64(bytes + 8 * k, words[k]);
            len = 8 * n;
        } else {
            for (size_t k = 0; k < n; k++) {
                char digits[20];
                char *s = u64_decimal(words[k], digits + sizeof digits);
                size_t d = (size_t)(digits + sizeof digits - s);
                memcpy(bytes + len, s, d);
                len += d;
                bytes[len++] = '\n';
            }
        }
        st = write_out(bytes, len, &closed, err);
        if (count != 0)
            left -= n;
    }
    if (st == MCR_OK && !closed && fflush(stdout) != 0 && errno != EPIPE)
        st = mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: writing to stdout: %s", strerror(errno));
    return st;
}

/* ---- the command ------------------------------------------------------------ */

int mcr_cmd_rng(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(RNG_USAGE, stdout);
            return 0;
        }

    mcr_err_t err = {{0}};
    rng_args_t a = {0};
    mcr_status_t st = parse_args(argc, argv, &a, &err);
    if (st != MCR_OK)
        return mcr_cli_report(st, &err);

    uint64_t count = 10;
    if (a.count) {
        int64_t c;
        if ((st = mcr_parse_trials("-n", a.count, &c, &err)) != MCR_OK)
            return mcr_cli_report(st, &err);
        count = (uint64_t)c;
    } else if (a.raw) {
        count = 0;                  /* unlimited */
    }

    mcr_pcg_t g;
    gen_kind_t kind = GEN_DXSM;
    if (a.seed) {
        const char *clash = a.state ? "--state" : a.inc ? "--inc" : a.generator ? "--generator" : NULL;
        if (clash)
            return mcr_cli_report(mcr_fail(&err, MCR_EINPUT,
                                           "mcrisk: error: %s: cannot be combined with --seed "
                                           "(a seed's trial streams are pcg64dxsm)", clash), &err);
        uint64_t seed, trial = 0;
        if ((st = mcr_parse_seed("--seed", a.seed, &seed, &err)) != MCR_OK)
            return mcr_cli_report(st, &err);
        if (a.trial && (st = mcr_parse_seed("--trial", a.trial, &trial, &err)) != MCR_OK)
            return mcr_cli_report(st, &err);
        mcr_stream_base_t base;
        mcr_stream_base(&base, seed);
        mcr_stream_trial(&g, &base, trial);
    } else if (a.state || a.inc) {
        if (a.trial)
            return mcr_cli_report(mcr_fail(&err, MCR_EINPUT,
                                           "mcrisk: error: --trial: only with --seed"), &err);
        if (!a.state || !a.inc)
            return mcr_cli_report(mcr_fail(&err, MCR_EINPUT, "mcrisk: error: %s: required with %s",
                                           a.state ? "--inc" : "--state",
                                           a.state ? "--state" : "--inc"), &err);
        mcr_u128 state, inc;
        if ((st = parse_u128("--state", a.state, &state, &err)) != MCR_OK ||
            (st = parse_u128("--inc", a.inc, &inc, &err)) != MCR_OK)
            return mcr_cli_report(st, &err);
        if (!(inc & 1))
            return mcr_cli_report(mcr_fail(&err, MCR_EINPUT,
                                           "mcrisk: error: --inc: must be odd (numpy's inc is "
                                           "2 * initseq + 1), got '%s'", a.inc), &err);
        if (a.generator && !strcmp(a.generator, "pcg64"))
            kind = GEN_PCG64;
        else if (a.generator && strcmp(a.generator, "pcg64dxsm"))
            return mcr_cli_report(mcr_fail(&err, MCR_EINPUT,
                                           "mcrisk: error: --generator: must be pcg64 or pcg64dxsm, "
                                           "got '%s'", a.generator), &err);
        mcr_pcg_set(&g, state, inc);
    } else {
        const char *stray = a.trial ? "--trial" : a.generator ? "--generator" : NULL;
        if (stray)
            return mcr_cli_report(mcr_fail(&err, MCR_EINPUT,
                                           "mcrisk: error: %s: needs --seed N or --state X --inc X",
                                           stray), &err);
        return mcr_cli_report(mcr_fail(&err, MCR_EINPUT,
                                       "mcrisk: error: --seed: required (or --state X --inc X; "
                                       "try mcrisk rng --help)"), &err);
    }

    signal(SIGPIPE, SIG_IGN);       /* a closed pipe becomes EPIPE: a normal end */
    st = emit(kind, &g, count, a.raw, &err);
    return mcr_cli_report(st, &err);
}
