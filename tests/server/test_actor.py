"""The session actor without sockets: what happens when a commit fails."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Sequence
from typing import Any

import pytest

import server.actor as actor_module
from server.actor import Answer, SessionActor
from server.simulation.offline import demo_session_command
from server.store import MemoryStore, Outcome, SessionRecord
from session_engine import Role, decide
from session_engine.commands import JoinSession
from session_engine.model import ParticipantRole

JOIN_ID = "0123456789abcdef-join"


async def _answered(pending: Awaitable[Answer]) -> Answer:
    """The actor's answer, or a failure: a writer that died would otherwise hang the test."""
    return await asyncio.wait_for(pending, timeout=5)


class FlakyStore(MemoryStore):
    """A store whose next ``append`` fails once, as a full disk or a lost database would."""

    def __init__(self) -> None:
        super().__init__()
        self.fail_next = False

    async def append(
        self,
        session_id: str,
        expected_seq: int,
        records: Sequence[bytes],
        outcomes: Sequence[Outcome],
        tokens: Sequence[tuple[str, str]],
        fence: int | None = None,
    ) -> None:
        if self.fail_next:
            self.fail_next = False
            raise OSError("disk full")
        await super().append(session_id, expected_seq, records, outcomes, tokens, fence)


def test_a_failed_commit_answers_unavailable_changes_nothing_and_the_retry_applies_once() -> None:
    async def scenario() -> None:
        store = FlakyStore()
        await store.create_session(
            SessionRecord(id="s", code="ABCDEF", title="t", created_at=0, facilitator_hash="h")
        )
        actor = SessionActor("s", store, clock=lambda: 1_800_000_000_000, backlog_limit=100)
        await actor.load()
        actor.start()
        created = await _answered(
            actor.submit(
                demo_session_command(), role=Role.FACILITATOR, actor="facilitator", cmd="create"
            )
        )
        assert created.seq == 1
        join = JoinSession(pseudonym="Fatou", territory="t1", role=ParticipantRole.HABITANT)

        store.fail_next = True
        refused = await _answered(actor.submit(join, role=Role.GUEST, actor="guest", cmd=JOIN_ID))
        assert refused.code == "unavailable"
        assert actor.seq == 1
        assert actor.state.participants == {}
        assert len(await store.read("s")) == 1

        retried = await _answered(actor.submit(join, role=Role.GUEST, actor="guest", cmd=JOIN_ID))
        assert (retried.seq, retried.participant) == (2, "p1")
        assert retried.token is not None
        again = await _answered(actor.submit(join, role=Role.GUEST, actor="guest", cmd=JOIN_ID))
        assert (again.seq, again.participant) == (2, "p1")
        assert len(await store.read("s")) == 2
        await actor.stop()

    asyncio.run(scenario())


def test_our_own_bug_in_a_rule_answers_unavailable_and_the_session_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A crash inside decide must not stop the session's writer nor leave half a batch applied."""

    async def scenario() -> None:
        store = MemoryStore()
        await store.create_session(
            SessionRecord(id="s", code="ABCDEF", title="t", created_at=0, facilitator_hash="h")
        )
        actor = SessionActor("s", store, clock=lambda: 1_800_000_000_000, backlog_limit=100)
        await actor.load()
        actor.start()
        await _answered(
            actor.submit(
                demo_session_command(), role=Role.FACILITATOR, actor="facilitator", cmd="create"
            )
        )
        join = JoinSession(pseudonym="Karim", territory="t2", role=ParticipantRole.ELU)

        def broken(*args: Any) -> Any:
            monkeypatch.setattr(actor_module, "decide", decide)  # fails once
            raise ZeroDivisionError("a bug in a rule")

        monkeypatch.setattr(actor_module, "decide", broken)
        refused = await _answered(actor.submit(join, role=Role.GUEST, actor="guest", cmd=JOIN_ID))
        assert refused.code == "unavailable"
        assert actor.seq == 1
        joined = await _answered(actor.submit(join, role=Role.GUEST, actor="guest", cmd=JOIN_ID))
        assert (joined.seq, joined.participant) == (2, "p1")
        await actor.stop()

    asyncio.run(scenario())
