/* plan.h -- what a run will need before it starts: memory and threads.
 *
 * The run refuses (exit 1) before allocating anything when its estimate
 * exceeds the memory available, and says how many trials would fit;
 * `mcrisk validate` prints the same estimate.
 */
#ifndef MCR_PLAN_H
#define MCR_PLAN_H

#include <stdint.h>

#include "kernels/model.h"

typedef struct {
    uint64_t per_trial;     /* bytes held per trial (outputs, drivers, ranks, sort space) */
    uint64_t fixed;         /* bytes independent of trials (sketches, workspaces, results) */
    uint64_t total;         /* fixed + per_trial * trials */
} mcr_plan_mem_t;

/* Estimate the peak memory of running `trials` trials of model m on
 * `threads` threads (per process; under MPI, trials is this rank's share). */
void mcr_plan_memory(const mcr_model_t *m, int64_t trials, int threads,
                     int npercentiles, mcr_plan_mem_t *out);

/* The kernel's MemAvailable in bytes (/proc/meminfo), or 0 when unknown. */
uint64_t mcr_plan_mem_available(void);

/* Format bytes for people: "1.2 GiB", "640 MiB", "12 KiB". Returns buf. */
const char *mcr_plan_bytes_str(uint64_t bytes, char *buf, int len);

#endif /* MCR_PLAN_H */
