"""Rollout and evaluation sampling (#25): `transformers`' `generate` with its dynamic cache, with its static cache, our
fixed-shape KV-cache loop (`ckpt_study.sample.kv_generate`) and that loop with its step under `torch.compile`; each
on an rl_excursions checkpoint at the shapes the study samples. Not a test: a ratio measured in one run.

    python tools/bench_sampler.py RUN OUT.json     # RUN: a finished rl_excursions run folder

Shapes: a GRPO rollout (16 prompts × G 8, T 1.0, 32 new tokens), one model's evaluation (200 test prompts × 32
samples, T 0.6, top-p 0.95, batches of 512) and the greedy reverse task (200 prompts, 12 new tokens). Every engine
samples from the same seed; `identical` counts its completions equal to `generate`'s (dynamic cache). Seconds are the
median of 3 calls after one warm-up call; the compiled loop's first call (compilation) is reported apart."""
import sys, time, platform, statistics
from functools import partial
from pathlib import Path
import torch, datasets, transformers
from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig
import ckpt_study.sample as S
from ckpt_study.core import write_json
from ckpt_study.train import checkpoint_dirs
from ckpt_study.studies.rl_excursions import encode_prompts

def timed(f, reps=3):
    "(first call's seconds, median seconds of `reps` more calls, the first call's result), each call from seed 1."
    torch.manual_seed(1); t = time.perf_counter(); first = f(); t_first = time.perf_counter() - t
    times = []
    for _ in range(reps):
        torch.manual_seed(1); t = time.perf_counter(); f(); times.append(time.perf_counter() - t)
    return t_first, statistics.median(times), first

def main(run: Path, out: Path):
    torch.set_num_threads(2)
    ckpt = checkpoint_dirs(run)[-1]      # the pre-trained model at the end of pre-training
    model = AutoModelForCausalLM.from_pretrained(ckpt).eval()
    tok = AutoTokenizer.from_pretrained(run / "tokenizer")
    data = datasets.load_from_disk(str(run / "data"))
    test, rev = (encode_prompts(tok, data[s]["prompt"][:200]) for s in ("test", "reverse_test"))
    ids = dict(stop_id=tok.eos_token_id, pad_id=tok.pad_token_id)
    shapes = {"rollout 16x8": dict(prompts=test[:16], n=8, temperature=1.0, max_new_tokens=32),
              "evaluation 200x32": dict(prompts=test, n=32, temperature=0.6, top_p=0.95, max_new_tokens=32),
              "greedy 200x1": dict(prompts=rev, n=1, temperature=0, max_new_tokens=12)}
    plain = S.cached_logits
    engines = {"hf dynamic cache": "hf", "hf static cache": "hf", "kv (ours)": "kv", "kv (ours), step compiled": "kv"}
    rows = []
    for shape, kw in shapes.items():
        ref = None
        for name, engine in engines.items():
            S.cached_logits = torch.compile(plain, dynamic=True) if "compiled" in name else plain
            # `sample(engine="hf")` with the one setting it leaves at its default: the cache
            S.GenerationConfig = partial(GenerationConfig, cache_implementation="static") if "static" in name else GenerationConfig
            torch._dynamo.reset()
            first, sec, res = timed(lambda: S.sample(model, engine=engine, **ids, **kw))
            ref = ref or res
            same = sum(a == b for xs, ys in zip(ref, res) for a, b in zip(xs, ys))
            rows.append(dict(shape=shape, engine=name, seconds=sec, first_call_seconds=first,
                             identical=f"{same}/{sum(map(len, ref))}"))
            print(f"{shape:>18} | {name:<26} | {sec:7.3f} s | first {first:6.2f} s | identical {rows[-1]['identical']}", flush=True)
        S.cached_logits, S.GenerationConfig = plain, GenerationConfig
        base = next(r["seconds"] for r in rows if r["shape"] == shape and r["engine"] == "hf dynamic cache")
        for r in rows:
            if r["shape"] == shape: r["speedup_vs_hf_dynamic"] = base / r["seconds"]
    write_json(out, dict(what=__doc__.split("\n\n")[0].replace("\n", " "), command="python tools/bench_sampler.py RUN OUT.json",
                         checkpoint=str(ckpt.relative_to(run.parent.parent)),
                         machine=f"{platform.machine()}, {torch.get_num_threads()} threads, torch {torch.__version__}, "
                                 f"transformers {transformers.__version__}", rows=rows))

if __name__ == "__main__":
    if len(sys.argv) != 3 or not (Path(sys.argv[1]) / "checkpoints").is_dir():
        sys.exit(print("usage: python tools/bench_sampler.py RUN OUT.json  (RUN: a finished rl_excursions run)", file=sys.stderr) or 2)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
