"""Benchmark: one GRPO step of ckpt_study's rl_excursions study against TRL's GRPOTrainer, same model, data and settings.

    python tools/bench_grpo_trl.py RUN_DIR [--steps 20] [--prompts 16] [--group 8] [--repeats 3] [--json OUT.json]

RUN_DIR is a finished rl_excursions run (its last pre-training checkpoint is the policy; TRL rebuilds its reference
model from that folder). Both sides: G rollouts per prompt at T = 1 with up to 32 new tokens, the k3 KL to the
starting model with beta = 1e-3, clip 0.2, one on-policy update per batch, AdamW at a constant 3e-5, one process on
the CPU. Prints seconds per RL step for each and their ratio. Ours runs twice, sampling with our KV-cache loop (the
default) and with `generate` (`engine="hf"`), so the sampler's share of the ratio is seen; each of the three runs
`--repeats` times, interleaved, and the medians are compared. Needs `pip install trl` (not a dependency of the project).
"""
import argparse
import json
import os
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import datasets
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from ckpt_study.studies.rl_excursions import encode_prompts, grpo_step, reward
from ckpt_study.train import checkpoint_dirs, train


def ours(ckpt, tok, post, args, engine: str = "kv") -> float:
    import ckpt_study.studies.rl_excursions as rx
    from ckpt_study.sample import sample
    rx.sample = partial(sample, engine=engine)          # the rollouts' sampler, for this measurement only
    ds = datasets.Dataset.from_dict({"prompt_ids": encode_prompts(tok, [p["prompt"] for p in post]),
                                     "terms": [p["terms"] for p in post]})
    ref = AutoModelForCausalLM.from_pretrained(ckpt).eval().requires_grad_(False)
    loss = partial(grpo_step, ref_model=ref, tok=tok, group_size=args.group, clip_eps=0.2, beta=1e-3, temperature=1.0)
    with tempfile.TemporaryDirectory() as d:
        r = train(AutoModelForCausalLM.from_pretrained(ckpt), ds, out_dir=d, steps=args.steps, batch_size=args.prompts,
                  lr=3e-5, schedule="constant", warmup_frac=0.0, betas=(0.9, 0.999), weight_decay=0.01, loss_fn=loss,
                  resume_every=10**9, checkpoint_fracs=(), desc="ckpt_study GRPO")
    return r["train_seconds"] / args.steps


def trl(ckpt, tok, post, args) -> float:
    from trl import GRPOConfig, GRPOTrainer
    from transformers import TrainerCallback

    def correct(prompts, completions, terms, **_):
        return [reward(tok.tokenize(c), t) for c, t in zip(completions, terms)]

    class Clock(TrainerCallback):
        def on_train_begin(self, *a, **k): self.t0 = time.perf_counter()
        def on_train_end(self, *a, **k): self.seconds = time.perf_counter() - self.t0

    clock = Clock()
    ds = datasets.Dataset.from_dict({"prompt": [tok.bos_token + p["prompt"] for p in post], "terms": [p["terms"] for p in post]})
    with tempfile.TemporaryDirectory() as d:
        cfg = GRPOConfig(output_dir=d, per_device_train_batch_size=args.prompts * args.group, num_generations=args.group,
                         max_completion_length=32, temperature=1.0, beta=1e-3, epsilon=0.2, learning_rate=3e-5,
                         lr_scheduler_type="constant", max_steps=args.steps, logging_steps=args.steps, report_to="none",
                         save_strategy="no", use_cpu=True, bf16=False, num_iterations=1, seed=0)
        GRPOTrainer(model=str(ckpt), reward_funcs=correct, args=cfg, train_dataset=ds, processing_class=tok,
                    callbacks=[clock]).train()
    return clock.seconds / args.steps


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("run_dir")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--prompts", type=int, default=16)
    p.add_argument("--group", type=int, default=8)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--json", default=None)
    args = p.parse_args()
    run = Path(args.run_dir)
    ckpt = checkpoint_dirs(run)[-1]
    tok = AutoTokenizer.from_pretrained(run / "tokenizer")
    post = datasets.load_from_disk(run / "data")["post"].to_list()
    import statistics, transformers
    times = dict(kv=[], hf=[], trl=[])
    for _ in range(args.repeats):          # interleaved, so that drift of the machine hits all three
        for name in times:
            torch.manual_seed(0)
            times[name].append(trl(ckpt, tok, post, args) if name == "trl" else ours(ckpt, tok, post, args, engine=name))
    a, h, b = (statistics.median(times[k]) for k in ("kv", "hf", "trl"))
    res = dict(checkpoint=str(ckpt), steps=args.steps, prompts=args.prompts, group=args.group, repeats=args.repeats,
               ckpt_study_s_per_step=a, ckpt_study_generate_s_per_step=h, trl_s_per_step=b, speedup=b / a,
               speedup_with_generate=b / h, torch=torch.__version__, transformers=transformers.__version__)
    print(json.dumps(res, indent=2))
    if args.json: Path(args.json).write_text(json.dumps(res, indent=2) + "\n")


if __name__ == "__main__":
    sys.exit(main())
