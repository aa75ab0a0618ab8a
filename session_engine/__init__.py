"""The pure domain of a Métrokawa session: commands in, events out, state as a fold of events.

No I/O, no clock, no unseeded randomness (DESIGN §2). The public surface:

* ``decide(state, command, ctx)`` → events or ``Rejected``; ``evolve(state, event)`` → state;
* ``replay(envelopes, until=…)``; ``Session`` (decide → seal → evolve, in memory);
* the codec of envelopes and the ``.mkawa`` log file; ``seating``; ``summarize``.
"""

from . import commands, events, seating
from .codec import Envelope, LogFormatError, decode_command, decode_envelope, encode_envelope
from .decide import PERMISSIONS, PHASES, Context, Role, decide
from .errors import MESSAGES, Rejected
from .evolve import evolve
from .logfile import LogHeader, iter_log, pseudonymise, read_log, write_log
from .replay import replay
from .session import Session, seal
from .state import SessionState
from .summary import summarize

__all__ = [
    "MESSAGES",
    "PERMISSIONS",
    "PHASES",
    "Context",
    "Envelope",
    "LogFormatError",
    "LogHeader",
    "Rejected",
    "Role",
    "Session",
    "SessionState",
    "commands",
    "decide",
    "decode_command",
    "decode_envelope",
    "encode_envelope",
    "events",
    "evolve",
    "iter_log",
    "pseudonymise",
    "read_log",
    "replay",
    "seal",
    "seating",
    "summarize",
    "write_log",
]
