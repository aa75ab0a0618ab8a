"""Running the simulation: ``run_wire`` creates the session (or takes the one a console link
names) and plays it to its end or its time limit; ``simulate_wire`` does so in a fresh event loop.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

from session_engine.typography import plural

from .. import population
from ..offline import TITLE
from .existing import agenda_of, places_of
from .network import _base_url, _console_link, _create_session, _read_session, _why
from .room import _Room
from .summary import WireOptions, WireSimulationError, WireSummary, _decimal, _links_lines


def simulate_wire(
    options: WireOptions, progress: Callable[[str], None] | None = None
) -> WireSummary:
    """Run the simulation in a fresh event loop (see ``run_wire``)."""
    return asyncio.run(run_wire(options, progress))


async def run_wire(
    options: WireOptions, progress: Callable[[str], None] | None = None
) -> WireSummary:
    """Create a session on ``options.url`` (or take the one ``options.console`` links to: its
    territories, the rounds of its agenda not started yet) and play it to its end (or to the time
    limit).

    ``WireSimulationError`` if the session cannot be created or taken (bad address, no server,
    not a Métrokawa server; a link without a token or with a wrong one, a session closed or with
    a round under way); once it is played, a failure or the time limit ends the run early and the
    summary says so (``completed`` false, ``failure`` why).
    """
    if not 2 <= options.participants <= 1000:
        raise WireSimulationError("Le nombre de participant·e·s doit être compris entre 2 et 1000.")
    if options.speed <= 0:
        raise WireSimulationError("Le facteur de vitesse doit être positif.")
    say = progress or (lambda line: None)
    started = time.perf_counter()
    first, face = 1, None
    if options.console is None:
        try:
            places = population.territories(options.territories)
            items = population.agenda(options.rounds)
        except ValueError as error:
            raise WireSimulationError(str(error)) from None
        base = _base_url(options.url)
        created = await asyncio.to_thread(
            _create_session, base, options.territories, options.rounds
        )
    else:
        link = options.console.strip()
        base, session, token = _console_link(link)
        face = await asyncio.to_thread(_read_session, base, session)
        first, items = agenda_of(session, face)
        places = places_of(face["territories"])
        links = face.get("links")
        links = {**(links if isinstance(links, dict) else {}), "facilitator": link}
        created = {"id": session, "code": face["code"], "facilitator_token": token, "links": links}
    rng = random.Random(options.seed)
    people = population.people(rng, options.participants, places)
    room = _Room(base, created, options, items, people, rng, say, places=places, first=first)
    if face is None:
        say(f"Session créée : « {TITLE} » ({created['id']}), code {created['code']}")
    else:
        try:  # a wrong token is refused here, before anything is sent
            async with asyncio.timeout(options.time_limit(items)):
                await room.open_console()
        except TimeoutError:
            await room.hang_up()
            raise WireSimulationError(
                f"La console n'a pas reçu le journal de la session {session} à temps."
            ) from None
        except BaseException:
            await room.hang_up()
            raise
        rest = plural(len(items), "manche", "manches")
        say(
            f"Session reprise : « {face.get('title', '')} » ({created['id']}), code "
            f"{created['code']}, {rest} à jouer à partir de la {first}{'re' if first == 1 else 'e'}"
        )
    for line in _links_lines(room.console_link, room.code, room.join_link, room.projector_link):
        say(line)
    time_limit = options.time_limit(items)
    failure = None
    ticker = asyncio.create_task(room.tick(started, options.progress_interval_s))
    try:
        async with asyncio.timeout(time_limit) as limit:
            await room.play()
    except TimeoutError:
        if not limit.expired():
            raise
        failure = (
            f"La simulation n'a pas fini en {_decimal(time_limit)} s "
            "(augmentez --timeout ou --speed, ou réduisez --participants)."
        )
    except Exception as error:
        failure = _why(error)
        if failure is None:
            raise
    finally:
        ticker.cancel()
        await room.hang_up()
    summary = room.summary(completed=failure is None, failure=failure, started=started)
    say("Fin de la simulation." if failure is None else f"Simulation arrêtée. {failure}")
    return summary
