"""k-anonymity, and the positions per published statement: overall, per territory, per role,
per opinion group.

A group with fewer than k voters shows no figures; within a partition, complementary
suppression hides more groups until no hidden one can be recovered by subtraction.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..model import ParticipantRole
from ..state import SessionState
from .matrix import PASS_CODE, Ints, PositionMatrix, _count, _labels, position_matrix
from .params import ALL, DEFAULT_K
from .results import Distribution, OpinionGroups, Participation, StatementDistributions


def suppressed(voters: Sequence[int], k: int) -> list[bool]:
    """Which groups of one partition are hidden: under k, then complementary suppression.

    The hidden groups together must hold 0 or at least k voters, else the smallest shown group
    is hidden too (so that no hidden group is found by subtracting the shown ones from the total).
    """
    hidden = [n < k for n in voters]
    while 0 < sum(n for n, h in zip(voters, hidden, strict=True) if h) < k:
        shown = [i for i, h in enumerate(hidden) if not h]
        if not shown:
            break
        hidden[min(shown, key=lambda i: voters[i])] = True
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
    names: Sequence[str], counts: Ints, k: int, complementary: bool
) -> list[list[Distribution]]:
    """Per statement, the distributions of every group of a partition ``counts[g, s, code]``."""
    voters = counts.sum(axis=2)
    result = []
    for s in range(counts.shape[1]):
        column = [int(v) for v in voters[:, s]]
        hidden = suppressed(column, k) if complementary else [n < k for n in column]
        result.append([_distribution(n, counts[g, s], hidden[g]) for g, n in enumerate(names)])
    return result


def _by(
    matrix: PositionMatrix,
    keys: Sequence[str],
    names: Sequence[str],
    k: int,
    complementary: bool = True,
) -> tuple[list[list[Distribution]], Ints]:
    """Distributions per statement of the groups ``names`` (``keys``: each row's group)."""
    counts = _count(matrix.codes, _labels(keys, names), len(names))
    return _partition(names, counts, k, complementary), counts


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
    matrix = matrix or position_matrix(state)
    people = [state.participants[p] for p in matrix.participants]
    territories = _territories(state)
    roles = [role.value for role in ParticipantRole]
    group_names = [g.name for g in groups.groups] if groups else []
    member_of = {m: g.name for g in groups.groups for m in g.members} if groups else {}
    overall, _ = _by(matrix, [ALL] * len(people), [ALL], k, False)
    by_territory, territory_counts = _by(matrix, [p.territory for p in people], territories, k)
    by_role, _ = _by(matrix, [p.role.value for p in people], roles, k)
    # Opinion groups leave out people with few positions: no total to subtract them from.
    by_group, _ = _by(matrix, [member_of.get(p.id, "") for p in people], group_names, k, False)
    members = np.bincount(
        _labels([p.territory for p in people], territories) + 1, minlength=len(territories) + 1
    )[1:]
    return tuple(
        StatementDistributions(
            statement=statement,
            overall=overall[s][0],
            territories=tuple(by_territory[s]),
            roles=tuple(by_role[s]),
            groups=tuple(by_group[s]),
            participation=_participation(territories, members, territory_counts[:, s]),
        )
        for s, statement in enumerate(matrix.statements)
    )


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
