/* h5read.c -- an mcrisk results file, checked and read back (see h5read.h).
 *
 * The reader trusts nothing in the file until it has checked it. In order:
 * the path names a non-empty regular file; the file carries HDF5's
 * signature; the library opens it (a truncated file fails here: its
 * superblock records an end of file beyond the real one); the root's
 * schema_version is an integer equal to 1; every root attribute has the
 * type SPEC 5 gives it; the axes are 1-D datasets of the right class with
 * lengths inside generous limits (so a damaged header cannot make us
 * allocate terabytes); and every dataset exists, is a dataset, has the
 * right class and exactly the shape its axes imply before a single value is
 * read into memory sized from those axes. Files are written with
 * checksummed metadata (h5write.c), so most damage to the file's structure
 * is caught by the library as a checksum failure rather than parsed; the
 * one unchecksummed structure HDF5 1.10 follows blindly, the global heap of
 * variable-length strings, is checked here before HDF5 touches it (the
 * "global heap" section).
 *
 * Numbers are read through HDF5's conversion to native double, so a file
 * written on another byte order reads the same. Strings must be
 * variable-length, as mcrisk writes them; their storage, allocated by HDF5,
 * is copied into malloc'd strings and reclaimed at once.
 */
#include "results/h5read.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <hdf5.h>

#include "results/h5common.h"
#include "results/names.h"

/* No axis of a real run comes near this; a larger one means damage. */
#define MAX_AXIS ((hsize_t)1 << 24)
/* Nor does any one statistics array (2 GiB of doubles). */
#define MAX_ELEMS ((hsize_t)1 << 28)

/* A global heap collection already checked: its objects' sizes by index. */
typedef struct {
    uint64_t  addr;         /* file address (relative to the base address) */
    uint32_t  nobj;         /* entries in size[]: highest index in use + 1 */
    uint64_t *size;         /* [nobj] object size in bytes; UINT64_MAX: not in use */
} heap_coll_t;

typedef struct {
    const char *path;       /* for messages */
    mcr_err_t  *err;
    hid_t file;             /* -1 when not open */
    hid_t str;              /* variable-length UTF-8 string type */
    FILE *fp;               /* the same file, for checking raw bytes */
    uint64_t eof;           /* its size in bytes */
    uint64_t base;          /* HDF5 base address (the user block's size) */
    heap_coll_t *coll;      /* collections checked so far */
    int ncoll;
} reader_t;

/* ---- messages ---------------------------------------------------------------- */

static mcr_status_t bad(reader_t *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static mcr_status_t h5bad(reader_t *rd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* "PATH: error: what", MCR_EINPUT. */
static mcr_status_t bad(reader_t *rd, const char *fmt, ...)
{
    char what[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return mcr_fail(rd->err, MCR_EINPUT, "%s: error: %s", rd->path, what);
}

/* The same with HDF5's reason for the call that just failed. */
static mcr_status_t h5bad(reader_t *rd, const char *fmt, ...)
{
    char what[512], why[256];
    mcr_h5_reason(why, sizeof why);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return mcr_fail(rd->err, MCR_EINPUT, "%s: error: %s (%s)", rd->path, what, why);
}

static mcr_status_t oom(reader_t *rd)
{
    return mcr_fail(rd->err, MCR_ERUNTIME, "%s: error: out of memory reading the file",
                    rd->path);
}

/* A string from the file as it may be shown in a one-line message: bytes
 * outside printable ASCII (a damaged file's, a newline) as \xNN, cut to fit
 * buf (n >= 8) with "..." when longer. Returns buf. */
static const char *printable(const char *s, char *buf, size_t n)
{
    size_t used = 0;
    for (; *s && used + 8 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c >= 0x20 && c < 0x7f && c != '\\')
            buf[used++] = (char)c;
        else
            used += (size_t)snprintf(buf + used, n - used, "\\x%02x", c);
    }
    snprintf(buf + used, n - used, "%s", *s ? "..." : "");
    return buf;
}

static void shape_str(char *buf, size_t n, int rank, const hsize_t *dims)
{
    size_t used = (size_t)snprintf(buf, n, "[");
    for (int i = 0; i < rank && used < n; i++)
        used += (size_t)snprintf(buf + used, n - used, "%s%llu", i ? "," : "",
                                 (unsigned long long)dims[i]);
    if (used < n)
        snprintf(buf + used, n - used, "]");
}

/* ---- objects ------------------------------------------------------------------- */

/* Whether the object at the absolute path exists: every link along the way
 * is checked, since H5Lexists fails on a missing intermediate group. */
static mcr_status_t exists(reader_t *rd, const char *path, int *yes)
{
    char prefix[256];
    size_t len = strlen(path);
    *yes = 0;
    if (len >= sizeof prefix)
        return bad(rd, "internal error: path %s too long", path);
    for (size_t i = 1; i <= len; i++) {
        if (i < len && path[i] != '/')
            continue;
        memcpy(prefix, path, i);
        prefix[i] = '\0';
        htri_t has = H5Lexists(rd->file, prefix, H5P_DEFAULT);
        if (has < 0)
            return h5bad(rd, "cannot look up %s", prefix);
        if (!has)
            return MCR_OK;
    }
    *yes = 1;
    return MCR_OK;
}

/* Open the dataset at path, which must exist, be of type class cls (and a
 * variable-length string when cls is H5T_STRING) and have rank `rank`. With
 * `fixed` its dims must equal dims[]; otherwise dims[] receives them. */
static mcr_status_t open_ds(reader_t *rd, const char *path, H5T_class_t cls, int rank,
                            hsize_t *dims, int fixed, hid_t *out)
{
    static const char *const kind[] = {
        [H5T_INTEGER] = "integers", [H5T_FLOAT] = "floating-point numbers",
        [H5T_STRING] = "variable-length strings",
    };
    int yes;
    mcr_status_t st = exists(rd, path, &yes);
    if (st)
        return st;
    if (!yes)
        return bad(rd, "not a complete mcrisk results file: %s is missing", path);
    hid_t ds = H5Dopen2(rd->file, path, H5P_DEFAULT);
    if (ds < 0)
        return h5bad(rd, "%s is not a readable dataset", path);
    hid_t type = H5Dget_type(ds), space = H5Dget_space(ds);
    H5T_class_t c = type < 0 ? H5T_NO_CLASS : H5Tget_class(type);
    int is_var = c == H5T_STRING ? H5Tis_variable_str(type) > 0 : 0;
    int r = space < 0 ? -1 : H5Sget_simple_extent_ndims(space);
    hsize_t got[H5S_MAX_RANK];
    if (type < 0 || space < 0 || r < 0 || H5Sget_simple_extent_dims(space, got, NULL) < 0)
        st = h5bad(rd, "cannot read the layout of %s", path);
    else if (c != cls || (cls == H5T_STRING && !is_var))
        st = bad(rd, "%s does not hold %s", path, kind[cls]);
    else if (r != rank) {
        st = bad(rd, "%s has %d dimensions, expected %d", path, r, rank);
    } else if (fixed && memcmp(got, dims, (size_t)rank * sizeof *dims) != 0) {
        char g[96], w[96];
        shape_str(g, sizeof g, rank, got);
        shape_str(w, sizeof w, rank, dims);
        st = bad(rd, "%s has shape %s, expected %s", path, g, w);
    } else if (!fixed) {
        memcpy(dims, got, (size_t)rank * sizeof *dims);
    }
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    if (st)
        H5Dclose(ds);
    else
        *out = ds;
    return st;
}

/* Read the float64 dataset at path, of shape dims[0..rank-1], into out. */
static mcr_status_t read_doubles(reader_t *rd, const char *path, int rank,
                                 const hsize_t *dims, double *out)
{
    hsize_t want[3];
    memcpy(want, dims, (size_t)rank * sizeof *dims);
    hid_t ds;
    mcr_status_t st = open_ds(rd, path, H5T_FLOAT, rank, want, 1, &ds);
    if (st)
        return st;
    if (H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0)
        st = h5bad(rd, "cannot read %s", path);
    H5Dclose(ds);
    return st;
}

/* ---- global heap ---------------------------------------------------------------- */

/* Variable-length strings live in "global heap collections" (HDF5 File
 * Format Specification, III.E): a dataset's raw data holds, per string, its
 * length (4 bytes), the collection's address (8) and the object's index in
 * it (4). HDF5 1.10 trusts both: it indexes its object table with an
 * unchecked index, copies the object's recorded size into a buffer sized by
 * the string's length, and walks a collection's objects by their recorded
 * sizes without bounds (a zero size loops forever). None of it is
 * checksummed. So before HDF5 reads a string dataset, check_strings() checks
 * every reference in it, and collection() walks each collection referenced
 * the way HDF5 will walk it, with every bound checked. The root attributes'
 * references sit in checksummed object headers; their collections are the
 * ones the axis names use in files mcrisk writes (h5write.c writes the root
 * attributes and the axes together), and so are checked with them. */

#define GCOL_MIN 4096u      /* H5HG_MINSIZE: the least a collection holds (HDF5 reads this much first) */
#define GCOL_MAX (64u << 20) /* more than the largest mcrisk writes: a 16 MiB scenario text */
#define GOBJ_HDR 16u        /* an object's header: index, reference count, reserved, size */
#define GOBJ_MAX 65536u     /* object indices are 16 bits */

static uint64_t le_bytes(const unsigned char *p, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static int read_at(reader_t *rd, uint64_t at, void *buf, size_t n)
{
    return fseeko(rd->fp, (off_t)at, SEEK_SET) == 0 && fread(buf, 1, n, rd->fp) == n;
}

/* The collection at addr, walked and cached; NULL when it is damaged, with
 * *nomem set when memory ran out instead. */
static const heap_coll_t *collection(reader_t *rd, uint64_t addr, int *nomem)
{
    for (int i = 0; i < rd->ncoll; i++)
        if (rd->coll[i].addr == addr)
            return &rd->coll[i];
    uint64_t at = rd->base + addr;
    unsigned char hdr[GOBJ_HDR];
    if (at < addr || at > rd->eof || rd->eof - at < GCOL_MIN || !read_at(rd, at, hdr, sizeof hdr)
        || memcmp(hdr, "GCOL", 4) != 0 || hdr[4] != 1)
        return NULL;
    uint64_t size = le_bytes(hdr + 8, 8);
    if (size < GCOL_MIN || size > GCOL_MAX || size > rd->eof - at)
        return NULL;

    heap_coll_t *grown = realloc(rd->coll, (size_t)(rd->ncoll + 1) * sizeof *grown);
    unsigned char *buf = malloc((size_t)size);
    uint64_t *osize = malloc(GOBJ_MAX * sizeof *osize);
    if (grown)
        rd->coll = grown;
    if (!grown || !buf || !osize) {
        free(buf), free(osize);
        *nomem = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < GOBJ_MAX; i++)
        osize[i] = UINT64_MAX;
    uint32_t nobj = 0;
    int ok = read_at(rd, at, buf, (size_t)size);
    for (uint64_t p = GOBJ_HDR; ok && p < size;) {
        if (size - p < GOBJ_HDR)
            break;                  /* too small for an object: free space */
        uint32_t idx = (uint32_t)le_bytes(buf + p, 2);
        uint64_t n = le_bytes(buf + p + 8, 8), need = n;
        if (idx > 0) {
            ok = n <= size - p - GOBJ_HDR;
            need = GOBJ_HDR + ((n + 7) & ~(uint64_t)7);
            osize[idx] = n;
            nobj = idx + 1 > nobj ? idx + 1 : nobj;
        }
        ok = ok && need > 0 && need <= size - p;
        p += need;
    }
    free(buf);
    if (!ok) {
        free(osize);
        return NULL;
    }
    heap_coll_t *c = &rd->coll[rd->ncoll++];
    c->addr = addr, c->nobj = nobj, c->size = osize;
    return c;
}

/* Check every string reference in the open string dataset ds (`path`, n
 * strings) before HDF5 follows them. */
static mcr_status_t check_strings(reader_t *rd, hid_t ds, const char *path, hsize_t n)
{
    hid_t dcpl = H5Dget_create_plist(ds);
    H5D_layout_t layout = dcpl < 0 ? H5D_LAYOUT_ERROR : H5Pget_layout(dcpl);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (layout == H5D_LAYOUT_ERROR)
        return h5bad(rd, "cannot read the layout of %s", path);
    if (layout != H5D_CONTIGUOUS)
        return bad(rd, "%s is not stored the way mcrisk stores it (contiguous)", path);
    haddr_t off = H5Dget_offset(ds);
    if (off == HADDR_UNDEF)
        return MCR_OK;              /* never written: HDF5 reads empty strings */
    hsize_t stored = H5Dget_storage_size(ds);
    if (n > MAX_AXIS || stored != n * GOBJ_HDR || off > rd->eof || rd->eof - off < stored)
        return bad(rd, "%s: damaged string storage", path);
    unsigned char *raw = malloc(stored ? (size_t)stored : 1);
    if (!raw)
        return oom(rd);
    mcr_status_t st = read_at(rd, off, raw, (size_t)stored) ? MCR_OK
                    : bad(rd, "%s: cannot read string storage", path);
    for (hsize_t i = 0; !st && i < n; i++) {
        const unsigned char *ref = raw + i * GOBJ_HDR;
        uint64_t len = le_bytes(ref, 4), addr = le_bytes(ref + 4, 8);
        uint32_t idx = (uint32_t)le_bytes(ref + 12, 4);
        if (addr == 0)
            continue;               /* a null string: HDF5 reads no heap */
        int nomem = 0;
        const heap_coll_t *c = collection(rd, addr, &nomem);
        if (nomem)
            st = oom(rd);
        else if (!c || idx == 0 || idx >= c->nobj || c->size[idx] != len)
            st = bad(rd, "%s: damaged string storage (entry %llu)", path,
                     (unsigned long long)i);
    }
    free(raw);
    return st;
}

/* Read the 1-D string dataset at path, of n entries, into names[0..n-1]
 * (each malloc'd; names[] must hold NULLs to start with). */
static mcr_status_t read_names(reader_t *rd, const char *path, hsize_t n, char **names)
{
    hsize_t dims[1] = {n};
    hid_t ds;
    mcr_status_t st = open_ds(rd, path, H5T_STRING, 1, dims, 1, &ds);
    if (st)
        return st;
    char **raw = calloc(n ? n : 1, sizeof *raw);
    hid_t space = H5Dget_space(ds);
    if (!raw)
        st = oom(rd);
    if (!st)
        st = check_strings(rd, ds, path, n);
    if (!st && (space < 0 || H5Dread(ds, rd->str, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0))
        st = h5bad(rd, "cannot read %s", path);
    for (hsize_t i = 0; !st && i < n; i++) {
        if (!raw[i])
            st = bad(rd, "%s: entry %llu is empty", path, (unsigned long long)i);
        else if (!(names[i] = strdup(raw[i])))
            st = oom(rd);
    }
    if (raw && space >= 0)
        H5Dvlen_reclaim(rd->str, space, H5P_DEFAULT, raw);
    free(raw);
    if (space >= 0)
        H5Sclose(space);
    H5Dclose(ds);
    return st;
}

/* ---- root attributes ------------------------------------------------------------- */

/* Open root attribute `name`: present, of class cls, a single value. */
static mcr_status_t open_attr(reader_t *rd, const char *name, H5T_class_t cls, hid_t *out)
{
    htri_t has = H5Aexists(rd->file, name);
    if (has < 0)
        return h5bad(rd, "cannot look up root attribute %s", name);
    if (!has)
        return bad(rd, "not a complete mcrisk results file: root attribute %s is missing",
                   name);
    hid_t a = H5Aopen(rd->file, name, H5P_DEFAULT);
    if (a < 0)
        return h5bad(rd, "cannot open root attribute %s", name);
    hid_t type = H5Aget_type(a), space = H5Aget_space(a);
    H5T_class_t c = type < 0 ? H5T_NO_CLASS : H5Tget_class(type);
    int ok = c == cls && (cls != H5T_STRING || H5Tis_variable_str(type) > 0)
          && space >= 0 && H5Sget_simple_extent_npoints(space) == 1;
    if (type >= 0)
        H5Tclose(type);
    if (space >= 0)
        H5Sclose(space);
    if (!ok) {
        H5Aclose(a);
        return bad(rd, "root attribute %s is not a single %s", name,
                   cls == H5T_STRING ? "variable-length string" : "integer");
    }
    *out = a;
    return MCR_OK;
}

/* An integer root attribute whose value must lie in [lo, hi] (as its
 * stored sign reads it) into *value. The value is read in the stored
 * type's own signedness and range-checked here: HDF5's conversion would
 * otherwise clip quietly (a seed stored as -5 read as uint64 becomes 0,
 * and a rerun would use seed 0). */
static mcr_status_t attr_int(reader_t *rd, const char *name, int64_t lo, uint64_t hi,
                             uint64_t *value)
{
    hid_t a;
    mcr_status_t st = open_attr(rd, name, H5T_INTEGER, &a);
    if (st)
        return st;
    hid_t type = H5Aget_type(a);
    H5T_sign_t sign = type < 0 ? H5T_SGN_ERROR : H5Tget_sign(type);
    if (type >= 0)
        H5Tclose(type);
    int64_t s = 0;
    uint64_t u = 0;
    if (sign == H5T_SGN_ERROR)
        st = h5bad(rd, "cannot read root attribute %s", name);
    else if (H5Aread(a, sign == H5T_SGN_NONE ? H5T_NATIVE_UINT64 : H5T_NATIVE_INT64,
                     sign == H5T_SGN_NONE ? (void *)&u : (void *)&s) < 0)
        st = h5bad(rd, "cannot read root attribute %s", name);
    H5Aclose(a);
    if (st)
        return st;
    if (sign == H5T_SGN_NONE ? (lo > 0 && u < (uint64_t)lo) || u > hi
                             : s < lo || (s >= 0 && (uint64_t)s > hi)) {
        if (sign == H5T_SGN_NONE)
            return bad(rd, "root attribute %s is %llu, expected %lld to %llu", name,
                       (unsigned long long)u, (long long)lo, (unsigned long long)hi);
        return bad(rd, "root attribute %s is %lld, expected %lld to %llu", name,
                   (long long)s, (long long)lo, (unsigned long long)hi);
    }
    *value = sign == H5T_SGN_NONE ? u : (uint64_t)s;
    return MCR_OK;
}

/* A variable-length string attribute into *value (malloc'd). */
static mcr_status_t attr_str(reader_t *rd, const char *name, char **value)
{
    hid_t a;
    mcr_status_t st = open_attr(rd, name, H5T_STRING, &a);
    if (st)
        return st;
    char *raw = NULL;
    hid_t space = H5Aget_space(a);
    if (space < 0 || H5Aread(a, rd->str, &raw) < 0)
        st = h5bad(rd, "cannot read root attribute %s", name);
    else if (!(*value = strdup(raw ? raw : "")))
        st = oom(rd);
    if (raw)
        H5Dvlen_reclaim(rd->str, space, H5P_DEFAULT, &raw);
    if (space >= 0)
        H5Sclose(space);
    H5Aclose(a);
    return st;
}

/* schema_version first: a foreign or newer file is told so before anything
 * else is checked. */
static mcr_status_t check_schema(reader_t *rd)
{
    htri_t has = H5Aexists(rd->file, "schema_version");
    if (has < 0)
        return h5bad(rd, "cannot read the root group");
    if (!has)
        return bad(rd, "not an mcrisk results file (no schema_version attribute)");
    uint64_t v = 0;
    mcr_status_t st = attr_int(rd, "schema_version", INT64_MIN, UINT64_MAX, &v);
    if (!st && v != MCR_H5_SCHEMA_VERSION)
        st = bad(rd, "mcrisk results of schema_version %lld; this mcrisk reads schema %d",
                 (long long)v, MCR_H5_SCHEMA_VERSION);
    return st;
}

/* The numeric root attributes: the seed any 64-bit unsigned value (SPEC 3),
 * the counts positive (SPEC 5; threads and ranks too, as mcrisk writes
 * them). */
static mcr_status_t read_numbers(reader_t *rd, mcr_run_record_t *run)
{
    const struct { const char *name; int64_t *dst; } i64[] = {
        {"trials", &run->trials}, {"horizon_months", &run->horizon_months},
        {"threads", &run->threads}, {"ranks", &run->ranks},
    };
    mcr_status_t st = attr_int(rd, "seed", 0, UINT64_MAX, &run->seed);
    for (size_t i = 0; !st && i < sizeof i64 / sizeof i64[0]; i++) {
        uint64_t v = 0;
        st = attr_int(rd, i64[i].name, 1, INT64_MAX, &v);
        *i64[i].dst = (int64_t)v;
    }
    return st;
}

/* /scenario, then the string root attributes: after the axes, whose check
 * covers the heap collections these use in files mcrisk writes. */
static mcr_status_t read_texts(reader_t *rd, mcr_h5_file_t *f)
{
    hsize_t none[1];
    hid_t ds;
    mcr_status_t st = open_ds(rd, "/scenario", H5T_STRING, 0, none, 1, &ds);
    if (st)
        return st;
    char *raw = NULL;
    hid_t space = H5Dget_space(ds);
    if (space < 0)
        st = h5bad(rd, "cannot read /scenario");
    if (!st)
        st = check_strings(rd, ds, "/scenario", 1);
    if (!st && H5Dread(ds, rd->str, H5S_ALL, H5S_ALL, H5P_DEFAULT, &raw) < 0)
        st = h5bad(rd, "cannot read /scenario");
    if (!st && !(f->scenario_text = strdup(raw ? raw : "")))
        st = oom(rd);
    if (raw)
        H5Dvlen_reclaim(rd->str, space, H5P_DEFAULT, &raw);
    if (space >= 0)
        H5Sclose(space);
    H5Dclose(ds);

    const struct { const char *name; char **dst; } str[] = {
        {"mcrisk_version", &f->mcrisk_version}, {"git_commit", &f->git_commit},
        {"created_utc", &f->created_utc}, {"command_line", &f->command_line},
        {"scenario_sha256", &f->scenario_sha256},
    };
    for (size_t i = 0; !st && i < sizeof str / sizeof str[0]; i++)
        st = attr_str(rd, str[i].name, str[i].dst);
    if (st)
        return st;

    mcr_run_record_t *run = &f->res.run;
    run->mcrisk_version = f->mcrisk_version;
    run->git_commit = f->git_commit;
    run->created_utc = f->created_utc;
    run->command_line = f->command_line;
    run->scenario_sha256 = f->scenario_sha256;
    run->scenario_text = f->scenario_text;
    run->scenario_len = strlen(f->scenario_text);
    return MCR_OK;
}

/* ---- axes and statistics ------------------------------------------------------------ */

/* The length of the 1-D axis /name of class cls, checked against MAX_AXIS. */
static mcr_status_t axis_length(reader_t *rd, const char *name, H5T_class_t cls, int *n)
{
    char path[32];
    snprintf(path, sizeof path, "/%s", name);
    hsize_t dims[1];
    hid_t ds;
    mcr_status_t st = open_ds(rd, path, cls, 1, dims, 0, &ds);
    if (st)
        return st;
    H5Dclose(ds);
    if (dims[0] < 1 || dims[0] > MAX_AXIS)
        return bad(rd, "%s has %llu entries, expected 1 to %llu", path,
                   (unsigned long long)dims[0], (unsigned long long)MAX_AXIS);
    *n = (int)dims[0];
    return MCR_OK;
}

/* Learn the axes, allocate f->res for them and read their contents. */
static mcr_status_t read_axes(reader_t *rd, mcr_h5_file_t *f)
{
    int S = 0, P = 0, H = 0, R = 0, K = 0, D = 0, V = 0, C = 0;
    mcr_status_t st = axis_length(rd, "percentile", H5T_FLOAT, &P);
    if (!st)
        st = axis_length(rd, "month", H5T_INTEGER, &H);
    if (!st)
        st = axis_length(rd, "strategy", H5T_STRING, &S);
    if (!st)
        st = axis_length(rd, "versus", H5T_STRING, &V);
    if (!st)
        st = axis_length(rd, "region", H5T_STRING, &R);
    if (!st)
        st = axis_length(rd, "regime", H5T_STRING, &K);
    if (!st)
        st = axis_length(rd, "driver", H5T_STRING, &D);
    if (!st)
        st = axis_length(rd, "component", H5T_STRING, &C);
    if (st)
        return st;
    if (V != S)
        return bad(rd, "/versus has %d entries, /strategy %d", V, S);
    if (C != MCR_NCOMP)
        return bad(rd, "/component has %d entries, expected %d", C, MCR_NCOMP);
    if (f->res.run.horizon_months != H)
        return bad(rd, "/month has %d entries but horizon_months is %lld", H,
                   (long long)f->res.run.horizon_months);
    hsize_t big = (hsize_t)(S > R ? S : R) * (hsize_t)P * (hsize_t)H;
    if (big > MAX_ELEMS || (hsize_t)S * (hsize_t)D > MAX_ELEMS
        || (hsize_t)S * (hsize_t)S > MAX_ELEMS || (hsize_t)K * (hsize_t)H > MAX_ELEMS)
        return bad(rd, "axes too large for a results file (damaged?)");

    mcr_run_record_t run = f->res.run;
    mcr_err_t aerr;
    if (mcr_results_alloc(&f->res, S, P, H, R, K, D, &aerr))
        return oom(rd);
    f->res.run = run;
    f->res.N = run.trials;

    mcr_results_t *r = &f->res;
    hsize_t p = (hsize_t)P;
    st = read_doubles(rd, "/percentile", 1, &p, r->percentile);
    if (!st)
        st = read_names(rd, "/strategy", (hsize_t)S, r->strategy);
    if (!st)
        st = read_names(rd, "/region", (hsize_t)R, r->region);
    if (!st)
        st = read_names(rd, "/regime", (hsize_t)K, r->regime);
    if (!st)
        st = read_names(rd, "/driver", (hsize_t)D, r->driver);
    if (st)
        return st;

    /* The component names are fixed by this mcrisk; the file must agree. */
    char *comp[MCR_NCOMP] = {0};
    st = read_names(rd, "/component", MCR_NCOMP, comp);
    for (int c = 0; !st && c < MCR_NCOMP; c++)
        if (strcmp(comp[c], mcr_component_names[c].name) != 0) {
            char shown[64];
            st = bad(rd, "/component[%d] is \"%s\", expected \"%s\"", c,
                     printable(comp[c], shown, sizeof shown), mcr_component_names[c].name);
        }
    for (int c = 0; c < MCR_NCOMP; c++)
        free(comp[c]);
    return st;
}

/* One dataset to read: absolute path, rank, dims and destination. */
typedef struct {
    char    path[96];
    int     rank;
    hsize_t dims[3];
    double *dst;
} want_t;

static void want(want_t *w, int *n, const char *path, double *dst, int rank,
                 hsize_t d0, hsize_t d1, hsize_t d2)
{
    want_t *x = &w[(*n)++];
    snprintf(x->path, sizeof x->path, "%s", path);
    x->rank = rank;
    x->dims[0] = d0, x->dims[1] = d1, x->dims[2] = d2;
    x->dst = dst;
}

static void want_series(want_t *w, int *n, const char *group, mcr_series_stats_t *s,
                        hsize_t lead, hsize_t P, hsize_t H)
{
    char path[96];
    snprintf(path, sizeof path, "%s/value", group);
    if (lead)
        want(w, n, path, s->value, 3, lead, P, H);
    else
        want(w, n, path, s->value, 2, P, H, 0);
    snprintf(path, sizeof path, "%s/mean", group);
    if (lead)
        want(w, n, path, s->mean, 2, lead, H, 0);
    else
        want(w, n, path, s->mean, 1, H, 0, 0);
    snprintf(path, sizeof path, "%s/sd", group);
    if (lead)
        want(w, n, path, s->sd, 2, lead, H, 0);
    else
        want(w, n, path, s->sd, 1, H, 0, 0);
}

#define NWANT (MCR_NOUT * 10 + MCR_NPATH * 3 + 6 + 5)

static mcr_status_t read_stats(reader_t *rd, mcr_h5_file_t *f)
{
    mcr_results_t *r = &f->res;
    hsize_t S = (hsize_t)r->S, P = (hsize_t)r->P, H = (hsize_t)r->H, R = (hsize_t)r->R;
    want_t w[NWANT];
    int n = 0;
    char path[96];
    for (int k = 0; k < MCR_NOUT; k++) {
        mcr_output_stats_t *o = &r->out[k];
        const char *nm = mcr_output_names[k].name;
        const struct { const char *stat; double *dst; int rank; } v[10] = {
            {"value", o->value, 2}, {"ci_low", o->ci_low, 2}, {"ci_high", o->ci_high, 2},
            {"mean", o->mean, 1}, {"sd", o->sd, 1}, {"min", o->min, 1}, {"max", o->max, 1},
            {"sem", o->sem, 1}, {"cvar95", o->cvar95, 1}, {"cvar99", o->cvar99, 1},
        };
        for (int j = 0; j < 10; j++) {
            snprintf(path, sizeof path, "/outputs/%s/%s", nm, v[j].stat);
            want(w, &n, path, v[j].dst, v[j].rank, S, P, 0);
        }
    }
    for (int k = 0; k < MCR_NPATH; k++) {
        snprintf(path, sizeof path, "/paths/%s", mcr_path_names[k].name);
        want_series(w, &n, path, &r->path[k], S, P, H);
    }
    want_series(w, &n, "/factors/energy_price", &r->energy_price, R, P, H);
    want_series(w, &n, "/factors/chip_fill", &r->chip_fill, 0, P, H);
    want(w, &n, "/factors/chip_regime_share", r->regime_share, 2, (hsize_t)r->K, H, 0);
    want(w, &n, "/breakdown/mean_npv", r->breakdown, 2, S, MCR_NCOMP, 0);
    want(w, &n, "/comparison/p_best", r->p_best, 1, S, 0, 0);
    want(w, &n, "/comparison/p_cheaper", r->p_cheaper, 2, S, S, 0);
    want(w, &n, "/sensitivity/spearman", r->spearman, 2, S, (hsize_t)r->D, 0);
    mcr_status_t st = MCR_OK;
    for (int i = 0; !st && i < n; i++)
        st = read_doubles(rd, w[i].path, w[i].rank, w[i].dims, w[i].dst);
    return st;
}

/* /trial and /samples: note whether they are there; read them on request. */
static mcr_status_t read_samples(reader_t *rd, mcr_h5_file_t *f, unsigned flags)
{
    int yes;
    mcr_status_t st = exists(rd, "/trial", &yes);
    if (st || !yes)
        return st;
    f->has_samples = 1;
    mcr_results_t *r = &f->res;
    hsize_t N = 0;
    hid_t ds;
    st = open_ds(rd, "/trial", H5T_INTEGER, 1, &N, 0, &ds);
    if (st)
        return st;
    H5Dclose(ds);
    if (N != (hsize_t)r->N)
        return bad(rd, "/trial has %llu entries but trials is %lld", (unsigned long long)N,
                   (long long)r->N);
    hsize_t dims[2] = {(hsize_t)r->S, N};
    if (!(flags & MCR_H5_READ_SAMPLES)) {
        for (int k = 0; !st && k < MCR_NOUT; k++) {     /* check shapes only */
            char path[96];
            snprintf(path, sizeof path, "/samples/%s", mcr_output_names[k].name);
            st = open_ds(rd, path, H5T_FLOAT, 2, dims, 1, &ds);
            if (!st)
                H5Dclose(ds);
        }
        return st;
    }
    if (N > SIZE_MAX / sizeof(double) / MCR_NOUT / dims[0])
        return oom(rd);
    f->samples = malloc((size_t)MCR_NOUT * dims[0] * N * sizeof *f->samples);
    if (!f->samples)
        return oom(rd);
    for (int k = 0; !st && k < MCR_NOUT; k++) {
        char path[96];
        snprintf(path, sizeof path, "/samples/%s", mcr_output_names[k].name);
        st = read_doubles(rd, path, 2, dims, f->samples + (size_t)k * dims[0] * N);
    }
    r->samples = f->samples;
    return st;
}

/* ---- API -------------------------------------------------------------------------- */

/* Before HDF5 sees the path: it exists, is a regular file and is not empty,
 * so those cases get plain messages. Opens rd->fp and sets rd->eof. */
static mcr_status_t check_path(reader_t *rd)
{
    struct stat sb;
    if (stat(rd->path, &sb) != 0)
        return bad(rd, "cannot open (%s)", strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return bad(rd, "is a directory, not an mcrisk results file");
    if (!S_ISREG(sb.st_mode))
        return bad(rd, "not a regular file, not an mcrisk results file");
    if (sb.st_size == 0)
        return bad(rd, "empty file, not an mcrisk results file");
    if (!(rd->fp = fopen(rd->path, "rb")))
        return bad(rd, "cannot open (%s)", strerror(errno));
    rd->eof = (uint64_t)sb.st_size;
    return MCR_OK;
}

/* Whether the file carries HDF5's signature where the format puts it: at
 * byte 0, 512, 1024, 2048, ... (after a user block). Checked here rather
 * than with H5Fis_hdf5, which in HDF5 1.10.8 leaves state behind that makes
 * the library complain at exit after a later failed read. */
static int has_signature(reader_t *rd)
{
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    unsigned char got[8];
    for (uint64_t at = 0; at + sizeof got <= rd->eof; at = at ? 2 * at : 512)
        if (read_at(rd, at, got, sizeof got) && memcmp(got, sig, sizeof sig) == 0)
            return 1;
    return 0;
}

/* The file's addresses and lengths are 8 bytes (what check_strings
 * decodes); learn its base address. */
static mcr_status_t check_format(reader_t *rd)
{
    hid_t fcpl = H5Fget_create_plist(rd->file);
    size_t sizeof_addr = 0, sizeof_size = 0;
    hsize_t userblock = 0;
    herr_t rc = fcpl < 0 ? -1 : H5Pget_sizes(fcpl, &sizeof_addr, &sizeof_size);
    if (rc >= 0)
        rc = H5Pget_userblock(fcpl, &userblock);
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (rc < 0)
        return h5bad(rd, "cannot read the file's format");
    if (sizeof_addr != 8 || sizeof_size != 8)
        return bad(rd, "HDF5 file with %zu-byte addresses, not an mcrisk results file",
                   sizeof_addr);
    rd->base = userblock;
    return MCR_OK;
}

/* Everything after check_path. */
static mcr_status_t read_file(reader_t *rd, unsigned flags, mcr_h5_file_t *f)
{
    mcr_h5_quiet();
    mcr_status_t st = MCR_OK;
    if (!has_signature(rd))
        st = bad(rd, "not an HDF5 file, so not an mcrisk results file");
    if (!st && (rd->str = mcr_h5_string_type()) < 0)
        st = h5bad(rd, "cannot set up HDF5");
    if (!st && (rd->file = H5Fopen(rd->path, H5F_ACC_RDONLY, H5P_DEFAULT)) < 0)
        st = h5bad(rd, "damaged or truncated HDF5 file");
    if (!st)
        st = check_format(rd);
    if (!st)
        st = check_schema(rd);
    if (!st)
        st = read_numbers(rd, &f->res.run);
    if (!st)
        st = read_axes(rd, f);
    if (!st)
        st = read_texts(rd, f);
    if (!st)
        st = read_stats(rd, f);
    if (!st)
        st = read_samples(rd, f, flags);
    if (rd->str >= 0)
        H5Tclose(rd->str);
    if (rd->file >= 0 && H5Fclose(rd->file) < 0 && !st)
        st = h5bad(rd, "cannot close");
    return st;
}

mcr_status_t mcr_h5_read(const char *path, unsigned flags, mcr_h5_file_t *f,
                         mcr_err_t *err)
{
    memset(f, 0, sizeof *f);
    reader_t rd = {.path = path, .err = err, .file = -1, .str = -1};
    mcr_status_t st = check_path(&rd);
    if (!st)
        st = read_file(&rd, flags, f);
    if (rd.fp)
        fclose(rd.fp);
    for (int i = 0; i < rd.ncoll; i++)
        free(rd.coll[i].size);
    free(rd.coll);
    if (st)
        mcr_h5_file_free(f);
    return st;
}

void mcr_h5_file_free(mcr_h5_file_t *f)
{
    if (!f)
        return;
    mcr_results_free(&f->res);
    free(f->samples);
    free(f->mcrisk_version);
    free(f->git_commit);
    free(f->created_utc);
    free(f->command_line);
    free(f->scenario_sha256);
    free(f->scenario_text);
    memset(f, 0, sizeof *f);
}
