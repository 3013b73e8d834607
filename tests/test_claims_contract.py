"""The claim contract, claim by claim over every study: on the study's example run the claim is reproduced, its
`flip` makes it not reproduced, each gate holds there and a failed gate makes it inconclusive, too few replicas make
a headline claim inconclusive, and a run without the metrics it reads is an error. A claim whose check cannot fail
fails here."""
import copy
import dataclasses
import math

import pytest

from ckpt_study.pipeline import all_studies
from ckpt_study.study import MIN_REPLICAS, VERDICTS, MetricMissing, Claim, Study

REPRODUCED, NOT_REPRODUCED, INCONCLUSIVE, NOT_TESTED = VERDICTS
STUDIES = all_studies()
CASES = [pytest.param(slug, c.id, id=f"{slug}-{c.id}") for slug, st in STUDIES.items() for c in st.claims]


def scale_to_test(c: Claim) -> str:
    "A scale the claim runs at: gpu or cpu where it runs there, else its first."
    return next((s for s in ("gpu", "cpu") if s in c.scales), c.scales[0])


def check_claim(st: Study, c: Claim) -> None:
    assert st.example is not None, f"{st.slug} has no example() run"
    assert c.flip is not None, f"{st.slug}/{c.id} has no flip: nothing shows its check can fail"
    scale, example = scale_to_test(c), st.example()
    runs = [copy.deepcopy(example) for _ in range(MIN_REPLICAS)]
    row = c.evaluate(runs, scale)
    assert row["verdict"] == REPRODUCED, row
    assert row["interval"] is not None and row["measured"], row
    flipped = copy.deepcopy(example)
    c.flip(flipped)
    row = c.evaluate([copy.deepcopy(flipped) for _ in range(MIN_REPLICAS)], scale)
    assert row["verdict"] == NOT_REPRODUCED, (f"{c.id}: flipped example", row)
    for g in c.gates:
        assert g.evaluate([example])["holds"], (f"{c.id}: gate fails on the example", g.name, g.evaluate([example]))
        outside = g.lo - 1 if math.isfinite(g.lo) else g.hi + 1
        failing = dataclasses.replace(c, gates=[dataclasses.replace(h, value=lambda m: outside) if h is g else h for h in c.gates])
        row = failing.evaluate(runs, scale)
        assert row["verdict"] == INCONCLUSIVE and any(r["name"] == g.name and not r["holds"] for r in row["gates"]), row
    if c.needs(scale) > 1 and len(c.effects(example)[1]) < MIN_REPLICAS:
        assert c.evaluate([example], scale)["verdict"] == INCONCLUSIVE, "one run with too few replicas decided a headline claim"
    with pytest.raises(MetricMissing):
        c.evaluate([{}], scale)
    assert c.evaluate(runs, "not-a-scale")["verdict"] == NOT_TESTED


@pytest.mark.parametrize("slug,cid", CASES)
def test_claim_contract(slug, cid):
    st = STUDIES[slug]
    check_claim(st, next(c for c in st.claims if c.id == cid))


@pytest.mark.parametrize("slug", list(STUDIES))
def test_headline_claims_have_gates_and_smoke_names_sanity(slug):
    st = STUDIES[slug]
    for c in st.claims:
        assert c.kind == ("sanity" if c.id.startswith("S") else "headline"), c.id
        if c.kind == "headline":
            assert c.gates, f"{slug}/{c.id}: a headline claim declares the gates under which the design can test it"
    assert st.smoke_holds, f"{slug} names no sanity claim its smoke chain must reproduce"


def test_a_check_that_cannot_fail_is_caught():
    "A planted claim whose effect ignores the metrics: its flip changes nothing, so the contract fails."
    st = STUDIES["rl_excursions"]
    c = st.claims[0]
    planted = dataclasses.replace(c, measure=lambda m: ("always", 1.0 if c.side.startswith(">") else -1.0),
                                  threshold=0.0)
    with pytest.raises(AssertionError, match="flipped example"):
        check_claim(st, planted)
