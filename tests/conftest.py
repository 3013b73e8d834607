"""Test settings: nothing may download, so every Hugging Face library is told to stay offline."""
import os

for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
    os.environ[var] = "1"

import subprocess
import sys
from pathlib import Path

CLI = [sys.executable, "-c", "import sys; from ckpt_study.cli import main; sys.exit(main())"]


ROOT = Path(__file__).resolve().parents[1]


def smoke_chain(slug: str, runs: Path) -> Path:
    """Run a study's smoke chain through its gpu command (`tools/gpu_run.sh`, seed 0, no time probe) into `runs`,
    check that the archive it packs publishes with `publish --from` to the run's own verdicts; return the run folder."""
    arc = runs / f"gpu-{slug}.tar.gz"
    env = dict(os.environ, SCALE="smoke", SEEDS="0", PROBE="0", LIMIT="900", WORK=str(runs), PYTHON=sys.executable,
               WHEELS=str(runs / "no-wheels"))
    r = subprocess.run(["bash", str(ROOT / "tools" / "gpu_run.sh"), slug, str(arc)], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=1200)
    log = runs / "s0.log"
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:] + (log.read_text()[-3000:] if log.exists() else "")
    (d,) = list((runs / "s0" / slug).iterdir())
    from ckpt_study.core import read_json
    dest = publish_from(arc, runs.parent / f"figures-{slug}", slug)
    assert read_json(dest / "claims.json")["rows"] == read_json(d / "claims.json")["rows"]
    return d


def publish_from(arc: Path, figures: Path, slug: str) -> Path:
    "Publish a packed archive with `ckpt-study publish --from` into `figures`; return the study's smoke folder there."
    r = subprocess.run(CLI + ["publish", "--from", str(arc), "--figures-dir", str(figures)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return figures / slug / "smoke"


def check_figures(folder: Path, names: list[str]) -> None:
    "The folder holds exactly these PNGs, each valid and small enough to commit."
    from PIL import Image
    assert sorted(p.name for p in folder.glob("*.png")) == sorted(names)
    for p in folder.glob("*.png"):
        with Image.open(p) as im:
            im.verify()
        assert 5_000 < p.stat().st_size < 300_000, p


def check_smoke_claims(run: Path, study, must_hold=("S1",)) -> dict:
    "The run's claims.json rows, by id: one per claim in order, each a known verdict, those not at smoke not tested, `must_hold` reproduced."
    from ckpt_study.core import read_json
    from ckpt_study.study import VERDICTS
    rows = {r["id"]: r for r in read_json(run / "claims.json")["rows"]}
    assert list(rows) == [c.id for c in study.claims]
    for c in study.claims:
        assert rows[c.id]["verdict"] in VERDICTS
        if "smoke" not in c.scales: assert rows[c.id]["verdict"] == "not tested at this scale"
    for cid in must_hold: assert rows[cid]["verdict"] == "reproduced", rows[cid]
    return rows


def stopped_at(n: int):
    "A context in which the shared training loop's n-th gradient step raises KeyboardInterrupt (a Ctrl-C mid-training)."
    import contextlib
    import ckpt_study.train as tr
    @contextlib.contextmanager
    def ctx():
        orig, calls = tr.gradient_step, []
        def step(*a, **k):
            calls.append(1)
            if len(calls) == n: raise KeyboardInterrupt
            return orig(*a, **k)
        tr.gradient_step = step
        try: yield
        finally: tr.gradient_step = orig
    return ctx()
