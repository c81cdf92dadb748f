/* h5common.h -- what the HDF5 writer and reader share.
 *
 * The HDF5 library prints its whole error stack to stderr by default, which
 * is noise to an analyst and hides the one line SPEC 4 wants. Both the
 * writer and the reader therefore switch that printing off (mcr_h5_quiet)
 * and, when a call fails, turn the library's error stack into a short
 * reason for the message: the innermost entry's description, or the
 * operating system's message when HDF5 quotes one ("No such file or
 * directory", "No space left on device").
 *
 * Also here: the string type of every mcrisk string (variable-length UTF-8,
 * SPEC 5) and the schema version both sides agree on.
 */
#ifndef MCR_H5COMMON_H
#define MCR_H5COMMON_H

#include <stddef.h>

#include <hdf5.h>

#define MCR_H5_SCHEMA_VERSION 1

/* Stop HDF5 printing its error stack, for the rest of the process: mcrisk
 * reports every failure itself, in one line. (Restoring the default
 * printer afterwards is not safe with HDF5 1.10.8: after a failed metadata
 * read it makes the library loop and complain when it shuts down at exit.)
 *
 * Also, when called before any other HDF5 call, keep the library from
 * shutting itself down at exit (H5dont_atexit). That shutdown walks every
 * identifier still registered, and a file whose final flush failed even
 * after h5write.c diverted it to scratch memory -- a file-size limit
 * (ulimit -f) applies to the scratch file too -- stays registered over freed
 * memory: the walk would crash the process after mcrisk had reported the
 * failure, turning exit status 1 into a SIGSEGV. Skipping the shutdown
 * costs nothing: every file is closed by then, and the memory goes back to
 * the system with the process. */
void mcr_h5_quiet(void);

/* Describe the most recent HDF5 failure of this thread in buf (at most n
 * bytes, NUL-terminated), then clear the error stack. Call it right after
 * the failing call: any further HDF5 call clears the stack. Returns buf. */
const char *mcr_h5_reason(char *buf, size_t n);

/* A new datatype for variable-length UTF-8 strings (close with H5Tclose),
 * or a negative id on failure. */
hid_t mcr_h5_string_type(void);

#endif /* MCR_H5COMMON_H */
