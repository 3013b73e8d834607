"""The command line refuses bad input before anything runs: one line on stderr, no traceback, exit 2, nothing written."""
import os
import subprocess
import sys

import pytest

CLI = [sys.executable, "-c", "import sys; from ckpt_study.cli import main; sys.exit(main())"]

BAD = {
    "unknown study": ["run", "no_such_study", "--scale", "smoke"],
    "unknown scale": ["run", "rl_excursions", "--scale", "huge"],
    "unknown parameter": ["run", "rl_excursions", "--scale", "smoke", "-p", "stepz=10"],
    "wrong type": ["run", "rl_excursions", "--scale", "smoke", "-p", "steps=ten"],
    "float for int": ["run", "rl_excursions", "--scale", "smoke", "-p", "steps=2.5"],
    "not key=value": ["run", "rl_excursions", "--scale", "smoke", "-p", "steps"],
    "seed not an integer": ["run", "rl_excursions", "--scale", "smoke", "--seed", "one"],
    "runner parameter through -p": ["run", "rl_excursions", "--scale", "smoke", "-p", "seed=3"],
    "run_dir through -p": ["run", "rl_excursions", "--scale", "smoke", "-p", "run_dir=/tmp/x"],
    "empty scale": ["run", "rl_excursions", "--scale", ""],
    "negative seed": ["run", "rl_excursions", "--scale", "smoke", "--seed", "-1"],
    "seed above 2**32-1": ["run", "rl_excursions", "--scale", "smoke", "--seed", str(2**32)],
    "non-finite float": ["run", "rl_excursions", "--scale", "smoke", "-p", "lr=nan"],
    "repeated parameter": ["run", "rl_excursions", "--scale", "smoke", "-p", "lr=1e-3", "-p", "lr=2e-3"],
    "compare unfinished runs": ["compare", "does/not/exist", "nor/this"],
    "unknown command": ["frobnicate"],
    "publish an unfinished run": ["publish", "does/not/exist"],
}


@pytest.mark.parametrize("name", list(BAD))
def test_refusal(name, tmp_path):
    runs = tmp_path / "runs"
    args = BAD[name] + (["--runs-dir", str(runs)] if BAD[name][0] == "run" else [])
    r = subprocess.run(CLI + args, capture_output=True, text=True, env=dict(os.environ, HF_HUB_OFFLINE="1"))
    assert r.returncode == 2, (r.returncode, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("ckpt-study: error:"), r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert not runs.exists()


def test_list_names_the_study_and_its_parameters():
    r = subprocess.run(CLI + ["list"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "rl_excursions" in r.stdout and "-p steps=" in r.stdout and "S1 [sanity]:" in r.stdout


@pytest.mark.parametrize("args, hint", [
    (["run", "rl_excursion", "--scale", "smoke"], "did you mean 'rl_excursions'?"),       # #13 defect 9: a mistyped study
    (["run", "rl_excursions", "--scale", "smoke", "-p", "stps=3"], "did you mean 'steps'?"),
    (["run", "rl_excursions", "--scale", "smoke", "-p", "run_dir=/tmp/x"], "--runs-dir sets where runs go"),   # defect 6: no --run-dir
])
def test_refusals_say_what_was_meant(args, hint, tmp_path):
    r = subprocess.run(CLI + args + ["--runs-dir", str(tmp_path / "runs")], capture_output=True, text=True)
    assert r.returncode == 2 and hint in r.stderr and "--run-dir " not in r.stderr, r.stderr
    assert not (tmp_path / "runs").exists()
