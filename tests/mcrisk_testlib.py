"""Shared helpers for mcrisk's Python tests.

The binary under test is $MCRISK (set by the Makefile); helper programs live
in $MCRISK_BUILD/tests/helpers. Scenarios are written from a small template
so each test states only what it changes.
"""
import os
import subprocess
import textwrap

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.environ.get("MCRISK_BUILD", os.path.join(ROOT, "build"))
MCRISK = os.environ.get("MCRISK", os.path.join(BUILD, "mcrisk"))
SCENARIOS = os.path.join(ROOT, "inputs", "scenarios")


def run(*args, check=None, env=None, timeout=600, **kw):
    """Run mcrisk with args; return the CompletedProcess (text mode).
    check=N asserts the exit status is N and shows stderr when it is not."""
    e = dict(os.environ)
    if env:
        e.update(env)
    p = subprocess.run([MCRISK, *map(str, args)], capture_output=True, text=True,
                       env=e, timeout=timeout, **kw)
    if check is not None:
        assert p.returncode == check, (p.returncode, p.stdout, p.stderr)
    return p


BASE = """\
version: 1
simulation:
  trials: {trials}
  seed: {seed}
  horizon_months: {horizon}
  discount_rate: {discount_rate}
demand_gpus: {demand}
energy:
  regions:
{regions}
{correlation}
chips:
  regimes:
{regimes}
  transition: {transition}
  initial_regime: {initial_regime}
  spot_price_per_gpu_hour: {spot}
strategies:
{strategies}
"""


def region(name, price0=50.0, long_run=50.0, reversion=1.0, volatility=0.3,
           jump_rate=0.0, jump_mean=0.0, jump_sd=0.0):
    return (f"    - {{name: {name}, price0: {price0!r}, long_run: {long_run!r}, "
            f"reversion: {reversion!r}, volatility: {volatility!r}, jump_rate: {jump_rate!r}, "
            f"jump_mean: {jump_mean!r}, jump_sd: {jump_sd!r}}}")


def regime(name, fill_alpha=2.0, fill_beta=8.0, spot_multiplier=1.0):
    return (f"    - {{name: {name}, fill_alpha: {fill_alpha!r}, fill_beta: {fill_beta!r}, "
            f"spot_multiplier: {spot_multiplier!r}}}")


def dist(d):
    if isinstance(d, (int, float)):
        return f"{{dist: fixed, value: {d!r}}}"
    return "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"


def build(name, region="r0", gpus=1000, kw_per_gpu=1.7, pue=1.2, utilisation=0.8,
          capex_per_mw=12e6, gpu_unit_cost=40000.0, opex_per_mw_year=5e5,
          supply_priority=1.0, permit=6, construction=12, pause=None, **extra):
    s = (f"  - name: {name}\n    type: build\n    region: {region}\n    gpus: {gpus}\n"
         f"    kw_per_gpu: {kw_per_gpu!r}\n    pue: {pue!r}\n    utilisation: {utilisation!r}\n"
         f"    capex_per_mw: {capex_per_mw!r}\n    gpu_unit_cost: {gpu_unit_cost!r}\n"
         f"    opex_per_mw_year: {opex_per_mw_year!r}\n    supply_priority: {supply_priority!r}\n"
         f"    permit_months: {dist(permit)}\n    construction_months: {dist(construction)}\n")
    if pause is not None:
        s += f"    pause: {{probability: {pause[0]!r}, months: {dist(pause[1])}}}\n"
    for k, v in extra.items():
        s += f"    {k}: {v!r}\n"
    return s


def lease(name, gpus=1000, price_per_gpu_hour=2.5, supply_priority=1.0, onboarding=3, **extra):
    s = (f"  - name: {name}\n    type: lease\n    gpus: {gpus}\n"
         f"    price_per_gpu_hour: {price_per_gpu_hour!r}\n    supply_priority: {supply_priority!r}\n"
         f"    onboarding_months: {dist(onboarding)}\n")
    for k, v in extra.items():
        s += f"    {k}: {v!r}\n"
    return s


def scenario(tmp_path, name="s.yaml", trials=2000, seed=7, horizon=24, discount_rate=0.08,
             demand=1000, regions=None, correlation=None, regimes=None, transition=None,
             initial_regime=None, spot=4.0, strategies=None, extra=""):
    """Write a scenario file from the template; return its path."""
    regions = regions or [region("r0")]
    regimes = regimes or [regime("normal")]
    k = len(regimes)
    transition = transition or [[1.0 / k] * k for _ in range(k)]
    if initial_regime is None:
        initial_regime = regimes[0].split("name: ")[1].split(",")[0]
    strategies = strategies or [build("b0"), lease("l0")]
    corr = ""
    if correlation:
        corr = "  correlation:\n" + "\n".join(
            f"    - {{a: {a}, b: {b}, rho: {rho!r}}}" for a, b, rho in correlation)
    text = BASE.format(trials=trials, seed=seed, horizon=horizon, discount_rate=discount_rate,
                       demand=demand, regions="\n".join(regions), correlation=corr,
                       regimes="\n".join(regimes), transition=transition,
                       initial_regime=initial_regime, spot=spot,
                       strategies="".join(strategies)) + extra
    path = os.path.join(str(tmp_path), name)
    with open(path, "w") as f:
        f.write(text)
    return path


def rich_scenario(tmp_path, trials=5000, horizon=36, **kw):
    """Two correlated regions with jumps, a three-regime chain, a build with a
    random pause (a driver that is mostly 0: many ties), a build with fixed
    construction (a constant driver) and a lease with pass-through and
    escalation: every mechanism of the model in one small file."""
    return scenario(
        tmp_path, trials=trials, horizon=horizon,
        regions=[region("uk", 80.0, 70.0, 1.5, 0.5, 2.0, 0.1, 0.2),
                 region("tx", 40.0, 45.0, 0.8, 0.6, 1.0, 0.2, 0.3)],
        correlation=[("uk", "tx", 0.4)],
        regimes=[regime("normal", 3, 5, 1.0), regime("tight", 1, 6, 1.5),
                 regime("shock", 0.5, 10, 3.0)],
        transition=[[0.9, 0.08, 0.02], [0.2, 0.75, 0.05], [0.3, 0.3, 0.4]],
        initial_regime="tight",
        strategies=[build("b_uk", "uk", gpus=1000, permit={"dist": "pert", "min": 3, "mode": 6, "max": 18},
                          construction={"dist": "triangular", "min": 6, "mode": 9, "max": 20},
                          pause=(0.3, {"dist": "uniform", "min": 1, "max": 6}), supply_priority=0.8),
                    build("b_tx", "tx", gpus=1200, permit={"dist": "lognormal", "median": 5, "sigma": 0.4},
                          construction=8),
                    lease("l", gpus=1000, onboarding={"dist": "uniform", "min": 1, "max": 4},
                          supply_priority=0.9, escalation=0.03, energy_passthrough=0.3,
                          passthrough_region="uk")],
        **kw)


def numeric_datasets(path):
    """{name: array} of every numeric dataset in an HDF5 file."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "fiu":
                out[name] = obj[()]
        f.visititems(visit)
    return out


def assert_same_numbers(a, b):
    """Every numeric dataset of files a and b is bit-identical."""
    da, db = numeric_datasets(a), numeric_datasets(b)
    assert sorted(da) == sorted(db)
    for k in da:
        x, y = np.asarray(da[k]), np.asarray(db[k])
        assert x.shape == y.shape, k
        assert x.tobytes() == y.tobytes(), f"{k} differs"
