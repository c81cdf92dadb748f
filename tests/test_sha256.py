"""inputs/sha256.c against Python's hashlib, through tests/helpers/sha256_hex.

Lengths 0..200 cover every padding case (the length field fits in the last
block or needs another); a 1 MiB random input covers long streams. The bytes
come from a fixed seed so a failure reproduces.
"""
import hashlib
import os
import random
import subprocess

HELPER = os.path.join(os.environ["MCRISK_BUILD"], "tests", "helpers", "sha256_hex")


def digest(data: bytes) -> str:
    out = subprocess.run([HELPER], input=data, capture_output=True, check=True)
    return out.stdout.decode().strip()


def test_short_inputs_match_hashlib():
    rng = random.Random(20260401)
    for n in range(0, 201):
        data = bytes(rng.getrandbits(8) for _ in range(n))
        assert digest(data) == hashlib.sha256(data).hexdigest(), n


def test_long_input_matches_hashlib():
    data = random.Random(7).randbytes(1 << 20)
    assert digest(data) == hashlib.sha256(data).hexdigest()
