"""Majority-judgment results of every vote, for the room and per territory (k-anonymous)."""

from __future__ import annotations

from ..majority import rank, tally_vote
from ..model import GRADE_LABELS, Grade
from ..state import SessionState, Vote
from .breakdown import _territories, suppressed
from .params import ALL, DEFAULT_K
from .results import ProposalResult, VoteRanking, VoteResult


def _ranking(
    group: str, vote: Vote, ballots: dict[str, dict[str, Grade]], hidden: bool, *, paper: bool
) -> VoteRanking:
    """``paper``: the vote's paper ballots count in this group (the whole room's; a paper ballot
    has no territory)."""
    stacks = list(vote.paper) if paper else []
    voters = len(ballots) + sum(stack.count for stack in stacks)
    if hidden:
        return VoteRanking(group=group, voters=voters, hidden=True, proposals=())
    subset = Vote(
        id=vote.id, proposals=vote.proposals, open=vote.open, ballots=ballots, paper=stacks
    )
    profiles = tally_vote(subset)
    ranked = rank(profiles)
    return VoteRanking(
        group=group,
        voters=voters,
        hidden=False,
        proposals=tuple(
            ProposalResult(
                proposal=r.proposal,
                rank=r.rank,
                majority_grade=r.majority_grade,
                majority_grade_label=GRADE_LABELS[Grade(r.majority_grade)],
                profile=profiles[r.proposal],
            )
            for r in ranked
        ),
    )


def vote_results(state: SessionState, *, k: int = DEFAULT_K) -> tuple[VoteResult, ...]:
    """Every vote ranked by majority judgment, for the room and per territory (k-anonymous)."""
    territories = _territories(state)
    results = []
    for vote in state.votes.values():
        per_territory = [
            {p: b for p, b in vote.ballots.items() if _territory_of(state, p) == t}
            for t in territories
        ]
        hidden = suppressed([len(b) for b in per_territory], k)
        results.append(
            VoteResult(
                vote=vote.id,
                open=vote.open,
                overall=_ranking(
                    ALL,
                    vote,
                    dict(vote.ballots),
                    len(vote.ballots) + vote.paper_count < k,
                    paper=True,
                ),
                territories=tuple(
                    _ranking(t, vote, b, h, paper=False)
                    for t, b, h in zip(territories, per_territory, hidden, strict=True)
                ),
            )
        )
    return tuple(results)


def _territory_of(state: SessionState, participant: str) -> str | None:
    person = state.participants.get(participant)
    return person.territory if person else None
