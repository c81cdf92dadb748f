"""Exact sums (results/xsum.c) against math.fsum, which CPython documents as
correctly rounded (Shewchuk's algorithm): the two must agree bit for bit.

Runs build/tests/helpers/stats_probe (MCRISK_BUILD names the build dir)."""
import math
import os
import subprocess

import numpy as np
import pytest

BUILD = os.environ.get("MCRISK_BUILD",
                       os.path.join(os.path.dirname(__file__), "..", "build"))
PROBE = os.path.join(BUILD, "tests", "helpers", "stats_probe")


def probe_sum(x):
    x = np.ascontiguousarray(x, dtype="<f8")
    out = subprocess.run([PROBE, "sum"], input=x.tobytes(), capture_output=True,
                         check=True).stdout.decode()
    return float.fromhex(out.strip())


def wide_doubles(rng, n, emin, emax):
    """n doubles with random signs, significands and exponents in [emin, emax]."""
    m = 1.0 + rng.random(n)
    e = rng.integers(emin, emax + 1, n)
    s = np.where(rng.random(n) < 0.5, -1.0, 1.0)
    return s * np.ldexp(m, e)


def same(a, b):
    return np.float64(a).tobytes() == np.float64(b).tobytes()


@pytest.mark.parametrize("n", [1, 2, 3, 10, 100, 1000, 30000])
@pytest.mark.parametrize("emin,emax", [(-1074, 1010), (-30, 30), (-1074, -1000), (0, 0)])
def test_random_against_fsum(n, emin, emax):
    rng = np.random.default_rng([n, emin + 1074, emax + 1074])
    x = wide_doubles(rng, n, emin, emax)
    assert same(probe_sum(x), math.fsum(x))


def test_cancellation_against_fsum():
    # x, its negation shuffled, and a few tiny terms: the exact sum is the
    # sum of the tiny terms alone, which plain summation loses entirely.
    rng = np.random.default_rng(42)
    x = wide_doubles(rng, 5000, -50, 900)
    tiny = wide_doubles(rng, 7, -1074, -1060)
    y = np.concatenate([x, -x, tiny])
    rng.shuffle(y)
    want = math.fsum(tiny)
    assert want != 0.0
    assert same(probe_sum(y), want)
    assert same(math.fsum(y), want)
    assert not same(float(np.sum(y)), want)     # the case is hard for doubles


def test_tenths_and_negatives():
    for k in (10, 1000, 12345):
        assert same(probe_sum(np.full(k, 0.1)), math.fsum([0.1] * k))
        assert same(probe_sum(np.full(k, -0.1)), math.fsum([-0.1] * k))


def test_order_independent():
    rng = np.random.default_rng(7)
    x = wide_doubles(rng, 20000, -1074, 1000)
    want = probe_sum(x)
    for _ in range(3):
        rng.shuffle(x)
        assert same(probe_sum(x), want)
    assert same(want, math.fsum(x))
