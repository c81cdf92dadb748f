/* yaml_check.c -- the text of a scenario file, before its schema.
 *
 * Pass 1 (mcr_yr_check) reads the file as a stream of libyaml events and
 * refuses what the schema never wants to see:
 *
 *   - bytes that are not UTF-8 (checked here, strictly: no overlong forms, no
 *     surrogates, nothing above U+10FFFF; libyaml's own check stops at the
 *     first problem and, left to detect the encoding, would read a UTF-16
 *     BOM as UTF-16); a UTF-8 BOM is allowed;
 *   - YAML syntax errors, with libyaml's mark;
 *   - anchors (&a), aliases (*a) and tags (!!str): the document API resolves
 *     aliases silently, so a shared node would be read twice and reported
 *     at the anchor's position; only the event API sees them;
 *   - nesting deeper than MCR_YR_MAX_DEPTH (the schema needs five levels);
 *   - no document at all, or a second one.
 *
 * Each event's PATH is tracked with a small stack of frames (mapping: the last
 * key, and whether a key or a value comes next; sequence: the next index) so
 * these errors name the field like the schema's do.
 *
 * Pass 2 (mcr_yr_load) then builds the document tree with yaml_parser_load.
 */
#include "inputs/yaml_read.h"

#include <stdio.h>
#include <string.h>

/* ---- positions --------------------------------------------------------------- */

/* 1-based line and column of byte offset off, counting columns in characters
 * (UTF-8 lead bytes) as libyaml does. */
static void offset_position(const unsigned char *text, size_t len, size_t off,
                            long *line, long *col)
{
    long l = 1, c = 1;
    if (off > len)
        off = len;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            l++;
            c = 1;
        } else if ((text[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

/* ---- UTF-8 ----------------------------------------------------------------------- */

/* Offset of the first byte that does not start or continue a well-formed
 * UTF-8 sequence (Unicode 15, table 3-7), or len when all are good. */
static size_t utf8_invalid_at(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        unsigned char lo = 0x80, hi = 0xBF;    /* range of the second byte */
        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 3;
            if (c == 0xE0)
                lo = 0xA0;                      /* no overlong forms */
            if (c == 0xED)
                hi = 0x9F;                      /* no surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 4;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;                      /* nothing above U+10FFFF */
        } else {
            return i;
        }
        if (i + 1 >= len || s[i + 1] < lo || s[i + 1] > hi)
            return i;
        for (size_t k = 2; k < n; k++)
            if (i + k >= len || (s[i + k] & 0xC0) != 0x80)
                return i;
        i += n;
    }
    return len;
}

/* ---- byte-order mark ------------------------------------------------------------ */

/* A UTF-8 byte-order mark is allowed and skipped here: libyaml skips one only
 * when it detects the encoding itself, and it is told UTF-8. Positions are
 * then counted from after the mark, as editors show them. */
static void skip_bom(const unsigned char **text, size_t *len)
{
    if (*len >= 3 && !memcmp(*text, "\xEF\xBB\xBF", 3)) {
        *text += 3;
        *len -= 3;
    }
}

/* ---- libyaml's errors -------------------------------------------------------------- */

/* Report the parser's error: MCR_ERUNTIME for memory, else MCR_EINPUT. */
static mcr_status_t parser_error(const yaml_parser_t *p, const unsigned char *text,
                                 size_t len, mcr_diagbuf_t *d)
{
    const char *problem = p->problem ? p->problem : "unknown error";
    long line, col;
    switch (p->error) {
    case YAML_MEMORY_ERROR:
        d->oom = 1;
        return MCR_ERUNTIME;
    case YAML_READER_ERROR:
        offset_position(text, len, p->problem_offset, &line, &col);
        if (p->problem_value >= 0)
            mcr_diagbuf_add(d, line, col, NULL, "not valid YAML: %s (0x%X)", problem,
                            (unsigned)p->problem_value);
        else
            mcr_diagbuf_add(d, line, col, NULL, "not valid YAML: %s", problem);
        return MCR_EINPUT;
    default:
        line = (long)p->problem_mark.line + 1;
        col = (long)p->problem_mark.column + 1;
        if (p->context)
            mcr_diagbuf_add(d, line, col, NULL, "not valid YAML: %s (%s at line %ld, column %ld)",
                            problem, p->context, (long)p->context_mark.line + 1,
                            (long)p->context_mark.column + 1);
        else
            mcr_diagbuf_add(d, line, col, NULL, "not valid YAML: %s", problem);
        return MCR_EINPUT;
    }
}

/* ---- the event pass ------------------------------------------------------------------ */

typedef struct {
    int  is_map;
    int  want_key;          /* mapping: the next node is a key */
    long index;             /* sequence: index of the next item */
    char key[MCR_YR_SHOW_MAX + 8]; /* mapping: the current key, printable */
} frame_t;

typedef struct {
    frame_t stack[MCR_YR_MAX_DEPTH];
    int     depth;
    char    path[MCR_YR_PATH_MAX];
} walk_t;

/* The PATH of the node the next event describes. */
static const char *walk_path(walk_t *w)
{
    size_t n = 0;
    w->path[0] = '\0';
    for (int i = 0; i < w->depth; i++) {
        const frame_t *f = &w->stack[i];
        size_t room = sizeof w->path - n;
        int k;
        if (f->is_map && f->want_key)
            break;                          /* a key: name the mapping */
        if (f->is_map)
            k = snprintf(w->path + n, room, "%s%s", n ? "." : "", f->key);
        else
            k = snprintf(w->path + n, room, "[%ld]", f->index);
        if (k < 0 || (size_t)k >= room)
            break;
        n += (size_t)k;
    }
    return w->path;
}

/* A node has ended: the frame holding it moves on. key is the node's text when
 * it was a scalar (NULL otherwise). */
static void walk_next(walk_t *w, const char *key, size_t keylen)
{
    if (w->depth == 0)
        return;
    frame_t *f = &w->stack[w->depth - 1];
    if (!f->is_map) {
        f->index++;
    } else if (f->want_key) {
        if (key)
            mcr_yr_show(key, keylen, f->key, sizeof f->key);
        else
            snprintf(f->key, sizeof f->key, "?");
        f->want_key = 0;
    } else {
        f->want_key = 1;
    }
}

/* Tags as written: "tag:yaml.org,2002:str" is "!!str". */
static void report_tag(mcr_diagbuf_t *d, walk_t *w, const yaml_mark_t *m, const yaml_char_t *tag)
{
    static const char core[] = "tag:yaml.org,2002:";
    const char *t = (const char *)tag;
    char shown[MCR_YR_SHOW_MAX + 8];
    int is_core = strncmp(t, core, sizeof core - 1) == 0;
    if (is_core)
        t += sizeof core - 1;
    mcr_yr_show(t, strlen(t), shown, sizeof shown);
    mcr_diagbuf_add(d, (long)m->line + 1, (long)m->column + 1, walk_path(w),
                    "tags are not allowed, found '%s%s'", is_core ? "!!" : "", shown);
}

static void report_anchor(mcr_diagbuf_t *d, walk_t *w, const yaml_mark_t *m, const yaml_char_t *a)
{
    char shown[MCR_YR_SHOW_MAX + 8];
    mcr_yr_show((const char *)a, strlen((const char *)a), shown, sizeof shown);
    mcr_diagbuf_add(d, (long)m->line + 1, (long)m->column + 1, walk_path(w),
                    "anchors are not allowed, found '&%s'", shown);
}

mcr_status_t mcr_yr_check(const unsigned char *text, size_t len, mcr_diagbuf_t *d)
{
    /* byte-order marks of UTF-32 and UTF-16 (the UTF-32 LE mark starts
     * with the UTF-16 LE one, so it is checked first) */
    static const struct {
        const char *bom;
        size_t len;
        const char *name;
    } boms[] = {
        {"\x00\x00\xFE\xFF", 4, "UTF-32"}, {"\xFF\xFE\x00\x00", 4, "UTF-32"},
        {"\xFE\xFF", 2, "UTF-16"}, {"\xFF\xFE", 2, "UTF-16"},
    };
    for (size_t i = 0; i < sizeof boms / sizeof boms[0]; i++)
        if (len >= boms[i].len && !memcmp(text, boms[i].bom, boms[i].len)) {
            mcr_diagbuf_add(d, 1, 1, NULL, "not valid UTF-8: the file is %s (it starts with a %s "
                            "byte-order mark); save it as UTF-8", boms[i].name, boms[i].name);
            return MCR_EINPUT;
        }
    skip_bom(&text, &len);
    size_t bad = utf8_invalid_at(text, len);
    if (bad < len) {
        long line, col;
        offset_position(text, len, bad, &line, &col);
        mcr_diagbuf_add(d, line, col, NULL, "not valid UTF-8: byte 0x%02X", text[bad]);
        return MCR_EINPUT;
    }

    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        d->oom = 1;
        return MCR_ERUNTIME;
    }
    yaml_parser_set_input_string(&p, text, len);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);

    walk_t w = {.depth = 0};
    long errors = d->total;
    int documents = 0;
    mcr_status_t st = MCR_OK;
    for (int done = 0; !done;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            st = parser_error(&p, text, len, d);
            break;
        }
        const yaml_mark_t *m = &ev.start_mark;
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1) {
                mcr_diagbuf_add(d, (long)m->line + 1, (long)m->column + 1, NULL,
                                "a scenario file holds one YAML document, found a second one");
                done = 1;
            }
            break;
        case YAML_ALIAS_EVENT: {
            char shown[MCR_YR_SHOW_MAX + 8];
            const char *a = (const char *)ev.data.alias.anchor;
            mcr_yr_show(a, strlen(a), shown, sizeof shown);
            mcr_diagbuf_add(d, (long)m->line + 1, (long)m->column + 1, walk_path(&w),
                            "aliases are not allowed, found '*%s'", shown);
            walk_next(&w, NULL, 0);
            break;
        }
        case YAML_SCALAR_EVENT:
            if (ev.data.scalar.anchor)
                report_anchor(d, &w, m, ev.data.scalar.anchor);
            if (ev.data.scalar.tag)
                report_tag(d, &w, m, ev.data.scalar.tag);
            walk_next(&w, (const char *)ev.data.scalar.value, ev.data.scalar.length);
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            int is_map = ev.type == YAML_MAPPING_START_EVENT;
            const yaml_char_t *anchor = is_map ? ev.data.mapping_start.anchor : ev.data.sequence_start.anchor;
            const yaml_char_t *tag = is_map ? ev.data.mapping_start.tag : ev.data.sequence_start.tag;
            if (anchor)
                report_anchor(d, &w, m, anchor);
            if (tag)
                report_tag(d, &w, m, tag);
            if (w.depth == MCR_YR_MAX_DEPTH) {
                mcr_diagbuf_add(d, (long)m->line + 1, (long)m->column + 1, walk_path(&w),
                                "nested deeper than %d levels", MCR_YR_MAX_DEPTH);
                done = 1;
                break;
            }
            w.stack[w.depth++] = (frame_t){.is_map = is_map, .want_key = 1, .index = 0};
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (w.depth > 0)
                w.depth--;
            walk_next(&w, NULL, 0);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    if (st != MCR_OK)
        return st;
    if (documents == 0 && d->total == errors) {
        mcr_diagbuf_add(d, 0, 0, NULL, "the file holds no YAML document (it is empty or only comments)");
    }
    return d->total == errors ? MCR_OK : MCR_EINPUT;
}

/* ---- the document ------------------------------------------------------------------ */

mcr_status_t mcr_yr_load(const unsigned char *text, size_t len, yaml_document_t *doc,
                         mcr_diagbuf_t *d)
{
    yaml_parser_t p;
    skip_bom(&text, &len);
    if (!yaml_parser_initialize(&p)) {
        d->oom = 1;
        return MCR_ERUNTIME;
    }
    yaml_parser_set_input_string(&p, text, len);
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    mcr_status_t st = MCR_OK;
    if (!yaml_parser_load(&p, doc))
        st = parser_error(&p, text, len, d);
    else if (!yaml_document_get_root_node(doc)) {
        yaml_document_delete(doc);
        mcr_diagbuf_add(d, 0, 0, NULL, "the file holds no YAML document (it is empty or only comments)");
        st = MCR_EINPUT;
    }
    yaml_parser_delete(&p);
    return st;
}
