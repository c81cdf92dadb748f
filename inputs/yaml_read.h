/* yaml_read.h -- libyaml documents read the way mcrisk's schema needs.
 *
 * Private to inputs/. Two passes over the bytes of a scenario file:
 *
 *   1. mcr_yr_check() -- the text itself: UTF-8, YAML syntax, one document,
 *      no anchors, aliases or tags, nesting at most MCR_YR_MAX_DEPTH deep.
 *      libyaml's event API sees anchors and aliases, which its document API
 *      resolves silently (an alias becomes a second reference to one node).
 *   2. mcr_yr_load() -- the document tree (yaml_parser_load), whose nodes keep
 *      their start marks, walked by the schema in inputs/scenario.c with the
 *      typed readers below.
 *
 * The readers resolve plain scalars by the YAML 1.2 core schema (null, bool,
 * int, float, else string); quoted and block scalars are always strings. Each
 * reader reports its own errors at the node's position under the reader's
 * current PATH ("strategies[2].pue"), which the schema code pushes and pops
 * as it descends, and returns 1 when the value is good, 0 when not.
 */
#ifndef MCR_INPUTS_YAML_READ_H
#define MCR_INPUTS_YAML_READ_H

#include <stddef.h>
#include <stdint.h>

#include <yaml.h>

#include "inputs/diag.h"

#define MCR_YR_MAX_DEPTH 32     /* collections nested inside one another */
#define MCR_YR_PATH_MAX  1024   /* bytes of a PATH, longer ones are cut */
#define MCR_YR_SHOW_MAX  40     /* bytes of a found value quoted in a message */

/* ---- the passes ---------------------------------------------------------------- */

/* Pass 1 over text[0 .. len). MCR_OK when the text is one clean YAML
 * document; MCR_EINPUT with the errors in d; MCR_ERUNTIME when libyaml ran out
 * of memory. An empty stream (no document) is an error. */
mcr_status_t mcr_yr_check(const unsigned char *text, size_t len, mcr_diagbuf_t *d);

/* Pass 2: load the document (after a clean pass 1). On MCR_OK the caller
 * owns *doc (yaml_document_delete). */
mcr_status_t mcr_yr_load(const unsigned char *text, size_t len, yaml_document_t *doc,
                         mcr_diagbuf_t *d);

/* ---- the reader ------------------------------------------------------------------ */

typedef struct {
    yaml_document_t *doc;
    mcr_diagbuf_t   *diag;
    char             path[MCR_YR_PATH_MAX]; /* PATH of the node being read */
    size_t           pathlen;
} mcr_yr_t;

/* Extend the PATH with ".key" ("key" at the top) or "[i]"; each returns the
 * previous length, which mcr_yr_pop() restores. */
size_t mcr_yr_push_key(mcr_yr_t *r, const char *key, size_t keylen);
size_t mcr_yr_push_index(mcr_yr_t *r, long i);
void   mcr_yr_pop(mcr_yr_t *r, size_t len);

/* Report an error at node n (its start mark) under the current PATH. */
void mcr_yr_error(mcr_yr_t *r, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The node with this id (the child ids of sequences and mappings). */
yaml_node_t *mcr_yr_node(const mcr_yr_t *r, int id);

/* ---- scalars -------------------------------------------------------------------- */

typedef enum {
    MCR_YR_NULL,    /* ~, null, Null, NULL or nothing */
    MCR_YR_BOOL,    /* true/false in three spellings */
    MCR_YR_INT,     /* [-+]?[0-9]+, 0o[0-7]+, 0x[0-9a-fA-F]+ */
    MCR_YR_FLOAT,   /* decimals, exponents, .inf, .nan */
    MCR_YR_STR,     /* anything else, and every quoted or block scalar */
    MCR_YR_SEQ,     /* not scalars */
    MCR_YR_MAP
} mcr_yr_kind_t;

/* The core-schema type of node n. */
mcr_yr_kind_t mcr_yr_kind(const yaml_node_t *n);

/* What was found, for "got ...": 1.3, 'abc', the string "100", null, an empty
 * value, a mapping, a sequence. Writes at most len bytes with the NUL. */
const char *mcr_yr_describe(const yaml_node_t *n, char *buf, size_t len);

/* Printable, bounded copy of s[0 .. slen) for messages: control bytes and
 * quotes escaped, cut at MCR_YR_SHOW_MAX bytes with "...". */
const char *mcr_yr_show(const char *s, size_t slen, char *buf, size_t len);

/* Ranges of real-valued fields (SPEC 3). */
typedef enum {
    MCR_YR_FINITE,      /* any finite number */
    MCR_YR_POSITIVE,    /* > 0 */
    MCR_YR_NONNEG,      /* >= 0 */
    MCR_YR_GE1,         /* >= 1 */
    MCR_YR_PROB,        /* [0, 1] */
    MCR_YR_SHARE,       /* (0, 1] */
    MCR_YR_RHO,         /* (-1, 1) */
    MCR_YR_PERCENT      /* [0, 100] */
} mcr_yr_range_t;

/* A finite number (an int or float literal) in range. */
int mcr_yr_real(mcr_yr_t *r, const yaml_node_t *n, mcr_yr_range_t range, double *v);

/* A decimal integer literal in [min, max] (min is 0 or 1). */
int mcr_yr_uint(mcr_yr_t *r, const yaml_node_t *n, uint64_t min, uint64_t max, uint64_t *v);

/* A string scalar (any scalar but null); *s points into the document. */
int mcr_yr_string(mcr_yr_t *r, const yaml_node_t *n, const char **s, size_t *slen);

/* A name: [a-z0-9_]+, at most MCR_SCENARIO_NAME_MAX bytes. *s points into
 * the document. */
int mcr_yr_name(mcr_yr_t *r, const yaml_node_t *n, const char **s, size_t *slen);

/* ---- collections ------------------------------------------------------------------ */

/* Check n is a mapping whose keys are among keys[0 .. nkeys); set val[k] (and
 * key[k], when key is not NULL) to the node given for keys[k], NULL when
 * absent. Unknown keys (with a suggestion when one is close), duplicate keys
 * and keys that are not strings are reported. Returns 0 when n is not a
 * mapping (reported as expecting `what`). nkeys is at most 64. */
int mcr_yr_fields(mcr_yr_t *r, const yaml_node_t *n, const char *what,
                  const char *const *keys, int nkeys,
                  const yaml_node_t **val, const yaml_node_t **key);

/* When val is NULL report keys's absence at the mapping map; returns val != NULL. */
int mcr_yr_require(mcr_yr_t *r, const yaml_node_t *map, const char *key, const yaml_node_t *val);

/* Check n is a sequence of at least min and at most max items, each a `what`
 * (singular, e.g. "region"); returns its item count, or -1. */
int mcr_yr_list(mcr_yr_t *r, const yaml_node_t *n, const char *what, int min, int max);

/* ---- suggestions --------------------------------------------------------------------- */

/* The candidate closest to word (case-insensitive optimal string alignment
 * distance at most a third of its length, or one of them a prefix of the
 * other), NULL when none is close. */
const char *mcr_yr_suggest(const char *word, size_t len, const char *const *cand, int n);

#endif /* MCR_INPUTS_YAML_READ_H */
