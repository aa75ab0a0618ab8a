"""Steps of a session driven over the wire, for the screens' browser tests: what the facilitator's
and the residents' own devices would send while the test watches the console, the projector or the
replay viewer. Each call opens its sockets, waits for every answer, and closes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..server.scenario import Member, Room, acked, closing_every_socket
from .conftest import run_beside

PROPOSALS = ("Des bancs à l’ombre au square Léon.", "Ouvrir la médiathèque le dimanche.")
HIDDEN = "Un message hors sujet que l’animation masque."


def steer(room: Room, *commands: tuple[str, dict[str, Any]]) -> None:
    """The facilitator's commands, in order, each acknowledged."""

    async def go() -> None:
        facilitator = await room.facilitator()
        for type_, data in commands:
            acked(await facilitator.command(type_, data))

    run_beside(closing_every_socket(go()))


def people(room: Room, *names: str) -> list[Member]:
    """Residents who join by the code, one per territory in turn."""

    async def go() -> list[Member]:
        return [
            await room.join(name, territory=f"t{i % 3 + 1}", consent=True)
            for i, name in enumerate(names)
        ]

    return run_beside(closing_every_socket(go()))


def as_member(room: Room, member: Member, *commands: tuple[str, dict[str, Any]]) -> None:
    """A resident's own commands, from their device."""

    async def go() -> None:
        client = await room.participant(member.token)
        for type_, data in commands:
            acked(await client.command(type_, data))

    run_beside(closing_every_socket(go()))


def statements(room: Room, author: Member, texts: Sequence[str]) -> None:
    """``author`` proposes each text (s1, s2, … in order) during the running round."""
    as_member(room, author, *(("ProposeStatement", {"text": text}) for text in texts))


def a_closed_vote(room: Room) -> list[Member]:
    """Three residents, a round with two statements published (positions taken) and a third one
    hidden, both promoted and voted on: v1 closed, pr1 adopted « Très bien », pr2 « Bien »."""
    residents = people(room, "Awa", "Bruno", "Chloé")
    steer(room, ("SeatTables", {}), ("StartRound", {}))
    statements(room, residents[0], (*PROPOSALS, HIDDEN))
    steer(
        room,
        ("PublishStatement", {"statement": "s1"}),
        ("PublishStatement", {"statement": "s2"}),
        ("HideStatement", {"statement": "s3"}),
    )
    for member, values in zip(residents, ((2, 1), (1, -2), (-1, None)), strict=True):
        as_member(
            room,
            member,
            *(
                ("TakePosition", {"statement": f"s{i + 1}", "value": value})
                for i, value in enumerate(values)
            ),
        )
    steer(
        room,
        ("EndRound", {}),
        ("PromoteProposal", {"statement": "s1"}),
        ("PromoteProposal", {"statement": "s2"}),
        ("OpenVote", {"proposals": ["pr1", "pr2"]}),
    )
    ballots(room, residents, ((6, 4), (5, 2), (5, 6)))
    steer(room, ("CloseVote", {"vote": "v1"}))
    return residents


def ballots(room: Room, voters: Sequence[Member], grades: Sequence[tuple[int, int]]) -> None:
    """Each voter's ballot in vote v1: their grades for pr1 and pr2."""
    for member, (first, second) in zip(voters, grades, strict=True):
        as_member(
            room, member, ("CastBallot", {"vote": "v1", "grades": {"pr1": first, "pr2": second}})
        )
