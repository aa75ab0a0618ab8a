"""Where a server's CPU goes, from ``py-spy record --format raw`` (``bench_vote_burst --profile``).

    .venv/bin/python bench/pyspy_top.py /tmp/prof/metrokawa-1000-burst.txt [--top 25]

Prints, as a share of all (non-idle) samples: each thread's share; the top functions by self
time and by inclusive time (line numbers dropped, a function counted once per stack); and the
inclusive share of a few layers (the WebSocket stack, the metrics, the engine, the store…).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::\d+)?\)$")

LAYERS: dict[str, tuple[str, ...]] = {
    "server/ws.py (Connection)": ("server/ws.py",),
    "server/actor.py (SessionActor)": ("server/actor.py",),
    "server/frames.py": ("server/frames.py",),
    "session_engine (decide/evolve/visibility/codec)": ("session_engine/",),
    "prometheus_client (metrics)": ("prometheus_client/",),
    "starlette": ("starlette/",),
    "uvicorn WebSocket protocol": ("uvicorn/protocols/",),
    "websockets (frame/protocol lib)": ("websockets/",),
    "asyncio Event/Queue/Future/Task": (
        "asyncio/locks.py",
        "asyncio/queues.py",
        "asyncio/futures.py",
        "asyncio/tasks.py",
        "asyncio/events.py",
    ),
    "msgspec": ("msgspec",),
    "sqlalchemy / sqlmodel": ("sqlalchemy/", "sqlmodel/"),
    "server/store.py": ("server/store.py",),
}


def parse(path: Path) -> list[tuple[str, list[tuple[str, str]], int]]:
    """(thread, frames root→leaf as (function, file), samples) per line."""
    stacks = []
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        thread = frames.pop(0) if frames[0].startswith("thread (") else "(threads not recorded)"
        parsed = []
        for text in frames:
            match = _FRAME.match(text)
            parsed.append((match["func"], match["file"]) if match else (text, ""))
        stacks.append((thread.split(":", 1)[-1].strip() or thread, parsed, int(count)))
    return stacks


def report(path: Path, top: int) -> str:
    stacks = parse(path)
    total = sum(count for _, _, count in stacks) or 1
    threads: Counter[str] = Counter()
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    layers: Counter[str] = Counter()
    for thread, frames, count in stacks:
        threads[thread] += count
        if not frames:
            continue
        func, file = frames[-1]
        own[f"{func} ({file})"] += count
        for name in {f"{f} ({fi})" for f, fi in frames}:
            inclusive[name] += count
        for layer, markers in LAYERS.items():
            if any(any(m in fi for m in markers) for _, fi in frames):
                layers[layer] += count

    def pct(n: int) -> str:
        return f"{100 * n / total:5.1f} %"

    lines = [f"{path.name}: {total} samples"]
    lines += ["threads:"] + [f"  {pct(n)}  {t}" for t, n in threads.most_common()]
    lines += ["self time:"] + [f"  {pct(n)}  {f}" for f, n in own.most_common(top)]
    lines += ["inclusive:"] + [f"  {pct(n)}  {f}" for f, n in inclusive.most_common(top)]
    lines += ["layers (inclusive, overlapping):"]
    lines += [f"  {pct(n)}  {layer}" for layer, n in layers.most_common()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    for path in args.files:
        print(report(path, args.top))
        print()


if __name__ == "__main__":
    main()
