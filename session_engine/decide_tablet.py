"""The rules for people without a phone: a participant added without a device, a table's shared
tablet, positions and ballots recorded for a member, and paper ballots. ``decide`` dispatches
these commands here.

Who acts for whom. A **table tablet** is a shared link of one table (actor ``tb1``, ``tb2``…;
role ``tablet``), given by the facilitator for any table or by a table's host for their own
(``IssueTableTablet``), withdrawn by either (``RevokeTableTablet``). The members of the table tap
their name on it and take one action: their position on a statement (``RecordPosition``) or
their ballot (``RecordBallot``). The host of a table may record the same for a member of their
table from their own phone, the member beside them. Either acts for a member of **its own table
only** — the table of the plan in force — and anyone else is ``not_at_table``; the event is the
member's own ``PositionTaken`` or ``BallotCast``, with ``recorded_by`` naming the tablet or the
host, so every count takes it as the member's. A revoked tablet may send nothing
(``not_allowed``; the server refuses its token first).

Joining without a device. ``AddParticipant`` makes a ``ParticipantJoined`` (``added_by`` names the
sender) rather than an event of its own: whoever is in the session, with or without a phone, is
the same participant to the seating, the counts, the report and the exports, and only the
provenance differs. No token is issued. The facilitator chooses the table (none before seating:
the seating will place them; one is needed after); a host and a table tablet add at their own
table. A ``ParticipantSeated`` seats them there (they host it if it had no host).

Paper ballots. ``EnterPaperBallots`` (the facilitator, while the vote is open) adds a counted
stack of 1 to ``LIMITS["paper_ballots"]`` ballots, each grading every proposal of the vote, with
a note of where they come from. They count in the merit profiles like cast ballots
(``majority.tally_vote``); they are nobody's, and the room learns only their number.

Phases: ``RecordPosition`` as ``TakePosition`` (a running round, before its deadline; see
``decide.PHASES``); the others in any phase.
"""

from __future__ import annotations

from typing import Final

import msgspec

from .commands import (
    AddParticipant,
    CastBallot,
    EnterPaperBallots,
    IssueTableTablet,
    RecordBallot,
    RecordPosition,
    RevokeTableTablet,
)
from .decide_base import LIMITS, Context, Role, clean_text, published_of, require
from .decide_votes import cast_ballot
from .errors import CommandRejected
from .events import (
    BallotCast,
    Event,
    PaperBallotsEntered,
    ParticipantJoined,
    ParticipantSeated,
    PositionTaken,
    TableTabletIssued,
    TableTabletRevoked,
)
from .model import Grade, is_reserved_pseudonym
from .state import Participant, SessionState

__all__ = [
    "MAX_TABLETS",
    "add_participant",
    "check_tablet_link",
    "enter_paper_ballots",
    "issue_table_tablet",
    "record_ballot",
    "record_position",
    "revoke_table_tablet",
]

MAX_TABLETS: Final = 100  # table tablet links in service at once


def check_tablet_link(state: SessionState, ctx: Context) -> None:
    """A table tablet's command comes from a link in service; a revoked one is ``not_allowed``."""
    if ctx.role is Role.TABLET and state.tablet_table(ctx.actor) is None:
        raise CommandRejected("not_allowed")


# --- whose table --------------------------------------------------------------------------------


def _hosted_table(state: SessionState, actor: str) -> int:
    """The table ``actor`` hosts in the plan in force; ``not_allowed`` if none."""
    hosted = next((t.table for t in state.tables.values() if t.host == actor), None)
    if hosted is None:
        raise CommandRejected("not_allowed")
    return hosted


def _own_table(state: SessionState, ctx: Context) -> int:
    """The table a table tablet or a host acts for (``not_seated`` before the seating)."""
    require(bool(state.tables), "not_seated")
    if ctx.role is Role.TABLET:
        table = state.tablet_table(ctx.actor)
        assert table is not None  # checked with the sender
        return table
    return _hosted_table(state, ctx.actor)


def _member(state: SessionState, participant: str, ctx: Context) -> Participant:
    """The member a tablet or a host acts for: present, and seated at the sender's table."""
    table = _own_table(state, ctx)
    require(state.present(participant), "unknown_participant")
    require(participant != ctx.actor, "bad_request")  # a host records their own with their phone
    person = state.participants[participant]
    require(person.table == table, "not_at_table")
    return person


# --- joining without a device -------------------------------------------------------------------


def add_participant(state: SessionState, cmd: AddParticipant, ctx: Context) -> list[Event]:
    pseudonym = clean_text(cmd.pseudonym, "pseudonym")
    require(cmd.territory in state.territories, "unknown_territory")
    require(pseudonym.casefold() not in state.pseudonyms, "pseudonym_taken")
    require(not is_reserved_pseudonym(pseudonym), "pseudonym_taken")
    table = _table_for_newcomer(state, cmd, ctx)
    joined = ParticipantJoined(
        participant=f"p{len(state.participants) + 1}",
        pseudonym=pseudonym,
        territory=cmd.territory,
        role=cmd.role,
        stays_seated=cmd.stays_seated,
        consent=cmd.consent,
        added_by=ctx.actor,
    )
    if table is None:
        return [joined]
    hosts = state.tables[table].host is None
    return [joined, ParticipantSeated(participant=joined.participant, table=table, hosts=hosts)]


def _table_for_newcomer(state: SessionState, cmd: AddParticipant, ctx: Context) -> int | None:
    """Where they sit: None before the seating (the facilitator only); the facilitator's choice
    after it; the sender's own table for a host or a table tablet."""
    if ctx.role is Role.FACILITATOR:
        if not state.tables:
            require(cmd.table is None, "not_seated")
            return None
        require(cmd.table is not None, "bad_request")
        require(cmd.table in state.tables, "unknown_table")
        return cmd.table
    own = _own_table(state, ctx)
    require(cmd.table is None or cmd.table == own, "not_at_table")
    return own


# --- the table tablet's link --------------------------------------------------------------------


def _hosts_what(state: SessionState, ctx: Context) -> int | None:
    """For a participant, the table they host (``not_allowed`` if none: a member who hosts
    nothing is refused before anything is looked up); None for the facilitator."""
    return _hosted_table(state, ctx.actor) if ctx.role is Role.PARTICIPANT else None


def issue_table_tablet(state: SessionState, cmd: IssueTableTablet, ctx: Context) -> list[Event]:
    require(bool(state.tables), "not_seated")
    hosted = _hosts_what(state, ctx)
    require(cmd.table in state.tables, "unknown_table")
    require(hosted is None or hosted == cmd.table, "not_at_table")
    in_service = sum(not tablet.revoked for tablet in state.tablets.values())
    require(in_service < MAX_TABLETS, "too_many_tablets")
    return [TableTabletIssued(tablet=f"tb{len(state.tablets) + 1}", table=cmd.table)]


def revoke_table_tablet(state: SessionState, cmd: RevokeTableTablet, ctx: Context) -> list[Event]:
    hosted = _hosts_what(state, ctx)
    tablet = state.tablets.get(cmd.tablet)
    if tablet is None:
        raise CommandRejected("unknown_tablet")
    require(hosted is None or hosted == tablet.table, "not_at_table")
    require(not tablet.revoked, "tablet_revoked")
    return [TableTabletRevoked(tablet=tablet.id)]


# --- recorded for a member ----------------------------------------------------------------------


def record_position(state: SessionState, cmd: RecordPosition, ctx: Context) -> list[Event]:
    value = cmd.value
    require(value is None or (type(value) is int and -2 <= value <= 2), "bad_request")
    member = _member(state, cmd.participant, ctx)
    published_of(state, cmd.statement)
    current = state.round
    assert current is not None  # the phase check: a round is running
    return [
        PositionTaken(
            participant=member.id,
            statement=cmd.statement,
            value=value,
            round=current.number,
            recorded_by=ctx.actor,
        )
    ]


def record_ballot(state: SessionState, cmd: RecordBallot, ctx: Context) -> list[Event]:
    member = _member(state, cmd.participant, ctx)
    as_member = msgspec.structs.replace(ctx, actor=member.id, role=Role.PARTICIPANT)
    events = cast_ballot(state, CastBallot(vote=cmd.vote, grades=cmd.grades), as_member)
    return [
        msgspec.structs.replace(e, recorded_by=ctx.actor) if isinstance(e, BallotCast) else e
        for e in events
    ]


# --- paper ballots ------------------------------------------------------------------------------


def enter_paper_ballots(state: SessionState, cmd: EnterPaperBallots, ctx: Context) -> list[Event]:
    note = clean_text(cmd.note, "paper_note")
    require(1 <= len(cmd.ballots) <= LIMITS["paper_ballots"], "bad_request")
    vote = state.votes.get(cmd.vote)
    if vote is None:
        raise CommandRejected("unknown_vote")
    require(vote.open, "vote_closed")
    proposals = set(vote.proposals)
    ballots = tuple(_paper_ballot(ballot, proposals) for ballot in cmd.ballots)
    return [PaperBallotsEntered(vote=vote.id, ballots=ballots, note=note)]


def _paper_ballot(ballot: dict[str, Grade], proposals: set[str]) -> dict[str, Grade]:
    """One paper ballot: a grade (0..6) for every proposal of the vote, and nothing else."""
    require(all(type(g) in (int, Grade) and 0 <= g <= 6 for g in ballot.values()), "bad_request")
    require(set(ballot) == proposals, "bad_request")
    return {proposal: Grade(ballot[proposal]) for proposal in sorted(ballot)}
