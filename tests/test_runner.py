"""The chain runner on a throwaway study: a failing cell stops the chain with the notebook, cell and error named,
the executed notebook is kept, and no claims are written."""
from pathlib import Path

import nbformat
import pytest

from ckpt_study.core import read_json
from ckpt_study.pipeline import ChainError, run_chain
from ckpt_study.study import Claim, Study


def notebook(path: Path, *cells: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'scale: str = "smoke"  # scale\nseed: int = 0  # seed\nrun_dir: str = ""  # run\ndenominator: int = 1  # divide by',
        metadata={"tags": ["parameters"]})] + [nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    nbformat.write(nb, str(path))


@pytest.fixture
def study(tmp_path):
    notebook(tmp_path / "10_divide.ipynb",
             "from ckpt_study.core import write_json\nfrom pathlib import Path",
             "write_json(Path(run_dir) / 'metrics' / '10_divide.json', {'value': 1 / denominator})")
    value = lambda m: (f"value {m['10_divide']['value']}", abs(m["10_divide"]["value"] - 1))
    return Study(slug="scratch", chain=["10_divide"], params={"smoke": {}}, folder=str(tmp_path),
                 claims=[Claim("S1", "value is one", "1", value, "<", 1e-9, kind="sanity")])


def test_chain_runs_and_claims_are_checked(study, tmp_path):
    run = run_chain(study, "smoke", runs_dir=tmp_path / "runs", log=lambda *_: None)
    assert (run / "10_divide.ipynb").exists()
    doc = read_json(run / "claims.json")
    assert doc["schema"] == 2 and doc["study"] == "scratch" and doc["runs"] == ["seed 0"]
    (row,) = doc["rows"]
    assert row["verdict"] == "reproduced" and row["kind"] == "sanity" and row["value"] == 0.0, row


def test_failing_cell_names_notebook_cell_and_error(study, tmp_path):
    with pytest.raises(ChainError) as e:
        run_chain(study, "smoke", overrides={"denominator": "0"}, runs_dir=tmp_path / "runs", log=lambda *_: None)
    msg = str(e.value)
    assert "scratch/10_divide.ipynb failed in cell" in msg and "ZeroDivisionError" in msg
    (run,) = (tmp_path / "runs" / "scratch").iterdir()
    assert (run / "10_divide.ipynb").exists() and not (run / "claims.json").exists()


SCRIPT = """
import sys
import ckpt_study.cli as cli
from ckpt_study.study import Claim, Study
study = Study(slug="scratch", chain=["10_sleep"], params={"smoke": {}}, folder=sys.argv[1],
              claims=[Claim("S1", "ran", "-", lambda m: ("ran", 1.0), ">", 0, kind="sanity")])
cli.get_study = lambda slug: study
sys.exit(cli.main(["run", "scratch", "--scale", "smoke", "--runs-dir", sys.argv[2]] + sys.argv[3:]))
"""


@pytest.fixture
def sleeper(tmp_path):
    "A CLI process running a scratch chain whose one step sleeps; yields (popen, runs folder, command)."
    import subprocess, sys, time
    notebook(tmp_path / "10_sleep.ipynb", "import time\ntime.sleep(60)")
    cmd = [sys.executable, "-c", SCRIPT, str(tmp_path), str(tmp_path / "runs")]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for _ in range(600):                                  # until the step's kernel is running
        if list((tmp_path / "runs").glob("scratch/*/10_sleep.ipynb")): break
        time.sleep(0.1)
    time.sleep(3)
    yield p, tmp_path / "runs", cmd
    p.kill()


def test_a_live_run_is_never_shared(sleeper):
    import subprocess
    p, runs, cmd = sleeper
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, r.stderr
    assert r.stderr.strip().count("\n") == 0 and f"is being run by process {p.pid}" in r.stderr, r.stderr
    assert len(list((runs / "scratch").iterdir())) == 1      # nothing new was created


def test_ctrl_c_is_one_line_and_exit_130(sleeper):
    import signal
    p, runs, _ = sleeper
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=120)
    assert p.returncode == 130, (p.returncode, err[-2000:])
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "interrupted in scratch/10_sleep; rerun the same command to resume" in lines[0], err[-2000:]


def test_run_folders_are_race_free(tmp_path):
    from concurrent.futures import ThreadPoolExecutor
    from ckpt_study.core import new_run_dir
    with ThreadPoolExecutor(8) as ex:
        dirs = list(ex.map(lambda _: new_run_dir(tmp_path, "demo", "smoke", 0), range(16)))
    assert len(set(dirs)) == 16


def test_a_corrupt_params_file_does_not_block_later_runs(study, tmp_path):
    run = run_chain(study, "smoke", runs_dir=tmp_path / "runs", log=lambda *_: None)
    (run / "claims.json").unlink()                             # unfinished again
    (run / "params.json").write_text('{"scale": "smo')         # and truncated
    seen = []
    second = run_chain(study, "smoke", runs_dir=tmp_path / "runs", log=seen.append)
    assert second != run and any("params.json is not valid JSON" in s for s in seen), seen
