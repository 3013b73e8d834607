"""A small training run for the resume and data-parallel tests: `python _tiny_train.py OUT_DIR [STEPS]`.
Deterministic given its seed; runs unchanged under `torchrun`."""
import sys

import datasets
import torch

from ckpt_study.core import seed_everything
from ckpt_study.models import tiny_llama
from ckpt_study.train import train

torch.set_num_threads(1)   # the test runs two of these; one thread each keeps them from fighting over cores
seed_everything(0)
g = torch.Generator().manual_seed(0)
ids = torch.randint(3, 30, (512, 24), generator=g)
ds = datasets.Dataset.from_dict({"input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": ids}).with_format("torch")
train(tiny_llama(32, d_model=64, n_layers=2, max_len=24), ds, out_dir=sys.argv[1], steps=int(sys.argv[2]) if len(sys.argv) > 2 else 240, batch_size=32, lr=3e-3,
      checkpoint_fracs=(0.5, 1.0), resume_every=10, seed=0, desc="tiny")
