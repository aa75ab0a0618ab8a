"""``evolve(state, event)``: apply one event to the state. Replay is a fold of it.

``evolve`` trusts its event: the event was decided against the state it now applies to, so there
is nothing to check and nothing to compute that the event does not already carry (no clock, no
seed, no seating algorithm). That is what makes a replay equal to the live state, and fast.
It updates the state in place and returns it (see ``state`` for why).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import msgspec

from .events import (
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
    TerritoryAdded,
    TerritoryRenamed,
    VoeuAdopted,
    VoteClosed,
    VoteOpened,
)
from .evolve_tablet import TABLET_APPLY
from .model import TableSeating, anonymous_pseudonym
from .seating import pair_key, pairs_of, seated_with, seated_without
from .state import (
    IMPORTED_AUTHOR,
    Annotation,
    CoFacilitator,
    ConsentRound,
    ConsentStatus,
    Objection,
    Participant,
    ParticipantStatus,
    Proposal,
    Round,
    RoundStatus,
    SessionState,
    ShownResults,
    Statement,
    StatementStatus,
    Synthesis,
    Voeu,
    Vote,
)

__all__ = ["evolve"]


def evolve(state: SessionState, event: Event) -> SessionState:
    """The state after ``event``."""
    _APPLY[type(event)](state, event)
    return state


def _session_created(state: SessionState, e: SessionCreated) -> None:
    state.created = True
    state.title = e.title
    state.territories = {t.id: t for t in e.territories}
    state.rounds = [Round(number=i, spec=spec) for i, spec in enumerate(e.agenda, start=1)]
    state.table_size = e.table_size
    state.host_policy = e.host_policy
    state.forum = e.forum
    state.themes = e.themes


def _participant_joined(state: SessionState, e: ParticipantJoined) -> None:
    state.participants[e.participant] = Participant(
        id=e.participant,
        pseudonym=e.pseudonym,
        territory=e.territory,
        role=e.role,
        stays_seated=e.stays_seated,
        consent=e.consent,
        added_by=e.added_by,
        person=e.person,
    )
    state.pseudonyms[e.pseudonym.casefold()] = e.participant


def _tables_planned(state: SessionState, e: TablesSeated | TablesRotated) -> None:
    """A new plan replaces the old one; every pair at a table has now sat together once more."""
    for person in state.participants.values():
        person.table = None
    state.tables = {}
    for table in e.tables:
        state.tables[table.table] = table
        for member in table.members:
            state.participants[member].table = table.table
        if table.host is not None:
            state.participants[table.host].times_hosted += 1
    for pair in pairs_of(e.tables):
        state.pair_counts[pair] = state.pair_counts.get(pair, 0) + 1


def _participant_seated(state: SessionState, e: ParticipantSeated) -> None:
    table = state.tables[e.table]
    for member in table.members:
        pair = pair_key(member, e.participant)
        state.pair_counts[pair] = state.pair_counts.get(pair, 0) + 1
    state.tables[e.table] = TableSeating(
        table=e.table,
        host=e.participant if e.hosts else table.host,
        members=(*table.members, e.participant),  # ids grow with arrival: order is kept
    )
    newcomer = state.participants[e.participant]
    newcomer.table = e.table
    current = state.round
    if e.hosts:
        newcomer.times_hosted += 1
        if current is not None and current.status is not RoundStatus.ENDED:
            current.hosts[e.table] = e.participant


def _round_started(state: SessionState, e: RoundStarted) -> None:
    started = state.rounds[e.round - 1]
    started.status = RoundStatus.RUNNING
    started.deadline = e.deadline
    started.hosts = {t.table: t.host for t in state.tables.values() if t.host is not None}
    state.current_round = e.round


def _round_paused(state: SessionState, e: RoundPaused) -> None:
    paused = state.rounds[e.round - 1]
    paused.status = RoundStatus.PAUSED
    paused.deadline = None
    paused.remaining_ms = e.remaining_ms


def _round_resumed(state: SessionState, e: RoundResumed) -> None:
    resumed = state.rounds[e.round - 1]
    resumed.status = RoundStatus.RUNNING
    resumed.deadline = e.deadline
    resumed.remaining_ms = None


def _round_extended(state: SessionState, e: RoundExtended) -> None:
    extended = state.rounds[e.round - 1]
    extended.deadline = e.deadline
    extended.remaining_ms = e.remaining_ms


def _round_ended(state: SessionState, e: RoundEnded) -> None:
    ended = state.rounds[e.round - 1]
    ended.status = RoundStatus.ENDED
    ended.deadline = None
    ended.remaining_ms = None
    ended.end_reason = e.reason


def _statement_proposed(state: SessionState, e: StatementProposed) -> None:
    state.statements[e.statement] = Statement(
        id=e.statement,
        author=e.author,
        text=e.text,
        kind=e.kind,
        round=e.round,
        table=e.table,
        place=e.place,
        theme=e.theme,
        territory=e.territory,
    )


def _statement_imported(state: SessionState, e: StatementImported) -> None:
    """Imported statements are the facilitators' and published at once; they belong to the
    round under way (the last one started, 0 before any) and to no table."""
    state.statements[e.statement] = Statement(
        id=e.statement,
        author=IMPORTED_AUTHOR,
        text=e.text,
        kind=e.kind,
        round=state.current_round,
        table=None,
        status=StatementStatus.PUBLISHED,
        provenance=e.provenance,
    )


def _statement_published(state: SessionState, e: StatementPublished) -> None:
    state.statements[e.statement].status = StatementStatus.PUBLISHED


def _statement_hidden(state: SessionState, e: StatementHidden) -> None:
    state.statements[e.statement].status = StatementStatus.HIDDEN


def _statements_merged(state: SessionState, e: StatementsMerged) -> None:
    merged = state.statements[e.statement]
    merged.status = StatementStatus.MERGED
    merged.merged_into = e.into


def _annotation_added(state: SessionState, e: AnnotationAdded) -> None:
    state.annotations.append(
        Annotation(
            id=e.annotation,
            author=e.author,
            text=e.text,
            statement=e.statement,
            table=e.table,
            tags=e.tags,
            place=e.place,
            round=e.round,
        )
    )


def _position_taken(state: SessionState, e: PositionTaken) -> None:
    state.positions[(e.participant, e.statement)] = e.value


def _synthesis_submitted(state: SessionState, e: SynthesisSubmitted) -> None:
    state.syntheses[(e.round, e.table)] = Synthesis(
        round=e.round, table=e.table, host=e.host, text=e.text
    )


def _proposal_promoted(state: SessionState, e: ProposalPromoted) -> None:
    state.proposals[e.proposal] = Proposal(id=e.proposal, statement=e.statement, text=e.text)


def _vote_opened(state: SessionState, e: VoteOpened) -> None:
    state.votes[e.vote] = Vote(id=e.vote, proposals=e.proposals)


def _ballot_cast(state: SessionState, e: BallotCast) -> None:
    state.votes[e.vote].ballots.setdefault(e.participant, {}).update(e.grades)


def _vote_closed(state: SessionState, e: VoteClosed) -> None:
    state.votes[e.vote].open = False


def _results_shown(state: SessionState, e: ResultsShown) -> None:
    state.results = ShownResults(statement=e.statement, vote=e.vote, profiles=e.profiles)


def _results_hidden(state: SessionState, e: ResultsHidden) -> None:
    state.results = None


def _consent_opened(state: SessionState, e: ConsentOpened) -> None:
    state.consents[e.consent] = ConsentRound(
        id=e.consent, proposal=e.proposal, vote=e.vote, grade=e.grade, text=e.text
    )


def _objection_raised(state: SessionState, e: ObjectionRaised) -> None:
    state.objections[e.objection] = Objection(
        id=e.objection, consent=e.consent, author=e.author, text=e.text
    )
    state.consents[e.consent].objections.append(e.objection)


def _objection_resolved(state: SessionState, e: ObjectionResolved) -> None:
    objection = state.objections[e.objection]
    objection.resolution = e.resolution
    objection.wording = e.wording
    if e.wording is not None:
        state.consents[e.consent].text = e.wording


def _voeu_adopted(state: SessionState, e: VoeuAdopted) -> None:
    state.consents[e.consent].status = ConsentStatus.ADOPTED
    state.voeux[e.voeu] = Voeu(
        id=e.voeu, consent=e.consent, proposal=e.proposal, text=e.text, outcome=e.outcome
    )


def _consent_abandoned(state: SessionState, e: ConsentAbandoned) -> None:
    abandoned = state.consents[e.consent]
    abandoned.status = ConsentStatus.ABANDONED
    abandoned.end_reason = e.reason


def _session_closed(state: SessionState, e: SessionClosed) -> None:
    state.closed = True


def _cofacilitator_added(state: SessionState, e: CoFacilitatorAdded) -> None:
    state.cofacilitators[e.cofacilitator] = CoFacilitator(id=e.cofacilitator, label=e.label)


def _cofacilitator_revoked(state: SessionState, e: CoFacilitatorRevoked) -> None:
    state.cofacilitators[e.cofacilitator].revoked = True


# --- live changes on the night ------------------------------------------------------------------


def _hosting_changed(state: SessionState, table: int, host: str | None) -> None:
    """``host`` now hosts ``table`` in the plan (``None``: nobody left there); an open round's
    hosts follow, an ended round keeps its own (its synthesis is its host's)."""
    if host is not None:
        state.participants[host].times_hosted += 1
    current = state.round
    if current is None or current.status not in (RoundStatus.RUNNING, RoundStatus.PAUSED):
        return
    if host is None:
        current.hosts.pop(table, None)
    else:
        current.hosts[table] = host


def _host_handed_over(state: SessionState, e: HostHandedOver) -> None:
    table = state.tables[e.table]
    state.tables[e.table] = TableSeating(table=e.table, host=e.host, members=table.members)
    _hosting_changed(state, e.table, e.host)


def _leave_table(
    state: SessionState, participant: str, number: int | None, host: str | None
) -> None:
    state.participants[participant].table = None
    if number is None:
        return
    table = state.tables[number]
    members = seated_without(table.members, participant)
    state.tables[number] = TableSeating(table=number, host=host, members=members)
    if host != table.host:
        _hosting_changed(state, number, host)


def _participant_moved(state: SessionState, e: ParticipantMoved) -> None:
    _leave_table(state, e.participant, e.from_table, e.from_host)
    table = state.tables[e.table]
    for member in table.members:
        pair = pair_key(member, e.participant)
        state.pair_counts[pair] = state.pair_counts.get(pair, 0) + 1
    host = e.participant if e.hosts else table.host
    members = seated_with(table.members, e.participant)
    state.tables[e.table] = TableSeating(table=e.table, host=host, members=members)
    state.participants[e.participant].table = e.table
    if e.hosts:
        _hosting_changed(state, e.table, e.participant)


def _anonymise(state: SessionState, person: Participant) -> None:
    """Someone who left is known by a neutral name from now on; their own name is free again."""
    if state.pseudonyms.get(person.pseudonym.casefold()) == person.id:
        del state.pseudonyms[person.pseudonym.casefold()]
    person.pseudonym = anonymous_pseudonym(person.id)
    person.consent = False


def _participant_removed(state: SessionState, e: ParticipantRemoved) -> None:
    person = state.participants[e.participant]
    _leave_table(state, e.participant, e.table, e.host)
    person.status = ParticipantStatus.ERASED if e.erased else ParticipantStatus.REMOVED
    _anonymise(state, person)
    if e.erased:
        person.person = None  # nothing of them links to another session any more
        _erase(state, e)


def _erase(state: SessionState, e: ParticipantRemoved) -> None:
    """What an erasure covers counts nowhere: the statements keep their ids (others refer to
    them) without their text, the notes theirs without text, tags or place; the person's
    positions and the positions on those statements are dropped."""
    erased = set(e.statements)
    for statement in erased:
        state.statements[statement].status = StatementStatus.ERASED
        state.statements[statement].text = ""
        state.statements[statement].place = None  # a forum contribution's address is theirs too
        state.statements[statement].theme = None
    notes = set(e.annotations)
    state.annotations = [
        msgspec.structs.replace(a, text="", tags=(), place=None) if a.id in notes else a
        for a in state.annotations
    ]
    for key in [k for k in state.positions if k[0] == e.participant or k[1] in erased]:
        del state.positions[key]


def _participants_merged(state: SessionState, e: ParticipantsMerged) -> None:
    second, kept = state.participants[e.participant], state.participants[e.into]
    _leave_table(state, e.participant, e.table, e.host)
    _move_positions(state, e)
    _move_grades(state, e)
    _reattribute(state, e.participant, e.into)
    kept.times_hosted += second.times_hosted
    if kept.person is None:  # one person: the key either entry's device sent links them both
        kept.person = second.person
    second.person = None
    for (a, b), count in list(state.pair_counts.items()):
        if e.participant in (a, b):
            other = b if a == e.participant else a
            if other != e.into:
                pair = pair_key(e.into, other)
                state.pair_counts[pair] = state.pair_counts.get(pair, 0) + count
    second.status = ParticipantStatus.MERGED
    second.merged_into = e.into
    _anonymise(state, second)


def _move_positions(state: SessionState, e: ParticipantsMerged) -> None:
    for statement in e.positions:
        state.positions[(e.into, statement)] = state.positions[(e.participant, statement)]
    for key in [k for k in state.positions if k[0] == e.participant]:
        del state.positions[key]


def _move_grades(state: SessionState, e: ParticipantsMerged) -> None:
    for vote_id, proposal in e.grades:
        ballots = state.votes[vote_id].ballots
        ballots.setdefault(e.into, {})[proposal] = ballots[e.participant][proposal]
    for vote in state.votes.values():
        vote.ballots.pop(e.participant, None)


def _reattribute(state: SessionState, second: str, kept: str) -> None:
    """What the second entry wrote is the kept entry's: one person wrote it."""
    for statement in state.statements.values():
        if statement.author == second:
            statement.author = kept
    state.annotations = [
        msgspec.structs.replace(a, author=kept) if a.author == second else a
        for a in state.annotations
    ]
    for objection in state.objections.values():
        if objection.author == second:
            objection.author = kept


def _renumber(state: SessionState) -> None:
    for number, round_ in enumerate(state.rounds, start=1):
        round_.number = number


def _round_added(state: SessionState, e: RoundAdded) -> None:
    state.rounds.insert(e.round - 1, Round(number=e.round, spec=e.spec))
    _renumber(state)


def _round_edited(state: SessionState, e: RoundEdited) -> None:
    state.rounds[e.round - 1].spec = e.spec


def _round_removed(state: SessionState, e: RoundRemoved) -> None:
    del state.rounds[e.round - 1]
    _renumber(state)


def _territory_added(state: SessionState, e: TerritoryAdded) -> None:
    state.territories[e.territory.id] = e.territory


def _territory_renamed(state: SessionState, e: TerritoryRenamed) -> None:
    territory = state.territories[e.territory]
    state.territories[e.territory] = msgspec.structs.replace(
        territory, name=e.name, commune=e.commune
    )


def _table_size_changed(state: SessionState, e: TableSizeChanged) -> None:
    state.table_size = e.table_size


_APPLY: Final[dict[type[Any], Callable[[SessionState, Any], None]]] = {
    SessionCreated: _session_created,
    ParticipantJoined: _participant_joined,
    TablesSeated: _tables_planned,
    TablesRotated: _tables_planned,
    ParticipantSeated: _participant_seated,
    RoundStarted: _round_started,
    RoundPaused: _round_paused,
    RoundResumed: _round_resumed,
    RoundExtended: _round_extended,
    RoundEnded: _round_ended,
    StatementProposed: _statement_proposed,
    StatementPublished: _statement_published,
    StatementImported: _statement_imported,
    StatementHidden: _statement_hidden,
    StatementsMerged: _statements_merged,
    AnnotationAdded: _annotation_added,
    PositionTaken: _position_taken,
    SynthesisSubmitted: _synthesis_submitted,
    ProposalPromoted: _proposal_promoted,
    VoteOpened: _vote_opened,
    BallotCast: _ballot_cast,
    VoteClosed: _vote_closed,
    ResultsShown: _results_shown,
    ResultsHidden: _results_hidden,
    ConsentOpened: _consent_opened,
    ObjectionRaised: _objection_raised,
    ObjectionResolved: _objection_resolved,
    VoeuAdopted: _voeu_adopted,
    ConsentAbandoned: _consent_abandoned,
    SessionClosed: _session_closed,
    CoFacilitatorAdded: _cofacilitator_added,
    CoFacilitatorRevoked: _cofacilitator_revoked,
    HostHandedOver: _host_handed_over,
    ParticipantMoved: _participant_moved,
    ParticipantRemoved: _participant_removed,
    ParticipantsMerged: _participants_merged,
    RoundAdded: _round_added,
    RoundEdited: _round_edited,
    RoundRemoved: _round_removed,
    TerritoryAdded: _territory_added,
    TerritoryRenamed: _territory_renamed,
    TableSizeChanged: _table_size_changed,
    **TABLET_APPLY,  # people without a phone: table tablets, paper ballots
}
