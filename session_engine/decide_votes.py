"""The rules for proposals, majority-judgment votes, results on the screens, consent rounds and
vœux: the handlers ``decide`` dispatches these commands to, and their lookups.

Votes and consent rounds do not depend on the round phase (see ``decide``'s header). A proposal is
adopted when its last vote is closed and gave it a majority grade of at least ``ADOPTION_GRADE``;
only then may a consent round (``open_consent``) turn it into a vœu.
"""

from __future__ import annotations

from typing import Final

from .commands import (
    AbandonConsent,
    AdoptVoeu,
    CastBallot,
    CloseVote,
    HideResults,
    OpenConsent,
    OpenVote,
    PromoteProposal,
    RaiseObjection,
    ResolveObjection,
    ShowResults,
)
from .decide_base import Context, clean_text, published_of, require
from .errors import CommandRejected
from .events import (
    BallotCast,
    ConsentAbandoned,
    ConsentOpened,
    Event,
    ObjectionRaised,
    ObjectionResolved,
    ProposalPromoted,
    ResultsHidden,
    ResultsShown,
    VoeuAdopted,
    VoteClosed,
    VoteOpened,
)
from .majority import median_grade, tally_vote
from .model import Grade
from .state import ConsentRound, ConsentStatus, Objection, SessionState, Vote

__all__ = [
    "ADOPTION_GRADE",
    "abandon_consent",
    "adopt_voeu",
    "cast_ballot",
    "close_vote",
    "hide_results",
    "open_consent",
    "open_vote",
    "promote_proposal",
    "raise_objection",
    "resolve_objection",
    "show_results",
]

# A proposal is adopted by majority judgment when its majority grade (the lower median of its
# merit profile, ``majority.median_grade``) in a closed vote is at least Assez bien: a strict
# majority of the judges graded it Assez bien or better, the middle of the seven-grade scale.
# Only adopted proposals may go through a consent round and become vœux.
ADOPTION_GRADE: Final = Grade.ASSEZ_BIEN


# --- proposals and majority-judgment votes ------------------------------------------------------


def promote_proposal(state: SessionState, cmd: PromoteProposal, ctx: Context) -> list[Event]:
    statement = published_of(state, cmd.statement)
    promoted = {proposal.statement for proposal in state.proposals.values()}
    require(statement.id not in promoted, "already_promoted")
    text = statement.text if cmd.text is None else clean_text(cmd.text, "proposal")
    proposal = f"pr{len(state.proposals) + 1}"
    return [ProposalPromoted(proposal=proposal, statement=statement.id, text=text)]


def open_vote(state: SessionState, cmd: OpenVote, ctx: Context) -> list[Event]:
    require(bool(cmd.proposals), "bad_request")
    require(len(set(cmd.proposals)) == len(cmd.proposals), "bad_request")
    require(all(p in state.proposals for p in cmd.proposals), "unknown_proposal")
    require(state.open_vote is None, "vote_open")
    return [VoteOpened(vote=f"v{len(state.votes) + 1}", proposals=cmd.proposals)]


def _vote(state: SessionState, vote_id: str) -> Vote:
    vote = state.votes.get(vote_id)
    if vote is None:
        raise CommandRejected("unknown_vote")
    return vote


def cast_ballot(state: SessionState, cmd: CastBallot, ctx: Context) -> list[Event]:
    vote = _vote(state, cmd.vote)
    require(vote.open, "vote_closed")
    require(bool(cmd.grades), "bad_request")
    require(
        all(type(g) in (int, Grade) and 0 <= g <= 6 for g in cmd.grades.values()), "bad_request"
    )
    require(all(p in vote.proposals for p in cmd.grades), "unknown_proposal")
    already = vote.ballots.get(ctx.actor, {})
    require(not any(p in already for p in cmd.grades), "already_voted")
    grades = {p: Grade(cmd.grades[p]) for p in sorted(cmd.grades)}
    return [BallotCast(vote=vote.id, participant=ctx.actor, grades=grades)]


def close_vote(state: SessionState, cmd: CloseVote, ctx: Context) -> list[Event]:
    vote = _vote(state, cmd.vote)
    require(vote.open, "already_closed")
    return [VoteClosed(vote=vote.id)]


# --- results on the screens ----------------------------------------------------------------------


def show_results(state: SessionState, cmd: ShowResults, ctx: Context) -> list[Event]:
    """One statement's positions (public as they are taken) or a closed vote's merit profiles.

    A vote is shown only once closed: tallies of an open vote would tell each voter's neighbours
    how the last ballot moved them."""
    require((cmd.statement is None) != (cmd.vote is None), "bad_request")
    if cmd.statement is not None:
        statement = published_of(state, cmd.statement)
        return [ResultsShown(statement=statement.id, vote=None, profiles={})]
    vote = _vote(state, str(cmd.vote))
    require(not vote.open, "vote_still_open")
    return [ResultsShown(statement=None, vote=vote.id, profiles=tally_vote(vote))]


def hide_results(state: SessionState, cmd: HideResults, ctx: Context) -> list[Event]:
    require(state.results is not None, "nothing_shown")
    return [ResultsHidden()]


# --- consent rounds and vœux --------------------------------------------------------------------


def _adopted_by(state: SessionState, proposal: str) -> tuple[Vote, Grade]:
    """The vote that adopted this proposal and its majority grade there.

    The proposal's last vote speaks for the room: if it is still open, or gave a majority grade
    below ``ADOPTION_GRADE``, the proposal is not adopted (an earlier vote does not count)."""
    votes = [vote for vote in state.votes.values() if proposal in vote.proposals]
    require(bool(votes) and not votes[-1].open, "not_adopted")
    last = votes[-1]
    grade = Grade(median_grade(tally_vote(last)[proposal]))
    require(grade >= ADOPTION_GRADE, "not_adopted")
    return last, grade


def open_consent(state: SessionState, cmd: OpenConsent, ctx: Context) -> list[Event]:
    proposal = state.proposals.get(cmd.proposal)
    if proposal is None:
        raise CommandRejected("unknown_proposal")
    voeux = {voeu.proposal for voeu in state.voeux.values()}
    require(proposal.id not in voeux, "already_voeu")
    vote, grade = _adopted_by(state, proposal.id)
    require(state.open_consent is None, "consent_open")
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
    require(consent.status is ConsentStatus.OPEN, "consent_closed")
    return consent


def raise_objection(state: SessionState, cmd: RaiseObjection, ctx: Context) -> list[Event]:
    text = clean_text(cmd.text, "objection")
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


def resolve_objection(state: SessionState, cmd: ResolveObjection, ctx: Context) -> list[Event]:
    """Amended: the new wording answers the objection and is the round's wording from now on
    (several objections may be resolved by the same wording); withdrawn: its author let it go."""
    require(cmd.resolution in ("amended", "withdrawn"), "bad_request")
    amended = cmd.resolution == "amended"
    require((cmd.wording is not None) == amended, "bad_request")
    wording = None if cmd.wording is None else clean_text(cmd.wording, "proposal")
    objection = _objection(state, cmd.objection)
    _open_round_of_consent(state, objection.consent)
    require(objection.resolution is None, "already_resolved")
    return [
        ObjectionResolved(
            objection=objection.id,
            consent=objection.consent,
            resolution=cmd.resolution,
            wording=wording,
        )
    ]


def adopt_voeu(state: SessionState, cmd: AdoptVoeu, ctx: Context) -> list[Event]:
    outcome = clean_text(cmd.outcome, "outcome")
    consent = _open_round_of_consent(state, cmd.consent)
    pending = [o for o in consent.objections if state.objections[o].resolution is None]
    require(not pending, "objections_pending")
    return [
        VoeuAdopted(
            voeu=f"vx{len(state.voeux) + 1}",
            consent=consent.id,
            proposal=consent.proposal,
            text=consent.text,
            outcome=outcome,
        )
    ]


def abandon_consent(state: SessionState, cmd: AbandonConsent, ctx: Context) -> list[Event]:
    consent = _open_round_of_consent(state, cmd.consent)
    return [ConsentAbandoned(consent=consent.id, reason="facilitator")]
