"""Running the simulation: ``run_wire`` creates the session and plays it to its end or its
time limit; ``simulate_wire`` does so in a fresh event loop.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable

from .. import population
from ..offline import TITLE
from .network import _base_url, _create_session, _why
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
    """Create a session on ``options.url`` and play it to its end (or to the time limit).

    ``WireSimulationError`` if the session cannot be created (bad address, no server, not a
    Métrokawa server); once it exists, a failure or the time limit ends the run early and the
    summary says so (``completed`` false, ``failure`` why).
    """
    if not 2 <= options.participants <= 1000:
        raise WireSimulationError("Le nombre de participant·e·s doit être compris entre 2 et 1000.")
    if options.speed <= 0:
        raise WireSimulationError("Le facteur de vitesse doit être positif.")
    try:
        places = population.territories(options.territories)
        items = population.agenda(options.rounds)
    except ValueError as error:
        raise WireSimulationError(str(error)) from None
    base = _base_url(options.url)
    say = progress or (lambda line: None)
    started = time.perf_counter()
    created = await asyncio.to_thread(_create_session, base, options.territories, options.rounds)
    rng = random.Random(options.seed)
    people = population.people(rng, options.participants, places)
    room = _Room(base, created, options, items, people, rng, say)
    say(f"Session créée : « {TITLE} » ({created['id']}), code {created['code']}")
    for line in _links_lines(room.console_link, room.code, room.join_link, room.projector_link):
        say(line)
    failure = None
    ticker = asyncio.create_task(room.tick(started, options.progress_interval_s))
    try:
        async with asyncio.timeout(options.time_limit_s) as limit:
            await room.play()
    except TimeoutError:
        if not limit.expired():
            raise
        failure = (
            f"La simulation n'a pas fini en {_decimal(options.time_limit_s)} s "
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
