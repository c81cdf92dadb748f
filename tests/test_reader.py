"""test_reader.py -- python/mcrisk_results.py against h5py, numpy and xarray.

Runs of two shipped scenarios with --save-samples (small.yaml: default
levels, 2 strategies; everything.yaml: levels 0 0.5 2.5 50 97.5 99.5 100,
5 strategies, pauses and pass-through), a few thousand trials each, then:

- every reader call returns exactly what h5py reads from the file, with
  the file's axes as labels;
- through the reader, the stored statistics are those of the samples:
  numpy.percentile (numpy's default 'linear' method, which SPEC 2.7 says
  mcrisk matches to the last bit) equals every stored percentile exactly;
  min and max exactly; mean, sd (ddof=1), sem and cvar95/99 to 1e-12
  relative. Why 1e-12: mcrisk sums exactly (results/xsum), so its mean is
  the correctly rounded one; numpy's pairwise sum of n terms of one sign is
  within about log2(n) * 2^-53 relative (about 1.4e-15 for n = 3000), and
  the two-pass variance adds no more than a few ulps of that, so 1e-12
  leaves a margin of several hundred yet catches any wrong formula (ddof,
  k of the tail), which is off by far more than 1e-4;
- xarray opens the groups with labelled dimensions and .sel works;
- files that are not mcrisk schema-1 files raise MCriskFileError with
  mcrisk's one-line message.
"""
import math
import os
import shutil
import sys

import h5py
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from mcrisk_testlib import ROOT, SCENARIOS, run

sys.path.insert(0, os.path.join(ROOT, "python"))
from mcrisk_results import OUTPUTS, PATHS, MCriskFileError, Results  # noqa: E402

MOMENTS = ["mean", "sd", "min", "max", "sem", "cvar95", "cvar99"]
RTOL = 1e-12


@pytest.fixture(scope="module", params=["small", "everything"])
def sampled(request, tmp_path_factory):
    path = str(tmp_path_factory.mktemp(request.param) / f"{request.param}.h5")
    run("run", os.path.join(SCENARIOS, f"{request.param}.yaml"), "-o", path, "-n", 3000,
        "--save-samples", "--quiet", check=0)
    return path


@pytest.fixture(scope="module")
def r(sampled):
    with Results(sampled) as res:
        yield res


def raw(path, name):
    with h5py.File(path, "r") as f:
        obj = f[name]
        return obj.asstr()[()] if h5py.check_string_dtype(obj.dtype) else obj[()]


def same(a, b):
    """Bit-identical float arrays of one shape."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return a.shape == b.shape and a.tobytes() == b.tobytes()


# ---- the reader returns the file's values ------------------------------------------------

def test_axes_and_run_record(r, sampled):
    assert list(r.strategies) == list(raw(sampled, "strategy"))
    assert list(r.regions) == list(raw(sampled, "region"))
    assert list(r.regimes) == list(raw(sampled, "regime"))
    assert list(r.drivers) == list(raw(sampled, "driver"))
    assert list(r.components) == list(raw(sampled, "component"))
    assert same(r.levels, raw(sampled, "percentile"))
    assert list(r.months) == list(raw(sampled, "month"))
    assert r.scenario == raw(sampled, "scenario")
    with h5py.File(sampled, "r") as f:
        assert r.attrs.keys() == f.attrs.keys()
        for k, v in f.attrs.items():
            assert r.attrs[k] == v, k
    assert r.attrs["schema_version"] == 1 and r.has_samples


@pytest.mark.parametrize("name", OUTPUTS)
def test_outputs_equal_h5py(r, sampled, name):
    for stat in ("value", "ci_low", "ci_high"):
        df = r.percentiles(name, stat)
        assert list(df.index) == list(r.strategies) and same(df.columns, r.levels)
        assert same(df, raw(sampled, f"outputs/{name}/{stat}"))
    st = r.summary_stats(name)
    assert list(st.columns) == MOMENTS
    for m in MOMENTS:
        assert same(st[m], raw(sampled, f"outputs/{name}/{m}"))
    table = r.summary_table(name)
    assert same(table.iloc[:, :len(r.levels)], raw(sampled, f"outputs/{name}/value"))
    assert same(table["cvar95"], raw(sampled, f"outputs/{name}/cvar95"))
    s = r.samples(name)
    assert list(s.columns) == list(r.strategies)
    assert list(s.index) == list(raw(sampled, "trial"))
    assert same(s.T, raw(sampled, f"samples/{name}"))
    assert r.units(name) == h5py.File(sampled, "r")[f"outputs/{name}"].attrs["units"]


@pytest.mark.parametrize("name", PATHS)
def test_paths_equal_h5py(r, sampled, name):
    value = raw(sampled, f"paths/{name}/value")            # [S, P, H]
    df = r.paths(name)
    assert list(df.index) == list(r.months)
    for s, sn in enumerate(r.strategies):
        for p, lv in enumerate(r.levels):
            assert same(df[(sn, lv)], value[s, p])
    for stat in ("mean", "sd"):
        assert same(r.paths(name, stat).T, raw(sampled, f"paths/{name}/{stat}"))


def test_factors_equal_h5py(r, sampled):
    value = raw(sampled, "factors/energy_price/value")     # [R, P, H]
    df = r.energy_price()
    for i, rn in enumerate(r.regions):
        assert same(df[rn].T, value[i])
    assert same(r.energy_price("mean").T, raw(sampled, "factors/energy_price/mean"))
    assert same(r.energy_price("sd").T, raw(sampled, "factors/energy_price/sd"))
    assert same(r.chip_fill().T, raw(sampled, "factors/chip_fill/value"))
    assert same(r.chip_fill("mean"), raw(sampled, "factors/chip_fill/mean"))
    assert same(r.regime_share().T, raw(sampled, "factors/chip_regime_share"))
    assert r.units("energy_price") == "USD/MWh"


def test_comparison_sensitivity_breakdown_equal_h5py(r, sampled):
    c = r.comparison()
    assert same(c.p_best, raw(sampled, "comparison/p_best"))
    assert same(c.p_cheaper, raw(sampled, "comparison/p_cheaper"))
    assert list(c.p_cheaper.columns) == list(raw(sampled, "versus"))
    rho = r.sensitivity()
    assert same(rho, raw(sampled, "sensitivity/spearman"))
    assert list(rho.columns) == list(r.drivers)
    assert same(r.breakdown(), raw(sampled, "breakdown/mean_npv"))
    for s, sn in enumerate(r.strategies):
        top = r.top_drivers(sn, 3)
        row = raw(sampled, "sensitivity/spearman")[s]
        assert list(np.abs(top)) == sorted(np.abs(row), reverse=True)[:3]


# ---- the stored statistics are those of the samples ---------------------------------------

def close(a, b, scale):
    """|a - b| <= RTOL * |b|; when b is 0, relative to the data's scale."""
    return abs(a - b) <= RTOL * (abs(b) if b != 0 else scale)


@pytest.mark.parametrize("name", OUTPUTS)
def test_numpy_agrees_with_the_stored_statistics(r, name):
    samples, pct, st = r.samples(name), r.percentiles(name), r.summary_stats(name)
    lo, hi = r.percentiles(name, "ci_low"), r.percentiles(name, "ci_high")
    levels = pct.columns.to_numpy()
    for sn in r.strategies:
        x = samples[sn].to_numpy()
        n = x.size
        scale = float(np.max(np.abs(x))) or 1.0
        # numpy's default method, bit for bit (SPEC 2.7)
        assert same(np.percentile(x, levels), pct.loc[sn]), (name, sn)
        assert st.loc[sn, "min"] == x.min() and st.loc[sn, "max"] == x.max()
        sd = np.std(x, ddof=1)
        assert close(st.loc[sn, "mean"], np.mean(x), scale), (name, sn)
        assert close(st.loc[sn, "sd"], sd, scale), (name, sn)
        assert close(st.loc[sn, "sem"], sd / math.sqrt(n), scale), (name, sn)
        xs = np.sort(x)
        for a in (95, 99):
            k = -((-(100 - a) * n) // 100)          # ceil((100 - a) n / 100) in integers
            assert close(st.loc[sn, f"cvar{a}"], np.mean(xs[n - k:]), scale), (name, sn, a)
        # the order-statistic confidence interval of SPEC 2.7
        for p, lv in enumerate(levels):
            q = lv / 100
            half = 1.96 * math.sqrt(n * q * (1 - q))
            i_lo = min(max(math.floor(n * q - half), 0), n - 1)
            i_hi = min(max(math.ceil(n * q + half), 0), n - 1)
            assert lo.loc[sn].iloc[p] == xs[i_lo] and hi.loc[sn].iloc[p] == xs[i_hi]


# ---- xarray ---------------------------------------------------------------------------

def test_xarray_labels_the_outputs(r, sampled):
    ds = xr.open_dataset(sampled, group="outputs/cost_npv", engine="netcdf4")
    try:
        assert ds["value"].dims == ("strategy", "percentile")
        assert list(ds["strategy"].values) == list(r.strategies)
        assert same(ds["percentile"].values, r.levels)
        sn = r.strategies[-1]
        level = 97.5 if 97.5 in list(r.levels) else 90
        got = ds["value"].sel(strategy=sn, percentile=level).item()
        assert got == r.percentiles("cost_npv").loc[sn, level]
        assert same(ds["value"].to_pandas(), r.percentiles("cost_npv"))
        assert ds["mean"].dims == ("strategy",)
    finally:
        ds.close()


def test_xarray_through_the_reader(r):
    ds = r.dataset("paths/online_gpus")
    try:
        assert ds["value"].dims == ("strategy", "percentile", "month")
        sn = r.strategies[0]
        fan = ds["value"].sel(strategy=sn, percentile=50)
        assert same(fan.values, r.paths("online_gpus")[(sn, 50.0)])
    finally:
        ds.close()
    ds = r.dataset("sensitivity")
    try:
        assert ds["spearman"].dims == ("strategy", "driver")
        assert same(ds["spearman"].to_pandas(), r.sensitivity())
    finally:
        ds.close()


# ---- refusals -------------------------------------------------------------------------------

def test_files_that_are_not_mcrisk_schema_1_are_refused(tmp_path, sampled):
    text = tmp_path / "text.h5"
    text.write_text("hello\n")
    empty = tmp_path / "empty.h5"
    empty.write_bytes(b"")
    foreign = tmp_path / "foreign.h5"
    with h5py.File(foreign, "w") as f:
        f["x"] = 1.0
    schema2 = tmp_path / "schema2.h5"
    shutil.copy(sampled, schema2)
    with h5py.File(schema2, "a") as f:
        f.attrs["schema_version"] = np.int64(2)
    truncated = tmp_path / "truncated.h5"
    truncated.write_bytes(open(sampled, "rb").read()[:4096])
    cases = [(text, "not an HDF5 file"), (empty, "empty file"),
             (foreign, "not an mcrisk results file (no schema_version attribute)"),
             (schema2, "schema_version 2"), (truncated, "damaged or truncated"),
             (tmp_path / "missing.h5", "no such file"), (tmp_path, "is a directory")]
    for path, why in cases:
        with pytest.raises(MCriskFileError) as e:
            Results(path)
        msg = str(e.value)
        assert msg.startswith(f"{path}: error: ") and why in msg and "\n" not in msg, msg


def test_samples_of_a_run_without_them_say_how_to_get_them(tmp_path):
    path = str(tmp_path / "plain.h5")
    run("run", os.path.join(SCENARIOS, "small.yaml"), "-o", path, "-n", 500, "--quiet", check=0)
    with Results(path) as res:
        assert not res.has_samples
        with pytest.raises(KeyError, match="--save-samples"):
            res.samples("cost_npv")
        with pytest.raises(KeyError, match="not an output"):
            res.percentiles("online_gpus")
        assert isinstance(res.percentiles("regret"), pd.DataFrame)
