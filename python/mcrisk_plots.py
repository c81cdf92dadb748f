"""mcrisk_plots -- the four standard charts of an mcrisk results file.

Used by `mcrisk plot` (scripts/mcrisk-plot.py, which saves them as PNG with
the Agg backend) and by notebooks (notebooks/explore.ipynb, which shows them
inline). Each function takes an open mcrisk_results.Results and returns a
matplotlib Figure of FIGSIZE inches at DPI, so a saved chart is 1000 x 600
pixels:

    fan(r, "online_gpus")   a monthly path per strategy: P10-P90 band, P50 line
    energy_fan(r)           the energy price per region, the same way
    scurves(r, "cost_npv")  empirical CDFs per strategy from the samples; from
                            the stored percentiles when the file has none
                            (the title says so)
    tornado(r)              Spearman rank correlation of cost_npv with each
                            driver, largest |rho| first, one panel per strategy

When the file's percentile levels do not include 10, 50 and 90, the closest
stored levels are used and named in the legend. Money is shown in USD
million once it reaches a million. Everything drawn is read from the file;
nothing is re-estimated.
"""
import math

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np

FIGSIZE = (10, 6)       # inches
DPI = 100               # so PNGs are 1000 x 600 pixels
MAX_CURVE_POINTS = 2001 # points drawn per S-curve (exact ECDF points)
MAX_READ = 4_000_000    # samples read per strategy; a longer row is read with a stride
TOP_DRIVERS = 8         # bars per tornado panel

__all__ = ["fan", "energy_fan", "scurves", "tornado", "FIGSIZE", "DPI"]


def _figure(**kw):
    return plt.figure(figsize=FIGSIZE, dpi=DPI, **kw)


def _scale(units, values):
    """(divisor, units label) so money and GPU-hours read in millions."""
    m = np.nanmax(np.abs(values)) if np.size(values) else 0.0
    if units == "USD" and m >= 1e6:
        return 1e6, "USD million"
    if units == "GPU-hours" and m >= 1e6:
        return 1e6, "million GPU-hours"
    return 1.0, units


def _closest(levels, want):
    """The stored level nearest to `want` percent."""
    levels = np.asarray(levels, dtype=float)
    return float(levels[np.argmin(np.abs(levels - want))])


def _thousands(ax, axis="y"):
    fmt = mticker.FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}")
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(fmt)


def _draw_fan(ax, table, units):
    """Bands and median lines of month x (name, level) table; returns the labels used."""
    levels = table.columns.get_level_values(1).unique()
    lo, mid, hi = (_closest(levels, w) for w in (10, 50, 90))
    div, label = _scale(units, table.to_numpy())
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    months = table.index.to_numpy()
    for i, name in enumerate(table.columns.get_level_values(0).unique()):
        c = colors[i % len(colors)]
        t = table[name]
        ax.fill_between(months, t[lo] / div, t[hi] / div, color=c, alpha=0.2, linewidth=0)
        ax.plot(months, t[mid] / div, color=c, linewidth=2, label=name)
    ax.set_xlabel("month")
    ax.set_xlim(months[0], months[-1])
    ax.grid(True, alpha=0.3)
    _thousands(ax)
    return f"P{lo:g}\u2013P{hi:g} band, P{mid:g} line", label


def fan(r, name="online_gpus"):
    """Fan chart of the monthly path `name` per strategy."""
    fig = _figure()
    ax = fig.add_subplot()
    band, label = _draw_fan(ax, r.paths(name), r.units(name))
    ax.set_ylabel(f"{name} ({label})")
    ax.set_title(f"{name} per strategy by month: {band}")
    ax.legend(title="strategy")
    fig.tight_layout()
    return fig


def energy_fan(r):
    """Fan chart of the energy price per region."""
    fig = _figure()
    ax = fig.add_subplot()
    band, label = _draw_fan(ax, r.energy_price(), r.units("energy_price"))
    ax.set_ylabel(f"energy price ({label})")
    ax.set_title(f"energy price per region by month: {band}")
    ax.legend(title="region")
    fig.tight_layout()
    return fig


def _ecdf_points(x):
    """(values, F) at up to MAX_CURVE_POINTS exact points of the empirical
    CDF of x: the k-th smallest value and k/n."""
    x = np.sort(x)
    n = x.size
    idx = np.unique(np.linspace(0, n - 1, min(n, MAX_CURVE_POINTS)).round().astype(np.int64))
    return x[idx], (idx + 1) / n


def scurves(r, name="cost_npv"):
    """S-curves (cumulative distributions) of output `name` per strategy."""
    fig = _figure()
    ax = fig.add_subplot()
    units = r.units(name)
    strategies = list(r.strategies)
    if r.has_samples:
        ds = r.file["samples"][name]
        n = ds.shape[1]
        step = max(1, math.ceil(n / MAX_READ))
        rows = [ds[s, ::step] for s in range(len(strategies))]
        div, label = _scale(units, np.concatenate([[np.nanmax(np.abs(x))] for x in rows]))
        for s, x in zip(strategies, rows):
            v, F = _ecdf_points(x)
            ax.plot(v / div, F, linewidth=2, label=s)
        used = f"{n:,} trials" if step == 1 else f"every {step}th of {n:,} trials"
        ax.set_title(f"{name} S-curves: empirical CDF per strategy ({used})")
    else:
        table = r.percentiles(name)
        div, label = _scale(units, table.to_numpy())
        q = table.columns.to_numpy() / 100.0
        for s in strategies:
            ax.plot(table.loc[s].to_numpy() / div, q, marker="o", linewidth=2, label=s)
        lv = table.columns
        ax.set_title(f"{name} CDF per strategy through the stored percentiles "
                     f"P{lv[0]:g}\u2013P{lv[-1]:g} (the file has no samples)")
    ax.set_xlabel(f"{name} ({label})")
    ax.set_ylabel(f"P({name} \u2264 x)")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_locator(mticker.MultipleLocator(0.1))
    ax.grid(True, alpha=0.3)
    _thousands(ax, "x")
    ax.legend(title="strategy", loc="lower right")
    fig.tight_layout()
    return fig


def tornado(r, n=TOP_DRIVERS):
    """Tornado chart of the Spearman rank correlations of cost_npv with its
    drivers: one panel per strategy, the n largest |rho| (non-zero) first."""
    rho = r.sensitivity()
    S = len(rho.index)
    ncols = 1 if S == 1 else 2
    nrows = math.ceil(S / ncols)
    fig = _figure()
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for i, s in enumerate(rho.index):
        ax = axes[i // ncols][i % ncols]
        row = rho.loc[s]
        row = row[row != 0]
        order = np.argsort(-np.abs(row.to_numpy()), kind="stable")[:n]
        top = row.iloc[order][::-1]         # largest at the top
        colors = ["tab:red" if v > 0 else "tab:blue" for v in top]
        ax.barh(range(len(top)), top.to_numpy(), color=colors)
        for y, v in enumerate(top.to_numpy()):
            ax.text(v + (0.03 if v > 0 else -0.03), y, f"{v:+.2f}", va="center",
                    ha="left" if v > 0 else "right", fontsize=8)
        ax.set_yticks(range(len(top)))
        ax.set_yticklabels(top.index, fontsize=8)
        ax.set_xlim(-1.25, 1.25)         # room for the value labels
        ax.set_xticks([-1, -0.5, 0, 0.5, 1])
        ax.axvline(0, color="black", linewidth=0.8)
        ax.grid(True, axis="x", alpha=0.3)
        ax.set_title(s, fontsize=10)
        if i // ncols == nrows - 1 or i + ncols >= S:
            ax.set_xlabel("Spearman rho (-1 to 1)")
    for j in range(S, nrows * ncols):
        axes[j // ncols][j % ncols].set_visible(False)
    fig.suptitle("what drives cost_npv: Spearman rank correlation with each driver "
                 "(red raises the cost, blue lowers it)")
    fig.tight_layout()
    return fig
