"""`mcrisk validate`: the shipped scenarios, the command line, whole-file
errors (missing, directory, unreadable, too large) and leaks under valgrind.
"""
import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

MCRISK = os.environ["MCRISK"]
ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "inputs" / "scenarios"
CORPUS = Path(__file__).parent / "corpus" / "scenario"
LIMIT = 16 << 20      # MCR_SCENARIO_MAX_BYTES


def validate(*args, cwd=None, stdin=None):
    return subprocess.run([MCRISK, "validate", *map(str, args)], cwd=cwd, stdin=stdin,
                          capture_output=True, text=True, timeout=60)


# ---- the shipped scenarios ------------------------------------------------------

@pytest.mark.parametrize("name", ["stargate", "small", "everything"])
def test_shipped_scenario_is_valid(name):
    path = SCENARIOS / f"{name}.yaml"
    r = validate(path)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    doc = yaml.safe_load(path.read_text())
    for s in doc["strategies"]:
        assert s["name"] in r.stdout
    for g in doc["energy"]["regions"]:
        assert g["name"] in r.stdout
    assert "memory" in r.stdout
    # the summary's hash prefix is the file's SHA-256 (hashlib as the reference)
    assert hashlib.sha256(path.read_bytes()).hexdigest()[:16] in r.stdout


def test_stargate_is_the_scenario_the_issue_describes():
    doc = yaml.safe_load((SCENARIOS / "stargate.yaml").read_text())
    assert doc["demand_gpus"] == 100000
    assert doc["simulation"]["horizon_months"] == 60
    assert doc["simulation"]["trials"] >= 100000
    assert [g["name"] for g in doc["energy"]["regions"]] == ["uk", "norway", "texas"]
    assert [g["name"] for g in doc["chips"]["regimes"]] == ["normal", "tight", "shock"]
    assert doc["chips"]["initial_regime"] == "tight"
    assert [s["name"] for s in doc["strategies"]] == [
        "build_uk", "build_norway", "build_texas", "lease_hyperscaler"]


def test_small_is_small():
    doc = yaml.safe_load((SCENARIOS / "small.yaml").read_text())
    assert doc["simulation"]["trials"] == 10000


def test_everything_exercises_every_option():
    doc = yaml.safe_load((SCENARIOS / "everything.yaml").read_text())
    dists, pauses, leases = set(), 0, []
    for s in doc["strategies"]:
        for key in ("permit_months", "construction_months", "onboarding_months"):
            if key in s:
                dists.add(s[key]["dist"])
        if isinstance(s.get("pause"), dict):
            pauses += 1
            dists.add(s["pause"]["months"]["dist"])
        if s["type"] == "lease":
            leases.append(s)
    assert dists == {"fixed", "uniform", "triangular", "pert", "lognormal"}
    assert pauses >= 1 and any(s.get("pause") == "none" for s in doc["strategies"])
    assert any(s.get("escalation", 0) > 0 for s in leases)
    assert any(s.get("energy_passthrough", 0) > 0 for s in leases)
    assert len(doc["energy"]["correlation"]) >= 1
    assert any(g["reversion"] == 0 for g in doc["energy"]["regions"])


def test_scenario_from_a_pipe():
    with open(SCENARIOS / "small.yaml", "rb") as f:
        r = validate("/dev/stdin", stdin=f)
    assert r.returncode == 0, r.stderr


# ---- the command line --------------------------------------------------------------

def test_help():
    r = validate("--help")
    assert r.returncode == 0
    assert r.stdout.startswith("usage: mcrisk validate SCENARIO.yaml")


@pytest.mark.parametrize("args,message", [
    ([], "mcrisk: error: validate: needs a SCENARIO.yaml (try mcrisk validate --help)\n"),
    (["--strict", "x.yaml"], "mcrisk: error: --strict: unknown option (try mcrisk validate --help)\n"),
    (["a.yaml", "b.yaml"], "mcrisk: error: validate: takes one SCENARIO.yaml, got 'b.yaml' as well\n"),
])
def test_bad_usage(args, message):
    r = validate(*args)
    assert r.returncode == 2
    assert r.stderr == message
    assert r.stdout == ""


# ---- files that cannot be read -------------------------------------------------------

def test_missing_file(tmp_path):
    r = validate("nope.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == "nope.yaml: error: cannot open: No such file or directory\n"


def test_directory(tmp_path):
    r = validate(".", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == ".: error: is a directory, not a scenario file\n"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(tmp_path):
    p = tmp_path / "secret.yaml"
    shutil.copy(SCENARIOS / "small.yaml", p)
    p.chmod(0)
    r = validate("secret.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == "secret.yaml: error: cannot open: Permission denied\n"


def test_file_over_the_limit(tmp_path):
    p = tmp_path / "big.yaml"
    with open(p, "wb") as f:
        f.truncate(LIMIT + 1)               # sparse: nothing is written
    r = validate("big.yaml", cwd=tmp_path)
    assert r.returncode == 2
    assert r.stderr == ("big.yaml: error: the file is 16777217 bytes, over the limit of 16 MiB "
                        "(16777216 bytes)\n")


def test_file_at_the_limit_is_read(tmp_path):
    """The limit is inclusive: a valid scenario padded with comments to
    exactly 16 MiB validates."""
    text = (SCENARIOS / "small.yaml").read_bytes()
    line = b"# " + b"x" * 1021 + b"\n"      # 1024 bytes
    pad = LIMIT - len(text)
    body = text + line * (pad // len(line)) + b"#" * (pad % len(line) - 1) + b"\n"
    assert len(body) == LIMIT
    p = tmp_path / "padded.yaml"
    p.write_bytes(body)
    r = validate(p)
    assert r.returncode == 0, r.stderr[:500]


# ---- leaks -----------------------------------------------------------------------------

VALGRIND = shutil.which("valgrind")


@pytest.mark.skipif(VALGRIND is None, reason="valgrind is not installed")
@pytest.mark.parametrize("path,status", [
    (SCENARIOS / "everything.yaml", 0),
    (CORPUS / "unknown_keys.yaml", 2),
    (CORPUS / "many_errors.yaml", 2),
    (CORPUS / "anchor_alias.yaml", 2),
    (CORPUS / "syntax_unclosed_flow.yaml", 2),
])
def test_no_leaks_under_valgrind(path, status):
    """--error-exitcode=1 turns any leak or memory error into status 1, which
    is neither of the statuses validate returns."""
    r = subprocess.run([VALGRIND, "-q", "--leak-check=full", "--error-exitcode=1", MCRISK,
                        "validate", str(path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == status, r.stderr[-3000:]


# ---- encodings and line ends ----------------------------------------------------------

def test_utf8_bom_and_crlf_are_accepted(tmp_path):
    text = (SCENARIOS / "small.yaml").read_bytes().replace(b"\n", b"\r\n")
    p = tmp_path / "windows.yaml"
    p.write_bytes(b"\xef\xbb\xbf" + text)
    r = validate(p)
    assert r.returncode == 0, r.stderr


# ---- the documentation ---------------------------------------------------------------------

def test_minimal_file_in_the_docs_is_valid(tmp_path):
    """docs/scenario.md ends with a minimal file, indented four spaces."""
    doc = (ROOT / "docs" / "scenario.md").read_text()
    block = doc.split("## A minimal file", 1)[1]
    lines = [ln[4:] for ln in block.splitlines() if ln.startswith("    ")]
    p = tmp_path / "minimal.yaml"
    p.write_text("\n".join(lines) + "\n")
    r = validate(p)
    assert r.returncode == 0, r.stderr
