"""Opinion landscape benchmark: what one ``GET /api/sessions/{id}/paysage`` costs the server.

The forum's size (issue 16: 2,000 residents; 80 published statements, 40 % of the cells
filled) and the opinions bench's session (1,000 × 300, 60 %), both from
``bench_opinions.synthetic_log`` (4 planted groups, 6 territories, a fixed seed). Timed: the
copy of the state the server takes on its event loop (``landscape_inputs``), the room's
landscape, one territory's, and the JSON encoding. ``server/landscape.py`` keeps an answer
fresh for twenty times what it took: the room's line times 20 is how old it may get under a
flood of ratings. Figures are printed; nothing is asserted.

    .venv/bin/python bench/bench_landscape.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as bench_opinions: see there why

import msgspec
from bench_opinions import synthetic_log  # bench/ is on the path when run as a script
from bench_replay import best_of

from session_engine.evolve import evolve
from session_engine.opinions import landscape, landscape_inputs
from session_engine.state import SessionState

SIZES = ((2_000, 80, 0.4), (1_000, 300, 0.6))  # participants, statements, share of cells filled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    for participants, statements, fill in SIZES:
        state = SessionState()
        for event in synthetic_log(participants, statements, fill=fill):
            evolve(state, event)
        print(
            f"{participants} participants × {statements} statements, "
            f"{len(state.positions)} positions"
        )
        measure(state, args.repeat)


def measure(state: SessionState, repeat: int) -> None:
    inputs = landscape_inputs(state)
    room = landscape(inputs)
    print(f"  groups {[(g.id, g.size) for g in room.groups]}")
    timings = (
        ("landscape_inputs (on the event loop)", lambda: landscape_inputs(state)),
        ("landscape, the room", lambda: landscape(inputs)),
        ("landscape, territory t1", lambda: landscape(inputs, territory="t1")),
        ("JSON of the room's", lambda: msgspec.json.encode(msgspec.to_builtins(room))),
    )
    for name, work in timings:
        print(f"  {name:<40} {best_of(repeat, work) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
