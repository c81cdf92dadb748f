"""test_h5.py -- the HDF5 file of SPEC 5 as its readers see it.

tests/helpers/h5_fixture writes a small synthetic results file (S=3
strategies, P=9 percentiles, H=5 months, R=2 regions, K=3 regimes, D=6
drivers, optionally N=7 trials of samples) in which dataset number `tag`
holds tag*1e6 + 1000*i + 10*j + k + 0.125 at index (i, j, k) (fewer terms
for fewer dimensions; the tag table is LAYOUT below and the helper's
header). These tests walk the whole layout with h5py (every dataset, shape,
dtype, value, attached scale, hard-linked axis, attribute type), run
h5dump, and open the file and every group with the netCDF-C library, both
directly (netCDF4) and through xarray's "netcdf4" engine, which is what
notebooks use.
"""
import hashlib
import os
import re
import subprocess

import h5py
import netCDF4
import numpy as np
import pytest
import xarray as xr

BUILD = os.environ["MCRISK_BUILD"]
FIXTURE = os.path.join(BUILD, "tests", "helpers", "h5_fixture")

PERCENTILES = [1.0, 5.0, 10.0, 25.0, 50.0, 75.0, 90.0, 95.0, 99.0]
STRATEGIES = ["build_uk", "build_norway", "lease_hyperscaler"]
REGIONS = ["uk", "norway"]
REGIMES = ["normal", "tight", "shock"]
DRIVERS = ["energy_price_mean.uk", "energy_price_mean.norway", "chip_fill_mean",
           "build_uk.permit_months", "build_norway.permit_months",
           "lease_hyperscaler.onboarding_months"]
COMPONENTS = ["facility_capex", "gpu_capex", "energy", "opex", "lease", "shortfall",
              "residual"]
H, N = 5, 7
SCENARIO = ("version: 1\n# fixture: prix de l\u2019\u00e9nergie \u2014 \u20ac/MWh\n"
            "simulation: {trials: 7, seed: 18446744073709551615, horizon_months: 5}\n")

# results/names.c: units of every output, path and factor
OUTPUTS = {"cost_npv": "USD", "lcoc": "USD per GPU-hour", "months_to_90pct": "months",
           "shortfall_gpu_hours": "GPU-hours", "regret": "USD"}
PATHS = {"online_gpus": "GPUs", "monthly_cost": "USD"}
STATS = ["value", "ci_low", "ci_high", "mean", "sd", "min", "max", "sem", "cvar95", "cvar99"]


def axis_values(with_samples):
    axes = {"percentile": np.array(PERCENTILES), "month": np.arange(H, dtype=np.int64),
            "strategy": STRATEGIES, "versus": STRATEGIES, "region": REGIONS,
            "regime": REGIMES, "driver": DRIVERS, "component": COMPONENTS}
    if with_samples:
        axes["trial"] = np.arange(N, dtype=np.int64)
    return axes


def layout(with_samples):
    """(path, axis names of its dimensions, tag) for every data variable."""
    out = []
    for k, name in enumerate(OUTPUTS):
        for j, stat in enumerate(STATS):
            dims = ("strategy", "percentile") if j < 3 else ("strategy",)
            out.append((f"/outputs/{name}/{stat}", dims, 10 * k + j + 1))
    for k, name in enumerate(PATHS):
        out.append((f"/paths/{name}/value", ("strategy", "percentile", "month"), 60 + 10 * k))
        out.append((f"/paths/{name}/mean", ("strategy", "month"), 61 + 10 * k))
        out.append((f"/paths/{name}/sd", ("strategy", "month"), 62 + 10 * k))
    out += [
        ("/factors/energy_price/value", ("region", "percentile", "month"), 80),
        ("/factors/energy_price/mean", ("region", "month"), 81),
        ("/factors/energy_price/sd", ("region", "month"), 82),
        ("/factors/chip_fill/value", ("percentile", "month"), 90),
        ("/factors/chip_fill/mean", ("month",), 91),
        ("/factors/chip_fill/sd", ("month",), 92),
        ("/factors/chip_regime_share", ("regime", "month"), 100),
        ("/breakdown/mean_npv", ("strategy", "component"), 101),
        ("/comparison/p_best", ("strategy",), 102),
        ("/comparison/p_cheaper", ("strategy", "versus"), 103),
        ("/sensitivity/spearman", ("strategy", "driver"), 104),
    ]
    if with_samples:
        out += [(f"/samples/{name}", ("strategy", "trial"), 110 + k)
                for k, name in enumerate(OUTPUTS)]
    return out


def expected(tag, shape):
    """The helper's rule: tag*1e6 + 1000*i (+ j, or + 10*j + k) + 0.125."""
    idx = np.indices(shape, dtype=np.float64)
    v = tag * 1e6 + 1000.0 * idx[0] + 0.125
    if len(shape) == 2:
        v = v + idx[1]
    elif len(shape) == 3:
        v = v + 10.0 * idx[1] + idx[2]
    return v


def groups_of(with_samples):
    """Every group holding datasets -> the axes it must link."""
    groups = {}
    for path, dims, _ in layout(with_samples):
        groups.setdefault(path.rsplit("/", 1)[0], set()).update(dims)
    return groups


def write_fixture(path, *extra):
    subprocess.run([FIXTURE, str(path), *extra], check=True)
    return str(path)


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    return write_fixture(tmp_path_factory.mktemp("h5") / "plain.h5")


@pytest.fixture(scope="module")
def sampled(tmp_path_factory):
    return write_fixture(tmp_path_factory.mktemp("h5") / "samples.h5", "--samples")


def walk(group, prefix=""):
    """Every (path, dataset) reachable by a link: a hard-linked axis is
    listed under each of its names (h5py's visititems lists it once)."""
    for name, link in group.items():
        path = f"{prefix}/{name}"
        if isinstance(link, h5py.Group):
            yield from walk(link, path)
        else:
            yield path, link


def is_vlen_utf8(dtype):
    info = h5py.check_string_dtype(dtype)
    return info is not None and info.encoding == "utf-8" and info.length is None


# ---- h5py: the layout ------------------------------------------------------------

@pytest.mark.parametrize("with_samples", [False, True])
def test_every_dataset_has_its_shape_dtype_and_values(plain, sampled, with_samples):
    path = sampled if with_samples else plain
    axes = axis_values(with_samples)
    with h5py.File(path, "r") as f:
        for p, dims, tag in layout(with_samples):
            ds = f[p]
            shape = tuple(len(axes[d]) for d in dims)
            assert ds.shape == shape, p
            assert ds.dtype == np.dtype("<f8"), p
            assert np.array_equal(ds[()], expected(tag, shape)), p


@pytest.mark.parametrize("with_samples", [False, True])
def test_nothing_else_is_in_the_file(plain, sampled, with_samples):
    path = sampled if with_samples else plain
    want = {p for p, _, _ in layout(with_samples)} | {"/scenario"}
    want |= {f"/{a}" for a in axis_values(with_samples)}
    for g, axes in groups_of(with_samples).items():
        want |= {f"{g}/{a}" for a in axes}
    with h5py.File(path, "r") as f:
        assert {p for p, _ in walk(f)} == want


@pytest.mark.parametrize("with_samples", [False, True])
def test_axes_are_scales_with_their_values_and_types(plain, sampled, with_samples):
    path = sampled if with_samples else plain
    with h5py.File(path, "r") as f:
        for name, values in axis_values(with_samples).items():
            ds = f[name]
            assert h5py.h5ds.is_scale(ds.id), name
            assert ds.ndim == 1, name
            if isinstance(values, list):
                assert is_vlen_utf8(ds.dtype), name
                assert [v.decode() for v in ds[()]] == values, name
            else:
                assert ds.dtype == values.dtype.newbyteorder("<"), name
                assert np.array_equal(ds[()], values), name


@pytest.mark.parametrize("with_samples", [False, True])
def test_every_dimension_has_the_right_scale(plain, sampled, with_samples):
    path = sampled if with_samples else plain
    dims_of = {p: d for p, d, _ in layout(with_samples)}
    with h5py.File(path, "r") as f:
        for p, ds in walk(f):
            if h5py.h5ds.is_scale(ds.id) or ds.ndim == 0:
                continue
            for i, axis in enumerate(dims_of[p]):
                assert len(ds.dims[i]) == 1, f"{p} dimension {i}"
                assert ds.dims[i][0] == f[axis], f"{p} dimension {i} is not /{axis}"


@pytest.mark.parametrize("with_samples", [False, True])
def test_groups_hard_link_the_axes_they_use(plain, sampled, with_samples):
    path = sampled if with_samples else plain
    with h5py.File(path, "r") as f:
        for g, axes in groups_of(with_samples).items():
            for a in axes:
                assert isinstance(f[g].get(a, getlink=True), h5py.HardLink), f"{g}/{a}"
                assert f[f"{g}/{a}"] == f[a], f"{g}/{a} is not the object /{a}"


def test_root_attributes_have_the_types_of_spec_5(plain):
    ints = {"trials": N, "horizon_months": H, "threads": 2, "ranks": 1}
    strings = {"mcrisk_version": "1.0.0", "git_commit": "0123456789ab",
               "command_line": "mcrisk run fixture.yaml --save-samples"}
    with h5py.File(plain, "r") as f:
        a = f.attrs
        assert a.get_id("schema_version").dtype == np.dtype("<i8")
        assert a["schema_version"] == 1
        assert a.get_id("seed").dtype == np.dtype("<u8")
        assert int(a["seed"]) == 2**64 - 1
        for k, v in ints.items():
            assert a.get_id(k).dtype == np.dtype("<i8"), k
            assert a[k] == v, k
        for k in list(strings) + ["created_utc", "scenario_sha256"]:
            assert is_vlen_utf8(a.get_id(k).dtype), k
            assert a.get_id(k).shape == (), k
        for k, v in strings.items():
            assert a[k] == v, k
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a["created_utc"])
        assert a["scenario_sha256"] == hashlib.sha256(SCENARIO.encode()).hexdigest()


def test_scenario_is_the_text_as_a_scalar_utf8_string(plain):
    with h5py.File(plain, "r") as f:
        ds = f["scenario"]
        assert ds.shape == ()
        assert is_vlen_utf8(ds.dtype)
        text = ds[()].decode("utf-8")
        assert text == SCENARIO
        assert hashlib.sha256(text.encode()).hexdigest() == f.attrs["scenario_sha256"]


def test_every_output_path_and_factor_has_units_and_description(plain):
    units = {f"/outputs/{k}": v for k, v in OUTPUTS.items()}
    units.update({f"/paths/{k}": v for k, v in PATHS.items()})
    units.update({"/factors/energy_price": "USD/MWh", "/factors/chip_fill": "fraction",
                  "/factors/chip_regime_share": "fraction"})
    with h5py.File(plain, "r") as f:
        for p, u in units.items():
            for attr in ("units", "description"):
                assert is_vlen_utf8(f[p].attrs.get_id(attr).dtype), f"{p}@{attr}"
            assert f[p].attrs["units"] == u, p
            assert len(f[p].attrs["description"]) > 10, p
        for p, ds in walk(f):          # each variable carries its group's units
            if not h5py.h5ds.is_scale(ds.id) and p != "/scenario":
                assert "units" in ds.attrs and "description" in ds.attrs, p


def test_samples_are_chunked_rows_and_only_whole_months_compressed(sampled):
    with h5py.File(sampled, "r") as f:
        for name in OUTPUTS:
            ds = f[f"samples/{name}"]
            assert ds.chunks == (1, N), name
            packed = name == "months_to_90pct"
            assert ds.compression == ("gzip" if packed else None), name
            assert ds.shuffle == packed, name


def test_long_sample_rows_come_in_one_mebibyte_chunks(tmp_path):
    n = 200_000                 # > 2^17: two chunks per row, the second partial
    path = write_fixture(tmp_path / "long.h5", "--samples", str(n))
    with h5py.File(path, "r") as f:
        assert f["trial"].shape == (n,)
        assert f["trial"][-1] == n - 1
        for k, name in enumerate(OUTPUTS):
            ds = f[f"samples/{name}"]
            assert ds.shape == (3, n)
            assert ds.chunks == (1, 2**17)        # 2^17 float64 = 1 MiB
            assert np.array_equal(ds[2, -3:], expected(110 + k, (3, n))[2, -3:])


def test_h5dump_reads_the_header(sampled):
    r = subprocess.run(["h5dump", "-H", sampled], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert 'GROUP "samples"' in r.stdout and "DIMENSION_LIST" in r.stdout


# ---- netCDF-C and xarray -----------------------------------------------------------

@pytest.mark.parametrize("with_samples", [False, True])
def test_netcdf_opens_the_root_and_every_group(plain, sampled, with_samples):
    path = sampled if with_samples else plain
    axes = axis_values(with_samples)
    dims_of = {p: d for p, d, _ in layout(with_samples)}
    with netCDF4.Dataset(path) as nc:
        assert {k: len(v) for k, v in nc.dimensions.items()} == \
            {k: len(v) for k, v in axes.items()}
        for g, used in groups_of(with_samples).items():
            grp = nc[g]
            assert {k: len(v) for k, v in grp.dimensions.items()} == \
                {a: len(axes[a]) for a in used}, g
            for name, var in grp.variables.items():
                want = (name,) if name in axes else dims_of[f"{g}/{name}"]
                assert var.dimensions == want, f"{g}/{name}"


@pytest.mark.parametrize("with_samples", [False, True])
def test_xarray_gives_every_group_labelled_coordinates(plain, sampled, with_samples):
    path = sampled if with_samples else plain
    axes = axis_values(with_samples)
    dims_of = {p: d for p, d, _ in layout(with_samples)}
    for g in groups_of(with_samples):
        with xr.open_dataset(path, group=g.lstrip("/"), engine="netcdf4") as ds:
            for name, var in ds.data_vars.items():
                assert var.dims == dims_of[f"{g}/{name}"], f"{g}/{name}"
            for d in ds.dims:
                assert list(ds[d].values) == list(axes[d]), f"{g}: {d}"


def test_xarray_selects_by_label(plain):
    with xr.open_dataset(plain, group="outputs/cost_npv", engine="netcdf4") as ds:
        v = ds.value.sel(strategy="lease_hyperscaler", percentile=90)
        assert float(v) == 1e6 + 1000 * 2 + 6 + 0.125     # tag 1, s = 2, p = 6
        assert ds.attrs["units"] == "USD"
    with xr.open_dataset(plain, group="comparison", engine="netcdf4") as ds:
        v = ds.p_cheaper.sel(strategy="build_uk", versus="lease_hyperscaler")
        assert float(v) == 103e6 + 0 + 2 + 0.125
    with xr.open_dataset(plain, group="factors", engine="netcdf4") as ds:
        assert float(ds.chip_regime_share.sel(regime="shock", month=4)) == 100e6 + 2004.125


def test_xarray_opens_the_root(sampled):
    with xr.open_dataset(sampled, engine="netcdf4") as ds:
        assert ds.attrs["schema_version"] == 1
        assert str(ds.scenario.values) == SCENARIO
        assert list(ds.trial.values) == list(range(N))


def test_compression_measurement_backs_the_choice(tmp_path):
    """docs/hdf5.md: shuffle + gzip saves little on continuous samples and a
    lot on whole months. The sizes are deterministic (fixed seed), so a
    small run of the measurement checks the claim; times are not checked."""
    tool = os.path.join(BUILD, "tests", "helpers", "h5_compress")
    out = subprocess.run([tool, str(tmp_path), str(2**17)], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    ratio = {(w[0], w[1]): float(w[3]) for w in (line.split() for line in out[1:])}
    assert len(ratio) == 9
    assert all(ratio[(k, "none")] >= 1.0 for k in ("continuous", "integer", "zeros"))
    assert ratio[("continuous", "shuffle+gz1")] > 0.8
    assert ratio[("integer", "shuffle+gz1")] < 0.2
