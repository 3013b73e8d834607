"""The boomerang smoke chain end to end: the run's data as tokenised datasets, the teacher and student checkpoints as
Hugging Face folders, the families at every k in both directions, figures and claims; and the job function's
refusals and resume."""
import json

import pytest
from conftest import smoke_chain, check_figures, check_smoke_claims, stopped_at
from ckpt_study.core import read_json
from ckpt_study.data import load_data
from ckpt_study.studies.boomerang import (STUDY, MAX_LEN, layer_mapping, load_student, load_teacher, parse_variant,
                                          patch_last_k, separate_mapping, train_student, max_logit_gap)


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    return smoke_chain("boomerang", tmp_path_factory.mktemp("runs"))


def test_data_and_models(smoke_run):
    data = load_data(smoke_run / "data")
    assert sorted(data) == ["em", "heldout", "train"] and len(data["train"]) == 3200
    assert tuple(data["em"][:2]["input_ids"].shape) == (2, MAX_LEN)            # saved with the torch format
    teacher = load_teacher(smoke_run)
    student = load_student(smoke_run / "jobs" / "boomerang-r0")
    assert (teacher.config.num_hidden_layers, student.config.num_hidden_layers) == (8, 5)
    ids = data["heldout"][:4]["input_ids"]
    assert max_logit_gap(patch_last_k(student, teacher, layer_mapping(8), 3), teacher, ids) == 0


def test_families_figures_and_claims(smoke_run):
    fam = read_json(smoke_run / "metrics" / "30_family.json")
    rows = {(r["variant"], r["direction"], r["k"]): r for r in fam["family"]}
    assert sorted({v for v, _, _ in rows}) == ["boomerang", "pruned"]
    assert [rows["boomerang", d, k]["layers"] for d in ("last", "first") for k in range(4)] == [5, 6, 7, 8] * 2
    assert all(r["end_gap"] is None or r["end_gap"] < 1e-4 for r in fam["family"])
    assert len(fam["cosines"]["boomerang"]) == 5 and all(-1 <= c <= 1 for c in fam["cosines"]["boomerang"])
    check_figures(smoke_run / "figures", ["family.png", "last_vs_first.png", "layer_cosine.png", "student_training.png",
                                          "teacher_training.png"])
    check_smoke_claims(smoke_run, STUDY, must_hold=STUDY.smoke_holds)


def test_variants_are_checked():
    assert parse_variant("separate-k2", layer_mapping(16), 16)[1] == [0, 2, 4, 6, 8, 10, 11, 12, 13, 14, 15]
    for bad in ("boomrang", "separate-kx"):
        with pytest.raises(ValueError, match="unknown variant"): parse_variant(bad)
    with pytest.raises(ValueError, match="k must be in"): separate_mapping(layer_mapping(8), 8, 3)


def test_a_resumed_student_is_the_same(smoke_run, tmp_path):
    "A student stopped after its first resume point and restarted ends where an uninterrupted one does."
    job = dict(name="j", run=str(smoke_run), variant="boomerang", replica=0, seed=5, steps=20, batch_size=8, lr=3e-4,
               checkpoint_fracs=[1.0], eval_sequences=16)
    whole = train_student(dict(job, out=str(tmp_path / "whole")))
    with stopped_at(11), pytest.raises(KeyboardInterrupt): train_student(dict(job, out=str(tmp_path / "cut")))
    resumed = train_student(dict(job, out=str(tmp_path / "cut")))
    assert resumed["ppl"] == pytest.approx(whole["ppl"], rel=1e-6)
    assert json.dumps(resumed["history"]) == json.dumps(whole["history"])
