"""The puma smoke chain end to end: puzzles, the arms trained in worker processes, their curves, the pool's
statistics, the speed-up table, figures and claims."""
import math
import pytest
from conftest import smoke_chain, check_figures
from ckpt_study.core import read_json
from ckpt_study.study import VERDICTS
from ckpt_study.studies.puma import STUDY, load_denoiser, solves


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    return smoke_chain("puma", tmp_path_factory.mktemp("runs"))


def test_jobs_and_models(smoke_run):
    m = read_json(smoke_run / "metrics" / "20_train.json")
    jobs = m["jobs"]
    assert sorted(j["name"] for j in jobs) == sorted(f"4x4 d32 scratch/{a}/s{r}" for a in ("mdm", "k1", "k4") for r in (0, 1))
    for j in jobs:
        assert [p["step"] for p in j["curve"]] == [0, 100, 200]
        assert all(0 <= p["solve_rate"] <= 1 and p["val_loss"] > 0 and p["path_loss"] > 0 for p in j["curve"])
        assert "confident_error" in j["curve"][-1] and "solve_rate_u3" in j["curve"][-1]
        final = load_denoiser(smoke_run / "models" / "4x4-d32-scratch" / f"{j['arm']}-s{j['replica']}" / "final")
        assert final.config.sudoku_size == 4 and not final.config.is_decoder
        assert (smoke_run / "models" / "4x4-d32-scratch" / f"{j['arm']}-s{j['replica']}" / "job.log").exists()  # worker log
    k4 = [j for j in jobs if j["arm"] == "k4"]
    assert all(j["pool"]["fresh_per_step"] == 16 and j["pool"]["mismatches"] == 0 and j["pool"]["forwards_per_step"] == 1 for j in k4)
    assert all(j["pool"]["fresh"] == 200 * 64 for j in jobs if j["arm"] == "k1")
    assert all(j["fresh_seen"] == 200 * 64 for j in jobs if j["arm"] == "mdm")


def test_speedup_figures_and_claims(smoke_run):
    s = read_json(smoke_run / "metrics" / "30_speedup.json")
    assert sorted((r["arm"], r["replica"]) for r in s["rows"]) == [("k1", 0), ("k1", 1), ("k4", 0), ("k4", 1)]
    for r in s["rows"]:
        assert r["speedup_0.5"] >= 0 or math.isnan(r["speedup_0.5"])
    check_figures(smoke_run / "figures", ["final_decoding.png", "k1_and_pool.png", "losses.png", "puzzles.png",
                                          "solve_curves.png", "speedup_map.png"])
    doc = read_json(smoke_run / "claims.json")
    assert doc["schema"] == 2 and doc["study"] == "puma" and doc["scale"] == "smoke"
    claims = {c["id"]: c for c in doc["rows"]}
    assert list(claims) == [c.id for c in STUDY.claims]
    for c in STUDY.claims:
        row = claims[c.id]
        assert row["kind"] == c.kind and row["verdict"] in VERDICTS, row
        if "smoke" not in c.scales: assert row["verdict"] == "not tested at this scale", row
        else: assert row["measured"] and row["replicas"], row
    for cid in STUDY.smoke_holds:                                          # S3 by construction: a failure is a bug
        assert claims[cid]["verdict"] == "reproduced", claims[cid]
    assert all(claims[c]["verdict"] == "not tested at this scale" for c in ("B1", "B2", "B3"))


def test_puzzles_solved_by_their_solutions(smoke_run):
    import datasets, numpy as np
    d = datasets.load_from_disk(str(smoke_run / "data" / "sudoku-4"))["test"].with_format("numpy")[:50]
    assert all(solves(c, s, 4) for c, s in zip(d["clues"], d["solution"]))
    assert all(not solves(np.where(c > 0, c % 4 + 1, 0), s, 4) for c, s in zip(d["clues"], d["solution"]))  # changed clues
