/* sketch.c -- log-bucketed, mergeable quantile sketches (see sketch.h).
 *
 * The bucket map. A non-zero finite |x| is written 2^(o-1074) * (1 + f),
 * 0 <= f < 1, with an integer octave o: o = E + 51 for a normal number of
 * biased exponent E (1 .. 2046), and for a subnormal k * 2^-1074 the position
 * of the leading one of k (0 .. 51). So o runs over 0 .. 2097 and |x| in
 * octave o lies in [2^(o-1074), 2^(o-1073)) for normal and subnormal numbers
 * alike. The bucket is (o, m) with m = floor(128 f), the 7 bits after the
 * leading one; for a normal number that is just the bit pattern shifted right
 * by 45, which is why the inline fast path in sketch.h is a shift and a mask.
 * Bucket (o, m) covers [lo, hi) = 2^(o-1081) * [128 + m, 129 + m): hi/lo <=
 * 1 + 1/128, and buckets increase with (o, m), so counts in bucket order are
 * counts in value order. Negative values use the same map on |x| in their
 * own directory, in reverse; zero (either sign) has an exact count.
 *
 * The representative. In units of the grid spacing g of the doubles in the
 * bucket (g = 2^(o-1126) for a normal octave, 2^-1074 for a subnormal one),
 * the bucket's smallest and largest doubles are the integers L = (128+m) 2^s
 * and H = (129+m) 2^s - 1, s = 45 (normal) or o - 7 (subnormal, o >= 7). The
 * representative r = 2LH/(L+H) (a harmonic mean) has, for every v in [L, H],
 *
 *     |r - v| / v <= (H - L)/(H + L) = (2^s - 1)/((257 + 2m) 2^s - 1) < 1/257,
 *
 * the maximum being reached at both ends. Computing r in floating point adds
 * at most a few units in the last place for a normal octave, and for a
 * subnormal one (r is rounded to the grid) at most half a grid step, i.e.
 * 1/(2L) relative; docs/statistics.md shows the sum stays below 1/256 =
 * MCR_SKETCH_REL_ERROR. Octaves below 7 (the smallest subnormals) hold at
 * most one double per bucket, which is its own exact representative.
 *
 * Quantiles. For level p, h = (n-1)(p/100), i = floor(h), g = h - i, as in
 * numpy; the order statistics i and i+1 are estimated by their buckets'
 * representatives (order statistics 0 and n-1 are the exact min and max),
 * each clamped to [min, max], and combined with numpy's lerp. For values of
 * one sign each estimate is within 1/257 of its order statistic, and the
 * linear combination with weights 1-g and g keeps that relative bound.
 *
 * Memory. A cell has, per sign, a directory over the contiguous range of
 * octaves it has seen and a page of 128 uint64 counts (1 KiB) per octave
 * actually met. Memory grows with the spread of magnitudes (at most 2098
 * pages per sign), never with the number of values.
 *
 * The order key of a double (its bit pattern with the sign bit flipped for
 * a positive number and all bits flipped for a negative one) is increasing in
 * the value, with -0.0 just below +0.0; min and max are kept as keys so that
 * merging is exact and order-independent even for signed zeros.
 */
#include "results/sketch.h"

#include <math.h>
#include <stdlib.h>

_Static_assert(sizeof(mcr_sketch_cell_t) == 64, "a cell's hot data is one cache line");

#define PAGE_BYTES (MCR_SKETCH_SUB * sizeof(uint64_t))
#define DIR_SLACK  2u           /* extra octaves each side when a directory grows */
#define PACK_MAGIC 0x314843544b53524dull   /* "MRSKTCH1", little-endian */

/* ---- keys and buckets ------------------------------------------------------ */

static double key_to_double(uint64_t key)
{
    uint64_t u = (key >> 63) ? key ^ (1ull << 63) : ~key;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

static uint64_t double_bits(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u;
}

/* Octave and sub-bucket of a non-zero magnitude given by its bit pattern a. */
static void bucket_of(uint64_t a, uint32_t *o, unsigned *m)
{
    if (a >= (1ull << 52)) {
        *o = (uint32_t)(a >> 52) + 51;
        *m = (unsigned)(a >> 45) & (MCR_SKETCH_SUB - 1);
        return;
    }
    unsigned b = 63 - (unsigned)__builtin_clzll(a);        /* leading one of k */
    *o = b;
    *m = (unsigned)(b >= 7 ? a >> (b - 7) : a << (7 - b)) & (MCR_SKETCH_SUB - 1);
}

/* Whether bucket (o, m) can hold a double at all: below octave 7 a bucket
 * holds one only when the bits of m finer than the grid are zero. */
static int bucket_valid(uint32_t o, unsigned m)
{
    return o >= 7 || ((128u + m) & ((1u << (7 - o)) - 1)) == 0;
}

/* The representative magnitude of bucket (o, m): see the file comment. */
static double representative(uint32_t o, unsigned m)
{
    if (o < 7)
        return ldexp((double)((128u + m) >> (7 - o)), -1074);
    int s = o >= 52 ? 45 : (int)o - 7;
    int gexp = o >= 52 ? (int)o - 1126 : -1074;
    double L = (double)((uint64_t)(128u + m) << s);
    double H = (double)(((uint64_t)(129u + m) << s) - 1);
    return ldexp(2.0 * L * H / (L + H), gexp);
}

/* ---- life cycle ------------------------------------------------------------- */

mcr_sketch_t *mcr_sketch_new(size_t ncells)
{
    mcr_sketch_t *sk = calloc(1, sizeof *sk);
    if (!sk)
        return NULL;
    size_t n = ncells ? ncells : 1;
    if (n > SIZE_MAX / sizeof(mcr_sketch_cell_t)) {
        free(sk);
        return NULL;
    }
    sk->cell = aligned_alloc(64, n * sizeof(mcr_sketch_cell_t));
    if (!sk->cell) {
        free(sk);
        return NULL;
    }
    memset(sk->cell, 0, n * sizeof(mcr_sketch_cell_t));
    for (size_t i = 0; i < n; i++)
        sk->cell[i].kmin = UINT64_MAX;
    sk->ncells = ncells;
    sk->bytes = sizeof *sk + n * sizeof(mcr_sketch_cell_t);
    return sk;
}

/* Free the pages and directories of n cells, then the cells. */
static void free_cells(mcr_sketch_cell_t *cell, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        mcr_sketch_cell_t *c = &cell[i];
        for (int s = 0; s < 2; s++) {
            for (uint32_t k = 0; k < c->span[s]; k++)
                free(c->dir[s][k]);
            free(c->dir[s]);
        }
    }
    free(cell);
}

void mcr_sketch_free(mcr_sketch_t *sk)
{
    if (!sk)
        return;
    free_cells(sk->cell, sk->ncells);
    free(sk);
}

/* ---- pages -------------------------------------------------------------------- */

/* The page of octave o in directory s of cell c, allocated (zeroed) when
 * missing; NULL when out of memory, with the cell unchanged apart from a
 * possibly wider directory. */
static void *ensure_page_sized(size_t *bytes, mcr_sketch_cell_t *c, unsigned s, uint32_t o,
                               size_t count_bytes)
{
    if (c->span[s] == 0 || o < c->lo[s] || o >= c->lo[s] + c->span[s]) {
        uint32_t lo = o > DIR_SLACK ? o - DIR_SLACK : 0;
        uint32_t hi = o + 1 + DIR_SLACK < MCR_SKETCH_OCTAVES ? o + 1 + DIR_SLACK
                                                             : MCR_SKETCH_OCTAVES;
        if (c->span[s]) {
            lo = c->lo[s] < lo ? c->lo[s] : lo;
            hi = c->lo[s] + c->span[s] > hi ? c->lo[s] + c->span[s] : hi;
        }
        void **dir = calloc(hi - lo, sizeof *dir);
        if (!dir)
            return NULL;
        if (c->span[s])
            memcpy(dir + (c->lo[s] - lo), c->dir[s], c->span[s] * sizeof *dir);
        free(c->dir[s]);
        *bytes += (size_t)(hi - lo - c->span[s]) * sizeof *dir;
        c->dir[s] = dir;
        c->lo[s] = lo;
        c->span[s] = hi - lo;
    }
    void **slot = &c->dir[s][o - c->lo[s]];
    if (!*slot) {
        *slot = calloc(MCR_SKETCH_SUB, count_bytes);
        if (*slot)
            *bytes += MCR_SKETCH_SUB * count_bytes;
    }
    return *slot;
}

/* The uint64 page of octave o in directory s of a sketch's cell c. */
static uint64_t *ensure_page(mcr_sketch_t *sk, mcr_sketch_cell_t *c, unsigned s, uint32_t o)
{
    return ensure_page_sized(&sk->bytes, c, s, o, sizeof(uint64_t));
}

static void note_key(mcr_sketch_cell_t *c, uint64_t key)
{
    c->kmin = key < c->kmin ? key : c->kmin;
    c->kmax = key > c->kmax ? key : c->kmax;
}

/* Add x to cell c whatever it is (zero, subnormal, a new octave), with
 * pages of count_bytes-wide counters (8: a sketch, 2: a stage); *bytes
 * counts the memory held. */
static mcr_status_t add_any(mcr_sketch_cell_t *c, size_t *bytes, double x, size_t count_bytes)
{
    uint64_t u = double_bits(x);
    uint64_t a = u & ~(1ull << 63);
    if (a == 0) {
        c->zeros++;
    } else {
        uint32_t o;
        unsigned m;
        bucket_of(a, &o, &m);
        void *page = ensure_page_sized(bytes, c, (unsigned)(u >> 63), o, count_bytes);
        if (!page)
            return MCR_ERUNTIME;
        if (count_bytes == sizeof(uint64_t))
            ((uint64_t *)page)[m]++;
        else
            ((uint16_t *)page)[m]++;
    }
    c->n++;
    note_key(c, u ^ (-(u >> 63) | (1ull << 63)));
    return MCR_OK;
}

mcr_status_t mcr_sketch_add_slow(mcr_sketch_t *sk, size_t cell, double x)
{
    return add_any(&sk->cell[cell], &sk->bytes, x, sizeof(uint64_t));
}

/* ---- merging -------------------------------------------------------------------- */

/* dst += the cells src[0..n) whose pages hold counts of count_bytes (8 for a
 * sketch, 2 for a stage); with empty_src, the source counts are zeroed as
 * they are moved (a stage flush). Every destination page is made first, so
 * a failed allocation leaves both sides' counts untouched. */
static mcr_status_t merge_cells(mcr_sketch_t *dst, mcr_sketch_cell_t *src, size_t n,
                                size_t count_bytes, int empty_src)
{
    for (size_t i = 0; i < n; i++)
        for (unsigned s = 0; s < 2; s++) {
            const mcr_sketch_cell_t *c = &src[i];
            for (uint32_t k = 0; k < c->span[s]; k++)
                if (c->dir[s][k] && !ensure_page(dst, &dst->cell[i], s, c->lo[s] + k))
                    return MCR_ERUNTIME;
        }
    for (size_t i = 0; i < n; i++) {
        mcr_sketch_cell_t *c = &src[i];
        mcr_sketch_cell_t *d = &dst->cell[i];
        if (c->n == 0)
            continue;
        for (unsigned s = 0; s < 2; s++)
            for (uint32_t k = 0; k < c->span[s]; k++) {
                void *from = c->dir[s][k];
                if (!from)
                    continue;
                uint64_t *to = d->dir[s][c->lo[s] + k - d->lo[s]];
                if (count_bytes == sizeof(uint64_t)) {
                    const uint64_t *f = from;
                    for (unsigned m = 0; m < MCR_SKETCH_SUB; m++)
                        to[m] += f[m];
                } else {
                    const uint16_t *f = from;
                    for (unsigned m = 0; m < MCR_SKETCH_SUB; m++)
                        to[m] += f[m];
                }
                if (empty_src)
                    memset(from, 0, MCR_SKETCH_SUB * count_bytes);
            }
        d->n += c->n;
        d->zeros += c->zeros;
        d->kmin = c->kmin < d->kmin ? c->kmin : d->kmin;
        d->kmax = c->kmax > d->kmax ? c->kmax : d->kmax;
        if (empty_src) {
            c->n = c->zeros = 0;
            c->kmin = UINT64_MAX;
            c->kmax = 0;
        }
    }
    return MCR_OK;
}

mcr_status_t mcr_sketch_merge(mcr_sketch_t *dst, const mcr_sketch_t *src)
{
    if (dst->ncells != src->ncells)
        return MCR_EINPUT;
    return merge_cells(dst, src->cell, src->ncells, sizeof(uint64_t), 0);
}

/* ---- stages ------------------------------------------------------------------------ */

mcr_sketch_stage_t *mcr_sketch_stage_new(size_t ncells)
{
    mcr_sketch_t *sk = mcr_sketch_new(ncells);
    if (!sk)
        return NULL;
    mcr_sketch_stage_t *st = malloc(sizeof *st);
    if (!st) {
        mcr_sketch_free(sk);
        return NULL;
    }
    st->cell = sk->cell;        /* same empty cells; the pages will be uint16 */
    st->ncells = sk->ncells;
    st->bytes = sk->bytes;
    free(sk);
    return st;
}

void mcr_sketch_stage_free(mcr_sketch_stage_t *st)
{
    if (!st)
        return;
    free_cells(st->cell, st->ncells);
    free(st);
}

mcr_status_t mcr_sketch_stage_add_slow(mcr_sketch_stage_t *st, size_t cell, double x)
{
    return add_any(&st->cell[cell], &st->bytes, x, sizeof(uint16_t));
}

mcr_status_t mcr_sketch_stage_flush(mcr_sketch_stage_t *st, mcr_sketch_t *dst)
{
    if (dst->ncells != st->ncells)
        return MCR_EINPUT;
    return merge_cells(dst, st->cell, st->ncells, sizeof(uint16_t), 1);
}

/* ---- queries ---------------------------------------------------------------------- */

size_t mcr_sketch_cells(const mcr_sketch_t *sk)
{
    return sk->ncells;
}

uint64_t mcr_sketch_count(const mcr_sketch_t *sk, size_t cell)
{
    return sk->cell[cell].n;
}

double mcr_sketch_min(const mcr_sketch_t *sk, size_t cell)
{
    const mcr_sketch_cell_t *c = &sk->cell[cell];
    return c->n ? key_to_double(c->kmin) : NAN;
}

double mcr_sketch_max(const mcr_sketch_t *sk, size_t cell)
{
    const mcr_sketch_cell_t *c = &sk->cell[cell];
    return c->n ? key_to_double(c->kmax) : NAN;
}

size_t mcr_sketch_bytes(const mcr_sketch_t *sk)
{
    return sk->bytes;
}

/* A walk over the buckets of one cell in increasing order of value: the
 * negative directory from its highest octave and sub-bucket down, then the
 * zero bucket, then the positive directory upwards. `before` counts the
 * values in the buckets already passed. */
typedef struct {
    const mcr_sketch_cell_t *c;
    int      phase;     /* 0 negative, 1 zero, 2 positive, 3 past the end */
    uint32_t k;         /* octave index into the directory of the phase */
    unsigned m;         /* sub-bucket */
    uint64_t before;    /* values in the buckets before the current one */
} walk_t;

static void walk_start(walk_t *w, const mcr_sketch_cell_t *c)
{
    w->c = c;
    w->phase = 0;
    w->k = 0;
    w->m = 0;
    w->before = 0;
}

/* The value of order statistic j (0-based, j < n): its bucket's
 * representative, with its sign. The walk only moves forward, so j must not
 * decrease between calls with the same walk. */
static double walk_to(walk_t *w, uint64_t j)
{
    const mcr_sketch_cell_t *c = w->c;
    if (w->phase == 0) {
        uint32_t span = c->span[1];
        for (; w->k < span; w->k++, w->m = 0) {
            uint32_t o = c->lo[1] + span - 1 - w->k;
            const uint64_t *page = c->dir[1][span - 1 - w->k];
            if (!page)
                continue;
            for (; w->m < MCR_SKETCH_SUB; w->m++) {
                unsigned m = MCR_SKETCH_SUB - 1 - w->m;
                if (j < w->before + page[m])
                    return -representative(o, m);
                w->before += page[m];
            }
        }
        w->phase = 1;
        w->k = 0;
        w->m = 0;
    }
    if (w->phase == 1) {
        if (j < w->before + c->zeros)
            return 0.0;
        w->before += c->zeros;
        w->phase = 2;
    }
    for (; w->k < c->span[0]; w->k++, w->m = 0) {
        const uint64_t *page = c->dir[0][w->k];
        if (!page)
            continue;
        for (; w->m < MCR_SKETCH_SUB; w->m++) {
            if (j < w->before + page[w->m])
                return representative(c->lo[0] + w->k, w->m);
            w->before += page[w->m];
        }
    }
    w->phase = 3;
    return key_to_double(c->kmax);      /* unreachable while counts add up to n */
}

static double clamp(double v, double lo, double hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Estimate of order statistic j: exact at both ends and in a constant cell
 * (so a cell of -0.0 stays -0.0; the zero bucket answers +0.0), else the
 * bucket's representative clamped to [mn, mx]. */
static double order_stat(walk_t *w, uint64_t j, double mn, double mx)
{
    uint64_t n = w->c->n;
    if (j == 0 || w->c->kmin == w->c->kmax)
        return mn;
    if (j == n - 1)
        return mx;
    return clamp(walk_to(w, j), mn, mx);
}

void mcr_sketch_quantiles(const mcr_sketch_t *sk, size_t cell,
                          const double *pct, size_t np, double *out)
{
    const mcr_sketch_cell_t *c = &sk->cell[cell];
    if (c->n == 0) {
        for (size_t i = 0; i < np; i++)
            out[i] = NAN;
        return;
    }
    double mn = key_to_double(c->kmin), mx = key_to_double(c->kmax);
    double last = (double)(c->n - 1);
    walk_t w;
    walk_start(&w, c);
    uint64_t reached = 0;
    for (size_t q = 0; q < np; q++) {
        double h = last * (pct[q] / 100.0);
        if (!(h >= 0))
            h = 0;
        if (h >= last) {            /* as numpy: lerp of x[n-1] with itself */
            out[q] = mx - (mx - mx) * (1.0 - (h + 1.0));
            continue;
        }
        double fi = floor(h), g = h - fi;
        uint64_t i = (uint64_t)fi;
        if (i < reached)
            walk_start(&w, c);
        reached = i + 1;
        double a = order_stat(&w, i, mn, mx), b = order_stat(&w, i + 1, mn, mx);
        double d = b - a;
        out[q] = clamp(g < 0.5 ? a + d * g : b - d * (1.0 - g), mn, mx);
    }
}

/* ---- serialisation ------------------------------------------------------------------
 *
 * Layout, all uint64 words:
 *   PACK_MAGIC, ncells,
 *   per cell: n, zeros, kmin, kmax, npages,
 *             per page: (sign << 32) | octave, then 128 counts.
 * Pages come in increasing (sign, octave) order, none of them all zero, and
 * zeros plus the page counts add up to n. */

static size_t cell_pages(const mcr_sketch_cell_t *c, unsigned s, int count_only,
                         uint64_t *out)
{
    size_t words = 0;
    for (uint32_t k = 0; k < c->span[s]; k++) {
        const uint64_t *page = c->dir[s][k];
        uint64_t any = 0;
        if (page)
            for (unsigned m = 0; m < MCR_SKETCH_SUB; m++)
                any |= page[m];
        if (!any)
            continue;
        if (!count_only) {
            out[words] = ((uint64_t)s << 32) | (c->lo[s] + k);
            memcpy(out + words + 1, page, PAGE_BYTES);
        }
        words += 1 + MCR_SKETCH_SUB;
    }
    return words;
}

mcr_status_t mcr_sketch_pack(const mcr_sketch_t *sk, uint64_t **words, size_t *nwords)
{
    size_t total = 2;
    for (size_t i = 0; i < sk->ncells; i++)
        total += 5 + cell_pages(&sk->cell[i], 0, 1, NULL) + cell_pages(&sk->cell[i], 1, 1, NULL);
    uint64_t *w = malloc(total * sizeof *w);
    if (!w)
        return MCR_ERUNTIME;
    size_t at = 0;
    w[at++] = PACK_MAGIC;
    w[at++] = sk->ncells;
    for (size_t i = 0; i < sk->ncells; i++) {
        const mcr_sketch_cell_t *c = &sk->cell[i];
        size_t pages = (cell_pages(c, 0, 1, NULL) + cell_pages(c, 1, 1, NULL))
                     / (1 + MCR_SKETCH_SUB);
        w[at++] = c->n;
        w[at++] = c->zeros;
        w[at++] = c->kmin;
        w[at++] = c->kmax;
        w[at++] = pages;
        at += cell_pages(c, 0, 0, w + at);
        at += cell_pages(c, 1, 0, w + at);
    }
    *words = w;
    *nwords = at;
    return MCR_OK;
}

static int is_finite_key(uint64_t key)
{
    return isfinite(key_to_double(key));
}

/* The count of the bucket holding the value of order key `key` among the
 * `pages` packed pages at pg (already checked to be well formed). */
static uint64_t packed_count(const uint64_t *pg, uint64_t pages, uint64_t zeros, uint64_t key)
{
    uint64_t u = double_bits(key_to_double(key)), a = u & ~(1ull << 63);
    if (a == 0)
        return zeros;
    uint32_t o;
    unsigned m;
    bucket_of(a, &o, &m);
    uint64_t tag = ((u >> 63) << 32) | o;
    for (uint64_t p = 0; p < pages; p++, pg += 1 + MCR_SKETCH_SUB)
        if (pg[0] == tag)
            return pg[1 + m];
    return 0;
}

/* Check one packed cell starting at words[*at]: consistent counts, pages in
 * order, none empty, no count in a bucket that holds no double, min and max
 * finite and in non-empty buckets. Advance *at past it. */
static int check_cell(const uint64_t *words, size_t nwords, size_t *at)
{
    if (nwords - *at < 5)
        return 0;
    const uint64_t *h = words + *at;
    uint64_t n = h[0], zeros = h[1], kmin = h[2], kmax = h[3], pages = h[4];
    *at += 5;
    if (n == 0) {
        if (zeros || kmin != UINT64_MAX || kmax != 0 || pages)
            return 0;
    } else if (kmin > kmax || !is_finite_key(kmin) || !is_finite_key(kmax)) {
        return 0;
    }
    if (pages > (nwords - *at) / (1 + MCR_SKETCH_SUB))
        return 0;
    const uint64_t *first = words + *at;
    uint64_t total = zeros, prev = 0;
    for (uint64_t p = 0; p < pages; p++) {
        const uint64_t *pg = words + *at;
        uint64_t tag = pg[0], s = tag >> 32, o = tag & 0xffffffffu;
        if (s > 1 || o >= MCR_SKETCH_OCTAVES || (p > 0 && tag <= prev))
            return 0;
        prev = tag;
        uint64_t any = 0;
        for (unsigned m = 0; m < MCR_SKETCH_SUB; m++) {
            uint64_t v = pg[1 + m];
            if (v && !bucket_valid((uint32_t)o, m))
                return 0;
            if (v > UINT64_MAX - total)
                return 0;
            total += v;
            any |= v;
        }
        if (!any)
            return 0;
        *at += 1 + MCR_SKETCH_SUB;
    }
    return total == n && (n == 0 || (packed_count(first, pages, zeros, kmin)
                                     && packed_count(first, pages, zeros, kmax)));
}

mcr_status_t mcr_sketch_unpack_merge(mcr_sketch_t *dst, const uint64_t *words, size_t nwords)
{
    if (!words || nwords < 2 || words[0] != PACK_MAGIC || words[1] != dst->ncells)
        return MCR_EINPUT;
    size_t at = 2;
    for (size_t i = 0; i < dst->ncells; i++) {
        if (!check_cell(words, nwords, &at))
            return MCR_EINPUT;
    }
    if (at != nwords)
        return MCR_EINPUT;
    /* Valid: allocate every page, then add. */
    at = 2;
    for (size_t i = 0; i < dst->ncells; i++) {
        uint64_t pages = words[at + 4];
        at += 5;
        for (uint64_t p = 0; p < pages; p++, at += 1 + MCR_SKETCH_SUB)
            if (!ensure_page(dst, &dst->cell[i], (unsigned)(words[at] >> 32),
                             (uint32_t)words[at]))
                return MCR_ERUNTIME;
    }
    at = 2;
    for (size_t i = 0; i < dst->ncells; i++) {
        mcr_sketch_cell_t *d = &dst->cell[i];
        const uint64_t *h = words + at;
        d->n += h[0];
        d->zeros += h[1];
        d->kmin = h[2] < d->kmin ? h[2] : d->kmin;
        d->kmax = h[3] > d->kmax ? h[3] : d->kmax;
        uint64_t pages = h[4];
        at += 5;
        for (uint64_t p = 0; p < pages; p++, at += 1 + MCR_SKETCH_SUB) {
            unsigned s = (unsigned)(words[at] >> 32);
            uint64_t *to = d->dir[s][(uint32_t)words[at] - d->lo[s]];
            for (unsigned m = 0; m < MCR_SKETCH_SUB; m++)
                to[m] += words[at + 1 + m];
        }
    }
    return MCR_OK;
}
