"""Step 3 on the organisers' pages: a forum's problems compared across territories, then the
retained ones imported into a metropolitan Métrokawa.

``GET …/seances/{ps}/comparer`` shows the forum's published problems in groups: the facilitator's
last comparison (``ProgrammeSession.comparison``) when there is one, else the groups the French
text similarity proposes (``session_engine.programme.similarity``). Each problem has its group's
number in a field: another number moves it, 0 sets it apart (a split); each group has a box « à
retenir ». ``POST`` records the comparison (``CompareProblems``); below it, the list « partagé par
N territoires / local » and the import of the retained groups into a metropolitan session
(``POST …/importer``: ``compared_imports``, then ``RecordImports``). Server-rendered, no script,
like ``programme_pages``; the rules are the engine's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from session_engine import Rejected, SessionState
from session_engine.model import StatementKind
from session_engine.programme import (
    ComparedGroup,
    CompareProblems,
    ProgrammeSession,
    ProgrammeState,
    RecordImports,
    SessionKind,
)
from session_engine.programme.decide import MAX_COMPARED
from session_engine.programme.similarity import Problem, propose_groups
from session_engine.programme.steps import compared_imports
from session_engine.state import StatementStatus
from session_engine.tallies import Group, tallies
from session_engine.typography import count, plural

from .hub import wall_clock_ms
from .landscape import published_inputs
from .organisers import Organiser
from .programme_pages import hub_of, logged_in, not_found, own, programmes_of, refusal
from .programme_steps import import_statements
from .web import esc, fr, page, read_form
from .web_auth import csrf_refused
from .web_session import check_csrf, csrf_field

__all__ = ["routes"]

# The comparison form: a number a problem, a box and a list of its problems a group, the CSRF.
_MAX_FIELDS: Final = 3 * MAX_COMPARED + 8
_MAX_DIGITS: Final = 6  # a group's number as typed: more is no group of ours


@dataclass(frozen=True)
class _Line:
    """One problem as the page shows it."""

    id: str
    text: str
    territory: str  # its territory's name
    ratings: str  # « 12 avis : 8 d'accord, 2 pas d'accord, 2 sans avis »


@dataclass(frozen=True)
class _Shown:
    """A group on the page: its problems and whether it is retained."""

    lines: tuple[_Line, ...]
    retained: bool

    @property
    def territories(self) -> int:
        return len({line.territory for line in self.lines})


def _forum(request: Request, state: ProgrammeState) -> ProgrammeSession | None:
    session = state.sessions.get(request.path_params["session"])
    return session if session is not None and session.kind is SessionKind.FORUM else None


def _problems(state: SessionState) -> list[str]:
    """The forum's published problems written online (not imported), in the order written."""
    return [
        s.id
        for s in state.statements.values()
        if s.status is StatementStatus.PUBLISHED
        and s.kind is StatementKind.PROBLEM
        and s.provenance is None
    ]


def _said(group: Group) -> str:
    if group.hidden or group.counts is None:
        return "moins de 5 avis"
    counts, passes = group.counts, group.passes or 0
    agree, disagree = counts[3] + counts[4], counts[0] + counts[1]
    return (
        f"{plural(group.voters or 0, 'avis', 'avis')} : {agree} d’accord, "
        f"{disagree} pas d’accord, {counts[2] + passes} sans avis"
    )


def _lines(state: SessionState) -> dict[str, _Line]:
    overall = {t.statement: t.overall for t in tallies(state).statements}
    rated = {statement for _, statement in state.positions}  # « aucun avis » tells no one's
    names = {t.id: t.name for t in state.territories.values()}
    return {
        sid: _Line(
            id=sid,
            text=state.statements[sid].text,
            territory=names.get(state.statements[sid].territory or "", "—"),
            ratings=_said(overall[sid]) if sid in overall and sid in rated else "aucun avis",
        )
        for sid in _problems(state)
    }


def _proposed(state: SessionState) -> list[tuple[list[str], bool]]:
    """What the similarity proposes: groups of problem ids, those of 2 territories or more
    proposed for retention (a local problem stays the local Métrokawa's)."""
    problems = [
        Problem(
            key=sid,
            territory=state.statements[sid].territory or "",
            text=state.statements[sid].text,
        )
        for sid in _problems(state)
    ]
    if not problems:
        return []
    return [(list(g.keys), len(g.territories) > 1) for g in propose_groups(problems)]


def _recorded(forum: ProgrammeSession, known: Sequence[str]) -> list[tuple[list[str], bool]]:
    """The last comparison, on the problems published now: those published since come last,
    each alone, not retained."""
    present = set(known)
    groups = [
        ([s for s in g.statements if s in present], g.retained) for g in forum.comparison or ()
    ]
    placed = {s for ids, _ in groups for s in ids}
    groups += [([s], False) for s in known if s not in placed]
    return [(ids, retained) for ids, retained in groups if ids]


async def _forum_state(request: Request, forum: ProgrammeSession) -> SessionState | None:
    hub = hub_of(request)
    if await hub.session(forum.session) is None:
        return None
    try:  # the published state (never one in the middle of a commit), copied: the forum goes on
        _, state = await published_inputs(await hub.actor(forum.session))
    except TimeoutError:
        return None
    return state


async def _groups(forum: ProgrammeSession, state: SessionState) -> list[_Shown]:
    def work() -> list[_Shown]:
        lines = _lines(state)
        chosen = _recorded(forum, list(lines)) if forum.comparison is not None else _proposed(state)
        return [_Shown(tuple(lines[s] for s in ids), retained) for ids, retained in chosen]

    return await run_in_threadpool(work)  # the similarity of a large forum is seconds of CPU


# --- the page -----------------------------------------------------------------------------------


def _problem_item(line: _Line, number: int) -> str:
    field = f"g-{line.id}"
    return (
        f'<li data-statement="{esc(line.id)}"><p>{fr(f"« {line.text} »")} — '
        f"<strong>{fr(line.territory)}</strong> — {fr(line.ratings)}</p>"
        f'<label for="{esc(field)}">Groupe n°</label>'
        f'<input type="number" id="{esc(field)}" name="{esc(line.id)}" value="{number}" '
        f'min="0" inputmode="numeric" class="number"></li>'
    )


def _scope(group: _Shown) -> str:
    count = group.territories
    return f"partagé par {count} territoires" if count > 1 else "local"


def _group_fieldset(group: _Shown, number: int) -> str:
    checked = " checked" if group.retained else ""
    items = "".join(_problem_item(line, number) for line in group.lines)
    # What the group held on this page: the POST applies the numbers to these, not to the
    # groups of a later state (a problem published or hidden meanwhile would shift them).
    members = " ".join(line.id for line in group.lines)
    return (
        f'<fieldset data-group="{number}">'
        f'<input type="hidden" name="m{number}" value="{esc(members)}"><legend>'
        + fr(f"Groupe {number} — {_scope(group)}")
        + f'</legend><label><input type="checkbox" name="r{number}" value="1"{checked}> '
        + fr("À retenir pour le Métrokawa métropolitain")
        + f"</label><ul>{items}</ul></fieldset>"
    )


def _comparison_form(request: Request, action: str, groups: list[_Shown], recorded: bool) -> str:
    fieldsets = "".join(_group_fieldset(g, n) for n, g in enumerate(groups, start=1))
    origin = (
        "Les groupes enregistrés."
        if recorded
        else "Les groupes proposés par la comparaison des textes : rien n’est encore enregistré."
    )
    return (
        f'<form method="post" action="{esc(action)}" class="stack">{csrf_field(request)}'
        f'<p><strong>{fr(origin)}</strong></p><p class="hint">'
        + fr(
            "Vérifiez chaque groupe. Pour déplacer un problème, écrivez le numéro d’un autre "
            "groupe ; pour le mettre à part, écrivez 0. Cochez les groupes à retenir, puis "
            "enregistrez."
        )
        + f"</p>{fieldsets}<button>Enregistrer la comparaison</button></form>"
    )


def _list(groups: list[_Shown]) -> str:
    """« Partagés par N territoires » then « Locaux », retained ones marked."""
    by_scope: dict[int, list[_Shown]] = {}
    for group in groups:
        by_scope.setdefault(group.territories, []).append(group)
    parts = []
    for territories in sorted(by_scope, reverse=True):
        title = f"Partagés par {territories} territoires" if territories > 1 else "Locaux"
        items = "".join(
            f"<li>{fr(f'« {g.lines[0].text} »')}"
            + (f" ({plural(len(g.lines), 'problème', 'problèmes')})" if len(g.lines) > 1 else "")
            + (" — <strong>retenu</strong>" if g.retained else "")
            + "</li>"
            for g in by_scope[territories]
        )
        parts.append(f"<h3>{fr(title)}</h3><ul>{items}</ul>")
    return (
        '<section aria-labelledby="liste"><h2 id="liste">Liste</h2>' + "".join(parts) + "</section>"
    )


def _import_form(request: Request, state: ProgrammeState, action: str, retained: int) -> str:
    targets = [
        s for s in state.sessions.values() if s.kind is SessionKind.METROPOLITAN and not s.closed
    ]
    if not targets:
        return (
            "<p>"
            + fr(
                "Créez la séance métropolitaine depuis la page du programme : elle reprendra les "
                "problèmes retenus, avec leur provenance et leurs avis en ligne."
            )
            + "</p>"
        )
    options = "".join(f'<option value="{esc(s.id)}">{fr(s.title)}</option>' for s in targets)
    return (
        f'<form method="post" action="{esc(action)}" class="stack">{csrf_field(request)}'
        '<label for="vers">'
        + fr(f"Importer {plural(retained, 'problème retenu', 'problèmes retenus')} dans")
        + f'</label><select id="vers" name="vers">{options}</select>'
        "<button>Importer dans le Métrokawa</button></form>"
    )


def _page(
    request: Request,
    organiser: Organiser,
    state: ProgrammeState,
    forum: ProgrammeSession,
    groups: list[_Shown],
    notice: str = "",
    status: int = 200,
) -> Response:
    base = f"/programmes/{state.id}/seances/{forum.id}"
    recorded = forum.comparison is not None
    body = notice
    if not groups:
        body += "<p>" + fr("Aucun problème publié dans ce forum pour l’instant.") + "</p>"
    else:
        body += _comparison_form(request, f"{base}/comparer", groups, recorded)
        if recorded:
            retained = sum(1 for g in groups if g.retained)
            body += _list(groups) + (
                '<section aria-labelledby="import"><h2 id="import">Vers le Métrokawa</h2>'
                + _import_form(request, state, f"{base}/importer", retained)
                + "</section>"
            )
    body += f'<p><a href="/programmes/{esc(state.id)}">Retour au programme</a></p>'
    title = f"Comparer les problèmes — {forum.title}"
    return page(title, body, request=request, organiser=organiser, status=status)


# --- the endpoints ------------------------------------------------------------------------------


async def _show(request: Request, organiser: Organiser) -> Response:
    state = await own(request, organiser)
    forum = None if state is None else _forum(request, state)
    if state is None or forum is None:
        return not_found(request, organiser)
    forum_state = await _forum_state(request, forum)
    if forum_state is None:
        return not_found(request, organiser)
    if len(_problems(forum_state)) > MAX_COMPARED:
        return _too_many(request, organiser, state, forum)
    return _page(request, organiser, state, forum, await _groups(forum, forum_state))


def _too_many(
    request: Request, organiser: Organiser, state: ProgrammeState, forum: ProgrammeSession
) -> Response:
    """More problems than one comparison holds: said, and nothing computed (the similarity of
    n problems takes n² memory)."""
    most = count(MAX_COMPARED)
    said = (
        f"Ce forum a plus de {most} problèmes publiés : une comparaison en prend {most} au "
        "plus. Masquez ou fusionnez des doublons dans la console d’abord."
    )
    body = (
        f'<p class="refusal" role="alert" data-code="limit_reached">{fr(said)}</p>'
        f'<p><a href="/programmes/{esc(state.id)}">Retour au programme</a></p>'
    )
    title = f"Comparer les problèmes — {forum.title}"
    return page(title, body, request=request, organiser=organiser, status=400)


def _as_shown(form: dict[str, str], published: set[str]) -> list[list[str]]:
    """The groups as the page showed them (``m1``, ``m2``…), keeping only problems still
    published, each once."""
    groups: list[list[str]] = []
    seen: set[str] = set()
    while f"m{len(groups) + 1}" in form and len(groups) < MAX_COMPARED:
        ids = [i for i in form[f"m{len(groups) + 1}"].split() if i in published and i not in seen]
        seen.update(ids)
        groups.append(ids)
    return groups


def _number(typed: str, count: int, own: int) -> int:
    """The group a problem goes to: the number typed (0: alone), its own when it is no number
    of a group on the page."""
    typed = typed.strip()
    if not (typed.isascii() and typed.isdigit() and len(typed) <= _MAX_DIGITS):
        return own
    wanted = int(typed)
    return wanted if wanted <= count else own


def _compared(form: dict[str, str], groups: list[list[str]]) -> tuple[ComparedGroup, ...]:
    """The groups as the form leaves them: each problem in the group whose number it carries
    (its own when the number is missing or unknown), 0 alone; a group retained when ticked."""
    placed: dict[int, list[str]] = {}
    apart: list[str] = []
    for number, ids in enumerate(groups, start=1):
        for sid in ids:
            target = _number(form.get(sid, ""), len(groups), number)
            if target == 0:
                apart.append(sid)
            else:
                placed.setdefault(target, []).append(sid)
    compared = [
        ComparedGroup(statements=tuple(placed[n]), retained=form.get(f"r{n}") == "1")
        for n in sorted(placed)
    ]
    compared += [ComparedGroup(statements=(sid,)) for sid in apart]
    return tuple(compared)


async def _posted(
    request: Request, organiser: Organiser
) -> tuple[ProgrammeState, ProgrammeSession, SessionState, dict[str, str]] | Response:
    state = await own(request, organiser)
    forum = None if state is None else _forum(request, state)
    if state is None or forum is None:
        return not_found(request, organiser)
    form = await read_form(request, max_fields=_MAX_FIELDS)
    if not check_csrf(request, form):
        return csrf_refused(request, organiser)
    forum_state = await _forum_state(request, forum)
    if forum_state is None:
        return not_found(request, organiser)
    return state, forum, forum_state, form


async def _compare(request: Request, organiser: Organiser) -> Response:
    posted = await _posted(request, organiser)
    if isinstance(posted, Response):
        return posted
    state, forum, forum_state, form = posted
    if len(_problems(forum_state)) > MAX_COMPARED:
        return _too_many(request, organiser, state, forum)
    shown = _as_shown(form, set(_problems(forum_state)))
    if not shown:
        groups = await _groups(forum, forum_state)
        return _page(
            request, organiser, state, forum, groups, refusal(Rejected.of("bad_request")), 400
        )
    command = CompareProblems(session=forum.id, groups=_compared(form, shown))
    sent = await programmes_of(request).send(
        state.id, command, organiser=organiser.id, now=wall_clock_ms()
    )
    if isinstance(sent, Rejected):
        groups = await _groups(forum, forum_state)
        return _page(request, organiser, state, forum, groups, refusal(sent), 400)
    return RedirectResponse(f"/programmes/{state.id}/seances/{forum.id}/comparer#liste", 303)


async def _import(request: Request, organiser: Organiser) -> Response:
    posted = await _posted(request, organiser)
    if isinstance(posted, Response):
        return posted
    state, forum, forum_state, form = posted
    target = state.sessions.get(form.get("vers", ""))
    if target is None or target.kind is not SessionKind.METROPOLITAN or target.closed:
        groups = await _groups(forum, forum_state)
        return _page(
            request, organiser, state, forum, groups, refusal(Rejected.of("bad_request")), 400
        )
    hub = hub_of(request)
    record = await hub.session(target.session)
    if record is None:
        return not_found(request, organiser)
    imports = compared_imports(state, forum, forum_state)
    done = await import_statements(hub, record, imports)
    if done:
        recorded = await programmes_of(request).send(
            state.id,
            RecordImports(session=target.id, statements=tuple(done)),
            organiser=organiser.id,
            now=wall_clock_ms(),
        )
        if isinstance(recorded, Rejected):
            groups = await _groups(forum, forum_state)
            return _page(request, organiser, state, forum, groups, refusal(recorded), 400)
    fresh = await programmes_of(request).state(state.id) or state
    groups = await _groups(fresh.sessions[forum.id], forum_state)
    already = len(imports) - len(done)
    said = f"{plural(len(done), 'problème importé', 'problèmes importés')} dans « {target.title} »"
    if already:
        said += f" ; {plural(already, 'y était', 'y étaient')} déjà"
    notice = f'<p class="notice" role="status">{fr(said + ".")}</p>'
    return _page(request, organiser, fresh, fresh.sessions[forum.id], groups, notice)


def routes() -> list[Route]:
    base = "/programmes/{programme}/seances/{session}"
    return [
        Route(f"{base}/comparer", logged_in(_show), methods=["GET"]),
        Route(f"{base}/comparer", logged_in(_compare), methods=["POST"]),
        Route(f"{base}/importer", logged_in(_import), methods=["POST"]),
    ]
