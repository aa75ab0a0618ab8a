"""The results of a published session as plain JSON-able data (``resultats.json``).

Computed from the published log (``anonymise``'s output), so that it says nothing the log does
not: per published statement its text, kind, round and its counts per value overall, per
territory and per role under k-anonymity (``tallies``: a group under k voters, and any group hidden
with it against subtraction, carries no figure); per vote its proposals with their merit
profiles and majority grades (none for a vote of fewer than k ballots, as the room sees it); the
vœux with their outcome. No pseudonym appears here at all: results are counts and texts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import msgspec

from ..codec import Envelope
from ..logfile import LogHeader
from ..majority import median_grade
from ..model import GRADE_LABELS, Grade
from ..opinions.params import DEFAULT_K
from ..replay import replay
from ..state import StatementStatus
from ..tallies import tallies

__all__ = ["RESULTS_FORMAT", "results"]

RESULTS_FORMAT = "metrokawa-results"


def results(
    header: LogHeader, envelopes: Iterable[Envelope], *, k: int = DEFAULT_K
) -> dict[str, Any]:
    """What the session concluded, for ``resultats.json``: see the module's docstring."""
    state = replay(envelopes)
    seen = tallies(state, k=k)  # the room's view: small votes without profiles
    by_statement = {t.statement: t for t in seen.statements}
    statements: list[dict[str, Any]] = []
    for statement in state.statements.values():
        if statement.status is not StatementStatus.PUBLISHED:
            continue
        tally = by_statement[statement.id]
        entry: dict[str, Any] = {
            "id": statement.id,
            "text": statement.text,
            "kind": statement.kind.value,
            "round": statement.round,
            "overall": msgspec.to_builtins(tally.overall),
            "territories": msgspec.to_builtins(tally.territories),
            "roles": msgspec.to_builtins(tally.roles),
        }
        if statement.provenance is not None:  # imported: ``comparer`` links it across sessions
            entry["provenance"] = msgspec.to_builtins(statement.provenance)
        statements.append(entry)
    votes: list[dict[str, Any]] = []
    for vote_tally in seen.votes:
        vote = state.votes[vote_tally.vote]
        proposals = []
        for proposal_id in vote.proposals:
            proposal = state.proposals[proposal_id]
            profile = None if vote_tally.profiles is None else vote_tally.profiles[proposal_id]
            grade = None if profile is None or not sum(profile) else median_grade(profile)
            proposals.append(
                {
                    "id": proposal.id,
                    "statement": proposal.statement,
                    "text": proposal.text,
                    "profile": None if profile is None else list(profile),
                    "majority_grade": grade,
                    "majority_grade_label": None if grade is None else GRADE_LABELS[Grade(grade)],
                }
            )
        votes.append(
            {
                "id": vote.id,
                "open": vote.open,
                "ballots": vote_tally.ballots,
                "proposals": proposals,
            }
        )
    found: dict[str, Any] = {
        "format": RESULTS_FORMAT,
        "format_version": 1,
        "archive": header.session,
        "title": header.title,
        "created_at": header.created_at,
        "k_anonymity": k,
        "territories": [msgspec.to_builtins(t) for t in state.territories.values()],
        "joined": msgspec.to_builtins(seen.joined),
        "statements": statements,
        "votes": votes,
        "voeux": [
            {"id": v.id, "proposal": v.proposal, "text": v.text, "outcome": v.outcome}
            for v in state.voeux.values()
        ],
    }
    # One JSON shape throughout (lists, never tuples): what a decoded resultats.json gives.
    builtins: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(found))
    return builtins
