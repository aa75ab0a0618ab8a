"""The live opinion landscape (issue 16), scenario by scenario: who is counted, the groups and
what represents each, the consensus lists, for the room and per territory, under k = 5.

Rooms are stated as events (the harness's ``given``); every expected figure is written out here.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec
import pytest

from session_engine.events import (
    Event,
    PositionTaken,
    StatementHidden,
    StatementProposed,
    StatementPublished,
)
from session_engine.evolve import evolve
from session_engine.model import Place, StatementKind, Territory
from session_engine.opinions import (
    Consensus,
    ConsensusStatement,
    Landscape,
    landscape,
    landscape_inputs,
)
from session_engine.opinions.results import Direction
from session_engine.state import SessionState

from .harness import a_forum, a_session, a_statement, given, joined

AGREE, DISAGREE = Direction.AGREE, Direction.DISAGREE
TERRITORIES = tuple(
    Territory(id=f"t{i}", name=f"Territoire {i}", commune=f"Commune {i}", qpv=i == 1)
    for i in (1, 2, 3)
)
TEXTS = {
    "s1": "Il faut prolonger le tram jusqu’à la gare.",
    "s2": "Il manque des bancs sur la place du marché.",
    "s3": "Le tram coûtera trop cher pour ce qu’il apporte.",
    "s4": "Il faut fermer la médiathèque le samedi.",
    "s5": "Les ascenseurs de la cité tombent en panne chaque semaine.",
}


def room(people: dict[str, str], *positions: Iterable[Event]) -> SessionState:
    """A session of three territories, ``people`` (participant -> territory), the published
    statements s1..s5, s6 waiting in the moderation queue, then the ``positions``."""
    events: list[Event] = [*a_session(territories=TERRITORIES)]
    events += [joined(p, territory=t) for p, t in people.items()]
    for sid, text in TEXTS.items():
        events += a_statement(sid, text=text)
    events += a_statement("s6", text="Un énoncé pas encore publié.", published=False)
    for batch in positions:
        events += batch
    return given(events).state


def took(statement: str, value: int | None, *people: str, round_: int = 1) -> list[Event]:
    return [
        PositionTaken(participant=p, statement=statement, value=value, round=round_) for p in people
    ]


def ids(first: int, last: int) -> tuple[str, ...]:
    return tuple(f"p{i}" for i in range(first, last + 1))


# --- the room: two camps over the tram, everyone for benches -------------------------------------

TRAM = (*ids(1, 7), "p14", "p15")  # p1..p7 live in t1, p14 and p15 in t3
AGAINST = ids(8, 13)  # t2
CAMPS = {**dict.fromkeys(ids(1, 7), "t1"), **dict.fromkeys(AGAINST, "t2"), "p14": "t3", "p15": "t3"}


def two_camps() -> SessionState:
    """Nine for the tram (s1 +2, s3 −2), six against (s1 −2, s3 +2); all fifteen want benches
    (s2 +1); everyone but t3's two wants the library open on Saturdays (s4 −2); only four
    people rated the lifts (s5 +2)."""
    return room(
        CAMPS,
        took("s1", 2, *TRAM),
        took("s3", -2, *TRAM),
        took("s1", -2, *AGAINST),
        took("s3", 2, *AGAINST),
        took("s2", 1, *TRAM, *AGAINST),
        took("s4", -2, *ids(1, 13)),
        took("s5", 2, "p1", "p2", "p3", "p8"),
    )


def test_the_room_shows_two_groups_each_with_what_sets_it_apart() -> None:
    shown = landscape(two_camps())
    assert (shown.territory, shown.k, shown.participants) == (None, 5, 15)
    # (group, size, [(statement, stance, share, rest's share, agree, disagree, voters)])
    expected = [
        ("A", 9, [
            ("s1", AGREE, 1.0, 0.0, 1.0, 0.0, 9),
            ("s3", DISAGREE, 1.0, 0.0, 0.0, 1.0, 9),
        ]),
        ("B", 6, [
            ("s3", AGREE, 1.0, 0.0, 1.0, 0.0, 6),
            # Pol.is's best-agree entry: what the group agrees with most, as the rest do
            ("s2", AGREE, 1.0, 1.0, 1.0, 0.0, 6),
            ("s1", DISAGREE, 1.0, 0.0, 0.0, 1.0, 6),
        ]),
    ]  # fmt: skip
    assert [
        (
            g.id,
            g.size,
            [
                (r.statement, r.stance, r.share, r.rest_share, r.agree, r.disagree, r.voters)
                for r in g.representative
            ],
        )
        for g in shown.groups
    ] == expected


def test_the_consensus_lists_need_a_clear_majority_of_at_least_k_voters() -> None:
    shown = landscape(two_camps())
    # s2: 15 of 15 agree; s4: 13 of 13 disagree. s1 and s3 split 9 / 6: p = 10/17, z = 1.0 under
    # 1.2816. s5: 4 of 4 agree, but 4 voters are fewer than k = 5: no figure of it anywhere.
    assert shown.consensus == Consensus(
        agree=(ConsensusStatement(statement="s2", share=1.0, voters=15),),
        disagree=(ConsensusStatement(statement="s4", share=1.0, voters=13),),
    )


def test_only_published_statements_are_named() -> None:
    assert landscape(two_camps()).statements == TEXTS  # s6 waits for moderation


def test_a_hidden_statement_leaves_the_texts_and_the_lists() -> None:
    state = two_camps()
    evolve(state, StatementHidden(statement="s2"))
    shown = landscape(state)
    assert "s2" not in shown.statements
    assert [c.statement for c in shown.consensus.agree] == []
    assert all(r.statement != "s2" for g in shown.groups for r in g.representative)


# --- per territory ------------------------------------------------------------------------------


def test_a_territory_counts_only_its_own_people() -> None:
    t1 = landscape(two_camps(), territory="t1")
    # t1's seven all think alike: one group is no opinion group; the lists are theirs alone.
    assert (t1.territory, t1.participants, t1.groups) == ("t1", 7, ())
    assert t1.consensus == Consensus(
        agree=(
            ConsensusStatement(statement="s1", share=1.0, voters=7),
            ConsensusStatement(statement="s2", share=1.0, voters=7),
        ),
        disagree=(
            ConsensusStatement(statement="s3", share=1.0, voters=7),
            ConsensusStatement(statement="s4", share=1.0, voters=7),
        ),
    )
    assert t1.statements == TEXTS


def test_a_territory_hidden_in_the_tallies_by_complementary_suppression_shows_nothing_there() -> (
    None
):
    # Voters per territory (t1, t2, t3) and what the tallies show of each (the k rule):
    #   s1, s2, s3: 7, 6, 2 -> t3 hidden (2 < 5), alone recoverable: t2, the smallest shown, too
    #   s4:         7, 6, 0 -> only t3 hidden, and it holds nobody: t1 and t2 shown
    #   s5:         3, 1, 0 -> all hidden
    # t2's landscape leaves out its positions where the tallies hide it: else the room's
    # figures minus t1's and t2's would give t3's two people away.
    t2 = landscape(two_camps(), territory="t2")
    assert (t2.participants, t2.groups) == (6, ())
    assert t2.consensus == Consensus(
        agree=(), disagree=(ConsensusStatement(statement="s4", share=1.0, voters=6),)
    )
    t3 = landscape(two_camps(), territory="t3")
    assert (t3.participants, t3.groups, t3.consensus) == (0, (), Consensus(agree=(), disagree=()))


T1_NORTH = ids(1, 6)  # t1, north of the canal: for the tram
T1_SOUTH = ids(7, 12)  # t1, south of it: against
T2_ALL = ids(13, 22)  # t2: ten people for the tram and against its cost


def a_divided_territory() -> SessionState:
    """t1 is split over the tram, six and six; t2's ten are all for it; all 22 want benches."""
    people = {**dict.fromkeys((*T1_NORTH, *T1_SOUTH), "t1"), **dict.fromkeys(T2_ALL, "t2")}
    return room(
        people,
        took("s1", 2, *T1_NORTH, *T2_ALL),
        took("s3", -2, *T1_NORTH, *T2_ALL),
        took("s1", -1, *T1_SOUTH),
        took("s3", 1, *T1_SOUTH),
        took("s2", 1, *T1_NORTH, *T1_SOUTH, *T2_ALL),
    )


def test_a_territory_is_clustered_on_its_own() -> None:
    state = a_divided_territory()
    t1 = landscape(state, territory="t1")
    assert [(g.id, g.size) for g in t1.groups] == [("A", 6), ("B", 6)]
    assert t1.participants == 12
    assert [c.statement for c in t1.consensus.agree] == ["s2"]  # 12 of 12; s1 splits 6 / 6
    # t2 alone: no division, and its lists count its ten only.
    t2 = landscape(state, territory="t2")
    assert t2.groups == ()
    assert [(c.statement, c.voters) for c in t2.consensus.agree] == [("s1", 10), ("s2", 10)]
    assert [(c.statement, c.voters) for c in t2.consensus.disagree] == [("s3", 10)]
    # The room: sixteen for the tram against t1's six from the south.
    assert [(g.id, g.size) for g in landscape(state).groups] == [("A", 16), ("B", 6)]


def test_a_territory_nobody_joined_from_is_an_empty_landscape() -> None:
    shown = landscape(a_divided_territory(), territory="t3")
    assert (shown.participants, shown.groups) == (0, ())
    assert shown.consensus == Consensus(agree=(), disagree=())


# --- a forum: the online phase, no round --------------------------------------------------------


def a_forum_rated() -> SessionState:
    """The forum of issue 16: residents of t1 and t2 post problems with a place, read others'
    and rate them, with no round (``round`` 0): t1's twelve split over the market's hours (f1),
    t2's ten all want the bus stop moved back (f2); everyone finds the streets dirty (f3)."""
    north, south, t2 = ids(1, 6), ids(7, 12), ids(13, 22)
    events: list[Event] = [*a_forum()]
    events += [joined(p, territory="t1") for p in (*north, *south)]
    events += [joined(p, territory="t2") for p in t2]
    posts = (
        ("f1", "p1", "t1", "Le marché doit fermer plus tôt le dimanche.", "Place du marché"),
        ("f2", "p13", "t2", "L’arrêt de bus a été déplacé trop loin de l’école.", None),
        ("f3", "p7", "t1", "Les rues sont sales après le marché.", "Rue Jean-Jaurès"),
    )
    for sid, author, territory, text, address in posts:
        place = Place(address=address, lat=48.9, lon=2.35) if address else None
        events += [
            StatementProposed(
                statement=sid,
                author=author,
                text=text,
                kind=StatementKind.PROBLEM,
                round=0,
                table=None,
                place=place,
                theme="Transports" if sid == "f2" else "Propreté et déchets",
                territory=territory,
            ),
            StatementPublished(statement=sid),
        ]
    return given(
        events,
        took("f1", 2, *north, round_=0),
        took("f1", -2, *south, round_=0),
        took("f2", -1, *north, round_=0),
        took("f2", 1, *south, round_=0),
        took("f2", 2, *t2, round_=0),
        took("f1", None, *t2, round_=0),
        took("f3", 1, *north, *south, *t2, round_=0),
    ).state


def test_a_forum_s_landscape_is_its_ratings_per_territory() -> None:
    state = a_forum_rated()
    assert state.forum
    room, t1, t2 = (landscape(state, territory=t) for t in (None, "t1", "t2"))
    assert (room.participants, t1.participants, t2.participants) == (22, 12, 10)
    assert [(g.id, g.size) for g in t1.groups] == [("A", 6), ("B", 6)]  # split over the market
    assert t2.groups == ()  # t2 thinks alike
    # (landscape, agreed, disagreed): statement and voters. f2 in the room: 16 of 22 agree,
    # p = 17/24 and z = 2·√23·(17/23 − ½) ≈ 2.29, after f3 (22 of 22) by p·z; f1 is passed by t2.
    lists: list[tuple[Landscape, list[tuple[str, int]], list[tuple[str, int]]]] = [
        (room, [("f3", 22), ("f2", 22)], []),
        (t1, [("f3", 12)], []),
        (t2, [("f2", 10), ("f3", 10)], []),
    ]
    for shown, agree, disagree in lists:
        assert [(c.statement, c.voters) for c in shown.consensus.agree] == agree, shown.territory
        assert [(c.statement, c.voters) for c in shown.consensus.disagree] == disagree
    assert set(room.statements) == {"f1", "f2", "f3"}


# --- k-anonymity --------------------------------------------------------------------------------


def test_two_dissenters_are_never_a_group_of_their_own() -> None:
    # Ten agree on everything, two (p11, p12) disagree: a group of two would show their
    # positions; they join the others, and one group is no opinion group at all.
    people = dict.fromkeys(ids(1, 12), "t1")
    state = room(
        people,
        *(took(s, 2, *ids(1, 10)) for s in ("s1", "s2", "s3")),
        *(took(s, -2, "p11", "p12") for s in ("s1", "s2", "s3")),
    )
    assert landscape(state).groups == ()
    assert landscape(state, k=2).groups != ()  # with k = 2 they would be shown apart


def test_no_figure_of_a_room_under_k_voters() -> None:
    state = room(dict.fromkeys(ids(1, 4), "t1"), *(took(s, 2, *ids(1, 4)) for s in TEXTS))
    shown = landscape(state)
    assert shown.participants == 4  # a count of people, no position of theirs
    assert (shown.groups, shown.consensus) == ((), Consensus(agree=(), disagree=()))


# --- the landscape is a projection of the state, and JSON as it stands --------------------------


def test_the_inputs_a_server_copies_give_the_same_landscape_and_stay_as_copied() -> None:
    state = two_camps()
    copied = landscape_inputs(state)
    for territory in (None, "t1", "t2", "t3"):
        assert landscape(copied, territory=territory) == landscape(state, territory=territory)
    before = landscape(copied)
    evolve(state, StatementHidden(statement="s2"))  # the session goes on
    for event in took("s5", 2, "p4", "p5"):
        evolve(state, event)
    assert landscape(copied) == before
    assert landscape(state) != before


def test_the_landscape_is_plain_json() -> None:
    shown = landscape(two_camps(), territory="t1")
    as_json = msgspec.json.decode(msgspec.json.encode(shown))
    assert set(as_json) == {"territory", "k", "participants", "groups", "consensus", "statements"}
    assert as_json["consensus"]["agree"][0] == {"statement": "s1", "share": 1.0, "voters": 7}
    assert msgspec.json.decode(msgspec.json.encode(shown), type=Landscape) == shown


@pytest.mark.parametrize("territory", [None, "t1", "t2"])
def test_the_same_state_always_gives_the_same_landscape(territory: str | None) -> None:
    assert landscape(a_divided_territory(), territory=territory) == landscape(
        a_divided_territory(), territory=territory
    )
