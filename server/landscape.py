"""``GET /api/sessions/{id}/paysage[?territoire=t2]``: the live opinion landscape of a session.

What the landscape is belongs to the engine (``session_engine.opinions.landscape``: Pol.is's
groups, their representative statements and the consensus lists, under k-anonymity); this module
owns who may read it and when it is computed:

* **who**: whoever may see the room's tallies — a token of the session (``Authorization: Bearer``:
  the facilitator's, a co-facilitator's or a table tablet's link in service, a participant's) or
  its join code (``?code=``, limited per client address with every other code look-up:
  ``limits.Guesses``). Nothing else: 401 ``bad_code`` / ``bad_token`` / ``revoked``;
* **at which seq**: the actor's published state (the state in the middle of a commit is never
  read; a request that falls there waits for the publication), copied on the event loop
  (``landscape_inputs``: a few milliseconds for thousands of positions) and computed on a worker
  thread, so that the session goes on meanwhile. The answer says the ``seq`` it reflects: the
  log replayed to that seq gives the same landscape;
* **how often**: once per (session, territory, seq), encoded once, and not again while it is
  *fresh* (a second at least, or twenty times what it took: ``FRESH_FACTOR``), even if ratings
  came in since; a request while one is being computed for the same (session, territory) waits
  for that one; one computation at a time runs in the process (the actors and the sockets keep
  the other core). 2,000 readers polling cost one computation per territory and per change at
  most, not one each; under a flood of ratings each landscape read costs 5 % of a core.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from typing import Final

import msgspec
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from session_engine import SessionState
from session_engine.opinions import landscape, landscape_inputs

from .actor import EncodedEvent, SessionActor
from .frames import message_for
from .hub import Hub
from .limits import Guesses, client_address
from .store import SessionRecord

__all__ = ["Computed", "Landscapes", "published_inputs", "session_landscape"]

MAX_TOKEN: Final = 512  # characters: a token is 43; anything longer is no token of ours
MAX_CODE: Final = 64  # characters of ``?code=`` read (a code is 6, spaces around it trimmed)
PUBLISHED_WAIT_S: Final = 10.0  # a commit takes milliseconds; past this, 503 unavailable
KEPT: Final = 512  # landscapes kept, the least recently asked for dropped first
# A landscape stays the answer for this many times what it took to compute, and a second at
# least, even if ratings came in since: 2,000 people × 80 statements take about 0.1 s on one
# core (bench/bench_landscape.py), so under a flood of ratings the room's landscape is at most
# 2 s old, and each landscape read costs 5 % of a core.
FRESH_FACTOR: Final = 20.0
FRESH_MIN_S: Final = 1.0

Key = tuple[str, str | None]  # (session, territory)


class Computed(msgspec.Struct, frozen=True):
    seq: int
    body: bytes  # the JSON answer, encoded once
    fresh_until: float  # time.monotonic()


class Landscapes:
    """The landscapes computed so far, one per (session, territory): the last one, at its seq."""

    def __init__(self, kept: int = KEPT) -> None:
        self.kept = kept
        self._done: OrderedDict[Key, Computed] = OrderedDict()
        self._running: dict[Key, asyncio.Task[Computed]] = {}
        self._one_at_a_time = asyncio.Semaphore(1)

    async def get(self, actor: SessionActor, territory: str | None) -> Computed:
        """The landscape of ``actor``'s session: the last one computed if it is at the published
        seq or still fresh, else the one being computed, else a new one."""
        key = (actor.session_id, territory)
        done = self._done.get(key)
        if done is not None and (
            done.seq == actor.published_seq or time.monotonic() < done.fresh_until
        ):
            self._done.move_to_end(key)
            return done
        running = self._running.get(key)
        if running is None:
            running = asyncio.create_task(self._compute(key, actor))
            self._running[key] = running
            running.add_done_callback(lambda _: self._running.pop(key, None))
        # A reader who leaves does not cancel the computation the others wait for.
        return await asyncio.shield(running)

    async def _compute(self, key: Key, actor: SessionActor) -> Computed:
        async with self._one_at_a_time:  # copied once its turn comes: as fresh as can be
            seq, inputs = await published_inputs(actor)
            start = time.monotonic()
            body = await run_in_threadpool(_encode, seq, inputs, key[1])
            end = time.monotonic()
        fresh = max(FRESH_MIN_S, FRESH_FACTOR * (end - start))
        computed = Computed(seq, body, end + fresh)
        self._done[key] = computed
        self._done.move_to_end(key)
        while len(self._done) > self.kept:
            self._done.popitem(last=False)
        return computed


def _encode(seq: int, inputs: SessionState, territory: str | None) -> bytes:
    shown = msgspec.to_builtins(landscape(inputs, territory=territory))
    return msgspec.json.encode({"seq": seq, **shown})


async def published_inputs(actor: SessionActor) -> tuple[int, SessionState]:
    """What the landscape reads, copied from the published state, and its seq. Between two
    commits the working state is the published one; during a commit, wait for its publication
    (looking again every second: the reload after a failed commit may publish nothing)."""
    deadline = time.monotonic() + PUBLISHED_WAIT_S
    while actor.seq != actor.published_seq:
        if time.monotonic() > deadline:
            raise TimeoutError(f"session {actor.session_id}: no publication")
        await _publication(actor, timeout=1.0)
    return actor.published_seq, landscape_inputs(actor.state)


async def _publication(actor: SessionActor, *, timeout: float) -> None:
    """Until ``actor`` publishes a batch, or ``timeout`` seconds."""
    published: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def mark(_actor: SessionActor, _events: list[EncodedEvent]) -> None:
        if not published.done():
            published.set_result(None)

    actor.on_published.append(mark)
    try:
        await asyncio.wait_for(published, timeout)
    except TimeoutError:
        pass
    finally:
        actor.on_published.remove(mark)


async def session_landscape(request: Request) -> Response:
    """GET /api/sessions/{id}/paysage?territoire=T&code=C: the landscape, with its ``seq``."""
    hub: Hub = request.app.state.hub
    record = await hub.session(request.path_params["session_id"])
    if record is None:
        return _error(404, "not_found")
    refused = await _refusal(request, hub, record)
    if refused is not None:
        return refused
    actor = await hub.actor(record.id)
    territory = request.query_params.get("territoire") or None
    if territory is not None and territory not in actor.state.territories:
        return _error(400, "unknown_territory", "territoire: a territory id of the session (t1…)")
    landscapes: Landscapes = request.app.state.landscapes
    try:
        computed = await landscapes.get(actor, territory)
    except TimeoutError:
        return _error(503, "unavailable")
    return Response(
        computed.body, media_type="application/json", headers={"Cache-Control": "no-store"}
    )


async def _refusal(request: Request, hub: Hub, record: SessionRecord) -> Response | None:
    """None if the request may see the room's tallies: a token of the session, or its code."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token:
        access = await hub.access(record, token) if len(token) <= MAX_TOKEN else "bad_token"
        return _error(401, access) if isinstance(access, str) else None
    return _code_refusal(request, record.code)


def _code_refusal(request: Request, code: str) -> Response | None:
    """The join code, spent and admitted as every code look-up is (``limits.Guesses``)."""
    guesses: Guesses = request.app.state.guesses
    client = client_address(request)
    given = request.query_params.get("code", "")[:MAX_CODE].strip().upper()
    if given == code and guesses.admitted(client, given):
        return None
    if not guesses.spend(client, time.monotonic()):
        wait = {"Retry-After": str(guesses.retry_after())}
        return _error(429, "too_fast", "too many wrong join codes", wait)
    if given != code:
        return _error(401, "bad_code")
    guesses.admit(client, given)
    return None


def _error(
    status: int, code: str, detail: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = {"code": code, "message": message_for(code)}
    if detail:
        body["detail"] = detail
    return JSONResponse(body, status_code=status, headers=headers)
