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
#include <stdlib.h>
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

/* ---- selection ---------------------------------------------------------------- */

static void swap_keys(uint64_t *a, uint64_t *b)
{
    uint64_t t = *a;
    *a = *b;
    *b = t;
}

static void sift_down(uint64_t *k, size_t root, size_t n)
{
    for (;;) {
        size_t c = 2 * root + 1;
        if (c >= n)
            return;
        if (c + 1 < n && k[c + 1] > k[c])
            c++;
        if (k[root] >= k[c])
            return;
        swap_keys(&k[root], &k[c]);
        root = c;
    }
}

/* In-place heapsort: the depth-limit fallback, O(n log n) whatever the data. */
static void heapsort_keys(uint64_t *k, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(k, i, n);
    for (size_t e = n; e-- > 1;) {
        swap_keys(&k[0], &k[e]);
        sift_down(k, 0, e);
    }
}

static void insertion_sort_keys(uint64_t *k, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        uint64_t v = k[i];
        size_t j = i;
        for (; j > 0 && k[j - 1] > v; j--)
            k[j] = k[j - 1];
        k[j] = v;
    }
}

static uint64_t median3(uint64_t a, uint64_t b, uint64_t c)
{
    if (a > b)
        swap_keys(&a, &b);
    if (b > c)
        b = c;
    return a > b ? a : b;
}

/* Place the order statistics want[0..m) (absolute positions, ascending,
 * all in [lo, hi)) of k[lo..hi). */
static void select_keys(uint64_t *k, size_t lo, size_t hi, const size_t *want, size_t m,
                        int depth)
{
    while (m > 0) {
        size_t n = hi - lo;
        if (n <= 32) {
            insertion_sort_keys(k + lo, n);
            return;
        }
        if (depth-- == 0) {
            heapsort_keys(k + lo, n);
            return;
        }
        uint64_t p;
        if (n > 1024) {             /* Tukey's ninther */
            size_t s = n / 8;
            p = median3(median3(k[lo], k[lo + s], k[lo + 2 * s]),
                        median3(k[lo + 3 * s], k[lo + 4 * s], k[lo + 5 * s]),
                        median3(k[lo + 6 * s], k[lo + 7 * s], k[hi - 1]));
        } else {
            p = median3(k[lo], k[lo + n / 2], k[hi - 1]);
        }
        /* Dijkstra's three-way partition: [lo, lt) < p, [lt, gt) = p, [gt, hi) > p */
        size_t lt = lo, i = lo, gt = hi;
        while (i < gt) {
            if (k[i] < p)
                swap_keys(&k[lt++], &k[i++]);
            else if (k[i] > p)
                swap_keys(&k[i], &k[--gt]);
            else
                i++;
        }
        size_t a = 0, b;
        while (a < m && want[a] < lt)
            a++;
        for (b = a; b < m && want[b] < gt; b++)
            ;
        if (a > 0)
            select_keys(k, lo, lt, want, a, depth);
        lo = gt;
        want += b;
        m -= b;
    }
}

void mcr_select_doubles(double *x, size_t n, const size_t *want, size_t m)
{
    if (n < 2 || m == 0)
        return;
    uint64_t *k = (uint64_t *)(void *)x;     /* keys in place: same size and alignment */
    for (size_t i = 0; i < n; i++)
        k[i] = key_of(&x[i]);
    int depth = 2;
    for (size_t t = n; t > 1; t >>= 1)
        depth += 2;
    select_keys(k, 0, n, want, m, depth);
    for (size_t i = 0; i < n; i++) {
        double v = value_of(k[i]);
        memcpy(&x[i], &v, sizeof v);
    }
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

void mcr_output_statistics(double *x, size_t n, const double *pct, size_t np,
                           double *value, double *ci_low, double *ci_high, mcr_moments_t *m)
{
    /* the positions the sorted-array functions read: x[i], x[i+1] of each
     * level, the CI ends, the extremes and the two CVaR tails' first elements */
    size_t cap = 4 * np + 4, nw = 0;
    size_t stack[4 * 64 + 4], *want = np <= 64 ? stack : malloc(cap * sizeof *want);
    if (!want) {
        /* no memory for the index list: sort in place, which needs none */
        uint64_t *k = (uint64_t *)(void *)x;
        for (size_t i = 0; i < n; i++)
            k[i] = key_of(&x[i]);
        heapsort_keys(k, n);
        for (size_t i = 0; i < n; i++) {
            double v = value_of(k[i]);
            memcpy(&x[i], &v, sizeof v);
        }
    } else {
        double last = (double)(n - 1);
        for (size_t p = 0; p < np; p++) {
            double h = last * (pct[p] / 100.0);
            size_t i = h >= last ? n - 1 : h > 0 ? (size_t)floor(h) : 0;
            want[nw++] = i;
            if (i + 1 < n)
                want[nw++] = i + 1;
            mcr_percentile_ci_index(n, pct[p], &want[nw], &want[nw + 1]);
            nw += 2;
        }
        want[nw++] = 0;
        want[nw++] = n - 1;
        want[nw++] = n - mcr_cvar_count(n, 95);
        want[nw++] = n - mcr_cvar_count(n, 99);
        qsort(want, nw, sizeof *want, cmp_size);
        mcr_select_doubles(x, n, want, nw);
        if (want != stack)
            free(want);
    }
    for (size_t p = 0; p < np; p++) {
        size_t lo, hi;
        value[p] = mcr_percentile_sorted(x, n, pct[p]);
        mcr_percentile_ci_index(n, pct[p], &lo, &hi);
        ci_low[p] = x[lo];
        ci_high[p] = x[hi];
    }
    mcr_moments_sorted(x, n, m);
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

/* A signed 128-bit integer: hi * 2^64 + lo. */
typedef struct {
    uint64_t lo;
    int64_t  hi;
} i128_t;

static void i128_add(i128_t *a, int64_t v)
{
    uint64_t lo = a->lo + (uint64_t)v;
    a->hi += (int64_t)(lo < a->lo) - (int64_t)(v < 0);
    a->lo = lo;
}

/* Correctly rounded, for |hi| < 2^53 (the sums here stay below 2^93). */
static double i128_value(const i128_t *a)
{
    mcr_xsum_t acc;
    mcr_xsum_init(&acc);
    mcr_xsum_add(&acc, ldexp((double)a->hi, 64));
    mcr_xsum_add(&acc, ldexp((double)(a->lo >> 32), 32));
    mcr_xsum_add(&acc, (double)(a->lo & 0xffffffffu));
    return mcr_xsum_value(&acc);
}

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
        i128_t ab = {0, 0}, aa = {0, 0}, bb = {0, 0};
        for (size_t i = 0; i < n; i++) {
            int64_t da = (int64_t)(2.0 * ra[i]) - c, db = (int64_t)(2.0 * rb[i]) - c;
            i128_add(&ab, da * db);
            i128_add(&aa, da * da);
            i128_add(&bb, db * db);
        }
        return correlation(i128_value(&ab), i128_value(&aa), i128_value(&bb));
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
