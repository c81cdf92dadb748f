/* sha256.h -- SHA-256 (FIPS 180-4) of a byte string.
 *
 * The HDF5 output records the scenario file's SHA-256 (SPEC 5,
 * scenario_sha256) so a result can be tied to the exact bytes that produced
 * it. Streaming use: init, update any number of times, final.
 */
#ifndef MCR_SHA256_H
#define MCR_SHA256_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint32_t h[8];          /* chaining state */
    uint64_t nbytes;        /* bytes absorbed so far */
    uint8_t  buf[64];       /* the block being filled */
    size_t   nbuf;          /* bytes held in buf, < 64 */
} mcr_sha256_t;

void mcr_sha256_init(mcr_sha256_t *c);
void mcr_sha256_update(mcr_sha256_t *c, const void *data, size_t len);
void mcr_sha256_final(mcr_sha256_t *c, uint8_t digest[32]);

/* One call: the digest of data[0 .. len) as 64 lower-case hex digits and a
 * NUL in hex[65]. */
void mcr_sha256_hex(const void *data, size_t len, char hex[65]);

#endif /* MCR_SHA256_H */
