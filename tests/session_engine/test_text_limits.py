"""Every text field of every command has a limit, and an oversized value gets ``text_too_long``.

The limits are written out below, field by field (not read from ``decide_base``). The test
finds the text fields of the commands by itself (from their types): a new text field that is
not in the table fails it, so no field can slip past the limits again (``commune`` had none:
twelve territories of 5 MB each made every welcome 60 MB).
"""

from __future__ import annotations

from typing import Any, Final

import msgspec
import pytest

from session_engine.codec import decode_command
from session_engine.commands import COMMAND_TYPES, Command

from .harness import FACILITATOR, GUEST, Sender, a_running_round, given, participant

# (command, field path) → the longest text accepted, in characters. A dotted path goes into
# each item of a tuple; a tuple of texts is checked item by item; a mapping by its keys.
LIMITS: Final[dict[tuple[str, str], int]] = {
    ("CreateSession", "title"): 200,
    ("CreateSession", "territories.name"): 80,
    ("CreateSession", "territories.commune"): 120,
    ("CreateSession", "agenda.prompt"): 500,
    ("CreateSession", "themes"): 60,  # a forum's themes, each
    ("JoinSession", "pseudonym"): 40,
    ("JoinSession", "territory"): 32,
    ("JoinSession", "person"): 64,  # and 22 at least, of [A-Za-z0-9_-]: else bad_request
    ("ProposeStatement", "text"): 280,
    ("ProposeStatement", "place.address"): 200,  # a forum contribution's address
    ("ProposeStatement", "theme"): 60,
    ("PublishStatement", "statement"): 32,
    ("HideStatement", "statement"): 32,
    ("MergeStatements", "statement"): 32,
    ("MergeStatements", "into"): 32,
    ("Annotate", "text"): 1000,
    ("Annotate", "statement"): 32,
    ("Annotate", "tags"): 40,
    ("Annotate", "place"): 120,
    ("TakePosition", "statement"): 32,
    ("SubmitSynthesis", "text"): 4000,
    ("PromoteProposal", "statement"): 32,
    ("PromoteProposal", "text"): 400,
    ("OpenVote", "proposals"): 32,
    ("CastBallot", "vote"): 32,
    ("CastBallot", "grades"): 32,
    ("CloseVote", "vote"): 32,
    ("ShowResults", "statement"): 32,
    ("ShowResults", "vote"): 32,
    ("OpenConsent", "proposal"): 32,
    ("RaiseObjection", "consent"): 32,
    ("RaiseObjection", "text"): 1000,
    ("ResolveObjection", "objection"): 32,
    ("ResolveObjection", "wording"): 400,
    ("AdoptVoeu", "consent"): 32,
    ("AdoptVoeu", "outcome"): 4000,
    ("AbandonConsent", "consent"): 32,
    ("AddCoFacilitator", "label"): 40,
    ("RevokeCoFacilitator", "cofacilitator"): 32,
    ("HandOverHost", "to"): 32,
    ("MoveParticipant", "participant"): 32,
    ("RemoveParticipant", "participant"): 32,
    ("MergeParticipants", "participant"): 32,
    ("MergeParticipants", "into"): 32,
    ("AddRound", "prompt"): 500,
    ("EditRound", "prompt"): 500,
    ("AddTerritory", "name"): 80,
    ("AddTerritory", "commune"): 120,
    ("RenameTerritory", "territory"): 32,
    ("RenameTerritory", "name"): 80,
    ("RenameTerritory", "commune"): 120,
    ("AddParticipant", "pseudonym"): 40,
    ("AddParticipant", "territory"): 32,
    ("RevokeTableTablet", "tablet"): 32,
    ("RecordPosition", "participant"): 32,
    ("RecordPosition", "statement"): 32,
    ("RecordBallot", "participant"): 32,
    ("RecordBallot", "vote"): 32,
    ("RecordBallot", "grades"): 32,
    ("EnterPaperBallots", "vote"): 32,
    ("EnterPaperBallots", "ballots"): 32,
    ("EnterPaperBallots", "note"): 200,
    ("ImportStatement", "text"): 280,
    ("ImportStatement", "provenance.key"): 40,
    ("ImportStatement", "provenance.source"): 200,
    ("ImportStatement", "provenance.territories"): 80,
    ("ImportStatement", "provenance.statement"): 32,
}

TERRITORY: Final = {"name": "Pleyel", "commune": "Saint-Denis", "qpv": False}
ROUND: Final = {"kind": "table", "prompt": "Ce qui manque ici", "duration_ms": 900_000}

# A well-formed command of each type that has a text field, and who may send it.
COMMANDS: Final[dict[str, tuple[dict[str, Any], Sender]]] = {
    "CreateSession": (
        {"title": "Métrokawa", "territories": [TERRITORY], "agenda": [ROUND], "themes": ["Voirie"]},
        FACILITATOR,
    ),
    "JoinSession": ({"pseudonym": "Awa", "territory": "t1", "role": "habitant"}, GUEST),
    "ProposeStatement": (
        {"text": "Les bancs manquent.", "place": {"address": "la place"}, "theme": "Voirie"},
        participant("p1"),
    ),
    "PublishStatement": ({"statement": "s1"}, FACILITATOR),
    "HideStatement": ({"statement": "s1"}, FACILITATOR),
    "MergeStatements": ({"statement": "s1", "into": "s2"}, FACILITATOR),
    "Annotate": (
        {"text": "Oui.", "statement": "s1", "tags": ["bancs"], "place": "la place"},
        participant("p1"),
    ),
    "TakePosition": ({"statement": "s1", "value": 1}, participant("p1")),
    "SubmitSynthesis": ({"text": "Nous voulons des bancs."}, participant("p1")),
    "PromoteProposal": ({"statement": "s1", "text": "Des bancs."}, FACILITATOR),
    "OpenVote": ({"proposals": ["pr1"]}, FACILITATOR),
    "CastBallot": ({"vote": "v1", "grades": {"pr1": 4}}, participant("p1")),
    "CloseVote": ({"vote": "v1"}, FACILITATOR),
    "ShowResults": ({"statement": "s1"}, FACILITATOR),
    "OpenConsent": ({"proposal": "pr1"}, FACILITATOR),
    "RaiseObjection": ({"consent": "c1", "text": "Pas ici."}, participant("p1")),
    "ResolveObjection": (
        {"objection": "o1", "resolution": "amended", "wording": "Des bancs."},
        FACILITATOR,
    ),
    "AdoptVoeu": ({"consent": "c1", "outcome": "Adopté."}, FACILITATOR),
    "AbandonConsent": ({"consent": "c1"}, FACILITATOR),
    "AddCoFacilitator": ({"label": "Amina, accueil"}, FACILITATOR),
    "RevokeCoFacilitator": ({"cofacilitator": "cf1"}, FACILITATOR),
    "HandOverHost": ({"to": "p2"}, FACILITATOR),
    "MoveParticipant": ({"participant": "p2", "table": 2}, FACILITATOR),
    "RemoveParticipant": ({"participant": "p2"}, FACILITATOR),
    "MergeParticipants": ({"participant": "p4", "into": "p2"}, FACILITATOR),
    "AddRound": (ROUND, FACILITATOR),
    "EditRound": ({"round": 2, "prompt": "Quelles solutions ?"}, FACILITATOR),
    "AddTerritory": (TERRITORY, FACILITATOR),
    "RenameTerritory": (
        {"territory": "t2", "name": "Pleyel-Nord", "commune": "Saint-Denis"},
        FACILITATOR,
    ),
    "AddParticipant": (
        {"pseudonym": "Odette", "territory": "t1", "role": "habitant", "table": 1},
        FACILITATOR,
    ),
    "RevokeTableTablet": ({"tablet": "tb1"}, FACILITATOR),
    "RecordPosition": ({"participant": "p2", "statement": "s1", "value": 1}, participant("p1")),
    "RecordBallot": (
        {"participant": "p2", "vote": "v1", "grades": {"pr1": 4}},
        participant("p1"),
    ),
    "EnterPaperBallots": (
        {"vote": "v1", "ballots": [{"pr1": 4}], "note": "Urne papier"},
        FACILITATOR,
    ),
    "ImportStatement": (
        {
            "text": "Les bus de nuit manquent.",
            "provenance": {
                "key": "e3",
                "source": "Forum numérique",
                "territories": ["Clichy-sous-Bois"],
                "statement": "s7",
            },
        },
        FACILITATOR,
    ),
}


def text_paths(info: Any, prefix: str = "") -> list[str]:
    """The paths of the free-text fields in a command's type (``str``, also optional, in a
    tuple, as a mapping's key; not enumerations nor literals), nested structs included."""
    paths: list[str] = []
    for field in info.fields:
        path = f"{prefix}{field.name}"
        kinds = (
            field.type.types if isinstance(field.type, msgspec.inspect.UnionType) else [field.type]
        )
        for kind in kinds:
            if isinstance(kind, msgspec.inspect.VarTupleType):
                kind = kind.item_type
            if isinstance(kind, msgspec.inspect.DictType):
                kind = kind.key_type
            if isinstance(kind, msgspec.inspect.StrType):
                paths.append(path)
            elif isinstance(kind, msgspec.inspect.StructType):
                paths.extend(text_paths(kind, f"{path}."))
    return paths


def test_the_table_names_every_text_field_of_every_command() -> None:
    found = {
        (name, path)
        for name, cls in COMMAND_TYPES.items()
        for path in text_paths(msgspec.inspect.type_info(cls))
    }
    assert found == set(LIMITS)


def with_text(data: dict[str, Any], path: str, text: str) -> dict[str, Any]:
    """``data`` with the text at ``path`` replaced by ``text`` (in a nested struct, in each tuple
    item, as the key)."""
    head, _, rest = path.partition(".")
    value = data.get(head)
    changed = dict(data)
    if rest and isinstance(value, dict):  # into a nested struct (an import's provenance)
        changed[head] = with_text(value, rest, text)
    elif rest:
        changed[head] = [with_text(item, rest, text) for item in value or [{}]]
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        changed[head] = [{text: next(iter(value[0].values()))}]  # a tuple of mappings: a key
    elif isinstance(value, list):
        changed[head] = [text]
    elif isinstance(value, dict):
        changed[head] = {text: next(iter(value.values()))}
    else:
        changed[head] = text
    return changed


def decided(name: str, path: str, text: str) -> str | None:
    """The rejection code for that command with ``text`` at ``path``; None when accepted."""
    data, sender = COMMANDS[name]
    command: Command = decode_command(name, with_text(data, path, text))
    scenario = given() if name == "CreateSession" else given(a_running_round())
    result = scenario.when(command, as_=sender).result
    return getattr(result, "code", None)


@pytest.mark.parametrize(("name", "path"), list(LIMITS), ids=[f"{n}.{p}" for n, p in LIMITS])
def test_one_character_over_the_limit_is_text_too_long(name: str, path: str) -> None:
    limit = LIMITS[(name, path)]
    assert decided(name, path, "é" * (limit + 1)) == "text_too_long"
    assert decided(name, path, "é" * limit) != "text_too_long"
    assert decided(name, path, f"  {'é' * limit}  ") != "text_too_long"  # blanks are trimmed
