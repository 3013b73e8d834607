"""Declared parameter ranges: every numeric chain parameter declares the values it may take, every default and every
scale's value lies inside, and the command line refuses a value outside before anything runs (one line on stderr,
exit 2, no run folder)."""
import os
import re
import subprocess
import sys

import nbformat
import pytest

from ckpt_study.pipeline import all_studies, declared, notebook_parameters, notebook_path, resolve
from ckpt_study.study import RUNNER_PARAMS, Study

CLI = [sys.executable, "-c", "import sys; from ckpt_study.cli import main; sys.exit(main())"]
STUDIES = all_studies()


@pytest.mark.parametrize("slug", sorted(STUDIES))
def test_every_numeric_parameter_declares_a_range(slug):
    study = STUDIES[slug]
    missing = [f"{step}: {k}" for step in study.chain for k, p in notebook_parameters(notebook_path(study, step)).items()
               if p.type in ("int", "float") and k not in RUNNER_PARAMS and p.range is None]
    assert not missing, f"{slug}: no declared range for " + ", ".join(missing)


@pytest.mark.parametrize("slug", sorted(STUDIES))
def test_defaults_and_every_scale_lie_in_their_ranges(slug):
    for scale in STUDIES[slug].params:
        resolve(STUDIES[slug], scale, 0)          # coerces the notebook defaults (when read) and the scale's values


def test_a_shared_parameter_declares_one_range(tmp_path):
    for step, note in (("10_a", ">= 1: models"), ("20_b", ">= 0: models")):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"n: int = 1  # {note}", metadata={"tags": ["parameters"]})])
        nbformat.write(nb, str(tmp_path / f"{step}.ipynb"))
    study = Study(slug="scratch", chain=["10_a", "20_b"], params={"smoke": {}}, folder=str(tmp_path), claims=[])
    with pytest.raises(ValueError, match="parameter n is int >= 1 in one notebook, int >= 0 in 20_b"):
        declared(study)


OUT_OF_RANGE = {
    "zero steps": ("steps=0", "parameter steps must be >= 1, got 0"),
    "negative steps": ("steps=-5", "parameter steps must be >= 1, got -5"),
    "zero learning rate": ("lr=0", "parameter lr must be > 0, got 0.0"),
    "a share above one": ("math_frac=1.5", "parameter math_frac must be in [0, 1], got 1.5"),
    "a list number out of range": ("checkpoint_fracs=[0.1, 1.5]", "parameter checkpoint_fracs: every number must be in (0, 1], got 1.5 in [0.1, 1.5]"),
}


@pytest.mark.parametrize("name", list(OUT_OF_RANGE))
def test_out_of_range_is_refused_before_anything_runs(name, tmp_path):
    value, message = OUT_OF_RANGE[name]
    runs = tmp_path / "runs"
    r = subprocess.run(CLI + ["run", "rl_excursions", "--scale", "smoke", "-p", value, "--runs-dir", str(runs)],
                       capture_output=True, text=True, timeout=300, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert r.returncode == 2, (r.returncode, r.stderr[-2000:])
    lines = r.stderr.strip().splitlines()
    assert lines == [f"ckpt-study: error: {message}"], r.stderr[-2000:]
    assert r.stdout == "" and not runs.exists()


def test_list_shows_each_range():
    r = subprocess.run(CLI + ["list"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert re.search(r"-p steps=\d+  \(int, >= 1\) ", r.stdout) and "(float, > 0)" in r.stdout, r.stdout
