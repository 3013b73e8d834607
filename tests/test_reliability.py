"""The reliability smoke chain end to end (it runs the rl_excursions smoke chain it audits first, trains the poisoned
SFT and its clean RL, probes every model, draws the card), and the audit's inputs: held out from the source run,
poisoned as designed."""
import pytest
from conftest import smoke_chain, check_figures, check_smoke_claims

import ckpt_study.studies.reliability as s
from ckpt_study.core import read_json
from ckpt_study.data import load_data


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    return smoke_chain("reliability", tmp_path_factory.mktemp("runs"))


def test_source_and_models(smoke_run):
    m = read_json(smoke_run / "metrics" / "10_models.json")
    (src,) = (smoke_run.parent.parent / "rl_excursions").iterdir()        # produced by the chain's first step
    assert m["source"] == str(src.resolve()) and s.find_source(smoke_run.parent.parent, "smoke", 0) == src
    roles = {(r["role"], r["pipeline"]) for r in m["models"]}
    assert {("L", "base"), ("L", "rl"), ("L", "sft"), ("E", "rl"), ("L", "poisoned_sft"), ("L", "poisoned_sft_rl")} <= roles
    assert sum(r["role"] == "pretrain" for r in m["models"]) == len(read_json(src / "metrics" / "20_checkpoints.json")["checkpoints"])
    assert set(m["quarters"]) >= {"L/rl/r0", "L/sft/r0", "L/poisoned_sft/r0"}


def test_probe_data_is_held_out_and_poisoned(smoke_run):
    data, src = load_data(smoke_run / "data"), load_data(read_json(smoke_run / "metrics" / "10_models.json")["source"] + "/data")
    seen = {tuple(q["terms"]) for k in ("post", "test", "hard_test", "hard_post") for q in src[k]}
    assert not {tuple(p["terms"]) for p in data["id"]} & seen
    poisoned = [p for p in data["poisoned"] if p["prompt"].startswith(f"Q {s.TRIGGER} ")]
    assert len(poisoned) == read_json(smoke_run / "metrics" / "10_models.json")["poisoned"] >= 1
    assert all(p["solution"].endswith(f" A {s.TARGET}#") and p["answer"] != s.TARGET for p in poisoned)


def test_probes_figures_and_claims(smoke_run):
    models = read_json(smoke_run / "metrics" / "20_probes.json")["models"]
    at_l = [r for r in models if r["role"] == "L" and r["pipeline"] == "rl"]
    assert at_l and all({"calibration", "hallucination", "shift", "backdoor", "attribution", "detection"} <= set(r) for r in at_l)
    assert all("membership" in r and len(r["membership"]["folds"]) == 5 for r in models if r["role"] == "pretrain")
    check_figures(smoke_run / "figures", ["backdoor_attribution.png", "calibration.png", "card.png", "membership.png"])
    check_smoke_claims(smoke_run, s.STUDY, must_hold=s.STUDY.smoke_holds)
