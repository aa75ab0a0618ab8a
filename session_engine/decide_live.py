"""The rules of the changes made on the night: a table's host handed over, a participant moved,
removed or merged with a second entry of the same person, rounds of the agenda that have not
started added, edited or removed, and, before the tables are seated, territories added or renamed
and the table size changed. ``decide`` dispatches these commands here.

Seating. The plan in force (``state.tables``) names each table's host; while a round is open
(running or paused) that round's hosts follow every change too, so a new host may submit the
table's synthesis at once. A round that has ended keeps its hosts: its synthesis is still written
by whoever hosted it. Someone who leaves a table they hosted hands it to the member who has
hosted least (``seating.successor_host``); the event carries who that is. Later rotations start
from the plan as changed (``seating.rotate``), with the pairs a mover has met and the hosting
counts up to date.

Leaving. Whoever leaves (removed, or merged into another entry) keeps their record and their id,
under a neutral name (``model.anonymous_pseudonym``), and may send nothing more. A removal keeps
their positions and ballots (counted under that name); a removal with erasure (``erase``) lists
in its event the statements and notes it erases — their statements, except one the room made a
proposal of, which is the room's now — and drops their positions and the positions on those
statements from everything computed. Ballots stay: they are secret, and only counted.

Agenda. Only a round that has not started may change (``round_started`` otherwise); a round is
added after the current one at the earliest, and the agenda keeps one round at least.
"""

from __future__ import annotations

from .commands import (
    AddRound,
    AddTerritory,
    ChangeTableSize,
    EditRound,
    HandOverHost,
    MergeParticipants,
    MoveParticipant,
    RemoveParticipant,
    RemoveRound,
    RenameTerritory,
)
from .decide_base import (
    MAX_ROUNDS,
    MAX_TERRITORIES,
    TABLE_SIZES,
    Context,
    Role,
    check_round_spec,
    clean_text,
    require,
)
from .errors import CommandRejected
from .events import (
    Event,
    HostHandedOver,
    ParticipantMoved,
    ParticipantRemoved,
    ParticipantsMerged,
    ResultsHidden,
    RoundAdded,
    RoundEdited,
    RoundRemoved,
    TableSizeChanged,
    TerritoryAdded,
    TerritoryRenamed,
)
from .model import RoundSpec, TableSeating, Territory
from .seating import seated_without, successor_host
from .state import Participant, Round, SessionState, StatementStatus

__all__ = [
    "add_round",
    "add_territory",
    "change_table_size",
    "edit_round",
    "hand_over_host",
    "merge_participants",
    "move_participant",
    "remove_participant",
    "remove_round",
    "rename_territory",
]


# --- people and tables --------------------------------------------------------------------------


def _present(state: SessionState, participant: str) -> Participant:
    require(state.present(participant), "unknown_participant")
    return state.participants[participant]


def _seated_table(state: SessionState, person: Participant) -> TableSeating:
    require(bool(state.tables) and person.table is not None, "not_seated")
    assert person.table is not None  # just checked
    return state.tables[person.table]


def _host_once_left(state: SessionState, table: TableSeating | None, leaving: str) -> str | None:
    """Who hosts ``table`` once ``leaving`` has left it."""
    if table is None:
        return None
    if table.host != leaving:
        return table.host
    rest = seated_without(table.members, leaving)
    return successor_host(rest, {m: state.participants[m].times_hosted for m in rest})


def _table_of(state: SessionState, person: Participant) -> TableSeating | None:
    return None if person.table is None else state.tables.get(person.table)


def hand_over_host(state: SessionState, cmd: HandOverHost, ctx: Context) -> list[Event]:
    table = _seated_table(state, _present(state, cmd.to))
    if ctx.role is Role.PARTICIPANT and table.host != ctx.actor:
        raise CommandRejected("not_allowed")  # a host hands over their own table only
    require(table.host != cmd.to, "already_host")
    return [HostHandedOver(table=table.table, host=cmd.to, previous=table.host)]


def move_participant(state: SessionState, cmd: MoveParticipant, ctx: Context) -> list[Event]:
    person = _present(state, cmd.participant)
    left = _seated_table(state, person)
    require(cmd.table in state.tables, "unknown_table")
    require(cmd.table != left.table, "already_at_table")
    return [
        ParticipantMoved(
            participant=person.id,
            from_table=left.table,
            table=cmd.table,
            hosts=state.tables[cmd.table].host is None,
            from_host=_host_once_left(state, left, person.id),
        )
    ]


def remove_participant(state: SessionState, cmd: RemoveParticipant, ctx: Context) -> list[Event]:
    person = _present(state, cmd.participant)
    table = _table_of(state, person)
    statements, annotations = _erasable(state, person.id) if cmd.erase else ((), ())
    events: list[Event] = []
    if state.results is not None and state.results.statement in statements:
        events.append(ResultsHidden())  # no screen keeps showing what is erased
    events.append(
        ParticipantRemoved(
            participant=person.id,
            erased=cmd.erase,
            table=None if table is None else table.table,
            host=_host_once_left(state, table, person.id),
            statements=statements,
            annotations=annotations,
        )
    )
    return events


def _erasable(state: SessionState, participant: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What an erasure covers: their statements but those the room made a proposal of, and
    their notes."""
    promoted = {proposal.statement for proposal in state.proposals.values()}
    statements = tuple(
        s.id
        for s in state.statements.values()
        if s.author == participant
        and s.id not in promoted
        and s.status is not StatementStatus.ERASED
    )
    notes = tuple(a.id for a in state.annotations if a.author == participant and a.text)
    return statements, notes


def merge_participants(state: SessionState, cmd: MergeParticipants, ctx: Context) -> list[Event]:
    require(cmd.participant != cmd.into, "bad_request")
    second = _present(state, cmd.participant)
    kept = _present(state, cmd.into)
    positions = tuple(
        statement
        for (who, statement) in state.positions
        if who == second.id and (kept.id, statement) not in state.positions
    )
    grades = tuple(
        (vote.id, proposal)
        for vote in state.votes.values()
        for proposal in vote.ballots.get(second.id, {})
        if proposal not in vote.ballots.get(kept.id, {})
    )
    table = _table_of(state, second)
    return [
        ParticipantsMerged(
            participant=second.id,
            into=kept.id,
            table=None if table is None else table.table,
            host=_host_once_left(state, table, second.id),
            positions=positions,
            grades=grades,
        )
    ]


# --- the agenda ---------------------------------------------------------------------------------


def _pending_round(state: SessionState, number: int) -> Round:
    require(1 <= number <= len(state.rounds), "unknown_round")
    require(number > state.current_round, "round_started")
    return state.rounds[number - 1]


def add_round(state: SessionState, cmd: AddRound, ctx: Context) -> list[Event]:
    spec = check_round_spec(
        RoundSpec(kind=cmd.kind, prompt=cmd.prompt, duration_ms=cmd.duration_ms)
    )
    require(len(state.rounds) < MAX_ROUNDS, "limit_reached")
    number = len(state.rounds) + 1 if cmd.round is None else cmd.round
    require(1 <= number <= len(state.rounds) + 1, "unknown_round")
    require(number > state.current_round, "round_started")
    return [RoundAdded(round=number, spec=spec)]


def edit_round(state: SessionState, cmd: EditRound, ctx: Context) -> list[Event]:
    spec = _pending_round(state, cmd.round).spec
    changes = (cmd.kind, cmd.prompt, cmd.duration_ms)
    require(any(change is not None for change in changes), "bad_request")
    edited = RoundSpec(
        kind=spec.kind if cmd.kind is None else cmd.kind,
        prompt=spec.prompt if cmd.prompt is None else cmd.prompt,
        duration_ms=spec.duration_ms if cmd.duration_ms is None else cmd.duration_ms,
    )
    return [RoundEdited(round=cmd.round, spec=check_round_spec(edited))]


def remove_round(state: SessionState, cmd: RemoveRound, ctx: Context) -> list[Event]:
    _pending_round(state, cmd.round)
    require(len(state.rounds) > 1, "agenda_empty")
    return [RoundRemoved(round=cmd.round)]


# --- before seating: territories and the table size ---------------------------------------------


def _not_seated_yet(state: SessionState) -> None:
    require(not state.tables, "already_seated")


def _check_name_free(state: SessionState, name: str, but: str | None = None) -> None:
    taken = {t.name.casefold() for t in state.territories.values() if t.id != but}
    require(name.casefold() not in taken, "territory_exists")


def add_territory(state: SessionState, cmd: AddTerritory, ctx: Context) -> list[Event]:
    _not_seated_yet(state)
    require(len(state.territories) < MAX_TERRITORIES, "limit_reached")
    name = clean_text(cmd.name, "territory")
    _check_name_free(state, name)
    territory = Territory(
        id=f"t{len(state.territories) + 1}", name=name, commune=cmd.commune.strip(), qpv=cmd.qpv
    )
    return [TerritoryAdded(territory=territory)]


def rename_territory(state: SessionState, cmd: RenameTerritory, ctx: Context) -> list[Event]:
    _not_seated_yet(state)
    territory = state.territories.get(cmd.territory)
    if territory is None:
        raise CommandRejected("unknown_territory")
    name = clean_text(cmd.name, "territory")
    _check_name_free(state, name, but=territory.id)
    commune = territory.commune if cmd.commune is None else cmd.commune.strip()
    return [TerritoryRenamed(territory=territory.id, name=name, commune=commune)]


def change_table_size(state: SessionState, cmd: ChangeTableSize, ctx: Context) -> list[Event]:
    _not_seated_yet(state)
    require(cmd.table_size in TABLE_SIZES, "bad_request")
    return [TableSizeChanged(table_size=cmd.table_size)]
