"""The participant × statement matrix of cell codes, and counting its cells per group.

Rows are the participants sorted by id, columns the published statements in log order; a
cell is −1 (nothing), 0..4 (the position −2..+2 shifted by 2) or ``PASS_CODE``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from ..state import SessionState, StatementStatus

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]

PASS_CODE: Final = 5  # cell codes: 0..4 are the positions −2..+2, 5 a pass, −1 nothing
CODES: Final = 6


@dataclass(frozen=True)
class PositionMatrix:
    """Cell codes of participants (sorted by id) × published statements (in log order)."""

    participants: tuple[str, ...]
    statements: tuple[str, ...]
    codes: npt.NDArray[np.int8]  # −1 nothing, 0..4 = position + 2, 5 pass

    @property
    def taken(self) -> Ints:
        """Positions taken per participant, passes included."""
        return np.asarray((self.codes >= 0).sum(axis=1), dtype=np.intp)


def position_matrix(state: SessionState) -> PositionMatrix:
    participants = tuple(sorted(state.participants))
    statements = tuple(
        s.id for s in state.statements.values() if s.status is StatementStatus.PUBLISHED
    )
    row = {p: i for i, p in enumerate(participants)}
    column = {s: j for j, s in enumerate(statements)}
    codes = np.full((len(participants), len(statements)), -1, dtype=np.int8)
    count = len(state.positions)
    keys = state.positions.keys()
    rows = np.fromiter((row.get(p, -1) for p, _ in keys), dtype=np.intp, count=count)
    columns = np.fromiter((column.get(s, -1) for _, s in keys), dtype=np.intp, count=count)
    values = np.fromiter(
        (PASS_CODE if v is None else v + 2 for v in state.positions.values()),
        dtype=np.int8,
        count=count,
    )
    known = (rows >= 0) & (columns >= 0)
    codes[rows[known], columns[known]] = values[known]
    return PositionMatrix(participants, statements, codes)


def _count(codes: npt.NDArray[np.int8], labels: Ints, groups: int) -> Ints:
    """Counts per (group, statement, code); rows labelled −1 are not counted."""
    statements = codes.shape[1]
    mask = (codes >= 0) & (labels >= 0)[:, None]
    cells = (labels[:, None] * statements + np.arange(statements)) * CODES + codes.astype(np.intp)
    flat = np.bincount(cells[mask], minlength=groups * statements * CODES)
    return np.asarray(flat.reshape(groups, statements, CODES), dtype=np.intp)


def _labels(keys: Sequence[str], names: Sequence[str]) -> Ints:
    index = {name: i for i, name in enumerate(names)}
    return np.array([index.get(key, -1) for key in keys], dtype=np.intp)
