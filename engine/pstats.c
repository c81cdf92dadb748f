/* pstats.c -- exact statistics across MPI ranks (see pstats.h, docs/hpc.md).
 *
 * Order keys. As in results/stats.c, a finite double maps to an unsigned
 * 64-bit "order key" (sign bit flipped for a positive number, every bit for
 * a negative one) that increases with the value, -0.0 just below +0.0.
 * Equal keys are equal bit patterns, so "the element at position g in key
 * order" is one well-defined double, whoever holds it.
 *
 * Selection. The element at global position g has the largest key K with
 * below(K) <= g, where below(K) counts keys < K over all ranks; below() is
 * monotone, so K is built from the top four bits down: with the bits found
 * so far in K, the next digit is the number of candidates K | d << shift
 * (d = 1 .. 15) whose global count is still <= g. Each rank counts its
 * locally sorted keys by binary search; one MPI_Allreduce of 15 counts per
 * target per round, 16 rounds, all targets of a batch of arrays together.
 *
 * Ranks. Sorting (tie key, trial) pairs -- the tie key maps -0.0 to +0.0 so
 * that ties are runs of equal doubles, as in mcr_average_ranks -- gives every
 * element a unique global position; rank r takes positions [g_r, g_r+1),
 * g_r = floor(r N / P), whatever the ties. The splitter at g_r is found by
 * selection; the count of its ties on lower ranks (an exclusive scan) says
 * where each rank cuts its own sorted pairs, because among equal keys the
 * lower rank holds the lower trials (ranks own contiguous trial ranges).
 * After the all-to-all, each rank holds P sorted runs forming one contiguous
 * stretch of the global order; a tie run inside it has its positions there,
 * and the run of the stretch's first key (or of the next stretch's first
 * key) takes its ends from the global counts of that splitter. The ranks go
 * back to the trials' owners by the reverse all-to-all, in the order sent.
 *
 * Sums. Means, squared deviations and CVaR tails are exact sums (xsum.h) of
 * the same terms the one-process code adds, merged over ranks exactly; the
 * k largest values of a CVaR are every value above the threshold key plus
 * the right number of copies of the threshold, each rank adding its share of
 * the copies (an exclusive scan of the tie counts), so the sum is the same
 * multiset's. Spearman's integer sums travel as three int64 limbs.
 */
#include "engine/pstats.h"

#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

#include "engine/par.h"
#include "results/xsum.h"

#define DIGIT_BITS 4
#define NCAND      ((1u << DIGIT_BITS) - 1)    /* candidates per target per round */

/* ---- keys --------------------------------------------------------------------- */

static inline uint64_t key_of(double x)
{
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u ^ (-(u >> 63) | (1ull << 63));
}

static inline double value_of(uint64_t key)
{
    uint64_t u = (key >> 63) ? key ^ (1ull << 63) : ~key;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* The key ties are judged by: -0.0 and +0.0 are one value. */
static inline uint64_t tie_key_of(double x)
{
    if (x == 0)
        x = 0.0;
    return key_of(x);
}

typedef struct {
    uint64_t key;   /* tie key of the value */
    uint64_t idx;   /* its local index */
} pair_t;

/* A locally sorted array to select from: sorted doubles, or sorted pairs. */
typedef struct {
    const double *x;    /* sorted by key; NULL when pairs is used */
    const pair_t *p;    /* sorted by key */
    size_t        n;
} sorted_t;

static inline uint64_t key_at(const sorted_t *a, size_t i)
{
    return a->x ? key_of(a->x[i]) : a->p[i].key;
}

/* Number of local keys < c. */
static size_t count_below(const sorted_t *a, uint64_t c)
{
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_at(a, mid) < c)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ---- selection and counts ---------------------------------------------------------- */

/* keys[t] := the key at global position pos[t] (0 <= pos[t] < N) of array
 * arr[which[t]], in key order over all ranks. cnt is scratch of NCAND * T. */
static void select_keys(const sorted_t *arr, const size_t *which, const int64_t *pos, size_t T,
                        uint64_t *keys, int64_t *cnt)
{
    for (size_t t = 0; t < T; t++)
        keys[t] = 0;
    for (int shift = 64 - DIGIT_BITS; shift >= 0; shift -= DIGIT_BITS) {
        for (size_t t = 0; t < T; t++)
            for (unsigned d = 1; d <= NCAND; d++)
                cnt[t * NCAND + d - 1] =
                    (int64_t)count_below(&arr[which[t]], keys[t] | (uint64_t)d << shift);
        mcr_par_sum_i64(cnt, T * NCAND);
        for (size_t t = 0; t < T; t++) {
            unsigned d = 0;
            while (d < NCAND && cnt[t * NCAND + d] <= pos[t])
                d++;
            keys[t] |= (uint64_t)d << shift;
        }
    }
}

/* Where a key stands, locally and over all ranks. */
typedef struct {
    int64_t less, eq;       /* over all ranks: keys below it, keys equal to it */
    int64_t eq_before;      /* keys equal to it on lower ranks */
    int64_t local_less, local_eq;
} at_key_t;

/* at[t] for key keys[t] of array arr[which[t]]; buf is scratch of 3 T. */
static void count_at(const sorted_t *arr, const size_t *which, const uint64_t *keys, size_t T,
                     at_key_t *at, int64_t *buf)
{
    for (size_t t = 0; t < T; t++) {
        const sorted_t *a = &arr[which[t]];
        size_t lo = count_below(a, keys[t]);
        size_t hi = keys[t] == UINT64_MAX ? a->n : count_below(a, keys[t] + 1);
        at[t].local_less = (int64_t)lo;
        at[t].local_eq = (int64_t)(hi - lo);
        buf[t] = (int64_t)lo;
        buf[T + t] = buf[2 * T + t] = (int64_t)(hi - lo);
    }
    mcr_par_sum_i64(buf, 2 * T);
    mcr_par_exscan_i64(buf + 2 * T, T);
    for (size_t t = 0; t < T; t++) {
        at[t].less = buf[t];
        at[t].eq = buf[T + t];
        at[t].eq_before = buf[2 * T + t];
    }
}

/* ---- scratch -------------------------------------------------------------------------- */

enum { W_SORTED, W_TMP, W_PAIRS, W_EXCHANGE };

void mcr_pstats_work_free(mcr_pstats_work_t *w)
{
    for (int i = 0; i < 4; i++) {
        free(w->p[i]);
        w->p[i] = NULL;
        w->cap[i] = 0;
    }
}

/* At least `bytes` of slot i (contents not kept), or NULL. */
static void *work_get(mcr_pstats_work_t *w, int i, size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
    if (w->cap[i] < bytes) {
        free(w->p[i]);
        w->p[i] = malloc(bytes);
        w->cap[i] = w->p[i] ? bytes : 0;
    }
    return w->p[i];
}

/* ---- percentiles, as results/stats.c computes them ---------------------------------- */

/* The positions numpy's 'linear' method reads for level pct of N values
 * (mcr_percentile_sorted's arithmetic, operation for operation). */
static void percentile_index(int64_t N, double pct, int64_t *i, int64_t *j)
{
    double last = (double)(N - 1);
    double h = last * (pct / 100.0);
    if (!(h >= 0))
        h = 0;
    if (h >= last) {
        *i = *j = N - 1;
        return;
    }
    *i = (int64_t)floor(h);
    *j = *i + 1;
}

/* The percentile from the values at those positions. */
static double percentile_value(int64_t N, double pct, double xi, double xj)
{
    double last = (double)(N - 1);
    double h = last * (pct / 100.0);
    if (!(h >= 0))
        h = 0;
    if (h >= last) {
        double a = xj, d = a - a, t = h + 1.0;
        return a - d * (1.0 - t);
    }
    double fi = floor(h);
    double g = h - fi, d = xj - xi;
    return g < 0.5 ? xi + d * g : xj - d * (1.0 - g);
}

/* ---- summaries ---------------------------------------------------------------------- */

enum { T_MIN, T_MAX, T_CVAR95, T_CVAR99, T_FIXED };  /* targets before the per-level ones */

mcr_status_t mcr_pstats_summaries(const double *const *x, size_t n, size_t B, int64_t N,
                                  const double *pct, int npct, int threads,
                                  mcr_pstats_work_t *work, mcr_pstats_summary_t *out,
                                  mcr_err_t *err)
{
    size_t per = T_FIXED + 4 * (size_t)npct, T = B * per;
    double *sorted_all = work_get(work, W_SORTED, B * n * sizeof(double));
    double *tmp_all = work_get(work, W_TMP, (size_t)threads * n * sizeof(double));
    double **sorted = calloc(B, sizeof *sorted);
    double **tmp = calloc((size_t)threads, sizeof *tmp);
    sorted_t *arr = calloc(B, sizeof *arr);
    size_t *which = calloc(T + 2 * B, sizeof *which);
    int64_t *pos = calloc(T, sizeof *pos);
    uint64_t *keys = malloc((T + 2 * B) * sizeof *keys);
    int64_t *cnt = malloc(T * NCAND * sizeof *cnt);
    at_key_t *at = malloc(2 * B * sizeof *at);
    mcr_xsum_t *acc = malloc(4 * B * sizeof *acc);  /* sums, squares, tails 95, tails 99 */
    int good = sorted_all && tmp_all && sorted && tmp && arr && which && pos && keys && cnt
        && at && acc;
    for (size_t b = 0; good && b < B; b++)
        sorted[b] = sorted_all + b * n;
    for (int t = 0; good && t < threads; t++)
        tmp[t] = tmp_all + (size_t)t * n;
    if (!good)
        mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory sorting outputs");
    mcr_status_t st = mcr_par_all_ok(good, err);
    if (st != MCR_OK)
        goto done;

    /* sort each local piece; sum it */
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t b = 0; b < B; b++) {
        memcpy(sorted[b], x[b], n * sizeof *sorted[b]);
        mcr_sort_doubles(sorted[b], n, tmp[omp_get_thread_num()]);
        mcr_xsum_init(&acc[b]);
        for (size_t i = 0; i < n; i++)
            mcr_xsum_add(&acc[b], sorted[b][i]);
        arr[b] = (sorted_t){.x = sorted[b], .n = n};
    }
    mcr_par_sum_xsum(acc, B);

    /* every order statistic needed, all arrays at once */
    for (size_t b = 0; b < B; b++) {
        size_t t0 = b * per;
        for (size_t t = t0; t < t0 + per; t++)
            which[t] = b;
        pos[t0 + T_MIN] = 0;
        pos[t0 + T_MAX] = N - 1;
        pos[t0 + T_CVAR95] = N - (int64_t)mcr_cvar_count((size_t)N, 95);
        pos[t0 + T_CVAR99] = N - (int64_t)mcr_cvar_count((size_t)N, 99);
        for (int p = 0; p < npct; p++) {
            size_t lo, hi;
            int64_t *q = &pos[t0 + T_FIXED + 4 * (size_t)p];
            percentile_index(N, pct[p], &q[0], &q[1]);
            mcr_percentile_ci_index((size_t)N, pct[p], &lo, &hi);
            q[2] = (int64_t)lo;
            q[3] = (int64_t)hi;
        }
    }
    select_keys(arr, which, pos, T, keys, cnt);

    /* the CVaR thresholds, where they stand: how many copies this rank adds */
    size_t *twhich = which + T;
    uint64_t *tkey = keys + T;
    for (size_t b = 0; b < B; b++) {
        twhich[2 * b] = twhich[2 * b + 1] = b;
        tkey[2 * b] = keys[b * per + T_CVAR95];
        tkey[2 * b + 1] = keys[b * per + T_CVAR99];
    }
    count_at(arr, twhich, tkey, 2 * B, at, cnt);

    /* squared deviations from the exact mean, and the tails */
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t b = 0; b < B; b++) {
        const double *s = sorted[b];
        double mean = mcr_xsum_value(&acc[b]) / (double)N;
        mcr_xsum_t *sq = &acc[B + b];
        mcr_xsum_init(sq);
        for (size_t i = 0; i < n; i++) {
            double d = s[i] - mean;
            mcr_xsum_add(sq, d * d);
        }
        for (int a = 0; a < 2; a++) {
            const at_key_t *k = &at[2 * b + (size_t)a];
            int64_t tail = (int64_t)mcr_cvar_count((size_t)N, a ? 99 : 95);
            int64_t need = tail - (N - k->less - k->eq);    /* copies of the threshold */
            int64_t take = need - k->eq_before;
            take = take < 0 ? 0 : take > k->local_eq ? k->local_eq : take;
            mcr_xsum_t *tl = &acc[(2 + (size_t)a) * B + b];
            mcr_xsum_init(tl);
            for (int64_t i = k->local_less; i < k->local_less + take; i++)
                mcr_xsum_add(tl, s[i]);
            for (size_t i = (size_t)(k->local_less + k->local_eq); i < n; i++)
                mcr_xsum_add(tl, s[i]);
        }
    }
    mcr_par_sum_xsum(acc + B, 3 * B);

    for (size_t b = 0; b < B; b++) {
        const uint64_t *k = keys + b * per;
        mcr_pstats_summary_t *o = &out[b];
        for (int p = 0; p < npct; p++) {
            const uint64_t *q = k + T_FIXED + 4 * (size_t)p;
            o->value[p] = percentile_value(N, pct[p], value_of(q[0]), value_of(q[1]));
            o->ci_low[p] = value_of(q[2]);
            o->ci_high[p] = value_of(q[3]);
        }
        mcr_moments_t *m = &o->m;
        m->mean = mcr_xsum_value(&acc[b]) / (double)N;
        m->min = value_of(k[T_MIN]);
        m->max = value_of(k[T_MAX]);
        if (N > 1) {
            m->sd = sqrt(mcr_xsum_value(&acc[B + b]) / (double)(N - 1));
            m->sem = m->sd / sqrt((double)N);
        } else {
            m->sd = 0.0;
            m->sem = 0.0;
        }
        m->cvar95 = mcr_xsum_value(&acc[2 * B + b]) / (double)mcr_cvar_count((size_t)N, 95);
        m->cvar99 = mcr_xsum_value(&acc[3 * B + b]) / (double)mcr_cvar_count((size_t)N, 99);
    }

done:
    free(sorted), free(tmp), free(arr), free(which), free(pos), free(keys), free(cnt);
    free(at), free(acc);
    return st;
}

/* ---- ranks -------------------------------------------------------------------------- */

#define RADIX_BITS 8
#define RADIX      (1u << RADIX_BITS)
#define PASSES     (64 / RADIX_BITS)

/* Stable LSD radix sort of a[0..n) by key; b is scratch of n. Returns where
 * the sorted pairs are (a or b). Passes in which every key has the same
 * digit are skipped. */
static pair_t *sort_pairs(pair_t *a, pair_t *b, size_t n)
{
    size_t count[PASSES][RADIX] = {{0}};   /* 16 KiB of stack */
    for (size_t i = 0; i < n; i++)
        for (int p = 0; p < PASSES; p++)
            count[p][(a[i].key >> (p * RADIX_BITS)) & (RADIX - 1)]++;
    pair_t *src = a, *dst = b;
    for (int p = 0; n > 0 && p < PASSES; p++) {
        size_t *off = count[p], sum = 0;
        if (off[(a[0].key >> (p * RADIX_BITS)) & (RADIX - 1)] == n)
            continue;
        for (unsigned d = 0; d < RADIX; d++) {
            size_t c = off[d];
            off[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[off[(src[i].key >> (p * RADIX_BITS)) & (RADIX - 1)]++] = src[i];
        pair_t *t = src;
        src = dst;
        dst = t;
    }
    return src;
}

/* One array's state while it is ranked. */
typedef struct {
    pair_t   *pairs;    /* [2n]: pairs, then sort scratch (in the workspace) */
    pair_t   *sorted;   /* the sorted half of pairs */
    uint64_t *spare;    /* [2n] words: the other half, reused: keys sent, ranks returned */
    uint64_t *recv;     /* [m] keys received: this rank's stretch of the global order
                           (with one rank: spare itself; else in the workspace) */
    double   *back;     /* [m] their ranks (with one rank: the returned ranks' place) */
    int64_t   m;        /* elements in this rank's stretch */
} rank_job_t;

/* Position g_r = floor(r N / P) of the first element of rank r's stretch. */
static int64_t stretch_start(int64_t N, int r, int P)
{
    return (int64_t)r * (N / P) + (int64_t)r * (N % P) / P;
}

/* The heap of a k-way merge: run indices ordered by their head keys. */
typedef struct {
    const uint64_t *recv;
    const int64_t  *cur;    /* [P] next unread element of each run */
    int64_t        *heap;   /* [P] run indices */
    int             n;
} runs_heap_t;

static inline uint64_t head(const runs_heap_t *h, int i)
{
    return h->recv[h->cur[h->heap[i]]];
}

static void heap_down(runs_heap_t *h, int i)
{
    for (;;) {
        int l = 2 * i + 1, s = i;
        if (l < h->n && head(h, l) < head(h, s))
            s = l;
        if (l + 1 < h->n && head(h, l + 1) < head(h, s))
            s = l + 1;
        if (s == i)
            return;
        int64_t t = h->heap[i];
        h->heap[i] = h->heap[s];
        h->heap[s] = t;
        i = s;
    }
}

static void heap_push(runs_heap_t *h, int64_t run)
{
    int i = h->n++;
    h->heap[i] = run;
    while (i > 0 && head(h, (i - 1) / 2) > head(h, i)) {
        int64_t t = h->heap[i];
        h->heap[i] = h->heap[(i - 1) / 2];
        h->heap[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
}

/* The top run has moved on: put it where its new head belongs, or drop it
 * when it is used up (one sift, where pop and push would take two). */
static void heap_retop(runs_heap_t *h, const int64_t *end)
{
    if (h->cur[h->heap[0]] == end[h->heap[0]])
        h->heap[0] = h->heap[--h->n];
    heap_down(h, 0);
}

/* Where a tie run of key k, met at local position pos of a stretch starting
 * at global position g with cnt elements here, starts and ends globally:
 * the stretch's first key (and the next stretch's first key, when there is
 * a next) may have ties on other ranks, and their global counts say where
 * the run really starts and ends; any other key's run lies wholly here. */
typedef struct {
    int64_t         g;          /* global position of the stretch's first element */
    uint64_t        first_key;  /* key at g */
    const at_key_t *first;      /* where first_key stands globally */
    uint64_t        next_key;   /* key at the next stretch's start */
    const at_key_t *next;       /* where next_key stands; NULL on the last rank */
} stretch_t;

static double run_rank(const stretch_t *s, uint64_t k, int64_t pos, int64_t cnt)
{
    int64_t start = k == s->first_key ? s->first->less : s->g + pos;
    int64_t end = s->next && k == s->next_key ? s->next->less + s->next->eq : s->g + pos + cnt;
    return 0.5 * (double)(start + end + 1);     /* mcr_average_ranks' expression */
}

/* Ranks of one stretch: recv holds P sorted runs (one per source rank r,
 * of length rcount[r * stride]); back[i] receives the average rank of
 * recv[i]. scratch holds 5P int64. One run (always so with one rank) is a
 * linear walk; more are merged through a heap, O(m log P). */
static void rank_stretch(const uint64_t *recv, const int64_t *rcount, size_t stride, int P,
                         const stretch_t *s, double *back, int64_t *scratch)
{
    int64_t *cur = scratch, *end = scratch + P, *start = scratch + 3 * P, *taken = scratch + 4 * P;
    int64_t off = 0, pos = 0;
    int nonempty = 0;
    for (int r = 0; r < P; r++) {
        int64_t c = rcount[(size_t)r * stride];
        cur[r] = off;
        off += c;
        end[r] = off;
        nonempty += c > 0;
    }
    if (nonempty <= 1) {
        for (int64_t i = 0; i < off;) {
            int64_t e = i + 1;
            while (e < off && recv[e] == recv[i])
                e++;
            double rank = run_rank(s, recv[i], i, e - i);
            for (; i < e; i++)
                back[i] = rank;
        }
        return;
    }
    runs_heap_t h = {.recv = recv, .cur = cur, .heap = scratch + 2 * P, .n = 0};
    for (int r = 0; r < P; r++)
        if (cur[r] < end[r])
            heap_push(&h, r);
    while (h.n > 0) {
        /* every run's stretch of the smallest key k, run by run off the top */
        uint64_t k = head(&h, 0);
        int64_t cnt = 0;
        int nk = 0;
        do {
            int64_t r = h.heap[0];
            start[nk] = cur[r];
            while (cur[r] < end[r] && recv[cur[r]] == k)
                cur[r]++;
            cnt += cur[r] - start[nk];
            taken[nk++] = r;
            heap_retop(&h, end);
        } while (h.n > 0 && head(&h, 0) == k);
        double rank = run_rank(s, k, pos, cnt);
        for (int j = 0; j < nk; j++)
            for (int64_t i = start[j]; i < cur[taken[j]]; i++)
                back[i] = rank;
        pos += cnt;
    }
}

mcr_status_t mcr_pstats_ranks(const double *const *x, size_t n, size_t B, int64_t N,
                              int threads, mcr_pstats_work_t *work, double *const *rank,
                              mcr_err_t *err)
{
    int P = mcr_par_size(), me = mcr_par_rank();
    size_t T = B * (size_t)P;
    pair_t *pairs = work_get(work, W_PAIRS, B * 2 * n * sizeof *pairs);
    rank_job_t *job = calloc(B, sizeof *job);
    sorted_t *arr = calloc(B, sizeof *arr);
    size_t *which = calloc(T, sizeof *which);
    int64_t *pos = calloc(T, sizeof *pos);
    uint64_t *keys = malloc(T * sizeof *keys);
    int64_t *cnt = malloc(T * NCAND * sizeof *cnt);
    at_key_t *at = malloc(T * sizeof *at);
    int64_t *scount = malloc(T * sizeof *scount), *rcount = malloc(T * sizeof *rcount);
    int64_t *sc = malloc(2 * (size_t)P * sizeof *sc);          /* one array's counts */
    int64_t *scratch = malloc(5 * (size_t)P * (size_t)threads * sizeof *scratch);
    int good = pairs && job && arr && which && pos && keys && cnt && at && scount && rcount && sc
        && scratch;
    for (size_t b = 0; good && b < B; b++)
        job[b].pairs = pairs + b * 2 * n;
    if (!good)
        mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory ranking trials");
    mcr_status_t st = mcr_par_all_ok(good, err);
    if (st != MCR_OK)
        goto done;

    /* sort this rank's (tie key, index) pairs */
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t b = 0; b < B; b++) {
        pair_t *p = job[b].pairs;
        for (size_t i = 0; i < n; i++) {
            p[i].key = tie_key_of(x[b][i]);
            p[i].idx = i;
        }
        job[b].sorted = sort_pairs(p, p + n, n);
        job[b].spare = (uint64_t *)(job[b].sorted == p ? p + n : p);
        for (size_t i = 0; i < n; i++)
            job[b].spare[i] = job[b].sorted[i].key;
        arr[b] = (sorted_t){.p = job[b].sorted, .n = n};
    }

    /* the splitters: the elements at each rank's stretch start, and where
     * their keys stand; then where this rank cuts its sorted pairs */
    for (size_t b = 0; b < B; b++)
        for (int r = 0; r < P; r++) {
            which[b * (size_t)P + (size_t)r] = b;
            pos[b * (size_t)P + (size_t)r] = stretch_start(N, r, P);
        }
    select_keys(arr, which, pos, T, keys, cnt);
    count_at(arr, which, keys, T, at, cnt);
    for (size_t b = 0; b < B; b++) {
        int64_t prev = 0;
        for (int r = 0; r < P; r++) {
            int64_t next = (int64_t)n;
            if (r + 1 < P) {
                const at_key_t *a = &at[b * (size_t)P + (size_t)r + 1];
                int64_t take = pos[b * (size_t)P + (size_t)r + 1] - a->less - a->eq_before;
                take = take < 0 ? 0 : take > a->local_eq ? a->local_eq : take;
                next = a->local_less + take;
            }
            scount[(size_t)r * B + b] = next - prev;
            prev = next;
        }
    }
    mcr_par_alltoall_i64(scount, rcount, B);
    size_t mtotal = 0;
    for (size_t b = 0; b < B; b++) {
        job[b].m = 0;
        for (int r = 0; r < P; r++)
            job[b].m += rcount[(size_t)r * B + b];
        mtotal += (size_t)job[b].m;
    }
    if (P > 1) {        /* with one rank the stretch is the whole array: ranked in place */
        uint64_t *ex = work_get(work, W_EXCHANGE, 2 * mtotal * sizeof *ex);
        for (size_t b = 0; ex && b < B; b++) {
            job[b].recv = ex;
            job[b].back = (double *)(ex + job[b].m);
            ex += 2 * job[b].m;
        }
        if (!ex)
            mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory ranking trials");
        if ((st = mcr_par_all_ok(ex != NULL, err)) != MCR_OK)
            goto done;
    }

    /* keys to the stretches' owners (with one rank, its own: nothing moves) */
    for (size_t b = 0; P > 1 && b < B; b++) {
        for (int r = 0; r < P; r++) {
            sc[r] = scount[(size_t)r * B + b];
            sc[P + r] = rcount[(size_t)r * B + b];
        }
        mcr_par_exchange(job[b].spare, sc, job[b].recv, sc + P);
    }

    /* ranks within each stretch */
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t b = 0; b < B; b++) {
        const at_key_t *a = &at[b * (size_t)P];
        stretch_t s = {.g = pos[b * (size_t)P + (size_t)me],
                       .first_key = keys[b * (size_t)P + (size_t)me], .first = &a[me],
                       .next_key = me + 1 < P ? keys[b * (size_t)P + (size_t)me + 1] : 0,
                       .next = me + 1 < P ? &a[me + 1] : NULL};
        rank_stretch(P > 1 ? job[b].recv : job[b].spare, rcount + b, B, P, &s,
                     P > 1 ? job[b].back : (double *)(job[b].spare + n),
                     scratch + 5 * (size_t)P * (size_t)omp_get_thread_num());
    }

    /* ranks back to the trials' owners, in the order the keys were sent */
    for (size_t b = 0; P > 1 && b < B; b++) {
        for (int r = 0; r < P; r++) {
            sc[r] = rcount[(size_t)r * B + b];
            sc[P + r] = scount[(size_t)r * B + b];
        }
        mcr_par_exchange(job[b].back, sc, job[b].spare + n, sc + P);
    }
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t b = 0; b < B; b++) {
        const double *ret = (const double *)(job[b].spare + n);
        for (size_t i = 0; i < n; i++)
            rank[b][job[b].sorted[i].idx] = ret[i];
    }

done:
    free(job), free(arr), free(which), free(pos), free(keys), free(cnt), free(at);
    free(scount), free(rcount), free(sc), free(scratch);
    return st;
}

/* ---- Spearman ------------------------------------------------------------------------ */

/* As three int64 limbs whose sum over ranks is exact: lo's two halves, hi. */
static void i128_limbs(const mcr_i128_t *a, int64_t *l)
{
    l[0] = (int64_t)(a->lo & 0xffffffffu);
    l[1] = (int64_t)(a->lo >> 32);
    l[2] = a->hi;
}

/* The exact integer sum of limbs over ranks, rounded once (each limb sum
 * is below 2^53 in magnitude, so each double below is exact). */
static double limbs_value(const int64_t *l)
{
    mcr_xsum_t acc;
    mcr_xsum_init(&acc);
    mcr_xsum_add(&acc, ldexp((double)l[2], 64));
    mcr_xsum_add(&acc, ldexp((double)l[1], 32));
    mcr_xsum_add(&acc, (double)l[0]);
    return mcr_xsum_value(&acc);
}

static double correlation(double sab, double saa, double sbb)
{
    if (!(saa > 0) || !(sbb > 0))
        return 0.0;
    double rho = sab / sqrt(saa * sbb);
    return rho > 1.0 ? 1.0 : rho < -1.0 ? -1.0 : rho;
}

mcr_status_t mcr_pstats_spearman(const double *const *ra, size_t na, const double *const *rb,
                                 size_t nb, size_t n, int64_t N, int threads, double *rho,
                                 mcr_err_t *err)
{
    size_t nv = na + nb, npair = na * nb;
    if (N < 2) {
        for (size_t j = 0; j < npair; j++)
            rho[j] = 0.0;
        return MCR_OK;
    }
    int64_t *bad = malloc(nv * sizeof *bad);                /* [v] entries that are no rank */
    uint64_t *sum2 = malloc(nv * sizeof *sum2);             /* [v] sum of 2r, mod 2^64 */
    int64_t *limbs = calloc(9 * npair, sizeof *limbs);      /* ab, aa, bb per pair */
    mcr_xsum_t *xs = malloc((3 * npair + nv) * sizeof *xs); /* the same, exact sums; then sums of r */
    int good = bad && sum2 && limbs && xs;
    if (!good)
        mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory correlating ranks");
    mcr_status_t st = mcr_par_all_ok(good, err);
    if (st != MCR_OK)
        goto done;

    /* Which vectors are average ranks, as mcr_spearman_ranks decides: N <=
     * 2^31 and every 2r an integer in [2, 2N], all summing to N(N+1). Those
     * take the exact integer path; others the exact-sum path, which needs
     * the exact means. */
    int small = N <= ((int64_t)1 << 31);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t v = 0; v < nv; v++) {
        const double *r = v < na ? ra[v] : rb[v - na];
        int64_t no = !small;
        uint64_t sum = 0;
        double top = 2.0 * (double)N;
        for (size_t i = 0; !no && i < n; i++) {
            double t = 2.0 * r[i];
            /* in [2, 2^32], t is whole exactly when truncation keeps it */
            if (!(t >= 2.0 && t <= top && t == (double)(int64_t)t))
                no = 1;
            else
                sum += (uint64_t)t;
        }
        bad[v] = no;
        sum2[v] = sum;
    }
    mcr_par_sum_i64(bad, nv);
    mcr_par_sum_u64(sum2, nv);
    int exact_sums = 0;
    for (size_t v = 0; v < nv; v++) {
        bad[v] = bad[v] != 0 || sum2[v] != (uint64_t)N * (uint64_t)(N + 1);
        exact_sums |= (int)bad[v];
    }
    if (exact_sums) {
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
        for (size_t v = 0; v < nv; v++) {
            const double *r = v < na ? ra[v] : rb[v - na];
            mcr_xsum_init(&xs[3 * npair + v]);
            for (size_t i = 0; i < n; i++)
                mcr_xsum_add(&xs[3 * npair + v], r[i]);
        }
        mcr_par_sum_xsum(xs + 3 * npair, nv);
    }

#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (size_t j = 0; j < npair; j++) {
        size_t a = j / nb, b = j % nb;
        const double *x = ra[a], *y = rb[b];
        mcr_xsum_t *s = &xs[3 * j];
        mcr_xsum_init(&s[0]);
        mcr_xsum_init(&s[1]);
        mcr_xsum_init(&s[2]);
        if (!bad[a] && !bad[na + b]) {
            int64_t c = N + 1;
            mcr_i128_t ab = {0, 0}, aa = {0, 0}, bb = {0, 0};
            for (size_t i = 0; i < n; i++) {
                int64_t da = (int64_t)(2.0 * x[i]) - c, db = (int64_t)(2.0 * y[i]) - c;
                mcr_i128_add(&ab, da * db);
                mcr_i128_add(&aa, da * da);
                mcr_i128_add(&bb, db * db);
            }
            i128_limbs(&ab, limbs + 9 * j);
            i128_limbs(&aa, limbs + 9 * j + 3);
            i128_limbs(&bb, limbs + 9 * j + 6);
        } else {
            double ma = mcr_xsum_value(&xs[3 * npair + a]) / (double)N;
            double mb = mcr_xsum_value(&xs[3 * npair + na + b]) / (double)N;
            for (size_t i = 0; i < n; i++) {
                double da = x[i] - ma, db = y[i] - mb;
                mcr_xsum_add(&s[0], da * db);
                mcr_xsum_add(&s[1], da * da);
                mcr_xsum_add(&s[2], db * db);
            }
        }
    }
    mcr_par_sum_i64(limbs, 9 * npair);
    mcr_par_sum_xsum(xs, 3 * npair);
    for (size_t j = 0; j < npair; j++) {
        size_t a = j / nb, b = j % nb;
        if (!bad[a] && !bad[na + b])
            rho[j] = correlation(limbs_value(limbs + 9 * j), limbs_value(limbs + 9 * j + 3),
                                 limbs_value(limbs + 9 * j + 6));
        else
            rho[j] = correlation(mcr_xsum_value(&xs[3 * j]), mcr_xsum_value(&xs[3 * j + 1]),
                                 mcr_xsum_value(&xs[3 * j + 2]));
    }

done:
    free(bad), free(sum2), free(limbs), free(xs);
    return st;
}
