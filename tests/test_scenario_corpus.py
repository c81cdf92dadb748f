"""The malformed-scenario corpus: every file must be refused with exactly the
messages in its sibling .expected file, exit status 2, and nothing written.

Each tests/corpus/scenario/NAME.yaml opens with a comment saying what is
wrong with it (except the files whose point is their bytes: empty, UTF-16).
The .expected files hold the exact stderr of `mcrisk validate NAME.yaml` run
in the corpus directory; they were written from the reader's output and
checked by hand against SPEC 3, so a change in any message shows up here.

`mcrisk run` must refuse the same files with status 2 before it creates any
file: no output, no temporary file beside it.
"""
import os
import subprocess
from pathlib import Path

import pytest

MCRISK = os.environ["MCRISK"]
CORPUS = Path(__file__).parent / "corpus" / "scenario"
CASES = sorted(CORPUS.glob("*.yaml"))


def test_corpus_is_complete():
    assert len(CASES) >= 40
    for case in CASES:
        assert case.with_suffix(".expected").is_file(), case.name
    for expected in CORPUS.glob("*.expected"):
        assert expected.with_suffix(".yaml").is_file(), expected.name


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_validate_reports_exact_errors(case):
    r = subprocess.run([MCRISK, "validate", case.name], cwd=CORPUS, capture_output=True, timeout=60)
    assert r.returncode == 2
    assert r.stdout == b""
    expected = case.with_suffix(".expected").read_text(encoding="utf-8")
    assert r.stderr.decode("utf-8") == expected
    for line in expected.splitlines():
        assert line.startswith(case.name + ":"), line   # every message names the file


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_run_refuses_and_writes_nothing(case, tmp_path):
    out = tmp_path / "x.h5"
    r = subprocess.run([MCRISK, "run", case.name, "-o", str(out)], cwd=CORPUS, capture_output=True,
                       timeout=60)
    assert r.returncode == 2
    assert list(tmp_path.iterdir()) == []
    # run reports a bad file exactly as validate does
    expected = case.with_suffix(".expected").read_text(encoding="utf-8")
    assert r.stderr.decode("utf-8") == expected
