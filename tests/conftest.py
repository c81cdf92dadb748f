"""pytest configuration shared by every Python test of mcrisk (issue 7).

Two things, both about what the whole suite proves rather than one test:

1. No NaN or infinity ever reaches a results file. Every `mcrisk run` the
   suite starts through mcrisk_testlib.run() that exits 0 has the file it
   wrote opened here, and every floating-point dataset in it checked to be
   finite; a file with a non-finite number fails the test that wrote it.
   This wraps mcrisk_testlib.run before any test module imports it (pytest
   loads this file first), so tests need not remember to ask.

2. Under a sanitizer build (`make test SANITIZE=...`, which sets
   MCRISK_SANITIZE), tests that run the binary under valgrind are skipped:
   valgrind cannot run an AddressSanitizer binary, and the plain build's run
   of the same tests covers them.
"""
import os

import pytest

import mcrisk_testlib

_run = mcrisk_testlib.run


def written_file(args, cwd):
    """The file `mcrisk run ARGS` writes (SPEC 4): -o OUT, else the
    scenario's stem + .h5 (or OLD.h5's stem + -rerun.h5 with --from) in the
    current directory."""
    args = [str(a) for a in args]
    if "-o" in args:
        out = args[args.index("-o") + 1]
    elif "--from" in args:
        src = args[args.index("--from") + 1]
        out = os.path.splitext(os.path.basename(src))[0] + "-rerun.h5"
    else:
        flags_with_values = {"-n", "--seed", "--threads"}
        rest = [a for i, a in enumerate(args[1:], 1)
                if not a.startswith("-") and args[i - 1] not in flags_with_values]
        out = os.path.splitext(os.path.basename(rest[0]))[0] + ".h5"
    return os.path.join(str(cwd) if cwd else os.getcwd(), out)


def assert_all_finite(path):
    """Every floating-point dataset of the HDF5 file at path is finite."""
    import h5py
    import numpy as np
    bad = []
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f":
                if not np.all(np.isfinite(obj[()])):
                    bad.append(name)
        f.visititems(visit)
    assert not bad, f"{path}: non-finite values in {bad}"


def run_and_check(*args, **kw):
    p = _run(*args, **kw)
    if p.returncode == 0 and args and str(args[0]) == "run" and "--help" not in map(str, args):
        assert_all_finite(written_file(args, kw.get("cwd")))
    return p


mcrisk_testlib.run = run_and_check


def pytest_configure(config):
    # Debian's netCDF4 was compiled against another numpy; Cython's import-
    # time ABI check says so in a RuntimeWarning that pytest shows once
    # numpy is imported before collection (mcrisk_testlib, above, does).
    # The ABI difference is the documented benign one (a larger ndarray).
    config.addinivalue_line("filterwarnings",
                            "ignore:numpy.ndarray size changed:RuntimeWarning")


def pytest_collection_modifyitems(config, items):
    if not os.environ.get("MCRISK_SANITIZE"):
        return
    skip = pytest.mark.skip(reason="valgrind cannot run a sanitizer build "
                                   f"(SANITIZE={os.environ['MCRISK_SANITIZE']})")
    for item in items:
        if "valgrind" in item.name:
            item.add_marker(skip)
