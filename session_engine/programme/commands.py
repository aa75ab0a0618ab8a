"""What organisers ask of a programme, in the imperative."""

from __future__ import annotations

import msgspec

from ..commands import NewTerritory
from .model import SessionKind, VoeuStatus

__all__ = [
    "PROGRAMME_COMMAND_TYPES",
    "AddOrganiser",
    "AddProgrammeTerritory",
    "AddSession",
    "CloseProgrammeSession",
    "CompareProblems",
    "ComparedGroup",
    "CreateProgramme",
    "FollowUpVoeu",
    "ImportedStatement",
    "ProgrammeCommand",
    "PublishProgramme",
    "PublishProgrammeSession",
    "RecordImports",
    "RecordedVoeu",
]


class _Command(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    pass


class CreateProgramme(_Command, frozen=True):
    title: str
    territories: tuple[NewTerritory, ...]
    theme: str = ""


class AddProgrammeTerritory(_Command, frozen=True):
    name: str
    commune: str
    qpv: bool


class AddOrganiser(_Command, frozen=True):
    """Let a colleague (an organiser account) see and steer this programme."""

    organiser: str
    email: str


class AddSession(_Command, frozen=True):
    """A live session created for this programme (the server created it and gives its id)."""

    session: str  # the live session's id in the store
    kind: SessionKind
    title: str
    date: str  # YYYY-MM-DD, the day it is held
    territory: str | None = None  # a programme territory id (t2) for a local session


class ImportedStatement(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    key: str  # the provenance key, the same in every session that imports it
    statement: str  # its id in the session it was imported into


class RecordImports(_Command, frozen=True):
    """Which statements a session received from the programme, by provenance key."""

    session: str  # a programme session id (ps2)
    statements: tuple[ImportedStatement, ...]


class ComparedGroup(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Problems of the online phase that say the same thing, as the facilitator confirmed them:
    the forum's statement ids, the first one's wording standing for the group."""

    statements: tuple[str, ...]
    retained: bool = False  # to be debated at the metropolitan Métrokawa


class CompareProblems(_Command, frozen=True):
    """Step 3: the forum's problems grouped across territories (the similarity proposes, the
    facilitator confirms or splits) and those retained. The last comparison counts."""

    session: str  # the forum's programme session id (ps1)
    groups: tuple[ComparedGroup, ...]


class RecordedVoeu(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    voeu: str  # its id in the session
    text: str


class CloseProgrammeSession(_Command, frozen=True):
    """The evening is over: its vœux start their life at the council (« à déposer »)."""

    session: str
    voeux: tuple[RecordedVoeu, ...] = ()


class FollowUpVoeu(_Command, frozen=True):
    """A vœu's next step at its municipal council, with the council's answer when there is one."""

    session: str
    voeu: str
    status: VoeuStatus
    date: str  # YYYY-MM-DD: the sitting, or the day of the answer
    council: str = ""  # « conseil municipal de Clichy-sous-Bois »
    answer: str = ""  # the council's answer, in its words
    link: str = ""  # where the answer is published (https://…)


class PublishProgrammeSession(_Command, frozen=True):
    session: str
    archive: str  # the public archive's id


class PublishProgramme(_Command, frozen=True):
    archive: str


ProgrammeCommand = (
    CreateProgramme
    | AddProgrammeTerritory
    | AddOrganiser
    | AddSession
    | RecordImports
    | CompareProblems
    | CloseProgrammeSession
    | FollowUpVoeu
    | PublishProgrammeSession
    | PublishProgramme
)
PROGRAMME_COMMAND_TYPES: tuple[type[_Command], ...] = (
    CreateProgramme,
    AddProgrammeTerritory,
    AddOrganiser,
    AddSession,
    RecordImports,
    CompareProblems,
    CloseProgrammeSession,
    FollowUpVoeu,
    PublishProgrammeSession,
    PublishProgramme,
)
