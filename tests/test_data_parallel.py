"""Data parallelism without a GPU: the same training loop as two CPU processes under torchrun (accelerate picks
gloo) ends with the weights and losses of the one-process run, because each step's global batch is split, not
multiplied, across processes."""
import subprocess
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file

from ckpt_study.core import read_json

SCRIPT = Path(__file__).with_name("_tiny_train.py")


def test_two_cpu_processes_match_one(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    r1 = subprocess.run([sys.executable, str(SCRIPT), str(one), "40"], capture_output=True, text=True, timeout=300)
    assert r1.returncode == 0, r1.stderr[-2000:]
    r2 = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", str(SCRIPT), str(two), "40"],
                        capture_output=True, text=True, timeout=300)
    assert r2.returncode == 0, r2.stderr[-3000:]
    a = load_file(one / "checkpoints" / "step-000040" / "model.safetensors")
    b = load_file(two / "checkpoints" / "step-000040" / "model.safetensors")
    for k in a:
        torch.testing.assert_close(a[k], b[k], atol=1e-5, rtol=0)
    ha = read_json(one / "checkpoints" / "last" / "trainer_state.json")["history"]
    hb = read_json(two / "checkpoints" / "last" / "trainer_state.json")["history"]
    assert [h["step"] for h in ha] == [h["step"] for h in hb]
    for x, y in zip(ha, hb):
        assert abs(x["loss"] - y["loss"]) < 1e-5 and x["lr"] == y["lr"] and x["tokens"] == y["tokens"]
