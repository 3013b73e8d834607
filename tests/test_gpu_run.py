"""The gpu command's time probe on CPU at smoke size: `tools/gpu_run.sh` probes the chain with its lengths cut
(`ckpt_study.gpu`), fits them to the budget, runs, packs one archive (no checkpoints), and `ckpt-study publish --from`
publishes it with the packing machine's provenance. (Every study's smoke test runs its chain through this command
without the probe: `conftest.smoke_chain`.)"""
import os, subprocess, sys, tarfile
from pathlib import Path
from ckpt_study.core import read_json
from conftest import publish_from

ROOT = Path(__file__).resolve().parents[1]


def gpu_run(tmp_path, slug, **env):
    env = dict(os.environ, SCALE="smoke", SEEDS="0", PYTHON=sys.executable, WHEELS=str(tmp_path / "no-wheels"),
               WORK=str(tmp_path / "work"), **env)
    arc = tmp_path / f"gpu-{slug}.tar.gz"
    r = subprocess.run(["bash", "tools/gpu_run.sh", slug, str(arc)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    return r, arc


def test_probe_fits_packs_and_publishes(tmp_path):
    r, arc = gpu_run(tmp_path, "lfc_shortcuts", LIMIT="900", PROBE_LIMIT="300")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "time probe, seeds 0 side by side with epochs=1" in r.stdout              # smoke's 2 epochs x 0.1, at least 1
    assert "fit: probe" in r.stderr and "-> lengths x 1" in r.stderr                  # a smoke run fits 900 s whole
    assert not (tmp_path / "work" / "probe").exists()                                  # the probe's runs are thrown away
    assert arc.stat().st_size < 16 * 2**20
    with tarfile.open(arc) as t: names = t.getnames()
    assert "archive.json" in names and not any("/models/" in n or "/data/" in n or n.endswith(".safetensors") for n in names)
    dest = publish_from(arc, tmp_path / "figures", "lfc_shortcuts")
    doc = read_json(dest / "claims.json")
    assert doc["scale"] == "smoke" and [x["id"] for x in doc["rows"]][:2] == ["S1", "S2"]
    prov = read_json(dest / "provenance.json")
    assert prov["archive"]["name"] == arc.name and prov["seed"] == 0 and prov["params"]["epochs"] == 2
    assert {p.name for p in dest.glob("*.png")} >= {"accuracy_vs_k.png", "examples.png"}
    bad = subprocess.run([sys.executable, "-m", "ckpt_study.cli", "publish", "--from", str(tmp_path / "missing.tar.gz")],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1          # refused in one line, nothing written


def test_a_probe_out_of_time_refuses_the_run(tmp_path):
    r, arc = gpu_run(tmp_path, "lfc_shortcuts", PROBE_LIMIT="2")
    assert r.returncode == 1 and "the probe failed or did not finish in 2s" in r.stderr, r.stdout + r.stderr
    assert not arc.exists() and not list((tmp_path / "work").glob("s0/lfc_shortcuts/*"))   # nothing run, nothing packed
