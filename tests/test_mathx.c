/* test_mathx.c -- mcr_exp's constants and special cases.
 *
 * Accuracy against the exact exponential is tests/test_mathx.py (mpmath);
 * here: the literals in mathx.h are the generated constants of exp_table.c,
 * the table is 2^(j/128) (against exp2, within one ulp), and results at
 * the reduction points agree with libm's exp.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "kernels/mathx.h"

static void test_literals_match_generated(void **state)
{
    (void)state;
    assert_true(MCR_EXP_LN2N_HI == mcr_exp_ln2n_hi);
    assert_true(MCR_EXP_LN2N_LO == mcr_exp_ln2n_lo);
    assert_true(MCR_EXP_INV_LN2N == mcr_exp_inv_ln2n);
    /* hi has 35 significant bits: k * hi is exact for |k| < 2^18 */
    double m = frexp(MCR_EXP_LN2N_HI, &(int){0}) * 34359738368.0;   /* 2^35 */
    assert_true(m == floor(m));
}

static void test_table(void **state)
{
    (void)state;
    for (int j = 0; j < MCR_EXP_N; j++) {
        double want = exp2((double)j / MCR_EXP_N);
        assert_true(fabs(mcr_exp_table[j] - want) <= nextafter(want, INFINITY) - want);
    }
    assert_true(mcr_exp_table[0] == 1.0);
}

static void test_exact_points(void **state)
{
    (void)state;
    assert_true(mcr_exp(0.0) == 1.0);
    assert_true(mcr_exp(-0.0) == 1.0);
    /* at and halfway between the reduction points k ln2/128, where the
     * table index and the scale change: within 2 ulp of libm's exp (each is
     * within 1 ulp of the exact value) */
    for (int k = -130000; k <= 130000; k += 7) {
        for (int h = 0; h < 2; h++) {
            double x = (k + 0.5 * h) * (log(2.0) / 128), y = mcr_exp(x), want = exp(x);
            assert_true(fabs(y - want) <= 2 * (nextafter(want, INFINITY) - want));
        }
    }
    assert_true(isinf(mcr_exp(710.0)));
    assert_true(mcr_exp(-746.0) == 0.0);
    assert_true(isnan(mcr_exp(NAN)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_literals_match_generated),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_exact_points),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
