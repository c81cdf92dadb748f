"""Exact statistics (results/stats.c) against numpy 1.24 and scipy 1.10.

Percentiles must equal numpy.percentile (method 'linear') bit for bit; the
mean must equal math.fsum(x)/n bit for bit (exact sum, one division); CVaR
and the CI indices must equal a Python transcription of SPEC 2.7 exactly;
ranks must equal scipy.stats.rankdata exactly. Tolerances, where there are
any, bound the rounding of the *reference*: numpy's pairwise sums in mean
and std err by at most ~log2(n) * 2^-53 relative on data of one sign
(< 3e-15 for n <= 1e5), scipy's spearmanr (corrcoef on float ranks) by a
similar amount; 1e-12 leaves a wide margin and would still catch any wrong
formula.

Runs build/tests/helpers/stats_probe (MCRISK_BUILD names the build dir)."""
import math
import os
import zlib
import subprocess
import warnings

import numpy as np
import pytest
import scipy.stats

BUILD = os.environ.get("MCRISK_BUILD",
                       os.path.join(os.path.dirname(__file__), "..", "build"))
PROBE = os.path.join(BUILD, "tests", "helpers", "stats_probe")

DEFAULT_LEVELS = [1, 5, 10, 25, 50, 75, 90, 95, 99]
ODD_LEVELS = [0, 0.1, 33.3, 50, 99.9, 100]
SIZES = [1, 2, 3, 4, 5, 10, 47, 48, 49, 100, 101, 1000, 4097, 100000]


def run(args, x):
    x = np.ascontiguousarray(x, dtype="<f8")
    return subprocess.run([PROBE] + args, input=x.tobytes(), capture_output=True,
                          check=True).stdout.decode().split("\n")


def bits(v):
    return np.float64(v).tobytes()


def sample(kind, n, rng):
    if kind == "normal":
        return rng.normal(5.0, 1.0, n)
    if kind == "lognormal":
        return rng.lognormal(0.0, 2.0, n) * 1e6
    if kind == "ties":
        return rng.integers(-3, 4, n).astype(float) * 0.25
    if kind == "zeros":
        x = rng.exponential(1.0, n)
        x[rng.random(n) < 0.5] = 0.0
        return x
    return np.full(n, 2.75)                     # constant


def transcribed_ci(n, p):
    """SPEC 2.7: floor/ceil of nq -/+ 1.96 sqrt(nq(1-q)), clamped to [0, n-1]."""
    q = p / 100.0
    nq = n * q
    half = 1.96 * math.sqrt(nq * (1.0 - q))
    clamp = lambda v: 0 if v < 0 else n - 1 if v > n - 1 else v
    return clamp(math.floor(nq - half)), clamp(math.ceil(nq + half))


def transcribed_cvar(xs, a):
    """SPEC 2.7: mean of the largest k = ceil((100 - a) n / 100), in integers."""
    n = len(xs)
    k = -(-(100 - a) * n // 100)
    return k, math.fsum(xs[n - k:]) / k


@pytest.mark.parametrize("kind", ["normal", "lognormal", "ties", "zeros", "constant"])
@pytest.mark.parametrize("n", SIZES)
def test_percentiles_moments_ci(kind, n):
    rng = np.random.default_rng([zlib.crc32(kind.encode()), n])   # fixed seeds
    x = sample(kind, n, rng)
    levels = DEFAULT_LEVELS + ODD_LEVELS
    out = run(["stats"] + [repr(p) for p in levels], x)
    want = np.percentile(x, levels)
    xs = sorted(x.tolist())
    for line, p, w in zip(out, levels, want):
        name, value, lo, hi = line.split()
        assert float(name) == p
        assert bits(float.fromhex(value)) == bits(w), (p, value, w)
        assert (int(lo), int(hi)) == transcribed_ci(n, p)

    mom = out[len(levels)].split()
    assert mom[0] == "moments"
    mean, sd, mn, mx, sem, c95, c99 = (float.fromhex(v) for v in mom[1:])
    assert bits(mean) == bits(math.fsum(xs) / n)
    assert mean == pytest.approx(np.mean(x), rel=1e-12, abs=0)
    if n > 1:
        assert sd == pytest.approx(np.std(x, ddof=1), rel=1e-12, abs=1e-300)
    else:
        assert sd == 0.0 and sem == 0.0
    assert bits(sem) == bits(sd / math.sqrt(n))
    assert bits(mn) == bits(xs[0]) and bits(mx) == bits(xs[-1])
    k95, cvar95 = transcribed_cvar(xs, 95)
    k99, cvar99 = transcribed_cvar(xs, 99)
    assert bits(c95) == bits(cvar95) and bits(c99) == bits(cvar99)
    assert out[len(levels) + 1].split() == ["cvar_count", str(k95), str(k99)]


def test_percentiles_many_levels_bitwise():
    # Every 0.1 of a percent on a few awkward sizes, as one numpy call.
    rng = np.random.default_rng(2024)
    levels = [round(0.1 * i, 1) for i in range(1001)]
    for n in (7, 1000, 12345):
        x = rng.standard_normal(n) * 10.0 ** rng.integers(-5, 6, n)
        out = run(["stats"] + [repr(p) for p in levels], x)
        want = np.percentile(x, levels)
        for line, w in zip(out, want):
            assert bits(float.fromhex(line.split()[1])) == bits(w)


def test_sort_matches_numpy():
    rng = np.random.default_rng(5)
    u = rng.integers(0, 2**64, 30000, dtype=np.uint64)
    u = u[(u >> np.uint64(52) & np.uint64(0x7ff)) != 0x7ff]       # finite only
    x = u.view(np.float64)
    got = np.array([float.fromhex(v) for v in run(["sort"], x) if v])
    assert np.array_equal(got, np.sort(x))


@pytest.mark.parametrize("n", [1, 2, 3, 50, 1000, 50000])
def test_ranks_equal_rankdata(n):
    rng = np.random.default_rng(n)
    for x in (rng.standard_normal(n), rng.integers(0, max(2, n // 10), n).astype(float),
              np.where(rng.random(n) < 0.5, -0.0, 0.0), np.full(n, 4.0)):
        got = np.array([float.fromhex(v) for v in run(["ranks"], x) if v])
        assert np.array_equal(got, scipy.stats.rankdata(x))


@pytest.mark.parametrize("n", [2, 3, 10, 1000, 50000])
def test_spearman_equals_scipy(n):
    rng = np.random.default_rng(100 + n)
    a = rng.standard_normal(n)
    cases = [
        (a, a + rng.standard_normal(n)),                             # correlated
        (a, rng.integers(0, 5, n).astype(float)),                    # ties
        (rng.integers(0, 3, n).astype(float), -a ** 3),              # ties, reversed
        (a, rng.standard_normal(n)),                                 # independent
    ]
    for x, y in cases:
        got = float.fromhex(run(["spearman"], np.concatenate([x, y]))[0])
        with warnings.catch_warnings():         # scipy warns on a constant side
            warnings.simplefilter("ignore")
            want = scipy.stats.spearmanr(x, y).correlation
        if np.isnan(want):                      # scipy: a side is constant
            assert got == 0.0
        else:
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12)
    # A constant side gives 0, never NaN (scipy would give NaN).
    got = float.fromhex(run(["spearman"], np.concatenate([a, np.full(n, 3.0)]))[0])
    assert got == 0.0
