#!/usr/bin/env bash
# Set up .venv, then reproduce every study at the scale this machine supports (auto: gpu with CUDA, else cpu),
# and print the claims. Runs land in runs/; `ckpt-study publish RUN` copies one into figures/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
source .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1
ckpt-study run all --scale "${SCALE:-auto}"
