"""What a session of the programme starts with: its territories, its agenda, and the statements it
imports from the step before, with a provenance key that stays the same along the chain."""

from __future__ import annotations

from pathlib import Path

import msgspec

from session_engine import SessionState, evolve
from session_engine.commands import NewTerritory
from session_engine.logfile import read_log
from session_engine.model import Provenance, RoundKind, StatementKind
from session_engine.programme import (
    AddSession,
    CreateProgramme,
    ProgrammeContext,
    ProgrammeState,
    SessionKind,
)
from session_engine.programme.log import run
from session_engine.programme.steps import imports_for, session_command
from session_engine.report import Report, build_report

DEMO = Path(__file__).resolve().parents[2] / "replays" / "demo-metrokawa-120.mkawa"
CTX = ProgrammeContext(actor="o1", now=0, programme="pg1")


def a_programme() -> ProgrammeState:
    header, envelopes = read_log(DEMO.read_bytes())
    state = SessionState()
    for envelope in envelopes:
        evolve(state, envelope.event)
    territories = tuple(
        NewTerritory(name=t.name, commune=t.commune, qpv=t.qpv) for t in state.territories.values()
    )
    programme = ProgrammeState()
    assert run(programme, CreateProgramme(title="P", territories=territories), CTX)
    metropolitan = AddSession(
        session=header.session, kind=SessionKind.METROPOLITAN, title="M", date="2027-03-14"
    )
    assert run(programme, metropolitan, CTX)
    return programme


def the_demo() -> tuple[Report, SessionState]:
    """The demo session as the metropolitan one: its cahier and its state."""
    header, envelopes = read_log(DEMO.read_bytes())
    state = SessionState()
    for envelope in envelopes:
        evolve(state, envelope.event)
    return build_report(header, envelopes), state


def test_a_local_session_has_its_own_territory_and_ends_on_a_vote() -> None:
    programme = a_programme()
    local = session_command(programme, SessionKind.LOCAL, "t2", "Métrokawa local")
    metropolitan = session_command(programme, SessionKind.METROPOLITAN, None, "Métropolitain")
    assert [t.name for t in local.territories] == [programme.territories["t2"].name]
    assert [t.name for t in metropolitan.territories] == [
        t.name for t in programme.territories.values()
    ]
    assert local.agenda[-1].kind is RoundKind.VOTE
    assert metropolitan.agenda[-1].kind is RoundKind.VOTE


def test_a_local_session_imports_what_the_metropolitan_one_shared_agreed_and_adopted() -> None:
    programme = a_programme()
    report, state = the_demo()
    imports = imports_for(programme, SessionKind.LOCAL, {"ps1": report}, {"ps1": state})
    shared = {s.statement.id for s in report.scopes if s.scope == "shared"}
    agreed = {ref.id for ref in report.consensus}
    adopted = {p.source.id if p.source else p.proposal for p in report.adopted}
    assert shared | agreed | adopted  # the demo has something to import
    keys = [i.provenance.key for i in imports]
    assert sorted(keys) == sorted({f"ps1-{s}" for s in shared | agreed | adopted})
    assert len(keys) == len(set(keys))
    first = imports[0]
    assert first.provenance.source == "Métrokawa métropolitain du 14 mars 2027"
    assert first.provenance.statement == first.provenance.key.removeprefix("ps1-")
    assert first.text == state.statements[first.provenance.statement].text
    ideas = [i for i in imports if i.kind is StatementKind.IDEA]
    assert {i.text for i in ideas} >= {p.text for p in report.adopted}
    # the metropolitan session imports from the online phase, and there is none here
    assert imports_for(programme, SessionKind.METROPOLITAN, {"ps1": report}, {"ps1": state}) == []


def test_a_statement_imported_twice_keeps_the_key_it_was_first_given() -> None:
    programme = a_programme()
    report, state = the_demo()
    cited = report.consensus[0].id
    earlier = Provenance(key="ps0-s3", source="Forum numérique", territories=("La Noue",))
    statement = state.statements[cited]
    state.statements[cited] = msgspec.structs.replace(statement, provenance=earlier)
    imports = imports_for(programme, SessionKind.LOCAL, {"ps1": report}, {"ps1": state})
    assert earlier in [i.provenance for i in imports]
    assert f"ps1-{cited}" not in [i.provenance.key for i in imports]
