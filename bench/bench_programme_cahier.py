"""Time the programme's cahier of six territories built on the demo archive. Printed, not asserted.

    .venv/bin/python bench/bench_programme_cahier.py

The programme has the demo's six territories, a metropolitan session and one local session per
territory whose report is the demo's too (120 people each: more than a local evening holds), and
three vœux per territory followed up to the council's answer. Each figure is the best of 3 runs:
the session reports (built once per session, as the server would for a cahier), the programme's
cahier as data, then each format; and each territory's cahier alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

from session_engine import read_log
from session_engine.commands import NewTerritory
from session_engine.programme import (
    AddSession,
    CloseProgrammeSession,
    CreateProgramme,
    FollowUpVoeu,
    ProgrammeCommand,
    ProgrammeContext,
    ProgrammeState,
    RecordedVoeu,
    SessionKind,
    VoeuStatus,
)
from session_engine.programme.log import run
from session_engine.report import Report, build_report
from session_engine.report.programme import (
    programme_cahier,
    render_programme_html,
    render_programme_json,
    render_programme_markdown,
)

DEMO = Path(__file__).resolve().parents[1] / "replays" / "demo-metrokawa-120.mkawa"
RUNS = 3
CTX = ProgrammeContext(actor="o1", now=1_790_000_000_000, programme="pg-bench")
T = TypeVar("T")


def best(work: Callable[[], T]) -> tuple[float, T]:
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        result = work()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def send(state: ProgrammeState, command: ProgrammeCommand) -> None:
    if run(state, command, CTX) is None:
        raise SystemExit(f"refused: {command}")


def programme(report: Report) -> ProgrammeState:
    state = ProgrammeState()
    territories = tuple(
        NewTerritory(name=t.name, commune=t.commune, qpv=t.qpv) for t in report.territories
    )
    send(state, CreateProgramme(title="Programme de démonstration", territories=territories))
    send(
        state,
        AddSession(
            session="metro",
            kind=SessionKind.METROPOLITAN,
            title="Métrokawa métropolitain",
            date="2027-01-16",
        ),
    )
    for n, t in enumerate(report.territories, 2):
        send(
            state,
            AddSession(
                session=f"local-{t.id}",
                kind=SessionKind.LOCAL,
                title=f"Métrokawa local {t.name}",
                date="2027-03-01",
                territory=t.id,
            ),
        )
        voeux = tuple(
            RecordedVoeu(voeu=f"vx{i}", text=p.text) for i, p in enumerate(report.adopted[:3], 1)
        )
        send(state, CloseProgrammeSession(session=f"ps{n}", voeux=voeux))
        for voeu in voeux:
            for status, date, council, answer in (
                (VoeuStatus.TABLED, "2027-04-01", f"conseil municipal de {t.commune}", ""),
                (VoeuStatus.ADOPTED, "2027-05-14", "", "Le conseil adopte le vœu."),
            ):
                send(
                    state,
                    FollowUpVoeu(
                        session=f"ps{n}",
                        voeu=voeu.voeu,
                        status=status,
                        date=date,
                        council=council,
                        answer=answer,
                        link="https://example.org/deliberation",
                    ),
                )
    return state


def territory_page(state: ProgrammeState, reports: dict[str, Report], territory: str) -> str:
    return render_programme_html(programme_cahier(state, reports, territory=territory))


def main() -> None:
    header, envelopes = read_log(DEMO.read_bytes())
    seconds, report = best(lambda: build_report(header, envelopes))
    state = programme(report)
    reports = {s: report for s in state.sessions}
    print(
        f"Cahier du programme : {len(state.territories)} territoires, "
        f"{len(state.sessions)} sessions (toutes sur {DEMO.name}), {len(state.voeux)} vœux ; "
        f"meilleur de {RUNS}"
    )
    print(f"  rapport d'une session (démo)        {seconds * 1000:8.1f} ms")
    start = time.perf_counter()
    for _ in reports:  # what a caller pays first: one report per session (one run)
        build_report(header, envelopes)
    seconds = time.perf_counter() - start
    print(f"  les {len(reports)} rapports des sessions        {seconds * 1000:8.1f} ms  (une fois)")
    seconds, cahier = best(lambda: programme_cahier(state, reports))
    print(f"  programme_cahier (données)          {seconds * 1000:8.1f} ms")
    total = seconds
    for name, render in (
        ("html", render_programme_html),
        ("md", render_programme_markdown),
        ("json", render_programme_json),
    ):
        seconds, text = best(partial(render, cahier))
        if name == "html":
            total += seconds
        print(
            f"  rendu {name:<4}                        {seconds * 1000:8.1f} ms  "
            f"{len(text.encode()) / 1024:7.1f} Ko"
        )
    print(f"  données + HTML, hors rapports       {total * 1000:8.1f} ms")
    for t in state.territories.values():
        seconds, page = best(partial(territory_page, state, reports, t.id))
        print(
            f"  cahier {t.name:<28} {seconds * 1000:8.1f} ms  {len(page.encode()) / 1024:7.1f} Ko"
        )


if __name__ == "__main__":
    main()
