"""The kerjepa smoke chain end to end: the math checks' metrics, the trainings (checkpoints as Hugging Face folders),
figures and claims; a resumed training equals an uninterrupted one; and, where LeJEPA's own package is installed,
its Epps–Pulley and SIGReg against this study's on the same inputs."""
import math

import pytest
import torch
from conftest import smoke_chain, check_figures
from ckpt_study.core import read_json
from ckpt_study.study import VERDICTS
from ckpt_study.studies.kerjepa import STUDY, JEPAModel, epps_pulley, epps_pulley_exact, sigreg, train_variant


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    return smoke_chain("kerjepa", tmp_path_factory.mktemp("runs"))


def test_math(smoke_run):
    m = read_json(smoke_run / "metrics" / "10_math.json")
    assert len(m["ep"]) == 5 and all(r["rel_closed"] < 1e-6 for r in m["ep"])
    assert len(m["slicing"]) == 3 and all(len(r["rms_rel_error"]) == 4 for r in m["slicing"])
    assert [r["d"] for r in m["tail"]] == [8, 32, 128]
    assert len(m["cosine"]) == 3 * 3 * 3 and all(0 < r["cos"] <= 1 for r in m["cosine"])


def test_trainings_and_claims(smoke_run):
    t = read_json(smoke_run / "metrics" / "20_train.json")
    assert sorted(r["variant"] for r in t["runs"]) == ["analytic@128", "none@128", "sigreg256@128"]
    assert t["test_images"] == 500
    for r in t["runs"]:
        assert len(r["probe_curve"]) == 1 and 0 <= r["probe"] <= 1 and r["rank_z"] >= 1
        ck = smoke_run / "jobs" / f"{r['variant']}-r0" / "checkpoints" / "step-000060"
        assert (ck / "model.safetensors").is_file() and (ck / "config.json").is_file()
        assert JEPAModel.from_pretrained(ck).config.proj_dim == 128
    check_figures(smoke_run / "figures", ["finite_vs_analytic.png", "gradient_cosine.png", "kernel_tail.png",
                                          "probe_by_regulariser.png", "probe_curves.png", "slicing_error.png",
                                          "training_curves.png"])
    doc = read_json(smoke_run / "claims.json")
    rows = {r["id"]: r for r in doc["rows"]}
    assert list(rows) == [c.id for c in STUDY.claims]
    for c in STUDY.claims:
        assert rows[c.id]["verdict"] in VERDICTS
        if "smoke" not in c.scales: assert rows[c.id]["verdict"] == "not tested at this scale"
    assert rows["S1"]["verdict"] == "reproduced", rows["S1"]


def test_resumed_training_is_the_same(tmp_path):
    "A training stopped after its first resume point and restarted ends where an uninterrupted one does."
    job = dict(name="j", variant="sigreg16@16", replica=0, seed=3, steps=20, batch_size=64, lr=2e-3, lam=0.1, views=2,
               probe_fracs=[1.0])
    whole = train_variant(dict(job, out=str(tmp_path / "whole")))
    import ckpt_study.train as tr
    orig = tr.gradient_step
    calls = []
    def stop_at_11(*a, **k):
        calls.append(1)
        if len(calls) == 11: raise KeyboardInterrupt
        return orig(*a, **k)
    tr.gradient_step = stop_at_11
    try:
        with pytest.raises(KeyboardInterrupt): train_variant(dict(job, out=str(tmp_path / "cut")))
    finally:
        tr.gradient_step = orig
    resumed = train_variant(dict(job, out=str(tmp_path / "cut")))
    assert resumed["history"][-1]["loss"] == pytest.approx(whole["history"][-1]["loss"], rel=1e-5)
    assert resumed["probe"] == whole["probe"]


def test_matches_lejepa():
    "LeJEPA's own EppsPulley (17 knots on [0, 3]) and sliced test on the same inputs and the same slice draws."
    lejepa = pytest.importorskip("lejepa")
    x = torch.randn(256, 8, generator=torch.Generator().manual_seed(0)) * 1.3 + 0.2
    ep = lejepa.univariate.EppsPulley(t_max=3, n_points=17)
    assert torch.allclose(ep(x), epps_pulley(x), rtol=1e-5)
    theirs = lejepa.multivariate.SlicingUnivariateTest(ep, num_slices=64)(x)        # slices from a generator seeded 0
    assert float(theirs) == pytest.approx(float(sigreg(x, 64, torch.Generator().manual_seed(0))), rel=1e-5)
    exact = [epps_pulley_exact(x[:, j].double().numpy())[0] for j in range(8)]
    assert max(abs(a / b - 1) for a, b in zip(ep(x).tolist(), exact)) < 0.06
