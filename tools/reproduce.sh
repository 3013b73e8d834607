#!/usr/bin/env bash
# Set up .venv, then reproduce every study at the scale this machine supports (auto: gpu with CUDA, else cpu) with
# seeds 0 1 2 (headline claims are decided on 3 replicas), and print the claims. SCALE=smoke: one seed, a quick look.
# Runs land in runs/; `ckpt-study publish RUN0 RUN1 RUN2` copies a study's seeds into figures/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
source .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
scale="${SCALE:-auto}"
if [ "$scale" = smoke ]; then seeds="0"; else seeds="0 1 2"; fi
ckpt-study run all --scale "$scale" --seed $seeds
