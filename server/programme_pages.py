"""The organisers' programme pages: their programmes, a new one, and one programme's page
(territories, sessions by step, vœux and their follow-up, cahiers, publication, colleagues).

Server-rendered HTML forms (``web.page``, no script): each POST checks the CSRF field, then sends
one command to the programme's log (``programmes.Programmes``) or carries out one step on the live
sessions (``programme_steps``); a refusal is the engine's French sentence on the same page. A
programme is shown only to its organisers: anyone else gets the same 404 as for a programme that
does not exist, so its existence is not disclosed either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from session_engine import Rejected
from session_engine.commands import NewTerritory
from session_engine.model import Territory
from session_engine.programme import (
    FOLLOW_UP,
    AddOrganiser,
    AddProgrammeTerritory,
    CreateProgramme,
    FollowUpVoeu,
    ProgrammeCommand,
    ProgrammeSession,
    ProgrammeState,
    SessionKind,
    Voeu,
    VoeuStatus,
)
from session_engine.programme.events import (
    OrganiserAdded,
    ProblemsCompared,
    ProgrammeCreated,
    ProgrammeEvent,
    ProgrammePublished,
    ProgrammeSessionClosed,
    ProgrammeSessionPublished,
    ProgrammeTerritoryAdded,
    SessionAdded,
    StatementsImportedInto,
    VoeuFollowedUp,
)
from session_engine.programme.steps import KIND_NAMES
from session_engine.report import french_date, french_day
from session_engine.report.french import spoken
from session_engine.typography import plural

from .http import REPORT_HEADERS
from .hub import Hub, wall_clock_ms
from .organisers import Organiser
from .programme_publish import (
    cahier_html,
    cahier_pdf_bytes,
    publish_programme_of,
    publish_session_of,
)
from .programme_steps import (
    StepSession,
    close_step_session,
    console_link,
    create_step_session,
)
from .programmes import Programmes
from .web import esc, fr, page, read_form
from .web_auth import csrf_refused
from .web_session import check_csrf, csrf_field, require_organiser

__all__ = [
    "STATUS_NAMES",
    "hub_of",
    "logged_in",
    "not_found",
    "own",
    "programmes_of",
    "refusal",
    "routes",
]

MAX_TERRITORY_ROWS: Final = 12

# A vœu's step at its council, as the pages and the cahier say it.
STATUS_NAMES: Final[dict[VoeuStatus, str]] = {
    VoeuStatus.TO_BE_TABLED: "à déposer",
    VoeuStatus.TABLED: "déposé",
    VoeuStatus.DEBATED: "débattu",
    VoeuStatus.ADOPTED: "adopté",
    VoeuStatus.REJECTED: "rejeté",
    VoeuStatus.POSTPONED: "reporté",
}

Handler = Callable[[Request, Organiser], Awaitable[Response]]


def _today() -> str:
    return dt.date.today().isoformat()


def programmes_of(request: Request) -> Programmes:
    programmes: Programmes = request.app.state.programmes
    return programmes


def hub_of(request: Request) -> Hub:
    hub: Hub = request.app.state.hub
    return hub


def logged_in(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        organiser = await require_organiser(request)
        if isinstance(organiser, RedirectResponse):
            return organiser
        return await handler(request, organiser)

    return endpoint


def not_found(request: Request, organiser: Organiser) -> Response:
    body = (
        '<p class="refusal" role="alert" data-code="not_found">'
        + fr("Ce programme n’existe pas, ou vous n’en êtes pas organisateur·rice.")
        + '</p><p><a href="/programmes">Vos programmes</a></p>'
    )
    return page("Programme introuvable", body, request=request, organiser=organiser, status=404)


async def own(request: Request, organiser: Organiser) -> ProgrammeState | None:
    state = await programmes_of(request).state(request.path_params["programme"])
    if state is None or organiser.id not in state.organisers:
        return None
    return state


def refusal(rejected: Rejected) -> str:
    return (
        f'<p class="refusal" role="alert" data-code="{esc(rejected.code)}">'
        f"{esc(rejected.message)}</p>"
    )


# --- the list and a new programme -----------------------------------------------------------------


async def _list(request: Request, organiser: Organiser) -> Response:
    states = await programmes_of(request).of_organiser(organiser.id)
    items = "".join(
        f'<li><a href="/programmes/{esc(s.id)}">{fr(s.title)}</a> — '
        f"{plural(len(s.territories), 'territoire', 'territoires')}, "
        f"{plural(len(s.sessions), 'séance', 'séances')}</li>"
        for s in states
    )
    body = (
        f"<ul>{items}</ul>" if items else "<p>" + fr("Vous n’avez encore aucun programme.") + "</p>"
    ) + '<p><a href="/programmes/nouveau">Créer un programme</a></p>'
    return page("Vos programmes", body, request=request, organiser=organiser)


def _new_form(request: Request, form: dict[str, str], error: str = "") -> str:
    rows = []
    for i in range(1, 7):
        name, commune = form.get(f"nom{i}", ""), form.get(f"commune{i}", "")
        qpv = " checked" if form.get(f"qpv{i}") else ""
        rows.append(
            f"<fieldset><legend>Territoire {i}</legend>"
            f'<label for="nom{i}">Nom du territoire</label>'
            f'<input type="text" id="nom{i}" name="nom{i}" maxlength="80" value="{esc(name)}">'
            f'<label for="commune{i}">Commune</label>'
            f'<input type="text" id="commune{i}" name="commune{i}" maxlength="120" '
            f'value="{esc(commune)}">'
            f'<label><input type="checkbox" name="qpv{i}" value="1"{qpv}> '
            "Quartier prioritaire (QPV)</label></fieldset>"
        )
    return (
        error
        + f'<form method="post" action="/programmes/nouveau" class="stack">{csrf_field(request)}'
        '<label for="titre">Titre du programme</label>'
        '<input type="text" id="titre" name="titre" required maxlength="200" '
        f'value="{esc(form.get("titre", ""))}">'
        '<label for="theme">Thème</label>'
        '<input type="text" id="theme" name="theme" maxlength="200" '
        f'value="{esc(form.get("theme", ""))}">'
        '<p class="hint">'
        + fr("Jusqu’à six territoires ici ; d’autres s’ajoutent ensuite.")
        + "</p>"
        + "".join(rows)
        + "<button>Créer le programme</button></form>"
    )


async def _new(request: Request, organiser: Organiser) -> Response:
    return page("Nouveau programme", _new_form(request, {}), request=request, organiser=organiser)


async def _create(request: Request, organiser: Organiser) -> Response:
    form = await read_form(request)
    if not check_csrf(request, form):
        return csrf_refused(request, organiser)
    territories = tuple(
        NewTerritory(
            name=form.get(f"nom{i}", ""),
            commune=form.get(f"commune{i}", ""),
            qpv=bool(form.get(f"qpv{i}")),
        )
        for i in range(1, 7)
        if form.get(f"nom{i}", "").strip()
    )
    missing = [
        i
        for i in range(1, 7)
        if form.get(f"nom{i}", "").strip() and not form.get(f"commune{i}", "").strip()
    ]
    if not territories or missing:
        said = (
            f"Territoire {missing[0]} : indiquez sa commune."
            if missing
            else "Indiquez au moins un territoire, avec sa commune."
        )
        refused = f'<p class="refusal" role="alert" data-code="bad_request">{fr(said)}</p>'
        body = _new_form(request, form, refused)
        return page("Nouveau programme", body, request=request, organiser=organiser, status=400)
    command = CreateProgramme(
        title=form.get("titre", ""), theme=form.get("theme", ""), territories=territories
    )
    created = await programmes_of(request).create(
        command, organiser=organiser.id, email=organiser.email, now=wall_clock_ms()
    )
    if isinstance(created, Rejected):
        body = _new_form(request, form, refusal(created))
        return page("Nouveau programme", body, request=request, organiser=organiser, status=400)
    return RedirectResponse(f"/programmes/{created.id}", status_code=303)


# --- one programme ------------------------------------------------------------------------------


def _territories(request: Request, state: ProgrammeState) -> str:
    rows = "".join(
        f'<tr><th scope="row">{fr(t.name)}</th><td>{fr(t.commune)}</td>'
        f"<td>{'QPV' if t.qpv else '—'}</td></tr>"
        for t in state.territories.values()
    )
    return (
        '<section aria-labelledby="territoires"><h2 id="territoires">Territoires</h2>'
        '<table><thead><tr><th scope="col">Territoire</th><th scope="col">Commune</th>'
        '<th scope="col"><abbr title="quartier prioritaire de la politique de la ville">'
        "QPV</abbr></th></tr></thead>"
        f"<tbody>{rows}</tbody></table>{_territory_form(request, state)}</section>"
    )


def _territory_form(request: Request, state: ProgrammeState) -> str:
    return (
        f'<form method="post" action="/programmes/{esc(state.id)}/territoires" class="stack">'
        f"{csrf_field(request)}<h3>Ajouter un territoire</h3>"
        '<label for="nom">Nom du territoire</label>'
        '<input type="text" id="nom" name="nom" required maxlength="80">'
        '<label for="commune">Commune</label>'
        '<input type="text" id="commune" name="commune" required maxlength="120">'
        '<label><input type="checkbox" name="qpv" value="1"> Quartier prioritaire (QPV)</label>'
        "<button>Ajouter le territoire</button></form>"
    )


def _session_status(session: ProgrammeSession) -> str:
    if session.archive:
        return "publiée"
    return "clôturée" if session.closed else "ouverte"


def _post_button(request: Request, action: str, label: str, *, confirm: str = "") -> str:
    """A form of one button; with ``confirm``, a box to tick first (no script to ask)."""
    check = (
        f'<label><input type="checkbox" name="confirme" value="1" required> {fr(confirm)}</label>'
        if confirm
        else ""
    )
    return (
        f'<form method="post" action="{esc(action)}" class="inline">{csrf_field(request)}'
        f"{check}<button>{fr(label)}</button></form>"
    )


def _session_item(request: Request, state: ProgrammeState, session: ProgrammeSession) -> str:
    base = f"/programmes/{state.id}/seances/{session.id}"
    territory = state.territory_of(session)
    where = f" — {fr(territory.name)}" if territory else ""
    actions = []
    if not session.closed:
        actions.append(_post_button(request, f"{base}/console", "Ouvrir la console"))
        actions.append(
            _post_button(
                request,
                f"{base}/cloturer",
                "Clôturer la séance",
                confirm="La séance est finie : ses vœux passent au suivi.",
            )
        )
    elif not session.archive:
        actions.append(_post_button(request, f"{base}/publier", "Publier dans les archives"))
    if session.archive:
        actions.append(f'<a href="/archives/{esc(session.archive)}">Voir l’archive publique</a>')
    actions.append(f'<a href="{esc(base)}/paysage">Paysage des avis</a>')
    if session.kind is SessionKind.FORUM:
        compared = " (enregistrée)" if session.comparison is not None else ""
        actions.append(
            f'<a href="{esc(base)}/comparer">'
            + fr(f"Comparer les problèmes entre territoires{compared}")
            + "</a>"
        )
    imported = len(session.imports)
    imports = f" — {plural(imported, 'énoncé importé', 'énoncés importés')}" if imported else ""
    return (
        f'<li data-session="{esc(session.id)}"><strong>{fr(session.title)}</strong>{where} — '
        f"{esc(french_day(session.date))} — {_session_status(session)}{imports}"
        f'<div class="actions">{"".join(actions)}</div></li>'
    )


def _new_session_form(request: Request, state: ProgrammeState) -> str:
    kinds = "".join(
        f'<option value="{k.value}">{esc(KIND_NAMES[k])}</option>'
        for k in (SessionKind.FORUM, SessionKind.METROPOLITAN, SessionKind.LOCAL)
    )
    territories = '<option value="">— (forum ou séance métropolitaine)</option>' + "".join(
        f'<option value="{esc(t.id)}">{fr(t.name)} ({fr(t.commune)})</option>'
        for t in state.territories.values()
    )
    today = _today()
    return (
        f'<form method="post" action="/programmes/{esc(state.id)}/seances" class="stack">'
        f"{csrf_field(request)}<h3>Créer une séance</h3>"
        f'<label for="kind">Étape</label><select id="kind" name="kind">{kinds}</select>'
        '<label for="territory">Territoire (séance locale)</label>'
        f'<select id="territory" name="territory">{territories}</select>'
        '<label for="title">Titre</label>'
        '<input type="text" id="title" name="title" required maxlength="200">'
        '<label for="date">Date</label>'
        f'<input type="date" id="date" name="date" required value="{today}">'
        '<p class="hint">'
        + fr(
            "Le forum numérique reste ouvert des jours ou des semaines, sans tables ni manches : "
            "chaque territoire y nomme ses problèmes. La séance métropolitaine reprend les "
            "problèmes retenus en comparant les territoires ; une séance locale reprend les "
            "problèmes partagés et les propositions adoptées des séances métropolitaines, avec "
            "leur provenance."
        )
        + "</p><button>Créer la séance</button></form>"
    )


def _sessions(request: Request, state: ProgrammeState) -> str:
    parts = []
    for kind in (SessionKind.FORUM, SessionKind.METROPOLITAN, SessionKind.LOCAL):
        sessions = [s for s in state.sessions.values() if s.kind is kind]
        if sessions:
            items = "".join(_session_item(request, state, s) for s in sessions)
            parts.append(f"<h3>{esc(KIND_NAMES[kind])}</h3><ul>{items}</ul>")
    listed = "".join(parts) or "<p>" + fr("Aucune séance pour l’instant.") + "</p>"
    return (
        '<section aria-labelledby="seances"><h2 id="seances">Séances</h2>'
        f"{listed}{_new_session_form(request, state)}</section>"
    )


def _council(state: ProgrammeState, voeu: Voeu) -> str:
    territory = state.territories.get(voeu.territory or "")
    return f"Conseil municipal de {territory.commune}" if territory else ""


def _voeu_history(state: ProgrammeState, voeu: Voeu) -> str:
    steps = []
    for step in voeu.history:
        line = f"{STATUS_NAMES[step.status]} le {french_day(step.date)}"
        if step.council:
            line += f" ({step.council})"
        author = state.organisers.get(step.author)
        if author:
            line += f", noté par {author}"
        answer = f"<br>{fr('Réponse : ' + step.answer)}" if step.answer else ""
        link = (
            f'<br><a href="{esc(step.link)}" rel="noopener noreferrer">Réponse publiée</a>'
            if step.link
            else ""
        )
        steps.append(f"<li>{fr(line)}{answer}{link}</li>")
    return f"<ol>{''.join(steps)}</ol>" if steps else ""


def _voeu_form(request: Request, state: ProgrammeState, voeu: Voeu) -> str:
    nexts = [s for s in VoeuStatus if s in FOLLOW_UP[voeu.status]]
    if not nexts:
        return ""
    key = f"{voeu.session}-{voeu.voeu}"
    options = "".join(f'<option value="{s.value}">{STATUS_NAMES[s]}</option>' for s in nexts)
    return (
        f'<form method="post" class="stack" '
        f'action="/programmes/{esc(state.id)}/voeux/{esc(voeu.session)}/{esc(voeu.voeu)}">'
        f"{csrf_field(request)}"
        f'<label for="status-{key}">Nouvelle étape</label>'
        f'<select id="status-{key}" name="status">{options}</select>'
        f'<label for="date-{key}">Date</label>'
        f'<input type="date" id="date-{key}" name="date" required value="{_today()}">'
        f'<label for="council-{key}">Conseil</label>'
        f'<input type="text" id="council-{key}" name="council" maxlength="160" '
        f'value="{esc(_council(state, voeu))}">'
        f'<label for="answer-{key}">Réponse du conseil</label>'
        f'<textarea id="answer-{key}" name="answer" maxlength="4000" rows="3"></textarea>'
        f'<label for="link-{key}">Lien vers la réponse (délibération, PDF)</label>'
        f'<input type="url" id="link-{key}" name="link" maxlength="500" placeholder="https://">'
        "<button>Enregistrer l’étape</button></form>"
    )


def _voeux(request: Request, state: ProgrammeState) -> str:
    if not state.voeux:
        return (
            '<section aria-labelledby="voeux"><h2 id="voeux">Vœux et suites</h2><p>'
            + fr("Les vœux adoptés apparaissent ici quand leur séance est clôturée.")
            + "</p></section>"
        )
    by_territory: dict[str, list[Voeu]] = {}
    for voeu in state.voeux.values():
        by_territory.setdefault(voeu.territory or "", []).append(voeu)
    parts = []
    for territory_id, voeux in by_territory.items():
        territory = state.territories.get(territory_id)
        name = territory.name if territory else "Métropole"
        items = "".join(
            f'<li data-voeu="{esc(v.session)}-{esc(v.voeu)}"><p><strong>{fr(v.text)}</strong> — '
            f'<span class="status">{STATUS_NAMES[v.status]}</span></p>'
            f"{_voeu_history(state, v)}{_voeu_form(request, state, v)}</li>"
            for v in voeux
        )
        parts.append(f"<h3>{fr(name)}</h3><ul>{items}</ul>")
    return (
        '<section aria-labelledby="voeux"><h2 id="voeux">Vœux et suites</h2>'
        f"{''.join(parts)}</section>"
    )


def _cahiers(state: ProgrammeState) -> str:
    base = f"/programmes/{esc(state.id)}/cahier"
    items = [
        f'<li>Cahier du programme\u00a0: <a href="{base}">page</a>, '
        f'<a href="{base}.pdf">PDF</a></li>'
    ]
    items += [
        f'<li>{fr(t.name)}\u00a0: <a href="{base}?territoire={esc(t.id)}">page</a>, '
        f'<a href="{base}.pdf?territoire={esc(t.id)}">PDF</a></li>'
        for t in state.territories.values()
    ]
    return (
        '<section aria-labelledby="cahiers"><h2 id="cahiers">Cahiers de préconisations</h2>'
        f"<ul>{''.join(items)}</ul></section>"
    )


def _publication(request: Request, state: ProgrammeState) -> str:
    if state.archive:
        archive = f'<a href="/archives/{esc(state.archive)}">archive publique du programme</a>'
        done = (
            f"<p>{fr('Publié :')} {archive}</p><p>"
            + fr(
                "La mettre à jour y ajoute les séances publiées depuis et l’état des vœux "
                "aujourd’hui ; son adresse ne change pas."
            )
            + "</p>"
            + _post_button(request, f"/programmes/{state.id}/publier", "Mettre à jour l’archive")
        )
    else:
        done = (
            "<p>"
            + fr(
                "Publier le programme met dans les archives publiques son cahier et ses "
                "séances publiées, anonymisés."
            )
            + "</p>"
            + _post_button(request, f"/programmes/{state.id}/publier", "Publier le programme")
        )
    return (
        '<section aria-labelledby="publication"><h2 id="publication">Publication</h2>'
        f"{done}</section>"
    )


def _organisers(request: Request, state: ProgrammeState) -> str:
    emails = "".join(f"<li>{esc(e)}</li>" for e in state.organisers.values() if e)
    return (
        '<section aria-labelledby="organisateurs"><h2 id="organisateurs">Organisateurs</h2>'
        f"<ul>{emails}</ul>"
        f'<form method="post" action="/programmes/{esc(state.id)}/organisateurs" class="stack">'
        f'{csrf_field(request)}<label for="email">Adresse d’un·e collègue (déjà inscrit·e)</label>'
        '<input type="email" id="email" name="email" required maxlength="254" autocomplete="off">'
        "<button>Ajouter au programme</button></form></section>"
    )


def _programme_page(
    request: Request,
    organiser: Organiser,
    state: ProgrammeState,
    notice: str = "",
    status: int = 200,
) -> Response:
    theme = f"<p>Thème\u00a0: {fr(state.theme)}</p>" if state.theme else ""
    body = (
        notice
        + theme
        + _territories(request, state)
        + _sessions(request, state)
        + _voeux(request, state)
        + _cahiers(state)
        + _publication(request, state)
        + _organisers(request, state)
        + f'<p><a href="/programmes/{esc(state.id)}/journal">'
        + fr("Journal du programme : qui a fait quoi, et quand")
        + "</a></p>"
    )
    return page(state.title, body, request=request, organiser=organiser, status=status)


def _what(event: ProgrammeEvent, state: ProgrammeState) -> str:
    """One line of the programme's journal, in words."""

    def session(ps: str) -> str:
        found = state.sessions.get(ps)
        return f"« {found.title} »" if found else ps

    match event:
        case ProgrammeCreated():
            return (
                f"programme créé avec {plural(len(event.territories), 'territoire', 'territoires')}"
            )
        case ProgrammeTerritoryAdded():
            return f"territoire ajouté : {event.territory.name} ({event.territory.commune})"
        case OrganiserAdded():
            return f"organisateur·rice ajouté·e : {event.email}"
        case SessionAdded():
            kind, day = KIND_NAMES[event.kind], french_day(event.date)
            return f"séance créée : « {event.title} » ({kind}, {day})"
        case StatementsImportedInto():
            imported = plural(len(event.statements), "énoncé importé", "énoncés importés")
            return f"{imported} dans {session(event.session)}"
        case ProblemsCompared():
            retained = sum(1 for group in event.groups if group.retained)
            groups = plural(len(event.groups), "groupe", "groupes")
            kept = plural(retained, "retenu", "retenus")
            return f"problèmes de {session(event.session)} comparés : {groups}, {kept}"
        case ProgrammeSessionClosed():
            voeux = plural(len(event.voeux), "vœu", "vœux")
            return f"séance {session(event.session)} clôturée, {voeux} au suivi"
        case VoeuFollowedUp():
            step = f"{STATUS_NAMES[event.status]} le {french_day(event.date)}"
            return f"vœu {spoken(event.voeu)} de {session(event.session)} : {step}"
        case ProgrammeSessionPublished():
            return f"séance {session(event.session)} publiée dans les archives"
        case ProgrammePublished():
            return "programme publié (ou son archive mise à jour)"
    return type(event).__name__


async def _journal(request: Request, organiser: Organiser) -> Response:
    """GET /programmes/{id}/journal: every event of the programme's log, oldest first."""
    state = await own(request, organiser)
    if state is None:
        return not_found(request, organiser)
    rows = "".join(
        f"<tr><td>{e.seq}</td><td>{esc(french_date(e.at))}</td>"
        f"<td>{esc(state.organisers.get(e.actor) or e.actor)}</td>"
        f"<td>{fr(_what(e.event, state))}</td></tr>"
        for e in await programmes_of(request).log(state.id)
    )
    body = (
        f'<p><a href="/programmes/{esc(state.id)}">Retour au programme</a></p>'
        '<table><thead><tr><th scope="col">N°</th><th scope="col">Quand</th>'
        '<th scope="col">Qui</th><th scope="col">Quoi</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
    )
    return page(f"Journal : {state.title}", body, request=request, organiser=organiser)


async def _show(request: Request, organiser: Organiser) -> Response:
    state = await own(request, organiser)
    if state is None:
        return not_found(request, organiser)
    return _programme_page(request, organiser, state)


async def _posted(
    request: Request, organiser: Organiser
) -> tuple[ProgrammeState, dict[str, str]] | Response:
    """The programme of a POST and its form, or the refusal to answer (404, CSRF)."""
    state = await own(request, organiser)
    if state is None:
        return not_found(request, organiser)
    form = await read_form(request)
    if not check_csrf(request, form):
        return csrf_refused(request, organiser)
    return state, form


async def _send(
    request: Request, organiser: Organiser, state: ProgrammeState, command: ProgrammeCommand
) -> Response:
    sent = await programmes_of(request).send(
        state.id, command, organiser=organiser.id, now=wall_clock_ms()
    )
    if isinstance(sent, Rejected):
        fresh = await programmes_of(request).state(state.id) or state
        return _programme_page(request, organiser, fresh, refusal(sent), status=400)
    return RedirectResponse(f"/programmes/{state.id}", status_code=303)


async def _create_session(request: Request, organiser: Organiser) -> Response:
    posted = await _posted(request, organiser)
    if isinstance(posted, Response):
        return posted
    state, form = posted
    kinds = {k.value: k for k in SessionKind}
    kind = kinds.get(form.get("kind", ""))
    if kind is None:
        return _programme_page(request, organiser, state, refusal(Rejected.of("bad_request")), 400)
    territory = form.get("territory") or None
    created = await create_step_session(
        hub_of(request),
        programmes_of(request),
        state,
        organiser=organiser.id,
        kind=kind,
        territory=territory if kind is SessionKind.LOCAL else None,
        title=form.get("title", ""),
        date=form.get("date", ""),
    )
    if isinstance(created, Rejected):
        return _programme_page(request, organiser, state, refusal(created), 400)
    record = created.record
    if kind is SessionKind.FORUM:
        return _forum_created(request, organiser, state, created)
    console = f"/f/{record.id}#token={created.token}"
    imported = created.imported
    body = (
        '<p class="notice">'
        + fr(
            f"La séance est créée avec {plural(imported, 'énoncé importé', 'énoncés importés')}"
            ", chacun avec sa provenance."
            if imported
            else "La séance est créée, sans énoncé importé : aucune étape précédente n’en a retenu."
        )
        + "</p><p>"
        + fr(
            "Le lien d’animation n’est montré qu’une fois ; la page du programme en redonne "
            "un à tout moment."
        )
        + f'</p><p><a id="console" href="{esc(console)}">Ouvrir la console</a></p>'
        f'<p>Code pour rejoindre\u00a0: <strong id="code">{esc(record.code)}</strong></p>'
        f'<p><a href="/p/{esc(record.id)}">Écran de projection</a> · '
        f'<a href="/programmes/{esc(state.id)}">Retour au programme</a></p>'
    )
    return page(f"Séance créée : {record.title}", body, request=request, organiser=organiser)


def _forum_created(
    request: Request, organiser: Organiser, state: ProgrammeState, created: StepSession
) -> Response:
    """The forum is open: its console, and a link and a QR code per territory for the flyers."""
    record = created.record
    base = str(request.base_url).rstrip("/")
    links = "".join(
        f"<li><strong>{fr(t.name)}</strong> ({fr(t.commune)}) : "
        f'<span class="link">{esc(base)}/j/{esc(record.code)}?territoire={esc(tid)}</span> — '
        f'<a href="/api/sessions/{esc(record.id)}/qr?territoire={esc(tid)}">code QR</a></li>'
        for tid, t in _live_territories(state)
    )
    body = (
        '<p class="notice">'
        + fr("Le forum numérique est ouvert : chacun y écrit quand il veut, jusqu’à sa clôture.")
        + "</p><p>"
        + fr(
            "Le lien d’animation n’est montré qu’une fois ; la page du programme en redonne "
            "un à tout moment. Les contributions attendent votre publication dans la console."
        )
        + f'</p><p><a id="console" href="/f/{esc(record.id)}#token={esc(created.token)}">'
        "Ouvrir la console</a></p>"
        f'<p>Code pour rejoindre : <strong id="code">{esc(record.code)}</strong></p>'
        f"<h2>{fr('Un lien par territoire (pour les affiches et les flyers)')}</h2><ul>{links}</ul>"
        f'<p><a href="/programmes/{esc(state.id)}">Retour au programme</a></p>'
    )
    return page(f"Forum ouvert : {record.title}", body, request=request, organiser=organiser)


def _live_territories(state: ProgrammeState) -> list[tuple[str, Territory]]:
    """The forum's territory ids: it was created with every territory of the programme, in
    order, and a session numbers its territories t1, t2… as given."""
    return [(f"t{n}", t) for n, t in enumerate(state.territories.values(), start=1)]


def _session_of(request: Request, state: ProgrammeState) -> ProgrammeSession | None:
    return state.sessions.get(request.path_params["session"])


async def _session_action(
    request: Request,
    organiser: Organiser,
    action: Callable[[ProgrammeState, ProgrammeSession], Awaitable[object]],
    anchor: str,
    *,
    confirmed: bool = False,
) -> Response:
    """A POST on one session of the programme: ``action`` carried out, then back to the
    programme's page (or the page again with the refusal). With ``confirmed``, only when the
    form's box was ticked (the browser asks too, but a form is not trusted)."""
    posted = await _posted(request, organiser)
    if isinstance(posted, Response):
        return posted
    state, form = posted
    session = _session_of(request, state)
    if session is None:
        return not_found(request, organiser)
    if confirmed and form.get("confirme") != "1":
        refused = (
            '<p class="refusal" role="alert" data-code="not_confirmed">'
            + fr("Cochez la case pour confirmer : rien n’a été changé.")
            + "</p>"
        )
        return _programme_page(request, organiser, state, refused, 400)
    done = await action(state, session)
    if isinstance(done, Rejected):
        return _programme_page(request, organiser, state, refusal(done), 400)
    if isinstance(done, Response):
        return done
    return RedirectResponse(f"/programmes/{state.id}#{anchor}", status_code=303)


async def _console(request: Request, organiser: Organiser) -> Response:
    async def give(state: ProgrammeState, session: ProgrammeSession) -> object:
        given = await console_link(hub_of(request), session, organiser.email)
        if isinstance(given, Rejected):
            return given
        # The token travels in the fragment (kept across the redirect, never sent to a server).
        return RedirectResponse(f"/f/{given.record.id}#token={given.token}", status_code=303)

    return await _session_action(request, organiser, give, "seances")


async def _close(request: Request, organiser: Organiser) -> Response:
    async def close(state: ProgrammeState, session: ProgrammeSession) -> object:
        hub, programmes = hub_of(request), programmes_of(request)
        return await close_step_session(hub, programmes, state, session, organiser=organiser.id)

    return await _session_action(request, organiser, close, "seances", confirmed=True)


async def _follow_up(request: Request, organiser: Organiser) -> Response:
    posted = await _posted(request, organiser)
    if isinstance(posted, Response):
        return posted
    state, form = posted
    try:
        status = VoeuStatus(form.get("status", ""))
    except ValueError:
        return _programme_page(request, organiser, state, refusal(Rejected.of("bad_request")), 400)
    command = FollowUpVoeu(
        session=request.path_params["session"],
        voeu=request.path_params["voeu"],
        status=status,
        date=form.get("date", ""),
        council=form.get("council", ""),
        answer=form.get("answer", ""),
        link=form.get("link", ""),
    )
    return await _send(request, organiser, state, command)


async def _add_organiser(request: Request, organiser: Organiser) -> Response:
    posted = await _posted(request, organiser)
    if isinstance(posted, Response):
        return posted
    state, form = posted
    colleague = await request.app.state.web_auth.organisers.by_email(form.get("email", ""))
    if colleague is None:
        refused = (
            '<p class="refusal" role="alert" data-code="unknown_organiser">'
            + fr(
                "Aucun compte d’organisateur·rice n’a cette adresse : invitez d’abord "
                "cette personne (menu « Inviter un·e collègue »)."
            )
            + "</p>"
        )
        return _programme_page(request, organiser, state, refused, 400)
    return await _send(
        request, organiser, state, AddOrganiser(organiser=colleague.id, email=colleague.email)
    )


async def _add_territory(request: Request, organiser: Organiser) -> Response:
    posted = await _posted(request, organiser)
    if isinstance(posted, Response):
        return posted
    state, form = posted
    command = AddProgrammeTerritory(
        name=form.get("nom", ""), commune=form.get("commune", ""), qpv=bool(form.get("qpv"))
    )
    return await _send(request, organiser, state, command)


async def _publish_session(request: Request, organiser: Organiser) -> Response:
    async def publish(state: ProgrammeState, session: ProgrammeSession) -> object:
        programmes = programmes_of(request)
        return await publish_session_of(
            request.app, programmes, state, session, organiser=organiser.id
        )

    return await _session_action(request, organiser, publish, "seances")


async def _publish_programme(request: Request, organiser: Organiser) -> Response:
    posted = await _posted(request, organiser)
    if isinstance(posted, Response):
        return posted
    state, _ = posted
    published = await publish_programme_of(
        request.app, programmes_of(request), state, organiser=organiser.id
    )
    if isinstance(published, Rejected):
        return _programme_page(request, organiser, state, refusal(published), 400)
    return RedirectResponse(f"/programmes/{state.id}#publication", status_code=303)


async def _cahier(request: Request, organiser: Organiser) -> Response:
    """GET /programmes/{id}/cahier[.pdf]?territoire=t3: the programme's cahier, or a
    territory's, as its sessions' logs are now (organisers only)."""
    state = await own(request, organiser)
    if state is None:
        return not_found(request, organiser)
    territory = request.query_params.get("territoire") or None
    if territory is not None and territory not in state.territories:
        return _programme_page(
            request, organiser, state, refusal(Rejected.of("unknown_territory")), 404
        )
    html = await cahier_html(hub_of(request), state, territory)
    name = f"cahier-{state.id}{'-' + territory if territory else ''}"
    if request.url.path.endswith(".pdf"):
        pdf = await cahier_pdf_bytes(html)
        if pdf is None:
            refused = (
                '<p class="refusal" role="alert" data-code="pdf_failed">'
                + fr(
                    "Le PDF n’a pas pu être fabriqué à temps : réessayez dans un moment, ou "
                    "imprimez la page du cahier en PDF depuis le navigateur."
                )
                + "</p>"
            )
            return _programme_page(request, organiser, state, refused, 503)
        headers = {"Content-Disposition": f'inline; filename="{name}.pdf"'}
        return Response(pdf, media_type="application/pdf", headers=headers)
    # A standalone page of participants' texts: nothing in it may run, fetch or be framed.
    headers = {**REPORT_HEADERS, "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)


def routes() -> list[Route]:
    return [
        Route("/programmes", logged_in(_list), methods=["GET"]),
        Route("/programmes/nouveau", logged_in(_new), methods=["GET"]),
        Route("/programmes/nouveau", logged_in(_create), methods=["POST"]),
        Route("/programmes/{programme}", logged_in(_show), methods=["GET"]),
        Route("/programmes/{programme}/seances", logged_in(_create_session), methods=["POST"]),
        Route(
            "/programmes/{programme}/seances/{session}/console",
            logged_in(_console),
            methods=["POST"],
        ),
        Route(
            "/programmes/{programme}/seances/{session}/cloturer",
            logged_in(_close),
            methods=["POST"],
        ),
        Route(
            "/programmes/{programme}/voeux/{session}/{voeu}",
            logged_in(_follow_up),
            methods=["POST"],
        ),
        Route("/programmes/{programme}/organisateurs", logged_in(_add_organiser), methods=["POST"]),
        Route(
            "/programmes/{programme}/seances/{session}/publier",
            logged_in(_publish_session),
            methods=["POST"],
        ),
        Route("/programmes/{programme}/publier", logged_in(_publish_programme), methods=["POST"]),
        Route("/programmes/{programme}/territoires", logged_in(_add_territory), methods=["POST"]),
        Route("/programmes/{programme}/cahier", logged_in(_cahier), methods=["GET"]),
        Route("/programmes/{programme}/journal", logged_in(_journal), methods=["GET"]),
        Route("/programmes/{programme}/cahier.pdf", logged_in(_cahier), methods=["GET"]),
    ]
