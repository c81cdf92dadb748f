/* sha256_hex.c -- print the SHA-256 of stdin in hex, for tests/test_sha256.py
 * to compare with Python's hashlib. */
#include <stdio.h>

#include "inputs/sha256.h"

int main(void)
{
    mcr_sha256_t c;
    unsigned char buf[4096], d[32];
    size_t n;
    mcr_sha256_init(&c);
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        mcr_sha256_update(&c, buf, n);
    if (ferror(stdin)) {
        perror("sha256_hex: stdin");
        return 1;
    }
    mcr_sha256_final(&c, d);
    for (int i = 0; i < 32; i++)
        printf("%02x", d[i]);
    printf("\n");
    return 0;
}
