"""The interp_ood smoke chain end to end: the population, its models, scores, predictions, ablations, figures, claims."""
import subprocess
import sys

import pytest
from PIL import Image

from ckpt_study.core import read_json
from ckpt_study.studies.interp_ood import STUDY

CLI = [sys.executable, "-c", "import sys; from ckpt_study.cli import main; sys.exit(main())"]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    runs = tmp_path_factory.mktemp("runs")
    r = subprocess.run(CLI + ["run", "interp_ood", "--scale", "smoke", "--seed", "0", "--runs-dir", str(runs)],
                       capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    (d,) = list((runs / "interp_ood").iterdir())
    return d


def test_population(smoke_run):
    pop = read_json(smoke_run / "metrics" / "10_population.json")
    assert len(pop["models"]) == 8 and len({m["name"] for m in pop["models"]}) == 8
    for m in pop["models"]:
        assert (smoke_run / "models" / m["name"] / "model.safetensors").exists()
        assert m["rule"] in ("EQUAL-COUNT", "FIRST-SYMBOL", "NESTED", "OTHER") and 0 <= m["ood_acc"] <= 1
    assert pop["speedup"]["factor"] > 0 and pop["speedup"]["models"] == 4
    heads = read_json(smoke_run / "metrics" / "20_heads.json")["heads"]
    assert len(heads) == sum(m["n_layer"] * m["n_head"] for m in pop["models"])


def test_figures_and_claims(smoke_run):
    pngs = sorted(p.name for p in (smoke_run / "figures").glob("*.png"))
    assert pngs == ["ablation.png", "auroc.png", "ood_histogram.png", "scores_vs_ood.png"]
    for p in (smoke_run / "figures").glob("*.png"):
        with Image.open(p) as im:
            im.verify()
        assert 5_000 < p.stat().st_size < 300_000
    claims = {c["id"]: c for c in read_json(smoke_run / "claims.json")}
    assert list(claims) == [c.id for c in STUDY.claims]
    for c in STUDY.claims:
        expected = ("reproduced", "not reproduced") if "smoke" in c.scales else ("not tested at this scale",)
        assert claims[c.id]["verdict"] in expected, claims[c.id]
