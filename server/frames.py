"""The wire codec of DESIGN §5: client frames in, server frames out, msgpack or JSON.

One map per WebSocket message, its kind in ``k``. ``metrokawa.v1.msgpack`` uses binary messages,
``metrokawa.v1.json`` text messages with the same maps (for debugging and tools).

Events are encoded once per audience (``EncodedEvent``) and every frame that carries them is
assembled from those bytes without decoding them again: a one-event ``event`` frame is the
envelope map with ``k`` spliced in front, an ``events`` frame is an array of envelope maps.
"""

from __future__ import annotations

import struct
from typing import Any, Final

import msgspec

from session_engine import MESSAGES

__all__ = [
    "JSON",
    "MSGPACK",
    "SERVER_MESSAGES",
    "SUBPROTOCOLS",
    "ClientFrame",
    "Cmd",
    "Hello",
    "Ping",
    "WireCodec",
    "codec_for",
    "message_for",
    "websocket_frame",
]

MSGPACK: Final = "metrokawa.v1.msgpack"
JSON: Final = "metrokawa.v1.json"
SUBPROTOCOLS: Final = (MSGPACK, JSON)


class Hello(msgspec.Struct, tag_field="k", tag="hello", forbid_unknown_fields=True):
    token: str | None = None
    code: str | None = None
    after: int | None = None
    view: str | None = None  # "projector": read-only, by join code


class Cmd(msgspec.Struct, tag_field="k", tag="cmd", forbid_unknown_fields=True):
    id: str
    type: str
    data: dict[str, Any] = msgspec.field(default_factory=dict)


class Ping(msgspec.Struct, tag_field="k", tag="ping", forbid_unknown_fields=True):
    t: float


ClientFrame = Hello | Cmd | Ping


class WireCodec:
    """Encodes server frames and decodes client frames for one subprotocol."""

    def __init__(self, binary: bool) -> None:
        self.binary = binary
        if binary:
            self._encode = msgspec.msgpack.Encoder().encode
            self._decoder: Any = msgspec.msgpack.Decoder(ClientFrame)
        else:
            self._encode = msgspec.json.Encoder().encode
            self._decoder = msgspec.json.Decoder(ClientFrame)

    def encode(self, frame: dict[str, Any]) -> bytes:
        return self._encode(frame)

    def decode(self, message: bytes | str) -> ClientFrame:
        """A client frame; ``msgspec.DecodeError`` (incl. validation) if it is not one.

        A text message on the msgpack subprotocol, or a binary one on the JSON subprotocol, is
        not one either; nor is a frame nested too deep for the decoder (``RecursionError``, from
        about a thousand levels: well under the 16 KiB a frame may weigh)."""
        if isinstance(message, str) == self.binary:
            raise msgspec.DecodeError("a text frame on msgpack, or a binary frame on JSON")
        try:
            frame: ClientFrame = self._decoder.decode(message)
        except RecursionError:
            raise msgspec.DecodeError("nested too deep") from None
        return frame

    def event_frame(self, envelope: bytes) -> bytes:
        """``{k: "event", …envelope}`` from one encoded envelope map."""
        if not self.binary:
            return b'{"k":"event",' + envelope[1:]
        return _with_kind(envelope)

    def events_frame(self, envelopes: list[bytes]) -> bytes:
        """``{k: "events", list: [envelope, …]}`` from encoded envelope maps."""
        if not self.binary:
            return b'{"k":"events","list":[' + b",".join(envelopes) + b"]}"
        return _EVENTS_HEAD + _array_header(len(envelopes)) + b"".join(envelopes)


_KIND_EVENT: Final = msgspec.msgpack.encode("k") + msgspec.msgpack.encode("event")
_EVENTS_HEAD: Final = (
    b"\x82"
    + msgspec.msgpack.encode("k")
    + msgspec.msgpack.encode("events")
    + msgspec.msgpack.encode("list")
)


def _with_kind(envelope: bytes) -> bytes:
    # An envelope is a fixmap of 7 entries (0x87); the frame is the same map with 8 (0x88).
    if envelope[0] != 0x87:
        raise ValueError("an encoded envelope must be a 7-entry msgpack map")
    return b"\x88" + _KIND_EVENT + envelope[1:]


def _array_header(length: int) -> bytes:
    if length < 16:
        return bytes([0x90 | length])
    if length < 1 << 16:
        return b"\xdc" + struct.pack(">H", length)
    return b"\xdd" + struct.pack(">I", length)


def websocket_frame(message: bytes, *, binary: bool) -> bytes:
    """A whole server-to-client WebSocket frame (RFC 6455 §5.2: FIN, no mask, no extension).

    Server frames are never masked, so one such frame can be written as is to every socket
    that is ready for it: built once per batch, not once per connection.
    """
    first = 0x82 if binary else 0x81
    size = len(message)
    if size < 126:
        return bytes((first, size)) + message
    if size < 1 << 16:
        return bytes((first, 126)) + size.to_bytes(2, "big") + message
    return bytes((first, 127)) + size.to_bytes(8, "big") + message


# Error codes of the server itself (transport and HTTP); the engine's own codes and sentences are
# in session_engine.MESSAGES. One catalogue for both the WebSocket and the HTTP errors.
SERVER_MESSAGES: Final = {
    "too_large": "Le message est trop gros.",
    "too_fast": "Trop de messages à la fois. Patientez un instant.",
    "bad_frame": "Message illisible.",
    "weak_id": "Identifiant de commande trop court pour rejoindre (16 caractères au moins).",
    "hello_first": "Il faut d’abord dire bonjour (hello).",
    "bad_token": "Ce lien de connexion n’est plus valable.",
    "revoked": "Ce lien de co-animation a été retiré par l’animation.",
    "bad_code": "Ce code de session n’est pas le bon.",
    "unavailable": "Le serveur n’a pas pu enregistrer. Réessayez.",
    "internal": "Le serveur n’a pas pu traiter cette demande à cause d’une erreur de sa part.",
    "too_many_connections": (
        "Trop de connexions depuis votre réseau. Fermez un onglet ou réessayez dans un instant."
    ),
    "not_found": "Cette session n’existe pas.",
    "unauthorized": "Il faut le jeton de l’animation pour cela.",
}


def message_for(code: str) -> str:
    """The French sentence for an error code, the engine's or the server's."""
    known = MESSAGES.get(code)
    return known[0] if known else SERVER_MESSAGES.get(code, code)


_CODECS: Final = {MSGPACK: WireCodec(binary=True), JSON: WireCodec(binary=False)}


def codec_for(subprotocol: str) -> WireCodec:
    return _CODECS[subprotocol]
