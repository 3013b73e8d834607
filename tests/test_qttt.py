"""The qttt smoke chain end to end (the toy head, the retrieval LM as a Hugging Face folder, qTTT, figures and claims),
and qTTT's promise to leave no trace even when a span step fails midway."""
import numpy as np
import pytest
import torch
from conftest import smoke_chain, check_figures, check_smoke_claims
from transformers import AutoTokenizer

import ckpt_study.studies.qttt as q
from ckpt_study.core import read_json, verified
from ckpt_study.data import load_data
from ckpt_study.train import checkpoint_dirs


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    return smoke_chain("qttt", tmp_path_factory.mktemp("runs"))


def test_model_data_and_metrics(smoke_run):
    tok = AutoTokenizer.from_pretrained(str(verified(smoke_run / "tokenizer")))
    assert len(tok) == len(q.VOCAB) + 3
    data = load_data(smoke_run / "data")
    labelled = data[:64]["labels"]
    assert set(labelled[labelled != -100].tolist()) <= set(q.value_ids(tok).tolist())       # the loss is on values only
    model = q.load_eager(checkpoint_dirs(smoke_run / "model")[-1])
    assert model.config.num_hidden_layers == 2
    toy = read_json(smoke_run / "metrics" / "10_toy.json")
    assert all(-1.1 < d["slope"] < -0.85 for d in toy["draws"])
    res = read_json(smoke_run / "metrics" / "30_qttt.json")
    methods = {(r["method"], r["budget"]) for r in res["results"]}
    assert methods == {("in_context", 0), ("qttt", 2), ("pause", 4)}
    assert res["weight_change"] == 0.0 and res["lr"] == 1e-3
    check_figures(smoke_run / "figures", ["accuracy_vs_length.png", "before_after_qttt.png", "compute_and_lr.png", "margin_step.png",
                                          "toy_dilution.png", "training.png"])
    check_smoke_claims(smoke_run, q.STUDY, must_hold=q.STUDY.smoke_holds)


def test_qttt_restores_weights_when_a_step_fails(smoke_run, monkeypatch):
    "A span step that raises midway (Ctrl-C, out of memory) still leaves every weight and flag as it was."
    tok = AutoTokenizer.from_pretrained(str(verified(smoke_run / "tokenizer")))
    model = q.load_eager(checkpoint_dirs(smoke_run / "model")[-1])
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    b = q.encode(tok, q.eval_contexts(0, "test", 1, 16))
    calls, real = [], q.span_loss
    def failing(*a, **k):
        calls.append(1)
        if len(calls) == 3: raise KeyboardInterrupt
        return real(*a, **k)
    monkeypatch.setattr(q, "span_loss", failing)
    with pytest.raises(KeyboardInterrupt):
        q.qttt(model, b["context"], b["query"], b["answer"], b["needle"], q.value_ids(tok), [4], 8, 1e-2, np.random.default_rng(0))
    assert all(torch.equal(p, before[n]) for n, p in model.named_parameters())
    assert all(p.requires_grad for p in model.parameters())


def test_contexts_are_checked_and_seeded():
    a, b = q.eval_contexts(3, "test", 5, 16), q.eval_contexts(3, "test", 5, 16)
    assert a == b and a != q.eval_contexts(3, "val", 5, 16)                       # test and validation never share a context
    with pytest.raises(ValueError, match="one length"):
        q.encode(q.make_tokenizer(), [q.draw_context(np.random.default_rng(0), n) for n in (8, 9)])
