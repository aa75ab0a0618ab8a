"""A participant's personal key across the programme (``JoinSession.person``): what it may be,
where it goes, and where it never goes.

The device keeps the key and sends it only when its holder ticks « Me reconnaître d'une séance à
l'autre du programme »; the engine records it in ``ParticipantJoined`` so that the programme's
opinion shift can link one person's positions across sessions (``programme.shift``). Only the
facilitators' form of the event and the console's snapshot carry it: not the room's form, not
the joiner's own, not a table's roster, not any export, not the archive.
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
import pytest

from session_engine import read_log, write_log
from session_engine.archive import anonymise
from session_engine.audiences import is_own_join, table_roster
from session_engine.codec import Envelope, decode_envelope, encode_envelope
from session_engine.commands import COMMAND_TYPES, AddParticipant, JoinSession
from session_engine.departures import Departures
from session_engine.events import (
    ParticipantJoined,
    ParticipantRemoved,
    ParticipantSeated,
    ParticipantsMerged,
)
from session_engine.logfile import LogHeader, pseudonymise
from session_engine.model import ParticipantRole
from session_engine.opendata import export_polis
from session_engine.visibility import (
    console_state,
    facilitator_envelope,
    public_envelope,
    visible_state,
)

from .harness import GUEST, T0, a_seated_session, a_session, given, joined

KEY: Final = "Zk3_q-9XwB2mYtR0aLpC7g"  # what a device makes: 16 random bytes in base64url

# The key a JoinSession may carry → the answer (None: accepted). 22 to 64 characters of
# [A-Za-z0-9_-]; over 64 is text_too_long, as for every text field of every command.
PERSON_KEYS: Final[list[tuple[str | None, str | None]]] = [
    (None, None),  # no consent: nothing sent
    (KEY, None),  # 22 characters, the device's own
    ("A" * 64, None),  # the longest
    ("a-b_c" * 5, None),  # hyphen and underscore are base64url
    ("A" * 21, "bad_request"),  # too short to be unguessable
    ("", "bad_request"),
    ("A" * 65, "text_too_long"),
    ("Zk3+q/9XwB2mYtR0aLpC7g", "bad_request"),  # base64, not base64url
    ("Zk3_q-9XwB2mYtR0aLpC7g==", "bad_request"),  # no padding
    ("Zk3 q-9XwB2mYtR0aLpC7g", "bad_request"),  # a blank inside
    (f" {KEY}", "bad_request"),  # nor around it: the key is sent as the device made it
    ("éééééééééééééééééééééééé", "bad_request"),  # letters of ASCII only
]


def a_join(person: str | None = KEY, **fields: Any) -> JoinSession:
    data: dict[str, Any] = {
        "pseudonym": "Awa",
        "territory": "t1",
        "role": ParticipantRole.HABITANT,
        "consent": True,
        **fields,
    }
    return JoinSession(person=person, **data)


@pytest.mark.parametrize(("person", "code"), PERSON_KEYS)
def test_a_join_takes_a_personal_key_of_22_to_64_base64url_characters(
    person: str | None, code: str | None
) -> None:
    outcome = given(a_session()).when(a_join(person), as_=GUEST)
    if code is not None:
        outcome.then_rejected(code)
        return
    state = outcome.then(
        ParticipantJoined(
            participant="p1",
            pseudonym="Awa",
            territory="t1",
            role=ParticipantRole.HABITANT,
            stays_seated=False,
            consent=True,
            person=person,
        )
    )
    assert state.participants["p1"].person == person


def test_a_late_arrival_keeps_their_key_and_is_seated_as_before() -> None:
    events = given(a_seated_session()).when(a_join(), as_=GUEST).events
    assert isinstance(events[0], ParticipantJoined)
    assert events[0].person == KEY
    assert isinstance(events[1], ParticipantSeated)


def test_someone_added_without_a_device_has_no_key_to_give() -> None:
    assert "person" in JoinSession.__struct_fields__
    assert "person" not in AddParticipant.__struct_fields__
    assert [name for name, cls in COMMAND_TYPES.items() if "person" in cls.__struct_fields__] == [
        "JoinSession"
    ]


# --- the log: a join without a key is written byte for byte as before ------------------------


def test_a_join_without_a_key_is_encoded_as_before_and_one_with_it_reads_back() -> None:
    plain = Envelope(seq=2, at=T0, actor="guest", cmd=None, event=joined("p1"))
    data = msgspec.msgpack.decode(encode_envelope(plain))
    assert data["v"] == 1
    assert "person" not in data["data"]
    assert sorted(data["data"]) == [
        "consent",
        "participant",
        "pseudonym",
        "role",
        "stays_seated",
        "territory",
    ]
    keyed = msgspec.structs.replace(plain, event=msgspec.structs.replace(plain.event, person=KEY))
    encoded = encode_envelope(keyed)
    assert msgspec.msgpack.decode(encoded)["v"] == 1
    assert decode_envelope(encoded) == keyed
    assert decode_envelope(encode_envelope(plain)).event.person is None  # type: ignore[union-attr]


# --- who receives it -------------------------------------------------------------------------


def a_keyed_session() -> list[Any]:
    """The seated default session (p1..p4 at two tables), where p2 gave a key."""
    events = a_seated_session()
    return [
        msgspec.structs.replace(e, person=KEY)
        if isinstance(e, ParticipantJoined) and e.participant == "p2"
        else e
        for e in events
    ]


def keyed_join() -> Envelope:
    event = msgspec.structs.replace(joined("p2", territory="t2"), person=KEY)
    return Envelope(seq=3, at=T0, actor="guest", cmd="join-1", event=event)


def test_only_the_facilitators_form_of_the_join_carries_the_key() -> None:
    state = given(a_keyed_session()).state
    envelope = keyed_join()
    shown = facilitator_envelope(envelope)
    assert isinstance(shown.event, ParticipantJoined)
    assert shown.event.person == KEY
    # The room's form, which is also what the joiner and their table receive.
    public = msgspec.msgpack.decode(msgspec.msgpack.encode(public_envelope(envelope, state)))
    assert "person" not in public["data"]
    assert public["data"]["pseudonym"] == "Personne p2"  # the rest of the join is as before
    assert KEY.encode() not in msgspec.msgpack.encode(public_envelope(envelope, state))


def test_a_join_without_a_key_keeps_its_public_form() -> None:
    state = given(a_seated_session()).state
    envelope = Envelope(seq=3, at=T0, actor="guest", cmd=None, event=joined("p2"))
    public = public_envelope(envelope, state)
    assert public["data"] is envelope.event  # untouched: the same bytes as before


def test_snapshots_carry_the_key_for_the_consoles_only() -> None:
    state = given(a_keyed_session()).state
    assert console_state(state)["participants"]["p2"]["person"] == KEY
    assert "person" not in console_state(state)["participants"]["p1"]  # none given: no field
    for participant in ("p2", "p1", None):
        snapshot = visible_state(state, full=False, participant=participant)
        assert all("person" not in p for p in snapshot["participants"].values()), participant
        assert KEY.encode() not in msgspec.msgpack.encode(snapshot)


def test_a_tables_roster_never_carries_the_key() -> None:
    state = given(a_keyed_session()).state
    roster = table_roster(state, 1)  # p1 and p2
    assert set(roster) == {"p1", "p2"}
    assert all("person" not in record for record in roster.values())
    assert KEY.encode() not in msgspec.msgpack.encode(roster)


def test_a_guest_recognises_their_own_join_by_its_key_too() -> None:
    event = msgspec.structs.replace(joined("p5", pseudonym="Awa", consent=True), person=KEY)
    assert is_own_join(event, a_join(KEY))
    assert not is_own_join(event, a_join(None))
    assert not is_own_join(event, a_join("B" * 22))


# --- exports and departures ------------------------------------------------------------------


def the_log() -> list[Envelope]:
    events = [*a_keyed_session()]
    return [
        Envelope(seq=n, at=T0 + n, actor="facilitator", cmd=None, event=e)
        for n, e in enumerate(events, start=1)
    ]


def test_no_export_carries_a_key() -> None:
    header = LogHeader(session="s-1", title="Métrokawa", created_at=T0)
    data = write_log(header, pseudonymise(the_log()))
    assert KEY.encode() not in data
    assert b"person" not in data
    _, envelopes = read_log(data)
    assert all(e.event.person is None for e in envelopes if isinstance(e.event, ParticipantJoined))


def test_the_polis_files_carry_no_key() -> None:
    header = LogHeader(session="s-1", title="Métrokawa", created_at=T0)
    files = export_polis(header, the_log())
    assert files
    assert all(KEY not in text for text in files.values())


def test_the_export_keeps_a_consenting_pseudonym_while_dropping_the_key() -> None:
    event = msgspec.structs.replace(joined("p1", pseudonym="Awa", consent=True), person=KEY)
    (shown,) = pseudonymise([Envelope(seq=1, at=T0, actor="guest", cmd=None, event=event)])
    assert shown.event == msgspec.structs.replace(event, person=None)


def test_the_archive_carries_no_key() -> None:
    header = LogHeader(session="s-1", title="Métrokawa", created_at=T0)
    published_header, envelopes = anonymise(header, the_log(), archive="a1")
    assert KEY.encode() not in write_log(published_header, envelopes)


def test_an_erasure_unlinks_the_person_and_a_merge_keeps_one_key_for_one_person() -> None:
    erased = ParticipantRemoved(
        participant="p2", erased=True, table=1, host="p1", statements=(), annotations=()
    )
    state = given(a_keyed_session(), erased).state
    assert state.participants["p2"].person is None
    log = [*the_log(), Envelope(seq=99, at=T0, actor="facilitator", cmd=None, event=erased)]
    departures = Departures.of(log)
    shown = departures.shown(log[2])  # p2's join, as it may leave the server now
    assert shown is not None
    assert isinstance(shown.event, ParticipantJoined)
    assert shown.event.person is None

    removed = msgspec.structs.replace(erased, erased=False)
    assert given(a_keyed_session(), removed).state.participants["p2"].person == KEY  # counted

    merged = ParticipantsMerged(
        participant="p2", into="p1", table=1, host="p1", positions=(), grades=()
    )
    state = given(a_keyed_session(), merged).state
    assert (state.participants["p1"].person, state.participants["p2"].person) == (KEY, None)
