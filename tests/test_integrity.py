"""#13 defects 5, 7 and 9 (folder modes) at the depth where they arise: a NaN loss stops training with nothing saved, a
truncated metrics file is one line naming it, a failed publish leaves nothing behind, folders are readable (0755)."""
import stat

import datasets
import pytest
import torch

from ckpt_study.core import CorruptFile, new_run_dir, save_folder, write_json
from ckpt_study.models import tiny_llama
from ckpt_study.pipeline import publish, run_chain
from ckpt_study.train import NonFiniteLoss, train

from test_runner import study  # noqa: F401  (the scratch one-step study fixture)


def test_non_finite_loss_stops_training_and_saves_nothing(tmp_path):
    """Defect 5: lr=inf used to finish with loss NaN, save NaN checkpoints and be marked done."""
    ids = torch.randint(3, 30, (64, 12), generator=torch.Generator().manual_seed(0))
    ds = datasets.Dataset.from_dict({"input_ids": ids, "attention_mask": torch.ones_like(ids), "labels": ids}).with_format("torch")
    with pytest.raises(NonFiniteLoss, match=r"loss is nan at step \d+ \(lr inf\); training stopped, nothing of this step saved"):
        train(tiny_llama(32, d_model=16, n_layers=1, max_len=12), ds, out_dir=tmp_path, steps=20, batch_size=8, lr=float("inf"))
    assert not list(tmp_path.glob("checkpoints/step-*")) and not (tmp_path / "checkpoints" / "last").exists()


def test_truncated_metrics_is_one_line_and_a_failed_publish_leaves_nothing(study, tmp_path, monkeypatch):  # noqa: F811
    """Defect 7: a truncated metrics file gave a 36-line traceback; a failed publish left a .<scale>.tmpXXXX/ folder
    with PNGs inside the committed figures tree."""
    import ckpt_study.pipeline as pipeline
    monkeypatch.setattr(pipeline, "get_study", lambda slug: study)
    run = run_chain(study, "smoke", runs_dir=tmp_path / "runs", log=lambda *_: None)
    (run / "figures").mkdir()
    (run / "figures" / "plot.png").write_bytes(b"\x89PNG")
    (run / "metrics" / "10_divide.json").write_text('{"value": 1')
    figs = tmp_path / "figures"
    with pytest.raises(CorruptFile) as e:
        publish(run, figs)
    assert "10_divide.json is not valid JSON" in str(e.value) and "\n" not in str(e.value)
    assert not [p for p in figs.rglob("*") if p.is_file() or p.name.startswith(".")], list(figs.rglob("*"))


def test_folders_are_readable(tmp_path):
    """Defect 9: folders were created 0700 (from mkdtemp) beside 0644 files."""
    d = save_folder(tmp_path / "ck", lambda t: write_json(t / "a.json", 1))
    r = new_run_dir(tmp_path / "runs", "demo", "smoke", 0)
    for p in (d, r):
        assert stat.S_IMODE(p.stat().st_mode) & 0o755 == 0o755, oct(p.stat().st_mode)
    assert stat.S_IMODE((d / "a.json").stat().st_mode) == 0o644
