"""The interp_ood smoke chain end to end: the population, its models, scores, predictions, ablations, figures, claims."""
import math

import pytest
from conftest import smoke_chain, check_figures
from ckpt_study.core import read_json
from ckpt_study.study import SCHEMA, VERDICTS
from ckpt_study.studies.interp_ood import STUDY


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    return smoke_chain("interp_ood", tmp_path_factory.mktemp("runs"))


def test_population(smoke_run):
    pop = read_json(smoke_run / "metrics" / "10_population.json")
    assert len(pop["models"]) == 8 and len({m["name"] for m in pop["models"]}) == 8
    assert pop["curve_fracs"] == [i / 16 for i in range(1, 17)] and pop["lr"] * pop["steps"] > 0 and pop["decay"] == "coupled"
    for m in pop["models"]:
        assert (smoke_run / "models" / m["name"] / "model.safetensors").exists()
        assert m["rule"] in ("EQUAL-COUNT", "FIRST-SYMBOL", "NESTED", "OTHER") and 0 <= m["ood_acc"] <= 1
        assert len(m["ood_curve"]) == len(m["id_curve"]) == 16 and all(0 <= v <= 1 for v in m["ood_curve"] + m["id_curve"])
        assert math.isclose(m["ood_curve"][-1], m["ood_acc"], abs_tol=0.01)   # the last probe is the trained model (batched forward)
        assert math.isclose(m["id_curve"][-1], m["id_acc"], abs_tol=0.01)
    assert pop["speedup"]["factor"] > 0 and pop["speedup"]["models"] == 4
    heads = read_json(smoke_run / "metrics" / "20_heads.json")["heads"]
    assert len(heads) == sum(m["n_layer"] * m["n_head"] for m in pop["models"])


def test_figures_and_claims(smoke_run):
    check_figures(smoke_run / "figures", ["ablation.png", "auroc.png", "ood_along_training.png", "ood_histogram.png", "scores_vs_ood.png"])
    abl = read_json(smoke_run / "metrics" / "40_ablation.json")["rows"]
    assert abl and all(r["n_layer"] >= 2 and r["group"] in ("sign-matching", "violation-detecting", "both", "neither") for r in abl)
    assert {r["ablation"] for r in abl} == {"mean", "uniform"}
    doc = read_json(smoke_run / "claims.json")
    assert doc["schema"] == SCHEMA and doc["study"] == "interp_ood" and doc["scale"] == "smoke"
    claims = {r["id"]: r for r in doc["rows"]}
    assert list(claims) == [c.id for c in STUDY.claims]
    for c in STUDY.claims:
        row = claims[c.id]
        assert row["verdict"] in VERDICTS and row["kind"] == c.kind, row
        if c.id in STUDY.smoke_holds:
            assert row["verdict"] == "reproduced", row
        if "smoke" not in c.scales:
            assert row["verdict"] == "not tested at this scale", row
    assert STUDY.smoke_holds == ("S1",)
