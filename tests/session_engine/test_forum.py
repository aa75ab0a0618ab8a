"""The online phase (« forum numérique », issue 16): a session without tables nor rounds.

A forum is created with ``forum=True`` and its themes; people join as to any session, then write
problems and ideas with an optional place and theme, rate the published ones −2..+2 or pass and
comment on them, at any time until the facilitator closes it; the facilitator moderates as on the
evening. What needs a table or a round is refused with ``forum_no_rounds``. The scenarios state
their givens as events and check the exact events or the rejection code.
"""

from __future__ import annotations

import pytest

from session_engine.archive import anonymise
from session_engine.codec import Envelope
from session_engine.commands import (
    Annotate,
    CreateSession,
    EndRound,
    JoinSession,
    NewTerritory,
    ProposeStatement,
    PublishStatement,
    SeatTables,
    StartRound,
    SubmitSynthesis,
    TakePosition,
)
from session_engine.departures import Departures
from session_engine.events import (
    AnnotationAdded,
    Event,
    ParticipantJoined,
    ParticipantRemoved,
    PositionTaken,
    SessionClosed,
    SessionCreated,
    StatementHidden,
    StatementProposed,
    StatementPublished,
)
from session_engine.logfile import LogHeader
from session_engine.model import (
    ParticipantRole,
    Place,
    RoundKind,
    RoundSpec,
    StatementKind,
    Territory,
)
from session_engine.tallies import tallies
from session_engine.visibility import console_state, public_envelope, visible_state

from .harness import (
    FACILITATOR,
    FORUM_THEMES,
    GUEST,
    T0,
    a_forum,
    given,
    joined,
    participant,
)

DAY = 24 * 60 * 60 * 1000


def residents() -> list[Event]:
    return [
        joined("p1", territory="t1"),
        joined("p2", territory="t2"),
        joined("p3", territory="t3"),
    ]


def a_published_problem(sid: str = "s1", author: str = "p1") -> list[Event]:
    return [
        StatementProposed(
            statement=sid,
            author=author,
            text="Les poubelles débordent rue Gabriel-Péri.",
            kind=StatementKind.PROBLEM,
            round=0,
            table=None,
            territory="t1",
        ),
        StatementPublished(statement=sid),
    ]


# --- creating a forum ---------------------------------------------------------------------------


def test_a_forum_is_created_without_agenda_with_its_themes() -> None:
    command = CreateSession(
        title="Forum numérique",
        territories=(NewTerritory(name="Franc-Moisin", commune="Saint-Denis", qpv=True),),
        agenda=(),
        forum=True,
        themes=(" Propreté et déchets ", "Transports"),
    )
    state = (
        given()
        .when(command, as_=FACILITATOR)
        .then(
            SessionCreated(
                title="Forum numérique",
                territories=(
                    Territory(id="t1", name="Franc-Moisin", commune="Saint-Denis", qpv=True),
                ),
                agenda=(),
                table_size=6,
                host_policy=command.host_policy,
                forum=True,
                themes=("Propreté et déchets", "Transports"),
            )
        )
    )
    assert state.forum
    assert state.themes == ("Propreté et déchets", "Transports")
    assert state.rounds == []


AGENDA = (RoundSpec(kind=RoundKind.TABLE, prompt="Quels problèmes ?", duration_ms=20 * 60_000),)
TERRITORY = (NewTerritory(name="Pleyel", commune="Saint-Denis", qpv=False),)

# What a session may be created with: (forum, agenda, themes) → accepted or the code.
CREATIONS = [
    (True, (), (), None),  # a forum without themes: no theme filter
    (True, AGENDA, (), "bad_request"),  # a forum has no rounds
    (False, AGENDA, ("Transports",), "bad_request"),  # themes are a forum's
    (False, (), (), "bad_request"),  # an evening needs an agenda
    (True, (), ("Transports", "transports"), "bad_request"),  # the same theme twice
    (True, (), tuple(f"Thème {n}" for n in range(21)), "bad_request"),  # 20 at most
    (True, (), ("x" * 61,), "text_too_long"),
    (True, (), ("  ",), "bad_request"),
]


@pytest.mark.parametrize(("forum", "agenda", "themes", "code"), CREATIONS)
def test_what_a_session_may_be_created_with(
    forum: bool, agenda: tuple[RoundSpec, ...], themes: tuple[str, ...], code: str | None
) -> None:
    command = CreateSession(
        title="F", territories=TERRITORY, agenda=agenda, forum=forum, themes=themes
    )
    outcome = given().when(command, as_=FACILITATOR)
    if code is None:
        (created,) = outcome.events
        assert isinstance(created, SessionCreated)
        assert created.forum is forum
    else:
        outcome.then_rejected(code)


# --- writing, rating, commenting at any time ----------------------------------------------------


def test_a_resident_joins_a_forum_and_is_seated_nowhere() -> None:
    join = JoinSession(pseudonym="Awa", territory="t2", role=ParticipantRole.HABITANT)
    state = (
        given(a_forum())
        .when(join, as_=GUEST)
        .then(
            ParticipantJoined(
                participant="p1",
                pseudonym="Awa",
                territory="t2",
                role=ParticipantRole.HABITANT,
                stays_seated=False,
                consent=False,
            )
        )
    )
    assert state.participants["p1"].table is None


def test_a_problem_with_a_place_and_a_theme_records_its_author_territory() -> None:
    command = ProposeStatement(
        text="  Les poubelles débordent rue Gabriel-Péri. ",
        kind=StatementKind.PROBLEM,
        place=Place(address=" 12 rue Gabriel-Péri, Saint-Denis ", lat=48.9362449, lon=2.3574123),
        theme="propreté et déchets",  # the forum's spelling is kept
    )
    three_days_later = T0 + 3 * DAY
    state = given(a_forum(), residents()).when(command, as_=participant("p2"), now=three_days_later)
    after = state.then(
        StatementProposed(
            statement="s1",
            author="p2",
            text="Les poubelles débordent rue Gabriel-Péri.",
            kind=StatementKind.PROBLEM,
            round=0,
            table=None,
            place=Place(address="12 rue Gabriel-Péri, Saint-Denis", lat=48.936245, lon=2.357412),
            theme="Propreté et déchets",
            territory="t2",
        )
    )
    s1 = after.statements["s1"]
    assert (s1.territory, s1.theme, s1.place) == (
        "t2",
        "Propreté et déchets",
        Place(address="12 rue Gabriel-Péri, Saint-Denis", lat=48.936245, lon=2.357412),
    )


def test_an_idea_without_place_nor_theme() -> None:
    command = ProposeStatement(text="Un composteur partagé au square.", kind=StatementKind.IDEA)
    events = given(a_forum(), residents()).when(command, as_=participant("p3")).events
    assert events == [
        StatementProposed(
            statement="s1",
            author="p3",
            text="Un composteur partagé au square.",
            kind=StatementKind.IDEA,
            round=0,
            table=None,
            territory="t3",
        )
    ]


# A place as sent → accepted or the code.
PLACES = [
    (Place(address="Place du marché"), None),
    (Place(lat=48.9, lon=2.35), None),
    (Place(lat=48.9), "bad_request"),  # a point needs both coordinates
    (Place(lon=2.35), "bad_request"),
    (Place(lat=91.0, lon=2.35), "bad_request"),
    (Place(lat=48.9, lon=-180.5), "bad_request"),
    (Place(lat=float("nan"), lon=2.35), "bad_request"),
    (Place(), "bad_request"),  # an empty place: leave it out
    (Place(address="   "), "bad_request"),
    (Place(address="r" * 201), "text_too_long"),
]


@pytest.mark.parametrize(("place", "code"), PLACES)
def test_what_a_place_may_be(place: Place, code: str | None) -> None:
    command = ProposeStatement(text="Trottoir défoncé.", place=place)
    outcome = given(a_forum(), residents()).when(command, as_=participant("p1"))
    if code is None:
        (proposed,) = outcome.events
        assert isinstance(proposed, StatementProposed)
        assert proposed.place is not None
    else:
        outcome.then_rejected(code)


def test_a_theme_must_be_one_of_the_forum() -> None:
    command = ProposeStatement(text="Trottoir défoncé.", theme="Voirie")
    given(a_forum(), residents()).when(command, as_=participant("p1")).then_rejected(
        "unknown_theme"
    )


def test_an_evening_takes_no_place_nor_theme() -> None:
    from .harness import a_running_round

    command = ProposeStatement(text="Trottoir défoncé.", place=Place(address="Place du marché"))
    given(a_running_round()).when(command, as_=participant("p1")).then_rejected("bad_request")


def test_residents_rate_and_comment_any_day_without_a_round() -> None:
    scenario = given(a_forum(), residents(), a_published_problem())
    a_week_later = T0 + 7 * DAY
    scenario.when(
        TakePosition(statement="s1", value=-2), as_=participant("p2"), now=a_week_later
    ).then(PositionTaken(participant="p2", statement="s1", value=-2, round=0))
    scenario.when(TakePosition(statement="s1", value=None), as_=participant("p3")).then(
        PositionTaken(participant="p3", statement="s1", value=None, round=0)
    )
    comment = Annotate(statement="s1", text="Pareil chez nous, depuis des mois.")
    scenario.when(comment, as_=participant("p3")).then(
        AnnotationAdded(
            annotation="a1",
            author="p3",
            text="Pareil chez nous, depuis des mois.",
            statement="s1",
            table=None,
            tags=(),
            place=None,
            round=0,
        )
    )


def test_a_proposed_contribution_waits_for_moderation() -> None:
    scenario = given(a_forum(), residents(), a_published_problem()[:1])
    scenario.when(TakePosition(statement="s1", value=1), as_=participant("p2")).then_rejected(
        "not_published"
    )
    scenario.when(PublishStatement(statement="s1"), as_=FACILITATOR).then(
        StatementPublished(statement="s1")
    )


# What needs a table or a round is refused in a forum: the command → ``forum_no_rounds``.
NO_ROUNDS = [
    (SeatTables(), FACILITATOR),
    (StartRound(), FACILITATOR),
    (EndRound(), FACILITATOR),
    (SubmitSynthesis(text="Notre table a dit…"), participant("p1")),
]


@pytest.mark.parametrize(("command", "sender"), NO_ROUNDS)
def test_a_forum_has_no_tables_nor_rounds(command: object, sender: object) -> None:
    given(a_forum(), residents()).when(command, as_=sender).then_rejected(  # type: ignore[arg-type]
        "forum_no_rounds"
    )


def test_a_closed_forum_takes_nothing_more() -> None:
    scenario = given(a_forum(), residents(), a_published_problem(), SessionClosed())
    scenario.when(TakePosition(statement="s1", value=1), as_=participant("p2")).then_rejected(
        "session_closed"
    )


# --- what everyone sees -------------------------------------------------------------------------


def test_the_room_sees_a_published_contribution_with_its_place_theme_and_territory() -> None:
    from session_engine.codec import Envelope

    proposed = StatementProposed(
        statement="s1",
        author="p1",
        text="Les poubelles débordent.",
        kind=StatementKind.PROBLEM,
        round=0,
        table=None,
        place=Place(lat=48.9, lon=2.35),
        theme="Propreté et déchets",
        territory="t1",
    )
    state = given(a_forum(), residents(), proposed, StatementPublished(statement="s1")).state
    envelope = Envelope(
        seq=9, at=T0, actor="facilitator", cmd=None, event=StatementPublished(statement="s1")
    )
    data = public_envelope(envelope, state)["data"]
    assert data == {
        "statement": "s1",
        "text": "Les poubelles débordent.",
        "kind": "problem",
        "round": 0,
        "table": None,
        "place": {"lat": 48.9, "lon": 2.35},
        "theme": "Propreté et déchets",
        "territory": "t1",
    }
    seen = visible_state(state, full=False, participant="p2")
    assert seen["forum"] is True
    assert tuple(seen["themes"]) == FORUM_THEMES
    assert seen["statements"]["s1"]["place"] == {"lat": 48.9, "lon": 2.35}
    assert seen["statements"]["s1"]["author"] != "p1"


def test_an_evening_snapshot_says_nothing_of_forums() -> None:
    from .harness import a_running_round

    seen = visible_state(given(a_running_round()).state, full=False, participant=None)
    assert "forum" not in seen
    assert "themes" not in seen


def test_the_tallies_count_a_forum_as_a_session() -> None:
    state = given(
        a_forum(),
        residents(),
        [joined(f"p{n}", territory="t1") for n in range(4, 9)],
        a_published_problem(),
        [PositionTaken(participant=f"p{n}", statement="s1", value=1, round=0) for n in range(1, 9)],
    ).state
    (s1,) = tallies(state).statements
    assert (s1.overall.voters, s1.overall.counts) == (8, (0, 0, 0, 8, 0))
    # t1 has six voters, t2 and t3 one each: the two small ones together hold 2 < k, so t1 is
    # hidden too, else the room's figure minus t1's would give them away.
    assert all(group.hidden for group in s1.territories)


# --- what leaves the server of a contribution nobody saw, or of someone erased ------------------


def a_forum_log() -> list[Envelope]:
    """Awa's problem with an address, published; Bruno's with another, never published; then
    Chloé, who wrote one with a point, asks to be erased."""
    proposals = [
        ("p1", "t1", "Les poubelles débordent.", Place(address="3 rue Haute")),
        ("p2", "t2", "Mon voisin du 12 fait du bruit.", Place(address="12 rue Basse")),
        ("p3", "t3", "Trottoir défoncé.", Place(lat=48.9, lon=2.35)),
    ]
    events: list[Event] = [*a_forum(), *residents()]
    for n, (author, territory, text, place) in enumerate(proposals, start=1):
        events.append(
            StatementProposed(
                statement=f"s{n}",
                author=author,
                text=text,
                kind=StatementKind.PROBLEM,
                round=0,
                table=None,
                place=place,
                theme="Logement",
                territory=territory,
            )
        )
    events += [
        StatementPublished(statement="s1"),
        StatementPublished(statement="s3"),
        ParticipantRemoved(
            participant="p3", erased=True, table=None, host=None, statements=("s3",), annotations=()
        ),
    ]
    return [
        Envelope(seq=n, at=T0, actor="p1", cmd=None, event=event)
        for n, event in enumerate(events, start=1)
    ]


def proposed(envelopes: list[Envelope]) -> dict[str, tuple[str, Place | None, str | None]]:
    return {
        e.event.statement: (e.event.text, e.event.place, e.event.theme)
        for e in envelopes
        if isinstance(e.event, StatementProposed)
    }


def test_an_erased_contribution_loses_its_place_with_its_text() -> None:
    state = given(*(e.event for e in a_forum_log())).state
    s3 = state.statements["s3"]
    assert (s3.text, s3.place, s3.theme) == ("", None, None)
    log = a_forum_log()
    departures = Departures.of(log)
    (written,) = [
        e for e in log if isinstance(e.event, StatementProposed) and e.event.statement == "s3"
    ]
    shown = departures.shown(written)
    assert shown is not None
    assert proposed([shown])["s3"] == ("", None, None)


def test_the_archive_keeps_no_place_of_a_contribution_nobody_saw() -> None:
    header = LogHeader(session="S", title="Forum", created_at=T0)
    _, envelopes = anonymise(header, a_forum_log(), archive="a1")
    assert proposed(envelopes) == {
        "s1": ("Les poubelles débordent.", Place(address="3 rue Haute"), "Logement"),
        "s2": ("", None, None),  # never published: the room never read it, nor its address
        "s3": ("", None, None),  # erased
    }


def test_a_hidden_contribution_keeps_nothing_of_where_it_was_for_the_room() -> None:
    hidden: list[Event] = [
        StatementProposed(
            statement="s1",
            author="p1",
            text="Mon voisin du 12 fait du bruit.",
            kind=StatementKind.PROBLEM,
            round=0,
            table=None,
            place=Place(address="12 rue Gabriel-Péri, appt 4", lat=48.93, lon=2.35),
            theme="Logement",
            territory="t1",
        ),
        StatementPublished(statement="s1"),
        StatementHidden(statement="s1"),
    ]
    state = given(a_forum(), residents(), hidden).state
    seen = visible_state(state, full=False, participant="p2")["statements"]["s1"]
    assert seen == {
        "id": "s1",
        "author": "participant",
        "text": None,
        "kind": "problem",
        "round": 0,
        "table": None,
        "status": "hidden",
        "merged_into": None,
    }
    mine = visible_state(state, full=False, participant="p1")["statements"]["s1"]
    assert mine["place"] == {"address": "12 rue Gabriel-Péri, appt 4", "lat": 48.93, "lon": 2.35}


def test_a_forum_s_roster_reaches_nobody_but_the_facilitators() -> None:
    """The flyer's code is public: a projector or a resident sees no one's pseudonym nor
    territory but their own; the console sees everyone, as always."""
    state = given(a_forum(), residents()).state
    assert visible_state(state, full=False, participant=None)["participants"] == {}
    own = visible_state(state, full=False, participant="p2")["participants"]
    assert list(own) == ["p2"]
    assert own["p2"]["pseudonym"] == "Personne p2"
    assert sorted(console_state(state)["participants"]) == ["p1", "p2", "p3"]


def test_an_evening_s_snapshot_keeps_its_roster() -> None:
    from .harness import a_running_round

    seen = visible_state(given(a_running_round()).state, full=False, participant=None)
    assert len(seen["participants"]) == 4
