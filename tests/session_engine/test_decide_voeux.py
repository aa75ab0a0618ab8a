"""Vœux: a proposal adopted by majority judgment goes through a consent round and becomes a vœu.

The round opens on a proposal whose last vote is closed with a majority grade of at least
``ADOPTION_GRADE`` (Assez bien); participants raise reasoned objections; the facilitator records
each as resolved (amended: a new wording, which the round now consents to; withdrawn), then adopts
the vœu with an outcome statement once none is pending, or abandons the round.
"""

from __future__ import annotations

import pytest

from session_engine.commands import (
    AbandonConsent,
    AdoptVoeu,
    CloseSession,
    Command,
    OpenConsent,
    RaiseObjection,
    ResolveObjection,
)
from session_engine.decide import ADOPTION_GRADE, LIMITS
from session_engine.events import (
    ConsentAbandoned,
    ConsentOpened,
    Event,
    ObjectionRaised,
    ObjectionResolved,
    RoundEnded,
    RoundPaused,
    SessionClosed,
    VoeuAdopted,
    VoteClosed,
)
from session_engine.model import Grade
from session_engine.state import ConsentRound, ConsentStatus, Objection, Voeu

from .harness import (
    FACILITATOR,
    WORDING,
    a_proposal,
    a_running_round,
    an_adopted_proposal,
    ballot,
    consent_opened,
    given,
    objection_raised,
    participant,
    round_ended,
    vote_closed,
    vote_opened,
)

ADOPTED = [*a_running_round(), *an_adopted_proposal()]
OPEN_ROUND = [*ADOPTED, *consent_opened()]
WITH_OBJECTION = [*OPEN_ROUND, *objection_raised()]
AMENDED = "Réparer les ascenseurs sous deux jours, et sous huit heures pour un malade."
REASON = "Huit jours, c’est trop long pour les personnes âgées."
OUTCOME = "Consentement de la salle après un amendement ; à présenter au conseil de Saint-Denis."


def amended(oid: str = "o1", wording: str = AMENDED, consent: str = "c1") -> ObjectionResolved:
    return ObjectionResolved(objection=oid, consent=consent, resolution="amended", wording=wording)


def withdrawn(oid: str = "o1", consent: str = "c1") -> ObjectionResolved:
    return ObjectionResolved(objection=oid, consent=consent, resolution="withdrawn", wording=None)


# --- opening a consent round ---------------------------------------------------------------------


def test_the_facilitator_opens_a_consent_round_on_an_adopted_proposal() -> None:
    state = (
        given(ADOPTED)
        .when(OpenConsent(proposal="pr1"), as_=FACILITATOR)
        .then(
            ConsentOpened(consent="c1", proposal="pr1", vote="v1", grade=Grade.BIEN, text=WORDING)
        )
    )
    assert state.consents == {
        "c1": ConsentRound(id="c1", proposal="pr1", vote="v1", grade=Grade.BIEN, text=WORDING)
    }
    assert state.open_consent is state.consents["c1"]


def test_the_adoption_threshold_is_assez_bien() -> None:
    assert ADOPTION_GRADE is Grade.ASSEZ_BIEN


@pytest.mark.parametrize(
    ("grades", "majority"),
    [
        pytest.param((Grade.ASSEZ_BIEN,) * 3, Grade.ASSEZ_BIEN, id="exactly assez bien"),
        pytest.param(
            (Grade.EXCELLENT, Grade.ASSEZ_BIEN, Grade.A_REJETER), Grade.ASSEZ_BIEN, id="median"
        ),
        pytest.param((Grade.EXCELLENT, Grade.TRES_BIEN, Grade.BIEN), Grade.TRES_BIEN, id="high"),
    ],
)
def test_a_majority_grade_of_assez_bien_or_better_adopts(
    grades: tuple[Grade, ...], majority: Grade
) -> None:
    votes = [
        event
        for p, g in zip(("p1", "p2", "p3"), grades, strict=True)
        for event in ballot("v1", p, pr1=g)
    ]
    given(a_running_round(), a_proposal(), vote_opened("v1", "pr1"), votes, vote_closed()).when(
        OpenConsent(proposal="pr1"), as_=FACILITATOR
    ).then(ConsentOpened(consent="c1", proposal="pr1", vote="v1", grade=majority, text=WORDING))


@pytest.mark.parametrize(
    "votes",
    [
        pytest.param(ballot("v1", "p1", pr1=Grade.PASSABLE), id="passable"),
        pytest.param(  # two judges: the lower median, Passable, is the majority grade
            [*ballot("v1", "p1", pr1=Grade.BIEN), *ballot("v1", "p2", pr1=Grade.PASSABLE)],
            id="lower median",
        ),
        pytest.param(  # p2 graded only pr2: pr1 counts as À rejeter for p2 (tally_vote)
            [*ballot("v1", "p1", pr1=Grade.BIEN), *ballot("v1", "p2", pr2=Grade.BIEN)],
            id="ungraded is a rejection",
        ),
        pytest.param([], id="no ballot"),
    ],
)
def test_a_majority_grade_below_assez_bien_does_not_adopt(votes: list[Event]) -> None:
    given(
        a_running_round(),
        a_proposal("pr1", statement="s1"),
        a_proposal("pr2", statement="s2"),
        vote_opened("v1", "pr1", "pr2"),
        votes,
        vote_closed(),
    ).when(OpenConsent(proposal="pr1"), as_=FACILITATOR).then_rejected("not_adopted")


def test_a_proposal_never_voted_on_or_still_in_an_open_vote_is_not_adopted() -> None:
    given(a_running_round(), a_proposal()).when(
        OpenConsent(proposal="pr1"), as_=FACILITATOR
    ).then_rejected("not_adopted")
    given(
        a_running_round(), a_proposal(), vote_opened(), ballot("v1", "p1", pr1=Grade.EXCELLENT)
    ).when(OpenConsent(proposal="pr1"), as_=FACILITATOR).then_rejected("not_adopted")


def test_the_proposals_last_vote_speaks_for_the_room() -> None:
    rejected_again = [
        *vote_opened("v2", "pr1"),
        *ballot("v2", "p1", pr1=Grade.INSUFFISANT),
        *vote_closed("v2"),
    ]
    given(ADOPTED, rejected_again).when(OpenConsent(proposal="pr1"), as_=FACILITATOR).then_rejected(
        "not_adopted"
    )
    adopted_again = [
        *vote_opened("v2", "pr1"),
        *ballot("v2", "p1", pr1=Grade.EXCELLENT),
        *vote_closed("v2"),
    ]
    rejected_first = [
        *a_running_round(),
        *a_proposal(),
        *vote_opened("v1", "pr1"),
        *ballot("v1", "p1", pr1=Grade.A_REJETER),
        *vote_closed("v1"),
    ]
    given(rejected_first, adopted_again).when(OpenConsent(proposal="pr1"), as_=FACILITATOR).then(
        ConsentOpened(consent="c1", proposal="pr1", vote="v2", grade=Grade.EXCELLENT, text=WORDING)
    )


def test_a_consent_round_needs_a_known_proposal() -> None:
    given(ADOPTED).when(OpenConsent(proposal="pr9"), as_=FACILITATOR).then_rejected(
        "unknown_proposal"
    )


def test_one_consent_round_at_a_time() -> None:
    given(OPEN_ROUND, an_adopted_proposal("pr2", statement="s2", vote="v2")).when(
        OpenConsent(proposal="pr2"), as_=FACILITATOR
    ).then_rejected("consent_open")


def test_a_vœu_is_adopted_once() -> None:
    adopted = VoeuAdopted(voeu="vx1", consent="c1", proposal="pr1", text=WORDING, outcome=OUTCOME)
    given(OPEN_ROUND, adopted).when(OpenConsent(proposal="pr1"), as_=FACILITATOR).then_rejected(
        "already_voeu"
    )


def test_an_abandoned_round_may_be_tried_again() -> None:
    given(OPEN_ROUND, ConsentAbandoned(consent="c1", reason="facilitator")).when(
        OpenConsent(proposal="pr1"), as_=FACILITATOR
    ).then(ConsentOpened(consent="c2", proposal="pr1", vote="v1", grade=Grade.BIEN, text=WORDING))


def test_consent_does_not_depend_on_the_round() -> None:
    """Like votes: consent rounds happen in plenary, whatever the table round is doing."""
    for phase in ([], [RoundPaused(round=1, remaining_ms=1)], round_ended(1)):
        given(ADOPTED, phase).when(OpenConsent(proposal="pr1"), as_=FACILITATOR).then(
            *consent_opened()
        )
        given(OPEN_ROUND, phase).when(
            RaiseObjection(consent="c1", text=REASON), as_=participant("p3")
        ).then(*objection_raised(author="p3", text=REASON))


# --- objections ----------------------------------------------------------------------------------


def test_a_participant_raises_a_reasoned_objection() -> None:
    state = (
        given(OPEN_ROUND)
        .when(RaiseObjection(consent="c1", text=f"  {REASON}\n"), as_=participant("p2"))
        .then(ObjectionRaised(objection="o1", consent="c1", author="p2", text=REASON))
    )
    assert state.objections == {"o1": Objection(id="o1", consent="c1", author="p2", text=REASON)}
    assert state.consents["c1"].objections == ["o1"]


def test_objections_are_numbered_across_rounds_and_a_host_may_object_too() -> None:
    given(WITH_OBJECTION).when(
        RaiseObjection(consent="c1", text="Et qui paie ?"), as_=participant("p1")
    ).then(ObjectionRaised(objection="o2", consent="c1", author="p1", text="Et qui paie ?"))


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "bad_request"),
        ("  \n", "bad_request"),
        ("x" * (LIMITS["objection"] + 1), "text_too_long"),
    ],
    ids=["empty", "blank", "too long"],
)
def test_an_objection_says_why_in_at_most_1000_characters(text: str, code: str) -> None:
    assert LIMITS["objection"] == 1000
    given(OPEN_ROUND).when(
        RaiseObjection(consent="c1", text=text), as_=participant("p2")
    ).then_rejected(code)


def test_an_objection_of_exactly_1000_characters_is_fine() -> None:
    text = "é" * 1000
    given(OPEN_ROUND).when(RaiseObjection(consent="c1", text=text), as_=participant("p2")).then(
        ObjectionRaised(objection="o1", consent="c1", author="p2", text=text)
    )


def test_objections_go_to_an_open_round_only() -> None:
    given(OPEN_ROUND).when(
        RaiseObjection(consent="c9", text=REASON), as_=participant("p2")
    ).then_rejected("unknown_consent")
    for ended in (
        ConsentAbandoned(consent="c1", reason="facilitator"),
        VoeuAdopted(voeu="vx1", consent="c1", proposal="pr1", text=WORDING, outcome=OUTCOME),
    ):
        given(OPEN_ROUND, ended).when(
            RaiseObjection(consent="c1", text=REASON), as_=participant("p2")
        ).then_rejected("consent_closed")


def test_the_facilitator_does_not_object() -> None:
    given(OPEN_ROUND).when(
        RaiseObjection(consent="c1", text=REASON), as_=FACILITATOR
    ).then_rejected("not_allowed")


# --- resolving objections ------------------------------------------------------------------------


def test_an_amendment_resolves_an_objection_and_becomes_the_wording() -> None:
    state = (
        given(WITH_OBJECTION)
        .when(
            ResolveObjection(objection="o1", resolution="amended", wording=f" {AMENDED} "),
            as_=FACILITATOR,
        )
        .then(amended())
    )
    assert state.objections["o1"].resolution == "amended"
    assert state.objections["o1"].wording == AMENDED
    assert state.consents["c1"].text == AMENDED
    assert state.proposals["pr1"].text == WORDING  # the proposal that was voted on stays as voted


def test_a_withdrawn_objection_leaves_the_wording_as_it_is() -> None:
    state = (
        given(WITH_OBJECTION)
        .when(ResolveObjection(objection="o1", resolution="withdrawn"), as_=FACILITATOR)
        .then(withdrawn())
    )
    assert state.objections["o1"].resolution == "withdrawn"
    assert state.consents["c1"].text == WORDING


def test_several_objections_may_be_answered_by_the_same_wording() -> None:
    two = [*WITH_OBJECTION, *objection_raised("o2", author="p3"), amended("o1")]
    given(two).when(
        ResolveObjection(objection="o2", resolution="amended", wording=AMENDED), as_=FACILITATOR
    ).then(amended("o2"))


@pytest.mark.parametrize(
    "command",
    [
        ResolveObjection(objection="o1", resolution="amended"),
        ResolveObjection(objection="o1", resolution="amended", wording="   "),
        ResolveObjection(objection="o1", resolution="withdrawn", wording=AMENDED),
        ResolveObjection(objection="o1", resolution="rejected"),  # type: ignore[arg-type]
        ResolveObjection(objection="o9", resolution="amended"),  # fields before targets
    ],
    ids=["amended without wording", "blank wording", "withdrawn with wording", "unknown", "o9"],
)
def test_an_amendment_has_a_wording_and_a_withdrawal_none(command: Command) -> None:
    given(WITH_OBJECTION).when(command, as_=FACILITATOR).then_rejected("bad_request")


def test_an_amended_wording_is_a_proposal_of_at_most_400_characters() -> None:
    too_long = "x" * (LIMITS["proposal"] + 1)
    given(WITH_OBJECTION).when(
        ResolveObjection(objection="o1", resolution="amended", wording=too_long), as_=FACILITATOR
    ).then_rejected("text_too_long")


def test_an_objection_is_resolved_once() -> None:
    given(WITH_OBJECTION, withdrawn()).when(
        ResolveObjection(objection="o1", resolution="amended", wording=AMENDED), as_=FACILITATOR
    ).then_rejected("already_resolved")


def test_resolving_needs_a_known_objection_of_an_open_round() -> None:
    given(WITH_OBJECTION).when(
        ResolveObjection(objection="o2", resolution="withdrawn"), as_=FACILITATOR
    ).then_rejected("unknown_objection")
    given(WITH_OBJECTION, ConsentAbandoned(consent="c1", reason="facilitator")).when(
        ResolveObjection(objection="o1", resolution="withdrawn"), as_=FACILITATOR
    ).then_rejected("consent_closed")


def test_only_the_facilitator_records_a_resolution() -> None:
    """Even the objection's author: the facilitator records that it was withdrawn."""
    given(WITH_OBJECTION).when(
        ResolveObjection(objection="o1", resolution="withdrawn"), as_=participant("p2")
    ).then_rejected("not_allowed")


# --- adopting the vœu, or abandoning the round ---------------------------------------------------


def test_a_round_without_objection_becomes_a_vœu_with_the_outcome_statement() -> None:
    state = (
        given(OPEN_ROUND)
        .when(AdoptVoeu(consent="c1", outcome=f"{OUTCOME}  "), as_=FACILITATOR)
        .then(VoeuAdopted(voeu="vx1", consent="c1", proposal="pr1", text=WORDING, outcome=OUTCOME))
    )
    assert state.voeux == {
        "vx1": Voeu(id="vx1", consent="c1", proposal="pr1", text=WORDING, outcome=OUTCOME)
    }
    assert state.consents["c1"].status is ConsentStatus.ADOPTED
    assert state.open_consent is None


def test_a_vœu_carries_the_last_amended_wording() -> None:
    later = "Réparer les ascenseurs sous deux jours."
    walk = [
        *WITH_OBJECTION,
        *objection_raised("o2", author="p3"),
        *objection_raised("o3", author="p4"),
        amended("o1"),
        withdrawn("o3"),
        amended("o2", wording=later),
    ]
    given(walk).when(AdoptVoeu(consent="c1", outcome=OUTCOME), as_=FACILITATOR).then(
        VoeuAdopted(voeu="vx1", consent="c1", proposal="pr1", text=later, outcome=OUTCOME)
    )


def test_a_vœu_waits_for_every_objection_to_be_resolved() -> None:
    given(WITH_OBJECTION).when(
        AdoptVoeu(consent="c1", outcome=OUTCOME), as_=FACILITATOR
    ).then_rejected("objections_pending")
    given(WITH_OBJECTION, objection_raised("o2"), withdrawn("o1")).when(
        AdoptVoeu(consent="c1", outcome=OUTCOME), as_=FACILITATOR
    ).then_rejected("objections_pending")


@pytest.mark.parametrize(
    ("outcome", "code"),
    [("", "bad_request"), (" ", "bad_request"), ("x" * 4001, "text_too_long")],
    ids=["empty", "blank", "too long"],
)
def test_a_vœu_has_an_outcome_statement_of_at_most_4000_characters(outcome: str, code: str) -> None:
    assert LIMITS["outcome"] == 4000
    given(OPEN_ROUND).when(AdoptVoeu(consent="c1", outcome=outcome), as_=FACILITATOR).then_rejected(
        code
    )


def test_vœux_are_numbered_and_a_closed_round_adopts_nothing() -> None:
    first = VoeuAdopted(voeu="vx1", consent="c1", proposal="pr1", text=WORDING, outcome=OUTCOME)
    second = [
        *an_adopted_proposal("pr2", statement="s2", vote="v2"),
        *consent_opened("c2", "pr2", vote="v2"),
    ]
    given(OPEN_ROUND, first, second).when(
        AdoptVoeu(consent="c2", outcome="Oui."), as_=FACILITATOR
    ).then(VoeuAdopted(voeu="vx2", consent="c2", proposal="pr2", text=WORDING, outcome="Oui."))
    given(OPEN_ROUND, first).when(
        AdoptVoeu(consent="c1", outcome="Encore"), as_=FACILITATOR
    ).then_rejected("consent_closed")
    given(OPEN_ROUND).when(AdoptVoeu(consent="c2", outcome=OUTCOME), as_=FACILITATOR).then_rejected(
        "unknown_consent"
    )


def test_the_facilitator_abandons_a_round_the_room_cannot_consent_to() -> None:
    state = (
        given(WITH_OBJECTION)
        .when(AbandonConsent(consent="c1"), as_=FACILITATOR)
        .then(ConsentAbandoned(consent="c1", reason="facilitator"))
    )
    assert state.consents["c1"].status is ConsentStatus.ABANDONED
    assert state.consents["c1"].end_reason == "facilitator"
    assert state.objections["o1"].resolution is None  # kept as raised: a minority view
    assert state.voeux == {}


def test_a_round_is_abandoned_once_and_only_if_it_exists() -> None:
    given(OPEN_ROUND, ConsentAbandoned(consent="c1", reason="facilitator")).when(
        AbandonConsent(consent="c1"), as_=FACILITATOR
    ).then_rejected("consent_closed")
    given(OPEN_ROUND).when(AbandonConsent(consent="c2"), as_=FACILITATOR).then_rejected(
        "unknown_consent"
    )


@pytest.mark.parametrize(
    "command",
    [
        OpenConsent(proposal="pr1"),
        AdoptVoeu(consent="c1", outcome=OUTCOME),
        AbandonConsent(consent="c1"),
    ],
    ids=lambda c: type(c).__name__,
)
def test_participants_do_not_steer_the_consent_round(command: Command) -> None:
    givens = OPEN_ROUND if not isinstance(command, OpenConsent) else ADOPTED
    given(givens).when(command, as_=participant("p1")).then_rejected("not_allowed")


# --- closing the session -------------------------------------------------------------------------


def test_closing_the_session_abandons_the_open_consent_round() -> None:
    state = (
        given(WITH_OBJECTION, vote_opened("v2", "pr1"))
        .when(CloseSession(), as_=FACILITATOR)
        .then(
            RoundEnded(round=1, reason="session_closed"),
            VoteClosed(vote="v2"),
            ConsentAbandoned(consent="c1", reason="session_closed"),
            SessionClosed(),
        )
    )
    assert state.open_consent is None
    assert state.consents["c1"].end_reason == "session_closed"


def test_nothing_more_happens_once_the_session_is_closed() -> None:
    closed = [*OPEN_ROUND, ConsentAbandoned(consent="c1", reason="session_closed"), SessionClosed()]
    given(closed).when(OpenConsent(proposal="pr1"), as_=FACILITATOR).then_rejected("session_closed")
    given(closed).when(
        RaiseObjection(consent="c1", text=REASON), as_=participant("p2")
    ).then_rejected("session_closed")
