"""The envelope of DESIGN §4 and its msgpack codec; the one place events become bytes and back.

An ``Envelope`` is an event with its place in the log: ``seq``, ``at`` (server ms), ``actor``
and ``cmd`` (the command id it answers). On the wire and on disk it is one msgpack map
``{seq, type, v, at, actor, cmd, data}`` where ``data`` is the event's own fields.

Reading is where old logs stay readable forever: a record whose ``v`` is older than its type's
current ``V`` has its ``data`` passed through ``UPCASTERS`` one version at a time, then typed.
A record from the future (``v`` newer than this code) or of an unknown type is a ``LogFormatError``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

import msgspec

from .commands import COMMAND_TYPES, Command
from .events import EVENT_TYPES, Event

__all__ = [
    "UPCASTERS",
    "Envelope",
    "LogFormatError",
    "decode_command",
    "decode_envelope",
    "encode_envelope",
    "schema_versions",
]


class LogFormatError(ValueError):
    """A record that this version of Métrokawa cannot read."""


class Envelope(msgspec.Struct, frozen=True, kw_only=True):
    seq: int
    at: int
    actor: str
    cmd: str | None
    event: Event

    @property
    def type(self) -> str:
        return type(self.event).__name__


class _Record(msgspec.Struct, frozen=True):
    """The stored shape; ``data`` stays raw until its type is known."""

    seq: int
    type: str
    v: int
    at: int
    actor: str
    cmd: str | None
    data: msgspec.Raw


# (type name, version it reads) -> function giving the data of the next version.
# Empty while every type is at version 1; see replays/README.md for how to add one.
UPCASTERS: Final[dict[tuple[str, int], Callable[[dict[str, Any]], dict[str, Any]]]] = {}

_encoder: Final = msgspec.msgpack.Encoder()
_record_decoder: Final = msgspec.msgpack.Decoder(_Record)
_event_decoders: Final = {name: msgspec.msgpack.Decoder(cls) for name, cls in EVENT_TYPES.items()}


def schema_versions() -> dict[str, int]:
    """Every event type with the schema version this code writes."""
    return {name: cls.V for name, cls in EVENT_TYPES.items()}


def encode_envelope(envelope: Envelope) -> bytes:
    event = envelope.event
    return _encoder.encode(
        {
            "seq": envelope.seq,
            "type": type(event).__name__,
            "v": event.V,
            "at": envelope.at,
            "actor": envelope.actor,
            "cmd": envelope.cmd,
            "data": event,
        }
    )


def decode_envelope(data: bytes | memoryview) -> Envelope:
    try:
        record = _record_decoder.decode(data)
        event = _decode_event(record)
    except msgspec.DecodeError as error:
        raise LogFormatError(f"unreadable record: {error}") from error
    return Envelope(seq=record.seq, at=record.at, actor=record.actor, cmd=record.cmd, event=event)


def _decode_event(record: _Record) -> Event:
    cls = EVENT_TYPES.get(record.type)
    if cls is None:
        raise LogFormatError(f"unknown event type {record.type!r}")
    if record.v == cls.V:
        event: Event = _event_decoders[record.type].decode(record.data)
        return event
    if record.v > cls.V:
        raise LogFormatError(f"{record.type} v{record.v} is newer than this code (v{cls.V})")
    return msgspec.convert(_upcast(record.type, record.v, cls.V, record.data), cls)


def _upcast(name: str, version: int, target: int, raw: msgspec.Raw) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.msgpack.decode(raw)
    for v in range(version, target):
        step = UPCASTERS.get((name, v))
        if step is None:
            raise LogFormatError(f"no upcaster for {name} v{v}")
        data = step(data)
    return data


def decode_command(name: str, data: Any) -> Command:
    """A command from a client's ``cmd`` frame; ``ValueError`` if it is not a well-formed one."""
    cls = COMMAND_TYPES.get(name)
    if cls is None:
        raise ValueError(f"unknown command type {name!r}")
    try:
        return msgspec.convert(data, cls)
    except msgspec.ValidationError as error:
        raise ValueError(str(error)) from error
