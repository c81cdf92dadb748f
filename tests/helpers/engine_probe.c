/* engine_probe.c -- run the engine on a scenario and dump what the file omits.
 *
 *   engine_probe SCENARIO.yaml OUT.bin THREADS
 *
 * Writes little-endian doubles: S, D, N, then cost_npv [S][N], the
 * sensitivity drivers [D][N] and the computed Spearman matrix [S][D], so
 * tests/test_engine.py can check every correlation against scipy.
 */
#include <stdio.h>
#include <stdlib.h>

#include "engine/reduce.h"
#include "engine/simulate.h"
#include "inputs/scenario.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: engine_probe SCENARIO.yaml OUT.bin THREADS\n");
        return 2;
    }
    mcr_scenario_t sc;
    mcr_diag_t diag = {0};
    mcr_err_t err = {{0}};
    if (mcr_scenario_load(argv[1], &sc, &diag) != MCR_OK) {
        for (int i = 0; i < diag.n; i++)
            fprintf(stderr, "%s\n", diag.msg[i]);
        mcr_diag_free(&diag);
        return 2;
    }
    int threads = atoi(argv[3]);
    mcr_sim_t sim;
    mcr_results_t res;
    if (mcr_sim_alloc(&sim, &sc.model, sc.seed, 0, sc.trials, &err) != MCR_OK
        || mcr_sim_run(&sim, threads, NULL, &err) != MCR_OK
        || mcr_reduce(&sim, &sc, threads, &res, &err) != MCR_OK) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    size_t S = (size_t)res.S, D = (size_t)res.D, N = (size_t)sim.count;
    FILE *f = fopen(argv[2], "wb");
    double head[3] = {(double)S, (double)D, (double)N};
    int ok = f && fwrite(head, sizeof(double), 3, f) == 3
        && fwrite(sim.out + (size_t)MCR_OUT_COST_NPV * S * N, sizeof(double), S * N, f) == S * N
        && fwrite(sim.driver, sizeof(double), D * N, f) == D * N
        && fwrite(res.spearman, sizeof(double), S * D, f) == S * D;
    if (f)
        ok = (fclose(f) == 0) && ok;
    mcr_results_free(&res);
    mcr_sim_free(&sim);
    mcr_scenario_free(&sc);
    return ok ? 0 : 1;
}
