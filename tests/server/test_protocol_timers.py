"""The wire protocol over real sockets, 8: what takes time.

The clocks these tests read were started with the first protocol test (the session fixtures
``one_minute_round`` and ``silent_socket`` of the conftest), so that they run out while the
other modules play; this module's name sorts it after them.
"""

from __future__ import annotations

import time
from typing import Any, Final

import pytest

from server.client import ProtocolClient

from .scenario import SilentSocket, TimedRound, eventually, refused, run

pytestmark = pytest.mark.usefixtures("one_minute_round", "silent_socket")  # see conftest
HELLO_TIMEOUT_S: Final = 10.0


def test_a_socket_that_never_says_hello_is_closed_with_4400(silent_socket: SilentSocket) -> None:
    frames, code = silent_socket.until_closed(silent_socket.opened + HELLO_TIMEOUT_S + 10)
    assert code == 4400
    assert [(f["k"], f["code"]) for f in frames] == [("error", "hello_first")]


def test_the_round_clock_ends_a_round_at_its_deadline(one_minute_round: TimedRound) -> None:
    room, deadline = one_minute_round.room, one_minute_round.deadline

    def ended(client: ProtocolClient) -> list[dict[str, Any]]:
        return [e for e in client.events if e["type"] == "RoundEnded"]

    async def scenario() -> None:
        facilitator = await room.facilitator(after=0)
        wait = max(0.0, deadline / 1000 - time.time()) + 15
        await eventually(lambda: bool(ended(facilitator)), timeout=min(wait, 75), what="RoundEnded")
        (envelope,) = ended(facilitator)
        assert envelope["actor"] == "system"
        assert envelope["data"] == {"round": 1, "reason": "deadline"}
        assert deadline <= envelope["at"] <= deadline + 1000
        late = await room.participant(one_minute_round.participant.token, after=None)
        refused(await late.command("ProposeStatement", {"text": "Trop tard ?"}), "round_closed")

    run(scenario())
