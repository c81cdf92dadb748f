/* fuzz_h5read.c -- libFuzzer harness for the results-file reader (issue 7).
 *
 * `mcrisk summary`, `mcrisk plot` and `run --from` all read results files
 * through mcr_h5_read(), and users hand them whatever file they have. This
 * feeds arbitrary bytes to it, as a file (HDF5 reads by path, and wants
 * a real one: the bytes go into a temporary file in /dev/shm), under
 * AddressSanitizer and UndefinedBehaviorSanitizer, and aborts (a crash
 * libFuzzer records) when the reader's contract (results/h5read.h) is
 * broken:
 *
 *   - refused: MCR_EINPUT with one line "PATH: error: what" of printable
 *     text, or MCR_ERUNTIME for memory; *f left empty;
 *   - accepted: the axes are non-empty and consistent with the run record,
 *     every string the caller will print is there, and the scenario text is
 *     as long as recorded;
 *   - either way, no HDF5 object is left open afterwards.
 *
 * HDF5 itself is not instrumented, so a read out of bounds inside the
 * library shows only if it faults; our side of every call is checked. The
 * seeds are small results files written by mcrisk (see the Makefile's
 * `fuzz-h5` target); LeakSanitizer runs with tests/suppressions/lsan.supp,
 * since HDF5 leaks after damaged metadata (docs/hdf5.md).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "results/h5read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond) do { if (!(cond)) { \
        fprintf(stderr, "fuzz_h5read: contract broken: %s (line %d)\n", #cond, __LINE__); \
        abort(); } } while (0)

/* The file every input is written to (in memory where /dev/shm exists),
 * and its path; removed at exit. */
static int fd = -1;
static char path[64];

static void remove_input(void)
{
    unlink(path);
}

static void write_input(const uint8_t *data, size_t size)
{
    if (fd < 0) {
        snprintf(path, sizeof path, "/dev/shm/fuzz_h5read-XXXXXX");
        fd = mkstemp(path);
        if (fd < 0) {
            snprintf(path, sizeof path, "/tmp/fuzz_h5read-XXXXXX");
            fd = mkstemp(path);
        }
        REQUIRE(fd >= 0);
        atexit(remove_input);
    }
    REQUIRE(ftruncate(fd, 0) == 0);
    for (size_t done = 0; done < size;) {
        ssize_t n = pwrite(fd, data + done, size - done, (off_t)done);
        REQUIRE(n > 0);
        done += (size_t)n;
    }
}

static void check_refusal(mcr_status_t st, const mcr_err_t *err)
{
    REQUIRE(st == MCR_EINPUT || st == MCR_ERUNTIME);
    size_t n = strlen(path);
    REQUIRE(strncmp(err->msg, path, n) == 0 && strncmp(err->msg + n, ": error: ", 9) == 0);
    for (const char *c = err->msg; *c; c++)
        REQUIRE((unsigned char)*c >= 0x20 && (unsigned char)*c < 0x7f);
}

static void check_accepted(const mcr_h5_file_t *f)
{
    const mcr_results_t *r = &f->res;
    REQUIRE(r->S >= 1 && r->P >= 1 && r->H >= 1 && r->R >= 1 && r->K >= 1 && r->D >= 1);
    REQUIRE(r->N >= 1 && r->run.trials == r->N && r->run.horizon_months == r->H);
    REQUIRE(r->run.threads >= 1 && r->run.ranks >= 1);
    REQUIRE(f->scenario_text && strlen(f->scenario_text) == r->run.scenario_len);
    REQUIRE(f->mcrisk_version && f->git_commit && f->created_utc && f->command_line
            && f->scenario_sha256);
    for (int s = 0; s < r->S; s++)
        REQUIRE(r->strategy[s]);
    for (int i = 0; i < r->R; i++)
        REQUIRE(r->region[i]);
    for (int k = 0; k < r->K; k++)
        REQUIRE(r->regime[k]);
    for (int d = 0; d < r->D; d++)
        REQUIRE(r->driver[d]);
    REQUIRE(!f->has_samples || f->samples);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    write_input(data, size);
    mcr_h5_file_t f;
    mcr_err_t err = {{0}};
    mcr_status_t st = mcr_h5_read(path, MCR_H5_READ_SAMPLES, &f, &err);
    if (st == MCR_OK)
        check_accepted(&f);
    else
        check_refusal(st, &err);
    mcr_h5_file_free(&f);
    REQUIRE(H5Fget_obj_count((hid_t)H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
    return 0;
}
