"""k-anonymity of the opinion groups: what a few people think never leaves ``opinions``.

The attacker reads every public field of ``opinions()`` (its JSON) and of the cahier's JSON, and
tries to recover the agree share of a handful of people (fewer than k = 5): two dissenters who
think unlike the room, or one person with too few positions to be clustered. Each attack is one
way a figure derived from them could leak:

* a group's agree share shown as such;
* the group-informed consensus Π (a+1)/(s+2) divided by the shown groups' shares;
* the spread (standard deviation of the groups' shares) solved for the missing share;
* the room's counts minus the shown groups' counts (subtraction);
* the list of divisive statements, which must follow from the shown groups' shares alone.

Rooms are stated as events, as in ``test_opinions``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from typing import Any

import msgspec
import pytest

from session_engine.codec import Envelope
from session_engine.events import Event, PositionTaken
from session_engine.logfile import LogHeader
from session_engine.opinions import opinions
from session_engine.report import build_report

from .harness import given
from .test_opinions import a_room, took

K = 5
TRUE, FALSE = 2, -2

# Ten people of one mind on s1..s4, two dissenters who think the opposite.
TEN_AND_TWO = {f"p{i}": f"t{(i - 1) % 2 + 1}" for i in range(1, 13)}
DISSENTERS = ("p11", "p12")


def ten_and_two() -> list[Event]:
    events = a_room(TEN_AND_TWO, ("s1", "s2", "s3", "s4"), territory_count=2)
    room = {"s1": TRUE, "s2": TRUE, "s3": FALSE, "s4": 1}
    dissent = {"s1": FALSE, "s2": FALSE, "s3": TRUE, "s4": -1}
    for p in TEN_AND_TWO:
        values = dissent if p in DISSENTERS else room
        for s, v in values.items():
            events += took(s, **{p: v})
    return events


# Two camps of six and two dissenters: the dissenters are a third, smaller camp.
SIX_SIX_TWO = {f"p{i}": f"t{(i - 1) % 2 + 1}" for i in range(1, 15)}
CAMPS = {
    "A": tuple(f"p{i}" for i in range(1, 7)),
    "B": tuple(f"p{i}" for i in range(7, 13)),
    "D": ("p13", "p14"),
}
PLAN = {  # statement: (camp A, camp B, dissenters)
    "s1": (2, -2, 1),
    "s2": (2, 2, -2),
    "s3": (-2, 2, -2),
    "s4": (1, 1, 2),
    "s5": (-1, -2, 2),
}


def six_six_two() -> list[Event]:
    events = a_room(SIX_SIX_TWO, tuple(PLAN), territory_count=2)
    for camp, members in CAMPS.items():
        column = "ABD".index(camp)
        for p in members:
            for s, values in PLAN.items():
                events += took(s, **{p: values[column]})
    return events


def one_left_out() -> list[Event]:
    """Sixteen clustered people in two camps, and p17 with one position only: left out."""
    people = {f"p{i}": f"t{(i - 1) % 2 + 1}" for i in range(1, 18)}
    events = a_room(people, ("s1", "s2", "s3", "s4", "s5", "s6", "s7"), territory_count=2)
    for i in range(1, 17):
        camp = 1 if i <= 8 else -1
        for j, s in enumerate(("s1", "s2", "s3", "s4", "s5", "s6", "s7")):
            events += took(s, **{f"p{i}": camp * (2 if j % 2 else 1)})
    events += took("s1", p17=-2)
    return events


# --- what the attacker wants, and what it reads -------------------------------------------------


def smoothed_share(events: Sequence[Event], people: Sequence[str], statement: str) -> float:
    """(a + 1)/(s + 2) over ``people``'s last positions on ``statement``: the Pol.is share."""
    last: dict[str, int | None] = {}
    for e in events:
        if isinstance(e, PositionTaken) and e.statement == statement and e.participant in people:
            last[e.participant] = e.value
    agree = sum(1 for v in last.values() if v is not None and v > 0)
    return (agree + 1) / (len(last) + 2)


def counts_of(events: Sequence[Event], people: Sequence[str], statement: str) -> list[int]:
    """Counts of −2, −1, 0, +1, +2 and passes over ``people``'s last positions."""
    last: dict[str, int | None] = {}
    for e in events:
        if isinstance(e, PositionTaken) and e.statement == statement and e.participant in people:
            last[e.participant] = e.value
    counts = [0] * 6
    for v in last.values():
        counts[5 if v is None else v + 2] += 1
    return counts


def public(events: list[Event]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The JSON of ``opinions()`` and of the cahier, as anyone can read them."""
    state = given(events).state
    found = msgspec.to_builtins(opinions(state, events, k=K))
    envelopes = [
        Envelope(seq=n, at=1_800_000_000_000, actor="system", cmd=None, event=e)
        for n, e in enumerate(events, start=1)
    ]
    header = LogHeader(session="leak", title="Fuite", created_at=1_800_000_000_000)
    report = msgspec.to_builtins(build_report(header, envelopes, k=K))
    return found, report


def recovered_shares(
    found: dict[str, Any], report: dict[str, Any], statement: str
) -> Iterator[float]:
    """Every value of a smoothed agree share the public figures give away for one statement."""
    groups = found["groups"]
    for line in groups["statements"]:
        if line["statement"] != statement:
            continue
        shown = [a for a in line["agree"] if a is not None]
        yield from shown  # a group's share, as such
        consensus = line.get("consensus")
        if consensus is not None:
            # Group-informed consensus over all groups, divided by the shown ones.
            yield consensus / math.prod(shown) if shown else consensus
        spread = line.get("spread")
        if spread is not None and shown:
            # std of (shown + [x]) = spread, solved for x.
            yield from _solve_spread(shown, spread)
    for divisive in report["divisive"]:
        if divisive["statement"]["id"] == statement:
            for g in divisive["groups"]:
                if g["agree"] is not None:
                    yield g["agree"]


def _solve_spread(shown: Sequence[float], spread: float) -> Iterator[float]:
    n = len(shown) + 1
    s1, s2 = sum(shown), sum(x * x for x in shown)
    # n·(s2 + x²) − (s1 + x)² = n²·spread²  ->  (n − 1)x² − 2·s1·x + n·s2 − s1² − n²·spread² = 0
    a, b, c = n - 1, -2 * s1, n * s2 - s1 * s1 - n * n * spread * spread
    disc = b * b - 4 * a * c
    if disc >= -1e-12:
        root = math.sqrt(max(disc, 0.0))
        yield (-b + root) / (2 * a)
        yield (-b - root) / (2 * a)


def recovered_counts(found: dict[str, Any], statement: str) -> Iterator[list[int]]:
    """The room's counts minus the shown opinion groups' counts (all shown together)."""
    for line in found["statements"]:
        if line["statement"] != statement or line["overall"]["counts"] is None:
            continue
        shown = [g for g in line["groups"] if g["counts"] is not None]
        left = [*line["overall"]["counts"], line["overall"]["passes"]]
        for g in shown:
            left = [x - y for x, y in zip(left, [*g["counts"], g["passes"]], strict=True)]
        yield left
        for size in range(1, len(shown)):  # and any sub-family of the shown groups
            for family in itertools.combinations(shown, size):
                yield [
                    sum(x) for x in zip(*([*g["counts"], g["passes"]] for g in family), strict=True)
                ]


SCENARIOS = {
    "ten and two dissenters": (ten_and_two, DISSENTERS, ("s1", "s2", "s3", "s4")),
    "two camps and two dissenters": (six_six_two, CAMPS["D"], tuple(PLAN)),
    "one person left out": (one_left_out, ("p17",), ("s1",)),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_no_public_figure_gives_away_the_share_of_fewer_than_k_people(scenario: str) -> None:
    build, few, statements = SCENARIOS[scenario]
    events = build()
    found, report = public(events)
    for s in statements:
        secret = smoothed_share(events, few, s)
        leaked = [x for x in recovered_shares(found, report, s) if math.isclose(x, secret)]
        assert leaked == [], f"{s}: the share of {few} is recovered"
        exact = counts_of(events, few, s)
        assert exact not in list(recovered_counts(found, s)), f"{s}: the counts of {few} leak"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_divisive_statements_follow_from_the_shown_groups_alone(scenario: str) -> None:
    build, _, _ = SCENARIOS[scenario]
    found, _ = public(build())
    groups = found["groups"]
    for line in groups["statements"]:
        shown = [a for a in line["agree"] if a is not None]
        divisive = line["statement"] in groups["divisive"]
        if len(shown) < len(line["agree"]) or line.get("spread") is None:
            assert not divisive  # a statement cannot divide on a group it does not show
        else:
            mean = sum(shown) / len(shown)
            spread = math.sqrt(sum((x - mean) ** 2 for x in shown) / len(shown))
            assert divisive == (spread >= 0.25)
