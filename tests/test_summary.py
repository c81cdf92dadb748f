"""test_summary.py -- `mcrisk summary` in its three formats, and refusals.

Two sources of files:
- tests/helpers/summary_fixture writes a results file of fixed, made-up
  numbers through the real writer; its text, CSV and JSON summaries must
  equal tests/expected/summary_fixture.{txt,csv,json} byte for byte. The
  numbers are not simulated, so these files change only with the summary's
  formatting (or the file layout), never with the model. To regenerate them
  after a deliberate change, run the tests with MCRISK_REGEN_EXPECTED=1 and
  review the diff.
- a real run of a small scenario, whose CSV and JSON must carry exactly the
  values h5py reads from the file (every number parses back to the same
  double), and whose text must not change with the number of threads. Its
  text is also compared with tests/expected/summary_small.txt: a regression
  check of the whole chain (model, statistics, file, formatting) that fails
  whenever a number changes -- regenerate it the same way when a change of
  the numbers is intended, and say why in the commit.
Then the refusals: a failed write is exit 1; a text file, an empty file, an HDF5 file that mcrisk did
not write and a schema_version 2 file each give exit 2 and one line
"FILE: error: ...", from `summary` and from `plot` alike.
"""
import csv
import io
import json
import os
import shutil
import subprocess

import h5py
import numpy as np
import pytest

from mcrisk_testlib import BUILD, MCRISK, ROOT, SCENARIOS, run

EXPECTED = os.path.join(ROOT, "tests", "expected")
FIXTURE = os.path.join(BUILD, "tests", "helpers", "summary_fixture")
OUTPUTS = {"cost_npv": "USD", "lcoc": "USD per GPU-hour", "months_to_90pct": "months",
           "shortfall_gpu_hours": "GPU-hours", "regret": "USD"}
MOMENTS = ["mean", "sd", "min", "max", "sem", "cvar95", "cvar99"]
COMPONENTS = ["facility_capex", "gpu_capex", "energy", "opex", "lease", "shortfall", "residual"]


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("fixture") / "fixture.h5")
    subprocess.run([FIXTURE, path], check=True)
    return path


@pytest.fixture(scope="module")
def small_run(tmp_path_factory):
    """small.yaml, 3,000 trials, on 1 and on 2 threads."""
    d = tmp_path_factory.mktemp("small")
    paths = []
    for threads in (1, 2):
        p = str(d / f"small{threads}.h5")
        run("run", os.path.join(SCENARIOS, "small.yaml"), "-o", p, "-n", 3000,
            "--threads", threads, "--quiet", check=0)
        paths.append(p)
    return paths


def level_name(p):
    """'p2.5', 'p10': as the CSV names a level (shortest round-trip form)."""
    return "p" + (str(int(p)) if float(p).is_integer() else repr(float(p)))


# ---- expected files --------------------------------------------------------------

@pytest.mark.parametrize("fmt,ext", [("text", "txt"), ("csv", "csv"), ("json", "json")])
def test_fixture_summary_matches_the_expected_file(fixture_file, fmt, ext):
    p = run("summary", fixture_file, "--format", fmt, check=0)
    assert p.stderr == ""
    expected = os.path.join(EXPECTED, f"summary_fixture.{ext}")
    if os.environ.get("MCRISK_REGEN_EXPECTED"):
        with open(expected, "w") as f:
            f.write(p.stdout)
    with open(expected) as f:
        assert p.stdout == f.read()


def test_small_run_summary_matches_the_expected_file(small_run):
    p = run("summary", small_run[0], check=0)
    expected = os.path.join(EXPECTED, "summary_small.txt")
    if os.environ.get("MCRISK_REGEN_EXPECTED"):
        with open(expected, "w") as f:
            f.write(p.stdout)
    with open(expected) as f:
        assert p.stdout == f.read()


def test_text_is_the_default_format(fixture_file):
    assert run("summary", fixture_file, check=0).stdout == \
        run("summary", fixture_file, "--format=text", check=0).stdout


def test_expected_text_reads_as_documented():
    """Spot checks of the committed expected text, so that a regenerated file
    that lost a feature does not pass unnoticed."""
    with open(os.path.join(EXPECTED, "summary_fixture.txt")) as f:
        text = f.read()
    assert "cost_npv (USD million)" in text
    assert "shortfall_gpu_hours (million GPU-hours)" in text
    assert "lcoc (USD per GPU-hour)" in text
    # every stored level, then mean and cvar95, as columns
    assert [l for l in text.splitlines() if l.startswith("strategy ")][0].split() == \
        ["strategy", "P2.5", "P10", "P25", "P50", "P75", "P90", "P97.5", "mean", "cvar95"]
    # 12.34e9 USD with thousands separators, in millions
    assert "12,340" in text
    # the tie of |rho| = 0.412 goes to the driver first in file order
    assert "energy_price_mean.uk                 +0.412" in text
    assert "build_norway.construction_months" not in text
    # nothing that differs between two identical runs
    for varying in ("2026-01-02", "0123456789ab", "threads", "fixture.h5"):
        assert varying not in text


# ---- a real run: every number is the file's ------------------------------------------

def test_csv_holds_every_stored_number_exactly(small_run):
    path = small_run[0]
    rows = list(csv.DictReader(io.StringIO(run("summary", path, "--format", "csv", check=0).stdout)))
    got = {(r["output"], r["strategy"], r["statistic"]): (float(r["value"]), r["units"])
           for r in rows}
    assert len(got) == len(rows)
    want = {}
    with h5py.File(path, "r") as f:
        strategies = f["strategy"].asstr()[()]
        drivers = f["driver"].asstr()[()]
        levels = f["percentile"][()]
        for name, units in OUTPUTS.items():
            g = f["outputs"][name]
            for s, sn in enumerate(strategies):
                for p, lv in enumerate(levels):
                    want[(name, sn, level_name(lv))] = (g["value"][s, p], units)
                    want[(name, sn, level_name(lv) + "_ci_low")] = (g["ci_low"][s, p], units)
                    want[(name, sn, level_name(lv) + "_ci_high")] = (g["ci_high"][s, p], units)
                for m in MOMENTS:
                    want[(name, sn, m)] = (g[m][s], units)
        for s, sn in enumerate(strategies):
            want[("cost_npv", sn, "p_best")] = (f["comparison/p_best"][s], "fraction")
            for v, vn in enumerate(strategies):
                want[("cost_npv", sn, f"p_cheaper.{vn}")] = (f["comparison/p_cheaper"][s, v],
                                                             "fraction")
            for c, cn in enumerate(COMPONENTS):
                want[("cost_npv", sn, f"mean_npv.{cn}")] = (f["breakdown/mean_npv"][s, c], "USD")
            for d, dn in enumerate(drivers):
                want[("cost_npv", sn, f"spearman.{dn}")] = (f["sensitivity/spearman"][s, d], "1")
    assert sorted(got) == sorted(want)
    for key, (value, units) in want.items():
        assert got[key][1] == units, key
        assert np.float64(got[key][0]).tobytes() == np.float64(value).tobytes(), key


def test_json_holds_the_run_record_and_every_number(small_run):
    path = small_run[0]
    doc = json.loads(run("summary", path, "--format", "json", check=0).stdout)
    with h5py.File(path, "r") as f:
        a = f.attrs
        assert doc["schema_version"] == 1
        for k in ("mcrisk_version", "git_commit", "created_utc", "command_line",
                  "scenario_sha256"):
            assert doc["run"][k] == a[k], k
        for k in ("seed", "trials", "horizon_months", "threads", "ranks"):
            assert doc["run"][k] == int(a[k]), k
        strategies = list(f["strategy"].asstr()[()])
        assert doc["strategies"] == strategies
        assert doc["percentiles"] == list(f["percentile"][()])
        for name, units in OUTPUTS.items():
            o, g = doc["outputs"][name], f["outputs"][name]
            assert o["units"] == units == g.attrs["units"]
            assert o["description"] == g.attrs["description"]
            for s, sn in enumerate(strategies):
                b = o["by_strategy"][sn]
                assert b["percentiles"] == list(g["value"][s])
                assert b["ci_low"] == list(g["ci_low"][s])
                assert b["ci_high"] == list(g["ci_high"][s])
                for m in MOMENTS:
                    assert b[m] == g[m][s], (name, sn, m)
        drivers = list(f["driver"].asstr()[()])
        assert doc["sensitivity"]["drivers"] == drivers
        assert doc["breakdown"]["components"] == COMPONENTS
        for s, sn in enumerate(strategies):
            assert doc["comparison"]["p_best"][sn] == f["comparison/p_best"][s]
            assert list(doc["comparison"]["p_cheaper"][sn].values()) == \
                list(f["comparison/p_cheaper"][s])
            assert list(doc["comparison"]["p_cheaper"][sn]) == strategies
            assert list(doc["breakdown"]["mean_npv"][sn].values()) == \
                list(f["breakdown/mean_npv"][s])
            assert list(doc["sensitivity"]["spearman"][sn]) == drivers
            assert list(doc["sensitivity"]["spearman"][sn].values()) == \
                list(f["sensitivity/spearman"][s])


def test_text_does_not_depend_on_the_thread_count(small_run):
    one, two = (run("summary", p, check=0).stdout for p in small_run)
    assert one == two
    with h5py.File(small_run[0], "r") as f:
        for sn in f["strategy"].asstr()[()]:
            assert sn in one
    for name in OUTPUTS:
        assert f"\n{name} (" in one


def test_text_top_drivers_are_the_largest_rho(small_run):
    path = small_run[0]
    text = run("summary", path, check=0).stdout
    block = text.split("top 3 drivers by |Spearman rho|\n\n")[1].splitlines()
    with h5py.File(path, "r") as f:
        strategies = list(f["strategy"].asstr()[()])
        drivers = f["driver"].asstr()[()]
        rho = f["sensitivity/spearman"][()]
    for s, sn in enumerate(strategies):
        lines = block[3 * s:3 * s + 3]
        assert lines[0].split()[0] == sn
        order = np.argsort(-np.abs(rho[s]), kind="stable")[:3]
        for line, d in zip(lines, order):
            assert line.split()[-2:] == [drivers[d], f"{rho[s, d]:+.3f}"]


# ---- refusals --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bad_files(tmp_path_factory, fixture_file):
    d = tmp_path_factory.mktemp("bad")
    files = {}
    files["text"] = d / "text.h5"
    files["text"].write_text("cost_npv,build,p50,1\n")
    files["empty"] = d / "empty.h5"
    files["empty"].write_bytes(b"")
    files["foreign"] = d / "foreign.h5"
    with h5py.File(files["foreign"], "w") as f:
        f["x"] = np.arange(3.0)
    files["schema2"] = d / "schema2.h5"
    shutil.copy(fixture_file, files["schema2"])
    with h5py.File(files["schema2"], "a") as f:
        f.attrs["schema_version"] = np.int64(2)
    return {k: str(v) for k, v in files.items()}


WHY = {"text": "not an HDF5 file", "empty": "empty file",
       "foreign": "not an mcrisk results file", "schema2": "schema_version 2"}


@pytest.mark.parametrize("kind", sorted(WHY))
@pytest.mark.parametrize("command", ["summary", "plot"])
def test_a_file_that_is_not_mcrisk_schema_1_is_refused(bad_files, tmp_path, kind, command):
    path = bad_files[kind]
    args = ["summary", path] if command == "summary" else ["plot", path, "-o", tmp_path / "png"]
    p = run(*args, check=2)
    assert p.stdout == ""
    lines = p.stderr.splitlines()
    assert len(lines) == 1, p.stderr
    assert lines[0].startswith(f"{path}: error: ") and WHY[kind] in lines[0], lines[0]
    assert not (tmp_path / "png").exists()


def test_usage_errors(fixture_file):
    assert "usage: mcrisk summary" in run("summary", "--help", check=0).stdout
    for args, why in [((), "needs an OUT.h5"),
                      ((fixture_file, "--format", "xml"), "--format: must be text, csv or json"),
                      ((fixture_file, "--format"), "--format: needs a value"),
                      ((fixture_file, "--bogus"), "--bogus: unknown option"),
                      ((fixture_file, fixture_file), "takes one OUT.h5")]:
        p = run("summary", *args, check=2)
        assert p.stdout == "" and p.stderr.startswith("mcrisk: error: ") and why in p.stderr, args


def test_a_failed_write_is_exit_1(fixture_file):
    for fmt in ("text", "csv", "json"):
        with open("/dev/full", "w") as full:
            p = subprocess.run([MCRISK, "summary", fixture_file, "--format", fmt],
                               stdout=full, stderr=subprocess.PIPE, text=True)
        assert p.returncode == 1
        assert p.stderr == "mcrisk: error: writing the summary: No space left on device\n"
