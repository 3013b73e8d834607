"""The interp_ood smoke chain end to end: the population, its models, scores, predictions, ablations, figures, claims."""
import pytest
from conftest import smoke_chain, check_figures
from ckpt_study.core import read_json
from ckpt_study.studies.interp_ood import STUDY


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    return smoke_chain("interp_ood", tmp_path_factory.mktemp("runs"))


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
    check_figures(smoke_run / "figures", ["ablation.png", "auroc.png", "ood_histogram.png", "scores_vs_ood.png"])
    claims = {c["id"]: c for c in read_json(smoke_run / "claims.json")}
    assert list(claims) == [c.id for c in STUDY.claims]
    for c in STUDY.claims:
        expected = ("reproduced", "not reproduced") if "smoke" in c.scales else ("not tested at this scale",)
        assert claims[c.id]["verdict"] in expected, claims[c.id]
