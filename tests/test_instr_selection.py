"""The instr_selection smoke chain end to end (data, base, LoRA warm-up with its Adam moments, LESS features, rankings,
SFT per subset through the shared job runner, figures and claims), and the selection algorithms against POT and a
batch-1 loop."""
import numpy as np
import pytest
import torch
from conftest import smoke_chain, check_figures, check_smoke_claims
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

import ckpt_study.studies.instr_selection as s
from ckpt_study.core import read_json, verified
from ckpt_study.data import load_data
from ckpt_study.train import checkpoint_dirs


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    return smoke_chain("instr_selection", tmp_path_factory.mktemp("runs"))


def test_artifacts_and_metrics(smoke_run):
    base = AutoModelForCausalLM.from_pretrained(checkpoint_dirs(smoke_run / "base")[-1])      # a plain Hugging Face folder
    assert base.config.num_hidden_layers == 2
    data = load_data(smoke_run / "data")
    assert set(data) == {"queries", "test", "pool", "heldout"} and len(data["pool"]) == 1000
    prompts = {k: {tuple(r.tolist()) for r in data[k]["input_ids"]} for k in data}
    assert not prompts["pool"] & (prompts["queries"] | prompts["test"])                     # no query or test item leaks into the pool
    rep = read_json(smoke_run / "metrics" / "20_represent.json")["info"]["less"]
    for step in rep["checkpoints"]:                       # the Adam moments LESS reads, one file per checkpoint, by LoRA name
        st = load_file(str(smoke_run / "warmup" / f"adam-step-{step:06d}.safetensors"))
        assert st and all("lora_" in k for k in st) and all(v.abs().sum() > 0 for v in st.values())
    feats = load_file(str(verified(smoke_run / "features") / "less.safetensors"))
    assert feats["z0"].shape == (1000, 256) and torch.allclose(feats["z0"].norm(dim=1), torch.ones(1000), atol=1e-4)
    m = read_json(smoke_run / "metrics" / "30_select.json")
    assert len(m["sft"]) == len(m["methods"]) * len(m["budgets"]) * len(m["sft_seeds"]) == 10
    assert len(m["quantiles"]) == 5 and set(m["rho"]) == {"less"}
    assert {r["steps"] for r in m["sft"]} == {s.sft_steps(25, 2, 8), s.sft_steps(100, 2, 8)}   # fixed epochs: steps grow with k
    check_figures(smoke_run / "figures", ["base.png", "budget.png", "composition.png", "ot_vs_ce.png", "quantiles.png", "warmup.png"])
    check_smoke_claims(smoke_run, s.STUDY, must_hold=s.STUDY.smoke_holds)


def test_a_finished_grid_is_not_retrained(smoke_run):
    "Each SFT job keeps its scores and drops its weights; a rerun of 30_select reads the scores back."
    jobs = sorted((smoke_run / "sft").iterdir())
    assert len(jobs) == 15 and all((j / "result.json").is_file() and not (j / "checkpoints").exists() for j in jobs)


def test_selection_is_checked_on_random_similarities():
    rng = np.random.default_rng(7)
    S, Sp = rng.uniform(-1, 1, (6, 300)), rng.uniform(-1, 1, (300, 300))
    Sp = (Sp + Sp.T) / 2; np.fill_diagonal(Sp, 1)
    ranks = [s.round_robin(S), s.doubly_greedy(S), s.uot(S), s.knn_uniform(S, C=0.05)[0], s.knn_kde(S, Sp, C=0.05)[0]]
    for r in ranks: assert sorted(r.tolist()) == list(range(300))                  # permutations: budgets are nested prefixes
    assert s.round_robin(S)[0] == np.argmax(S[0]) and s.doubly_greedy(S)[0] == np.unravel_index(np.argmax(S), S.shape)[1]
    T = s.log_sinkhorn((1 - S) / 2, np.full(6, 1 / 6), np.full(300, 1 / 300), 0.01, (np.inf, 1e-4))
    assert np.isfinite(T).all() and np.allclose(T.sum(1), 1 / 6)


def test_uot_matches_pot():
    import ot
    rng = np.random.default_rng(3)
    S = rng.uniform(-1, 1, (4, 30)); a, b = np.full(4, 0.25), np.full(30, 1 / 30)
    for eps, lam in [(0.05, 1e-4), (0.1, 1e-2)]:
        mine = s.log_sinkhorn((1 - S) / 2, a, b, eps, (np.inf, lam))
        pot = ot.unbalanced.sinkhorn_unbalanced(a, b, (1 - S) / 2, reg=eps, reg_m=(np.inf, lam), reg_type="kl", numItermax=100_000, stopThr=1e-13)
        assert np.abs(mine - pot).max() < 1e-9


def test_hook_gradients_equal_a_batch_one_loop():
    tok = s.make_tokenizer()
    from ckpt_study.models import tiny_llama
    torch.manual_seed(1)
    lm = s.lora_model(tiny_llama(len(tok), max_len=s.seq_len(4)))
    for p in s.lora_params(lm).values(): torch.nn.init.normal_(p, 0, 0.1)
    ds = s.sft_dataset(s.build_data(1, 50, 4, 10, 10, 10, 2, 4)["pool"][:5], tok, 4)
    b = {k: ds[:5][k] for k in s.LM_COLUMNS}
    G = s.per_example_grads(lm, b)
    lm.eval()
    for i in range(5):
        g = torch.autograd.grad(s.example_losses(lm, {k: v[i:i + 1] for k, v in b.items()}).sum(), list(s.lora_params(lm).values()))
        assert torch.allclose(G[i], torch.cat([x.flatten() for x in g]), atol=1e-6)
