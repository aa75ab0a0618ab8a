"""A plain summary of a state: what ``metrokawa replay`` prints and tests compare."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .state import SessionState, StatementStatus

__all__ = ["POSITIONS_IN_FORCE", "POSITIONS_TAKEN", "presence_counts", "summarize"]

# The two position counts people meet, named the same wherever they are printed (``simulate``,
# ``replay``): every ``PositionTaken`` of the log, where a change of mind counts once more; and the
# positions in force at the end, on statements still published (``summarize``'s ``positions``).
POSITIONS_TAKEN = "positions prises, changements compris"
POSITIONS_IN_FORCE = "positions en cours"


def summarize(state: SessionState) -> dict[str, Any]:
    """Counts a person can check against the room: who came, where they sat, what they said."""
    return {
        "title": state.title,
        "closed": state.closed,
        "participants": len(state.people()),
        "participants_per_territory": _per_territory(state),
        "tables": {
            str(t.table): {"host": t.host, "members": len(t.members)}
            for t in sorted(state.tables.values(), key=lambda t: t.table)
        },
        "rounds": [
            {"number": r.number, "kind": r.spec.kind.value, "status": r.status.value}
            for r in state.rounds
        ],
        "statements": dict(
            sorted(Counter(s.status.value for s in state.statements.values()).items())
        ),
        "annotations": len(state.annotations),
        "positions": _counted_positions(state),  # POSITIONS_IN_FORCE
        "syntheses": len(state.syntheses),
        "proposals": len(state.proposals),
        "votes": {
            vote.id: {
                "open": vote.open,
                "proposals": len(vote.proposals),
                "ballots": sum(len(grades) for grades in vote.ballots.values()),
                "voters": len(vote.ballots),
            }
            for vote in state.votes.values()
        },
    }


def _per_territory(state: SessionState) -> dict[str, int]:
    counts = Counter(p.territory for p in state.people())
    return {t.name: counts.get(t.id, 0) for t in state.territories.values()}


def _counted_positions(state: SessionState) -> int:
    """Positions that count: on statements still published (not hidden, not merged away)."""
    published = {s.id for s in state.statements.values() if s.status is StatementStatus.PUBLISHED}
    return sum(1 for (_, statement) in state.positions if statement in published)


def presence_counts(state: SessionState, connected: list[str]) -> dict[str, Any]:
    """Who is connected now, counted per table and per territory (for the facilitator)."""
    people = [state.participants[p] for p in connected if state.present(p)]
    by_table = Counter(str(p.table) for p in people if p.table is not None)
    by_territory = Counter(p.territory for p in people)
    return {
        "participants": [p.id for p in people],
        "tables": dict(sorted(by_table.items())),
        "territories": dict(sorted(by_territory.items())),
    }
