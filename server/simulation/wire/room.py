"""The room: the facilitator running the agenda (arrivals, seating, table rounds with
moderation, a pause and an extension, the vote, the vœux adopted by consent, the closing) and
the people in it. The session is the one the simulator created, or one it was given a console
link of (``first``: the number of its first round not started yet).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any, Final

from session_engine.commands import (
    AdoptVoeu,
    CloseSession,
    CloseVote,
    Command,
    EndRound,
    ExtendRound,
    HideStatement,
    MergeStatements,
    OpenConsent,
    OpenVote,
    PauseRound,
    PromoteProposal,
    PublishStatement,
    ResumeRound,
    RotateTables,
    SeatTables,
    StartRound,
)
from session_engine.decide_votes import ADOPTION_GRADE
from session_engine.majority import rank
from session_engine.model import RoundKind, StatementKind
from session_engine.state import RoundStatus, StatementStatus
from session_engine.typography import plural

from .. import population
from ..offline import PROPOSALS, VOEU_OUTCOME
from ..population import AgendaItem, BankStatement, Person, TerritoryProfile, Theme
from .link import _acked, _Console, _Link, _Refused
from .pacing import _MINUTE, _SECOND, _Clock, _clock, _Gate, _Tally
from .people import _Action, _bank, _Participant
from .summary import WireOptions, WireSimulationError, WireSummary, _decimal, _n

_ARRIVALS_MS: Final = 5 * _MINUTE  # on-time people come in over five minutes
_EXTENSION_MINUTES: Final = 5
_MODERATION_EVERY_MS: Final = 45 * _SECOND
_OPENING_AT_ONCE: Final = 32  # sockets being opened at the same time during the arrivals


class _Room:
    def __init__(
        self,
        base: str,
        created: dict[str, Any],
        options: WireOptions,
        items: tuple[AgendaItem, ...],
        people: tuple[Person, ...],
        rng: random.Random,
        say: Callable[[str], None],
        *,
        places: tuple[TerritoryProfile, ...] | None = None,
        first: int = 1,
    ) -> None:
        self.base, self.options, self.items, self.rng, self.say = base, options, items, rng, say
        self.first = first  # the session's number of ``items[0]``
        self.session: str = created["id"]
        self.code: str = created["code"]
        self.token: str = created["facilitator_token"]
        links = created.get("links")
        links = links if isinstance(links, dict) else {}
        self.console_link = str(links.get("facilitator", f"{base}/f/{self.session}#token=…"))
        self.join_link = str(links.get("join", f"{base}/j/{self.code}"))
        self.projector_link = str(links.get("projector", f"{base}/p/{self.session}"))
        self.speed = options.clock_speed
        self.places = places or population.territories(options.territories)
        self.tally = _Tally()
        self.gate = _Gate()
        facilitator = _Link(base, self.session, self.tally, code=self.code, keeps_events=True)
        facilitator.token = self.token
        self.console = _Console(facilitator)
        self.territory_id: dict[str, str] = {}
        self.people = [
            _Participant(self, person, random.Random(options.seed * 100_003 + i))
            for i, person in enumerate(people)
        ]
        self.present: list[_Participant] = []  # joined, in the order they came in
        self.by_pid: dict[str, _Participant] = {}
        self.moderated: set[str] = set()
        self.kept: dict[str, str] = {}  # bank key -> the published statement saying it
        self.visible: list[str] = []  # published, in publication order
        self.imported: dict[str, BankStatement] = {}  # published before us, not from the bank
        self.opened = False
        self.phase = "connexion"

    @property
    def rounds(self) -> int:
        """The session's number of rounds."""
        return self.first - 1 + len(self.items)

    async def facilitate(self, command: Command) -> dict[str, Any] | None:
        return await self.console.link.command(command)

    def bank_of(self, sid: str) -> BankStatement:
        bank = _bank(self.console.state.statements[sid].text) or self.imported.get(sid)
        assert bank is not None  # what we publish was written from the bank, or was there
        return bank

    def announce(self, phase: str, detail: str = "") -> None:
        self.phase = phase
        self.say(f"▶ {phase}{detail}")

    async def tick(self, started: float, every_s: float) -> None:
        while True:
            await asyncio.sleep(every_s)
            t = self.tally
            self.say(
                f"  {_decimal(time.perf_counter() - started)} s, {self.phase} : "
                f"{_n(self.console.seq)} événements, {_n(t.sent)} commandes, "
                f"{_n(t.acked)} acquittées, {_n(sum(t.refused.values()))} refusées"
            )

    # the whole session

    async def open_console(self) -> None:
        """Open the console's socket and read the whole log: what the room is already."""
        try:
            welcome = await self.console.link.open(token=self.token, after=0)  # every event
        except _Refused as refused:
            if refused.code == "revoked":
                raise WireSimulationError(
                    "Ce lien de co-animation a été retiré : le serveur le refuse."
                ) from None
            raise WireSimulationError(
                f"Le serveur refuse ce lien de console ({refused.code}) : son jeton n'ouvre pas "
                f"la session {self.session} (lien incomplet, ou d'un autre serveur)."
            ) from None
        if welcome.get("role") != "facilitator":
            raise WireSimulationError(
                "Ce lien n'est pas celui d'une console d'animation (ni d'une co-animation)."
            )
        self.opened = True
        await self.console.caught_up(welcome["seq"])
        state = self.console.state
        self.territory_id = {t.name: t.id for t in state.territories.values()}
        for statement in state.statements.values():  # imported, or written earlier
            if statement.status is StatementStatus.PUBLISHED:
                if _bank(statement.text) is None:
                    self.imported[statement.id] = BankStatement(
                        key=f"imported-{statement.id}",
                        theme=Theme.PARTICIPATION,
                        kind=statement.kind,
                        text=statement.text,
                    )
                self.kept.setdefault(self.bank_of(statement.id).key, statement.id)
                self.visible.append(statement.id)

    async def play(self) -> None:
        if not self.opened:
            await self.open_console()
        await self.arrivals()
        await self.seat()
        table_rounds = sum(item.kind is not RoundKind.VOTE for item in self.items)
        for index, item in enumerate(self.items, start=1):
            number = self.first + index - 1  # the round's number in the session
            if index > 1:
                await self.rotate()
            if item.kind is RoundKind.VOTE:
                await self.vote_round(number, item)
            else:
                pause, extend = index == min(2, table_rounds), index == table_rounds
                await self.table_round(number, item, pause=pause, extend=extend)
        await _clock(self.speed).until(_MINUTE)
        self.announce("clôture", " de la session")
        await self.facilitate(CloseSession())
        await self.console.until(lambda state: state.closed)

    async def arrivals(self) -> None:
        on_time = [p for p in self.people if not p.person.late]
        self.announce(
            "arrivées", f" : {len(on_time)} personnes rejoignent avec le code {self.code}"
        )
        clock = _clock(self.speed)
        offsets = sorted(self.rng.randrange(_ARRIVALS_MS) for _ in on_time)
        opening = asyncio.Semaphore(_OPENING_AT_ONCE)

        async def arrive(participant: _Participant, offset: int) -> None:
            await clock.until(offset)
            async with opening:
                if await participant.join():
                    self.present.append(participant)

        async with asyncio.TaskGroup() as group:
            for participant, offset in zip(on_time, offsets, strict=True):
                group.create_task(arrive(participant, offset))
        await clock.until(_ARRIVALS_MS + _MINUTE)

    async def seat(self) -> None:
        """Seat the room; tables seated earlier (a session played before) rotate instead."""
        seated = bool(self.console.state.tables)
        await self.facilitate(RotateTables() if seated else SeatTables())
        tables = self.console.state.tables
        self.announce("placement", f" : {len(self.present)} personnes à {len(tables)} tables")

    async def rotate(self) -> None:
        """Syntheses are in; a short break; travellers move; another short break."""
        clock = _clock(self.speed)
        await clock.until(_MINUTE)
        await self.facilitate(RotateTables())
        await clock.until(2 * _MINUTE)

    # a table round

    async def table_round(
        self, number: int, item: AgendaItem, *, pause: bool, extend: bool
    ) -> None:
        await self.facilitate(StartRound())
        self.announce(f"manche {number}/{self.rounds}", f" : « {item.prompt} »")
        duration = item.minutes * _MINUTE
        active = duration + (_EXTENSION_MINUTES * _MINUTE if extend else 0)
        clock = _clock(self.speed, pause_at=duration * 2 // 5 if pause else None)
        for participant in self.present:
            participant.this_round = []
        late = [p for p in self.people if p.person.late] if number == self.first else []
        async with asyncio.TaskGroup() as group:
            group.create_task(self.steer(clock, duration, active, extend))
            for participant in list(self.present):
                group.create_task(participant.play_round(item, clock, active))
            for participant in late:
                group.create_task(participant.arrive_late(item, clock, active))
        await self.moderate()  # what came in last
        await clock.until(active)
        await self.end_round(number)
        await self.harvest(number)

    async def steer(self, clock: _Clock, duration: int, active: int, extend: bool) -> None:
        """The facilitator during a round: moderate now and then, pause once, extend once."""
        actions: list[tuple[int, _Action]] = [
            (offset, self.moderate) for offset in range(90 * _SECOND, active, _MODERATION_EVERY_MS)
        ]
        if clock.pause_at is not None:
            actions.append((clock.pause_at, partial(self.pause, clock)))
        if extend:
            actions.append((duration * 4 // 5, self.extend))
        for offset, action in sorted(actions, key=lambda action: action[0]):
            await clock.until(offset)
            await action()

    async def pause(self, clock: _Clock) -> None:
        """A word in plenary: nobody writes meanwhile (whoever was writing finishes first)."""
        assert clock.pause_at is not None
        await self.gate.close()
        await self.facilitate(PauseRound())
        self.say("  pause : un mot en plénière")
        await clock.until(clock.pause_at + 1)  # the first instant after the pause
        await self.facilitate(ResumeRound())
        self.gate.open()

    async def extend(self) -> None:
        await self.facilitate(ExtendRound(minutes=_EXTENSION_MINUTES))
        self.say(f"  prolongation de {_EXTENSION_MINUTES} minutes")

    async def moderate(self) -> None:
        """Publish what is new, fold duplicates into the statement already published, hide what
        is off topic."""
        pending = [
            s
            for s in self.console.state.statements.values()
            if s.status is StatementStatus.PROPOSED and s.id not in self.moderated
        ]
        for statement in pending:
            self.moderated.add(statement.id)
            bank = _bank(statement.text)
            if bank is None or bank.off_topic:
                await self.facilitate(HideStatement(statement=statement.id))
            elif bank.key in self.kept:
                await self.facilitate(
                    MergeStatements(statement=statement.id, into=self.kept[bank.key])
                )
            elif _acked(await self.facilitate(PublishStatement(statement=statement.id))):
                self.kept[bank.key] = statement.id
                self.visible.append(statement.id)

    async def end_round(self, number: int) -> None:
        """The facilitator ends the round; in real time, the server's timer does at the deadline."""
        if not self.options.real_time:
            await self.facilitate(EndRound())
        await self.console.until(lambda state: state.rounds[number - 1].status is RoundStatus.ENDED)

    async def harvest(self, number: int) -> None:
        """Each host sends the table's synthesis in the minutes after the round."""
        current = self.console.state.round
        assert current is not None
        clock = _clock(self.speed)
        async with asyncio.TaskGroup() as group:
            for table, host in sorted(current.hosts.items()):
                if host in self.by_pid:
                    group.create_task(self.by_pid[host].synthesise(clock, number, table))

    def support(self) -> dict[str, float]:
        """Mean position per statement (passes left out), as the console reads it in the
        tallies: a statement with fewer than k voters shows none."""
        tallies = self.console.tallies
        means: dict[str, float] = {}
        for statement in tallies["statements"] if tallies else []:
            counts = statement["overall"]["counts"]
            if counts and sum(counts):
                means[statement["statement"]] = sum(
                    value * n for value, n in zip(range(-2, 3), counts, strict=True)
                ) / sum(counts)
        return means

    def retained(self, number: int, table: int) -> BankStatement | None:
        """The table's best-supported published statement of round ``number``, if it wrote any."""
        written = [
            s.id
            for s in self.console.state.statements.values()
            if s.round == number and s.table == table and s.status is StatementStatus.PUBLISHED
        ]
        if not written:
            return None
        support = self.support()
        best = max(written, key=lambda sid: (support.get(sid, 0.0), -written.index(sid)))
        return self.bank_of(best)

    # the vote

    async def vote_round(self, number: int, item: AgendaItem) -> None:
        """Promote the best-supported statements, let everyone grade them, close the vote."""
        await self.facilitate(StartRound())
        self.announce(f"manche {number}/{self.rounds}", f" : « {item.prompt} »")
        clock, duration = _clock(self.speed), item.minutes * _MINUTE
        await clock.until(duration // 20)
        await self.promote()
        proposals = {p.id: p.statement for p in self.console.state.proposals.values()}
        await clock.until(duration // 10)
        if proposals and _acked(await self.facilitate(OpenVote(proposals=tuple(proposals)))):
            vote = self.console.state.open_vote
            assert vote is not None
            self.say(f"  vote ouvert sur {len(proposals)} propositions")
            async with asyncio.TaskGroup() as group:
                for participant in self.present:
                    group.create_task(participant.vote(clock, duration, vote.id, proposals))
            await clock.until(duration * 4 // 5)
            await self.facilitate(CloseVote(vote=vote.id))
            if self.options.voeux:
                await self.adopt_voeux(vote.id)
        elif self.options.voeux:
            self.say("  aucune proposition à voter : pas de vœu")
        await self.end_round(number)

    async def promote(self) -> None:
        """Up to ``PROPOSALS`` statements, ideas first, by mean support."""
        support = self.support()
        ranked = sorted(
            self.visible,
            key=lambda sid: (
                self.bank_of(sid).kind is not StatementKind.IDEA,
                -support.get(sid, -3.0),
            ),
        )
        for sid in ranked[:PROPOSALS]:
            await self.facilitate(PromoteProposal(statement=sid))

    async def adopt_voeux(self, vote: str) -> None:
        """A consent round on each of the best adopted proposals, each adopted as a vœu (nobody
        objects), up to ``options.voeux``; the results are the console's tallies of the vote."""
        frame = await self.console.tallied(
            lambda tallies: any(
                v["vote"] == vote and v["profiles"] is not None for v in tallies["votes"]
            )
        )
        profiles = next(v["profiles"] for v in frame["votes"] if v["vote"] == vote)
        adopted = [r.proposal for r in rank(profiles) if r.majority_grade >= ADOPTION_GRADE]
        wanted = self.options.voeux
        voeux = 0
        for proposal in adopted[:wanted]:
            if not _acked(await self.facilitate(OpenConsent(proposal=proposal))):
                continue
            consent = self.console.state.open_consent
            assert consent is not None
            voeux += _acked(
                await self.facilitate(AdoptVoeu(consent=consent.id, outcome=VOEU_OUTCOME))
            )
        said = f"  {plural(voeux, 'vœu adopté', 'vœux adoptés')} par consentement"
        if len(adopted) < wanted:
            found = plural(len(adopted), "proposition adoptée", "propositions adoptées")
            said += f" ({plural(wanted, 'demandé', 'demandés')}, {found} au jugement majoritaire)"
        self.say(said)

    # the end

    async def hang_up(self) -> None:
        links = [self.console.link, *(p.link for p in self.people)]
        await asyncio.gather(*(link.close() for link in links))

    def summary(self, *, completed: bool, failure: str | None, started: float) -> WireSummary:
        state = self.console.state
        status = Counter(s.status for s in state.statements.values())
        tally = self.tally
        return WireSummary(
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
            rounds=len(state.rounds),
            speed=self.speed,
            real_time=self.options.real_time,
            events=self.console.seq,
            sent=tally.sent,
            acked=tally.acked,
            refused=sum(tally.refused.values()),
            refused_by_code=dict(sorted(tally.refused.items())),
            unanswered=tally.unanswered,
            reconnections=tally.reconnections,
            latency_ms=tally.latency_ms(),
            elapsed_s=round(time.perf_counter() - started, 2),
            statements=len(state.statements),
            published=status[StatementStatus.PUBLISHED],
            merged=status[StatementStatus.MERGED],
            hidden=status[StatementStatus.HIDDEN],
            positions=tally.applied["TakePosition"],
            positions_in_force=sum(
                state.statements[sid].status is StatementStatus.PUBLISHED
                for person in self.people
                for sid in person.positions
            ),
            annotations=len(state.annotations),
            syntheses=len(state.syntheses),
            proposals=len(state.proposals),
            ballots=tally.applied["CastBallot"],
            voeux=len(state.voeux),
        )
