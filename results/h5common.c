/* h5common.c -- quiet HDF5 errors and short reasons (see h5common.h).
 *
 * A failing HDF5 call leaves a stack of entries, pushed from the innermost
 * function outwards. The innermost one says what actually went wrong (the
 * outer ones only repeat "unable to create file", "not a dataset", ...), and
 * for system calls its description embeds the errno text as
 * "error message = '...'", which is exactly what a person needs to read.
 */
#include "results/h5common.h"

#include <stdio.h>
#include <string.h>

void mcr_h5_quiet(void)
{
    /* Before the library initialises (the first HDF5 call), ask it not to
     * shut itself down at exit; later calls are harmless no-ops. */
    H5dont_atexit();
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

typedef struct {
    char  *buf;
    size_t n;
    int    found;
} reason_t;

/* H5Ewalk2 callback, walking upward: entry 0 is the innermost. */
static herr_t take_innermost(unsigned idx, const H5E_error2_t *e, void *data)
{
    reason_t *r = data;
    if (idx != 0 || !e->desc || !e->desc[0])
        return 0;
    const char *tag = "error message = '";
    const char *os = strstr(e->desc, tag);
    if (os) {
        os += strlen(tag);
        const char *end = strchr(os, '\'');
        int len = end ? (int)(end - os) : (int)strlen(os);
        snprintf(r->buf, r->n, "%.*s", len, os);
    } else {
        snprintf(r->buf, r->n, "%s", e->desc);
    }
    r->found = 1;
    return 0;
}

const char *mcr_h5_reason(char *buf, size_t n)
{
    reason_t r = {buf, n, 0};
    if (n == 0)
        return buf;
    buf[0] = '\0';
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, take_innermost, &r);
    if (!r.found)
        snprintf(buf, n, "HDF5 gave no reason");
    H5Eclear2(H5E_DEFAULT);
    return buf;
}

hid_t mcr_h5_string_type(void)
{
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0)
        return t;
    if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) {
        H5Tclose(t);
        return -1;
    }
    return t;
}
