"""Tallies (``session_engine.tallies``): what the room, the projector and the console see of
positions, ballots and joins.

Given events, the tallies are written out by hand: counts per value overall, per territory and
per role; a group under k — and whatever complementary suppression hides with it — carries no
figure, not even its number of voters; joins are plain counts; a vote, its ballots received and
how many have not voted yet. The rule is the cahier's (``opinions.breakdown``): a test compares.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import msgspec

from session_engine.events import (
    Event,
    ParticipantJoined,
    PositionTaken,
    StatementHidden,
    VoteClosed,
)
from session_engine.evolve import evolve
from session_engine.model import Grade, ParticipantRole
from session_engine.opinions.breakdown import distributions
from session_engine.state import SessionState
from session_engine.tallies import Group, Joined, StatementTally, Tallies, VoteTally, tallies

from .harness import a_proposal, a_session, a_statement, ballot, given, joined, vote_opened

HABITANT, ELU, TECHNICIEN = (
    ParticipantRole.HABITANT,
    ParticipantRole.ELU,
    ParticipantRole.TECHNICIEN,
)

# Thirteen people: six residents of t1; three residents and two élus of t2; two technicians of t3.
ROOM: list[Event] = [
    *(joined(f"p{i}", territory="t1") for i in range(1, 7)),
    *(joined(f"p{i}", territory="t2") for i in range(7, 10)),
    joined("p10", territory="t2", role=ELU),
    joined("p11", territory="t2", role=ELU),
    joined("p12", territory="t3", role=TECHNICIEN),
    joined("p13", territory="t3", role=TECHNICIEN),
]

# Who takes which position on s1 (None: « je passe »); p13 takes none.
S1 = {
    "p1": 2, "p2": 2, "p3": 1, "p4": 0, "p5": -1, "p6": None,  # t1: 6 voters
    "p7": 1, "p8": 1, "p9": -2, "p10": -2, "p11": None,  # t2: 5 voters
    "p12": 2,  # t3: 1 voter
}  # fmt: skip


def positions(statement: str, values: dict[str, int | None]) -> list[Event]:
    return [
        PositionTaken(participant=p, statement=statement, value=v, round=1)
        for p, v in values.items()
    ]


def state_of(*events: Event | Sequence[Event]) -> SessionState:
    return given(*(e if isinstance(e, Event) else list(e) for e in events)).state


def room_with(*events: Event | list[Event]) -> SessionState:
    return state_of(a_session(), ROOM, a_statement("s1", author="p1", table_=None), *events)


def shown(group: str, counts: tuple[int, ...], passes: int) -> Group:
    return Group(
        group=group, hidden=False, voters=sum(counts) + passes, counts=counts, passes=passes
    )


def hidden(group: str) -> Group:
    return Group(group=group, hidden=True)


JOINED = Joined(
    total=13,
    territories={"t1": 6, "t2": 5, "t3": 2},
    roles={"habitant": 9, "elu": 2, "technicien": 2, "autre": 0},
)


def test_a_statement_shows_each_group_of_k_voters_and_hides_the_others_with_no_figure() -> None:
    # t3 has one voter: hidden. Hidden alone, it would be the room minus t1 minus t2: so the
    # smallest shown territory, t2, is hidden with it (complementary suppression). By role:
    # élus (2), technicians (1) and « autre » (0) are under k, and together still under k, so
    # the residents are hidden too: only the whole room shows.
    assert tallies(room_with(positions("s1", S1))) == Tallies(
        k_anonymity=5,
        joined=JOINED,
        statements=(
            StatementTally(
                statement="s1",
                overall=shown("all", (2, 1, 1, 3, 3), passes=2),
                territories=(shown("t1", (0, 1, 1, 1, 2), passes=1), hidden("t2"), hidden("t3")),
                roles=(hidden("habitant"), hidden("elu"), hidden("technicien"), hidden("autre")),
            ),
        ),
        votes=(),
    )


def test_a_room_under_k_shows_nothing_of_a_statement_not_even_how_many_took_a_position() -> None:
    few = tallies(room_with(positions("s1", {"p1": 2, "p7": -1, "p12": None})))
    (s1,) = few.statements
    assert s1.overall == hidden("all")
    assert s1.territories == (hidden("t1"), hidden("t2"), hidden("t3"))
    assert s1.roles == tuple(hidden(r.value) for r in ParticipantRole)
    wire = msgspec.to_builtins(s1)
    assert wire["overall"] == {"group": "all", "hidden": True, "voters": None, "counts": None,
                               "passes": None}  # fmt: skip


def test_with_k_2_the_same_room_shows_every_group_of_two_or_more() -> None:
    s1 = tallies(room_with(positions("s1", S1)), k=2).statements[0]
    # t3's single voter is hidden, and with it the smallest shown territory (t2, 5): the hidden
    # ones together hold 6 >= 2.
    assert [g.hidden for g in s1.territories] == [False, True, True]
    # roles: habitant 9, élu 2, technicien 1, autre 0: technicien and autre hidden (1 voter
    # together, under 2), so the élus (2), the smallest shown, are hidden too.
    assert [g.hidden for g in s1.roles] == [False, True, True, True]
    assert s1.roles[0] == shown("habitant", (1, 1, 1, 3, 2), passes=1)


def test_joins_are_counts_of_people_present_and_a_vote_is_its_ballots_and_who_has_not_voted() -> (
    None
):
    state = room_with(
        a_proposal("pr1", statement="s1"),
        vote_opened("v1", "pr1"),
        ballot("v1", "p1", pr1=Grade.BIEN),
        ballot("v1", "p9", pr1=Grade.PASSABLE),
    )
    result = tallies(state)
    assert result.joined == JOINED
    assert result.votes == (VoteTally(vote="v1", open=True, ballots=2, waiting=11),)
    # Closed with 2 ballots, under k: no profile (each voter would read the other's grades).
    closed = tallies(_closed(state))
    assert closed.votes == (VoteTally(vote="v1", open=False, ballots=2, waiting=11),)
    # The consoles see them whatever the number of ballots: the facilitators run the evening on
    # a vote's result (the consent round on what it adopted), as they always could.
    assert tallies(_closed(state), console=True).votes[0].profiles == {"pr1": (0, 0, 1, 0, 1, 0, 0)}
    # With k = 2 (or 5 ballots and more), the room sees the profiles too.
    assert tallies(_closed(state), k=2).votes == (
        VoteTally(
            vote="v1", open=False, ballots=2, waiting=11, profiles={"pr1": (0, 0, 1, 0, 1, 0, 0)}
        ),
    )


def _closed(state: SessionState) -> SessionState:
    closed = state.copy()
    evolve(closed, VoteClosed(vote="v1"))
    return closed


def test_only_published_statements_have_tallies() -> None:
    state = room_with(
        positions("s1", S1),
        a_statement("s2", author="p2", table_=None),
        positions("s2", S1),
        StatementHidden(statement="s2"),
        a_statement("s3", author="p3", table_=None, published=False),
    )
    assert [s.statement for s in tallies(state).statements] == ["s1"]


def test_a_hidden_group_cannot_be_recovered_by_subtraction() -> None:
    """Whatever the room: per statement and partition, the whole room's voters minus the shown
    groups' — what an observer can work out about the hidden ones together — is 0 or at least
    k, and each hidden group's own figures are nowhere."""
    chance = random.Random(14)
    roles = list(ParticipantRole)
    for _ in range(200):
        people: list[ParticipantJoined] = [
            joined(f"p{i}", territory=chance.choice(["t1", "t2", "t3"]), role=chance.choice(roles))
            for i in range(1, chance.randint(3, 40))
        ]
        values = {
            e.participant: chance.choice([-2, -1, 0, 1, 2, None])
            for e in people
            if chance.random() < 0.8
        }
        state = state_of(a_session(), people, a_statement("s1", author="p1", table_=None),
                         positions("s1", values))  # fmt: skip
        (s1,) = tallies(state).statements
        true_voters = len(values)
        for partition in (s1.territories, s1.roles):
            for group in partition:
                assert group.hidden == (group.voters is None)
                assert group.hidden == (group.counts is None) == (group.passes is None)
            if s1.overall.hidden:  # the room's total is unknown: every group is under k
                assert all(g.hidden for g in partition)
                continue
            hidden_voters = (s1.overall.voters or 0) - sum(
                g.voters or 0 for g in partition if not g.hidden
            )
            assert hidden_voters == 0 or hidden_voters >= 5, (partition, values)
        if s1.overall.hidden:
            assert true_voters < 5
        else:
            assert s1.overall.voters == true_voters >= 5


def test_the_rule_is_the_cahiers_group_for_group() -> None:
    """The cahier's breakdown hides the same groups and shows the same figures."""
    chance = random.Random(5)
    for _ in range(50):
        people: list[ParticipantJoined] = [
            joined(f"p{i}", territory=chance.choice(["t1", "t2", "t3"]),
                   role=chance.choice(list(ParticipantRole)))
            for i in range(1, chance.randint(5, 60))
        ]  # fmt: skip
        values = {e.participant: chance.choice([-2, -1, 0, 1, 2, None]) for e in people}
        state = state_of(a_session(), people, a_statement("s1", author="p1", table_=None),
                         positions("s1", values))  # fmt: skip
        (ours,) = tallies(state).statements
        (cahier,) = distributions(state)
        for mine, theirs in [
            (ours.overall, cahier.overall),
            *zip(ours.territories, cahier.territories, strict=True),
            *zip(ours.roles, cahier.roles, strict=True),
        ]:
            assert mine.group == theirs.group
            assert mine.hidden == theirs.hidden
            if not mine.hidden:
                assert (mine.voters, mine.counts, mine.passes) == (
                    theirs.voters, theirs.counts, theirs.passes,
                )  # fmt: skip
