"""What the tablet says to a screen reader, counted in the page (RGAA 7.5).

One polite live region per page, and nothing else that speaks by itself. Through it, each
moment of the session once: a statement published (mine, or someone's), a round extended, the
results shown, the round's end, a vote opened, closed, its results shown, a consent round; each
empty-field error (statement, note, synthesis, objection); and the link lost once and back once
however many times it retries in between (the badge was itself a live region: 17 times in 45 s).
A recorder in the page keeps every text the region takes.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from ..server.live import LiveServer
from .conftest import PHONE
from .tablet import a_running_round, live_regions, open_tablet, over_the_wire, said

MINE = "Un banc devant l’école."
OTHER = "Une fontaine au square."


def hears(page: Any, sentence: str) -> None:
    """Wait until the live region has said ``sentence`` (alone or with others said with it)."""
    try:
        page.wait_for_function("s => window.__said.some(t => t.includes(s))", arg=sentence)
    except PlaywrightTimeout:
        raise AssertionError(f"never said {sentence!r}; said: {said(page)}") from None


def times(page: Any, sentence: str) -> int:
    return sum(text.count(sentence) for text in said(page))


# Each moment, in the order the scenario makes it happen, said exactly once.
MOMENTS = [
    "Écrivez votre énoncé.",
    "Écrivez votre note.",
    f"Votre énoncé est publié\u00a0: «\u00a0{MINE}\u00a0»",
    f"Nouvel énoncé publié\u00a0: «\u00a0{OTHER}\u00a0»",
    "Le tour est prolongé de 5\u00a0minutes.",
    f"Les résultats de l’énoncé «\u00a0{MINE}\u00a0» sont affichés.",
    "Tour 1\u00a0: Terminé.",
    "Un vote est ouvert. Donnez une mention à chaque proposition.",
    "Le vote est fermé.",
    "Les résultats du vote sont affichés.",
    "Un tour de consentement commence.",
    "Écrivez votre objection.",
    "Connexion perdue. Ce que vous faites est gardé. Il partira au retour du réseau.",
    "Connexion rétablie.",
]


def test_the_tablet_says_each_moment_once_through_its_one_live_region(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    room, me = table.room, table.guest
    context = open_context(PHONE)
    page = open_tablet(context, room, me)
    assert live_regions(page) == 1

    # Empty fields: the error is said, not only drawn.
    page.get_by_role("button", name="Envoyer l’énoncé").click()
    hears(page, MOMENTS[0])
    page.get_by_role("button", name="Ajouter une note pour ma table").click()
    page.get_by_role("button", name="Envoyer la note").click()
    hears(page, MOMENTS[1])

    # My statement: waiting for review, then published — and the line under the form follows.
    page.get_by_role("textbox", name="Votre énoncé").fill(MINE)
    page.get_by_role("button", name="Envoyer l’énoncé").click()
    status = page.get_by_test_id("compose-status")
    expect(status).to_contain_text("Il attend la relecture de l’animation.")
    over_the_wire(room, [(None, "PublishStatement", {"statement": "s1"})])
    hears(page, MOMENTS[2])
    expect(status).to_have_text(re.compile("Votre énoncé est publié."))
    expect(page.locator("main").get_by_text("attend la relecture")).to_have_count(0)

    over_the_wire(
        room,
        [
            (table.host, "ProposeStatement", {"text": OTHER}),
            (None, "PublishStatement", {"statement": "s2"}),
        ],
    )
    hears(page, MOMENTS[3])
    for step, moment in (
        ((None, "ExtendRound", {"minutes": 5}), MOMENTS[4]),
        ((None, "ShowResults", {"statement": "s1"}), MOMENTS[5]),
        ((None, "EndRound", {}), MOMENTS[6]),
        ((None, "PromoteProposal", {"statement": "s1"}), None),
        ((None, "OpenVote", {"proposals": ["pr1"]}), MOMENTS[7]),
        ((table.host, "CastBallot", {"vote": "v1", "grades": {"pr1": 6}}), None),
        ((None, "CloseVote", {"vote": "v1"}), MOMENTS[8]),
        ((None, "ShowResults", {"vote": "v1"}), MOMENTS[9]),
        ((None, "OpenConsent", {"proposal": "pr1"}), MOMENTS[10]),
    ):
        over_the_wire(room, [step])
        if moment:
            hears(page, moment)
    page.get_by_role("button", name="Envoyer mon objection").click()
    hears(page, MOMENTS[11])

    # The link drops: said once after it has stayed down, however often it retries; once back.
    page.evaluate(
        "() => { const seen = []; new MutationObserver(() => seen.push(document.querySelector("
        "'[data-testid=connection]').dataset.status)).observe(document.body, {subtree: true,"
        " attributes: true, attributeFilter: ['data-status']}); window.__statuses = seen; }"
    )
    context.set_offline(True)
    hears(page, MOMENTS[12])
    page.wait_for_function("() => window.__statuses.filter(s => s === 'connecting').length >= 2")
    context.set_offline(False)
    hears(page, MOMENTS[13])
    tries = page.evaluate("window.__statuses")

    assert {moment: times(page, moment) for moment in MOMENTS} == dict.fromkeys(MOMENTS, 1), said(
        page
    )
    assert tries.count("connecting") >= 2, tries  # it did retry while offline, unheard
    assert live_regions(page) == 1


def test_the_host_hears_an_empty_synthesis(server: LiveServer, open_context: Any) -> None:
    table = a_running_round(server)
    page = open_tablet(open_context(PHONE), table.room, table.host)
    page.get_by_role("button", name="Envoyer la synthèse").click()
    hears(page, "Écrivez la synthèse.")
    assert live_regions(page) == 1
