"""The rl_excursions smoke chain end to end, as a user runs it: artifacts, claims, figures, publishing, resuming,
and determinism (two runs with one seed give identical metrics)."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import smoke_chain
from ckpt_study.core import read_json
from ckpt_study.pipeline import notebook_path
from ckpt_study.study import SCHEMA, VERDICTS
from ckpt_study.studies.rl_excursions import STUDY

CLI = [sys.executable, "-c", "import sys; from ckpt_study.cli import main; sys.exit(main())"]
TIMING = {"train_seconds", "tokens_per_s", "eval_seconds", "wall_seconds", "rl_steps_per_s", "rollout_tokens_per_s"}
STEPS = STUDY.steps("smoke")


def run(*args, check=True):
    r = subprocess.run(CLI + list(args), capture_output=True, text=True, timeout=600)
    if check:
        assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return r


def only_run(runs: Path) -> Path:
    (d,) = list((runs / "rl_excursions").iterdir())
    return d


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    return smoke_chain("rl_excursions", tmp_path_factory.mktemp("runs"))


def test_artifacts(smoke_run):
    for f in ["params.json", "progress.json", "claims.json", "tokenizer/tokenizer.json",
              *[f"{s}.ipynb" for s in STEPS], *[f"metrics/{s}.json" for s in STEPS]]:
        assert (smoke_run / f).exists(), f
    ckpts = sorted((smoke_run / "checkpoints").glob("step-*"))
    assert [c.name for c in ckpts] == ["step-000020", "step-000200"]
    for c in ckpts:
        assert (c / "model.safetensors").exists() and (c / "config.json").exists()
    for ck in ("step-000020", "step-000200"):                      # E and L: every pipeline saved its model
        for pipe in ("rl", "sft", "sft_rllr", "sft_rl", "parallel"):
            assert any((smoke_run / "post" / ck / "r0" / pipe / "checkpoints").glob("step-*/model.safetensors")), (ck, pipe)
    executed = json.loads((smoke_run / "20_checkpoints.ipynb").read_text())
    assert any(c.get("outputs") for c in executed["cells"] if c["cell_type"] == "code")
    assert read_json(smoke_run / "params.json")["steps"] == 200


def test_figures_are_valid_pngs(smoke_run):
    pngs = sorted((smoke_run / "figures").glob("*.png"))
    assert [p.name for p in pngs] == ["along_rl.png", "checkpoints.png", "pipelines.png", "pretrain_loss.png", "regime.png", "training.png"]
    for p in pngs:
        with Image.open(p) as im:
            im.verify()
            assert im.format == "PNG"
        assert 5_000 < p.stat().st_size < 300_000


def test_claims_evaluated(smoke_run):
    doc = read_json(smoke_run / "claims.json")
    assert doc["schema"] == SCHEMA and doc["study"] == "rl_excursions" and doc["scale"] == "smoke"
    claims = {r["id"]: r for r in doc["rows"]}
    assert list(claims) == [c.id for c in STUDY.claims]
    for c in STUDY.claims:
        row = claims[c.id]
        assert row["scale"] == "smoke" and row["paper"] == c.paper and row["kind"] == c.kind, row
        assert row["verdict"] in VERDICTS, row
        if "smoke" in c.scales:
            assert row["measured"] and row["replicas"] == f"1 × {c.replicas}", row
        else:
            assert row["verdict"] == "not tested at this scale" and row["measured"] is None, row
        if c.id in STUDY.smoke_holds:
            assert row["verdict"] == "reproduced", row
    assert STUDY.smoke_holds == ("S1",)   # sanity: 200 steps of pre-training lower the loss


def test_publish_and_report(smoke_run, tmp_path):
    r = run("publish", str(smoke_run), "--figures-dir", str(tmp_path))
    dest = tmp_path / "rl_excursions" / "smoke"
    assert sorted(p.name for p in dest.iterdir()) == ["along_rl.png", "checkpoints.png", "claims.json", "pipelines.png",
                                                      "pretrain_loss.png", "provenance.json", "regime.png", "training.png"]
    prov = read_json(dest / "provenance.json")
    assert prov["seed"] == 0 and prov["params"]["steps"] == 200 and len(prov["code_fingerprint"]) == 16
    tb = prov["tensorboard"]["0"]                                         # the run's TensorBoard logs, linked
    assert tb["logs"] >= 1 and Path(tb["logdir"]).name == smoke_run.name, tb
    rep = run("report", "--figures-dir", str(tmp_path)).stdout
    (row,) = [line for line in rep.splitlines() if line.startswith("| `rl_excursions` |")]
    assert "(stale)" not in row and "sanity" in row, row                 # a fresh result, tallied
    prov["code_fingerprint"] = "0" * 16
    (dest / "provenance.json").write_text(json.dumps(prov))
    assert "rl_excursions/smoke" in run("report", "--stale", "--figures-dir", str(tmp_path)).stdout


def test_interrupted_chain_resumes_where_it_stopped(smoke_run, tmp_path):
    runs = tmp_path / "runs"
    copy = runs / "rl_excursions" / smoke_run.name
    shutil.copytree(smoke_run, copy)
    # as if the run was killed during 40_evaluate: that step never finished, no claims yet
    prog = read_json(copy / "progress.json"); del prog["done"]["40_evaluate"]
    (copy / "progress.json").write_text(json.dumps(prog))
    (copy / "claims.json").unlink(); (copy / "metrics" / "40_evaluate.json").unlink()
    before = (copy / "checkpoints" / "step-000200" / "model.safetensors").stat().st_mtime_ns
    out = run("run", "rl_excursions", "--scale", "smoke", "--seed", "0", "--runs-dir", str(runs)).stdout
    assert f"resuming {copy}" in out and "10_pretrain: done earlier, skipped" in out and "30_posttrain: done earlier, skipped" in out
    assert only_run(runs) == copy and (copy / "claims.json").exists()
    assert (copy / "checkpoints" / "step-000200" / "model.safetensors").stat().st_mtime_ns == before


def rerun_step(smoke_run, tmp_path, step):
    "A copy of the finished run with `step` (and what follows it) marked unfinished, ready to be resumed."
    runs = tmp_path / "runs"
    copy = runs / "rl_excursions" / smoke_run.name
    shutil.copytree(smoke_run, copy)
    prog = read_json(copy / "progress.json")
    prog["done"] = {s: v for s, v in prog["done"].items() if STEPS.index(s) < STEPS.index(step)}
    (copy / "progress.json").write_text(json.dumps(prog))
    (copy / "claims.json").unlink()
    return runs, copy


def test_missing_checkpoint_stops_the_chain(smoke_run, tmp_path):
    """#13 defect 1: a deleted checkpoint used to leave step 20 evaluating the others (exit 0, S1 flipped); now the
    chain stops naming it, and no verdict is written."""
    runs, copy = rerun_step(smoke_run, tmp_path, "20_checkpoints")
    shutil.rmtree(copy / "checkpoints" / "step-000020")
    r = run("run", "rl_excursions", "--scale", "smoke", "--seed", "0", "--runs-dir", str(runs), check=False)
    last = r.stderr.strip().splitlines()[-1]
    assert r.returncode == 1 and "chain failed" in last and "step-000020 is missing" in last, r.stderr[-2000:]
    assert not (copy / "claims.json").exists()


def test_damaged_checkpoint_stops_the_chain(smoke_run, tmp_path):
    """#13 defect 2: zeroed bytes inside a checkpoint's weights used to shift step 20's metrics silently."""
    runs, copy = rerun_step(smoke_run, tmp_path, "20_checkpoints")
    w = copy / "checkpoints" / "step-000200" / "model.safetensors"
    b = bytearray(w.read_bytes()); b[-4096:] = bytes(4096); w.write_bytes(bytes(b))
    r = run("run", "rl_excursions", "--scale", "smoke", "--seed", "0", "--runs-dir", str(runs), check=False)
    last = r.stderr.strip().splitlines()[-1]
    assert r.returncode == 1 and "step-000200/model.safetensors does not match its sha256" in last, r.stderr[-2000:]
    assert not (copy / "claims.json").exists()


def strip_timing(o):
    if isinstance(o, dict):
        return {k: strip_timing(v) for k, v in o.items() if k not in TIMING}
    return [strip_timing(v) for v in o] if isinstance(o, list) else o


def test_determinism(smoke_run, tmp_path):
    run("run", "rl_excursions", "--scale", "smoke", "--seed", "0", "--runs-dir", str(tmp_path))
    again = only_run(tmp_path)
    for step in STEPS:
        a = strip_timing(read_json(smoke_run / "metrics" / f"{step}.json"))
        b = strip_timing(read_json(again / "metrics" / f"{step}.json"))
        assert a == b, step
    assert read_json(smoke_run / "claims.json") == read_json(again / "claims.json")


def test_sft_gold_pipeline_runs(smoke_run, tmp_path):
    """SFT-Gold runs at the gpu scale only; here its notebook path runs on a copy of the smoke run."""
    import papermill as pm
    copy = tmp_path / "run"
    shutil.copytree(smoke_run, copy)
    pm.execute_notebook(str(notebook_path(STUDY, "30_posttrain")), str(tmp_path / "30_posttrain.ipynb"), progress_bar=False,
                        parameters=dict(run_dir=str(copy), post_at=["L"], pipelines=["sft_gold"], sft_steps=5, gold_solutions=4))
    post = read_json(copy / "metrics" / "30_posttrain.json")
    assert list(post["runs"]) == ["step-000200/r0/sft_gold"]
    gold = post["runs"]["step-000200/r0/sft_gold"]
    assert gold["steps"] == 5 and (copy / gold["final"] / "model.safetensors").exists()


def test_data_vs_scale_step(smoke_run, tmp_path):
    """A6 runs at gpu scale only; its notebook (two more pre-trainings and three RL runs, made by the chain's own
    notebooks) runs here on a copy of the smoke run with small evaluation settings, and its claim is evaluated."""
    from ckpt_study.pipeline import execute_step
    assert "50_data_vs_scale" in STUDY.chain and "50_data_vs_scale" not in STEPS
    copy = tmp_path / "run"
    shutil.copytree(smoke_run, copy)
    params = read_json(copy / "params.json") | dict(run_dir=str(copy), hard_rl_steps=2, n_test=8, n_samples=4, k=4)
    execute_step(STUDY, "50_data_vs_scale", copy, params)
    m = read_json(copy / "metrics" / "50_data_vs_scale.json")
    assert [(r["role"], r["model"]) for r in m["models"]] == [(a, k) for a in ("run", "math_heavy", "wide") for k in ("base", "RL")]
    wide, run_ = (next(r for r in m["models"] if r["role"] == a) for a in ("wide", "run"))
    assert wide["parameters"] > 3 * run_["parameters"]                     # 2× width: about 4× the parameters
    assert m["arms"]["math_heavy"]["change"] == {"math_frac": 0.4}
    assert (copy / "a6" / "run" / "checkpoints").is_symlink()             # the run's own model is reused
    assert (copy / "figures" / "data_vs_scale.png").stat().st_size > 5_000
    a6 = next(c for c in STUDY.claims if c.id == "A6")
    row = a6.evaluate([{"50_data_vs_scale": m}] * 3, "gpu")                 # as if three seeds gave this run
    assert row["verdict"] in VERDICTS and "after RL" in row["measured"] and row["replicas"] == "3 × training seed"
    assert [g["name"].split(":")[0] for g in row["gates"]][:2] == ["design", "measurable"]
    assert row["gates"][0]["holds"]                                         # the wide arm has 3–5× the parameters


def test_publish_several_seeds(smoke_run, tmp_path):
    """Two seeds published together: their metrics pooled into one row per claim, one effect per seed; a claim that
    holds at one seed and fails at the other straddles its threshold (inconclusive)."""
    other = tmp_path / "runs" / "rl_excursions" / (smoke_run.name + "-seed1")
    shutil.copytree(smoke_run, other)
    params = read_json(other / "params.json"); params["seed"] = 1
    (other / "params.json").write_text(json.dumps(params))
    ck = read_json(other / "metrics" / "20_checkpoints.json")     # seed 1's pre-training did not lower the loss
    ck["checkpoints"][-1]["general_loss"] = ck["checkpoints"][0]["general_loss"] + 1.0
    (other / "metrics" / "20_checkpoints.json").write_text(json.dumps(ck))
    figs = tmp_path / "figs"
    run("publish", str(smoke_run), str(other), "--figures-dir", str(figs))
    doc = read_json(figs / "rl_excursions" / "smoke" / "claims.json")
    assert doc["schema"] == SCHEMA and doc["runs"] == ["seed 0", "seed 1"]
    out = {r["id"]: r for r in doc["rows"]}
    s1 = out["S1"]
    assert s1["replicas"] == "2 × training seed" and "seed 0: " in s1["measured"] and "seed 1: " in s1["measured"]
    assert s1["interval"][0] < 0 < s1["interval"][1] and s1["verdict"] == "inconclusive", s1
    assert out["A1a"]["verdict"] == "not tested at this scale"
    prov = read_json(figs / "rl_excursions" / "smoke" / "provenance.json")
    assert prov["seed"] == [0, 1] and set(prov["wall_seconds"]) == {"0", "1"}
    assert run("publish", str(smoke_run), str(smoke_run), check=False).returncode == 2   # one seed twice: refused
