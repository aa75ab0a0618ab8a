"""The shape of the cahier as a document: sections of headings, paragraphs, quotes, lists, tables
and charts. The wording builds one ``Document``; each renderer draws it, and nothing else.
``map_text`` passes every text of a document through one function (the wording's typesetting).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace


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
    link: str = ""  # an address (http or https) shown after the text, as it is: never typeset


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


def map_text(doc: Document, f: Callable[[str], str]) -> Document:
    """``doc`` with ``f`` applied to every text it holds: titles, paragraphs, cells, labels."""
    return Document(
        title=f(doc.title),
        lead=tuple(f(line) for line in doc.lead),
        sections=tuple(
            Section(s.anchor, f(s.title), tuple(_block(b, f) for b in s.blocks))
            for s in doc.sections
        ),
    )


def _block(block: Block, f: Callable[[str], str]) -> Block:
    match block:
        case Heading(text=text) | Para(text=text):
            return replace(block, text=f(text))
        case Quote(text=text, cite=cite):
            return Quote(f(text), f(cite))
        case Bullets(items=items):
            return Bullets(tuple(f(item) for item in items))
        case Table(caption=caption, head=head, rows=rows):
            cells = tuple(tuple(_cell(c, f) for c in row) for row in rows)
            return Table(f(caption), tuple(f(h) for h in head), cells)
        case Profile(label=label):
            return replace(block, label=f(label))
        case Legend():
            return block


def _cell(cell: Cell, f: Callable[[str], str]) -> Cell:
    if isinstance(cell, str):
        return f(cell)
    return replace(cell, label=f(cell.label))
