"""The participants: what each one writes, reacts, annotates, synthesises and votes, paced by
the session's clock, from the population of ``simulation.population``.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Final, Protocol

from session_engine.commands import (
    Annotate,
    CastBallot,
    Command,
    JoinSession,
    ProposeStatement,
    SubmitSynthesis,
    TakePosition,
)
from session_engine.model import Grade, StatementKind

from .. import population
from ..population import AgendaItem, BankStatement, Person, TerritoryProfile
from .link import _acked, _Console, _Link
from .pacing import _MINUTE, _SECOND, _Clock, _Gate, _Tally

_POSITIONS_PER_ROUND: Final = 14
_REVISION_SHARE: Final = 0.1
_SEEN_ELSEWHERE_SHARE: Final = 0.8  # a statement already on screen is rarely written again

_BANK_BY_TEXT: Final[dict[str, BankStatement]] = {
    text: s for s in population.BANK for text in (s.text, s.variant) if text is not None
}


def _bank(text: str) -> BankStatement | None:
    return _BANK_BY_TEXT.get(text)


_Action = Callable[[], Awaitable[None]]


class _RoomView(Protocol):
    """What a participant sees of the room (``room._Room`` is one), written out here so that
    ``room`` imports this module and this module imports nothing of ``room``."""

    base: str
    session: str
    code: str
    tally: _Tally
    gate: _Gate
    console: _Console
    places: tuple[TerritoryProfile, ...]
    territory_id: dict[str, str]  # territory name -> id
    by_pid: dict[str, _Participant]
    present: list[_Participant]
    kept: dict[str, str]  # bank key -> the published statement saying it
    visible: list[str]  # published, in publication order

    def bank_of(self, sid: str) -> BankStatement: ...

    def retained(self, number: int, table: int) -> BankStatement | None: ...


class _Participant:
    def __init__(self, room: _RoomView, person: Person, rng: random.Random) -> None:
        self.room, self.person, self.rng = room, person, rng
        self.link = _Link(room.base, room.session, room.tally, code=room.code, keeps_events=False)
        self.pid: str | None = None
        self.positions: dict[str, int | None] = {}  # statement -> my last position
        self.this_round: list[str] = []

    async def send(self, command: Command) -> dict[str, Any] | None:
        return await self.link.command(command)

    async def join(self) -> bool:
        """Open a socket with the join code, join the session, keep the token."""
        await self.link.open(code=self.room.code)
        person = self.person
        answer = await self.send(
            JoinSession(
                pseudonym=person.pseudonym,
                territory=self.room.territory_id[person.territory.name],
                role=person.role,
                stays_seated=person.stays_seated,
                consent=person.consent,
            )
        )
        if answer is None or not _acked(answer):
            return False
        self.pid, self.link.token = answer["you"], answer["token"]
        self.room.by_pid[answer["you"]] = self
        await self.room.console.caught_up(answer["seq"])  # seated, for whoever reads the room
        return True

    # a table round

    def plan(self, item: AgendaItem, active_ms: int, earliest: int) -> list[tuple[int, _Action]]:
        """What this person will do this round, from ``earliest`` on: write, react, annotate."""
        rng, person, end = self.rng, self.person, active_ms - 30 * _SECOND
        actions: list[tuple[int, _Action]] = []
        kind = item.writes
        if kind is not None:
            writes = sum(rng.random() < item.write_rate * person.activity / 0.7 for _ in range(2))
            for offset in _offsets(rng, writes, max(earliest, _MINUTE), end * 3 // 5):
                actions.append((offset, partial(self.write, kind)))
        reactions = round(person.activity * _POSITIONS_PER_ROUND)
        for offset in _offsets(rng, reactions, max(earliest, 3 * _MINUTE), end):
            actions.append((offset, self.react))
        notes = (rng.random() < 0.5 * person.activity) + (rng.random() < 0.15)
        for offset in _offsets(rng, notes, max(earliest, 4 * _MINUTE), end):
            actions.append((offset, partial(self.annotate, item.compares)))
        return sorted(actions, key=lambda action: action[0])

    async def play_round(
        self, item: AgendaItem, clock: _Clock, active_ms: int, earliest: int = 0
    ) -> None:
        for offset, action in self.plan(item, active_ms, earliest):
            await clock.until(offset)
            async with self.room.gate.passage():
                await action()

    async def arrive_late(self, item: AgendaItem, clock: _Clock, active_ms: int) -> None:
        """Come in during the first round (the server seats late arrivals), then join in."""
        offset = self.rng.randrange(_MINUTE, max(2 * _MINUTE, min(12 * _MINUTE, active_ms // 2)))
        await clock.until(offset)
        async with self.room.gate.passage():
            joined = await self.join()
        if joined:
            self.room.present.append(self)
            await self.play_round(item, clock, active_ms, earliest=offset + _MINUTE)

    async def write(self, kind: StatementKind) -> None:
        bank = population.choose_statement(self.rng, self.person, kind)
        shown = self.room.kept.get(bank.key)
        if shown is not None and self.rng.random() < _SEEN_ELSEWHERE_SHARE:
            if shown not in self.positions:
                await self.take_position(shown)
            return
        text = bank.variant if shown is not None and bank.variant else bank.text
        await self.send(ProposeStatement(text=text, kind=bank.kind))

    async def react(self) -> None:
        """Take a position on a statement not seen yet, or now and then change one's mind."""
        if self.this_round and self.rng.random() < _REVISION_SHARE:
            sid = self.rng.choice(self.this_round)
            bank = self.room.bank_of(sid)
            value = population.revised_position(self.rng, self.person, bank, self.positions[sid])
            if _acked(await self.send(TakePosition(statement=sid, value=value))):
                self.positions[sid] = value
            return
        unseen = [sid for sid in self.room.visible if sid not in self.positions]
        if unseen:
            await self.take_position(self.rng.choice(unseen))

    async def take_position(self, sid: str) -> None:
        value = population.position(self.rng, self.person, self.room.bank_of(sid))
        if _acked(await self.send(TakePosition(statement=sid, value=value))):
            self.positions[sid] = value
            self.this_round.append(sid)

    async def annotate(self, compares: bool) -> None:
        """A note on a published statement (naming a place of another territory in the rounds
        that compare neighbourhoods) or on one's own table."""
        room, rng, person = self.room, self.rng, self.person
        elsewhere = [p for p in room.places if p is not person.territory]
        compare = compares and bool(elsewhere) and rng.random() < 0.6
        place_from = rng.choice(elsewhere) if compare else person.territory
        command: Annotate
        if room.visible and rng.random() < 0.65:
            sid = rng.choice(room.visible)
            theme = room.bank_of(sid).theme
            note = population.annotation_for(rng, place_from, theme, elsewhere=compare)
            command = Annotate(text=note.text, statement=sid, tags=note.tags, place=note.place)
        else:
            assert self.pid is not None
            table = room.console.state.participants[self.pid].table
            if table is None:
                return
            note = population.annotation_for(rng, place_from, None, elsewhere=compare)
            command = Annotate(text=note.text, table=table, tags=note.tags, place=note.place)
        await self.send(command)

    # after a round, and the vote

    async def synthesise(self, clock: _Clock, number: int, table: int) -> None:
        """As the table's host: the harvest, around the table's best-supported statement."""
        await clock.until(self.rng.randrange(20 * _SECOND, 2 * _MINUTE))
        state = self.room.console.state
        members = state.tables[table].members
        territories = len({state.participants[m].territory for m in members})
        text = population.synthesis_text(
            self.rng, table, territories, self.room.retained(number, table)
        )
        await self.send(SubmitSynthesis(text=text))

    async def vote(
        self, clock: _Clock, duration: int, vote: str, statements: dict[str, str]
    ) -> None:
        """Grade every proposal as my position on its statement says (made up now if none)."""
        await clock.until(self.rng.randrange(duration * 3 // 20, duration * 7 // 10))
        grades: dict[str, Grade] = {}
        for proposal, sid in statements.items():
            if sid in self.positions:
                value = self.positions[sid]
            else:
                value = population.position(self.rng, self.person, self.room.bank_of(sid))
            grades[proposal] = population.ballot_grade(self.rng, value)
        await self.send(CastBallot(vote=vote, grades=grades))


def _offsets(rng: random.Random, count: int, low: int, high: int) -> list[int]:
    return [rng.randrange(low, high) for _ in range(count)] if low < high else []
