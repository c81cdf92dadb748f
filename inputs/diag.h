/* diag.h -- collecting a scenario file's errors before they are reported.
 *
 * Private to inputs/. The reader finds errors section by section, not in
 * file order (a strategy's region is resolved after the regions are read), so
 * they are gathered here with their positions, sorted by line and column and
 * only then moved into the public mcr_diag_t (inputs/scenario.h), which keeps
 * the first MCR_DIAG_MAX and counts the rest.
 */
#ifndef MCR_INPUTS_DIAG_H
#define MCR_INPUTS_DIAG_H

#include "inputs/scenario.h"

/* Errors beyond this many are counted but not kept: enough to sort the ones
 * shown, bounded for files built to produce millions of errors. */
#define MCR_DIAGBUF_KEEP 4096

typedef struct {
    long  line, col;            /* 1-based; line 0: the message has no location */
    long  seq;                  /* order of discovery, breaks ties when sorting */
    char *msg;                  /* the whole line, malloc'd */
} mcr_diag_entry_t;

typedef struct {
    const char       *file;     /* FILE in every message */
    mcr_diag_entry_t *e;        /* [n], capacity cap */
    int               n, cap;
    long              total;    /* errors found, kept or not */
    int               oom;      /* an allocation failed: report MCR_ERUNTIME */
} mcr_diagbuf_t;

/* Record one error. line 0 gives "FILE: error: MSG"; otherwise
 * "FILE:LINE:COL: error: PATH: MSG", or "FILE:LINE:COL: error: MSG" when path
 * is NULL or empty. */
void mcr_diagbuf_add(mcr_diagbuf_t *b, long line, long col, const char *path,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Sort the kept errors by position and move the first MCR_DIAG_MAX into out
 * (which must be empty); the rest are counted in out->dropped. When an
 * allocation failed, out holds the single message "mcrisk: error: out of
 * memory reading FILE" instead. Leaves b empty. */
void mcr_diagbuf_finish(mcr_diagbuf_t *b, mcr_diag_t *out);

/* Free whatever b still holds. */
void mcr_diagbuf_free(mcr_diagbuf_t *b);

#endif /* MCR_INPUTS_DIAG_H */
