"""Who sees what (``session_engine.visibility``): the public form of each envelope, and the state
as each audience may receive it in a snapshot.

The rules (DESIGN §6, docs/protocol.md "What each audience sees"): the moderation queue is the
facilitator's (and each author's own); a ballot is secret; statements are discussed without
their author; command ids are the author's and the facilitator's. The facilitator and replays
see everything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec
import pytest

from server.simulation.offline import simulate_offline
from session_engine import Envelope, SessionState, evolve, read_log
from session_engine.events import (
    BallotCast,
    CoFacilitatorAdded,
    CoFacilitatorRevoked,
    ConsentOpened,
    Event,
    ObjectionResolved,
    PositionTaken,
    RoundStarted,
    StatementHidden,
    StatementProposed,
    StatementPublished,
    StatementsMerged,
)
from session_engine.model import Grade
from session_engine.visibility import HIDDEN_ACTOR, public_envelope, visible_state

from .harness import (
    T0,
    a_proposal,
    a_running_round,
    a_statement,
    an_adopted_proposal,
    ballot,
    consent_opened,
    given,
    objection_raised,
    vote_opened,
)

SECRET = "Le gardien ferme les yeux sur le trafic du hall B."


def sealed(event: Event, *, actor: str = "p2", seq: int = 42, cmd: str | None = "c-1") -> Envelope:
    return Envelope(seq=seq, at=T0 + 5, actor=actor, cmd=cmd, event=event)


def public(event: Event, state: SessionState, **envelope: Any) -> dict[str, Any]:
    """The public envelope as it goes on the wire (encoded once, decoded back)."""
    wire: dict[str, Any] = msgspec.msgpack.decode(
        msgspec.msgpack.encode(public_envelope(sealed(event, **envelope), state))
    )
    return wire


def after(*events: Event | list[Event]) -> SessionState:
    return given(*events).state


# --- public envelopes ----------------------------------------------------------------------------


def test_a_ballot_tells_the_public_only_its_vote() -> None:
    cast = BallotCast(vote="v1", participant="p2", grades={"pr1": Grade.EXCELLENT})
    state = after(a_running_round(), a_proposal(), vote_opened(), cast)
    assert public(cast, state) == {
        "seq": 42,
        "type": "BallotCast",
        "v": 1,
        "at": T0 + 5,
        "actor": HIDDEN_ACTOR,
        "cmd": None,
        "data": {"vote": "v1"},
    }


def test_a_proposed_statement_tells_the_public_neither_its_text_nor_its_author() -> None:
    (proposed,) = a_statement("s1", author="p2", text=SECRET, published=False)
    wire = public(proposed, after(a_running_round(), proposed))
    assert wire["data"] == {"statement": "s1", "round": 1}
    assert wire["actor"] == HIDDEN_ACTOR
    assert SECRET not in str(wire)
    assert "p2" not in str(wire)


def test_a_publication_carries_the_text_the_public_never_saw_but_not_its_author() -> None:
    proposed, published = a_statement("s1", author="p2", text=SECRET, table_=2)
    assert isinstance(published, StatementPublished)
    wire = public(published, after(a_running_round(), proposed, published), actor="facilitator")
    assert wire["data"] == {
        "statement": "s1",
        "text": SECRET,
        "kind": "problem",
        "round": 1,
        "table": 2,
    }
    assert wire["actor"] == "facilitator"
    assert "p2" not in str(wire)


def test_an_objection_tells_the_public_its_reasons_but_not_who_raised_it() -> None:
    (raised,) = objection_raised("o1", author="p3", text=SECRET)
    state = after(a_running_round(), an_adopted_proposal(), consent_opened(), raised)
    wire = public(raised, state, actor="p3")
    assert wire["data"] == {"objection": "o1", "consent": "c1", "text": SECRET}
    assert wire["actor"] == HIDDEN_ACTOR
    assert "p3" not in str(wire)


@pytest.mark.parametrize(
    "event",
    [
        ConsentOpened(consent="c1", proposal="pr1", vote="v1", grade=Grade.BIEN, text="Texte"),
        ObjectionResolved(objection="o1", consent="c1", resolution="amended", wording="Texte 2"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_the_facilitators_consent_events_are_public_as_they_are(event: Event) -> None:
    state = after(
        a_running_round(), an_adopted_proposal(), consent_opened(), objection_raised(), event
    )
    wire = public(event, state, actor="facilitator")
    assert wire["data"] == msgspec.to_builtins(event)
    assert (wire["actor"], wire["cmd"]) == ("facilitator", None)


@pytest.mark.parametrize(
    "event",
    [
        PositionTaken(participant="p2", statement="s1", value=-1, round=1),
        RoundStarted(round=1, deadline=T0 + 60_000),
        StatementHidden(statement="s1"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_other_events_are_public_as_they_are_but_for_the_command_id(event: Event) -> None:
    state = after(a_running_round(), a_statement("s1"))
    wire = public(event, state, actor="p2", cmd="c-secret")
    assert wire["data"] == msgspec.to_builtins(event)
    assert (wire["actor"], wire["cmd"], wire["type"]) == ("p2", None, type(event).__name__)


def test_no_public_envelope_of_a_whole_session_carries_a_command_id_or_a_waiting_text() -> None:
    """Every envelope of a simulated session, made public in the state right after it."""
    _, log = read_log(simulate_offline(30, 3, 3, seed=7))
    state = SessionState()
    published: set[str] = set()
    texts: dict[str, str] = {}
    for envelope in log:
        evolve(state, envelope.event)
        event = envelope.event
        if isinstance(event, StatementProposed):
            texts[event.statement] = event.text
        if isinstance(event, StatementPublished):
            published.add(event.statement)
        wire = msgspec.msgpack.decode(msgspec.msgpack.encode(public_envelope(envelope, state)))
        assert wire["cmd"] is None
        assert set(wire) == {"seq", "type", "v", "at", "actor", "cmd", "data"}
        shown = str(wire["data"])
        public_texts = {texts[s] for s in published}  # two people may write the same sentence
        waiting = {text for s, text in texts.items() if s not in published} - public_texts
        assert not [text for text in waiting if text in shown], envelope
    assert texts.keys() - published, "the simulation should leave some statements unpublished"


# --- snapshots -----------------------------------------------------------------------------------


def a_room() -> SessionState:
    """Round 1 running at tables of p1..p4; s1 by p2 published and promoted to pr1; s2 by p3
    and s3 by p4 waiting; vote v1 open on pr1 with ballots of p1 and p2."""
    return after(
        a_running_round(),
        a_proposal("pr1", statement="s1"),
        a_statement("s2", author="p3", text=SECRET, published=False),
        a_statement("s3", author="p4", text="Un autre texte en attente.", published=False),
        vote_opened("v1", "pr1"),
        ballot("v1", "p1", pr1=Grade.BIEN),
        ballot("v1", "p2", pr1=Grade.PASSABLE),
    )


def test_the_full_snapshot_holds_everything() -> None:
    full = visible_state(a_room(), full=True, participant=None)
    assert set(full["statements"]) == {"s1", "s2", "s3"}
    assert full["statements"]["s2"]["author"] == "p3"
    assert full["votes"]["v1"]["ballots"] == {"p1": {"pr1": 4}, "p2": {"pr1": 2}}


def test_a_participant_snapshot_keeps_its_own_pending_statements_only() -> None:
    mine = visible_state(a_room(), full=False, participant="p3")
    assert set(mine["statements"]) == {"s1", "s2"}
    assert mine["statements"]["s2"]["text"] == SECRET
    assert mine["statements"]["s2"]["author"] == "p3"
    theirs = visible_state(a_room(), full=False, participant="p4")
    assert set(theirs["statements"]) == {"s1", "s3"}
    assert SECRET not in str(theirs)


def test_a_projector_snapshot_keeps_no_pending_statement_and_no_ballot() -> None:
    projected = visible_state(a_room(), full=False, participant=None)
    assert set(projected["statements"]) == {"s1"}
    assert projected["votes"]["v1"]["ballots"] == {}


def test_a_participant_snapshot_keeps_its_own_ballot_only() -> None:
    assert visible_state(a_room(), full=False, participant="p2")["votes"]["v1"]["ballots"] == {
        "p2": {"pr1": 2}
    }
    assert visible_state(a_room(), full=False, participant="p4")["votes"]["v1"]["ballots"] == {}


@pytest.mark.parametrize("reader", ["p1", None], ids=["another-participant", "projector"])
def test_a_public_snapshot_names_no_author_but_your_own(reader: str | None) -> None:
    """docs/protocol.md: in a snapshot "statements carry no author, except your own"; the live
    stream already keeps authors out of StatementPublished."""
    seen = visible_state(a_room(), full=False, participant=reader)
    statement = seen["statements"]["s1"]
    assert statement.get("author", HIDDEN_ACTOR) == HIDDEN_ACTOR, statement
    assert visible_state(a_room(), full=False, participant="p2")["statements"]["s1"]["author"] == (
        "p2"
    )


@pytest.mark.parametrize(
    "moderation",
    [StatementHidden(statement="s2"), StatementsMerged(statement="s2", into="s1")],
    ids=["hidden", "merged"],
)
def test_a_statement_taken_out_of_the_queue_unpublished_never_shows_its_text(
    moderation: Event,
) -> None:
    """The public learns a statement's text only when it is published (visibility.py); hiding
    or merging a statement straight from the moderation queue publishes nothing."""
    state = a_room()
    evolve(state, moderation)
    for reader in ("p4", None):
        seen = visible_state(state, full=False, participant=reader)
        assert SECRET not in msgspec.json.encode(seen).decode(), (reader, seen["statements"])
    assert visible_state(state, full=False, participant="p3")["statements"]["s2"]["text"] == SECRET


def a_consent_round() -> SessionState:
    """A consent round c1 on pr1 with objections o1 by p2 and o2 by p3."""
    return after(
        a_running_round(),
        an_adopted_proposal(),
        consent_opened(),
        objection_raised("o1", author="p2"),
        objection_raised("o2", author="p3", text=SECRET),
    )


@pytest.mark.parametrize("reader", ["p4", None], ids=["another-participant", "projector"])
def test_a_public_snapshot_shows_objections_without_their_authors(reader: str | None) -> None:
    seen = visible_state(a_consent_round(), full=False, participant=reader)
    assert {o["author"] for o in seen["objections"].values()} == {HIDDEN_ACTOR}
    assert seen["objections"]["o2"]["text"] == SECRET
    assert seen["consents"]["c1"]["objections"] == ["o1", "o2"]


def test_a_participant_snapshot_names_the_author_of_their_own_objection_only() -> None:
    mine = visible_state(a_consent_round(), full=False, participant="p3")
    assert mine["objections"]["o2"]["author"] == "p3"
    assert mine["objections"]["o1"]["author"] == HIDDEN_ACTOR
    full = visible_state(a_consent_round(), full=True, participant=None)
    assert {o["author"] for o in full["objections"].values()} == {"p2", "p3"}


@pytest.mark.parametrize("room", [a_room, a_consent_round], ids=["votes", "consent"])
def test_a_snapshot_leaves_the_state_as_it_was_and_encodes_for_the_wire(
    room: Callable[[], SessionState],
) -> None:
    state = room()
    before = state.copy()
    for full, reader in ((True, None), (False, "p3"), (False, None)):
        seen = visible_state(state, full=full, participant=reader)
        assert msgspec.json.decode(msgspec.json.encode(seen))["title"] == state.title
        assert msgspec.msgpack.decode(msgspec.msgpack.encode(seen))["title"] == state.title
    assert state == before


# --- co-facilitator links ------------------------------------------------------------------------

AMINA = CoFacilitatorAdded(cofacilitator="cf1", label="Amina Diallo, élue")


def test_a_link_given_tells_the_public_not_whom_it_was_given_to() -> None:
    state = after(a_running_round(), AMINA)
    wire = public(AMINA, state, actor="facilitator")
    assert wire["data"] == {"cofacilitator": "cf1"}
    assert "Amina" not in str(wire)
    revoked = CoFacilitatorRevoked(cofacilitator="cf1")
    wire = public(revoked, after(a_running_round(), AMINA, revoked), actor="facilitator")
    assert wire["data"] == {"cofacilitator": "cf1"}


@pytest.mark.parametrize("reader", ["p2", None])
def test_a_public_snapshot_keeps_the_links_but_not_whom_they_were_given_to(
    reader: str | None,
) -> None:
    state = after(a_running_round(), AMINA, CoFacilitatorRevoked(cofacilitator="cf1"))
    shown = visible_state(state, full=False, participant=reader)
    assert shown["cofacilitators"] == {"cf1": {"id": "cf1", "label": None, "revoked": True}}
    full = visible_state(state, full=True, participant=None)
    assert full["cofacilitators"]["cf1"]["label"] == "Amina Diallo, élue"
