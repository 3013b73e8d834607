"""A chain run by hand, as JupyterLab runs its notebooks (no runner, so no `run_dir`), records params.json (marked
`by_hand`), progress.json and, after its last step, claims.json, so that `publish` takes it like any run; a run the
runner makes is recorded by the runner as before. On a scratch study of two notebooks, so that it takes seconds."""
import importlib.util
from pathlib import Path

import nbformat
import papermill as pm
import pytest

import ckpt_study.pipeline as pipeline
from ckpt_study.core import read_json

STUDY_MODULE = '''
from pathlib import Path
from ckpt_study.study import Claim, Study
value = lambda m: (f"value {m['20_double']['value']}", abs(m["20_double"]["value"] - 2))
STUDY = Study(slug="scratch", chain=["10_divide", "20_double"], params={"smoke": {}}, folder=str(Path(__file__).parent),
              claims=[Claim("S1", "the quotient doubled is two", "2", value, "<", 1e-9, kind="sanity")])
'''

# What a fresh checkout gives a JupyterLab kernel: settings.ini's runs folder and the studies under ckpt_study.studies.
# The scratch study lives in the test's folder instead, so the kernel is pointed there.
SETUP = '''import dataclasses, sys
from pathlib import Path
sys.path.insert(0, {folder!r})
import scratch_study
import ckpt_study.pipeline as pipeline
_settings = dataclasses.replace(pipeline.load_settings(), runs_dir=Path({runs!r}))
pipeline.load_settings = lambda root=None: _settings
pipeline.get_study = lambda slug: scratch_study.STUDY'''


def notebook(path: Path, params: str, setup: str, *cells: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        'scale: str = "smoke"  # scale\nseed: int = 0  # seed\nrun_dir: str = ""  # run\n' + params,
        metadata={"tags": ["parameters"]}), nbformat.v4.new_code_cell(setup)] + [nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "python3", "language": "python"}
    nbformat.write(nb, str(path))


@pytest.fixture
def study(tmp_path, monkeypatch):
    "The scratch study (its module and its two notebooks in `tmp_path`), known to `pipeline` in this process too."
    (tmp_path / "scratch_study.py").write_text(STUDY_MODULE)
    setup = SETUP.format(folder=str(tmp_path), runs=str(tmp_path / "runs"))
    notebook(tmp_path / "10_divide.ipynb", "denominator: int = 1  # >= 1: divide by", setup,
             "from ckpt_study.pipeline import notebook_run_dir, save_metrics\nrun = notebook_run_dir('scratch', scale, seed, run_dir)",
             "save_metrics(run, '10_divide', {'value': 1 / denominator})")
    notebook(tmp_path / "20_double.ipynb", "factor: int = 2  # >= 1: multiply by", setup,
             "from ckpt_study.core import read_json\nfrom ckpt_study.pipeline import notebook_run_dir, save_metrics\n"
             "run = notebook_run_dir('scratch', scale, seed, run_dir, needs='10_divide')\n"
             "value = read_json(run / 'metrics' / '10_divide.json')['value']",
             "save_metrics(run, '20_double', {'value': factor * value})")
    spec = importlib.util.spec_from_file_location("scratch_study", tmp_path / "scratch_study.py")
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    monkeypatch.setattr(pipeline, "get_study", lambda slug: mod.STUDY)
    return mod.STUDY


def by_hand(tmp_path: Path, step: str, **edits) -> None:
    "Run one chain notebook top to bottom as JupyterLab does: its own kernel, no run_dir; `edits` change its parameters."
    work = tmp_path / "lab"; work.mkdir(exist_ok=True)
    pm.execute_notebook(str(tmp_path / f"{step}.ipynb"), str(work / f"{step}.ipynb"), parameters=edits,
                        kernel_name="python3", cwd=str(work), progress_bar=False)


def test_a_chain_run_by_hand_is_recorded_and_publishes(study, tmp_path):
    by_hand(tmp_path, "10_divide", denominator=2)
    (run,) = (tmp_path / "runs" / "scratch").iterdir()
    assert not (run / "claims.json").exists()                       # not finished yet
    by_hand(tmp_path, "20_double", factor=4)
    assert list((tmp_path / "runs" / "scratch").iterdir()) == [run]  # the second notebook found the first's run
    params = read_json(run / "params.json")
    assert params == dict(denominator=2, factor=4, by_hand=True, scale="smoke", seed=0, run_dir=str(run.resolve())), params
    done = read_json(run / "progress.json")["done"]
    assert list(done) == ["10_divide", "20_double"] and all(isinstance(s, float) and s >= 0 for s in done.values()), done
    doc = read_json(run / "claims.json")
    assert doc["study"] == "scratch" and doc["runs"] == ["seed 0"] and doc["rows"][0]["verdict"] == "reproduced", doc
    dest = pipeline.publish(run, tmp_path / "figures")
    assert dest == tmp_path / "figures" / "scratch" / "smoke"
    prov = read_json(dest / "provenance.json")
    assert prov["params"] == dict(denominator=2, factor=4, by_hand=True, scale="smoke") and prov["wall_seconds"] == done, prov
    assert read_json(dest / "claims.json")["rows"][0]["verdict"] == "reproduced"


def test_a_run_by_the_runner_is_recorded_as_before(study, tmp_path, caplog):
    run = pipeline.run_chain(study, "smoke", runs_dir=tmp_path / "runs", log=lambda *_: None)
    assert not [r for r in caplog.records if r.name.startswith("papermill") and r.levelname == "WARNING"]   # `>=` in a range: no noise
    params = read_json(run / "params.json")
    assert params == dict(denominator=1, factor=2, scale="smoke", seed=0, run_dir=str(run.resolve())), params
    assert list(read_json(run / "progress.json")["done"]) == ["10_divide", "20_double"]
    assert read_json(run / "claims.json")["rows"][0]["verdict"] == "reproduced"
