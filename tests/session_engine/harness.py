"""A small given / when / then harness over the pure engine, in the spirit of h11's helpers.

    state = given(a_running_round()).when(PauseRound(), as_=FACILITATOR, now=T0).then(
        RoundPaused(round=1, remaining_ms=ROUND_MS)
    )
    given(a_running_round()).when(StartRound(), as_=FACILITATOR).then_rejected("round_running")

``given`` folds events with ``evolve`` (the givens are stated as events, never produced by
``decide``); ``when`` runs ``decide`` once, and checks on the way that it neither changed the
state it read nor gave a different answer the second time; ``then`` compares the exact events
and hands back the state they lead to; ``then_rejected`` compares the code and checks that the
state is exactly as it was.

The builders below describe one small session used throughout: territories ``t1`` (a QPV) and
``t2``, ``t3``; a two-round agenda of 20 minutes each; four participants ``p1``..``p4``; two
tables, ``p1`` hosting table 1 (``p1``, ``p2``) and ``p3`` hosting table 2 (``p3``, ``p4``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from session_engine.commands import Command
from session_engine.decide import Context, Role, decide
from session_engine.errors import MESSAGES, Rejected
from session_engine.events import (
    BallotCast,
    ConsentOpened,
    Event,
    ObjectionRaised,
    ParticipantJoined,
    ProposalPromoted,
    RoundEnded,
    RoundStarted,
    SessionClosed,
    SessionCreated,
    StatementProposed,
    StatementPublished,
    TablesSeated,
    VoteClosed,
    VoteOpened,
)
from session_engine.evolve import evolve
from session_engine.model import (
    Grade,
    HostPolicy,
    ParticipantRole,
    RoundKind,
    RoundSpec,
    StatementKind,
    TableSeating,
    Territory,
)
from session_engine.state import SessionState

__all__ = [
    "FACILITATOR",
    "GUEST",
    "MINUTE",
    "PROJECTOR",
    "ROUND_MS",
    "SYSTEM",
    "T0",
    "TERRITORIES",
    "VIEWER",
    "WORDING",
    "Outcome",
    "Scenario",
    "Sender",
    "a_proposal",
    "a_running_round",
    "a_seated_session",
    "a_session",
    "a_statement",
    "agenda",
    "an_adopted_proposal",
    "ballot",
    "closed_session",
    "consent_opened",
    "given",
    "joined",
    "objection_raised",
    "participant",
    "round_ended",
    "round_started",
    "seated",
    "table",
    "vote_closed",
    "vote_opened",
    "with_participants",
]

T0 = 1_790_000_000_000  # a fixed "now", in ms since the epoch
MINUTE = 60_000
ROUND_MS = 20 * MINUTE

Givens = Event | Iterable[Event]


# --- who sends ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    """The ``actor`` and ``role`` half of a ``Context``."""

    actor: str
    role: Role

    def context(self, now: int, seed: int) -> Context:
        return Context(actor=self.actor, role=self.role, now=now, seed=seed)


FACILITATOR = Sender("facilitator", Role.FACILITATOR)
SYSTEM = Sender("system", Role.SYSTEM)
GUEST = Sender("guest", Role.GUEST)
PROJECTOR = Sender("projector", Role.PROJECTOR)
VIEWER = Sender("viewer", Role.VIEWER)


def participant(pid: str) -> Sender:
    return Sender(pid, Role.PARTICIPANT)


# --- given / when / then ------------------------------------------------------------------------


def _flatten(givens: Sequence[Givens]) -> list[Event]:
    events: list[Event] = []
    for item in givens:
        if isinstance(item, Iterable):
            events.extend(item)
        else:
            events.append(item)
    return events


def given(*givens: Givens) -> Scenario:
    """The state that these events (or lists of events) build, folded in order."""
    state = SessionState()
    for event in _flatten(givens):
        evolve(state, event)
    return Scenario(state)


@dataclass
class Scenario:
    state: SessionState

    def when(self, command: Command, *, as_: Sender, now: int = T0, seed: int = 0) -> Outcome:
        before = self.state.copy()
        ctx = as_.context(now, seed)
        result = decide(self.state, command, ctx)
        assert self.state == before, "decide changed the state it read"
        again = decide(self.state.copy(), command, ctx)
        assert again == result, "decide gave another answer to the same question"
        return Outcome(before=before, state=self.state, result=result)


@dataclass
class Outcome:
    before: SessionState
    state: SessionState
    result: list[Event] | Rejected

    @property
    def events(self) -> list[Event]:
        assert not isinstance(self.result, Rejected), f"rejected: {self.result.code}"
        return self.result

    def then(self, *expected: Event) -> SessionState:
        """Assert the exact events; return the state they lead to (the given one is kept)."""
        assert self.events == list(expected)
        after = self.state.copy()
        for event in self.events:
            evolve(after, event)
        return after

    def then_rejected(self, code: str) -> Rejected:
        assert code in MESSAGES, f"{code!r} is not a known rejection code"
        assert isinstance(self.result, Rejected), f"accepted: {self.result}"
        assert self.result.code == code
        assert self.result == Rejected.of(code)
        assert self.state == self.before, "a rejection changed the state"
        return self.result


# --- builders: events that state the givens -----------------------------------------------------

TERRITORIES = (
    Territory(id="t1", name="Franc-Moisin", commune="Saint-Denis", qpv=True),
    Territory(id="t2", name="Pleyel", commune="Saint-Denis", qpv=False),
    Territory(id="t3", name="Les Courtillières", commune="Pantin", qpv=True),
)


def agenda(rounds: int = 2, *, duration_ms: int = ROUND_MS) -> tuple[RoundSpec, ...]:
    return tuple(
        RoundSpec(
            kind=RoundKind.TABLE, prompt=f"Manche {n} : quels problèmes ?", duration_ms=duration_ms
        )
        for n in range(1, rounds + 1)
    )


def a_session(
    *,
    rounds: int = 2,
    territories: tuple[Territory, ...] = TERRITORIES,
    table_size: int = 2,
    host_policy: HostPolicy = HostPolicy.ROTATE,
) -> list[Event]:
    return [
        SessionCreated(
            title="Métrokawa de Plaine Commune",
            territories=territories,
            agenda=agenda(rounds),
            table_size=table_size,
            host_policy=host_policy,
        )
    ]


FORUM_THEMES = ("Propreté et déchets", "Transports", "Logement")


def a_forum(*, themes: tuple[str, ...] = FORUM_THEMES) -> list[Event]:
    """A programme's online phase: the same territories, no agenda, three themes."""
    return [
        SessionCreated(
            title="Forum numérique",
            territories=TERRITORIES,
            agenda=(),
            table_size=6,
            host_policy=HostPolicy.ROTATE,
            forum=True,
            themes=themes,
        )
    ]


def joined(
    pid: str,
    *,
    territory: str = "t1",
    role: ParticipantRole = ParticipantRole.HABITANT,
    pseudonym: str | None = None,
    stays_seated: bool = False,
    consent: bool = False,
) -> ParticipantJoined:
    return ParticipantJoined(
        participant=pid,
        pseudonym=pseudonym or f"Personne {pid}",
        territory=territory,
        role=role,
        stays_seated=stays_seated,
        consent=consent,
    )


def with_participants(n: int = 4, *, territories: int = 2) -> list[Event]:
    """``p1``..``pn``, territories dealt in turn (p1 in t1, p2 in t2, p3 in t1…)."""
    return [joined(f"p{i}", territory=f"t{(i - 1) % territories + 1}") for i in range(1, n + 1)]


def table(number: int, host: str | None, *members: str) -> TableSeating:
    return TableSeating(table=number, host=host, members=members)


DEFAULT_PLAN = (table(1, "p1", "p1", "p2"), table(2, "p3", "p3", "p4"))


def seated(*tables: TableSeating, seed: int = 0) -> list[Event]:
    return [TablesSeated(seed=seed, tables=tables or DEFAULT_PLAN)]


def round_started(number: int = 1, *, at: int = T0, duration_ms: int = ROUND_MS) -> list[Event]:
    return [RoundStarted(round=number, deadline=at + duration_ms)]


def round_ended(number: int = 1, *, reason: str = "facilitator") -> list[Event]:
    return [RoundEnded(round=number, reason=reason)]


def a_seated_session(*, rounds: int = 2) -> list[Event]:
    return [*a_session(rounds=rounds), *with_participants(4), *seated()]


def a_running_round(*, rounds: int = 2) -> list[Event]:
    """The default session with round 1 started at ``T0``, deadline ``T0 + ROUND_MS``."""
    return [*a_seated_session(rounds=rounds), *round_started(1)]


def a_statement(
    sid: str = "s1",
    *,
    author: str = "p2",
    text: str = "Les ascenseurs de la cité sont en panne un jour sur deux.",
    table_: int | None = 1,
    round_: int = 1,
    published: bool = True,
) -> list[Event]:
    proposed = StatementProposed(
        statement=sid,
        author=author,
        text=text,
        kind=StatementKind.PROBLEM,
        round=round_,
        table=table_,
    )
    return [proposed, StatementPublished(statement=sid)] if published else [proposed]


WORDING = "Réparer les ascenseurs sous huit jours."  # the wording of ``a_proposal``


def a_proposal(pid: str = "pr1", *, statement: str = "s1", text: str | None = None) -> list[Event]:
    """A published statement ``statement`` promoted to ``pid``."""
    events = a_statement(statement)
    wording = text or WORDING
    return [*events, ProposalPromoted(proposal=pid, statement=statement, text=wording)]


def vote_opened(vid: str = "v1", *proposals: str) -> list[Event]:
    return [VoteOpened(vote=vid, proposals=proposals or ("pr1",))]


def vote_closed(vid: str = "v1") -> list[Event]:
    return [VoteClosed(vote=vid)]


def ballot(vid: str, pid: str, **grades: Grade) -> list[Event]:
    return [BallotCast(vote=vid, participant=pid, grades=dict(grades))]


def an_adopted_proposal(
    pid: str = "pr1", *, statement: str = "s1", vote: str = "v1", grade: Grade = Grade.BIEN
) -> list[Event]:
    """``a_proposal``, then a vote ``vote`` on it alone where p1, p2 and p3 all gave ``grade``,
    closed: its majority grade is ``grade`` (adopted when at least Assez bien)."""
    return [
        *a_proposal(pid, statement=statement),
        *vote_opened(vote, pid),
        *(event for voter in ("p1", "p2", "p3") for event in ballot(vote, voter, **{pid: grade})),
        *vote_closed(vote),
    ]


def consent_opened(
    cid: str = "c1",
    proposal: str = "pr1",
    *,
    vote: str = "v1",
    grade: Grade = Grade.BIEN,
    text: str = WORDING,
) -> list[Event]:
    return [ConsentOpened(consent=cid, proposal=proposal, vote=vote, grade=grade, text=text)]


def objection_raised(
    oid: str = "o1",
    consent: str = "c1",
    *,
    author: str = "p2",
    text: str = "Huit jours, c’est trop long pour les personnes âgées.",
) -> list[Event]:
    return [ObjectionRaised(objection=oid, consent=consent, author=author, text=text)]


def closed_session() -> list[Event]:
    return [*a_running_round(), *round_ended(1, reason="session_closed"), SessionClosed()]
