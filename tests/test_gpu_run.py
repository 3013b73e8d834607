"""The gpu command end to end on CPU at smoke size: `tools/gpu_run.sh` runs a study's chain, packs the run into one
archive (no checkpoints), and `ckpt-study publish --from` publishes it here with the packing machine's provenance."""
import os, subprocess, sys, tarfile
from pathlib import Path
from ckpt_study.core import read_json

ROOT = Path(__file__).resolve().parents[1]


def test_gpu_command_packs_and_publishes(tmp_path):
    env = dict(os.environ, SCALE="smoke", SEEDS="0", PYTHON=sys.executable, WHEELS=str(tmp_path / "no-wheels"))
    arc = tmp_path / "gpu-lfc_shortcuts.tar.gz"
    r = subprocess.run(["bash", "tools/gpu_run.sh", "lfc_shortcuts", str(arc)], cwd=ROOT, env=env, capture_output=True,
                       text=True, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert arc.stat().st_size < 16 * 2**20
    with tarfile.open(arc) as t: names = t.getnames()
    assert "archive.json" in names and not any("/models/" in n or "/data/" in n or n.endswith(".safetensors") for n in names)
    figures = tmp_path / "figures"
    r = subprocess.run([sys.executable, "-m", "ckpt_study.cli", "publish", "--from", str(arc), "--figures-dir", str(figures)],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    dest = figures / "lfc_shortcuts" / "smoke"
    doc = read_json(dest / "claims.json")
    assert doc["scale"] == "smoke" and [x["id"] for x in doc["rows"]][:2] == ["S1", "S2"]
    prov = read_json(dest / "provenance.json")
    assert prov["archive"]["name"] == arc.name and prov["seed"] == 0
    assert {p.name for p in dest.glob("*.png")} >= {"accuracy_vs_k.png", "examples.png"}
    bad = subprocess.run([sys.executable, "-m", "ckpt_study.cli", "publish", "--from", str(tmp_path / "missing.tar.gz")],
                         cwd=ROOT, capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1          # refused in one line, nothing written

