#!/usr/bin/python3
"""bench-engine.py -- end-to-end throughput of `mcrisk run` (`make bench`).

    /usr/bin/python3 scripts/bench-engine.py build/mcrisk [--trials N] [--threads 1,2]
                                                [--scenario inputs/scenarios/stargate.yaml]

Runs the scenario (default: stargate.yaml at 1,000,000 trials) once per
thread count, best of --repeats, and prints trials per second end to end,
the speedup over one thread, the seconds spent in simulation, statistics
and writing (the run's own summary line on stderr), and the peak resident
memory (getrusage of the child) as bytes per trial beyond a 64 MiB
allowance. Targets (issue 4, on the 2-core development machine): >= 300,000
trials/s with 2 threads, speedup >= 1.8, peak memory <= 400 bytes per trial
+ 64 MiB.
"""
import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

LINE = re.compile(r"in ([0-9.]+) s \(.*simulation ([0-9.]+) s, statistics ([0-9.]+) s, "
                  r"writing ([0-9.]+) s\)")


def run_once(binary, scenario, trials, threads, out):
    """One run; returns (wall s, sim s, stats s, write s, peak RSS bytes)."""
    cmd = [binary, "run", scenario, "-o", out, "--force", "-n", str(trials),
           "--threads", str(threads)]
    env = dict(os.environ, OMP_PROC_BIND="false")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        sys.exit(f"bench-engine: {' '.join(cmd)} failed ({p.returncode}):\n{p.stderr}")
    m = LINE.search(p.stderr)
    if not m:
        sys.exit(f"bench-engine: no timing line in the output:\n{p.stderr}")
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far, in KiB
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    return wall, float(m.group(2)), float(m.group(3)), float(m.group(4)), rss, before


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--scenario", default="inputs/scenarios/stargate.yaml")
    ap.add_argument("--trials", type=int, default=1_000_000)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--repeats", type=int, default=2)
    a = ap.parse_args()
    counts = [int(t) for t in a.threads.split(",")]
    print(f"engine: {os.path.basename(a.scenario)}, {a.trials:,} trials, best of {a.repeats}")
    print(f"{'threads':>7} {'trials/s':>10} {'speedup':>8} {'wall s':>7} {'sim s':>6} "
          f"{'stats s':>7} {'write s':>7} {'peak RSS':>9} {'B/trial*':>9}")
    base = None
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.h5")
        for t in counts:
            best = None
            for _ in range(a.repeats):
                r = run_once(a.binary, a.scenario, a.trials, t, out)
                if best is None or r[0] < best[0]:
                    best = r
            wall, sim, stats, write, rss, _ = best
            rate = a.trials / wall
            base = base or rate
            per_trial = max(0, rss - (64 << 20)) / a.trials
            print(f"{t:>7} {rate:>10,.0f} {rate / base:>8.2f} {wall:>7.2f} {sim:>6.2f} "
                  f"{stats:>7.2f} {write:>7.2f} {rss / 2**20:>7.0f}Mi {per_trial:>9.0f}")
    print("* peak resident memory beyond 64 MiB, per trial (target <= 400); ru_maxrss is the "
          "largest of the runs so far, so read it for the last row")


if __name__ == "__main__":
    main()
