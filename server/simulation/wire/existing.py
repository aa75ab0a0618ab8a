"""Playing a session the simulator did not create (``simulate --console LINK``): what its public
face says read as the simulator's room — its territories as the population's, the rounds not
started yet as its agenda — and why it cannot be played, in French.

A territory the population knows by name (the programme's six) keeps its places and concerns;
another one borrows those of the population's territory at its rank, under its own name, commune
and QPV flag, so that people are spread over exactly the session's territories. A table round
whose prompt is one of the simulator's keeps what people do in it (write problems or ideas,
compare neighbourhoods); another one does what the simulator's table round at its rank does.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Final

from session_engine.model import RoundKind

from .. import population
from ..population import AgendaItem, TerritoryProfile
from .summary import WireSimulationError

_MINUTE_MS: Final = 60_000
_BY_NAME: Final = {t.name: t for t in population.TERRITORIES}
_BY_PROMPT: Final = {item.prompt: item for item in population.TABLE_ROUNDS}


def places_of(territories: list[dict[str, Any]]) -> tuple[TerritoryProfile, ...]:
    """The population's territories for the session's ones, in the session's order."""
    if not territories:
        raise WireSimulationError("La session n'a aucun territoire : ajoutez-en un d'abord.")
    places = []
    for rank, territory in enumerate(territories):
        name = str(territory["name"])
        known = _BY_NAME.get(name)
        if known is None:
            borrowed = population.TERRITORIES[rank % len(population.TERRITORIES)]
            known = dataclasses.replace(
                borrowed,
                key=str(territory["id"]),
                name=name,
                commune=str(territory.get("commune", "")),
                qpv=bool(territory.get("qpv", False)),
            )
        places.append(known)
    if len({p.name for p in places}) < len(places):
        raise WireSimulationError("Deux territoires de la session portent le même nom.")
    return tuple(places)


def agenda_of(session: str, face: dict[str, Any]) -> tuple[int, tuple[AgendaItem, ...]]:
    """The number of the first round not started yet and the agenda from it to the end."""
    if face.get("closed"):
        raise WireSimulationError(
            f"La session {session} est déjà close : il n'y a plus rien à y simuler."
        )
    rounds: list[dict[str, Any]] = face["rounds"]
    started = [r for r in rounds if r["status"] != "pending"]
    if any(r["status"] in ("running", "paused") for r in started):
        raise WireSimulationError(
            f"Une manche de la session {session} est en cours : terminez-la depuis la console, "
            "puis relancez la simulation."
        )
    if len(started) == len(rounds):
        raise WireSimulationError(
            f"La session {session} n'a plus de manche à jouer : ajoutez-en une à son ordre du "
            "jour, ou closez-la depuis la console."
        )
    first = len(started) + 1
    items = []
    for rank, spec in enumerate(rounds[first - 1 :], start=first - 1):
        kind = RoundKind(spec["kind"])
        minutes = max(1, round(int(spec["duration_ms"]) / _MINUTE_MS))
        prompt = str(spec["prompt"])
        if kind is RoundKind.VOTE:
            item = dataclasses.replace(population.VOTE_ROUND, prompt=prompt)
        elif kind is RoundKind.PLENARY:
            item = AgendaItem(kind, prompt, minutes, None, 0.0, False)
        else:
            table = population.TABLE_ROUNDS
            like = _BY_PROMPT.get(prompt, table[min(rank, len(table) - 1)])
            item = dataclasses.replace(like, prompt=prompt)
        items.append(dataclasses.replace(item, minutes=minutes))
    return first, tuple(items)
