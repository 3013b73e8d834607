#!/usr/bin/env bash
# One prepared command for a machine with a GPU: time a probe of a study's gpu scale, fit its training lengths to the
# budget by that time alone (ckpt_study.gpu; the rule is in each study's Design section), run 3 seeds side by side, and
# pack what publishing needs (figures, claims, metrics, provenance; no checkpoints) into one archive. At home:
# `ckpt-study publish --from ARCHIVE`.
# usage: tools/gpu_run.sh SLUG [ARCHIVE]      (ARCHIVE default: $OUT/gpu-SLUG.tar.gz, or ./gpu-SLUG.tar.gz)
# env:   SCALE (default gpu), SEEDS (default "0 1 2"), LIMIT (seconds for probe and run together, default 480 = the
#        8-minute budget), PROBE (1: probe and fit, the default; 0: run the design as it is), PROBE_LIMIT (the probe's
#        limit, default ckpt_study.gpu.PROBE_SECONDS = 60), WHEELS (a folder of wheels for what the machine lacks, default .whl), PYTHON (default
#        python3), WORK (where the runs go, default a new temporary folder)
set -euo pipefail
slug=${1:?usage: tools/gpu_run.sh SLUG [ARCHIVE]}
archive=$(realpath -m "${2:-${OUT:-.}/gpu-$slug.tar.gz}")      # where the caller means, before the cd below
cd "$(dirname "$0")/.."
scale=${SCALE:-gpu} seeds=(${SEEDS:-0 1 2}) limit=${LIMIT:-480} wheels=${WHEELS:-.whl} py=${PYTHON:-python3}
probe=${PROBE:-1}
[ "${#seeds[@]}" -ge 1 ] || { echo "gpu_run.sh: SEEDS names no seed" >&2; exit 2; }
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if compgen -G "$wheels/*.whl" >/dev/null; then     # packages the machine lacks (papermill, datasets, nbdev, …)
    "$py" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site "$wheels"/*.whl
    export PYTHONPATH="$PYTHONPATH:/tmp/site"
fi
work=${WORK:-$(mktemp -d)}; mkdir -p "$work"
cores=$(nproc); threads=$(( cores / ${#seeds[@]} )); [ "$threads" -ge 1 ] || threads=1
# several seeds share the cores: ⌊cores/seeds⌋ threads each; one seed keeps torch's own default (as `ckpt-study run`)
[ "${#seeds[@]}" -gt 1 ] && omp=(env OMP_NUM_THREADS=$threads) || omp=()
t_start=$(date +%s.%N)
since() { "$py" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(date +%s.%N)"; }

run_seeds() {   # run_seeds ROOT SECONDS [KEY=VALUE ...]: the seeds side by side, each its own process and runs folder
    local root=$1 secs=$2; shift 2
    local over=(); for kv in "$@"; do over+=(-p "$kv"); done
    local pids=() failed=0
    for s in "${seeds[@]}"; do
        # SIGINT, as Ctrl-C: the runner stops the step and shuts its kernel down (a TERM would leave the kernel training)
        "${omp[@]}" timeout -s INT -k 60 "$secs" "$py" -m ckpt_study.cli run "$slug" --scale "$scale" --seed "$s" \
            --runs-dir "$root/s$s" "${over[@]}" > "$root/s$s.log" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        if ! wait "${pids[$i]}"; then echo "seed ${seeds[$i]} failed or ran out of time:"; tail -5 "$root/s${seeds[$i]}.log"; failed=1; fi
    done
    return $failed
}

lines() { local out; out=$("$py" -m ckpt_study.cli fit "$slug" --scale "$scale" "$@") || exit 1; [ -z "$out" ] || printf '%s\n' "$out"; }

fit=() left=$limit
if [ "$probe" = 1 ]; then           # (each `ckpt-study fit` call imports the library: seconds, so none without a probe)
    out=$(lines) || exit 1; lengths=(); [ -z "$out" ] || mapfile -t lengths <<< "$out"
    if [ "${#lengths[@]}" = 0 ]; then
        echo "== $slug has no length parameters: no probe, the design runs as it is"
    else
        probe_limit=${PROBE_LIMIT:-$("$py" -c "from ckpt_study.gpu import PROBE_SECONDS; print(PROBE_SECONDS)")}
        echo "== $slug at $scale: time probe, seeds ${seeds[*]} side by side with ${lengths[*]}, ${probe_limit}s at most"
        mkdir -p "$work/probe"; t0=$(date +%s.%N)
        run_seeds "$work/probe" "$probe_limit" "${lengths[@]}" || {
            echo "gpu_run.sh: the probe failed or did not finish in ${probe_limit}s: $slug's gpu design cannot fit ${limit}s here; nothing run" >&2; exit 1; }
        tp=$(since "$t0"); rm -rf "$work/probe"
        left=$("$py" -c "import sys; print(int(float(sys.argv[1]) - float(sys.argv[2]) - 30))" "$limit" "$(since "$t_start")")  # 30 s: packing
        out=$(lines --probe-seconds "$tp" --budget "$left") || exit 1; [ -z "$out" ] || mapfile -t fit <<< "$out"
    fi
fi
echo "== $slug at $scale: seeds ${seeds[*]} side by side${omp:+, $threads threads each}, ${left}s at most${fit:+, with ${fit[*]}}"
run_seeds "$work" "$left" "${fit[@]}" || exit 1
runs=(); for s in "${seeds[@]}"; do runs+=("$(ls -d "$work/s$s/$slug"/*/ | head -1)"); done
"$py" -m ckpt_study.cli pack "${runs[@]}" --out "$archive"
ls -l "$archive"
echo "== $(since "$t_start") s in all"
