"""Set the puma study's learning rate on MDM alone (the spec: lr, batch size and steps are set on MDM and shared by
every arm), and time a training step per puzzle size. Usage: python tools/puma_calibrate.py [OUT.json]"""
import json, sys, tempfile, time
from pathlib import Path
import datasets
from ckpt_study.pipeline import resolve
from ckpt_study.jobs import run_jobs
from ckpt_study.data import save_data
from ckpt_study.studies.puma import BLANKS, grid_cells, grid_jobs, train_job, sudoku_split, STUDY

def main():
    p = resolve(STUDY, "cpu", 0)
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "figures/puma/benchmarks/lr_calibration_cpu.json")
    with tempfile.TemporaryDirectory() as d:
        run = Path(d)
        for n in (4, 6):
            split = sudoku_split(n, p["train_bases"], p["test_bases"], p["per_base"], BLANKS[n], 1000 + n)   # not the study's puzzles
            save_data(datasets.DatasetDict({k: datasets.Dataset.from_dict({"clues": c, "solution": s}) for k, (c, s) in split.items()}),
                      run / "data" / f"sudoku-{n}")   # a verified folder, as train_job's reader expects
        rows = []
        for lr in (1e-3, 2e-3, 4e-3):
            jobs = grid_jobs(grid_cells([dict(n=4, steps=600, seeds=2, arms=["mdm"])]), run / f"lr{lr:g}", seed=7, batch_size=p["batch_size"], lr=lr,
                             eval_every=100, eval_puzzles=256, path_puzzles=16)
            for j in jobs: j["data"] = str(run / "data" / "sudoku-4")
            for r in run_jobs(train_job, jobs, workers=2):
                rows.append(dict(n=4, lr=lr, replica=r["replica"], seconds=r["train_seconds"], solve=[c["solve_rate"] for c in r["curve"]],
                                 loss=[round(c["val_loss"], 4) for c in r["curve"]]))
                print(rows[-1])
        t = time.perf_counter()
        jobs = grid_jobs(grid_cells([dict(n=6, steps=100, seeds=2, arms=["mdm"])]), run / "t6", seed=7, batch_size=p["batch_size"], lr=2e-3,
                         eval_every=100, eval_puzzles=256, path_puzzles=64)
        for j in jobs: j["data"] = str(run / "data" / "sudoku-6")
        rows6 = [dict(n=6, seconds_per_100_steps=r["train_seconds"]) for r in run_jobs(train_job, jobs, workers=2)]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(rows=rows, timing_6x6=rows6, wall_6x6_with_eval=time.perf_counter() - t), indent=1))
    print(json.dumps(rows6))


if __name__ == "__main__":   # the workers are spawned processes, which import this file
    main()
