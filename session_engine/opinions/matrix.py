"""The participant × statement matrix of cell codes, and counting its cells per group.

Rows are the participants sorted by id, then the voters no ``ParticipantJoined`` names (an
archive's published log: positions under aliases, ``archive.unlink``) in order of their first
position — nobody's name but a blank one (an erased person's positions), which counts nowhere;
columns are the published statements and the
moderated-out ones (hidden or merged) that received a position, in log order, as Pol.is keeps a
column for every comment with a vote (``moderated_out`` tells them apart). A cell is −1
(nothing), 0..4 (the position −2..+2 shifted by 2) or ``PASS_CODE``.
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
Bools = npt.NDArray[np.bool_]

PASS_CODE: Final = 5  # cell codes: 0..4 are the positions −2..+2, 5 a pass, −1 nothing
CODES: Final = 6


@dataclass(frozen=True)
class PositionMatrix:
    """Cell codes of participants (sorted by id, then voters who never joined) × statements (in
    log order)."""

    participants: tuple[str, ...]
    statements: tuple[str, ...]
    codes: npt.NDArray[np.int8]  # −1 nothing, 0..4 = position + 2, 5 pass
    moderated_out: Bools  # per column: hidden or merged after people took positions on it

    @property
    def taken(self) -> Ints:
        """Positions taken per participant, passes and moderated-out statements included."""
        return np.asarray((self.codes >= 0).sum(axis=1), dtype=np.intp)

    def published(self) -> PositionMatrix:
        """The same rows, the published columns only."""
        if not self.moderated_out.any():
            return self
        keep = ~self.moderated_out
        return PositionMatrix(
            self.participants,
            tuple(s for s, k in zip(self.statements, keep, strict=True) if k),
            self.codes[:, keep],
            np.zeros(int(keep.sum()), dtype=bool),
        )

    def agree(self) -> Bools:
        """Cells at +1 or +2 (Pol.is's agree)."""
        return np.asarray((self.codes == 3) | (self.codes == 4), dtype=bool)

    def disagree(self) -> Bools:
        """Cells at −1 or −2 (Pol.is's disagree)."""
        return np.asarray((self.codes == 0) | (self.codes == 1), dtype=bool)

    def seen(self) -> Bools:
        """Cells with a position, neutral and passes included (Pol.is's trials)."""
        return np.asarray(self.codes >= 0, dtype=bool)


def position_matrix(state: SessionState) -> PositionMatrix:
    positioned = {s for _, s in state.positions}
    chosen = [
        (s.id, s.status is not StatementStatus.PUBLISHED)
        for s in state.statements.values()
        if s.status is StatementStatus.PUBLISHED
        or (s.status in _MODERATED_OUT and s.id in positioned)
    ]
    # Whoever left merged or erased: no row. A voter who never joined (an alias): a row.
    unknown = dict.fromkeys(p for p, _ in state.positions if p and p not in state.participants)
    participants = (*sorted(p.id for p in state.people()), *unknown)
    statements = tuple(s for s, _ in chosen)
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
    out = np.array([o for _, o in chosen], dtype=bool)
    return PositionMatrix(participants, statements, codes, out)


_MODERATED_OUT: Final = frozenset({StatementStatus.HIDDEN, StatementStatus.MERGED})


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
