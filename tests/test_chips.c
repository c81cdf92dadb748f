/* test_chips.c -- the chip market path and the outstanding-order rule (SPEC 2.2).
 *
 * Regimes. The 3-state chain
 *
 *         [0.9 0.1 0  ]
 *     P = [0.2 0.7 0.1]
 *         [0   0.5 0.5]
 *
 * is a birth-death chain, so its stationary distribution satisfies detailed
 * balance: pi_0 0.1 = pi_1 0.2 and pi_1 0.1 = pi_2 0.5, i.e. pi_1 = pi_0/2,
 * pi_2 = pi_1/5 = pi_0/10; with pi_0 (1 + 1/2 + 1/10) = 1:
 *
 *     pi = (5/8, 5/16, 1/16).
 *
 * Its other eigenvalues are (1.2 +- sqrt(0.2))/2 = 0.756 and 0.344, so from
 * any start the distribution at month 59 is within 0.756^59 < 1e-7 of pi:
 * far below the sampling error. The chain starts in regime 2.
 * Regime fills Beta(8, 2), Beta(3, 3), Beta(1, 4) have means 0.8, 0.5, 0.2,
 * so at a late month E[F] = sum_k pi_k a_k/(a_k+b_k) = 0.5 + 0.15625 + 0.0125
 * = 0.66875, and Var[F] = sum_k pi_k (v_k + m_k^2) - E[F]^2 with
 * v_k = a b / ((a+b)^2 (a+b+1)).
 *
 * Tolerances from N: a regime share within 5 binomial SEs sqrt(pi(1-pi)/N),
 * the fill mean within 5 SEs sqrt(Var[F]/N). Fixed seeds.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "fixture_model.h"
#include "kernels/chips.h"

#define N 20000
#define H 60

static mcr_model_t chain_model(void)
{
    static const double P[9] = {0.9, 0.1, 0, 0.2, 0.7, 0.1, 0, 0.5, 0.5};
    static const double a[3] = {8, 3, 1}, b[3] = {2, 3, 4}, mult[3] = {1, 1.5, 3};
    mcr_model_t m = fx_model(H, 1, 3, 1);
    for (int i = 0; i < 9; i++)
        m.transition[i] = P[i];
    for (int k = 0; k < 3; k++) {
        m.regime[k].fill_alpha = a[k];
        m.regime[k].fill_beta = b[k];
        m.regime[k].spot_multiplier = mult[k];
    }
    m.initial_regime = 2;
    m.spot_price = 4;
    return m;
}

/* Regime shares and fill mean at month H-1 against pi; month 1 against the
 * initial regime's row (a probability-0 move never happens). */
static void test_stationary(void **state)
{
    static const double pi[3] = {5.0 / 8, 5.0 / 16, 1.0 / 16};
    mcr_model_t m = chain_model();
    assert_true(fx_prepare(&m));
    int regime[H], late[3] = {0, 0, 0}, first[3] = {0, 0, 0};
    double fill[H], fsum = 0;
    mcr_rng_t rng;
    mcr_pcg_set(&rng, MCR_U128(0x9e3779b97f4a7c15ULL, 0xf39cc0605cedc834ULL), MCR_U128(0, 0x1082276bf3a27251ULL));
    for (int i = 0; i < N; i++) {
        double mean = mcr_chips_sample(&rng, &m, regime, fill);
        double s = 0;
        for (int t = 0; t < H; t++) {
            assert_true(fill[t] >= 0 && fill[t] <= 1);
            s += fill[t];
        }
        assert_true(mean == s / H);
        assert_int_equal(regime[0], 2);
        late[regime[H - 1]]++;
        first[regime[1]]++;
        fsum += fill[H - 1];
    }
    for (int k = 0; k < 3; k++) {
        double share = (double)late[k] / N, se = sqrt(pi[k] * (1 - pi[k]) / N);
        if (fabs(share - pi[k]) > 5 * se)
            fail_msg("regime %d share at month %d: %.4f, stationary %.4f (5 SE = %.4f)",
                     k, H - 1, share, pi[k], 5 * se);
    }
    /* from regime 2, month 1 is regime 1 or 2 with probability 1/2 each */
    assert_int_equal(first[0], 0);
    double se1 = sqrt(0.25 / N);
    assert_true(fabs((double)first[1] / N - 0.5) <= 5 * se1);

    double ef = 0, ef2 = 0;
    for (int k = 0; k < 3; k++) {
        double a = m.regime[k].fill_alpha, b = m.regime[k].fill_beta;
        double mk = a / (a + b), vk = a * b / ((a + b) * (a + b) * (a + b + 1));
        ef += pi[k] * mk;
        ef2 += pi[k] * (vk + mk * mk);
    }
    assert_true(fabs(ef - 0.66875) < 1e-15);
    double se = sqrt((ef2 - ef * ef) / N), got = fsum / N;
    if (fabs(got - ef) > 5 * se)
        fail_msg("fill mean at month %d: %.5f, want %.5f (5 SE = %.5f)", H - 1, got, ef, 5 * se);
    mcr_model_free(&m);
}

/* spot_t = spot_price * spot_multiplier[S_t]; the kernels read it per GPU-month. */
static void test_spot(void **state)
{
    mcr_model_t m = chain_model();
    assert_true(fx_prepare(&m));
    assert_true(m.regime[0].spot_month == 100 * 4 * 1.0);
    assert_true(m.regime[1].spot_month == 100 * 4 * 1.5);
    assert_true(m.regime[2].spot_month == 100 * 4 * 3.0);
    mcr_model_free(&m);
}

/* Outstanding-order rule: after the order is placed at month S, the share
 * delivered by the end of month t is 1 - prod_{u=S}^{t} (1 - p F_u); nothing
 * before S; never more than the order. Checked on random fill paths. */
static void test_outstanding_order(void **state)
{
    mcr_model_t m = chain_model();
    assert_true(fx_prepare(&m));
    int regime[H];
    double fill[H], cum[H];
    mcr_rng_t rng;
    mcr_pcg_set(&rng, MCR_U128(0, 7), MCR_U128(0, 0x5851f42d4c957f2dULL));
    for (int i = 0; i < 200; i++) {
        mcr_chips_sample(&rng, &m, regime, fill);
        int start = i % (H + 2);   /* includes start = H and H + 1: nothing delivered */
        double p = 0.3 + 0.7 * (i % 5) / 4.0, order = 1000 + i;
        mcr_chips_deliveries(fill, H, start, p, order, cum);
        double keep = 1;
        for (int t = 0; t < H; t++) {
            if (t < start) {
                assert_true(cum[t] == 0);
                continue;
            }
            keep *= 1 - p * fill[t];
            double want = order * (1 - keep);
            assert_true(fabs(cum[t] - want) <= 1e-12 * order);
            assert_true(cum[t] <= order && (t == 0 || cum[t] >= cum[t - 1]));
        }
    }
    /* one step by hand: 40% of 500 outstanding at priority 0.5, fill 0.8 */
    double outstanding = 500;
    assert_true(mcr_chips_deliver(&outstanding, 0.5, 0.8) == 200);
    assert_true(outstanding == 300);
    mcr_model_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stationary),
        cmocka_unit_test(test_spot),
        cmocka_unit_test(test_outstanding_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
