/* progress.h -- progress of a run on stderr (SPEC 4).
 *
 * A terminal gets a bar redrawn in place with trials done, rate and ETA; a
 * pipe or file gets a plain line about every 10%; --quiet gets nothing.
 * Only one thread (the engine's master) calls update, and updates are cheap
 * when nothing needs printing.
 */
#ifndef MCR_PROGRESS_H
#define MCR_PROGRESS_H

#include <stdint.h>

typedef enum {
    MCR_PROGRESS_NONE,  /* --quiet, or not the printing rank */
    MCR_PROGRESS_LINES, /* stderr is not a terminal */
    MCR_PROGRESS_BAR    /* stderr is a terminal */
} mcr_progress_mode_t;

typedef struct {
    mcr_progress_mode_t mode;
    int64_t total;          /* trials in the whole run */
    double  t0;             /* start, seconds (monotonic) */
    double  last_draw;      /* when the bar was last drawn */
    int     last_decile;    /* last 10% step printed in LINES mode */
} mcr_progress_t;

/* Monotonic wall clock in seconds. */
double mcr_now(void);

void mcr_progress_start(mcr_progress_t *p, int64_t total, int quiet);
void mcr_progress_update(mcr_progress_t *p, int64_t done);
/* Clear the bar (if any); the caller prints the final line. */
void mcr_progress_finish(mcr_progress_t *p);

/* "1,234,567" into buf (at least 32 bytes); returns buf. */
const char *mcr_thousands(int64_t v, char *buf);

#endif /* MCR_PROGRESS_H */
