"""Property tests of the pure session engine (DESIGN §8.1).

``SessionMachine`` drives one ``Session`` with random command sequences sent by every role
(facilitator, known and unknown participants, hosts, the system clock, guests, the projector and
the replay viewer) while the clock moves on, now and then past the round's deadline. It keeps its
own small model of the session, built from the events it sees, and checks:

* event by event: ``seq`` runs on without gap; nothing is accepted after ``SessionClosed``; who
  may cause which event (facilitator-only events come from the facilitator, or from the system
  for a deadline ``RoundEnded``; a participant's events name that participant, and nobody else);
  positions only on statements published at the time, in a running round, valued -2..2 or pass;
  ballots only in an open vote, never re-grading a (participant, proposal) pair; the round clock;
* command by command: the sender checks of ``PERMISSIONS``, the closed session and the phase
  table ``PHASES`` give the documented rejection, and a rejection changes neither state nor log;
* after every step (``@invariant``): the seating plan (nobody at two tables, members in the
  session, ``participant.table`` agrees with the plan, hosts sit at their table, people who stay
  seated move only when the facilitator moves them), an open round's hosts are the plan's, who
  left is gone from everything computed (no table, a neutral name, no position nor ballot once
  erased or merged), the agenda is the one decided, the rounds and votes,
  ``replay(log) == state``, the same through the codec, and the exported log (names and
  erasures hidden) replays to what the live session computes.

Plain ``@given`` tests then check that a seeded scripted session gives byte-identical logs, in
this process and in two processes with different ``PYTHONHASHSEED``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from session_engine.codec import Envelope
from session_engine.commands import (
    COMMAND_TYPES,
    AbandonConsent,
    AddCoFacilitator,
    AddParticipant,
    AddRound,
    AddTerritory,
    AdoptVoeu,
    Annotate,
    CastBallot,
    ChangeTableSize,
    CloseSession,
    CloseVote,
    Command,
    CreateSession,
    EditRound,
    EndRound,
    EnterPaperBallots,
    ExtendRound,
    HandOverHost,
    HideResults,
    HideStatement,
    ImportStatement,
    IssueTableTablet,
    JoinSession,
    MergeParticipants,
    MergeStatements,
    MoveParticipant,
    NewTerritory,
    OpenConsent,
    OpenVote,
    PauseRound,
    PromoteProposal,
    ProposeStatement,
    PublishStatement,
    RaiseObjection,
    RecordBallot,
    RecordPosition,
    RemoveParticipant,
    RemoveRound,
    RenameTerritory,
    ResolveObjection,
    ResumeRound,
    RevokeCoFacilitator,
    RevokeTableTablet,
    RotateTables,
    SeatTables,
    ShowResults,
    StartRound,
    SubmitSynthesis,
    TakePosition,
)
from session_engine.decide import ADOPTION_GRADE, LIMITS, PERMISSIONS, PHASES, Context, Role
from session_engine.errors import MESSAGES, Rejected
from session_engine.events import (
    AnnotationAdded,
    BallotCast,
    CoFacilitatorAdded,
    CoFacilitatorRevoked,
    ConsentAbandoned,
    ConsentOpened,
    Event,
    HostHandedOver,
    ObjectionRaised,
    ObjectionResolved,
    PaperBallotsEntered,
    ParticipantJoined,
    ParticipantMoved,
    ParticipantRemoved,
    ParticipantSeated,
    ParticipantsMerged,
    PositionTaken,
    ProposalPromoted,
    ResultsHidden,
    ResultsShown,
    RoundAdded,
    RoundEdited,
    RoundEnded,
    RoundExtended,
    RoundPaused,
    RoundRemoved,
    RoundResumed,
    RoundStarted,
    SessionClosed,
    SessionCreated,
    StatementHidden,
    StatementImported,
    StatementProposed,
    StatementPublished,
    StatementsMerged,
    SynthesisSubmitted,
    TableSizeChanged,
    TablesRotated,
    TablesSeated,
    TableTabletIssued,
    TableTabletRevoked,
    TerritoryAdded,
    TerritoryRenamed,
    VoeuAdopted,
    VoteClosed,
    VoteOpened,
)
from session_engine.logfile import LogHeader, pseudonymise, read_log, write_log
from session_engine.majority import median_grade, tally_vote
from session_engine.model import (
    Grade,
    HostPolicy,
    ParticipantRole,
    RoundKind,
    RoundSpec,
    StatementKind,
    anonymous_pseudonym,
)
from session_engine.replay import replay
from session_engine.session import Session
from session_engine.state import (
    IMPORTED_AUTHOR,
    ConsentStatus,
    ParticipantStatus,
    RoundStatus,
    SessionState,
    StatementStatus,
)
from session_engine.tallies import tallies

from .strategies import (
    UNKNOWN_COFACILITATORS,
    UNKNOWN_CONSENTS,
    UNKNOWN_OBJECTIONS,
    UNKNOWN_PARTICIPANTS,
    UNKNOWN_PROPOSALS,
    UNKNOWN_STATEMENTS,
    UNKNOWN_VOTES,
    JoinArgs,
    Pick,
    Sender,
    any_command,
    ballot_grades,
    command_strategies,
    create_sessions,
    joins,
    picks,
    position_values,
    resolutions,
    resolve,
    senders,
    texts,
)

# --- settings ------------------------------------------------------------------------------------

settings.register_profile(
    "metrokawa-properties",
    max_examples=100,
    stateful_step_count=150,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# A longer hunt, for a quiet afternoon: METROKAWA_PROPERTIES=deep make test
settings.register_profile(
    "metrokawa-properties-deep",
    parent=settings.get_profile("metrokawa-properties"),
    max_examples=2000,
    stateful_step_count=120,
)
PROFILE: Final = settings.get_profile(
    "metrokawa-properties-deep"
    if os.environ.get("METROKAWA_PROPERTIES") == "deep"
    else "metrokawa-properties"
)

T0: Final = 1_767_225_600_000  # 2026-01-01T00:00:00Z, in ms
MINUTE: Final = 60_000

FACILITATOR_EVENTS: Final[frozenset[type[Event]]] = frozenset(
    {
        SessionCreated,
        ResultsShown,
        ResultsHidden,
        TablesSeated,
        TablesRotated,
        RoundStarted,
        RoundPaused,
        RoundResumed,
        RoundExtended,
        RoundEnded,
        StatementPublished,
        StatementImported,
        StatementHidden,
        StatementsMerged,
        ProposalPromoted,
        VoteOpened,
        VoteClosed,
        ConsentOpened,
        ObjectionResolved,
        VoeuAdopted,
        ConsentAbandoned,
        SessionClosed,
        CoFacilitatorAdded,
        CoFacilitatorRevoked,
        HostHandedOver,
        ParticipantMoved,
        ParticipantRemoved,
        ParticipantsMerged,
        RoundAdded,
        RoundEdited,
        RoundRemoved,
        TerritoryAdded,
        TerritoryRenamed,
        TableSizeChanged,
        TableTabletIssued,
        TableTabletRevoked,
        PaperBallotsEntered,
        ParticipantJoined,  # someone added without a device
        ParticipantSeated,
    }
)
PARTICIPANT_EVENTS: Final[frozenset[type[Event]]] = frozenset(
    {
        StatementProposed,
        AnnotationAdded,
        PositionTaken,
        SynthesisSubmitted,
        BallotCast,
        ObjectionRaised,
        HostHandedOver,  # a host hands over their own table
        ParticipantJoined,  # a host adds someone without a device at their table
        ParticipantSeated,
        TableTabletIssued,  # a host gives their table a tablet, or withdraws it
        TableTabletRevoked,
    }
)
# A table tablet records a member's position or ballot, or adds someone at its table.
TABLET_EVENTS: Final[frozenset[type[Event]]] = frozenset(
    {PositionTaken, BallotCast, ParticipantJoined, ParticipantSeated}
)
GUEST_EVENTS: Final[frozenset[type[Event]]] = frozenset({ParticipantJoined, ParticipantSeated})

# What an accepted command emits: the one event, or (JoinSession, CloseSession) its pattern.
SINGLE_EVENT: Final[dict[type[Command], type[Event]]] = {
    CreateSession: SessionCreated,
    SeatTables: TablesSeated,
    RotateTables: TablesRotated,
    StartRound: RoundStarted,
    PauseRound: RoundPaused,
    ResumeRound: RoundResumed,
    ExtendRound: RoundExtended,
    EndRound: RoundEnded,
    ProposeStatement: StatementProposed,
    PublishStatement: StatementPublished,
    HideStatement: StatementHidden,
    MergeStatements: StatementsMerged,
    Annotate: AnnotationAdded,
    TakePosition: PositionTaken,
    SubmitSynthesis: SynthesisSubmitted,
    PromoteProposal: ProposalPromoted,
    OpenVote: VoteOpened,
    CastBallot: BallotCast,
    CloseVote: VoteClosed,
    ShowResults: ResultsShown,
    HideResults: ResultsHidden,
    OpenConsent: ConsentOpened,
    RaiseObjection: ObjectionRaised,
    ResolveObjection: ObjectionResolved,
    AdoptVoeu: VoeuAdopted,
    AbandonConsent: ConsentAbandoned,
    AddCoFacilitator: CoFacilitatorAdded,
    RevokeCoFacilitator: CoFacilitatorRevoked,
    HandOverHost: HostHandedOver,
    MoveParticipant: ParticipantMoved,
    MergeParticipants: ParticipantsMerged,
    AddRound: RoundAdded,
    EditRound: RoundEdited,
    RemoveRound: RoundRemoved,
    AddTerritory: TerritoryAdded,
    RenameTerritory: TerritoryRenamed,
    ChangeTableSize: TableSizeChanged,
    IssueTableTablet: TableTabletIssued,
    RevokeTableTablet: TableTabletRevoked,
    RecordPosition: PositionTaken,
    RecordBallot: BallotCast,
    EnterPaperBallots: PaperBallotsEntered,
    ImportStatement: StatementImported,
}
PHASE_CODES: Final[dict[RoundStatus | None, str]] = {
    RoundStatus.RUNNING: "round_running",
    RoundStatus.PAUSED: "round_paused",
    RoundStatus.ENDED: "round_closed",
    None: "round_closed",
}
FIXED_ACTORS: Final[dict[Role, str]] = {
    Role.FACILITATOR: "facilitator",
    Role.SYSTEM: "system",
    Role.GUEST: "guest",
    Role.PROJECTOR: "projector",
    Role.VIEWER: "viewer",
}


def header_for(title: str) -> LogHeader:
    return LogHeader(session="prop-session", title=title, created_at=T0)


# --- the state machine ---------------------------------------------------------------------------


class SessionMachine(RuleBasedStateMachine):
    """One session under random commands, with a model of it built from the events it emits."""

    def __init__(self) -> None:
        super().__init__()
        self.session = Session()
        self.now = T0
        self.commands_sent = 0
        # The model: what the events seen so far say.
        self.agenda: tuple[RoundSpec, ...] = ()
        self.last_seq = 0
        self.created = False
        self.closed = False
        self.participants: set[str] = set()
        self.round_no = 0
        self.round_status: RoundStatus | None = None
        self.deadline: int | None = None  # while running
        self.remaining: int | None = None  # while paused
        self.statement_status: dict[str, StatementStatus] = {}
        self.imported: set[str] = set()  # the provenance keys imported so far
        self.promoted: set[str] = set()
        self.proposals: set[str] = set()
        self.vote_proposals: dict[str, tuple[str, ...]] = {}
        self.open_votes: set[str] = set()
        self.closed_votes: set[str] = set()
        self.shown = False  # results on the screens
        self.graded: set[tuple[str, str, str]] = set()  # (vote, participant, proposal)
        self.first_table: dict[str, int] = {}  # stays_seated participant -> table first given
        self.open_consent: str | None = None
        self.consent_proposal: dict[str, str] = {}  # consent round -> its proposal
        self.wording: dict[str, str] = {}  # consent round -> the wording under consent
        self.objection_consent: dict[str, str] = {}  # objection -> its consent round
        self.pending: set[str] = set()  # objections not resolved yet
        self.voeux: dict[str, str] = {}  # vœu -> its proposal
        self.cofacilitators: dict[str, bool] = {}  # co-facilitator link -> revoked
        self.left: set[str] = set()  # participants removed or merged
        self.tablets: dict[str, bool] = {}  # table tablet link -> revoked
        self.paper: dict[str, int] = {}  # vote -> paper ballots entered
        self.erased: set[str] = set()  # statements erased

    # --- sending ---------------------------------------------------------------------------------

    @property
    def state(self) -> SessionState:
        return self.session.state

    def participant_ids(self) -> list[str]:
        return list(self.state.participants)

    def actor_of(self, sender: Sender, candidates: Sequence[str] = ()) -> str:
        """The actor id for ``sender``: a participant (known, or not) or the role's fixed id."""
        if sender.role is Role.PARTICIPANT:
            return resolve(sender.who, candidates or self.participant_ids())
        if sender.role is Role.TABLET:  # a link given (in service or not), or none
            return resolve(sender.who, candidates or list(self.tablets))
        return FIXED_ACTORS[sender.role]

    def send(
        self, command: Command, role: Role, actor: str, *, seed: int = 0
    ) -> list[Envelope] | Rejected:
        self.commands_sent += 1
        ctx = Context(actor=actor, role=role, now=self.now, seed=seed)
        before = self.state.copy()
        log_length = len(self.session.log)
        last = self.session.log[-1] if self.session.log else None
        result = self.session.handle(command, ctx, cmd=f"c{self.commands_sent}")
        outcome = result.code if isinstance(result, Rejected) else [e.type for e in result]
        note(f"t+{self.now - T0}ms {role.value}:{actor!r} {command!r} -> {outcome}")
        self.check_outcome(command, ctx, result)
        if isinstance(result, Rejected):
            event(f"rejected {type(command).__name__}: {result.code}")
            assert result.code in MESSAGES
            assert self.state == before, "a rejection changed the state"
            assert len(self.session.log) == log_length, "a rejection changed the log"
            assert (self.session.log[-1] if self.session.log else None) is last
            return result
        event(f"accepted {type(command).__name__}")
        assert result, "an accepted command emitted no event"
        assert self.session.log[log_length:] == result
        self.check_events(command, ctx, before, result)
        return result

    def check_outcome(self, command: Command, ctx: Context, result: Any) -> None:
        """The checks of decide's documented order that the model can predict on its own."""
        kind = type(command)
        rejected = result.code if isinstance(result, Rejected) else None
        if ctx.role not in PERMISSIONS[kind] or (
            ctx.role is Role.PARTICIPANT and ctx.actor not in self.participants
        ):
            assert rejected == "not_allowed", f"{ctx.role}:{ctx.actor} may not send {kind}"
            return
        if ctx.role is Role.FACILITATOR and not self.steers(ctx.actor):
            assert rejected == "not_allowed", f"{ctx.actor}, no link in service, sent {kind}"
            return
        if ctx.role is Role.TABLET and self.tablets.get(ctx.actor) is not False:
            assert rejected == "not_allowed", f"{ctx.actor}, no tablet in service, sent {kind}"
            return
        if kind is CreateSession:
            assert (rejected == "already_created") == self.created
            return
        if not self.created:
            assert rejected == "unknown_session"
            return
        if self.closed:
            expected = "already_closed" if kind is CloseSession else "session_closed"
            assert rejected == expected, "something was accepted after SessionClosed"
            return
        allowed = PHASES.get(kind)
        if allowed is not None and self.round_status not in allowed:
            assert rejected == PHASE_CODES[self.round_status], f"{kind} in {self.round_status}"
            return
        if kind is EndRound and ctx.role is Role.SYSTEM:
            due = self.round_status is RoundStatus.RUNNING and (
                self.deadline is not None and self.now >= self.deadline
            )
            assert (rejected is None) == due, f"system EndRound at {self.now}, due={due}"

    def steers(self, actor: str) -> bool:
        """The session's facilitator, or a co-facilitator whose link is in service."""
        return actor == "facilitator" or self.cofacilitators.get(actor) is False

    # --- the events, one by one ------------------------------------------------------------------

    def check_events(
        self, command: Command, ctx: Context, before: SessionState, envelopes: list[Envelope]
    ) -> None:
        events = [e.event for e in envelopes]
        kinds = [type(e) for e in events]
        if isinstance(command, JoinSession | AddParticipant):
            assert kinds in ([ParticipantJoined], [ParticipantJoined, ParticipantSeated])
            assert (len(kinds) == 2) == bool(before.tables), "late arrivals are seated at once"
        elif isinstance(command, CloseSession):
            assert kinds[-1] is SessionClosed
            assert all(k in (RoundEnded, VoteClosed, ConsentAbandoned) for k in kinds[:-1])
        elif isinstance(command, RemoveParticipant):
            # The results on show leave the screens first when they are erased.
            assert kinds in ([ParticipantRemoved], [ResultsHidden, ParticipantRemoved])
        else:
            assert kinds == [SINGLE_EVENT[type(command)]]
        for e in events:
            if isinstance(e, ConsentAbandoned):
                closing = isinstance(command, CloseSession)
                assert e.reason == ("session_closed" if closing else "facilitator")
        joined = events[0].participant if isinstance(events[0], ParticipantJoined) else None
        for envelope in envelopes:
            self.check_envelope(envelope, ctx, before, joined)
            self.apply(envelope.event, ctx, before)

    def check_envelope(
        self, envelope: Envelope, ctx: Context, before: SessionState, joined: str | None
    ) -> None:
        assert not self.closed, f"{envelope.type} accepted after SessionClosed"
        assert envelope.seq == self.last_seq + 1, f"seq {envelope.seq} after {self.last_seq}"
        self.last_seq = envelope.seq
        assert envelope.at == ctx.now
        kind = type(envelope.event)
        if kind in FACILITATOR_EVENTS:
            by_clock = (
                isinstance(envelope.event, RoundEnded)
                and envelope.event.reason == "deadline"
                and envelope.actor == "system"
            )
            by_machine = kind is CoFacilitatorAdded and envelope.actor == "system"
            by_host = kind in PARTICIPANT_EVENTS and ctx.role is Role.PARTICIPANT
            by_tablet = kind in TABLET_EVENTS and ctx.role is Role.TABLET
            by_guest = kind in GUEST_EVENTS and ctx.role is Role.GUEST
            assert (
                self.steers(envelope.actor) or by_clock or by_machine or by_host or by_tablet
            ) or by_guest, f"{kind} by {envelope.actor}"
        if ctx.role is Role.FACILITATOR:
            assert kind in FACILITATOR_EVENTS, f"the facilitator made {kind} happen"
            assert envelope.actor == ctx.actor, f"{kind} names {envelope.actor}, not {ctx.actor}"
            if ctx.actor != "facilitator":  # a co-facilitator: any command but the links'
                assert before.is_cofacilitator(ctx.actor)
                assert kind not in (CoFacilitatorAdded, CoFacilitatorRevoked), kind
        elif ctx.role is Role.SYSTEM:
            assert kind in (RoundEnded, CoFacilitatorAdded), f"the system made {kind} happen"
            assert envelope.actor == "system", f"{kind} names {envelope.actor}"
        elif ctx.role is Role.PARTICIPANT:
            assert kind in PARTICIPANT_EVENTS, f"a participant made {kind} happen"
            assert envelope.actor == ctx.actor, "a participant's event names someone else"
            assert ctx.actor in before.participants
        elif ctx.role is Role.TABLET:
            assert kind in TABLET_EVENTS, f"a table tablet made {kind} happen"
            assert envelope.actor == ctx.actor, "a table tablet's event names someone else"
            assert before.tablet_table(ctx.actor) is not None
        elif ctx.role is Role.GUEST:
            assert kind in GUEST_EVENTS, f"a guest made {kind} happen"
            assert joined is not None
            assert envelope.actor == joined, f"{kind} names {envelope.actor}, not {joined}"
        else:
            raise AssertionError(f"{ctx.role} made {kind} happen")

    def apply(self, e: Event, ctx: Context, before: SessionState) -> None:
        """Check one event against the model, then update the model."""
        match e:
            case SessionCreated():
                assert not self.created
                self.created, self.agenda = True, e.agenda
            case ParticipantJoined():
                assert e.participant not in self.participants
                by_guest = ctx.role is Role.GUEST
                assert e.added_by == (None if by_guest else ctx.actor), "who added them"
                self.participants.add(e.participant)
            case ParticipantSeated():
                assert e.participant in self.participants
                assert e.participant not in before.participants
                assert e.table in before.tables
            case TablesSeated():
                assert not before.tables
            case TablesRotated():
                assert before.tables
            case RoundStarted():
                assert self.round_status in (None, RoundStatus.ENDED)
                assert e.round == self.round_no + 1 <= len(self.agenda)
                assert e.deadline == ctx.now + self.agenda[e.round - 1].duration_ms
                self.round_no, self.round_status, self.deadline = (
                    e.round,
                    RoundStatus.RUNNING,
                    e.deadline,
                )
            case RoundPaused():
                assert e.round == self.round_no
                assert self.round_status is RoundStatus.RUNNING
                assert self.deadline is not None
                assert e.remaining_ms == max(0, self.deadline - ctx.now)
                self.round_status, self.deadline = RoundStatus.PAUSED, None
                self.remaining = e.remaining_ms
            case RoundResumed():
                assert e.round == self.round_no
                assert self.round_status is RoundStatus.PAUSED
                assert self.remaining is not None
                assert e.deadline == ctx.now + self.remaining
                self.round_status, self.deadline = RoundStatus.RUNNING, e.deadline
                self.remaining = None
            case RoundExtended():
                assert e.round == self.round_no
                assert self.round_status in (RoundStatus.RUNNING, RoundStatus.PAUSED)
                assert MINUTE <= e.by_ms <= 60 * MINUTE
                if self.round_status is RoundStatus.RUNNING:
                    assert self.deadline is not None
                    assert e.deadline == self.deadline + e.by_ms
                    assert e.remaining_ms is None
                    self.deadline = e.deadline
                else:
                    assert self.remaining is not None
                    assert e.deadline is None
                    assert e.remaining_ms == self.remaining + e.by_ms
                    self.remaining = e.remaining_ms
            case RoundEnded():
                assert e.round == self.round_no
                assert self.round_status in (RoundStatus.RUNNING, RoundStatus.PAUSED)
                if e.reason == "deadline":
                    assert self.round_status is RoundStatus.RUNNING
                    assert self.deadline is not None
                    assert ctx.now >= self.deadline
                self.round_status, self.deadline, self.remaining = RoundStatus.ENDED, None, None
            case StatementProposed():
                assert self.round_status is RoundStatus.RUNNING
                assert e.round == self.round_no
                assert e.author == ctx.actor
                assert e.statement not in self.statement_status
                self.statement_status[e.statement] = StatementStatus.PROPOSED
            case StatementImported():
                assert e.statement == f"s{len(self.statement_status) + 1}"
                assert e.provenance.key not in self.imported, "a key comes in once"
                self.imported.add(e.provenance.key)
                self.statement_status[e.statement] = StatementStatus.PUBLISHED
            case StatementPublished():
                status = self.statement_status[e.statement]
                assert status not in (
                    StatementStatus.PUBLISHED,
                    StatementStatus.MERGED,
                    StatementStatus.ERASED,
                )
                self.statement_status[e.statement] = StatementStatus.PUBLISHED
            case StatementHidden():
                status = self.statement_status[e.statement]
                assert status not in (
                    StatementStatus.HIDDEN,
                    StatementStatus.MERGED,
                    StatementStatus.ERASED,
                )
                self.statement_status[e.statement] = StatementStatus.HIDDEN
            case StatementsMerged():
                assert e.statement != e.into
                assert self.statement_status[e.statement] not in (
                    StatementStatus.MERGED,
                    StatementStatus.ERASED,
                )
                assert self.statement_status[e.into] is StatementStatus.PUBLISHED
                self.statement_status[e.statement] = StatementStatus.MERGED
            case AnnotationAdded():
                assert self.round_status is RoundStatus.RUNNING
                assert e.round == self.round_no
                assert e.author == ctx.actor
                assert (e.statement is None) != (e.table is None)
                if e.statement is not None:
                    assert self.statement_status[e.statement] is StatementStatus.PUBLISHED
                if e.table is not None:
                    assert before.participants[ctx.actor].table == e.table
            case PositionTaken():
                self.check_for_whom(e.participant, e.recorded_by, ctx, before)
                assert e.value is None or (type(e.value) is int and -2 <= e.value <= 2)
                assert self.statement_status.get(e.statement) is StatementStatus.PUBLISHED, (
                    f"position on {e.statement} ({self.statement_status.get(e.statement)})"
                )
                assert self.round_status is RoundStatus.RUNNING
                assert e.round == self.round_no
            case SynthesisSubmitted():
                assert e.host == ctx.actor
                assert e.round == self.round_no
                assert self.round_status is not None
                assert before.host_of(ctx.actor) == e.table
            case ProposalPromoted():
                assert self.statement_status[e.statement] is StatementStatus.PUBLISHED
                assert e.statement not in self.promoted
                assert e.proposal not in self.proposals
                self.promoted.add(e.statement)
                self.proposals.add(e.proposal)
            case VoteOpened():
                assert not self.open_votes
                assert e.vote not in self.vote_proposals
                assert e.proposals
                assert len(set(e.proposals)) == len(e.proposals)
                assert set(e.proposals) <= self.proposals
                self.vote_proposals[e.vote] = e.proposals
                self.open_votes.add(e.vote)
            case BallotCast():
                self.check_for_whom(e.participant, e.recorded_by, ctx, before)
                assert e.vote in self.open_votes, f"ballot in {e.vote}, which is not open"
                assert e.vote not in self.closed_votes, f"ballot in {e.vote}, closed"
                assert e.grades
                for proposal, grade in e.grades.items():
                    assert proposal in self.vote_proposals[e.vote]
                    assert 0 <= grade <= 6
                    key = (e.vote, e.participant, proposal)
                    assert key not in self.graded, f"{key} graded twice"
                    self.graded.add(key)
            case VoteClosed():
                assert e.vote in self.open_votes
                self.open_votes.discard(e.vote)
                self.closed_votes.add(e.vote)
            case ResultsShown():
                assert (e.statement is None) != (e.vote is None)
                if e.statement is not None:
                    assert self.statement_status[e.statement] is StatementStatus.PUBLISHED
                    assert e.profiles == {}
                else:
                    assert e.vote in self.closed_votes, f"results of {e.vote}, not closed"
                    judges = len(before.votes[e.vote].ballots) + self.paper.get(e.vote, 0)
                    assert set(e.profiles) == set(self.vote_proposals[e.vote])
                    assert all(len(p) == 7 and sum(p) == judges for p in e.profiles.values())
                self.shown = True
            case ResultsHidden():
                assert self.shown, "hid results that were not shown"
                self.shown = False
            case ConsentOpened():
                self.check_adopted(e, before)
                assert self.open_consent is None, f"{e.consent} opened while {self.open_consent}"
                assert e.consent not in self.consent_proposal
                assert e.proposal not in self.voeux.values(), f"{e.proposal} is a vœu already"
                assert e.text == before.proposals[e.proposal].text
                self.open_consent = e.consent
                self.consent_proposal[e.consent] = e.proposal
                self.wording[e.consent] = e.text
            case ObjectionRaised():
                assert e.consent == self.open_consent, f"objection to {e.consent}, not open"
                assert e.author == ctx.actor
                assert e.objection not in self.objection_consent
                assert e.text == e.text.strip()
                assert 1 <= len(e.text) <= LIMITS["objection"]
                self.objection_consent[e.objection] = e.consent
                self.pending.add(e.objection)
            case ObjectionResolved():
                assert e.objection in self.pending, f"{e.objection} resolved, not pending"
                assert e.consent == self.objection_consent[e.objection] == self.open_consent
                assert e.resolution in ("amended", "withdrawn")
                assert (e.resolution == "amended") == (e.wording is not None)
                if e.wording is not None:
                    assert e.wording == e.wording.strip()
                    assert 1 <= len(e.wording) <= LIMITS["proposal"]
                    self.wording[e.consent] = e.wording
                self.pending.discard(e.objection)
            case VoeuAdopted():
                assert e.consent == self.open_consent, f"vœu from {e.consent}, not open"
                unresolved = [o for o in self.pending if self.objection_consent[o] == e.consent]
                assert not unresolved, f"vœu adopted with {unresolved} pending"
                assert e.proposal == self.consent_proposal[e.consent]
                assert e.proposal not in self.voeux.values()
                assert e.text == self.wording[e.consent], "a vœu of another wording"
                assert e.outcome == e.outcome.strip()
                assert 1 <= len(e.outcome) <= LIMITS["outcome"]
                assert e.voeu not in self.voeux
                self.voeux[e.voeu] = e.proposal
                self.open_consent = None
            case ConsentAbandoned():
                assert e.consent == self.open_consent, f"{e.consent} abandoned, not open"
                self.open_consent = None
            case (
                HostHandedOver()
                | ParticipantMoved()
                | ParticipantRemoved()
                | ParticipantsMerged()
                | RoundAdded()
                | RoundEdited()
                | RoundRemoved()
                | TerritoryAdded()
                | TerritoryRenamed()
                | TableSizeChanged()
            ):
                self.apply_live_change(e, ctx, before)
            case SessionClosed():
                assert self.open_consent is None, "the session closed on an open consent round"
                assert not self.open_votes
                assert self.round_status in (None, RoundStatus.ENDED)
                self.closed = True
            case CoFacilitatorAdded():
                assert ctx.actor in ("facilitator", "system"), f"{ctx.actor} gave a link"
                assert e.cofacilitator == f"cf{len(self.cofacilitators) + 1}"
                assert sum(not revoked for revoked in self.cofacilitators.values()) < 20
                assert e.label == e.label.strip()
                assert 1 <= len(e.label) <= LIMITS["pseudonym"]
                self.cofacilitators[e.cofacilitator] = False
            case CoFacilitatorRevoked():
                assert ctx.actor == "facilitator", f"{ctx.actor} revoked a link"
                assert self.cofacilitators.get(e.cofacilitator) is False, e.cofacilitator
                self.cofacilitators[e.cofacilitator] = True
            case TableTabletIssued() | TableTabletRevoked() | PaperBallotsEntered():
                self.apply_tablet_change(e, ctx, before)
            case _:
                raise AssertionError(f"unexpected event {e!r}")

    def apply_live_change(self, e: Event, ctx: Context, before: SessionState) -> None:
        """Check a change made on the night against the model, then update the model."""
        match e:
            case HostHandedOver():
                table = before.tables[e.table]
                assert e.host in self.participants
                assert e.host in table.members
                assert e.host != table.host == e.previous
                if ctx.role is Role.PARTICIPANT:
                    assert ctx.actor == table.host, "only the host hands their table over"
            case ParticipantMoved():
                assert e.participant in self.participants
                assert before.participants[e.participant].table == e.from_table != e.table
                assert e.table in before.tables
                assert e.hosts == (before.tables[e.table].host is None)
                self.check_host_once_left(before, e.from_table, e.participant, e.from_host)
                if e.participant in self.first_table:  # who stays seated stays where moved
                    self.first_table[e.participant] = e.table
            case ParticipantRemoved():
                assert e.participant in self.participants
                assert e.table == before.participants[e.participant].table
                self.check_host_once_left(before, e.table, e.participant, e.host)
                self.check_erasure(e, before)
                self.participants.discard(e.participant)
                self.left.add(e.participant)
            case ParticipantsMerged():
                assert {e.participant, e.into} <= self.participants
                assert e.participant != e.into
                self.check_host_once_left(before, e.table, e.participant, e.host)
                theirs = [s for (p, s) in before.positions if p == e.participant]
                assert list(e.positions) == [
                    s for s in theirs if (e.into, s) not in before.positions
                ]
                self.participants.discard(e.participant)
                self.left.add(e.participant)
            case RoundAdded():
                assert self.round_no < e.round <= len(self.agenda) + 1 <= 20
                agenda = list(self.agenda)
                agenda.insert(e.round - 1, e.spec)
                self.agenda = tuple(agenda)
            case RoundEdited():
                assert self.round_no < e.round <= len(self.agenda)
                agenda = list(self.agenda)
                agenda[e.round - 1] = e.spec
                self.agenda = tuple(agenda)
            case RoundRemoved():
                assert self.round_no < e.round <= len(self.agenda)
                assert len(self.agenda) > 1
                self.agenda = self.agenda[: e.round - 1] + self.agenda[e.round :]
            case TerritoryAdded() | TerritoryRenamed() | TableSizeChanged():
                assert not before.tables, f"{type(e).__name__} after seating"
            case _:
                raise AssertionError(f"unexpected event {e!r}")

    def check_for_whom(
        self, participant: str, recorded_by: str | None, ctx: Context, before: SessionState
    ) -> None:
        """A position or a ballot is the sender's own, or (``recorded_by`` the sender) that of a
        member of the table the sender's tablet serves or the sender hosts."""
        if recorded_by is None:
            assert ctx.role is Role.PARTICIPANT
            assert participant == ctx.actor
            return
        assert recorded_by == ctx.actor
        assert participant != ctx.actor
        assert participant in self.participants, f"recorded for {participant}, not here"
        if ctx.role is Role.TABLET:
            table = before.tablet_table(ctx.actor)
        else:
            table = next(t.table for t in before.tables.values() if t.host == ctx.actor)
        assert before.participants[participant].table == table, "for another table's member"

    def apply_tablet_change(self, e: Event, ctx: Context, before: SessionState) -> None:
        """Check a table tablet's link or a stack of paper ballots, then update the model."""
        match e:
            case TableTabletIssued():
                assert e.tablet == f"tb{len(self.tablets) + 1}"
                assert e.table in before.tables
                assert sum(not revoked for revoked in self.tablets.values()) < 100
                if ctx.role is Role.PARTICIPANT:
                    assert before.tables[e.table].host == ctx.actor
                self.tablets[e.tablet] = False
            case TableTabletRevoked():
                assert self.tablets.get(e.tablet) is False, e.tablet
                if ctx.role is Role.PARTICIPANT:
                    assert before.tables[before.tablets[e.tablet].table].host == ctx.actor
                self.tablets[e.tablet] = True
            case PaperBallotsEntered():
                assert e.vote in self.open_votes, f"paper ballots in {e.vote}, not open"
                assert 1 <= len(e.ballots) <= 500
                proposals = set(self.vote_proposals[e.vote])
                assert all(set(b) == proposals for b in e.ballots), "a ballot grades them all"
                assert all(0 <= g <= 6 for b in e.ballots for g in b.values())
                assert e.note == e.note.strip()
                assert 1 <= len(e.note) <= LIMITS["paper_note"]
                self.paper[e.vote] = self.paper.get(e.vote, 0) + len(e.ballots)
            case _:
                raise AssertionError(f"unexpected event {e!r}")

    def check_host_once_left(
        self, before: SessionState, number: int | None, leaving: str, host: str | None
    ) -> None:
        """Who hosts the table someone left: the same host, or (when they hosted it) the member
        left who has hosted least, the first in id order among equals; None when nobody is left."""
        if number is None:
            assert host is None
            return
        table = before.tables[number]
        rest = [m for m in table.members if m != leaving]
        if table.host != leaving:
            assert host == table.host
        elif not rest:
            assert host is None
        else:
            least = min(before.participants[m].times_hosted for m in rest)
            assert host == next(m for m in rest if before.participants[m].times_hosted == least)

    def check_erasure(self, e: ParticipantRemoved, before: SessionState) -> None:
        if not e.erased:
            assert (e.statements, e.annotations) == ((), ())
            return
        promoted = {p.statement for p in before.proposals.values()}
        assert list(e.statements) == [
            s.id
            for s in before.statements.values()
            if s.author == e.participant and s.id not in promoted and s.id not in self.erased
        ]
        for statement in e.statements:
            self.statement_status[statement] = StatementStatus.ERASED
            self.erased.add(statement)

    def check_adopted(self, e: ConsentOpened, before: SessionState) -> None:
        """The proposal was adopted by majority judgment: ``e.vote`` is its last vote, closed,
        and ``e.grade`` its majority grade there, at least ``ADOPTION_GRADE``."""
        assert e.proposal in self.proposals
        last = [v for v, proposals in self.vote_proposals.items() if e.proposal in proposals][-1:]
        assert last == [e.vote], f"{e.proposal} adopted by {e.vote}, its last vote is {last}"
        assert e.vote in self.closed_votes, f"{e.vote} is not closed"
        profile = tally_vote(before.votes[e.vote])[e.proposal]
        assert e.grade == median_grade(profile) >= ADOPTION_GRADE, (e, profile)

    # --- setting up ------------------------------------------------------------------------------

    @initialize(
        early=st.lists(st.tuples(any_command(), senders(Role.FACILITATOR)), max_size=3),
        create=create_sessions(),
        people=st.lists(joins(), min_size=2, max_size=10),
        warm=st.booleans(),
        seed=st.integers(0, 2**63 - 1),
    )
    def create_session(
        self,
        early: list[tuple[Command, Sender]],
        create: CreateSession,
        people: list[JoinArgs],
        warm: bool,
        seed: int,
    ) -> None:
        """Commands before the session exists, its creation, a few people joining; half of the
        time the tables are seated and the first round started at once."""
        for command, sender in early:  # before the session exists, nothing is accepted
            if isinstance(command, CreateSession):
                continue
            result = self.send(command, sender.role, self.actor_of(sender))
            assert isinstance(result, Rejected)
        created = self.send(create, Role.FACILITATOR, "facilitator")
        assert not isinstance(created, Rejected), created
        for person in people:
            self.join(person, Sender(0, Role.GUEST, Role.GUEST, Pick(0, 0, "")))
        if warm:
            self.send(SeatTables(), Role.FACILITATOR, "facilitator", seed=seed)
            self.send(StartRound(), Role.FACILITATOR, "facilitator")

    # --- the clock -------------------------------------------------------------------------------

    @rule(tick=st.integers(0, 9), ms=st.integers(0, 30_000), sender=senders(Role.SYSTEM))
    def clock(self, tick: int, ms: int, sender: Sender) -> None:
        """Time goes on by ``ms`` (7 in 10), or jumps past the round's deadline (1 in 10), or
        the timer sends ``EndRound`` as the system (2 in 10, now and then from another role)."""
        if tick < 7:
            self.now += ms
        elif tick == 7:
            self.now = max(self.now, (self.deadline or self.now) + ms // 10)
        else:
            self.send(EndRound(), sender.role, self.actor_of(sender))

    # --- the facilitator -------------------------------------------------------------------------

    @rule(
        moves=st.lists(
            st.tuples(st.integers(0, 99), st.integers(0, 2**63 - 1)), min_size=1, max_size=3
        )
    )
    def facilitator_steers(self, moves: list[tuple[int, int]]) -> None:
        """The facilitator's natural next moves, so that sessions get deep: seat, start, publish,
        promote, vote, let the clock end the round, rotate, start the next one, and so on."""
        for choice, seed in moves:
            self.steer(choice, seed)

    def steer(self, choice: int, seed: int, actor: str = "facilitator") -> None:
        state = self.state
        current = state.round
        status = current.status if current else None
        proposed = self.statement_ids(StatementStatus.PROPOSED)
        command: Command | None = None
        if not state.tables:
            command = SeatTables()
        elif status is RoundStatus.PAUSED:
            command = ResumeRound() if choice < 80 else ExtendRound(minutes=1 + choice % 5)
        elif status is RoundStatus.RUNNING:
            if choice < 50 and proposed:
                command = PublishStatement(statement=proposed[choice % len(proposed)])
            elif choice < 72:
                command = self.vote_move(choice)
            elif choice < 78:
                command = PauseRound()
            elif choice < 90:
                command = ExtendRound(minutes=1 + choice % 3)
            elif current is not None and current.deadline is not None:
                self.now = max(self.now, current.deadline + choice)
                self.send(EndRound(), Role.SYSTEM, "system")
                return
        elif state.current_round < len(state.rounds):
            command = RotateTables() if current and choice < 40 else StartRound()
        else:  # the agenda is done: votes, and in the end the closing
            command = self.vote_move(choice) or (CloseSession() if choice < 30 else RotateTables())
        if command is not None:
            self.send(command, Role.FACILITATOR, actor, seed=seed)

    def vote_move(self, choice: int) -> Command | None:
        """Promote a published statement, open a vote on the fresh proposals, or close it."""
        state = self.state
        promoted = {p.statement for p in state.proposals.values()}
        published = self.statement_ids(StatementStatus.PUBLISHED)
        fresh = [s for s in published if s not in promoted]
        open_vote = state.open_vote
        voted = {p for vote in state.votes.values() for p in vote.proposals}
        unvoted = tuple(p for p in state.proposals if p not in voted)
        if open_vote is not None and choice % 4 == 0:
            return CloseVote(vote=open_vote.id)
        if open_vote is None and unvoted and choice % 2 == 0:
            return OpenVote(proposals=unvoted)
        if fresh:
            return PromoteProposal(statement=fresh[choice % len(fresh)])
        return None

    @rule(
        sender=senders(Role.FACILITATOR),
        seed=st.integers(0, 2**63 - 1),
        rotate=st.booleans(),
    )
    def plan_tables(self, sender: Sender, seed: int, rotate: bool) -> None:
        command = RotateTables() if rotate else SeatTables()
        self.send(command, sender.role, self.actor_of(sender), seed=seed)

    @rule(
        sender=senders(Role.FACILITATOR),
        action=st.sampled_from(("start", "pause", "resume", "extend", "end")),
        minutes=st.integers(-1, 61),
    )
    def round_control(self, sender: Sender, action: str, minutes: int) -> None:
        commands: dict[str, Command] = {
            "start": StartRound(),
            "pause": PauseRound(),
            "resume": ResumeRound(),
            "extend": ExtendRound(minutes=minutes),
            "end": EndRound(),
        }
        self.send(commands[action], sender.role, self.actor_of(sender))

    @rule(
        sender=senders(Role.FACILITATOR),
        action=st.sampled_from(("publish", "hide", "merge")),
        statement=picks(UNKNOWN_STATEMENTS),
        into=picks(UNKNOWN_STATEMENTS),
    )
    def moderate(self, sender: Sender, action: str, statement: Pick, into: Pick) -> None:
        every = self.statement_ids()
        command: Command
        if action == "publish":
            command = PublishStatement(
                statement=resolve(statement, self.statement_ids(StatementStatus.PROPOSED), every)
            )
        elif action == "hide":
            command = HideStatement(
                statement=resolve(statement, self.statement_ids(StatementStatus.PUBLISHED), every)
            )
        else:
            command = MergeStatements(
                statement=resolve(statement, every),
                into=resolve(into, self.statement_ids(StatementStatus.PUBLISHED), every),
            )
        self.send(command, sender.role, self.actor_of(sender))

    @rule(
        sender=senders(Role.FACILITATOR),
        statement=picks(UNKNOWN_STATEMENTS),
        text=st.none() | texts("proposal"),
    )
    def promote_proposal(self, sender: Sender, statement: Pick, text: str | None) -> None:
        promoted = {p.statement for p in self.state.proposals.values()}
        fresh = [s for s in self.statement_ids(StatementStatus.PUBLISHED) if s not in promoted]
        target = resolve(statement, fresh, self.statement_ids())
        command = PromoteProposal(statement=target, text=text)
        self.send(command, sender.role, self.actor_of(sender))

    @rule(
        sender=senders(Role.FACILITATOR),
        close=st.booleans(),
        vote=picks(UNKNOWN_VOTES),
        proposals=st.lists(picks(UNKNOWN_PROPOSALS), max_size=4),
    )
    def vote_control(self, sender: Sender, close: bool, vote: Pick, proposals: list[Pick]) -> None:
        command: Command
        if close:
            open_votes = [v.id for v in self.state.votes.values() if v.open]
            command = CloseVote(vote=resolve(vote, open_votes, list(self.state.votes)))
        else:
            existing = list(self.state.proposals)
            command = OpenVote(proposals=tuple(resolve(p, existing) for p in proposals))
        self.send(command, sender.role, self.actor_of(sender))

    @rule(
        sender=senders(Role.FACILITATOR),
        action=st.sampled_from(("statement", "vote", "hide")),
        which=picks(UNKNOWN_STATEMENTS),
    )
    def results_control(self, sender: Sender, action: str, which: Pick) -> None:
        command: Command
        if action == "statement":
            published = self.statement_ids(StatementStatus.PUBLISHED)
            command = ShowResults(statement=resolve(which, published, self.statement_ids()))
        elif action == "vote":
            closed = [v.id for v in self.state.votes.values() if not v.open]
            command = ShowResults(vote=resolve(which, closed, list(self.state.votes)))
        else:
            command = HideResults()
        self.send(command, sender.role, self.actor_of(sender))

    # --- consent rounds and vœux ---------------------------------------------------------------

    @rule(
        sender=senders(Role.FACILITATOR),
        action=st.sampled_from(("open", "resolve", "adopt", "abandon")),
        which=picks(UNKNOWN_CONSENTS),
        proposal=picks(UNKNOWN_PROPOSALS),
        objection=picks(UNKNOWN_OBJECTIONS),
        resolution=resolutions(),
        wording=st.none() | texts("proposal"),
        outcome=texts("outcome"),
    )
    def consent_control(
        self,
        sender: Sender,
        action: str,
        which: Pick,
        proposal: Pick,
        objection: Pick,
        resolution: Any,
        wording: str | None,
        outcome: str,
    ) -> None:
        """The facilitator's consent commands with drawn arguments: any proposal (adopted or
        not), any round (open or not), any objection (pending or not), any resolution."""
        state = self.state
        command: Command
        consents = list(state.consents)
        open_ones = [c for c in consents if state.consents[c].status is ConsentStatus.OPEN]
        if action == "open":
            command = OpenConsent(proposal=resolve(proposal, list(state.proposals)))
        elif action == "resolve":
            pending = [o for o, x in state.objections.items() if x.resolution is None]
            target = resolve(objection, pending, list(state.objections))
            command = ResolveObjection(objection=target, resolution=resolution, wording=wording)
        elif action == "adopt":
            command = AdoptVoeu(consent=resolve(which, open_ones, consents), outcome=outcome)
        else:
            command = AbandonConsent(consent=resolve(which, open_ones, consents))
        self.send(command, sender.role, self.actor_of(sender))

    @rule(sender=senders(Role.PARTICIPANT), which=picks(UNKNOWN_CONSENTS), text=texts("objection"))
    def raise_objection(self, sender: Sender, which: Pick, text: str) -> None:
        consents = list(self.state.consents)
        open_ones = [c for c in consents if self.state.consents[c].status is ConsentStatus.OPEN]
        command = RaiseObjection(consent=resolve(which, open_ones, consents), text=text)
        self.send(command, sender.role, self.actor_of(sender))

    @rule(
        moves=st.lists(
            st.tuples(picks(UNKNOWN_PARTICIPANTS), st.integers(0, 99)), min_size=1, max_size=10
        )
    )
    def consent_walk(self, moves: list[tuple[Pick, int]]) -> None:
        """The room's way to a vœu, one sensible step at a time: a vote that adopts a proposal
        when none is adopted, a consent round on it, participants' objections, the
        facilitator's resolutions, then the vœu (now and then too early, or abandoned)."""
        for who, choice in moves:
            self.consent_step(who, choice)

    def adoptable(self, proposal: str) -> bool:
        """The test's own reading of "adopted by majority judgment" (see ``check_adopted``)."""
        state = self.state
        votes = [v for v in state.votes.values() if proposal in v.proposals]
        if not votes or votes[-1].open or proposal in self.voeux.values():
            return False
        return median_grade(tally_vote(votes[-1])[proposal]) >= ADOPTION_GRADE

    def consent_step(self, who: Pick, choice: int) -> None:
        state = self.state
        consent = state.open_consent
        facilitator: Command | None = None
        if consent is None:
            adoptable = [p for p in state.proposals if self.adoptable(p)]
            vote = state.open_vote
            if adoptable:
                facilitator = OpenConsent(proposal=adoptable[choice % len(adoptable)])
            elif vote is not None:
                voters = [p for p in self.participant_ids() if p not in vote.ballots]
                if voters and choice < 85:  # a room that likes its proposals
                    grades = {p: Grade(3 + (choice + i) % 4) for i, p in enumerate(vote.proposals)}
                    actor = resolve(who, voters)
                    self.send(CastBallot(vote=vote.id, grades=grades), Role.PARTICIPANT, actor)
                    return
                facilitator = CloseVote(vote=vote.id)
            else:
                voeux = set(self.voeux.values())
                candidates = tuple(p for p in state.proposals if p not in voeux)
                facilitator = self.vote_move(choice * 2) or (
                    OpenVote(proposals=candidates) if candidates else None
                )
        else:
            pending = [o for o in consent.objections if state.objections[o].resolution is None]
            if choice < 35:
                command = RaiseObjection(
                    consent=consent.id, text=f"Objection {choice} : pourquoi ?"
                )
                self.send(command, Role.PARTICIPANT, resolve(who, self.participant_ids()))
                return
            if pending and choice < 75:
                amend = choice % 3 != 0
                facilitator = ResolveObjection(
                    objection=pending[choice % len(pending)],
                    resolution="amended" if amend else "withdrawn",
                    wording=f"Version {choice} de la proposition." if amend else None,
                )
            elif choice < 95:
                facilitator = AdoptVoeu(consent=consent.id, outcome=f"Consentement ({choice}).")
            else:
                facilitator = AbandonConsent(consent=consent.id)
        if facilitator is not None:
            self.send(facilitator, Role.FACILITATOR, "facilitator")

    @precondition(lambda self: len(self.session.log) >= 30)
    @rule(sender=senders(Role.FACILITATOR), really=st.integers(0, 7))
    def close_session(self, sender: Sender, really: int) -> None:
        """The end of everything, once the session has lived a little; the facilitator sends it
        one time in eight, someone who may not the other times."""
        role = sender.role if really == 0 else sender.other
        if really and role is Role.FACILITATOR:
            role = Role.VIEWER
        self.send(CloseSession(), role, self.actor_of(Sender(9, role, role, sender.who)))

    # --- the guests and the participants ---------------------------------------------------------

    @rule(person=joins(), sender=senders(Role.GUEST))
    def join(self, person: JoinArgs, sender: Sender) -> None:
        command = JoinSession(
            pseudonym=person.pseudonym,
            territory=resolve(person.territory, list(self.state.territories)),
            role=person.role,
            stays_seated=person.stays_seated,
            consent=person.consent,
        )
        self.send(command, sender.role, self.actor_of(sender))

    def statement_ids(self, status: StatementStatus | None = None) -> list[str]:
        return [
            s.id for s in self.state.statements.values() if status is None or s.status is status
        ]

    @rule(
        acts=st.lists(
            st.tuples(
                picks(UNKNOWN_PARTICIPANTS),
                st.integers(0, 99),
                picks(UNKNOWN_STATEMENTS),
                st.none() | st.integers(-2, 2),
            ),
            min_size=1,
            max_size=8,
        )
    )
    def crowd(self, acts: list[tuple[Pick, int, Pick, int | None]]) -> None:
        """A few participants act at once, mostly sensibly: positions on published statements,
        new statements, ballots in the open vote, notes on their table, their host's synthesis."""
        for who, choice, statement, value in acts:
            actor = resolve(who, self.participant_ids())
            command = self.crowd_move(actor, choice, statement, value)
            if command is SubmitSynthesis:  # the host of a table, most of the time
                current = self.state.round
                hosts = sorted(set(current.hosts.values())) if current else []
                actor = resolve(who, hosts, self.participant_ids())
                command = SubmitSynthesis(text=f"Synthèse {choice}")
            if isinstance(command, Command):
                self.send(command, Role.PARTICIPANT, actor)

    @rule(
        acts=st.lists(
            st.tuples(
                st.integers(0, 3),
                picks(UNKNOWN_PARTICIPANTS),
                st.integers(0, 99),
                picks(UNKNOWN_STATEMENTS),
                st.none() | st.integers(-2, 2),
            ),
            min_size=1,
            max_size=8,
        ),
        seed=st.integers(0, 2**63 - 1),
    )
    def room(self, acts: list[tuple[int, Pick, int, Pick, int | None]], seed: int) -> None:
        """The facilitator (one move in four) and the participants, taking turns."""
        for by_facilitator, who, choice, statement, value in acts:
            if by_facilitator == 0:
                self.steer(choice, seed + choice)
            else:
                self.crowd([(who, choice, statement, value)])

    def crowd_move(
        self, actor: str, choice: int, statement: Pick, value: int | None
    ) -> Command | type[SubmitSynthesis]:
        state = self.state
        running = state.round is not None and state.round.status is RoundStatus.RUNNING
        published = self.statement_ids(StatementStatus.PUBLISHED)
        vote = state.open_vote
        if vote is not None and (choice < 20 or (not running and choice < 70)):
            grades = {
                p: Grade((choice + i) % 7)
                for i, p in enumerate(vote.proposals)
                if (choice >> i) % 2 == 0 or i == 0
            }
            return CastBallot(vote=vote.id, grades=grades)
        if running and published and choice < 55:
            target = resolve(statement, published, self.statement_ids())
            return TakePosition(statement=target, value=value)
        if choice < 80:
            return ProposeStatement(text=f"Énoncé {choice} de {actor}", kind=StatementKind.IDEA)
        if choice < 90:
            own = state.participants[actor].table if actor in state.participants else None
            if choice % 2 and published:
                return Annotate(text=f"Note {choice}", statement=resolve(statement, published))
            return Annotate(text=f"Note {choice}", table=own or 1, tags=("bus", "métro"))
        return SubmitSynthesis

    @rule(
        sender=senders(Role.PARTICIPANT),
        text=texts("statement"),
        kind=st.sampled_from(StatementKind),
    )
    def propose_statement(self, sender: Sender, text: str, kind: StatementKind) -> None:
        command = ProposeStatement(text=text, kind=kind)
        self.send(command, sender.role, self.actor_of(sender))

    @rule(
        sender=senders(Role.PARTICIPANT),
        aim=st.integers(0, 9),
        statement=picks(UNKNOWN_STATEMENTS),
        table=st.integers(-1, 9),
        text=texts("annotation"),
        tags=st.lists(texts("tag"), max_size=3),
        place=st.none() | texts("place"),
    )
    def annotate(
        self,
        sender: Sender,
        aim: int,
        statement: Pick,
        table: int,
        text: str,
        tags: list[str],
        place: str | None,
    ) -> None:
        """On a statement (5 in 10), on the sender's table (3 in 10), on both or neither."""
        actor = self.actor_of(sender)
        own = self.state.participants[actor].table if actor in self.state.participants else None
        on_statement = resolve(
            statement, self.statement_ids(StatementStatus.PUBLISHED), self.statement_ids()
        )
        on_table = own if own is not None and table % 2 == 0 else table
        command = Annotate(
            text=text,
            statement=on_statement if aim <= 4 or aim == 8 else None,
            table=on_table if 5 <= aim <= 8 else None,
            tags=tuple(tags),
            place=place,
        )
        self.send(command, sender.role, actor)

    @rule(
        sender=senders(Role.PARTICIPANT),
        statement=picks(UNKNOWN_STATEMENTS),
        value=position_values(),
    )
    def take_position(self, sender: Sender, statement: Pick, value: int | None) -> None:
        target = resolve(
            statement, self.statement_ids(StatementStatus.PUBLISHED), self.statement_ids()
        )
        command = TakePosition(statement=target, value=value)
        self.send(command, sender.role, self.actor_of(sender))

    @rule(sender=senders(Role.PARTICIPANT), by_host=st.booleans(), text=texts("synthesis"))
    def submit_synthesis(self, sender: Sender, by_host: bool, text: str) -> None:
        current = self.state.round
        hosts = sorted(set(current.hosts.values())) if current and by_host else []
        self.send(SubmitSynthesis(text=text), sender.role, self.actor_of(sender, hosts))

    @rule(sender=senders(Role.PARTICIPANT), vote=picks(UNKNOWN_VOTES), grades=ballot_grades())
    def cast_ballot(self, sender: Sender, vote: Pick, grades: list[tuple[Pick, int]]) -> None:
        open_votes = [v.id for v in self.state.votes.values() if v.open]
        target = resolve(vote, open_votes, list(self.state.votes))
        known = self.state.votes.get(target)
        of_vote = list(known.proposals) if known else []
        ballot = {resolve(p, of_vote, list(self.state.proposals)): as_grade(g) for p, g in grades}
        self.send(CastBallot(vote=target, grades=ballot), sender.role, self.actor_of(sender))

    # --- co-facilitators -------------------------------------------------------------------------

    @rule(
        sender=senders(Role.FACILITATOR),
        by_machine=st.booleans(),
        label=texts("pseudonym"),
        revoke=st.booleans(),
        which=picks(UNKNOWN_COFACILITATORS),
    )
    def manage_links(
        self, sender: Sender, by_machine: bool, label: str, revoke: bool, which: Pick
    ) -> None:
        """The facilitator (or, for a new link, the server's machine) gives a co-facilitator link
        or revokes one; now and then someone else tries, a co-facilitator among them."""
        links = list(self.cofacilitators)
        role, actor = sender.role, self.actor_of(sender)
        if sender.flag == 9 and links:  # a co-facilitator tries
            role, actor = Role.FACILITATOR, resolve(which, links)
        if revoke:
            target = resolve(which, [c for c in links if not self.cofacilitators[c]], links)
            self.send(RevokeCoFacilitator(cofacilitator=target), role, actor)
        elif by_machine:
            self.send(AddCoFacilitator(label=label), Role.SYSTEM, "system")
        else:
            self.send(AddCoFacilitator(label=label), role, actor)

    @rule(
        which=picks(UNKNOWN_COFACILITATORS),
        moves=st.lists(
            st.tuples(st.integers(0, 99), st.integers(0, 2**63 - 1)), min_size=1, max_size=3
        ),
    )
    def cofacilitator_steers(self, which: Pick, moves: list[tuple[int, int]]) -> None:
        """A co-facilitator (in service mostly, else revoked or unknown) steers as the
        facilitator does."""
        links = list(self.cofacilitators)
        actor = resolve(which, [c for c in links if not self.cofacilitators[c]], links)
        for choice, seed in moves:
            self.steer(choice, seed, actor)

    # --- changes on the night --------------------------------------------------------------------

    @rule(
        sender=senders(Role.FACILITATOR),
        changes=st.lists(
            st.tuples(
                # Moves and handovers more often than departures, so that the room stays full.
                st.sampled_from(
                    ("host", "host", "move", "move", "move", "remove", "erase", "merge")
                ),
                picks(UNKNOWN_PARTICIPANTS),
                picks(UNKNOWN_PARTICIPANTS),
                st.integers(-1, 8),
            ),
            min_size=1,
            max_size=3,
        ),
    )
    def change_people(self, sender: Sender, changes: list[tuple[str, Pick, Pick, int]]) -> None:
        """The facilitator hands a table over, moves, removes (erasing or not) or merges
        someone: mostly people in the session, now and then someone who left or never was."""
        for action, who, other, table in changes:
            self.change_person(sender, action, who, other, table)

    def change_person(
        self, sender: Sender, action: str, who: Pick, other: Pick, table: int
    ) -> None:
        present = [p for p, x in self.state.participants.items() if x.present]
        everyone = self.participant_ids()
        person = resolve(who, present, everyone)
        command: Command
        if action == "host":
            command = HandOverHost(to=person)
        elif action == "move":  # mostly to another table of the plan; -1: no such table
            own = self.state.participants[person].table if person in everyone else None
            others = [t for t in sorted(self.state.tables) if t != own] or [1]
            target = others[table % len(others)] if table >= 0 else table
            command = MoveParticipant(participant=person, table=target)
        elif action in ("remove", "erase"):
            command = RemoveParticipant(participant=person, erase=action == "erase")
        else:
            command = MergeParticipants(participant=person, into=resolve(other, present, everyone))
        self.send(command, sender.role, self.actor_of(sender))

    @rule(sender=senders(Role.PARTICIPANT), hosting=st.booleans(), to=picks(UNKNOWN_PARTICIPANTS))
    def host_hands_over(self, sender: Sender, hosting: bool, to: Pick) -> None:
        """A host (or, now and then, someone who hosts nothing) hands their table to a member."""
        state = self.state
        hosts = [t.host for t in state.tables.values() if t.host is not None]
        actor = self.actor_of(sender, hosts if hosting else ())
        own = state.participants[actor].table if actor in state.participants else None
        members = list(state.tables[own].members) if own in state.tables else []
        self.send(HandOverHost(to=resolve(to, members, self.participant_ids())), sender.role, actor)

    @rule(
        sender=senders(Role.FACILITATOR),
        action=st.sampled_from(("add", "edit", "remove", "territory", "rename", "size")),
        number=st.integers(-1, 8),
        prompt=texts("prompt"),
        kind=st.sampled_from(RoundKind),
        minutes=st.integers(0, 5),
        name=st.sampled_from(("Sevran", "Bondy", "Pantin", "")),
        size=st.integers(1, 13),
    )
    def change_plan(
        self,
        sender: Sender,
        action: str,
        number: int,
        prompt: str,
        kind: RoundKind,
        minutes: int,
        name: str,
        size: int,
    ) -> None:
        """The agenda's rounds (mostly the pending ones), territories and the table size."""
        state = self.state
        pending = len(state.rounds) - state.current_round
        target = state.current_round + 1 + number % pending if pending and number >= 0 else number
        command: Command
        if action == "add":
            at = None if number < 0 else state.current_round + 1 + number % (pending + 1)
            command = AddRound(kind=kind, prompt=prompt, duration_ms=minutes * MINUTE, round=at)
        elif action == "edit":
            command = EditRound(round=target, prompt=prompt, duration_ms=minutes * MINUTE or None)
        elif action == "remove":
            command = RemoveRound(round=target)
        elif action == "territory":
            command = AddTerritory(name=name, commune=name, qpv=number % 2 == 0)
        elif action == "rename":
            known = len(state.territories)
            territory = f"t{1 + number % known}" if known and number >= 0 else f"t{number}"
            command = RenameTerritory(territory=territory, name=name)
        else:
            command = ChangeTableSize(table_size=size)
        self.send(command, sender.role, self.actor_of(sender))

    # --- people without a phone ------------------------------------------------------------------

    @rule(
        sender=senders(Role.FACILITATOR),
        acts=st.lists(
            st.tuples(
                st.sampled_from(("issue", "revoke", "add", "position", "ballot", "paper")),
                st.sampled_from((Role.FACILITATOR, Role.PARTICIPANT, Role.TABLET)),
                picks(UNKNOWN_PARTICIPANTS),
                st.integers(0, 99),
                position_values(),
            ),
            min_size=1,
            max_size=6,
        ),
        person=joins(),
    )
    def table_without_phones(
        self,
        sender: Sender,
        acts: list[tuple[str, Role, Pick, int, int | None]],
        person: JoinArgs,
    ) -> None:
        """Tablets given and withdrawn, members' positions and ballots recorded by their table's
        tablet or host (mostly for a member of that table), people added without a device, and
        stacks of paper ballots: mostly sensible, now and then from the wrong sender."""
        for action, role, who, choice, value in acts:
            actor = self.tablet_sender(role, who, choice)
            command = self.tablet_move(action, actor, role, who, choice, value, person)
            if command is not None:
                self.send(command, role, actor)

    def tablet_sender(self, role: Role, who: Pick, choice: int) -> str:
        """A tablet in service (mostly), a host (mostly), or the facilitator."""
        state = self.state
        if role is Role.TABLET:
            in_service = [t for t, revoked in self.tablets.items() if not revoked]
            return resolve(who, in_service, list(self.tablets) or ["tb1"])
        if role is Role.PARTICIPANT:
            hosts = [t.host for t in state.tables.values() if t.host is not None]
            return resolve(who, hosts, self.participant_ids())
        return "facilitator"

    def table_of_sender(self, actor: str, role: Role) -> int | None:
        state = self.state
        if role is Role.TABLET:
            return state.tablet_table(actor)
        return next((t.table for t in state.tables.values() if t.host == actor), None)

    def tablet_move(
        self,
        action: str,
        actor: str,
        role: Role,
        who: Pick,
        choice: int,
        value: int | None,
        person: JoinArgs,
    ) -> Command | None:
        state = self.state
        own = self.table_of_sender(actor, role)
        tables = sorted(state.tables)
        members = list(state.tables[own].members) if own in state.tables else []
        member = resolve(who, [m for m in members if m != actor], self.participant_ids())
        if action == "issue":
            table = (
                own
                if own is not None and choice < 70
                else [*tables, -1, 99][choice % (len(tables) + 2)]
            )
            return IssueTableTablet(table=table)
        if action == "revoke":
            return RevokeTableTablet(tablet=resolve(who, list(self.tablets)))
        if action == "add":
            at = None if choice < 50 or not tables else tables[choice % len(tables)]
            territory = resolve(person.territory, list(state.territories))
            return AddParticipant(
                pseudonym=f"{person.pseudonym}{choice}",
                territory=territory,
                role=person.role,
                table=at,
            )
        if action == "position":
            published = self.statement_ids(StatementStatus.PUBLISHED)
            target = resolve(who, published, self.statement_ids() or ["s1"])
            return RecordPosition(participant=member, statement=target, value=value)
        vote = state.open_vote
        if vote is None:
            return None
        grades = {p: Grade((choice + i) % 7) for i, p in enumerate(vote.proposals)}
        if action == "ballot":
            return RecordBallot(participant=member, vote=vote.id, grades=grades)
        ballots = tuple(grades for _ in range(1 + choice % 3))
        return EnterPaperBallots(vote=vote.id, ballots=ballots, note=f"Urne papier {choice}")

    # --- anything at all, from anyone ------------------------------------------------------------

    @rule(command=any_command(), role=st.sampled_from(Role), who=picks(UNKNOWN_PARTICIPANTS))
    def send_anything(self, command: Command, role: Role, who: Pick) -> None:
        if isinstance(command, CloseSession) and role is Role.FACILITATOR:
            role = Role.PROJECTOR  # closing is close_session's business
        self.send(command, role, self.actor_of(Sender(9, role, role, who)))

    # --- invariants ------------------------------------------------------------------------------

    @invariant()
    def seating_is_consistent(self) -> None:
        state = self.state
        seat_of: dict[str, int] = {}
        for number, table in state.tables.items():
            assert table.table == number
            for member in table.members:
                assert state.present(member), f"{member} at table {number} is not in the session"
                assert member not in seat_of, (
                    f"{member} at tables {seat_of.get(member)} and {number}"
                )
                seat_of[member] = number
            assert table.host is None or table.host in table.members, (
                f"host {table.host} does not sit at table {number}: {table.members}"
            )
        for pid, person in state.participants.items():
            assert person.table == seat_of.get(pid), (
                f"{pid}.table is {person.table}, the plan says {seat_of.get(pid)}"
            )
            if state.tables and person.present:
                assert person.table is not None, f"{pid} is not seated"
            if person.stays_seated and person.table is not None:
                first = self.first_table.setdefault(pid, person.table)
                assert person.table == first, f"{pid} stays seated, moved {first} -> {person.table}"

    @invariant()
    def hosting_follows_the_plan_while_a_round_is_open(self) -> None:
        """A host is the participant the plan names for a table: while a round is open its
        hosts are exactly the plan's, whatever was handed over, moved or removed."""
        current = self.state.round
        if current is None or current.status not in (RoundStatus.RUNNING, RoundStatus.PAUSED):
            return
        plan = {number: t.host for number, t in self.state.tables.items() if t.host is not None}
        assert current.hosts == plan, f"round hosts {current.hosts}, the plan says {plan}"

    @invariant()
    def who_left_is_gone_from_everything_computed(self) -> None:
        state = self.state
        for pid, person in state.participants.items():
            assert person.present == (pid in self.participants)
            if not person.present:
                assert person.table is None
                assert person.pseudonym == anonymous_pseudonym(pid)
                assert not person.consent
                assert state.pseudonyms.get(person.pseudonym.casefold()) != pid
            assert (person.merged_into is not None) == (person.status is ParticipantStatus.MERGED)
            if person.status in (ParticipantStatus.ERASED, ParticipantStatus.MERGED):
                assert person.person is None  # linked to no other session (a merge: the kept)
        assert set(state.pseudonyms.values()) <= self.participants
        gone = {ParticipantStatus.ERASED, ParticipantStatus.MERGED}
        for pid, _ in state.positions:
            assert state.participants[pid].status not in gone, f"a position of {pid}, who left"
        for vote in state.votes.values():
            assert all(
                state.participants[p].status is not ParticipantStatus.MERGED for p in vote.ballots
            )
        for statement in state.statements.values():
            erased = statement.status is StatementStatus.ERASED
            assert erased == (statement.id in self.erased)
            assert (statement.text == "") == erased
            if statement.author == IMPORTED_AUTHOR:  # an imported statement is nobody's
                continue
            assert state.participants[statement.author].status is not ParticipantStatus.MERGED
        for annotation in state.annotations:
            assert state.participants[annotation.author].status is not ParticipantStatus.MERGED

    @invariant()
    def the_agenda_is_the_one_decided(self) -> None:
        rounds = self.state.rounds
        assert [r.number for r in rounds] == list(range(1, len(rounds) + 1))
        assert tuple(r.spec for r in rounds) == self.agenda
        assert len(rounds) <= 20

    @invariant()
    def an_exported_log_replays_to_what_was_computed_live(self) -> None:
        """The export hides who left (names, what an erasure covers); replayed, it gives the
        statements, notes, positions and ballots the live session computes."""
        if not self.left:
            return
        exported = replay(list(pseudonymise(self.session.log)))
        live = self.state
        assert exported.statements == live.statements
        assert exported.annotations == live.annotations
        assert exported.positions == live.positions
        assert exported.votes == live.votes
        assert exported.tables == live.tables
        assert all(p.person is None for p in exported.participants.values())  # no one's key

    @invariant()
    def rounds_votes_and_opinions_are_consistent(self) -> None:
        state = self.state
        assert state.current_round == self.round_no
        for r in state.rounds:
            if r.number < state.current_round:
                assert r.status is RoundStatus.ENDED
            elif r.number > state.current_round:
                assert r.status is RoundStatus.PENDING
            else:
                assert r.status is self.round_status
            assert (r.deadline is not None) == (r.status is RoundStatus.RUNNING)
            assert (r.remaining_ms is not None) == (r.status is RoundStatus.PAUSED)
        open_votes = [v.id for v in state.votes.values() if v.open]
        assert set(open_votes) == self.open_votes
        assert len(open_votes) <= 1
        if state.closed:
            assert not open_votes
            assert self.round_status in (None, RoundStatus.ENDED)
        for (pid, sid), value in state.positions.items():
            assert pid in state.participants
            assert sid in state.statements
            assert value is None or (type(value) is int and -2 <= value <= 2)
        for vote in state.votes.values():
            for pid, grades in vote.ballots.items():
                assert pid in state.participants
                assert set(grades) <= set(vote.proposals)
                assert all(isinstance(g, Grade) for g in grades.values())

    @invariant()
    def consent_rounds_and_voeux_are_consistent(self) -> None:
        state = self.state
        open_ones = [c.id for c in state.consents.values() if c.status is ConsentStatus.OPEN]
        assert open_ones == ([self.open_consent] if self.open_consent else [])
        if state.closed:
            assert not open_ones
        for consent in state.consents.values():
            assert consent.proposal == self.consent_proposal[consent.id]
            assert not state.votes[consent.vote].open
            assert consent.text == self.wording[consent.id]
            assert consent.objections == [
                o for o, c in self.objection_consent.items() if c == consent.id
            ]
        for objection in state.objections.values():
            assert objection.author in state.participants
            assert objection.id in state.consents[objection.consent].objections
            assert (objection.resolution is None) == (objection.id in self.pending)
            assert (objection.wording is not None) == (objection.resolution == "amended")
        proposals = [voeu.proposal for voeu in state.voeux.values()]
        assert len(set(proposals)) == len(proposals), f"a proposal is two vœux: {proposals}"
        adopted = [c for c in state.consents.values() if c.status is ConsentStatus.ADOPTED]
        assert sorted(v.consent for v in state.voeux.values()) == sorted(c.id for c in adopted)
        for voeu in state.voeux.values():
            consent = state.consents[voeu.consent]
            assert (voeu.proposal, voeu.text) == (consent.proposal, consent.text)
            assert all(state.objections[o].resolution for o in consent.objections)
        assert {v.id: v.proposal for v in state.voeux.values()} == self.voeux

    @invariant()
    def cofacilitator_links_are_as_given(self) -> None:
        links = self.state.cofacilitators
        assert {c.id: c.revoked for c in links.values()} == self.cofacilitators
        assert sum(not c.revoked for c in links.values()) <= 20

    @invariant()
    def pseudonyms_are_unique_even_once_exported(self) -> None:
        names = [p.pseudonym.casefold() for p in self.state.participants.values()]
        assert len(set(names)) == len(names), f"two people share a pseudonym: {names}"
        exported = [
            e.event.pseudonym.casefold()
            for e in pseudonymise(self.session.log)
            if isinstance(e.event, ParticipantJoined)
        ]
        assert len(set(exported)) == len(exported), f"two people share an exported name: {exported}"

    @invariant()
    def log_is_gapless(self) -> None:
        assert [e.seq for e in self.session.log] == list(range(1, len(self.session.log) + 1))
        assert self.session.seq == self.last_seq == len(self.session.log)

    @invariant()
    def replay_equals_live_state(self) -> None:
        assert replay(self.session.log) == self.state, "replay(log) differs from the live state"

    @invariant()
    def replay_gives_the_tallies_computed_live(self) -> None:
        """Tallies are a projection of the state: the log replayed (and exported, as the report
        reads it) gives the tallies the room was sent live; no group under k shows a figure."""
        live = tallies(self.state, k=2)
        assert tallies(replay(self.session.log), k=2) == live
        assert tallies(replay(list(pseudonymise(self.session.log))), k=2) == live
        for statement in live.statements:
            for group in (statement.overall, *statement.territories, *statement.roles):
                assert group.hidden == (group.voters is None)
                assert group.hidden or (group.voters or 0) >= 2

    @invariant()
    def replay_through_the_codec_equals_live_state(self) -> None:
        header = header_for(self.state.title)
        read_header, envelopes = read_log(write_log(header, self.session.log))
        assert read_header == header
        assert envelopes == self.session.log, "the codec changed an envelope"
        assert replay(envelopes) == self.state, "replay(read_log(write_log)) != live state"


def as_grade(value: int) -> Grade:
    """A ``Grade`` when in range; out-of-range ints go through as the client sent them."""
    return Grade(value) if 0 <= value <= 6 else value  # type: ignore[return-value]


TestSessionMachine = SessionMachine.TestCase
TestSessionMachine.settings = PROFILE


def test_every_command_type_is_drawn() -> None:
    """``send_anything`` covers the whole of ``COMMAND_TYPES``."""
    assert set(command_strategies()) == set(COMMAND_TYPES.values())


# --- determinism: a seeded script gives the same bytes -----------------------------------------

TERRITORIES: Final = (
    NewTerritory(name="Clichy-sous-Bois", commune="Clichy-sous-Bois", qpv=True),
    NewTerritory(name="Sevran", commune="Sevran", qpv=True),
    NewTerritory(name="Aubervilliers", commune="Aubervilliers", qpv=True),
    NewTerritory(name="Grigny", commune="Grigny", qpv=True),
    NewTerritory(name="Paris 11e", commune="Paris", qpv=False),
    NewTerritory(name="Vincennes", commune="Vincennes", qpv=False),
)


class _Script:
    """Plays a whole session, every choice drawn from one ``random.Random(seed)``."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.session = Session()
        self.now = T0
        self.sent = 0

    def send(self, command: Command, role: Role, actor: str, *, must: bool = True) -> bool:
        self.sent += 1
        ctx = Context(actor=actor, role=role, now=self.now, seed=self.rng.getrandbits(63))
        result = self.session.handle(command, ctx, cmd=f"c{self.sent}")
        assert not (must and isinstance(result, Rejected)), (command, actor, result)
        return not isinstance(result, Rejected)

    def facilitator(self, command: Command) -> None:
        self.send(command, Role.FACILITATOR, "facilitator")

    def join(self, number: int) -> None:
        self.send(
            JoinSession(
                pseudonym=f"Personne {number}",
                territory=f"t{self.rng.randint(1, len(TERRITORIES))}",
                role=self.rng.choice(list(ParticipantRole)),
                stays_seated=self.rng.random() < 0.15,
                consent=self.rng.random() < 0.5,
            ),
            Role.GUEST,
            "guest",
        )

    def people(self) -> list[str]:
        return list(self.session.state.participants)

    def play_round(self) -> None:
        state = self.session.state
        self.facilitator(StartRound())
        for _ in range(self.rng.randint(2, 6)):
            self.now += self.rng.randint(1_000, 20_000)
            author = self.rng.choice(self.people())
            self.send(ProposeStatement(text=self.rng.choice(PROMPTS)), Role.PARTICIPANT, author)
            statement = list(state.statements)[-1]
            if self.rng.random() < 0.8 or len(state.statements) == 1:
                self.facilitator(PublishStatement(statement=statement))
        published = [s.id for s in state.statements.values() if s.status.value == "published"]
        for pid in self.people():
            for sid in published:
                if self.rng.random() < 0.6 or pid == "p1":
                    value = self.rng.choice([-2, -1, 0, 1, 2, None])
                    self.send(TakePosition(statement=sid, value=value), Role.PARTICIPANT, pid)
        if self.rng.random() < 0.5:
            self.facilitator(PauseRound())
            self.now += self.rng.randint(1_000, 60_000)
            self.facilitator(ExtendRound(minutes=self.rng.randint(1, 5)))
            self.facilitator(ResumeRound())
        self.join(len(self.people()) + 1)  # a late arrival
        current = state.round
        assert current is not None
        assert current.deadline is not None
        self.now = current.deadline + self.rng.randint(0, 2_000)
        self.send(EndRound(), Role.SYSTEM, "system")
        for table, host in sorted(current.hosts.items()):
            self.send(SubmitSynthesis(text=f"Synthèse de la table {table}"), Role.PARTICIPANT, host)

    def consent_round(self) -> None:
        """The first adopted proposal, if any, goes through a consent round to a vœu."""
        for proposal in self.session.state.proposals:
            command = OpenConsent(proposal=proposal)
            if self.send(command, Role.FACILITATOR, "facilitator", must=False):
                objector = self.rng.choice(self.people())
                objection = RaiseObjection(consent="c1", text="Trop vague : qui, quand ?")
                self.send(objection, Role.PARTICIPANT, objector)
                self.facilitator(
                    ResolveObjection(
                        objection="o1", resolution="amended", wording="La même, avec une date."
                    )
                )
                self.facilitator(AdoptVoeu(consent="c1", outcome="La salle consent."))
                return

    def play(self, participants: int, table_size: int, host_policy: HostPolicy) -> bytes:
        agenda = tuple(
            RoundSpec(kind=RoundKind.TABLE, prompt=f"Manche {n}", duration_ms=20 * MINUTE)
            for n in (1, 2, 3)
        )
        title = f"Métrokawa scripté {table_size}/{host_policy.value}"
        self.facilitator(
            CreateSession(
                title=title,
                territories=TERRITORIES,
                agenda=agenda,
                table_size=table_size,
                host_policy=host_policy,
            )
        )
        for number in range(1, participants + 1):
            self.join(number)
        self.facilitator(SeatTables())
        for n in range(len(agenda)):
            if n:
                self.facilitator(RotateTables())
            self.play_round()
        state = self.session.state
        published = [s.id for s in state.statements.values() if s.status.value == "published"]
        for sid in self.rng.sample(published, k=min(3, len(published))):
            self.facilitator(PromoteProposal(statement=sid))
        self.facilitator(OpenVote(proposals=tuple(state.proposals)))
        for pid in self.people():
            grades = {p: Grade(self.rng.randint(0, 6)) for p in state.proposals}
            self.send(CastBallot(vote="v1", grades=grades), Role.PARTICIPANT, pid)
        self.facilitator(CloseVote(vote="v1"))
        self.consent_round()
        self.facilitator(CloseSession())
        return write_log(
            LogHeader(session=f"script-{self.rng.getrandbits(32)}", title=title, created_at=T0),
            self.session.log,
        )


PROMPTS: Final = (
    "Les ascenseurs tombent en panne chaque semaine.",
    "Il faut un lieu pour les jeunes le soir.",
    "Le bus passe trop rarement après 21 heures.",
    "Des jardins partagés au pied des immeubles.",
    "Les démarches en ligne excluent les anciens.",
)


def play_scripted_session(
    seed: int, *, participants: int = 24, table_size: int = 5, host_policy: HostPolicy
) -> bytes:
    """The log bytes of a whole scripted session; the same arguments give the same bytes."""
    return _Script(seed).play(participants, table_size, host_policy)


@settings(PROFILE, max_examples=15)
@given(
    seed=st.integers(0, 2**63 - 1),
    participants=st.integers(2, 30),
    table_size=st.integers(3, 6),
    host_policy=st.sampled_from(HostPolicy),
)
def test_same_seed_and_script_give_the_same_bytes(
    seed: int, participants: int, table_size: int, host_policy: HostPolicy
) -> None:
    first = play_scripted_session(
        seed, participants=participants, table_size=table_size, host_policy=host_policy
    )
    second = play_scripted_session(
        seed, participants=participants, table_size=table_size, host_policy=host_policy
    )
    assert first == second
    _header, envelopes = read_log(first)
    kinds = {e.type for e in envelopes}
    assert {"TablesSeated", "TablesRotated", "PositionTaken", "BallotCast"} <= kinds
    assert envelopes[-1].type == "SessionClosed"
    assert [e.seq for e in envelopes] == list(range(1, len(envelopes) + 1))


SCRIPT_CASES: Final = ((7, HostPolicy.ROTATE), (2026, HostPolicy.STAY))
REPO_ROOT: Final = Path(__file__).resolve().parents[2]


def _digests_in_subprocess(hash_seed: str) -> list[str]:
    completed = subprocess.run(
        [sys.executable, "-m", "tests.session_engine.test_properties", "--digests"],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONHASHSEED": hash_seed},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return completed.stdout.split()


def _digests() -> list[str]:
    return [
        hashlib.sha256(play_scripted_session(seed, host_policy=policy)).hexdigest()
        for seed, policy in SCRIPT_CASES
    ]


def test_scripted_log_bytes_do_not_depend_on_the_hash_seed() -> None:
    here = _digests()
    assert _digests_in_subprocess("0") == here
    assert _digests_in_subprocess("123") == here


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m tests.session_engine.test_properties --digests``: the scripted logs' sha256."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--digests", action="store_true")
    if parser.parse_args(argv).digests:
        print("\n".join(_digests()))


if __name__ == "__main__":
    main()
