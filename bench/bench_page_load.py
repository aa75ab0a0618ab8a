"""Page-load benchmark: the participant page (``/j/{code}``) on an emulated slow network.

A real server process serves the real build (``make setup``); Debian's Chromium loads the join
page in a fresh context (cold cache) under Chromium DevTools network throttling, and the bench
reports the time until the join form can be used (the pseudonym field visible), the ``load``
event, and the bytes that crossed the network. Profiles are DevTools' own presets (Slow 3G:
2,000 ms latency, 50,000 B/s each way, as in ``SDK.NetworkManager.Slow3GConditions``; Fast 3G:
562.5 ms, 180,000 B/s down, 84,375 B/s up); "cheap phone" adds 4x CPU throttling to Slow 3G.

    .venv/bin/python bench/bench_page_load.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' LiveServer: one way to start a real server

from tests.server.live import LiveServer, new_session_body  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PROFILES: dict[str, dict[str, float]] = {
    "slow 3G": {"latency": 2000, "down": 50_000, "up": 50_000, "cpu": 1},
    "slow 3G, 4x CPU": {"latency": 2000, "down": 50_000, "up": 50_000, "cpu": 4},
    "fast 3G": {"latency": 562.5, "down": 180_000, "up": 84_375, "cpu": 1},
    "no throttling": {"latency": 0, "down": -1, "up": -1, "cpu": 1},
}


def load_once(browser: Any, url: str, profile: dict[str, float]) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fr-FR")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": profile["latency"],
                "downloadThroughput": profile["down"],
                "uploadThroughput": profile["up"],
            },
        )
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": profile["cpu"]})
        started = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=120_000)
        page.locator("#pseudonym").wait_for(state="visible", timeout=120_000)
        usable = time.perf_counter() - started
        page.wait_for_load_state("load", timeout=120_000)
        figures: dict[str, float] = page.evaluate(
            """() => {
              const nav = performance.getEntriesByType('navigation')[0];
              const res = performance.getEntriesByType('resource');
              const bytes = nav.transferSize + res.reduce((n, r) => n + r.transferSize, 0);
              return {load: nav.loadEventEnd / 1000, bytes, requests: res.length + 1};
            }"""
        )
        return {"usable": usable, **figures}
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="cold loads per profile")
    args = parser.parse_args(argv)
    if not (ROOT / "clients" / "tablet" / "dist" / "participant.html").exists():
        parser.error("the tablet client is not built: make setup")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "bench.sqlite").start()
        try:
            created = httpx.post(f"{server.url}/api/sessions", json=new_session_body()).json()
            url = f"{server.url}/j/{created['code']}"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
                load_once(browser, url, PROFILES["no throttling"])  # warm the server
                print(f"participant page {url.split('/j/')[0]}/j/… — median of {args.repeat}")
                print(f"{'profile':<18} {'usable (s)':>10} {'load (s)':>9} {'KiB':>7} {'req':>4}")
                for name, profile in PROFILES.items():
                    runs = [load_once(browser, url, profile) for _ in range(args.repeat)]
                    med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                    print(
                        f"{name:<18} {med['usable']:>10.2f} {med['load']:>9.2f} "
                        f"{med['bytes'] / 1024:>7.1f} {med['requests']:>4.0f}"
                    )
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
