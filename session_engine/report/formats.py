"""The cahier's three formats and the dispatch between them: Markdown and HTML draw the French
document, JSON is the data itself (``msgspec.to_builtins`` of the ``Report``)."""

from __future__ import annotations

import json
from typing import Final

import msgspec

from .html import render_html
from .markdown import render_markdown
from .model import Report

FORMATS: Final = ("md", "html", "json")


def render_json(report: Report) -> str:
    return json.dumps(msgspec.to_builtins(report), ensure_ascii=False, indent=2) + "\n"


_RENDERERS: Final = {"md": render_markdown, "html": render_html, "json": render_json}


def render(report: Report, format: str = "md") -> str:
    """The report in ``format`` (``md``, ``html`` or ``json``)."""
    try:
        renderer = _RENDERERS[format]
    except KeyError:
        raise ValueError(f"unknown report format {format!r}; one of {FORMATS}") from None
    return renderer(report)
