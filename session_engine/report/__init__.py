"""The *cahier de préconisations*: what the room concluded, per territory, with its evidence.

A pure projection of a log: envelopes in, a ``Report`` (plain data) out, then text out in
Markdown, HTML or JSON. No I/O, no clock: the date printed is the log's ``created_at``, so the
same log always gives the same bytes (``replays/`` keeps the demo's reports as golden files).

Theory of operation
-------------------
1. ``build.build_report(header, envelopes, territory=…)`` pseudonymises and replays the log,
   computes ``opinions`` and gathers every section as the frozen Structs of ``model``.
2. ``wording.document(report)`` turns the data into French (``wording_votes`` and
   ``wording_opinions`` write their sections; ``french`` formats dates, numbers and labels):
   sections of headings, paragraphs, tables and charts (``blocks``). All wording lives there, once.
3. ``markdown`` and ``html`` draw the same document; ``formats`` adds JSON
   (``msgspec.to_builtins(report)``) and ``render`` dispatches. A merit profile is a text bar in
   Markdown and an inline SVG with a ``<title>`` in HTML; the HTML is one self-contained file
   (inline CSS, no script, no external resource) that prints to A4.

Provenance is kept everywhere: a statement says its round and table, a proposal its statement,
a synthesis its round, table and host, a note its round and its table or statement (its author by
pseudonym only with consent, its text always), a vœu its vote and objections (never who raised
one).
Figures of a group under ``k`` voters are never shown, nor those of the groups hidden with it
against subtraction; a sentence says so.

Across a programme (``programme``): ``programme_cahier(programme_state, reports, territory=…)``
gathers the sessions' reports into a territory's *cahier de préconisations localisées*, or the
programme's cahier of all its territories (``programme_model``, worded by ``programme_wording``
and drawn by the same renderers: ``render_programme_html`` / ``_markdown`` / ``_json``).

This package re-exports the public surface of the former ``report`` module.
"""

from __future__ import annotations

from ..decide import ADOPTION_GRADE
from .build import UnknownTerritory, build_report
from .formats import FORMATS, render, render_json
from .french import french_date, french_day
from .html import render_html
from .markdown import _text_bar as _text_bar  # the tests check the text bars directly
from .markdown import render_markdown
from .model import Report
from .programme import (
    programme_cahier,
    render_programme_html,
    render_programme_json,
    render_programme_markdown,
)
from .programme_model import ProgrammeCahier
from .wording import document

__all__ = [
    "ADOPTION_GRADE",
    "FORMATS",
    "ProgrammeCahier",
    "Report",
    "UnknownTerritory",
    "build_report",
    "document",
    "french_date",
    "french_day",
    "programme_cahier",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_programme_html",
    "render_programme_json",
    "render_programme_markdown",
]
