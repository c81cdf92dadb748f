"""mcr_exp (kernels/mathx.h) against the exact exponential (mpmath, 40 digits).

Claim under test: every result is within 1 ulp of e^x (faithfully rounded),
and the special values follow libm (overflow to inf, underflow to 0, NaN).
"""
import math
import os
import subprocess

import mpmath as mp
import numpy as np

BUILD = os.environ.get("MCRISK_BUILD", "build")


def mcr_exp(x):
    x = np.asarray(x, dtype="<f8")
    out = subprocess.run([os.path.join(BUILD, "tests", "helpers", "mathx_probe")],
                         input=x.tobytes(), capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype="<f8")


def test_within_one_ulp_of_exact():
    mp.mp.dps = 40
    rng = np.random.default_rng(20261127)
    x = np.concatenate([rng.uniform(-707.9, 707.9, 20000), rng.uniform(-2, 2, 20000),
                        rng.uniform(-1e-3, 1e-3, 5000),
                        # table and reduction edges: multiples of ln2/128 and halfway points
                        np.arange(-5000, 5000) * (math.log(2) / 128),
                        (np.arange(-5000, 5000) + 0.5) * (math.log(2) / 128)])
    y = mcr_exp(x)
    worst = 0.0
    for xi, yi in zip(x, y):
        exact = mp.exp(mp.mpf(float(xi)))
        err = float(abs(mp.mpf(float(yi)) - exact) / math.ulp(float(exact)))
        worst = max(worst, err)
    assert worst < 1.0, worst


def test_special_values():
    x = [0.0, -0.0, 1e-300, -1e-300, 709.7, 710.0, -745.2, -800.0, math.inf, -math.inf]
    y = mcr_exp(x)
    assert y[0] == 1.0 and y[1] == 1.0 and y[2] == 1.0 and y[3] == 1.0
    assert y[4] == math.exp(709.7)          # libm's range
    assert y[5] == math.inf and y[8] == math.inf
    assert y[6] == 0.0 and y[7] == 0.0 and y[9] == 0.0
    assert math.isnan(mcr_exp([math.nan])[0])
