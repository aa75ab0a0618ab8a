"""The cahier in Markdown: the document drawn as text, a merit profile as a bar of grade letters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

from .blocks import Bar, Block, Bullets, Cell, Document, Heading, Legend, Para, Profile, Quote
from .charts import GRADE_LETTERS
from .french import grade_label, percent, profile_words
from .model import Report
from .wording import document

_BREAK: Final = "\\\n"  # a hard line break: the line ends, the paragraph goes on


def _text_bar(profile: Sequence[int], width: int = 30) -> str:
    """A merit profile as ``width`` letters (R, I, P, A, B, T, E), largest remainders rounded."""
    total = sum(profile)
    if not total:
        return "·" * width
    exact = [width * n / total for n in profile]
    sizes = [int(x) for x in exact]
    order = sorted(range(len(profile)), key=lambda g: (-(exact[g] - sizes[g]), g))
    for g in order[: width - sum(sizes)]:
        sizes[g] += 1
    return "".join(GRADE_LETTERS[g] * n for g, n in enumerate(sizes))


# Every character that opens Markdown or HTML inline syntax anywhere in a line: code, emphasis,
# links and images, raw HTML and autolinks, entities, table pipes, strikethrough, headings.
_INLINE: Final = re.compile(r"([\\`*_\[\]<>&|~#])")
# What opens a block only at the start of a line: a list item (``-``, ``+``, ``1.``, ``1)``), a
# setext underline or a thematic break; the punctuation is escaped (a digit cannot be).
_LINE_START: Final = re.compile(r"^(\d*)([-+=.)])")
_NEWLINES: Final = re.compile(r"\r\n?|\n")


def _md_escape(text: str, newline: str | None = None) -> str:
    """Any text (a user's above all) as literal Markdown: the one escaper of this module.

    Every inline marker is backslash-escaped. Inline (a table cell, a heading: no ``newline``),
    the text's line breaks become spaces. As block content (a paragraph, a quote, a list item),
    they become ``newline``, a hard break that keeps the text inside its block, and each line's
    block marker is escaped too, since there a line can open a list or an underline.
    """
    lines = [_INLINE.sub(r"\\\1", line.strip()) for line in _NEWLINES.split(text)]
    if newline is None:
        return " ".join(lines)
    return newline.join(_LINE_START.sub(r"\1\\\2", line) for line in lines)


def _md_cell(cell: Cell) -> str:
    if isinstance(cell, Profile):
        return f"`{_text_bar(cell.profile, 21)}`"
    if isinstance(cell, Bar):
        return percent(cell.share)
    return _md_escape(cell)


def _md_legend() -> str:
    return (
        "Légende des barres\u00a0: "
        + ", ".join(f"`{GRADE_LETTERS[g]}` {grade_label(g)}" for g in range(7))
        + "."
    )


def _md_link(link: str) -> str:
    """An address after a paragraph's text: an autolink when it can be one (no space, no angle
    bracket: what decides a programme's links already ensures), escaped text otherwise."""
    if not link:
        return ""
    if link.startswith(("https://", "http://")) and not re.search(r"[\s<>]", link):
        return f" <{link}>"
    return f" {_md_escape(link)}"


def _md_block(block: Block) -> str:
    if isinstance(block, Heading):
        return f"### {_md_escape(block.text)}"
    if isinstance(block, Para):
        text = _md_escape(block.text, _BREAK)
        return (f"_{text}_" if block.note else text) + _md_link(block.link)
    if isinstance(block, Quote):
        return f"> {_md_escape(block.text, _BREAK + '> ')}\n>\n> — {_md_escape(block.cite)}"
    if isinstance(block, Bullets):
        return "\n".join(f"- {_md_escape(item, _BREAK + '  ')}" for item in block.items)
    if isinstance(block, Profile):
        shares = profile_words(block.profile, str)
        return f"`{_text_bar(block.profile)}`  \n{shares}"
    if isinstance(block, Legend):
        return _md_legend()
    lines = [
        f"**{_md_escape(block.caption)}**",
        "",
        "| " + " | ".join(_md_escape(h) for h in block.head) + " |",
        "|" + "|".join("---" for _ in block.head) + "|",
    ]
    lines.extend("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows)
    return "\n".join(lines)


def render_markdown(report: Report) -> str:
    return render_document_markdown(document(report))


def render_document_markdown(doc: Document) -> str:
    """Any cahier's document (a session's, a programme's) as Markdown."""
    parts = [f"# {_md_escape(doc.title)}", *(_md_escape(line, _BREAK) for line in doc.lead)]
    parts.append(
        "## Sommaire\n\n"
        + "\n".join(f"{i}. {_md_escape(s.title)}" for i, s in enumerate(doc.sections, 1))
    )
    for section in doc.sections:
        parts.append(f"## {_md_escape(section.title)}")
        parts.extend(_md_block(b) for b in section.blocks)
    return "\n\n".join(parts) + "\n"
