"""The ``.mkawa`` replay file: a self-describing msgpack stream (see replays/README.md).

The file is a header map followed by one envelope map per event, in ``seq`` order, nothing else.
It holds no secret: tokens never reach the engine, and pseudonyms are replaced on export for
participants who did not consent or who left, nobody's personal key across the programme goes
out, whatever an erasure covers is blanked (``pseudonymise``, ``departures``), and every
command id is dropped
(``without_command_ids``: a replay needs none, and a guest's join id would get its holder a fresh
token for that participant). Reading and writing here is bytes in, bytes out; opening files is
the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Final

import msgpack
import msgspec

from .codec import Envelope, LogFormatError, decode_envelope, encode_envelope, schema_versions
from .departures import Departures
from .events import ParticipantJoined
from .model import anonymous_pseudonym

__all__ = [
    "FORMAT",
    "FORMAT_VERSION",
    "LogHeader",
    "iter_log",
    "pseudonymise",
    "read_log",
    "without_command_ids",
    "write_log",
]

FORMAT: Final = "metrokawa-log"
FORMAT_VERSION: Final = 1


class LogHeader(msgspec.Struct, frozen=True, kw_only=True):
    format: str = FORMAT
    format_version: int = FORMAT_VERSION
    session: str
    title: str
    created_at: int  # ms since the epoch
    schemas: dict[str, int] = msgspec.field(default_factory=schema_versions)


def write_log(header: LogHeader, envelopes: Iterable[Envelope]) -> bytes:
    parts = [msgspec.msgpack.encode(header)]
    parts.extend(encode_envelope(envelope) for envelope in envelopes)
    return b"".join(parts)


def read_log(data: bytes) -> tuple[LogHeader, list[Envelope]]:
    header, envelopes = iter_log(data)
    return header, list(envelopes)


def iter_log(
    data: bytes, progress: Callable[[int, int], None] | None = None
) -> tuple[LogHeader, Iterator[Envelope]]:
    """The header at once, then the envelopes as they are decoded (for progress on big logs).

    ``progress(bytes_read, total)`` is called every ``PROGRESS_EVERY`` records and at the end."""
    records = _records(data, progress)
    first = next(records, None)
    if first is None:
        raise LogFormatError("empty file: not a Métrokawa log")
    try:
        fields = msgspec.msgpack.decode(first)
        # The writer's defaults must not stand in for a missing name: the file says what it is.
        if not isinstance(fields, dict) or "format" not in fields or "format_version" not in fields:
            raise LogFormatError("not a Métrokawa log header: it does not name its format")
        header = msgspec.convert(fields, LogHeader)
    except (msgspec.DecodeError, msgspec.ValidationError) as error:
        raise LogFormatError(f"not a Métrokawa log header: {error}") from error
    if header.format != FORMAT or header.format_version > FORMAT_VERSION:
        raise LogFormatError(f"unsupported format {header.format} v{header.format_version}")
    return header, (decode_envelope(record) for record in records)


PROGRESS_EVERY = 4096


def _records(
    data: bytes, progress: Callable[[int, int], None] | None = None
) -> Iterator[memoryview]:
    """Each top-level msgpack object's bytes. msgpack finds the boundaries, msgspec decodes."""
    unpacker = msgpack.Unpacker(max_buffer_size=max(len(data), 1))
    unpacker.feed(data)
    view = memoryview(data)
    start = count = 0
    while start < len(data):
        try:
            unpacker.skip()
        except (msgpack.OutOfData, ValueError) as error:
            raise LogFormatError(f"truncated or corrupt record at byte {start}") from error
        end = unpacker.tell()
        yield view[start:end]
        start = end
        count += 1
        if progress is not None and (count % PROGRESS_EVERY == 0 or start == len(data)):
            progress(start, len(data))


def pseudonymise(envelopes: Iterable[Envelope]) -> Iterator[Envelope]:
    """Replace the pseudonym of everyone who did not consent by a neutral ``Participant N``,
    and show people who left as ``departures`` says (their neutral name, nothing of what an
    erasure covers). Nobody's personal key across the programme (``ParticipantJoined.person``)
    goes out: it links a person's sessions, and only the server's own log keeps it. The whole
    log is read first: a departure changes earlier events."""
    envelopes = list(envelopes)
    departures = Departures.of(envelopes)
    for envelope in envelopes:
        envelope = departures.shown(envelope) or envelope
        event = envelope.event
        if isinstance(event, ParticipantJoined) and (not event.consent or event.person):
            pseudonym = event.pseudonym if event.consent else anonymous_pseudonym(event.participant)
            event = msgspec.structs.replace(event, pseudonym=pseudonym, person=None)
            envelope = msgspec.structs.replace(envelope, event=event)
        yield envelope


def without_command_ids(envelopes: Iterable[Envelope]) -> Iterator[Envelope]:
    """Every envelope with ``cmd = None``: what an export keeps of who sent what.

    A command id is the key of an idempotent retry. A guest's ``JoinSession`` id, sent again by
    anyone holding the join code, is answered with a fresh token for the participant it created,
    so it is as secret as a token and never leaves the server in a file. A replay needs none."""
    for envelope in envelopes:
        yield envelope if envelope.cmd is None else msgspec.structs.replace(envelope, cmd=None)
