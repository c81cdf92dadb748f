/* yaml_read.c -- typed readers over a libyaml document (see yaml_read.h).
 *
 * Scalars are resolved by the YAML 1.2 core schema (yaml.org/spec/1.2.2,
 * 10.3.2), not by libyaml, which resolves nothing: a plain scalar matching
 *
 *   null   ~ | null | Null | NULL | (empty)
 *   bool   true | True | TRUE | false | False | FALSE
 *   int    [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
 *   float  [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
 *          | [-+]?\.(inf|Inf|INF) | \.(nan|NaN|NAN)
 *
 * has that type; anything else, and every quoted or block scalar, is a
 * string. mcrisk's integer fields take decimal int literals only (SPEC 3), so
 * 1e5, 100.0 and 0x10 are refused for `trials`; its real fields take int or
 * float literals and refuse .inf and .nan. Values are converted with strtod
 * in the C locale (mcrisk never calls setlocale).
 *
 * Messages quote the value as written ("must be in [0, 1], got 1.3"), so the
 * user sees their own text, not a reformatted double.
 */
#include "inputs/yaml_read.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- PATH and errors ------------------------------------------------------------ */

size_t mcr_yr_push_key(mcr_yr_t *r, const char *key, size_t keylen)
{
    size_t old = r->pathlen;
    char shown[MCR_YR_SHOW_MAX + 8];
    mcr_yr_show(key, keylen, shown, sizeof shown);
    int k = snprintf(r->path + old, sizeof r->path - old, "%s%s", old ? "." : "", shown);
    if (k > 0)
        r->pathlen = old + (size_t)k < sizeof r->path ? old + (size_t)k : sizeof r->path - 1;
    return old;
}

size_t mcr_yr_push_index(mcr_yr_t *r, long i)
{
    size_t old = r->pathlen;
    int k = snprintf(r->path + old, sizeof r->path - old, "[%ld]", i);
    if (k > 0)
        r->pathlen = old + (size_t)k < sizeof r->path ? old + (size_t)k : sizeof r->path - 1;
    return old;
}

void mcr_yr_pop(mcr_yr_t *r, size_t len)
{
    r->pathlen = len;
    r->path[len] = '\0';
}

void mcr_yr_error(mcr_yr_t *r, const yaml_node_t *n, const char *fmt, ...)
{
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    mcr_diagbuf_add(r->diag, (long)n->start_mark.line + 1, (long)n->start_mark.column + 1,
                    r->path, "%s", what);
}

yaml_node_t *mcr_yr_node(const mcr_yr_t *r, int id)
{
    return yaml_document_get_node(r->doc, id);
}

/* ---- scalars ----------------------------------------------------------------------- */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Does s[0 .. n) equal one of the three spellings (lower, Capital, UPPER)? */
static int spelled(const char *s, size_t n, const char *lower, const char *cap, const char *upper)
{
    size_t k = strlen(lower);
    return n == k && (!memcmp(s, lower, k) || !memcmp(s, cap, k) || !memcmp(s, upper, k));
}

/* [-+]?[0-9]+ : the decimal int literals. */
static int is_decimal(const char *s, size_t n)
{
    size_t i = (n > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (i == n)
        return 0;
    for (; i < n; i++)
        if (!is_digit(s[i]))
            return 0;
    return 1;
}

static int is_int(const char *s, size_t n)
{
    if (is_decimal(s, n))
        return 1;
    if (n > 2 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x')) {
        for (size_t i = 2; i < n; i++) {
            char c = s[i];
            int ok = s[1] == 'o' ? (c >= '0' && c <= '7')
                                 : (is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
            if (!ok)
                return 0;
        }
        return 1;
    }
    return 0;
}

/* The core schema's float, .inf and .nan included. */
static int is_float(const char *s, size_t n)
{
    size_t i = 0;
    if (spelled(s, n, ".nan", ".NaN", ".NAN"))
        return 1;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    if (spelled(s + i, n - i, ".inf", ".Inf", ".INF"))
        return 1;
    size_t digits = 0;
    while (i < n && is_digit(s[i]))
        i++, digits++;
    if (i < n && s[i] == '.') {
        i++;
        while (i < n && is_digit(s[i]))
            i++, digits++;
    }
    if (digits == 0)
        return 0;
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '-' || s[i] == '+'))
            i++;
        if (i == n || !is_digit(s[i]))
            return 0;
        while (i < n && is_digit(s[i]))
            i++;
    }
    return i == n;
}

mcr_yr_kind_t mcr_yr_kind(const yaml_node_t *n)
{
    if (n->type == YAML_SEQUENCE_NODE)
        return MCR_YR_SEQ;
    if (n->type == YAML_MAPPING_NODE)
        return MCR_YR_MAP;
    if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return MCR_YR_STR;
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (len == 0 || (len == 1 && s[0] == '~') || spelled(s, len, "null", "Null", "NULL"))
        return MCR_YR_NULL;
    if (spelled(s, len, "true", "True", "TRUE") || spelled(s, len, "false", "False", "FALSE"))
        return MCR_YR_BOOL;
    if (is_int(s, len))
        return MCR_YR_INT;
    if (is_float(s, len))
        return MCR_YR_FLOAT;
    return MCR_YR_STR;
}

const char *mcr_yr_show(const char *s, size_t slen, char *buf, size_t len)
{
    size_t o = 0, i = 0;
    if (len == 0)
        return buf;
    for (; i < slen && i < MCR_YR_SHOW_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c < 0x20 || c == 0x7F)
            snprintf(esc, sizeof esc, "\\x%02X", c);
        else if (c == '\'' || c == '"' || c == '\\')
            snprintf(esc, sizeof esc, "\\%c", c);
        else
            esc[0] = (char)c, esc[1] = '\0';
        size_t k = strlen(esc);
        if (o + k + 4 >= len)
            break;
        memcpy(buf + o, esc, k);
        o += k;
    }
    if (i < slen) {
        /* do not cut a UTF-8 sequence in two */
        while (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0x80)
            o--;
        if (o > 0 && ((unsigned char)buf[o - 1] & 0xC0) == 0xC0)
            o--;
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
    return buf;
}

const char *mcr_yr_describe(const yaml_node_t *n, char *buf, size_t len)
{
    char shown[MCR_YR_SHOW_MAX + 8];
    mcr_yr_kind_t k = mcr_yr_kind(n);
    if (k == MCR_YR_MAP || k == MCR_YR_SEQ) {
        snprintf(buf, len, "%s", k == MCR_YR_MAP ? "a mapping" : "a list");
        return buf;
    }
    const char *s = (const char *)n->data.scalar.value;
    size_t slen = n->data.scalar.length;
    mcr_yr_show(s, slen, shown, sizeof shown);
    switch (k) {
    case MCR_YR_NULL:
        snprintf(buf, len, "%s", slen ? shown : "an empty value");
        break;
    case MCR_YR_BOOL:
    case MCR_YR_INT:
    case MCR_YR_FLOAT:
        snprintf(buf, len, "%s", shown);
        break;
    default:
        if (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
            snprintf(buf, len, "'%s'", shown);
        else
            snprintf(buf, len, "the string \"%s\"", shown);
        break;
    }
    return buf;
}

/* "expected WHAT, got X", with a reminder when X is a number in quotes. */
static void expected(mcr_yr_t *r, const yaml_node_t *n, const char *what)
{
    char got[MCR_YR_SHOW_MAX + 32];
    mcr_yr_describe(n, got, sizeof got);
    const char *hint = "";
    if (n->type == YAML_SCALAR_NODE && n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        const char *s = (const char *)n->data.scalar.value;
        size_t len = n->data.scalar.length;
        if (is_int(s, len) || is_float(s, len))
            hint = " (quoted values are strings)";
    }
    mcr_yr_error(r, n, "expected %s, got %s%s", what, got, hint);
}

static const char *scalar_text(const yaml_node_t *n, char *buf, size_t len)
{
    return mcr_yr_show((const char *)n->data.scalar.value, n->data.scalar.length, buf, len);
}

int mcr_yr_real(mcr_yr_t *r, const yaml_node_t *n, mcr_yr_range_t range, double *v)
{
    mcr_yr_kind_t k = mcr_yr_kind(n);
    char shown[MCR_YR_SHOW_MAX + 8];
    if (k != MCR_YR_INT && k != MCR_YR_FLOAT) {
        expected(r, n, "a number");
        return 0;
    }
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (k == MCR_YR_INT && !is_decimal(s, len)) {
        expected(r, n, "a number");         /* 0x10, 0o17 */
        return 0;
    }
    scalar_text(n, shown, sizeof shown);
    /* a float literal with letters other than an exponent's is .inf or .nan */
    for (size_t i = 0; i < len; i++)
        if (s[i] != 'e' && s[i] != 'E' && ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z'))) {
            mcr_yr_error(r, n, "must be a finite number, got %s", shown);
            return 0;
        }
    double x = strtod(s, NULL);
    if (!isfinite(x)) {
        mcr_yr_error(r, n, "must be a finite number, got %s (too large for a double)", shown);
        return 0;
    }
    const char *need = NULL;
    switch (range) {
    case MCR_YR_FINITE:
        break;
    case MCR_YR_POSITIVE:
        need = x > 0 ? NULL : "must be > 0";
        break;
    case MCR_YR_NONNEG:
        need = x >= 0 ? NULL : "must be >= 0";
        break;
    case MCR_YR_GE1:
        need = x >= 1 ? NULL : "must be >= 1";
        break;
    case MCR_YR_PROB:
        need = x >= 0 && x <= 1 ? NULL : "must be in [0, 1]";
        break;
    case MCR_YR_SHARE:
        need = x > 0 && x <= 1 ? NULL : "must be in (0, 1]";
        break;
    case MCR_YR_RHO:
        need = x > -1 && x < 1 ? NULL : "must be in (-1, 1)";
        break;
    case MCR_YR_PERCENT:
        need = x >= 0 && x <= 100 ? NULL : "must be in [0, 100]";
        break;
    }
    if (need) {
        mcr_yr_error(r, n, "%s, got %s", need, shown);
        return 0;
    }
    *v = x == 0 ? 0.0 : x;      /* -0 reads as 0 */
    return 1;
}

int mcr_yr_uint(mcr_yr_t *r, const yaml_node_t *n, uint64_t min, uint64_t max, uint64_t *v)
{
    char shown[MCR_YR_SHOW_MAX + 8];
    if (mcr_yr_kind(n) != MCR_YR_INT) {
        expected(r, n, "an integer");
        return 0;
    }
    const char *s = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    if (!is_decimal(s, len)) {
        expected(r, n, "an integer");       /* 0x10, 0o17 */
        return 0;
    }
    scalar_text(n, shown, sizeof shown);
    int negative = s[0] == '-';
    uint64_t x = 0;
    int overflow = 0;
    for (size_t i = (s[0] == '-' || s[0] == '+'); i < len; i++) {
        unsigned d = (unsigned)(s[i] - '0');
        if (x > (UINT64_MAX - d) / 10)
            overflow = 1;
        else
            x = 10 * x + d;
    }
    if (negative && x != 0) {
        if (min == 1)
            mcr_yr_error(r, n, "must be > 0, got %s", shown);
        else
            mcr_yr_error(r, n, "must be in [0, %llu], got %s", (unsigned long long)max, shown);
        return 0;
    }
    if (overflow || x > max) {
        mcr_yr_error(r, n, "must be at most %llu, got %s", (unsigned long long)max, shown);
        return 0;
    }
    if (x < min) {
        mcr_yr_error(r, n, "must be > 0, got %s", shown);
        return 0;
    }
    *v = x;
    return 1;
}

int mcr_yr_string(mcr_yr_t *r, const yaml_node_t *n, const char **s, size_t *slen)
{
    mcr_yr_kind_t k = mcr_yr_kind(n);
    if (k == MCR_YR_MAP || k == MCR_YR_SEQ || k == MCR_YR_NULL) {
        expected(r, n, "a string");
        return 0;
    }
    *s = (const char *)n->data.scalar.value;
    *slen = n->data.scalar.length;
    return 1;
}

int mcr_yr_name(mcr_yr_t *r, const yaml_node_t *n, const char **s, size_t *slen)
{
    mcr_yr_kind_t k = mcr_yr_kind(n);
    if (k == MCR_YR_MAP || k == MCR_YR_SEQ || k == MCR_YR_NULL) {
        expected(r, n, "a name");
        return 0;
    }
    const char *t = (const char *)n->data.scalar.value;
    size_t len = n->data.scalar.length;
    char got[MCR_YR_SHOW_MAX + 32];
    int ok = len > 0;
    for (size_t i = 0; i < len && ok; i++)
        ok = (t[i] >= 'a' && t[i] <= 'z') || is_digit(t[i]) || t[i] == '_';
    if (!ok) {
        mcr_yr_error(r, n, "must be a name of lower-case letters, digits and '_', got %s",
                     mcr_yr_describe(n, got, sizeof got));
        return 0;
    }
    if (len > MCR_SCENARIO_NAME_MAX) {
        mcr_yr_error(r, n, "must be at most %d characters long, got %zu", MCR_SCENARIO_NAME_MAX, len);
        return 0;
    }
    *s = t;
    *slen = len;
    return 1;
}

/* ---- collections ------------------------------------------------------------------------ */

int mcr_yr_fields(mcr_yr_t *r, const yaml_node_t *n, const char *what,
                  const char *const *keys, int nkeys,
                  const yaml_node_t **val, const yaml_node_t **key)
{
    for (int k = 0; k < nkeys; k++) {
        val[k] = NULL;
        if (key)
            key[k] = NULL;
    }
    if (n->type != YAML_MAPPING_NODE) {
        expected(r, n, what);
        return 0;
    }
    const yaml_node_t *first[64];           /* key node of each known key seen */
    for (int k = 0; k < nkeys && k < 64; k++)
        first[k] = NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const yaml_node_t *kn = mcr_yr_node(r, p->key), *vn = mcr_yr_node(r, p->value);
        if (!kn || !vn)
            continue;
        if (kn->type != YAML_SCALAR_NODE) {
            char got[MCR_YR_SHOW_MAX + 32];
            mcr_yr_error(r, kn, "keys must be field names, got %s", mcr_yr_describe(kn, got, sizeof got));
            continue;
        }
        const char *ks = (const char *)kn->data.scalar.value;
        size_t klen = kn->data.scalar.length;
        int found = -1;
        for (int k = 0; k < nkeys && found < 0; k++)
            if (strlen(keys[k]) == klen && !memcmp(keys[k], ks, klen))
                found = k;
        size_t old = mcr_yr_push_key(r, ks, klen);
        if (found < 0) {
            const char *near = mcr_yr_suggest(ks, klen, keys, nkeys);
            if (near)
                mcr_yr_error(r, kn, "unknown field, did you mean '%s'?", near);
            else
                mcr_yr_error(r, kn, "unknown field");
        } else if (first[found]) {
            mcr_yr_error(r, kn, "duplicate key, first given at line %ld",
                         (long)first[found]->start_mark.line + 1);
        } else {
            first[found] = kn;
            val[found] = vn;
            if (key)
                key[found] = kn;
        }
        mcr_yr_pop(r, old);
    }
    return 1;
}

int mcr_yr_require(mcr_yr_t *r, const yaml_node_t *map, const char *key, const yaml_node_t *val)
{
    if (val)
        return 1;
    size_t old = mcr_yr_push_key(r, key, strlen(key));
    mcr_yr_error(r, map, "required field is missing");
    mcr_yr_pop(r, old);
    return 0;
}

/* "regions" from "region", "strategies" from "strategy". */
static const char *plural(const char *noun, char *buf, size_t len)
{
    size_t n = strlen(noun);
    if (n > 0 && noun[n - 1] == 'y')
        snprintf(buf, len, "%.*sies", (int)(n - 1), noun);
    else
        snprintf(buf, len, "%ss", noun);
    return buf;
}

int mcr_yr_list(mcr_yr_t *r, const yaml_node_t *n, const char *what, int min, int max)
{
    char many[64];
    plural(what, many, sizeof many);
    if (n->type != YAML_SEQUENCE_NODE) {
        char e[80];
        snprintf(e, sizeof e, "a list of %s", many);
        expected(r, n, e);
        return -1;
    }
    long count = n->data.sequence.items.top - n->data.sequence.items.start;
    if (count < min && min == 1) {
        mcr_yr_error(r, n, "must list at least one %s, got an empty list", what);
        return -1;
    }
    if (count < min) {
        mcr_yr_error(r, n, "must list at least %d %s, got %ld", min, many, count);
        return -1;
    }
    if (count > max) {
        mcr_yr_error(r, n, "must list at most %d %s, got %ld", max, many, count);
        return -1;
    }
    return (int)count;
}

/* ---- suggestions --------------------------------------------------------------------------- */

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions) between a[0 .. n) and b[0 .. m), case-insensitive; both
 * at most 64 bytes. */
static int osa_distance(const char *a, size_t n, const char *b, size_t m)
{
    int d[65][65];
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int cost = lower(a[i - 1]) != lower(b[j - 1]);
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])
                && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[n][m];
}

const char *mcr_yr_suggest(const char *word, size_t len, const char *const *cand, int n)
{
    const char *best = NULL;
    int best_d = 1 << 30;
    if (len == 0 || len > 64)
        return NULL;
    for (int k = 0; k < n; k++) {
        size_t m = strlen(cand[k]);
        if (m > 64)
            continue;
        int dist = osa_distance(word, len, cand[k], m);
        int close = dist * 3 <= (int)m || dist == 1;
        size_t shorter = len < m ? len : m;
        if (!close && shorter >= 4 && !strncmp(word, cand[k], shorter))
            close = 1, dist = (int)(m > len ? m - len : len - m);
        if (close && dist < best_d) {
            best = cand[k];
            best_d = dist;
        }
    }
    return best;
}
