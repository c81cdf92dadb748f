/* test_h5.c -- the HDF5 writer and reader (results/h5write.c, h5read.c).
 *
 * Round trip: results full of awkward doubles (every exponent range, -0.0,
 * subnormals) and names written by mcr_h5_write come back from mcr_h5_read
 * bit for bit, with and without samples. The reader refuses, with
 * MCR_EINPUT and "FILE: error: ...", a missing file, a text file, an empty
 * file, truncated copies, an HDF5 file from another program, schema_version
 * 2, a missing dataset and a misshapen one, and survives single-byte damage
 * anywhere in a file. Writing into a missing directory or onto a disk that
 * fills up part way (simulated) fails with MCR_ERUNTIME and the system's
 * reason. After every call, success or failure, no HDF5 object may be left
 * open.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>
#include <hdf5.h>

#include "results/h5read.h"
#include "results/h5write.h"
#include "results/results.h"

enum { S = 3, P = 4, H = 6, R = 2, K = 3, D = 5, N = 9 };

static char dir[64];            /* this run's scratch directory */

/* A full disk, simulated. While `armed`, a write into the file with this
 * device and inode that reaches past `limit` bytes fails with ENOSPC, as
 * on a full disk, and so does a reservation (fallocate) of such bytes.
 * HDF5 writes through pwrite(), the writer reserves through fallocate();
 * these definitions in the test program take precedence over the C
 * library's for every caller, libhdf5 included (test_write_onto_full_disk
 * fails if they did not). */
static struct {
    int   armed;
    dev_t dev;
    ino_t ino;
    off_t limit;                /* bytes that fit */
} full;

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    struct stat sb;
    if (full.armed && fstat(fd, &sb) == 0 && sb.st_dev == full.dev && sb.st_ino == full.ino
        && off + (off_t)n > full.limit) {
        errno = ENOSPC;
        return -1;
    }
    return (ssize_t)syscall(SYS_pwrite64, fd, buf, n, off);
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
    struct stat sb;
    if (full.armed && fstat(fd, &sb) == 0 && sb.st_dev == full.dev && sb.st_ino == full.ino
        && off + len > full.limit) {
        errno = ENOSPC;
        return -1;
    }
    return (int)syscall(SYS_fallocate, fd, mode, off, len);
}

static const char scenario[] = "version: 1\n# \xc3\xa9t\xc3\xa9 \xe2\x82\xac\nsimulation: {}\n";

/* ---- fixtures ------------------------------------------------------------ */

static const char *path_in(const char *name)
{
    static char buf[4][128];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", dir, name);
    return p;
}

/* xorshift64* (Vigna 2016): a fixed stream of test values. */
static uint64_t rng_state = 0x853c49e6748fea9bu;
static uint64_t next_u64(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1du;
}

/* Finite doubles of either sign over the whole exponent range, with -0.0
 * and a subnormal now and then. */
static void fill(double *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t u = next_u64();
        double m = (double)(u >> 11) * 0x1.0p-53 - 0.5;
        int e = (int)(u % 2001) - 1000;
        x[i] = i % 17 == 5 ? -0.0 : i % 19 == 7 ? 0x1.0p-1070 : ldexp(m, e);
    }
}

static char *dupstr(const char *s)
{
    char *c = strdup(s);
    assert_non_null(c);
    return c;
}

static void fill_series(mcr_series_stats_t *s, size_t n)
{
    fill(s->value, n * P * H);
    fill(s->mean, n * H);
    fill(s->sd, n * H);
}

/* Results with every array filled, names set and (optionally) samples. */
static void make_results(mcr_results_t *r, double *samples)
{
    mcr_err_t err;
    assert_int_equal(mcr_results_alloc(r, S, P, H, R, K, D, &err), MCR_OK);
    r->N = N;
    static const double levels[P] = {0, 12.5, 50, 100};
    memcpy(r->percentile, levels, sizeof levels);
    for (int s = 0; s < S; s++) {
        char name[32];
        snprintf(name, sizeof name, "strategy_%d", s);
        r->strategy[s] = dupstr(name);
    }
    r->region[0] = dupstr("uk"), r->region[1] = dupstr("norway");
    r->regime[0] = dupstr("normal"), r->regime[1] = dupstr("tight");
    r->regime[2] = dupstr("shock");
    for (int d = 0; d < D; d++) {
        char name[48];
        snprintf(name, sizeof name, "driver_%d.permit_months", d);
        r->driver[d] = dupstr(name);
    }
    for (int k = 0; k < MCR_NOUT; k++) {
        mcr_output_stats_t *o = &r->out[k];
        fill(o->value, S * P), fill(o->ci_low, S * P), fill(o->ci_high, S * P);
        fill(o->mean, S), fill(o->sd, S), fill(o->min, S), fill(o->max, S);
        fill(o->sem, S), fill(o->cvar95, S), fill(o->cvar99, S);
    }
    for (int k = 0; k < MCR_NPATH; k++)
        fill_series(&r->path[k], S);
    fill_series(&r->energy_price, R);
    fill_series(&r->chip_fill, 1);
    fill(r->regime_share, K * H);
    fill(r->breakdown, S * MCR_NCOMP);
    fill(r->p_best, S);
    fill(r->p_cheaper, S * S);
    fill(r->spearman, S * D);
    if (samples) {
        fill(samples, MCR_NOUT * S * N);
        r->samples = samples;
    }
    r->run = (mcr_run_record_t){
        .mcrisk_version = "1.0.0", .git_commit = "unknown",
        .seed = 0xfedcba9876543210u, .trials = N, .horizon_months = H,
        .threads = 3, .ranks = 1, .created_utc = "2026-05-06T07:08:09Z",
        .command_line = "mcrisk run x.yaml -n 9",
        .scenario_text = scenario, .scenario_len = sizeof scenario - 1,
        .scenario_sha256 = "0000000000000000000000000000000000000000000000000000000000000000",
    };
}

/* No HDF5 object of any file is open. */
static void assert_nothing_open(void)
{
    assert_int_equal(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), 0);
}

static void write_ok(const char *path, const mcr_results_t *r)
{
    mcr_err_t err = {{0}};
    mcr_status_t st = mcr_h5_write(path, path, r, &err);
    if (st)
        fail_msg("%s", err.msg);
    assert_nothing_open();
}

/* The reader refuses path with MCR_EINPUT and a message "path: error: ..."
 * that contains `says`. */
static void assert_refused(const char *path, const char *says)
{
    mcr_h5_file_t f;
    mcr_err_t err = {{0}};
    mcr_status_t st = mcr_h5_read(path, MCR_H5_READ_SAMPLES, &f, &err);
    assert_nothing_open();
    if (st != MCR_EINPUT)
        fail_msg("%s: expected MCR_EINPUT, got %d (%s)", path, st, err.msg);
    char prefix[160];
    snprintf(prefix, sizeof prefix, "%s: error: ", path);
    if (strncmp(err.msg, prefix, strlen(prefix)) != 0 || !strstr(err.msg, says))
        fail_msg("message \"%s\" lacks \"%s\"", err.msg, says);
    assert_null(f.res.strategy);
    assert_null(f.scenario_text);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, n, fp), n);
    assert_int_equal(fclose(fp), 0);
}

static unsigned char *read_bytes(const char *path, size_t *n)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    long len = ftell(fp);
    assert_true(len > 0);
    rewind(fp);
    unsigned char *buf = malloc((size_t)len);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)len, fp), (size_t)len);
    fclose(fp);
    *n = (size_t)len;
    return buf;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/mcr-test-h5-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {
        "a.h5", "b.h5", "text.h5", "empty.h5", "cut.h5", "foreign.h5", "v2.h5",
        "missing.h5", "shape.h5", "damaged.h5", "full.h5",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(path_in(names[i]));
    return rmdir(dir);
}

/* ---- round trip ------------------------------------------------------------- */

static void assert_same_doubles(const double *a, const double *b, size_t n, const char *what)
{
    if (memcmp(a, b, n * sizeof *a) != 0)
        fail_msg("%s differs after the round trip", what);
}

static void assert_same_series(const mcr_series_stats_t *a, const mcr_series_stats_t *b,
                               size_t n, const char *what)
{
    assert_same_doubles(a->value, b->value, n * P * H, what);
    assert_same_doubles(a->mean, b->mean, n * H, what);
    assert_same_doubles(a->sd, b->sd, n * H, what);
}

static void assert_same_results(const mcr_results_t *a, const mcr_results_t *b)
{
    assert_int_equal(a->S, b->S), assert_int_equal(a->P, b->P);
    assert_int_equal(a->H, b->H), assert_int_equal(a->R, b->R);
    assert_int_equal(a->K, b->K), assert_int_equal(a->D, b->D);
    assert_int_equal(a->N, b->N);
    assert_same_doubles(a->percentile, b->percentile, P, "percentile");
    for (int i = 0; i < S; i++)
        assert_string_equal(a->strategy[i], b->strategy[i]);
    for (int i = 0; i < R; i++)
        assert_string_equal(a->region[i], b->region[i]);
    for (int i = 0; i < K; i++)
        assert_string_equal(a->regime[i], b->regime[i]);
    for (int i = 0; i < D; i++)
        assert_string_equal(a->driver[i], b->driver[i]);
    for (int k = 0; k < MCR_NOUT; k++) {
        const mcr_output_stats_t *x = &a->out[k], *y = &b->out[k];
        assert_same_doubles(x->value, y->value, S * P, "value");
        assert_same_doubles(x->ci_low, y->ci_low, S * P, "ci_low");
        assert_same_doubles(x->ci_high, y->ci_high, S * P, "ci_high");
        assert_same_doubles(x->mean, y->mean, S, "mean");
        assert_same_doubles(x->sd, y->sd, S, "sd");
        assert_same_doubles(x->min, y->min, S, "min");
        assert_same_doubles(x->max, y->max, S, "max");
        assert_same_doubles(x->sem, y->sem, S, "sem");
        assert_same_doubles(x->cvar95, y->cvar95, S, "cvar95");
        assert_same_doubles(x->cvar99, y->cvar99, S, "cvar99");
    }
    for (int k = 0; k < MCR_NPATH; k++)
        assert_same_series(&a->path[k], &b->path[k], S, "path");
    assert_same_series(&a->energy_price, &b->energy_price, R, "energy_price");
    assert_same_series(&a->chip_fill, &b->chip_fill, 1, "chip_fill");
    assert_same_doubles(a->regime_share, b->regime_share, K * H, "chip_regime_share");
    assert_same_doubles(a->breakdown, b->breakdown, S * MCR_NCOMP, "breakdown");
    assert_same_doubles(a->p_best, b->p_best, S, "p_best");
    assert_same_doubles(a->p_cheaper, b->p_cheaper, S * S, "p_cheaper");
    assert_same_doubles(a->spearman, b->spearman, S * D, "spearman");

    const mcr_run_record_t *x = &a->run, *y = &b->run;
    assert_string_equal(x->mcrisk_version, y->mcrisk_version);
    assert_string_equal(x->git_commit, y->git_commit);
    assert_true(x->seed == y->seed);
    assert_int_equal(x->trials, y->trials);
    assert_int_equal(x->horizon_months, y->horizon_months);
    assert_int_equal(x->threads, y->threads);
    assert_int_equal(x->ranks, y->ranks);
    assert_string_equal(x->created_utc, y->created_utc);
    assert_string_equal(x->command_line, y->command_line);
    assert_string_equal(x->scenario_sha256, y->scenario_sha256);
    assert_int_equal(x->scenario_len, y->scenario_len);
    assert_memory_equal(x->scenario_text, y->scenario_text, x->scenario_len);
}

static void test_round_trip_with_samples(void **state)
{
    (void)state;
    static double samples[MCR_NOUT * S * N];
    mcr_results_t r;
    make_results(&r, samples);
    write_ok(path_in("a.h5"), &r);

    mcr_h5_file_t f;
    mcr_err_t err = {{0}};
    assert_int_equal(mcr_h5_read(path_in("a.h5"), MCR_H5_READ_SAMPLES, &f, &err), MCR_OK);
    assert_nothing_open();
    assert_same_results(&r, &f.res);
    assert_int_equal(f.has_samples, 1);
    assert_ptr_equal(f.res.samples, f.samples);
    assert_same_doubles(samples, f.samples, MCR_NOUT * S * N, "samples");
    mcr_h5_file_free(&f);

    /* without the flag: the samples are noted, not read */
    assert_int_equal(mcr_h5_read(path_in("a.h5"), 0, &f, &err), MCR_OK);
    assert_int_equal(f.has_samples, 1);
    assert_null(f.samples);
    assert_null(f.res.samples);
    mcr_h5_file_free(&f);
    mcr_results_free(&r);
}

static void test_round_trip_without_samples(void **state)
{
    (void)state;
    mcr_results_t r;
    make_results(&r, NULL);
    write_ok(path_in("b.h5"), &r);
    mcr_h5_file_t f;
    mcr_err_t err = {{0}};
    assert_int_equal(mcr_h5_read(path_in("b.h5"), MCR_H5_READ_SAMPLES, &f, &err), MCR_OK);
    assert_same_results(&r, &f.res);
    assert_int_equal(f.has_samples, 0);
    assert_null(f.samples);
    mcr_h5_file_free(&f);
    mcr_results_free(&r);
    assert_nothing_open();
}

/* ---- the reader refuses what is not an mcrisk file ---------------------------- */

static void test_refuses_missing_text_and_empty(void **state)
{
    (void)state;
    assert_refused(path_in("nonexistent.h5"), "No such file or directory");
    assert_refused(dir, "is a directory");
    const char *text = "version: 1\nthis is not HDF5\n";
    write_bytes(path_in("text.h5"), text, strlen(text));
    assert_refused(path_in("text.h5"), "not an HDF5 file");
    write_bytes(path_in("empty.h5"), "", 0);
    assert_refused(path_in("empty.h5"), "empty file");
}

/* Every truncation of a real file is refused: cut at the first block, the
 * middle, and one byte short of the end (the superblock's recorded end of
 * file is then beyond the real one). */
static void test_refuses_truncated(void **state)
{
    (void)state;
    mcr_results_t r;
    make_results(&r, NULL);
    write_ok(path_in("b.h5"), &r);
    mcr_results_free(&r);
    size_t n;
    unsigned char *bytes = read_bytes(path_in("b.h5"), &n);
    const size_t cut[] = {8, 100, 512, n / 3, n / 2, n - 100, n - 1};
    for (size_t i = 0; i < sizeof cut / sizeof cut[0]; i++) {
        write_bytes(path_in("cut.h5"), bytes, cut[i]);
        assert_refused(path_in("cut.h5"), "error: ");
    }
    free(bytes);
}

static void test_refuses_foreign_hdf5(void **state)
{
    (void)state;
    hid_t f = H5Fcreate(path_in("foreign.h5"), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    assert_true(f >= 0);
    hsize_t n = 4;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t ds = H5Dcreate2(f, "data", H5T_IEEE_F64LE, sp, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT);
    assert_true(sp >= 0 && ds >= 0);
    H5Dclose(ds), H5Sclose(sp), H5Fclose(f);
    assert_refused(path_in("foreign.h5"), "not an mcrisk results file (no schema_version");
}

/* Open a fresh copy of a good file (without samples) for editing. */
static hid_t edit_copy(const char *name)
{
    mcr_results_t r;
    make_results(&r, NULL);
    write_ok(path_in(name), &r);
    mcr_results_free(&r);
    hid_t f = H5Fopen(path_in(name), H5F_ACC_RDWR, H5P_DEFAULT);
    assert_true(f >= 0);
    return f;
}

static void test_refuses_schema_2(void **state)
{
    (void)state;
    hid_t f = edit_copy("v2.h5");
    hid_t a = H5Aopen(f, "schema_version", H5P_DEFAULT);
    int64_t two = 2;
    assert_true(a >= 0);
    assert_true(H5Awrite(a, H5T_NATIVE_INT64, &two) >= 0);
    H5Aclose(a), H5Fclose(f);
    assert_refused(path_in("v2.h5"), "schema_version 2");
}

static void test_refuses_missing_dataset(void **state)
{
    (void)state;
    hid_t f = edit_copy("missing.h5");
    assert_true(H5Ldelete(f, "/outputs/lcoc/ci_low", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    assert_refused(path_in("missing.h5"), "/outputs/lcoc/ci_low is missing");

    f = edit_copy("missing.h5");
    assert_true(H5Ldelete(f, "/sensitivity", H5P_DEFAULT) >= 0);
    H5Fclose(f);
    assert_refused(path_in("missing.h5"), "/sensitivity/spearman is missing");
}

static void test_refuses_misshapen_dataset(void **state)
{
    (void)state;
    hid_t f = edit_copy("shape.h5");
    assert_true(H5Ldelete(f, "/comparison/p_best", H5P_DEFAULT) >= 0);
    hsize_t n = S + 1;
    hid_t sp = H5Screate_simple(1, &n, NULL);
    hid_t ds = H5Dcreate2(f, "/comparison/p_best", H5T_IEEE_F64LE, sp, H5P_DEFAULT,
                          H5P_DEFAULT, H5P_DEFAULT);
    assert_true(sp >= 0 && ds >= 0);
    H5Dclose(ds), H5Sclose(sp), H5Fclose(f);
    assert_refused(path_in("shape.h5"), "/comparison/p_best has shape [4], expected [3]");
}

/* One damaged byte at 97 places spread over the file (every structure gets
 * hit: superblock, object headers, heaps, B-trees, data): the reader returns
 * MCR_OK (the byte was in a number) or MCR_EINPUT, never crashes and leaves
 * nothing open. */
static void test_survives_damage(void **state)
{
    (void)state;
    mcr_results_t r;
    make_results(&r, NULL);
    write_ok(path_in("b.h5"), &r);
    mcr_results_free(&r);
    size_t n;
    unsigned char *bytes = read_bytes(path_in("b.h5"), &n);
    int refused = 0;
    for (int i = 0; i < 97; i++) {
        size_t at = (size_t)i * (n - 1) / 96;
        bytes[at] ^= 0x5a;
        write_bytes(path_in("damaged.h5"), bytes, n);
        bytes[at] ^= 0x5a;
        mcr_h5_file_t f;
        mcr_err_t err = {{0}};
        mcr_status_t st = mcr_h5_read(path_in("damaged.h5"), MCR_H5_READ_SAMPLES, &f, &err);
        assert_nothing_open();
        if (st != MCR_OK && st != MCR_EINPUT)
            fail_msg("byte %zu: status %d (%s)", at, st, err.msg);
        refused += st != MCR_OK;
        mcr_h5_file_free(&f);
    }
    assert_true(refused > 0);   /* byte 0 is the signature: at least that one */
    free(bytes);
}

/* ---- the writer fails cleanly ------------------------------------------------- */

static void test_write_into_missing_directory(void **state)
{
    (void)state;
    mcr_results_t r;
    make_results(&r, NULL);
    char path[128];
    snprintf(path, sizeof path, "%s/no/such/dir/out.h5.tmp", dir);
    mcr_err_t err = {{0}};
    assert_int_equal(mcr_h5_write(path, "out.h5", &r, &err), MCR_ERUNTIME);
    assert_nothing_open();
    assert_true(strncmp(err.msg, "out.h5: error: ", 15) == 0);
    if (!strstr(err.msg, "(No such file or directory)"))
        fail_msg("message \"%s\" does not give the reason", err.msg);
    mcr_results_free(&r);
}

/* A write that fails part way, as on a full disk, at several points from
 * just after the superblock to the last byte: MCR_ERUNTIME with the
 * system's reason, nothing left open, and (the test binary exiting normally
 * proves it) no damage to the library's state that would crash it at exit.
 * Not tested: a disk full before the first kilobyte, inside H5Fcreate,
 * where HDF5 1.10 itself leaks its half-made file (it complains at exit;
 * docs/hdf5.md). */
static void test_write_onto_full_disk(void **state)
{
    (void)state;
    static double samples[MCR_NOUT * S * N];
    mcr_results_t r;
    make_results(&r, samples);
    const char *path = path_in("full.h5");
    write_ok(path, &r);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    full.dev = sb.st_dev, full.ino = sb.st_ino;
    const off_t limit[] = {1000, 4096, sb.st_size / 3, sb.st_size / 2, sb.st_size - 1};
    for (size_t i = 0; i < sizeof limit / sizeof limit[0]; i++) {
        mcr_err_t err = {{0}};
        full.limit = limit[i];
        full.armed = 1;
        mcr_status_t st = mcr_h5_write(path, "out.h5", &r, &err);
        full.armed = 0;
        assert_nothing_open();
        if (st != MCR_ERUNTIME || strncmp(err.msg, "out.h5: error: ", 15) != 0
            || !strstr(err.msg, "(No space left on device)"))
            fail_msg("disk full at byte %lld: status %d, \"%s\"", (long long)limit[i], st,
                     err.msg);
    }
    write_ok(path, &r);         /* and the library still writes */
    mcr_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_with_samples),
        cmocka_unit_test(test_round_trip_without_samples),
        cmocka_unit_test(test_refuses_missing_text_and_empty),
        cmocka_unit_test(test_refuses_truncated),
        cmocka_unit_test(test_refuses_foreign_hdf5),
        cmocka_unit_test(test_refuses_schema_2),
        cmocka_unit_test(test_refuses_missing_dataset),
        cmocka_unit_test(test_refuses_misshapen_dataset),
        cmocka_unit_test(test_survives_damage),
        cmocka_unit_test(test_write_into_missing_directory),
        cmocka_unit_test(test_write_onto_full_disk),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
