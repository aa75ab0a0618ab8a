"""A programme across sessions, as scenarios: given its log, when an organiser sends a command,
then these events (or this rejection). The follow-up of a vœu is a table written out here."""

from __future__ import annotations

import msgspec
import pytest

from session_engine.commands import NewTerritory
from session_engine.programme import (
    AddOrganiser,
    AddProgrammeTerritory,
    AddSession,
    CloseProgrammeSession,
    CreateProgramme,
    FollowUpVoeu,
    ImportedStatement,
    ProgrammeCommand,
    ProgrammeContext,
    ProgrammeEnvelope,
    ProgrammeState,
    PublishProgrammeSession,
    RecordedVoeu,
    RecordImports,
    SessionKind,
    VoeuStatus,
    decide,
    decode_programme_envelope,
    encode_programme_envelope,
    replay_programme,
)
from session_engine.programme.events import (
    ProgrammeCreated,
    SessionAdded,
    VoeuFollowedUp,
)
from session_engine.programme.log import run

ALICE = ProgrammeContext(actor="o1", now=1_700_000_000_000, programme="pg1")
BOB = ProgrammeContext(actor="o2", now=1_700_000_100_000)
SIX = (
    NewTerritory(name="Bas-Clichy", commune="Clichy-sous-Bois", qpv=True),
    NewTerritory(name="Le Chêne-Pointu", commune="Clichy-sous-Bois", qpv=True),
    NewTerritory(name="Les Courtillières", commune="Pantin", qpv=True),
    NewTerritory(name="La Noue", commune="Montreuil", qpv=True),
    NewTerritory(name="Centre-ville", commune="Vincennes", qpv=False),
    NewTerritory(name="Les Lilas", commune="Les Lilas", qpv=False),
)


def a_programme() -> tuple[ProgrammeState, list[ProgrammeEnvelope]]:
    state = ProgrammeState()
    log = run(
        state, CreateProgramme(title="Métrokawa 2027", territories=SIX, theme="Mobilités"), ALICE
    )
    assert log is not None
    return state, log


def sent(
    state: ProgrammeState, command: ProgrammeCommand, ctx: ProgrammeContext = ALICE
) -> list[ProgrammeEnvelope]:
    envelopes = run(state, command, ctx)
    assert envelopes is not None, decide(state, command, ctx)
    return envelopes


def rejected(
    state: ProgrammeState, command: ProgrammeCommand, ctx: ProgrammeContext = ALICE
) -> str:
    before = msgspec.to_builtins(state)
    outcome = decide(state, command, ctx)
    assert not isinstance(outcome, list), outcome
    assert msgspec.to_builtins(state) == before  # a rejection changes nothing
    return outcome.code


def a_local_session_with_a_voeu() -> ProgrammeState:
    state, _ = a_programme()
    sent(
        state,
        AddSession(
            session="S-local",
            kind=SessionKind.LOCAL,
            title="Métrokawa local",
            date="2027-03-14",
            territory="t1",
        ),
    )
    sent(
        state,
        CloseProgrammeSession(
            session="ps1", voeux=(RecordedVoeu(voeu="vo1", text="Un banc tous les 200 m"),)
        ),
    )
    return state


def test_a_programme_is_created_with_its_territories_numbered_and_its_creator_as_organiser() -> (
    None
):
    state, log = a_programme()
    created = log[0].event
    assert isinstance(created, ProgrammeCreated)
    assert [(t.id, t.name, t.qpv) for t in created.territories] == [
        ("t1", "Bas-Clichy", True),
        ("t2", "Le Chêne-Pointu", True),
        ("t3", "Les Courtillières", True),
        ("t4", "La Noue", True),
        ("t5", "Centre-ville", False),
        ("t6", "Les Lilas", False),
    ]
    assert (state.id, state.title, list(state.organisers)) == ("pg1", "Métrokawa 2027", ["o1"])


def test_an_organiser_of_another_programme_can_change_nothing() -> None:
    state, _ = a_programme()
    assert (
        rejected(
            state,
            AddSession(session="S1", kind=SessionKind.METROPOLITAN, title="x", date="2027-01-01"),
            BOB,
        )
        == "not_allowed"
    )
    assert (
        rejected(state, AddOrganiser(organiser="o2", email="bob@example.org"), BOB) == "not_allowed"
    )
    sent(state, AddOrganiser(organiser="o2", email="bob@example.org"))
    sent(
        state,
        AddSession(
            session="S1", kind=SessionKind.METROPOLITAN, title="Métropolitain", date="2027-01-01"
        ),
        BOB,
    )
    assert state.sessions["ps1"].kind is SessionKind.METROPOLITAN


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (CreateProgramme(title="Encore", territories=SIX), "already_created"),
        (
            AddProgrammeTerritory(name="bas-clichy", commune="Clichy-sous-Bois", qpv=True),
            "territory_exists",
        ),
        (
            AddSession(
                session="S2",
                kind=SessionKind.LOCAL,
                title="Local",
                date="2027-02-30",
                territory="t1",
            ),
            "bad_date",
        ),
        (
            AddSession(session="S2", kind=SessionKind.LOCAL, title="Local", date="2027-02-03"),
            "unknown_territory",
        ),
        (
            AddSession(
                session="S2",
                kind=SessionKind.LOCAL,
                title="Local",
                date="2027-02-03",
                territory="t9",
            ),
            "unknown_territory",
        ),
        (
            AddSession(
                session="S2", kind=SessionKind.LOCAL, title="   ", date="2027-02-03", territory="t1"
            ),
            "bad_request",
        ),
        (
            RecordImports(
                session="ps9", statements=(ImportedStatement(key="ps1-s1", statement="s1"),)
            ),
            "unknown_session",
        ),
        (
            RecordImports(
                session="ps1", statements=(ImportedStatement(key="Pas une clé", statement="s1"),)
            ),
            "bad_request",
        ),
        (CloseProgrammeSession(session="ps1"), "already_closed"),
        (
            FollowUpVoeu(
                session="ps1", voeu="vo9", status=VoeuStatus.TABLED, date="2027-04-02", council="CM"
            ),
            "unknown_voeu",
        ),
        (
            FollowUpVoeu(session="ps1", voeu="vo1", status=VoeuStatus.TABLED, date="2027-04-02"),
            "council_missing",
        ),
        (
            FollowUpVoeu(
                session="ps1",
                voeu="vo1",
                status=VoeuStatus.TABLED,
                date="2027-04-02",
                council="CM",
                link="javascript:alert(1)",
            ),
            "bad_link",
        ),
    ],
)
def test_what_a_programme_refuses(command: ProgrammeCommand, code: str) -> None:
    assert rejected(a_local_session_with_a_voeu(), command) == code


def test_a_session_must_be_closed_before_it_is_published() -> None:
    state, _ = a_programme()
    sent(
        state,
        AddSession(
            session="S1", kind=SessionKind.METROPOLITAN, title="Métropolitain", date="2027-01-01"
        ),
    )
    assert rejected(state, PublishProgrammeSession(session="ps1", archive="aXYZ")) == "not_closed"
    sent(state, CloseProgrammeSession(session="ps1"))
    sent(state, PublishProgrammeSession(session="ps1", archive="aXYZ"))
    assert state.sessions["ps1"].archive == "aXYZ"
    assert (
        rejected(state, PublishProgrammeSession(session="ps1", archive="aABC")) == "already_added"
    )


def test_an_imported_statement_is_known_by_its_key_once_per_session() -> None:
    state, _ = a_programme()
    sent(
        state,
        AddSession(
            session="S1", kind=SessionKind.LOCAL, title="Local", date="2027-03-01", territory="t2"
        ),
    )
    sent(
        state,
        RecordImports(session="ps1", statements=(ImportedStatement(key="ps0-s3", statement="s1"),)),
    )
    assert state.sessions["ps1"].imports == {"ps0-s3": "s1"}
    again = RecordImports(
        session="ps1", statements=(ImportedStatement(key="ps0-s3", statement="s2"),)
    )
    assert rejected(state, again) == "already_imported"


# Where a vœu may go from where it is: (from, to, accepted). Written out, not read from the code.
FOLLOW_UP_TABLE = [
    (VoeuStatus.TO_BE_TABLED, VoeuStatus.TABLED, True),
    (VoeuStatus.TO_BE_TABLED, VoeuStatus.ADOPTED, False),
    (VoeuStatus.TO_BE_TABLED, VoeuStatus.DEBATED, False),
    (VoeuStatus.TABLED, VoeuStatus.DEBATED, True),
    (VoeuStatus.TABLED, VoeuStatus.ADOPTED, True),
    (VoeuStatus.TABLED, VoeuStatus.REJECTED, True),
    (VoeuStatus.TABLED, VoeuStatus.POSTPONED, True),
    (VoeuStatus.TABLED, VoeuStatus.TABLED, False),
    (VoeuStatus.DEBATED, VoeuStatus.ADOPTED, True),
    (VoeuStatus.DEBATED, VoeuStatus.REJECTED, True),
    (VoeuStatus.DEBATED, VoeuStatus.POSTPONED, True),
    (VoeuStatus.DEBATED, VoeuStatus.TABLED, False),
    (VoeuStatus.POSTPONED, VoeuStatus.TABLED, True),
    (VoeuStatus.POSTPONED, VoeuStatus.DEBATED, True),
    (VoeuStatus.POSTPONED, VoeuStatus.ADOPTED, False),
    (VoeuStatus.ADOPTED, VoeuStatus.REJECTED, False),
    (VoeuStatus.ADOPTED, VoeuStatus.TABLED, False),
    (VoeuStatus.REJECTED, VoeuStatus.TABLED, False),
]
# The shortest way to each status from « à déposer ».
ROUTE = {
    VoeuStatus.TO_BE_TABLED: [],
    VoeuStatus.TABLED: [VoeuStatus.TABLED],
    VoeuStatus.DEBATED: [VoeuStatus.TABLED, VoeuStatus.DEBATED],
    VoeuStatus.POSTPONED: [VoeuStatus.TABLED, VoeuStatus.POSTPONED],
    VoeuStatus.ADOPTED: [VoeuStatus.TABLED, VoeuStatus.ADOPTED],
    VoeuStatus.REJECTED: [VoeuStatus.TABLED, VoeuStatus.REJECTED],
}


def follow_up(status: VoeuStatus) -> FollowUpVoeu:
    return FollowUpVoeu(
        session="ps1",
        voeu="vo1",
        status=status,
        date="2027-04-02",
        council="Conseil municipal de Clichy-sous-Bois",
    )


@pytest.mark.parametrize(("start", "to", "accepted"), FOLLOW_UP_TABLE)
def test_a_voeu_follows_its_council_s_steps(
    start: VoeuStatus, to: VoeuStatus, accepted: bool
) -> None:
    state = a_local_session_with_a_voeu()
    for step in ROUTE[start]:
        sent(state, follow_up(step))
    assert state.voeux[("ps1", "vo1")].status is start
    if accepted:
        sent(state, follow_up(to))
        assert state.voeux[("ps1", "vo1")].status is to
    else:
        assert rejected(state, follow_up(to)) == "bad_transition"


def test_each_step_of_a_voeu_keeps_its_author_date_and_the_council_s_answer() -> None:
    state = a_local_session_with_a_voeu()
    sent(state, AddOrganiser(organiser="o2", email="bob@example.org"))
    sent(state, follow_up(VoeuStatus.TABLED))
    answer = FollowUpVoeu(
        session="ps1",
        voeu="vo1",
        status=VoeuStatus.ADOPTED,
        date="2027-05-20",
        council="Conseil municipal de Clichy-sous-Bois",
        answer="Adopté à l’unanimité ; 12 bancs en 2028.",
        link="https://www.clichy-sous-bois.fr/deliberations/2027-05-20.pdf",
    )
    [envelope] = sent(state, answer, BOB)
    assert isinstance(envelope.event, VoeuFollowedUp)
    assert (envelope.actor, envelope.event.author) == ("o2", "o2")
    history = state.voeux[("ps1", "vo1")].history
    assert [(h.status, h.date, h.author) for h in history] == [
        (VoeuStatus.TABLED, "2027-04-02", "o1"),
        (VoeuStatus.ADOPTED, "2027-05-20", "o2"),
    ]
    assert history[1].answer.startswith("Adopté")
    assert history[1].at == BOB.now


def test_the_programme_replays_from_its_log_bytes_to_the_same_state() -> None:
    state, log = a_programme()
    log += sent(
        state,
        AddSession(
            session="S1", kind=SessionKind.LOCAL, title="Local", date="2027-03-14", territory="t1"
        ),
    )
    log += sent(
        state,
        CloseProgrammeSession(session="ps1", voeux=(RecordedVoeu(voeu="vo1", text="Des bancs"),)),
    )
    log += sent(state, follow_up(VoeuStatus.TABLED))
    stored = [encode_programme_envelope(e) for e in log]
    replayed = replay_programme(decode_programme_envelope(b) for b in stored)
    assert msgspec.to_builtins(replayed) == msgspec.to_builtins(state)
    assert [e.seq for e in log] == [1, 2, 3, 4]
    assert isinstance(log[1].event, SessionAdded)
    halfway = replay_programme((decode_programme_envelope(b) for b in stored), until=2)
    assert halfway.voeux == {}
    assert list(halfway.sessions) == ["ps1"]
