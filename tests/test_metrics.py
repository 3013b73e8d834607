"""pass@k against brute-force enumeration of every k-subset of the n samples."""
from itertools import combinations

import numpy as np
import pytest

from ckpt_study.metrics import pass_at_k, pass_at_k_per_problem


def brute_force_pass_at_k(samples: list[bool], k: int) -> float:
    subsets = list(combinations(range(len(samples)), k))
    return sum(any(samples[i] for i in s) for s in subsets) / len(subsets)


@pytest.mark.parametrize("n", [1, 2, 5, 9, 12])
def test_pass_at_k_matches_enumeration(n):
    for c in range(n + 1):
        samples = [True] * c + [False] * (n - c)
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(brute_force_pass_at_k(samples, k), abs=1e-12)


def test_pass_at_k_large_n_is_finite_and_monotone():
    vals = [pass_at_k(1000, 7, k) for k in (1, 8, 32, 256)]
    assert all(0 <= v <= 1 for v in vals) and vals == sorted(vals)
    assert pass_at_k(1000, 7, 1) == pytest.approx(0.007)


def test_always_correct_model_has_pass_at_k_one():
    assert pass_at_k_per_problem(np.ones((4, 16), bool), 8).tolist() == [1.0] * 4


def test_bad_arguments_are_refused():
    for n, c, k in [(5, 6, 1), (5, 2, 0), (5, 2, 6), (5, -1, 1)]:
        with pytest.raises(ValueError):
            pass_at_k(n, c, k)
