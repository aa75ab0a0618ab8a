"""The organisers' page of a session's opinion landscape: ``GET …/seances/{ps}/paysage``.

The Pol.is view of the online phase for the whole programme and for each of its territories, one
section each: the opinion groups with their representative statements, and what a large majority
agrees or disagrees with (``session_engine.opinions.landscape``, under k-anonymity: a territory's
figures are those its tallies could show). Server-rendered, no script, computed off the event
loop from the live state copied at one seq, which the page states (the replay of the log to that
seq gives the same page). The residents see the same landscape through
``/api/sessions/{id}/paysage`` (``server/landscape``).
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from session_engine import SessionState
from session_engine.opinions import Landscape, landscape
from session_engine.opinions.landscape import ConsensusStatement, LandscapeGroup
from session_engine.opinions.results import Direction
from session_engine.typography import plural

from .landscape import published_inputs
from .organisers import Organiser
from .programme_pages import hub_of, logged_in, not_found, own
from .web import esc, fr, page

__all__ = ["routes"]


def _percent(share: float) -> str:
    return f"{round(share * 100)}\u00a0%"


def _quote(scape: Landscape, statement: str) -> str:
    return f"« {scape.statements.get(statement, statement)} »"


def _group(scape: Landscape, group: LandscapeGroup) -> str:
    size = (
        plural(group.size, "personne", "personnes")
        if group.size is not None
        else f"moins de {scape.k} personnes"
    )
    lines = "".join(
        "<li>"
        + fr(
            f"{_quote(scape, r.statement)} — "
            + ("d’accord" if r.stance is Direction.AGREE else "pas d’accord")
            + f" à {_percent(r.share)} (les autres\u00a0: {_percent(r.rest_share)})"
        )
        + "</li>"
        for r in group.representative
    )
    return (
        f'<li data-group="{esc(group.id)}"><strong>'
        + fr(f"Groupe {group.id} — {size}")
        + f"</strong><ul>{lines}</ul></li>"
    )


def _consensus(scape: Landscape, title: str, lines: tuple[ConsensusStatement, ...]) -> str:
    if not lines:
        return ""
    items = "".join(
        "<li>" + fr(f"{_quote(scape, c.statement)} — {_percent(c.share)} sur {c.voters}") + "</li>"
        for c in lines
    )
    return f"<h4>{fr(title)}</h4><ul>{items}</ul>"


def _section(scape: Landscape, title: str, anchor: str) -> str:
    people = plural(
        scape.participants, "personne a donné son avis", "personnes ont donné leur avis"
    )
    if scape.groups:
        groups = (
            "<h4>"
            + fr("Groupes d’opinion")
            + "</h4><ul>"
            + "".join(_group(scape, g) for g in scape.groups)
            + "</ul>"
        )
    else:
        groups = "<p>" + fr("Pas encore assez d’avis pour former des groupes d’opinion.") + "</p>"
    consensus = _consensus(scape, "Large accord", scape.consensus.agree) + _consensus(
        scape, "Large désaccord", scape.consensus.disagree
    )
    return (
        f'<section aria-labelledby="{esc(anchor)}"><h3 id="{esc(anchor)}">{fr(title)}</h3>'
        f"<p>{fr(people)}.</p>{groups}{consensus}</section>"
    )


def _landscapes(state: SessionState) -> list[tuple[str, str, Landscape]]:
    """(title, anchor, landscape): everyone, then each territory in order."""
    scapes = [("Tout le forum", "tous", landscape(state))]
    for territory in state.territories.values():
        scapes.append(
            (territory.name, f"t-{territory.id}", landscape(state, territory=territory.id))
        )
    return scapes


async def _show(request: Request, organiser: Organiser) -> Response:
    programme = await own(request, organiser)
    session = None if programme is None else programme.sessions.get(request.path_params["session"])
    if programme is None or session is None:
        return not_found(request, organiser)
    hub = hub_of(request)
    if await hub.session(session.session) is None:
        return not_found(request, organiser)
    try:  # the published state at one seq, as the residents' endpoint reads it
        seq, inputs = await published_inputs(await hub.actor(session.session))
    except TimeoutError:
        return not_found(request, organiser)
    scapes = await run_in_threadpool(_landscapes, inputs)
    body = (
        '<p class="hint">'
        + fr(
            "Comme Pol.is : les groupes de personnes qui donnent des avis semblables, les "
            "énoncés qui les distinguent, et ce sur quoi une large majorité s’accorde. Un "
            f"groupe de moins de {scapes[0][2].k} personnes n’est jamais formé, et aucun "
            f"chiffre ne repose sur moins de {scapes[0][2].k} avis."
        )
        + f"</p><p>{fr(f'État au n° {seq} du journal de la séance.')}</p>"
        + "".join(_section(scape, title, anchor) for title, anchor, scape in scapes)
        + f'<p><a href="/programmes/{esc(programme.id)}">Retour au programme</a></p>'
    )
    title = f"Paysage des avis — {session.title}"
    return page(title, body, request=request, organiser=organiser)


def routes() -> list[Route]:
    return [
        Route(
            "/programmes/{programme}/seances/{session}/paysage", logged_in(_show), methods=["GET"]
        )
    ]
