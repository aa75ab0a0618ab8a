"""The rules of the game: ``decide(state, command, ctx)`` turns a command into events, or refuses.

Theory of operation. A command is checked in a fixed order, each step with its own codes:

1. the sender: its role may send this command (``PERMISSIONS``), a participant must exist, and a
   co-facilitator's link must not be revoked (``decide_access``);
2. the session: it must exist (``unknown_session``) and still be open (``session_closed``);
3. the round phase: commands tied to the round need it in the right status (``PHASES``);
4. the command itself: every text field within its limit (``text_too_long``, one table for all:
   ``decide_base.TEXT_FIELDS``), then its fields (``bad_request``) and its targets.

The first failing check decides the code and nothing is emitted. ``decide`` never changes the
state; it reads the clock and the seed from ``ctx`` only, so the same state, command and context
always give the same events. Hosting is not a role of its own: a participant hosts the table the
current round's plan gives them, and only that gives the right to submit a synthesis.

Phase table (``None`` is "no round started yet")::

    SeatTables, RotateTables, StartRound    None, ended
    PauseRound                              running
    ResumeRound                             paused
    ExtendRound, EndRound                   running, paused
    ProposeStatement, Annotate, TakePosition,
    RecordPosition                          running, and before its deadline
    SubmitSynthesis                         running, paused, ended
    everything else                         any phase

Votes and consent rounds do not depend on the round: they usually happen in plenary, between
or after the table rounds. A consent round turns a proposal adopted by majority judgment into a
vœu: ``OpenConsent`` (the proposal's last vote is closed and its majority grade there is at
least ``ADOPTION_GRADE``), participants ``RaiseObjection``, the facilitator records each one as
``ResolveObjection`` (amended: a new wording; withdrawn), then ``AdoptVoeu`` once none is left
pending, or ``AbandonConsent``. One consent round is open at a time.

Changes made on the night (a host handed over, a participant moved, removed or merged, the
agenda's rounds not started yet, territories and the table size before seating) do not depend on
the round either; their rules are in ``decide_live``. Nor do those for people without a phone (a
participant added without a device, table tablets, paper ballots), but ``RecordPosition`` (a
position recorded for a member of the table), which follows ``TakePosition``; their rules are
in ``decide_tablet``.

This module owns the checks in that order, the tables and the dispatch; the handlers of the
votes, results and consent commands live in ``decide_votes``, those of the co-facilitator links
in ``decide_access``, those of the changes on the night in ``decide_live``, those for people
without a phone in ``decide_tablet``, and what every handler shares (``Role``, ``Context``,
``LIMITS``, ``require``, ``clean_text``, the statement lookups) in ``decide_base``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any, Final

from . import seating
from .commands import (
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
from .decide_access import add_cofacilitator, check_facilitator_link, revoke_cofacilitator
from .decide_base import (
    LIMITS,
    MAX_ROUNDS,
    MAX_TERRITORIES,
    TABLE_SIZES,
    Context,
    Role,
    check_round_spec,
    check_texts,
    clean_text,
    published_of,
    require,
    statement_of,
)
from .decide_live import (
    add_round,
    add_territory,
    change_table_size,
    edit_round,
    hand_over_host,
    merge_participants,
    move_participant,
    remove_participant,
    remove_round,
    rename_territory,
)
from .decide_tablet import (
    add_participant,
    check_tablet_link,
    enter_paper_ballots,
    issue_table_tablet,
    record_ballot,
    record_position,
    revoke_table_tablet,
)
from .decide_votes import (
    ADOPTION_GRADE,
    abandon_consent,
    adopt_voeu,
    cast_ballot,
    close_vote,
    hide_results,
    open_consent,
    open_vote,
    promote_proposal,
    raise_objection,
    resolve_objection,
    show_results,
)
from .errors import CommandRejected, Rejected
from .events import (
    AnnotationAdded,
    ConsentAbandoned,
    Event,
    ParticipantJoined,
    ParticipantSeated,
    PositionTaken,
    RoundEnded,
    RoundExtended,
    RoundPaused,
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
    TablesRotated,
    TablesSeated,
    VoteClosed,
)
from .model import ParticipantRole, Place, Provenance, Territory, is_reserved_pseudonym
from .state import (
    Round,
    RoundStatus,
    SessionState,
    StatementStatus,
)

__all__ = ["ADOPTION_GRADE", "LIMITS", "PERMISSIONS", "PHASES", "Context", "Role", "decide"]


_F, _P, _T = Role.FACILITATOR, Role.PARTICIPANT, Role.TABLET
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
    AddCoFacilitator: frozenset({_F, Role.SYSTEM}),
    RevokeCoFacilitator: frozenset({_F}),
    HandOverHost: frozenset({_F, _P}),  # a participant: the host of the table, to a member
    MoveParticipant: frozenset({_F}),
    RemoveParticipant: frozenset({_F}),
    MergeParticipants: frozenset({_F}),
    AddRound: frozenset({_F}),
    EditRound: frozenset({_F}),
    RemoveRound: frozenset({_F}),
    AddTerritory: frozenset({_F}),
    RenameTerritory: frozenset({_F}),
    ChangeTableSize: frozenset({_F}),
    # People without a phone (``decide_tablet``): a participant is a table's host.
    AddParticipant: frozenset({_F, _P, _T}),
    IssueTableTablet: frozenset({_F, _P}),
    RevokeTableTablet: frozenset({_F, _P}),
    RecordPosition: frozenset({_T, _P}),
    RecordBallot: frozenset({_T, _P}),
    EnterPaperBallots: frozenset({_F}),
    ImportStatement: frozenset({_F}),  # the facilitator and the co-facilitators
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
    RecordPosition: frozenset({_RUN}),
    SubmitSynthesis: frozenset({_RUN, _PAUSE, _END}),
}

# What participants write during a round stops at the deadline, whether or not the clock's
# EndRound has been applied yet: the round "allows it" only until then.
_WRITING: Final[frozenset[type[Any]]] = frozenset(
    {ProposeStatement, Annotate, TakePosition, RecordPosition}
)

# What has no meaning in a forum (the online phase): tables, rounds and their clock, a host.
_ROUNDS_ONLY: Final[frozenset[type[Any]]] = frozenset(
    {
        SeatTables,
        RotateTables,
        StartRound,
        PauseRound,
        ResumeRound,
        ExtendRound,
        EndRound,
        SubmitSynthesis,
        HandOverHost,
        MoveParticipant,
        AddRound,
        EditRound,
        RemoveRound,
        ChangeTableSize,
        IssueTableTablet,
        RecordPosition,
        RecordBallot,
    }
)

_MINUTE = 60_000
_MAX_EXTENSION_MINUTES = 60
# The programme's key of an imported statement: lower-case letters, digits and hyphens.
_PROVENANCE_KEY: Final = re.compile(r"[a-z0-9-]+")
# A participant's personal key across the programme (``JoinSession.person``): what the device
# makes is 16 random bytes in base64url (22 characters); up to 64 leaves room for other clients.
_PERSON_KEY: Final = re.compile(r"[A-Za-z0-9_-]{22,64}")


def decide(state: SessionState, command: Command, ctx: Context) -> list[Event] | Rejected:
    """The events this command produces in this state, or why it is rejected."""
    try:
        _check_sender(state, command, ctx)
        _check_session(state, command)
        _check_phase(state, command, ctx.now)
        check_texts(command)
        return _HANDLERS[type(command)](state, command, ctx)
    except CommandRejected as rejection:
        return Rejected.of(rejection.code)


# --- the generic checks -------------------------------------------------------------------------


def _check_sender(state: SessionState, command: Command, ctx: Context) -> None:
    if ctx.role not in PERMISSIONS[type(command)]:
        raise CommandRejected("not_allowed")
    if ctx.role is Role.PARTICIPANT and ctx.actor not in state.participants:
        raise CommandRejected("not_allowed")
    check_facilitator_link(state, ctx)  # a co-facilitator's link must still be in service
    check_tablet_link(state, ctx)  # and a table tablet's
    if ctx.role is Role.PARTICIPANT and not state.present(ctx.actor):
        raise CommandRejected("not_allowed")  # unknown, or no longer in the session


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
    if state.forum:
        # A forum has no round: what needs one is refused, what is written is welcome any time.
        require(type(command) not in _ROUNDS_ONLY, "forum_no_rounds")
        return
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


# --- setting up: the session, the people, the tables --------------------------------------------


def _create_session(state: SessionState, cmd: CreateSession, ctx: Context) -> list[Event]:
    require(1 <= len(cmd.territories) <= MAX_TERRITORIES, "bad_request")
    if cmd.forum:  # the online phase has no agenda: nobody is at a table
        require(not cmd.agenda, "bad_request")
    else:
        require(1 <= len(cmd.agenda) <= MAX_ROUNDS, "bad_request")
        require(not cmd.themes, "bad_request")
    require(len(cmd.themes) <= LIMITS["themes"], "bad_request")
    themes = tuple(clean_text(theme, "theme") for theme in cmd.themes)
    require(len({theme.casefold() for theme in themes}) == len(themes), "bad_request")
    require(cmd.table_size in TABLE_SIZES, "bad_request")
    names = [clean_text(t.name, "territory").casefold() for t in cmd.territories]
    require(len(set(names)) == len(names), "bad_request")
    for spec in cmd.agenda:
        check_round_spec(spec)  # the agenda is kept as sent: its prompts uncleaned, as always
    territories = tuple(
        Territory(id=f"t{i}", name=t.name.strip(), commune=t.commune.strip(), qpv=t.qpv)
        for i, t in enumerate(cmd.territories, start=1)
    )
    return [
        SessionCreated(
            title=clean_text(cmd.title, "title"),
            territories=territories,
            agenda=cmd.agenda,
            table_size=cmd.table_size,
            host_policy=cmd.host_policy,
            forum=cmd.forum,
            themes=themes,
        )
    ]


def _join_session(state: SessionState, cmd: JoinSession, ctx: Context) -> list[Event]:
    pseudonym = clean_text(cmd.pseudonym, "pseudonym")
    require(cmd.person is None or _PERSON_KEY.fullmatch(cmd.person) is not None, "bad_request")
    require(cmd.territory in state.territories, "unknown_territory")
    require(pseudonym.casefold() not in state.pseudonyms, "pseudonym_taken")
    require(not is_reserved_pseudonym(pseudonym), "pseudonym_taken")
    joined = ParticipantJoined(
        participant=f"p{len(state.participants) + 1}",
        pseudonym=pseudonym,
        territory=cmd.territory,
        role=cmd.role,
        stays_seated=cmd.stays_seated,
        consent=cmd.consent,
        person=cmd.person,
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
        {pid: _seatable(state, pid) for pid in _present_ids(state)},
        pair_counts=state.pair_counts,
    )
    return ParticipantSeated(participant=joined.participant, table=table, hosts=hosts)


def _plan(state: SessionState) -> seating.SeatingPlan:
    return tuple(state.tables[number] for number in sorted(state.tables))


def _present_ids(state: SessionState) -> list[str]:
    return [pid for pid, person in state.participants.items() if person.present]


def _everyone(state: SessionState) -> list[seating.Seatable]:
    """Everyone the plan must seat: whoever is in the session now."""
    return [_seatable(state, pid) for pid in _present_ids(state)]


def _seat_tables(state: SessionState, cmd: SeatTables, ctx: Context) -> list[Event]:
    require(not state.tables, "already_seated")
    require(len(_present_ids(state)) >= 2, "too_few_participants")
    plan = seating.initial_plan(_everyone(state), table_size=state.table_size, seed=ctx.seed)
    return [TablesSeated(seed=ctx.seed, tables=plan)]


def _rotate_tables(state: SessionState, cmd: RotateTables, ctx: Context) -> list[Event]:
    require(bool(state.tables), "not_seated")
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
    require(bool(state.tables), "not_seated")
    require(state.current_round < len(state.rounds), "agenda_done")
    following = state.rounds[state.current_round]
    return [RoundStarted(round=following.number, deadline=ctx.now + following.spec.duration_ms)]


def _started(state: SessionState) -> Round:
    """The current round; the phase check has already made sure there is one."""
    current = state.round
    if current is None:
        raise CommandRejected("round_closed")
    return current


def _running_round_number(state: SessionState) -> int:
    return 0 if state.forum else _started(state).number


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
    require(type(cmd.minutes) is int and 1 <= cmd.minutes <= _MAX_EXTENSION_MINUTES, "bad_request")
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
        require(
            current.status is RoundStatus.RUNNING and _past_deadline(current, ctx.now), "not_due"
        )
        return [RoundEnded(round=current.number, reason="deadline")]
    return [RoundEnded(round=current.number, reason="facilitator")]


# --- statements and their moderation ------------------------------------------------------------


def _propose_statement(state: SessionState, cmd: ProposeStatement, ctx: Context) -> list[Event]:
    author = state.participants[ctx.actor]
    if not state.forum:  # a place and a theme are the online phase's, for its map and filters
        require(cmd.place is None and cmd.theme is None, "bad_request")
    return [
        StatementProposed(
            statement=f"s{len(state.statements) + 1}",
            author=ctx.actor,
            text=clean_text(cmd.text, "statement"),
            kind=cmd.kind,
            round=_running_round_number(state),  # 0 in a forum
            table=author.table,  # nobody sits at a table in a forum
            place=None if cmd.place is None else _place(cmd.place),
            theme=None if cmd.theme is None else _theme(state, cmd.theme),
            # A forum's map filters by territory; the public never receives the roster.
            territory=author.territory if state.forum else None,
        )
    ]


def _place(place: Place) -> Place:
    """The place as kept: the address cleaned, a point with both coordinates on the globe."""
    address = None if place.address is None else clean_text(place.address, "address")
    require((place.lat is None) == (place.lon is None), "bad_request")
    if place.lat is not None and place.lon is not None:
        require(math.isfinite(place.lat) and -90 <= place.lat <= 90, "bad_request")
        require(math.isfinite(place.lon) and -180 <= place.lon <= 180, "bad_request")
    require(address is not None or place.lat is not None, "bad_request")  # an empty place
    # Six decimals is 11 cm: a point on a phone's map is never better, and a shorter log.
    lat = None if place.lat is None else round(float(place.lat), 6)
    lon = None if place.lon is None else round(float(place.lon), 6)
    return Place(address=address, lat=lat, lon=lon)


def _theme(state: SessionState, theme: str) -> str:
    """One of the forum's themes, as the forum spells it (the sender's case may differ)."""
    wanted = theme.strip().casefold()
    found = next((known for known in state.themes if known.casefold() == wanted), None)
    if found is None:
        raise CommandRejected("unknown_theme")
    return found


def _publish_statement(state: SessionState, cmd: PublishStatement, ctx: Context) -> list[Event]:
    statement = statement_of(state, cmd.statement)
    require(statement.status is not StatementStatus.PUBLISHED, "already_published")
    return [StatementPublished(statement=statement.id)]


def _import_statement(state: SessionState, cmd: ImportStatement, ctx: Context) -> list[Event]:
    """A statement from another step of the programme, published at once with its provenance.
    Its key may come into a session once: the programme compares its positions across sessions
    by that key, so two statements under one key would make that comparison meaningless."""
    origin = cmd.provenance
    key = clean_text(origin.key, "provenance_key")
    require(_PROVENANCE_KEY.fullmatch(key) is not None, "bad_request")
    require(len(origin.territories) <= MAX_TERRITORIES, "bad_request")
    require(_valid_ratings(origin.ratings), "bad_request")
    provenance = Provenance(
        key=key,
        source=clean_text(origin.source, "source"),
        territories=tuple(clean_text(name, "territory") for name in origin.territories),
        statement=None if origin.statement is None else clean_text(origin.statement, "id"),
        ratings=origin.ratings,
    )
    imported = (s.provenance for s in state.statements.values() if s.provenance is not None)
    require(all(p.key != key for p in imported), "already_imported")
    return [
        StatementImported(
            statement=f"s{len(state.statements) + 1}",
            text=clean_text(cmd.text, "statement"),
            kind=cmd.kind,
            provenance=provenance,
        )
    ]


def _valid_ratings(ratings: tuple[int, ...]) -> bool:
    """None, or six counts (−2…+2, passes) as a forum of any size can give them."""
    return not ratings or (
        len(ratings) == 6 and all(type(n) is int and 0 <= n <= 10_000_000 for n in ratings)
    )


def _hide_statement(state: SessionState, cmd: HideStatement, ctx: Context) -> list[Event]:
    statement = statement_of(state, cmd.statement)
    require(statement.status is not StatementStatus.HIDDEN, "already_hidden")
    return [StatementHidden(statement=statement.id)]


def _merge_statements(state: SessionState, cmd: MergeStatements, ctx: Context) -> list[Event]:
    require(cmd.statement != cmd.into, "bad_request")
    duplicate = statement_of(state, cmd.statement)
    kept = published_of(state, cmd.into)
    return [StatementsMerged(statement=duplicate.id, into=kept.id)]


def _annotate(state: SessionState, cmd: Annotate, ctx: Context) -> list[Event]:
    require((cmd.statement is None) != (cmd.table is None), "bad_request")
    require(len(cmd.tags) <= LIMITS["tags"], "bad_request")
    if cmd.statement is not None:
        published_of(state, cmd.statement)
    if cmd.table is not None:
        require(cmd.table in state.tables, "unknown_table")
        require(state.participants[ctx.actor].table == cmd.table, "not_allowed")
    return [
        AnnotationAdded(
            annotation=f"a{len(state.annotations) + 1}",
            author=ctx.actor,
            text=clean_text(cmd.text, "annotation"),
            statement=cmd.statement,
            table=cmd.table,
            tags=tuple(clean_text(tag, "tag") for tag in cmd.tags),
            place=None if cmd.place is None else clean_text(cmd.place, "place"),
            round=_running_round_number(state),
        )
    ]


def _take_position(state: SessionState, cmd: TakePosition, ctx: Context) -> list[Event]:
    value = cmd.value
    require(value is None or (type(value) is int and -2 <= value <= 2), "bad_request")
    published_of(state, cmd.statement)
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
            text=clean_text(cmd.text, "synthesis"),
        )
    ]


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
    PromoteProposal: promote_proposal,
    OpenVote: open_vote,
    CastBallot: cast_ballot,
    CloseVote: close_vote,
    ShowResults: show_results,
    HideResults: hide_results,
    OpenConsent: open_consent,
    RaiseObjection: raise_objection,
    ResolveObjection: resolve_objection,
    AdoptVoeu: adopt_voeu,
    AbandonConsent: abandon_consent,
    CloseSession: _close_session,
    AddCoFacilitator: add_cofacilitator,
    RevokeCoFacilitator: revoke_cofacilitator,
    HandOverHost: hand_over_host,
    MoveParticipant: move_participant,
    RemoveParticipant: remove_participant,
    MergeParticipants: merge_participants,
    AddRound: add_round,
    EditRound: edit_round,
    RemoveRound: remove_round,
    AddTerritory: add_territory,
    RenameTerritory: rename_territory,
    ChangeTableSize: change_table_size,
    AddParticipant: add_participant,
    IssueTableTablet: issue_table_tablet,
    RevokeTableTablet: revoke_table_tablet,
    RecordPosition: record_position,
    RecordBallot: record_ballot,
    EnterPaperBallots: enter_paper_ballots,
    ImportStatement: _import_statement,
}
