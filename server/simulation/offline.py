"""The offline simulator: a whole Métrokawa driven through the engine in memory, as a ``.mkawa``.

``simulate_offline(participants, territories, rounds, seed)`` plays a morning of café-débat on a
``session_engine.Session``: the facilitator creates the session, people arrive over twenty
minutes and are seated, a few arrive late, then every round of the agenda runs on a synthetic
clock (people write, the facilitator moderates, people annotate and take positions, the ``system``
timer ends the round at its deadline, hosts submit their table's synthesis, tables rotate) and the
last round is the majority-judgment vote (and, when asked, ``voeux`` of the proposals it adopted
become vœux by consent). The result is the log as a replay file.

Everything comes from ``random.Random(seed)`` and a fixed synthetic start time: the same arguments
give the same bytes, whatever the machine, the day or ``PYTHONHASHSEED``. The people, what they
write and what they think come from ``population``; this module only sequences commands.
A rejected command means the simulator and the engine disagree: ``run_offline`` then raises.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import partial
from typing import Final

from session_engine import (
    Context,
    LogHeader,
    Rejected,
    Role,
    Session,
    pseudonymise,
    summarize,
    write_log,
)
from session_engine.codec import Envelope
from session_engine.commands import (
    AdoptVoeu,
    Annotate,
    CastBallot,
    CloseSession,
    CloseVote,
    Command,
    CreateSession,
    EndRound,
    ExtendRound,
    HideStatement,
    JoinSession,
    MergeStatements,
    NewTerritory,
    OpenConsent,
    OpenVote,
    PauseRound,
    PromoteProposal,
    ProposeStatement,
    PublishStatement,
    ResumeRound,
    RotateTables,
    SeatTables,
    StartRound,
    SubmitSynthesis,
    TakePosition,
)
from session_engine.decide_votes import ADOPTION_GRADE
from session_engine.events import (
    BallotCast,
    ParticipantJoined,
    PositionTaken,
    ProposalPromoted,
    StatementProposed,
)
from session_engine.logfile import without_command_ids
from session_engine.majority import rank, tally_vote
from session_engine.model import Grade, HostPolicy, RoundKind, RoundSpec, StatementKind
from session_engine.state import StatementStatus

from . import population
from .population import AgendaItem, BankStatement, Person, TerritoryProfile

__all__ = [
    "CREATED_AT_MS",
    "TITLE",
    "OfflineRun",
    "SimulationError",
    "SimulationStats",
    "run_offline",
    "simulate_offline",
]

# Saturday 28 November 2026, 09:30 in Paris (UTC+1 in winter): the synthetic morning starts here.
CREATED_AT_MS: Final = int(
    datetime(2026, 11, 28, 9, 30, tzinfo=timezone(timedelta(hours=1))).timestamp() * 1000
)
TITLE: Final = "Métrokawa du Grand Paris\u00a0: du quartier à la métropole"
TABLE_SIZE: Final = 6
MAX_PARTICIPANTS: Final = 1000
PROPOSALS: Final = 8  # statements promoted to the final vote
MAX_VOEUX: Final = 20  # vœux asked after the vote, at most (``_VOEU_STEP_MS`` apart, in its round)
# What the facilitator says when the room consents to a vœu: no objection was raised.
VOEU_OUTCOME: Final = (
    "Adopté par consentement, sans objection\u00a0: ce vœu sera porté au conseil municipal."
)

_SECOND: Final = 1000
_MINUTE: Final = 60 * _SECOND
_ARRIVALS_MS: Final = 20 * _MINUTE
_PAUSE_MS: Final = 3 * _MINUTE
_EXTENSION_MINUTES: Final = 5
_MODERATION_EVERY_MS: Final = 45 * _SECOND
_REVISION_SHARE: Final = 0.1
_SEEN_ELSEWHERE_SHARE: Final = 0.8  # a statement already on screen is rarely written again
_POSITIONS_PER_ROUND: Final = 14
_VOEU_STEP_MS: Final = 5 * _SECOND
_FACILITATOR: Final = "facilitator"
_SYSTEM: Final = "system"
# Same instant: the facilitator's clock commands first, then moderation, then the people.
_CLOCK, _MODERATION, _PEOPLE = 0, 1, 2


class SimulationError(RuntimeError):
    """The engine rejected commands the simulator thought well formed."""


@dataclass(frozen=True, slots=True)
class SimulationStats:
    events: int
    participants: int
    territories: int
    rounds: int
    statements: int
    published: int
    hidden: int
    merged: int
    positions: int  # PositionTaken events, changes of mind included (POSITIONS_TAKEN)
    positions_in_force: int  # at the end, on published statements (POSITIONS_IN_FORCE)
    annotations: int
    syntheses: int
    proposals: int
    ballots: int  # BallotCast events: one per voter
    size_bytes: int
    voeux: int = 0


@dataclass(frozen=True, slots=True)
class OfflineRun:
    data: bytes
    header: LogHeader
    stats: SimulationStats


def simulate_offline(participants: int, territories: int, rounds: int, seed: int) -> bytes:
    """The ``.mkawa`` bytes of a simulated session (see ``run_offline``)."""
    return run_offline(participants, territories, rounds, seed).data


def run_offline(
    participants: int, territories: int, rounds: int, seed: int, voeux: int = 0
) -> OfflineRun:
    """Simulate a whole session; ``ValueError`` (in French) for impossible sizes,
    ``SimulationError`` if the engine rejected any command. After the vote, up to ``voeux`` of the
    proposals it adopted, best first, become vœux by consent (0: none, the log as ever)."""
    if not 2 <= participants <= MAX_PARTICIPANTS:
        raise ValueError(
            f"Le nombre de participant·e·s doit être compris entre 2 et {MAX_PARTICIPANTS}."
        )
    places = population.territories(territories)
    items = population.agenda(rounds)
    rng = random.Random(seed)
    room = _Room(rng, places, population.people(rng, participants, places), items)
    room.voeux = voeux
    room.play()
    if room.rejections:
        shown = "; ".join(room.rejections[:5])
        raise SimulationError(f"{len(room.rejections)} commande(s) refusée(s) : {shown}")
    header = LogHeader(session=f"demo-{seed}", title=TITLE, created_at=CREATED_AT_MS)
    data = write_log(header, without_command_ids(pseudonymise(room.session.log)))
    return OfflineRun(data=data, header=header, stats=_stats(room, len(data)))


# --- the synthetic clock of one round -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _RoundClock:
    """Maps the round's active time (offsets, ms) to the wall clock around an optional pause."""

    start: int
    active_ms: int  # duration, plus the extension if there is one
    pause_at: int | None = None

    def wall(self, offset: int) -> int:
        paused = self.pause_at is not None and offset >= self.pause_at
        return self.start + offset + (_PAUSE_MS if paused else 0)


@dataclass(slots=True)
class _Timeline:
    """Actions in time order; at one instant, by rank, then in the order they were added."""

    queue: list[tuple[int, int, int, Callable[[int], object]]] = field(default_factory=list)
    added: int = 0

    def at(self, now: int, rank: int, action: Callable[[int], object]) -> None:
        self.added += 1
        heapq.heappush(self.queue, (now, rank, self.added, action))

    def run(self) -> None:
        """Run every action in order, including those added meanwhile."""
        while self.queue:
            now, _, _, action = heapq.heappop(self.queue)
            action(now)


# --- the room: the session, the people, what the simulator remembers ----------------------------


class _Room:
    def __init__(
        self,
        rng: random.Random,
        places: tuple[TerritoryProfile, ...],
        people: tuple[Person, ...],
        items: tuple[AgendaItem, ...],
    ) -> None:
        self.rng = rng
        self.places = places
        self.people = people
        self.items = items
        self.session = Session()
        self.rejections: list[str] = []
        self.sent: dict[str, int] = {}  # actor -> commands sent, for command ids
        self.person: dict[str, Person] = {}  # participant id -> who they are
        self.territory_id = {p.key: f"t{i}" for i, p in enumerate(places, start=1)}
        self.bank_of: dict[str, BankStatement] = {}  # statement id -> what it says
        self.kept: dict[str, str] = {}  # bank key -> the published statement id
        self.pending: list[str] = []  # proposed, not moderated yet
        self.visible: list[str] = []  # published, in publication order
        self.seen: dict[str, set[str]] = {}  # participant -> statements they took a position on
        self.this_round: dict[str, list[str]] = {}  # participant -> positions taken this round
        self.voeux = 0  # adopted proposals to turn into vœux after the vote

    # sending

    def send(
        self, command: Command, actor: str, role: Role, now: int, seed: int = 0
    ) -> list[Envelope]:
        number = self.sent[actor] = self.sent.get(actor, 0) + 1
        ctx = Context(actor=actor, role=role, now=now, seed=seed)
        result = self.session.handle(command, ctx, cmd=f"{actor}-{number:04d}")
        if isinstance(result, Rejected):
            self.rejections.append(f"{type(command).__name__} ({actor}) → {result.code}")
            return []
        return result

    def facilitate(self, command: Command, now: int, seed: int = 0) -> list[Envelope]:
        return self.send(command, _FACILITATOR, Role.FACILITATOR, now, seed)

    def act(self, pid: str, command: Command, now: int) -> list[Envelope]:
        return self.send(command, pid, Role.PARTICIPANT, now)

    def draw_seed(self) -> int:
        return self.rng.getrandbits(31)

    # the session, from creation to closing

    def play(self) -> None:
        now = CREATED_AT_MS
        self.facilitate(_create_command(self.places, self.items), now)
        on_time = [p for p in self.people if not p.late]
        now = self.arrive(on_time, now)
        now += 2 * _MINUTE
        self.facilitate(SeatTables(), now, seed=self.draw_seed())
        now += 3 * _MINUTE
        table_rounds = sum(item.kind is not RoundKind.VOTE for item in self.items)
        for number, item in enumerate(self.items, start=1):
            if number > 1:
                now = self.between_rounds(now)
            if item.kind is RoundKind.VOTE:
                now = _vote_round(self, now)
            else:
                plan = _Interruptions(
                    pause=number == min(2, table_rounds), extend=number == table_rounds
                )
                now = _table_round(self, number, item, now, plan)
        self.facilitate(CloseSession(), now + 2 * _MINUTE)

    def arrive(self, people: list[Person], now: int) -> int:
        times = sorted(now + self.rng.randrange(_MINUTE, _ARRIVALS_MS) for _ in people)
        for person, at in zip(people, times, strict=True):
            self.join(person, at)
        return times[-1] if times else now

    def join(self, person: Person, now: int) -> str | None:
        """The participant id the engine gave ``person`` (``None`` if refused)."""
        guest = f"guest-{len(self.person) + 1}"
        command = JoinSession(
            pseudonym=person.pseudonym,
            territory=self.territory_id[person.territory.key],
            role=person.role,
            stays_seated=person.stays_seated,
            consent=person.consent,
        )
        for envelope in self.send(command, guest, Role.GUEST, now):
            if isinstance(envelope.event, ParticipantJoined):
                pid = envelope.event.participant
                self.person[pid] = person
                self.seen[pid] = set()
                return pid
        return None

    def between_rounds(self, ended: int) -> int:
        """Syntheses are in; a short break; travellers move; the next round starts."""
        self.facilitate(RotateTables(), ended + 3 * _MINUTE, seed=self.draw_seed())
        return ended + 6 * _MINUTE

    # moderation, seen from the facilitator's console

    def moderate(self, now: int) -> None:
        """Publish what is new, fold duplicates into the statement already published, hide what
        is off topic."""
        pending, self.pending = self.pending, []
        for sid in pending:
            bank = self.bank_of[sid]
            if bank.off_topic:
                self.facilitate(HideStatement(statement=sid), now)
            elif bank.key in self.kept:
                self.facilitate(MergeStatements(statement=sid, into=self.kept[bank.key]), now)
            elif self.facilitate(PublishStatement(statement=sid), now):
                self.kept[bank.key] = sid
                self.visible.append(sid)

    # what people do

    def write(self, pid: str, kind: StatementKind, now: int) -> None:
        person = self.person[pid]
        bank = population.choose_statement(self.rng, person, kind)
        shown = self.kept.get(bank.key)
        if shown is not None and self.rng.random() < _SEEN_ELSEWHERE_SHARE:
            if shown not in self.seen[pid]:
                self.take_position(pid, shown, now)
            return
        text = bank.variant if shown is not None and bank.variant else bank.text
        for envelope in self.act(pid, ProposeStatement(text=text, kind=bank.kind), now):
            if isinstance(envelope.event, StatementProposed):
                self.bank_of[envelope.event.statement] = bank
                self.pending.append(envelope.event.statement)

    def react(self, pid: str, now: int) -> None:
        """Take a position on a statement not yet seen, or now and then change one's mind."""
        mine = self.this_round.setdefault(pid, [])
        if mine and self.rng.random() < _REVISION_SHARE:
            sid = self.rng.choice(mine)
            first = self.session.state.positions.get((pid, sid))
            value = population.revised_position(
                self.rng, self.person[pid], self.bank_of[sid], first
            )
            self.act(pid, TakePosition(statement=sid, value=value), now)
            return
        unseen = [sid for sid in self.visible if sid not in self.seen[pid]]
        if unseen:
            self.take_position(pid, self.rng.choice(unseen), now)

    def take_position(self, pid: str, sid: str, now: int) -> None:
        value = population.position(self.rng, self.person[pid], self.bank_of[sid])
        if self.act(pid, TakePosition(statement=sid, value=value), now):
            self.seen[pid].add(sid)
            self.this_round.setdefault(pid, []).append(sid)

    def annotate(self, pid: str, compares: bool, now: int) -> None:
        """A note on a published statement (naming a place of another territory in the rounds
        that compare neighbourhoods) or on one's own table."""
        person = self.person[pid]
        elsewhere = [p for p in self.places if p is not person.territory]
        compare = compares and bool(elsewhere) and self.rng.random() < 0.6
        place_from = self.rng.choice(elsewhere) if compare else person.territory
        if self.visible and self.rng.random() < 0.65:
            sid = self.rng.choice(self.visible)
            theme = self.bank_of[sid].theme
            note = population.annotation_for(self.rng, place_from, theme, elsewhere=compare)
            command = Annotate(text=note.text, statement=sid, tags=note.tags, place=note.place)
        else:
            note = population.annotation_for(self.rng, place_from, None, elsewhere=compare)
            table = self.session.state.participants[pid].table
            command = Annotate(text=note.text, table=table, tags=note.tags, place=note.place)
        self.act(pid, command, now)


def demo_session_command(territories: int = 6, rounds: int = 4) -> CreateSession:
    """The programme's usual session: its territories and agenda, ready to create live."""
    return _create_command(population.territories(territories), population.agenda(rounds))


def _create_command(
    places: tuple[TerritoryProfile, ...], items: tuple[AgendaItem, ...]
) -> CreateSession:
    return CreateSession(
        title=TITLE,
        territories=tuple(NewTerritory(name=p.name, commune=p.commune, qpv=p.qpv) for p in places),
        agenda=tuple(
            RoundSpec(kind=item.kind, prompt=item.prompt, duration_ms=item.minutes * _MINUTE)
            for item in items
        ),
        table_size=TABLE_SIZE,
        host_policy=HostPolicy.ROTATE,
    )


# --- a table round ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Interruptions:
    """Once in the session the facilitator pauses a round (a plenary word) and extends one."""

    pause: bool
    extend: bool


def _table_round(
    room: _Room, number: int, item: AgendaItem, start: int, plan: _Interruptions
) -> int:
    """Play one table round from its start; the time the last synthesis came in."""
    room.facilitate(StartRound(), start)
    room.this_round = {}
    duration = item.minutes * _MINUTE
    clock = _RoundClock(
        start=start,
        active_ms=duration + (_EXTENSION_MINUTES * _MINUTE if plan.extend else 0),
        pause_at=duration * 2 // 5 if plan.pause else None,
    )
    timeline = _Timeline()
    _schedule_facilitator(room, timeline, clock, plan, duration)
    late = [p for p in room.people if p.late] if number == 1 else []
    for pid in list(room.person):
        _schedule_person(room, timeline, clock, item, pid, earliest=0)
    for person in late:
        _schedule_late_arrival(room, timeline, clock, item, person)
    timeline.run()
    deadline = _deadline(room)
    room.send(EndRound(), _SYSTEM, Role.SYSTEM, deadline)
    return _synthesise(room, number, deadline)


def _schedule_facilitator(
    room: _Room, timeline: _Timeline, clock: _RoundClock, plan: _Interruptions, duration: int
) -> None:
    for offset in range(90 * _SECOND, clock.active_ms, _MODERATION_EVERY_MS):
        timeline.at(clock.wall(offset), _MODERATION, room.moderate)
    if clock.pause_at is not None:
        pause_at = clock.start + clock.pause_at
        timeline.at(pause_at, _CLOCK, partial(room.facilitate, PauseRound()))
        timeline.at(pause_at + _PAUSE_MS, _CLOCK, partial(room.facilitate, ResumeRound()))
    if plan.extend:
        extend = ExtendRound(minutes=_EXTENSION_MINUTES)
        timeline.at(clock.wall(duration * 4 // 5), _CLOCK, partial(room.facilitate, extend))


def _offsets(room: _Room, count: int, low: int, high: int) -> list[int]:
    return [room.rng.randrange(low, high) for _ in range(count)] if low < high else []


def _schedule_person(
    room: _Room, timeline: _Timeline, clock: _RoundClock, item: AgendaItem, pid: str, earliest: int
) -> None:
    """What one person will do this round, from ``earliest`` on: write, react, annotate."""
    rng, person, end = room.rng, room.person[pid], clock.active_ms - 30 * _SECOND
    writes = sum(rng.random() < item.write_rate * person.activity / 0.7 for _ in range(2))
    kind = item.writes
    if kind is not None:
        for offset in _offsets(room, writes, max(earliest, _MINUTE), end * 3 // 5):
            timeline.at(clock.wall(offset), _PEOPLE, partial(room.write, pid, kind))
    reactions = round(person.activity * _POSITIONS_PER_ROUND)
    for offset in _offsets(room, reactions, max(earliest, 3 * _MINUTE), end):
        timeline.at(clock.wall(offset), _PEOPLE, partial(room.react, pid))
    notes = (rng.random() < 0.5 * person.activity) + (rng.random() < 0.15)
    for offset in _offsets(room, notes, max(earliest, 4 * _MINUTE), end):
        timeline.at(clock.wall(offset), _PEOPLE, partial(room.annotate, pid, item.compares))


def _schedule_late_arrival(
    room: _Room, timeline: _Timeline, clock: _RoundClock, item: AgendaItem, person: Person
) -> None:
    """Someone arriving during the round: the engine seats them, then they join in."""
    offset = room.rng.randrange(_MINUTE, 12 * _MINUTE)

    def arrive(now: int) -> None:
        pid = room.join(person, now)
        if pid is not None:
            _schedule_person(room, timeline, clock, item, pid, earliest=offset + _MINUTE)

    timeline.at(clock.wall(offset), _PEOPLE, arrive)


def _deadline(room: _Room) -> int:
    """When the ``system`` timer fires: the deadline the engine holds for the running round."""
    current = room.session.state.round
    if current is None or current.deadline is None:
        raise SimulationError("La manche en cours n'a pas d'heure de fin.")
    return current.deadline


def _synthesise(room: _Room, number: int, ended: int) -> int:
    """Each host sends the table's synthesis in the minutes after the round; the last time."""
    state = room.session.state
    current = state.round
    assert current is not None
    hosts = sorted(current.hosts.items())
    room.rng.shuffle(hosts)  # whoever is done first sends first
    support = _support(room)
    times = sorted(ended + room.rng.randrange(30 * _SECOND, 4 * _MINUTE) for _ in hosts)
    for (table, host), now in zip(hosts, times, strict=True):
        members = state.tables[table].members
        territories = len({state.participants[m].territory for m in members})
        retained = _retained(room, number, table, support)
        text = population.synthesis_text(room.rng, table, territories, retained)
        room.act(host, SubmitSynthesis(text=text), now)
    return times[-1] if times else ended


def _retained(
    room: _Room, number: int, table: int, support: dict[str, float]
) -> BankStatement | None:
    """The table's best-supported published statement of this round, if it wrote any."""
    state = room.session.state
    written = [
        s.id
        for s in state.statements.values()
        if s.round == number and s.table == table and s.status is StatementStatus.PUBLISHED
    ]
    if not written:
        return None
    return room.bank_of[max(written, key=lambda sid: (support.get(sid, 0.0), -written.index(sid)))]


def _support(room: _Room) -> dict[str, float]:
    """Mean position per statement (passes left out)."""
    totals: dict[str, list[int]] = {}
    for (_, sid), value in room.session.state.positions.items():
        if value is not None:
            totals.setdefault(sid, []).append(value)
    return {sid: sum(values) / len(values) for sid, values in totals.items()}


# --- the vote -----------------------------------------------------------------------------------


def _vote_round(room: _Room, start: int) -> int:
    """Promote the best-supported statements, let everyone grade them, close; the end time."""
    room.facilitate(StartRound(), start)
    proposals = _promote(room, start + _MINUTE)
    if proposals:
        opened = room.facilitate(OpenVote(proposals=tuple(proposals)), start + 2 * _MINUTE)
        vote = room.session.state.open_vote
        if opened and vote is not None:
            _ballots(room, vote.id, proposals, start)
            room.facilitate(CloseVote(vote=vote.id), start + 16 * _MINUTE)
            _adopt_voeux(room, vote.id, start + 16 * _MINUTE)
    deadline = _deadline(room)
    room.send(EndRound(), _SYSTEM, Role.SYSTEM, deadline)
    return deadline


def _adopt_voeux(room: _Room, vote: str, closed_at: int) -> None:
    """A consent round on each of the ``room.voeux`` best proposals the vote adopted, adopted at
    once as a vœu (nobody objects); five seconds apart, all before the round's deadline."""
    profiles = tally_vote(room.session.state.votes[vote])
    adopted = [r.proposal for r in rank(profiles) if r.majority_grade >= ADOPTION_GRADE]
    now = closed_at
    for proposal in adopted[: room.voeux]:
        now += _VOEU_STEP_MS
        if room.facilitate(OpenConsent(proposal=proposal), now):
            consent = room.session.state.open_consent
            assert consent is not None
            now += _VOEU_STEP_MS
            room.facilitate(AdoptVoeu(consent=consent.id, outcome=VOEU_OUTCOME), now)


def _promote(room: _Room, now: int) -> list[str]:
    """Up to ``PROPOSALS`` statements, ideas first, by mean support; their proposal ids."""
    support = _support(room)
    ranked = sorted(
        room.visible,
        key=lambda sid: (room.bank_of[sid].kind is not StatementKind.IDEA, -support.get(sid, -3.0)),
    )
    promoted: list[str] = []
    for sid in ranked[:PROPOSALS]:
        for envelope in room.facilitate(PromoteProposal(statement=sid), now):
            if isinstance(envelope.event, ProposalPromoted):
                promoted.append(envelope.event.proposal)
    return promoted


def _ballots(room: _Room, vote: str, proposals: list[str], start: int) -> None:
    """Every participant grades every proposal as their position on its statement says."""
    state = room.session.state
    statements = {pr: state.proposals[pr].statement for pr in proposals}
    voters = list(room.person)
    room.rng.shuffle(voters)
    times = sorted(start + room.rng.randrange(3 * _MINUTE, 14 * _MINUTE) for _ in voters)
    for pid, now in zip(voters, times, strict=True):
        grades = {pr: _grade(room, pid, sid) for pr, sid in statements.items()}
        room.act(pid, CastBallot(vote=vote, grades=grades), now)


def _grade(room: _Room, pid: str, sid: str) -> Grade:
    positions = room.session.state.positions
    if (pid, sid) in positions:
        value = positions[(pid, sid)]
    else:  # never saw it during the rounds: they make up their mind now
        value = population.position(room.rng, room.person[pid], room.bank_of[sid])
    return population.ballot_grade(room.rng, value)


# --- figures ------------------------------------------------------------------------------------


def _stats(room: _Room, size: int) -> SimulationStats:
    state = room.session.state
    log = room.session.log
    status = [s.status for s in state.statements.values()]
    return SimulationStats(
        events=len(log),
        participants=len(state.participants),
        territories=len(state.territories),
        rounds=len(state.rounds),
        statements=len(state.statements),
        published=status.count(StatementStatus.PUBLISHED),
        hidden=status.count(StatementStatus.HIDDEN),
        merged=status.count(StatementStatus.MERGED),
        positions=sum(isinstance(e.event, PositionTaken) for e in log),
        positions_in_force=summarize(state)["positions"],
        annotations=len(state.annotations),
        syntheses=len(state.syntheses),
        proposals=len(state.proposals),
        ballots=sum(isinstance(e.event, BallotCast) for e in log),
        size_bytes=size,
        voeux=len(state.voeux),
    )
