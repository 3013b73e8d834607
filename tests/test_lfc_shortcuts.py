"""The lfc_shortcuts smoke chain end to end: artifacts, models, figures and claims (claims.json schema 2)."""
import pytest
from conftest import smoke_chain, check_figures
from ckpt_study.core import read_json
from ckpt_study.study import VERDICTS, REPRODUCED, NOT_TESTED, SCHEMA
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
        assert len(m["loss_curve"]) == 10, m["loss_curve"]                # the convergence gates' curve
    assert trained["k_star"] == [dict(variant="shortcut", seed=0, k=3)]   # the only k ≥ 1 (one seed: its own validation)
    spectral = read_json(smoke_run / "metrics" / "30_spectral.json")["models"]
    assert {(r["variant"], r["k"]) for r in spectral} == {("digits", 0), ("shortcut", 0), ("shortcut", 3)}
    assert all(min(map(int, r["c"])) == r["k"] for r in spectral)      # a k-pruned model is probed from d = k on
    assert all(max(map(int, r["c"])) == 31 for r in spectral)          # smoke: d < max_diagonal = 32
    strength = read_json(smoke_run / "metrics" / "40_corruptions.json")["strength"]
    assert {(r["variant"], r["corruption"], r["recipe"], r["severity"]) for r in strength} == {
        (v, c, "imagenet_c", 1) for v in ("shortcut", "digits") for c in ("fog", "blur")}
    fog = [r for r in strength if (r["variant"], r["corruption"]) == ("shortcut", "fog")][0]
    assert fog["constants"] == [1.5, 2.0] and fog["snr_db"] < 2.4      # ImageNet-C severity 1: the paper's strength (#17)
    rows = read_json(smoke_run / "metrics" / "40_corruptions.json")["rows"]
    assert {(r["variant"], r["k"], r["corruption"]) for r in rows} == {
        (v, k, c) for v, k in (("shortcut", 0), ("shortcut", 3), ("digits", 0)) for c in ("none", "fog", "blur")}


def test_figures(smoke_run):
    check_figures(smoke_run / "figures", ["accuracy_vs_k.png", "corruptions_vs_k.png", "examples.png", "spectral_profiles.png"])


def test_claims(smoke_run):
    doc = read_json(smoke_run / "claims.json")
    assert (doc["schema"], doc["study"], doc["scale"]) == (SCHEMA, "lfc_shortcuts", "smoke")
    rows = {r["id"]: r for r in doc["rows"]}
    assert list(rows) == [c.id for c in STUDY.claims]
    for c in STUDY.claims:
        r = rows[c.id]
        assert r["verdict"] in VERDICTS and r["kind"] == c.kind, r
        if "smoke" not in c.scales: assert r["verdict"] == NOT_TESTED, r
    assert STUDY.smoke_holds == ("S2",)
    for cid in STUDY.smoke_holds:
        assert rows[cid]["verdict"] == REPRODUCED, rows[cid]          # pruning is exact arithmetic
    assert all(rows[c.id]["verdict"] == NOT_TESTED for c in STUDY.claims if c.kind == "headline")
