/* names.c -- the one table of reported quantities (see names.h). */
#include "results/names.h"

const mcr_name_t mcr_output_names[MCR_NOUT] = {
    [MCR_OUT_COST_NPV] = {"cost_npv", "USD",
        "net present cost of securing the demanded GPUs over the horizon, residual value credited"},
    [MCR_OUT_LCOC] = {"lcoc", "USD per GPU-hour",
        "levelised cost of compute: cost_npv over discounted demanded GPU-hours"},
    [MCR_OUT_MONTHS_TO_90PCT] = {"months_to_90pct", "months",
        "first month with at least 90% of the strategy's own GPUs online; the horizon when never (censored)"},
    [MCR_OUT_SHORTFALL_GPU_HOURS] = {"shortfall_gpu_hours", "GPU-hours",
        "demanded GPU-hours not met by the strategy's own capacity, bought on demand"},
    [MCR_OUT_REGRET] = {"regret", "USD",
        "cost_npv minus the lowest cost_npv of all strategies in the same trial"},
};

const mcr_name_t mcr_path_names[MCR_NPATH] = {
    [MCR_PATH_ONLINE_GPUS] = {"online_gpus", "GPUs",
        "GPUs online and serving in each month"},
    [MCR_PATH_MONTHLY_COST] = {"monthly_cost", "USD",
        "undiscounted cost paid in each month (capex, energy, opex, lease, shortfall)"},
};

const mcr_name_t mcr_component_names[MCR_NCOMP] = {
    [MCR_COMP_FACILITY_CAPEX] = {"facility_capex", "USD", "data-centre construction, discounted"},
    [MCR_COMP_GPU_CAPEX] = {"gpu_capex", "USD", "GPUs bought on delivery, discounted"},
    [MCR_COMP_ENERGY] = {"energy", "USD", "electricity for online GPUs, discounted"},
    [MCR_COMP_OPEX] = {"opex", "USD", "facility operating cost once ready, discounted"},
    [MCR_COMP_LEASE] = {"lease", "USD", "offtake payments for delivered GPUs, discounted"},
    [MCR_COMP_SHORTFALL] = {"shortfall", "USD", "unmet demand bought at the spot price, discounted"},
    [MCR_COMP_RESIDUAL] = {"residual", "USD", "residual value of capex at the horizon, credited (<= 0)"},
};

const mcr_name_t mcr_factor_energy_price = {"energy_price", "USD/MWh",
    "wholesale energy price per region and month"};
const mcr_name_t mcr_factor_chip_fill = {"chip_fill", "fraction",
    "share of outstanding GPU orders the market fills in the month (F_t)"};
const mcr_name_t mcr_factor_regime_share = {"chip_regime_share", "fraction",
    "share of trials in each chip-market regime per month"};
