/* trial.h -- one Monte Carlo trial of the model of SPEC 2.
 *
 * mcr_trial_run() draws every risk factor once from the trial's own stream
 * and values every strategy on those same draws (common random numbers). It
 * is a pure function of (rng, model): it writes into caller-provided buffers
 * (a per-thread workspace carved once by the engine) and allocates nothing.
 *
 * Order of draws within a trial (fixed; changing it changes every number):
 *   1. energy: first, for each region r with p_jump > 0, the gap to its
 *      first jump (one uniform); then for t = 1 .. H-1: e_{r,t} ~ N(0,1) for
 *      each region r, then for each region r that jumps in month t:
 *      w ~ N(0,1) and the gap to its next jump (one uniform)
 *   2. chips: F_0 from S_0 = initial_regime; for t = 1 .. H-1: S_t from row
 *      S_{t-1}, then F_t ~ Beta(regime S_t)
 *   3. strategies in file order: build: permit, pause (a Bernoulli draw when a
 *      pause is configured, then its months when it happens), construction;
 *      lease: onboarding (a fixed duration draws nothing)
 * Steps 1-3 live in energy.c, chips.c and strategy.c; trial.c composes them.
 */
#ifndef MCR_TRIAL_H
#define MCR_TRIAL_H

#include <stddef.h>

#include "kernels/model.h"
#include "kernels/rng.h"

/* Per-trial scalar outputs (SPEC 2.6), in this order. */
enum {
    MCR_OUT_COST_NPV = 0,        /* USD */
    MCR_OUT_LCOC,                /* USD per GPU-hour */
    MCR_OUT_MONTHS_TO_90PCT,     /* months; H when never (censored) */
    MCR_OUT_SHORTFALL_GPU_HOURS, /* GPU-hours */
    MCR_OUT_REGRET,              /* USD */
    MCR_NOUT
};

/* Components of cost_npv, discounted (SPEC 2.6 "cost breakdown"). */
enum {
    MCR_COMP_FACILITY_CAPEX = 0,
    MCR_COMP_GPU_CAPEX,
    MCR_COMP_ENERGY,
    MCR_COMP_OPEX,
    MCR_COMP_LEASE,
    MCR_COMP_SHORTFALL,
    MCR_COMP_RESIDUAL,           /* credited: <= 0 */
    MCR_NCOMP
};

/* Per-month paths per strategy (SPEC 2.6). */
enum {
    MCR_PATH_ONLINE_GPUS = 0,    /* C_t, GPUs */
    MCR_PATH_MONTHLY_COST,       /* K_t, USD, undiscounted */
    MCR_NPATH
};

/* Scratch and per-month results of one trial; all arrays are caller-owned. */
typedef struct {
    double *price;      /* [R*H] energy price P_{r,t}, USD/MWh, row r */
    double *fill;       /* [H] market fill fraction F_t */
    int    *regime;     /* [H] regime index S_t */
    double *path;       /* [S*NPATH*H] paths: path[(s*MCR_NPATH + p)*H + t] */
    double *scratch;    /* [3*R] normals, log prices, next jump months; internal */
} mcr_trial_work_t;

/* One trial's scalar results; all arrays are caller-owned. */
typedef struct {
    double *out;        /* [MCR_NOUT*S]: out[k*S + s] */
    double *breakdown;  /* [S*MCR_NCOMP]: breakdown[s*MCR_NCOMP + c] */
    double *driver;     /* [D] sensitivity drivers, SPEC 2.6 order */
    int     best;       /* strategy with the lowest cost_npv; ties to the first */
} mcr_trial_out_t;

/* Bytes of memory a workspace for model m needs (suitably aligned). */
size_t mcr_trial_work_bytes(const mcr_model_t *m);

/* Point the workspace's arrays into mem, which holds
 * mcr_trial_work_bytes(m) bytes aligned for double. */
void mcr_trial_work_bind(mcr_trial_work_t *w, const mcr_model_t *m, void *mem);

/* Simulate one trial: draws from rng, writes w's per-month arrays and o. */
void mcr_trial_run(mcr_rng_t *rng, const mcr_model_t *m,
                   mcr_trial_work_t *w, mcr_trial_out_t *o);

#endif /* MCR_TRIAL_H */
