"""What the copies of a log show of people who left (``departures``, through ``pseudonymise``).

The session: p1 … p4 at two tables; p2 (who consented to show her name) writes s1 and a note and
takes positions, p4 takes positions on s1 and s2; then p2 asks for erasure, p3 is removed, and a
second entry p5 of p1 is merged into p1.
"""

from __future__ import annotations

from session_engine import pseudonymise, replay
from session_engine.commands import (
    Annotate,
    Command,
    CreateSession,
    JoinSession,
    MergeParticipants,
    NewTerritory,
    ProposeStatement,
    PublishStatement,
    RemoveParticipant,
    SeatTables,
    StartRound,
    TakePosition,
)
from session_engine.decide import Context, Role
from session_engine.departures import Departures
from session_engine.events import (
    AnnotationAdded,
    ParticipantJoined,
    PositionTaken,
    StatementProposed,
)
from session_engine.model import ParticipantRole
from session_engine.opinions import opinion_shift
from session_engine.session import Session

from .harness import T0, agenda

SAID = "Le square ferme trop tôt en été."


def play() -> Session:
    session = Session()

    def send(command: Command, actor: str, role: Role = Role.PARTICIPANT) -> None:
        result = session.handle(command, Context(actor=actor, role=role, now=T0 + 1, seed=1))
        assert isinstance(result, list), result

    send(
        CreateSession(
            title="Métrokawa",
            territories=(NewTerritory(name="Franc-Moisin", commune="Saint-Denis", qpv=True),),
            agenda=agenda(1),
            table_size=2,
        ),
        "facilitator",
        Role.FACILITATOR,
    )
    facilitator = ("facilitator", Role.FACILITATOR)
    for n, consent in ((1, False), (2, True), (3, False), (4, False), (5, False)):
        join = JoinSession(
            pseudonym=f"Personne {n}",
            territory="t1",
            role=ParticipantRole.HABITANT,
            consent=consent,
        )
        send(join, "guest", Role.GUEST)
    send(SeatTables(), *facilitator)
    send(StartRound(), *facilitator)
    send(ProposeStatement(text=SAID), "p2")
    send(ProposeStatement(text="Il manque des bancs."), "p4")
    send(PublishStatement(statement="s1"), *facilitator)
    send(PublishStatement(statement="s2"), *facilitator)
    send(Annotate(text="Surtout le dimanche.", statement="s1", place="Square"), "p2")
    moves = (
        ("p2", "s1", 2),
        ("p2", "s2", -1),
        ("p4", "s1", 1),
        ("p2", "s2", -2),  # p2 changes her mind on s2, then is erased
        ("p4", "s2", 1),
        ("p4", "s2", 2),  # p4 changes his on s2 (his own statement, which stays)
    )
    for actor, statement, value in moves:
        send(TakePosition(statement=statement, value=value), actor)
    send(TakePosition(statement="s2", value=1), "p5")
    send(RemoveParticipant(participant="p2", erase=True), *facilitator)
    send(RemoveParticipant(participant="p3"), *facilitator)
    send(MergeParticipants(participant="p5", into="p1"), *facilitator)
    return session


def test_an_exported_log_names_whoever_left_by_their_neutral_name_only() -> None:
    exported = list(pseudonymise(play().log))
    names = {
        e.event.participant: (e.event.pseudonym, e.event.consent)
        for e in exported
        if isinstance(e.event, ParticipantJoined)
    }
    assert names == {
        "p1": ("Participant·e 1", False),
        "p2": ("Participant·e 2", False),  # she had consented, then asked for erasure
        "p3": ("Participant·e 3", False),
        "p4": ("Participant·e 4", False),
        "p5": ("Participant·e 5", False),
    }


def test_an_exported_log_carries_nothing_of_what_an_erasure_covers() -> None:
    exported = list(pseudonymise(play().log))
    texts = [e.event.text for e in exported if isinstance(e.event, StatementProposed)]
    assert texts == ["", "Il manque des bancs."]
    (note,) = [e.event for e in exported if isinstance(e.event, AnnotationAdded)]
    assert (note.annotation, note.text, note.tags, note.place) == ("a1", "", (), None)
    positions = [
        (e.event.participant, e.event.statement, e.event.value)
        for e in exported
        if isinstance(e.event, PositionTaken)
    ]
    assert positions == [
        ("p2", "s1", None),
        ("p2", "s2", None),
        ("p4", "s1", 1),
        ("p2", "s2", None),
        ("p4", "s2", 1),
        ("p4", "s2", 2),
        ("p5", "s2", 1),
    ]
    assert all(SAID not in repr(e) for e in exported)


def test_an_exported_log_replays_to_what_the_live_session_computed() -> None:
    session = play()
    replayed = replay(list(pseudonymise(session.log)))
    live = session.state
    assert replayed.statements == live.statements
    assert replayed.annotations == live.annotations
    # p4's position on s1 (erased) counts nowhere; p5's on s2 is p1's now.
    assert replayed.positions == live.positions == {("p4", "s2"): 2, ("p1", "s2"): 1}
    assert replayed.tables == live.tables
    assert [(p.id, p.status.value) for p in replayed.participants.values()] == [
        ("p1", "present"),
        ("p2", "erased"),
        ("p3", "removed"),
        ("p4", "present"),
        ("p5", "merged"),
    ]


def test_the_log_itself_is_never_rewritten() -> None:
    session = play()
    departures = Departures.of(session.log)
    first = next(e for e in session.log if isinstance(e.event, StatementProposed))
    shown = departures.shown(first)
    assert shown is not None
    assert isinstance(first.event, StatementProposed)
    assert isinstance(shown.event, StatementProposed)
    assert (first.event.text, shown.event.text) == (SAID, "")


def test_what_does_not_concern_who_left_goes_out_as_it_is() -> None:
    session = play()
    departures = Departures.of(session.log)
    of_p4 = [e for e in session.log if e.actor == "p4"]
    assert of_p4
    assert all(departures.shown(e) is None for e in of_p4)


def test_whoever_asked_for_erasure_moves_no_opinion() -> None:
    """The first-to-last moves of the cahier count p4 (1 → 2 on s2), not p2 (-1 → -2, erased)."""
    exported = list(pseudonymise(play().log))
    shift = opinion_shift(replay(exported), exported, k=1)
    assert (shift.overall.people, shift.overall.pairs) == (1, 1)
