"""Browser tests: Playwright driving Debian's Chromium against a real server serving the real build.

Nothing is faked: ``metrokawa serve`` in its own process on a free loopback port, a real SQLite
file, the Vite build of ``clients/tablet`` (``make setup``), Chromium from Debian's package
(``/usr/bin/chromium``; Playwright's own browser download is never used). Each person gets their
own browser context (own storage, own connection), as on separate tablets.

Under CI (``CI=true`` or ``CI=1``, see ``tests.ci``) a missing Chromium, Playwright or build
fails the run; elsewhere these tests skip, saying what to install. Screenshots go to
``test-artifacts/browser/``.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import pytest

from ..ci import cannot_run
from ..server.live import LiveServer

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "clients" / "tablet" / "dist"
AXE = ROOT / "clients" / "tablet" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = Path(os.environ.get("METROKAWA_CHROMIUM", "/usr/bin/chromium"))
# Without the background-networking flags Chromium keeps dialling Google, which this closed
# network refuses; --no-sandbox because CI runs as root.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 360, "height": 740}
TABLET = {"width": 800, "height": 1280}  # a 10" tablet, portrait
DESKTOP = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}
TIMEOUT_MS = 10_000


def missing(reason: str) -> NoReturn:
    """Fail under CI (a test that cannot run there is a broken CI), skip elsewhere."""
    cannot_run(reason, because="the browser tests must run")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        missing(f"Chromium is not at {CHROMIUM}: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright is not installed: make setup")
    if not (DIST / "participant.html").exists() or not AXE.exists():
        missing("the tablet client is not built: make setup")
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path_factory.mktemp("browser") / "metrokawa.sqlite").start()
    try:
        yield live
    finally:
        live.stop()


@pytest.fixture
def open_context(browser: Any) -> Iterator[Callable[..., Any]]:
    """``open_context(viewport=PHONE)``: a new browser context in French, closed after the test."""
    opened: list[Any] = []

    def open_one(viewport: dict[str, int] = PHONE, **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, locale="fr-FR", **options)
        context.set_default_timeout(TIMEOUT_MS)
        opened.append(context)
        return context

    yield open_one
    for context in opened:
        context.close()


def screenshot(page: Any, name: str) -> Path:
    """Keep a full-page screenshot as a test artifact.

    A full page of the cahier is tens of thousands of pixels high: on a loaded 2-core machine
    Chromium took more than the default 10 s to paint it, and an artifact must not fail a test
    on its own, so the screenshot gets six times the usual wait."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, timeout=6 * TIMEOUT_MS)
    return path


# The words of headings, labels, chips and buttons that are cut over two lines although they
# would fit whole on a line of their card (with overflow-wrap: anywhere a box shrank to a
# letter's width and cut words letter by letter). Every page is held to it at 360 px.
WORDS_CUT = """() => {
  const cut = [];
  const seen = 'main h1, main h2, main h3, label, .mk-chip, .mk-pos-label, .mk-kind, .mk-btn';
  for (const el of document.querySelectorAll(seen)) {
    const room = el.closest('.mk-card, main, header') ?? document.body;
    const style = getComputedStyle(room);
    const line = room.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.textContent.matchAll(/[^\\s-]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const boxes = [...range.getClientRects()].filter(r => r.width > 0);
        const lines = new Set(boxes.map(r => Math.round(r.top)));
        const width = boxes.reduce((sum, r) => sum + r.width, 0);
        if (lines.size > 1 && width <= line) cut.push(m[0]);
      }
    }
  }
  return cut;
}"""


def axe_violations(page: Any, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """Run axe-core (from the client's node_modules) in the page; the violations of ``impacts``.

    The script is evaluated through the DevTools protocol, which the page's CSP does not govern,
    so the page is scanned exactly as served."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
    )
    return [
        f"{v['impact']}: {v['id']} — {v['help']} at {v['nodes']}"
        for v in result
        if v["impact"] in impacts
    ]


def run_beside(scenario: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end in a thread of its own: Playwright's sync API keeps an event
    loop running in this one, where ``asyncio.run`` refuses to start."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, scenario).result(timeout=60)
