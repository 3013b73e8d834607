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

from ckpt_study.core import read_json, surviving_dir

SCRIPT = Path(__file__).with_name("_tiny_train.py")


def start(out: Path, *steps) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(SCRIPT), str(out), *map(str, steps)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(out: Path, *steps) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(out), *map(str, steps)], capture_output=True, text=True, timeout=300)


def test_sigkill_then_resume_matches_uninterrupted(tmp_path):
    full, killed = tmp_path / "full", tmp_path / "killed"
    p = start(killed)
    state = killed / "checkpoints" / "last" / "trainer_state.json"
    deadline = time.time() + 120
    while time.time() < deadline and p.poll() is None:
        try:
            if read_json(state)["step"] >= 60:
                break
        except FileNotFoundError:   # `last` is being replaced by a newer resume state this instant
            pass
        time.sleep(0.01)
    assert p.poll() is None, "the run ended before it could be killed: " + p.stderr.read().decode()[-500:]
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    killed_at = read_json(surviving_dir(state.parent) / "trainer_state.json")["step"]   # a kill mid-replace leaves .last.old
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


def test_resume_state_holds_no_pickle_and_a_planted_one_is_never_loaded(tmp_path):
    """#13 defect 4: the resume state held custom_checkpoint_0.pkl, random_states_0.pkl and optimizer.bin, and a planted
    payload there ran on resume. Now tensors are safetensors and the rest JSON; a planted pickle is never opened."""
    import pickle
    out = tmp_path / "run"
    assert finish(out, 20).returncode == 0
    state = out / "checkpoints" / "last" / "state"
    names = sorted(p.name for p in state.iterdir())
    assert all(n.endswith((".safetensors", ".json")) for n in names), names
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))
    for name in ("custom_checkpoint_0.pkl", "random_states_0.pkl", "optimizer.bin"):
        (state / name).write_bytes(pickle.dumps(Payload()))
    r = finish(out, 40)
    assert r.returncode == 0, r.stderr[-2000:]
    assert not marker.exists(), "a planted pickle was loaded"
    assert read_json(out / "checkpoints" / "last" / "trainer_state.json")["step"] == 40


def test_damaged_resume_state_is_refused(tmp_path):
    """#13 defect 2: zeroing 4 KB inside last/state/model.safetensors used to resume silently into different weights."""
    out = tmp_path / "run"
    assert finish(out, 20).returncode == 0
    w = out / "checkpoints" / "last" / "state" / "model.safetensors"
    b = bytearray(w.read_bytes()); b[-4096:] = bytes(4096); w.write_bytes(bytes(b))
    r = finish(out, 40)
    assert r.returncode != 0 and "state/model.safetensors does not match its sha256" in r.stderr, r.stderr[-2000:]
    assert not (out / "checkpoints" / "step-000040").exists()
