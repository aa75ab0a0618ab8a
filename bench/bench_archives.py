"""Public archive benchmark: ``GET /archives`` over 1,000 published sessions, and the PDF cahier.

Issue 15's targets: ``/archives`` with 1,000 published sessions answers in ≤ 200 ms p99; the PDF
cahier of the 120-person demo is made in ≤ 5 s. Figures are printed, never asserted.

What it does:

1. In a new SQLite file, the demo log (``replays/demo-metrokawa-120.mkawa``) is stored as a
   session and published through the real path (``publish_session_from``: anonymisation,
   results, Pol.is files, the cahier's HTML); the time is printed. Then 999 more archives are
   added with the same search text (the demo's published statements: what ``q`` scans) and
   metadata drawn from pools (30 territories, 15 communes, 8 themes, dates over two years; one
   in ten also says « piste cyclable »), each with its results file only: the list reads rows,
   never artefacts.
2. A real server (``metrokawa serve``, uvicorn, through the tests' ``LiveServer``) on that file;
   one keep-alive client asks each list ``--requests`` times in turn (after a warm-up): no
   filter (HTML and JSON), each filter, a search that finds one archive in ten, a search that
   finds none, and page 10. p50 and p99 per case.
3. The demo's cahier (from its published log) printed to PDF by WeasyPrint, ``--pdf-runs`` times
   in this process, then once as the server prints it (``print_apart``: a process of its own,
   its start included): seconds each.

    .venv/bin/python bench/bench_archives.py [--archives 1000] [--requests 300] [--pdf-runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the tests' LiveServer: one way to start a real server
from server.archives import (  # noqa: E402
    RESULTS,
    ArchiveMeta,
    ArchiveRecord,
    SqlArchives,
    _facets,
    new_archive_id,
    normalise,
    publish_session_from,
)
from server.pdf import cahier_pdf, print_apart  # noqa: E402
from server.store import SessionRecord, SqlStore  # noqa: E402
from session_engine import encode_envelope, read_log  # noqa: E402
from session_engine.archive import anonymise  # noqa: E402
from session_engine.report import build_report, render_html  # noqa: E402
from tests.server.live import LiveServer  # noqa: E402

DEMO = ROOT / "replays" / "demo-metrokawa-120.mkawa"
FIRST_DAY = datetime.date(2025, 1, 1)  # the archives' dates: two years from here
TERRITORIES = [f"Quartier {n}" for n in range(1, 31)]
COMMUNES = [f"Commune {n}" for n in range(1, 16)]
THEMES = [
    "Mobilités",
    "Logement",
    "Écoles",
    "Santé",
    "Sécurité",
    "Emploi",
    "Culture",
    "Espaces verts",
]


async def fill(db: Path, archives: int) -> str:
    """The demo published for real, then ``archives - 1`` rows like it; the demo's id."""
    store = SqlStore(f"sqlite:///{db}")
    try:
        header, envelopes = read_log(DEMO.read_bytes())
        record = SessionRecord(
            id="demo",
            code="DEMO42",
            title=header.title,
            created_at=header.created_at,
            facilitator_hash=hashlib.sha256(b"demo").hexdigest(),
        )
        await store.create_session(record)
        await store.append("demo", 0, [encode_envelope(e) for e in envelopes], [], [])
        shelf = SqlArchives(store.engine)
        meta = ArchiveMeta(
            title=header.title,
            territories=tuple(TERRITORIES[:4]),
            communes=tuple(COMMUNES[:3]),
            date="2026-06-20",
            themes=("Mobilités",),
        )
        started = time.perf_counter()
        demo = await publish_session_from(store, shelf, "demo", meta)
        print(f"publish the demo (4,242 events): {time.perf_counter() - started:.2f} s")
        search = await shelf.search_text(demo)
        results = await shelf.file(demo, RESULTS) or b"{}"
        print(f"search text per archive: {len(search):,} characters")
        draw = random.Random(15)
        started = time.perf_counter()
        for n in range(1, archives):
            meta = ArchiveMeta(
                title=f"Métrokawa n° {n}",
                territories=tuple(draw.sample(TERRITORIES, 4)),
                communes=tuple(draw.sample(COMMUNES, 2)),
                date=(FIRST_DAY + datetime.timedelta(days=n * 730 // archives)).isoformat(),
                themes=tuple(draw.sample(THEMES, 2)),
            )
            extra = " piste cyclable" if n % 10 == 0 else ""
            row = ArchiveRecord(
                id=new_archive_id(),
                kind="session",
                title=meta.title,
                programme=None,
                territories=meta.territories,
                communes=meta.communes,
                date=meta.date,
                themes=meta.themes,
                created_at=int(time.time() * 1000),
            )
            await shelf.add(
                row, _facets(meta), f"{normalise(meta.title)} {search}{extra}", {RESULTS: results}
            )
        print(f"{archives - 1} more archives added in {time.perf_counter() - started:.1f} s")
        return demo
    finally:
        await store.close()


CASES: list[tuple[str, str, dict[str, str]]] = [
    ("no filter (HTML)", "/archives", {}),
    ("no filter (JSON)", "/archives", {"format": "json"}),
    ("territoire", "/archives", {"territoire": "Quartier 7"}),
    ("commune", "/archives", {"commune": "commune 3"}),
    ("theme", "/archives", {"theme": "ecoles"}),
    ("du/au (one month)", "/archives", {"du": "2026-03-01", "au": "2026-03-31"}),
    ("q, 1 in 10 found", "/archives", {"q": "Piste cyclable"}),
    ("q, none found", "/archives", {"q": "téléphérique urbain"}),
    ("q, all found", "/archives", {"q": "rer"}),
    ("page 10", "/archives", {"page": "10"}),
]


def percentile(ordered: list[float], q: float) -> float:
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(url: str, requests: int) -> None:
    print(f"\nGET latency over {requests} requests each (ms), one keep-alive client:")
    print(f"{'case':<22} {'found':>6} {'p50':>8} {'p99':>8} {'max':>8}")
    with httpx.Client(base_url=url, timeout=30) as client:
        for name, path, params in CASES:
            for _ in range(10):  # warm-up: connection, SQLite page cache
                client.get(path, params=params).raise_for_status()
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = client.get(path, params=params)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
            found = client.get("/archives", params={**params, "format": "json"}).json()["total"]
            times.sort()
            print(
                f"{name:<22} {found:>6} {statistics.median(times):>8.1f} "
                f"{percentile(times, 0.99):>8.1f} {times[-1]:>8.1f}"
            )


def pdf(runs: int) -> None:
    header, envelopes = read_log(DEMO.read_bytes())
    started = time.perf_counter()
    published = anonymise(header, envelopes, archive="aBench")
    html = render_html(build_report(*published))
    print(
        "\nthe demo's cahier HTML (anonymise, build, render): "
        f"{time.perf_counter() - started:.2f} s, {len(html):,} characters"
    )
    for run in range(1, runs + 1):
        started = time.perf_counter()
        data = cahier_pdf(html)
        print(f"PDF cahier run {run}: {time.perf_counter() - started:.2f} s, {len(data):,} bytes")
    started = time.perf_counter()
    data = asyncio.run(print_apart(html))
    print(
        "PDF cahier as the server prints it (its own process): "
        f"{time.perf_counter() - started:.2f} s, {len(data):,} bytes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archives", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--pdf-runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "archives.sqlite"
        asyncio.run(fill(db, args.archives))
        server = LiveServer(db).start()
        try:
            measure(server.url, args.requests)
        finally:
            server.stop()
    pdf(args.pdf_runs)


if __name__ == "__main__":
    main()
