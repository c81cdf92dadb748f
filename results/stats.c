/* stats.c -- exact statistics of per-trial scalar outputs (see stats.h).
 *
 * Sorting. A double's bit pattern, with the sign bit flipped for a positive
 * number and every bit flipped for a negative one, is an unsigned integer
 * that increases with the value (-0.0 just below +0.0): the "order key". We
 * sort keys with a least-significant-digit radix sort (Knuth, TAOCP vol. 3,
 * 5.2.5), 8 bits a pass; the histograms of all passes are gathered in one
 * read, and a pass in which every key has the same digit (the sign and top
 * exponent bits of same-signed data, say) is skipped. 8-bit digits measured
 * faster than 11-bit ones despite the extra passes: 256 scatter streams stay
 * in cache and TLB, 2048 do not. The result is unique (equal keys are equal
 * bit patterns), so nothing can depend on threads. Arrays shorter than
 * SMALL_SORT are insertion-sorted.
 *
 * Percentiles copy numpy 1.24's arithmetic (numpy/lib/function_base.py:
 * _quantile, _get_indexes, _get_gamma, _lerp) operation for operation,
 * including the case h >= n-1, where numpy still evaluates its lerp between
 * x[n-1] and itself with weight h+1 (which turns a -0.0 maximum into +0.0).
 *
 * Sums (means, squared deviations, tails, Spearman's products) go through
 * results/xsum.h or exact integers, so every figure is the correctly rounded
 * value of a well-defined exact expression, whatever order the data came in.
 *
 * Ranks. Average ranks need an argsort: (key, index) pairs are radix-sorted
 * on the key, then each run of equal values (compared as doubles, so -0.0 and
 * +0.0 tie, as in scipy.stats.rankdata) gets the mean 1-based position
 * (s + e + 1)/2 of its run [s, e), evaluated as in scipy.
 *
 * Spearman. For ranks r (multiples of 1/2 summing to n(n+1)/2, as average
 * ranks always do) the deviations 2r - (n+1) are integers below n in
 * magnitude, so for n <= 2^31 their products fit in int64 and their sums in
 * 128-bit integers: rho = Sab / sqrt(Saa Sbb) with exact Sab, Saa, Sbb, each
 * rounded once. Other inputs fall back to rounded deviations and products
 * summed exactly.
 */
#include "results/stats.h"

#include <math.h>
#include <string.h>

#include "results/xsum.h"

#define RADIX_BITS 8
#define RADIX      (1u << RADIX_BITS)
#define PASSES     8                /* 64 / RADIX_BITS */
#define SMALL_SORT 48

/* ---- order keys ------------------------------------------------------------- */

static inline uint64_t key_of(const double *p)
{
    uint64_t u;
    memcpy(&u, p, sizeof u);
    return u ^ (-(u >> 63) | (1ull << 63));
}

static inline double value_of(uint64_t key)
{
    uint64_t u = (key >> 63) ? key ^ (1ull << 63) : ~key;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static inline uint64_t load_u64(const double *p)
{
    uint64_t u;
    memcpy(&u, p, sizeof u);
    return u;
}

static inline void store_u64(double *p, uint64_t u)
{
    memcpy(p, &u, sizeof u);
}

static inline unsigned digit(uint64_t key, int pass)
{
    return (unsigned)(key >> (pass * RADIX_BITS)) & (RADIX - 1);
}

/* Turn histograms into starting offsets; returns 0 when every key has the
 * same digit (the pass can be skipped), 1 otherwise. */
static int offsets(size_t *count, size_t n, unsigned first_digit)
{
    if (count[first_digit] == n)
        return 0;
    size_t sum = 0;
    for (unsigned d = 0; d < RADIX; d++) {
        size_t c = count[d];
        count[d] = sum;
        sum += c;
    }
    return 1;
}

/* ---- sorting ------------------------------------------------------------------ */

void mcr_sort_doubles(double *x, size_t n, double *tmp)
{
    if (n < SMALL_SORT) {
        for (size_t i = 1; i < n; i++) {
            double v = x[i];
            uint64_t k = key_of(&v);
            size_t j = i;
            for (; j > 0 && key_of(&x[j - 1]) > k; j--)
                x[j] = x[j - 1];
            x[j] = v;
        }
        return;
    }
    size_t count[PASSES][RADIX] = {{0}};   /* 16 KiB of stack */
    for (size_t i = 0; i < n; i++) {
        uint64_t k = key_of(&x[i]);
        for (int p = 0; p < PASSES; p++)
            count[p][digit(k, p)]++;
    }
    int active[PASSES], na = 0;
    uint64_t k0 = key_of(&x[0]);
    for (int p = 0; p < PASSES; p++)
        if (offsets(count[p], n, digit(k0, p)))
            active[na++] = p;
    /* The first pass reads doubles and the last writes them, so keys exist
     * only in between; with an odd number of passes the result lands in
     * tmp and is copied back. */
    double *src = x, *dst = tmp;
    for (int a = 0; a < na; a++) {
        int p = active[a];
        size_t *off = count[p];
        int first = a == 0, last = a == na - 1;
        for (size_t i = 0; i < n; i++) {
            uint64_t k = first ? key_of(&src[i]) : load_u64(&src[i]);
            double *to = &dst[off[digit(k, p)]++];
            if (last)
                *to = value_of(k);
            else
                store_u64(to, k);
        }
        double *t = src;
        src = dst;
        dst = t;
    }
    if (src != x)
        memcpy(x, src, n * sizeof *x);
}

/* ---- percentiles -------------------------------------------------------------- */

double mcr_percentile_sorted(const double *x, size_t n, double pct)
{
    double last = (double)(n - 1);
    double h = last * (pct / 100.0);
    if (!(h >= 0))
        h = 0;
    if (h >= last) {
        /* numpy: previous = next = n-1, gamma = h - (-1). */
        double a = x[n - 1], d = a - a, t = h + 1.0;
        return a - d * (1.0 - t);
    }
    double fi = floor(h);
    size_t i = (size_t)fi;
    double g = h - fi, a = x[i], b = x[i + 1], d = b - a;
    return g < 0.5 ? a + d * g : b - d * (1.0 - g);
}

static size_t clamp_index(double v, size_t n)
{
    if (!(v > 0))
        return 0;
    if (v >= (double)(n - 1))
        return n - 1;
    return (size_t)v;
}

void mcr_percentile_ci_index(size_t n, double pct, size_t *lo, size_t *hi)
{
    double q = pct / 100.0, nq = (double)n * q;
    double half = 1.96 * sqrt(nq * (1.0 - q));
    *lo = clamp_index(floor(nq - half), n);
    *hi = clamp_index(ceil(nq + half), n);
}

size_t mcr_cvar_count(size_t n, unsigned a)
{
    if (a >= 100)
        return 0;
    size_t b = 100 - a;
    return b * (n / 100) + (b * (n % 100) + 99) / 100;
}

/* ---- moments ------------------------------------------------------------------ */

static double exact_mean(const double *x, size_t n)
{
    mcr_xsum_t acc;
    mcr_xsum_init(&acc);
    for (size_t i = 0; i < n; i++)
        mcr_xsum_add(&acc, x[i]);
    return mcr_xsum_value(&acc) / (double)n;
}

void mcr_moments_sorted(const double *x, size_t n, mcr_moments_t *m)
{
    m->mean = exact_mean(x, n);
    m->min = x[0];
    m->max = x[n - 1];
    if (n > 1) {
        mcr_xsum_t acc;
        mcr_xsum_init(&acc);
        for (size_t i = 0; i < n; i++) {
            double d = x[i] - m->mean;
            mcr_xsum_add(&acc, d * d);
        }
        m->sd = sqrt(mcr_xsum_value(&acc) / (double)(n - 1));
        m->sem = m->sd / sqrt((double)n);
    } else {
        m->sd = 0.0;
        m->sem = 0.0;
    }
    size_t k95 = mcr_cvar_count(n, 95), k99 = mcr_cvar_count(n, 99);
    m->cvar95 = exact_mean(x + (n - k95), k95);
    m->cvar99 = exact_mean(x + (n - k99), k99);
}

/* ---- ranks -------------------------------------------------------------------- */

typedef struct {
    uint64_t key;   /* order key of the value */
    uint64_t idx;   /* its position in the input */
} pair_t;

size_t mcr_rank_scratch_bytes(size_t n)
{
    return 2 * (n ? n : 1) * sizeof(pair_t);
}

/* Radix-sort a[0..n) by key (stable); b is scratch. Returns where the sorted
 * pairs are (a or b). */
static pair_t *sort_pairs(pair_t *a, pair_t *b, size_t n)
{
    size_t count[PASSES][RADIX] = {{0}};   /* 16 KiB of stack */
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < PASSES; p++)
            count[p][digit(a[i].key, p)]++;
    pair_t *src = a, *dst = b;
    for (int p = 0; p < PASSES; p++) {
        size_t *off = count[p];
        if (!offsets(off, n, digit(a[0].key, p)))
            continue;
        for (size_t i = 0; i < n; i++)
            dst[off[digit(src[i].key, p)]++] = src[i];
        pair_t *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

void mcr_average_ranks(const double *x, size_t n, double *rank, void *scratch)
{
    if (n == 0)
        return;
    pair_t *a = scratch, *b = a + n;
    for (size_t i = 0; i < n; i++) {
        a[i].key = key_of(&x[i]);
        a[i].idx = i;
    }
    pair_t *s = sort_pairs(a, b, n);
    size_t start = 0;
    while (start < n) {
        double v = value_of(s[start].key);
        size_t end = start + 1;
        while (end < n && value_of(s[end].key) == v)
            end++;
        double r = 0.5 * (double)(start + end + 1);
        for (size_t i = start; i < end; i++)
            rank[s[i].idx] = r;
        start = end;
    }
}

/* ---- Spearman ------------------------------------------------------------------- */

/* Whether r[0..n) are ranks the integer path handles: every 2 r[i] an
 * integer in [2, 2n], all summing to n(n+1). */
static int half_integer_ranks(const double *r, size_t n)
{
    if (n > ((size_t)1 << 31))
        return 0;
    uint64_t sum = 0;
    double top = 2.0 * (double)n;
    for (size_t i = 0; i < n; i++) {
        double t = 2.0 * r[i];
        if (!(t >= 2.0 && t <= top && t == floor(t)))
            return 0;
        sum += (uint64_t)t;
    }
    return sum == (uint64_t)n * (n + 1);
}

static double correlation(double sab, double saa, double sbb)
{
    if (!(saa > 0) || !(sbb > 0))
        return 0.0;
    double rho = sab / sqrt(saa * sbb);
    return rho > 1.0 ? 1.0 : rho < -1.0 ? -1.0 : rho;
}

double mcr_spearman_ranks(const double *ra, const double *rb, size_t n)
{
    if (n < 2)
        return 0.0;
    if (half_integer_ranks(ra, n) && half_integer_ranks(rb, n)) {
        int64_t c = (int64_t)n + 1;
        mcr_i128_t ab = {0, 0}, aa = {0, 0}, bb = {0, 0};
        for (size_t i = 0; i < n; i++) {
            int64_t da = (int64_t)(2.0 * ra[i]) - c, db = (int64_t)(2.0 * rb[i]) - c;
            mcr_i128_add(&ab, da * db);
            mcr_i128_add(&aa, da * da);
            mcr_i128_add(&bb, db * db);
        }
        return correlation(mcr_i128_value(&ab), mcr_i128_value(&aa), mcr_i128_value(&bb));
    }
    double ma = exact_mean(ra, n), mb = exact_mean(rb, n);
    mcr_xsum_t ab, aa, bb;
    mcr_xsum_init(&ab);
    mcr_xsum_init(&aa);
    mcr_xsum_init(&bb);
    for (size_t i = 0; i < n; i++) {
        double da = ra[i] - ma, db = rb[i] - mb;
        mcr_xsum_add(&ab, da * db);
        mcr_xsum_add(&aa, da * da);
        mcr_xsum_add(&bb, db * db);
    }
    return correlation(mcr_xsum_value(&ab), mcr_xsum_value(&aa), mcr_xsum_value(&bb));
}
