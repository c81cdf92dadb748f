/* rngtool.c -- generator operations the public CLI does not offer, for
 * tests/test_rng.py.
 *
 *   rngtool advance pcg64|pcg64dxsm STATE INC DELTA N
 *       N decimal outputs, one a line, after advance(DELTA) from (STATE, INC)
 *       (numpy's convention; all three decimal, below 2^128)
 *   rngtool interleave SEED FIRST K
 *       raw little-endian words from trials FIRST .. FIRST+K-1 of SEED, one
 *       word from each in turn, until the reader closes the pipe (dieharder
 *       on neighbouring trial streams)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernels/rng.h"

#define MAX_STREAMS 1024

static int usage(void)
{
    fputs("usage: rngtool advance pcg64|pcg64dxsm STATE INC DELTA N\n"
          "       rngtool interleave SEED FIRST K\n", stderr);
    return 2;
}

/* A decimal number below 2^128; 0 when text is not one. */
static int parse_u128(const char *text, mcr_u128 *v)
{
    mcr_u128 x = 0;
    if (!*text)
        return 0;
    for (const char *p = text; *p; p++) {
        if (*p < '0' || *p > '9' || x > (~(mcr_u128)0 - (unsigned)(*p - '0')) / 10)
            return 0;
        x = x * 10 + (unsigned)(*p - '0');
    }
    *v = x;
    return 1;
}

static int cmd_advance(int argc, char **argv)
{
    mcr_u128 state, inc, delta;
    if (argc != 7 || !parse_u128(argv[3], &state) || !parse_u128(argv[4], &inc) ||
        !parse_u128(argv[5], &delta))
        return usage();
    const int dxsm = !strcmp(argv[2], "pcg64dxsm");
    if (!dxsm && strcmp(argv[2], "pcg64"))
        return usage();
    const long n = atol(argv[6]);
    mcr_pcg_t g;
    mcr_pcg_set(&g, state, inc);
    if (dxsm)
        mcr_dxsm_advance(&g, delta);
    else
        mcr_pcg64_advance(&g, delta);
    for (long k = 0; k < n; k++)
        printf("%llu\n", (unsigned long long)(dxsm ? mcr_dxsm_next(&g) : mcr_pcg64_next(&g)));
    return fflush(stdout) == 0 ? 0 : 1;
}

static int cmd_interleave(int argc, char **argv)
{
    if (argc != 5)
        return usage();
    const unsigned long long seed = strtoull(argv[2], NULL, 10);
    const unsigned long long first = strtoull(argv[3], NULL, 10);
    const int k = atoi(argv[4]);
    if (k < 1 || k > MAX_STREAMS)
        return usage();
    static mcr_rng_t streams[MAX_STREAMS];
    mcr_stream_base_t base;
    mcr_stream_base(&base, seed);
    for (int s = 0; s < k; s++)
        mcr_stream_trial(&streams[s], &base, first + (unsigned long long)s);
    signal(SIGPIPE, SIG_IGN);
    enum { WORDS = 8192 };
    unsigned char buf[8 * WORDS];
    for (int s = 0;;) {
        for (int w = 0; w < WORDS; w++, s = (s + 1) % k) {
            const uint64_t x = mcr_rng_next(&streams[s]);
            for (int b = 0; b < 8; b++)
                buf[8 * w + b] = (unsigned char)(x >> (8 * b));
        }
        if (fwrite(buf, 1, sizeof buf, stdout) != sizeof buf)
            return errno == EPIPE ? 0 : 1;
    }
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "advance"))
        return cmd_advance(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "interleave"))
        return cmd_interleave(argc, argv);
    return usage();
}
