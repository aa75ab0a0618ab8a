"""The over-the-wire simulator: a whole Métrokawa played against a live server by real clients.

``run_wire(options)`` creates a session over HTTP (``POST /api/sessions``, the programme's usual
agenda), then drives the facilitator and every participant as real WebSocket clients of the
protocol (``server.client.ProtocolClient``), all in one asyncio loop: people arrive by the join
code, the facilitator seats them, runs each round of the agenda (moderating what people write,
pausing once, extending once), the hosts send their table's synthesis, the tables rotate, and the
last round is the majority-judgment vote; then the session is closed and stays on the server to be
looked at. It is the demo (``metrokawa simulate --url …``) and the load generator. Given a
console link instead (``--console``, ``existing``), it plays that session: its territories, the
rounds of its agenda not started yet, to its close. With ``voeux``, the best proposals the vote
adopted become vœux by consent before the round ends.

Time. The agenda's rounds last 20-25 minutes, so the session's clock runs ``speed`` times faster
than the wall clock (150: a 25-minute round plays in 10 s) and the facilitator ends each round
itself once everyone is done, as a facilitator may. With ``real_time`` the session runs on the
wall clock and the server's own timer ends each round at its deadline.

Who knows what. The people, what they write and what they think come from ``population``,
the room of the offline simulator. The facilitator's console folds its full event stream through
the engine's ``evolve``, as the real console does, and the simulator reads the room from it: the
tables and their hosts, what waits for moderation, who supports what. Participants' sockets get
everything a tablet gets; the simulator reads their answers and lets their events go.

Every command is counted (sent, acknowledged, refused by code, unanswered) and timed from its
sending to its answer. A refusal is reported, never fatal: a real room has some. A lost socket is
resumed from its last ``seq`` and the command sent again with the same id (applied once).
Everything is bounded: the whole run stops at ``timeout_s`` whatever happens.
"""

from .network import fetch_log
from .run import run_wire, simulate_wire
from .summary import DEFAULT_SPEED, DEFAULT_TIMEOUT_S, WireOptions, WireSimulationError, WireSummary

__all__ = [
    "DEFAULT_SPEED",
    "DEFAULT_TIMEOUT_S",
    "WireOptions",
    "WireSimulationError",
    "WireSummary",
    "fetch_log",
    "run_wire",
    "simulate_wire",
]
