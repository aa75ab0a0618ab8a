"""The live opinion landscape, as Pol.is shows it: opinion groups, what sets each apart, and
what the whole room agrees or disagrees on — for everyone, or for one territory's people.

``landscape(state, territory=…, k=…)`` is a view on what the package already computes
(``opinion_groups``: Pol.is's clustering, representative statements and consensus lists); it
computes no statistic of its own. It is pure and cheap enough to be recomputed as ratings come
in; the server serves it at the seq it was computed at (``server/landscape.py``), and the replay
of the log to that seq gives the same landscape.

What it shows
-------------
* ``participants``: who took a position (a pass included) on a published statement counted here;
* ``groups``: each opinion group's name, its size, and its representative statements (Pol.is's
  repness, at most 5) with the group's figures on each: the share in the entry's stance against
  the rest's, and the group's agree and disagree shares (passes are voters who do neither);
* ``consensus``: Pol.is's consensus lists over everyone counted (``majority``): what a clear
  majority agrees with, and what it disagrees with, 5 each at most;
* ``statements``: the text of every published statement (ids elsewhere refer to them).

Who is counted
--------------
For everyone (``territory=None``): whoever the opinions count (``position_matrix``). For one
territory: only its participants' positions, clustered on their own (the groups of a
territory are not the room's groups seen through it). A territory's figures on a statement
must be ones the tallies could show: where the territories' partition hides that territory's
cell (under k voters, or by complementary suppression, ``breakdown.suppressed``), its
positions on that statement are left out here too, else the room's landscape minus this one
would give away a hidden territory by subtraction.

k-anonymity
-----------
The package's rule throughout: no opinion group has fewer than k members (a smaller one is
never formed), no group's figure rests on a cell under k voters, the consensus lists skip
statements with fewer than k voters. A group under k would carry no size (``size`` None, shown
« moins de k »); the clustering never forms one, the rule stays written here all the same.
"""

from __future__ import annotations

import msgspec

from ..state import SessionState, StatementStatus
from .breakdown import distributions
from .groups import opinion_groups
from .matrix import PositionMatrix, position_matrix
from .params import DEFAULT_K
from .results import (
    Direction,
    GroupAgreement,
    GroupVotes,
    MajorityStatement,
    OpinionGroup,
    OpinionGroups,
    Representative,
)

__all__ = [
    "Consensus",
    "ConsensusStatement",
    "GroupStatement",
    "Landscape",
    "LandscapeGroup",
    "landscape",
    "landscape_inputs",
]


class GroupStatement(msgspec.Struct, frozen=True, kw_only=True):
    """A statement that represents a group: how the group reads it, and its figures on it."""

    statement: str
    stance: Direction  # the group agrees (or disagrees) with it more than the rest of the room
    share: float  # the group's voters in that stance
    rest_share: float  # the same among the other groups' members
    agree: float  # the group's voters at +1 or +2
    disagree: float  # the group's voters at −1 or −2
    voters: int  # the group's voters on it, passes included (never under k)


class LandscapeGroup(msgspec.Struct, frozen=True, kw_only=True):
    id: str  # "A", "B"… by decreasing size
    size: int | None  # members; None under k (never formed: the rule is kept all the same)
    representative: tuple[GroupStatement, ...]


class ConsensusStatement(msgspec.Struct, frozen=True, kw_only=True):
    statement: str
    share: float  # voters who agree (disagree, in the disagree list), passes included
    voters: int  # never under k


class Consensus(msgspec.Struct, frozen=True, kw_only=True):
    """Pol.is's consensus lists: best first, 5 at most each."""

    agree: tuple[ConsensusStatement, ...]
    disagree: tuple[ConsensusStatement, ...]


class Landscape(msgspec.Struct, frozen=True, kw_only=True):
    territory: str | None  # None: everyone
    k: int
    participants: int  # who took a position counted here
    groups: tuple[LandscapeGroup, ...]  # empty while there is too little to cluster
    consensus: Consensus
    statements: dict[str, str]  # every published statement: id -> text


def landscape(
    state: SessionState, *, territory: str | None = None, k: int = DEFAULT_K
) -> Landscape:
    """The opinion landscape of everyone (``territory`` None) or of one territory's people.

    A territory nobody belongs to gives an empty landscape (the caller says which exist)."""
    scope = state if territory is None else _territory_scope(state, territory, k)
    matrix = position_matrix(scope)
    groups = opinion_groups(scope, k=k, matrix=matrix)
    return Landscape(
        territory=territory,
        k=k,
        participants=int(matrix.published().seen().any(axis=1).sum()),
        groups=tuple(_group(g, i, groups, k) for i, g in enumerate(groups.groups)),
        consensus=Consensus(
            agree=tuple(_consensus(m) for m in groups.majority.agree),
            disagree=tuple(_consensus(m) for m in groups.majority.disagree),
        ),
        statements={
            s.id: s.text for s in state.statements.values() if s.status is StatementStatus.PUBLISHED
        },
    )


def landscape_inputs(state: SessionState) -> SessionState:
    """A copy of what ``landscape`` reads (territories, participants, statements, positions),
    the rest left empty: what a live server takes between two commits, on its event loop, to
    compute the landscape elsewhere while the session goes on. ``landscape`` gives the same on
    it as on ``state``."""
    return SessionState(
        created=state.created,
        territories=dict(state.territories),  # Territory is frozen
        # New records: ``evolve`` changes the live ones in place (a status, a table).
        participants={pid: msgspec.structs.replace(p) for pid, p in state.participants.items()},
        statements={sid: msgspec.structs.replace(s) for sid, s in state.statements.items()},
        positions=dict(state.positions),
    )


def _territory_scope(state: SessionState, territory: str, k: int) -> SessionState:
    """The state as if only ``territory``'s people had joined, without their positions on the
    statements where the territories' partition hides that territory's figures."""
    members = {pid: p for pid, p in state.participants.items() if p.territory == territory}
    hidden = _hidden_for(state, territory, k, position_matrix(state))
    positions = {
        (p, s): v for (p, s), v in state.positions.items() if p in members and s not in hidden
    }
    return msgspec.structs.replace(state, participants=members, positions=positions)


def _hidden_for(
    state: SessionState, territory: str, k: int, matrix: PositionMatrix
) -> frozenset[str]:
    """The published statements on which the tallies hide ``territory``'s figures."""
    return frozenset(
        line.statement
        for line in distributions(state, k=k, matrix=matrix)
        if any(d.hidden for d in line.territories if d.group == territory)
    )


def _group(group: OpinionGroup, index: int, groups: OpinionGroups, k: int) -> LandscapeGroup:
    size = len(group.members)
    if size < k:
        return LandscapeGroup(id=group.name, size=None, representative=())
    lines = {line.statement: line for line in groups.statements}
    chosen = (_representative(r, lines[r.statement], index) for r in group.representative)
    return LandscapeGroup(
        id=group.name,
        size=size,
        representative=tuple(entry for entry in chosen if entry is not None),
    )


def _representative(
    entry: Representative, line: GroupAgreement, index: int
) -> GroupStatement | None:
    """The entry with the group's votes on its statement; None on a cell the k rule hides
    (Pol.is's selection already skips those: kept as a guard, a hidden cell shows nothing)."""
    votes: GroupVotes | None = line.votes[index]
    if votes is None:
        return None
    seen = votes.seen
    return GroupStatement(
        statement=entry.statement,
        stance=entry.stance,
        share=entry.group_share,
        rest_share=entry.rest_share,
        agree=votes.agree / seen if seen else 0.0,
        disagree=votes.disagree / seen if seen else 0.0,
        voters=seen,
    )


def _consensus(entry: MajorityStatement) -> ConsensusStatement:
    return ConsensusStatement(
        statement=entry.statement,
        share=entry.successes / entry.voters if entry.voters else 0.0,
        voters=entry.voters,
    )
