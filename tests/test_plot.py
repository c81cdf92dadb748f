"""test_plot.py -- `mcrisk plot OUT.h5 -o DIR` and python/mcrisk_plots.py.

The command writes four PNGs of 1000 x 600 pixels (mcrisk_plots.FIGSIZE at
DPI; read from each file's IHDR chunk) and lists them; it creates a missing
last directory, refuses a DIR that is a file (2), reports a PNG it cannot
write (1), and says what is missing when the script or Python cannot be
found (1). The refusals of bad files are in test_summary.py, beside the
summary's. The charts' titles and axis labels carry names and units; the
S-curve title says when the file has no samples.
"""
import os
import shutil
import struct
import subprocess
import sys

import pytest

from mcrisk_testlib import MCRISK, ROOT, SCENARIOS, run

sys.path.insert(0, os.path.join(ROOT, "python"))
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mcrisk_plots  # noqa: E402
from mcrisk_results import Results  # noqa: E402

PNGS = ["online_gpus_fan.png", "cost_npv_scurve.png", "cost_npv_tornado.png",
        "energy_price_fan.png"]
WIDTH, HEIGHT = 1000, 600


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR", path
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """small.yaml with and without samples, 2,000 trials."""
    d = tmp_path_factory.mktemp("runs")
    out = {}
    for kind, extra in (("sampled", ["--save-samples"]), ("plain", [])):
        out[kind] = str(d / f"{kind}.h5")
        run("run", os.path.join(SCENARIOS, "small.yaml"), "-o", out[kind], "-n", 2000,
            "--quiet", *extra, check=0)
    return out


def test_plot_writes_four_pngs_of_the_expected_size(runs, tmp_path):
    d = tmp_path / "new"            # created by the command
    p = run("plot", runs["sampled"], "-o", d, check=0)
    assert p.stdout.split() == [str(d / n) for n in PNGS]
    for n in PNGS:
        assert os.path.getsize(d / n) > 10000, n
        assert png_size(d / n) == (WIDTH, HEIGHT), n
    assert sorted(os.listdir(d)) == sorted(PNGS)


def test_figures_are_of_the_documented_size():
    assert (mcrisk_plots.FIGSIZE[0] * mcrisk_plots.DPI,
            mcrisk_plots.FIGSIZE[1] * mcrisk_plots.DPI) == (WIDTH, HEIGHT)


def test_titles_and_labels_name_the_quantities_and_units(runs):
    with Results(runs["sampled"]) as r:
        fig = mcrisk_plots.fan(r, "online_gpus")
        ax = fig.axes[0]
        assert ax.get_ylabel() == "online_gpus (GPUs)" and ax.get_xlabel() == "month"
        assert "P10\u2013P90 band, P50 line" in ax.get_title()
        assert [t.get_text() for t in ax.get_legend().get_texts()] == list(r.strategies)
        plt.close(fig)
        fig = mcrisk_plots.energy_fan(r)
        assert fig.axes[0].get_ylabel() == "energy price (USD/MWh)"
        assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == list(r.regions)
        plt.close(fig)
        fig = mcrisk_plots.scurves(r, "cost_npv")
        ax = fig.axes[0]
        assert ax.get_xlabel() == "cost_npv (USD million)"
        assert "empirical CDF" in ax.get_title() and "2,000 trials" in ax.get_title()
        # the curve ends at the largest sample, F = 1
        x, y = ax.lines[0].get_data()
        assert y[-1] == 1.0 and x[-1] * 1e6 == pytest.approx(r.samples("cost_npv").iloc[:, 0].max())
        plt.close(fig)
        fig = mcrisk_plots.tornado(r)
        titles = [a.get_title() for a in fig.axes if a.get_visible()]
        assert titles == list(r.strategies)
        assert "Spearman" in fig.axes[0].get_xlabel()
        # bars: the drivers with the largest |rho| at the top
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
        assert labels[-1] == r.top_drivers(r.strategies[0], 1).index[0]
        plt.close(fig)


def test_without_samples_the_s_curve_uses_the_stored_percentiles(runs, tmp_path):
    with Results(runs["plain"]) as r:
        fig = mcrisk_plots.scurves(r, "cost_npv")
        ax = fig.axes[0]
        assert "stored percentiles P1\u2013P99" in ax.get_title()
        assert "no samples" in ax.get_title()
        x, y = ax.lines[0].get_data()
        assert list(y) == [p / 100 for p in r.levels]
        plt.close(fig)
    run("plot", runs["plain"], "-o", tmp_path, check=0)
    assert all(png_size(tmp_path / n) == (WIDTH, HEIGHT) for n in PNGS)


def test_a_png_that_cannot_be_written_is_exit_1(runs, tmp_path):
    (tmp_path / PNGS[0]).mkdir()    # a directory where the first PNG goes
    p = run("plot", runs["sampled"], "-o", tmp_path, check=1)
    assert p.stderr.splitlines() == [
        f"mcrisk: error: cannot write {tmp_path / PNGS[0]}: Is a directory"]


def test_bad_directories_and_usage(runs, tmp_path):
    f = tmp_path / "file"
    f.write_text("")
    p = run("plot", runs["plain"], "-o", f, check=2)
    assert p.stderr == f"mcrisk: error: -o: {f} exists and is not a directory\n"
    p = run("plot", runs["plain"], "-o", tmp_path / "a" / "b", check=2)
    assert p.stderr.startswith(f"mcrisk: error: -o: cannot create {tmp_path / 'a' / 'b'}")
    assert "usage: mcrisk plot" in run("plot", "--help", check=0).stdout
    assert "needs -o DIR" in run("plot", runs["plain"], check=2).stderr
    assert "needs an OUT.h5" in run("plot", "-o", tmp_path, check=2).stderr
    assert "--bogus: unknown option" in run("plot", runs["plain"], "--bogus", check=2).stderr


def test_missing_script_or_python_is_named(runs, tmp_path):
    lone = tmp_path / "bin" / "mcrisk"      # a binary with no share/ or scripts/ beside it
    lone.parent.mkdir()
    shutil.copy(MCRISK, lone)
    p = subprocess.run([str(lone), "plot", runs["plain"], "-o", str(tmp_path / "png2")],
                       capture_output=True, text=True)
    assert p.returncode == 1
    assert p.stderr.startswith("mcrisk: error: plot: mcrisk-plot.py not found (looked for "
                               f"{tmp_path}/share/mcrisk/mcrisk-plot.py and "
                               f"{tmp_path}/scripts/mcrisk-plot.py)")
    p = run("plot", runs["plain"], "-o", tmp_path / "png3", env={"MCRISK_PYTHON": "/nonexistent"},
            check=1)
    assert p.stderr.startswith("mcrisk: error: plot needs Python 3 with matplotlib, h5py and "
                               "pandas: /nonexistent: No such file or directory")
