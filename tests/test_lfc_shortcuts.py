"""The lfc_shortcuts smoke chain end to end: artifacts, models, figures and claims."""
import pytest
from conftest import smoke_chain, check_figures
from ckpt_study.core import read_json
from ckpt_study.studies.lfc_shortcuts import STUDY


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    return smoke_chain("lfc_shortcuts", tmp_path_factory.mktemp("runs"))


def test_artifacts_and_models(smoke_run):
    for step in STUDY.steps("smoke"):
        assert (smoke_run / f"{step}.ipynb").exists() and (smoke_run / "metrics" / f"{step}.json").exists(), step
    trained = read_json(smoke_run / "metrics" / "20_train.json")
    cells = sorted((m["variant"], m["k"]) for m in trained["models"])
    assert cells == [("digits", 0), ("shortcut", 0), ("shortcut", 3)]
    for m in trained["models"]:
        folder = smoke_run / "models" / f"{m['variant']}-{m['kind']}-k{m['k']}-s{m['seed']}" / "checkpoints"
        assert list(folder.glob("step-*/model.safetensors")), folder
    assert trained["k_star"] == {"shortcut": 3}                       # the only k ≥ 1, chosen on validation
    spectral = read_json(smoke_run / "metrics" / "30_spectral.json")["models"]
    assert {(r["variant"], r["k"]) for r in spectral} == {("digits", 0), ("shortcut", 0), ("shortcut", 3)}
    assert all(min(map(int, r["c"])) == r["k"] for r in spectral)      # a k-pruned model is probed from d = k on


def test_figures(smoke_run):
    check_figures(smoke_run / "figures", ["accuracy_vs_k.png", "corruptions_vs_k.png", "examples.png", "spectral_profiles.png"])


def test_claims(smoke_run):
    claims = {c["id"]: c for c in read_json(smoke_run / "claims.json")}
    assert list(claims) == [c.id for c in STUDY.claims]
    for c in STUDY.claims:
        expected = ("reproduced", "not reproduced") if "smoke" in c.scales else ("not tested at this scale",)
        assert claims[c.id]["verdict"] in expected, claims[c.id]
    assert claims["S2"]["verdict"] == "reproduced", claims["S2"]      # pruning is exact arithmetic
