"""The chain runner on a throwaway study: a failing cell stops the chain with the notebook, cell and error named,
the executed notebook is kept, and no claims are written."""
from pathlib import Path

import nbformat
import pytest

from ckpt_study.pipeline import ChainError, Claim, Study, run_chain


class ScratchStudy(Study):
    """A study whose notebooks live in a temporary folder."""
    folder: Path = Path(".")

    @property
    def nb_dir(self) -> Path:
        return self.folder


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
    s = ScratchStudy(slug="scratch", chain=["10_divide"], params={"smoke": {}},
                     claims=[Claim("C1", "value is one", "1", lambda m: (m["10_divide"]["value"], m["10_divide"]["value"] == 1), ("smoke",))])
    s.folder = tmp_path
    return s


def test_chain_runs_and_claims_are_checked(study, tmp_path):
    run = run_chain(study, "smoke", runs_dir=tmp_path / "runs", log=lambda *_: None)
    assert (run / "10_divide.ipynb").exists()
    assert __import__("json").loads((run / "claims.json").read_text())[0]["verdict"] == "reproduced"


def test_failing_cell_names_notebook_cell_and_error(study, tmp_path):
    with pytest.raises(ChainError) as e:
        run_chain(study, "smoke", overrides={"denominator": "0"}, runs_dir=tmp_path / "runs", log=lambda *_: None)
    msg = str(e.value)
    assert "scratch/10_divide.ipynb failed in cell" in msg and "ZeroDivisionError" in msg
    (run,) = (tmp_path / "runs" / "scratch").iterdir()
    assert (run / "10_divide.ipynb").exists() and not (run / "claims.json").exists()
