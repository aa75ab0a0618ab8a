"""The tablet during a round (issue 14 §4): the screen is kept awake while the round is open (the
Screen Wake Lock API), and released at its end; the end of the round vibrates and rings, once,
unless the person turned it off — a choice kept on the device across a reload. Where the API is
missing, nothing breaks. axe-core finds no violation on the tablet with the switch.

The device is instrumented before the page's own scripts run: ``navigator.vibrate``,
``navigator.wakeLock`` and the Web Audio oscillators record what the page asked of them (headless
Chromium has no motor, no screen to keep on, and no speaker).
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from ..server.live import LiveServer
from .conftest import TABLET
from .tablet import a_running_round, open_tablet, over_the_wire, scan_every_way

# What the page asked of the device, in window.__device.
DEVICE = """
window.__device = {vibrations: [], tones: 0, locks: 0, released: 0};
Object.defineProperty(Navigator.prototype, 'vibrate', {configurable: true,
  value: (pattern) => { window.__device.vibrations.push(pattern); return true; }});
Object.defineProperty(Navigator.prototype, 'wakeLock', {configurable: true, get: () => ({
  request: (type) => { window.__device.locks += 1; return Promise.resolve({
    release: () => { window.__device.released += 1; return Promise.resolve(); },
    addEventListener: () => {} }); }})});
const Real = window.AudioContext;
window.AudioContext = class extends Real {
  createOscillator() {
    const oscillator = super.createOscillator();
    const start = oscillator.start.bind(oscillator);
    oscillator.start = (...at) => { window.__device.tones += 1; return start(...at); };
    return oscillator;
  }
};
"""
# A browser without the Screen Wake Lock API (an older one, or plain http on the room's Wi-Fi).
NO_WAKE_LOCK = "Object.defineProperty(Navigator.prototype, 'wakeLock', {get: () => undefined});"


def device(page: Any) -> dict[str, Any]:
    recorded: dict[str, Any] = page.evaluate("window.__device")
    return recorded


def test_the_screen_stays_awake_during_the_round_and_its_end_vibrates_and_rings(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    context = open_context(TABLET)
    context.add_init_script(DEVICE)
    page = open_tablet(context, table.room, table.guest)
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", "running")
    page.wait_for_function("() => window.__device.locks === 1")
    page.get_by_test_id("round-prompt").click()  # a first touch readies the sound
    assert device(page)["vibrations"] == []  # a running round rings nothing

    over_the_wire(table.room, [(None, "EndRound", {})])
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", "ended")
    page.wait_for_function("() => window.__device.vibrations.length === 1")
    page.wait_for_function("() => window.__device.released === 1")
    recorded = device(page)
    assert recorded["vibrations"] == [[200, 120, 200]]
    assert recorded["tones"] == 2
    assert recorded["locks"] == 1

    # The page loaded after the end rings nothing; the next round takes the lock again.
    page.reload()
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", "ended")
    assert device(page)["vibrations"] == []
    over_the_wire(table.room, [(None, "StartRound", {})])
    page.wait_for_function("() => window.__device.locks === 1")


def test_the_signal_turned_off_stays_off_on_this_device(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    context = open_context(TABLET)
    context.add_init_script(DEVICE)
    page = open_tablet(context, table.room, table.guest)
    switch = page.get_by_label("Vibrer et sonner à la fin du tour")
    expect(switch).to_be_checked()
    switch.uncheck()
    page.reload()
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", "running")
    expect(page.get_by_label("Vibrer et sonner à la fin du tour")).not_to_be_checked()

    over_the_wire(table.room, [(None, "EndRound", {})])
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", "ended")
    page.wait_for_function(
        "() => window.__device.released === 1"
    )  # the lock is let go all the same
    assert device(page)["vibrations"] == []
    assert device(page)["tones"] == 0

    page.get_by_label("Vibrer et sonner à la fin du tour").check()  # on again: a sample, once
    page.wait_for_function("() => window.__device.vibrations.length === 1")


def test_without_the_wake_lock_api_the_tablet_works_as_before(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    context = open_context(TABLET)
    context.add_init_script(DEVICE)
    context.add_init_script(NO_WAKE_LOCK)
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.close()
    page = open_tablet(context, table.room, table.guest)
    page.on("pageerror", lambda error: errors.append(str(error)))
    expect(page.get_by_test_id("round-status")).to_have_attribute("data-status", "running")
    over_the_wire(table.room, [(None, "EndRound", {})])
    page.wait_for_function("() => window.__device.vibrations.length === 1")
    assert device(page)["locks"] == 0
    assert errors == []


def test_the_tablet_with_the_switch_passes_axe_at_every_impact(
    server: LiveServer, open_context: Any
) -> None:
    table = a_running_round(server)
    page = open_tablet(open_context(TABLET), table.room, table.guest)
    expect(page.get_by_test_id("round-signal")).to_be_visible()
    found = scan_every_way(page, "tablet with the end-of-round switch")
    assert {key: problems for key, problems in found.items() if problems} == {}
