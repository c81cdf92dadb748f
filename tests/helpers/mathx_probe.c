/* mathx_probe.c -- apply mcr_exp to little-endian doubles from stdin.
 *
 *   mathx_probe < x.bin > y.bin
 *
 * For tests/test_mathx.py, which checks every result against the exact value
 * computed by mpmath.
 */
#include <stdio.h>

#include "kernels/mathx.h"

int main(void)
{
    double buf[4096];
    size_t n;
    while ((n = fread(buf, sizeof(double), 4096, stdin)) > 0) {
        for (size_t i = 0; i < n; i++)
            buf[i] = mcr_exp(buf[i]);
        if (fwrite(buf, sizeof(double), n, stdout) != n)
            return 1;
    }
    return ferror(stdin) ? 1 : 0;
}
