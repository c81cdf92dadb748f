#!/bin/sh
# bench-mpi.sh -- trials/s of the MPI build: 1 rank x 2 threads against 2 ranks x 1 thread.
#
#   scripts/bench-mpi.sh build-mpi/mcrisk [TRIALS]      (make bench MPI=yes)
#
# Runs the default scenario (inputs/scenarios/stargate.yaml) with TRIALS
# trials (default 400000) three times in each layout and prints the best
# rate of each, as mcrisk reports it (simulation, statistics and writing;
# not MPI's start-up), and their ratio. Ranks are not bound to cores
# (--bind-to none), so one rank's two threads may use two cores. On a
# quiet machine the two should be within 10% of each other: the split
# between ranks and threads changes the communication, not the work.
set -eu
BIN=${1:?usage: bench-mpi.sh MCRISK [TRIALS]}
TRIALS=${2:-400000}
SCENARIO=inputs/scenarios/stargate.yaml
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT INT TERM
ROOT=""
[ "$(id -u)" = 0 ] && ROOT="--allow-run-as-root"

# best trials/s of 3 runs of: mpirun -np $1 ... --threads $2
best() {
    b=0
    for i in 1 2 3; do
        r=$(mpirun -q $ROOT --bind-to none -np "$1" "$BIN" run "$SCENARIO" -o "$OUT/b.h5" --force \
              -n "$TRIALS" --threads "$2" 2>&1 >/dev/null \
            | sed -n 's/.*(\([0-9,]*\) trials\/s.*/\1/p' | tr -d ,)
        [ -n "$r" ] && [ "$r" -gt "$b" ] && b=$r
    done
    echo "$b"
}

a=$(best 1 2)
b=$(best 2 1)
printf 'mcrisk MPI, %s trials of %s (best of 3):\n' "$TRIALS" "$SCENARIO"
printf '  1 rank  x 2 threads  %10s trials/s\n' "$a"
printf '  2 ranks x 1 thread   %10s trials/s\n' "$b"
awk -v a="$a" -v b="$b" 'BEGIN { if (a > 0) printf "  ratio (2x1 / 1x2)     %10.3f\n", b / a }'
