"""Pick a pre-training learning rate per model width by a small sweep on pre-training loss (never on a claim).

Runs the study's own `10_pretrain` notebook for every (width, learning rate) at a scale's settings, side by side
(`--jobs` at once, each in its own kernel; one GPU holds them all), and writes the final training loss of each (mean of the last 10%
of logged steps; the data is one pass, so this is a held-out loss) to a JSON file.

usage: python tools/lr_sweep.py rl_excursions --scale gpu --widths 256 512 --lrs 3e-4 1e-3 3e-3 --out sweep.json
"""
import argparse, json, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from ckpt_study.core import read_json
from ckpt_study.pipeline import get_study, execute_step, resolve

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("study"); ap.add_argument("--scale", default="gpu"); ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--widths", type=int, nargs="+", required=True); ap.add_argument("--lrs", type=float, nargs="+", required=True)
    ap.add_argument("--runs-dir", default="runs/lr_sweep"); ap.add_argument("--out", required=True)
    ap.add_argument("--jobs", type=int, default=2, help="pre-trainings at once (data generation is CPU-bound)")
    a = ap.parse_args()
    study = get_study(a.study)
    base = resolve(study, a.scale, a.seed)

    def one(width_lr):
        width, lr = width_lr
        d = Path(a.runs_dir, f"{a.study}-{a.scale}-d{width}-lr{lr:g}-s{a.seed}").resolve()
        d.mkdir(parents=True, exist_ok=True)
        secs = execute_step(study, "10_pretrain", d, base | dict(d_model=width, lr=lr, checkpoint_fracs=[1.0], run_dir=str(d)))
        hist = [h["loss"] for h in read_json(d / "metrics" / "10_pretrain.json")["history"]]
        tail = hist[-max(1, len(hist) // 10):]
        row = dict(d_model=width, lr=lr, final_loss=sum(tail) / len(tail), seconds=secs)
        print(row, flush=True)
        return row

    t0 = time.perf_counter()
    grid = [(w, lr) for w in a.widths for lr in a.lrs]
    with ThreadPoolExecutor(a.jobs) as ex: rows = list(ex.map(one, grid))
    best = {w: min((r for r in rows if r["d_model"] == w), key=lambda r: r["final_loss"])["lr"] for w in a.widths}
    out = dict(study=a.study, scale=a.scale, seed=a.seed, steps=base["steps"], batch_size=base["batch_size"],
               rows=rows, best_lr=best, wall_seconds=time.perf_counter() - t0)
    Path(a.out).write_text(json.dumps(out, indent=1))
    print("best lr per width:", best)

if __name__ == "__main__": main()
