"""The online phase played against a live server: ``metrokawa simulate --url URL --forum``.

``run_forum(options)`` creates a forum over HTTP (``POST /api/sessions`` with ``forum: true``,
the programme's territories and the bank's themes, no agenda), then drives the facilitator and
every resident as real WebSocket clients of the protocol (``server.client.ProtocolClient``, through
the wire simulator's counted and resumed ``_Link``), all in one asyncio loop, over ``days`` days
of the forum's clock (``speed`` times the wall clock: a day in 10 s by default).

Residents are the population's people (``simulation.population``): most hear of the forum on
its first day, the active ones come back on later days. Each visit opens a socket as a phone
would (the join code on the first visit, the token after, a snapshot as its welcome), writes a
problem or an idea of their territory now and then — two times in three placed by an address typed,
a point around the territory's centre, or both (``contributions``) and filed under its theme —
rates contributions they have not rated yet (−2..+2 as the population's position model says, or
passes), sometimes comments, and hangs up. The facilitator's console stays open, folds the
event stream through ``evolve``, moderates every hour of the forum's clock (publish, merge what
says the same as a published contribution, hide what is off topic) and closes the forum after
the last day. Counted and timed as the live simulation is (``wire``): every command, its answer,
the reconnections.

With ``clock_file`` (tests only) the simulator writes the forum's time, as epoch milliseconds,
to the file a server started with ``METROKAWA_CLOCK_FILE`` reads its clock from: the log's times
then span the forum's days.
"""

from .run import FORUM_TITLE, forum_command, run_forum, simulate_forum
from .summary import (
    DEFAULT_DAYS,
    DEFAULT_FORUM_SPEED,
    MAX_DAYS,
    MAX_FORUM_PARTICIPANTS,
    ForumOptions,
    ForumSummary,
)

__all__ = [
    "DEFAULT_DAYS",
    "DEFAULT_FORUM_SPEED",
    "FORUM_TITLE",
    "MAX_DAYS",
    "MAX_FORUM_PARTICIPANTS",
    "ForumOptions",
    "ForumSummary",
    "forum_command",
    "run_forum",
    "simulate_forum",
]
