/* par.c -- MPI behind the engine's small vocabulary (see par.h).
 *
 * Two builds of one file. Without MCR_MPI every function is its one-rank
 * meaning and the file needs no MPI header. With MCR_MPI the same functions
 * call MPI on MPI_COMM_WORLD -- but only once mcr_par_init() has run: until
 * then (and after mcr_par_finalize) the process is a job of one rank, so
 * test helpers and other commands linked with the MPI library keep working
 * without mpirun.
 *
 * Every MPI call goes through ok(), which turns a failure into one line
 * naming the call and the rank, and MPI_Abort: once communication has
 * failed no rank can be sure the others will reach the next agreement.
 * MPI_COMM_WORLD's error handler is set to MPI_ERRORS_RETURN so that the
 * failure comes back here instead of aborting without a word.
 *
 * Large messages are cut into pieces of at most MAX_PIECE values, so no
 * count overflows MPI's int and no single message is huge.
 */
#include "engine/par.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/simulate.h"

#ifdef MCR_MPI
#include <mpi.h>
#endif

/* ---- the job, in both builds --------------------------------------------------- */

static int par_rank = 0, par_size = 1;

int mcr_par_rank(void)
{
    return par_rank;
}

int mcr_par_size(void)
{
    return par_size;
}

void mcr_par_share(int64_t trials, int rank, int64_t *first, int64_t *count)
{
    int64_t blocks = (trials + MCR_BLOCK - 1) / MCR_BLOCK, p = par_size;
    /* floor(r * blocks / p) without overflow: blocks = q p + m */
    int64_t q = blocks / p, m = blocks % p;
    int64_t b0 = rank * q + (int64_t)rank * m / p;
    int64_t b1 = (rank + 1) * q + (int64_t)(rank + 1) * m / p;
    int64_t lo = b0 * MCR_BLOCK, hi = b1 * MCR_BLOCK < trials ? b1 * MCR_BLOCK : trials;
    *first = lo;
    *count = hi > lo ? hi - lo : 0;
}

#ifndef MCR_MPI

/* ---- one rank: every operation is its trivial meaning ---------------------------- */

mcr_status_t mcr_par_init(mcr_err_t *err)
{
    (void)err;
    return MCR_OK;
}

void mcr_par_finalize(void)
{
}

uint64_t mcr_par_node_sum(uint64_t v, int *ranks_on_node)
{
    *ranks_on_node = 1;
    return v;
}

mcr_status_t mcr_par_agree(mcr_status_t st, mcr_err_t *err)
{
    (void)err;
    return st;
}

mcr_status_t mcr_par_all_ok(int ok, mcr_err_t *err)
{
    (void)err;
    return ok ? MCR_OK : MCR_ERUNTIME;
}

int mcr_par_any(int flag)
{
    return flag != 0;
}

void mcr_par_bcast(void *buf, size_t bytes)
{
    (void)buf, (void)bytes;
}

void mcr_par_sum_i64(int64_t *v, size_t n)
{
    (void)v, (void)n;
}

void mcr_par_sum_u64(uint64_t *v, size_t n)
{
    (void)v, (void)n;
}

void mcr_par_max_i64(int64_t *v, size_t n)
{
    (void)v, (void)n;
}

void mcr_par_exscan_i64(int64_t *v, size_t n)
{
    memset(v, 0, n * sizeof *v);
}

void mcr_par_sum_xsum(mcr_xsum_t *a, size_t n)
{
    (void)a, (void)n;
}

mcr_status_t mcr_par_gather_sketch(mcr_sketch_t *sk, mcr_err_t *err)
{
    (void)sk, (void)err;
    return MCR_OK;
}

void mcr_par_alltoall_i64(const int64_t *send, int64_t *recv, size_t m)
{
    memmove(recv, send, m * sizeof *send);
}

void mcr_par_exchange(const void *send, const int64_t *scount, void *recv,
                      const int64_t *rcount)
{
    (void)rcount;
    memmove(recv, send, (size_t)scount[0] * 8);
}

void mcr_par_watch_begin(void)
{
}

int mcr_par_watch_poll(int stop, int finished, int64_t done, mcr_par_watch_t *out)
{
    out->stop = stop;
    out->finished = finished;
    out->done = done;
    return 1;
}

void mcr_par_pieces_get(int64_t trials, const double *data, int64_t row,
                        int64_t first, int64_t n, double *buf)
{
    memcpy(buf, data + row * trials + first, (size_t)n * sizeof *buf);
}

void mcr_par_pieces_serve(int64_t trials, const double *data)
{
    (void)trials, (void)data;
}

void mcr_par_pieces_end(void)
{
}

#else /* MCR_MPI */

/* ---- MPI ---------------------------------------------------------------------------- */

#define MAX_PIECE ((int64_t)1 << 27)  /* values per message: 1 GiB of 8-byte values */
#define XSUM_BATCH 64                 /* accumulators reduced per call */

static int par_on;                    /* MPI initialised by us and not finalised */
static MPI_Comm node_comm = MPI_COMM_NULL;

/* A failed MPI call: say which, on which rank, and end the job. */
static void ok(int rc, const char *call)
{
    if (rc == MPI_SUCCESS)
        return;
    char why[MPI_MAX_ERROR_STRING];
    int len = 0;
    if (MPI_Error_string(rc, why, &len) != MPI_SUCCESS)
        snprintf(why, sizeof why, "MPI error %d", rc);
    fprintf(stderr, "mcrisk: error: rank %d: %s failed (%s); aborting the job\n",
            par_rank, call, why);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
    exit(1);
}

mcr_status_t mcr_par_init(mcr_err_t *err)
{
    int inited = 0, provided = 0;
    if (MPI_Initialized(&inited) != MPI_SUCCESS)
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: MPI_Initialized failed");
    if (inited)
        return MCR_OK;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS)
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: MPI_Init_thread failed");
    par_on = 1;
    ok(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
    ok(MPI_Comm_rank(MPI_COMM_WORLD, &par_rank), "MPI_Comm_rank");
    ok(MPI_Comm_size(MPI_COMM_WORLD, &par_size), "MPI_Comm_size");
    if (provided < MPI_THREAD_FUNNELED) {
        mcr_par_finalize();
        return mcr_fail(err, MCR_ERUNTIME,
                        "mcrisk: error: this MPI library does not support MPI_THREAD_FUNNELED");
    }
    ok(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, par_rank, MPI_INFO_NULL,
                           &node_comm), "MPI_Comm_split_type");
    return MCR_OK;
}

void mcr_par_finalize(void)
{
    if (!par_on)
        return;
    ok(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier");
    if (node_comm != MPI_COMM_NULL)
        ok(MPI_Comm_free(&node_comm), "MPI_Comm_free");
    MPI_Finalize();
    par_on = 0;
    par_rank = 0;
    par_size = 1;
}

uint64_t mcr_par_node_sum(uint64_t v, int *ranks_on_node)
{
    *ranks_on_node = 1;
    if (par_size == 1)
        return v;
    uint64_t sum = 0;
    double approx = (double)v, total = 0;
    ok(MPI_Allreduce(&v, &sum, 1, MPI_UINT64_T, MPI_SUM, node_comm), "MPI_Allreduce");
    ok(MPI_Allreduce(&approx, &total, 1, MPI_DOUBLE, MPI_SUM, node_comm), "MPI_Allreduce");
    ok(MPI_Comm_size(node_comm, ranks_on_node), "MPI_Comm_size");
    /* saturate (plan.c's estimates do): a sum past 2^64 is "too much", not
     * a small wrapped number */
    return total >= 18446744073709551616.0 ? UINT64_MAX : sum;
}

/* ---- agreement ---------------------------------------------------------------- */

/* The class of a status for mcr_par_agree: lower wins. */
static int rank_of_status(mcr_status_t st, const mcr_err_t *err)
{
    if (st == MCR_OK)
        return 3;
    if (st == MCR_EINTR || st == MCR_ETERM)
        return 1;
    return err->msg[0] ? 0 : 2;
}

mcr_status_t mcr_par_agree(mcr_status_t st, mcr_err_t *err)
{
    if (par_size == 1)
        return st;
    struct {
        int cls, rank;
    } mine = {rank_of_status(st, err), par_rank}, won;
    ok(MPI_Allreduce(&mine, &won, 1, MPI_2INT, MPI_MINLOC, MPI_COMM_WORLD), "MPI_Allreduce");
    if (won.cls == 3)
        return MCR_OK;
    int s = (int)st;
    ok(MPI_Bcast(&s, 1, MPI_INT, won.rank, MPI_COMM_WORLD), "MPI_Bcast");
    ok(MPI_Bcast(err->msg, MCR_ERR_MAX, MPI_CHAR, won.rank, MPI_COMM_WORLD), "MPI_Bcast");
    err->msg[MCR_ERR_MAX - 1] = '\0';
    return (mcr_status_t)s;
}

mcr_status_t mcr_par_all_ok(int good, mcr_err_t *err)
{
    if (par_size == 1)
        return good ? MCR_OK : MCR_ERUNTIME;
    int all = 0;
    ok(MPI_Allreduce(&good, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD), "MPI_Allreduce");
    if (all)
        return MCR_OK;
    if (good)
        err->msg[0] = '\0';
    return MCR_ERUNTIME;
}

int mcr_par_any(int flag)
{
    if (par_size == 1)
        return flag != 0;
    int mine = flag != 0, any = 0;
    ok(MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD), "MPI_Allreduce");
    return any;
}

/* ---- collectives ---------------------------------------------------------------- */

void mcr_par_bcast(void *buf, size_t bytes)
{
    if (par_size == 1)
        return;
    for (size_t at = 0; at < bytes; at += (size_t)MAX_PIECE) {
        size_t n = bytes - at < (size_t)MAX_PIECE ? bytes - at : (size_t)MAX_PIECE;
        ok(MPI_Bcast((char *)buf + at, (int)n, MPI_BYTE, 0, MPI_COMM_WORLD), "MPI_Bcast");
    }
}

static void allreduce(void *v, size_t n, MPI_Datatype type, MPI_Op op)
{
    if (par_size == 1)
        return;
    for (size_t at = 0; at < n; at += (size_t)MAX_PIECE) {
        size_t m = n - at < (size_t)MAX_PIECE ? n - at : (size_t)MAX_PIECE;
        ok(MPI_Allreduce(MPI_IN_PLACE, (char *)v + at * 8, (int)m, type, op, MPI_COMM_WORLD),
           "MPI_Allreduce");
    }
}

void mcr_par_sum_i64(int64_t *v, size_t n)
{
    allreduce(v, n, MPI_INT64_T, MPI_SUM);
}

void mcr_par_sum_u64(uint64_t *v, size_t n)
{
    allreduce(v, n, MPI_UINT64_T, MPI_SUM);
}

void mcr_par_max_i64(int64_t *v, size_t n)
{
    allreduce(v, n, MPI_INT64_T, MPI_MAX);
}

void mcr_par_exscan_i64(int64_t *v, size_t n)
{
    if (par_size == 1) {
        memset(v, 0, n * sizeof *v);
        return;
    }
    for (size_t at = 0; at < n; at += (size_t)MAX_PIECE) {
        size_t m = n - at < (size_t)MAX_PIECE ? n - at : (size_t)MAX_PIECE;
        ok(MPI_Exscan(MPI_IN_PLACE, v + at, (int)m, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD),
           "MPI_Exscan");
        if (par_rank == 0)      /* MPI leaves rank 0's result undefined */
            memset(v + at, 0, m * sizeof *v);
    }
}

void mcr_par_sum_xsum(mcr_xsum_t *a, size_t n)
{
    if (par_size == 1)
        return;
    int64_t limbs[XSUM_BATCH * MCR_XSUM_LIMBS];
    for (size_t at = 0; at < n; at += XSUM_BATCH) {
        size_t m = n - at < XSUM_BATCH ? n - at : XSUM_BATCH;
        for (size_t i = 0; i < m; i++) {
            mcr_xsum_normalize(&a[at + i]);
            memcpy(limbs + i * MCR_XSUM_LIMBS, a[at + i].limb, sizeof a[at + i].limb);
        }
        ok(MPI_Allreduce(MPI_IN_PLACE, limbs, (int)(m * MCR_XSUM_LIMBS), MPI_INT64_T, MPI_SUM,
                         MPI_COMM_WORLD), "MPI_Allreduce");
        for (size_t i = 0; i < m; i++) {
            memcpy(a[at + i].limb, limbs + i * MCR_XSUM_LIMBS, sizeof a[at + i].limb);
            a[at + i].pending = (uint32_t)par_size;  /* par_size normalised sums (xsum.h) */
        }
    }
}

/* Point-to-point transfer of n 8-byte values in pieces of at most MAX_PIECE. */
static void send_values(const void *buf, int64_t n, int to, int tag)
{
    for (int64_t at = 0; at < n; at += MAX_PIECE) {
        int64_t m = n - at < MAX_PIECE ? n - at : MAX_PIECE;
        ok(MPI_Send((const char *)buf + at * 8, (int)m, MPI_UINT64_T, to, tag, MPI_COMM_WORLD),
           "MPI_Send");
    }
}

static void recv_values(void *buf, int64_t n, int from, int tag)
{
    for (int64_t at = 0; at < n; at += MAX_PIECE) {
        int64_t m = n - at < MAX_PIECE ? n - at : MAX_PIECE;
        ok(MPI_Recv((char *)buf + at * 8, (int)m, MPI_UINT64_T, from, tag, MPI_COMM_WORLD,
                    MPI_STATUS_IGNORE), "MPI_Recv");
    }
}

enum { TAG_SKETCH = 1, TAG_EXCHANGE, TAG_PIECE };

/* Rank 0 receives each rank's packed sketch in turn (sizes first, so it
 * allocates once, for the largest) and merges it. Every allocation is
 * agreed on before the first transfer, so no rank is left sending to a
 * rank that cannot receive; a failed merge on rank 0 still receives the
 * rest. */
mcr_status_t mcr_par_gather_sketch(mcr_sketch_t *sk, mcr_err_t *err)
{
    if (par_size == 1)
        return MCR_OK;
    uint64_t *words = NULL;
    size_t nwords = 0;
    int64_t mine = 0, *sizes = NULL;
    int good;
    if (par_rank != 0) {
        good = mcr_sketch_pack(sk, &words, &nwords) == MCR_OK;
        mine = (int64_t)nwords;
    } else {
        good = (sizes = malloc((size_t)par_size * sizeof *sizes)) != NULL;
    }
    if (!good)
        mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory gathering quantile sketches");
    mcr_status_t st = mcr_par_all_ok(good, err);
    if (st == MCR_OK) {
        ok(MPI_Gather(&mine, 1, MPI_INT64_T, sizes, 1, MPI_INT64_T, 0, MPI_COMM_WORLD),
           "MPI_Gather");
        if (par_rank == 0) {
            int64_t most = 1;
            for (int r = 1; r < par_size; r++)
                most = sizes[r] > most ? sizes[r] : most;
            good = (words = malloc((size_t)most * sizeof *words)) != NULL;
            if (!good)
                mcr_fail(err, MCR_ERUNTIME,
                         "mcrisk: error: out of memory gathering quantile sketches");
        }
        st = mcr_par_all_ok(good, err);
    }
    if (st == MCR_OK && par_rank != 0)
        send_values(words, mine, 0, TAG_SKETCH);
    for (int r = 1; st == MCR_OK && par_rank == 0 && r < par_size; r++) {
        recv_values(words, sizes[r], r, TAG_SKETCH);
        if (mcr_sketch_unpack_merge(sk, words, (size_t)sizes[r]) != MCR_OK) {
            st = mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory merging quantile sketches");
            for (int q = r + 1; q < par_size; q++)      /* still take what is on its way */
                recv_values(words, sizes[q], q, TAG_SKETCH);
        }
    }
    free(words);
    free(sizes);
    return st;
}

void mcr_par_alltoall_i64(const int64_t *send, int64_t *recv, size_t m)
{
    if (par_size == 1) {
        memmove(recv, send, m * sizeof *send);
        return;
    }
    ok(MPI_Alltoall(send, (int)m, MPI_INT64_T, recv, (int)m, MPI_INT64_T, MPI_COMM_WORLD),
       "MPI_Alltoall");
}

/* Non-blocking pieces to and from every peer, then one wait: no ordering
 * between peers can deadlock. Messages between one pair keep their order
 * (MPI's non-overtaking rule), so equal tags are enough. */
void mcr_par_exchange(const void *send, const int64_t *scount, void *recv,
                      const int64_t *rcount)
{
    int P = par_size;
    int64_t soff = 0, roff = 0, nreq = 0;
    for (int r = 0; r < P; r++)
        if (r != par_rank)
            nreq += (scount[r] + MAX_PIECE - 1) / MAX_PIECE + (rcount[r] + MAX_PIECE - 1) / MAX_PIECE;
    MPI_Request *req = nreq ? malloc((size_t)nreq * sizeof *req) : NULL;
    if (nreq && !req)
        ok(MPI_ERR_NO_MEM, "malloc of MPI requests");
    int64_t k = 0;
    for (int r = 0; r < P; r++) {
        const char *s = (const char *)send + soff * 8;
        char *d = (char *)recv + roff * 8;
        if (r == par_rank) {
            memmove(d, s, (size_t)scount[r] * 8);
        } else {
            for (int64_t at = 0; at < rcount[r]; at += MAX_PIECE) {
                int64_t m = rcount[r] - at < MAX_PIECE ? rcount[r] - at : MAX_PIECE;
                ok(MPI_Irecv(d + at * 8, (int)m, MPI_UINT64_T, r, TAG_EXCHANGE, MPI_COMM_WORLD,
                             &req[k++]), "MPI_Irecv");
            }
            for (int64_t at = 0; at < scount[r]; at += MAX_PIECE) {
                int64_t m = scount[r] - at < MAX_PIECE ? scount[r] - at : MAX_PIECE;
                ok(MPI_Isend(s + at * 8, (int)m, MPI_UINT64_T, r, TAG_EXCHANGE, MPI_COMM_WORLD,
                             &req[k++]), "MPI_Isend");
            }
        }
        soff += scount[r];
        roff += rcount[r];
    }
    if (k)
        ok(MPI_Waitall((int)k, req, MPI_STATUSES_IGNORE), "MPI_Waitall");
    free(req);
}

/* ---- the simulation watch ---------------------------------------------------------- */

static struct {
    int         active;     /* a round is in flight */
    MPI_Request req;
    int64_t     send[3], recv[3];   /* stop, finished, done */
} watch;

void mcr_par_watch_begin(void)
{
    watch.active = 0;
}

static void watch_start(int stop, int finished, int64_t done)
{
    watch.send[0] = stop != 0;
    watch.send[1] = finished != 0;
    watch.send[2] = done;
    ok(MPI_Iallreduce(watch.send, watch.recv, 3, MPI_INT64_T, MPI_SUM, MPI_COMM_WORLD,
                      &watch.req), "MPI_Iallreduce");
    watch.active = 1;
}

int mcr_par_watch_poll(int stop, int finished, int64_t done, mcr_par_watch_t *out)
{
    if (par_size == 1) {
        out->stop = stop;
        out->finished = finished;
        out->done = done;
        return 1;
    }
    if (!watch.active) {
        watch_start(stop, finished, done);
        return 0;
    }
    int flag = 0;
    ok(MPI_Test(&watch.req, &flag, MPI_STATUS_IGNORE), "MPI_Test");
    if (!flag)
        return 0;
    watch.active = 0;
    out->stop = watch.recv[0] > 0;
    out->finished = watch.recv[1] == par_size;
    out->done = watch.recv[2];
    if (!out->finished)
        watch_start(stop, finished, done);
    return 1;
}

/* ---- pieces of rows for rank 0 ----------------------------------------------------------- */

/* The overlap of [first, first + n) with rank r's trials, as an offset into
 * the piece and a length (0 when none). */
static int64_t overlap(int64_t trials, int r, int64_t first, int64_t n, int64_t *at)
{
    int64_t f, c;
    mcr_par_share(trials, r, &f, &c);
    int64_t lo = f > first ? f : first;
    int64_t hi = f + c < first + n ? f + c : first + n;
    *at = lo - first;
    return hi > lo ? hi - lo : 0;
}

void mcr_par_pieces_get(int64_t trials, const double *data, int64_t row,
                        int64_t first, int64_t n, double *buf)
{
    int64_t f, c;
    mcr_par_share(trials, par_rank, &f, &c);
    if (par_size == 1) {
        memcpy(buf, data + row * c + (first - f), (size_t)n * sizeof *buf);
        return;
    }
    int64_t ask[3] = {row, first, n}, at;
    ok(MPI_Bcast(ask, 3, MPI_INT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
    int64_t mine = overlap(trials, 0, first, n, &at);
    if (mine)
        memcpy(buf + at, data + row * c + (first + at - f), (size_t)mine * sizeof *buf);
    for (int r = 1; r < par_size; r++) {
        int64_t m = overlap(trials, r, first, n, &at);
        if (m)
            recv_values(buf + at, m, r, TAG_PIECE);
    }
}

void mcr_par_pieces_serve(int64_t trials, const double *data)
{
    if (par_size == 1)
        return;
    int64_t f, c;
    mcr_par_share(trials, par_rank, &f, &c);
    for (;;) {
        int64_t ask[3], at;
        ok(MPI_Bcast(ask, 3, MPI_INT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
        if (ask[0] < 0)
            return;
        int64_t m = overlap(trials, par_rank, ask[1], ask[2], &at);
        if (m)
            send_values(data + ask[0] * c + (ask[1] + at - f), m, 0, TAG_PIECE);
    }
}

void mcr_par_pieces_end(void)
{
    if (par_size == 1)
        return;
    int64_t ask[3] = {-1, 0, 0};
    ok(MPI_Bcast(ask, 3, MPI_INT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
}

#endif /* MCR_MPI */
