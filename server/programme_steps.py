"""What an organiser's click does to the live sessions of a programme: create a step's session
(its territories, agenda and imported statements), give the organiser a console, close it and
record its vœux, publish it. The rules (which territories, which imports, which provenance) are
the engine's (``session_engine.programme.steps``); this module only carries them out through the
hub, the store and the programme's log.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool

from session_engine import Rejected, Role, SessionState, decode_envelope, evolve
from session_engine.codec import Envelope
from session_engine.commands import CloseSession, ImportStatement
from session_engine.logfile import LogHeader
from session_engine.programme import (
    AddSession,
    CloseProgrammeSession,
    ImportedStatement,
    ProgrammeContext,
    ProgrammeSession,
    ProgrammeState,
    RecordedVoeu,
    RecordImports,
    SessionKind,
    decide,
)
from session_engine.programme.events import SessionAdded
from session_engine.programme.steps import imports_for, session_command
from session_engine.report import Report, build_report

from .hub import Hub, wall_clock_ms
from .local import GivenLink, give_link
from .programmes import Programmes
from .store import SessionRecord

__all__ = [
    "StepSession",
    "close_step_session",
    "console_link",
    "create_step_session",
    "import_statements",
    "session_log",
    "session_reports",
]


@dataclass(frozen=True)
class StepSession:
    programme_session: str  # ps3
    record: SessionRecord
    token: str  # the facilitator's, shown once
    imported: int


async def session_log(hub: Hub, record: SessionRecord) -> tuple[LogHeader, list[Envelope]]:
    records = await hub.store.read(record.id)
    header = LogHeader(session=record.id, title=record.title, created_at=record.created_at)
    return header, [decode_envelope(r) for r in records]


async def session_reports(
    hub: Hub, programme: ProgrammeState
) -> tuple[dict[str, Report], dict[str, SessionState]]:
    """Every session of the programme as its cahier and its state say now."""
    reports: dict[str, Report] = {}
    states: dict[str, SessionState] = {}
    for session in programme.sessions.values():
        record = await hub.session(session.session)
        if record is None:
            continue
        header, envelopes = await session_log(hub, record)

        def work(
            header: LogHeader = header, envelopes: list[Envelope] = envelopes
        ) -> tuple[Report, SessionState]:
            state = SessionState()
            for envelope in envelopes:
                evolve(state, envelope.event)
            return build_report(header, envelopes), state

        reports[session.id], states[session.id] = await run_in_threadpool(work)
    return reports, states


async def create_step_session(
    hub: Hub,
    programmes: Programmes,
    programme: ProgrammeState,
    *,
    organiser: str,
    kind: SessionKind,
    territory: str | None,
    title: str,
    date: str,
) -> StepSession | Rejected:
    """A live session for a step of the programme, recorded in the programme's log with the
    statements it imported (by provenance key)."""
    planned = AddSession(session="pending", kind=kind, title=title, date=date, territory=territory)
    check = decide(programme, planned, ProgrammeContext(actor=organiser, now=wall_clock_ms()))
    if isinstance(check, Rejected):  # refused before a live session exists
        return check
    reports, states = await session_reports(hub, programme)
    imports = imports_for(programme, kind, reports, states)
    created = await hub.create(session_command(programme, kind, territory, title))
    if isinstance(created, Rejected):
        return created
    record = created.record
    added = await programmes.send(
        programme.id,
        AddSession(session=record.id, kind=kind, title=title, date=date, territory=territory),
        organiser=organiser,
        now=wall_clock_ms(),
    )
    if isinstance(added, Rejected):
        return added
    event = added[0].event
    assert isinstance(event, SessionAdded)  # the one event AddSession makes
    ps = event.id
    imported = await import_statements(hub, record, imports)
    if imported:
        recorded = await programmes.send(
            programme.id,
            RecordImports(session=ps, statements=tuple(imported)),
            organiser=organiser,
            now=wall_clock_ms(),
        )
        if isinstance(recorded, Rejected):
            return recorded
    return StepSession(ps, record, created.token, len(imported))


async def import_statements(
    hub: Hub, record: SessionRecord, imports: list[ImportStatement]
) -> list[ImportedStatement]:
    """Import each statement the session does not hold yet; what was imported, by key. A key
    already there is skipped before it is sent: its command id would be taken for a retry."""
    actor = await hub.actor(record.id)
    done = []
    for command in imports:
        held = (s.provenance for s in actor.state.statements.values() if s.provenance)
        if any(p.key == command.provenance.key for p in held):
            continue
        answer = await actor.submit(
            command,
            role=Role.FACILITATOR,
            actor="facilitator",
            cmd=f"import-{command.provenance.key}",
        )
        if answer.code is not None:
            continue  # the engine refused it (a duplicate key): nothing was imported
        statement = next(
            s.id
            for s in reversed(actor.state.statements.values())
            if getattr(s, "provenance", None) == command.provenance
        )
        done.append(ImportedStatement(key=command.provenance.key, statement=statement))
    return done


async def console_link(hub: Hub, session: ProgrammeSession, email: str) -> GivenLink | Rejected:
    """A console for the organiser: a new co-facilitator link labelled with their address,
    recorded in the session's log like any other (and revocable from the console)."""
    record = await hub.session(session.session)
    if record is None:
        return Rejected.of("unknown_session")
    return await give_link(
        hub.store, record, wall_clock_ms(), label=f"Organisation\u00a0: {email}"[:40]
    )


async def close_step_session(
    hub: Hub,
    programmes: Programmes,
    programme: ProgrammeState,
    session: ProgrammeSession,
    *,
    organiser: str,
) -> list[object] | Rejected:
    """Close the live session (if the facilitator has not) and start its vœux's follow-up."""
    actor = await hub.actor(session.session)
    if not actor.state.closed:
        answer = await actor.submit(
            CloseSession(),
            role=Role.FACILITATOR,
            actor="facilitator",
            cmd=f"close-{secrets.token_hex(4)}",
        )
        if answer.code is not None and answer.code != "session_closed":
            return Rejected.of(answer.code)
    voeux = tuple(RecordedVoeu(voeu=v.id, text=v.text) for v in actor.state.voeux.values())
    outcome = await programmes.send(
        programme.id,
        CloseProgrammeSession(session=session.id, voeux=voeux),
        organiser=organiser,
        now=wall_clock_ms(),
    )
    return outcome if isinstance(outcome, Rejected) else list(outcome)
