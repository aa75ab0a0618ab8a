"""Every rejection code of ``errors.MESSAGES`` is reachable, and each has both its sentences.

``REACHED_BY`` gives one scenario per code, the smallest that produces it; the topical modules
test each code in context (the comment before each entry names one such test). The first test
checks that the table covers ``MESSAGES`` exactly: a new code needs a scenario here.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from session_engine.commands import (
    AddCoFacilitator,
    AddRound,
    AddTerritory,
    AdoptVoeu,
    Annotate,
    CastBallot,
    CloseSession,
    CloseVote,
    Command,
    CreateSession,
    EditRound,
    EndRound,
    ExtendRound,
    HandOverHost,
    HideResults,
    HideStatement,
    ImportStatement,
    IssueTableTablet,
    JoinSession,
    MoveParticipant,
    NewTerritory,
    OpenConsent,
    OpenVote,
    PromoteProposal,
    ProposeStatement,
    PublishStatement,
    RaiseObjection,
    RecordPosition,
    RemoveRound,
    ResolveObjection,
    RevokeCoFacilitator,
    RevokeTableTablet,
    RotateTables,
    SeatTables,
    ShowResults,
    StartRound,
    TakePosition,
)
from session_engine.decide import Role
from session_engine.errors import MESSAGES, CommandRejected, Rejected
from session_engine.events import (
    CoFacilitatorAdded,
    CoFacilitatorRevoked,
    ConsentAbandoned,
    Event,
    ObjectionResolved,
    RoundPaused,
    SessionClosed,
    StatementHidden,
    StatementImported,
    StatementsMerged,
    TableTabletIssued,
    TableTabletRevoked,
    VoeuAdopted,
)
from session_engine.model import Grade, ParticipantRole, Provenance, RoundKind, StatementKind
from session_engine.programme import (
    AddOrganiser,
    AddProgrammeTerritory,
    AddSession,
    CloseProgrammeSession,
    CreateProgramme,
    FollowUpVoeu,
    ImportedStatement,
    ProgrammeCommand,
    ProgrammeContext,
    ProgrammeState,
    PublishProgramme,
    PublishProgrammeSession,
    RecordedVoeu,
    RecordImports,
    SessionKind,
    VoeuStatus,
)
from session_engine.programme import decide as decide_programme
from session_engine.programme.log import run as run_programme

from .harness import (
    FACILITATOR,
    GUEST,
    SYSTEM,
    Sender,
    a_forum,
    a_proposal,
    a_running_round,
    a_seated_session,
    a_session,
    a_statement,
    agenda,
    an_adopted_proposal,
    ballot,
    consent_opened,
    given,
    joined,
    objection_raised,
    participant,
    round_ended,
    vote_closed,
    vote_opened,
    with_participants,
)


@dataclass(frozen=True)
class Case:
    givens: list[Event]
    command: Command
    sender: Sender


def join(pseudonym: str = "Awa", territory: str = "t1") -> JoinSession:
    return JoinSession(pseudonym=pseudonym, territory=territory, role=ParticipantRole.HABITANT)


P2 = participant("p2")
WITH_VOTE = [*a_running_round(), *a_proposal(), *vote_opened("v1", "pr1")]
WITH_CONSENT = [*a_running_round(), *an_adopted_proposal(), *consent_opened()]
WITHDRAWN = ObjectionResolved(objection="o1", consent="c1", resolution="withdrawn", wording=None)

DAY = "2027-03-14"
REACHED_BY: dict[str, Case] = {
    # test_roles: test_a_command_is_accepted_only_from_who_may_send_it
    "not_allowed": Case(a_running_round(), PublishStatement(statement="s1"), P2),
    # test_decide_rounds: test_an_extension_outside_one_minute_to_one_hour_is_a_bad_request
    "bad_request": Case(a_running_round(), ExtendRound(minutes=0), FACILITATOR),
    # test_decide_statements: test_a_statement_is_one_sentence_of_at_most_280_characters
    "text_too_long": Case(a_running_round(), ProposeStatement(text="x" * 281), P2),
    # test_decide_setup: test_joining_a_session_that_does_not_exist_is_refused
    "unknown_session": Case([], join(), GUEST),
    # test_decide_setup: test_a_session_is_created_only_once
    "already_created": Case(
        a_session(),
        CreateSession(
            title="Encore",
            territories=(NewTerritory(name="Pleyel", commune="Saint-Denis", qpv=False),),
            agenda=agenda(1),
        ),
        FACILITATOR,
    ),
    # test_decide_votes: test_nothing_happens_in_a_closed_session
    "session_closed": Case([*a_seated_session(), SessionClosed()], StartRound(), FACILITATOR),
    # test_decide_votes: test_a_session_is_closed_once, test_a_vote_is_closed_once
    "already_closed": Case([*a_seated_session(), SessionClosed()], CloseSession(), FACILITATOR),
    # test_decide_setup: test_joining_an_unknown_territory_is_refused
    "unknown_territory": Case(a_session(), join(territory="t42"), GUEST),
    # test_decide_setup: test_pseudonym_is_unique_whatever_the_case_and_blanks
    "pseudonym_taken": Case([*a_session(), joined("p1", pseudonym="Awa")], join(" AWA"), GUEST),
    # test_decide_setup: test_seating_needs_two_participants
    "too_few_participants": Case([*a_session(), *with_participants(1)], SeatTables(), FACILITATOR),
    # test_decide_setup: test_tables_are_seated_only_once
    "already_seated": Case(a_seated_session(), SeatTables(), FACILITATOR),
    # test_decide_setup: test_rotation_needs_seated_tables
    "not_seated": Case([*a_session(), *with_participants(4)], RotateTables(), FACILITATOR),
    # test_decide_rounds: test_a_round_does_not_start_while_another_runs
    "round_running": Case(a_running_round(), StartRound(), FACILITATOR),
    # test_decide_statements: test_statements_wait_while_the_round_is_paused
    "round_paused": Case(
        [*a_running_round(), RoundPaused(round=1, remaining_ms=1)], ProposeStatement(text="x"), P2
    ),
    # test_decide_statements: test_statements_stop_when_the_round_ends
    "round_closed": Case(
        [*a_running_round(), *round_ended(1)], TakePosition(statement="s1", value=0), P2
    ),
    # test_decide_rounds: test_no_round_starts_once_the_agenda_is_done
    "agenda_done": Case([*a_running_round(rounds=1), *round_ended(1)], StartRound(), FACILITATOR),
    # test_decide_rounds: test_the_clock_does_not_end_a_round_before_its_deadline
    "not_due": Case(a_running_round(), EndRound(), SYSTEM),
    # test_decide_statements: test_position_on_unknown_statement_is_rejected
    "unknown_statement": Case(a_running_round(), HideStatement(statement="s404"), FACILITATOR),
    # test_decide_statements: test_position_on_unpublished_statement_is_rejected
    "not_published": Case(
        [*a_running_round(), *a_statement(published=False)],
        TakePosition(statement="s1", value=2),
        P2,
    ),
    # test_decide_statements: test_publishing_twice_is_refused
    "already_published": Case(
        [*a_running_round(), *a_statement()], PublishStatement(statement="s1"), FACILITATOR
    ),
    # test_decide_statements: test_hiding_twice_is_refused
    "already_hidden": Case(
        [*a_running_round(), *a_statement(), StatementHidden(statement="s1")],
        HideStatement(statement="s1"),
        FACILITATOR,
    ),
    # test_decide_statements: test_a_merged_statement_is_out_of_moderation_and_positions
    "already_merged": Case(
        [
            *a_running_round(),
            *a_statement("s1"),
            *a_statement("s2"),
            StatementsMerged(statement="s2", into="s1"),
        ],
        Annotate(text="Et celui-ci ?", statement="s2"),
        P2,
    ),
    # test_decide_statements: test_annotating_an_unknown_table_is_refused
    "unknown_table": Case(a_running_round(), Annotate(text="Ici", table=3), P2),
    # test_decide_votes: test_a_statement_is_promoted_once
    "already_promoted": Case(
        [*a_running_round(), *a_proposal()], PromoteProposal(statement="s1"), FACILITATOR
    ),
    # test_decide_votes: test_a_vote_on_an_unknown_proposal_is_refused
    "unknown_proposal": Case(
        [*a_running_round(), *a_proposal()], OpenVote(proposals=("pr2",)), FACILITATOR
    ),
    # test_decide_votes: test_one_vote_at_a_time
    "vote_open": Case(WITH_VOTE, OpenVote(proposals=("pr1",)), FACILITATOR),
    # test_decide_votes: test_closing_an_unknown_vote_is_refused
    "unknown_vote": Case(WITH_VOTE, CloseVote(vote="v2"), FACILITATOR),
    # test_decide_votes: test_a_ballot_after_the_vote_closed_is_refused
    "vote_closed": Case(
        [*WITH_VOTE, *vote_closed("v1")], CastBallot(vote="v1", grades={"pr1": Grade.BIEN}), P2
    ),
    # test_decide_results: test_an_open_vote_is_not_shown
    "vote_still_open": Case(WITH_VOTE, ShowResults(vote="v1"), FACILITATOR),
    # test_decide_results: test_hiding_nothing_is_refused
    "nothing_shown": Case(a_running_round(), HideResults(), FACILITATOR),
    # test_decide_votes: test_a_proposal_is_graded_once_per_participant
    "already_voted": Case(
        [*WITH_VOTE, *ballot("v1", "p2", pr1=Grade.BIEN)],
        CastBallot(vote="v1", grades={"pr1": Grade.PASSABLE}),
        P2,
    ),
    # test_decide_voeux: test_a_majority_grade_below_assez_bien_does_not_adopt
    "not_adopted": Case(
        [*WITH_VOTE, *ballot("v1", "p2", pr1=Grade.PASSABLE), *vote_closed("v1")],
        OpenConsent(proposal="pr1"),
        FACILITATOR,
    ),
    # test_decide_voeux: test_a_vœu_is_adopted_once
    "already_voeu": Case(
        [
            *WITH_CONSENT,
            *objection_raised(),
            WITHDRAWN,
            VoeuAdopted(voeu="vx1", consent="c1", proposal="pr1", text="Oui", outcome="Oui"),
        ],
        OpenConsent(proposal="pr1"),
        FACILITATOR,
    ),
    # test_decide_voeux: test_one_consent_round_at_a_time
    "consent_open": Case(
        [*WITH_CONSENT, *an_adopted_proposal("pr2", statement="s2", vote="v2")],
        OpenConsent(proposal="pr2"),
        FACILITATOR,
    ),
    # test_decide_voeux: test_objections_go_to_an_open_round_only
    "unknown_consent": Case(WITH_CONSENT, RaiseObjection(consent="c2", text="Non."), P2),
    # test_decide_voeux: test_objections_go_to_an_open_round_only
    "consent_closed": Case(
        [*WITH_CONSENT, ConsentAbandoned(consent="c1", reason="facilitator")],
        RaiseObjection(consent="c1", text="Non."),
        P2,
    ),
    # test_decide_voeux: test_resolving_needs_a_known_objection_of_an_open_round
    "unknown_objection": Case(
        WITH_CONSENT, ResolveObjection(objection="o1", resolution="withdrawn"), FACILITATOR
    ),
    # test_decide_voeux: test_an_objection_is_resolved_once
    "already_resolved": Case(
        [*WITH_CONSENT, *objection_raised(), WITHDRAWN],
        ResolveObjection(objection="o1", resolution="withdrawn"),
        FACILITATOR,
    ),
    # test_decide_voeux: test_a_vœu_waits_for_every_objection_to_be_resolved
    "objections_pending": Case(
        [*WITH_CONSENT, *objection_raised()],
        AdoptVoeu(consent="c1", outcome="La salle consent."),
        FACILITATOR,
    ),
    # test_decide_access: test_only_a_link_given_can_be_revoked_and_only_once
    "unknown_cofacilitator": Case(
        a_session(), RevokeCoFacilitator(cofacilitator="cf1"), FACILITATOR
    ),
    # test_decide_access: test_only_a_link_given_can_be_revoked_and_only_once
    "already_revoked": Case(
        [
            *a_session(),
            CoFacilitatorAdded(cofacilitator="cf1", label="Amina"),
            CoFacilitatorRevoked(cofacilitator="cf1"),
        ],
        RevokeCoFacilitator(cofacilitator="cf1"),
        FACILITATOR,
    ),
    # test_decide_access: test_twenty_links_at_most_are_in_service
    "too_many_cofacilitators": Case(
        [
            *a_session(),
            *(CoFacilitatorAdded(cofacilitator=f"cf{i}", label=f"N{i}") for i in range(1, 21)),
        ],
        AddCoFacilitator(label="Une de plus"),
        FACILITATOR,
    ),
    # test_decide_people: test_a_move_to_an_unknown_or_the_same_table_is_refused
    "unknown_participant": Case(
        a_running_round(), MoveParticipant(participant="p7", table=2), FACILITATOR
    ),
    # test_decide_people: test_handing_over_to_the_host_is_refused
    "already_host": Case(a_running_round(), HandOverHost(to="p1"), FACILITATOR),
    # test_decide_people: test_a_move_to_an_unknown_or_the_same_table_is_refused
    "already_at_table": Case(
        a_running_round(), MoveParticipant(participant="p2", table=1), FACILITATOR
    ),
    # test_decide_agenda: test_a_round_that_has_started_is_not_edited_nor_removed
    "unknown_round": Case(a_running_round(), EditRound(round=3, prompt="Autre"), FACILITATOR),
    # test_decide_agenda: test_a_round_that_has_started_is_not_edited_nor_removed
    "round_started": Case(a_running_round(), RemoveRound(round=1), FACILITATOR),
    # test_decide_agenda: test_the_agenda_keeps_one_round
    "agenda_empty": Case([*a_session(rounds=1)], RemoveRound(round=1), FACILITATOR),
    # test_decide_agenda: test_the_agenda_holds_twenty_rounds_at_most
    "limit_reached": Case(
        a_session(rounds=20),
        AddRound(kind=RoundKind.TABLE, prompt="Encore", duration_ms=20 * 60_000),
        FACILITATOR,
    ),
    # test_decide_agenda: test_a_territory_name_is_taken_once_whatever_the_case
    "territory_exists": Case(
        a_session(), AddTerritory(name="pleyel", commune="Saint-Denis", qpv=False), FACILITATOR
    ),
    # test_decide_tablet: test_a_table_tablet_acts_for_its_own_table_only
    "not_at_table": Case(
        [*a_running_round(), TableTabletIssued(tablet="tb1", table=1), *a_statement()],
        RecordPosition(participant="p4", statement="s1", value=1),
        Sender("tb1", Role.TABLET),
    ),
    # test_decide_tablet: test_a_tablet_link_is_revoked_once
    "unknown_tablet": Case(a_running_round(), RevokeTableTablet(tablet="tb9"), FACILITATOR),
    "tablet_revoked": Case(
        [
            *a_running_round(),
            TableTabletIssued(tablet="tb1", table=1),
            TableTabletRevoked(tablet="tb1"),
        ],
        RevokeTableTablet(tablet="tb1"),
        FACILITATOR,
    ),
    # test_decide_tablet: test_a_hundred_tablet_links_at_most_are_in_service
    "too_many_tablets": Case(
        [
            *a_running_round(),
            *(TableTabletIssued(tablet=f"tb{i}", table=1) for i in range(1, 101)),
        ],
        IssueTableTablet(table=2),
        FACILITATOR,
    ),
    # test_forum: test_a_forum_has_no_tables_nor_rounds
    "forum_no_rounds": Case(a_forum(), StartRound(), FACILITATOR),
    # test_forum: test_a_theme_must_be_one_of_the_forum
    "unknown_theme": Case(
        [*a_forum(), joined("p1")],
        ProposeStatement(text="Trottoir défoncé.", theme="Voirie"),
        participant("p1"),
    ),
    # test_import_statement: test_a_key_comes_into_a_session_once
    "already_imported": Case(
        [
            *a_running_round(),
            StatementImported(
                statement="s1",
                text="Les bus de nuit manquent.",
                kind=StatementKind.PROBLEM,
                provenance=Provenance(key="e3", source="Forum numérique"),
            ),
        ],
        ImportStatement(
            text="Il manque des bus de nuit.",
            provenance=Provenance(key="e3", source="Métrokawa métropolitain"),
        ),
        FACILITATOR,
    ),
}


# The codes of a programme's rules (session_engine.programme), each reached by the smallest
# command from a programme with one closed local session and its vœu « vo1 » (test_programme).
REACHED_IN_A_PROGRAMME: dict[str, ProgrammeCommand] = {
    "unknown_programme": AddProgrammeTerritory(name="Nord", commune="Pantin", qpv=False),
    "already_added": AddOrganiser(organiser="o1", email="alice@example.org"),
    "bad_date": AddSession(session="S3", kind=SessionKind.METROPOLITAN, title="M", date="14/03"),
    "already_imported": RecordImports(
        session="ps1", statements=(ImportedStatement(key="ps0-s1", statement="s1"),)
    ),
    "unknown_voeu": FollowUpVoeu(session="ps1", voeu="vo9", status=VoeuStatus.TABLED, date=DAY),
    "bad_transition": FollowUpVoeu(session="ps1", voeu="vo1", status=VoeuStatus.ADOPTED, date=DAY),
    "council_missing": FollowUpVoeu(session="ps1", voeu="vo1", status=VoeuStatus.TABLED, date=DAY),
    "bad_link": FollowUpVoeu(
        session="ps1", voeu="vo1", status=VoeuStatus.TABLED, date=DAY, council="CM", link="ftp:x"
    ),
    "not_closed": PublishProgrammeSession(session="ps2", archive="a1"),
    "nothing_published": PublishProgramme(archive="a1"),
}


def a_programme_with_a_voeu() -> ProgrammeState:
    state = ProgrammeState()
    ctx = ProgrammeContext(actor="o1", now=0, programme="pg1")
    for command in (
        CreateProgramme(title="P", territories=(NewTerritory(name="A", commune="B", qpv=True),)),
        AddSession(session="S1", kind=SessionKind.LOCAL, title="L", date=DAY, territory="t1"),
        RecordImports(session="ps1", statements=(ImportedStatement(key="ps0-s1", statement="s1"),)),
        CloseProgrammeSession(session="ps1", voeux=(RecordedVoeu(voeu="vo1", text="Des bancs"),)),
        AddSession(session="S2", kind=SessionKind.METROPOLITAN, title="M", date=DAY),
    ):
        assert run_programme(state, command, ctx) is not None
    return state


@pytest.mark.parametrize("code", list(REACHED_IN_A_PROGRAMME))
def test_the_programme_code_is_reached(code: str) -> None:
    state = ProgrammeState() if code == "unknown_programme" else a_programme_with_a_voeu()
    ctx = ProgrammeContext(actor="o1", now=0)
    outcome = decide_programme(state, REACHED_IN_A_PROGRAMME[code], ctx)
    assert isinstance(outcome, Rejected)
    assert outcome.code == code


def test_every_code_has_a_scenario_and_every_scenario_a_code() -> None:
    assert set(REACHED_BY) | set(REACHED_IN_A_PROGRAMME) == set(MESSAGES)


@pytest.mark.parametrize("code", list(REACHED_BY))
def test_the_code_is_reached(code: str) -> None:
    case = REACHED_BY[code]
    given(case.givens).when(case.command, as_=case.sender).then_rejected(code)


@pytest.mark.parametrize("code", list(MESSAGES))
def test_every_code_has_a_french_and_an_english_sentence(code: str) -> None:
    french, english = MESSAGES[code]
    rejected = Rejected.of(code)
    assert (rejected.code, rejected.message, rejected.message_en) == (code, french, english)
    assert french.strip() == french
    assert english.strip() == english
    assert french != english
    assert code.isidentifier()
    assert code.islower()


def test_a_code_without_a_sentence_is_our_bug() -> None:
    with pytest.raises(KeyError, match="no message for rejection code 'oops'"):
        CommandRejected("oops")
    assert CommandRejected("not_due").code == "not_due"


# --- the order of the checks (decide's header): the first failing one gives the code ------------


@pytest.mark.parametrize(
    ("case", "code"),
    [
        pytest.param(
            Case([*a_seated_session(), SessionClosed()], CloseSession(), GUEST),
            "not_allowed",
            id="sender before session",
        ),
        pytest.param(Case([], StartRound(), FACILITATOR), "unknown_session", id="session exists"),
        pytest.param(
            Case([*a_running_round(), SessionClosed()], StartRound(), FACILITATOR),
            "session_closed",
            id="session before phase",
        ),
        pytest.param(
            Case([*a_running_round(), *round_ended(1)], ExtendRound(minutes=0), FACILITATOR),
            "round_closed",
            id="phase before fields",
        ),
        pytest.param(
            Case([*a_seated_session()], ProposeStatement(text=""), P2),
            "round_closed",
            id="phase before text",
        ),
        pytest.param(
            Case(a_running_round(), TakePosition(statement="s9", value=5), P2),
            "bad_request",
            id="value before target",
        ),
    ],
)
def test_the_first_failing_check_gives_the_code(case: Case, code: str) -> None:
    given(case.givens).when(case.command, as_=case.sender).then_rejected(code)
