/* names.h -- names, units and descriptions of everything mcrisk reports.
 *
 * One table, used by the HDF5 writer, the summary command and the reader
 * module's tests, so a name is spelled in exactly one place. Indices follow
 * the enums of kernels/trial.h.
 */
#ifndef MCR_NAMES_H
#define MCR_NAMES_H

#include "kernels/trial.h"

typedef struct {
    const char *name;         /* dataset/group name, SPEC 2.6 */
    const char *units;        /* e.g. "USD" */
    const char *description;  /* one line */
} mcr_name_t;

extern const mcr_name_t mcr_output_names[MCR_NOUT];
extern const mcr_name_t mcr_path_names[MCR_NPATH];
extern const mcr_name_t mcr_component_names[MCR_NCOMP];
extern const mcr_name_t mcr_factor_energy_price;
extern const mcr_name_t mcr_factor_chip_fill;
extern const mcr_name_t mcr_factor_regime_share;

#endif /* MCR_NAMES_H */
