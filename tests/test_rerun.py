"""The reproducibility record (issue 7, SPEC 5): every results file carries
what it takes to make it again, and making it again gives the same numbers.

Two ways back from a file to its numbers are tested: `mcrisk run --from
OLD.h5` (the scenario text, seed and trial count stored in the file), and
the command_line attribute itself, run again where it was run. Both must
give bit-identical numeric datasets -- statistics, paths, factors and, when
asked for, every sample -- whatever the thread count, also when the
original run overrode the scenario's seed and trials on the command line
and after the scenario file itself is gone.
"""
import datetime
import hashlib
import os
import re
import shlex
import subprocess

import h5py
import numpy as np
import pytest

from mcrisk_testlib import MCRISK, ROOT, assert_same_numbers, build, lease, region, run, scenario


def rich(tmp_path, name="s.yaml"):
    return scenario(tmp_path, name=name, trials=4000, seed=11,
                    regions=[region("uk", 80.0, 70.0, 1.5, 0.5, 2.0, 0.1, 0.2),
                             region("tx", 40.0, 45.0, 0.8, 0.6, 1.0, 0.2, 0.3)],
                    correlation=[("uk", "tx", 0.4)],
                    strategies=[build("b", "uk", permit={"dist": "pert", "min": 3, "mode": 6,
                                                         "max": 18},
                                      pause=(0.3, {"dist": "uniform", "min": 1, "max": 6})),
                                lease("l", onboarding={"dist": "uniform", "min": 1, "max": 4},
                                      energy_passthrough=0.3, passthrough_region="tx")])


def attrs(path):
    with h5py.File(path) as f:
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}, \
            f["scenario"][()].decode()


def test_root_attributes_record_the_run(tmp_path):
    """Every root attribute of SPEC 5, with the values of this run: the
    overriding -n and --seed (not the scenario's), the thread count, the
    version and commit the binary reports, the time, the command line, and
    the scenario's exact text with its SHA-256."""
    sc = rich(tmp_path)
    out = tmp_path / "a.h5"
    before = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    run("run", sc, "-o", out, "-n", 3001, "--seed", 18446744073709551615, "--threads", 3,
        "--quiet", check=0)
    after = datetime.datetime.now(datetime.timezone.utc)
    a, text = attrs(out)
    version = run("--version", check=0).stdout.strip()
    m = re.fullmatch(r"mcrisk (\S+) \(git (\S+)\)", version)
    assert m, version
    assert a["mcrisk_version"] == m.group(1)
    assert a["git_commit"] == m.group(2)
    assert re.fullmatch(r"[0-9a-f]{12}(-dirty)?|unknown", a["git_commit"])
    if a["git_commit"] != "unknown" and os.path.exists(os.path.join(ROOT, ".git")):
        commit = a["git_commit"].split("-")[0]
        assert subprocess.run(["git", "-C", ROOT, "cat-file", "-e", commit + "^{commit}"],
                              capture_output=True).returncode == 0, commit
    assert a["schema_version"] == 1 and a["ranks"] == 1 and a["threads"] == 3
    assert a["seed"] == 18446744073709551615 and a["trials"] == 3001
    assert a["horizon_months"] == 24
    with h5py.File(out) as f:
        assert f.attrs["seed"].dtype == np.uint64
        for k in ("schema_version", "trials", "horizon_months", "threads", "ranks"):
            assert f.attrs[k].dtype == np.int64, k
    created = datetime.datetime.strptime(a["created_utc"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc)
    assert before <= created <= after
    with open(sc, "rb") as f:
        raw = f.read()
    assert text.encode() == raw
    assert a["scenario_sha256"] == hashlib.sha256(raw).hexdigest()
    assert shlex.split(a["command_line"]) == [
        "mcrisk", "run", sc, "-o", str(out), "-n", "3001", "--seed", "18446744073709551615",
        "--threads", "3", "--quiet"]


@pytest.mark.parametrize("samples", [False, True])
def test_rerun_from_file_is_bit_identical(tmp_path, samples):
    """run --from OLD.h5 with another thread count gives every numeric
    dataset bit for bit, samples included; so does a rerun of the rerun. The
    original overrode the scenario's seed and trials, and the scenario file
    is deleted before the reruns: the file alone is enough."""
    sc = rich(tmp_path)
    extra = ["--save-samples"] if samples else []
    a, b, c = tmp_path / "a.h5", tmp_path / "b.h5", tmp_path / "c.h5"
    run("run", sc, "-o", a, "-n", 2500, "--seed", 99, "--threads", 2, "--quiet", *extra, check=0)
    os.unlink(sc)
    run("run", "--from", a, "-o", b, "--threads", 3, "--quiet", *extra, check=0)
    run("run", "--from", b, "-o", c, "--threads", 1, "--quiet", *extra, check=0)
    assert_same_numbers(a, b)
    assert_same_numbers(a, c)
    (aa, at), (ba, bt) = attrs(a), attrs(b)
    assert at == bt
    for k in ("seed", "trials", "horizon_months", "scenario_sha256", "mcrisk_version"):
        assert aa[k] == ba[k], k
    assert ba["threads"] == 3
    with h5py.File(b) as f:
        assert ("samples" in f) == samples


def test_rerun_default_output_name(tmp_path):
    """Without -o, --from writes <stem>-rerun.h5 in the current directory."""
    sc = rich(tmp_path)
    run("run", sc, "-o", tmp_path / "week1.h5", "-n", 500, "--quiet", check=0)
    run("run", "--from", "week1.h5", "--quiet", check=0, cwd=tmp_path)
    assert_same_numbers(tmp_path / "week1.h5", tmp_path / "week1-rerun.h5")


def test_command_line_attribute_reruns(tmp_path):
    """The command_line attribute, run again from the same directory (only
    -o changed, to keep the original), gives the same numbers: it records
    every argument, quoting included (a scenario path with a space and a
    quote)."""
    odd = tmp_path / "it's a dir"
    odd.mkdir()
    sc = rich(odd, name="my scenario.yaml")
    out = tmp_path / "a.h5"
    run("run", sc, "-o", out, "-n", 1200, "--seed", 5, "--save-samples", "--quiet", check=0,
        cwd=tmp_path)
    argv = shlex.split(attrs(out)[0]["command_line"])
    assert argv[0] == "mcrisk" and argv[2] == str(sc)
    argv[argv.index("-o") + 1] = str(tmp_path / "again.h5")
    p = subprocess.run([MCRISK, *argv[1:]], cwd=tmp_path, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert_same_numbers(out, tmp_path / "again.h5")


def test_rerun_can_fail(tmp_path):
    """The comparison above is not vacuous: a rerun with another seed
    differs from the original, and assert_same_numbers says so."""
    sc = rich(tmp_path)
    a, b = tmp_path / "a.h5", tmp_path / "b.h5"
    run("run", sc, "-o", a, "-n", 800, "--quiet", check=0)
    run("run", "--from", a, "-o", b, "--seed", 12, "--quiet", check=0)
    with pytest.raises(AssertionError, match="differs"):
        assert_same_numbers(a, b)
