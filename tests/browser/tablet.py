"""What the participant-side browser tests share: a tablet opened as a participant who joined
over the wire, the page's live region listened to, the page's live regions counted, and every
way (language × width) an axe-core scan is run.

A participant who joined over the wire (``Room.join``) hands its token to a browser context the
way the join page itself keeps it: in ``localStorage`` under ``metrokawa:participant:{session}``.
The page then opens as that participant's tablet, as after a reload.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import expect

from server.client import ProtocolClient

from ..server.live import LiveServer
from ..server.scenario import Member, Room, acked, closing_every_socket, event_of
from .conftest import DESKTOP, PHONE, axe_violations, run_beside

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")

# Recorded from the page's first moment: every text the live region takes, in order (the region
# is emptied before each text, so a text said twice is recorded twice).
LISTEN = """
window.__said = [];
let last = '';
new MutationObserver(() => {
  const region = document.querySelector('[data-testid=live-region]');
  const text = region ? region.textContent.trim() : '';
  if (text && text !== last) window.__said.push(text);
  last = text;
}).observe(document, {subtree: true, childList: true, characterData: true});
"""

# Every element that makes screen readers speak by itself when it changes: the live regions
# (a role=timer says nothing unless aria-live says otherwise).
LIVE_REGIONS = (
    "[aria-live]:not([aria-live='off']), [role=status], [role=alert], [role=log],"
    " [role=marquee], output"
)


def open_tablet(context: Any, room: Room, member: Member) -> Any:
    """A page of ``context`` at the session's join address, as ``member`` (already joined)."""
    identity = {"token": member.token, "you": member.id, "pseudonym": member.pseudonym}
    key = f"metrokawa:participant:{room.id}"
    context.add_init_script(
        f"localStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(identity))})"
    )
    page = context.new_page()
    listen(page)
    page.goto(f"{room.url}/j/{room.code}")
    expect(page.get_by_test_id("connection")).to_have_attribute("data-status", "online")
    return page


def listen(page: Any) -> None:
    """Record what the page's live region says, from its next load on (``said``)."""
    page.add_init_script(LISTEN)


def said(page: Any) -> list[str]:
    """Every text the live region took since the page loaded, in order."""
    texts: list[str] = page.evaluate("window.__said")
    return texts


def live_regions(page: Any) -> int:
    count: int = page.locator(LIVE_REGIONS).count()
    return count


def scan_every_way(page: Any, name: str) -> dict[str, list[str]]:
    """axe-core on ``page`` as it is, at 360 px and on a desktop, in French then in English
    (switched with the page's own language button, then back): violations of every impact."""
    found: dict[str, list[str]] = {}
    for language, other in (("fr", "English"), ("en", "Français")):
        expect(page.locator("html")).to_have_attribute("lang", language)
        for viewport in (PHONE, DESKTOP):
            page.set_viewport_size(viewport)
            found[f"{name} {language} {viewport['width']}px"] = axe_violations(
                page, impacts=EVERY_IMPACT
            )
        page.get_by_role("button", name=other, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.set_viewport_size(PHONE)
    return found


@dataclass(frozen=True)
class Table:
    """A session whose first round runs, with two residents at one table: its host and a guest."""

    room: Room
    host: Member
    guest: Member


Step = tuple[Member | None, str, dict[str, Any]]
START: Step = (None, "StartRound", {})


def over_the_wire(room: Room, steps: list[Step]) -> list[int]:
    """Send each command (``None``: the facilitator's) on real sockets, each acknowledged; the
    ``seq`` of each ack."""

    async def run() -> list[int]:
        facilitator = await room.facilitator()
        sockets: dict[str, ProtocolClient] = {}
        seqs = []
        for who, kind, data in steps:
            if who is None:
                client = facilitator
            elif who.id in sockets:
                client = sockets[who.id]
            else:
                client = sockets[who.id] = await room.participant(who.token)
            seqs.append(acked(await client.command(kind, data)))
        return seqs

    return run_beside(closing_every_socket(run()))


def a_running_round(server: LiveServer, *, minutes: float = 15, start: bool = True) -> Table:
    """Awa and Bruno join, the tables are seated, the first round (``minutes`` long) starts —
    unless ``start`` is false: then ``over_the_wire(room, [START])`` starts it."""
    room = Room.create(server, minutes=minutes)

    async def seat() -> tuple[Member, Member, str]:
        facilitator = await room.facilitator()
        awa = await room.join("Awa", territory="t1")
        bruno = await room.join("Bruno", territory="t2", role="elu")
        seated = await event_of(facilitator, acked(await facilitator.command("SeatTables")))
        if start:
            acked(await facilitator.command(*START[1:]))
        host: str = seated["data"]["tables"][0]["host"]
        return awa, bruno, host

    awa, bruno, host = run_beside(closing_every_socket(seat()))
    return Table(
        room, host=awa if awa.id == host else bruno, guest=bruno if awa.id == host else awa
    )
