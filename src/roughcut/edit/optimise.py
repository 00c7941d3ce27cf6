"""Exact HMM/Viterbi over lines × takes, with min-marginals and the best path through every choice.

States are takes, steps are lines. ``unary[i, t]`` is the cost of showing line ``i`` from take ``t``
(``inf`` where the take does not hold the line or a pin forbids it); ``pairwise[i, s, t]`` the cost of
going from take ``s`` on line ``i`` to take ``t`` on line ``i + 1``. The forward pass gives the best
path; with the backward pass, ``marginals[i, t]`` is the best total cost of any path that shows line
``i`` from take ``t`` (other pins held, this line's pin lifted), which ranks the alternatives exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Solution:
    """The best path (take index per line), its cost, and the exact min-marginals ``[L, T]``."""

    path: np.ndarray
    cost: float
    marginals: np.ndarray
    back: np.ndarray  # [L, T] best previous take
    ahead: np.ndarray  # [L, T] best next take

    def path_through(self, line: int, take: int) -> np.ndarray:
        """The best path that shows ``line`` from ``take`` (everything else re-optimised)."""
        n_lines = len(self.path)
        path = np.empty(n_lines, np.int64)
        path[line] = take
        for step in range(line, 0, -1):
            path[step - 1] = self.back[step, path[step]]
        for step in range(line, n_lines - 1):
            path[step + 1] = self.ahead[step, path[step]]
        return path

    def paths_through(self, lines: np.ndarray, takes: np.ndarray) -> np.ndarray:
        """The best paths ``[P, L]`` showing each ``lines[p]`` from ``takes[p]`` (vectorised
        :meth:`path_through`)."""
        n_lines = len(self.path)
        lines = np.asarray(lines, np.int64)
        paths = np.zeros((len(lines), n_lines), np.int64)
        paths[np.arange(len(lines)), lines] = takes
        for step in range(n_lines - 1, 0, -1):
            mask = lines >= step
            paths[mask, step - 1] = self.back[step, paths[mask, step]]
        for step in range(n_lines - 1):
            mask = lines <= step
            paths[mask, step + 1] = self.ahead[step, paths[mask, step]]
        return paths


def viterbi(unary: np.ndarray, pairwise: np.ndarray, *, free: np.ndarray | None = None) -> Solution:
    """Solve the chain exactly. ``unary`` ``[L, T]``, ``pairwise`` ``[L - 1, T, T]``.

    ``free`` ``[L, T]`` (optional) is the unary cost with pins lifted, used for the min-marginals so
    a pinned line still ranks its other takes. Raises ``ValueError`` when no finite path exists.
    """
    n_lines, n_takes = unary.shape
    free = unary if free is None else free
    into = np.zeros((n_lines, n_takes))  # best cost of lines before, arriving at take t
    back = np.zeros((n_lines, n_takes), np.int64)
    forward = unary[0].copy()
    for step in range(1, n_lines):
        total = forward[:, None] + pairwise[step - 1]
        back[step] = total.argmin(axis=0)
        into[step] = np.take_along_axis(total, back[step][None, :], axis=0)[0]
        forward = into[step] + unary[step]
    last = int(forward.argmin())
    cost = float(forward[last])
    if not np.isfinite(cost):
        raise ValueError("no path: some line has no take allowed")
    onward = np.zeros((n_lines, n_takes))  # best cost of lines after, leaving take t
    ahead = np.zeros((n_lines, n_takes), np.int64)
    for step in range(n_lines - 2, -1, -1):
        total = pairwise[step] + (unary[step + 1] + onward[step + 1])[None, :]
        ahead[step] = total.argmin(axis=1)
        onward[step] = np.take_along_axis(total, ahead[step][:, None], axis=1)[:, 0]
    path = np.empty(n_lines, np.int64)
    path[-1] = last
    for step in range(n_lines - 1, 0, -1):
        path[step - 1] = back[step, path[step]]
    marginals = into + free + onward
    return Solution(path=path, cost=cost, marginals=marginals, back=back, ahead=ahead)
