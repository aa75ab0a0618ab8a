"""The forum: the facilitator's console (moderating every hour of the forum's clock, closing it
after the last day) and the residents, each visiting on some of the days from a phone: a socket
opened for the visit (joining by the code on the first, by token after), a contribution now and
then, ratings, a comment, and the socket closed again.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, Final

from session_engine.commands import (
    Annotate,
    CloseSession,
    Command,
    HideStatement,
    JoinSession,
    MergeStatements,
    ProposeStatement,
    PublishStatement,
    TakePosition,
)
from session_engine.model import StatementKind
from session_engine.state import Statement, StatementStatus
from session_engine.typography import plural

from .. import population
from ..population import BankStatement, Person, TerritoryProfile
from ..wire.link import _acked, _Console, _Link, _Refused
from ..wire.pacing import _MINUTE, _Clock, _clock, _Tally
from ..wire.people import _bank
from ..wire.summary import WireSimulationError, _decimal, _n
from . import contributions
from .contributions import Visit
from .phone import Phone
from .summary import DAY_MS, ForumOptions, ForumSummary, TerritoryFigures

_MODERATION_EVERY_MS: Final = 60 * _MINUTE
_OPENING_AT_ONCE: Final = 32  # sockets being opened at the same time (the server's per-address cap)
_SEEN_ELSEWHERE_SHARE: Final = 0.8  # a contribution already on the map is rarely written again
_CLOCK_TURN_S: Final = 0.02  # how often the test clock file is written (wall seconds)
# The facilitator moderates through one more socket per so many residents (at most
# _MODERATORS): each socket stays under the server's per-connection rate, and a big forum's
# hourly queue is still moderated within the hour.
_RESIDENTS_PER_MODERATOR: Final = 250
_OPEN_ATTEMPTS: Final = 3  # sockets tried for one visit before the resident gives up
_OPEN_BACKOFF_S: Final = 0.5
_MODERATORS: Final = 8


class _Forum:
    def __init__(
        self,
        base: str,
        created: dict[str, Any],
        options: ForumOptions,
        people: tuple[Person, ...],
        places: tuple[TerritoryProfile, ...],
        say: Callable[[str], None],
    ) -> None:
        self.base, self.options, self.places, self.say = base, options, places, say
        self.session: str = created["id"]
        self.code: str = created["code"]
        self.token: str = created["facilitator_token"]
        links = created.get("links")
        links = links if isinstance(links, dict) else {}
        self.console_link = str(links.get("facilitator", f"{base}/f/{self.session}#token=…"))
        self.join_link = str(links.get("join", f"{base}/j/{self.code}"))
        self.projector_link = str(links.get("projector", f"{base}/p/{self.session}"))
        self.tally = _Tally()
        facilitator = _Link(base, self.session, self.tally, code=self.code, keeps_events=True)
        facilitator.token = self.token
        self.console = _Console(facilitator)
        self.moderators = [facilitator] + [
            _Link(base, self.session, self.tally, code=self.code, keeps_events=False, client=Phone)
            for _ in range(min(_MODERATORS, len(people) // _RESIDENTS_PER_MODERATOR))
        ]
        self.territory_id: dict[str, str] = {}
        self.residents = [
            _Resident(self, person, random.Random(options.seed * 100_003 + i))
            for i, person in enumerate(people)
        ]
        self.opening = asyncio.Semaphore(_OPENING_AT_ONCE)
        self.moderated: set[str] = set()
        self.kept: dict[str, str] = {}  # bank key -> the published contribution saying it
        self.visible: list[str] = []  # published, in publication order
        self.visits = 0
        self.missed = 0  # visits whose socket could not be opened
        self.passes = 0
        self.phase = "ouverture"

    def bank_of(self, sid: str) -> BankStatement:
        bank = _bank(self.console.state.statements[sid].text)
        assert bank is not None  # every contribution of this forum was written from the bank
        return bank

    def announce(self, phase: str, detail: str = "") -> None:
        self.phase = phase
        self.say(f"▶ {phase}{detail}")

    async def facilitate(self, command: Command) -> dict[str, Any] | None:
        return await self.console.link.command(command)

    async def tick(self, started: float, every_s: float) -> None:
        while True:
            await asyncio.sleep(every_s)
            t = self.tally
            self.say(
                f"  {_decimal(time.perf_counter() - started)} s, {self.phase} : "
                f"{_n(self.console.seq)} événements, {_n(self.visits)} visites, "
                f"{_n(t.sent)} commandes, {_n(t.acked)} acquittées, "
                f"{_n(sum(t.refused.values()))} refusées"
            )

    # the whole forum

    async def open_console(self) -> None:
        try:
            welcome = await self.console.link.open(token=self.token, after=0)  # every event
        except _Refused as refused:
            raise WireSimulationError(
                f"Le serveur refuse la console du forum ({refused.code})."
            ) from None
        await self.console.caught_up(welcome["seq"])
        state = self.console.state
        if not state.forum:
            raise WireSimulationError(
                f"Le serveur {self.base} a créé une session sans forum : il ne connaît pas "
                "encore la phase en ligne."
            )
        self.territory_id = {t.name: t.id for t in state.territories.values()}
        for link in self.moderators[1:]:
            link.token = self.token
            await link.open(token=self.token)

    async def play(self) -> None:
        """Every resident's visits, the facilitator moderating meanwhile; the forum closed after
        its last day."""
        await self.open_console()
        days = self.options.days
        clock = _clock(self.options.speed)
        turning = asyncio.create_task(self.turn_clock(clock))
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self.steer(clock, days))
                for resident in self.residents:
                    group.create_task(resident.come(clock, days))
            await self.moderate()  # what came in last
            self.announce("clôture", " du forum")
            await self.facilitate(CloseSession())
            await self.console.until(lambda state: state.closed)
        finally:
            turning.cancel()

    async def steer(self, clock: _Clock, days: int) -> None:
        """Announce each day; moderate every hour of the forum's clock (an hour whose queue took
        longer is followed at once by the next)."""
        async with asyncio.TaskGroup() as group:
            group.create_task(self.announce_days(clock, days))
            for offset in range(0, days * DAY_MS, _MODERATION_EVERY_MS):
                await clock.until(offset)
                await self.moderate()
        await clock.until(days * DAY_MS)

    async def announce_days(self, clock: _Clock, days: int) -> None:
        for day in range(days):
            await clock.until(day * DAY_MS)
            shown = plural(len(self.visible), "contribution publiée", "contributions publiées")
            self.announce(f"jour {day + 1}/{days}", f" : {shown}")

    async def turn_clock(self, clock: _Clock) -> None:
        """With ``clock_file`` (tests): write the forum's time where the server reads its own.
        It stops a minute before the end of the last day: whatever the last moderation and the
        closing take on a busy machine, they are dated on the forum's last day."""
        path = self.options.clock_file
        if path is None:
            return
        opened_ms = time.time_ns() // 1_000_000
        last_ms = opened_ms + self.options.days * DAY_MS - _MINUTE
        loop = asyncio.get_running_loop()
        while True:
            elapsed_ms = round((loop.time() - clock.start) * clock.speed * 1000)
            now = min(last_ms, opened_ms + elapsed_ms)
            scratch = f"{path}.{os.getpid()}"
            with open(scratch, "w", encoding="ascii") as file:
                file.write(str(now))
            os.replace(scratch, path)  # the server never reads half a number
            await asyncio.sleep(_CLOCK_TURN_S)

    async def moderate(self) -> None:
        """Publish what is new, fold a contribution into the one already published that says
        the same, hide what is off topic. The queue is shared among the facilitator's sockets,
        all the contributions saying the same thing on one socket, in the order they came (so
        that the first is published and the others merged into it)."""
        pending = [
            s
            for s in self.console.state.statements.values()
            if s.status is StatementStatus.PROPOSED and s.id not in self.moderated
        ]
        shares: list[list[Statement]] = [[] for _ in self.moderators]
        slots: dict[str, int] = {}
        for statement in pending:
            self.moderated.add(statement.id)
            bank = _bank(statement.text)
            key = statement.id if bank is None else bank.key
            shares[slots.setdefault(key, len(slots) % len(shares))].append(statement)
        async with asyncio.TaskGroup() as group:
            for link, share in zip(self.moderators, shares, strict=True):
                group.create_task(self.moderate_share(link, share))

    async def moderate_share(self, link: _Link, share: list[Statement]) -> None:
        for statement in share:
            bank = _bank(statement.text)
            if bank is None or bank.off_topic:
                await link.command(HideStatement(statement=statement.id))
            elif bank.key in self.kept:
                await link.command(
                    MergeStatements(statement=statement.id, into=self.kept[bank.key])
                )
            elif _acked(await link.command(PublishStatement(statement=statement.id))):
                self.kept[bank.key] = statement.id
                self.visible.append(statement.id)

    async def hang_up(self) -> None:
        links = [*self.moderators, *(r.link for r in self.residents)]
        await asyncio.gather(*(link.close() for link in links))

    def summary(self, *, completed: bool, failure: str | None, started: float) -> ForumSummary:
        state = self.console.state
        statements = list(state.statements.values())
        status = Counter(s.status for s in statements)
        kinds = Counter(s.kind for s in statements)
        residents = Counter(p.territory for p in state.participants.values())
        written = Counter(s.territory for s in statements)
        tally = self.tally
        return ForumSummary(
            url=self.base,
            session=self.session,
            code=self.code,
            facilitator_token=self.token,
            console=self.console_link,
            join=self.join_link,
            projector=self.projector_link,
            completed=completed,
            failure=failure,
            closed=state.closed,
            participants=len(state.participants),
            territories=len(state.territories),
            themes=len(state.themes),
            days=self.options.days,
            speed=self.options.speed,
            visits=self.visits,
            missed_visits=self.missed,
            events=self.console.seq,
            sent=tally.sent,
            acked=tally.acked,
            refused=sum(tally.refused.values()),
            refused_by_code=dict(sorted(tally.refused.items())),
            unanswered=tally.unanswered,
            reconnections=tally.reconnections,
            latency_ms=tally.latency_ms(),
            elapsed_s=round(time.perf_counter() - started, 2),
            contributions=len(statements),
            problems=kinds[StatementKind.PROBLEM],
            ideas=kinds[StatementKind.IDEA],
            with_address=sum(
                s.place is not None and s.place.address is not None for s in statements
            ),
            with_point=sum(s.place is not None and s.place.lat is not None for s in statements),
            published=status[StatementStatus.PUBLISHED],
            merged=status[StatementStatus.MERGED],
            hidden=status[StatementStatus.HIDDEN],
            ratings=tally.applied["TakePosition"],
            passes=self.passes,
            comments=tally.applied["Annotate"],
            by_territory=tuple(
                TerritoryFigures(t.name, residents[t.id], written[t.id])
                for t in state.territories.values()
            ),
        )


class _Resident:
    """One resident: their visits, each on a socket of its own."""

    def __init__(self, forum: _Forum, person: Person, rng: random.Random) -> None:
        self.forum, self.person, self.rng = forum, person, rng
        self.link = _Link(
            forum.base,
            forum.session,
            forum.tally,
            code=forum.code,
            keeps_events=False,
            client=Phone,
        )
        self.pid: str | None = None
        self.rated: dict[str, int | None] = {}  # contribution -> my rating (None: I passed)

    async def send(self, command: Command) -> dict[str, Any] | None:
        return await self.link.command(command)

    async def come(self, clock: _Clock, days: int) -> None:
        for visit in contributions.visits(self.rng, self.person, days):
            await clock.until(visit.at_ms)
            await self.visit(visit)

    async def visit(self, visit: Visit) -> None:
        """Open a socket (join on the first visit), do what the visit does, hang up. A visit
        whose socket cannot be opened after a few tries is missed, as a phone gives up."""
        forum = self.forum
        async with forum.opening:
            if self.pid is None:
                opened = await self.open(code=forum.code) and await self.join()
            else:
                opened = await self.open(token=self.link.token)
        if not opened:
            forum.missed += 1
            await self.link.close()
            return
        forum.visits += 1
        try:
            if visit.writes is not None:
                await self.write(visit.writes)
            await self.rate(visit.ratings)
            if visit.comments:
                await self.comment()
        finally:
            await self.link.close()

    async def open(self, **hello: Any) -> bool:
        for attempt in range(_OPEN_ATTEMPTS):
            if attempt:
                await self.link.close()
                await asyncio.sleep(_OPEN_BACKOFF_S * 2**attempt)
            self.link.renew()
            try:
                await self.link.open(**hello)
            except _Refused:
                raise  # a wrong code or token: the simulator's bug or the wrong server
            except WireSimulationError:
                continue  # no answer in time, the connection cut: try again
            return True
        return False

    async def join(self) -> bool:
        person = self.person
        answer = await self.send(
            JoinSession(
                pseudonym=person.pseudonym,
                territory=self.forum.territory_id[person.territory.name],
                role=person.role,
                consent=person.consent,
            )
        )
        if answer is None or not _acked(answer):
            return False
        self.pid, self.link.token = answer["you"], answer["token"]
        return True

    async def write(self, kind: StatementKind) -> None:
        """A problem or an idea of their territory, often placed; or, when the same thing is
        already on the map, most often a rating of it instead."""
        forum, rng = self.forum, self.rng
        bank = contributions.choose(rng, self.person, kind)
        shown = forum.kept.get(bank.key)
        if shown is not None and rng.random() < _SEEN_ELSEWHERE_SHARE:
            if shown not in self.rated:
                await self.rate_one(shown)
            return
        text = bank.variant if shown is not None and bank.variant else bank.text
        place = contributions.contribution_place(rng, self.person.territory)
        theme = contributions.theme_of(bank)
        await self.send(ProposeStatement(text=text, kind=bank.kind, place=place, theme=theme))

    async def rate(self, count: int) -> None:
        unseen = [sid for sid in self.forum.visible if sid not in self.rated]
        for sid in self.rng.sample(unseen, min(count, len(unseen))):
            await self.rate_one(sid)

    async def rate_one(self, sid: str) -> None:
        value = population.position(self.rng, self.person, self.forum.bank_of(sid))
        if _acked(await self.send(TakePosition(statement=sid, value=value))):
            self.rated[sid] = value
            self.forum.passes += value is None

    async def comment(self) -> None:
        """A comment on a contribution they rated (or any published one)."""
        forum, rng = self.forum, self.rng
        choices = list(self.rated) or forum.visible
        if not choices:
            return
        sid = rng.choice(choices)
        theme = forum.bank_of(sid).theme
        note = population.annotation_for(rng, self.person.territory, theme, elsewhere=False)
        await self.send(Annotate(text=note.text, statement=sid, tags=note.tags, place=note.place))
