#!/usr/bin/env bash
# One prepared command for a machine with a GPU: run a study's gpu scale with 3 seeds side by side and pack what
# publishing needs (figures, claims, metrics, provenance; no checkpoints) into one archive, then publish it at home
# with `ckpt-study publish --from ARCHIVE`.
# usage: tools/gpu_run.sh SLUG [ARCHIVE]      (ARCHIVE default: $OUT/gpu-SLUG.tar.gz, or ./gpu-SLUG.tar.gz)
# env:   SCALE (default gpu), SEEDS (default "0 1 2"), LIMIT (seconds per seed, default 480 = the 8-minute budget),
#        WHEELS (a folder of wheels for what the machine lacks, default .whl), PYTHON (default python3)
set -euo pipefail
slug=${1:?usage: tools/gpu_run.sh SLUG [ARCHIVE]}
archive=$(realpath -m "${2:-${OUT:-.}/gpu-$slug.tar.gz}")      # where the caller means, before the cd below
cd "$(dirname "$0")/.."
scale=${SCALE:-gpu} seeds=(${SEEDS:-0 1 2}) limit=${LIMIT:-480} wheels=${WHEELS:-.whl} py=${PYTHON:-python3}
[ "${#seeds[@]}" -ge 1 ] || { echo "gpu_run.sh: SEEDS names no seed" >&2; exit 2; }
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if compgen -G "$wheels/*.whl" >/dev/null; then     # packages the machine lacks (papermill, datasets, nbdev, …)
    "$py" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site "$wheels"/*.whl
    export PYTHONPATH="$PYTHONPATH:/tmp/site"
fi
work=$(mktemp -d)
cores=$(nproc); threads=$(( cores / ${#seeds[@]} )); [ "$threads" -ge 1 ] || threads=1
echo "== $slug at $scale: seeds ${seeds[*]} side by side, $threads threads each, ${limit}s each at most"
pids=()
for s in "${seeds[@]}"; do         # one process per seed sharing the device; each its own runs folder
    # SIGINT, as Ctrl-C: the runner stops the step and shuts its kernel down (a TERM would leave the kernel training)
    OMP_NUM_THREADS=$threads timeout -s INT -k 60 "$limit" "$py" -m ckpt_study.cli run "$slug" --scale "$scale" --seed "$s" \
        --runs-dir "$work/s$s" > "$work/s$s.log" 2>&1 &
    pids+=($!)
done
failed=0
for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then echo "seed ${seeds[$i]} failed or ran out of time:"; tail -5 "$work/s${seeds[$i]}.log"; failed=1; fi
done
[ "$failed" = 0 ] || exit 1
runs=(); for s in "${seeds[@]}"; do runs+=("$(ls -d "$work/s$s/$slug"/*/ | head -1)"); done
"$py" -m ckpt_study.cli pack "${runs[@]}" --out "$archive"
ls -l "$archive"
