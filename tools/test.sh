#!/usr/bin/env bash
# Set up .venv, then run every check CI runs: notebooks and library in sync, README up to date, the notebooks'
# inline tests, and pytest (library tests and the rl_excursions smoke chain end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/setup.sh
source .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1

# the docs browser check drives Debian's Chromium (never a downloaded browser); install it where we can
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing Debian's chromium for the docs browser check"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1 \
    || echo "could not install chromium: the browser check will be skipped"
fi

echo "== notebooks are the source of truth: exporting and cleaning must change nothing"
nbdev-export
nbdev-clean
if git rev-parse --git-dir >/dev/null 2>&1; then
  changed=$(git status --porcelain -- ckpt_study nbs)
  if [ -n "$changed" ]; then echo "nbdev-export/nbdev-clean changed files (edit nbs/, export, clean, commit):"; echo "$changed"; exit 1; fi
else
  echo "(not a git checkout: sync check skipped)"
fi
ckpt-study readme --check

echo "== notebook tests (library and study notebooks; chain notebooks run through the pipeline tests)"
nbdev-test --n-workers 2 --skip-file-re '^([_.]|[1-9][0-9]_(?!docs\.))'

echo "== published results whose code changed since"
ckpt-study report --stale

echo "== pytest"
pytest -q -p no:cacheprovider
