"""Métrokawa before and after, side by side: the issue-14 figures of ``bench_vote_burst.py``.

For each client count and phase, the figures issue 14 asks for — command→ack p99,
command→tally-visible p99 and server CPU per command (see ``bench_vote_burst.py``) — of a
"before" and an "after", each the median of its repeats with every run's figure, the machine's
load average at the end of each run, and what the clients' views were made of (``events`` or
``tallies``). It says whether the server's CPU per command fell and whether the tally-visible
p99 at 2,000 clients is within the issue's 300 ms.

Two ways to get the figures:

* from two ``--json`` files of ``bench_vote_burst.py`` (Métrokawa's rows are read, the peers'
  left out)::

      .venv/bin/python bench/compare_vote_burst.py before.json after.json

* by running the bench on two git revisions (``--run``): each revision is checked out with
  ``git worktree add --detach`` in a temporary directory and Métrokawa is started from it
  (``--server-tree``: that tree's code, this venv's python, so a revision that needs a package
  this venv lacks will not start), always driven by this checkout's load generator; the worktree
  is removed afterwards. Arguments after ``--`` go to the bench (``--only metrokawa`` is
  always given)::

      .venv/bin/python bench/compare_vote_burst.py --run main i14-tallies \\
          --keep /work/bench-results --rounds 3 -- --clients 120,1000,2000

  ``--rounds N`` runs both revisions N times, alternating which goes first (the medians are over
  every round's runs; ``--repeat`` given to the bench multiplies them).

Both runs share the machine with whatever else it does: read the load averages before the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

BENCH_DIR: Final = Path(__file__).resolve().parent
REPO: Final = BENCH_DIR.parent
TALLY_VISIBLE_GOAL_MS: Final = 300.0  # issue 14, at 2,000 clients
GOAL_CLIENTS: Final = 2000

Run = dict[str, Any]  # one PhaseResult of bench_vote_burst.py, as its --json writes it


def load(path: str | Path) -> list[Run]:
    """Métrokawa's phase results in a ``bench_vote_burst.py --json`` file."""
    runs: list[Run] = json.loads(Path(path).read_text())
    return [r for r in runs if r.get("server") == "metrokawa"]


def _nan(value: Any) -> float:
    return float("nan") if value is None else float(value)


def _median(values: Sequence[float]) -> float:
    known = [v for v in values if v == v]
    return statistics.median(known) if known else float("nan")


def _fmt(value: float, digits: int = 1) -> str:
    return "—" if value != value else f"{value:,.{digits}f}"


def _ratio(before: float, after: float) -> str:
    if before != before or after != after or before <= 0:
        return "—"
    return f"{after / before:.2f}×"


Figure = tuple[str, Callable[[Run], float], int]
FIGURES: Final[list[Figure]] = [
    ("cmd→ack p99 ms", lambda r: _nan(r.get("ack_p99_ms")), 1),
    ("cmd→tally-visible p99 ms", lambda r: _nan(r.get("visible_p99_ms")), 1),
    ("  (p50 ms)", lambda r: _nan(r.get("p50_ms")), 1),
    ("server CPU ms/command", lambda r: _nan(r.get("cpu_ms_per_command")), 3),
    ("commands acknowledged", lambda r: _nan(r.get("acked")), 0),
    ("commands sent/s", lambda r: _nan(r.get("commands_per_s")), 0),
]


def _label(runs: list[Run], fallback: str) -> str:
    revisions = sorted({str(r.get("revision") or "") for r in runs} - {""})
    return ",".join(revisions) or fallback


def table(before: list[Run], after: list[Run], names: tuple[str, str]) -> str:
    """The side-by-side table, with the verdicts, for every client count and phase in either."""
    label_b, label_a = _label(before, names[0]), _label(after, names[1])
    width = max(16, len(label_b) + 2, len(label_a) + 2)
    lines = [f"before: {names[0]} ({label_b}); after: {names[1]} ({label_a})"]
    keys = sorted({(r["clients"], r["phase"]) for r in before + after}, key=_order)
    for clients, phase in keys:
        b = [r for r in before if (r["clients"], r["phase"]) == (clients, phase)]
        a = [r for r in after if (r["clients"], r["phase"]) == (clients, phase)]
        target = next((r.get("target", "") for r in b + a), "")
        lines.append(f"\n== {clients:,} clients, {phase} ({target}), medians ==")
        lines.append(f"{'':26}{'before':>{width}}{'after':>{width}}{'after/before':>14}")
        views = ("/".join(sorted({r.get("view") or "?" for r in runs})) or "—" for runs in (b, a))
        lines.append(f"{'view by':26}" + "".join(f"{v:>{width}}" for v in views))
        for name, get, digits in FIGURES:
            mb, ma = _median([get(r) for r in b]), _median([get(r) for r in a])
            cells = f"{_fmt(mb, digits):>{width}}{_fmt(ma, digits):>{width}}"
            lines.append(f"{name:26}{cells}{_ratio(mb, ma):>14}")
        lines.append(f"  each run, before: {_each(b)}")
        lines.append(f"  each run, after:  {_each(a)}")
        lines.extend(_verdicts(clients, phase, b, a))
    return "\n".join(lines)


def _order(key: tuple[int, str]) -> tuple[int, int]:
    return key[0], 0 if key[1] == "steady" else 1


def _each(runs: list[Run]) -> str:
    if not runs:
        return "—"
    parts = []
    for r in runs:
        load_1 = (r.get("load_avg") or [float("nan")])[0]
        parts.append(
            f"ack {_fmt(_nan(r.get('ack_p99_ms')))} / visible "
            f"{_fmt(_nan(r.get('visible_p99_ms')))} ms, CPU "
            f"{_fmt(_nan(r.get('cpu_ms_per_command')), 3)} ms/cmd, load {_fmt(load_1, 2)}"
            + ("" if r.get("drained", True) else ", NOT DRAINED")
        )
    return "; ".join(parts)


def _verdicts(clients: int, phase: str, before: list[Run], after: list[Run]) -> list[str]:
    out = []
    cpu = next(get for name, get, _ in FIGURES if name == "server CPU ms/command")
    mb, ma = _median([cpu(r) for r in before]), _median([cpu(r) for r in after])
    if mb == mb and ma == ma:
        verdict = "fell" if ma < mb else "did NOT fall"
        out.append(f"  server CPU per command {verdict}: {mb:,.3f} → {ma:,.3f} ms")
    visible = _median([_nan(r.get("visible_p99_ms")) for r in after])
    if clients >= GOAL_CLIENTS and visible == visible:
        verdict = "met" if visible <= TALLY_VISIBLE_GOAL_MS else "NOT met"
        out.append(
            f"  goal after cmd→tally-visible p99 ≤ {TALLY_VISIBLE_GOAL_MS:.0f} ms at "
            f"{clients:,} clients: {visible:,.1f} ms ({verdict})"
        )
    return out


# --- running two revisions ----------------------------------------------------------------------


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def checkout(revision: str) -> Path:
    """A detached worktree of ``revision`` in a temporary directory (``git worktree remove`` it)."""
    commit = _git("rev-parse", "--verify", f"{revision}^{{commit}}")
    tree = Path(tempfile.mkdtemp(prefix=f"vote-burst-{commit[:10]}-"))
    tree.rmdir()  # git worktree add wants to create it
    _git("worktree", "add", "--detach", str(tree), commit)
    return tree


def measure(tree: Path, bench_args: Sequence[str], out: Path) -> list[Run]:
    """Run the bench with Métrokawa from ``tree``, its figures kept in ``out``."""
    argv = [
        sys.executable,
        str(BENCH_DIR / "bench_vote_burst.py"),
        "--only",
        "metrokawa",
        *bench_args,
        "--server-tree",
        str(tree),
        "--json",
        str(out),
    ]
    print(f"$ {' '.join(argv)}   (load {_uptime()})", file=sys.stderr, flush=True)
    subprocess.run(argv, check=True)
    return load(out)


def run_both(
    revisions: tuple[str, str], bench_args: Sequence[str], rounds: int, where: Path
) -> tuple[list[Run], list[Run]]:
    """``rounds`` rounds, each running the bench on both revisions, the one that goes first
    alternating: a machine whose load drifts does not always favour the same side."""
    trees: list[Path] = []
    figures: tuple[list[Run], list[Run]] = ([], [])
    try:
        for revision in revisions:
            trees.append(checkout(revision))
        for round_ in range(rounds):
            order = (0, 1) if round_ % 2 == 0 else (1, 0)
            for side in order:
                name = ("before", "after")[side]
                out = where / f"{name}-{_safe(revisions[side])}-{round_ + 1}.json"
                figures[side].extend(measure(trees[side], bench_args, out))
    finally:
        for tree in trees:
            _git("worktree", "remove", "--force", str(tree))
    for side, name in enumerate(("before", "after")):  # every round's runs in one file each
        merged = where / f"{name}-{_safe(revisions[side])}.json"
        merged.write_text(json.dumps(figures[side], indent=2))
    return figures


def _uptime() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    bench_args: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, bench_args = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("before", help="a --json file, or with --run a git revision")
    parser.add_argument("after", help="a --json file, or with --run a git revision")
    parser.add_argument(
        "--run", action="store_true", help="run the bench on the two git revisions first"
    )
    parser.add_argument(
        "--keep", metavar="DIR", help="with --run: keep the JSON files here (before-*.json, …)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="with --run: run both revisions this many times, alternating which goes first",
    )
    args = parser.parse_args(argv)
    if not args.run:
        if bench_args:
            parser.error("arguments after -- go to the bench: they need --run")
        print(table(load(args.before), load(args.after), (args.before, args.after)))
        return 0
    with tempfile.TemporaryDirectory(prefix="vote-burst-json-") as scratch:
        where = Path(args.keep) if args.keep else Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        before, after = run_both((args.before, args.after), bench_args, args.rounds, where)
    print(table(before, after, (args.before, args.after)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
