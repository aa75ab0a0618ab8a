"""A programme's cahiers and its publication: what the « Cahiers » and « Publication » parts of
a programme's page do.

The cahiers (``session_engine.report.programme``: the programme's, or one territory's *cahier de
préconisations localisées*) are made from its sessions' logs as they are now, in HTML that
prints to A4 or in PDF (``pdf.cahier_pdf``, WeasyPrint), for the organisers. Publishing a
session hands it to the public archive (``archives.publish_session``: anonymised there), then
records the archive in the programme's log; publishing the programme publishes its cahier made
from the *published* logs only, so that the public cahier says nothing the archives do not.
"""

from __future__ import annotations

import datetime as dt

import msgspec
from starlette.concurrency import run_in_threadpool

from session_engine import Rejected
from session_engine.logfile import read_log
from session_engine.programme import (
    ProgrammeContext,
    ProgrammeSession,
    ProgrammeState,
    PublishProgramme,
    PublishProgrammeSession,
    decide,
)
from session_engine.report import Report, build_report
from session_engine.report.programme import programme_cahier, render_programme_html

from .archives import (
    LINKED_LOG,
    MKAWA,
    ArchiveError,
    ArchiveMeta,
    Archives,
    publish_programme,
    publish_session,
)
from .hub import Hub, wall_clock_ms
from .programme_steps import session_reports
from .programmes import Programmes

__all__ = ["cahier_html", "cahier_pdf_bytes", "publish_programme_of", "publish_session_of"]


async def cahier_html(hub: Hub, programme: ProgrammeState, territory: str | None) -> str:
    """The cahier of the programme (or of ``territory``) from its sessions' logs as they are;
    their states (with the personal keys people gave) measure the opinion shift across them."""
    reports, states = await session_reports(hub, programme)
    return await run_in_threadpool(
        lambda: render_programme_html(
            programme_cahier(programme, reports, territory=territory, states=states)
        )
    )


async def cahier_pdf_bytes(html: str) -> bytes | None:
    """The cahier printed in a process of its own (WeasyPrint would hold the GIL, and live
    sessions' event loop with it, for seconds); ``None`` when printing failed or took too long."""
    from .pdf import PdfError, print_apart

    try:
        return await print_apart(html)
    except PdfError:
        return None


def _meta(programme: ProgrammeState, session: ProgrammeSession | None) -> ArchiveMeta:
    territory = programme.territory_of(session) if session is not None else None
    territories = [territory] if territory else list(programme.territories.values())
    published = [s.date for s in programme.sessions.values() if s.archive]
    dates = published or [dt.date.today().isoformat()]
    return ArchiveMeta(
        title=session.title if session is not None else programme.title,
        programme=programme.title,
        territories=tuple(t.name for t in territories),
        communes=tuple(dict.fromkeys(t.commune for t in territories)),
        date=session.date if session is not None else max(dates),
        themes=(programme.theme,) if programme.theme else (),
        step=session.id if session is not None else None,
    )


def _published_only(programme: ProgrammeState) -> ProgrammeState:
    """The programme as its public archive may tell it: its published sessions and their vœux
    only (a session closed but not published says nothing in public, not even its title)."""
    sessions = {ps: s for ps, s in programme.sessions.items() if s.archive}
    voeux = {key: v for key, v in programme.voeux.items() if key[0] in sessions}
    return msgspec.structs.replace(programme, sessions=sessions, voeux=voeux)


async def publish_session_of(
    app: object,
    programmes: Programmes,
    programme: ProgrammeState,
    session: ProgrammeSession,
    *,
    organiser: str,
) -> str | Rejected:
    """Publish a closed session of the programme: its archive id (the one it has already, when
    it was published before: a second click, or two at once, make no second archive)."""
    async with programmes.publishing(programme.id):
        programme = await programmes.state(programme.id) or programme
        session = programme.sessions.get(session.id, session)
        if not session.closed:
            return Rejected.of("not_closed")
        if session.archive:
            return session.archive
        try:
            archive = await publish_session(app, session.session, _meta(programme, session))
        except ArchiveError as refused:
            return Rejected.of("unknown_session" if refused.code == "not_found" else "bad_request")
        recorded = await programmes.send(
            programme.id,
            PublishProgrammeSession(session=session.id, archive=archive),
            organiser=organiser,
            now=wall_clock_ms(),
        )
        return recorded if isinstance(recorded, Rejected) else archive


async def _published_reports(archives: Archives, programme: ProgrammeState) -> dict[str, Report]:
    reports = {}
    for session in programme.sessions.values():
        # The log before ``unlink`` (its per-territory figures); an archive made before it had
        # none, its served log being that one.
        data = None
        if session.archive:
            data = await archives.file(session.archive, LINKED_LOG)
            data = data or await archives.file(session.archive, MKAWA)
        if data is not None:
            header, envelopes = read_log(data)
            reports[session.id] = await run_in_threadpool(build_report, header, envelopes)
    return reports


async def publish_programme_of(
    app: object, programmes: Programmes, programme: ProgrammeState, *, organiser: str
) -> str | Rejected:
    """Publish the programme: its cahier from the published sessions, and those sessions; once
    published, the same archive made again (sessions published since, the vœux's follow-up)."""
    async with programmes.publishing(programme.id):
        programme = await programmes.state(programme.id) or programme
        members = [s.archive for s in programme.sessions.values() if s.archive]
        refused = decide(
            programme, PublishProgramme(archive="a"), ProgrammeContext(actor=organiser, now=0)
        )
        if isinstance(refused, Rejected):  # before anything is published (nothing_published, …)
            return refused
        archives: Archives = app.state.archives  # type: ignore[attr-defined]
        reports = await _published_reports(archives, programme)
        public = _published_only(programme)
        html = await run_in_threadpool(
            lambda: render_programme_html(programme_cahier(public, reports))
        )
        try:
            archive = await publish_programme(
                app, _meta(programme, None), members, html, replaces=programme.archive
            )
        except ArchiveError:
            return Rejected.of("bad_request")
        recorded = await programmes.send(
            programme.id,
            PublishProgramme(archive=archive),
            organiser=organiser,
            now=wall_clock_ms(),
        )
        return recorded if isinstance(recorded, Rejected) else archive
