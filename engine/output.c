/* output.c -- preflight checks and atomic replacement of the output file.
 *
 * The temporary name starts with a dot so that a directory listing of
 * results does not show it, and carries mkstemp's random suffix so two runs
 * writing the same OUT never share a temporary file. rename(2) within one
 * directory is atomic: OUT is either the old file or the complete new one.
 */
#include "engine/output.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* dirname() of a copy; "." for a bare name. Caller frees. */
static char *dir_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    char *d = strdup(dirname(copy));
    free(copy);
    return d;
}

static char *base_of(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return NULL;
    char *b = strdup(basename(copy));
    free(copy);
    return b;
}

mcr_status_t mcr_output_check(const char *path, int force, mcr_err_t *err)
{
    struct stat st;
    if (!path[0])
        return mcr_fail(err, MCR_EINPUT, "mcrisk: error: -o: the output path is empty");
    size_t n = strlen(path);
    if (path[n - 1] == '/')
        return mcr_fail(err, MCR_EINPUT, "%s: error: is a directory, not a file name", path);
    char *dir = dir_of(path);
    if (!dir)
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory");
    mcr_status_t st_ret = MCR_OK;
    if (stat(dir, &st) != 0)
        st_ret = mcr_fail(err, MCR_EINPUT, "%s: error: output directory '%s' does not exist", path, dir);
    else if (!S_ISDIR(st.st_mode))
        st_ret = mcr_fail(err, MCR_EINPUT, "%s: error: '%s' is not a directory", path, dir);
    else if (access(dir, W_OK | X_OK) != 0)
        st_ret = mcr_fail(err, MCR_EINPUT, "%s: error: output directory '%s' is not writable (%s)",
                          path, dir, strerror(errno));
    free(dir);
    if (st_ret != MCR_OK)
        return st_ret;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return mcr_fail(err, MCR_EINPUT, "%s: error: is a directory", path);
        if (!force)
            return mcr_fail(err, MCR_EINPUT, "%s: error: exists (use --force to replace it)", path);
        if (!S_ISREG(st.st_mode))
            return mcr_fail(err, MCR_EINPUT, "%s: error: exists and is not a regular file", path);
    }
    return MCR_OK;
}

uint64_t mcr_output_free_bytes(const char *path)
{
    char *dir = dir_of(path);
    if (!dir)
        return 0;
    struct statvfs vfs;
    int rc = statvfs(dir, &vfs);
    free(dir);
    if (rc != 0)
        return 0;
    return (uint64_t)vfs.f_bavail * (uint64_t)vfs.f_frsize;
}

mcr_status_t mcr_output_begin(mcr_output_t *o, const char *path, mcr_err_t *err)
{
    o->final = strdup(path);
    o->tmp = NULL;
    char *dir = dir_of(path), *base = base_of(path);
    size_t len = (dir ? strlen(dir) : 0) + (base ? strlen(base) : 0) + 32;
    char *tmp = malloc(len);
    if (!o->final || !dir || !base || !tmp) {
        free(dir), free(base), free(tmp);
        return mcr_fail(err, MCR_ERUNTIME, "mcrisk: error: out of memory");
    }
    snprintf(tmp, len, "%s/.%s.tmp-XXXXXX", dir, base);
    free(dir), free(base);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return mcr_fail(err, MCR_ERUNTIME, "%s: error: cannot create a temporary file beside it (%s)",
                        path, strerror(e));
    }
    /* mkstemp makes the file 0600; results are for sharing, like any file
     * the user would create (0666 filtered by the umask). */
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    close(fd);
    o->tmp = tmp;
    return MCR_OK;
}

mcr_status_t mcr_output_commit(mcr_output_t *o, mcr_err_t *err)
{
    int fd = open(o->tmp, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return mcr_fail(err, MCR_ERUNTIME, "%s: error: cannot sync the written file (%s)",
                        o->final, strerror(e));
    }
    close(fd);
    if (rename(o->tmp, o->final) != 0)
        return mcr_fail(err, MCR_ERUNTIME, "%s: error: cannot rename the finished file into place (%s)",
                        o->final, strerror(errno));
    free(o->tmp);
    o->tmp = NULL;
    return MCR_OK;
}

void mcr_output_abort(mcr_output_t *o)
{
    if (o->tmp) {
        unlink(o->tmp);
        free(o->tmp);
        o->tmp = NULL;
    }
    free(o->final);
    o->final = NULL;
}
