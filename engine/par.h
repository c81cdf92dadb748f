/* par.h -- the engine's whole view of MPI: who we are, agreeing, moving data.
 *
 * mcrisk is a hybrid program: MPI ranks take contiguous ranges of whole
 * trial blocks, OpenMP threads take blocks within a rank (simulate.h). Every
 * MPI call of the project lives in par.c, behind the small vocabulary below,
 * so the engine reads the same with or without MPI. Built without MCR_MPI
 * (the serial build), or with it but never initialised (test helpers linked
 * with the MPI library), there is one rank and every operation is its
 * trivial serial meaning: a broadcast or a sum over one rank changes nothing,
 * an exchange is a copy, an exclusive scan is zero.
 *
 * Threads. MPI is initialised with MPI_THREAD_FUNNELED: only the thread that
 * called mcr_par_init() -- the one running `mcrisk run`, which is OpenMP's
 * master thread in every parallel region -- calls these functions, and never
 * from inside a parallel region except the simulation watch, which the
 * master thread polls between blocks.
 *
 * Failures. What can go wrong on one rank (bad input, a failed allocation, a
 * non-finite trial, a signal) must stop every rank, or the others wait in a
 * collective forever. So the engine works in phases; between phases every
 * rank states its status and mcr_par_agree() makes the worst one (with its
 * message, from whichever rank had it) everybody's. Inside a phase, a rank
 * that must allocate before communicating asks mcr_par_all_ok() first. A
 * failed MPI call itself means the job's communication is broken and no
 * agreement can be reached: it is reported with the call's name and the
 * job is ended with MPI_Abort (status 1).
 *
 * Sizes are size_t or int64_t here; MPI's int counts are handled inside
 * (messages are cut into pieces of at most 2^27 values).
 */
#ifndef MCR_PAR_H
#define MCR_PAR_H

#include <stddef.h>
#include <stdint.h>

#include "kernels/status.h"
#include "results/sketch.h"
#include "results/xsum.h"

/* ---- the job ----------------------------------------------------------------- */

/* Start MPI (MPI_THREAD_FUNNELED) in the MPI build; nothing in the serial
 * one. MCR_ERUNTIME with a message when MPI cannot start or cannot give
 * funneled threads. */
mcr_status_t mcr_par_init(mcr_err_t *err);

/* Wait for every rank, then shut MPI down: rank 0 has finished printing and
 * removing files before any rank exits (mpirun tears the job down when the
 * first rank exits with a non-zero status). */
void mcr_par_finalize(void);

int mcr_par_rank(void);     /* 0 .. size-1; 0 without MPI */
int mcr_par_size(void);     /* ranks in the job; 1 without MPI */

/* The trials [*first, *first + *count) of `rank` in a run of `trials`
 * trials: the blocks of MCR_BLOCK trials are dealt out as evenly as whole
 * blocks allow, in rank order, so *first is a block start. A rank may get
 * no block (*count == 0) when there are fewer blocks than ranks. */
void mcr_par_share(int64_t trials, int rank, int64_t *first, int64_t *count);

/* The sum of v over the ranks that share this rank's node (its memory), and
 * how many they are. Without MPI: v and 1. */
uint64_t mcr_par_node_sum(uint64_t v, int *ranks_on_node);

/* ---- agreement --------------------------------------------------------------- */

/* Every rank passes its status (and err, holding its message when it
 * failed); every rank gets back the same status and message, those of the
 * lowest rank in the first class present of: a failure with a message, a
 * signal (MCR_EINTR / MCR_ETERM), a failure without message (a rank that
 * stopped because a peer failed). MCR_OK only when every rank is OK. */
mcr_status_t mcr_par_agree(mcr_status_t st, mcr_err_t *err);

/* Every rank says whether it may go on (ok != 0; when ok == 0 its err holds
 * why). MCR_OK when all may; otherwise MCR_ERUNTIME, with err as it was on
 * the ranks that failed and emptied on the others (stopped for a peer, for
 * mcr_par_agree to rank). */
mcr_status_t mcr_par_all_ok(int ok, mcr_err_t *err);

/* 1 on every rank when flag != 0 on some rank. */
int mcr_par_any(int flag);

/* ---- moving data -------------------------------------------------------------- */

/* Rank 0's bytes into buf on every rank. */
void mcr_par_bcast(void *buf, size_t bytes);

/* Element-wise over all ranks, in place, result on every rank. */
void mcr_par_sum_i64(int64_t *v, size_t n);
void mcr_par_sum_u64(uint64_t *v, size_t n);
void mcr_par_max_i64(int64_t *v, size_t n);

/* v[i] := the sum of v[i] over the ranks below this one (0 on rank 0). */
void mcr_par_exscan_i64(int64_t *v, size_t n);

/* a[i] := the exact sum of a[i] over all ranks, on every rank: each
 * accumulator is normalised and its limbs added as integers (xsum.h), so the
 * result is the accumulator of every rank's additions together. */
void mcr_par_sum_xsum(mcr_xsum_t *a, size_t n);

/* Rank 0's sketch += every other rank's (exact: integer counts). Other
 * ranks' sketches are left as they were. MCR_ERUNTIME (message on the rank
 * that failed) when a buffer cannot be allocated or a merge runs out of
 * memory; collective and safe to call on every rank whatever happens. */
mcr_status_t mcr_par_gather_sketch(mcr_sketch_t *sk, mcr_err_t *err);

/* All-to-all of m int64 values per pair of ranks: send[r*m .. r*m + m) goes
 * to rank r, and recv[r*m ..) comes from rank r. */
void mcr_par_alltoall_i64(const int64_t *send, int64_t *recv, size_t m);

/* All-to-all of 8-byte values (uint64 or double) in variable amounts:
 * scount[r] values, consecutive in send in rank order, go to rank r;
 * rcount[r] values arrive from rank r, consecutive in recv in rank order.
 * The counts must match pairwise (exchange them first). */
void mcr_par_exchange(const void *send, const int64_t *scount, void *recv,
                      const int64_t *rcount);

/* ---- the simulation watch -------------------------------------------------------
 *
 * While the trials run, the master thread of every rank polls the watch
 * between its blocks. Each poll tests a non-blocking sum over ranks of
 * (stop requested, rank finished, trials done); when one completes, the
 * totals are returned and the next round starts with the values just
 * given. Every rank sees the same sequence of totals, so all see "every rank
 * finished" in the same round and stop polling together: no rank is left
 * in a collective, and a stop on any rank reaches every rank within a round
 * (a block or two). One watch at a time per process. */
typedef struct {
    int     stop;       /* some rank asked to stop */
    int     finished;   /* every rank has finished: the watch is over */
    int64_t done;       /* trials completed over all ranks */
} mcr_par_watch_t;

void mcr_par_watch_begin(void);

/* This rank's (stop, finished, done); 1 when *out holds new totals. A rank
 * must keep polling, even when finished, until out->finished. */
int mcr_par_watch_poll(int stop, int finished, int64_t done, mcr_par_watch_t *out);

/* ---- rows of per-trial values, gathered in pieces on rank 0 ----------------------
 *
 * Each rank holds rows of per-trial values for its own trial range
 * (mcr_par_share): row j at data[j * count .. j * count + count). Rank 0
 * fetches a piece [first, first + n) of row j with mcr_par_pieces_get();
 * meanwhile every other rank sits in mcr_par_pieces_serve(), sending its
 * part of each piece asked for, until rank 0 calls mcr_par_pieces_end().
 * Rank 0 decides the pieces, so their size bounds its memory. */
void mcr_par_pieces_get(int64_t trials, const double *data, int64_t row,
                        int64_t first, int64_t n, double *buf);
void mcr_par_pieces_serve(int64_t trials, const double *data);
void mcr_par_pieces_end(void);

#endif /* MCR_PAR_H */
