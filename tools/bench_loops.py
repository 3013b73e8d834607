"""Benchmarks of the shared loops (#25), each a ratio measured in one run on this machine; not tests.

    python tools/bench_loops.py train OUT.json   # ckpt_study.train.train vs a plain PyTorch loop: tokens/s
    python tools/bench_loops.py jobs OUT.json    # ckpt_study.jobs.run_jobs with 1 vs 2 workers: jobs/min
    python tools/bench_loops.py interp OUT.json  # interp_ood's vmapped population step: ms vs models, and compiled
    python tools/bench_loops.py population OUT.json  # interp_ood: the vmapped population vs one model at a time
    python tools/bench_loops.py data OUT.json    # rl_excursions' pre-training data: generation and tokenisation, s

`train`: the model, data, batches (the same `batch_indices`), optimiser (AdamW, betas 0.9/0.95, weight decay 0.1),
clipping (1.0) and cosine schedule are the same in both loops: `train` as the studies call it (a `datasets`
dataset as rl_excursions' pre-training, or `TensorBatches`; TensorBoard logging; resume state every tenth; a final
checkpoint), against a nanoGPT-style loop over one tensor with none of that. Both see identical batches, so their
final losses must agree (checked): the ratio compares the same computation. The order alternates (plain, train,
plain, ...) so that drift of the machine hits both; the ratio is of the medians.

`jobs`: four equal CPU-bound jobs (a short pre-training each), run by `run_jobs` with 1 worker (in process, torch's
threads) and with 2 (spawned processes, one thread each).

`interp`: one step of interp_ood's `train_population` computation (vmapped GPT-2 forward, backward, Adam) on one
thread, at batch 32, strings ≤ 24, d 32, 2 heads, for several (layers, models); and the same step with the loss under
`torch.compile`. It tells whether the step is bound by per-op overhead (time flat in the models) or by compute.

`population`: interp_ood's batched population training against one model at a time: `models` models of one shape
trained for the same steps either as one vmapped population (one step updates all) or as that many populations of
one, one after the other (the same code, as a loop over models would run it); 1 thread, medians of 3, alternating.

`data`: rl_excursions' pre-training set at its cpu and gpu sizes (steps × batch texts): `build_data` (the text), then
`data.lm_dataset` (tokenise, pad, `datasets.Dataset`), against a direct path through the `tokenizers` backend
(`encode_batch_fast`, which skips the offsets and the per-text Python objects that `PreTrainedTokenizerFast.__call__`
builds) into the same arrays; the arrays must be equal (checked). Medians of 3, one process."""
import os, sys, json, time, tempfile, platform, statistics
from pathlib import Path
import numpy as np, torch, datasets
from transformers import get_cosine_schedule_with_warmup
from ckpt_study.models import tiny_llama
from ckpt_study.train import train, batch_indices, TensorBatches
from ckpt_study.jobs import run_jobs
from ckpt_study.core import write_json

VOCAB, T, N = 64, 40, 8192          # rl_excursions' pre-training shapes: vocabulary ≈ 60, 40 tokens, d 64, 2 layers
STEPS, BATCH, LR = 300, 64, 1e-3
REPS = int(os.environ.get("REPS", 3))   # repeats of each timing (medians)

def _what(mode: str) -> str:
    "The docstring's paragraph on `mode`, on one line (what a benchmark's JSON says it measured)."
    return next(p for p in __doc__.split("\n\n") if p.startswith(f"`{mode}`")).replace("\n", " ")

def data(seed=0) -> torch.Tensor:
    return torch.randint(3, VOCAB, (N, T), generator=torch.Generator().manual_seed(seed))

def model(): torch.manual_seed(0); return tiny_llama(VOCAB, d_model=64, n_layers=2, n_heads=4, max_len=T)

def plain_loop(ids: torch.Tensor, steps: int) -> tuple[float, float]:
    "nanoGPT-style: index the tensor, forward, backward, clip, step. Returns (seconds, final loss)."
    m = model(); m.train()
    opt = torch.optim.AdamW(m.parameters(), lr=LR, betas=(0.9, 0.95), weight_decay=0.1)
    sched = get_cosine_schedule_with_warmup(opt, int(np.ceil(0.05 * steps)), steps)
    t = time.perf_counter()
    for step in range(steps):
        x = ids[batch_indices(len(ids), BATCH, step, 0)]
        loss = m(input_ids=x, attention_mask=torch.ones_like(x), labels=x).loss
        loss.backward(); torch.nn.utils.clip_grad_norm_(m.parameters(), 1.0)
        opt.step(); opt.zero_grad(set_to_none=True); sched.step()
    return time.perf_counter() - t, float(loss.detach())

def shared_loop(ds, steps: int) -> tuple[float, float, float]:
    "ckpt_study.train.train as a study calls it. Returns (wall seconds, its own train_seconds, final loss)."
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        r = train(model(), ds, out_dir=out, steps=steps, batch_size=BATCH, lr=LR, desc="bench")   # default logging (every 10 steps and the last)
        return time.perf_counter() - t, r["train_seconds"], r["history"][-1]["loss"]

def bench_train(out: Path):
    ids = data()
    hf = datasets.Dataset.from_dict({"input_ids": ids.numpy(), "attention_mask": np.ones((N, T), dtype=np.int64),
                                     "labels": ids.numpy()}).with_format("torch")
    tb = TensorBatches(input_ids=ids, attention_mask=torch.ones_like(ids), labels=ids)
    rows = {"plain loop": [], "train, datasets.Dataset": [], "train, TensorBatches": []}
    losses = {}
    for rep in range(REPS):
        s, losses["plain loop"] = plain_loop(ids, STEPS); rows["plain loop"].append(dict(wall_s=s))
        for name, ds in (("train, datasets.Dataset", hf), ("train, TensorBatches", tb)):
            w, ts, losses[name] = shared_loop(ds, STEPS); rows[name].append(dict(wall_s=w, train_seconds=ts))
        print(rep, {k: round(v[-1]["wall_s"], 2) for k, v in rows.items()}, flush=True)
    assert max(losses.values()) - min(losses.values()) < 1e-4, losses     # the same computation in every loop
    tokens = STEPS * BATCH * T
    med = {k: statistics.median(r["wall_s"] for r in v) for k, v in rows.items()}
    res = dict(what=_what("train"), machine=f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}",
               script="tools/bench_loops.py train", date=time.strftime("%Y-%m-%d"),
               setup=dict(model="tiny_llama d 64, 2 layers, 4 heads", vocab=VOCAB, tokens_per_row=T, steps=STEPS, batch=BATCH, reps=REPS),
               final_loss=losses, runs=rows,
               tokens_per_s={k: tokens / v for k, v in med.items()},
               ratio_to_plain={k: med["plain loop"] / v for k, v in med.items() if k != "plain loop"},
               ratio_to_plain_training_only={k: med["plain loop"] / statistics.median(r["train_seconds"] for r in v)
                                             for k, v in rows.items() if k != "plain loop"})
    write_json(out, res); print(json.dumps({k: res[k] for k in ("tokens_per_s", "ratio_to_plain", "ratio_to_plain_training_only")}, indent=1))

def pretrain_job(job: dict) -> dict:
    "One CPU-bound job: the plain loop above for `steps` steps."
    s, loss = plain_loop(data(job["seed"]), job["steps"])
    return dict(seconds=s, loss=loss, threads=torch.get_num_threads())

def bench_jobs(out: Path):
    res = {}
    for workers in (1, 2, 1, 2):
        with tempfile.TemporaryDirectory() as d:
            jobs = [dict(name=f"j{i}", out=f"{d}/j{i}", seed=i, steps=500) for i in range(4)]
            t = time.perf_counter(); r = run_jobs(pretrain_job, jobs, workers, desc="bench"); s = time.perf_counter() - t
        res.setdefault(f"{workers} worker{'s' * (workers > 1)}", []).append(dict(wall_s=s, jobs_per_min=60 * len(jobs) / s,
                                                                                  threads_per_job=r[0]["threads"]))
        print(workers, round(s, 1), flush=True)
    med = {k: statistics.median(x["wall_s"] for x in v) for k, v in res.items()}
    doc = dict(what=_what("jobs"), machine=f"{platform.machine()}, {os.cpu_count()} cpus, torch {torch.__version__}",
               script="tools/bench_loops.py jobs", date=time.strftime("%Y-%m-%d"), runs=res,
               jobs_per_min={k: 60 * 4 / v for k, v in med.items()}, speedup_2_over_1=med["1 worker"] / med["2 workers"])
    write_json(out, doc); print(json.dumps({k: doc[k] for k in ("jobs_per_min", "speedup_2_over_1")}, indent=1))

def population_step(L: int, M: int, compiled: bool = False, data_seed: int = 7):
    """One training step of interp_ood's `train_population` computation for M models of L layers (vmapped GPT-2
    forward, backward, Adam) at batch 32, strings <= 24, d 32, 2 heads; data seed 7, which no study run uses."""
    import torch.nn.functional as F
    from ckpt_study.studies.interp_ood import classifier, gpt2_logits, encode, dyck_dataset
    rows = dyck_dataset(4000, 100, 11, data_seed)["train"]
    ids, end = encode([s for s, _ in rows], 24); y = torch.tensor([l for _, l in rows])
    params, _ = torch.func.stack_module_state([classifier(L, 2, 32, 24, seed=i) for i in range(M)])
    params = {k: v.detach().requires_grad_() for k, v in params.items()}
    opt = torch.optim.Adam(params.values(), lr=5e-4)
    loss = lambda p, i, e, t: torch.func.vmap(lambda p, i, e, t: F.cross_entropy(gpt2_logits(p, i, e, L, 2), t))(p, i, e, t).sum()
    loss = torch.compile(loss) if compiled else loss
    g = torch.Generator().manual_seed(0)
    def step():
        idx = torch.randint(0, len(rows), (M, 32), generator=g)
        l = loss(params, ids[idx], end[idx], y[idx]); opt.zero_grad(); l.backward(); opt.step()
    return step

def _timed(step, n: int) -> float:
    t = time.perf_counter()
    for _ in range(n): step()
    return time.perf_counter() - t

def bench_interp(out: Path):
    torch.set_num_threads(1)
    res = []
    for L, M, compiled in [(1, 8, False), (1, 16, False), (2, 4, False), (2, 8, False), (2, 12, False), (1, 8, True), (2, 8, True)]:
        step = population_step(L, M, compiled)
        warm = _timed(step, 20)
        res.append(dict(layers=L, models=M, compiled=compiled, ms_per_step=5 * _timed(step, 200), warmup_s=warm))
        print(res[-1], flush=True)
    write_json(out, dict(what=_what("interp"), machine=f"{platform.machine()}, 1 thread, torch {torch.__version__}",
                         script="tools/bench_loops.py interp", date=time.strftime("%Y-%m-%d"), steps_timed=200, rows=res))

def bench_population(out: Path, models: int = 8, steps: int = 100):
    torch.set_num_threads(1)
    rows = []
    for L in (1, 2, 3):
        batched, singles = population_step(L, models), [population_step(L, 1) for _ in range(models)]
        _timed(batched, 10); [_timed(s, 10) for s in singles]                        # warm-up
        tb, ts = [], []
        for _ in range(REPS):                                                         # alternate, so drift hits both
            tb.append(_timed(batched, steps)); ts.append(sum(_timed(s, steps) for s in singles))
        b, o = statistics.median(tb), statistics.median(ts)
        rows.append(dict(layers=L, models=models, batched_s=b, one_at_a_time_s=o, speedup=o / b, runs_batched=tb, runs_one_at_a_time=ts))
        print({k: v for k, v in rows[-1].items() if not k.startswith("runs")}, flush=True)
    write_json(out, dict(what=_what("population"), machine=f"{platform.machine()}, 1 thread, torch {torch.__version__}",
                         script="tools/bench_loops.py population", date=time.strftime("%Y-%m-%d"), steps_timed=steps, reps=REPS, rows=rows))

def lm_arrays_direct(texts: list[str], tokenizer, max_len: int) -> dict[str, np.ndarray]:
    "The arrays `lm_dataset` builds (bos, right padding, labels −100 on padding), from the `tokenizers` backend directly."
    enc = tokenizer.backend_tokenizer.encode_batch_fast(texts, add_special_tokens=False)
    lens = np.fromiter((len(e.ids) for e in enc), dtype=np.int64, count=len(enc)) + 1
    if lens.max(initial=0) > max_len: raise ValueError(f"a text has {lens.max()} tokens > max_len={max_len}")
    flat = np.fromiter((i for e in enc for i in [tokenizer.bos_token_id, *e.ids]), dtype=np.int64, count=int(lens.sum()))
    mask = np.arange(max_len) < lens[:, None]
    rows = np.full((len(enc), max_len), tokenizer.pad_token_id, dtype=np.int64); rows[mask] = flat   # row-major fill
    return dict(input_ids=rows, attention_mask=mask.astype(np.int64), labels=np.where(mask, rows, -100))

def bench_data(out: Path):
    from ckpt_study.data import lm_dataset
    from ckpt_study.studies.rl_excursions import STUDY, build_data, make_tokenizer
    tok, res = make_tokenizer(), []
    for scale in ("cpu", "gpu"):
        p = STUDY.params[scale]; n = p["steps"] * p["batch_size"]
        times = {"build_data": [], "lm_dataset": [], "direct": []}
        for _ in range(REPS):
            t = time.perf_counter(); texts = build_data(0, n_pretrain=n, math_frac=0.2)["pretrain"]; times["build_data"].append(time.perf_counter() - t)
            t = time.perf_counter(); ds = lm_dataset(texts, tok, max_len=40); times["lm_dataset"].append(time.perf_counter() - t)
            t = time.perf_counter(); arr = lm_arrays_direct(texts, tok, 40)
            datasets.Dataset.from_dict(arr).with_format("torch"); times["direct"].append(time.perf_counter() - t)
            same = all(np.array_equal(ds[:][k].numpy(), arr[k]) for k in arr)
            assert same, "the direct path must give lm_dataset's arrays"
        med = {k: statistics.median(v) for k, v in times.items()}
        res.append(dict(scale=scale, texts=n, seconds_median=med, seconds_all=times, arrays_equal=same,
                        tokenise_speedup=med["lm_dataset"] / med["direct"]))
        print(res[-1], flush=True)
    write_json(out, dict(what=_what("data"), machine=f"{platform.machine()}, {os.cpu_count()} cpus, torch {torch.__version__}",
                         script="tools/bench_loops.py data", date=time.strftime("%Y-%m-%d"), reps=REPS, rows=res))

if __name__ == "__main__":
    {"train": bench_train, "jobs": bench_jobs, "interp": bench_interp, "population": bench_population,
     "data": bench_data}[sys.argv[1]](Path(sys.argv[2]))
