"""The envelope codec, upcasting, commands off the wire, the ``.mkawa`` log file and replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgpack
import msgspec
import pytest

from session_engine import codec
from session_engine.codec import (
    Envelope,
    LogFormatError,
    decode_command,
    decode_envelope,
    encode_envelope,
    schema_versions,
)
from session_engine.commands import (
    COMMAND_TYPES,
    Annotate,
    CastBallot,
    CloseSession,
    Command,
    CreateSession,
    EndRound,
    JoinSession,
    NewTerritory,
    ProposeStatement,
    PublishStatement,
    SeatTables,
    StartRound,
    TakePosition,
)
from session_engine.decide import Context, Role
from session_engine.errors import Rejected
from session_engine.events import (
    EVENT_TYPES,
    AnnotationAdded,
    BallotCast,
    CoFacilitatorAdded,
    CoFacilitatorRevoked,
    ConsentAbandoned,
    ConsentOpened,
    Event,
    HostHandedOver,
    ObjectionRaised,
    ObjectionResolved,
    PaperBallotsEntered,
    ParticipantJoined,
    ParticipantMoved,
    ParticipantRemoved,
    ParticipantSeated,
    ParticipantsMerged,
    PositionTaken,
    ProposalPromoted,
    ResultsHidden,
    ResultsShown,
    RoundAdded,
    RoundEdited,
    RoundEnded,
    RoundExtended,
    RoundPaused,
    RoundRemoved,
    RoundResumed,
    RoundStarted,
    SessionClosed,
    SessionCreated,
    StatementHidden,
    StatementImported,
    StatementProposed,
    StatementPublished,
    StatementsMerged,
    SynthesisSubmitted,
    TableSizeChanged,
    TablesRotated,
    TablesSeated,
    TableTabletIssued,
    TableTabletRevoked,
    TerritoryAdded,
    TerritoryRenamed,
    VoeuAdopted,
    VoteClosed,
    VoteOpened,
)
from session_engine.evolve import evolve
from session_engine.logfile import (
    FORMAT,
    FORMAT_VERSION,
    LogHeader,
    iter_log,
    pseudonymise,
    read_log,
    write_log,
)
from session_engine.model import (
    Grade,
    HostPolicy,
    ParticipantRole,
    Provenance,
    RoundKind,
    RoundSpec,
    StatementKind,
    Territory,
)
from session_engine.replay import replay
from session_engine.session import Session
from session_engine.state import SessionState

from .harness import MINUTE, T0, TERRITORIES, agenda, joined, table

EVERY_EVENT: list[Event] = [
    SessionCreated(
        title="Métrokawa",
        territories=TERRITORIES,
        agenda=agenda(2),
        table_size=6,
        host_policy=HostPolicy.STAY,
    ),
    joined("p1", role=ParticipantRole.ELU, consent=True),
    TablesSeated(seed=42, tables=(table(1, "p1", "p1", "p2"), table(2, None, "p3"))),
    TablesRotated(seed=43, tables=(table(1, "p2", "p2", "p3"), table(2, "p1", "p1"))),
    ParticipantSeated(participant="p4", table=2, hosts=False),
    RoundStarted(round=1, deadline=T0 + 20 * MINUTE),
    RoundPaused(round=1, remaining_ms=5 * MINUTE),
    RoundResumed(round=1, deadline=T0 + 30 * MINUTE),
    RoundExtended(round=1, by_ms=MINUTE, deadline=None, remaining_ms=6 * MINUTE),
    RoundEnded(round=1, reason="deadline"),
    StatementProposed(
        statement="s1", author="p1", text="Énoncé", kind=StatementKind.IDEA, round=1, table=None
    ),
    StatementPublished(statement="s1"),
    StatementHidden(statement="s1"),
    StatementsMerged(statement="s2", into="s1"),
    AnnotationAdded(
        annotation="a1",
        author="p2",
        text="Note",
        statement=None,
        table=1,
        tags=("bruit", "nuit"),
        place="Gare",
        round=1,
    ),
    PositionTaken(participant="p2", statement="s1", value=None, round=1),
    SynthesisSubmitted(round=1, table=1, host="p1", text="Synthèse"),
    ProposalPromoted(proposal="pr1", statement="s1", text="Proposition"),
    VoteOpened(vote="v1", proposals=("pr1", "pr2")),
    BallotCast(
        vote="v1", participant="p2", grades={"pr1": Grade.EXCELLENT, "pr2": Grade.A_REJETER}
    ),
    VoteClosed(vote="v1"),
    ResultsShown(statement=None, vote="v1", profiles={"pr1": (0, 0, 0, 0, 0, 0, 1)}),
    ResultsHidden(),
    ConsentOpened(consent="c1", proposal="pr1", vote="v1", grade=Grade.BIEN, text="Proposition"),
    ObjectionRaised(objection="o1", consent="c1", author="p2", text="Trop cher"),
    ObjectionResolved(objection="o1", consent="c1", resolution="amended", wording="Amendée"),
    VoeuAdopted(voeu="vx1", consent="c1", proposal="pr1", text="Amendée", outcome="Adopté"),
    ConsentAbandoned(consent="c2", reason="facilitator"),
    SessionClosed(),
    CoFacilitatorAdded(cofacilitator="cf1", label="Amina, accueil"),
    CoFacilitatorRevoked(cofacilitator="cf1"),
    HostHandedOver(table=1, host="p2", previous="p1"),
    ParticipantMoved(participant="p3", from_table=2, table=1, hosts=False, from_host=None),
    ParticipantRemoved(
        participant="p2",
        erased=True,
        table=1,
        host="p3",
        statements=("s2",),
        annotations=("a1",),
    ),
    ParticipantsMerged(
        participant="p4",
        into="p1",
        table=2,
        host=None,
        positions=("s1",),
        grades=(("v1", "pr1"),),
    ),
    RoundAdded(round=2, spec=agenda(1)[0]),
    RoundEdited(round=2, spec=agenda(1)[0]),
    RoundRemoved(round=3),
    TerritoryAdded(territory=Territory(id="t4", name="Pleyel", commune="Saint-Denis", qpv=False)),
    TerritoryRenamed(territory="t4", name="Pleyel-Sud", commune="Saint-Denis"),
    TableSizeChanged(table_size=5),
    TableTabletIssued(tablet="tb1", table=3),
    TableTabletRevoked(tablet="tb1"),
    PaperBallotsEntered(
        vote="v1", ballots=({"pr1": Grade.BIEN}, {"pr1": Grade.PASSABLE}), note="Urne papier"
    ),
    StatementImported(
        statement="s3",
        text="Les bus de nuit ne desservent pas les quartiers.",
        kind=StatementKind.PROBLEM,
        provenance=Provenance(
            key="e3", source="Forum numérique", territories=("Clichy-sous-Bois",), statement="s7"
        ),
    ),
]


def test_a_field_added_with_a_default_is_left_out_when_it_is_the_default() -> None:
    """``recorded_by`` and ``added_by`` came later: a log written before them reads the same, and
    an event that does not use them is written byte for byte as before."""
    taken = PositionTaken(participant="p3", statement="s1", value=1, round=1)
    data = msgpack.unpackb(encode_envelope(envelope(taken)))["data"]
    assert data == {"participant": "p3", "statement": "s1", "value": 1, "round": 1}
    recorded = PositionTaken(participant="p3", statement="s1", value=1, round=1, recorded_by="tb1")
    assert msgpack.unpackb(encode_envelope(envelope(recorded)))["data"]["recorded_by"] == "tb1"
    assert decode_envelope(encode_envelope(envelope(recorded))).event == recorded
    old = record("BallotCast", 1, {"vote": "v1", "participant": "p3", "grades": {"pr1": 4}})
    assert decode_envelope(old).event == BallotCast(
        vote="v1", participant="p3", grades={"pr1": Grade.BIEN}, recorded_by=None
    )
    joined = ParticipantJoined(
        participant="p9",
        pseudonym="Odette",
        territory="t1",
        role=ParticipantRole.HABITANT,
        stays_seated=False,
        consent=False,
    )
    assert "added_by" not in msgpack.unpackb(encode_envelope(envelope(joined)))["data"]


def envelope(event: Event, seq: int = 1, *, actor: str = "facilitator") -> Envelope:
    return Envelope(seq=seq, at=T0 + seq, actor=actor, cmd=f"c{seq}", event=event)


def record(event_type: str, v: int, data: dict[str, Any], seq: int = 1) -> bytes:
    """A stored record written by hand, as an older (or newer, or foreign) writer would have."""
    fields = {"seq": seq, "type": event_type, "v": v, "at": T0, "actor": "p37", "cmd": None}
    return msgspec.msgpack.encode({**fields, "data": data})


# --- the envelope -------------------------------------------------------------------------------


def test_the_samples_cover_every_event_type() -> None:
    assert [type(e).__name__ for e in EVERY_EVENT] == list(EVENT_TYPES)


@pytest.mark.parametrize("event", EVERY_EVENT, ids=lambda e: type(e).__name__)
def test_every_event_survives_the_codec(event: Event) -> None:
    sealed = envelope(event, seq=7)
    assert decode_envelope(encode_envelope(sealed)) == sealed
    assert sealed.type == type(event).__name__


def test_the_envelope_is_the_map_of_the_design() -> None:
    taken = PositionTaken(participant="p37", statement="s14", value=2, round=2)
    sealed = Envelope(seq=412, at=1795853412000, actor="p37", cmd="p37-0019", event=taken)
    assert msgpack.unpackb(encode_envelope(sealed)) == {
        "seq": 412,
        "type": "PositionTaken",
        "v": 1,
        "at": 1795853412000,
        "actor": "p37",
        "cmd": "p37-0019",
        "data": {"participant": "p37", "statement": "s14", "value": 2, "round": 2},
    }


def test_enumerations_are_written_as_their_values() -> None:
    data = msgpack.unpackb(encode_envelope(envelope(EVERY_EVENT[0])))["data"]
    assert data["host_policy"] == "stay"
    assert data["agenda"][0]["kind"] == "table"
    ballot = msgpack.unpackb(encode_envelope(envelope(EVERY_EVENT[19])))["data"]
    assert ballot["grades"] == {"pr1": 6, "pr2": 0}
    person = msgpack.unpackb(encode_envelope(envelope(EVERY_EVENT[1])))["data"]
    assert person["role"] == "elu"


def test_a_decoded_event_has_its_typed_fields() -> None:
    raw = record("BallotCast", 1, {"vote": "v1", "participant": "p2", "grades": {"pr1": 4}})
    decoded = decode_envelope(raw)
    assert decoded == Envelope(
        seq=1,
        at=T0,
        actor="p37",
        cmd=None,
        event=BallotCast(vote="v1", participant="p2", grades={"pr1": Grade.BIEN}),
    )
    assert isinstance(decoded.event, BallotCast)
    assert type(decoded.event.grades["pr1"]) is Grade


def test_schema_versions_list_every_type_at_version_one() -> None:
    assert schema_versions() == dict.fromkeys(EVENT_TYPES, 1)


# --- upcasting ----------------------------------------------------------------------------------

OLD_POSITION = {"participant": "p2", "statement": "s1", "score": 1, "round": 1}


def rename_score(data: dict[str, Any]) -> dict[str, Any]:
    """v1 called the position ``score``; v2 calls it ``value``."""
    data = dict(data)
    data["value"] = data.pop("score")
    return data


def test_an_old_record_is_upcast_to_the_current_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PositionTaken, "V", 2)
    monkeypatch.setitem(codec.UPCASTERS, ("PositionTaken", 1), rename_score)
    decoded = decode_envelope(record("PositionTaken", 1, OLD_POSITION))
    assert decoded.event == PositionTaken(participant="p2", statement="s1", value=1, round=1)
    assert schema_versions()["PositionTaken"] == 2
    assert msgpack.unpackb(encode_envelope(decoded))["v"] == 2


def test_upcasters_run_one_version_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    def pass_as_none(data: dict[str, Any]) -> dict[str, Any]:
        """v2 wrote a pass as 99; v3 writes nil."""
        return {**data, "value": None if data["value"] == 99 else data["value"]}

    monkeypatch.setattr(PositionTaken, "V", 3)
    monkeypatch.setitem(codec.UPCASTERS, ("PositionTaken", 1), rename_score)
    monkeypatch.setitem(codec.UPCASTERS, ("PositionTaken", 2), pass_as_none)
    decoded = decode_envelope(record("PositionTaken", 1, {**OLD_POSITION, "score": 99}))
    assert decoded.event == PositionTaken(participant="p2", statement="s1", value=None, round=1)
    current = {"participant": "p2", "statement": "s1", "value": -2, "round": 1}
    assert decode_envelope(record("PositionTaken", 3, current)).event == PositionTaken(
        participant="p2", statement="s1", value=-2, round=1
    )


def test_the_temporary_upcaster_is_gone_after_the_test() -> None:
    assert PositionTaken.V == 1
    assert ("PositionTaken", 1) not in codec.UPCASTERS
    assert codec.UPCASTERS == {}


def test_a_missing_upcaster_is_a_log_format_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PositionTaken, "V", 2)
    with pytest.raises(LogFormatError, match="no upcaster for PositionTaken v1"):
        decode_envelope(record("PositionTaken", 1, OLD_POSITION))


def test_an_upcaster_giving_a_wrong_shape_is_a_log_format_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(PositionTaken, "V", 2)
    monkeypatch.setitem(codec.UPCASTERS, ("PositionTaken", 1), lambda data: data)  # keeps "score"
    with pytest.raises(LogFormatError):
        decode_envelope(record("PositionTaken", 1, OLD_POSITION))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(
            record(
                "PositionTaken", 2, {"participant": "p2", "statement": "s1", "value": 1, "round": 1}
            ),
            "newer than this code",
            id="from the future",
        ),
        pytest.param(record("PositionRetracted", 1, {}), "unknown event type", id="unknown type"),
        pytest.param(
            record("PositionTaken", 1, {"participant": "p2", "statement": "s1", "round": 1}),
            "unreadable",
            id="missing field",
        ),
        pytest.param(
            record("RoundStarted", 1, {"round": "one", "deadline": 0}),
            "unreadable",
            id="wrong type",
        ),
        pytest.param(
            record("BallotCast", 1, {"vote": "v1", "participant": "p2", "grades": {"pr1": 7}}),
            "unreadable",
            id="grade off the scale",
        ),
        pytest.param(
            msgspec.msgpack.encode({"seq": 1, "type": "SessionClosed"}),
            "unreadable",
            id="no envelope",
        ),
        pytest.param(msgspec.msgpack.encode([1, 2, 3]), "unreadable", id="not a map"),
        pytest.param(b"\xc1garbage", "unreadable", id="not msgpack"),
    ],
)
def test_unreadable_records_are_log_format_errors(raw: bytes, message: str) -> None:
    with pytest.raises(LogFormatError, match=message):
        decode_envelope(raw)


# --- commands off the wire ----------------------------------------------------------------------


def test_commands_are_decoded_from_plain_maps() -> None:
    wire = {
        "title": "Métrokawa",
        "territories": [{"name": "Pleyel", "commune": "Saint-Denis", "qpv": False}],
        "agenda": [{"kind": "vote", "prompt": "Votons", "duration_ms": 600000}],
        "host_policy": "stay",
    }
    decoded = decode_command("CreateSession", wire)
    assert decoded == CreateSession(
        title="Métrokawa",
        territories=(NewTerritory(name="Pleyel", commune="Saint-Denis", qpv=False),),
        agenda=(RoundSpec(kind=RoundKind.VOTE, prompt="Votons", duration_ms=600000),),
        table_size=6,
        host_policy=HostPolicy.STAY,
    )
    assert decode_command("TakePosition", {"statement": "s1", "value": None}) == TakePosition(
        statement="s1", value=None
    )
    assert decode_command("CastBallot", {"vote": "v1", "grades": {"pr1": 5}}) == CastBallot(
        vote="v1", grades={"pr1": Grade.TRES_BIEN}
    )
    assert decode_command("Annotate", {"text": "x", "table": 2, "tags": ["a"]}) == Annotate(
        text="x", table=2, tags=("a",)
    )
    assert decode_command("CloseSession", {}) == CloseSession()


def test_every_command_type_is_known_to_the_decoder() -> None:
    for name, cls in COMMAND_TYPES.items():
        assert name == cls.__name__
    assert decode_command("SeatTables", {}) == SeatTables()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        pytest.param("DropTables", {}, "unknown command type", id="unknown type"),
        pytest.param("PauseRound", {"minutes": 5}, "unknown field", id="unknown field"),
        pytest.param("ExtendRound", {}, "missing required field", id="missing field"),
        pytest.param("ExtendRound", {"minutes": "5"}, "Expected `int`", id="wrong type"),
        pytest.param(
            "CastBallot", {"vote": "v1", "grades": {"pr1": 7}}, "Invalid enum", id="grade"
        ),
        pytest.param(
            "JoinSession",
            {"pseudonym": "A", "territory": "t1", "role": "maire"},
            "Invalid",
            id="role",
        ),
        pytest.param("TakePosition", ["s1", 2], "Expected `object`", id="not a map"),
    ],
)
def test_malformed_commands_are_value_errors(name: str, data: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decode_command(name, data)


# --- the log file -------------------------------------------------------------------------------

HEADER = LogHeader(session="abc123", title="Métrokawa", created_at=T0)


def a_log() -> list[Envelope]:
    return [envelope(event, seq) for seq, event in enumerate(EVERY_EVENT, start=1)]


def test_a_log_file_written_then_read_gives_back_header_and_events(tmp_path: Path) -> None:
    path = tmp_path / "session.mkawa"
    path.write_bytes(write_log(HEADER, a_log()))
    header, envelopes = read_log(path.read_bytes())
    assert header == HEADER
    assert (header.format, header.format_version) == (FORMAT, FORMAT_VERSION)
    assert header.schemas == schema_versions()
    assert envelopes == a_log()


def test_the_log_is_a_stream_of_maps_header_first() -> None:
    unpacker = msgpack.Unpacker()
    unpacker.feed(write_log(HEADER, a_log()[:2]))
    first, *rest = list(unpacker)
    assert first["format"] == "metrokawa-log"
    assert first["session"] == "abc123"
    assert [r["seq"] for r in rest] == [1, 2]


def test_a_log_without_events_is_just_its_header() -> None:
    assert read_log(write_log(HEADER, [])) == (HEADER, [])


def test_an_empty_file_is_not_a_log() -> None:
    with pytest.raises(LogFormatError, match="empty file"):
        read_log(b"")


@pytest.mark.parametrize(
    "header",
    [
        pytest.param({"format": "other-log", "format_version": 1}, id="foreign format"),
        pytest.param({"format": FORMAT, "format_version": FORMAT_VERSION + 1}, id="newer format"),
    ],
)
def test_a_foreign_or_newer_format_is_refused(header: dict[str, Any]) -> None:
    fields = {"session": "abc", "title": "x", "created_at": T0, "schemas": {}}
    with pytest.raises(LogFormatError, match="unsupported format"):
        read_log(msgspec.msgpack.encode({**fields, **header}))


def test_a_header_that_does_not_name_the_format_is_refused() -> None:
    """The first map must say what the file is (README: ``format`` is always there)."""
    anonymous = {"session": "abc", "title": "Une carte", "created_at": T0}
    with pytest.raises(LogFormatError):
        read_log(msgspec.msgpack.encode(anonymous))


def test_a_file_starting_with_an_event_is_not_a_log() -> None:
    with pytest.raises(LogFormatError, match="not a Métrokawa log header"):
        read_log(encode_envelope(envelope(SessionClosed())))


def test_a_truncated_file_reads_up_to_the_cut_and_then_fails() -> None:
    data = write_log(HEADER, a_log())
    cut = data[:-3]
    header, envelopes = iter_log(cut)
    assert header == HEADER
    read: list[Envelope] = []
    with pytest.raises(LogFormatError, match="truncated or corrupt record at byte"):
        read.extend(envelopes)
    assert read == a_log()[:-1]
    with pytest.raises(LogFormatError):
        read_log(cut)


def test_a_file_cut_inside_its_header_is_refused() -> None:
    with pytest.raises(LogFormatError, match="truncated"):
        read_log(write_log(HEADER, a_log())[:10])


def test_garbage_after_the_events_is_refused() -> None:
    with pytest.raises(LogFormatError):
        read_log(write_log(HEADER, a_log()) + b"\xc1")


# --- pseudonymisation ---------------------------------------------------------------------------


def test_pseudonyms_are_replaced_unless_the_participant_consented() -> None:
    log = [
        envelope(SessionClosed(), 1),
        envelope(joined("p1", pseudonym="Awa", consent=True), 2, actor="p1"),
        envelope(joined("p12", pseudonym="Karim Benali", consent=False), 3, actor="p12"),
    ]
    kept = [msgspec.structs.replace(e) for e in log]
    exported = list(pseudonymise(log))
    assert exported[:2] == log[:2]
    assert exported[2] == Envelope(
        seq=3,
        at=log[2].at,
        actor="p12",
        cmd="c3",
        event=joined("p12", pseudonym="Participant·e 12", consent=False),
    )
    assert log == kept, "the live log itself is left as it was"


def test_a_pseudonymised_log_holds_no_name_of_who_did_not_consent() -> None:
    log = [envelope(joined("p3", pseudonym="Karim Benali"), 1, actor="p3")]
    data = write_log(HEADER, pseudonymise(log))
    assert b"Karim" not in data
    assert "Participant·e 3".encode() in data


# --- replay -------------------------------------------------------------------------------------


def played_session() -> Session:
    """A short session run through the real engine, as the single writer runs it."""
    session = Session()
    facilitator = Context(actor="facilitator", role=Role.FACILITATOR, now=T0)
    guest = Context(actor="guest", role=Role.GUEST, now=T0)
    steps: list[tuple[Command, Context]] = [
        (
            CreateSession(
                title="Métrokawa",
                territories=(NewTerritory(name="Franc-Moisin", commune="Saint-Denis", qpv=True),),
                agenda=agenda(1),
            ),
            facilitator,
        ),
        (
            JoinSession(pseudonym="Awa", territory="t1", role=ParticipantRole.HABITANT),
            guest,
        ),
        (
            JoinSession(pseudonym="Karim", territory="t1", role=ParticipantRole.ELU),
            guest,
        ),
        (SeatTables(), msgspec.structs.replace(facilitator, seed=5)),
        (StartRound(), facilitator),
        (
            ProposeStatement(text="Plus de bancs."),
            Context(actor="p2", role=Role.PARTICIPANT, now=T0),
        ),
        (PublishStatement(statement="s1"), facilitator),
        (TakePosition(statement="s1", value=2), Context(actor="p1", role=Role.PARTICIPANT, now=T0)),
        (EndRound(), Context(actor="system", role=Role.SYSTEM, now=T0 + 20 * MINUTE)),
        (CloseSession(), facilitator),
    ]
    for n, (command, ctx) in enumerate(steps, start=1):
        assert not isinstance(session.handle(command, ctx, cmd=f"c{n}"), Rejected), command
    return session


def test_the_session_numbers_its_events_from_one_without_gap() -> None:
    session = played_session()
    assert [e.seq for e in session.log] == list(range(1, len(session.log) + 1))
    assert session.seq == len(session.log)
    assert [e.type for e in session.log][:3] == [
        "SessionCreated",
        "ParticipantJoined",
        "ParticipantJoined",
    ]


def test_a_guest_who_joins_is_logged_as_the_participant_they_became() -> None:
    session = played_session()
    assert [(e.actor, e.cmd) for e in session.log[1:3]] == [("p1", "c2"), ("p2", "c3")]
    assert session.log[-2].actor == "system"


def test_a_rejected_command_leaves_the_log_and_the_state_alone() -> None:
    session = played_session()
    state, log = session.state.copy(), list(session.log)
    rejected = session.handle(
        StartRound(), Context(actor="facilitator", role=Role.FACILITATOR, now=T0)
    )
    assert rejected == Rejected.of("session_closed")
    assert (session.state, session.log) == (state, log)


def test_replaying_the_log_gives_the_live_state() -> None:
    session = played_session()
    assert replay(session.log) == session.state
    _, envelopes = read_log(write_log(HEADER, session.log))
    assert replay(envelopes) == session.state


@pytest.mark.parametrize("until", [0, 1, 3, 6, 9])
def test_replay_stops_after_the_given_seq(until: int) -> None:
    session = played_session()
    expected = SessionState()
    for sealed in session.log[:until]:
        evolve(expected, sealed.event)
    assert replay(session.log, until=until) == expected


def test_replay_until_the_last_seq_or_beyond_is_the_whole_log() -> None:
    session = played_session()
    assert replay(session.log, until=session.seq) == session.state
    assert replay(session.log, until=session.seq + 100) == session.state
    assert replay(session.log, until=session.seq - 1) != session.state
