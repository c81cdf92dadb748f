#!/usr/bin/python3
"""mcrisk-plot.py -- the charts of `mcrisk plot OUT.h5 -o DIR`.

`mcrisk plot` (engine/cmd_plot.c) checks the file and the directory, then
runs this script with /usr/bin/python3; it also runs on its own:

    scripts/mcrisk-plot.py OUT.h5 -o DIR

It writes four PNG files of 1000 x 600 pixels into DIR (which must exist),
drawn by python/mcrisk_plots.py with matplotlib's Agg backend (no display):

    online_gpus_fan.png    online GPUs per strategy by month, P10-P90 band, P50 line
    cost_npv_scurve.png    empirical CDF of cost_npv per strategy (from the
                           samples; through the stored percentiles without them)
    cost_npv_tornado.png   Spearman rank correlation of cost_npv with each driver
    energy_price_fan.png   energy price per region by month

and prints each path written. The modules are looked up beside this script
(installed: $(PREFIX)/share/mcrisk/) and in ../python (the source tree).

Exit status: 0 written; 1 a PNG could not be written or a Python package is
missing; 2 bad usage or not an mcrisk results file of schema 1 (one line,
"FILE: error: what", as mcrisk prints it).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
for d in (HERE, os.path.join(HERE, "..", "python")):
    if os.path.exists(os.path.join(d, "mcrisk_results.py")) and d not in sys.path:
        sys.path.insert(0, d)

USAGE = "usage: mcrisk-plot.py OUT.h5 -o DIR"

# Debian packages that provide what the charts import.
PACKAGES = {"matplotlib": "python3-matplotlib", "h5py": "python3-h5py",
            "pandas": "python3-pandas", "numpy": "python3-numpy"}


def fail(status, msg):
    print(msg, file=sys.stderr)
    sys.exit(status)


def parse(argv):
    """(file, dir) from `OUT.h5 -o DIR` (also -o=DIR, --output DIR)."""
    file = out = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            print(USAGE)
            sys.exit(0)
        if a in ("-o", "--output"):
            if i + 1 >= len(argv):
                fail(2, f"mcrisk: error: {a}: needs a value")
            out, i = argv[i + 1], i + 2
            continue
        if a.startswith("-o=") or a.startswith("--output="):
            out = a.split("=", 1)[1]
        elif a.startswith("-") and a != "-":
            fail(2, f"mcrisk: error: {a}: unknown option ({USAGE})")
        elif file is not None:
            fail(2, f"mcrisk: error: plot: takes one OUT.h5, got '{a}' as well")
        else:
            file = a
        i += 1
    if file is None or out is None:
        fail(2, f"mcrisk: error: plot: needs OUT.h5 and -o DIR ({USAGE})")
    return file, out


def main(argv):
    file, out = parse(argv)
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import mcrisk_plots
        import mcrisk_results
    except ImportError as e:
        pkg = PACKAGES.get((e.name or "").split(".")[0], "")
        fail(1, f"mcrisk: error: plot needs the Python module {e.name}"
                + (f" (Debian package {pkg})" if pkg else "") + f" for {sys.executable}")
    if not os.path.isdir(out):
        fail(2, f"mcrisk: error: -o: {out}: no such directory")

    try:
        r = mcrisk_results.Results(file)
    except mcrisk_results.MCriskFileError as e:
        fail(2, str(e))
    charts = [("online_gpus_fan.png", lambda: mcrisk_plots.fan(r, "online_gpus")),
              ("cost_npv_scurve.png", lambda: mcrisk_plots.scurves(r, "cost_npv")),
              ("cost_npv_tornado.png", lambda: mcrisk_plots.tornado(r)),
              ("energy_price_fan.png", lambda: mcrisk_plots.energy_fan(r))]
    with r:
        for name, draw in charts:
            try:
                fig = draw()
            except (KeyError, OSError, ValueError) as e:
                fail(2, f"{file}: error: cannot read what {name} needs ({e})")
            path = os.path.join(out, name)
            try:
                fig.savefig(path, dpi=mcrisk_plots.DPI)
            except OSError as e:
                fail(1, f"mcrisk: error: cannot write {path}: {e.strerror or e}")
            finally:
                plt.close(fig)
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
