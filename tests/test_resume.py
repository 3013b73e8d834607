"""Exact resume: a training process killed with SIGKILL mid-run, then started again, ends with the same weights and
loss history as an uninterrupted run."""
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import torch
from safetensors.torch import load_file

from ckpt_study.core import read_json

SCRIPT = Path(__file__).with_name("_tiny_train.py")


def start(out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(SCRIPT), str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_sigkill_then_resume_matches_uninterrupted(tmp_path):
    full, killed = tmp_path / "full", tmp_path / "killed"
    p = start(killed)
    state = killed / "checkpoints" / "last" / "trainer_state.json"
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None:
        if state.exists() and read_json(state)["step"] >= 60:
            break
        time.sleep(0.01)
    assert p.poll() is None, "the run ended before it could be killed: " + p.stderr.read().decode()[-500:]
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    killed_at = read_json(state)["step"]
    assert killed_at < 240 and not (killed / "checkpoints" / "step-000240").exists()

    for out in (killed, full):   # resume the killed run; run the reference without interruption
        q = start(out)
        assert q.wait(timeout=300) == 0, q.stderr.read().decode()[-2000:]

    a = load_file(full / "checkpoints" / "step-000240" / "model.safetensors")
    b = load_file(killed / "checkpoints" / "step-000240" / "model.safetensors")
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), f"{k} differs after resuming from step {killed_at}"
    ha = read_json(full / "checkpoints" / "last" / "trainer_state.json")
    hb = read_json(killed / "checkpoints" / "last" / "trainer_state.json")
    assert ha["history"] == hb["history"] and ha["tokens"] == hb["tokens"]
    # the mid-run checkpoint written before the kill is the same too
    assert load_file(full / "checkpoints" / "step-000120" / "model.safetensors")["lm_head.weight"].equal(
        load_file(killed / "checkpoints" / "step-000120" / "model.safetensors")["lm_head.weight"])
