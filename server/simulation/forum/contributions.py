"""What residents of the online phase write: the forum's themes, the places of each territory
(an address as typed, a point on the map around its centre) and the plan of a resident's days.

Pure data and small functions of a ``random.Random`` passed in, as ``population`` is: the texts
and the opinions are the population's bank and position model, so that a contribution of the
forum is rated as the same statement would be in the room.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final

from session_engine.model import Place, StatementKind

from .. import population
from ..population import BankStatement, Person, TerritoryProfile, Theme

__all__ = [
    "CENTRES",
    "THEMES",
    "Visit",
    "choose",
    "contribution_place",
    "theme_of",
    "visits",
]

# The forum's themes, as its filters show them: the bank's themes but the off-topic one.
THEMES: Final[tuple[str, ...]] = tuple(
    theme.value.capitalize() for theme in Theme if theme is not Theme.HORS_SUJET
)

# Each territory's centre (WGS 84 degrees, from the map): points are put around it.
CENTRES: Final[dict[str, tuple[float, float]]] = {
    "goutte-dor": (48.8867, 2.3538),
    "vincennes": (48.8474, 2.4390),
    "francs-moisins": (48.9131, 2.3668),
    "4000": (48.9262, 2.3957),
    "val-de-seine": (48.8301, 2.2636),
    "courtillieres": (48.9043, 2.3979),
}
_PARIS: Final = (48.8566, 2.3522)  # a territory the simulator does not know: around Paris
_SPREAD_DEGREES: Final = 0.004  # about 400 m: a neighbourhood

# How a contribution is placed: (share, address typed, point on the map); the rest has no place.
_PLACING: Final[tuple[tuple[float, bool, bool], ...]] = (
    (0.25, True, False),
    (0.25, False, True),
    (0.15, True, True),
)


def theme_of(statement: BankStatement) -> str | None:
    """The forum's theme for a bank statement; None for an off-topic one (no theme to pick)."""
    return None if statement.off_topic else statement.theme.value.capitalize()


def contribution_place(rng: random.Random, territory: TerritoryProfile) -> Place | None:
    """Where a resident of ``territory`` says the contribution is about: an address of the
    territory as typed, a point near its centre, both, or (a third of the time) nowhere."""
    draw = rng.random()
    for share, address, point in _PLACING:
        if draw < share:
            return _place(rng, territory, address=address, point=point)
        draw -= share
    return None


def _place(rng: random.Random, territory: TerritoryProfile, *, address: bool, point: bool) -> Place:
    typed = f"{rng.choice(territory.places)}, {territory.commune}" if address else None
    if not point:
        return Place(address=typed)
    lat, lon = CENTRES.get(territory.key, _PARIS)
    return Place(
        address=typed,
        lat=round(rng.gauss(lat, _SPREAD_DEGREES), 6),
        lon=round(rng.gauss(lon, _SPREAD_DEGREES), 6),
    )


@dataclass(frozen=True, slots=True)
class Visit:
    """One visit of a resident to the forum: when (ms from the forum's opening), and what they
    do there: write a problem or an idea (or nothing), rate up to ``ratings`` contributions they
    have not rated yet, comment on one or not."""

    at_ms: int
    writes: StatementKind | None
    ratings: int
    comments: bool


_DAY_MS: Final = 24 * 3600 * 1000
_WAKING_MS: Final = (7 * 3600 * 1000, 23 * 3600 * 1000)  # people visit between 7 h and 23 h
_RATINGS_PER_VISIT: Final = 8
# What a visit writes: many more rate than write (a first visit writes half as often again).
_WRITES: Final[tuple[tuple[float, StatementKind], ...]] = (
    (0.25, StatementKind.PROBLEM),
    (0.12, StatementKind.IDEA),
)


def visits(rng: random.Random, person: Person, days: int) -> list[Visit]:
    """``person``'s visits over ``days``, in time order: the first on the day they hear of the
    forum (the flyers: most on the first day), then on each later day with a chance that grows
    with their activity. Nobody comes back the day they first came."""
    first_day = min(days - 1, int(rng.expovariate(1.5)))
    days_seen = [first_day] + [
        day for day in range(first_day + 1, days) if rng.random() < 0.6 * person.activity
    ]
    return [_visit(rng, person, day, first=day == first_day) for day in days_seen]


def _visit(rng: random.Random, person: Person, day: int, *, first: bool) -> Visit:
    at = day * _DAY_MS + rng.randrange(*_WAKING_MS)
    # A first visit writes more often: people come because they have something to say.
    draw, bound, writes = rng.random(), 0.0, None
    for share, kind in _WRITES:
        bound += share * (1.5 if first else 1.0)
        if draw < bound:
            writes = kind
            break
    ratings = max(1, round(person.activity * _RATINGS_PER_VISIT * rng.uniform(0.5, 1.5)))
    return Visit(at_ms=at, writes=writes, ratings=ratings, comments=rng.random() < 0.25)


def choose(rng: random.Random, person: Person, kind: StatementKind) -> BankStatement:
    """What ``person`` writes: the population's choice (their territory's concerns first)."""
    return population.choose_statement(rng, person, kind)
