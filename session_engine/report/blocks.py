"""The shape of the cahier as a document: sections of headings, paragraphs, quotes, lists, tables
and charts. The wording builds one ``Document``; each renderer draws it, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """A merit profile to draw: a text bar in Markdown, an SVG in HTML."""

    profile: tuple[int, ...]
    label: str
    large: bool = False


@dataclass(frozen=True)
class Bar:
    """A share (0..1) to draw as a small bar next to its figure; None when not shown."""

    share: float | None
    label: str


Cell = str | Profile | Bar


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    note: bool = False  # a caveat (k-anonymity, method): set apart


@dataclass(frozen=True)
class Quote:
    text: str
    cite: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Legend:
    pass


Block = Heading | Para | Quote | Bullets | Table | Profile | Legend


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Document:
    title: str
    lead: tuple[str, ...]
    sections: tuple[Section, ...]
