"""The rules of the game: ``decide(state, command, ctx)`` turns a command into events, or refuses.

Theory of operation. A command is checked in a fixed order, each step with its own codes:

1. the sender: its role may send this command (``PERMISSIONS``), and a participant must exist;
2. the session: it must exist (``unknown_session``) and still be open (``session_closed``);
3. the round phase: commands tied to the round need it in the right status (``PHASES``);
4. the command itself: its fields (``bad_request``, ``text_too_long``) and its targets.

The first failing check decides the code and nothing is emitted. ``decide`` never changes the
state; it reads the clock and the seed from ``ctx`` only, so the same state, command and context
always give the same events. Hosting is not a role of its own: a participant hosts the table the
current round's plan gives them, and only that gives the right to submit a synthesis.

Phase table (``None`` is "no round started yet")::

    SeatTables, RotateTables, StartRound    None, ended
    PauseRound                              running
    ResumeRound                             paused
    ExtendRound, EndRound                   running, paused
    ProposeStatement, Annotate, TakePosition  running, and before its deadline
    SubmitSynthesis                         running, paused, ended
    everything else                         any phase

Votes and consent rounds do not depend on the round: they usually happen in plenary, between
or after the table rounds. A consent round turns a proposal adopted by majority judgment into a
vœu: ``OpenConsent`` (the proposal's last vote is closed and its majority grade there is at
least ``ADOPTION_GRADE``), participants ``RaiseObjection``, the facilitator records each one as
``ResolveObjection`` (amended: a new wording; withdrawn), then ``AdoptVoeu`` once none is left
pending, or ``AbandonConsent``. One consent round is open at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Final

import msgspec

from . import seating
from .commands import (
    AbandonConsent,
    AdoptVoeu,
    Annotate,
    CastBallot,
    CloseSession,
    CloseVote,
    Command,
    CreateSession,
    EndRound,
    ExtendRound,
    HideResults,
    HideStatement,
    JoinSession,
    MergeStatements,
    OpenConsent,
    OpenVote,
    PauseRound,
    PromoteProposal,
    ProposeStatement,
    PublishStatement,
    RaiseObjection,
    ResolveObjection,
    ResumeRound,
    RotateTables,
    SeatTables,
    ShowResults,
    StartRound,
    SubmitSynthesis,
    TakePosition,
)
from .errors import CommandRejected, Rejected
from .events import (
    AnnotationAdded,
    BallotCast,
    ConsentAbandoned,
    ConsentOpened,
    Event,
    ObjectionRaised,
    ObjectionResolved,
    ParticipantJoined,
    ParticipantSeated,
    PositionTaken,
    ProposalPromoted,
    ResultsHidden,
    ResultsShown,
    RoundEnded,
    RoundExtended,
    RoundPaused,
    RoundResumed,
    RoundStarted,
    SessionClosed,
    SessionCreated,
    StatementHidden,
    StatementProposed,
    StatementPublished,
    StatementsMerged,
    SynthesisSubmitted,
    TablesRotated,
    TablesSeated,
    VoeuAdopted,
    VoteClosed,
    VoteOpened,
)
from .majority import median_grade, tally_vote
from .model import Grade, ParticipantRole, Territory, is_reserved_pseudonym
from .state import (
    ConsentRound,
    ConsentStatus,
    Objection,
    Round,
    RoundStatus,
    SessionState,
    Statement,
    StatementStatus,
    Vote,
)

__all__ = ["ADOPTION_GRADE", "LIMITS", "PERMISSIONS", "PHASES", "Context", "Role", "decide"]


class Role(StrEnum):
    """Who is sending. A host is a participant; a guest holds only the join code."""

    FACILITATOR = "facilitator"
    PARTICIPANT = "participant"
    PROJECTOR = "projector"
    VIEWER = "viewer"
    SYSTEM = "system"
    GUEST = "guest"


class Context(msgspec.Struct, frozen=True, kw_only=True):
    """What ``decide`` knows besides the state: who sends, the time (ms), a seed for seating."""

    actor: str  # a participant id, "facilitator", "system", …
    role: Role
    now: int
    seed: int = 0


_F, _P = Role.FACILITATOR, Role.PARTICIPANT
PERMISSIONS: Final[dict[type[Any], frozenset[Role]]] = {
    CreateSession: frozenset({_F}),
    JoinSession: frozenset({Role.GUEST}),
    SeatTables: frozenset({_F}),
    RotateTables: frozenset({_F}),
    StartRound: frozenset({_F}),
    PauseRound: frozenset({_F}),
    ResumeRound: frozenset({_F}),
    ExtendRound: frozenset({_F}),
    EndRound: frozenset({_F, Role.SYSTEM}),
    ProposeStatement: frozenset({_P}),
    PublishStatement: frozenset({_F}),
    HideStatement: frozenset({_F}),
    MergeStatements: frozenset({_F}),
    Annotate: frozenset({_P}),
    TakePosition: frozenset({_P}),
    SubmitSynthesis: frozenset({_P}),
    PromoteProposal: frozenset({_F}),
    OpenVote: frozenset({_F}),
    CastBallot: frozenset({_P}),
    CloseVote: frozenset({_F}),
    ShowResults: frozenset({_F}),
    HideResults: frozenset({_F}),
    OpenConsent: frozenset({_F}),
    RaiseObjection: frozenset({_P}),
    ResolveObjection: frozenset({_F}),
    AdoptVoeu: frozenset({_F}),
    AbandonConsent: frozenset({_F}),
    CloseSession: frozenset({_F}),
}

_RUN, _PAUSE, _END = RoundStatus.RUNNING, RoundStatus.PAUSED, RoundStatus.ENDED
PHASES: Final[dict[type[Any], frozenset[RoundStatus | None]]] = {
    SeatTables: frozenset({None, _END}),
    RotateTables: frozenset({None, _END}),
    StartRound: frozenset({None, _END}),
    PauseRound: frozenset({_RUN}),
    ResumeRound: frozenset({_PAUSE}),
    ExtendRound: frozenset({_RUN, _PAUSE}),
    EndRound: frozenset({_RUN, _PAUSE}),
    ProposeStatement: frozenset({_RUN}),
    Annotate: frozenset({_RUN}),
    TakePosition: frozenset({_RUN}),
    SubmitSynthesis: frozenset({_RUN, _PAUSE, _END}),
}

# What participants write during a round stops at the deadline, whether or not the clock's
# EndRound has been applied yet: the round "allows it" only until then.
_WRITING: Final[frozenset[type[Any]]] = frozenset({ProposeStatement, Annotate, TakePosition})

# Longest accepted texts, in characters. A statement is one sentence.
LIMITS: Final[dict[str, int]] = {
    "title": 200,
    "territory": 80,
    "prompt": 500,
    "pseudonym": 40,
    "statement": 280,
    "annotation": 1000,
    "tag": 40,
    "tags": 10,
    "place": 120,
    "synthesis": 4000,
    "proposal": 400,  # also an amended wording under consent
    "objection": 1000,
    "outcome": 4000,  # the facilitator's outcome statement of a vœu
}

# A proposal is adopted by majority judgment when its majority grade (the lower median of its
# merit profile, ``majority.median_grade``) in a closed vote is at least Assez bien: a strict
# majority of the judges graded it Assez bien or better, the middle of the seven-grade scale.
# Only adopted proposals may go through a consent round and become vœux.
ADOPTION_GRADE: Final = Grade.ASSEZ_BIEN
_MINUTE = 60_000
_MAX_ROUND_MS = 4 * 60 * _MINUTE
_MAX_EXTENSION_MINUTES = 60


def decide(state: SessionState, command: Command, ctx: Context) -> list[Event] | Rejected:
    """The events this command produces in this state, or why it is rejected."""
    try:
        _check_sender(state, command, ctx)
        _check_session(state, command)
        _check_phase(state, command, ctx.now)
        return _HANDLERS[type(command)](state, command, ctx)
    except CommandRejected as rejection:
        return Rejected.of(rejection.code)


# --- the generic checks -------------------------------------------------------------------------


def _check_sender(state: SessionState, command: Command, ctx: Context) -> None:
    if ctx.role not in PERMISSIONS[type(command)]:
        raise CommandRejected("not_allowed")
    if ctx.role is Role.PARTICIPANT and ctx.actor not in state.participants:
        raise CommandRejected("not_allowed")


def _check_session(state: SessionState, command: Command) -> None:
    if isinstance(command, CreateSession):
        if state.created:
            raise CommandRejected("already_created")
        return
    if not state.created:
        raise CommandRejected("unknown_session")
    if state.closed:
        raise CommandRejected(
            "already_closed" if isinstance(command, CloseSession) else "session_closed"
        )


def _check_phase(state: SessionState, command: Command, now: int) -> None:
    allowed = PHASES.get(type(command))
    current = state.round
    status = current.status if current else None
    if allowed is None or status in allowed:
        if current is not None and type(command) in _WRITING and _past_deadline(current, now):
            raise CommandRejected("round_closed")  # time is up, even before the clock's EndRound
        return
    if status is RoundStatus.RUNNING:
        raise CommandRejected("round_running")
    if status is RoundStatus.PAUSED:
        raise CommandRejected("round_paused")
    raise CommandRejected("round_closed")


def _past_deadline(current: Round, now: int) -> bool:
    return current.deadline is not None and now >= current.deadline


def _require(condition: bool, code: str) -> None:
    if not condition:
        raise CommandRejected(code)


def _text(value: str, limit: str) -> str:
    """A cleaned text field: surrounding blanks removed, not empty, not longer than its limit."""
    cleaned = value.strip()
    _require(bool(cleaned), "bad_request")
    _require(len(cleaned) <= LIMITS[limit], "text_too_long")
    return cleaned


# --- setting up: the session, the people, the tables --------------------------------------------


def _create_session(state: SessionState, cmd: CreateSession, ctx: Context) -> list[Event]:
    _require(1 <= len(cmd.territories) <= 12 and 1 <= len(cmd.agenda) <= 20, "bad_request")
    _require(2 <= cmd.table_size <= 12, "bad_request")
    names = [_text(t.name, "territory").casefold() for t in cmd.territories]
    _require(len(set(names)) == len(names), "bad_request")
    for spec in cmd.agenda:
        _text(spec.prompt, "prompt")
        _require(_MINUTE <= spec.duration_ms <= _MAX_ROUND_MS, "bad_request")
    territories = tuple(
        Territory(id=f"t{i}", name=t.name.strip(), commune=t.commune.strip(), qpv=t.qpv)
        for i, t in enumerate(cmd.territories, start=1)
    )
    return [
        SessionCreated(
            title=_text(cmd.title, "title"),
            territories=territories,
            agenda=cmd.agenda,
            table_size=cmd.table_size,
            host_policy=cmd.host_policy,
        )
    ]


def _join_session(state: SessionState, cmd: JoinSession, ctx: Context) -> list[Event]:
    pseudonym = _text(cmd.pseudonym, "pseudonym")
    _require(cmd.territory in state.territories, "unknown_territory")
    _require(pseudonym.casefold() not in state.pseudonyms, "pseudonym_taken")
    _require(not is_reserved_pseudonym(pseudonym), "pseudonym_taken")
    joined = ParticipantJoined(
        participant=f"p{len(state.participants) + 1}",
        pseudonym=pseudonym,
        territory=cmd.territory,
        role=cmd.role,
        stays_seated=cmd.stays_seated,
        consent=cmd.consent,
    )
    if not state.tables:
        return [joined]
    return [joined, _late_arrival_seated(state, joined)]


def _seatable(state: SessionState, participant: str) -> seating.Seatable:
    person = state.participants[participant]
    return _as_seatable(state, person.id, person.territory, person.role, person.stays_seated)


def _as_seatable(
    state: SessionState, pid: str, territory: str, role: ParticipantRole, stays: bool
) -> seating.Seatable:
    return seating.Seatable(
        participant=pid,
        territory=territory,
        qpv_resident=state.territories[territory].qpv and role is ParticipantRole.HABITANT,
        stays_seated=stays,
        times_hosted=state.participants[pid].times_hosted if pid in state.participants else 0,
    )


def _late_arrival_seated(state: SessionState, joined: ParticipantJoined) -> ParticipantSeated:
    person = _as_seatable(
        state, joined.participant, joined.territory, joined.role, joined.stays_seated
    )
    table, hosts = seating.place_late_arrival(
        person,
        _plan(state),
        {pid: _seatable(state, pid) for pid in state.participants},
        pair_counts=state.pair_counts,
    )
    return ParticipantSeated(participant=joined.participant, table=table, hosts=hosts)


def _plan(state: SessionState) -> seating.SeatingPlan:
    return tuple(state.tables[number] for number in sorted(state.tables))


def _everyone(state: SessionState) -> list[seating.Seatable]:
    return [_seatable(state, pid) for pid in state.participants]


def _seat_tables(state: SessionState, cmd: SeatTables, ctx: Context) -> list[Event]:
    _require(not state.tables, "already_seated")
    _require(len(state.participants) >= 2, "too_few_participants")
    plan = seating.initial_plan(_everyone(state), table_size=state.table_size, seed=ctx.seed)
    return [TablesSeated(seed=ctx.seed, tables=plan)]


def _rotate_tables(state: SessionState, cmd: RotateTables, ctx: Context) -> list[Event]:
    _require(bool(state.tables), "not_seated")
    plan = seating.rotate(
        _everyone(state),
        _plan(state),
        pair_counts=state.pair_counts,
        table_size=state.table_size,
        host_policy=state.host_policy,
        seed=ctx.seed,
    )
    return [TablesRotated(seed=ctx.seed, tables=plan)]


# --- the rounds and their clock -----------------------------------------------------------------


def _start_round(state: SessionState, cmd: StartRound, ctx: Context) -> list[Event]:
    _require(bool(state.tables), "not_seated")
    _require(state.current_round < len(state.rounds), "agenda_done")
    following = state.rounds[state.current_round]
    return [RoundStarted(round=following.number, deadline=ctx.now + following.spec.duration_ms)]


def _started(state: SessionState) -> Round:
    """The current round; the phase check has already made sure there is one."""
    current = state.round
    if current is None:
        raise CommandRejected("round_closed")
    return current


def _running_round_number(state: SessionState) -> int:
    return _started(state).number


def _pause_round(state: SessionState, cmd: PauseRound, ctx: Context) -> list[Event]:
    current = _started(state)
    assert current.deadline is not None  # running rounds have one
    remaining = max(0, current.deadline - ctx.now)
    return [RoundPaused(round=current.number, remaining_ms=remaining)]


def _resume_round(state: SessionState, cmd: ResumeRound, ctx: Context) -> list[Event]:
    current = _started(state)
    assert current.remaining_ms is not None  # paused rounds have one
    return [RoundResumed(round=current.number, deadline=ctx.now + current.remaining_ms)]


def _extend_round(state: SessionState, cmd: ExtendRound, ctx: Context) -> list[Event]:
    _require(type(cmd.minutes) is int and 1 <= cmd.minutes <= _MAX_EXTENSION_MINUTES, "bad_request")
    current = _started(state)
    by = cmd.minutes * _MINUTE
    deadline = None if current.deadline is None else current.deadline + by
    remaining = None if current.remaining_ms is None else current.remaining_ms + by
    return [
        RoundExtended(round=current.number, by_ms=by, deadline=deadline, remaining_ms=remaining)
    ]


def _end_round(state: SessionState, cmd: EndRound, ctx: Context) -> list[Event]:
    current = _started(state)
    if ctx.role is Role.SYSTEM:
        # The clock only ends a running round, and only once its deadline has come.
        _require(
            current.status is RoundStatus.RUNNING and _past_deadline(current, ctx.now), "not_due"
        )
        return [RoundEnded(round=current.number, reason="deadline")]
    return [RoundEnded(round=current.number, reason="facilitator")]


# --- statements and their moderation ------------------------------------------------------------


def _propose_statement(state: SessionState, cmd: ProposeStatement, ctx: Context) -> list[Event]:
    return [
        StatementProposed(
            statement=f"s{len(state.statements) + 1}",
            author=ctx.actor,
            text=_text(cmd.text, "statement"),
            kind=cmd.kind,
            round=_running_round_number(state),
            table=state.participants[ctx.actor].table,
        )
    ]


def _statement(state: SessionState, statement_id: str) -> Statement:
    statement = state.statements.get(statement_id)
    if statement is None:
        raise CommandRejected("unknown_statement")
    _require(statement.status is not StatementStatus.MERGED, "already_merged")
    return statement


def _published(state: SessionState, statement_id: str) -> Statement:
    statement = _statement(state, statement_id)
    _require(statement.status is StatementStatus.PUBLISHED, "not_published")
    return statement


def _publish_statement(state: SessionState, cmd: PublishStatement, ctx: Context) -> list[Event]:
    statement = _statement(state, cmd.statement)
    _require(statement.status is not StatementStatus.PUBLISHED, "already_published")
    return [StatementPublished(statement=statement.id)]


def _hide_statement(state: SessionState, cmd: HideStatement, ctx: Context) -> list[Event]:
    statement = _statement(state, cmd.statement)
    _require(statement.status is not StatementStatus.HIDDEN, "already_hidden")
    return [StatementHidden(statement=statement.id)]


def _merge_statements(state: SessionState, cmd: MergeStatements, ctx: Context) -> list[Event]:
    _require(cmd.statement != cmd.into, "bad_request")
    duplicate = _statement(state, cmd.statement)
    kept = _published(state, cmd.into)
    return [StatementsMerged(statement=duplicate.id, into=kept.id)]


def _annotate(state: SessionState, cmd: Annotate, ctx: Context) -> list[Event]:
    _require((cmd.statement is None) != (cmd.table is None), "bad_request")
    _require(len(cmd.tags) <= LIMITS["tags"], "bad_request")
    if cmd.statement is not None:
        _published(state, cmd.statement)
    if cmd.table is not None:
        _require(cmd.table in state.tables, "unknown_table")
        _require(state.participants[ctx.actor].table == cmd.table, "not_allowed")
    return [
        AnnotationAdded(
            annotation=f"a{len(state.annotations) + 1}",
            author=ctx.actor,
            text=_text(cmd.text, "annotation"),
            statement=cmd.statement,
            table=cmd.table,
            tags=tuple(_text(tag, "tag") for tag in cmd.tags),
            place=None if cmd.place is None else _text(cmd.place, "place"),
            round=_running_round_number(state),
        )
    ]


def _take_position(state: SessionState, cmd: TakePosition, ctx: Context) -> list[Event]:
    value = cmd.value
    _require(value is None or (type(value) is int and -2 <= value <= 2), "bad_request")
    _published(state, cmd.statement)
    return [
        PositionTaken(
            participant=ctx.actor,
            statement=cmd.statement,
            value=value,
            round=_running_round_number(state),
        )
    ]


def _submit_synthesis(state: SessionState, cmd: SubmitSynthesis, ctx: Context) -> list[Event]:
    table = state.host_of(ctx.actor)
    if table is None:
        raise CommandRejected("not_allowed")
    return [
        SynthesisSubmitted(
            round=_running_round_number(state),
            table=table,
            host=ctx.actor,
            text=_text(cmd.text, "synthesis"),
        )
    ]


# --- proposals and majority-judgment votes ------------------------------------------------------


def _promote_proposal(state: SessionState, cmd: PromoteProposal, ctx: Context) -> list[Event]:
    statement = _published(state, cmd.statement)
    promoted = {proposal.statement for proposal in state.proposals.values()}
    _require(statement.id not in promoted, "already_promoted")
    text = statement.text if cmd.text is None else _text(cmd.text, "proposal")
    proposal = f"pr{len(state.proposals) + 1}"
    return [ProposalPromoted(proposal=proposal, statement=statement.id, text=text)]


def _open_vote(state: SessionState, cmd: OpenVote, ctx: Context) -> list[Event]:
    _require(bool(cmd.proposals), "bad_request")
    _require(len(set(cmd.proposals)) == len(cmd.proposals), "bad_request")
    _require(all(p in state.proposals for p in cmd.proposals), "unknown_proposal")
    _require(state.open_vote is None, "vote_open")
    return [VoteOpened(vote=f"v{len(state.votes) + 1}", proposals=cmd.proposals)]


def _vote(state: SessionState, vote_id: str) -> Vote:
    vote = state.votes.get(vote_id)
    if vote is None:
        raise CommandRejected("unknown_vote")
    return vote


def _cast_ballot(state: SessionState, cmd: CastBallot, ctx: Context) -> list[Event]:
    vote = _vote(state, cmd.vote)
    _require(vote.open, "vote_closed")
    _require(bool(cmd.grades), "bad_request")
    _require(
        all(type(g) in (int, Grade) and 0 <= g <= 6 for g in cmd.grades.values()), "bad_request"
    )
    _require(all(p in vote.proposals for p in cmd.grades), "unknown_proposal")
    already = vote.ballots.get(ctx.actor, {})
    _require(not any(p in already for p in cmd.grades), "already_voted")
    grades = {p: Grade(cmd.grades[p]) for p in sorted(cmd.grades)}
    return [BallotCast(vote=vote.id, participant=ctx.actor, grades=grades)]


def _close_vote(state: SessionState, cmd: CloseVote, ctx: Context) -> list[Event]:
    vote = _vote(state, cmd.vote)
    _require(vote.open, "already_closed")
    return [VoteClosed(vote=vote.id)]


# --- results on the screens ----------------------------------------------------------------------


def _show_results(state: SessionState, cmd: ShowResults, ctx: Context) -> list[Event]:
    """One statement's positions (public as they are taken) or a closed vote's merit profiles.

    A vote is shown only once closed: tallies of an open vote would tell each voter's neighbours
    how the last ballot moved them."""
    _require((cmd.statement is None) != (cmd.vote is None), "bad_request")
    if cmd.statement is not None:
        statement = _published(state, cmd.statement)
        return [ResultsShown(statement=statement.id, vote=None, profiles={})]
    vote = _vote(state, str(cmd.vote))
    _require(not vote.open, "vote_still_open")
    return [ResultsShown(statement=None, vote=vote.id, profiles=tally_vote(vote))]


def _hide_results(state: SessionState, cmd: HideResults, ctx: Context) -> list[Event]:
    _require(state.results is not None, "nothing_shown")
    return [ResultsHidden()]


# --- consent rounds and vœux --------------------------------------------------------------------


def _adopted_by(state: SessionState, proposal: str) -> tuple[Vote, Grade]:
    """The vote that adopted this proposal and its majority grade there.

    The proposal's last vote speaks for the room: if it is still open, or gave a majority grade
    below ``ADOPTION_GRADE``, the proposal is not adopted (an earlier vote does not count)."""
    votes = [vote for vote in state.votes.values() if proposal in vote.proposals]
    _require(bool(votes) and not votes[-1].open, "not_adopted")
    last = votes[-1]
    grade = Grade(median_grade(tally_vote(last)[proposal]))
    _require(grade >= ADOPTION_GRADE, "not_adopted")
    return last, grade


def _open_consent(state: SessionState, cmd: OpenConsent, ctx: Context) -> list[Event]:
    proposal = state.proposals.get(cmd.proposal)
    if proposal is None:
        raise CommandRejected("unknown_proposal")
    voeux = {voeu.proposal for voeu in state.voeux.values()}
    _require(proposal.id not in voeux, "already_voeu")
    vote, grade = _adopted_by(state, proposal.id)
    _require(state.open_consent is None, "consent_open")
    return [
        ConsentOpened(
            consent=f"c{len(state.consents) + 1}",
            proposal=proposal.id,
            vote=vote.id,
            grade=grade,
            text=proposal.text,
        )
    ]


def _open_round_of_consent(state: SessionState, consent_id: str) -> ConsentRound:
    consent = state.consents.get(consent_id)
    if consent is None:
        raise CommandRejected("unknown_consent")
    _require(consent.status is ConsentStatus.OPEN, "consent_closed")
    return consent


def _raise_objection(state: SessionState, cmd: RaiseObjection, ctx: Context) -> list[Event]:
    text = _text(cmd.text, "objection")
    consent = _open_round_of_consent(state, cmd.consent)
    return [
        ObjectionRaised(
            objection=f"o{len(state.objections) + 1}",
            consent=consent.id,
            author=ctx.actor,
            text=text,
        )
    ]


def _objection(state: SessionState, objection_id: str) -> Objection:
    objection = state.objections.get(objection_id)
    if objection is None:
        raise CommandRejected("unknown_objection")
    return objection


def _resolve_objection(state: SessionState, cmd: ResolveObjection, ctx: Context) -> list[Event]:
    """Amended: the new wording answers the objection and is the round's wording from now on
    (several objections may be resolved by the same wording); withdrawn: its author let it go."""
    _require(cmd.resolution in ("amended", "withdrawn"), "bad_request")
    amended = cmd.resolution == "amended"
    _require((cmd.wording is not None) == amended, "bad_request")
    wording = None if cmd.wording is None else _text(cmd.wording, "proposal")
    objection = _objection(state, cmd.objection)
    _open_round_of_consent(state, objection.consent)
    _require(objection.resolution is None, "already_resolved")
    return [
        ObjectionResolved(
            objection=objection.id,
            consent=objection.consent,
            resolution=cmd.resolution,
            wording=wording,
        )
    ]


def _adopt_voeu(state: SessionState, cmd: AdoptVoeu, ctx: Context) -> list[Event]:
    outcome = _text(cmd.outcome, "outcome")
    consent = _open_round_of_consent(state, cmd.consent)
    pending = [o for o in consent.objections if state.objections[o].resolution is None]
    _require(not pending, "objections_pending")
    return [
        VoeuAdopted(
            voeu=f"vx{len(state.voeux) + 1}",
            consent=consent.id,
            proposal=consent.proposal,
            text=consent.text,
            outcome=outcome,
        )
    ]


def _abandon_consent(state: SessionState, cmd: AbandonConsent, ctx: Context) -> list[Event]:
    consent = _open_round_of_consent(state, cmd.consent)
    return [ConsentAbandoned(consent=consent.id, reason="facilitator")]


def _close_session(state: SessionState, cmd: CloseSession, ctx: Context) -> list[Event]:
    """Closing ends whatever is still open, so the log never leaves a round, a vote or a consent
    round dangling (a consent round still open is abandoned: nobody adopted a vœu)."""
    events: list[Event] = []
    current = state.round
    if current is not None and current.status in (RoundStatus.RUNNING, RoundStatus.PAUSED):
        events.append(RoundEnded(round=current.number, reason="session_closed"))
    events.extend(VoteClosed(vote=vote.id) for vote in state.votes.values() if vote.open)
    consent = state.open_consent
    if consent is not None:
        events.append(ConsentAbandoned(consent=consent.id, reason="session_closed"))
    events.append(SessionClosed())
    return events


_Handler = Callable[[SessionState, Any, Context], list[Event]]
_HANDLERS: Final[dict[type[Any], _Handler]] = {
    CreateSession: _create_session,
    JoinSession: _join_session,
    SeatTables: _seat_tables,
    RotateTables: _rotate_tables,
    StartRound: _start_round,
    PauseRound: _pause_round,
    ResumeRound: _resume_round,
    ExtendRound: _extend_round,
    EndRound: _end_round,
    ProposeStatement: _propose_statement,
    PublishStatement: _publish_statement,
    HideStatement: _hide_statement,
    MergeStatements: _merge_statements,
    Annotate: _annotate,
    TakePosition: _take_position,
    SubmitSynthesis: _submit_synthesis,
    PromoteProposal: _promote_proposal,
    OpenVote: _open_vote,
    CastBallot: _cast_ballot,
    CloseVote: _close_vote,
    ShowResults: _show_results,
    HideResults: _hide_results,
    OpenConsent: _open_consent,
    RaiseObjection: _raise_objection,
    ResolveObjection: _resolve_objection,
    AdoptVoeu: _adopt_voeu,
    AbandonConsent: _abandon_consent,
    CloseSession: _close_session,
}
