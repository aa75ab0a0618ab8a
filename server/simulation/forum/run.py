"""Running the forum: ``run_forum`` creates it over HTTP and plays its days to the close (or
its time limit); ``simulate_forum`` does so in a fresh event loop.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from http.client import HTTPException
from typing import Any, Final

import msgspec

from session_engine.commands import CreateSession, NewTerritory

from .. import population
from ..population import TerritoryProfile
from ..wire.network import _HTTP_TIMEOUT_S, _base_url, _http_refusal, _reason, _why
from ..wire.summary import WireSimulationError, _decimal, _links_lines
from .contributions import THEMES
from .room import _Forum
from .summary import MAX_DAYS, MAX_FORUM_PARTICIPANTS, ForumOptions, ForumSummary

FORUM_TITLE: Final = "Forum numérique du Grand Paris\u00a0: les problèmes de nos quartiers"


def simulate_forum(
    options: ForumOptions, progress: Callable[[str], None] | None = None
) -> ForumSummary:
    """Run the forum in a fresh event loop (see ``run_forum``)."""
    return asyncio.run(run_forum(options, progress))


async def run_forum(
    options: ForumOptions, progress: Callable[[str], None] | None = None
) -> ForumSummary:
    """Create a forum on ``options.url`` and play its days: ``WireSimulationError`` if it cannot
    be created; once it is played, a failure or the time limit ends the run early and the summary
    says so (``completed`` false, ``failure`` why)."""
    _check(options)
    say = progress or (lambda line: None)
    started = time.perf_counter()
    try:
        places = population.territories(options.territories)
    except ValueError as error:
        raise WireSimulationError(str(error)) from None
    base = _base_url(options.url)
    created = await asyncio.to_thread(_create_forum, base, places)
    people = population.people(random.Random(options.seed), options.participants, places)
    forum = _Forum(base, created, options, people, places, say)
    say(f"Forum créé : « {FORUM_TITLE} » ({created['id']}), code {created['code']}")
    for line in _links_lines(forum.console_link, forum.code, forum.join_link, forum.projector_link):
        say(line)
    failure = None
    ticker = asyncio.create_task(forum.tick(started, options.progress_every_s))
    try:
        async with asyncio.timeout(options.time_limit_s) as limit:
            await forum.play()
    except TimeoutError:
        if not limit.expired():
            raise
        failure = (
            f"Le forum n'a pas fini en {_decimal(options.time_limit_s)} s "
            "(augmentez --timeout ou --speed, ou réduisez --participants)."
        )
    except Exception as error:
        failure = _why(error)
        if failure is None:
            raise
    finally:
        ticker.cancel()
        await forum.hang_up()
    summary = forum.summary(completed=failure is None, failure=failure, started=started)
    say("Fin de la simulation." if failure is None else f"Simulation arrêtée. {failure}")
    return summary


def _check(options: ForumOptions) -> None:
    if not 2 <= options.participants <= MAX_FORUM_PARTICIPANTS:
        raise WireSimulationError(
            "Le nombre d'habitant·e·s du forum doit être compris entre 2 et "
            f"{MAX_FORUM_PARTICIPANTS}."
        )
    if not 1 <= options.days <= MAX_DAYS:
        raise WireSimulationError(f"Le forum dure de 1 à {MAX_DAYS} jours.")
    if options.speed <= 0:
        raise WireSimulationError("Le facteur de vitesse doit être positif.")


def forum_command(places: tuple[TerritoryProfile, ...]) -> CreateSession:
    """The forum of the programme's territories: no agenda, the bank's themes."""
    return CreateSession(
        title=FORUM_TITLE,
        territories=tuple(NewTerritory(name=p.name, commune=p.commune, qpv=p.qpv) for p in places),
        agenda=(),
        forum=True,
        themes=THEMES,
    )


def _create_forum(base: str, places: tuple[TerritoryProfile, ...]) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{base}/api/sessions",
        data=msgspec.json.encode(forum_command(places)),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT_S) as response:
            created = json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise WireSimulationError(_http_refusal(base, error)) from None
    except (OSError, HTTPException) as error:
        raise WireSimulationError(
            f"Impossible de joindre le serveur {base} : {_reason(error)}. "
            "Est-il lancé (metrokawa serve) ?"
        ) from None
    except ValueError:
        created = None
    keys = ("id", "code", "facilitator_token")
    if not isinstance(created, dict) or not all(isinstance(created.get(k), str) for k in keys):
        raise WireSimulationError(f"{base} ne répond pas comme un serveur Métrokawa.")
    return created
