/* test_sha256.c -- inputs/sha256.c against the FIPS 180 example vectors.
 *
 * Known answers: NIST, "SHA-256 example" (csrc.nist.gov, Cryptographic
 * Standards and Guidelines, examples with intermediate values: SHA256.pdf)
 * for "abc" and the 448-bit two-block message; FIPS 180-2 appendix B.3 for
 * one million 'a'; the empty string's digest is the one every
 * implementation (hashlib.sha256(b"")) gives. tests/test_sha256.py compares
 * many more inputs with Python's hashlib.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "inputs/sha256.h"

static void hex_of(const char *msg, size_t len, char hex[65])
{
    mcr_sha256_hex(msg, len, hex);
}

static void test_fips_vectors(void **state)
{
    (void)state;
    char hex[65];
    hex_of("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hex_of(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    hex_of("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_million_a(void **state)
{
    (void)state;
    size_t n = 1000000;
    char *a = malloc(n);
    assert_non_null(a);
    memset(a, 'a', n);
    char hex[65];
    hex_of(a, n, hex);
    assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    free(a);
}

/* Feeding the same bytes in pieces of every size from 1 to 130 (across block
 * boundaries and the 55/56/64-byte padding cases) gives the one-call digest. */
static void test_streaming_matches_one_call(void **state)
{
    (void)state;
    unsigned char msg[300];
    for (size_t i = 0; i < sizeof msg; i++)
        msg[i] = (unsigned char)(i * 131 + 7);
    for (size_t len = 0; len <= sizeof msg; len += 1) {
        char want[65];
        mcr_sha256_hex(msg, len, want);
        for (size_t piece = 1; piece <= 130; piece += 43) {
            mcr_sha256_t c;
            uint8_t d[32];
            char got[65];
            mcr_sha256_init(&c);
            for (size_t o = 0; o < len; o += piece)
                mcr_sha256_update(&c, msg + o, len - o < piece ? len - o : piece);
            mcr_sha256_final(&c, d);
            for (int i = 0; i < 32; i++)
                snprintf(got + 2 * i, 3, "%02x", d[i]);
            assert_string_equal(got, want);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fips_vectors),
        cmocka_unit_test(test_million_a),
        cmocka_unit_test(test_streaming_matches_one_call),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
