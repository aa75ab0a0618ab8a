"""Co-facilitator links: the facilitator gives one (the server's machine too), a co-facilitator
steers as the facilitator does, only the facilitator revokes one, and a revoked link steers no
more. The tokens never reach the engine: the events say who, not with what."""

from __future__ import annotations

from session_engine.commands import (
    AddCoFacilitator,
    PauseRound,
    RevokeCoFacilitator,
    StartRound,
)
from session_engine.decide import Role
from session_engine.events import (
    CoFacilitatorAdded,
    CoFacilitatorRevoked,
    Event,
    RoundPaused,
    RoundStarted,
)

from .harness import (
    FACILITATOR,
    ROUND_MS,
    SYSTEM,
    T0,
    Sender,
    a_running_round,
    a_seated_session,
    a_session,
    closed_session,
    given,
)

AMINA = CoFacilitatorAdded(cofacilitator="cf1", label="Amina, accueil")
CF1 = Sender("cf1", Role.FACILITATOR)
CF2 = Sender("cf2", Role.FACILITATOR)


def test_the_facilitator_gives_a_link_named_for_its_holder() -> None:
    after = (
        given(a_session())
        .when(AddCoFacilitator(label="  Amina, accueil "), as_=FACILITATOR)
        .then(AMINA)
    )
    assert after.is_cofacilitator("cf1")
    assert after.cofacilitators["cf1"].label == "Amina, accueil"


def test_links_are_numbered_in_the_order_given_revoked_ones_included() -> None:
    given(a_session(), AMINA, CoFacilitatorRevoked(cofacilitator="cf1")).when(
        AddCoFacilitator(label="Bruno"), as_=FACILITATOR
    ).then(CoFacilitatorAdded(cofacilitator="cf2", label="Bruno"))


def test_the_server_s_machine_gives_a_console_link_back() -> None:
    """``metrokawa sessions`` on the machine that runs the server: the system actor."""
    given(a_session(), AMINA).when(AddCoFacilitator(label="Machine du serveur"), as_=SYSTEM).then(
        CoFacilitatorAdded(cofacilitator="cf2", label="Machine du serveur")
    )


def test_a_co_facilitator_steers_the_session_under_its_own_name() -> None:
    outcome = given(a_seated_session(), AMINA).when(StartRound(), as_=CF1, now=T0)
    outcome.then(RoundStarted(round=1, deadline=T0 + ROUND_MS))


def test_a_co_facilitator_gives_no_link_and_revokes_none() -> None:
    """A revoked link must leave no other link behind, and co-facilitators are not the session's
    owner: only the facilitator manages the links."""
    two = [*a_session(), AMINA, CoFacilitatorAdded(cofacilitator="cf2", label="Bruno")]
    given(two).when(AddCoFacilitator(label="Chloé"), as_=CF1).then_rejected("not_allowed")
    given(two).when(RevokeCoFacilitator(cofacilitator="cf2"), as_=CF1).then_rejected("not_allowed")
    given(two).when(RevokeCoFacilitator(cofacilitator="cf1"), as_=CF1).then_rejected("not_allowed")
    given(two).when(RevokeCoFacilitator(cofacilitator="cf1"), as_=SYSTEM).then_rejected(
        "not_allowed"
    )


def test_a_revoked_link_steers_no_more() -> None:
    revoked = [*a_running_round(), AMINA, CoFacilitatorRevoked(cofacilitator="cf1")]
    given(revoked).when(PauseRound(), as_=CF1).then_rejected("not_allowed")
    given(revoked).when(PauseRound(), as_=FACILITATOR, now=T0).then(
        RoundPaused(round=1, remaining_ms=ROUND_MS)
    )


def test_a_link_never_given_steers_nothing() -> None:
    given(a_running_round(), AMINA).when(PauseRound(), as_=CF2).then_rejected("not_allowed")
    given(a_running_round()).when(PauseRound(), as_=Sender("p1", Role.FACILITATOR)).then_rejected(
        "not_allowed"
    )


def test_only_a_link_given_can_be_revoked_and_only_once() -> None:
    given(a_session()).when(
        RevokeCoFacilitator(cofacilitator="cf1"), as_=FACILITATOR
    ).then_rejected("unknown_cofacilitator")
    outcome = given(a_session(), AMINA).when(
        RevokeCoFacilitator(cofacilitator="cf1"), as_=FACILITATOR
    )
    after = outcome.then(CoFacilitatorRevoked(cofacilitator="cf1"))
    assert after.cofacilitators["cf1"].revoked
    assert not after.is_cofacilitator("cf1")
    given(a_session(), AMINA, CoFacilitatorRevoked(cofacilitator="cf1")).when(
        RevokeCoFacilitator(cofacilitator="cf1"), as_=FACILITATOR
    ).then_rejected("already_revoked")


def test_twenty_links_at_most_are_in_service() -> None:
    twenty = [CoFacilitatorAdded(cofacilitator=f"cf{i}", label=f"N{i}") for i in range(1, 21)]
    given(a_session(), twenty).when(
        AddCoFacilitator(label="Une de plus"), as_=FACILITATOR
    ).then_rejected("too_many_cofacilitators")
    one_revoked: list[Event] = [*twenty, CoFacilitatorRevoked(cofacilitator="cf3")]
    given(a_session(), one_revoked).when(
        AddCoFacilitator(label="Une de plus"), as_=FACILITATOR
    ).then(CoFacilitatorAdded(cofacilitator="cf21", label="Une de plus"))


def test_a_link_is_named_for_someone() -> None:
    given(a_session()).when(AddCoFacilitator(label="   "), as_=FACILITATOR).then_rejected(
        "bad_request"
    )
    given(a_session()).when(AddCoFacilitator(label="x" * 41), as_=FACILITATOR).then_rejected(
        "text_too_long"
    )


def test_no_link_is_given_in_a_closed_session() -> None:
    given(closed_session()).when(AddCoFacilitator(label="Amina"), as_=SYSTEM).then_rejected(
        "session_closed"
    )
