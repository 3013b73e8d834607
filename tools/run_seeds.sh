#!/usr/bin/env bash
# Run one study's chain for several seeds at once, one process per seed, then publish them together (one verdict
# per claim across seeds). The studies' models are small enough that one process leaves a GPU mostly idle, so
# seeds run side by side on one device finish in about the time of one.
# usage: tools/run_seeds.sh STUDY SCALE SEED [SEED ...] [-- EXTRA ckpt-study run ARGUMENTS]
set -euo pipefail
study=$1 scale=$2; shift 2
seeds=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do seeds+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
runs_dir=${RUNS_DIR:-runs}
mkdir -p "$runs_dir/logs"
pids=()
for s in "${seeds[@]}"; do
    ckpt-study run "$study" --scale "$scale" --seed "$s" --runs-dir "$runs_dir" "$@" > "$runs_dir/logs/$study-$scale-s$s.log" 2>&1 &
    pids+=($!)
    sleep 2                   # distinct run-folder time stamps
done
failed=0
for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then echo "seed ${seeds[$i]}: done"; else echo "seed ${seeds[$i]}: FAILED (see $runs_dir/logs/$study-$scale-s${seeds[$i]}.log)"; failed=1; fi
done
[ $failed = 0 ] || exit 1
runs=()
for s in "${seeds[@]}"; do
    runs+=("$(dirname "$(ls -d "$runs_dir/$study/$scale-s$s-"*/claims.json | tail -1)")")
done
ckpt-study publish "${runs[@]}"
