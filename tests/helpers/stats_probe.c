/* stats_probe.c -- feed doubles to results/ (xsum, stats, sketch) and print
 * what they compute, so tests/test_*.py can compare with numpy, scipy and
 * math.fsum bit for bit.
 *
 * Input: little-endian float64 values on stdin. Output: one result a line,
 * doubles as C99 hex floats (%a, read back exactly by float.fromhex).
 *
 *   stats_probe sum                  exact sum of all values
 *   stats_probe stats P...           sorted; per level "P value ci_lo ci_hi",
 *                                    then "moments mean sd min max sem cvar95
 *                                    cvar99" and "cvar_count k95 k99"
 *   stats_probe sort                 the values sorted, one a line
 *   stats_probe ranks                average ranks, one a line
 *   stats_probe spearman             2n values: a then b; Spearman's rho
 *   stats_probe sketch K HOW P...    the values cut into K contiguous pieces,
 *                                    each into cell 1 of its own 3-cell
 *                                    sketch, merged into one (HOW: fwd, rev,
 *                                    or pack: through pack/unpack_merge);
 *                                    prints "bound" (MCR_SKETCH_REL_ERROR),
 *                                    "count n", "min", "max", then one
 *                                    estimate per level P
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results/sketch.h"
#include "results/stats.h"
#include "results/xsum.h"

static double *read_all(size_t *n)
{
    size_t cap = 1024, len = 0;
    double *x = malloc(cap * sizeof *x);
    for (;;) {
        if (!x)
            return NULL;
        len += fread(x + len, sizeof *x, cap - len, stdin);
        if (len < cap)
            break;
        cap *= 2;
        double *y = realloc(x, cap * sizeof *x);
        if (!y)
            free(x);
        x = y;
    }
    *n = len;
    return x;
}

static int fail(const char *why)
{
    fprintf(stderr, "stats_probe: %s\n", why);
    return 2;
}

static int do_stats(double *x, size_t n, int argc, char **argv)
{
    double *tmp = malloc((n ? n : 1) * sizeof *tmp);
    if (!tmp)
        return fail("out of memory");
    mcr_sort_doubles(x, n, tmp);
    for (int i = 0; i < argc; i++) {
        double p = strtod(argv[i], NULL);
        size_t lo, hi;
        mcr_percentile_ci_index(n, p, &lo, &hi);
        printf("%s %a %zu %zu\n", argv[i], mcr_percentile_sorted(x, n, p), lo, hi);
    }
    mcr_moments_t m;
    mcr_moments_sorted(x, n, &m);
    printf("moments %a %a %a %a %a %a %a\n", m.mean, m.sd, m.min, m.max, m.sem,
           m.cvar95, m.cvar99);
    printf("cvar_count %zu %zu\n", mcr_cvar_count(n, 95), mcr_cvar_count(n, 99));
    free(tmp);
    return 0;
}

static int do_sketch(const double *x, size_t n, int argc, char **argv)
{
    if (argc < 2)
        return fail("sketch K HOW P...");
    size_t k = strtoul(argv[0], NULL, 10);
    const char *how = argv[1];
    if (k < 1 || (strcmp(how, "fwd") && strcmp(how, "rev") && strcmp(how, "pack")))
        return fail("sketch: bad K or HOW");
    mcr_sketch_t *all = mcr_sketch_new(3);
    if (!all)
        return fail("out of memory");
    for (size_t j = 0; j < k; j++) {
        size_t piece = strcmp(how, "rev") ? j : k - 1 - j;
        size_t from = n * piece / k, to = n * (piece + 1) / k;
        mcr_sketch_t *sk = mcr_sketch_new(3);
        if (!sk)
            return fail("out of memory");
        for (size_t i = from; i < to; i++)
            if (mcr_sketch_add(sk, 1, x[i]) != MCR_OK)
                return fail("sketch_add failed");
        if (!strcmp(how, "pack")) {
            uint64_t *w;
            size_t nw;
            if (mcr_sketch_pack(sk, &w, &nw) != MCR_OK
                || mcr_sketch_unpack_merge(all, w, nw) != MCR_OK)
                return fail("pack/unpack failed");
            free(w);
        } else if (mcr_sketch_merge(all, sk) != MCR_OK) {
            return fail("merge failed");
        }
        mcr_sketch_free(sk);
    }
    size_t np = (size_t)(argc - 2);
    double *pct = malloc((np + 1) * sizeof *pct), *out = malloc((np + 1) * sizeof *out);
    if (!pct || !out)
        return fail("out of memory");
    for (size_t i = 0; i < np; i++)
        pct[i] = strtod(argv[2 + i], NULL);
    mcr_sketch_quantiles(all, 1, pct, np, out);
    printf("bound %a\n", MCR_SKETCH_REL_ERROR);
    printf("count %llu\n", (unsigned long long)mcr_sketch_count(all, 1));
    printf("min %a\nmax %a\n", mcr_sketch_min(all, 1), mcr_sketch_max(all, 1));
    for (size_t i = 0; i < np; i++)
        printf("%s %a\n", argv[2 + i], out[i]);
    free(pct);
    free(out);
    mcr_sketch_free(all);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return fail("usage: stats_probe sum|stats|sort|ranks|spearman|sketch ...");
    size_t n;
    double *x = read_all(&n);
    if (!x)
        return fail("out of memory");
    const char *cmd = argv[1];
    int rc = 0;
    if (!strcmp(cmd, "sum")) {
        mcr_xsum_t acc;
        mcr_xsum_init(&acc);
        for (size_t i = 0; i < n; i++)
            mcr_xsum_add(&acc, x[i]);
        printf("%a\n", mcr_xsum_value(&acc));
    } else if (!strcmp(cmd, "stats")) {
        rc = n ? do_stats(x, n, argc - 2, argv + 2) : fail("stats: no values");
    } else if (!strcmp(cmd, "sort")) {
        double *tmp = malloc((n ? n : 1) * sizeof *tmp);
        if (!tmp)
            return fail("out of memory");
        mcr_sort_doubles(x, n, tmp);
        for (size_t i = 0; i < n; i++)
            printf("%a\n", x[i]);
        free(tmp);
    } else if (!strcmp(cmd, "ranks") || !strcmp(cmd, "spearman")) {
        int sp = !strcmp(cmd, "spearman");
        size_t m = sp ? n / 2 : n;
        double *r = malloc((2 * m + 1) * sizeof *r);
        void *scratch = malloc(mcr_rank_scratch_bytes(m));
        if (!r || !scratch)
            return fail("out of memory");
        mcr_average_ranks(x, m, r, scratch);
        if (sp) {
            mcr_average_ranks(x + m, m, r + m, scratch);
            printf("%a\n", mcr_spearman_ranks(r, r + m, m));
        } else {
            for (size_t i = 0; i < m; i++)
                printf("%a\n", r[i]);
        }
        free(r);
        free(scratch);
    } else if (!strcmp(cmd, "sketch")) {
        rc = do_sketch(x, n, argc - 2, argv + 2);
    } else {
        rc = fail("unknown command");
    }
    free(x);
    return rc;
}
