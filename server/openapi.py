"""The OpenAPI description of the HTTP endpoints (the WebSocket protocol is docs/protocol.md)."""

from __future__ import annotations

from typing import Any, Final

__all__ = ["OPENAPI"]

_ERROR: Final = {
    "description": "Error",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "example": "bad_request"},
                    "message": {"type": "string", "example": "La demande est incomplète."},
                    "detail": {"type": "string"},
                },
            }
        }
    },
}

_SESSION_ID: Final = {
    "name": "session_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
}

_CREATE_BODY: Final = {
    "type": "object",
    "required": ["title", "territories", "agenda"],
    "additionalProperties": False,
    "properties": {
        "title": {"type": "string", "maxLength": 200},
        "territories": {
            "type": "array",
            "minItems": 1,
            "maxItems": 12,
            "items": {
                "type": "object",
                "required": ["name", "commune", "qpv"],
                "properties": {
                    "name": {"type": "string"},
                    "commune": {"type": "string"},
                    "qpv": {"type": "boolean"},
                },
            },
        },
        "agenda": {
            "type": "array",
            "minItems": 1,
            "maxItems": 20,
            "items": {
                "type": "object",
                "required": ["kind", "prompt", "duration_ms"],
                "properties": {
                    "kind": {"enum": ["table", "plenary", "vote"]},
                    "prompt": {"type": "string", "maxLength": 500},
                    "duration_ms": {"type": "integer", "minimum": 60000, "maximum": 14400000},
                },
            },
        },
        "table_size": {"type": "integer", "minimum": 2, "maximum": 12, "default": 6},
        "host_policy": {"enum": ["stay", "rotate"], "default": "rotate"},
    },
}

_SHARE: Final = {"type": "number", "minimum": 0, "maximum": 1}

_LANDSCAPE: Final = {
    "type": "object",
    "required": ["seq", "territory", "k", "participants", "groups", "consensus", "statements"],
    "properties": {
        "seq": {"type": "integer", "description": "the log replayed to it gives this landscape"},
        "territory": {"type": ["string", "null"]},
        "k": {"type": "integer"},
        "participants": {"type": "integer", "description": "who took a position counted here"},
        "groups": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "example": "A"},
                    "size": {"type": ["integer", "null"], "description": "null under k"},
                    "representative": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "statement": {"type": "string"},
                                "stance": {"enum": ["agree", "disagree"]},
                                "share": _SHARE,
                                "rest_share": _SHARE,
                                "agree": _SHARE,
                                "disagree": _SHARE,
                                "voters": {"type": "integer"},
                            },
                        },
                    },
                },
            },
        },
        "consensus": {
            "type": "object",
            "properties": {
                side: {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "statement": {"type": "string"},
                            "share": _SHARE,
                            "voters": {"type": "integer"},
                        },
                    },
                }
                for side in ("agree", "disagree")
            },
        },
        "statements": {"type": "object", "additionalProperties": {"type": "string"}},
    },
}

OPENAPI: Final[dict[str, Any]] = {
    "openapi": "3.1.0",
    "info": {"title": "Métrokawa", "version": "0.1.0"},
    "paths": {
        "/api/sessions": {
            "post": {
                "summary": "Create a session; the facilitator token is shown only here",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": _CREATE_BODY}},
                },
                "responses": {
                    "201": {
                        "description": "Created",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {
                                        "id": {"type": "string"},
                                        "code": {"type": "string", "pattern": "^[A-Z0-9]{6}$"},
                                        "facilitator_token": {"type": "string"},
                                        "links": {"type": "object"},
                                    },
                                }
                            }
                        },
                    },
                    "400": _ERROR,
                    "413": {**_ERROR, "description": "A body over 256 KiB (not read)"},
                    "429": {
                        **_ERROR,
                        "description": "Too many sessions from this address (20, then 1 a "
                        "minute), with Retry-After",
                    },
                },
            }
        },
        "/api/sessions/{session_id}": {
            "get": {
                "summary": "Public information about a session",
                "parameters": [_SESSION_ID],
                "responses": {"200": {"description": "The session"}, "404": _ERROR},
            }
        },
        "/api/codes/{code}": {
            "get": {
                "summary": "The same public information, found by the 6-character join code",
                "description": (
                    "Wrong codes are limited per client address (30, then one every 2 s): "
                    "past that, every look-up is 429 too_fast, with Retry-After, except for a "
                    "code already answered to that address."
                ),
                "parameters": [
                    {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {"description": "The session"},
                    "404": _ERROR,
                    "429": {**_ERROR, "description": "Too many wrong join codes"},
                },
            }
        },
        "/api/sessions/{session_id}/log": {
            "get": {
                "summary": "The .mkawa replay file (facilitator or co-facilitator, Bearer)",
                "description": "No token and no command id inside (every cmd is null).",
                "parameters": [_SESSION_ID],
                "security": [{"facilitator": []}],
                "responses": {
                    "200": {
                        "description": "The log",
                        "content": {"application/vnd.metrokawa.log+msgpack": {}},
                    },
                    "401": _ERROR,
                    "404": _ERROR,
                },
            }
        },
        "/api/sessions/{session_id}/report": {
            "get": {
                "summary": "The cahier de préconisations (facilitator or co-facilitator, Bearer)",
                "parameters": [
                    _SESSION_ID,
                    {
                        "name": "format",
                        "in": "query",
                        "required": False,
                        "schema": {"enum": ["html", "md", "json"], "default": "html"},
                    },
                    {
                        "name": "territory",
                        "in": "query",
                        "required": False,
                        "description": "focus on one territory, by id (t3) or name",
                        "schema": {"type": "string"},
                    },
                ],
                "security": [{"facilitator": []}],
                "responses": {
                    "200": {
                        "description": "The report",
                        "content": {
                            "text/html": {},
                            "text/markdown": {},
                            "application/json": {"schema": {"type": "object"}},
                        },
                    },
                    "400": _ERROR,
                    "401": _ERROR,
                    "404": _ERROR,
                },
            }
        },
        "/api/sessions/{session_id}/paysage": {
            "get": {
                "summary": "The live opinion landscape (Pol.is's groups and consensus lists)",
                "description": (
                    "For whoever may see the room's tallies: a token of the session (Bearer) or "
                    "its join code (?code=, rate-limited as every code look-up). Computed from "
                    "the published state at the seq it gives, under k-anonymity (k = 5)."
                ),
                "parameters": [
                    _SESSION_ID,
                    {
                        "name": "territoire",
                        "in": "query",
                        "required": False,
                        "description": "only this territory's participants, by id (t2)",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "code",
                        "in": "query",
                        "required": False,
                        "description": "the session's join code, when no token is sent",
                        "schema": {"type": "string"},
                    },
                ],
                "security": [{}, {"facilitator": []}],
                "responses": {
                    "200": {
                        "description": "The landscape",
                        "content": {"application/json": {"schema": _LANDSCAPE}},
                    },
                    "400": {**_ERROR, "description": "unknown_territory"},
                    "401": {**_ERROR, "description": "bad_code, bad_token or revoked"},
                    "404": _ERROR,
                    "429": {**_ERROR, "description": "Too many wrong join codes"},
                    "503": {**_ERROR, "description": "unavailable: the session is stuck"},
                },
            }
        },
        "/api/sessions/{session_id}/qr.svg": {
            "get": {
                "summary": "The join link as a QR code",
                "parameters": [
                    _SESSION_ID,
                    {
                        "name": "territoire",
                        "in": "query",
                        "required": False,
                        "description": "a territory id: the link preselects it in the join form",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {"description": "SVG", "content": {"image/svg+xml": {}}},
                    "400": _ERROR,
                    "404": _ERROR,
                },
            }
        },
        "/api/sessions/{session_id}/qr": {
            "get": {
                "summary": "The same as qr.svg",
                "parameters": [
                    _SESSION_ID,
                    {
                        "name": "territoire",
                        "in": "query",
                        "required": False,
                        "description": "a territory id: the link preselects it in the join form",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": {"description": "SVG", "content": {"image/svg+xml": {}}},
                    "400": _ERROR,
                    "404": _ERROR,
                },
            }
        },
        "/api/carte": {
            "get": {
                "summary": "The forum map's tile server (METROKAWA_TILES_URL), or none",
                "responses": {
                    "200": {
                        "description": "{tiles: url template | null, attribution, attribution_url}",
                        "content": {"application/json": {}},
                    }
                },
            }
        },
        "/healthz": {"get": {"summary": "Liveness", "responses": {"200": {"description": "OK"}}}},
        "/metrics": {
            "get": {"summary": "Prometheus metrics", "responses": {"200": {"description": "Text"}}}
        },
    },
    "components": {"securitySchemes": {"facilitator": {"type": "http", "scheme": "bearer"}}},
}
