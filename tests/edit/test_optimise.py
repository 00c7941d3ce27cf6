"""The Viterbi optimiser against brute force on small random chains."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from roughcut.edit.optimise import viterbi


def _brute(unary: np.ndarray, pairwise: np.ndarray) -> tuple[float, tuple[int, ...], np.ndarray]:
    n_lines, n_takes = unary.shape
    best, best_path = np.inf, ()
    marginals = np.full((n_lines, n_takes), np.inf)
    for path in itertools.product(range(n_takes), repeat=n_lines):
        cost = sum(unary[i, t] for i, t in enumerate(path))
        cost += sum(pairwise[i, path[i], path[i + 1]] for i in range(n_lines - 1))
        for i, t in enumerate(path):
            marginals[i, t] = min(marginals[i, t], cost)
        if cost < best:
            best, best_path = cost, path
    return best, best_path, marginals


@pytest.mark.parametrize("shape", [(1, 3), (2, 2), (4, 3), (5, 4)])
def test_viterbi_matches_brute_force(rng: np.random.Generator, shape: tuple[int, int]) -> None:
    n_lines, n_takes = shape
    for _ in range(5):
        unary = rng.random(shape) * 3
        unary[rng.random(shape) < 0.15] = np.inf
        unary[:, 0] = np.where(np.isinf(unary).all(axis=1), 1.0, unary[:, 0])
        pairwise = rng.random((n_lines - 1, n_takes, n_takes)) * 2
        best, path, marginals = _brute(unary, pairwise)
        solution = viterbi(unary, pairwise)
        assert solution.cost == pytest.approx(best)
        assert tuple(solution.path) == path
        finite = np.isfinite(marginals)
        assert np.allclose(solution.marginals[finite], marginals[finite])
        assert np.isinf(solution.marginals[~finite]).all()
        for i in range(n_lines):
            for t in range(n_takes):
                if finite[i, t]:
                    through = solution.path_through(i, t)
                    assert through[i] == t
                    cost = unary[np.arange(n_lines), through].sum() + sum(
                        pairwise[k, through[k], through[k + 1]] for k in range(n_lines - 1)
                    )
                    assert cost == pytest.approx(marginals[i, t])


def test_marginals_of_a_pinned_line_rank_its_other_takes(rng: np.random.Generator) -> None:
    unary = rng.random((4, 3))
    pairwise = rng.random((3, 3, 3))
    pinned = unary.copy()
    pinned[2] = np.inf
    pinned[2, 1] = unary[2, 1]
    solution = viterbi(pinned, pairwise, free=unary)
    assert solution.path[2] == 1
    # Lifting the pin on line 2 alone gives the unconstrained marginals there.
    free = viterbi(unary, pairwise)
    assert np.allclose(solution.marginals[2], free.marginals[2])


def test_no_allowed_take_is_an_error() -> None:
    unary = np.array([[1.0, 2.0], [np.inf, np.inf]])
    with pytest.raises(ValueError, match="no path"):
        viterbi(unary, np.zeros((1, 2, 2)))
