"""In which round phase each command may be sent: every command type in every phase.

The phase table is written out here by hand, as ``test_roles.WHO_MAY`` writes out who may send
what, so that a change of ``decide.PHASES`` is a visible decision and a wrong entry (a position
taken in a paused round) fails here rather than after minutes of property search. A command sent
in a phase that does not allow it gets the phase's code and changes nothing; in a phase that
allows it, the phase never is the reason it fails (another check may still refuse it: seating
tables twice is ``already_seated`` whatever the phase).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

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
from session_engine.decide import Role
from session_engine.errors import Rejected
from session_engine.events import (
    CoFacilitatorAdded,
    Event,
    ResultsShown,
    RoundPaused,
    TableTabletIssued,
)
from session_engine.model import Grade, ParticipantRole, Provenance, RoundKind

from .harness import (
    FACILITATOR,
    GUEST,
    ROUND_MS,
    T0,
    Sender,
    a_proposal,
    a_seated_session,
    a_session,
    a_statement,
    agenda,
    an_adopted_proposal,
    consent_opened,
    given,
    objection_raised,
    participant,
    round_ended,
    round_started,
    vote_opened,
    with_participants,
)

NONE, RUNNING, PAUSED, ENDED = "no round yet", "running", "paused", "ended"
EVERY_PHASE = {NONE, RUNNING, PAUSED, ENDED}

# DESIGN §5 and docs/architecture.md, written out by hand: the phases each command is allowed in.
ALLOWED_IN: dict[str, set[str]] = {
    "CreateSession": EVERY_PHASE,
    "JoinSession": EVERY_PHASE,
    "SeatTables": {NONE, ENDED},
    "RotateTables": {NONE, ENDED},
    "StartRound": {NONE, ENDED},
    "PauseRound": {RUNNING},
    "ResumeRound": {PAUSED},
    "ExtendRound": {RUNNING, PAUSED},
    "EndRound": {RUNNING, PAUSED},
    "ProposeStatement": {RUNNING},
    "PublishStatement": EVERY_PHASE,
    "HideStatement": EVERY_PHASE,
    "MergeStatements": EVERY_PHASE,
    "Annotate": {RUNNING},
    "TakePosition": {RUNNING},
    "SubmitSynthesis": {RUNNING, PAUSED, ENDED},
    "PromoteProposal": EVERY_PHASE,
    "OpenVote": EVERY_PHASE,
    "CastBallot": EVERY_PHASE,
    "CloseVote": EVERY_PHASE,
    "ShowResults": EVERY_PHASE,
    "HideResults": EVERY_PHASE,
    "OpenConsent": EVERY_PHASE,
    "RaiseObjection": EVERY_PHASE,
    "ResolveObjection": EVERY_PHASE,
    "AdoptVoeu": EVERY_PHASE,
    "AbandonConsent": EVERY_PHASE,
    "CloseSession": EVERY_PHASE,
    "AddCoFacilitator": EVERY_PHASE,
    "RevokeCoFacilitator": EVERY_PHASE,
    # Changes on the night happen whatever the round is doing (territories and the table size
    # only before seating: a state, not a phase).
    "HandOverHost": EVERY_PHASE,
    "MoveParticipant": EVERY_PHASE,
    "RemoveParticipant": EVERY_PHASE,
    "MergeParticipants": EVERY_PHASE,
    "AddRound": EVERY_PHASE,
    "EditRound": EVERY_PHASE,
    "RemoveRound": EVERY_PHASE,
    "AddTerritory": EVERY_PHASE,
    "RenameTerritory": EVERY_PHASE,
    "ChangeTableSize": EVERY_PHASE,
    # People without a phone: a position recorded for a member is a position (a running round);
    # the rest whatever the round is doing.
    "AddParticipant": EVERY_PHASE,
    "IssueTableTablet": EVERY_PHASE,
    "RevokeTableTablet": EVERY_PHASE,
    "RecordPosition": {RUNNING},
    "RecordBallot": EVERY_PHASE,
    "EnterPaperBallots": EVERY_PHASE,
    # A statement imported from another step of the programme: before, during or after a round.
    "ImportStatement": EVERY_PHASE,
}

# What a command sent in a phase that does not allow it is told.
REFUSAL = {
    NONE: "round_closed",
    RUNNING: "round_running",
    PAUSED: "round_paused",
    ENDED: "round_closed",
}
PHASE_CODES = set(REFUSAL.values())

# The session in each phase: seated, with round 1 of 2 not started, running, paused or ended.
PHASES: dict[str, list[Event]] = {
    NONE: a_seated_session(),
    RUNNING: [*a_seated_session(), *round_started(1)],
    PAUSED: [*a_seated_session(), *round_started(1), RoundPaused(round=1, remaining_ms=ROUND_MS)],
    ENDED: [*a_seated_session(), *round_started(1), *round_ended(1)],
}

HOST = participant("p1")  # hosts table 1
MEMBER = participant("p2")
TABLET = Sender("tb1", Role.TABLET)  # table 1's shared tablet, once issued
TABLET_ISSUED = TableTabletIssued(tablet="tb1", table=1)


@dataclass(frozen=True)
class Sent:
    """A command, who sends it, and what else must be there for it to succeed."""

    command: Command
    sender: Sender
    also: list[Event] = field(default_factory=list)


SENT: dict[type[Command], Sent] = {
    CreateSession: Sent(
        CreateSession(
            title="Métrokawa",
            territories=(NewTerritory(name="Pleyel", commune="Saint-Denis", qpv=False),),
            agenda=agenda(1),
        ),
        FACILITATOR,
    ),
    JoinSession: Sent(
        JoinSession(pseudonym="Awa", territory="t1", role=ParticipantRole.HABITANT), GUEST
    ),
    SeatTables: Sent(SeatTables(), FACILITATOR),
    RotateTables: Sent(RotateTables(), FACILITATOR),
    StartRound: Sent(StartRound(), FACILITATOR),
    PauseRound: Sent(PauseRound(), FACILITATOR),
    ResumeRound: Sent(ResumeRound(), FACILITATOR),
    ExtendRound: Sent(ExtendRound(minutes=5), FACILITATOR),
    EndRound: Sent(EndRound(), FACILITATOR),
    ProposeStatement: Sent(ProposeStatement(text="Plus de bancs."), MEMBER),
    PublishStatement: Sent(
        PublishStatement(statement="s1"), FACILITATOR, a_statement(published=False)
    ),
    HideStatement: Sent(HideStatement(statement="s1"), FACILITATOR, a_statement()),
    MergeStatements: Sent(
        MergeStatements(statement="s2", into="s1"),
        FACILITATOR,
        [*a_statement("s1"), *a_statement("s2")],
    ),
    Annotate: Sent(Annotate(text="Surtout le soir.", statement="s1"), MEMBER, a_statement()),
    TakePosition: Sent(TakePosition(statement="s1", value=1), MEMBER, a_statement()),
    SubmitSynthesis: Sent(SubmitSynthesis(text="Nos idées."), HOST),
    PromoteProposal: Sent(PromoteProposal(statement="s1"), FACILITATOR, a_statement()),
    OpenVote: Sent(OpenVote(proposals=("pr1",)), FACILITATOR, a_proposal()),
    CastBallot: Sent(
        CastBallot(vote="v1", grades={"pr1": Grade.BIEN}),
        MEMBER,
        [*a_proposal(), *vote_opened("v1", "pr1")],
    ),
    CloseVote: Sent(CloseVote(vote="v1"), FACILITATOR, [*a_proposal(), *vote_opened("v1", "pr1")]),
    ShowResults: Sent(ShowResults(statement="s1"), FACILITATOR, a_statement()),
    HideResults: Sent(
        HideResults(),
        FACILITATOR,
        [*a_statement(), ResultsShown(statement="s1", vote=None, profiles={})],
    ),
    OpenConsent: Sent(OpenConsent(proposal="pr1"), FACILITATOR, an_adopted_proposal()),
    RaiseObjection: Sent(
        RaiseObjection(consent="c1", text="Et les week-ends ?"),
        MEMBER,
        [*an_adopted_proposal(), *consent_opened()],
    ),
    ResolveObjection: Sent(
        ResolveObjection(objection="o1", resolution="withdrawn"),
        FACILITATOR,
        [*an_adopted_proposal(), *consent_opened(), *objection_raised()],
    ),
    AdoptVoeu: Sent(
        AdoptVoeu(consent="c1", outcome="La salle consent."),
        FACILITATOR,
        [*an_adopted_proposal(), *consent_opened()],
    ),
    AbandonConsent: Sent(
        AbandonConsent(consent="c1"), FACILITATOR, [*an_adopted_proposal(), *consent_opened()]
    ),
    CloseSession: Sent(CloseSession(), FACILITATOR),
    AddCoFacilitator: Sent(AddCoFacilitator(label="Amina"), FACILITATOR),
    RevokeCoFacilitator: Sent(
        RevokeCoFacilitator(cofacilitator="cf1"),
        FACILITATOR,
        [CoFacilitatorAdded(cofacilitator="cf1", label="Amina")],
    ),
    HandOverHost: Sent(HandOverHost(to="p2"), HOST),
    MoveParticipant: Sent(MoveParticipant(participant="p2", table=2), FACILITATOR),
    RemoveParticipant: Sent(RemoveParticipant(participant="p2"), FACILITATOR),
    MergeParticipants: Sent(MergeParticipants(participant="p4", into="p2"), FACILITATOR),
    AddRound: Sent(
        AddRound(kind=RoundKind.PLENARY, prompt="Mise en commun", duration_ms=ROUND_MS),
        FACILITATOR,
    ),
    EditRound: Sent(EditRound(round=2, prompt="Quelles solutions ?"), FACILITATOR),
    RemoveRound: Sent(RemoveRound(round=2), FACILITATOR),
    AddTerritory: Sent(
        AddTerritory(name="Quatre-Chemins", commune="Aubervilliers", qpv=True), FACILITATOR
    ),
    RenameTerritory: Sent(RenameTerritory(territory="t2", name="Pleyel-Nord"), FACILITATOR),
    ChangeTableSize: Sent(ChangeTableSize(table_size=3), FACILITATOR),
    AddParticipant: Sent(
        AddParticipant(pseudonym="Odette", territory="t1", role=ParticipantRole.HABITANT),
        TABLET,
        [TABLET_ISSUED],
    ),
    IssueTableTablet: Sent(IssueTableTablet(table=1), HOST),
    RevokeTableTablet: Sent(RevokeTableTablet(tablet="tb1"), HOST, [TABLET_ISSUED]),
    RecordPosition: Sent(
        RecordPosition(participant="p2", statement="s1", value=1),
        TABLET,
        [TABLET_ISSUED, *a_statement()],
    ),
    RecordBallot: Sent(
        RecordBallot(participant="p2", vote="v1", grades={"pr1": Grade.BIEN}),
        HOST,
        [*a_proposal(), *vote_opened("v1", "pr1")],
    ),
    EnterPaperBallots: Sent(
        EnterPaperBallots(vote="v1", ballots=({"pr1": Grade.BIEN},), note="Urne papier"),
        FACILITATOR,
        [*a_proposal(), *vote_opened("v1", "pr1")],
    ),
    ImportStatement: Sent(
        ImportStatement(
            text="Les bus de nuit ne desservent pas les quartiers.",
            provenance=Provenance(key="e3", source="Forum numérique"),
        ),
        FACILITATOR,
    ),
}


def test_every_command_type_has_a_phase_rule_and_an_example() -> None:
    assert set(ALLOWED_IN) == set(COMMAND_TYPES)
    assert {cls.__name__ for cls in SENT} == set(COMMAND_TYPES)


@pytest.mark.parametrize("phase", sorted(EVERY_PHASE))
@pytest.mark.parametrize("name", list(COMMAND_TYPES))
def test_a_command_is_refused_in_a_phase_that_does_not_allow_it(name: str, phase: str) -> None:
    sent = SENT[COMMAND_TYPES[name]]
    outcome = given(PHASES[phase], sent.also).when(sent.command, as_=sent.sender, now=T0 + 1)
    if phase in ALLOWED_IN[name]:
        refused = outcome.result.code if isinstance(outcome.result, Rejected) else None
        assert refused not in PHASE_CODES, f"{name} is allowed {phase} but was told {refused}"
    else:
        outcome.then_rejected(REFUSAL[phase])


def test_the_seating_commands_succeed_before_any_round() -> None:
    # The one phase where SeatTables can succeed: nobody seated yet, so no round either.
    unseated = [*a_session(), *with_participants(4)]
    assert given(unseated).when(SeatTables(), as_=FACILITATOR).events


def test_a_position_in_a_paused_round_is_refused() -> None:
    paused = [*PHASES[PAUSED], *a_statement()]
    given(paused).when(TakePosition(statement="s1", value=2), as_=MEMBER).then_rejected(
        "round_paused"
    )


@pytest.mark.parametrize("name", ["ProposeStatement", "Annotate", "TakePosition", "RecordPosition"])
def test_writing_stops_at_the_deadline_even_before_the_round_is_ended(name: str) -> None:
    sent = SENT[COMMAND_TYPES[name]]
    running = given(PHASES[RUNNING], sent.also)
    assert running.when(sent.command, as_=sent.sender, now=T0 + ROUND_MS - 1).events
    running.when(sent.command, as_=sent.sender, now=T0 + ROUND_MS).then_rejected("round_closed")
