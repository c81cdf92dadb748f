"""mcrisk under valgrind's memcheck (issue 7): no invalid access, no use of
uninitialised memory, and no leak -- on the paths a user takes, failures
included.

Each case runs the plain build under `valgrind --leak-check=full
--error-exitcode=99` with tests/suppressions/valgrind.supp (libgomp's
thread storage and HDF5's own leak after damaged metadata, nothing of
ours) and expects mcrisk's own exit status: 99 means valgrind found
something, and its report is shown. The runs are small (a few hundred
trials) because valgrind is about fifty times slower. Under a sanitizer
build these tests are skipped (tests/conftest.py): valgrind cannot run it.
"""
import os
import shutil
import signal
import subprocess
import time

import pytest

from mcrisk_testlib import MCRISK, ROOT, SCENARIOS, region, scenario

VALGRIND = shutil.which("valgrind")
SUPP = os.path.join(ROOT, "tests", "suppressions", "valgrind.supp")
SMALL = os.path.join(SCENARIOS, "small.yaml")
VG = [VALGRIND, "-q", "--leak-check=full", "--error-exitcode=99", "--errors-for-leak-kinds=definite,indirect,possible",
      "--show-leak-kinds=definite,indirect,possible", f"--suppressions={SUPP}"]

pytestmark = pytest.mark.skipif(VALGRIND is None, reason="valgrind is not installed")


def under_valgrind(*args, status, **kw):
    p = subprocess.run(VG + [MCRISK, *map(str, args)], capture_output=True, text=True,
                       timeout=300, **kw)
    assert p.returncode == status, (p.returncode, p.stderr[-6000:])
    return p


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A file with samples, written under valgrind at 2 threads (the first
    case), for the reading cases."""
    out = tmp_path_factory.mktemp("vg") / "a.h5"
    under_valgrind("run", SMALL, "-o", out, "-n", 300, "--threads", 2, "--save-samples",
                   "--quiet", status=0)
    return out


def test_valgrind_run_and_rerun(results, tmp_path):
    """A complete run (the fixture) and run --from of its file."""
    under_valgrind("run", "--from", results, "-o", tmp_path / "b.h5", "--threads", 2, "--quiet",
                   status=0)


def test_valgrind_validate(tmp_path):
    under_valgrind("validate", SMALL, status=0)


def test_valgrind_summary(results):
    for fmt in ("text", "csv", "json"):
        under_valgrind("summary", results, "--format", fmt, status=0)


def test_valgrind_failures(results, tmp_path):
    """Every way a run fails frees what it took: an existing output, a
    non-finite trial (threads stopping), a file-size limit in the middle of
    writing, and a damaged file for --from."""
    under_valgrind("run", SMALL, "-o", results, "-n", 100, "--quiet", status=2)
    wild = scenario(tmp_path, trials=3000, regions=[region("r0", 50.0, 50.0, 0.0, 200.0)])
    under_valgrind("run", wild, "-o", tmp_path / "w.h5", "--threads", 2, "--quiet", status=1)

    def small_files():
        import resource
        resource.setrlimit(resource.RLIMIT_FSIZE, (40000, 40000))
    under_valgrind("run", SMALL, "-o", tmp_path / "f.h5", "-n", 100, "--quiet", status=1,
                   preexec_fn=small_files)
    data = bytearray(results.read_bytes())
    data[9000] ^= 0xFF                  # an axis's object header: a checksum failure
    damaged = tmp_path / "d.h5"
    damaged.write_bytes(bytes(data))
    p = under_valgrind("run", "--from", damaged, "-o", tmp_path / "x.h5", status=2)
    assert "checksum" in p.stderr
    assert sorted(os.listdir(tmp_path)) == ["d.h5", "s.yaml"]


def test_valgrind_interrupted(tmp_path):
    """SIGINT in the middle of the trial loop, at 2 threads."""
    p = subprocess.Popen(VG + [MCRISK, "run", SMALL, "-o", str(tmp_path / "i.h5"), "-n", "10000000",
                               "--threads", "2", "--quiet"],
                         stderr=subprocess.PIPE, text=True)
    time.sleep(3)
    p.send_signal(signal.SIGINT)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 130, (p.returncode, err[-6000:])
    assert os.listdir(tmp_path) == []
