"""Changes to people on the night: a host handed over, a participant moved, removed (with or
without erasure) or merged with a second entry of the same person.

The default session (``harness``): p1 hosts table 1 (p1, p2), p3 hosts table 2 (p3, p4); p1 and
p3 are of territory t1, p2 and p4 of t2.
"""

from __future__ import annotations

from session_engine.commands import (
    Annotate,
    HandOverHost,
    JoinSession,
    MergeParticipants,
    MoveParticipant,
    PromoteProposal,
    PublishStatement,
    RemoveParticipant,
    RotateTables,
    ShowResults,
    SubmitSynthesis,
    TakePosition,
)
from session_engine.events import (
    AnnotationAdded,
    HostHandedOver,
    ParticipantMoved,
    ParticipantRemoved,
    ParticipantSeated,
    ParticipantsMerged,
    PositionTaken,
    ResultsHidden,
    ResultsShown,
    StatementsMerged,
    SynthesisSubmitted,
    TablesRotated,
)
from session_engine.model import Grade, HostPolicy, ParticipantRole
from session_engine.state import ParticipantStatus, StatementStatus

from .harness import (
    FACILITATOR,
    GUEST,
    a_proposal,
    a_running_round,
    a_session,
    a_statement,
    an_adopted_proposal,
    ballot,
    consent_opened,
    given,
    joined,
    objection_raised,
    participant,
    round_ended,
    round_started,
    seated,
    table,
    vote_opened,
    with_participants,
)

P1, P2, P3, P4 = (participant(p) for p in ("p1", "p2", "p3", "p4"))


def position(pid: str, statement: str, value: int | None) -> PositionTaken:
    return PositionTaken(participant=pid, statement=statement, value=value, round=1)


def note(aid: str, author: str, statement: str = "s1") -> AnnotationAdded:
    return AnnotationAdded(
        annotation=aid,
        author=author,
        text="Surtout le soir.",
        statement=statement,
        table=None,
        tags=("nuit",),
        place="Gare",
        round=1,
    )


# --- a host hands over ---------------------------------------------------------------------------


def test_a_host_hands_the_table_to_a_member_who_may_then_submit_the_synthesis() -> None:
    after = (
        given(a_running_round())
        .when(HandOverHost(to="p2"), as_=P1)
        .then(HostHandedOver(table=1, host="p2", previous="p1"))
    )
    assert after.tables[1] == table(1, "p2", "p1", "p2")
    assert after.host_of("p2") == 1
    assert after.host_of("p1") is None
    assert after.participants["p2"].times_hosted == 1
    given([*a_running_round(), HostHandedOver(table=1, host="p2", previous="p1")]).when(
        SubmitSynthesis(text="Nos idées."), as_=P2
    ).then(SynthesisSubmitted(round=1, table=1, host="p2", text="Nos idées."))
    given([*a_running_round(), HostHandedOver(table=1, host="p2", previous="p1")]).when(
        SubmitSynthesis(text="Encore moi."), as_=P1
    ).then_rejected("not_allowed")


def test_the_facilitator_chooses_any_host() -> None:
    given(a_running_round()).when(HandOverHost(to="p4"), as_=FACILITATOR).then(
        HostHandedOver(table=2, host="p4", previous="p3")
    )


def test_a_host_hands_over_their_own_table_only() -> None:
    # p1 hosts table 1; p4 sits at table 2, which p3 hosts.
    given(a_running_round()).when(HandOverHost(to="p4"), as_=P1).then_rejected("not_allowed")


def test_a_member_who_does_not_host_may_not_hand_over() -> None:
    given(a_running_round()).when(HandOverHost(to="p2"), as_=P2).then_rejected("not_allowed")


def test_handing_over_to_the_host_is_refused() -> None:
    given(a_running_round()).when(HandOverHost(to="p1"), as_=FACILITATOR).then_rejected(
        "already_host"
    )


def test_handing_over_to_someone_unknown_or_before_seating_is_refused() -> None:
    given(a_running_round()).when(HandOverHost(to="p9"), as_=FACILITATOR).then_rejected(
        "unknown_participant"
    )
    unseated = [*a_session(), *with_participants(4)]
    given(unseated).when(HandOverHost(to="p2"), as_=FACILITATOR).then_rejected("not_seated")


def test_after_the_round_a_handover_changes_the_plan_but_not_who_writes_its_synthesis() -> None:
    ended = [*a_running_round(), *round_ended(1)]
    after = (
        given(ended)
        .when(HandOverHost(to="p2"), as_=P1)
        .then(HostHandedOver(table=1, host="p2", previous="p1"))
    )
    assert after.tables[1].host == "p2"
    assert after.host_of("p1") == 1  # the ended round's synthesis is still p1's
    started = given([*ended, HostHandedOver(table=1, host="p2", previous="p1"), *round_started(2)])
    assert started.state.host_of("p2") == 1


def test_a_host_who_was_handed_the_table_keeps_it_when_hosts_stay() -> None:
    stay = [
        *a_session(host_policy=HostPolicy.STAY),
        *with_participants(4),
        *seated(),
        *round_started(1),
        HostHandedOver(table=1, host="p2", previous="p1"),
        *round_ended(1),
    ]
    (rotated,) = given(stay).when(RotateTables(), as_=FACILITATOR, seed=7).events
    assert isinstance(rotated, TablesRotated)
    assert next(t.host for t in rotated.tables if "p2" in t.members) == "p2"


# --- a participant moves -------------------------------------------------------------------------


def test_a_participant_moves_to_another_table_and_has_met_its_members() -> None:
    after = (
        given(a_running_round())
        .when(MoveParticipant(participant="p2", table=2), as_=FACILITATOR)
        .then(
            ParticipantMoved(participant="p2", from_table=1, table=2, hosts=False, from_host="p1")
        )
    )
    assert after.tables[1] == table(1, "p1", "p1")
    assert after.tables[2] == table(2, "p3", "p2", "p3", "p4")
    assert after.participants["p2"].table == 2
    assert after.pair_counts[("p2", "p3")] == after.pair_counts[("p2", "p4")] == 1


def test_a_host_who_moves_leaves_the_table_to_the_member_who_hosted_least() -> None:
    three = [
        *a_session(table_size=3),
        *with_participants(5),
        *seated(table(1, "p1", "p1", "p2", "p5"), table(2, "p3", "p3", "p4")),
        *round_started(1),
        # p2 has hosted once before: p5, who never has, takes table 1 over.
        HostHandedOver(table=1, host="p2", previous="p1"),
        HostHandedOver(table=1, host="p1", previous="p2"),
    ]
    after = (
        given(three)
        .when(MoveParticipant(participant="p1", table=2), as_=FACILITATOR)
        .then(
            ParticipantMoved(participant="p1", from_table=1, table=2, hosts=False, from_host="p5")
        )
    )
    assert after.tables[1] == table(1, "p5", "p2", "p5")
    assert after.host_of("p5") == 1
    assert after.host_of("p1") is None


def test_someone_moved_to_a_table_nobody_hosts_hosts_it() -> None:
    alone = [
        *a_session(),
        *with_participants(3),
        *seated(table(1, "p1", "p1", "p2"), table(2, "p3", "p3")),
        *round_started(1),
        ParticipantMoved(participant="p3", from_table=2, table=1, hosts=False, from_host=None),
    ]
    after = (
        given(alone)
        .when(MoveParticipant(participant="p2", table=2), as_=FACILITATOR)
        .then(ParticipantMoved(participant="p2", from_table=1, table=2, hosts=True, from_host="p1"))
    )
    assert after.tables[2] == table(2, "p2", "p2")
    assert after.host_of("p2") == 2


def test_a_move_to_an_unknown_or_the_same_table_is_refused() -> None:
    running = given(a_running_round())
    running.when(MoveParticipant(participant="p2", table=3), as_=FACILITATOR).then_rejected(
        "unknown_table"
    )
    running.when(MoveParticipant(participant="p2", table=1), as_=FACILITATOR).then_rejected(
        "already_at_table"
    )
    running.when(MoveParticipant(participant="p7", table=2), as_=FACILITATOR).then_rejected(
        "unknown_participant"
    )


def test_someone_who_stays_seated_stays_at_the_table_they_were_moved_to() -> None:
    events = [
        *a_session(),
        joined("p1"),
        joined("p2", territory="t2", stays_seated=True),
        joined("p3"),
        joined("p4", territory="t2"),
        *seated(),
        *round_started(1),
        ParticipantMoved(participant="p2", from_table=1, table=2, hosts=False, from_host="p1"),
        *round_ended(1),
    ]
    (rotated,) = given(events).when(RotateTables(), as_=FACILITATOR, seed=3).events
    assert isinstance(rotated, TablesRotated)
    assert "p2" in next(t.members for t in rotated.tables if t.table == 2)


# --- a participant leaves ------------------------------------------------------------------------

SAID = "Les ascenseurs de la cité sont en panne un jour sur deux."  # ``a_statement``'s text
WITH_WORDS = [
    *a_running_round(),
    *a_statement("s1", author="p2"),
    *a_statement("s2", author="p2"),
    *a_statement("s3", author="p4"),
    position("p2", "s1", 2),
    position("p2", "s3", -1),
    position("p4", "s1", 1),
    position("p4", "s3", 0),
    note("a1", "p2"),
    note("a2", "p4"),
]


def test_a_removed_participant_keeps_their_positions_under_a_neutral_name() -> None:
    after = (
        given(WITH_WORDS)
        .when(RemoveParticipant(participant="p2"), as_=FACILITATOR)
        .then(
            ParticipantRemoved(
                participant="p2", erased=False, table=1, host="p1", statements=(), annotations=()
            )
        )
    )
    person = after.participants["p2"]
    assert (person.status, person.table, person.pseudonym) == (
        ParticipantStatus.REMOVED,
        None,
        "Participant·e 2",
    )
    assert after.tables[1] == table(1, "p1", "p1")
    assert after.positions[("p2", "s1")] == 2
    assert after.statements["s1"].text == SAID
    assert "personne p2" not in after.pseudonyms


def test_someone_removed_may_send_nothing_more_and_their_name_is_free_again() -> None:
    removed = [
        *WITH_WORDS,
        ParticipantRemoved(
            participant="p2", erased=False, table=1, host="p1", statements=(), annotations=()
        ),
    ]
    given(removed).when(TakePosition(statement="s3", value=2), as_=P2).then_rejected("not_allowed")
    given(removed).when(RemoveParticipant(participant="p2"), as_=FACILITATOR).then_rejected(
        "unknown_participant"
    )
    joined_again = (
        given(removed)
        .when(
            JoinSession(pseudonym="Personne p2", territory="t2", role=ParticipantRole.HABITANT),
            as_=GUEST,
        )
        .events
    )
    assert joined_again[0] == joined("p5", territory="t2", pseudonym="Personne p2")
    assert joined_again[1] == ParticipantSeated(participant="p5", table=1, hosts=False)


def test_a_removed_host_hands_the_table_to_a_member() -> None:
    after = (
        given(a_running_round())
        .when(RemoveParticipant(participant="p3"), as_=FACILITATOR)
        .then(
            ParticipantRemoved(
                participant="p3", erased=False, table=2, host="p4", statements=(), annotations=()
            )
        )
    )
    assert after.host_of("p4") == 2
    assert after.participants["p4"].times_hosted == 1


def test_an_erasure_erases_their_statements_notes_and_positions() -> None:
    after = (
        given(WITH_WORDS)
        .when(RemoveParticipant(participant="p2", erase=True), as_=FACILITATOR)
        .then(
            ParticipantRemoved(
                participant="p2",
                erased=True,
                table=1,
                host="p1",
                statements=("s1", "s2"),
                annotations=("a1",),
            )
        )
    )
    assert after.participants["p2"].status is ParticipantStatus.ERASED
    for sid in ("s1", "s2"):
        assert (after.statements[sid].status, after.statements[sid].text) == (
            StatementStatus.ERASED,
            "",
        )
    # Nobody's position counts on an erased statement; p2's count nowhere; p4's own stay.
    assert after.positions == {("p4", "s3"): 0}
    assert [(a.id, a.text, a.tags, a.place) for a in after.annotations] == [
        ("a1", "", (), None),
        ("a2", "Surtout le soir.", ("nuit",), "Gare"),
    ]


def test_an_erasure_spares_a_statement_the_room_made_a_proposal_of() -> None:
    events = [*a_running_round(), *a_proposal(statement="s1"), *a_statement("s2", author="p2")]
    (removed,) = (
        given(events).when(RemoveParticipant(participant="p2", erase=True), as_=FACILITATOR).events
    )
    assert isinstance(removed, ParticipantRemoved)
    assert removed.statements == ("s2",)  # s1 (by p2 too) is proposal pr1


def test_an_erased_statement_leaves_the_screens_first() -> None:
    shown = [*WITH_WORDS, ResultsShown(statement="s2", vote=None, profiles={})]
    given(shown).when(RemoveParticipant(participant="p2", erase=True), as_=FACILITATOR).then(
        ResultsHidden(),
        ParticipantRemoved(
            participant="p2",
            erased=True,
            table=1,
            host="p1",
            statements=("s1", "s2"),
            annotations=("a1",),
        ),
    )


def test_someone_who_left_before_seating_left_no_table() -> None:
    before = [*a_session(), *with_participants(3)]
    after = (
        given(before)
        .when(RemoveParticipant(participant="p3"), as_=FACILITATOR)
        .then(
            ParticipantRemoved(
                participant="p3", erased=False, table=None, host=None, statements=(), annotations=()
            )
        )
    )
    assert [p.id for p in after.participants.values() if p.present] == ["p1", "p2"]


# --- two entries of one person are merged --------------------------------------------------------


def test_a_merge_moves_positions_where_the_kept_entry_has_none() -> None:
    events = [
        *a_running_round(),
        *a_statement("s1"),
        *a_statement("s2"),
        *a_statement("s3"),
        position("p4", "s1", 2),
        position("p4", "s2", -2),
        position("p2", "s2", 1),
        position("p4", "s3", None),
    ]
    after = (
        given(events)
        .when(MergeParticipants(participant="p4", into="p2"), as_=FACILITATOR)
        .then(
            ParticipantsMerged(
                participant="p4",
                into="p2",
                table=2,
                host="p3",
                positions=("s1", "s3"),
                grades=(),
            )
        )
    )
    assert after.positions == {("p2", "s2"): 1, ("p2", "s1"): 2, ("p2", "s3"): None}
    person = after.participants["p4"]
    assert (person.status, person.merged_into, person.table) == (
        ParticipantStatus.MERGED,
        "p2",
        None,
    )
    assert after.tables[2] == table(2, "p3", "p3")


def test_a_merge_keeps_one_grade_per_proposal_for_one_person() -> None:
    events = [
        *a_running_round(),
        *a_proposal("pr1", statement="s1"),
        *a_proposal("pr2", statement="s2"),
        *vote_opened("v1", "pr1", "pr2"),
        *ballot("v1", "p4", pr1=Grade.EXCELLENT, pr2=Grade.BIEN),
        *ballot("v1", "p2", pr1=Grade.PASSABLE),
    ]
    after = (
        given(events)
        .when(MergeParticipants(participant="p4", into="p2"), as_=FACILITATOR)
        .then(
            ParticipantsMerged(
                participant="p4",
                into="p2",
                table=2,
                host="p3",
                positions=(),
                grades=(("v1", "pr2"),),
            )
        )
    )
    assert after.votes["v1"].ballots == {"p2": {"pr1": Grade.PASSABLE, "pr2": Grade.BIEN}}


def test_what_the_second_entry_wrote_is_the_kept_entrys() -> None:
    events = [
        *a_running_round(),
        *a_statement("s1", author="p4"),
        note("a1", "p4"),
        *a_proposal("pr1", statement="s2"),
        *vote_opened("v1", "pr1"),
        *ballot("v1", "p1", pr1=Grade.BIEN),
    ]
    merged = ParticipantsMerged(
        participant="p4", into="p1", table=2, host="p3", positions=(), grades=()
    )
    after = given(events, merged).state
    assert after.statements["s1"].author == "p1"
    assert after.annotations[0].author == "p1"


def test_an_objection_of_the_second_entry_is_the_kept_entrys() -> None:
    events = [
        *a_running_round(),
        *an_adopted_proposal(),
        *consent_opened(),
        *objection_raised(author="p4"),
        ParticipantsMerged(
            participant="p4", into="p2", table=2, host="p3", positions=(), grades=()
        ),
    ]
    assert given(events).state.objections["o1"].author == "p2"


def test_the_kept_entry_counts_the_hosting_and_the_pairs_of_both() -> None:
    events = [
        *a_running_round(),
        ParticipantsMerged(
            participant="p3", into="p1", table=2, host="p4", positions=(), grades=()
        ),
    ]
    after = given(events).state
    assert after.participants["p1"].times_hosted == 2  # p1 and p3 each hosted once
    assert after.pair_counts[("p1", "p4")] == 1  # p3 had sat with p4
    assert after.host_of("p4") == 2


def test_a_merge_needs_two_entries_in_the_session() -> None:
    running = given(a_running_round())
    running.when(MergeParticipants(participant="p2", into="p2"), as_=FACILITATOR).then_rejected(
        "bad_request"
    )
    running.when(MergeParticipants(participant="p2", into="p9"), as_=FACILITATOR).then_rejected(
        "unknown_participant"
    )


def test_an_annotation_of_someone_moved_goes_to_their_new_table() -> None:
    moved = [
        *a_running_round(),
        ParticipantMoved(participant="p2", from_table=1, table=2, hosts=False, from_host="p1"),
    ]
    given(moved).when(Annotate(text="Ici.", table=1), as_=P2).then_rejected("not_allowed")
    (added,) = given(moved).when(Annotate(text="Ici.", table=2), as_=P2).events
    assert isinstance(added, AnnotationAdded)
    assert added.table == 2


def test_statements_merged_into_an_erased_one_stay_merged() -> None:
    events = [
        *WITH_WORDS,
        StatementsMerged(statement="s3", into="s1"),
        ParticipantRemoved(
            participant="p2",
            erased=True,
            table=1,
            host="p1",
            statements=("s1", "s2"),
            annotations=("a1",),
        ),
    ]
    after = given(events).state
    assert after.statements["s3"].status is StatementStatus.MERGED
    assert after.statements["s3"].merged_into == "s1"


def test_an_erased_statement_is_gone_for_good() -> None:
    erased = [
        *WITH_WORDS,
        ParticipantRemoved(
            participant="p2",
            erased=True,
            table=1,
            host="p1",
            statements=("s1", "s2"),
            annotations=("a1",),
        ),
    ]
    for command in (
        PublishStatement(statement="s2"),
        PromoteProposal(statement="s1"),
        ShowResults(statement="s1"),
    ):
        given(erased).when(command, as_=FACILITATOR).then_rejected("unknown_statement")
    given(erased).when(TakePosition(statement="s1", value=1), as_=P4).then_rejected(
        "unknown_statement"
    )
