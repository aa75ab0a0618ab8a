"""k-anonymity, and the positions per published statement: overall, per territory, per role,
per opinion group.

A group with fewer than k voters shows no figures; within a partition, complementary
suppression hides more groups until no hidden one can be recovered by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ..model import ParticipantRole
from ..state import SessionState
from .matrix import PASS_CODE, Ints, PositionMatrix, _count, _labels, position_matrix
from .params import ALL, DEFAULT_K
from .results import Distribution, OpinionGroups, Participation, StatementDistributions


def suppressed(voters: Sequence[int], k: int, *, unshown: Sequence[bool] = ()) -> list[bool]:
    """Which groups of one partition are hidden: under k, then complementary suppression.

    The hidden groups together must hold 0 or at least k voters, else the smallest shown group
    is hidden too (so that no hidden group is found by subtracting the shown ones from the total).
    ``unshown`` marks groups that are never shown whatever their size (the people no opinion
    group holds): they count with the hidden ones.
    """
    hidden = [n < k or (i < len(unshown) and unshown[i]) for i, n in enumerate(voters)]
    while 0 < sum(n for n, h in zip(voters, hidden, strict=True) if h) < k:
        shown = [i for i, h in enumerate(hidden) if not h]
        if not shown:
            break
        hidden[min(shown, key=lambda i: voters[i])] = True
    return hidden


def hidden_cells(voters: Ints, total: Ints, k: int) -> npt.NDArray[np.bool_]:
    """Which (opinion group, statement) cells show no figures, given the room's ``total`` voters.

    ``voters`` is (groups, statements). Per statement, the voters no shown group holds (left
    out, or in a group too small to show) form one more cell that is never shown: a group's
    figures are hidden under k voters, and then as complementary suppression requires, so that
    the room's figures minus the shown groups' never give away fewer than k people.
    """
    hidden = np.zeros(voters.shape, dtype=bool)
    others = total - voters.sum(axis=0)
    for s in range(voters.shape[1]):
        column = [*(int(v) for v in voters[:, s]), int(others[s])]
        hidden[:, s] = suppressed(column, k, unshown=[False] * len(voters) + [True])[:-1]
    return hidden


def _distribution(group: str, counts: Ints, hidden: bool) -> Distribution:
    voters = int(counts.sum())
    if hidden:
        return Distribution(group=group, voters=voters, hidden=True, counts=None, passes=None)
    figures = tuple(int(c) for c in counts[:PASS_CODE])
    return Distribution(
        group=group, voters=voters, hidden=False, counts=figures, passes=int(counts[PASS_CODE])
    )


def _partition(
    names: Sequence[str], counts: Ints, hidden: npt.NDArray[np.bool_]
) -> list[list[Distribution]]:
    """Per statement, the distributions of every group of a partition ``counts[g, s, code]``."""
    return [
        [_distribution(n, counts[g, s], bool(hidden[g, s])) for g, n in enumerate(names)]
        for s in range(counts.shape[1])
    ]


def _complementary(counts: Ints, k: int) -> npt.NDArray[np.bool_]:
    """Hidden cells of a partition of everyone (territories, roles), statement by statement."""
    voters = counts.sum(axis=2)
    hidden = np.zeros(voters.shape, dtype=bool)
    for s in range(voters.shape[1]):
        hidden[:, s] = suppressed([int(v) for v in voters[:, s]], k)
    return hidden


def _by(
    matrix: PositionMatrix, keys: Sequence[str], names: Sequence[str], k: int
) -> tuple[list[list[Distribution]], Ints]:
    """Distributions per statement of the groups ``names`` (``keys``: each row's group), which
    hold everyone: complementary suppression."""
    counts = _count(matrix.codes, _labels(keys, names), len(names))
    return _partition(names, counts, _complementary(counts, k)), counts


# --- distributions --------------------------------------------------------------------------------


def _territories(state: SessionState) -> list[str]:
    known = list(state.territories)
    extra = sorted({p.territory for p in state.participants.values()} - set(known))
    return known + extra


def distributions(
    state: SessionState,
    *,
    k: int = DEFAULT_K,
    groups: OpinionGroups | None = None,
    matrix: PositionMatrix | None = None,
) -> tuple[StatementDistributions, ...]:
    """Per published statement: overall, per territory, per role, per opinion group."""
    matrix = (matrix or position_matrix(state)).published()
    # A voter who never joined (an alias of an archive's published log) counts in the room's
    # figures, in no territory and no role: "" is no group's name.
    people = [state.participants.get(p) for p in matrix.participants]
    places = [p.territory if p else "" for p in people]
    territories = _territories(state)
    roles = [role.value for role in ParticipantRole]
    room = _count(matrix.codes, np.zeros(len(people), dtype=np.intp), 1)
    overall = _partition([ALL], room, room.sum(axis=2) < k)
    by_territory, territory_counts = _by(matrix, places, territories, k)
    by_role, _ = _by(matrix, [p.role.value if p else "" for p in people], roles, k)
    by_group = _by_group(matrix, groups, room.sum(axis=2)[0], k)
    members = np.bincount(_labels(places, territories) + 1, minlength=len(territories) + 1)[1:]
    return tuple(
        StatementDistributions(
            statement=statement,
            overall=overall[s][0],
            territories=tuple(by_territory[s]),
            roles=tuple(by_role[s]),
            groups=tuple(by_group[s]) if by_group else (),
            participation=_participation(territories, members, territory_counts[:, s]),
        )
        for s, statement in enumerate(matrix.statements)
    )


def _by_group(
    matrix: PositionMatrix, groups: OpinionGroups | None, total: Ints, k: int
) -> list[list[Distribution]]:
    """Per opinion group: the people no group holds are one more cell, never shown."""
    if not groups or not groups.groups:
        return []
    names = [g.name for g in groups.groups]
    member_of = {m: g.name for g in groups.groups for m in g.members}
    counts = _count(
        matrix.codes,
        _labels([member_of.get(p, "") for p in matrix.participants], names),
        len(names),
    )
    return _partition(names, counts, hidden_cells(counts.sum(axis=2), total, k))


def _participation(
    territories: Sequence[str], members: Ints, counts: Ints
) -> tuple[Participation, ...]:
    voters = counts.sum(axis=1)
    return tuple(
        Participation(
            territory=t,
            participants=int(members[i]),
            voters=int(voters[i]),
            share=float(voters[i] / members[i]) if members[i] else None,
        )
        for i, t in enumerate(territories)
    )
