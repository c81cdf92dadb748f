/* model.h -- the parameters of the model of SPEC 2, as the kernels see them.
 *
 * inputs/ fills these structs from a scenario file and validates every value;
 * mcr_model_prepare() then derives the constants the kernels use each month
 * (OU coefficients, jump probabilities, PERT shapes, discount factors, lease
 * escalators, each strategy's monthly rates), so nothing is recomputed per
 * trial. After that the model is
 * read-only and shared by all threads.
 *
 * Units: months for time (Δ = 1/12 year), USD, USD/MWh for energy, MW of IT
 * load, GPU-hours. Rates are per year, volatilities per sqrt(year).
 * Names live in the scenario (inputs/scenario.h), not here: kernels work on
 * indices.
 */
#ifndef MCR_MODEL_H
#define MCR_MODEL_H

#include "kernels/dist.h"
#include "kernels/status.h"

/* One energy region: log price x follows exact OU + at most one jump a month. */
typedef struct {
    double price0;          /* USD/MWh at month 0 */
    double long_run;        /* USD/MWh, the level x reverts to: exp(mu) */
    double reversion;       /* kappa, per year, >= 0 */
    double volatility;      /* sigma, per sqrt(year), >= 0 */
    double jump_rate;       /* jumps per year, >= 0 */
    double jump_mean;       /* mean of a jump in log price */
    double jump_sd;         /* sd of a jump in log price, >= 0 */
    /* derived by mcr_model_prepare(): */
    double x0;              /* ln(price0) */
    double mu;              /* ln(long_run) */
    double a;               /* exp(-kappa Δ): monthly persistence */
    double s;               /* sd of the monthly Gaussian shock */
    double p_jump;          /* 1 - exp(-jump_rate Δ): P(jump in a month) */
    double log_q;           /* ln(1 - p_jump) = -jump_rate Δ: for the gaps
                               between jump months (energy.c) */
} mcr_region_t;

/* One chip-market regime. */
typedef struct {
    double fill_alpha;      /* Beta shape alpha of the monthly fill fraction F */
    double fill_beta;       /* Beta shape beta */
    double spot_multiplier; /* spot price = spot_price * this */
    /* derived by mcr_model_prepare(): */
    double spot_month;      /* hours_per_month * spot_price * spot_multiplier:
                               USD for one GPU bought on demand for a month */
    mcr_beta_param_t fill;  /* Beta(fill_alpha, fill_beta), prepared */
} mcr_regime_t;

typedef enum {
    MCR_STRATEGY_BUILD = 0, /* own data centre in a region (SPEC 2.4) */
    MCR_STRATEGY_LEASE = 1  /* offtake agreement (SPEC 2.5) */
} mcr_strategy_kind_t;

typedef struct {
    int    region;              /* index into mcr_model_t.region */
    double kw_per_gpu;          /* kW of IT load per GPU, all-in */
    double pue;                 /* power usage effectiveness, >= 1 */
    double utilisation;         /* average share of IT load drawn, (0, 1] */
    double capex_per_mw;        /* USD per MW of IT load */
    double gpu_unit_cost;       /* USD per GPU, paid on delivery */
    double opex_per_mw_year;    /* USD per MW per year, once ready */
    double facility_life_years; /* straight-line life for residual value */
    double gpu_life_years;
    mcr_duration_t permit;      /* permit_months */
    mcr_duration_t construction;/* construction_months */
    int    has_pause;           /* 0: pause = none */
    double pause_probability;   /* P(a pause happens) */
    mcr_duration_t pause;       /* pause.months, used when has_pause */
    /* derived by mcr_model_prepare(): */
    double mw;                  /* gpus * kw_per_gpu / 1000 */
    double capex_total;         /* capex_per_mw * mw, USD, paid in instalments */
    double energy_per_gpu;      /* kw_per_gpu/1000 * pue * utilisation *
                                   hours_per_month: MWh per online GPU a month */
    double opex_month;          /* opex_per_mw_year * mw / 12, USD a month once ready */
    double facility_wear;       /* 1 / (12 facility_life_years): share of a
                                   facility payment's value lost per month of age */
    double gpu_wear;            /* 1 / (12 gpu_life_years), the same for GPUs */
} mcr_build_t;

typedef struct {
    double price_per_gpu_hour;  /* USD per GPU-hour at month 0 */
    double escalation;          /* per year */
    double energy_passthrough;  /* share in [0, 1] */
    int    passthrough_region;  /* index, or -1 when none was given */
    mcr_duration_t onboarding;  /* onboarding_months */
    /* derived by mcr_model_prepare(): */
    double *escalator;          /* [H]: (1 + escalation)^(t/12) */
    double hour_price;          /* hours_per_month * price_per_gpu_hour: USD
                                   per GPU-month at month 0 */
    double pass_share;          /* energy_passthrough; 0 when passthrough_region
                                   is -1 (then the price has no energy term) */
    int    pass_region;         /* passthrough_region; 0 when none (unused then:
                                   pass_share = 0) */
    double pass_inv_price0;     /* 1 / price0 of pass_region: 1/P_{ref,0} */
} mcr_lease_t;

typedef struct {
    mcr_strategy_kind_t kind;
    double gpus;                /* GPUs contracted or ordered (integer-valued) */
    double supply_priority;     /* share of the market fill received, (0, 1] */
    mcr_build_t build;          /* valid when kind == MCR_STRATEGY_BUILD */
    mcr_lease_t lease;          /* valid when kind == MCR_STRATEGY_LEASE */
} mcr_strategy_t;

typedef struct {
    int    horizon;             /* H, months simulated: t = 0 .. H-1 */
    double discount_rate;       /* per year */
    double demand_gpus;         /* GPUs needed every month (integer-valued) */
    double hours_per_month;     /* 730 unless given */

    int           nregions;     /* R >= 1 */
    mcr_region_t *region;       /* [R] */
    double       *chol;         /* [R*R] row-major lower Cholesky factor of the
                                   regions' correlation matrix (identity when
                                   no correlation is given) */

    int           nregimes;     /* K >= 1 */
    mcr_regime_t *regime;       /* [K] */
    double       *transition;   /* [K*K] row-major, rows sum to 1 (renormalised) */
    int           initial_regime;
    double        spot_price;   /* USD per GPU-hour before the regime multiplier */

    int             nstrategies;/* S >= 1 */
    mcr_strategy_t *strategy;   /* [S] */

    /* derived by mcr_model_prepare(): */
    double *discount;           /* [H+1]: d_t = (1 + discount_rate)^(-t/12) */
    double  lcoc_denominator;   /* sum_{t<H} d_t * demand_gpus * hours_per_month */
    int     ndrivers;           /* D: sensitivity drivers per trial (SPEC 2.6) */
} mcr_model_t;

/* Derive every "derived" field above from the validated parameters.
 * Allocates the discount and escalator arrays. Returns MCR_OK, or
 * MCR_ERUNTIME with a message when allocation fails. */
mcr_status_t mcr_model_prepare(mcr_model_t *m, mcr_err_t *err);

/* Free every array the model owns (those the reader allocated and those
 * mcr_model_prepare() did) and zero the struct. Safe on a zeroed model. */
void mcr_model_free(mcr_model_t *m);

/* D for this model: one energy_price_mean per region, chip_fill_mean, then per
 * strategy 3 durations for a build (permit, pause, construction) or 1 for a
 * lease (onboarding). */
int mcr_model_driver_count(const mcr_model_t *m);

#endif /* MCR_MODEL_H */
