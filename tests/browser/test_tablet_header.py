"""The phone's header: one line, and it scrolls away with the page.

Pinned, it took 173 of 740 px on a 360 px phone (253 at 200 % text): a quarter to a third of
the screen gone for the title, the link status and the language. Measured here at 360×740, at
100 % and at 200 % text (the root's font size doubled, as a browser's text zoom does): after
scrolling, nothing of it stays on screen, and the page never scrolls sideways.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from ..server.live import LiveServer
from .conftest import PHONE, screenshot
from .tablet import a_running_round, open_tablet, over_the_wire

MEASURE = """() => {
  const header = document.querySelector('header');
  const box = header.getBoundingClientRect();
  const boxes = [...header.children].map(c => c.getBoundingClientRect());
  // On one line when every child shares a horizontal band with every other.
  const oneLine = Math.max(...boxes.map(b => b.top)) < Math.min(...boxes.map(b => b.bottom));
  scrollTo(0, document.body.scrollHeight);
  const pinned = Math.max(0, header.getBoundingClientRect().bottom);
  const sideways = document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth;
  scrollTo(0, 0);
  return {height: box.height, oneLine, pinned, sideways};
}"""


def test_the_phone_header_is_one_line_and_scrolls_away(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    over_the_wire(
        table.room,
        [
            (table.guest, "ProposeStatement", {"text": "Des bancs au square."}),
            (None, "PublishStatement", {"statement": "s1"}),
        ],
    )
    context = open_context(PHONE)
    page = open_tablet(context, table.room, table.guest)
    expect(page.get_by_test_id("statement-list")).to_contain_text("Des bancs au square.")

    normal = page.evaluate(MEASURE)
    print(f"header at 360×740, 100 % text: {normal}")
    assert normal["oneLine"], normal  # title, link status and language side by side
    assert normal["pinned"] == 0, normal  # after scrolling, none of it covers the page
    assert normal["sideways"] <= 0, normal

    # Offline, a position waiting: the status and the count still fit beside the title.
    context.set_offline(True)
    page.get_by_test_id("position-s1").locator("button[data-value='2']").click()
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "1")
    waiting = page.evaluate(MEASURE)
    print(f"header at 360×740, offline, 1 waiting: {waiting}")
    assert waiting["oneLine"], waiting
    expect(page.get_by_test_id("pending-count")).to_contain_text("1 en attente d’envoi")
    context.set_offline(False)
    expect(page.get_by_test_id("pending-count")).to_have_attribute("data-count", "0")

    page.evaluate("document.documentElement.style.fontSize = '36px'")  # 200 % of 18 px
    large = page.evaluate(MEASURE)
    print(f"header at 360×740, 200 % text: {large}")
    screenshot(page, "tablet-header-200")
    assert large["pinned"] == 0, large
    assert large["sideways"] <= 0, large
