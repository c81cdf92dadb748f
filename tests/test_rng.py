"""test_rng.py -- `mcrisk rng` and the generators, checked against numpy at
test time, plus a few quick dieharder tests.

Run by `make check` with MCRISK (the binary) and MCRISK_BUILD (the build
directory, for tests/helpers/rngtool) in the environment.

- From an explicit (state, inc), `mcrisk rng --state --inc` prints exactly
  numpy's PCG64 / PCG64DXSM random_raw(), for small, typical and huge states;
  after advance(delta) too (through rngtool, as the CLI has no --advance).
- `mcrisk rng --seed s --trial i` prints exactly
  PCG64DXSM(SeedSequence(s, spawn_key=(i,))).random_raw(n).
- --raw writes the same numbers as little-endian uint64, and streams without
  -n until the reader closes the pipe (exit 0).
- Bad arguments exit 2 with one line `mcrisk: error: --flag: what`.
- dieharder's verdicts on one stream and on 64 neighbouring trial streams
  interleaved word by word (which would expose correlated neighbours).
"""
import os
import shutil
import subprocess

import numpy as np
import pytest

MCRISK = os.environ["MCRISK"]
RNGTOOL = os.path.join(os.environ["MCRISK_BUILD"], "tests", "helpers", "rngtool")

M128 = (1 << 128) - 1
N = 1000

# (state, inc) in numpy's convention: tiny, typical (numpy's own seeding of
# PCG64(12345)) and huge (the top of the 128-bit range).
_TYPICAL = np.random.PCG64(12345).state["state"]
STATES = [
    (0, 1),
    (1, 3),
    (_TYPICAL["state"], _TYPICAL["inc"]),
    (M128, M128),
    (M128 - 12345, (1 << 127) + 1),
    (0x0123456789ABCDEF0FEDCBA987654321, 0x0DEADBEEFCAFEBABE0123456789ABCDF),
]
GENERATORS = {"pcg64": np.random.PCG64, "pcg64dxsm": np.random.PCG64DXSM}


def run(*args, check=True):
    p = subprocess.run([MCRISK, "rng", *map(str, args)], capture_output=True, timeout=60)
    if check:
        assert p.returncode == 0, p.stderr.decode()
    return p


def numbers(p):
    return [int(line) for line in p.stdout.decode().split()]


def numpy_from_state(gen, state, inc):
    bg = GENERATORS[gen]()
    st = bg.state
    st["state"] = {"state": state, "inc": inc}
    bg.state = st
    return bg


def numpy_trial(seed, trial):
    return np.random.PCG64DXSM(np.random.SeedSequence(seed, spawn_key=(trial,)))


# ---- explicit states ---------------------------------------------------------

@pytest.mark.parametrize("gen", GENERATORS)
@pytest.mark.parametrize("state,inc", STATES)
def test_state_inc_matches_numpy(gen, state, inc):
    want = numpy_from_state(gen, state, inc).random_raw(N).tolist()
    assert numbers(run("--state", state, "--inc", inc, "--generator", gen, "-n", N)) == want
    # the same in hex, with and without 0x (the latter only when a letter shows it is hex)
    got = numbers(run("--state", hex(state), "--inc", f"0X{inc:X}", "--generator", gen, "-n", N))
    assert got == want
    if any(c in "abcdef" for c in f"{state:x}"):
        assert numbers(run("--state", f"{state:x}", "--inc", inc, "--generator", gen, "-n", 3)) == want[:3]


def test_default_generator_is_dxsm():
    state, inc = STATES[2]
    want = numpy_from_state("pcg64dxsm", state, inc).random_raw(5).tolist()
    assert numbers(run("--state", state, "--inc", inc, "-n", 5)) == want


@pytest.mark.parametrize("gen", GENERATORS)
@pytest.mark.parametrize("state,inc", [STATES[2], STATES[3], STATES[5]])
@pytest.mark.parametrize("delta", [0, 1, 2, 1000, (1 << 64) + 1, 1 << 127, M128 - 7, M128])
def test_advance_matches_numpy(gen, state, inc, delta):
    bg = numpy_from_state(gen, state, inc)
    bg.advance(delta)
    want = bg.random_raw(20).tolist()
    p = subprocess.run([RNGTOOL, "advance", gen, str(state), str(inc), str(delta), "20"],
                       capture_output=True, check=True, timeout=60)
    assert numbers(p) == want


# ---- trial streams -------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, (1 << 32) + 5, (1 << 64) - 1])
@pytest.mark.parametrize("trial", [0, 1, (1 << 32) + 3])
def test_trial_stream_matches_numpy(seed, trial):
    want = numpy_trial(seed, trial).random_raw(N).tolist()
    assert numbers(run("--seed", seed, "--trial", trial, "-n", N)) == want


def test_trial_defaults_to_zero_and_n_to_ten():
    want = numpy_trial(42, 0).random_raw(10).tolist()
    assert numbers(run("--seed", 42)) == want


def test_trial_stream_equals_its_state():
    """A trial's stream, restarted from the (state, inc) numpy derives for it."""
    st = numpy_trial(7, 3).state["state"]
    a = run("--seed", 7, "--trial", 3, "-n", 50).stdout
    b = run("--state", st["state"], "--inc", st["inc"], "--generator", "pcg64dxsm", "-n", 50).stdout
    assert a == b


# ---- raw output -----------------------------------------------------------------

def test_raw_is_little_endian_uint64():
    want = numpy_trial(9, 2).random_raw(N).astype("<u8").tobytes()
    assert run("--seed", 9, "--trial", 2, "-n", N, "--raw").stdout == want
    state, inc = STATES[5]
    want = numpy_from_state("pcg64", state, inc).random_raw(N).astype("<u8").tobytes()
    assert run("--state", state, "--inc", inc, "--generator", "pcg64", "--raw", "-n", N).stdout == want


def test_raw_streams_until_the_pipe_closes():
    size = 8 * 3_000_000        # several output buffers
    p = subprocess.Popen([MCRISK, "rng", "--seed", "5", "--raw"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    data = p.stdout.read(size)
    p.stdout.close()
    assert p.wait(timeout=60) == 0
    assert p.stderr.read() == b""
    assert data == numpy_trial(5, 0).random_raw(size // 8).astype("<u8").tobytes()


def test_text_output_to_closed_pipe_is_not_an_error():
    p = subprocess.run(f"'{MCRISK}' rng --seed 1 -n 5000000 | head -n 2; exit ${{PIPESTATUS[0]}}",
                       shell=True, executable="/bin/bash", capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.decode().split() == [str(x) for x in numpy_trial(1, 0).random_raw(2)]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_write_error_is_a_runtime_failure():
    with open("/dev/full", "wb") as full:
        p = subprocess.run([MCRISK, "rng", "--seed", "1", "-n", "100000"], stdout=full,
                           stderr=subprocess.PIPE, timeout=60)
    assert p.returncode == 1
    assert p.stderr.decode() == "mcrisk: error: writing to stdout: No space left on device\n"


def test_help():
    p = run("--help")
    assert p.stdout.decode().startswith("usage: mcrisk rng --seed N")
    assert "--state X" in p.stdout.decode()


# ---- bad arguments ---------------------------------------------------------------

BAD = [
    (["--seed", "-1"], "--seed: must be an integer in [0, 18446744073709551615], got '-1'"),
    (["--seed", "18446744073709551616"], "--seed: must be at most 18446744073709551615"),
    (["--seed", "1x"], "--seed: must be an integer"),
    (["--seed", "1", "--trial", "-3"], "--trial: must be an integer"),
    (["--state", "xyz", "--inc", "1"], "--state: must be a 128-bit unsigned integer"),
    (["--state", "1", "--inc", "0x"], "--inc: must be a 128-bit unsigned integer"),
    (["--state", str(1 << 128), "--inc", "1"], "--state: must be below 2^128"),
    (["--state", "1", "--inc", "4"], "--inc: must be odd"),
    (["--state", "1"], "--inc: required with --state"),
    (["--inc", "1"], "--state: required with --inc"),
    (["--state", "1", "--inc", "1", "--generator", "mt19937"], "--generator: must be pcg64 or pcg64dxsm"),
    (["--state", "1", "--inc", "1", "--trial", "2"], "--trial: only with --seed"),
    (["--seed", "1", "--state", "1", "--inc", "1"], "--state: cannot be combined with --seed"),
    (["--seed", "1", "--generator", "pcg64"], "--generator: cannot be combined with --seed"),
    (["--seed", "1", "-n", "0"], "-n: must be > 0, got 0"),
    (["--seed", "1", "-n", "-4"], "-n: must be a positive integer, got '-4'"),
    (["--seed", "1", "-n", "ten"], "-n: must be a positive integer, got 'ten'"),
    (["--seed", "1", "--frobnicate"], "--frobnicate: unknown option"),
    (["--seed", "1", "stray"], "stray: unexpected argument"),
    (["--seed"], "--seed: needs a value"),
    (["--seed", "1", "-n"], "-n: needs a value"),
    (["--seed", "1", "--seed", "2"], "--seed: given more than once"),
    ([], "--seed: required"),
]


@pytest.mark.parametrize("args,message", BAD, ids=[" ".join(a) or "none" for a, _ in BAD])
def test_bad_arguments_exit_2(args, message):
    p = run(*args, check=False)
    assert p.returncode == 2
    assert p.stdout == b""
    lines = p.stderr.decode().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("mcrisk: error: " + message), lines[0]


# ---- dieharder ----------------------------------------------------------------------

# Quick tests (under ~1.5 s each here): diehard birthdays (0), parking lot (10),
# runs (15), STS monobit (100). dieharder runs one -d per invocation.
QUICK = [0, 10, 15, 100]


def dieharder_verdicts(source, test):
    """Feed dieharder -g 200 (raw stdin) from `source`; return its verdicts."""
    src = subprocess.Popen(source, stdout=subprocess.PIPE)
    p = subprocess.run(["dieharder", "-g", "200", "-d", str(test)], stdin=src.stdout,
                       capture_output=True, timeout=120)
    src.stdout.close()
    assert src.wait(timeout=60) == 0          # EPIPE when dieharder stops reading: exit 0
    assert p.returncode == 0, p.stderr.decode()
    verdicts = []
    for line in p.stdout.decode().splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) == 6 and cells[5] in ("PASSED", "WEAK", "FAILED"):
            verdicts.append((cells[0], float(cells[4]), cells[5]))
    return verdicts


def check_verdicts(verdicts, expected_tests):
    # Every test reported; none FAILED (p < 1e-6). A WEAK (p < 0.005 or
    # > 0.995) happens by chance about once in 100 results, so one is allowed.
    assert len(verdicts) >= expected_tests, verdicts
    assert not [v for v in verdicts if v[2] == "FAILED"], verdicts
    assert len([v for v in verdicts if v[2] == "WEAK"]) <= 1, verdicts


dieharder = pytest.mark.skipif(shutil.which("dieharder") is None, reason="dieharder not installed")


@dieharder
def test_dieharder_one_stream():
    verdicts = []
    for t in QUICK:
        verdicts += dieharder_verdicts([MCRISK, "rng", "--seed", "1", "--raw"], t)
    check_verdicts(verdicts, len(QUICK))


@dieharder
def test_dieharder_neighbouring_trials_interleaved():
    verdicts = []
    for t in (0, 15, 100):
        verdicts += dieharder_verdicts([RNGTOOL, "interleave", "1", "0", "64"], t)
    check_verdicts(verdicts, 3)
