"""Statements imported from another step of the programme (issue 15, contracts A).

``ImportStatement`` brings a statement into a session with its ``Provenance``: it arrives
published (``StatementImported``), written by the facilitators, numbered with the proposals,
counted in the tallies like any published statement, public whole with where it comes from; the
cahier says where it comes from, the Pol.is export makes it a moderator's comment. The scenarios
state their givens as events and check the exact events or the rejection code.
"""

from __future__ import annotations

import json
from html import escape

import msgspec
import pytest

from session_engine.codec import Envelope
from session_engine.commands import ImportStatement, ProposeStatement, RemoveParticipant
from session_engine.decide import Role
from session_engine.departures import Departures
from session_engine.events import (
    CoFacilitatorAdded,
    CoFacilitatorRevoked,
    Event,
    ParticipantRemoved,
    PositionTaken,
    SessionClosed,
    StatementHidden,
    StatementImported,
    StatementProposed,
    TableTabletIssued,
)
from session_engine.logfile import LogHeader
from session_engine.model import Provenance, StatementKind
from session_engine.opendata import export_polis, load_polis
from session_engine.report import build_report, render
from session_engine.report.french import from_source, joined
from session_engine.state import StatementStatus
from session_engine.tallies import tallies
from session_engine.visibility import public_envelope, visible_state

from .harness import (
    FACILITATOR,
    GUEST,
    PROJECTOR,
    SYSTEM,
    T0,
    VIEWER,
    Sender,
    a_running_round,
    a_seated_session,
    a_statement,
    given,
    participant,
    round_ended,
)

TEXT = "Les bus de nuit ne desservent pas les quartiers après minuit."
FORUM = Provenance(
    key="e3", source="le Forum numérique", territories=("Clichy-sous-Bois",), statement="s7"
)


def importing(key: str = "e3", **fields: object) -> ImportStatement:
    provenance = {"key": key, "source": "le Forum numérique", **fields}
    return ImportStatement(text=TEXT, provenance=msgspec.convert(provenance, Provenance))


def imported(sid: str = "s1", provenance: Provenance = FORUM, text: str = TEXT) -> Event:
    return StatementImported(
        statement=sid, text=text, kind=StatementKind.PROBLEM, provenance=provenance
    )


# --- decide and evolve --------------------------------------------------------------------------


def test_the_facilitator_imports_a_statement_published_at_once_with_its_provenance() -> None:
    command = ImportStatement(
        text=f"  {TEXT} ",
        kind=StatementKind.IDEA,
        provenance=Provenance(
            key=" e3 ",
            source=" le Forum numérique ",
            territories=(" Clichy-sous-Bois ", "Sevran"),
            statement="s7",
        ),
    )
    state = (
        given(a_running_round())
        .when(command, as_=FACILITATOR)
        .then(
            StatementImported(
                statement="s1",
                text=TEXT,
                kind=StatementKind.IDEA,
                provenance=Provenance(
                    key="e3",
                    source="le Forum numérique",
                    territories=("Clichy-sous-Bois", "Sevran"),
                    statement="s7",
                ),
            )
        )
    )
    s1 = state.statements["s1"]
    assert (s1.status, s1.author, s1.round, s1.table) == (
        StatementStatus.PUBLISHED,
        "facilitator",
        1,
        None,
    )
    assert s1.provenance is not None
    assert s1.provenance.territories == ("Clichy-sous-Bois", "Sevran")


@pytest.mark.parametrize(
    ("before", "round_"),
    [
        (a_seated_session(), 0),  # before any round
        ([*a_running_round(), *round_ended(1)], 1),  # after round 1: the last one started
    ],
    ids=["no round yet", "round ended"],
)
def test_an_import_belongs_to_the_round_under_way_or_to_none(
    before: list[Event], round_: int
) -> None:
    state = given(before).when(importing(), as_=FACILITATOR).then(imported(provenance=FORUM_BARE))
    assert state.statements["s1"].round == round_


FORUM_BARE = Provenance(key="e3", source="le Forum numérique")


def test_imports_and_proposals_share_one_counter() -> None:
    given(a_running_round(), a_statement("s1"), a_statement("s2", published=False)).when(
        importing(), as_=FACILITATOR
    ).then(imported("s3", FORUM_BARE))
    after_import = given(a_running_round(), imported("s1"))
    (proposed,) = after_import.when(
        ProposeStatement(text="Plus de bancs."), as_=participant("p2")
    ).events
    assert isinstance(proposed, StatementProposed)
    assert proposed.statement == "s2"


def test_a_key_comes_into_a_session_once() -> None:
    hidden_after = [*a_running_round(), imported("s1"), StatementHidden(statement="s1")]
    for givens in ([*a_running_round(), imported("s1")], hidden_after):
        given(givens).when(
            importing(source="le Métrokawa métropolitain"), as_=FACILITATOR
        ).then_rejected("already_imported")
    given(a_running_round(), imported("s1")).when(importing("e4"), as_=FACILITATOR).then(
        imported("s2", Provenance(key="e4", source="le Forum numérique"))
    )


# Who may send it, written out: the facilitator and a co-facilitator whose link is in service.
COFACILITATOR = Sender("cf1", Role.FACILITATOR)
WHO_MAY_IMPORT: dict[str, tuple[Sender, bool]] = {
    "facilitator": (FACILITATOR, True),
    "co-facilitator": (COFACILITATOR, True),
    "participant": (participant("p2"), False),
    "host": (participant("p1"), False),
    "table tablet": (Sender("tb1", Role.TABLET), False),
    "projector": (PROJECTOR, False),
    "viewer": (VIEWER, False),
    "system": (SYSTEM, False),
    "guest": (GUEST, False),
}
LINKS: list[Event] = [
    CoFacilitatorAdded(cofacilitator="cf1", label="Amina"),
    TableTabletIssued(tablet="tb1", table=1),
]


@pytest.mark.parametrize("who", list(WHO_MAY_IMPORT))
def test_who_may_import(who: str) -> None:
    sender, may = WHO_MAY_IMPORT[who]
    outcome = given(a_running_round(), LINKS).when(importing(), as_=sender)
    if may:
        outcome.then(imported(provenance=FORUM_BARE))
    else:
        outcome.then_rejected("not_allowed")


def test_a_revoked_co_facilitator_imports_nothing() -> None:
    given(a_running_round(), LINKS, CoFacilitatorRevoked(cofacilitator="cf1")).when(
        importing(), as_=COFACILITATOR
    ).then_rejected("not_allowed")


def test_nothing_comes_into_a_closed_session() -> None:
    closed = [*a_running_round(), *round_ended(1, reason="session_closed"), SessionClosed()]
    given(closed).when(importing(), as_=FACILITATOR).then_rejected("session_closed")


# The provenance's own bounds: (what is sent, the code).
BOUNDS: dict[str, tuple[ImportStatement, str | None]] = {
    "a key of 40": (importing("e" * 40), None),
    "a key of 41": (importing("e" * 41), "text_too_long"),
    "a key with hyphens and digits": (importing("metro-2026-e3"), None),
    "an upper-case key": (importing("E3"), "bad_request"),
    "a key with a space": (importing("e 3"), "bad_request"),
    "a key with an underscore": (importing("e_3"), "bad_request"),
    "a key with an accent": (importing("é3"), "bad_request"),
    "an empty key": (importing(""), "bad_request"),
    "a blank source": (importing(source="  "), "bad_request"),
    "a source of 200": (importing(source="s" * 200), None),
    "a source of 201": (importing(source="s" * 201), "text_too_long"),
    "12 territories": (importing(territories=[f"T{i}" for i in range(12)]), None),
    "13 territories": (importing(territories=[f"T{i}" for i in range(13)]), "bad_request"),
    "a territory of 81": (importing(territories=["t" * 81]), "text_too_long"),
    "a blank territory": (importing(territories=[" "]), "bad_request"),
    "a source id of 33": (importing(statement="s" * 33), "text_too_long"),
    "a blank statement": (ImportStatement(text=" ", provenance=FORUM), "bad_request"),
    "a statement of 281": (ImportStatement(text="a" * 281, provenance=FORUM), "text_too_long"),
}


@pytest.mark.parametrize("case", list(BOUNDS))
def test_the_provenance_is_bounded(case: str) -> None:
    command, code = BOUNDS[case]
    outcome = given(a_running_round()).when(command, as_=FACILITATOR)
    if code is None:
        assert [type(e) for e in outcome.events] == [StatementImported]
    else:
        outcome.then_rejected(code)


def test_the_wire_form_of_the_command_is_strict() -> None:
    wire = {"text": TEXT, "provenance": {"key": "e3", "source": "Forum", "extra": 1}}
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert(wire, ImportStatement)
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"text": TEXT}, ImportStatement)  # no provenance


# --- who sees it, what counts -------------------------------------------------------------------


def test_everyone_receives_it_whole_and_it_is_counted_like_any_published_statement() -> None:
    event = imported("s1")
    state = given(a_running_round(), event).state
    envelope = Envelope(seq=9, at=T0, actor="cf1", cmd=None, event=event)
    public = public_envelope(envelope, state)
    assert public["data"] is event  # whole, provenance included
    assert public["actor"] == "cf1"
    positions = [
        PositionTaken(participant=p, statement="s1", value=2, round=1)
        for p in ("p1", "p2", "p3", "p4")
    ]
    counted = tallies(given(a_running_round(), event, positions).state, k=2)
    (tally,) = counted.statements
    assert (tally.statement, tally.overall.voters, tally.overall.counts) == (
        "s1",
        4,
        (0, 0, 0, 0, 4),
    )


def test_a_snapshot_carries_the_provenance_of_an_imported_statement_only() -> None:
    state = given(a_running_round(), a_statement("s1"), imported("s2")).state
    room = json.loads(json.dumps(visible_state(state, full=False, participant="p4")))
    assert "provenance" not in room["statements"]["s1"]
    assert room["statements"]["s2"]["provenance"] == {
        "key": "e3",
        "source": "le Forum numérique",
        "territories": ["Clichy-sous-Bois"],
        "statement": "s7",
        "ratings": [],  # only a forum's retained problems carry their online ratings
    }
    assert room["statements"]["s2"]["text"] == TEXT


def test_an_erasure_leaves_an_imported_statement_alone() -> None:
    scenario = given(a_running_round(), imported("s1"), a_statement("s2", author="p2"))
    (removed,) = scenario.when(
        RemoveParticipant(participant="p2", erase=True), as_=FACILITATOR
    ).events
    assert isinstance(removed, ParticipantRemoved)
    assert removed.statements == ("s2",)
    departures = Departures()
    departures.note(removed)
    assert (
        departures.shown(Envelope(seq=1, at=T0, actor="facilitator", cmd=None, event=imported()))
        is None
    )


# --- the cahier and the Pol.is files ------------------------------------------------------------

HEADER = LogHeader(session="local-clichy", title="Métrokawa de Clichy", created_at=T0)


def a_log(provenance: Provenance = FORUM) -> list[Envelope]:
    events = [
        *a_running_round(),
        imported("s1", provenance),
        *a_statement("s2"),
        *(
            PositionTaken(participant=p, statement=s, value=v, round=1)
            for p in ("p1", "p2", "p3", "p4")
            for s, v in (("s1", 2), ("s2", 1))
        ),
    ]
    return [
        Envelope(seq=n, at=T0 + 1000 * n, actor="facilitator", cmd=None, event=e)
        for n, e in enumerate(events, 1)
    ]


# The cahier's phrase for a provenance: (source, territories) -> the words after the kind.
SAID: dict[tuple[str, tuple[str, ...]], str] = {
    ("le Forum numérique", ("Clichy-sous-Bois",)): "issu du Forum numérique — Clichy-sous-Bois",
    ("les ateliers", ("Sevran", "Grigny")): "issu des ateliers — Sevran et Grigny",
    ("la phase en ligne", ()): "issu de la phase en ligne",
    ("l’atelier du 3 mai", ("A", "B", "C")): "issu de l'atelier du 3 mai — A, B et C",
    ("Forum numérique", ()): "issu de « Forum numérique »",
}


@pytest.mark.parametrize(("source", "territories"), list(SAID))
def test_the_cahier_says_where_an_imported_statement_comes_from(
    source: str, territories: tuple[str, ...]
) -> None:
    origin = Provenance(key="e3", source=source, territories=territories)
    report = build_report(HEADER, a_log(origin), k=2)
    (shared,) = [line for line in report.scopes if line.statement.id == "s1"]
    assert shared.statement.provenance == origin
    expected = f"énoncé 1, problème, {SAID[(source, territories)]}"
    md, html = render(report, "md"), render(report, "html")
    typeset = expected.replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    assert typeset in md
    assert escape(typeset) in html
    assert "énoncé 2, problème, manche 1, table 1" in md  # the others as before
    data = json.loads(render(report, "json"))
    refs = {s["statement"]["id"]: s["statement"] for s in data["scopes"]}
    assert refs["s1"]["provenance"]["source"] == source
    assert "provenance" not in refs["s2"]
    assert [r["statements"] for r in data["rounds"]] == [1, 0]  # s1 was not written in round 1


def test_the_french_helpers() -> None:
    assert from_source("Le Métrokawa métropolitain") == "du Métrokawa métropolitain"
    assert [joined(names) for names in ((), ("A",), ("A", "B"))] == ["", "A", "A et B"]


def test_the_pol_is_export_makes_it_a_moderator_s_comment_and_reads_it_back() -> None:
    files = export_polis(HEADER, a_log(), k=2)
    comments = files["comments.csv"].splitlines()
    assert (
        comments[0]
        == "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body"
    )
    at = T0 + 1000 * 8  # the import is the 8th event of the log
    assert comments[1].startswith(f"{at},")
    assert comments[1].endswith(f",0,,4,0,1,{TEXT}")
    assert comments[2].split(",")[3] == "1"  # s2's author, p2, is participant 1
    summary = dict(line.split(",", 1) for line in files["summary.csv"].splitlines())
    assert summary["commenters"] == "1"  # p2; the facilitators are not commenters
    header, envelopes = load_polis(files)
    assert export_polis(header, envelopes, k=2) == files
