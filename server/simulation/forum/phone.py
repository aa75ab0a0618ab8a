"""A resident's phone as the simulator needs it: the protocol client, minus what it never reads.

A big forum's ``tallies`` frames are tens of kilobytes (every contribution's counts, per
territory and per role), four a second on every socket, and a resident's welcome is a snapshot
of the whole forum; the simulated residents read neither (what is published comes from the
console, what they answered from their acks). Decoding them into Python objects was most of the
simulator's CPU at a thousand residents, which then lagged behind its own clock. So a phone
reads only the kind of a ``tallies`` frame, and of a welcome only its few fields.
"""

from __future__ import annotations

from typing import Any

import msgspec

from ...client import ProtocolClient

__all__ = ["Phone"]


class _Kind(msgspec.Struct):
    k: str = ""


class _Welcome(msgspec.Struct, omit_defaults=True):
    k: str = ""
    you: str | None = None
    role: str | None = None
    seq: int = 0
    token: str | None = None
    code: str | None = None
    message: str | None = None
    state: msgspec.Raw = msgspec.Raw()  # left undecoded: only whether there is one matters


_kind = msgspec.msgpack.Decoder(_Kind).decode
_welcome = msgspec.msgpack.Decoder(_Welcome).decode


class Phone(ProtocolClient):
    """``ProtocolClient`` whose ``tallies`` frames are filed undecoded and whose welcome keeps
    its kind, who, role, seq, and ``state`` (true) when it is a snapshot."""

    def _decode(self, message: bytes | str) -> dict[str, Any]:
        if isinstance(message, bytes):
            kind = _kind(message).k
            if kind == "tallies":
                return {"k": "tallies-unread"}
            if kind == "welcome":
                welcome = _welcome(message)
                frame: dict[str, Any] = {"k": "welcome", "seq": welcome.seq}
                for name in ("you", "role", "token"):
                    if getattr(welcome, name) is not None:
                        frame[name] = getattr(welcome, name)
                if welcome.state:
                    frame["state"] = True
                return frame
        return super()._decode(message)
