/* h5_compress.c -- measure shuffle+gzip against no filter for sample rows.
 *
 *   h5_compress DIR [DOUBLES]
 *
 * The measurement behind the choice in docs/hdf5.md ("Compression"): writes
 * DOUBLES values (default 2^22 = 32 MiB) of three kinds of per-trial data
 * into DIR/compress-*.h5 in the chunk shape the writer uses for
 * /samples/<output> (rows of 2^17 doubles = 1 MiB), once per filter setting,
 * and prints one line per (data, filter): bytes on disk, the ratio to the raw
 * size, and the best of three wall-clock times for create + write + close.
 * The kinds are
 *
 *   continuous  lognormal costs around 1e10 (cost_npv, lcoc): random mantissas
 *   integer     whole months 0..60 stored as float64 (months_to_90pct)
 *   zeros       a third exact zeros, the rest continuous (regret)
 *
 * drawn from splitmix64 (Steele, Lea & Flood 2014) with a fixed seed, so the
 * sizes are reproducible; the times depend on the machine.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <hdf5.h>

#define CHUNK ((hsize_t)1 << 17)

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* Uniform on (0, 1): 53 random bits, never 0. */
static double uniform(uint64_t *x)
{
    return ((double)(splitmix64(x) >> 11) + 0.5) * 0x1.0p-53;
}

static double normal(uint64_t *x)
{
    return sqrt(-2.0 * log(uniform(x))) * cos(6.283185307179586 * uniform(x));
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Write data[0..n-1] as one chunked dataset to path with the given filter
 * (0 none, else shuffle + deflate at that level). Returns the seconds taken
 * and the file size in *bytes, or a negative time on failure. */
static double write_once(const char *path, const double *data, hsize_t n, int level,
                         long long *bytes)
{
    double t0 = now();
    hsize_t chunk = n < CHUNK ? n : CHUNK;
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t space = H5Screate_simple(1, &n, NULL);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    int ok = f >= 0 && space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, 1, &chunk) >= 0;
    if (ok && level)
        ok = H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, (unsigned)level) >= 0;
    hid_t ds = ok ? H5Dcreate2(f, "x", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl,
                               H5P_DEFAULT) : -1;
    ok = ds >= 0 && H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0;
    if (ds >= 0)
        H5Dclose(ds);
    if (dcpl >= 0)
        H5Pclose(dcpl);
    if (space >= 0)
        H5Sclose(space);
    hsize_t size = 0;
    if (f >= 0) {
        ok = ok && H5Fflush(f, H5F_SCOPE_GLOBAL) >= 0 && H5Fget_filesize(f, &size) >= 0;
        ok = H5Fclose(f) >= 0 && ok;
    }
    *bytes = (long long)size;
    return ok ? now() - t0 : -1.0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: h5_compress DIR [DOUBLES]\n");
        return 2;
    }
    hsize_t n = argc == 3 ? (hsize_t)strtoull(argv[2], NULL, 10) : (hsize_t)1 << 22;
    double *data = malloc(n * sizeof *data);
    if (!data || n == 0) {
        fprintf(stderr, "h5_compress: bad size or out of memory\n");
        return 1;
    }
    static const char *const kind[] = {"continuous", "integer", "zeros"};
    static const int level[] = {0, 1, 4};
    printf("%-10s %-12s %12s %7s %9s %9s\n", "data", "filter", "bytes", "ratio", "seconds",
           "MB/s");
    for (int k = 0; k < 3; k++) {
        uint64_t seed = 2026;
        for (hsize_t i = 0; i < n; i++) {
            double z = normal(&seed);
            data[i] = k == 0 ? 1e10 * exp(0.3 * z)
                    : k == 1 ? floor(60.0 * uniform(&seed))
                    : (i % 3 == 0 ? 0.0 : 1e9 * exp(0.5 * z));
        }
        for (int l = 0; l < 3; l++) {
            char path[4096], filter[16];
            snprintf(path, sizeof path, "%s/compress-%s-%d.h5", argv[1], kind[k], level[l]);
            snprintf(filter, sizeof filter, level[l] ? "shuffle+gz%d" : "none", level[l]);
            double best = -1.0;
            long long bytes = 0;
            for (int rep = 0; rep < 3; rep++) {
                double t = write_once(path, data, n, level[l], &bytes);
                if (t < 0) {
                    fprintf(stderr, "h5_compress: writing %s failed\n", path);
                    return 1;
                }
                best = best < 0 || t < best ? t : best;
            }
            remove(path);
            printf("%-10s %-12s %12lld %7.3f %9.4f %9.1f\n", kind[k], filter, bytes,
                   (double)bytes / (8.0 * (double)n), best, 8e-6 * (double)n / best);
        }
    }
    free(data);
    return 0;
}
