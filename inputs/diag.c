/* diag.c -- gathering, sorting and handing over a file's errors.
 *
 * Each message is formatted once, when found, into its final one-line form
 * (SPEC 4); what is sorted afterwards is only its position. Sorting by (line,
 * column, discovery order) lets the reader check the file section by section
 * in schema order while the user still reads the errors top to bottom.
 */
#include "inputs/diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- public: mcr_diag_t ------------------------------------------------------ */

void mcr_diag_print(FILE *f, const char *file, const mcr_diag_t *d)
{
    for (int i = 0; i < d->n; i++)
        fprintf(f, "%s\n", d->msg[i]);
    if (d->dropped)
        fprintf(f, "%s: error: %d more error%s not shown\n", file, d->dropped,
                d->dropped == 1 ? "" : "s");
}

void mcr_diag_free(mcr_diag_t *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->n; i++)
        free(d->msg[i]);
    memset(d, 0, sizeof *d);
}

/* ---- collecting ---------------------------------------------------------------- */

/* vasprintf without the GNU extension: format into a malloc'd string. */
static char *format_alloc(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return NULL;
    char *s = malloc((size_t)n + 1);
    if (s)
        vsnprintf(s, (size_t)n + 1, fmt, ap);
    return s;
}

static char *concat_alloc(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *concat_alloc(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = format_alloc(fmt, ap);
    va_end(ap);
    return s;
}

void mcr_diagbuf_add(mcr_diagbuf_t *b, long line, long col, const char *path,
                     const char *fmt, ...)
{
    long seq = b->total++;
    if (b->n >= MCR_DIAGBUF_KEEP || b->oom)
        return;
    if (b->n == b->cap) {
        int cap = b->cap ? 2 * b->cap : 16;
        mcr_diag_entry_t *e = realloc(b->e, (size_t)cap * sizeof *e);
        if (!e) {
            b->oom = 1;
            return;
        }
        b->e = e;
        b->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *what = format_alloc(fmt, ap);
    va_end(ap);
    if (!what) {
        b->oom = 1;
        return;
    }
    char *msg;
    if (line <= 0)
        msg = concat_alloc("%s: error: %s", b->file, what);
    else if (path && *path)
        msg = concat_alloc("%s:%ld:%ld: error: %s: %s", b->file, line, col, path, what);
    else
        msg = concat_alloc("%s:%ld:%ld: error: %s", b->file, line, col, what);
    free(what);
    if (!msg) {
        b->oom = 1;
        return;
    }
    b->e[b->n++] = (mcr_diag_entry_t){line, col, seq, msg};
}

/* ---- handing over ---------------------------------------------------------------- */

static int by_position(const void *pa, const void *pb)
{
    const mcr_diag_entry_t *a = pa, *b = pb;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

void mcr_diagbuf_finish(mcr_diagbuf_t *b, mcr_diag_t *out)
{
    out->n = 0;
    out->dropped = 0;
    if (b->oom) {
        mcr_diagbuf_free(b);
        out->msg[0] = concat_alloc("mcrisk: error: out of memory reading %s", b->file);
        out->n = out->msg[0] != NULL;
        return;
    }
    if (b->n > 1)
        qsort(b->e, (size_t)b->n, sizeof *b->e, by_position);
    for (int i = 0; i < b->n; i++) {
        if (out->n < MCR_DIAG_MAX)
            out->msg[out->n++] = b->e[i].msg;
        else
            free(b->e[i].msg);
    }
    out->dropped = (int)(b->total - out->n);
    free(b->e);
    b->e = NULL;
    b->n = b->cap = 0;
    b->total = 0;
}

void mcr_diagbuf_free(mcr_diagbuf_t *b)
{
    for (int i = 0; i < b->n; i++)
        free(b->e[i].msg);
    free(b->e);
    b->e = NULL;
    b->n = b->cap = 0;
    b->total = 0;
}
