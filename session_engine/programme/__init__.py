"""A programme across sessions, as the engine models a session: commands, events, a log, replay.

The programme of ``../shared/seed/`` holds territories, organisers, sessions (online phase,
metropolitan, local), which statements each session imported (by provenance key) and the life of
every vœu at its municipal council; ``shift`` measures how the positions of the people who asked
to be recognised moved from one session to another. Pure: plain data in, plain data out.
"""

from .commands import (
    AddOrganiser,
    AddProgrammeTerritory,
    AddSession,
    CloseProgrammeSession,
    ComparedGroup,
    CompareProblems,
    CreateProgramme,
    FollowUpVoeu,
    ImportedStatement,
    ProgrammeCommand,
    PublishProgramme,
    PublishProgrammeSession,
    RecordedVoeu,
    RecordImports,
)
from .decide import ProgrammeContext, decide
from .events import ProgrammeEvent
from .evolve import evolve
from .log import (
    ProgrammeEnvelope,
    decode_programme_envelope,
    encode_programme_envelope,
    replay_programme,
    seal_programme,
)
from .model import FOLLOW_UP, SessionKind, VoeuStatus
from .shift import LinkedShift, programme_shift
from .state import FollowUp, ProgrammeSession, ProgrammeState, Voeu

__all__ = [
    "FOLLOW_UP",
    "AddOrganiser",
    "AddProgrammeTerritory",
    "AddSession",
    "CloseProgrammeSession",
    "CompareProblems",
    "ComparedGroup",
    "CreateProgramme",
    "FollowUp",
    "FollowUpVoeu",
    "ImportedStatement",
    "LinkedShift",
    "ProgrammeCommand",
    "ProgrammeContext",
    "ProgrammeEnvelope",
    "ProgrammeEvent",
    "ProgrammeSession",
    "ProgrammeState",
    "PublishProgramme",
    "PublishProgrammeSession",
    "RecordImports",
    "RecordedVoeu",
    "SessionKind",
    "Voeu",
    "VoeuStatus",
    "decide",
    "decode_programme_envelope",
    "encode_programme_envelope",
    "evolve",
    "programme_shift",
    "replay_programme",
    "seal_programme",
]
