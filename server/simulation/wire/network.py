"""The simulator's HTTP side: the server's address, the new session, a console link and the
public face of the session it names, the log download; and the French sentence for a failure of
the network or the server.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPException
from typing import Any, Final

import msgspec
import websockets

from ...client import GapError
from ..offline import demo_session_command
from .summary import WireSimulationError

_HTTP_TIMEOUT_S: Final = 15.0


def fetch_log(url: str, session: str, token: str) -> bytes:
    """The session's ``.mkawa`` log, as the facilitator exports it."""
    request = urllib.request.Request(
        f"{_base_url(url)}/api/sessions/{urllib.parse.quote(session)}/log",
        headers={"Authorization": f"Bearer {token}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT_S) as response:
            data: bytes = response.read()
            return data
    except (OSError, HTTPException) as error:
        raise WireSimulationError(
            f"Impossible de télécharger le journal de la session : {_reason(error)}."
        ) from None


# --- HTTP: the address and the new session ------------------------------------------------------


def _base_url(url: str) -> str:
    try:
        parts = urllib.parse.urlsplit(url.strip())
        _ = parts.port  # a port out of range raises ValueError
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise WireSimulationError(
            f"« {url} » n'est pas l'adresse d'un serveur : il faut par exemple "
            "--url http://127.0.0.1:8000."
        )
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/"), "", ""))


def _create_session(base: str, territories: int, rounds: int) -> dict[str, Any]:
    body = msgspec.json.encode(demo_session_command(territories, rounds))
    request = urllib.request.Request(
        f"{base}/api/sessions",
        data=body,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT_S) as response:
            created = json.loads(response.read())
    except urllib.error.HTTPError as error:
        raise WireSimulationError(_http_refusal(base, error)) from None
    except (OSError, HTTPException) as error:
        raise WireSimulationError(
            f"Impossible de joindre le serveur {base} : {_reason(error)}. "
            "Est-il lancé (metrokawa serve) ?"
        ) from None
    except ValueError:
        created = None
    keys = ("id", "code", "facilitator_token")
    if not isinstance(created, dict) or not all(isinstance(created.get(k), str) for k in keys):
        raise WireSimulationError(f"{base} ne répond pas comme un serveur Métrokawa.")
    return created


def _console_link(link: str) -> tuple[str, str, str]:
    """The server's address, the session and the token of a console link
    (``http(s)://HÔTE/f/SESSION#token=JETON``, the facilitator's or a co-facilitator's)."""
    parts = urllib.parse.urlsplit(link.strip())
    prefix, marker, session = parts.path.rpartition("/f/")
    if not marker or not session or "/" in session:
        raise WireSimulationError(
            f"« {link} » n'est pas un lien de console d'animation : il a la forme "
            "http://HÔTE:PORT/f/SESSION#token=JETON."
        )
    base = _base_url(urllib.parse.urlunsplit((parts.scheme, parts.netloc, prefix, "", "")))
    token = urllib.parse.parse_qs(parts.fragment).get("token", [""])[0]
    if not token:
        raise WireSimulationError(
            "Ce lien de console n'a pas de jeton : copiez-le en entier, avec sa fin "
            "« #token=… », depuis la console ou avec metrokawa sessions."
        )
    return base, urllib.parse.unquote(session), token


def _read_session(base: str, session: str) -> dict[str, Any]:
    """The session's public face (``GET /api/sessions/{id}``): code, territories, rounds."""
    request = urllib.request.Request(
        f"{base}/api/sessions/{urllib.parse.quote(session)}",
        headers={"Accept": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=_HTTP_TIMEOUT_S) as response:
            face = json.loads(response.read())
    except urllib.error.HTTPError as error:
        error.close()  # its socket: nothing of the body is needed
        if error.code == 404:
            raise WireSimulationError(
                f"Le serveur {base} ne connaît pas la session {session} : vérifiez le lien."
            ) from None
        raise WireSimulationError(
            f"{base} ne répond pas comme un serveur Métrokawa (HTTP {error.code})."
        ) from None
    except (OSError, HTTPException) as error:
        raise WireSimulationError(
            f"Impossible de joindre le serveur {base} : {_reason(error)}. "
            "Est-il lancé (metrokawa serve) ?"
        ) from None
    except ValueError:
        face = None
    if not (
        isinstance(face, dict)
        and isinstance(face.get("code"), str)
        and isinstance(face.get("territories"), list)
        and isinstance(face.get("rounds"), list)
    ):
        raise WireSimulationError(f"{base} ne répond pas comme un serveur Métrokawa.")
    return face


def _http_refusal(base: str, error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read())
        message = body["message"] if isinstance(body, dict) else None
    except (ValueError, KeyError, OSError):
        message = None
    if error.code == 404 or not isinstance(message, str):
        return f"{base} ne répond pas comme un serveur Métrokawa (HTTP {error.code})."
    return f"Le serveur {base} a refusé de créer la session (HTTP {error.code}) : {message}"


_REASONS: Final = (
    (ConnectionRefusedError, "connexion refusée"),
    (ConnectionResetError, "connexion coupée"),
    (TimeoutError, "pas de réponse à temps"),
)


def _reason(error: BaseException) -> str:
    cause = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(cause, BaseException):
        for kind, words in _REASONS:
            if isinstance(cause, kind):
                return words
    if isinstance(cause, OSError) and cause.strerror:
        return cause.strerror
    return str(cause) or type(cause).__name__


def _why(error: BaseException) -> str | None:
    """The French sentence for a failure of the network or the server; None for a bug of ours."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    if isinstance(error, WireSimulationError):
        return str(error)
    if isinstance(error, GapError):
        return f"Le serveur a envoyé des événements dans le désordre ({error})."
    if isinstance(error, OSError | websockets.WebSocketException):
        return f"La connexion au serveur a été perdue ({_reason(error)})."
    return None
