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


def test_our_own_bug_in_a_rule_answers_internal_and_the_session_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A crash inside decide must not stop the session's writer nor leave half a batch applied;
    the command is not kept, so once the bug is gone (here: after one call) it applies."""

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
        assert refused.code == "internal"
        assert actor.seq == 1
        joined = await _answered(actor.submit(join, role=Role.GUEST, actor="guest", cmd=JOIN_ID))
        assert (joined.seq, joined.participant) == (2, "p1")
        await actor.stop()

    asyncio.run(scenario())


def test_a_command_that_makes_decide_raise_gets_internal_alone_and_the_batch_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Before: the exception failed the whole batch (« reload and answer unavailable to all »),
    and every retry of the batch failed again with it."""
    real_decide = decide

    def buggy(state: Any, command: Any, ctx: Any) -> Any:
        if isinstance(command, JoinSession) and command.pseudonym == "Bug":
            raise ZeroDivisionError("a bug in a rule")
        return real_decide(state, command, ctx)

    monkeypatch.setattr(actor_module, "decide", buggy)

    async def scenario() -> None:
        store = MemoryStore()
        await store.create_session(
            SessionRecord(id="s", code="ABCDEF", title="t", created_at=0, facilitator_hash="h")
        )
        actor = SessionActor("s", store, clock=lambda: 1_800_000_000_000, backlog_limit=100)
        await actor.load()
        actor.start()
        create = demo_session_command()
        created = actor.submit(create, role=Role.FACILITATOR, actor="facilitator", cmd="create")
        assert (await _answered(created)).seq == 1

        def join(name: str) -> Awaitable[Answer]:
            command = JoinSession(pseudonym=name, territory="t1", role=ParticipantRole.HABITANT)
            return actor.submit(command, role=Role.GUEST, actor="guest", cmd=f"{name:0>16}")

        # Queued together: one batch.
        awa, bug, bilal = await asyncio.gather(
            *(_answered(join(n)) for n in ("Awa", "Bug", "Bilal"))
        )
        assert (awa.participant, bug.code, bilal.participant) == ("p1", "internal", "p2")
        assert [p.pseudonym for p in actor.state.participants.values()] == ["Awa", "Bilal"]
        assert len(await store.read("s")) == 3
        assert (await _answered(join("Bug"))).code == "internal"  # not kept: decided again
        await actor.stop()

    asyncio.run(scenario())
    failures = [r for r in caplog.records if r.name == "metrokawa.actor" and r.exc_info]
    assert len(failures) == 2  # logged with its traceback, once per attempt
