#!/usr/bin/env bash
# Set up .venv with ckpt_study and everything it needs (Python 3.11+). Safe to run again: it only adds what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "ckpt_study needs Python 3.11 or newer ($PY is $("$PY" --version))" >&2; exit 1; }
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# torch first and pinned: with no torch installed, a bare `torch` requirement pulls a multi-GB CUDA build
.venv/bin/python -m pip show torch >/dev/null 2>&1 || .venv/bin/python -m pip install -q "torch==2.13.0"
# the published environment's versions (tools/constraints.txt says why); pyproject keeps ranges for other uses
.venv/bin/python -m pip install -q -c tools/constraints.txt -e ".[dev]"
echo "ckpt_study is set up in .venv (activate with: source .venv/bin/activate)"
