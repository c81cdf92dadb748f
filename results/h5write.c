/* h5write.c -- one run's results as the HDF5 file of SPEC 5.
 *
 * Who reads this file decides its shape. h5py and h5dump read anything; the
 * netCDF-C library, which xarray's "netcdf4" engine uses, is the strict one:
 *
 *   - it maps an HDF5 dimension scale to a netCDF dimension of the group the
 *     scale is linked in, and resolves every dataset's DIMENSION_LIST against
 *     the dimensions of the dataset's own group and then its ancestors,
 *     matching by object address; a dataset with one dimension that has no
 *     scale attached makes it refuse the whole file;
 *   - xarray only turns a dimension into a labelled coordinate when a
 *     variable of that name sits in the same group it opened.
 *
 * So the axes live once, at the root, as 1-D datasets made dimension scales
 * (H5DSset_scale), every dimension of every dataset gets its scale attached
 * (H5DSattach_scale), and every group that holds datasets gets a second hard
 * link to each axis its datasets use (H5Lcreate_hard: one object, several
 * names). netCDF then sees the axis as a dimension-and-coordinate of that
 * group, and the attached scale resolves to it because the object address is
 * the same. Fixed-length strings garble in netCDF, so every string is
 * variable-length UTF-8.
 *
 * The file uses the HDF5 1.8 object formats (libver bounds V18..V18):
 * superblock, object headers and group indexes then carry checksums, so a
 * damaged file is refused by the library instead of parsed (h5read.c relies
 * on it), and every HDF5 >= 1.8 -- h5py, netCDF-C -- still reads it.
 *
 * Groups track link creation order, so h5py, netCDF and xarray list things
 * in the order written here (axes first, value before its statistics).
 * Attribute creation order is not tracked: nothing needs it, and tracked
 * attributes in dense storage (more than 8 on one object, as on the root)
 * have had reader bugs in HDF5 releases still in use.
 *
 * --save-samples datasets are chunked by rows of about 1 MiB; only the
 * whole-month output is compressed: docs/hdf5.md gives the measurement.
 * The samples come either whole (res->samples) or, under MPI, piece by
 * piece from a callback (mcr_h5_write_pieces): each piece is a run of whole
 * chunks of one row, written as a hyperslab, so memory holds one piece.
 *
 * Errors: HDF5's own stack printing is switched off (h5common.h); the first
 * failing HDF5 call becomes "SHOWN: error: what (reason)". Every handle is
 * owned by exactly one place: helpers close what they open before returning,
 * and the writer_t holds the few long-lived ones (file, axes, types), closed
 * by writer_close() on every path, so a failed write leaves no open object.
 *
 * One trap needs a workaround. HDF5 1.10 holds the file's metadata in a
 * cache and writes it when the file is closed. When that final flush fails
 * (disk full, quota), H5Fclose fails but leaves the file's identifier
 * registered over freed memory, and the library crashes at process exit
 * while cleaning it up (a failed H5Fflush is no better: it leaves the cache
 * unable to flush again). So writer_close() never lets the final flush be
 * the first to meet a full disk: it first reserves, with fallocate, every
 * byte the file has allocated and a margin for what the flush adds (given
 * back after closing), and a failure there (or anywhere earlier) is
 * handled by pointing the file's descriptor at a scratch memory file
 * (memfd) before closing: the close then completes, into nothing, and the
 * library is left clean. The half-written file on disk is the caller's to
 * remove, as the contract says. What remains is an I/O error in the final
 * flush itself, which no workaround can catch with HDF5 1.10, and a
 * file-size limit (ulimit -f, RLIMIT_FSIZE): it binds the scratch file as
 * well, so the diverted close fails too. For both, mcr_h5_quiet() has told
 * the library not to clean up at exit, so the process still ends with the
 * error reported and status 1 instead of crashing in that clean-up
 * (tests/test_faults.py runs mcrisk under such limits).
 */
#define _GNU_SOURCE         /* fallocate, memfd_create */
#include "results/h5write.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <hdf5.h>
#include <hdf5_hl.h>

#include "results/h5common.h"
#include "results/names.h"

/* ---- axes ------------------------------------------------------------------ */

enum {
    AX_PERCENTILE = 0,
    AX_MONTH,
    AX_STRATEGY,
    AX_VERSUS,
    AX_REGION,
    AX_REGIME,
    AX_DRIVER,
    AX_COMPONENT,
    AX_TRIAL,           /* only with samples */
    NAX
};

static const char *const axis_name[NAX] = {
    "percentile", "month", "strategy", "versus", "region", "regime",
    "driver", "component", "trial",
};

static const char *const axis_description[NAX] = {
    "percentile levels, in percent",
    "month index t = 0 .. H-1 from the start of the horizon",
    "strategy names, in scenario file order",
    "strategy names again: the second axis of /comparison/p_cheaper",
    "energy region names, in scenario file order",
    "chip-market regime names, in scenario file order",
    "sensitivity drivers (SPEC 2.6 order)",
    "components of cost_npv, discounted",
    "trial index i = 0 .. N-1",
};

/* Samples are chunked by rows of this many trials: 131072 doubles = 1 MiB. */
#define SAMPLE_CHUNK ((hsize_t)1 << 17)

/* The month and trial axes are written in blocks of this many values. */
#define INDEX_BLOCK ((hsize_t)1 << 16)

/* ---- the writer's state ---------------------------------------------------- */

typedef struct {
    const mcr_results_t *res;
    const char *path;       /* the file written */
    const char *shown;      /* file name for messages */
    mcr_err_t  *err;
    hid_t file;             /* -1 when not open */
    hid_t str;              /* variable-length UTF-8 string type */
    hid_t gcpl;             /* group creation: link creation order tracked */
    hid_t axis[NAX];        /* open axis datasets, -1 when not made */
    mcr_h5_samples_fn fill; /* where samples come from when res->samples is NULL */
    void *fill_ctx;
} writer_t;

/* Whether the file gets /trial and /samples. */
static int has_samples(const writer_t *w)
{
    return w->res->samples || w->fill;
}

static hsize_t axis_len(const writer_t *w, int ax)
{
    const mcr_results_t *r = w->res;
    switch (ax) {
    case AX_PERCENTILE: return (hsize_t)r->P;
    case AX_MONTH:      return (hsize_t)r->H;
    case AX_STRATEGY:
    case AX_VERSUS:     return (hsize_t)r->S;
    case AX_REGION:     return (hsize_t)r->R;
    case AX_REGIME:     return (hsize_t)r->K;
    case AX_DRIVER:     return (hsize_t)r->D;
    case AX_COMPONENT:  return (hsize_t)MCR_NCOMP;
    default:            return (hsize_t)r->N;
    }
}

/* Record "SHOWN: error: what (reason)" with the reason taken from HDF5's
 * error stack, and return MCR_ERUNTIME. */
static mcr_status_t h5fail(writer_t *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static mcr_status_t h5fail(writer_t *w, const char *fmt, ...)
{
    char what[512], why[256];
    mcr_h5_reason(why, sizeof why);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return mcr_fail(w->err, MCR_ERUNTIME, "%s: error: %s (%s)", w->shown, what, why);
}

/* The same with a reason of our own (allocation, bad results). */
static mcr_status_t fail_because(writer_t *w, const char *what, const char *why)
{
    return mcr_fail(w->err, MCR_ERUNTIME, "%s: error: %s (%s)", w->shown, what, why);
}

/* Point the open file's descriptor at a scratch file in memory, so that
 * HDF5 can finish closing a file whose writes fail (see the top of this
 * file). Best effort: nothing else can be done when this fails. */
static void divert_to_scratch(hid_t file)
{
    void *handle = NULL;
    if (H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) < 0 || !handle)
        return;
    int sink = memfd_create("mcrisk-discard", MFD_CLOEXEC);
    FILE *tmp = NULL;
    if (sink < 0 && (tmp = tmpfile()))
        sink = fileno(tmp);
    if (sink >= 0)
        dup2(sink, *(int *)handle);
    if (tmp)
        fclose(tmp);
    else if (sink >= 0)
        close(sink);
}

/* What the final flush may add beyond the space HDF5 has allocated before
 * it: 2560 bytes measured for this layout whatever the number of trials;
 * the margin is generous and trimmed again after closing. */
#define FLUSH_SLACK ((haddr_t)1 << 20)

/* Reserve disk blocks for every byte HDF5 has allocated in the file and for
 * FLUSH_SLACK more, without changing its size, so the final flush cannot
 * run out of space (see the top of this file). A file system without
 * fallocate gets no reservation. */
static mcr_status_t reserve_space(writer_t *w)
{
    haddr_t eoa = 0;
    void *handle = NULL;
    if (H5Fget_eoa(w->file, &eoa) < 0 || H5Fget_vfd_handle(w->file, H5P_DEFAULT, &handle) < 0
        || !handle)
        return h5fail(w, "writing the file failed");
    int rc;
    do
        rc = fallocate(*(int *)handle, FALLOC_FL_KEEP_SIZE, 0, (off_t)(eoa + FLUSH_SLACK));
    while (rc != 0 && errno == EINTR);
    if (rc == 0 || errno == EOPNOTSUPP || errno == ENOSYS || errno == ENODEV)
        return MCR_OK;
    return fail_because(w, "writing the file failed", strerror(errno));
}

/* Give back blocks reserved beyond the end of the closed file: truncating
 * to its own size releases them (ext4 and XFS do so even when the size does
 * not change). Best effort. */
static void trim_reserve(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
        (void)truncate(path, sb.st_size);
}

/* Close whatever is open, on success (st = MCR_OK) and failure alike, and
 * return the final status: a flush or close that fails turns success into
 * failure. After this nothing of the write is open. */
static mcr_status_t writer_close(writer_t *w, mcr_status_t st)
{
    for (int a = 0; a < NAX; a++)
        if (w->axis[a] >= 0) {
            if (H5Dclose(w->axis[a]) < 0 && !st)
                st = h5fail(w, "writing /%s failed", axis_name[a]);
            w->axis[a] = -1;
        }
    if (w->gcpl >= 0)
        H5Pclose(w->gcpl), w->gcpl = -1;
    if (w->str >= 0)
        H5Tclose(w->str), w->str = -1;
    if (w->file < 0)
        return st;
    if (!st)
        st = reserve_space(w);
    if (st)
        divert_to_scratch(w->file);
    if (H5Fclose(w->file) < 0 && !st)
        st = h5fail(w, "closing the file failed");
    w->file = -1;
    if (!st)
        trim_reserve(w->path);
    return st;
}

/* A dataspace of the given rank (0: scalar). */
static hid_t make_space(int rank, const hsize_t *dims)
{
    return rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
}

/* ---- attributes ------------------------------------------------------------ */

/* A scalar attribute `name` on obj (whose path is `where`, for messages). */
static mcr_status_t put_attr(writer_t *w, hid_t obj, const char *where, const char *name,
                             hid_t ftype, hid_t mtype, const void *value)
{
    hid_t space = H5Screate(H5S_SCALAR);
    if (space < 0)
        return h5fail(w, "writing attribute %s of %s failed", name, where);
    hid_t attr = H5Acreate2(obj, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT);
    herr_t rc = attr < 0 ? -1 : H5Awrite(attr, mtype, value);
    mcr_status_t st = rc < 0 ? h5fail(w, "writing attribute %s of %s failed", name, where)
                             : MCR_OK;
    if (attr >= 0 && H5Aclose(attr) < 0 && !st)
        st = h5fail(w, "writing attribute %s of %s failed", name, where);
    H5Sclose(space);
    return st;
}

/* A variable-length UTF-8 string attribute; NULL is written as "". */
static mcr_status_t put_attr_str(writer_t *w, hid_t obj, const char *where,
                                 const char *name, const char *value)
{
    const char *v = value ? value : "";
    return put_attr(w, obj, where, name, w->str, w->str, &v);
}

static mcr_status_t put_attr_i64(writer_t *w, hid_t obj, const char *where,
                                 const char *name, int64_t value)
{
    return put_attr(w, obj, where, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

/* units and description, on every output, path and factor (SPEC 5). */
static mcr_status_t put_labels(writer_t *w, hid_t obj, const char *where,
                               const char *units, const char *description)
{
    mcr_status_t st = put_attr_str(w, obj, where, "units", units);
    return st ? st : put_attr_str(w, obj, where, "description", description);
}

/* ---- groups and links -------------------------------------------------------- */

/* Create group `name` under parent (path `where` for messages) in *out. */
static mcr_status_t make_group(writer_t *w, hid_t parent, const char *where, hid_t *out)
{
    const char *name = strrchr(where, '/') + 1;
    *out = H5Gcreate2(parent, name, H5P_DEFAULT, w->gcpl, H5P_DEFAULT);
    return *out < 0 ? h5fail(w, "creating group %s failed", where) : MCR_OK;
}

/* Close group g (path `where`), keeping the first failure in st. */
static mcr_status_t close_group(writer_t *w, hid_t g, const char *where, mcr_status_t st)
{
    if (g >= 0 && H5Gclose(g) < 0 && !st)
        st = h5fail(w, "writing group %s failed", where);
    return st;
}

/* Hard-link each root axis in axes[0..n-1] into grp under its own name, so
 * netCDF (and xarray) see it as a coordinate of that group. */
static mcr_status_t link_axes(writer_t *w, hid_t grp, const char *where, int n,
                              const int *axes)
{
    for (int i = 0; i < n; i++) {
        const char *name = axis_name[axes[i]];
        htri_t has = H5Lexists(grp, name, H5P_DEFAULT);
        if (has < 0)
            return h5fail(w, "linking /%s into %s failed", name, where);
        if (has)
            continue;
        char from[32];
        snprintf(from, sizeof from, "/%s", name);
        if (H5Lcreate_hard(w->file, from, grp, name, H5P_DEFAULT, H5P_DEFAULT) < 0)
            return h5fail(w, "linking /%s into %s failed", name, where);
    }
    return MCR_OK;
}

/* ---- datasets -------------------------------------------------------------- */

/* Dataset `name` in grp (path `where`), float64, with one dimension per entry
 * of axes[0..rank-1] (its length that axis's), each dimension's scale
 * attached; data row-major; units and description attributes. The group
 * must already link those axes. */
static mcr_status_t put_var(writer_t *w, hid_t grp, const char *where, const char *name,
                            int rank, const int *axes, const double *data,
                            const char *units, const char *description)
{
    hsize_t dims[3];
    for (int i = 0; i < rank; i++)
        dims[i] = axis_len(w, axes[i]);
    mcr_status_t st = MCR_OK;
    hid_t ds = -1, space = make_space(rank, dims);
    if (space < 0)
        return h5fail(w, "creating %s/%s failed", where, name);
    ds = H5Dcreate2(grp, name, H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    if (ds < 0) {
        st = h5fail(w, "creating %s/%s failed", where, name);
        goto done;
    }
    if (H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
        st = h5fail(w, "writing %s/%s failed", where, name);
        goto done;
    }
    for (int i = 0; i < rank && !st; i++)
        if (H5DSattach_scale(ds, w->axis[axes[i]], (unsigned)i) < 0)
            st = h5fail(w, "attaching scale %s to %s/%s failed", axis_name[axes[i]],
                        where, name);
    if (!st) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", where, name);
        st = put_labels(w, ds, path, units, description);
    }
done:
    if (ds >= 0 && H5Dclose(ds) < 0 && !st)
        st = h5fail(w, "writing %s/%s failed", where, name);
    H5Sclose(space);
    return st;
}

/* ---- axes ------------------------------------------------------------------ */

/* Create the root dataset of axis ax from data (type mtype in memory, ftype
 * in the file), make it a dimension scale and keep it open in w->axis. */
static mcr_status_t put_axis(writer_t *w, int ax, hid_t ftype, hid_t mtype,
                             const void *data, const char *units)
{
    const char *name = axis_name[ax];
    hsize_t n = axis_len(w, ax);
    hid_t space = H5Screate_simple(1, &n, NULL);
    if (space < 0)
        return h5fail(w, "creating /%s failed", name);
    w->axis[ax] = H5Dcreate2(w->file, name, ftype, space, H5P_DEFAULT, H5P_DEFAULT,
                             H5P_DEFAULT);
    H5Sclose(space);
    if (w->axis[ax] < 0)
        return h5fail(w, "creating /%s failed", name);
    if (data && H5Dwrite(w->axis[ax], mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
        return h5fail(w, "writing /%s failed", name);
    if (H5DSset_scale(w->axis[ax], name) < 0)
        return h5fail(w, "making /%s a dimension scale failed", name);
    char where[32];
    snprintf(where, sizeof where, "/%s", name);
    mcr_status_t st = units ? put_attr_str(w, w->axis[ax], where, "units", units) : MCR_OK;
    return st ? st : put_attr_str(w, w->axis[ax], where, "description", axis_description[ax]);
}

/* A string axis from names[0..n-1]; every name must be set. */
static mcr_status_t put_name_axis(writer_t *w, int ax, const char *const *names)
{
    hsize_t n = axis_len(w, ax);
    for (hsize_t i = 0; i < n; i++)
        if (!names[i]) {
            char what[64], why[64];
            snprintf(what, sizeof what, "writing /%s failed", axis_name[ax]);
            snprintf(why, sizeof why, "name %llu is not set", (unsigned long long)i);
            return fail_because(w, what, why);
        }
    return put_axis(w, ax, w->str, w->str, names, NULL);
}

/* An int64 axis 0 .. n-1, written in blocks so that a trial axis of 10^8
 * entries needs no 800 MB buffer. */
static mcr_status_t put_index_axis(writer_t *w, int ax, const char *units)
{
    mcr_status_t st = put_axis(w, ax, H5T_STD_I64LE, H5T_NATIVE_INT64, NULL, units);
    if (st)
        return st;
    hsize_t n = axis_len(w, ax), block = n < INDEX_BLOCK ? n : INDEX_BLOCK;
    int64_t *buf = malloc(block * sizeof *buf);
    if (!buf) {
        char what[64];
        snprintf(what, sizeof what, "writing /%s failed", axis_name[ax]);
        return fail_because(w, what, "out of memory");
    }
    hid_t fspace = H5Dget_space(w->axis[ax]);
    hid_t mspace = H5Screate_simple(1, &block, NULL);
    if (fspace < 0 || mspace < 0)
        st = h5fail(w, "writing /%s failed", axis_name[ax]);
    for (hsize_t start = 0; !st && start < n; start += block) {
        hsize_t count = n - start < block ? n - start : block;
        for (hsize_t i = 0; i < count; i++)
            buf[i] = (int64_t)(start + i);
        hsize_t zero = 0;
        if (H5Sselect_hyperslab(fspace, H5S_SELECT_SET, &start, NULL, &count, NULL) < 0
            || H5Sselect_hyperslab(mspace, H5S_SELECT_SET, &zero, NULL, &count, NULL) < 0
            || H5Dwrite(w->axis[ax], H5T_NATIVE_INT64, mspace, fspace, H5P_DEFAULT, buf) < 0)
            st = h5fail(w, "writing /%s failed", axis_name[ax]);
    }
    if (mspace >= 0)
        H5Sclose(mspace);
    if (fspace >= 0)
        H5Sclose(fspace);
    free(buf);
    return st;
}

static mcr_status_t put_axes(writer_t *w)
{
    const mcr_results_t *r = w->res;
    const char *components[MCR_NCOMP];
    for (int c = 0; c < MCR_NCOMP; c++)
        components[c] = mcr_component_names[c].name;
    mcr_status_t st = put_axis(w, AX_PERCENTILE, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE,
                               r->percentile, "percent");
    if (!st)
        st = put_index_axis(w, AX_MONTH, "months");
    if (!st)
        st = put_name_axis(w, AX_STRATEGY, (const char *const *)r->strategy);
    if (!st)
        st = put_name_axis(w, AX_VERSUS, (const char *const *)r->strategy);
    if (!st)
        st = put_name_axis(w, AX_REGION, (const char *const *)r->region);
    if (!st)
        st = put_name_axis(w, AX_REGIME, (const char *const *)r->regime);
    if (!st)
        st = put_name_axis(w, AX_DRIVER, (const char *const *)r->driver);
    if (!st)
        st = put_name_axis(w, AX_COMPONENT, components);
    if (!st && has_samples(w))
        st = put_index_axis(w, AX_TRIAL, NULL);
    return st;
}

/* ---- root: attributes and scenario ------------------------------------------- */

static mcr_status_t put_root(writer_t *w)
{
    const mcr_run_record_t *run = &w->res->run;
    hid_t f = w->file;
    const char *at = "/";
    mcr_status_t st = put_attr_str(w, f, at, "mcrisk_version", run->mcrisk_version);
    if (!st)
        st = put_attr_str(w, f, at, "git_commit", run->git_commit);
    if (!st)
        st = put_attr_i64(w, f, at, "schema_version", MCR_H5_SCHEMA_VERSION);
    if (!st)
        st = put_attr(w, f, at, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, &run->seed);
    if (!st)
        st = put_attr_i64(w, f, at, "trials", run->trials);
    if (!st)
        st = put_attr_i64(w, f, at, "horizon_months", run->horizon_months);
    if (!st)
        st = put_attr_i64(w, f, at, "threads", run->threads);
    if (!st)
        st = put_attr_i64(w, f, at, "ranks", run->ranks);
    if (!st)
        st = put_attr_str(w, f, at, "created_utc", run->created_utc);
    if (!st)
        st = put_attr_str(w, f, at, "command_line", run->command_line);
    if (!st)
        st = put_attr_str(w, f, at, "scenario_sha256", run->scenario_sha256);
    if (st)
        return st;

    /* /scenario: the text as a scalar string. HDF5 strings end at a NUL, so
     * the bytes are copied behind one (a valid scenario holds no NUL). */
    size_t len = run->scenario_text ? run->scenario_len : 0;
    char *text = malloc(len + 1);
    if (!text)
        return fail_because(w, "writing /scenario failed", "out of memory");
    if (len)
        memcpy(text, run->scenario_text, len);
    text[len] = '\0';
    hid_t space = H5Screate(H5S_SCALAR);
    hid_t ds = space < 0 ? -1 : H5Dcreate2(f, "scenario", w->str, space, H5P_DEFAULT,
                                           H5P_DEFAULT, H5P_DEFAULT);
    if (ds < 0 || H5Dwrite(ds, w->str, H5S_ALL, H5S_ALL, H5P_DEFAULT, &text) < 0)
        st = h5fail(w, "writing /scenario failed");
    if (!st)
        st = put_attr_str(w, ds, "/scenario", "description",
                          "the scenario file's text, as read");
    if (ds >= 0 && H5Dclose(ds) < 0 && !st)
        st = h5fail(w, "writing /scenario failed");
    if (space >= 0)
        H5Sclose(space);
    free(text);
    return st;
}

/* ---- result groups ------------------------------------------------------------ */

static const char *const stat_description[] = {
    "percentiles over trials (exact; numpy.percentile, linear method)",
    "lower end of the distribution-free 95% confidence interval of each percentile",
    "upper end of the distribution-free 95% confidence interval of each percentile",
    "mean over trials",
    "standard deviation over trials (ddof = 1)",
    "smallest value over trials",
    "largest value over trials",
    "standard error of the mean: sd / sqrt(trials)",
    "mean of the largest 5% of trials (the bad tail of a cost)",
    "mean of the largest 1% of trials",
};

static const char *const series_description[] = {
    "percentile estimates per month (quantile sketch, relative error <= 0.5%)",
    "mean per month over trials (exact)",
    "standard deviation per month over trials (ddof = 1)",
};

/* A group under parent at `where` with units and description, linking the
 * axes its datasets use. */
static mcr_status_t open_labelled_group(writer_t *w, hid_t parent, const char *where,
                                        const mcr_name_t *label, int naxes,
                                        const int *axes, hid_t *g)
{
    mcr_status_t st = make_group(w, parent, where, g);
    if (!st)
        st = put_labels(w, *g, where, label->units, label->description);
    if (!st)
        st = link_axes(w, *g, where, naxes, axes);
    return st;
}

/* /outputs/<name>: value, ci_low, ci_high [S,P]; mean .. cvar99 [S]. */
static mcr_status_t put_output(writer_t *w, hid_t parent, int k)
{
    const mcr_name_t *nm = &mcr_output_names[k];
    const mcr_output_stats_t *o = &w->res->out[k];
    static const int sp[] = {AX_STRATEGY, AX_PERCENTILE};
    char where[96];
    snprintf(where, sizeof where, "/outputs/%s", nm->name);
    const struct { const char *name; int rank; const double *data; } var[] = {
        {"value", 2, o->value}, {"ci_low", 2, o->ci_low}, {"ci_high", 2, o->ci_high},
        {"mean", 1, o->mean}, {"sd", 1, o->sd}, {"min", 1, o->min}, {"max", 1, o->max},
        {"sem", 1, o->sem}, {"cvar95", 1, o->cvar95}, {"cvar99", 1, o->cvar99},
    };
    hid_t g = -1;
    mcr_status_t st = open_labelled_group(w, parent, where, nm, 2, sp, &g);
    for (size_t i = 0; !st && i < sizeof var / sizeof var[0]; i++)
        st = put_var(w, g, where, var[i].name, var[i].rank, sp, var[i].data, nm->units,
                     stat_description[i]);
    return close_group(w, g, where, st);
}

/* A series group (a path per strategy or a factor per region): value
 * [n,P,H], mean and sd [n,H], where the leading axis is `lead`, or absent
 * when lead < 0 (chip_fill). */
static mcr_status_t put_series(writer_t *w, hid_t parent, const char *where,
                               const mcr_name_t *nm, int lead, const mcr_series_stats_t *s)
{
    int full[3] = {lead, AX_PERCENTILE, AX_MONTH}, by_month[2] = {lead, AX_MONTH};
    const int *vaxes = lead >= 0 ? full : full + 1;
    const int *maxes = lead >= 0 ? by_month : by_month + 1;
    int vrank = lead >= 0 ? 3 : 2, mrank = vrank - 1;
    hid_t g = -1;
    mcr_status_t st = open_labelled_group(w, parent, where, nm, vrank, vaxes, &g);
    if (!st)
        st = put_var(w, g, where, "value", vrank, vaxes, s->value, nm->units,
                     series_description[0]);
    if (!st)
        st = put_var(w, g, where, "mean", mrank, maxes, s->mean, nm->units,
                     series_description[1]);
    if (!st)
        st = put_var(w, g, where, "sd", mrank, maxes, s->sd, nm->units,
                     series_description[2]);
    return close_group(w, g, where, st);
}

static mcr_status_t put_outputs_and_paths(writer_t *w)
{
    hid_t g = -1;
    mcr_status_t st = make_group(w, w->file, "/outputs", &g);
    for (int k = 0; !st && k < MCR_NOUT; k++)
        st = put_output(w, g, k);
    st = close_group(w, g, "/outputs", st);
    g = -1;
    if (!st)
        st = make_group(w, w->file, "/paths", &g);
    for (int k = 0; !st && k < MCR_NPATH; k++) {
        char where[96];
        snprintf(where, sizeof where, "/paths/%s", mcr_path_names[k].name);
        st = put_series(w, g, where, &mcr_path_names[k], AX_STRATEGY, &w->res->path[k]);
    }
    return close_group(w, g, "/paths", st);
}

static mcr_status_t put_factors(writer_t *w)
{
    static const int km[] = {AX_REGIME, AX_MONTH};
    const mcr_name_t *share = &mcr_factor_regime_share;
    hid_t g = -1;
    mcr_status_t st = make_group(w, w->file, "/factors", &g);
    if (!st)
        st = put_series(w, g, "/factors/energy_price", &mcr_factor_energy_price,
                        AX_REGION, &w->res->energy_price);
    if (!st)
        st = put_series(w, g, "/factors/chip_fill", &mcr_factor_chip_fill, -1,
                        &w->res->chip_fill);
    if (!st)
        st = link_axes(w, g, "/factors", 2, km);
    if (!st)
        st = put_var(w, g, "/factors", share->name, 2, km, w->res->regime_share,
                     share->units, share->description);
    return close_group(w, g, "/factors", st);
}

/* /breakdown, /comparison and /sensitivity: one or two datasets each. */
static mcr_status_t put_summaries(writer_t *w)
{
    static const int sc[] = {AX_STRATEGY, AX_COMPONENT}, sv[] = {AX_STRATEGY, AX_VERSUS},
                     sd[] = {AX_STRATEGY, AX_DRIVER};
    const mcr_results_t *r = w->res;
    hid_t g = -1;
    mcr_status_t st = make_group(w, w->file, "/breakdown", &g);
    if (!st)
        st = link_axes(w, g, "/breakdown", 2, sc);
    if (!st)
        st = put_var(w, g, "/breakdown", "mean_npv", 2, sc, r->breakdown, "USD",
                     "mean discounted value of each component of cost_npv "
                     "(residual credited, <= 0); components sum to the mean cost_npv");
    st = close_group(w, g, "/breakdown", st);
    g = -1;

    if (!st)
        st = make_group(w, w->file, "/comparison", &g);
    if (!st)
        st = link_axes(w, g, "/comparison", 2, sv);
    if (!st)
        st = put_var(w, g, "/comparison", "p_best", 1, sv, r->p_best, "fraction",
                     "share of trials in which the strategy has the lowest cost_npv");
    if (!st)
        st = put_var(w, g, "/comparison", "p_cheaper", 2, sv, r->p_cheaper, "fraction",
                     "share of trials in which cost_npv[strategy] < cost_npv[versus]");
    st = close_group(w, g, "/comparison", st);
    g = -1;

    if (!st)
        st = make_group(w, w->file, "/sensitivity", &g);
    if (!st)
        st = link_axes(w, g, "/sensitivity", 2, sd);
    if (!st)
        st = put_var(w, g, "/sensitivity", "spearman", 2, sd, r->spearman, "1",
                     "Spearman rank correlation of the strategy's cost_npv with each driver");
    return close_group(w, g, "/sensitivity", st);
}

/* Row by row, piece by piece: the samples of output k from the writer's
 * callback into dataset ds, each piece (at most MCR_H5_PIECE trials, a
 * multiple of SAMPLE_CHUNK) a hyperslab of whole chunks. buf holds a piece. */
static mcr_status_t put_sample_pieces(writer_t *w, hid_t ds, int k, const char *where,
                                      double *buf)
{
    const mcr_results_t *r = w->res;
    mcr_status_t st = MCR_OK;
    hid_t fspace = H5Dget_space(ds);
    if (fspace < 0)
        return h5fail(w, "writing %s failed", where);
    for (int s = 0; !st && s < r->S; s++)
        for (int64_t first = 0; !st && first < r->N; first += MCR_H5_PIECE) {
            int64_t n = r->N - first < MCR_H5_PIECE ? r->N - first : MCR_H5_PIECE;
            hsize_t start[2] = {(hsize_t)s, (hsize_t)first}, count[2] = {1, (hsize_t)n};
            hsize_t len = (hsize_t)n;
            st = w->fill(w->fill_ctx, k, s, first, n, buf, w->err);
            if (st)
                break;
            hid_t mspace = H5Screate_simple(1, &len, NULL);
            if (mspace < 0
                || H5Sselect_hyperslab(fspace, H5S_SELECT_SET, start, NULL, count, NULL) < 0
                || H5Dwrite(ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT, buf) < 0)
                st = h5fail(w, "writing %s failed", where);
            if (mspace >= 0)
                H5Sclose(mspace);
        }
    H5Sclose(fspace);
    return st;
}

/* /samples/<output> [S,N], chunked by rows of SAMPLE_CHUNK trials. Whole
 * months (months_to_90pct) go through shuffle + deflate level 1, which
 * stores them in about an eighth of the space; the continuous outputs are
 * stored unfiltered, where deflate saves about 13% at thirty times the write
 * time (docs/hdf5.md, "Compression"). Without the deflate filter in the
 * library, everything is stored unfiltered. */
static mcr_status_t put_samples(writer_t *w)
{
    static const int sn[] = {AX_STRATEGY, AX_TRIAL};
    const mcr_results_t *r = w->res;
    hsize_t dims[2] = {(hsize_t)r->S, (hsize_t)r->N};
    hsize_t chunk[2] = {1, dims[1] < SAMPLE_CHUNK ? dims[1] : SAMPLE_CHUNK};
    hid_t g = -1, plain = -1, packed = -1, space = -1;
    double *piece = NULL;
    if (!r->samples) {
        int64_t n = r->N < MCR_H5_PIECE ? r->N : MCR_H5_PIECE;
        if (!(piece = malloc((size_t)n * sizeof *piece)))
            return fail_because(w, "writing /samples failed", "out of memory");
    }
    mcr_status_t st = make_group(w, w->file, "/samples", &g);
    if (!st)
        st = link_axes(w, g, "/samples", 2, sn);
    if (!st) {
        htri_t deflate = H5Zfilter_avail(H5Z_FILTER_DEFLATE);
        space = H5Screate_simple(2, dims, NULL);
        plain = H5Pcreate(H5P_DATASET_CREATE);
        packed = H5Pcreate(H5P_DATASET_CREATE);
        if (deflate < 0 || space < 0 || plain < 0 || packed < 0
            || H5Pset_chunk(plain, 2, chunk) < 0 || H5Pset_chunk(packed, 2, chunk) < 0
            || (deflate && (H5Pset_shuffle(packed) < 0 || H5Pset_deflate(packed, 1) < 0)))
            st = h5fail(w, "creating /samples failed");
    }
    for (int k = 0; !st && k < MCR_NOUT; k++) {
        const mcr_name_t *nm = &mcr_output_names[k];
        char where[96];
        snprintf(where, sizeof where, "/samples/%s", nm->name);
        hid_t dcpl = k == MCR_OUT_MONTHS_TO_90PCT ? packed : plain;
        hid_t ds = H5Dcreate2(g, nm->name, H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl,
                              H5P_DEFAULT);
        if (ds < 0)
            st = h5fail(w, "creating %s failed", where);
        else if (r->samples) {
            const double *data = r->samples + (size_t)k * dims[0] * dims[1];
            if (H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
                st = h5fail(w, "writing %s failed", where);
        } else {
            st = put_sample_pieces(w, ds, k, where, piece);
        }
        for (int i = 0; !st && i < 2; i++)
            if (H5DSattach_scale(ds, w->axis[sn[i]], (unsigned)i) < 0)
                st = h5fail(w, "attaching scale %s to %s failed", axis_name[sn[i]], where);
        if (!st)
            st = put_labels(w, ds, where, nm->units, nm->description);
        if (ds >= 0 && H5Dclose(ds) < 0 && !st)
            st = h5fail(w, "writing %s failed", where);
    }
    if (packed >= 0)
        H5Pclose(packed);
    if (plain >= 0)
        H5Pclose(plain);
    if (space >= 0)
        H5Sclose(space);
    free(piece);
    return close_group(w, g, "/samples", st);
}

/* ---- API ---------------------------------------------------------------------- */

/* The whole file; samples from res->samples, or from fill when given. */
static mcr_status_t write_file(const char *path, const char *shown, const mcr_results_t *res,
                               mcr_h5_samples_fn fill, void *ctx, mcr_err_t *err)
{
    writer_t w = {.res = res, .path = path, .shown = shown ? shown : path, .err = err,
                  .file = -1, .str = -1, .gcpl = -1, .fill = fill, .fill_ctx = ctx};
    for (int a = 0; a < NAX; a++)
        w.axis[a] = -1;
    if (res->S < 1 || res->P < 1 || res->H < 1 || res->R < 1 || res->K < 1 || res->D < 1
        || (has_samples(&w) && res->N < 1))
        return fail_because(&w, "nothing written", "results with an empty axis");

    mcr_h5_quiet();
    mcr_status_t st = MCR_OK;
    hid_t fcpl = H5Pcreate(H5P_FILE_CREATE), fapl = H5Pcreate(H5P_FILE_ACCESS);
    w.gcpl = H5Pcreate(H5P_GROUP_CREATE);
    w.str = mcr_h5_string_type();
    unsigned order = H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED;
    if (fcpl < 0 || fapl < 0 || w.gcpl < 0 || w.str < 0
        || H5Pset_link_creation_order(fcpl, order) < 0
        || H5Pset_link_creation_order(w.gcpl, order) < 0
        || H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18) < 0)
        st = h5fail(&w, "preparing to write failed");
    if (!st) {
        w.file = H5Fcreate(path, H5F_ACC_TRUNC, fcpl, fapl);
        if (w.file < 0)
            st = h5fail(&w, "cannot create the file");
    }
    if (fcpl >= 0)
        H5Pclose(fcpl);
    if (fapl >= 0)
        H5Pclose(fapl);
    if (!st)
        st = put_root(&w);
    if (!st)
        st = put_axes(&w);
    if (!st)
        st = put_outputs_and_paths(&w);
    if (!st)
        st = put_factors(&w);
    if (!st)
        st = put_summaries(&w);
    if (!st && has_samples(&w))
        st = put_samples(&w);
    st = writer_close(&w, st);
    return st;
}

mcr_status_t mcr_h5_write(const char *path, const char *shown,
                          const mcr_results_t *res, mcr_err_t *err)
{
    return write_file(path, shown, res, NULL, NULL, err);
}

mcr_status_t mcr_h5_write_pieces(const char *path, const char *shown, const mcr_results_t *res,
                                 mcr_h5_samples_fn fill, void *ctx, mcr_err_t *err)
{
    if (res->samples || !fill)
        return mcr_fail(err, MCR_ERUNTIME, "%s: error: nothing written (samples given twice or "
                        "not at all)", shown ? shown : path);
    return write_file(path, shown, res, fill, ctx, err);
}
