"""Tallies: what the room, the projector and the console see of positions, ballots and joins.

A person's position and ballot are theirs (``visibility``, ``audiences``): nobody else receives
them. Everyone receives instead, per published statement, the number of voters and the count of
each value (−2…+2 and « je passe »), overall, per territory and per role, under the same
k-anonymity rule as the cahier (``opinions.breakdown.suppressed``): a group with fewer than k
voters, and any group complementary suppression hides with it so that no hidden group can be
recovered by subtraction, is marked ``hidden`` and carries no figure at all, not even its number
of voters. The whole room is a group too: under k voters, it is hidden.

Who counts is who counts in the cahier (``opinions.matrix.position_matrix``): everyone taking
part (``SessionState.people``: a removed person's positions stay, a merged entry's or an erased
person's count nowhere), on the published statements, in log order; and a voter no join names
(an archive's published log gives positions under aliases, ``archive.unlink``) in the room's
figures, in no territory nor role.

Besides: how many people have joined and are still here (in total, per territory, per role:
people present are no secret), and per vote the ballots received and the participants present
who have not voted yet — counts only — and, once it is closed with at least k ballots, its merit
profiles (whole-room counts per grade, as ``ResultsShown`` carries them: every screen can tell
what it adopted; under k, none, as for any group under k).

``tallies(state)`` is a pure projection of the state: replay and live give the same tallies.
``msgspec.to_builtins`` of it is the body of the ``tallies`` frame (docs/protocol.md).
"""

from __future__ import annotations

from collections import Counter

import msgspec

from .majority import tally_vote
from .model import ParticipantRole
from .opinions.breakdown import suppressed
from .opinions.params import DEFAULT_K
from .state import SessionState, StatementStatus

__all__ = [
    "ALL",
    "DEFAULT_K",
    "Group",
    "Joined",
    "StatementTally",
    "Tallies",
    "VoteTally",
    "for_the_room",
    "tallies",
]

ALL = "all"  # the name of the whole room's group
_CODES = 6  # a group's counts: the values -2..+2 (at their value + 2), then the passes
_PASS = 5


class Group(msgspec.Struct, frozen=True, kw_only=True):
    """One group's positions on one statement; a hidden group carries no figure."""

    group: str  # "all", a territory id, or a role
    hidden: bool
    voters: int | None = None  # passes included
    counts: tuple[int, ...] | None = None  # people at −2, −1, 0, +1, +2
    passes: int | None = None


class StatementTally(msgspec.Struct, frozen=True, kw_only=True):
    statement: str
    overall: Group
    territories: tuple[Group, ...]  # every territory of the session, in order
    roles: tuple[Group, ...]  # every role, in ``ParticipantRole`` order


class Joined(msgspec.Struct, frozen=True, kw_only=True):
    """People present (joined, neither removed nor merged): plain counts."""

    total: int
    territories: dict[str, int]  # every territory, 0 included
    roles: dict[str, int]  # every role, 0 included


class VoteTally(msgspec.Struct, frozen=True, kw_only=True):
    vote: str
    open: bool
    ballots: int  # ballots received, paper ones included
    waiting: int  # participants present who have cast no ballot in it
    # once closed with at least k ballots: its merit profiles (count of each grade, per
    # proposal), as ``ResultsShown`` carries them — what tells every screen what it adopted
    profiles: dict[str, tuple[int, ...]] | None = None


class Tallies(msgspec.Struct, frozen=True, kw_only=True):
    k_anonymity: int  # k: a group with fewer voters shows no figure (``k`` names the frame kind)
    joined: Joined
    statements: tuple[StatementTally, ...]  # the published statements, in log order
    votes: tuple[VoteTally, ...]  # every vote, in order


def tallies(state: SessionState, *, k: int = DEFAULT_K, console: bool = False) -> Tallies:
    """The tallies of ``state`` under k-anonymity ``k``, as the room sees them; as the consoles
    see them with ``console``: the same, but every closed vote's merit profiles (the facilitators
    need a vote's result to run the evening — open the consent round on what it adopted — as
    they always could, ``ShowResults`` being theirs to press)."""
    territories = _territories(state)
    roles = [role.value for role in ParticipantRole]
    # One pass over the positions (a whole room's can be 100,000): each person's cell block is
    # the (territory, role) they count in, six codes wide (0..4 = value + 2, 5 = a pass).
    where = {t: i for i, t in enumerate(territories)}
    role_of = {role: i for i, role in enumerate(ParticipantRole)}
    width = len(roles) * _CODES
    block = {p.id: where[p.territory] * width + role_of[p.role] * _CODES for p in state.people()}
    published = [s.id for s in state.statements.values() if s.status is StatementStatus.PUBLISHED]
    nowhere = len(territories) * width  # the last block: voters no join names, room only
    cells = {s: [0] * (nowhere + _CODES) for s in published}
    for (participant, statement), value in state.positions.items():
        start = block.get(participant)
        if start is None and participant and participant not in state.participants:
            start = nowhere
        counts = cells.get(statement)
        if start is not None and counts is not None:
            counts[start + (_PASS if value is None else value + 2)] += 1
    seen = Tallies(
        k_anonymity=k,
        joined=_joined(state, territories, roles),
        statements=tuple(
            _statement(statement, cells[statement], territories, roles, k)
            for statement in published
        ),
        votes=tuple(
            VoteTally(
                vote=vote.id,
                open=vote.open,
                ballots=len(vote.ballots) + vote.paper_count,  # paper ones included
                waiting=sum(
                    1 for p in state.participants.values() if p.present and p.id not in vote.ballots
                ),
                profiles=None if vote.open else tally_vote(vote),
            )
            for vote in state.votes.values()
        ),
    )
    return seen if console else for_the_room(seen)


def for_the_room(seen: Tallies) -> Tallies:
    """The consoles' tallies as the room sees them: a closed vote of fewer than k ballots shows
    no merit profiles (each voter could read the others' grades in them; the k rule of a group) —
    the room learns those only if the facilitators show them (``ResultsShown``). Derived, not
    computed again: the server sends both every tick."""
    small = [v for v in seen.votes if v.profiles is not None and v.ballots < seen.k_anonymity]
    if not small:
        return seen
    return msgspec.structs.replace(
        seen,
        votes=tuple(
            msgspec.structs.replace(v, profiles=None) if v in small else v for v in seen.votes
        ),
    )


def _territories(state: SessionState) -> list[str]:
    """The session's territories, then any other a participant names (as the cahier does)."""
    known = list(state.territories)
    extra = sorted({p.territory for p in state.participants.values()} - set(known))
    return known + extra


def _joined(state: SessionState, territories: list[str], roles: list[str]) -> Joined:
    present = [p for p in state.participants.values() if p.present]
    by_territory = Counter(p.territory for p in present)
    by_role = Counter(p.role.value for p in present)
    return Joined(
        total=len(present),
        territories={t: by_territory[t] for t in territories},
        roles={r: by_role[r] for r in roles},
    )


def _statement(
    statement: str, cells: list[int], territories: list[str], roles: list[str], k: int
) -> StatementTally:
    """One statement's groups from its cells, (territory, role, code) laid out row by row, then
    the codes of the voters in no territory."""
    per_territory = [[0] * _CODES for _ in territories]
    per_role = [[0] * _CODES for _ in roles]
    for t in range(len(territories)):
        for r in range(len(roles)):
            start = (t * len(roles) + r) * _CODES
            for code in range(_CODES):
                n = cells[start + code]
                per_territory[t][code] += n
                per_role[r][code] += n
    nowhere = len(territories) * len(roles) * _CODES
    room = [sum(column) for column in zip(*per_territory, cells[nowhere:], strict=True)]
    return StatementTally(
        statement=statement,
        overall=_partition([ALL], [room], k)[0],
        territories=_partition(territories, per_territory, k),
        roles=_partition(roles, per_role, k),
    )


def _partition(names: list[str], counts: list[list[int]], k: int) -> tuple[Group, ...]:
    """The groups of one partition, hidden as the cahier hides them (``suppressed``)."""
    voters = [sum(c) for c in counts]
    hidden = suppressed(voters, k)
    return tuple(
        Group(group=name, hidden=True)
        if hide
        else Group(group=name, hidden=False, voters=n, counts=tuple(c[:5]), passes=c[5])
        for name, c, n, hide in zip(names, counts, voters, hidden, strict=True)
    )
