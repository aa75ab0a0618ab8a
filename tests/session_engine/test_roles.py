"""Who may send what: every command type against every role, in a state where it would succeed.

A host is not a role of its own: it is a participant who hosts a table in the current round, and
that alone adds the right to submit a synthesis. Here ``p1`` hosts table 1 and ``p2`` sits at it.
"""

from __future__ import annotations

from dataclasses import dataclass

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
from session_engine.decide import PERMISSIONS, Role
from session_engine.events import (
    AnnotationAdded,
    BallotCast,
    CoFacilitatorAdded,
    Event,
    ObjectionRaised,
    PositionTaken,
    ResultsShown,
    RoundPaused,
    StatementProposed,
    SynthesisSubmitted,
    TableTabletIssued,
)
from session_engine.model import Grade, ParticipantRole, Provenance, RoundKind

from .harness import (
    FACILITATOR,
    GUEST,
    PROJECTOR,
    ROUND_MS,
    SYSTEM,
    T0,
    VIEWER,
    Sender,
    a_proposal,
    a_running_round,
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
    vote_opened,
    with_participants,
)

HOST = participant("p1")  # hosts table 1 in round 1
MEMBER = participant("p2")  # sits at table 1, hosts nothing
TABLET = Sender("tb1", Role.TABLET)  # table 1's shared tablet (``TABLET_ISSUED``)
TABLET_ISSUED = TableTabletIssued(tablet="tb1", table=1)

SENDERS: dict[str, Sender] = {
    "facilitator": FACILITATOR,
    "participant": MEMBER,
    "host": HOST,
    "projector": PROJECTOR,
    "viewer": VIEWER,
    "system": SYSTEM,
    "guest": GUEST,
    "tablet": TABLET,
}


@dataclass(frozen=True)
class Example:
    """A command, the givens in which it succeeds for whoever may send it, and when it is sent."""

    command: Command
    givens: list[Event]
    now: int = T0


EXAMPLES: dict[type[Command], Example] = {
    CreateSession: Example(
        CreateSession(
            title="Métrokawa",
            territories=(NewTerritory(name="Franc-Moisin", commune="Saint-Denis", qpv=True),),
            agenda=agenda(1),
        ),
        [],
    ),
    JoinSession: Example(
        JoinSession(pseudonym="Awa", territory="t1", role=ParticipantRole.HABITANT),
        [*a_session(), *with_participants(4)],
    ),
    SeatTables: Example(SeatTables(), [*a_session(), *with_participants(4)]),
    RotateTables: Example(RotateTables(), [*a_running_round(), *round_ended(1)]),
    StartRound: Example(StartRound(), a_seated_session()),
    PauseRound: Example(PauseRound(), a_running_round()),
    ResumeRound: Example(ResumeRound(), [*a_running_round(), RoundPaused(round=1, remaining_ms=1)]),
    ExtendRound: Example(ExtendRound(minutes=5), a_running_round()),
    EndRound: Example(EndRound(), a_running_round(), now=T0 + ROUND_MS),  # due, for the clock
    ProposeStatement: Example(ProposeStatement(text="Plus de bancs."), a_running_round()),
    PublishStatement: Example(
        PublishStatement(statement="s1"), [*a_running_round(), *a_statement(published=False)]
    ),
    HideStatement: Example(HideStatement(statement="s1"), [*a_running_round(), *a_statement()]),
    MergeStatements: Example(
        MergeStatements(statement="s2", into="s1"),
        [*a_running_round(), *a_statement("s1"), *a_statement("s2")],
    ),
    Annotate: Example(
        Annotate(text="Surtout le soir.", statement="s1"), [*a_running_round(), *a_statement()]
    ),
    TakePosition: Example(
        TakePosition(statement="s1", value=1), [*a_running_round(), *a_statement()]
    ),
    SubmitSynthesis: Example(SubmitSynthesis(text="Nos idées."), a_running_round()),
    PromoteProposal: Example(PromoteProposal(statement="s1"), [*a_running_round(), *a_statement()]),
    OpenVote: Example(OpenVote(proposals=("pr1",)), [*a_running_round(), *a_proposal()]),
    CastBallot: Example(
        CastBallot(vote="v1", grades={"pr1": Grade.BIEN}),
        [*a_running_round(), *a_proposal(), *vote_opened("v1", "pr1")],
    ),
    CloseVote: Example(
        CloseVote(vote="v1"), [*a_running_round(), *a_proposal(), *vote_opened("v1", "pr1")]
    ),
    ShowResults: Example(ShowResults(statement="s1"), [*a_running_round(), *a_statement()]),
    HideResults: Example(
        HideResults(),
        [*a_running_round(), *a_statement(), ResultsShown(statement="s1", vote=None, profiles={})],
    ),
    OpenConsent: Example(OpenConsent(proposal="pr1"), [*a_running_round(), *an_adopted_proposal()]),
    RaiseObjection: Example(
        RaiseObjection(consent="c1", text="Et les week-ends ?"),
        [*a_running_round(), *an_adopted_proposal(), *consent_opened()],
    ),
    ResolveObjection: Example(
        ResolveObjection(objection="o1", resolution="withdrawn"),
        [*a_running_round(), *an_adopted_proposal(), *consent_opened(), *objection_raised()],
    ),
    AdoptVoeu: Example(
        AdoptVoeu(consent="c1", outcome="La salle consent."),
        [*a_running_round(), *an_adopted_proposal(), *consent_opened()],
    ),
    AbandonConsent: Example(
        AbandonConsent(consent="c1"),
        [*a_running_round(), *an_adopted_proposal(), *consent_opened()],
    ),
    CloseSession: Example(CloseSession(), a_running_round()),
    AddCoFacilitator: Example(AddCoFacilitator(label="Amina, accueil"), a_running_round()),
    RevokeCoFacilitator: Example(
        RevokeCoFacilitator(cofacilitator="cf1"),
        [*a_running_round(), CoFacilitatorAdded(cofacilitator="cf1", label="Amina")],
    ),
    HandOverHost: Example(HandOverHost(to="p2"), a_running_round()),
    MoveParticipant: Example(MoveParticipant(participant="p2", table=2), a_running_round()),
    RemoveParticipant: Example(RemoveParticipant(participant="p2"), a_running_round()),
    MergeParticipants: Example(MergeParticipants(participant="p4", into="p2"), a_running_round()),
    AddRound: Example(
        AddRound(kind=RoundKind.PLENARY, prompt="Mise en commun", duration_ms=ROUND_MS),
        a_running_round(),
    ),
    EditRound: Example(EditRound(round=2, prompt="Quelles solutions ?"), a_running_round()),
    RemoveRound: Example(RemoveRound(round=2), a_running_round()),
    AddTerritory: Example(
        AddTerritory(name="Quatre-Chemins", commune="Aubervilliers", qpv=True),
        [*a_session(), *with_participants(4)],
    ),
    RenameTerritory: Example(
        RenameTerritory(territory="t2", name="Pleyel-Nord"), [*a_session(), *with_participants(4)]
    ),
    ChangeTableSize: Example(ChangeTableSize(table_size=3), [*a_session(), *with_participants(4)]),
    # People without a phone: the examples act at table 1 (p1 hosts it, p2 sits at it), whose
    # tablet is tb1. p2, a member who hosts nothing, is refused as any participant would be.
    AddParticipant: Example(
        AddParticipant(pseudonym="Odette", territory="t1", role=ParticipantRole.HABITANT, table=1),
        [*a_running_round(), TABLET_ISSUED],
    ),
    IssueTableTablet: Example(IssueTableTablet(table=1), a_running_round()),
    RevokeTableTablet: Example(
        RevokeTableTablet(tablet="tb1"), [*a_running_round(), TABLET_ISSUED]
    ),
    RecordPosition: Example(
        RecordPosition(participant="p2", statement="s1", value=1),
        [*a_running_round(), TABLET_ISSUED, *a_statement()],
    ),
    RecordBallot: Example(
        RecordBallot(participant="p2", vote="v1", grades={"pr1": Grade.BIEN}),
        [*a_running_round(), TABLET_ISSUED, *a_proposal(), *vote_opened("v1", "pr1")],
    ),
    EnterPaperBallots: Example(
        EnterPaperBallots(vote="v1", ballots=({"pr1": Grade.BIEN},), note="Urne papier"),
        [*a_running_round(), *a_proposal(), *vote_opened("v1", "pr1")],
    ),
    ImportStatement: Example(
        ImportStatement(
            text="Les bus de nuit ne desservent pas les quartiers.",
            provenance=Provenance(key="e3", source="Forum numérique"),
        ),
        a_running_round(),
    ),
}

# DESIGN §6, written out once more by hand so that a change of PERMISSIONS is a visible decision.
F, P, S, G, T = "facilitator", "participant", "system", "guest", "tablet"
WHO_MAY: dict[str, set[str]] = {
    "CreateSession": {F},
    "JoinSession": {G},
    "SeatTables": {F},
    "RotateTables": {F},
    "StartRound": {F},
    "PauseRound": {F},
    "ResumeRound": {F},
    "ExtendRound": {F},
    "EndRound": {F, S},
    "ProposeStatement": {P, "host"},
    "PublishStatement": {F},
    "HideStatement": {F},
    "MergeStatements": {F},
    "Annotate": {P, "host"},
    "TakePosition": {P, "host"},
    "SubmitSynthesis": {"host"},
    "PromoteProposal": {F},
    "OpenVote": {F},
    "CastBallot": {P, "host"},
    "CloseVote": {F},
    "ShowResults": {F},
    "HideResults": {F},
    "OpenConsent": {F},
    "RaiseObjection": {P, "host"},
    "ResolveObjection": {F},
    "AdoptVoeu": {F},
    "AbandonConsent": {F},
    "CloseSession": {F},
    "AddCoFacilitator": {F, S},  # S: the server's machine, ``metrokawa sessions``
    "RevokeCoFacilitator": {F},
    "HandOverHost": {F, "host"},  # a host hands over their own table; the facilitator any
    "MoveParticipant": {F},
    "RemoveParticipant": {F},
    "MergeParticipants": {F},
    "AddRound": {F},
    "EditRound": {F},
    "RemoveRound": {F},
    "AddTerritory": {F},
    "RenameTerritory": {F},
    "ChangeTableSize": {F},
    # A host for their own table, a table tablet for its own (``decide_tablet``).
    "AddParticipant": {F, "host", T},
    "IssueTableTablet": {F, "host"},
    "RevokeTableTablet": {F, "host"},
    "RecordPosition": {"host", T},
    "RecordBallot": {"host", T},
    "EnterPaperBallots": {F},
    "ImportStatement": {F},  # and the co-facilitators, who send as the facilitator role
}


def test_every_command_type_has_an_example_and_a_rule() -> None:
    assert {cls.__name__ for cls in EXAMPLES} == set(COMMAND_TYPES)
    assert set(WHO_MAY) == set(COMMAND_TYPES)
    assert set(PERMISSIONS) == set(COMMAND_TYPES.values())


def test_permissions_are_those_of_the_design() -> None:
    def roles(senders: set[str]) -> set[Role]:
        return {Role.PARTICIPANT if who == "host" else Role(who) for who in senders}

    expected = {name: roles(senders) for name, senders in WHO_MAY.items()}
    assert {cls.__name__: set(allowed) for cls, allowed in PERMISSIONS.items()} == expected


@pytest.mark.parametrize("who", list(SENDERS))
@pytest.mark.parametrize("name", list(COMMAND_TYPES))
def test_a_command_is_accepted_only_from_who_may_send_it(name: str, who: str) -> None:
    example = EXAMPLES[COMMAND_TYPES[name]]
    outcome = given(example.givens).when(example.command, as_=SENDERS[who], now=example.now)
    if who in WHO_MAY[name]:
        assert outcome.events, f"{name} from {who} gave no event"
    else:
        outcome.then_rejected("not_allowed")


@pytest.mark.parametrize("name", [name for name, who in WHO_MAY.items() if P in who])
def test_a_participant_unknown_to_the_session_is_not_allowed(name: str) -> None:
    example = EXAMPLES[COMMAND_TYPES[name]]
    given(example.givens).when(example.command, as_=participant("p99")).then_rejected("not_allowed")


def test_a_participant_cannot_act_before_joining_the_session() -> None:
    given(a_session()).when(ProposeStatement(text="Bonjour"), as_=participant("p1")).then_rejected(
        "not_allowed"
    )


def test_a_position_is_always_the_senders_own() -> None:
    example = EXAMPLES[TakePosition]
    for pid in ("p1", "p2", "p3", "p4"):
        (taken,) = given(example.givens).when(example.command, as_=participant(pid)).events
        assert isinstance(taken, PositionTaken)
        assert taken.participant == pid


def test_every_trace_of_a_participant_names_the_sender() -> None:
    """Statements, annotations, ballots, syntheses and objections carry ``ctx.actor``, never a
    chosen name."""
    traced = (ProposeStatement, Annotate, CastBallot, TakePosition, SubmitSynthesis, RaiseObjection)
    authors: dict[type[Command], str] = {}
    for command_type in traced:
        example = EXAMPLES[command_type]
        (event,) = given(example.givens).when(example.command, as_=HOST).events
        match event:
            case StatementProposed(author=who) | AnnotationAdded(author=who):
                authors[command_type] = who
            case ObjectionRaised(author=who):
                authors[command_type] = who
            case BallotCast(participant=who) | PositionTaken(participant=who):
                authors[command_type] = who
            case SynthesisSubmitted(host=who):
                authors[command_type] = who
    assert authors == dict.fromkeys(traced, "p1")


def test_hosting_another_table_gives_no_right_on_this_one() -> None:
    (event,) = (
        given(a_running_round()).when(SubmitSynthesis(text="x"), as_=participant("p3")).events
    )
    assert event == SynthesisSubmitted(round=1, table=2, host="p3", text="x")
