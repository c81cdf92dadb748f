"""mcrisk_results -- read an mcrisk results file into pandas.

A thin layer over h5py for notebooks and scripts: it opens a file written by
``mcrisk run`` (SPEC 5, docs/hdf5.md), checks that it is an mcrisk file of
schema 1, and hands back the stored numbers as pandas objects labelled with
the file's own axes (strategy, percentile, month, region, driver, ...).
Nothing is recomputed: every value is the file's value, as h5py reads it.

    from mcrisk_results import Results
    with Results("small.h5") as r:
        r.percentiles("cost_npv")          # strategy x percentile level
        r.summary_stats("cost_npv")        # strategy x mean, sd, min, max, ...
        r.paths("online_gpus")             # month x (strategy, percentile)
        r.comparison().p_cheaper           # strategy x versus
        r.sensitivity()                    # strategy x driver
        r.samples("cost_npv")              # trial x strategy (--save-samples)

The file stays open until close() (or the end of the ``with``); results are
read on each call, so a large file costs only what is asked for. For
xarray, ``r.dataset("outputs/cost_npv")`` opens a group with the netCDF4
engine, whose labels come from the file's dimension scales.

Depends on h5py, numpy and pandas (Debian: python3-h5py python3-pandas);
xarray only for dataset().
"""
import collections
import os

import h5py
import numpy as np
import pandas as pd

__all__ = ["Results", "MCriskFileError", "SCHEMA_VERSION", "OUTPUTS", "PATHS"]

SCHEMA_VERSION = 1

# The scalar outputs and monthly paths of SPEC 2.6, in the order mcrisk
# reports them (results/names.c).
OUTPUTS = ("cost_npv", "lcoc", "months_to_90pct", "shortfall_gpu_hours", "regret")
PATHS = ("online_gpus", "monthly_cost")
MOMENTS = ("mean", "sd", "min", "max", "sem", "cvar95", "cvar99")

Comparison = collections.namedtuple("Comparison", "p_best p_cheaper")
Comparison.__doc__ = """The comparison of cost_npv between strategies.

p_best: Series by strategy, the share of trials in which it is the cheapest.
p_cheaper: DataFrame strategy x versus, the share of trials in which the row
strategy's cost_npv is below the column's."""


class MCriskFileError(ValueError):
    """The file is not an mcrisk results file of schema 1. The message reads
    'PATH: error: what', like mcrisk's own."""


class Results:
    """One mcrisk results file, open for reading."""

    def __init__(self, path):
        self.path = str(path)
        p = self._checked_path()
        try:
            self._f = h5py.File(p, "r")
        except OSError as e:
            raise MCriskFileError(f"{p}: error: damaged or truncated HDF5 file ({e})") from None
        try:
            self._check()
        except BaseException:
            self._f.close()
            raise

    def _checked_path(self):
        """The path, once it names a non-empty HDF5 file (messages as mcrisk's)."""
        p = self.path
        if not os.path.exists(p):
            raise MCriskFileError(f"{p}: error: no such file")
        if os.path.isdir(p):
            raise MCriskFileError(f"{p}: error: is a directory, not an mcrisk results file")
        if os.path.getsize(p) == 0:
            raise MCriskFileError(f"{p}: error: empty file, not an mcrisk results file")
        try:
            if not h5py.is_hdf5(p):
                raise MCriskFileError(
                    f"{p}: error: not an HDF5 file, so not an mcrisk results file")
        except OSError as e:
            raise MCriskFileError(f"{p}: error: cannot read ({e.strerror or e})") from None
        return p

    def _check(self):
        attrs = self._f.attrs
        if "schema_version" not in attrs:
            raise MCriskFileError(
                f"{self.path}: error: not an mcrisk results file (no schema_version attribute)")
        v = attrs["schema_version"]
        if np.ndim(v) != 0 or not np.issubdtype(np.asarray(v).dtype, np.integer):
            raise MCriskFileError(f"{self.path}: error: schema_version is not an integer")
        if int(v) != SCHEMA_VERSION:
            raise MCriskFileError(
                f"{self.path}: error: mcrisk results of schema_version {int(v)}; "
                f"this reader reads schema {SCHEMA_VERSION}")
        for name in ("strategy", "percentile", "month", "outputs"):
            if name not in self._f:
                raise MCriskFileError(f"{self.path}: error: /{name} is missing")

    # ---- file handling ---------------------------------------------------------

    def close(self):
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __repr__(self):
        return (f"<mcrisk Results {self.path!r}: {len(self.strategies)} strategies, "
                f"{self.attrs['trials']} trials>")

    @property
    def file(self):
        """The underlying h5py.File, for anything not covered here."""
        return self._f

    # ---- axes and the run record -------------------------------------------------

    @property
    def attrs(self):
        """The run record (root attributes) as a dict: seed, trials, git_commit, ..."""
        return {k: v.item() if isinstance(v, np.generic) else v
                for k, v in self._f.attrs.items()}

    @property
    def scenario(self):
        """The scenario file's text, as the run read it."""
        return self._f["scenario"].asstr()[()]

    def _names(self, axis):
        return pd.Index(self._f[axis].asstr()[()], name=axis)

    @property
    def strategies(self):
        return self._names("strategy")

    @property
    def regions(self):
        return self._names("region")

    @property
    def regimes(self):
        return self._names("regime")

    @property
    def drivers(self):
        return self._names("driver")

    @property
    def components(self):
        return self._names("component")

    @property
    def levels(self):
        """The stored percentile levels, in percent."""
        return pd.Index(self._f["percentile"][()], name="percentile")

    @property
    def months(self):
        return pd.Index(self._f["month"][()], name="month")

    @property
    def has_samples(self):
        """True when the run stored every trial's values (--save-samples)."""
        return "samples" in self._f

    def units(self, name):
        """Units of an output, path or factor ('USD', 'GPUs', 'USD/MWh', ...)."""
        return self._group(name).attrs["units"]

    def description(self, name):
        return self._group(name).attrs["description"]

    def _group(self, name):
        for parent in ("outputs", "paths", "factors"):
            if name in self._f.get(parent, {}):
                return self._f[parent][name]
        raise KeyError(f"{name!r} is none of the outputs {OUTPUTS}, paths {PATHS} "
                       f"or factors ('energy_price', 'chip_fill', 'chip_regime_share')")

    def _output(self, name):
        if name not in OUTPUTS:
            raise KeyError(f"{name!r} is not an output; outputs are {', '.join(OUTPUTS)}")
        return self._f["outputs"][name]

    # ---- scalar outputs ---------------------------------------------------------------

    def percentiles(self, name, statistic="value"):
        """DataFrame strategy x percentile level of output `name`. statistic
        'value' (the percentiles), 'ci_low' or 'ci_high' (their 95%
        confidence interval)."""
        if statistic not in ("value", "ci_low", "ci_high"):
            raise KeyError(f"statistic must be value, ci_low or ci_high, not {statistic!r}")
        return pd.DataFrame(self._output(name)[statistic][()], index=self.strategies,
                            columns=self.levels)

    def summary_stats(self, name):
        """DataFrame strategy x (mean, sd, min, max, sem, cvar95, cvar99)."""
        g = self._output(name)
        df = pd.DataFrame({m: g[m][()] for m in MOMENTS}, index=self.strategies)
        df.columns.name = "statistic"
        return df

    def summary_table(self, name):
        """What `mcrisk summary` shows for one output, unrounded: strategy x
        (every percentile level as 'P<level>', mean, cvar95)."""
        t = self.percentiles(name)
        t.columns = [f"P{p:g}" for p in t.columns]
        s = self.summary_stats(name)
        t["mean"], t["cvar95"] = s["mean"], s["cvar95"]
        t.columns.name = f"{name} ({self.units(name)})"
        return t

    def samples(self, name):
        """DataFrame trial x strategy: every trial's value of output `name`.
        Only in files written with `mcrisk run --save-samples`."""
        self._output(name)
        if not self.has_samples:
            raise KeyError(f"{self.path} has no samples: rerun with `mcrisk run --save-samples`")
        return pd.DataFrame(self._f["samples"][name][()].T, columns=self.strategies,
                            index=pd.Index(self._f["trial"][()], name="trial"))

    # ---- monthly series ------------------------------------------------------------------

    def _fan(self, group, axis):
        """month x (axis, percentile) from a [n, P, H] dataset."""
        value = group["value"][()]
        n, P, H = value.shape
        cols = pd.MultiIndex.from_product([self._names(axis), self.levels])
        return pd.DataFrame(value.reshape(n * P, H).T, index=self.months, columns=cols)

    def paths(self, name, statistic="value"):
        """Monthly path `name` ('online_gpus', 'monthly_cost'). statistic
        'value': DataFrame month x (strategy, percentile), so that
        df['build_uk'][[10, 50, 90]] is a fan chart; 'mean' or 'sd': month x
        strategy."""
        if name not in PATHS:
            raise KeyError(f"{name!r} is not a path; paths are {', '.join(PATHS)}")
        g = self._f["paths"][name]
        if statistic == "value":
            return self._fan(g, "strategy")
        return pd.DataFrame(g[statistic][()].T, index=self.months, columns=self.strategies)

    def energy_price(self, statistic="value"):
        """Energy price factor, USD/MWh: month x (region, percentile) for
        'value', month x region for 'mean' or 'sd'."""
        g = self._f["factors"]["energy_price"]
        if statistic == "value":
            return self._fan(g, "region")
        return pd.DataFrame(g[statistic][()].T, index=self.months, columns=self.regions)

    def chip_fill(self, statistic="value"):
        """Market fill fraction F_t: month x percentile for 'value', a Series
        by month for 'mean' or 'sd'."""
        g = self._f["factors"]["chip_fill"]
        if statistic == "value":
            return pd.DataFrame(g["value"][()].T, index=self.months, columns=self.levels)
        return pd.Series(g[statistic][()], index=self.months, name=statistic)

    def regime_share(self):
        """month x regime: share of trials in each chip-market regime."""
        return pd.DataFrame(self._f["factors"]["chip_regime_share"][()].T, index=self.months,
                            columns=self.regimes)

    # ---- cost_npv across strategies -----------------------------------------------------

    def comparison(self):
        """Comparison(p_best, p_cheaper) of cost_npv between strategies."""
        g = self._f["comparison"]
        p_best = pd.Series(g["p_best"][()], index=self.strategies, name="p_best")
        p_cheaper = pd.DataFrame(g["p_cheaper"][()], index=self.strategies,
                                 columns=self._names("versus"))
        return Comparison(p_best, p_cheaper)

    def sensitivity(self):
        """DataFrame strategy x driver: Spearman rank correlation of each
        strategy's cost_npv with each per-trial driver."""
        return pd.DataFrame(self._f["sensitivity"]["spearman"][()], index=self.strategies,
                            columns=self.drivers)

    def top_drivers(self, strategy, n=3):
        """The n drivers of `strategy`'s cost_npv with the largest |rho|, as a
        Series of rho (sign kept), largest first."""
        rho = self.sensitivity().loc[strategy]
        order = np.argsort(-np.abs(rho.to_numpy()), kind="stable")
        return rho.iloc[order[:n]]

    def breakdown(self):
        """DataFrame strategy x component: mean discounted cost of each
        component of cost_npv, USD."""
        return pd.DataFrame(self._f["breakdown"]["mean_npv"][()], index=self.strategies,
                            columns=self.components)

    # ---- xarray ------------------------------------------------------------------------

    def dataset(self, group=None):
        """xarray.Dataset of one group ('outputs/cost_npv', 'paths/online_gpus',
        'factors/energy_price', 'sensitivity', ...; None for the root), opened
        with the netCDF4 engine so its dimensions carry the file's labels."""
        import xarray as xr
        return xr.open_dataset(self.path, group=group, engine="netcdf4")
